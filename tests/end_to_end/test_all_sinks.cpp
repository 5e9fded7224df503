// seed, verify and cleanup across every bundled sink at once: a real
// PostgreSQL server (DATABASE_URL, from scripts/with-postgres), the KV
// emulator and the file-dump folder.
#include "../cloudflare_kv/emulator.hpp"

#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include "test_support.hpp"

#include <cstdlib>
#include <filesystem>

using loadseed::test::Emulator;
using loadseed::test::run_loadseed;
using loadseed::test::RunResult;
using loadseed::test::TempDir;
namespace fs = std::filesystem;

namespace {

const char* scenario_text = R"({"events": [
    {"name": "LT Event Nashville", "bandPrefix": "LOADTEST-E1-", "bands": 20000, "taps": 30000},
    {"name": "LT Event Dallas", "bandPrefix": "LOADTEST-E2-", "bands": 20000, "taps": 0}]})";

const char* customer_text = R"({"organization": {"name": "Customer Org", "slug": "customer-org"},
    "events": [{"name": "LT Customer Night", "bandPrefix": "CUST-", "bands": 300, "taps": 200}]})";

// A fresh database with the application's schema, on the server that
// DATABASE_URL names.
std::string fresh_database(const std::string& name) {
    const char* server = std::getenv("DATABASE_URL");
    if (!server) FAIL("DATABASE_URL is not set; run the tests under scripts/with-postgres");
    std::string url = server;
    {
        pqxx::connection connection(url);
        pqxx::nontransaction t(connection);
        t.exec("DROP DATABASE IF EXISTS " + name);
        t.exec("CREATE DATABASE " + name);
    }
    url = url.substr(0, url.rfind('/') + 1) + name;
    REQUIRE(run_loadseed({"schema", "apply"}, {"DATABASE_URL=" + url}).status == 0);
    return url;
}

long long count(const std::string& url, const std::string& query) {
    pqxx::connection connection(url);
    pqxx::read_transaction t(connection);
    return t.exec1(query)[0].as<long long>();
}

struct Setup {
    Setup() : database(fresh_database("lt_all_sinks_" + std::to_string(++serial))) {
        loadseed::test::write_file(dir / "scenario.json", scenario_text);
        loadseed::test::write_file(dir / "customer.json", customer_text);
        env = emulator.token_env();
        env.push_back("DATABASE_URL=" + database);
    }

    RunResult loadseed(const std::string& command, const std::string& scenario, std::vector<std::string> extra = {}) {
        std::vector<std::string> args = {command,   "--scenario", dir / scenario,  "--sink", "postgres",
                                         "--sink",  "cloudflare-kv", "--sink", "file-dump", "--out", dir / "out"};
        std::vector<std::string> kv_options = emulator.sink_options();
        args.insert(args.end(), kv_options.begin(), kv_options.end());
        args.insert(args.end(), extra.begin(), extra.end());
        return run_loadseed(args, env);
    }

    static inline int serial = 0;
    TempDir dir;
    Emulator emulator;
    std::string database;
    std::vector<std::string> env;
};

}  // namespace

TEST_CASE("seed verify cleanup verify on every sink", "[end-to-end]") {
    loadseed::test::clear_cloudflare_environment();
    Setup setup;
    REQUIRE(setup.loadseed("seed-multi-event", "scenario.json").status == 0);
    // Another organization in the database and a key of someone else in KV.
    REQUIRE(run_loadseed({"seed-multi-event", "--scenario", setup.dir / "customer.json", "--sink", "postgres"},
                         setup.env)
                .status == 0);
    setup.emulator.write_value("CUSTOMER-SETTINGS", "{}");

    RunResult verified = setup.loadseed("verify", "scenario.json");
    INFO(verified.out << verified.err);
    REQUIRE(verified.status == 0);
    CHECK_THAT(verified.out, Catch::Contains("postgres: verify") && Catch::Contains("cloudflare-kv: verify") &&
                                 Catch::Contains("file-dump: verify"));

    RunResult cleaned = setup.loadseed("cleanup", "scenario.json");
    INFO(cleaned.out << cleaned.err);
    REQUIRE(cleaned.status == 0);
    CHECK_THAT(cleaned.out, Catch::Contains("cleanup complete"));

    RunResult after = setup.loadseed("verify", "scenario.json");
    CHECK(after.status == 4);
    CHECK_THAT(after.err, Catch::Contains("postgres: organization Load Test Org expected 1, found 0"));
    CHECK_THAT(after.out, Catch::Contains("KV keys (bare)") && Catch::Contains("20,000            0"));

    // Only what the load test made is gone.
    CHECK(setup.emulator.stats()["keys"] == 1);
    CHECK(setup.emulator.read_value("CUSTOMER-SETTINGS").status == 200);
    CHECK(count(setup.database, R"(SELECT count(*) FROM "Organization")") == 1);
    CHECK(count(setup.database, R"(SELECT count(*) FROM "Band")") == 300);
    CHECK(count(setup.database, R"(SELECT count(*) FROM "TapLog")") == 200);
    CHECK_FALSE(fs::exists(setup.dir / "out"));
}

TEST_CASE("one sink's gate stops every sink's delete", "[end-to-end]") {
    loadseed::test::clear_cloudflare_environment();
    Setup setup;
    REQUIRE(setup.loadseed("seed-multi-event", "scenario.json").status == 0);
    {
        pqxx::connection connection(setup.database);
        pqxx::work t(connection);
        t.exec(R"(INSERT INTO "Event" ("id", "orgId", "name", "updatedAt")
                  SELECT 'real-event', "id", 'Board Meeting', now() FROM "Organization")");
        t.commit();
    }

    loadseed::test::write_file(fs::path(setup.dir / "out") / "NOTES.txt", "mine");

    RunResult refused = setup.loadseed("cleanup", "scenario.json");
    CHECK(refused.status == 3);
    // Every refusing sink is named, not only the first.
    CHECK_THAT(refused.err, Catch::Contains("contains event \"Board Meeting\""));
    CHECK_THAT(refused.err, Catch::Contains("it contains NOTES.txt, which loadseed did not write"));
    // The gate runs in every sink before any sink deletes, so the KV keys
    // and the dump folder are still there too.
    CHECK(setup.emulator.stats()["keys"] == 80000);
    CHECK(fs::exists(fs::path(setup.dir / "out") / "manifest.json"));
    CHECK(count(setup.database, R"(SELECT count(*) FROM "Band")") == 40000);

    RunResult dry = setup.loadseed("cleanup", "scenario.json", {"--dry-run"});
    CHECK(dry.status == 3);
}
