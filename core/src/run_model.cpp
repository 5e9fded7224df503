#include <loadseed/core/run_model.hpp>

#include <loadseed/random.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>

namespace loadseed::core {

namespace {

constexpr double hour_ms = 3600.0 * 1000.0;

// Random stream of the host's own per-tap draws, apart from the generator's.
constexpr uint64_t ip_stream = 0x1b;

void copy_id(char (&target)[LS_ID_CAPACITY], const std::string& id) {
    std::memset(target, 0, LS_ID_CAPACITY);
    std::memcpy(target, id.data(), std::min(id.size(), size_t(LS_ID_CAPACITY - 1)));
}

char* put_unsigned(char* out, unsigned value) {
    char digits[10];
    int n = 0;
    do {
        digits[n++] = static_cast<char>('0' + value % 10);
        value /= 10;
    } while (value);
    while (n) *out++ = digits[--n];
    return out;
}

}  // namespace

Range shard_range(uint64_t total, uint32_t index, uint32_t count_of_shards) {
    // 128-bit products keep total * index exact for any count we accept.
    auto bound = [&](uint64_t k) {
        return static_cast<uint64_t>(static_cast<loadseed::uint128_t>(total) * k / count_of_shards);
    };
    uint64_t first = bound(index - 1);
    return {first, bound(index) - first};
}

RunModel::RunModel(Scenario scenario, RunSettings settings)
    : scenario_(std::move(scenario)), settings_(settings), ids_(settings.seed, settings.started_at) {
    scenario_json_ = scenario_.to_json().dump();
    events_.resize(scenario_.events.size());
    locations_.resize(scenario_.events.size());

    for (size_t i = 0; i < scenario_.events.size(); ++i) {
        const EventSpec& spec = scenario_.events[i];
        ls_event& event = events_[i];
        copy_id(event.id, ids_.make(IdKind::event, i + 1));
        copy_id(event.window_id, std::string(event.id) + "-live");
        locations_[i] = spec.city.empty() ? std::string() : spec.city + ", " + spec.state;
        event.name = spec.name.c_str();
        event.band_prefix = spec.band_prefix.c_str();
        event.city = spec.city.c_str();
        event.state = spec.state.c_str();
        event.location = locations_[i].c_str();
        event.latitude = spec.latitude;
        event.longitude = spec.longitude;
        event.estimated_attendees = scenario_.estimated_attendees;
        event.live_url = scenario_.live_url.c_str();

        Range bands = shard_range(spec.bands, settings_.shard_index, settings_.shard_count);
        event.total_bands = spec.bands;
        event.first_band = bands.first + 1;
        event.band_count = bands.count;

        Range taps = shard_range(spec.taps, settings_.shard_index, settings_.shard_count);
        event.total_taps = spec.taps;
        event.first_tap = taps.first;
        event.tap_count = taps.count;
        event.band_number_width = band_number_width(spec.bands);
    }

    for (size_t m = 0; m < modes_.size(); ++m)
        modes_[m] = {scenario_.modes[m].name.c_str(), scenario_.modes[m].url.c_str(), scenario_.modes[m].weight};

    run_.struct_size = sizeof(ls_run);
    copy_id(run_.organization.id, ids_.make(IdKind::organization, 1));
    run_.organization.name = scenario_.organization_name.c_str();
    run_.organization.slug = scenario_.organization_slug.c_str();
    run_.events = events_.data();
    run_.event_count = events_.size();
    run_.modes = modes_.data();
    run_.started_at = settings_.started_at;
    run_.tap_window_start =
        settings_.started_at - static_cast<ls_time_ms>(std::llround(scenario_.tap_window_start_hours_before_run * hour_ms));
    run_.tap_window_end = run_.tap_window_start + static_cast<ls_time_ms>(std::llround(scenario_.tap_window_hours * hour_ms));
    run_.seed = settings_.seed;
    run_.shard_index = settings_.shard_index;
    run_.shard_count = settings_.shard_count;
    run_.scenario_json = scenario_json_.c_str();
    run_.user_agent = scenario_.user_agent.c_str();
    run_.dry_run = settings_.dry_run ? 1 : 0;
}

void RunModel::forget_ids() {
    run_.organization.id[0] = '\0';
    for (ls_event& event : events_) {
        event.id[0] = '\0';
        event.window_id[0] = '\0';
    }
}

std::string RunModel::kv_value(size_t event_index) const {
    const ls_event& event = run_.events[event_index];
    // The edge worker reads exactly these four fields; "mode" is lowercase there.
    nlohmann::ordered_json value = {
        {"url", scenario_.live_url},
        {"eventId", std::string(event.id)},
        {"mode", "live"},
        {"windowId", std::string(event.window_id)},
    };
    return value.dump();
}

BatchBuilder::BatchBuilder(const RunModel& model) : model_(model) {
    parse_ipv4_cidr(model.scenario().ip_range, ip_network_, ip_host_bits_);
    batch_.struct_size = sizeof(ls_batch);
}

size_t BatchBuilder::write_band_id(const ls_event& event, uint64_t number, char* out) const {
    size_t prefix = std::strlen(event.band_prefix);
    std::memcpy(out, event.band_prefix, prefix);
    char* digits = out + prefix;
    for (int i = static_cast<int>(event.band_number_width) - 1; i >= 0; --i) {
        digits[i] = static_cast<char>('0' + number % 10);
        number /= 10;
    }
    return prefix + event.band_number_width;
}

const ls_batch& BatchBuilder::bands(uint32_t event_index, uint64_t first, uint64_t count, uint64_t first_row) {
    const ls_event& event = model_.run().events[event_index];
    const size_t band_id_size = std::strlen(event.band_prefix) + event.band_number_width;
    const size_t row_text = id_length + band_id_size;
    text_.resize(count * row_text);
    band_rows_.resize(count);

    char* at = text_.data();
    for (uint64_t i = 0; i < count; ++i) {
        uint64_t number = first + i;
        ls_band_row& row = band_rows_[i];
        model_.ids().write(IdKind::band, IdFactory::band_sequence(event_index, number), at);
        row.id = {at, id_length};
        at += id_length;
        row.band_id = {at, write_band_id(event, number, at)};
        at += band_id_size;
        row.number = number;
    }

    batch_.table = LS_TABLE_BAND;
    batch_.event_index = event_index;
    batch_.first_row = first_row;
    batch_.row_count = count;
    batch_.row_size = sizeof(ls_band_row);
    batch_.rows = band_rows_.data();
    return batch_;
}

const ls_batch& BatchBuilder::kv_pairs(uint32_t event_index, uint64_t first, uint64_t count, uint64_t first_row) {
    const ls_event& event = model_.run().events[event_index];
    if (kv_values_.size() <= event_index) kv_values_.resize(model_.run().event_count);
    // Built lazily because a sink's prepare may have replaced the event's id.
    std::string& value = kv_values_[event_index];
    if (value.empty()) value = model_.kv_value(event_index);

    const size_t event_id_size = std::strlen(event.id);
    const size_t band_id_size = std::strlen(event.band_prefix) + event.band_number_width;
    const size_t scoped_size = 4 + event_id_size + 1 + band_id_size;  // "evt:" id ":" band id
    text_.resize(count * (band_id_size + scoped_size));
    kv_rows_.resize(count * 2);

    char* at = text_.data();
    for (uint64_t i = 0; i < count; ++i) {
        char* bare = at;
        write_band_id(event, first + i, bare);
        at += band_id_size;

        char* scoped = at;
        std::memcpy(scoped, "evt:", 4);
        std::memcpy(scoped + 4, event.id, event_id_size);
        scoped[4 + event_id_size] = ':';
        std::memcpy(scoped + 5 + event_id_size, bare, band_id_size);
        at += scoped_size;

        kv_rows_[2 * i] = {{bare, band_id_size}, {value.data(), value.size()}};
        kv_rows_[2 * i + 1] = {{scoped, scoped_size}, {value.data(), value.size()}};
    }

    batch_.table = LS_TABLE_KV_PAIR;
    batch_.event_index = event_index;
    batch_.first_row = first_row;
    batch_.row_count = count * 2;
    batch_.row_size = sizeof(ls_kv_row);
    batch_.rows = kv_rows_.data();
    return batch_;
}

const ls_batch& BatchBuilder::tap_logs(uint32_t event_index, uint64_t first_index, const ls_tap_sample* samples,
                                       uint64_t count, uint64_t first_row) {
    const ls_run& run = model_.run();
    const ls_event& event = run.events[event_index];
    const size_t event_window_size = std::strlen(event.window_id);
    const double window_ms = static_cast<double>(run.tap_window_end - run.tap_window_start);
    constexpr size_t ip_capacity = 16;  // "255.255.255.255"
    text_.resize(count * (2 * id_length + ip_capacity));
    tap_rows_.resize(count);

    char* at = text_.data();
    for (uint64_t i = 0; i < count; ++i) {
        const uint64_t index = first_index + i;
        const ls_tap_sample& sample = samples[i];
        ls_tap_row& row = tap_rows_[i];

        model_.ids().write(IdKind::tap_log, IdFactory::tap_sequence(event_index, index), at);
        row.id = {at, id_length};
        at += id_length;

        model_.ids().write(IdKind::band, IdFactory::band_sequence(event_index, sample.band_number), at);
        row.band_row_id = {at, id_length};
        row.band_number = sample.band_number;
        at += id_length;

        row.tapped_at = run.tap_window_start + static_cast<ls_time_ms>(std::llround(sample.position * window_ms));
        row.mode = sample.mode;
        row.redirect_url = {run.modes[sample.mode].url, std::strlen(run.modes[sample.mode].url)};
        row.window_id = sample.mode == LS_MODE_LIVE ? ls_str{event.window_id, event_window_size} : ls_str{"", 0};

        CounterRng rng(run.seed, (uint64_t(event_index) << 8) | ip_stream, index);
        uint32_t host = ip_host_bits_ == 0 ? 0 : static_cast<uint32_t>(rng.below(uint64_t(1) << ip_host_bits_));
        uint32_t address = ip_network_ | host;
        char* ip = at;
        at = put_unsigned(at, address >> 24);
        *at++ = '.';
        at = put_unsigned(at, (address >> 16) & 255);
        *at++ = '.';
        at = put_unsigned(at, (address >> 8) & 255);
        *at++ = '.';
        at = put_unsigned(at, address & 255);
        row.ip_address = {ip, static_cast<size_t>(at - ip)};
    }

    batch_.table = LS_TABLE_TAP_LOG;
    batch_.event_index = event_index;
    batch_.first_row = first_row;
    batch_.row_count = count;
    batch_.row_size = sizeof(ls_tap_row);
    batch_.rows = tap_rows_.data();
    return batch_;
}

}  // namespace loadseed::core
