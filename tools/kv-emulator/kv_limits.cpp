#include "kv_limits.h"

#include <chrono>
#include <string>

#include "api_error.h"

namespace kv_emulator {

std::int64_t epoch_seconds_now() {
  auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::seconds>(since_epoch).count();
}

// Accepts the encodings RFC 3629 allows: no overlong forms, no surrogates,
// nothing above U+10FFFF.
bool is_valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    std::uint32_t code_point = 0;
    if (lead < 0x80) {
      i += 1;
      continue;
    } else if ((lead & 0xE0) == 0xC0) {
      length = 2;
      code_point = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3;
      code_point = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4;
      code_point = lead & 0x07;
    } else {
      return false;
    }

    if (i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code_point = (code_point << 6) | (next & 0x3F);
    }

    static constexpr std::uint32_t min_for_length[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code_point < min_for_length[length]) return false;
    if (code_point > 0x10FFFF) return false;
    if (code_point >= 0xD800 && code_point <= 0xDFFF) return false;
    i += length;
  }
  return true;
}

void validate_key(std::string_view key, std::string_view item) {
  std::string where(item);
  if (key.empty()) {
    throw ApiError(ErrorCode::invalid_key, where + ": key is empty; give every pair a non-empty key");
  }
  if (key == "." || key == "..") {
    throw ApiError(ErrorCode::invalid_key,
                   where + ": key \"" + std::string(key) +
                       "\" is not allowed; \".\" and \"..\" cannot be whole keys");
  }
  if (key.size() > max_key_bytes) {
    throw ApiError(ErrorCode::invalid_key,
                   where + ": key is " + std::to_string(key.size()) +
                       " bytes; the maximum is " + std::to_string(max_key_bytes) +
                       " bytes of UTF-8");
  }
  if (!is_valid_utf8(key)) {
    throw ApiError(ErrorCode::invalid_key, where + ": key is not valid UTF-8");
  }
}

void validate_value_size(std::size_t value_bytes, std::string_view item) {
  if (value_bytes > max_value_bytes) {
    throw ApiError(ErrorCode::value_too_large,
                   std::string(item) + ": value is " + std::to_string(value_bytes) +
                       " bytes; the maximum is " + std::to_string(max_value_bytes) +
                       " bytes (25 MiB)");
  }
}

void validate_metadata_size(std::size_t serialized_bytes, std::string_view item) {
  if (serialized_bytes > max_metadata_bytes) {
    throw ApiError(ErrorCode::metadata_too_large,
                   std::string(item) + ": metadata is " + std::to_string(serialized_bytes) +
                       " bytes as JSON; the maximum is " +
                       std::to_string(max_metadata_bytes) + " bytes");
  }
}

std::int64_t resolve_expiration(std::optional<std::int64_t> expiration,
                                std::optional<std::int64_t> expiration_ttl,
                                std::int64_t now, ExpirationCheck check,
                                std::string_view item) {
  std::string where(item);
  if (expiration_ttl) {
    if (*expiration_ttl < min_expiration_ttl_seconds) {
      throw ApiError(ErrorCode::invalid_expiration_ttl,
                     where + ": expiration_ttl is " + std::to_string(*expiration_ttl) +
                         " seconds; the minimum is " +
                         std::to_string(min_expiration_ttl_seconds) + " seconds");
    }
    return now + *expiration_ttl;
  }

  if (expiration) {
    bool too_soon = *expiration < now + min_expiration_ttl_seconds;
    if (check == ExpirationCheck::api_write && too_soon) {
      throw ApiError(ErrorCode::invalid_expiration,
                     where + ": expiration " + std::to_string(*expiration) +
                         " is less than " + std::to_string(min_expiration_ttl_seconds) +
                         " seconds in the future (now is " + std::to_string(now) +
                         "); use a later epoch time or expiration_ttl");
    }
    return *expiration;
  }

  return 0;
}

}  // namespace kv_emulator
