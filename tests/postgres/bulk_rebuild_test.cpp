#include "process.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <signal.h>
#include <thread>

using namespace postgres_test;

namespace {

const std::string start = "2026-05-01T18:00:00Z";

// Every index and constraint of TapLog with its full definition, one a line.
std::string tap_log_schema(TestDatabase& db) {
    return db.scalar(R"(SELECT string_agg(line, E'\n' ORDER BY line) FROM (
                          SELECT 'index ' || indexname || ': ' || indexdef AS line FROM pg_indexes
                          WHERE tablename = 'TapLog'
                          UNION ALL
                          SELECT 'constraint ' || conname || ': ' || pg_get_constraintdef(oid) ||
                                 CASE WHEN convalidated THEN '' ELSE ' (not validated)' END
                          FROM pg_constraint WHERE conrelid = '"TapLog"'::regclass) definitions)");
}

// An organization outside the scenario with one event, window, band and
// tap log, plus `extra_taps` more tap logs on that band.
void add_other_organization(TestDatabase& db, int extra_taps) {
    db.execute(R"(
        INSERT INTO "Organization" ("id", "name", "slug", "createdAt", "updatedAt")
        VALUES ('other-org', 'Other Org', 'other-org', now(), now());
        INSERT INTO "Event" ("id", "orgId", "name", "status", "createdAt", "updatedAt")
        VALUES ('other-event', 'other-org', 'Other Event', 'ACTIVE', now(), now());
        INSERT INTO "EventWindow" ("id", "eventId", "windowType", "url", "isActive", "createdAt", "updatedAt")
        VALUES ('other-window', 'other-event', 'LIVE', 'https://example.com/live', true, now(), now());
        INSERT INTO "Band" ("id", "bandId", "eventId", "createdAt", "updatedAt")
        VALUES ('other-band', 'OTHER-1', 'other-event', now(), now());
        INSERT INTO "TapLog" ("id", "bandId", "eventId", "windowId", "tappedAt", "modeServed", "redirectUrl")
        VALUES ('other-tap', 'other-band', 'other-event', 'other-window', '2026-01-02 03:04:05.678', 'LIVE',
                'https://example.com/r');)");
    if (extra_taps > 0)
        db.execute(R"(INSERT INTO "TapLog" ("id", "bandId", "eventId", "tappedAt", "modeServed", "redirectUrl")
                      SELECT 'other-tap-' || n, 'other-band', 'other-event', now(), 'LIVE', 'https://example.com/r'
                      FROM generate_series(1, )" + std::to_string(extra_taps) + ") AS n");
}

const char* other_tap = R"(SELECT t::text FROM "TapLog" t WHERE "id" = 'other-tap')";

Result seed(TestDatabase& db, int taps, const std::string& rebuild) {
    std::string scenario = temporary_file(db.name() + ".json", scenario_json(2, 1000, taps));
    return run_loadseed({"seed-multi-event", "--sink", "postgres", "--scenario", scenario, "--seed", "7", "--start",
                         start, "--opt", "postgres.bulk-rebuild=" + rebuild},
                        db.url());
}

bool mentions(const Result& result, const std::string& text) { return result.err.find(text) != std::string::npos; }

// Returns the query a backend of `database` runs that starts with one of
// `prefixes`, or empty.
std::string running_statement(const std::string& server, const std::string& database,
                              const std::vector<std::string>& prefixes) {
    pqxx::connection connection(server);
    pqxx::nontransaction t(connection);
    for (const auto& row : t.exec_params("SELECT query FROM pg_stat_activity WHERE datname = $1 AND state = 'active'",
                                         database)) {
        std::string query = row[0].c_str();
        for (const std::string& prefix : prefixes)
            if (query.rfind(prefix, 0) == 0) return query;
    }
    return "";
}

int backends(const std::string& server, const std::string& database) {
    pqxx::connection connection(server);
    pqxx::nontransaction t(connection);
    return t.exec_params1("SELECT count(*) FROM pg_stat_activity WHERE datname = $1", database)[0].as<int>();
}

}  // namespace

TEST_CASE("bulk rebuild keeps TapLog's schema") {
    TestDatabase db("lt_rebuild_schema");
    add_other_organization(db, 0);
    const std::string schema_before = tap_log_schema(db);
    const std::string other_before = db.scalar(other_tap);
    REQUIRE(schema_before.find("index TapLog_bandId_idx: CREATE INDEX") != std::string::npos);
    REQUIRE(schema_before.find("constraint TapLog_windowId_fkey: FOREIGN KEY") != std::string::npos);

    Result result = seed(db, 5000, "on");
    INFO(result.err);
    REQUIRE(result.status == 0);
    CHECK(mentions(result, "dropping TapLog's secondary indexes and foreign keys"));
    CHECK(tap_log_schema(db) == schema_before);
    CHECK(db.scalar(other_tap) == other_before);
    CHECK(db.count("TapLog") == 5001);
    CHECK(db.scalar(R"(SELECT count(*) FROM "TapLog" t JOIN "Band" b ON b."id" = t."bandId"
                       WHERE b."eventId" = t."eventId")") == "5001");
    // The five rebuilt indexes and the primary key are valid and ready for queries.
    CHECK(db.scalar(R"(SELECT count(*) FROM pg_index WHERE indrelid = '"TapLog"'::regclass
                       AND indisvalid AND indisready)") == "6");
}

TEST_CASE("bulk rebuild repairs a partial tap set") {
    TestDatabase db("lt_rebuild_repair");
    add_other_organization(db, 0);
    Result first = seed(db, 5000, "on");
    INFO(first.err);
    REQUIRE(first.status == 0);
    const std::string schema_before = tap_log_schema(db);
    db.execute(R"(DELETE FROM "TapLog" WHERE "id" IN (SELECT "id" FROM "TapLog" WHERE "id" <> 'other-tap' LIMIT 700))");
    REQUIRE(db.count("TapLog") == 4301);

    Result again = seed(db, 5000, "on");
    INFO(again.err);
    REQUIRE(again.status == 0);
    CHECK(mentions(again, "4,300 of 5,000 present; deleting them"));
    CHECK(db.count("TapLog") == 5001);
    CHECK(db.scalar(R"(SELECT count(DISTINCT "id") FROM "TapLog")") == "5001");
    CHECK(tap_log_schema(db) == schema_before);
}

TEST_CASE("auto rebuild skips a larger table") {
    TestDatabase db("lt_rebuild_auto_large");
    add_other_organization(db, 6000);
    const std::string schema_before = tap_log_schema(db);

    Result result = seed(db, 5000, "auto");
    INFO(result.err);
    REQUIRE(result.status == 0);
    CHECK(mentions(result, "plain COPY, because TapLog holds more rows than the 5,000 to load"));
    CHECK_FALSE(mentions(result, "dropping TapLog's"));
    CHECK(db.count("TapLog") == 11001);
    CHECK(tap_log_schema(db) == schema_before);
}

TEST_CASE("auto rebuild runs on an empty table") {
    TestDatabase db("lt_rebuild_auto_empty");
    Result result = seed(db, 5000, "auto");
    INFO(result.err);
    REQUIRE(result.status == 0);
    CHECK(mentions(result, "dropping TapLog's secondary indexes and foreign keys"));
    CHECK(db.count("TapLog") == 5000);
}

TEST_CASE("bulk rebuild off uses plain COPY") {
    TestDatabase db("lt_rebuild_off");
    Result result = seed(db, 5000, "off");
    INFO(result.err);
    REQUIRE(result.status == 0);
    CHECK_FALSE(mentions(result, "dropping TapLog's"));
    CHECK_FALSE(mentions(result, "indexes and foreign keys from"));
    CHECK(db.count("TapLog") == 5000);
}

TEST_CASE("bulk-rebuild rejects an unknown value") {
    TestDatabase db("lt_rebuild_invalid");
    Result result = seed(db, 100, "sometimes");
    INFO(result.err);
    CHECK(result.status != 0);
    CHECK(mentions(result, "option 'bulk-rebuild' must be auto, on or off, got 'sometimes'"));
    CHECK(db.count("Band") == 0);
}

TEST_CASE("rebuild falls back for a non-owner") {
    TestDatabase db("lt_rebuild_not_owner");
    const std::string server = server_url();
    const std::string password = "not-owner-pw-42";
    {
        pqxx::connection connection(server);
        pqxx::nontransaction t(connection);
        t.exec("DROP ROLE IF EXISTS lt_not_owner");
        t.exec("CREATE ROLE lt_not_owner LOGIN PASSWORD " + t.quote(password));
    }
    db.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO lt_not_owner");
    const std::string schema_before = tap_log_schema(db);

    // The same database, logged in as a role that may write but not own.
    const std::string url = db.url();
    const size_t user = url.find("://") + 3;
    const std::string not_owner_url = url.substr(0, user) + "lt_not_owner:" + password + url.substr(url.find('@'));
    std::string scenario = temporary_file("not-owner.json", scenario_json(2, 1000, 5000));
    auto seed_as_not_owner = [&](const std::string& rebuild) {
        return run_loadseed({"seed-multi-event", "--sink", "postgres", "--scenario", scenario, "--seed", "7",
                             "--start", start, "--opt", "postgres.bulk-rebuild=" + rebuild},
                            not_owner_url);
    };

    Result on = seed_as_not_owner("on");
    INFO(on.err);
    CHECK(on.status != 0);
    CHECK(mentions(on, "role lt_not_owner does not own table \"TapLog\""));
    CHECK(mentions(on, "postgres.bulk-rebuild=off"));
    CHECK_FALSE(mentions(on, password));
    CHECK(db.count("TapLog") == 0);

    Result fallback = seed_as_not_owner("auto");
    INFO(fallback.err);
    REQUIRE(fallback.status == 0);
    CHECK(mentions(fallback, "plain COPY, because role lt_not_owner does not own table \"TapLog\""));
    CHECK(db.count("TapLog") == 5000);
    CHECK(tap_log_schema(db) == schema_before);
}

TEST_CASE("killed index rebuild leaves all or nothing") {
    TestDatabase db("lt_crash_rebuild");
    const std::string server = server_url();
    const std::string schema_before = tap_log_schema(db);
    const std::vector<std::string> arguments = {"seed-multi-event", "--sink", "postgres", "--seed", "11",
                                                "--opt", "postgres.bulk-rebuild=on"};

    {
        Process run(arguments, db.url());
        // The rebuild phase: the CREATE INDEX statements, then the foreign
        // keys' ADD CONSTRAINT, after the tap-log COPY.
        const std::vector<std::string> rebuild = {"CREATE INDEX \"TapLog_", "ALTER TABLE \"TapLog\" ADD CONSTRAINT"};
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
        std::string statement;
        while ((statement = running_statement(server, db.name(), rebuild)).empty()) {
            REQUIRE(std::chrono::steady_clock::now() < deadline);
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        INFO("killed during: " << statement);
        REQUIRE(kill(run.pid(), SIGKILL) == 0);
        Result killed = run.wait();
        REQUIRE(killed.status == 128 + SIGKILL);
    }

    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (backends(server, db.name()) > 0) {
        REQUIRE(std::chrono::steady_clock::now() < deadline);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    CHECK(db.count("TapLog") == 0);
    CHECK(tap_log_schema(db) == schema_before);

    Result rerun = run_loadseed(arguments, db.url());
    INFO(rerun.err);
    REQUIRE(rerun.status == 0);
    CHECK(db.count("TapLog") == 600000);
    CHECK(db.count("Band") == 600000);
    CHECK(tap_log_schema(db) == schema_before);
    CHECK(db.scalar(R"(SELECT count(*) FROM "TapLog" t JOIN "Band" b ON b."id" = t."bandId"
                       WHERE b."eventId" = t."eventId")") == "600000");
}
