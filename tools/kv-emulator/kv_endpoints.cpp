// The endpoints behind the request pipeline in kv_api.cpp. Each one validates
// the whole request before it changes the store.
#include <charconv>
#include <optional>
#include <string_view>

#include "api_envelope.h"
#include "bulk_body.h"
#include "kv_api.h"
#include "kv_limits.h"

namespace kv_emulator {
namespace {

// The list cursor is the last key of the page, hex-encoded so that it is
// opaque to clients and safe in a query string.
std::string encode_cursor(std::string_view last_key) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string cursor;
  cursor.reserve(last_key.size() * 2);
  for (unsigned char byte : last_key) {
    cursor += digits[byte >> 4];
    cursor += digits[byte & 0x0F];
  }
  return cursor;
}

std::optional<std::string> decode_cursor(std::string_view cursor) {
  if (cursor.size() % 2 != 0) return std::nullopt;

  std::string key;
  key.reserve(cursor.size() / 2);
  for (std::size_t i = 0; i < cursor.size(); i += 2) {
    unsigned value = 0;
    auto [end, error] = std::from_chars(cursor.data() + i, cursor.data() + i + 2, value, 16);
    if (error != std::errc() || end != cursor.data() + i + 2) return std::nullopt;
    key += static_cast<char>(value);
  }
  return key;
}

std::optional<std::int64_t> parse_integer(std::string_view text) {
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::size_t list_limit_from(const httplib::Request& http) {
  if (!http.has_param("limit")) return max_list_limit;

  auto limit = parse_integer(http.get_param_value("limit"));
  if (!limit || *limit < static_cast<std::int64_t>(min_list_limit) ||
      *limit > static_cast<std::int64_t>(max_list_limit)) {
    throw ApiError(ErrorCode::invalid_list_parameter,
                   "limit \"" + http.get_param_value("limit") + "\" is invalid; use an integer from " +
                       std::to_string(min_list_limit) + " to " + std::to_string(max_list_limit));
  }
  return static_cast<std::size_t>(*limit);
}

std::optional<std::int64_t> seconds_param(const httplib::Request& http, const char* name,
                                          ErrorCode error) {
  if (!http.has_param(name)) return std::nullopt;

  auto seconds = parse_integer(http.get_param_value(name));
  if (!seconds) {
    throw ApiError(error, std::string(name) + " \"" + http.get_param_value(name) +
                              "\" is not an integer number of seconds");
  }
  return seconds;
}

void reject_invalid_json(const nlohmann::json& body) {
  if (body.is_discarded()) {
    throw ApiError(ErrorCode::invalid_body, "request body is not valid JSON");
  }
}

void reject_oversized_body(std::size_t body_bytes, bool too_large) {
  if (!too_large) return;
  throw ApiError(ErrorCode::body_too_large,
                 "request body is " + std::to_string(body_bytes) + " bytes; the maximum is " +
                     std::to_string(max_bulk_body_bytes) +
                     " bytes per bulk request, so split it into several requests");
}

nlohmann::json bulk_result(std::size_t successful, const std::vector<std::string>& unsuccessful) {
  return {{"successful_key_count", successful}, {"unsuccessful_keys", unsuccessful}};
}

}  // namespace

void KvApi::write_bulk(ApiRequest& request, httplib::Response& response) {
  reject_oversized_body(request.body_bytes, request.body_too_large);
  reject_invalid_json(request.json);
  auto pairs = parse_bulk_write(request.json, epoch_seconds_now());

  auto unsuccessful_flags = faults_.draw_unsuccessful_keys(pairs.size());
  std::vector<KvPair> applied;
  std::vector<std::string> unsuccessful;
  applied.reserve(pairs.size());
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    if (unsuccessful_flags[i]) {
      unsuccessful.push_back(std::move(pairs[i].key));
    } else {
      applied.push_back(std::move(pairs[i]));
    }
  }

  auto successful = applied.size();
  store_.put(std::move(applied));
  stats_.record_bulk_write();
  send_json(response, 200, make_success_envelope(bulk_result(successful, unsuccessful)));
}

void KvApi::delete_bulk(ApiRequest& request, httplib::Response& response) {
  reject_oversized_body(request.body_bytes, request.body_too_large);
  reject_invalid_json(request.json);
  auto keys = parse_bulk_delete(request.json);

  auto unsuccessful_flags = faults_.draw_unsuccessful_keys(keys.size());
  std::vector<std::string> applied;
  std::vector<std::string> unsuccessful;
  applied.reserve(keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    auto& target = unsuccessful_flags[i] ? unsuccessful : applied;
    target.push_back(std::move(keys[i]));
  }

  store_.erase(applied);
  stats_.record_bulk_delete();
  send_json(response, 200, make_success_envelope(bulk_result(applied.size(), unsuccessful)));
}

void KvApi::list_keys(ApiRequest& request, httplib::Response& response) {
  const auto& http = request.http;
  auto prefix = http.get_param_value("prefix");
  auto limit = list_limit_from(http);

  std::string after;
  auto cursor = http.get_param_value("cursor");
  if (!cursor.empty()) {
    auto decoded = decode_cursor(cursor);
    if (!decoded) {
      throw ApiError(ErrorCode::invalid_list_parameter,
                     "cursor is invalid; pass the cursor from the previous page's result_info");
    }
    after = std::move(*decoded);
  }

  auto page = store_.list(prefix, after, limit, epoch_seconds_now());

  auto keys = nlohmann::json::array();
  for (const auto& listing : page.keys) {
    nlohmann::json key = {{"name", listing.name}};
    if (listing.expiration != 0) key["expiration"] = listing.expiration;
    if (!listing.metadata.empty()) key["metadata"] = nlohmann::json::parse(listing.metadata);
    keys.push_back(std::move(key));
  }

  std::string next_cursor = page.has_more ? encode_cursor(page.keys.back().name) : "";
  auto envelope = make_success_envelope(std::move(keys));
  envelope["result_info"] = {{"count", page.keys.size()}, {"cursor", next_cursor}};
  send_json(response, 200, envelope);
}

void KvApi::read_value(ApiRequest& request, httplib::Response& response) {
  const std::string& key = request.http.matches[3];

  std::string value;
  if (!store_.read_value(key, epoch_seconds_now(), value)) {
    throw ApiError(ErrorCode::key_not_found, "get: 'key not found': \"" + key + "\"");
  }
  response.status = 200;
  response.set_content(value, "application/octet-stream");
}

// NOTE: Only the raw-body form is emulated. The multipart form, which the real
// API uses to set metadata on a single write, is answered as a raw value.
void KvApi::write_value(ApiRequest& request, httplib::Response& response) {
  const std::string& key = request.http.matches[3];
  validate_key(key, "key in the URL");
  if (request.body_too_large) validate_value_size(request.body_bytes, "key \"" + key + "\"");

  auto expiration = seconds_param(request.http, "expiration", ErrorCode::invalid_expiration);
  auto expiration_ttl =
      seconds_param(request.http, "expiration_ttl", ErrorCode::invalid_expiration_ttl);

  KvPair pair;
  pair.key = key;
  pair.entry.expiration = resolve_expiration(expiration, expiration_ttl, epoch_seconds_now(),
                                             ExpirationCheck::api_write, "key \"" + key + "\"");
  pair.entry.value = std::move(request.body);

  store_.put(std::move(pair));
  send_json(response, 200, make_success_envelope(nullptr));
}

void KvApi::delete_value(ApiRequest& request, httplib::Response& response) {
  const std::string& key = request.http.matches[3];
  validate_key(key, "key in the URL");

  store_.erase(key);
  send_json(response, 200, make_success_envelope(nullptr));
}

}  // namespace kv_emulator
