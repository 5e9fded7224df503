// Reading API responses: the envelope
// {"success", "errors": [{"code", "message"}], "messages", "result"} and the
// result of bulk writes and deletes.
#pragma once

#include "kv_client.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace cloudflare_kv {

// Returns "HTTP 500, Cloudflare error 10014: <message>" for a response, with
// every error of the envelope. A body that is not an envelope is quoted, cut
// after 200 bytes.
std::string describe_response(long status, const std::string& body);

// Returns what to do about a 4xx status other than 401, 403 and 429, which
// the client handles itself, as a clause starting with "; ".
std::string hint_for(long status);

// Reads a bulk write or delete response: adds its successful_key_count to
// `successful` and returns its unsuccessful_keys, which must be sent again.
// Throws loadseed::Error naming `label` when the request failed.
std::vector<std::string> read_bulk_result(const Response& response, const std::string& label, uint64_t& successful);

}  // namespace cloudflare_kv
