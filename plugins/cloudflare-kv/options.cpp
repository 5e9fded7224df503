#include "options.hpp"

#include "kv_limits.hpp"

namespace cloudflare_kv {

using loadseed::Error;

const std::array<ls_option_spec, 15> option_specs = {{
    {"account-id", LS_OPTION_STRING, nullptr, "Cloudflare account id", "CF_ACCOUNT_ID", 1},
    {"api-token", LS_OPTION_SECRET, nullptr, "API token with Workers KV Storage edit permission", "CF_API_TOKEN", 1},
    {"namespace-id", LS_OPTION_STRING, nullptr, "Workers KV namespace id", "CF_KV_NAMESPACE_ID", 1},
    {"api-base-url", LS_OPTION_STRING, default_api_base_url,
     "API base URL; point it at a local emulator for tests and offline runs", "CF_API_BASE_URL", 0},
    {"concurrency", LS_OPTION_INT, "4", "requests in flight at once, 1 to 64", nullptr, 0},
    {"rate-limit", LS_OPTION_INT, "1100",
     "requests allowed per rate-window; the API allows 1200 per 5 minutes per token", "CF_API_RATE_LIMIT", 0},
    {"rate-window", LS_OPTION_INT, "300", "length of the rate-limit window, in seconds", nullptr, 0},
    {"max-attempts", LS_OPTION_INT, "8", "attempts per request before the run stops (1 = no retries)", nullptr, 0},
    {"backoff-ms", LS_OPTION_INT, "500", "delay before the first retry, in ms; doubles on each further retry",
     nullptr, 0},
    {"max-backoff-ms", LS_OPTION_INT, "30000", "longest delay between two attempts, in ms", nullptr, 0},
    {"timeout", LS_OPTION_INT, "120", "time allowed for one request, in seconds", nullptr, 0},
    {"ttl", LS_OPTION_INT, nullptr,
     "expiration_ttl of every key written, in seconds, at least 60 (default: keys never expire)", nullptr, 0},
    {"max-pairs-per-request", LS_OPTION_INT, "10000", "pairs per bulk write, 1 to 10000 (the API's limit)", nullptr,
     0},
    {"max-request-bytes", LS_OPTION_INT, "100000000",
     "bytes per bulk request body, up to 100000000 (the API's limit of 100 MB)", nullptr, 0},
    {"verify-sample", LS_OPTION_INT, "20", "values read per event and key form by verify without --full", nullptr,
     0},
}};

namespace {

int64_t ranged(const loadseed::Host& host, const char* name, int64_t fallback, int64_t low, int64_t high,
               const char* unit = "") {
    int64_t value = host.int_option(name, fallback);
    if (value < low || value > high)
        throw Error(std::string("option '") + name + "' must be " + std::to_string(low) + " to " +
                        std::to_string(high) + unit + ", got " + std::to_string(value),
                    LS_INVALID_ARGUMENT);
    return value;
}

bool is_loopback_url(const std::string& url) {
    for (const char* host : {"http://127.0.0.1:", "http://127.0.0.1/", "http://localhost:", "http://localhost/",
                             "http://[::1]:", "http://[::1]/"})
        if (url.rfind(host, 0) == 0) return true;
    return false;
}

// The token travels in a header, so plain HTTP is accepted only on loopback,
// where the emulator runs.
std::string checked_base_url(std::string url) {
    while (!url.empty() && url.back() == '/') url.pop_back();
    if (url.rfind("https://", 0) == 0 || is_loopback_url(url)) return url;
    throw Error("option 'api-base-url' must start with https:// (or http://127.0.0.1 or http://localhost for a local "
                "emulator), got '" + url + "'",
                LS_INVALID_ARGUMENT);
}

}  // namespace

SinkSettings read_settings(const loadseed::Host& host) {
    SinkSettings settings;
    ClientSettings& client = settings.client;

    client.account_id = host.require("account-id");
    client.token = host.require("api-token");
    settings.namespace_id = host.require("namespace-id");
    if (client.account_id.empty() || settings.namespace_id.empty() || client.token.empty())
        throw Error("options 'account-id', 'api-token' and 'namespace-id' must not be empty; set CF_ACCOUNT_ID, "
                    "CF_API_TOKEN and CF_KV_NAMESPACE_ID",
                    LS_INVALID_ARGUMENT);
    std::string base = checked_base_url(host.option_or("api-base-url", default_api_base_url));
    settings.namespace_url = base + "/accounts/" + url_encode(client.account_id) + "/storage/kv/namespaces/" +
                             url_encode(settings.namespace_id);

    client.user_agent = "loadseed-cloudflare-kv/1.0";
    client.concurrency = static_cast<size_t>(ranged(host, "concurrency", 4, 1, 64));
    client.rate_limit = static_cast<size_t>(ranged(host, "rate-limit", 1100, 1, 1'000'000));
    client.rate_window = std::chrono::seconds(ranged(host, "rate-window", 300, 1, 86400, " seconds"));
    client.max_attempts = static_cast<int>(ranged(host, "max-attempts", 8, 1, 100));
    client.backoff_base = std::chrono::milliseconds(ranged(host, "backoff-ms", 500, 0, 600'000, " ms"));
    client.backoff_max = std::chrono::milliseconds(ranged(host, "max-backoff-ms", 30000, 0, 3'600'000, " ms"));
    client.timeout = std::chrono::seconds(ranged(host, "timeout", 120, 1, 3600, " seconds"));

    if (auto ttl = host.option("ttl")) {
        int64_t seconds = host.int_option("ttl", 0);
        if (seconds < min_ttl_seconds)
            throw Error("option 'ttl' must be at least 60 seconds (the API's minimum expiration_ttl), got " + *ttl,
                        LS_INVALID_ARGUMENT);
        settings.ttl_seconds = seconds;
    }
    settings.max_pairs =
        static_cast<size_t>(ranged(host, "max-pairs-per-request", 10000, 1, static_cast<int64_t>(max_pairs_per_request)));
    settings.max_bytes = static_cast<size_t>(
        ranged(host, "max-request-bytes", 100'000'000, 1024, static_cast<int64_t>(max_request_bytes), " bytes"));
    settings.verify_sample = static_cast<uint64_t>(ranged(host, "verify-sample", 20, 1, 1'000'000));
    return settings;
}

}  // namespace cloudflare_kv
