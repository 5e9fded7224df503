#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <string>

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "api_error.h"
#include "emulator_stats.h"
#include "fault_injector.h"
#include "kv_store.h"

namespace kv_emulator {

struct ApiAccess {
  std::string token;         // expected in "Authorization: Bearer <token>"
  std::string account_id;    // empty: any account id is accepted
  std::string namespace_id;  // empty: any namespace id is accepted
};

// The Workers KV REST API routes under /client/v4 that loadseed uses: bulk
// write, bulk delete (both forms), list keys, and read, write and delete of one
// value. Every namespace id maps to the same store.
class KvApi {
 public:
  KvApi(ApiAccess access, bool verbose, KvStore& store, FaultInjector& faults,
        EmulatorStats& stats);

  void register_routes(httplib::Server& server);

  // Sends a 404 envelope for paths under /client/v4 that match no route.
  // Returns false for other responses, which keep their own body.
  bool answer_unknown_route(const httplib::Request& request, httplib::Response& response);

 private:
  enum class BodyKind { none, raw_value, json_array };

  struct ApiRequest {
    ApiRequest(const httplib::Request& http, BodyKind body_kind)
        : http(http), body_kind(body_kind) {}

    const httplib::Request& http;
    BodyKind body_kind;
    std::string body;
    std::size_t body_bytes = 0;  // as sent, even when over the limit and discarded
    bool body_too_large = false;
    nlohmann::json json;  // the parsed body of json_array routes; discarded when invalid
    std::size_t items = 0;
  };

  using RouteHandler = void (KvApi::*)(ApiRequest&, httplib::Response&);

  httplib::Server::Handler route_without_body(RouteHandler handler);
  httplib::Server::HandlerWithContentReader route_with_body(BodyKind kind, RouteHandler handler);

  void serve(ApiRequest& request, httplib::Response& response, RouteHandler handler);
  void admit(ApiRequest& request);
  void measure_body(ApiRequest& request);
  void answer_with_fault(RequestFault fault, httplib::Response& response);
  void log_rejection(const httplib::Request& http, const ApiError& error);
  void log_request(const ApiRequest& request, const char* outcome, int status,
                   std::chrono::steady_clock::duration elapsed) const;

  void write_bulk(ApiRequest& request, httplib::Response& response);
  void delete_bulk(ApiRequest& request, httplib::Response& response);
  void list_keys(ApiRequest& request, httplib::Response& response);
  void read_value(ApiRequest& request, httplib::Response& response);
  void write_value(ApiRequest& request, httplib::Response& response);
  void delete_value(ApiRequest& request, httplib::Response& response);

  ApiAccess access_;
  bool verbose_;
  KvStore& store_;
  FaultInjector& faults_;
  EmulatorStats& stats_;
  std::atomic<std::size_t> rejections_seen_{0};
};

}  // namespace kv_emulator
