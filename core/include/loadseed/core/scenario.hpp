// The scenario: what one seed run creates. Its defaults reproduce the old
// seeder's seed-multi-event command.
#pragma once

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace loadseed::core {

struct EventSpec {
    std::string name;
    std::string band_prefix;
    std::string city;
    std::string state;
    double latitude = 0;
    double longitude = 0;
    uint64_t bands = 200000;
    uint64_t taps = 0;
};

struct ModeSpec {
    std::string name;  // PRE, LIVE, POST
    std::string url;
    double weight = 0;  // normalised: the three weights sum to 1
};

struct Scenario {
    std::string organization_name = "Load Test Org";
    std::string organization_slug = "loadtest-org";
    std::string live_url = "https://compassion.com/live";
    int32_t estimated_attendees = 200000;
    std::vector<EventSpec> events;
    // Tap times fall in [run start - start_hours_before_run, that + hours].
    double tap_window_start_hours_before_run = 6;
    double tap_window_hours = 6;
    std::array<ModeSpec, 3> modes;
    std::string user_agent = "k6-loadtest/1.0";
    std::string ip_range = "10.0.0.0/16";  // IPv4 CIDR that tap ipAddress values come from

    // Returns the old seeder's seed-multi-event data set.
    static Scenario defaults();

    // Reads a scenario file over the defaults: fields it leaves out keep their
    // default, and "events", when given, replaces the whole list. Throws
    // ScenarioError naming the file and the field's path.
    static Scenario from_file(const std::string& path);
    static Scenario from_json(const nlohmann::json& document, const std::string& source);

    nlohmann::json to_json() const;

    // Throws ScenarioError on an inconsistent scenario: no events, a negative or
    // zero count, a duplicate name or prefix, a key that would pass the KV
    // limit of 512 bytes, mode weights that do not add up.
    void validate(const std::string& source) const;

    uint64_t total_bands() const;
    uint64_t total_taps() const;
};

class ScenarioError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Digits in a band number: 6, or more when the count needs them (the old
// seeder's padStart(6, "0") behaves the same).
uint32_t band_number_width(uint64_t band_count);

// Length in bytes of the longest KV key of an event: "evt:<event id>:<bandId>".
size_t longest_kv_key(const EventSpec& event);

// Parses an IPv4 CIDR such as 10.0.0.0/16 into its first address and the
// number of host bits; returns false when `text` is not one.
bool parse_ipv4_cidr(const std::string& text, uint32_t& network, uint32_t& host_bits);

}  // namespace loadseed::core
