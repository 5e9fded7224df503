// The default seed-multi-event into the file-dump sink: exact counts, formats,
// determinism, shards and crash safety, checked on the files themselves.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

#include <loadseed/core/ids.hpp>

#include <csignal>
#include <map>
#include <set>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>
#include <unordered_set>

using loadseed::test::csv_fields;
using loadseed::test::run_loadseed;
using loadseed::test::read_file;
using loadseed::test::read_lines;
using loadseed::test::TempDir;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> pinned = {"--seed", "42", "--start", "2026-05-01T18:00:00Z"};

std::vector<std::string> seed_args(const std::string& out, std::vector<std::string> more = {}) {
    std::vector<std::string> args = {"seed-multi-event", "--out", out};
    args.insert(args.end(), pinned.begin(), pinned.end());
    args.insert(args.end(), more.begin(), more.end());
    return args;
}

std::vector<fs::path> kv_files(const fs::path& out) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(out / "kv")) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    return files;
}

std::string sha256_of(const fs::path& file) {
    auto result = loadseed::test::run("/usr/bin/sha256sum", {file.string()});
    return result.out.substr(0, 64);
}

// Data rows of a CSV file, header dropped.
std::vector<std::string> data_rows(const fs::path& file) {
    std::vector<std::string> lines = read_lines(file);
    if (!lines.empty()) lines.erase(lines.begin());
    return lines;
}

}  // namespace

TEST_CASE("default run writes the old seeder's data set", "[file-dump]") {
    TempDir dir;
    const fs::path out = dir / "out";
    auto result = run_loadseed(seed_args(out.string(), {"--json"}));
    REQUIRE(result.status == 0);
    json summary = json::parse(result.out);
    CHECK(summary["seed"] == 42);
    CHECK(summary["sinks"][0]["sink"] == "file-dump");
    CHECK(summary["sinks"][0]["keys"] == 1200000);

    // Organization, events, windows.
    auto organizations = data_rows(out / "organization.csv");
    REQUIRE(organizations.size() == 1);
    auto org = csv_fields(organizations[0]);
    CHECK(org[1] == "Load Test Org");
    CHECK(org[2] == "loadtest-org");
    auto events = data_rows(out / "event.csv");
    REQUIRE(events.size() == 3);
    std::vector<std::string> event_ids;
    for (const auto& line : events) {
        auto fields = csv_fields(line);
        REQUIRE(fields.size() == 27);
        event_ids.push_back(fields[0]);
        CHECK(fields[1] == org[0]);
        CHECK(fields[19] == "ACTIVE");
        CHECK(fields[20] == "200000");
    }
    CHECK(csv_fields(events[0])[9] == "Nashville, TN");
    CHECK(csv_fields(events[2])[12] == "39.739200");
    CHECK(csv_fields(events[2])[13] == "-104.990300");
    auto windows = data_rows(out / "event_window.csv");
    REQUIRE(windows.size() == 3);
    CHECK(csv_fields(windows[0])[0] == event_ids[0] + "-live");
    CHECK(csv_fields(windows[0])[2] == "LIVE");
    CHECK(csv_fields(windows[0])[8] == "true");

    // Bands: 3 x 200,000, numbered 1..200,000 per event with 6 digits. Rows
    // are checked in a loop that counts mismatches, because 600,000 separate
    // assertions would dominate the test's run time.
    auto bands = data_rows(out / "band.csv");
    REQUIRE(bands.size() == 600000);
    std::unordered_set<std::string> first_event_band_ids;
    std::set<std::string> band_row_ids;
    size_t bad_bands = 0;
    std::string first_bad_band;
    for (size_t i = 0; i < bands.size(); ++i) {
        auto fields = csv_fields(bands[i]);
        size_t event = i / 200000;
        char expected[32];
        std::snprintf(expected, sizeof expected, "LOADTEST-E%zu-%06zu", event + 1, i % 200000 + 1);
        bool good = fields.size() == 17 && fields[1] == expected && fields[2] == event_ids[event] &&
                    loadseed::core::is_cuid_shaped(fields[0]) && fields[6] == "false" && fields[12] == "0" &&
                    fields[16] == "2026-05-01 18:00:00.000";
        if (!good && bad_bands++ == 0) first_bad_band = bands[i];
        band_row_ids.insert(fields[0]);
        if (event == 0) first_event_band_ids.insert(fields[0]);
    }
    INFO("first bad band row: " << first_bad_band);
    CHECK(bad_bands == 0);
    CHECK(band_row_ids.size() == 600000);

    // Tap logs: 600,000, each referencing a band of the first event.
    auto taps = data_rows(out / "tap_log.csv");
    REQUIRE(taps.size() == 600000);
    std::set<std::string> tap_ids;
    size_t bad_taps = 0;
    std::string first_bad_tap;
    for (const auto& line : taps) {
        auto fields = csv_fields(line);
        bool good = fields.size() == 9 && first_event_band_ids.count(fields[1]) == 1 && fields[2] == event_ids[0] &&
                    fields[4] >= "2026-05-01 12:00:00.000" && fields[4] <= "2026-05-01 18:00:00.000" &&
                    fields[7] == "k6-loadtest/1.0" && fields[8].rfind("10.0.", 0) == 0;
        if (good && fields[5] == "LIVE")
            good = fields[3] == event_ids[0] + "-live" && fields[6] == "https://compassion.com/live";
        else if (good)
            good = fields[3].empty() && (fields[5] == "PRE" || fields[5] == "POST") &&
                   fields[6] == "https://compassion.com/" + std::string(fields[5] == "PRE" ? "pre" : "post");
        if (!good && bad_taps++ == 0) first_bad_tap = line;
        tap_ids.insert(fields[0]);
    }
    INFO("first bad tap row: " << first_bad_tap);
    CHECK(bad_taps == 0);
    CHECK(tap_ids.size() == 600000);

    // KV: 1,200,000 pairs in files of at most 10,000; both key forms per band.
    auto files = kv_files(out);
    CHECK(files.size() == 120);
    uint64_t pairs = 0;
    std::set<std::string> keys;
    for (const auto& file : files) {
        json bulk = json::parse(read_file(file));
        REQUIRE(bulk.is_array());
        CHECK(bulk.size() <= 10000);
        pairs += bulk.size();
        for (const auto& pair : bulk) keys.insert(pair["key"].get<std::string>());
    }
    CHECK(pairs == 1200000);
    CHECK(keys.size() == 1200000);
    CHECK(keys.count("LOADTEST-E1-000001") == 1);
    CHECK(keys.count("LOADTEST-E3-200000") == 1);
    CHECK(keys.count("evt:" + event_ids[1] + ":LOADTEST-E2-123456") == 1);
    CHECK(keys.count("LOADTEST-E1-200001") == 0);

    json first = json::parse(read_file(files.front()))[1];
    CHECK(first["key"] == "evt:" + event_ids[0] + ":LOADTEST-E1-000001");
    json value = json::parse(first["value"].get<std::string>());
    CHECK(value == json({{"url", "https://compassion.com/live"},
                         {"eventId", event_ids[0]},
                         {"mode", "live"},
                         {"windowId", event_ids[0] + "-live"}}));

    // The manifest counts every file and its SHA-256 matches the bytes.
    json manifest = json::parse(read_file(out / "manifest.json"));
    CHECK(manifest["seed"] == 42);
    CHECK(manifest["kvPairs"] == 1200000);
    std::map<std::string, json> by_path;
    for (const auto& file : manifest["files"]) by_path[file["path"]] = file;
    CHECK(by_path.size() == 125);
    CHECK(by_path["band.csv"]["rows"] == 600000);
    CHECK(by_path["tap_log.csv"]["rows"] == 600000);
    CHECK(by_path["kv/bulk-0001.json"]["rows"] == 10000);
    CHECK(by_path["tap_log.csv"]["sha256"] == sha256_of(out / "tap_log.csv"));
    CHECK(by_path["kv/bulk-0120.json"]["sha256"] == sha256_of(out / "kv/bulk-0120.json"));
}

TEST_CASE("same seed and start give byte-identical output", "[file-dump]") {
    TempDir dir;
    REQUIRE(run_loadseed(seed_args(dir / "a", {"--bands-per-event", "20000", "--taps", "50000"})).status == 0);
    REQUIRE(run_loadseed(seed_args(dir / "b", {"--bands-per-event", "20000", "--taps", "50000"})).status == 0);
    for (const char* file : {"manifest.json", "band.csv", "tap_log.csv", "event.csv", "kv/bulk-0003.json"})
        CHECK(read_file(fs::path(dir / "a") / file) == read_file(fs::path(dir / "b") / file));

    REQUIRE(run_loadseed({"seed-multi-event", "--out", dir / "c", "--seed", "43", "--start", "2026-05-01T18:00:00Z",
                      "--bands-per-event", "20000", "--taps", "50000"})
                .status == 0);
    CHECK(read_file(fs::path(dir / "a") / "tap_log.csv") != read_file(fs::path(dir / "c") / "tap_log.csv"));
}

TEST_CASE("shards add up to the unsharded run", "[file-dump][shard]") {
    TempDir dir;
    const std::vector<std::string> size = {"--bands-per-event", "10001", "--taps", "30001"};
    REQUIRE(run_loadseed(seed_args(dir / "whole", size)).status == 0);

    std::map<std::string, std::vector<std::string>> joined;
    std::multiset<std::string> joined_kv;
    for (int k = 1; k <= 3; ++k) {
        std::string out = dir / ("shard" + std::to_string(k));
        auto args = size;
        args.insert(args.end(), {"--shard", std::to_string(k) + "/3"});
        REQUIRE(run_loadseed(seed_args(out, args)).status == 0);
        for (const char* table : {"organization.csv", "event.csv", "event_window.csv", "band.csv", "tap_log.csv"}) {
            auto rows = data_rows(fs::path(out) / table);
            joined[table].insert(joined[table].end(), rows.begin(), rows.end());
        }
        for (const auto& file : kv_files(out))
            for (const auto& pair : json::parse(read_file(file))) joined_kv.insert(pair.dump());
    }

    // Shards write each event's range in turn, so rows come in another order.
    for (auto& [table, rows] : joined) {
        INFO(table);
        auto whole = data_rows(fs::path(dir / "whole") / table);
        std::sort(rows.begin(), rows.end());
        std::sort(whole.begin(), whole.end());
        CHECK(rows.size() == whole.size());
        CHECK(rows == whole);
    }
    std::multiset<std::string> whole_kv;
    for (const auto& file : kv_files(dir / "whole"))
        for (const auto& pair : json::parse(read_file(file))) whole_kv.insert(pair.dump());
    CHECK(joined_kv == whole_kv);
    CHECK(whole_kv.size() == 60006);
}

TEST_CASE("re-run replaces the data set whole", "[file-dump]") {
    TempDir dir;
    const fs::path out = dir / "out";
    REQUIRE(run_loadseed(seed_args(out.string(), {"--bands-per-event", "30000"})).status == 0);
    CHECK(kv_files(out).size() == 18);
    REQUIRE(run_loadseed(seed_args(out.string(), {"--bands-per-event", "1000", "--taps", "10"})).status == 0);
    CHECK(kv_files(out).size() == 1);  // no stale bulk files from the larger run
    CHECK(data_rows(out / "band.csv").size() == 3000);
    for (const auto& entry : fs::directory_iterator(dir.path()))
        CHECK(entry.path().filename() == "out");  // staging and old copies are gone
}

TEST_CASE("folder that is not a data set is refused", "[file-dump]") {
    TempDir dir;
    fs::create_directories(dir / "precious");
    loadseed::test::write_file(dir / "precious/notes.txt", "keep me");
    auto result = run_loadseed(seed_args(dir / "precious"));
    CHECK(result.status == 2);
    CHECK_THAT(result.err, Catch::Contains("exists and is not a loadseed data set (no manifest.json)"));
    CHECK(read_file(dir / "precious/notes.txt") == "keep me");
}

TEST_CASE("killed run leaves the previous data set intact", "[file-dump]") {
    TempDir dir;
    const fs::path out = dir / "out";
    REQUIRE(run_loadseed(seed_args(out.string(), {"--bands-per-event", "1000", "--taps", "10"})).status == 0);
    const std::string manifest_before = read_file(out / "manifest.json");

    // Start a large run and kill it as soon as its staging folder exists.
    std::vector<std::string> args = seed_args(out.string(), {"--bands-per-event", "2000000"});
    std::vector<char*> argv = {const_cast<char*>(LOADSEED_BINARY)};
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    REQUIRE(posix_spawn(&pid, LOADSEED_BINARY, nullptr, nullptr, argv.data(), environ) == 0);
    bool staged = false;
    for (int i = 0; i < 500 && !staged; ++i) {
        for (const auto& entry : fs::directory_iterator(dir.path()))
            staged = staged || entry.path().filename().string().rfind("out.partial", 0) == 0;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    ::kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    REQUIRE(staged);
    REQUIRE(WIFSIGNALED(status));

    CHECK(read_file(out / "manifest.json") == manifest_before);
    CHECK(data_rows(out / "band.csv").size() == 3000);

    // The next run clears the dead run's staging folder and completes.
    REQUIRE(run_loadseed(seed_args(out.string(), {"--bands-per-event", "1000", "--taps", "10"})).status == 0);
}

TEST_CASE("dry run prints the plan and writes nothing", "[file-dump][cli]") {
    TempDir dir;
    auto result = run_loadseed(seed_args(dir / "out", {"--dry-run"}));
    REQUIRE(result.status == 0);
    CHECK_THAT(result.out, Catch::Contains("dry run: nothing is written"));
    CHECK_THAT(result.out, Catch::Contains("LT Event Nashville       200,000 bands from LOADTEST-E1-000001, 400,000 KV "
                                           "keys, 600,000 tap logs"));
    CHECK_THAT(result.out, Catch::Contains("total: 600,000 bands, 1,200,000 KV keys, 600,000 tap logs"));
    CHECK_FALSE(fs::exists(dir / "out"));
}

TEST_CASE("invalid scenario file is refused before any write", "[file-dump][cli]") {
    TempDir dir;
    loadseed::test::write_file(dir / "s.json", R"({"events": [{"name": "A", "bandPrefix": "A-", "bands": -1}]})");
    auto result = run_loadseed({"seed-multi-event", "--scenario", dir / "s.json", "--out", dir / "out"});
    CHECK(result.status == 2);
    CHECK_THAT(result.err, Catch::Contains("s.json: events[0].bands: must not be negative"));
    CHECK_FALSE(fs::exists(dir / "out"));

    auto shard = run_loadseed({"seed-multi-event", "--shard", "4/3", "--out", dir / "out"});
    CHECK(shard.status == 2);
    CHECK_THAT(shard.err, Catch::Contains("invalid --shard '4/3'"));
}
