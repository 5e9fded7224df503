// `loadseed seed-multi-event --sink cloudflare-kv` against the KV emulator:
// the API's limits, the stored keys and values, retries under faults, and
// how failures end a run.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <loadseed/core/scenario.hpp>

#include "emulator.hpp"
#include "test_support.hpp"

#include <bitset>
#include <chrono>
#include <fstream>
#include <map>

using loadseed::test::Emulator;
using loadseed::test::read_lines;
using loadseed::test::run_loadseed;
using loadseed::test::RunResult;
using loadseed::test::TempDir;
using nlohmann::json;

namespace {

const std::string start = "2026-05-01T18:00:00Z";

std::vector<std::string> seed_args(const Emulator& emulator, std::vector<std::string> more) {
    std::vector<std::string> args = {"seed-multi-event", "--sink", "cloudflare-kv", "--seed", "11", "--start", start};
    auto options = emulator.sink_options();
    args.insert(args.end(), options.begin(), options.end());
    args.insert(args.end(), more.begin(), more.end());
    return args;
}

RunResult seed(const Emulator& emulator, std::vector<std::string> more, std::vector<std::string> env = {}) {
    if (env.empty()) env = emulator.token_env();
    return run_loadseed(seed_args(emulator, std::move(more)), env);
}

json summary_of(const RunResult& result, const std::string& sink = "cloudflare-kv") {
    json out = json::parse(result.out);
    for (const auto& entry : out["sinks"])
        if (entry["sink"] == sink) return entry;
    FAIL("no summary for sink " << sink << " in " << result.out);
    return {};
}

uint64_t status_count(const json& stats, const std::string& status) {
    return stats["requests_by_status"].value(status, uint64_t(0));
}

// Checks every pair of an emulator dump as it streams by, so 1.2M pairs need
// no document in memory. Each event's pairs must cover bands 1..bands in
// both forms, with a value naming the event.
class DumpChecker : public json::json_sax_t {
public:
    DumpChecker(std::vector<std::string> event_ids, uint64_t bands) : ids_(std::move(event_ids)), bands_(bands) {
        for (size_t e = 0; e < ids_.size(); ++e) seen_[e] = {std::vector<bool>(bands + 1), std::vector<bool>(bands + 1)};
    }

    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t) override { return true; }
    bool number_unsigned(number_unsigned_t) override { return true; }
    bool number_float(number_float_t, const string_t&) override { return true; }
    bool binary(binary_t&) override { return true; }
    bool start_object(std::size_t) override { key_.clear(); value_.clear(); return true; }
    bool key(string_t& name) override { field_ = name; return true; }
    bool string(string_t& text) override {
        if (field_ == "key") key_ = text;
        if (field_ == "value") value_ = text;
        return true;
    }
    bool end_object() override { check_pair(); return true; }
    bool start_array(std::size_t) override { return true; }
    bool end_array() override { return true; }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& error) override {
        problems.push_back(std::string("dump is not valid JSON: ") + error.what());
        return false;
    }

    // Keys that are missing, per event and form.
    uint64_t missing() const {
        uint64_t count = 0;
        for (const auto& [e, forms] : seen_)
            for (const auto& seen : forms)
                for (uint64_t n = 1; n <= bands_; ++n) count += !seen[n];
        return count;
    }

    uint64_t pairs = 0;
    std::vector<std::string> problems;

private:
    void check_pair() {
        ++pairs;
        for (size_t e = 0; e < ids_.size(); ++e) {
            const std::string bare = "LOADTEST-E" + std::to_string(e + 1) + "-";
            const std::string scoped = "evt:" + ids_[e] + ":" + bare;
            int form = key_.rfind(bare, 0) == 0 ? 0 : key_.rfind(scoped, 0) == 0 ? 1 : -1;
            if (form < 0) continue;
            const std::string digits = key_.substr(form == 0 ? bare.size() : scoped.size());
            uint64_t number = digits.size() == 6 ? std::stoull(digits) : 0;
            if (number < 1 || number > bands_ || seen_[e][form][number]) return note("unexpected key " + key_);
            seen_[e][form][number] = true;
            if (!value_matches(e)) note("key " + key_ + " has value " + value_);
            return;
        }
        note("key of no event: " + key_);
    }

    // Values repeat per event, so each distinct text is parsed once.
    bool value_matches(size_t e) {
        auto cached = checked_.find(value_);
        if (cached != checked_.end()) return cached->second == e;
        json value = json::parse(value_, nullptr, false);
        bool matches = value.is_object() && value.value("eventId", "") == ids_[e] &&
                       value.value("url", "") == "https://compassion.com/live" && value.value("mode", "") == "live" &&
                       value.value("windowId", "") == ids_[e] + "-live";
        checked_[value_] = matches ? e : size_t(-1);
        return matches;
    }

    void note(const std::string& problem) {
        if (problems.size() < 5) problems.push_back(problem);
    }

    std::vector<std::string> ids_;
    uint64_t bands_;
    std::map<size_t, std::array<std::vector<bool>, 2>> seen_;
    std::map<std::string, size_t> checked_;
    std::string field_, key_, value_;
};

std::vector<std::string> event_ids_from(const std::string& event_csv) {
    std::vector<std::string> ids;
    auto lines = read_lines(event_csv);
    for (size_t i = 1; i < lines.size(); ++i) ids.push_back(loadseed::test::csv_fields(lines[i])[0]);
    return ids;
}

bool contains(const RunResult& result, const std::string& text) {
    return result.out.find(text) != std::string::npos || result.err.find(text) != std::string::npos;
}

}  // namespace

TEST_CASE("default run stores 1,200,000 keys within the limits", "[cloudflare-kv][slow]") {
    TempDir dir;
    Emulator emulator({"--dump", dir / "dump.json"});
    // file-dump in the same run gives the event ids the values must name.
    auto result = seed(emulator, {"--sink", "file-dump", "--out", dir / "out", "--json"});
    INFO(result.err);
    REQUIRE(result.status == 0);

    json stats = emulator.stats();
    CHECK(stats["max_pairs_in_request"] == 10000);
    CHECK(stats["max_body_bytes"].get<uint64_t>() <= 100'000'000);
    CHECK(stats["keys"] == 1'200'000);
    CHECK(stats["bulk_writes"] == 120);
    CHECK(stats["requests"] == 121);  // the access check, then 120 bulk writes
    CHECK(status_count(stats, "200") == 121);

    json summary = summary_of(result);
    CHECK(summary["keys"] == 1'200'000);
    CHECK(summary["requests"] == 121);
    CHECK(summary["retries"] == 0);

    REQUIRE(emulator.stop() == 0);
    DumpChecker checker(event_ids_from(dir / "out/event.csv"), 200000);
    std::ifstream dump(dir / "dump.json");
    REQUIRE(json::sax_parse(dump, &checker));
    CHECK(checker.problems.empty());
    for (const auto& problem : checker.problems) UNSCOPED_INFO(problem);
    CHECK(checker.pairs == 1'200'000);
    CHECK(checker.missing() == 0);
}

TEST_CASE("bulk writes split at max-request-bytes", "[cloudflare-kv]") {
    Emulator emulator;
    auto result = seed(emulator, {"--bands-per-event", "5000", "--opt", "cloudflare-kv.max-request-bytes=500000",
                                  "--json"});
    INFO(result.err);
    REQUIRE(result.status == 0);
    json stats = emulator.stats();
    CHECK(stats["max_body_bytes"].get<uint64_t>() <= 500000);
    CHECK(stats["keys"] == 30000);
    // 10,000 pairs of about 204 bytes make 2.04 MB, so each batch takes 5 bodies.
    CHECK(stats["bulk_writes"] == 15);
}

TEST_CASE("429 and 500 answers are retried until every key is stored", "[cloudflare-kv][faults]") {
    Emulator emulator({"--fail-429", "0.2", "--fail-500", "0.05", "--retry-after", "1", "--fault-seed", "3"});
    auto started = std::chrono::steady_clock::now();
    auto result = seed(emulator, {"--bands-per-event", "100000", "--opt", "cloudflare-kv.backoff-ms=5", "--json",
                                  "--verbose"});
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    INFO(result.err);
    REQUIRE(result.status == 0);

    json stats = emulator.stats();
    CHECK(stats["keys"] == 600'000);
    json summary = summary_of(result);
    const uint64_t faulted = status_count(stats, "429") + status_count(stats, "500");
    CHECK(faulted > 0);
    CHECK(summary["retries"] == faulted);
    CHECK(summary["requests"] == stats["requests"]);
    CHECK(summary["requests"].get<uint64_t>() == 61 + faulted);  // access check + 60 bulk writes
    CHECK_THAT(summary["detail"].get<std::string>(), Catch::Contains(std::to_string(faulted) + " retries"));
    // Retry-After: 1 was honoured: some request waited a second.
    if (status_count(stats, "429") > 0) CHECK(seconds >= 1.0);
    CHECK_FALSE(contains(result, emulator.token()));
}

TEST_CASE("dropped connections and unsuccessful keys are retried", "[cloudflare-kv][faults]") {
    Emulator emulator({"--drop", "0.15", "--unsuccessful", "0.02", "--fault-seed", "5"});
    auto result = seed(emulator, {"--bands-per-event", "25000", "--opt", "cloudflare-kv.backoff-ms=5", "--json"});
    INFO(result.err);
    REQUIRE(result.status == 0);
    json stats = emulator.stats();
    CHECK(stats["keys"] == 150'000);
    json summary = summary_of(result);
    CHECK(summary["keys"] == 150'000);
    CHECK(summary["requests"] == stats["requests"]);
    CHECK(summary["retries"].get<uint64_t>() == stats["requests"].get<uint64_t>() - 16);
}

TEST_CASE("failing API stops the run at the attempt limit", "[cloudflare-kv][faults]") {
    Emulator emulator({"--fail-all"});
    auto failed = seed(emulator, {"--bands-per-event", "20000", "--opt", "cloudflare-kv.max-attempts=3", "--opt",
                                  "cloudflare-kv.backoff-ms=1", "--verbose"});
    INFO(failed.err);
    CHECK(failed.status == 1);
    CHECK_THAT(failed.err, Catch::Contains("failed after 3 attempts"));
    CHECK_THAT(failed.err, Catch::Contains("HTTP 500, Cloudflare error 10014"));
    CHECK_THAT(failed.err, Catch::Contains("re-running the same command finishes the job"));
    CHECK(emulator.stats()["requests"] == 3);
    CHECK_FALSE(contains(failed, emulator.token()));

    emulator.set_faults({{"fail_all", false}});
    auto rerun = seed(emulator, {"--bands-per-event", "20000", "--json"});
    INFO(rerun.err);
    REQUIRE(rerun.status == 0);
    CHECK(emulator.stats()["keys"] == 120'000);
}

TEST_CASE("rejected token stops at once without retries", "[cloudflare-kv]") {
    Emulator emulator;
    const std::string wrong = "wrong-token-7f3a9c1e";
    auto result = seed(emulator, {"--bands-per-event", "20000", "--verbose"}, {"CF_API_TOKEN=" + wrong});
    INFO(result.err);
    CHECK(result.status == 1);
    CHECK_THAT(result.err, Catch::Contains("(unauthorized)"));
    CHECK_THAT(result.err, Catch::Contains("HTTP 401"));
    CHECK_THAT(result.err, Catch::Contains("check CF_API_TOKEN"));
    CHECK_FALSE(contains(result, wrong));
    CHECK_FALSE(contains(result, emulator.token()));
    json stats = emulator.stats();
    CHECK(stats["requests"] == 1);
    CHECK(status_count(stats, "401") == 1);
    CHECK(stats["keys"] == 0);
}

TEST_CASE("ttl below 60 seconds is rejected", "[cloudflare-kv][ttl]") {
    Emulator emulator;
    auto result = seed(emulator, {"--bands-per-event", "20000", "--opt", "cloudflare-kv.ttl=59"});
    CHECK(result.status == 2);
    CHECK_THAT(result.err, Catch::Contains("option 'ttl' must be at least 60 seconds"));
    CHECK(emulator.stats()["requests"] == 0);
}

TEST_CASE("ttl sets an expiration on every key", "[cloudflare-kv][ttl]") {
    Emulator emulator;
    auto result = seed(emulator, {"--bands-per-event", "5000", "--opt", "cloudflare-kv.ttl=3600"});
    INFO(result.err);
    REQUIRE(result.status == 0);
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    auto keys = emulator.list("LOADTEST-E2-");
    REQUIRE(keys.size() == 5000);
    for (const auto& key : {keys.front(), keys.back()}) {
        REQUIRE(key.contains("expiration"));
        CHECK(key["expiration"].get<int64_t>() > now + 3600 - 120);
        CHECK(key["expiration"].get<int64_t>() <= now + 3600);
    }
}

TEST_CASE("scenario with over-long keys sends nothing", "[cloudflare-kv]") {
    TempDir dir;
    Emulator emulator;
    json scenario = loadseed::core::Scenario::defaults().to_json();
    scenario["events"][0]["bandPrefix"] = std::string(490, 'P');
    loadseed::test::write_file(dir / "scenario.json", scenario.dump());
    auto result = seed(emulator, {"--scenario", dir / "scenario.json"});
    CHECK(result.status == 2);
    CHECK_THAT(result.err, Catch::Contains("over the limit of 512"));
    CHECK(emulator.stats()["requests"] == 0);
}
