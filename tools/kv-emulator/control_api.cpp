#include "control_api.h"

#include <stdexcept>
#include <string>

namespace kv_emulator {
namespace {

void send_control_json(httplib::Response& response, int status, const nlohmann::json& body) {
  response.status = status;
  response.set_content(body.dump(), "application/json");
}

void send_control_error(httplib::Response& response, const std::string& message) {
  send_control_json(response, 400, {{"error", message}});
}

}  // namespace

void register_control_routes(httplib::Server& server, KvStore& store, FaultInjector& faults,
                             EmulatorStats& stats) {
  server.Get("/__emulator/stats", [&](const httplib::Request&, httplib::Response& response) {
    send_control_json(response, 200, stats.to_json(store.size()));
  });

  // A content-reader handler, because httplib 0.11 responds with 400 to a plain
  // handler's POST that has no body and no Content-Length (as `curl -X POST`
  // sends it).
  server.Post("/__emulator/reset", [&](const httplib::Request&, httplib::Response& response,
                                       const httplib::ContentReader&) {
    store.clear();
    stats.reset();
    send_control_json(response, 200, {{"reset", true}});
  });

  server.Get("/__emulator/faults", [&](const httplib::Request&, httplib::Response& response) {
    send_control_json(response, 200, fault_settings_to_json(faults.settings()));
  });

  server.Post("/__emulator/faults", [&](const httplib::Request& request,
                                        httplib::Response& response) {
    auto update = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    if (update.is_discarded()) {
      send_control_error(response, "fault settings body is not valid JSON");
      return;
    }

    // Validates a copy so that an invalid update changes nothing.
    auto settings = faults.settings();
    try {
      apply_fault_update(update, settings);
      validate_fault_settings(settings);
    } catch (const std::invalid_argument& error) {
      send_control_error(response, error.what());
      return;
    }

    faults.replace_settings(settings);
    std::fprintf(stderr, "kv-emulator: fault settings changed to %s\n",
                 fault_settings_to_json(settings).dump().c_str());
    send_control_json(response, 200, fault_settings_to_json(settings));
  });
}

}  // namespace kv_emulator
