#include "api_envelope.h"

namespace kv_emulator {

int http_status_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::authentication:
      return 401;
    case ErrorCode::body_too_large:
    case ErrorCode::value_too_large:
      return 413;
    case ErrorCode::key_not_found:
    case ErrorCode::namespace_not_found:
    case ErrorCode::no_route:
      return 404;
    case ErrorCode::rate_limited:
      return 429;
    case ErrorCode::internal_error:
      return 500;
    case ErrorCode::unavailable:
      return 503;
    case ErrorCode::invalid_body:
    case ErrorCode::too_many_items:
    case ErrorCode::invalid_key:
    case ErrorCode::invalid_expiration_ttl:
    case ErrorCode::invalid_expiration:
    case ErrorCode::metadata_too_large:
    case ErrorCode::invalid_list_parameter:
      return 400;
  }
  return 500;
}

nlohmann::json make_success_envelope(nlohmann::json result) {
  return {{"success", true},
          {"errors", nlohmann::json::array()},
          {"messages", nlohmann::json::array()},
          {"result", std::move(result)}};
}

nlohmann::json make_error_envelope(const ApiError& error) {
  nlohmann::json detail = {{"code", static_cast<int>(error.code())},
                           {"message", error.what()}};
  return {{"success", false},
          {"errors", nlohmann::json::array({detail})},
          {"messages", nlohmann::json::array()},
          {"result", nullptr}};
}

void send_json(httplib::Response& response, int status, const nlohmann::json& body) {
  response.status = status;
  response.set_content(body.dump(), "application/json");
}

void send_error(httplib::Response& response, const ApiError& error) {
  send_json(response, error.http_status(), make_error_envelope(error));
}

}  // namespace kv_emulator
