// The file-dump sink's CSV files load into the application's schema with
// psql's \copy and no edits.
#include "process.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>

using namespace postgres_test;

TEST_CASE("file-dump CSVs load with psql copy") {
    TestDatabase db("lt_file_dump_copy");
    const std::string scenario = temporary_file("copy.json", scenario_json(2, 1000, 2000));
    const std::string out = std::filesystem::path(scenario).parent_path() / "copy-out";
    Result seeded = run_loadseed({"seed-multi-event", "--scenario", scenario, "--out", out, "--seed", "3"}, db.url());
    REQUIRE(seeded.status == 0);

    // Parents first, so every foreign key finds its row.
    const std::pair<const char*, const char*> files[] = {{"Organization", "organization.csv"},
                                                         {"Event", "event.csv"},
                                                         {"EventWindow", "event_window.csv"},
                                                         {"Band", "band.csv"},
                                                         {"TapLog", "tap_log.csv"}};
    for (const auto& [table, file] : files) {
        std::string command = "psql '" + db.url() + "' -q -v ON_ERROR_STOP=1 -c \"\\copy \\\"" + table + "\\\" FROM '" +
                              out + "/" + file + "' WITH (FORMAT csv, HEADER)\" 2>&1";
        INFO(command);
        CHECK(std::system(command.c_str()) == 0);
    }
    CHECK(db.count("Organization") == 1);
    CHECK(db.count("Event") == 2);
    CHECK(db.count("EventWindow") == 2);
    CHECK(db.count("Band") == 2000);
    CHECK(db.count("TapLog") == 2000);
    CHECK(db.scalar(R"(SELECT "latitude"::text FROM "Event" WHERE "name" = 'LT Event 1')") == "36.162700");
    CHECK(db.scalar(R"(SELECT "location" FROM "Event" WHERE "name" = 'LT Event 1')") == "Nashville, TN");
    CHECK(db.scalar(R"(SELECT count(*) FROM "TapLog" WHERE "windowId" IS NULL AND "modeServed" <> 'LIVE')") ==
          db.scalar(R"(SELECT count(*) FROM "TapLog" WHERE "modeServed" <> 'LIVE')"));
    CHECK(db.scalar(R"(SELECT count(*) FROM "Band" WHERE "name" IS NULL AND "tapCount" = 0)") == "2000");
    std::filesystem::remove_all(out);
}
