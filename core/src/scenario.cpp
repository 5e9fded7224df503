#include <loadseed/core/scenario.hpp>

#include <loadseed/core/ids.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace loadseed::core {

namespace {

using json = nlohmann::json;

constexpr size_t kv_key_limit = 512;

// Reads one JSON object and refuses fields it does not know, so a typo in a
// scenario file fails loudly instead of silently keeping a default.
class ObjectReader {
public:
    ObjectReader(const json& object, std::string path, const std::string& source)
        : object_(object), path_(std::move(path)), source_(source) {
        if (!object_.is_object()) fail(path_, "must be an object");
    }

    [[noreturn]] void fail(const std::string& path, const std::string& problem) const {
        throw ScenarioError(source_ + ": " + (path.empty() ? "(top level)" : path) + ": " + problem);
    }

    std::string path_of(const std::string& key) const {
        return path_.empty() ? key : path_ + "." + key;
    }

    const json* find(const std::string& key) {
        seen_.insert(key);
        auto it = object_.find(key);
        return it == object_.end() ? nullptr : &*it;
    }

    void read(const std::string& key, std::string& value) {
        if (const json* field = find(key)) {
            if (!field->is_string()) fail(path_of(key), "must be a string");
            value = field->get<std::string>();
        }
    }

    void read(const std::string& key, double& value) {
        if (const json* field = find(key)) {
            if (!field->is_number()) fail(path_of(key), "must be a number");
            value = field->get<double>();
        }
    }

    void read_count(const std::string& key, uint64_t& value) {
        if (const json* field = find(key)) {
            if (field->is_number_integer() && field->get<int64_t>() < 0)
                fail(path_of(key), "must not be negative, got " + field->dump());
            if (!field->is_number_unsigned()) fail(path_of(key), "must be a whole number, got " + field->dump());
            value = field->get<uint64_t>();
        }
    }

    void read(const std::string& key, int32_t& value) {
        uint64_t wide = static_cast<uint64_t>(value);
        read_count(key, wide);
        if (wide > INT32_MAX) fail(path_of(key), "must be at most 2147483647");
        value = static_cast<int32_t>(wide);
    }

    // Fails on the first field that no read() asked for.
    void reject_unknown() const {
        for (auto it = object_.begin(); it != object_.end(); ++it)
            if (!seen_.count(it.key()))
                fail(path_of(it.key()), "unknown field; check its spelling against docs/cli.md");
    }

private:
    const json& object_;
    std::string path_;
    const std::string& source_;
    std::set<std::string> seen_;
};

EventSpec read_event(const json& value, const std::string& path, const std::string& source) {
    ObjectReader reader(value, path, source);
    EventSpec event;
    reader.read("name", event.name);
    reader.read("bandPrefix", event.band_prefix);
    reader.read("city", event.city);
    reader.read("state", event.state);
    reader.read("latitude", event.latitude);
    reader.read("longitude", event.longitude);
    reader.read_count("bands", event.bands);
    reader.read_count("taps", event.taps);
    reader.reject_unknown();
    if (event.name.empty()) reader.fail(reader.path_of("name"), "is missing or empty");
    if (event.band_prefix.empty()) reader.fail(reader.path_of("bandPrefix"), "is missing or empty");
    return event;
}

}  // namespace

Scenario Scenario::defaults() {
    Scenario s;
    s.events = {
        {"LT Event Nashville", "LOADTEST-E1-", "Nashville", "TN", 36.1627, -86.7816, 200000, 600000},
        {"LT Event Dallas", "LOADTEST-E2-", "Dallas", "TX", 32.7767, -96.7970, 200000, 0},
        {"LT Event Denver", "LOADTEST-E3-", "Denver", "CO", 39.7392, -104.9903, 200000, 0},
    };
    s.modes = {{
        {"PRE", "https://compassion.com/pre", 1.0 / 9},
        {"LIVE", "https://compassion.com/live", 6.0 / 9},
        {"POST", "https://compassion.com/post", 2.0 / 9},
    }};
    return s;
}

Scenario Scenario::from_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw ScenarioError(path + ": cannot open the scenario file; check the path given to --scenario");
    json document;
    try {
        document = json::parse(in);
    } catch (const json::parse_error& e) {
        // nlohmann's message carries the line and column.
        std::string what = e.what();
        auto at = what.find("parse error");
        throw ScenarioError(path + ": invalid JSON: " + (at == std::string::npos ? what : what.substr(at)));
    }
    return from_json(document, path);
}

Scenario Scenario::from_json(const json& document, const std::string& source) {
    Scenario s = defaults();
    ObjectReader top(document, "", source);

    if (const json* organization = top.find("organization")) {
        ObjectReader reader(*organization, "organization", source);
        reader.read("name", s.organization_name);
        reader.read("slug", s.organization_slug);
        reader.reject_unknown();
    }
    top.read("liveUrl", s.live_url);
    top.read("estimatedAttendees", s.estimated_attendees);
    top.read("userAgent", s.user_agent);
    top.read("ipRange", s.ip_range);

    if (const json* events = top.find("events")) {
        if (!events->is_array()) top.fail("events", "must be an array of events");
        s.events.clear();
        for (size_t i = 0; i < events->size(); ++i)
            s.events.push_back(read_event((*events)[i], "events[" + std::to_string(i) + "]", source));
    }

    if (const json* window = top.find("tapWindow")) {
        ObjectReader reader(*window, "tapWindow", source);
        reader.read("startHoursBeforeRun", s.tap_window_start_hours_before_run);
        reader.read("hours", s.tap_window_hours);
        reader.reject_unknown();
    }

    if (const json* modes = top.find("modes")) {
        ObjectReader reader(*modes, "modes", source);
        for (ModeSpec& mode : s.modes) {
            if (const json* entry = reader.find(mode.name)) {
                ObjectReader mode_reader(*entry, "modes." + mode.name, source);
                mode_reader.read("url", mode.url);
                mode_reader.read("weight", mode.weight);
                mode_reader.reject_unknown();
            }
        }
        reader.reject_unknown();
    }
    top.reject_unknown();

    double total = 0;
    for (const ModeSpec& mode : s.modes) total += mode.weight;
    if (total > 0)
        for (ModeSpec& mode : s.modes) mode.weight /= total;

    s.validate(source);
    return s;
}

json Scenario::to_json() const {
    json events_json = json::array();
    for (const EventSpec& e : events)
        events_json.push_back({{"name", e.name}, {"bandPrefix", e.band_prefix}, {"city", e.city},
                               {"state", e.state}, {"latitude", e.latitude},
                               {"longitude", e.longitude}, {"bands", e.bands}, {"taps", e.taps}});
    json modes_json = json::object();
    for (const ModeSpec& m : modes) modes_json[m.name] = {{"url", m.url}, {"weight", m.weight}};
    return {
        {"organization", {{"name", organization_name}, {"slug", organization_slug}}},
        {"liveUrl", live_url},
        {"estimatedAttendees", estimated_attendees},
        {"events", events_json},
        {"tapWindow", {{"startHoursBeforeRun", tap_window_start_hours_before_run}, {"hours", tap_window_hours}}},
        {"modes", modes_json},
        {"userAgent", user_agent},
        {"ipRange", ip_range},
    };
}

void Scenario::validate(const std::string& source) const {
    auto fail = [&](const std::string& path, const std::string& problem) {
        throw ScenarioError(source + ": " + path + ": " + problem);
    };

    if (organization_name.empty()) fail("organization.name", "is empty");
    if (organization_slug.empty()) fail("organization.slug", "is empty");
    if (live_url.empty()) fail("liveUrl", "is empty");
    if (events.empty()) fail("events", "lists no events; a scenario needs at least one");

    std::map<std::string, size_t> names, prefixes;
    for (size_t i = 0; i < events.size(); ++i) {
        const EventSpec& e = events[i];
        std::string path = "events[" + std::to_string(i) + "]";
        if (e.bands == 0) fail(path + ".bands", "must be at least 1");
        if (e.bands >= 1'000'000'000ULL) fail(path + ".bands", "must be below 1000000000");
        if (e.taps >= 1'000'000'000ULL) fail(path + ".taps", "must be below 1000000000");
        if (!std::isfinite(e.latitude) || e.latitude < -90 || e.latitude > 90)
            fail(path + ".latitude", "must be between -90 and 90");
        if (!std::isfinite(e.longitude) || e.longitude < -180 || e.longitude > 180)
            fail(path + ".longitude", "must be between -180 and 180");
        if (auto [it, added] = names.emplace(e.name, i); !added)
            fail(path + ".name", "duplicate event name '" + e.name + "' (also events[" +
                                     std::to_string(it->second) + "].name)");
        for (auto& [prefix, other] : prefixes) {
            // One prefix extending another would let cleanup of one event match
            // the other's keys, so both are refused, not only equal ones.
            bool clash = e.band_prefix.rfind(prefix, 0) == 0 || prefix.rfind(e.band_prefix, 0) == 0;
            if (clash)
                fail(path + ".bandPrefix", "prefix '" + e.band_prefix + "' overlaps '" + prefix +
                                               "' of events[" + std::to_string(other) +
                                               "]; give each event a prefix that does not start another");
        }
        prefixes.emplace(e.band_prefix, i);
        if (size_t longest = longest_kv_key(e); longest > kv_key_limit)
            fail(path + ".bandPrefix", "makes KV keys of " + std::to_string(longest) +
                                           " bytes, over the limit of 512; shorten the prefix");
    }

    if (!(tap_window_hours > 0)) fail("tapWindow.hours", "must be greater than 0");
    if (!std::isfinite(tap_window_start_hours_before_run))
        fail("tapWindow.startHoursBeforeRun", "must be a number");

    double total = 0;
    for (const ModeSpec& m : modes) {
        if (m.weight < 0 || !std::isfinite(m.weight)) fail("modes." + m.name + ".weight", "must not be negative");
        if (m.url.empty()) fail("modes." + m.name + ".url", "is empty");
        total += m.weight;
    }
    if (std::abs(total - 1.0) > 1e-9) fail("modes", "weights must not all be 0");

    uint32_t network = 0, host_bits = 0;
    if (!parse_ipv4_cidr(ip_range, network, host_bits))
        fail("ipRange", "'" + ip_range + "' is not an IPv4 CIDR such as 10.0.0.0/16");
}

uint64_t Scenario::total_bands() const {
    uint64_t total = 0;
    for (const EventSpec& e : events) total += e.bands;
    return total;
}

uint64_t Scenario::total_taps() const {
    uint64_t total = 0;
    for (const EventSpec& e : events) total += e.taps;
    return total;
}

uint32_t band_number_width(uint64_t band_count) {
    uint32_t digits = 1;
    for (uint64_t n = band_count; n >= 10; n /= 10) ++digits;
    return digits < 6 ? 6 : digits;
}

size_t longest_kv_key(const EventSpec& event) {
    return 4 + id_length + 1 + event.band_prefix.size() + band_number_width(event.bands);
}

bool parse_ipv4_cidr(const std::string& text, uint32_t& network, uint32_t& host_bits) {
    unsigned a, b, c, d, bits;
    char tail;
    if (std::sscanf(text.c_str(), "%3u.%3u.%3u.%3u/%2u%c", &a, &b, &c, &d, &bits, &tail) != 5) return false;
    if (a > 255 || b > 255 || c > 255 || d > 255 || bits > 32) return false;
    uint32_t address = (a << 24) | (b << 16) | (c << 8) | d;
    host_bits = 32 - bits;
    uint32_t mask = host_bits == 32 ? 0 : ~((1u << host_bits) - 1);
    network = address & mask;
    return true;
}

}  // namespace loadseed::core
