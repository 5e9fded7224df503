#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "api_error.h"

namespace kv_emulator {

// Builds the JSON envelope that wraps every Cloudflare API response except a
// value read: {"success", "errors", "messages", "result"}.
nlohmann::json make_success_envelope(nlohmann::json result);
nlohmann::json make_error_envelope(const ApiError& error);

void send_json(httplib::Response& response, int status, const nlohmann::json& body);
void send_error(httplib::Response& response, const ApiError& error);

}  // namespace kv_emulator
