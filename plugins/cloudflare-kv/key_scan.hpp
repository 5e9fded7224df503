// The key names loadseed writes for each event, and a scan of what the
// namespace holds under them, through the list endpoint
// (`GET .../keys?prefix=P&limit=1000&cursor=C`, one request per 1,000 keys).
#pragma once

#include <loadseed/plugin.h>

#include "kv_client.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cloudflare_kv {

// Each band has two keys: the bare band id, read by the worker's old URL
// format, and "evt:<eventId>:<bandId>", read by the new one.
enum class KeyForm { bare = 0, scoped = 1 };
inline constexpr std::array<KeyForm, 2> key_forms = {KeyForm::bare, KeyForm::scoped};
const char* form_name(KeyForm form);

class EventKeys {
public:
    explicit EventKeys(const ls_event& event);

    const std::string& event_name() const { return name_; }
    // The prefix listed for `form`: the band prefix, or "evt:<eventId>:".
    const std::string& list_prefix(KeyForm form) const;
    std::string key(KeyForm form, uint64_t band_number) const;
    // Returns the band number when `key` has the exact shape loadseed writes
    // in `form`: the prefix, then exactly band_number_width digits.
    std::optional<uint64_t> band_number(KeyForm form, std::string_view key) const;

    uint64_t first_band() const { return first_; }
    uint64_t band_count() const { return count_; }
    bool in_range(uint64_t number) const { return number >= first_ && number < first_ + count_; }

private:
    std::string name_;
    std::string band_prefix_;
    std::string scoped_prefix_;  // "evt:<eventId>:"
    std::string scoped_band_prefix_;
    uint32_t width_;
    uint64_t first_;
    uint64_t count_;
};

std::vector<EventKeys> event_keys(const ls_run& run);

struct FormScan {
    uint64_t in_range = 0;       // this run's keys
    uint64_t outside_range = 0;  // loadseed's shape, other band numbers (other shards or band counts)
    uint64_t foreign = 0;        // under the prefix but not loadseed's shape
    std::vector<std::string> foreign_examples;  // the first few
    std::optional<int64_t> first_expiration;    // of the first in-range key, when it has one
};

struct KeyScan {
    std::vector<std::array<FormScan, 2>> events;  // [event][form]
    uint64_t pages = 0;
};

// Lists every key under each event's two prefixes and sorts it into the
// counts above.
KeyScan scan_keys(KvClient& client, const std::string& namespace_url, const std::vector<EventKeys>& events);

}  // namespace cloudflare_kv
