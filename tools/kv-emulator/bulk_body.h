#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kv_limits.h"
#include "kv_store.h"

namespace kv_emulator {

// Converts one {"key", "value", "expiration"?, "expiration_ttl"?, "metadata"?,
// "base64"?} object into a pair, moving its strings out of `item`. Throws
// ApiError naming `item_name` when the object breaks a limit.
KvPair parse_write_pair(nlohmann::json& item, std::int64_t now, ExpirationCheck check,
                        const std::string& item_name);

// Parses the body of a bulk write: an array of at most 10,000 pair objects.
// Validates every pair before returning, so a rejected request stores nothing.
std::vector<KvPair> parse_bulk_write(nlohmann::json& body, std::int64_t now);

// Parses the body of a bulk delete: an array of at most 10,000 key strings.
std::vector<std::string> parse_bulk_delete(nlohmann::json& body);

}  // namespace kv_emulator
