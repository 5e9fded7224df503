#include "process.hpp"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <fstream>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace postgres_test;

namespace {

const std::string secret = "not-the-real-pw-123";

// Returns a TCP port on 127.0.0.1 that nothing listens on.
int closed_port() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    socklen_t size = sizeof address;
    getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
    close(fd);
    return ntohs(address.sin_port);
}

// Returns `url` with its password replaced by `password`.
std::string with_password(const std::string& url, const std::string& password) {
    size_t user = url.find("://") + 3;
    size_t colon = url.find(':', user);
    size_t at = url.find('@', user);
    return url.substr(0, colon + 1) + password + url.substr(at);
}

Result seed_default(const std::string& url) {
    return run_loadseed({"seed-multi-event", "--sink", "postgres", "--bands-per-event", "100", "--taps", "100"}, url);
}

// Returns the lines that report an error; the others are progress logs.
size_t error_lines(const Result& result) {
    size_t count = 0;
    for (const std::string& line : lines_of(result.err)) count += line.rfind("loadseed: error:", 0) == 0;
    return count;
}

void check_one_masked_line(const Result& result) {
    INFO(result.err);
    CHECK(result.status != 0);
    CHECK(error_lines(result) == 1);
    CHECK(result.err.find(secret) == std::string::npos);
    CHECK(result.out.find(secret) == std::string::npos);
}

}  // namespace

TEST_CASE("unreachable server gives one masked line") {
    std::string url = "postgresql://loadseed:" + secret + "@127.0.0.1:" + std::to_string(closed_port()) + "/loadtest";
    Result result = seed_default(url);
    check_one_masked_line(result);
    CHECK(result.err.find("cannot connect to postgresql://loadseed:***@127.0.0.1:") != std::string::npos);
    CHECK(result.err.find("check that the server runs") != std::string::npos);
}

TEST_CASE("wrong password gives one masked line") {
    TestDatabase db("lt_error_password");
    Result result = seed_default(with_password(db.url(), secret));
    check_one_masked_line(result);
    CHECK(result.err.find("password authentication failed") != std::string::npos);
    CHECK(result.err.find(":***@") != std::string::npos);
    CHECK(db.count("Organization") == 0);
}

TEST_CASE("missing table is named") {
    TestDatabase db("lt_error_missing_table");
    db.execute(R"(DROP TABLE "TapLog")");
    Result result = seed_default(db.url());
    INFO(result.err);
    CHECK(result.status != 0);
    CHECK(result.err.find("table \"TapLog\" not found in database lt_error_missing_table; run 'loadseed schema "
                          "apply' or check DATABASE_URL") != std::string::npos);
    CHECK(db.count("Organization") == 0);
}

TEST_CASE("organization slug clash commits nothing") {
    TestDatabase db("lt_error_slug_clash");
    db.execute(R"(INSERT INTO "Organization" ("id", "name", "slug", "updatedAt")
                  VALUES ('acme-id', 'Acme Corp', 'loadtest-org', now()))");
    Result result = seed_default(db.url());
    INFO(result.err);
    CHECK(result.status != 0);
    CHECK(error_lines(result) == 1);
    CHECK(result.err.find("slug 'loadtest-org' already belongs to organization \"Acme Corp\"") != std::string::npos);
    CHECK(db.count("Organization") == 1);
    CHECK(db.count("Event") == 0);
    CHECK(db.count("EventWindow") == 0);
    CHECK(db.count("Band") == 0);
}

TEST_CASE("band id clash with a foreign row commits nothing") {
    TestDatabase db("lt_error_band_clash");
    const std::vector<std::string> arguments = {"seed-multi-event", "--sink", "postgres", "--bands-per-event", "100",
                                                "--taps", "100", "--seed", "5", "--start", "2026-05-01T18:00:00Z"};
    // Another organization's event stores a band under the id this run makes
    // for its 50th band of the second event.
    Result dump = run_loadseed({"seed-multi-event", "--bands-per-event", "100", "--taps", "100", "--seed", "5",
                               "--start", "2026-05-01T18:00:00Z", "--out", temporary_file("clash-out", "") + ".d"},
                              db.url());
    REQUIRE(dump.status == 0);
    db.execute(R"(INSERT INTO "Organization" ("id", "name", "slug", "updatedAt") VALUES ('o', 'Real Org', 'real', now());
                  INSERT INTO "Event" ("id", "orgId", "name", "updatedAt") VALUES ('e', 'o', 'Real Event', now());)");
    std::string clash_id;
    {
        std::ifstream bands(temporary_file("clash-out", "") + ".d/band.csv");
        std::string line;
        for (int i = 0; i <= 150 && std::getline(bands, line);) ++i;
        clash_id = line.substr(0, line.find(','));
    }
    db.execute("INSERT INTO \"Band\" (\"id\", \"bandId\", \"eventId\", \"updatedAt\") VALUES ('" + clash_id +
               "', 'REAL-1', 'e', now())");

    Result result = run_loadseed(arguments, db.url());
    INFO(result.err);
    CHECK(result.status != 0);
    CHECK(error_lines(result) == 1);
    CHECK(result.err.find("Band_pkey") != std::string::npos);
    CHECK(result.err.find("not this scenario's load-test rows") != std::string::npos);
    CHECK(std::stoll(db.scalar(R"(SELECT count(*) FROM "Band" WHERE "bandId" LIKE 'LOADTEST-E2-%')")) == 0);
    // The first event's loads run beside the failed one and are whole.
    long long taps = db.count("TapLog");
    CHECK((taps == 0 || taps == 100));
}
