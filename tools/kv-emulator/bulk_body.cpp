#include "bulk_body.h"

#include <optional>

#include "api_error.h"
#include "base64.h"

namespace kv_emulator {
namespace {

void require_array_within_limit(const nlohmann::json& body, const char* what) {
  if (!body.is_array()) {
    throw ApiError(ErrorCode::invalid_body,
                   std::string("request body must be a JSON array of ") + what);
  }
  if (body.size() > max_bulk_items) {
    throw ApiError(ErrorCode::too_many_items,
                   "request contains " + std::to_string(body.size()) + " " + what +
                       "; the maximum is " + std::to_string(max_bulk_items) +
                       " per request, so split it into several requests");
  }
}

std::string take_string_field(nlohmann::json& item, const char* field,
                              const std::string& item_name, ErrorCode error) {
  auto found = item.find(field);
  if (found == item.end() || !found->is_string()) {
    throw ApiError(error, item_name + ": \"" + field + "\" must be a string");
  }
  return std::move(found->get_ref<std::string&>());
}

std::optional<std::int64_t> optional_seconds(const nlohmann::json& item, const char* field,
                                             const std::string& item_name, ErrorCode error) {
  auto found = item.find(field);
  if (found == item.end() || found->is_null()) return std::nullopt;
  if (!found->is_number_integer()) {
    throw ApiError(error, item_name + ": \"" + field + "\" must be an integer number of seconds");
  }
  return found->get<std::int64_t>();
}

bool is_base64_flag_set(const nlohmann::json& item, const std::string& item_name) {
  auto found = item.find("base64");
  if (found == item.end() || found->is_null()) return false;
  if (!found->is_boolean()) {
    throw ApiError(ErrorCode::invalid_body, item_name + ": \"base64\" must be true or false");
  }
  return found->get<bool>();
}

std::unique_ptr<const std::string> serialize_metadata(const nlohmann::json& item,
                                                      const std::string& item_name) {
  auto found = item.find("metadata");
  if (found == item.end() || found->is_null()) return nullptr;

  auto serialized = found->dump();
  validate_metadata_size(serialized.size(), item_name);
  return std::make_unique<const std::string>(std::move(serialized));
}

}  // namespace

KvPair parse_write_pair(nlohmann::json& item, std::int64_t now, ExpirationCheck check,
                        const std::string& item_name) {
  if (!item.is_object()) {
    throw ApiError(ErrorCode::invalid_body,
                   item_name + ": must be an object with \"key\" and \"value\"");
  }

  KvPair pair;
  pair.key = take_string_field(item, "key", item_name, ErrorCode::invalid_key);
  validate_key(pair.key, item_name);

  pair.entry.value = take_string_field(item, "value", item_name, ErrorCode::invalid_body);
  if (is_base64_flag_set(item, item_name)) {
    auto decoded = decode_base64(pair.entry.value);
    if (!decoded) {
      throw ApiError(ErrorCode::invalid_body,
                     item_name + ": \"base64\" is true but the value is not valid base64");
    }
    pair.entry.value = std::move(*decoded);
  }
  validate_value_size(pair.entry.value.size(), item_name);

  auto expiration = optional_seconds(item, "expiration", item_name, ErrorCode::invalid_expiration);
  auto expiration_ttl =
      optional_seconds(item, "expiration_ttl", item_name, ErrorCode::invalid_expiration_ttl);
  pair.entry.expiration = resolve_expiration(expiration, expiration_ttl, now, check, item_name);

  pair.entry.metadata = serialize_metadata(item, item_name);
  return pair;
}

std::vector<KvPair> parse_bulk_write(nlohmann::json& body, std::int64_t now) {
  require_array_within_limit(body, "pairs");

  std::vector<KvPair> pairs;
  pairs.reserve(body.size());
  for (std::size_t i = 0; i < body.size(); ++i) {
    auto item_name = "pair " + std::to_string(i);
    pairs.push_back(parse_write_pair(body[i], now, ExpirationCheck::api_write, item_name));
  }
  return pairs;
}

std::vector<std::string> parse_bulk_delete(nlohmann::json& body) {
  require_array_within_limit(body, "keys");

  std::vector<std::string> keys;
  keys.reserve(body.size());
  for (std::size_t i = 0; i < body.size(); ++i) {
    auto item_name = "key " + std::to_string(i);
    if (!body[i].is_string()) {
      throw ApiError(ErrorCode::invalid_body, item_name + ": must be a string");
    }
    keys.push_back(std::move(body[i].get_ref<std::string&>()));
    validate_key(keys.back(), item_name);
  }
  return keys;
}

}  // namespace kv_emulator
