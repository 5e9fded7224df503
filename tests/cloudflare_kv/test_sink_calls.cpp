// The cloudflare-kv sink driven in-process through core's SinkHandle. These
// tests reach what the seed command cannot: the sink's own key checks, a
// failure in the middle of a stage, and audit, cleanup and verify, which
// have no host command yet.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <loadseed/core/clock.hpp>
#include <loadseed/core/instances.hpp>
#include <loadseed/core/options.hpp>
#include <loadseed/core/plugin_loader.hpp>
#include <loadseed/core/run_model.hpp>
#include <loadseed/core/scenario.hpp>

#include "emulator.hpp"
#include "test_support.hpp"

using namespace loadseed::core;
using loadseed::test::Emulator;
using nlohmann::json;

namespace {

struct ReportLine {
    std::string subject, scope, note;
    int64_t expected = 0, found = 0;
};

// Collects the lines a sink reports during audit, check_cleanup and verify.
struct Report {
    std::vector<ReportLine> lines;
    ls_report_sink sink{sizeof(ls_report_sink), this, &Report::add};

    static void add(void* context, const ls_report_line* line) {
        static_cast<Report*>(context)->lines.push_back(
            {line->subject, line->scope, line->note ? line->note : "", line->expected, line->found});
    }
    const ReportLine* find(const std::string& subject, const std::string& scope) const {
        for (const auto& line : lines)
            if (line.subject == subject && line.scope == scope) return &line;
        return nullptr;
    }
};

RunModel make_model(uint64_t bands, bool dry_run = false) {
    Scenario scenario = Scenario::defaults();
    for (auto& event : scenario.events) event.bands = bands;
    RunSettings settings;
    settings.seed = 5;
    settings.started_at = *parse_utc("2026-05-01T18:00:00Z");
    settings.dry_run = dry_run;
    return RunModel(scenario, settings);
}

// Opens the cloudflare-kv plugin against `emulator`, with `extra` options.
class KvSink {
public:
    KvSink(const Emulator& emulator, std::map<std::string, std::string> extra = {})
        : console_(Console::Verbosity::quiet) {
        std::string reason;
        REQUIRE(load_plugin_file(std::string(LOADSEED_PLUGIN_DIR) + "/cloudflare-kv.so", plugin_, reason));
        std::map<std::string, std::string> options = {{"api-base-url", emulator.api_base_url()},
                                                      {"account-id", loadseed::test::account_id},
                                                      {"namespace-id", loadseed::test::namespace_id},
                                                      {"api-token", emulator.token()},
                                                      {"backoff-ms", "1"}};
        for (auto& [name, value] : extra) options[name] = value;
        handle_ = std::make_unique<SinkHandle>(plugin_, resolve_options(plugin_, options), console_);
    }
    SinkHandle& operator*() { return *handle_; }
    SinkHandle* operator->() { return handle_.get(); }

private:
    Plugin plugin_;
    Console console_;
    std::unique_ptr<SinkHandle> handle_;
};

ls_stage kv_stage(uint32_t event_index, uint64_t rows) {
    ls_stage stage{};
    stage.struct_size = sizeof stage;
    stage.table = LS_TABLE_KV_PAIR;
    stage.event_index = event_index;
    stage.row_count = rows;
    return stage;
}

ls_batch kv_batch(const std::vector<ls_kv_row>& rows) {
    ls_batch batch{};
    batch.struct_size = sizeof batch;
    batch.table = LS_TABLE_KV_PAIR;
    batch.row_count = rows.size();
    batch.row_size = sizeof(ls_kv_row);
    batch.rows = rows.data();
    return batch;
}

// Writes `bands` bands per event through the sink, as the host would.
void seed_through(SinkHandle& sink, RunModel& model) {
    sink.prepare(model.run());
    BatchBuilder builder(model);
    for (uint32_t e = 0; e < model.run().event_count; ++e) {
        const ls_event& event = model.run().events[e];
        ls_stage stage = kv_stage(e, event.band_count * 2);
        REQUIRE(sink.begin_stage(stage));
        for (uint64_t offset = 0; offset < event.band_count; offset += 5000) {
            uint64_t count = std::min<uint64_t>(5000, event.band_count - offset);
            sink.write_batch(builder.kv_pairs(e, event.first_band + offset, count, offset * 2));
        }
        sink.end_stage(stage);
    }
    sink.finish();
}

std::string message_of(const std::function<void()>& call) {
    try {
        call();
    } catch (const std::exception& error) {
        return error.what();
    }
    return {};
}

}  // namespace

TEST_CASE("invalid key stops a batch before any of it is sent", "[cloudflare-kv][limits]") {
    Emulator emulator;
    KvSink sink(emulator);
    RunModel model = make_model(100);
    sink->prepare(model.run());
    REQUIRE(sink->begin_stage(kv_stage(0, 6)));

    const std::string value = R"({"url":"https://compassion.com/live"})";
    const std::string long_key(513, 'k');
    const std::string huge_value(25 * 1024 * 1024 + 1, 'v');
    struct Case {
        std::string key, value, expected;
    };
    for (const Case& bad : {Case{"..", value, "invalid KV key '..'"}, Case{".", value, "invalid KV key '.'"},
                            Case{"", value, "the key is empty"}, Case{long_key, value, "513 bytes, over the limit of 512"},
                            Case{"LOADTEST-E1-000003", huge_value, "over the limit of 26214400"}}) {
        std::vector<ls_kv_row> rows = {{{"LOADTEST-E1-000001", 18}, {value.data(), value.size()}},
                                       {{"LOADTEST-E1-000002", 18}, {value.data(), value.size()}},
                                       {{bad.key.data(), bad.key.size()}, {bad.value.data(), bad.value.size()}}};
        std::string message = message_of([&] { sink->write_batch(kv_batch(rows)); });
        CHECK_THAT(message, Catch::Contains(bad.expected));
        CHECK_THAT(message, Catch::Contains("(invalid argument)"));
    }
    json stats = emulator.stats();
    CHECK(stats["requests"] == 1);  // the access check only
    CHECK(stats["bulk_writes"] == 0);
}

TEST_CASE("prepare rejects over-long keys before any request", "[cloudflare-kv][limits]") {
    Emulator emulator;
    KvSink sink(emulator);
    RunModel model = make_model(100);
    // The host rejects such scenarios; this bypasses it to reach the sink's own check.
    const std::string prefix(480, 'P');
    model.run().events[1].band_prefix = prefix.c_str();
    std::string message = message_of([&] { sink->prepare(model.run()); });
    CHECK_THAT(message, Catch::Contains("would write invalid KV keys"));
    CHECK_THAT(message, Catch::Contains("over the limit of 512"));
    CHECK(emulator.stats()["requests"] == 0);
}

TEST_CASE("exhausted attempts name the batch and status", "[cloudflare-kv][faults]") {
    Emulator emulator;
    KvSink sink(emulator, {{"max-attempts", "4"}});
    RunModel model = make_model(12000);
    sink->prepare(model.run());
    emulator.set_faults({{"fail_all", true}});

    BatchBuilder builder(model);
    ls_stage stage = kv_stage(0, 24000);
    REQUIRE(sink->begin_stage(stage));
    std::string message = message_of([&] {
        for (uint64_t offset = 0; offset < 12000; offset += 5000)
            sink->write_batch(builder.kv_pairs(0, 1 + offset, std::min<uint64_t>(5000, 12000 - offset), offset * 2));
        sink->end_stage(stage);
    });
    CHECK_THAT(message, Catch::Contains("(unavailable)"));
    CHECK_THAT(message, Catch::Contains("of event 'LT Event Nashville' (pairs "));
    CHECK_THAT(message, Catch::Contains("failed after 4 attempts, the last with HTTP 500, Cloudflare error 10014"));
    sink->abandon();
    // 3 batches of 4 attempts each at most, after the access check; every
    // queued batch stops once the first one gives up.
    uint64_t requests = emulator.stats()["requests"].get<uint64_t>();
    CHECK(requests >= 1 + 4);
    CHECK(requests <= 1 + 3 * 4);
}

TEST_CASE("audit counts both key forms of every event", "[cloudflare-kv][cleanup]") {
    Emulator emulator;
    RunModel model = make_model(3000);
    KvSink seeder(emulator);
    seed_through(*seeder, model);

    KvSink sink(emulator);
    Report report;
    REQUIRE(sink->audit(model.run(), report.sink) == LS_OK);
    REQUIRE(report.lines.size() == 6);
    for (const auto& line : report.lines) {
        CHECK(line.expected == 3000);
        CHECK(line.found == 3000);
        CHECK(line.note.empty());
    }
    CHECK(report.find("KV keys (evt:-scoped)", "LT Event Denver") != nullptr);
}

TEST_CASE("verify passes, then finds a wrong value and a missing key", "[cloudflare-kv][verify]") {
    Emulator emulator;
    // The emulator takes about 27 ms per single-key read, so the full reads
    // stay few and run 16 at a time.
    RunModel model = make_model(300);
    KvSink seeder(emulator);
    seed_through(*seeder, model);
    KvSink sink(emulator, {{"rate-limit", "100000"}, {"concurrency", "16"}});

    Report sample, full;
    CHECK(sink->verify(model.run(), false, sample.sink) == LS_OK);
    const ReportLine* sampled = sample.find("KV values, sample (bare)", "LT Event Dallas");
    REQUIRE(sampled != nullptr);
    CHECK(sampled->expected == 20);
    CHECK(sampled->found == 20);
    CHECK(sink->verify(model.run(), true, full.sink) == LS_OK);
    CHECK(full.find("KV values, all (evt:-scoped)", "LT Event Dallas")->found == 300);

    const std::string event_id = model.run().events[1].id;
    emulator.write_value("LOADTEST-E2-000177", R"({"url":"https://compassion.com/live","eventId":"other","mode":"live"})");
    emulator.delete_value("evt:" + event_id + ":LOADTEST-E2-000234");
    Report after;
    CHECK(sink->verify(model.run(), true, after.sink) == LS_MISMATCH);
    const ReportLine* values = after.find("KV values, all (bare)", "LT Event Dallas");
    REQUIRE(values != nullptr);
    CHECK(values->found == 299);
    CHECK_THAT(values->note, Catch::Contains("'LOADTEST-E2-000177' has eventId 'other'"));
    const ReportLine* scoped = after.find("KV keys (evt:-scoped)", "LT Event Dallas");
    REQUIRE(scoped != nullptr);
    CHECK(scoped->found == 299);
    CHECK_THAT(after.find("KV values, all (evt:-scoped)", "LT Event Dallas")->note,
               Catch::Contains("LOADTEST-E2-000234' is missing"));
}

TEST_CASE("safety gate refuses keys loadseed did not write", "[cloudflare-kv][cleanup]") {
    Emulator emulator;
    RunModel model = make_model(1000);
    KvSink seeder(emulator);
    seed_through(*seeder, model);
    const std::string event_id = model.run().events[2].id;

    for (const std::string& foreign : {std::string("LOADTEST-E1-foo"), "evt:" + event_id + ":notes"}) {
        emulator.write_value(foreign, "x");
        KvSink sink(emulator);
        Report report;
        std::string message = message_of([&] { sink->check_cleanup(model.run(), report.sink); });
        CHECK_THAT(message, Catch::Contains("(refused)"));
        CHECK_THAT(message, Catch::Contains("key '" + foreign + "'"));
        CHECK(report.lines.size() == 1);
        emulator.delete_value(foreign);
    }
    CHECK(emulator.stats()["keys"] == 6000);
}

TEST_CASE("cleanup deletes both key forms and nothing else", "[cloudflare-kv][cleanup]") {
    Emulator emulator;
    RunModel model = make_model(12000);
    KvSink seeder(emulator);
    seed_through(*seeder, model);
    emulator.write_value("OTHER-KEY-1", "kept");
    REQUIRE(emulator.stats()["keys"] == 72001);

    SECTION("dry run deletes nothing") {
        RunModel dry = make_model(12000, true);
        KvSink sink(emulator);
        ls_sink_summary summary = sink->cleanup(dry.run());
        CHECK_THAT(summary.detail, Catch::Contains("dry run: would delete up to 72000 keys"));
        CHECK(emulator.stats()["keys"] == 72001);
        CHECK(emulator.stats()["bulk_deletes"] == 0);
    }
    SECTION("cleanup is complete and idempotent") {
        KvSink sink(emulator);
        Report report;
        REQUIRE(sink->audit(model.run(), report.sink) == LS_OK);
        REQUIRE(sink->check_cleanup(model.run(), report.sink) == LS_OK);
        ls_sink_summary summary = sink->cleanup(model.run());
        CHECK(summary.keys == 72000);
        CHECK_THAT(summary.detail, Catch::Contains("none left"));
        json stats = emulator.stats();
        CHECK(stats["keys"] == 1);
        // 2 x 12,000 keys per event in deletes of at most 10,000: 3 each.
        CHECK(stats["bulk_deletes"] == 9);
        CHECK(stats["max_pairs_in_request"] == 10000);
        CHECK(emulator.read_value("OTHER-KEY-1").body == "kept");

        KvSink again(emulator);
        CHECK(again->cleanup(model.run()).keys == 72000);
        CHECK(emulator.stats()["keys"] == 1);
    }
}
