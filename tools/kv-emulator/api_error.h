#pragma once

#include <stdexcept>
#include <string>

namespace kv_emulator {

// Error codes sent in the envelope's "errors" array.
//
// Cloudflare uses 10000 for authentication errors. The other numbers are this
// emulator's own choice in the same range, because the emulator cannot confirm
// the real API's code for every case. Clients should branch on the HTTP status.
//
// | code  | HTTP | cause                                                         |
// |-------|------|---------------------------------------------------------------|
// | 10000 | 401  | Authorization header missing, not "Bearer", or wrong token    |
// | 10001 | 400  | body is not valid JSON, or not the expected array of items    |
// | 10002 | 400  | more than 10,000 pairs or keys in one bulk request            |
// | 10003 | 413  | request body larger than the route allows                     |
// | 10004 | 400  | key empty, "." or "..", over 512 bytes, or not UTF-8          |
// | 10005 | 413  | value larger than 25 MiB                                      |
// | 10006 | 400  | expiration_ttl not an integer or below 60 seconds             |
// | 10007 | 400  | expiration not an integer or less than 60 s in the future     |
// | 10008 | 400  | metadata larger than 1024 bytes of serialized JSON            |
// | 10009 | 404  | key not found (or expired)                                    |
// | 10010 | 400  | list limit outside 10..1000, or cursor not from this emulator |
// | 10011 | 404  | account or namespace id differs from --account-id/--namespace-id |
// | 10012 | 404  | no API route for this method and path                         |
// | 10013 | 429  | rate limit injected by --fail-429                             |
// | 10014 | 500  | error injected by --fail-500/--fail-all, or an internal error |
// | 10015 | 503  | unavailability injected by --fail-503                         |
enum class ErrorCode : int {
  authentication = 10000,
  invalid_body = 10001,
  too_many_items = 10002,
  body_too_large = 10003,
  invalid_key = 10004,
  value_too_large = 10005,
  invalid_expiration_ttl = 10006,
  invalid_expiration = 10007,
  metadata_too_large = 10008,
  key_not_found = 10009,
  invalid_list_parameter = 10010,
  namespace_not_found = 10011,
  no_route = 10012,
  rate_limited = 10013,
  internal_error = 10014,
  unavailable = 10015,
};

// HTTP status that goes with each error code in the table above.
int http_status_for(ErrorCode code);

// An API request that the emulator answers with an error envelope. Handlers
// throw it so that validation reads as a sequence of checks.
class ApiError : public std::runtime_error {
 public:
  ApiError(ErrorCode code, const std::string& message)
      : std::runtime_error(message), code_(code) {}

  ErrorCode code() const { return code_; }
  int http_status() const { return http_status_for(code_); }

 private:
  ErrorCode code_;
};

}  // namespace kv_emulator
