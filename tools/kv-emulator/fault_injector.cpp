#include "fault_injector.h"

#include <stdexcept>
#include <string>

namespace kv_emulator {
namespace {

void validate_ratio(double ratio, const char* name) {
  if (!(ratio >= 0.0 && ratio <= 1.0)) {
    throw std::invalid_argument(std::string(name) + " is " + std::to_string(ratio) +
                                "; use a ratio between 0 and 1");
  }
}

double ratio_field(const nlohmann::json& value, const std::string& name) {
  if (!value.is_number()) {
    throw std::invalid_argument(name + " must be a number between 0 and 1");
  }
  return value.get<double>();
}

std::int64_t non_negative_integer_field(const nlohmann::json& value, const std::string& name) {
  if (!value.is_number_integer() || value.get<std::int64_t>() < 0) {
    throw std::invalid_argument(name + " must be a non-negative integer");
  }
  return value.get<std::int64_t>();
}

}  // namespace

void validate_fault_settings(const FaultSettings& settings) {
  validate_ratio(settings.rate_limited_ratio, "fail_429");
  validate_ratio(settings.internal_error_ratio, "fail_500");
  validate_ratio(settings.unavailable_ratio, "fail_503");
  validate_ratio(settings.dropped_ratio, "drop");
  validate_ratio(settings.unsuccessful_key_ratio, "unsuccessful");

  double request_fault_total = settings.rate_limited_ratio + settings.internal_error_ratio +
                               settings.unavailable_ratio + settings.dropped_ratio;
  if (request_fault_total > 1.0 + 1e-9) {
    throw std::invalid_argument("fail_429 + fail_500 + fail_503 + drop is " +
                                std::to_string(request_fault_total) +
                                "; each request gets at most one fault, so keep the sum at most 1");
  }
  if (settings.latency.count() < 0) {
    throw std::invalid_argument("latency_ms must not be negative");
  }
  if (settings.retry_after.count() < 0) {
    throw std::invalid_argument("retry_after must not be negative");
  }
}

void apply_fault_update(const nlohmann::json& update, FaultSettings& settings) {
  if (!update.is_object()) {
    throw std::invalid_argument("fault settings must be a JSON object");
  }

  for (const auto& [name, value] : update.items()) {
    if (name == "fail_429") {
      settings.rate_limited_ratio = ratio_field(value, name);
    } else if (name == "fail_500") {
      settings.internal_error_ratio = ratio_field(value, name);
    } else if (name == "fail_503") {
      settings.unavailable_ratio = ratio_field(value, name);
    } else if (name == "drop") {
      settings.dropped_ratio = ratio_field(value, name);
    } else if (name == "unsuccessful") {
      settings.unsuccessful_key_ratio = ratio_field(value, name);
    } else if (name == "fail_all") {
      if (!value.is_boolean()) throw std::invalid_argument("fail_all must be true or false");
      settings.fail_all = value.get<bool>();
    } else if (name == "latency_ms") {
      settings.latency = std::chrono::milliseconds(non_negative_integer_field(value, name));
    } else if (name == "retry_after") {
      settings.retry_after = std::chrono::seconds(non_negative_integer_field(value, name));
    } else {
      throw std::invalid_argument(
          "unknown fault setting \"" + name +
          "\"; known settings are fail_429, fail_500, fail_503, drop, unsuccessful, "
          "fail_all, latency_ms and retry_after");
    }
  }
}

nlohmann::json fault_settings_to_json(const FaultSettings& settings) {
  return {{"fail_429", settings.rate_limited_ratio},
          {"fail_500", settings.internal_error_ratio},
          {"fail_503", settings.unavailable_ratio},
          {"drop", settings.dropped_ratio},
          {"unsuccessful", settings.unsuccessful_key_ratio},
          {"fail_all", settings.fail_all},
          {"latency_ms", settings.latency.count()},
          {"retry_after", settings.retry_after.count()}};
}

FaultInjector::FaultInjector(FaultSettings settings, std::uint64_t seed)
    : settings_(settings), generator_(seed) {}

RequestFault FaultInjector::draw_request_fault() {
  std::lock_guard lock(mutex_);
  if (settings_.fail_all) return RequestFault::internal_error;

  // One draw per request, split into consecutive bands, so the ratios are
  // exclusive shares and a ratio of 1 always hits.
  double draw = share_(generator_);
  double band = settings_.rate_limited_ratio;
  if (draw < band) return RequestFault::rate_limited;
  band += settings_.internal_error_ratio;
  if (draw < band) return RequestFault::internal_error;
  band += settings_.unavailable_ratio;
  if (draw < band) return RequestFault::unavailable;
  band += settings_.dropped_ratio;
  if (draw < band) return RequestFault::dropped;
  return RequestFault::none;
}

std::vector<bool> FaultInjector::draw_unsuccessful_keys(std::size_t key_count) {
  std::lock_guard lock(mutex_);
  std::vector<bool> unsuccessful(key_count, false);
  if (settings_.unsuccessful_key_ratio <= 0.0) return unsuccessful;

  for (std::size_t i = 0; i < key_count; ++i) {
    unsuccessful[i] = share_(generator_) < settings_.unsuccessful_key_ratio;
  }
  return unsuccessful;
}

FaultSettings FaultInjector::settings() const {
  std::lock_guard lock(mutex_);
  return settings_;
}

void FaultInjector::replace_settings(const FaultSettings& settings) {
  std::lock_guard lock(mutex_);
  settings_ = settings;
}

}  // namespace kv_emulator
