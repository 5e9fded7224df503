// cleanup and verify of the postgres sink against a real server.
#include "process.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <regex>
#include <signal.h>
#include <thread>

using namespace postgres_test;

namespace {

// A scenario of another organization, seeded beside the load test's, that
// cleanup must leave alone.
const std::string other_org = R"({"organization": {"name": "Customer Org", "slug": "customer-org"},
    "events": [{"name": "LT Customer Night", "bandPrefix": "CUST-", "bands": 300, "taps": 200}]})";

Result run(TestDatabase& db, std::vector<std::string> arguments, const std::string& scenario) {
    arguments.insert(arguments.end(), {"--sink", "postgres", "--scenario", scenario});
    return run_loadseed(arguments, db.url());
}

long long rows_of_org(TestDatabase& db, const std::string& table, const std::string& slug) {
    return std::stoll(db.scalar("SELECT count(*) FROM \"" + table + "\" x JOIN \"Event\" e ON e.\"id\" = x.\"eventId\" "
                                "JOIN \"Organization\" o ON o.\"id\" = e.\"orgId\" WHERE o.\"slug\" = '" + slug + "'"));
}

bool statement_running(const std::string& server, const std::string& database, const std::string& prefix) {
    pqxx::connection connection(server);
    pqxx::nontransaction t(connection);
    return t.exec_params1("SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND query LIKE $2", database,
                          prefix + "%")[0]
               .as<int>() > 0;
}

}  // namespace

TEST_CASE("seed verify cleanup verify") {
    TestDatabase db("lt_cleanup_cycle");
    const std::string scenario = temporary_file("cycle.json", scenario_json(2, 1000, 3000));
    const std::string customer = temporary_file("customer.json", other_org);
    REQUIRE(run(db, {"seed-multi-event"}, scenario).status == 0);
    REQUIRE(run(db, {"seed-multi-event"}, customer).status == 0);
    db.execute(R"(INSERT INTO "User" ("id", "email", "orgId", "updatedAt")
                  SELECT 'user-lt', 'lt@example.invalid', "id", now() FROM "Organization" WHERE "slug" = 'loadtest-org')");

    Result verified = run(db, {"verify"}, scenario);
    INFO(verified.out << verified.err);
    CHECK(verified.status == 0);
    CHECK_THAT(verified.out, Catch::Contains("verify passed"));

    Result cleaned = run(db, {"cleanup"}, scenario);
    INFO(cleaned.out << cleaned.err);
    CHECK(cleaned.status == 0);
    CHECK(std::regex_search(cleaned.out, std::regex("tap logs +LT Event 1 +- +3,000")));
    CHECK_THAT(cleaned.out, Catch::Contains("cleanup complete"));
    CHECK(db.scalar(R"(SELECT count(*) FROM "Organization" WHERE "slug" = 'loadtest-org')") == "0");
    CHECK(db.scalar(R"(SELECT count(*) FROM "User" WHERE "id" = 'user-lt')") == "0");
    CHECK(db.scalar(R"(SELECT count(*) FROM "Band" WHERE "bandId" LIKE 'LT-%')") == "0");

    // The other organization is untouched.
    CHECK(rows_of_org(db, "Band", "customer-org") == 300);
    CHECK(rows_of_org(db, "TapLog", "customer-org") == 200);

    Result after = run(db, {"verify"}, scenario);
    CHECK(after.status == 4);
    CHECK_THAT(after.err, Catch::Contains("postgres: organization Load Test Org expected 1, found 0"));

    Result again = run(db, {"cleanup"}, scenario);
    CHECK(again.status == 0);
    CHECK_THAT(again.out, Catch::Contains("nothing to clean up"));
}

TEST_CASE("verify finds missing tap logs") {
    TestDatabase db("lt_verify_missing");
    const std::string scenario = temporary_file("verify.json", scenario_json(1, 500, 1000));
    REQUIRE(run(db, {"seed-multi-event"}, scenario).status == 0);
    db.execute(R"(DELETE FROM "TapLog" WHERE "id" IN (SELECT "id" FROM "TapLog" LIMIT 7))");
    Result result = run(db, {"verify"}, scenario);
    CHECK(result.status == 4);
    CHECK_THAT(result.err, Catch::Contains("postgres: tap logs LT Event 1 expected 1000, found 993"));
}

TEST_CASE("gate refuses an org with a foreign event") {
    TestDatabase db("lt_cleanup_gate");
    const std::string scenario = temporary_file("gate.json", scenario_json(1, 500, 100));
    REQUIRE(run(db, {"seed-multi-event"}, scenario).status == 0);
    db.execute(R"(INSERT INTO "Event" ("id", "orgId", "name", "updatedAt")
                  SELECT 'real-event', "id", 'Spring Gala', now() FROM "Organization" WHERE "slug" = 'loadtest-org')");

    Result result = run(db, {"cleanup"}, scenario);
    CHECK(result.status == 3);
    CHECK_THAT(result.err, Catch::Contains("contains event \"Spring Gala\", which is not a load-test event"));
    CHECK(db.count("Band") == 500);
    CHECK(db.count("TapLog") == 100);
    CHECK(db.count("Event") == 2);
}

TEST_CASE("gate refuses a slug of another name") {
    TestDatabase db("lt_cleanup_slug");
    const std::string scenario = temporary_file("slug.json", scenario_json(1, 50, 0));
    REQUIRE(run(db, {"seed-multi-event"}, scenario).status == 0);
    db.execute(R"(UPDATE "Organization" SET "name" = 'Acme Corp')");
    Result result = run(db, {"cleanup"}, scenario);
    CHECK(result.status == 3);
    CHECK_THAT(result.err, Catch::Contains("organization \"Acme Corp\" (slug 'loadtest-org') does not match"));
    CHECK(db.count("Band") == 50);
}

TEST_CASE("cleanup dry run deletes nothing") {
    TestDatabase db("lt_cleanup_dry");
    const std::string scenario = temporary_file("dry.json", scenario_json(1, 500, 100));
    REQUIRE(run(db, {"seed-multi-event"}, scenario).status == 0);
    Result result = run(db, {"cleanup", "--dry-run"}, scenario);
    CHECK(result.status == 0);
    CHECK_THAT(result.out, Catch::Contains("dry run"));
    CHECK(db.count("Band") == 500);
    CHECK(db.count("TapLog") == 100);
}

TEST_CASE("killed cleanup is finished by the next") {
    TestDatabase db("lt_cleanup_kill");
    const std::string server = server_url();
    const std::string scenario = temporary_file("kill.json", scenario_json(3, 100000, 300000));
    REQUIRE(run(db, {"seed-multi-event", "--quiet"}, scenario).status == 0);

    {
        Process cleanup({"cleanup", "--sink", "postgres", "--scenario", scenario}, db.url());
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
        while (!statement_running(server, db.name(), "DELETE FROM \"Organization\"")) {
            REQUIRE(std::chrono::steady_clock::now() < deadline);
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        REQUIRE(kill(cleanup.pid(), SIGKILL) == 0);
        REQUIRE(cleanup.wait().status == 128 + SIGKILL);
    }
    // The delete rolled back whole once the server noticed the dead client.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (statement_running(server, db.name(), "DELETE")) {
        REQUIRE(std::chrono::steady_clock::now() < deadline);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    CHECK(db.count("Band") == 300000);
    CHECK(db.count("TapLog") == 300000);

    Result finished = run(db, {"cleanup"}, scenario);
    INFO(finished.err);
    CHECK(finished.status == 0);
    CHECK(db.count("Band") == 0);
    CHECK(db.count("TapLog") == 0);
    CHECK(db.count("Organization") == 0);
}

TEST_CASE("gate refuses a band of another shape") {
    TestDatabase db("lt_cleanup_band_shape");
    const std::string scenario = temporary_file("shape.json", scenario_json(1, 50, 0));
    REQUIRE(run(db, {"seed-multi-event"}, scenario).status == 0);
    db.execute(R"(INSERT INTO "Band" ("id", "bandId", "eventId", "updatedAt")
                  SELECT 'real-band', 'REAL-0001', "id", now() FROM "Event")");
    Result result = run(db, {"cleanup"}, scenario);
    CHECK(result.status == 3);
    CHECK_THAT(result.err, Catch::Contains("contains band \"REAL-0001\", which does not have the shape"));
    CHECK(db.count("Band") == 51);

    // verify counts the stray band too.
    Result verified = run(db, {"verify"}, scenario);
    CHECK(verified.status == 4);
    CHECK_THAT(verified.err, Catch::Contains("bands, any bandId LT Event 1 expected 50, found 51"));
}

TEST_CASE("verify checks the spread of tap times") {
    TestDatabase db("lt_verify_tap_times");
    const std::string scenario = temporary_file("times.json", scenario_json(1, 500, 5000));
    REQUIRE(run(db, {"seed-multi-event"}, scenario).status == 0);
    Result good = run(db, {"verify"}, scenario);
    INFO(good.out << good.err);
    CHECK(good.status == 0);
    CHECK(std::regex_search(good.out, std::regex("tap time span \\(min\\) +LT Event 1 +- +36[0-9]")));

    // Tap logs moved two hours past the window make it too wide.
    db.execute(R"(UPDATE "TapLog" SET "tappedAt" = "tappedAt" + interval '2 hours'
                  WHERE "id" IN (SELECT "id" FROM "TapLog" ORDER BY "tappedAt" DESC LIMIT 10))");
    Result wide = run(db, {"verify"}, scenario);
    CHECK(wide.status == 4);
    CHECK_THAT(wide.err, Catch::Contains("tap time span (min) LT Event 1 expected 360"));

    // All taps pushed into the first half move the mean off the centre.
    db.execute(R"(UPDATE "TapLog" SET "tappedAt" = (SELECT min("tappedAt") FROM "TapLog")
                  WHERE "tappedAt" < (SELECT min("tappedAt") + interval '4 hours' FROM "TapLog"))");
    Result skewed = run(db, {"verify"}, scenario);
    CHECK(skewed.status == 4);
    CHECK_THAT(skewed.err, Catch::Contains("tap time mean (per mille) LT Event 1 expected 500"));
}
