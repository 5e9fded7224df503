#include <loadseed/core/scenario.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

using loadseed::core::Scenario;
using loadseed::core::ScenarioError;
using nlohmann::json;

namespace {

// Returns the message of the ScenarioError that parsing `text` throws.
std::string parse_error(const std::string& text) {
    try {
        Scenario::from_json(json::parse(text), "s.json");
    } catch (const ScenarioError& error) {
        return error.what();
    }
    FAIL("no ScenarioError for " << text);
    return "";
}

}  // namespace

TEST_CASE("default scenario is the old seed-multi-event", "[scenario]") {
    Scenario s = Scenario::defaults();
    REQUIRE(s.events.size() == 3);
    CHECK(s.organization_name == "Load Test Org");
    CHECK(s.organization_slug == "loadtest-org");
    CHECK(s.events[0].name == "LT Event Nashville");
    CHECK(s.events[1].band_prefix == "LOADTEST-E2-");
    CHECK(s.events[2].longitude == -104.9903);
    CHECK(s.total_bands() == 600000);
    CHECK(s.events[0].taps == 600000);
    CHECK(s.total_taps() == 600000);
    CHECK(s.modes[0].weight == Approx(1.0 / 9));
    CHECK(s.modes[1].weight == Approx(6.0 / 9));
    CHECK(s.modes[2].url == "https://compassion.com/post");
    CHECK(s.estimated_attendees == 200000);
    CHECK(s.user_agent == "k6-loadtest/1.0");
    CHECK_NOTHROW(s.validate("defaults"));
}

TEST_CASE("scenario file overrides only what it names", "[scenario]") {
    Scenario s = Scenario::from_json(json::parse(R"({
        "organization": {"name": "Tour Org", "slug": "tour"},
        "events": [{"name": "LT Tour Austin", "bandPrefix": "LT-AUS-", "bands": 50, "taps": 7}],
        "modes": {"PRE": {"weight": 1}, "LIVE": {"weight": 1}, "POST": {"weight": 2}}
    })"),
                                     "s.json");
    CHECK(s.organization_slug == "tour");
    REQUIRE(s.events.size() == 1);
    CHECK(s.events[0].bands == 50);
    CHECK(s.live_url == "https://compassion.com/live");
    CHECK(s.modes[2].weight == Approx(0.5));
    CHECK(s.modes[0].url == "https://compassion.com/pre");
}

TEST_CASE("scenario errors name the field's path", "[scenario]") {
    CHECK_THAT(parse_error(R"({"evnts": []})"), Catch::Contains("s.json: evnts: unknown field"));
    CHECK_THAT(parse_error(R"({"events": [{"name": "A", "bandPrefix": "A-", "colour": 1}]})"),
               Catch::Contains("events[0].colour: unknown field"));
    CHECK_THAT(parse_error(R"({"events": [{"name": "A", "bandPrefix": "A-", "bands": -5}]})"),
               Catch::Contains("events[0].bands: must not be negative"));
    CHECK_THAT(parse_error(R"({"events": [{"name": "A", "bandPrefix": "A-", "bands": 0}]})"),
               Catch::Contains("events[0].bands: must be at least 1"));
    CHECK_THAT(parse_error(R"({"events": [{"name": "A", "bandPrefix": "X-"}, {"name": "B", "bandPrefix": "X-"}]})"),
               Catch::Contains("events[1].bandPrefix: prefix 'X-' overlaps 'X-' of events[0]"));
    CHECK_THAT(parse_error(R"({"events": [{"name": "A", "bandPrefix": "X-"}, {"name": "B", "bandPrefix": "X-1"}]})"),
               Catch::Contains("events[1].bandPrefix"));
    CHECK_THAT(parse_error(R"({"events": [{"name": "A"}]})"), Catch::Contains("events[0].bandPrefix: is missing"));
    CHECK_THAT(parse_error(R"({"events": []})"), Catch::Contains("events: lists no events"));
    CHECK_THAT(parse_error(R"({"tapWindow": {"hours": 0}})"), Catch::Contains("tapWindow.hours"));
    CHECK_THAT(parse_error(R"({"ipRange": "10.0.0.0"})"), Catch::Contains("ipRange"));
    CHECK_THAT(parse_error(R"({"events": [{"name": "A", "bandPrefix": "A-", "latitude": 91}]})"),
               Catch::Contains("events[0].latitude"));
    CHECK_THAT(parse_error(R"({"liveUrl": 5})"), Catch::Contains("liveUrl: must be a string"));
}

TEST_CASE("prefix making a key over 512 bytes is refused", "[scenario]") {
    // "evt:" + 25-character id + ":" + prefix + 6 digits: a 476-byte prefix
    // makes exactly 512 bytes, one more is over the limit.
    std::string fits(476, 'P'), over(477, 'P');
    auto scenario = [](const std::string& prefix) {
        return R"({"events": [{"name": "A", "bandPrefix": ")" + prefix + R"("}]})";
    };
    CHECK_NOTHROW(Scenario::from_json(json::parse(scenario(fits)), "s.json"));
    CHECK_THAT(parse_error(scenario(over)), Catch::Contains("KV keys of 513 bytes, over the limit of 512"));
}

TEST_CASE("scenario file that is not JSON", "[scenario]") {
    loadseed::test::TempDir dir;
    loadseed::test::write_file(dir / "bad.json", "{\"events\": [\n  {\"name\": }\n]}");
    try {
        Scenario::from_file(dir / "bad.json");
        FAIL("no error");
    } catch (const ScenarioError& error) {
        CHECK_THAT(error.what(), Catch::Contains("bad.json: invalid JSON") && Catch::Contains("line 2"));
    }
}

TEST_CASE("band numbers are padded to at least six digits", "[scenario]") {
    CHECK(loadseed::core::band_number_width(200000) == 6);
    CHECK(loadseed::core::band_number_width(999999) == 6);
    CHECK(loadseed::core::band_number_width(1000000) == 7);
    CHECK(loadseed::core::band_number_width(5) == 6);
}

TEST_CASE("example scenarios parse and default.json is the default", "[scenario]") {
    const std::string folder = std::string(LOADSEED_SOURCE_DIR) + "/examples/scenarios/";
    for (const char* name : {"default.json", "tour.json", "tiny.json"}) {
        INFO(name);
        CHECK_NOTHROW(Scenario::from_file(folder + name));
    }
    CHECK(Scenario::from_file(folder + "default.json").to_json() == Scenario::defaults().to_json());
    CHECK(Scenario::from_file(folder + "tour.json").events.size() == 10);
}
