// The request pipeline every API route shares: read the body within its limit,
// authenticate, check the ids, measure, inject faults, then run the endpoint.
#include "kv_api.h"

#include <cstdio>
#include <exception>
#include <thread>

#include "api_envelope.h"
#include "kv_limits.h"

namespace kv_emulator {
namespace {

const std::string namespace_path =
    R"(/client/v4/accounts/([^/]+)/storage/kv/namespaces/([^/]+))";

// Reads the whole body even past `limit`, because leaving bytes unread would
// corrupt the next request on a keep-alive connection. Bytes past the limit
// are counted and discarded so that memory stays bounded.
void read_bounded_body(const httplib::Request& http, const httplib::ContentReader& reader,
                       std::size_t limit, std::string& body, std::size_t& body_bytes,
                       bool& too_large) {
  auto declared_length = http.get_header_value<std::uint64_t>("Content-Length");
  if (declared_length > 0 && declared_length <= limit) body.reserve(declared_length);

  reader([&](const char* data, std::size_t length) {
    body_bytes += length;
    if (body_bytes <= limit) {
      body.append(data, length);
    } else if (!too_large) {
      too_large = true;
      std::string().swap(body);
    }
    return true;
  });
}

}  // namespace

KvApi::KvApi(ApiAccess access, bool verbose, KvStore& store, FaultInjector& faults,
             EmulatorStats& stats)
    : access_(std::move(access)),
      verbose_(verbose),
      store_(store),
      faults_(faults),
      stats_(stats) {}

void KvApi::register_routes(httplib::Server& server) {
  server.Put(namespace_path + "/bulk", route_with_body(BodyKind::json_array, &KvApi::write_bulk));
  server.Post(namespace_path + "/bulk/delete",
              route_with_body(BodyKind::json_array, &KvApi::delete_bulk));
  // Deprecated form of bulk delete, still accepted by Cloudflare.
  server.Delete(namespace_path + "/bulk",
                route_with_body(BodyKind::json_array, &KvApi::delete_bulk));
  server.Get(namespace_path + "/keys", route_without_body(&KvApi::list_keys));

  // httplib matches against the percent-decoded path, so (.+) also captures
  // keys that contain an encoded "/".
  server.Get(namespace_path + "/values/(.+)", route_without_body(&KvApi::read_value));
  server.Put(namespace_path + "/values/(.+)",
             route_with_body(BodyKind::raw_value, &KvApi::write_value));
  server.Delete(namespace_path + "/values/(.+)",
                route_with_body(BodyKind::none, &KvApi::delete_value));
}

httplib::Server::Handler KvApi::route_without_body(RouteHandler handler) {
  return [this, handler](const httplib::Request& http, httplib::Response& response) {
    ApiRequest request(http, BodyKind::none);
    serve(request, response, handler);
  };
}

httplib::Server::HandlerWithContentReader KvApi::route_with_body(BodyKind kind,
                                                                 RouteHandler handler) {
  return [this, kind, handler](const httplib::Request& http, httplib::Response& response,
                               const httplib::ContentReader& reader) {
    ApiRequest request(http, kind);
    std::size_t limit = kind == BodyKind::raw_value ? max_value_bytes : max_bulk_body_bytes;
    read_bounded_body(http, reader, limit, request.body, request.body_bytes,
                      request.body_too_large);
    serve(request, response, handler);
  };
}

void KvApi::serve(ApiRequest& request, httplib::Response& response, RouteHandler handler) {
  auto started = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(faults_.settings().latency);

  bool dropped = false;
  try {
    admit(request);
    measure_body(request);

    auto fault = faults_.draw_request_fault();
    if (fault == RequestFault::none) {
      (this->*handler)(request, response);
    } else {
      answer_with_fault(fault, response);
      dropped = fault == RequestFault::dropped;
    }
  } catch (const ApiError& error) {
    send_error(response, error);
    if (error.code() != ErrorCode::key_not_found) {
      stats_.record_rejected();
      log_rejection(request.http, error);
    }
  } catch (const std::exception& error) {
    std::fprintf(stderr, "kv-emulator: %s %s failed: %s\n", request.http.method.c_str(),
                 request.http.path.c_str(), error.what());
    send_error(response, ApiError(ErrorCode::internal_error,
                                  std::string("internal error in the emulator: ") + error.what()));
  }

  if (dropped) {
    stats_.record_dropped();
  } else {
    stats_.record_response(response.status);
  }
  if (verbose_) {
    log_request(request, dropped ? "dropped" : "answered", response.status,
                std::chrono::steady_clock::now() - started);
  }
}

// Authentication comes first, so a bad token is always 401 and never a fault.
void KvApi::admit(ApiRequest& request) {
  const auto& http = request.http;
  if (http.get_header_value("Authorization") != "Bearer " + access_.token) {
    throw ApiError(ErrorCode::authentication,
                   "Authentication error: send \"Authorization: Bearer <token>\" with the "
                   "token the emulator was started with");
  }

  const std::string& account_id = http.matches[1];
  const std::string& namespace_id = http.matches[2];
  if (!access_.account_id.empty() && account_id != access_.account_id) {
    throw ApiError(ErrorCode::namespace_not_found,
                   "account \"" + account_id + "\" not found; this emulator serves account \"" +
                       access_.account_id + "\"");
  }
  if (!access_.namespace_id.empty() && namespace_id != access_.namespace_id) {
    throw ApiError(ErrorCode::namespace_not_found,
                   "namespace \"" + namespace_id +
                       "\" not found; this emulator serves namespace \"" +
                       access_.namespace_id + "\"");
  }
}

// Records the request's size before any fault or validation, so the maximum
// counters also cover requests that are rejected or faulted.
void KvApi::measure_body(ApiRequest& request) {
  if (request.body_kind == BodyKind::none) return;
  stats_.record_body_bytes(request.body_bytes);

  if (request.body_kind != BodyKind::json_array || request.body_too_large) return;
  request.json = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  std::string().swap(request.body);
  if (request.json.is_array()) {
    request.items = request.json.size();
    stats_.record_bulk_items(request.items);
  }
}

// Runs instead of the endpoint, so a faulted request leaves the store unchanged.
void KvApi::answer_with_fault(RequestFault fault, httplib::Response& response) {
  switch (fault) {
    case RequestFault::none:
      return;

    case RequestFault::rate_limited: {
      auto retry_after = faults_.settings().retry_after.count();
      response.set_header("Retry-After", std::to_string(retry_after));
      send_error(response, ApiError(ErrorCode::rate_limited,
                                    "rate limited (injected by --fail-429); retry after " +
                                        std::to_string(retry_after) + " seconds"));
      return;
    }

    case RequestFault::internal_error:
      send_error(response, ApiError(ErrorCode::internal_error,
                                    "internal server error (injected by --fail-500 or --fail-all)"));
      return;

    case RequestFault::unavailable:
      send_error(response, ApiError(ErrorCode::unavailable,
                                    "service unavailable (injected by --fail-503)"));
      return;

    case RequestFault::dropped:
      // Declares a body length and then fails the provider: httplib has sent
      // the status line and headers, closes the socket, and the client sees a
      // response cut short.
      response.status = 200;
      response.set_content_provider(
          64, "application/json",
          [](std::size_t, std::size_t, httplib::DataSink&) { return false; });
      return;
  }
}

bool KvApi::answer_unknown_route(const httplib::Request& request, httplib::Response& response) {
  bool under_api = request.path.rfind("/client/v4/", 0) == 0;
  if (!under_api || response.status != 404 || !response.body.empty()) return false;

  send_error(response, ApiError(ErrorCode::no_route,
                                "no route for " + request.method + " " + request.path +
                                    "; see docs/kv-emulator.md for the emulated endpoints"));
  stats_.record_response(404);
  stats_.record_rejected();
  log_rejection(request, ApiError(ErrorCode::no_route, "no route"));
  return true;
}

// Logs every rejection with --verbose. Without it, only the first few are
// logged, so that a client repeating a bad request cannot flood the log.
void KvApi::log_rejection(const httplib::Request& http, const ApiError& error) {
  constexpr std::size_t quiet_log_limit = 10;
  auto number = ++rejections_seen_;
  if (!verbose_ && number > quiet_log_limit) return;

  const char* suffix = !verbose_ && number == quiet_log_limit
                           ? " (later rejections are counted in /__emulator/stats only)"
                           : "";
  std::fprintf(stderr, "kv-emulator: rejected %s %s with %d: %s%s\n", http.method.c_str(),
               http.path.c_str(), error.http_status(), error.what(), suffix);
}

// Logs the path without the query string. The token travels in a header and
// is never logged.
void KvApi::log_request(const ApiRequest& request, const char* outcome, int status,
                        std::chrono::steady_clock::duration elapsed) const {
  auto elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
  std::fprintf(stderr, "kv-emulator: %s %s %s %d, %zu items, %zu body bytes, %lld ms\n",
               request.http.method.c_str(), request.http.path.c_str(), outcome, status,
               request.items, request.body_bytes, static_cast<long long>(elapsed_ms));
}

}  // namespace kv_emulator
