// The sink's options and their checks.
#pragma once

#include <loadseed/plugin.h>
#include <loadseed/sdk.hpp>

#include "kv_client.hpp"

#include <array>
#include <optional>
#include <string>

namespace cloudflare_kv {

inline constexpr const char* default_api_base_url = "https://api.cloudflare.com/client/v4";

extern const std::array<ls_option_spec, 15> option_specs;

struct SinkSettings {
    ClientSettings client;
    // ".../accounts/{account}/storage/kv/namespaces/{namespace}", no trailing slash.
    std::string namespace_url;
    std::string namespace_id;
    std::optional<int64_t> ttl_seconds;
    size_t max_pairs = 10000;
    size_t max_bytes = 100'000'000;
    uint64_t verify_sample = 20;
};

// Reads and checks every option; throws loadseed::Error (LS_INVALID_ARGUMENT)
// naming the option, its value and the accepted range.
SinkSettings read_settings(const loadseed::Host& host);

}  // namespace cloudflare_kv
