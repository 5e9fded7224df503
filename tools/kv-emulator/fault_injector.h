#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <random>
#include <vector>

#include <nlohmann/json.hpp>

namespace kv_emulator {

// Faults the emulator injects into API requests. Ratios are shares of requests
// (or of keys, for unsuccessful_keys) between 0 and 1.
struct FaultSettings {
  double rate_limited_ratio = 0;         // answered 429 with Retry-After
  double internal_error_ratio = 0;       // answered 500
  double unavailable_ratio = 0;          // answered 503
  double dropped_ratio = 0;              // connection closed mid-response
  double unsuccessful_key_ratio = 0;     // bulk keys reported unsuccessful
  bool fail_all = false;                 // every API request answered 500
  std::chrono::milliseconds latency{0};  // added to every API request
  std::chrono::seconds retry_after{1};   // Retry-After value sent with 429
};

// Throws std::invalid_argument when a ratio is outside 0..1, the request
// ratios add up to more than 1, or a duration is negative.
void validate_fault_settings(const FaultSettings& settings);

// Applies the fields of a JSON object such as {"fail_429": 0.1, "latency_ms": 5}
// to `settings`, with the same names as the command-line flags. Throws
// std::invalid_argument for an unknown field or a value of the wrong type.
void apply_fault_update(const nlohmann::json& update, FaultSettings& settings);
nlohmann::json fault_settings_to_json(const FaultSettings& settings);

enum class RequestFault { none, rate_limited, internal_error, unavailable, dropped };

// Draws faults from one seeded generator, so a single client sending requests
// one after another sees the same faults on every run with the same seed.
// Concurrent requests draw in arrival order, which varies between runs.
class FaultInjector {
 public:
  FaultInjector(FaultSettings settings, std::uint64_t seed);

  RequestFault draw_request_fault();

  // Returns one flag per key: true means the key is reported unsuccessful
  // and not applied.
  std::vector<bool> draw_unsuccessful_keys(std::size_t key_count);

  FaultSettings settings() const;
  void replace_settings(const FaultSettings& settings);

 private:
  mutable std::mutex mutex_;
  FaultSettings settings_;
  std::mt19937_64 generator_;
  std::uniform_real_distribution<double> share_{0.0, 1.0};
};

}  // namespace kv_emulator
