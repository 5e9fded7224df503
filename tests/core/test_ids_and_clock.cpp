#include <loadseed/core/clock.hpp>
#include <loadseed/core/env_file.hpp>
#include <loadseed/core/ids.hpp>
#include <loadseed/core/run_model.hpp>
#include <loadseed/timestamp.hpp>

#include <catch2/catch.hpp>

#include "test_support.hpp"

#include <cstdlib>
#include <set>

using namespace loadseed::core;

TEST_CASE("ids are cuid-shaped, deterministic and ordered", "[ids]") {
    IdFactory ids(42, 1777658400000);  // 2026-05-01T18:00:00Z
    std::string a = ids.make(IdKind::band, 1);
    CHECK(a.size() == 25);
    CHECK(is_cuid_shaped(a));
    CHECK(a == IdFactory(42, 1777658400000).make(IdKind::band, 1));
    CHECK(a != IdFactory(43, 1777658400000).make(IdKind::band, 1));
    CHECK(a != ids.make(IdKind::tap_log, 1));

    std::set<std::string> seen;
    std::string previous;
    for (uint64_t n = 1; n <= 20000; ++n) {
        std::string id = ids.make(IdKind::band, IdFactory::band_sequence(2, n));
        CHECK(id > previous);
        previous = id;
        seen.insert(id);
    }
    CHECK(seen.size() == 20000);
    std::string upper = a;
    upper[0] = 'C';
    CHECK_FALSE(is_cuid_shaped(upper));
    CHECK_FALSE(is_cuid_shaped(a + "x"));
}

TEST_CASE("UTC times parse and format", "[clock]") {
    auto start = parse_utc("2026-05-01T18:00:00Z");
    REQUIRE(start);
    CHECK(*start == 1777658400000);
    CHECK(parse_utc("2026-05-01T18:00:00.250Z").value() == 1777658400250);
    CHECK(loadseed::sql_timestamp(1777658400250) == "2026-05-01 18:00:00.250");
    CHECK(iso_timestamp(0) == "1970-01-01T00:00:00.000Z");
    CHECK(loadseed::sql_timestamp(951782400000) == "2000-02-29 00:00:00.000");
    CHECK_FALSE(parse_utc("2026-05-01 18:00"));
    CHECK_FALSE(parse_utc("2026-02-30T00:00:00Z"));
    CHECK_FALSE(parse_utc("2026-05-01T18:00:00+02:00"));
    CHECK_FALSE(parse_utc("2026-13-01T00:00:00Z"));
}

TEST_CASE("shards split a range into contiguous parts", "[shard]") {
    for (uint64_t total : {0ULL, 1ULL, 7ULL, 600000ULL, 200001ULL}) {
        for (uint32_t count : {1u, 2u, 3u, 7u}) {
            uint64_t next = 0;
            for (uint32_t k = 1; k <= count; ++k) {
                Range range = shard_range(total, k, count);
                CHECK(range.first == next);
                next = range.first + range.count;
            }
            CHECK(next == total);
        }
    }
}

TEST_CASE("env file sets unset variables only", "[env]") {
    loadseed::test::TempDir dir;
    loadseed::test::write_file(dir / ".env.test",
                               "# comment\n\nLOADSEED_TEST_A=one\nexport LOADSEED_TEST_B=\"two words\"\n"
                               "LOADSEED_TEST_KEEP=new\n");
    ::setenv("LOADSEED_TEST_KEEP", "old", 1);
    CHECK(load_env_file(dir / ".env.test") == 2);
    CHECK(std::string(std::getenv("LOADSEED_TEST_A")) == "one");
    CHECK(std::string(std::getenv("LOADSEED_TEST_B")) == "two words");
    CHECK(std::string(std::getenv("LOADSEED_TEST_KEEP")) == "old");

    loadseed::test::write_file(dir / ".env.bad", "GOOD=1\nnot a pair\n");
    CHECK_THROWS_WITH(load_env_file(dir / ".env.bad"), Catch::Contains(".env.bad:2: expected KEY=VALUE"));
}
