#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kv_emulator {

// Standard base64 (RFC 4648 section 4), used for values sent with "base64": true
// and for binary values in snapshot files.
std::string encode_base64(std::string_view bytes);

// Returns nullopt when `text` is not valid base64. Padding is optional.
std::optional<std::string> decode_base64(std::string_view text);

}  // namespace kv_emulator
