#pragma once

#include <cstddef>
#include <map>
#include <mutex>

#include <nlohmann/json.hpp>

namespace kv_emulator {

// Counters over API requests (control endpoints are not counted), read by
// tests and benchmarks through GET /__emulator/stats.
class EmulatorStats {
 public:
  // Counts an API request with its final HTTP status.
  void record_response(int status);

  // Counts a request whose connection was closed without a complete response.
  void record_dropped();

  // Counts a request rejected for its content, authentication or ids.
  void record_rejected();

  // Maximum counters include requests that were later rejected or faulted,
  // so a test sees the largest request a client ever sent.
  void record_body_bytes(std::size_t bytes);
  void record_bulk_items(std::size_t count);

  void record_bulk_write();
  void record_bulk_delete();

  nlohmann::json to_json(std::size_t stored_keys) const;
  void reset();

 private:
  struct Counters {
    std::size_t requests = 0;
    std::map<int, std::size_t> requests_by_status;
    std::size_t dropped = 0;
    std::size_t rejected = 0;
    std::size_t bulk_writes = 0;
    std::size_t bulk_deletes = 0;
    std::size_t max_pairs_in_request = 0;
    std::size_t max_body_bytes = 0;
  };

  mutable std::mutex mutex_;
  Counters counters_;
};

}  // namespace kv_emulator
