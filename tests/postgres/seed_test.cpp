#include "process.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>

using namespace postgres_test;

namespace {

const std::string start = "2026-05-01T18:00:00Z";

Result seed(TestDatabase& db, const std::string& scenario, std::vector<std::string> extra = {}) {
    std::vector<std::string> arguments = {"seed-multi-event", "--sink", "postgres", "--scenario", scenario,
                                          "--seed", "7", "--start", start};
    arguments.insert(arguments.end(), extra.begin(), extra.end());
    Result result = run_loadseed(arguments, db.url());
    INFO(result.err);
    REQUIRE(result.status == 0);
    return result;
}

// A digest of every row of every table the sink writes.
std::string digest(TestDatabase& db) {
    std::string all;
    for (const char* table : {"Organization", "Event", "EventWindow", "Band", "TapLog"})
        all += db.scalar(std::string("SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.\"id\"), '')) FROM \"") +
                         table + "\" t") + ",";
    return all;
}

// Splits one CSV line as the file-dump sink writes it.
std::vector<std::string> csv_fields(const std::string& line) {
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (size_t i = 0; i < line.size(); ++i) {
        char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') fields.back() += '"', ++i;
            else if (c == '"') quoted = false;
            else fields.back() += c;
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            fields.emplace_back();
        } else {
            fields.back() += c;
        }
    }
    return fields;
}

std::vector<std::vector<std::string>> csv_rows(const std::string& path) {
    std::ifstream in(path);
    REQUIRE(in.good());
    std::vector<std::vector<std::string>> rows;
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) rows.push_back(csv_fields(line));
    std::sort(rows.begin(), rows.end());
    return rows;
}

// Reads a table with every column formatted as the file-dump sink writes it:
// booleans as true/false, timestamps with milliseconds, NULL as "".
std::vector<std::vector<std::string>> table_rows(TestDatabase& db, const std::string& table) {
    pqxx::connection connection(db.url());
    pqxx::read_transaction t(connection);
    pqxx::result columns = t.exec_params(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position",
        table);
    std::string select;
    for (const auto& column : columns) {
        std::string name = t.quote_name(column[0].c_str());
        std::string type = column[1].c_str();
        std::string expression = name + "::text";
        if (type == "boolean") expression = "CASE WHEN " + name + " THEN 'true' ELSE 'false' END";
        if (type.rfind("timestamp", 0) == 0) expression = "to_char(" + name + ", 'YYYY-MM-DD HH24:MI:SS.MS')";
        select += (select.empty() ? "" : ", ") + expression;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& row : t.exec("SELECT " + select + " FROM " + t.quote_name(table))) {
        std::vector<std::string> fields;
        for (const auto& field : row) fields.push_back(field.is_null() ? "" : field.c_str());
        rows.push_back(fields);
    }
    std::sort(rows.begin(), rows.end());
    return rows;
}

}  // namespace

TEST_CASE("seed writes exact counts per table") {
    TestDatabase db("lt_seed_counts");
    std::string scenario = temporary_file("counts.json", scenario_json(2, 1000, 5000));
    seed(db, scenario);

    CHECK(db.count("Organization") == 1);
    CHECK(db.count("Event") == 2);
    CHECK(db.count("EventWindow") == 2);
    CHECK(db.count("Band") == 2000);
    CHECK(db.count("TapLog") == 5000);
    CHECK(db.scalar(R"(SELECT count(DISTINCT "bandId") FROM "Band")") == "2000");
    CHECK(db.scalar(R"(SELECT count(*) FROM "EventWindow" WHERE "isActive" AND "windowType" = 'LIVE')") == "2");
}

TEST_CASE("second run writes nothing new") {
    TestDatabase db("lt_seed_rerun");
    std::string scenario = temporary_file("rerun.json", scenario_json(2, 1000, 5000));
    seed(db, scenario);
    std::string before = digest(db);

    // Another seed and start: a second run finds everything by name and count.
    Result again = run_loadseed({"seed-multi-event", "--sink", "postgres", "--scenario", scenario, "--seed", "8"},
                                db.url());
    INFO(again.err);
    REQUIRE(again.status == 0);
    CHECK(digest(db) == before);
    CHECK(db.count("Band") == 2000);
    CHECK(db.count("TapLog") == 5000);
}

TEST_CASE("partial band set is repaired") {
    TestDatabase db("lt_seed_partial");
    std::string scenario = temporary_file("partial.json", scenario_json(2, 1000, 5000));
    seed(db, scenario);
    std::string band_ids_before = db.scalar(R"(SELECT md5(string_agg("bandId", ',' ORDER BY "bandId")) FROM "Band")");

    // Deleting bands also deletes their tap logs through the foreign key.
    db.execute(R"(DELETE FROM "Band" WHERE "bandId" > 'LT-1-000700' AND "bandId" LIKE 'LT-1-%')");
    REQUIRE(db.count("Band") == 1700);
    REQUIRE(db.count("TapLog") < 5000);

    seed(db, scenario);
    CHECK(db.count("Band") == 2000);
    CHECK(db.count("TapLog") == 5000);
    CHECK(db.scalar(R"(SELECT md5(string_agg("bandId", ',' ORDER BY "bandId")) FROM "Band")") == band_ids_before);
    CHECK(db.scalar(R"(SELECT count(DISTINCT "id") FROM "TapLog")") == "5000");
}

TEST_CASE("tap logs reference bands of their event") {
    TestDatabase db("lt_seed_band_ids");
    std::string scenario = temporary_file("band-ids.json", scenario_json(2, 1000, 5000));
    seed(db, scenario, {"--taps", "0"});
    // Bands that an earlier seeder stored under other ids than this run's.
    db.execute(R"(UPDATE "Band" SET "id" = 'old-' || "bandId")");

    seed(db, scenario);
    CHECK(db.count("TapLog") == 5000);
    CHECK(db.scalar(R"(SELECT count(*) FROM "TapLog" t JOIN "Band" b ON b."id" = t."bandId"
                       WHERE b."eventId" = t."eventId" AND b."id" LIKE 'old-LT-1-%')") == "5000");
    CHECK(db.scalar(R"(SELECT count(DISTINCT "bandId") > 900 FROM "TapLog")") == "t");
}

TEST_CASE("two events round-trip every column") {
    TestDatabase db("lt_seed_round_trip");
    std::string scenario = temporary_file("round-trip.json", scenario_json(2, 1000, 3000));
    seed(db, scenario);

    // The file-dump sink writes every column of every row for the same seed
    // and start; the database must hold exactly those rows.
    std::string out = temporary_file("round-trip-out", "");
    std::remove(out.c_str());
    Result dump = run_loadseed({"seed-multi-event", "--scenario", scenario, "--seed", "7", "--start", start, "--out",
                                out},
                               db.url());
    INFO(dump.err);
    REQUIRE(dump.status == 0);

    const std::pair<const char*, const char*> tables[] = {{"Organization", "organization.csv"},
                                                          {"Event", "event.csv"},
                                                          {"EventWindow", "event_window.csv"},
                                                          {"Band", "band.csv"},
                                                          {"TapLog", "tap_log.csv"}};
    for (const auto& [table, file] : tables) {
        INFO(table);
        auto expected = csv_rows(out + "/" + file);
        auto stored = table_rows(db, table);
        REQUIRE(stored.size() == expected.size());
        CHECK(stored == expected);
    }

    CHECK(db.scalar(R"(SELECT "latitude"::text || ' ' || "longitude"::text FROM "Event" WHERE "name" = 'LT Event 1')") ==
          "36.162700 -86.781600");
    CHECK(db.scalar(R"(SELECT "latitude"::text || ' ' || "longitude"::text FROM "Event" WHERE "name" = 'LT Event 2')") ==
          "32.776700 -96.797000");
    CHECK(db.scalar(R"(SELECT min("bandId") || ' ' || max("bandId") FROM "Band" WHERE "bandId" LIKE 'LT-2-%')") ==
          "LT-2-000001 LT-2-001000");
}
