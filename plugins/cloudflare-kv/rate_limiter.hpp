// A client-side limit of `limit` requests per sliding window. It keeps a run
// under the API's own limit, so the API has no reason to return 429.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>

namespace cloudflare_kv {

class RateLimiter {
public:
    using Clock = std::chrono::steady_clock;

    RateLimiter(size_t limit, Clock::duration window) : limit_(limit), window_(window) {}

    // Returns the earliest time a request may start; `now` when it may start
    // at once.
    Clock::time_point next_start(Clock::time_point now) {
        while (!starts_.empty() && now - starts_.front() >= window_) starts_.pop_front();
        if (starts_.size() < limit_) return now;
        return starts_.front() + window_;
    }

    // Records a request started at `now`.
    void record(Clock::time_point now) { starts_.push_back(now); }

    // Counts the times a request had to wait for a free slot.
    size_t waits = 0;

private:
    size_t limit_;
    Clock::duration window_;
    std::deque<Clock::time_point> starts_;
};

}  // namespace cloudflare_kv
