// Limits of the Workers KV REST API, which the KV emulator enforces too, and
// the checks that keep every request within them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace cloudflare_kv {

inline constexpr size_t max_key_bytes = 512;
inline constexpr size_t max_value_bytes = 25 * 1024 * 1024;
inline constexpr size_t max_pairs_per_request = 10000;
// 100 MB in decimal units, the smaller reading of the documented limit.
inline constexpr size_t max_request_bytes = 100'000'000;
inline constexpr size_t max_keys_per_delete = 10000;
inline constexpr int64_t min_ttl_seconds = 60;
inline constexpr int max_list_limit = 1000;

// Returns why `key` cannot be stored, or an empty string when it can.
std::string key_problem(std::string_view key);

// Throws loadseed::Error (LS_INVALID_ARGUMENT) naming the key when the key
// or its value breaks a limit.
void check_pair(std::string_view key, std::string_view value);

// The key as it appears in messages: quoted, cut after 80 bytes.
std::string quoted_key(std::string_view key);

}  // namespace cloudflare_kv
