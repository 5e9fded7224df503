// Timestamps of a run: parsing --start and formatting for CSV and logs.
#pragma once

#include <loadseed/plugin.h>

#include <optional>
#include <string>
#include <string_view>

namespace loadseed::core {

// Returns the current time, in milliseconds since the epoch.
ls_time_ms now_ms();

// Parses an ISO 8601 UTC time such as 2026-05-01T18:00:00Z or
// 2026-05-01T18:00:00.250Z; returns nullopt on anything else.
std::optional<ls_time_ms> parse_utc(std::string_view text);

// Formats as ISO 8601 UTC, "2026-05-01T18:00:00.000Z".
std::string iso_timestamp(ls_time_ms ms);

}  // namespace loadseed::core
