// Record ids in the shape the application's ORM makes: 25 characters, 'c'
// followed by lowercase base36 (a cuid).
#pragma once

#include <cstdint>
#include <string>

#include <loadseed/plugin.h>

namespace loadseed::core {

inline constexpr size_t id_length = 25;

// Tables whose ids a run makes; the value is mixed into the random part so
// equal indexes in two tables give different ids.
enum class IdKind : uint64_t { organization = 1, event = 2, band = 3, tap_log = 4 };

// Makes deterministic ids: 'c', 8 base36 digits of the run's start time in
// milliseconds, 8 digits of a sequence number, and 8 digits hashed from
// (seed, kind, sequence). As with cuid, ids of one run sort by sequence, so a
// database appends them to the end of its primary-key index instead of
// splitting pages all over it.
class IdFactory {
public:
    IdFactory(uint64_t seed, ls_time_ms started_at) : seed_(seed), started_at_(started_at) {}

    // Writes id_length characters to `out`.
    void write(IdKind kind, uint64_t sequence, char* out) const;
    std::string make(IdKind kind, uint64_t sequence) const;

    // The sequence of band `number` (1-based) of event `event_index`, and of tap
    // `index` (0-based). Events get disjoint ranges of 10^9 sequences.
    static uint64_t band_sequence(uint32_t event_index, uint64_t number) {
        return uint64_t(event_index) * 1'000'000'000ULL + number;
    }
    static uint64_t tap_sequence(uint32_t event_index, uint64_t index) {
        return uint64_t(event_index) * 1'000'000'000ULL + index;
    }

private:
    uint64_t seed_;
    ls_time_ms started_at_;
};

// True when `id` has the cuid shape: 25 characters, 'c' then [0-9a-z].
bool is_cuid_shaped(const std::string& id);

}  // namespace loadseed::core
