#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace kv_emulator {

// Limits of the Cloudflare Workers KV REST API, as documented by Cloudflare
// ("Workers KV limits" and the bulk endpoints' reference).
inline constexpr std::size_t max_key_bytes = 512;
inline constexpr std::size_t max_value_bytes = 25 * 1024 * 1024;
inline constexpr std::size_t max_metadata_bytes = 1024;
inline constexpr std::size_t max_bulk_items = 10'000;
inline constexpr std::size_t max_bulk_body_bytes = 100'000'000;
inline constexpr std::int64_t min_expiration_ttl_seconds = 60;
inline constexpr std::size_t min_list_limit = 10;
inline constexpr std::size_t max_list_limit = 1000;

// Seconds since the Unix epoch, the unit of "expiration".
std::int64_t epoch_seconds_now();

bool is_valid_utf8(std::string_view text);

// Each validate_* function throws ApiError naming the limit and the item;
// `item` is how the message refers to the pair, e.g. "pair 17" or a key name.
void validate_key(std::string_view key, std::string_view item);
void validate_value_size(std::size_t value_bytes, std::string_view item);
void validate_metadata_size(std::size_t serialized_bytes, std::string_view item);

// Decides whether an expiration in the past is an error (API writes) or is
// kept as given (loading a snapshot, where time has passed since the dump).
enum class ExpirationCheck { api_write, none };

// Returns the absolute expiration in epoch seconds, or 0 when the key never
// expires. expiration_ttl wins over expiration when both are given, as in the
// real API.
std::int64_t resolve_expiration(std::optional<std::int64_t> expiration,
                                std::optional<std::int64_t> expiration_ttl,
                                std::int64_t now, ExpirationCheck check,
                                std::string_view item);

}  // namespace kv_emulator
