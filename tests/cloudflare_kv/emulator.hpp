// The KV emulator as a child process of a test, with a random token, and
// small HTTP helpers to read and change its state. It listens on 127.0.0.1
// only, so no test request leaves the machine.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <sys/types.h>
#include <vector>

namespace loadseed::test {

inline const std::string account_id = "loadtest-account";
inline const std::string namespace_id = "loadtest-namespace";

struct HttpResult {
    long status = 0;
    std::string body;
};

// Sends one request with libcurl; `token` empty sends no Authorization header.
HttpResult http_request(const std::string& method, const std::string& url, const std::string& body = {},
                        const std::string& token = {});

class Emulator {
public:
    // Starts the emulator with `flags` and returns once it listens.
    explicit Emulator(const std::vector<std::string>& flags = {});
    ~Emulator();
    Emulator(const Emulator&) = delete;
    Emulator& operator=(const Emulator&) = delete;

    // Sends SIGTERM and waits up to 30 s; returns the exit status, or -1.
    int stop();

    const std::string& token() const { return token_; }
    std::string api_base_url() const;  // what CF_API_BASE_URL would hold
    std::string namespace_url() const;
    std::string control_url() const;

    nlohmann::json stats() const;
    void set_faults(const nlohmann::json& settings) const;
    // Every key under `prefix`, as listed: [{"name", "expiration"?}, ...].
    std::vector<nlohmann::json> list(const std::string& prefix) const;
    HttpResult read_value(const std::string& key) const;
    void write_value(const std::string& key, const std::string& value) const;
    void delete_value(const std::string& key) const;

    // Options that point the cloudflare-kv sink at this emulator, and the
    // environment variable that carries the token.
    std::vector<std::string> sink_options() const;
    std::vector<std::string> token_env() const { return {"CF_API_TOKEN=" + token_}; }

private:
    pid_t pid_ = -1;
    int port_ = 0;
    std::string token_;
};

// Removes CF_* variables from this process's environment, so a developer's
// real credentials never reach a loadseed run started by a test.
void clear_cloudflare_environment();

// Percent-encodes a key for a URL path.
std::string encode_key(const std::string& key);

}  // namespace loadseed::test
