// loadseed-kv-emulator: a local stand-in for the Cloudflare Workers KV REST API
// with its limits and injectable faults, for loadseed's tests and benchmarks.
#include <malloc.h>
#include <pthread.h>
#include <signal.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>

#include <CLI/CLI.hpp>
#include <httplib.h>

#include "api_envelope.h"
#include "control_api.h"
#include "emulator_stats.h"
#include "fault_injector.h"
#include "kv_api.h"
#include "kv_store.h"
#include "snapshot_file.h"

namespace {

using namespace kv_emulator;

// The emulator binds to loopback only: it has no TLS and its control routes
// need no token, so it must not be reachable from other hosts.
const std::string listen_host = "127.0.0.1";

struct EmulatorOptions {
  int port = 0;
  std::string token;
  std::string account_id;
  std::string namespace_id;
  std::string load_path;
  std::string dump_path;
  bool verbose = false;
  std::size_t threads = 16;
  FaultSettings faults;
  std::optional<std::uint64_t> fault_seed;
};

void add_fault_options(CLI::App& app, EmulatorOptions& options) {
  auto& faults = options.faults;
  auto ratio = CLI::Range(0.0, 1.0);
  app.add_option("--fail-429", faults.rate_limited_ratio,
                 "Share of API requests answered 429 with Retry-After (0 to 1)")
      ->check(ratio);
  app.add_option("--retry-after", [&faults](const CLI::results_t& values) {
                   faults.retry_after = std::chrono::seconds(std::stoll(values.at(0)));
                   return true;
                 }, "Retry-After value sent with injected 429 responses, in seconds")
      ->type_name("INT")
      ->default_str("1")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--fail-500", faults.internal_error_ratio,
                 "Share of API requests answered 500 (0 to 1)")
      ->check(ratio);
  app.add_option("--fail-503", faults.unavailable_ratio,
                 "Share of API requests answered 503 (0 to 1)")
      ->check(ratio);
  app.add_option("--drop", faults.dropped_ratio,
                 "Share of API requests whose connection is closed mid-response (0 to 1)")
      ->check(ratio);
  app.add_option("--unsuccessful", faults.unsuccessful_key_ratio,
                 "Share of keys in a bulk write or delete that are not applied and are "
                 "reported in unsuccessful_keys (0 to 1)")
      ->check(ratio);
  app.add_flag("--fail-all", faults.fail_all,
               "Answer every API request with 500, to test a client's retry limit");
  app.add_option("--latency-ms", [&faults](const CLI::results_t& values) {
                   faults.latency = std::chrono::milliseconds(std::stoll(values.at(0)));
                   return true;
                 }, "Delay added to every API request, in milliseconds")
      ->type_name("INT")
      ->default_str("0")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--fault-seed", options.fault_seed,
                 "Seed for the fault generator, for reproducible faults "
                 "(default: random, printed at start)");
}

void add_options(CLI::App& app, EmulatorOptions& options) {
  app.add_option("--port", options.port, "TCP port on 127.0.0.1; 0 picks a free port")
      ->check(CLI::Range(0, 65535));
  app.add_option("--token", options.token,
                 "API token that clients must send as \"Authorization: Bearer <token>\". "
                 "Prefer the environment variable, which other users cannot see in ps")
      ->envname("KV_EMULATOR_TOKEN")
      ->required();
  app.add_option("--account-id", options.account_id,
                 "Only accept this account id; other ids get 404 (default: accept any)");
  app.add_option("--namespace-id", options.namespace_id,
                 "Only accept this namespace id; other ids get 404 (default: accept any)");
  app.add_option("--load", options.load_path,
                 "JSON file with the initial keys: an array of {key, value, expiration?, "
                 "metadata?, base64?}")
      ->check(CLI::ExistingFile);
  app.add_option("--dump", options.dump_path,
                 "File to write all keys to on SIGINT or SIGTERM, in the --load format");
  app.add_option("--threads", options.threads,
                 "Worker threads; each open keep-alive connection occupies one")
      ->check(CLI::Range(1, 1024));
  app.add_flag("--verbose", options.verbose, "Log one line per API request to stderr");
  add_fault_options(app, options);
}

// Blocks SIGINT and SIGTERM in every thread, so that only the thread in
// wait_for_stop_signal receives them and the server can stop cleanly.
sigset_t block_stop_signals() {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  return stop_signals;
}

void wait_for_stop_signal(sigset_t stop_signals, httplib::Server& server) {
  int received = 0;
  sigwait(&stop_signals, &received);
  server.stop();
}

void configure_server(httplib::Server& server, std::size_t threads, KvApi& api,
                      KvStore& store, FaultInjector& faults, EmulatorStats& stats) {
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  // Clients keep connections alive across many requests, as they do with
  // Cloudflare; httplib's default closes a connection after 5 requests.
  // Without TCP_NODELAY a small response waits for the client's delayed ACK,
  // which added about 27 ms to every single-key read.
  server.set_keep_alive_max_count(100000);
  server.set_tcp_nodelay(true);

  api.register_routes(server);
  register_control_routes(server, store, faults, stats);

  httplib::Server::HandlerWithResponse answer_error =
      [&api](const httplib::Request& request, httplib::Response& response) {
        return api.answer_unknown_route(request, response)
                   ? httplib::Server::HandlerResponse::Handled
                   : httplib::Server::HandlerResponse::Unhandled;
      };
  server.set_error_handler(answer_error);
  server.set_exception_handler(
      [](const httplib::Request& request, httplib::Response& response,
         std::exception_ptr exception) {
        std::string reason = "unknown exception";
        try {
          std::rethrow_exception(exception);
        } catch (const std::exception& error) {
          reason = error.what();
        } catch (...) {
        }
        std::fprintf(stderr, "kv-emulator: %s %s failed: %s\n", request.method.c_str(),
                     request.path.c_str(), reason.c_str());
        send_error(response, ApiError(ErrorCode::internal_error, "internal error in the emulator"));
      });
}

int bind_listen_port(httplib::Server& server, int port) {
  if (port == 0) return server.bind_to_any_port(listen_host);
  return server.bind_to_port(listen_host, port) ? port : -1;
}

void dump_on_stop(const KvStore& store, const std::string& path, std::size_t requests) {
  if (path.empty()) {
    std::fprintf(stderr, "kv-emulator: stopped after %zu API requests\n", requests);
    return;
  }
  auto dumped = dump_snapshot(store, path);
  std::fprintf(stderr, "kv-emulator: stopped after %zu API requests; wrote %zu keys to %s\n",
               requests, dumped, path.c_str());
}

int run(const EmulatorOptions& options) {
  auto stop_signals = block_stop_signals();

  // glibc gives each worker thread its own malloc arena, and each arena keeps
  // the memory freed after parsing a bulk body. Storing 1,200,000 keys with
  // 110-byte values in 120 sequential bulk writes took 442 MB resident with the
  // default arenas and 369 MB with two (glibc 2.36, 16 worker threads).
  mallopt(M_ARENA_MAX, 2);

  KvStore store;
  std::size_t loaded = 0;
  if (!options.load_path.empty()) loaded = load_snapshot(options.load_path, store);

  auto seed = options.fault_seed.value_or(std::random_device{}());
  FaultInjector faults(options.faults, seed);
  EmulatorStats stats;
  KvApi api({options.token, options.account_id, options.namespace_id}, options.verbose, store,
            faults, stats);

  httplib::Server server;
  configure_server(server, options.threads, api, store, faults, stats);

  int port = bind_listen_port(server, options.port);
  if (port < 0) {
    std::fprintf(stderr, "kv-emulator: cannot listen on %s:%d; choose another --port or 0\n",
                 listen_host.c_str(), options.port);
    return 1;
  }

  std::cout << "listening on " << listen_host << ':' << port << std::endl;
  std::fprintf(stderr, "kv-emulator: started on %s:%d with %zu keys, faults %s, fault seed %llu\n",
               listen_host.c_str(), port, loaded,
               fault_settings_to_json(options.faults).dump().c_str(),
               static_cast<unsigned long long>(seed));

  std::thread stop_waiter(wait_for_stop_signal, stop_signals, std::ref(server));
  bool listened = server.listen_after_bind();
  if (!listened) {
    std::fprintf(stderr, "kv-emulator: the server stopped with an accept error\n");
    pthread_kill(stop_waiter.native_handle(), SIGTERM);
  }
  stop_waiter.join();

  dump_on_stop(store, options.dump_path, stats.to_json(0).at("requests").get<std::size_t>());
  return listened ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Emulates the Cloudflare Workers KV REST API on 127.0.0.1 for loadseed tests"};
  app.option_defaults()->always_capture_default();
  EmulatorOptions options;
  add_options(app, options);
  CLI11_PARSE(app, argc, argv);

  try {
    validate_fault_settings(options.faults);
    return run(options);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "kv-emulator: %s\n", error.what());
    return 1;
  }
}
