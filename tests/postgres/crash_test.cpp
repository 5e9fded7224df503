#include "process.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <signal.h>
#include <thread>

using namespace postgres_test;

namespace {

// Returns true once a backend of `database` runs a COPY into "TapLog".
bool tap_copy_running(const std::string& server, const std::string& database) {
    pqxx::connection connection(server);
    pqxx::nontransaction t(connection);
    return t.exec_params1("SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'COPY \"TapLog\"%'",
                          database)[0]
               .as<int>() > 0;
}

// Returns the number of backends still connected to `database`.
int backends(const std::string& server, const std::string& database) {
    pqxx::connection connection(server);
    pqxx::nontransaction t(connection);
    return t.exec_params1("SELECT count(*) FROM pg_stat_activity WHERE datname = $1", database)[0].as<int>();
}

}  // namespace

TEST_CASE("killed tap load leaves all or nothing") {
    TestDatabase db("lt_crash_taps");
    const std::string server = server_url();
    // The plain COPY and the COPY between the drop and the rebuild of
    // TapLog's indexes and foreign keys.
    const std::string rebuild = GENERATE(as<std::string>{}, "off", "on");
    INFO("bulk-rebuild=" << rebuild);
    const std::vector<std::string> arguments = {"seed-multi-event", "--sink", "postgres", "--seed", "11",
                                                "--opt", "postgres.bulk-rebuild=" + rebuild};

    {
        Process run(arguments, db.url());
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
        while (!tap_copy_running(server, db.name())) {
            REQUIRE(std::chrono::steady_clock::now() < deadline);
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        // Let some rows reach the server before the kill, but not all: the
        // COPY of the rebuild takes about 1.5 s on 2 cores.
        std::this_thread::sleep_for(std::chrono::milliseconds(rebuild == "off" ? 2000 : 500));
        REQUIRE(kill(run.pid(), SIGKILL) == 0);
        Result killed = run.wait();
        REQUIRE(killed.status == 128 + SIGKILL);
    }

    // The server rolls back the open transactions once it detects that
    // the connections closed.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (backends(server, db.name()) > 0) {
        REQUIRE(std::chrono::steady_clock::now() < deadline);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    CHECK(db.count("TapLog") == 0);
    for (const char* prefix : {"LOADTEST-E1-", "LOADTEST-E2-", "LOADTEST-E3-"}) {
        long long bands = std::stoll(db.scalar(std::string(R"(SELECT count(*) FROM "Band" WHERE "bandId" LIKE ')") +
                                               prefix + "%'"));
        INFO(prefix << " has " << bands << " bands");
        CHECK((bands == 0 || bands == 200000));
    }

    Result rerun = run_loadseed(arguments, db.url());
    INFO(rerun.err);
    REQUIRE(rerun.status == 0);
    CHECK(db.count("TapLog") == 600000);
    CHECK(db.count("Band") == 600000);
    CHECK(db.scalar(R"(SELECT count(DISTINCT ("bandId", "eventId")) FROM "Band")") == "600000");
    CHECK(db.scalar(R"(SELECT count(*) FROM "TapLog" t JOIN "Band" b ON b."id" = t."bandId"
                       WHERE b."eventId" = t."eventId")") == "600000");
}
