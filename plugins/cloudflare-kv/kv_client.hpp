// Sends Workers KV API requests through one libcurl multi handle: up to
// `concurrency` transfers at a time on kept-alive connections, no thread of
// its own, so requests progress only while a caller is inside submit() or
// wait(). Failed attempts (429, 5xx, timeouts, dropped connections) are
// retried with exponential backoff and jitter, up to `max_attempts` in a row
// without progress. 401 and 403 stop everything at once.
#pragma once

#include <loadseed/sdk.hpp>

#include <curl/curl.h>

#include "rate_limiter.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>

namespace cloudflare_kv {

struct ClientSettings {
    std::string token;
    std::string user_agent;
    // Shown in the 401/403 message so the user sees which account failed.
    std::string account_id;
    size_t concurrency = 4;
    int max_attempts = 8;
    std::chrono::milliseconds backoff_base{500};
    std::chrono::milliseconds backoff_max{30000};
    std::chrono::milliseconds timeout{120000};
    size_t rate_limit = 1100;
    std::chrono::seconds rate_window{300};
};

struct Response {
    long status = 0;
    std::string body;
};

// A replacement body for the next attempt, carrying `items` of the
// request's items, e.g. the keys a bulk response listed as unsuccessful.
struct Resend {
    std::string body;
    uint64_t items = 0;
    std::string reason;
};

struct Request {
    const char* method = "GET";
    std::string url;
    std::shared_ptr<const std::string> body;  // null: no body
    // Names the request in errors and logs, e.g. "bulk write 3 of event ...".
    std::string label;
    // Pairs or keys the request carries, counted as done when it succeeds.
    uint64_t items = 0;
    // Receives the final response of every status except 401, 403, 429 and
    // 5xx, which the client handles itself. It throws loadseed::Error to fail
    // the run, or returns a Resend to send another body as one more attempt.
    // Unset: any status but 2xx fails the run.
    std::function<std::optional<Resend>(const Response&)> on_response;
};

struct ClientCounters {
    uint64_t requests = 0;  // attempts sent, retries included
    uint64_t retries = 0;
    uint64_t throttled = 0;  // 429 answers
    uint64_t items_done = 0;
    uint64_t bytes_sent = 0;  // bodies of successful requests
    uint64_t connections = 0;
    uint64_t rate_limit_waits = 0;
};

class KvClient {
public:
    KvClient(ClientSettings settings, const loadseed::Host& host);
    ~KvClient();
    KvClient(const KvClient&) = delete;
    KvClient& operator=(const KvClient&) = delete;

    // Queues a request, first driving transfers until fewer than
    // 2 x concurrency requests are queued or in flight, so memory stays
    // bounded. Throws the first failure of any request.
    void submit(Request request);
    // Drives transfers until every submitted request has completed. Throws
    // the first failure of any request.
    void wait();
    // Sends one request and returns its final response.
    Response fetch(Request request);
    // Drops every queued and running transfer. The client cannot be used
    // afterwards.
    void cancel() noexcept;

    const ClientCounters& counters() const { return counters_; }
    size_t in_flight() const { return running_.size(); }
    // Called after each request completes, for progress lines.
    std::function<void()> on_progress;

private:
    struct Pending {
        Request request;
        int attempts = 0;
        std::chrono::steady_clock::time_point not_before{};
    };
    struct Transfer;

    void drive_until(const std::function<bool()>& done);
    void start_ready();
    void start(Pending pending);
    void collect_finished();
    void complete(std::unique_ptr<Transfer> transfer, CURLcode result);
    void retry_later(Pending pending, const std::string& reason, std::chrono::milliseconds at_least);
    void fail(const loadseed::Error& error);
    void throw_if_failed() const;
    int poll_timeout_ms() const;
    std::chrono::milliseconds backoff(int attempts);
    std::string redact(std::string text) const;
    void drop_transfers() noexcept;

    ClientSettings settings_;
    const loadseed::Host& host_;
    CURLM* multi_ = nullptr;
    curl_slist* headers_ = nullptr;
    std::deque<Pending> queue_;
    std::vector<std::unique_ptr<Transfer>> running_;
    RateLimiter limiter_;
    std::mt19937_64 jitter_;
    ClientCounters counters_;
    std::optional<loadseed::Error> failure_;
    bool rate_limited_ = false;
    std::chrono::steady_clock::time_point rate_limited_until_{};  // when the rate limit frees a slot
    uint64_t logged_retries_ = 0;
};

// Percent-encodes everything but unreserved characters (RFC 3986), for keys
// in paths and prefixes in query strings.
std::string url_encode(std::string_view text);

}  // namespace cloudflare_kv
