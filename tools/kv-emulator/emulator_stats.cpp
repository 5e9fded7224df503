#include "emulator_stats.h"

#include <algorithm>
#include <string>

namespace kv_emulator {

void EmulatorStats::record_response(int status) {
  std::lock_guard lock(mutex_);
  ++counters_.requests;
  ++counters_.requests_by_status[status];
}

void EmulatorStats::record_dropped() {
  std::lock_guard lock(mutex_);
  ++counters_.requests;
  ++counters_.dropped;
}

void EmulatorStats::record_rejected() {
  std::lock_guard lock(mutex_);
  ++counters_.rejected;
}

void EmulatorStats::record_body_bytes(std::size_t bytes) {
  std::lock_guard lock(mutex_);
  counters_.max_body_bytes = std::max(counters_.max_body_bytes, bytes);
}

void EmulatorStats::record_bulk_items(std::size_t count) {
  std::lock_guard lock(mutex_);
  counters_.max_pairs_in_request = std::max(counters_.max_pairs_in_request, count);
}

void EmulatorStats::record_bulk_write() {
  std::lock_guard lock(mutex_);
  ++counters_.bulk_writes;
}

void EmulatorStats::record_bulk_delete() {
  std::lock_guard lock(mutex_);
  ++counters_.bulk_deletes;
}

nlohmann::json EmulatorStats::to_json(std::size_t stored_keys) const {
  std::lock_guard lock(mutex_);

  auto by_status = nlohmann::json::object();
  for (const auto& [status, count] : counters_.requests_by_status) {
    by_status[std::to_string(status)] = count;
  }

  return {{"requests", counters_.requests},
          {"requests_by_status", std::move(by_status)},
          {"dropped", counters_.dropped},
          {"bulk_writes", counters_.bulk_writes},
          {"bulk_deletes", counters_.bulk_deletes},
          {"max_pairs_in_request", counters_.max_pairs_in_request},
          {"max_body_bytes", counters_.max_body_bytes},
          {"keys", stored_keys},
          {"rejected", counters_.rejected}};
}

void EmulatorStats::reset() {
  std::lock_guard lock(mutex_);
  counters_ = Counters{};
}

}  // namespace kv_emulator
