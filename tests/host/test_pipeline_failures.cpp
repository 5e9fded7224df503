// What the host does when a sink fails mid-run, shown with the mock sink.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

using loadseed::test::run_loadseed;
using loadseed::test::read_file;
using loadseed::test::TempDir;
using nlohmann::json;

namespace {

const std::vector<std::string> small_run = {"seed-multi-event", "--bands-per-event", "25000", "--taps", "30000",
                                            "--seed", "7", "--start", "2026-05-01T18:00:00Z"};

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more) {
    args.insert(args.end(), more.begin(), more.end());
    return args;
}

}  // namespace

TEST_CASE("mock sink receives every stage in bounded batches", "[pipeline]") {
    TempDir dir;
    auto result = run_loadseed(with(small_run, {"--sink", "mock", "--opt", "mock.record=" + (dir / "record.json")}));
    REQUIRE(result.status == 0);
    json record = json::parse(read_file(dir / "record.json"));
    CHECK(record["rows"]["band"] == 75000);
    CHECK(record["rows"]["kv"] == 150000);
    CHECK(record["rows"]["tap"] == 30000);
    CHECK(record["max_batch_rows"] == 10000);
    CHECK(record["finished"] == true);
    CHECK(record["abandoned"] == false);
    CHECK(record["first"]["band"] == "LOADTEST-E1-000001");
    CHECK(record["first"]["kv"] == "LOADTEST-E1-000001");
    std::vector<std::string> calls = record["calls"];
    REQUIRE(calls.size() >= 4);
    CHECK(calls[0] == "prepare");
    CHECK(calls[1] == "begin_stage band 0");
    CHECK(calls[2] == "write_batch x3");
    CHECK(calls[3] == "end_stage band 0");
    CHECK(calls.back() == "finish");
}

TEST_CASE("failing sink stops the run and the others abandon", "[pipeline]") {
    TempDir dir;
    // Two sinks: file-dump first, then mock failing at its 11th batch. With
    // 25,000 bands an event, batches 1-3 are the first event's bands, 4-8 its
    // KV pairs, and 9-11 the second event's bands.
    auto result = run_loadseed(with(small_run, {"--sink", "file-dump", "--sink", "mock", "--out", dir / "out", "--opt",
                                            "mock.fail-at=write_batch:11", "--opt",
                                            "mock.record=" + (dir / "record.json")}));
    CHECK(result.status == 1);
    CHECK_THAT(result.err, Catch::Contains("error: mock: write_batch failed (error): injected failure at write_batch "
                                           "call 11"));
    CHECK_THAT(result.err, Catch::Contains("in stage 'bands LT Event Dallas', batch 3 (rows 20001 to 25000)"));
    CHECK_THAT(result.err, Catch::Contains("every sink abandoned its uncommitted work"));

    json record = json::parse(read_file(dir / "record.json"));
    CHECK(record["abandoned"] == true);
    CHECK(record["finished"] == false);
    // file-dump abandoned too: neither the data set nor its staging folder exists.
    CHECK_FALSE(std::filesystem::exists(dir / "out"));
    for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
        CHECK(entry.path().filename().string().find("out.partial") == std::string::npos);
}

TEST_CASE("failure status decides the exit code", "[pipeline]") {
    TempDir dir;
    auto at_open = run_loadseed(with(small_run, {"--sink", "mock", "--opt", "mock.fail-at=open:1"}));
    CHECK(at_open.status == 1);
    CHECK_THAT(at_open.err, Catch::Contains("mock: open failed (error): injected failure at open call 1"));

    auto unauthorized = run_loadseed(with(small_run, {"--sink", "mock", "--opt", "mock.fail-at=prepare:1", "--opt",
                                                  "mock.fail-status=unauthorized"}));
    CHECK(unauthorized.status == 1);
    CHECK_THAT(unauthorized.err, Catch::Contains("mock: prepare failed (unauthorized)"));
}

TEST_CASE("exception thrown inside a plugin is contained", "[pipeline][abi]") {
    auto result = run_loadseed(with(small_run, {"--plugin-dir", LOADSEED_TEST_PLUGIN_DIR, "--sink", "throwing"}));
    CHECK(result.status == 1);
    CHECK_THAT(result.err, Catch::Contains("throwing: write_batch failed (error): boom from a plugin"));
    CHECK_THAT(result.err, Catch::Contains("batch 1 (rows 1 to 10000)"));
}

TEST_CASE("sink that skips a table gets no batches of it", "[pipeline]") {
    TempDir dir;
    auto result = run_loadseed(with(small_run, {"--sink", "mock", "--opt", "mock.skip=kv,tap", "--opt",
                                            "mock.record=" + (dir / "record.json")}));
    REQUIRE(result.status == 0);
    json record = json::parse(read_file(dir / "record.json"));
    CHECK(record["rows"]["band"] == 75000);
    CHECK_FALSE(record["rows"].contains("kv"));
    CHECK_FALSE(record["rows"].contains("tap"));
}
