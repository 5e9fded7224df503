// The run model: a scenario resolved for one run (seed, start time, shard)
// into the plain ls_run the sinks see, plus the record builders that turn it
// into batches.
#pragma once

#include <loadseed/core/ids.hpp>
#include <loadseed/core/scenario.hpp>

#include <array>
#include <string>
#include <vector>

namespace loadseed::core {

struct RunSettings {
    uint64_t seed = 0;
    ls_time_ms started_at = 0;
    uint32_t shard_index = 1;  // 1-based
    uint32_t shard_count = 1;
    bool dry_run = false;
};

// Returns the part [first, first + count) of `total` items that shard
// `index` of `count_of_shards` owns; shards split by contiguous ranges.
struct Range {
    uint64_t first;
    uint64_t count;
};
Range shard_range(uint64_t total, uint32_t index, uint32_t count_of_shards);

class RunModel {
public:
    RunModel(Scenario scenario, RunSettings settings);
    RunModel(const RunModel&) = delete;
    RunModel& operator=(const RunModel&) = delete;

    ls_run& run() { return run_; }
    const ls_run& run() const { return run_; }
    const Scenario& scenario() const { return scenario_; }
    const RunSettings& settings() const { return settings_; }
    const IdFactory& ids() const { return ids_; }

    // Blanks the organization, event and window ids: cleanup and verify do
    // not know the ids a sink stored, and sinks find records by name instead.
    void forget_ids();

    // The KV value every key of event `event_index` carries, from the event's
    // current (possibly sink-resolved) ids: {"url","eventId","mode","windowId"}.
    std::string kv_value(size_t event_index) const;

private:
    Scenario scenario_;
    RunSettings settings_;
    IdFactory ids_;
    std::vector<ls_event> events_;
    std::vector<std::string> locations_;
    std::array<ls_mode_entry, LS_MODE_COUNT> modes_{};
    std::string scenario_json_;
    ls_run run_{};
};

// Builds record batches for one stage into reusable buffers. A batch stays
// valid until the next build call.
class BatchBuilder {
public:
    explicit BatchBuilder(const RunModel& model);

    // Bands numbered first .. first + count - 1 of event `event_index`.
    const ls_batch& bands(uint32_t event_index, uint64_t first, uint64_t count, uint64_t first_row);
    // The two KV pairs (bare band id, then evt:<eventId>:<bandId>) of each of
    // those bands.
    const ls_batch& kv_pairs(uint32_t event_index, uint64_t first, uint64_t count, uint64_t first_row);
    // Tap logs from generator samples; samples[i] belongs to tap first_index + i.
    const ls_batch& tap_logs(uint32_t event_index, uint64_t first_index, const ls_tap_sample* samples,
                             uint64_t count, uint64_t first_row);

private:
    // Writes the band id text ("LOADTEST-E1-000042") of `number` to `out`.
    size_t write_band_id(const ls_event& event, uint64_t number, char* out) const;

    const RunModel& model_;
    std::vector<char> text_;
    std::vector<ls_band_row> band_rows_;
    std::vector<ls_kv_row> kv_rows_;
    std::vector<ls_tap_row> tap_rows_;
    std::vector<std::string> kv_values_;  // by event, built on first use
    uint32_t ip_network_ = 0;
    uint32_t ip_host_bits_ = 0;
    ls_batch batch_{};
};

}  // namespace loadseed::core
