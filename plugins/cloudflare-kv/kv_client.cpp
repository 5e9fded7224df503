#include "kv_client.hpp"

#include "api_response.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <mutex>

namespace cloudflare_kv {

using loadseed::Error;
using Clock = std::chrono::steady_clock;

namespace {

// Retries after this many are logged only with --verbose, so a run with
// many faults does not flood the log.
constexpr uint64_t retries_logged_at_info = 5;

// Progress is reported at least this often while transfers run.
constexpr int max_poll_ms = 100;

size_t append_body(char* data, size_t size, size_t count, void* target) {
    static_cast<std::string*>(target)->append(data, size * count);
    return size * count;
}

// Reads `Retry-After: <seconds>`. The HTTP-date form is ignored, and the
// backoff applies alone then.
size_t read_retry_after(char* data, size_t size, size_t count, void* target) {
    std::string_view line(data, size * count);
    constexpr std::string_view name = "retry-after:";
    if (line.size() > name.size()) {
        bool matches = true;
        for (size_t i = 0; i < name.size() && matches; ++i)
            matches = std::tolower(static_cast<unsigned char>(line[i])) == name[i];
        if (matches) {
            long seconds = std::strtol(std::string(line.substr(name.size())).c_str(), nullptr, 10);
            if (seconds >= 0) *static_cast<long*>(target) = seconds;
        }
    }
    return size * count;
}

// Transfer failures worth another attempt: the server or the network may
// recover. Others (a malformed URL, an unsupported protocol, a bad TLS
// certificate) fail the same way every time.
bool is_transient(CURLcode code) {
    switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_PARTIAL_FILE:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
        return true;
    default:
        return false;
    }
}

std::string seconds_text(std::chrono::milliseconds delay) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(delay.count()) / 1000.0);
    return text;
}

}  // namespace

struct KvClient::Transfer {
    Pending pending;
    CURL* easy = nullptr;
    std::string response;
    long retry_after_seconds = -1;
    char error[CURL_ERROR_SIZE] = {};
};

KvClient::KvClient(ClientSettings settings, const loadseed::Host& host)
    : settings_(std::move(settings)),
      host_(host),
      limiter_(settings_.rate_limit, settings_.rate_window),
      jitter_(std::random_device{}()) {
    static std::once_flag curl_initialized;
    std::call_once(curl_initialized, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });

    multi_ = curl_multi_init();
    if (!multi_) throw Error("cannot create a libcurl multi handle (out of memory?)");
    // One connection per concurrent transfer, kept open between requests.
    curl_multi_setopt(multi_, CURLMOPT_MAX_TOTAL_CONNECTIONS, static_cast<long>(settings_.concurrency));
    curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, static_cast<long>(settings_.concurrency));

    std::string authorization = "Authorization: Bearer " + settings_.token;
    headers_ = curl_slist_append(headers_, authorization.c_str());
    headers_ = curl_slist_append(headers_, "Content-Type: application/json");
    // Without this, curl waits up to a second for "100 Continue" before
    // sending a body over 1 MB.
    headers_ = curl_slist_append(headers_, "Expect:");
}

KvClient::~KvClient() {
    drop_transfers();
    curl_multi_cleanup(multi_);
    curl_slist_free_all(headers_);
}

void KvClient::submit(Request request) {
    throw_if_failed();
    const size_t capacity = settings_.concurrency * 2;
    drive_until([&] { return queue_.size() + running_.size() < capacity; });

    Pending pending;
    pending.request = std::move(request);
    queue_.push_back(std::move(pending));
    start_ready();
}

void KvClient::wait() {
    drive_until([&] { return queue_.empty() && running_.empty(); });
}

Response KvClient::fetch(Request request) {
    Response response;
    request.on_response = [&response](const Response& final_response) -> std::optional<Resend> {
        response = final_response;
        return std::nullopt;
    };
    submit(std::move(request));
    wait();
    return response;
}

void KvClient::cancel() noexcept {
    drop_transfers();
    if (!failure_) failure_.emplace("the KV client was cancelled after the run was abandoned");
}

void KvClient::drop_transfers() noexcept {
    for (auto& transfer : running_) {
        curl_multi_remove_handle(multi_, transfer->easy);
        curl_easy_cleanup(transfer->easy);
    }
    running_.clear();
    queue_.clear();
}

void KvClient::drive_until(const std::function<bool()>& done) {
    throw_if_failed();
    while (!done()) {
        start_ready();
        int still_running = 0;
        curl_multi_perform(multi_, &still_running);
        collect_finished();
        throw_if_failed();
        if (done()) break;
        curl_multi_poll(multi_, nullptr, 0, poll_timeout_ms(), nullptr);
    }
}

void KvClient::start_ready() {
    while (running_.size() < settings_.concurrency && !queue_.empty()) {
        auto now = Clock::now();
        auto ready = std::find_if(queue_.begin(), queue_.end(),
                                  [&](const Pending& pending) { return pending.not_before <= now; });
        if (ready == queue_.end()) return;

        auto slot = limiter_.next_start(now);
        if (slot > now) {
            // One line per wait of a second or more; the short waits that
            // follow while the window slides would repeat it per request.
            if (!rate_limited_ && slot - now >= std::chrono::seconds(1)) {
                ++counters_.rate_limit_waits;
                host_.info("client-side rate limit of " + std::to_string(settings_.rate_limit) + " requests per " +
                           std::to_string(settings_.rate_window.count()) + " s reached; waiting " +
                           seconds_text(std::chrono::duration_cast<std::chrono::milliseconds>(slot - now)) +
                           " (options rate-limit and rate-window)");
            }
            rate_limited_ = true;
            rate_limited_until_ = slot;
            return;
        }
        rate_limited_ = false;

        Pending pending = std::move(*ready);
        queue_.erase(ready);
        start(std::move(pending));
    }
}

void KvClient::start(Pending pending) {
    auto transfer = std::make_unique<Transfer>();
    transfer->pending = std::move(pending);
    const Request& request = transfer->pending.request;
    CURL* easy = curl_easy_init();
    if (!easy) throw Error("cannot create a libcurl easy handle (out of memory?)");
    transfer->easy = easy;

    curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers_);
    curl_easy_setopt(easy, CURLOPT_USERAGENT, settings_.user_agent.c_str());
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(settings_.timeout.count()));
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, std::min(10000L, static_cast<long>(settings_.timeout.count())));
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, append_body);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &transfer->response);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, read_retry_after);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, &transfer->retry_after_seconds);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, transfer->error);
    curl_easy_setopt(easy, CURLOPT_PRIVATE, transfer.get());
    if (std::strcmp(request.method, "GET") != 0) curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method);
    if (request.body) {
        curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body->data());
        curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body->size()));
    }

    if (CURLMcode added = curl_multi_add_handle(multi_, easy); added != CURLM_OK) {
        curl_easy_cleanup(easy);
        throw Error(std::string("cannot start a transfer: ") + curl_multi_strerror(added));
    }
    ++transfer->pending.attempts;
    ++counters_.requests;
    limiter_.record(Clock::now());
    running_.push_back(std::move(transfer));
}

void KvClient::collect_finished() {
    int left = 0;
    while (CURLMsg* message = curl_multi_info_read(multi_, &left)) {
        if (message->msg != CURLMSG_DONE) continue;
        CURL* easy = message->easy_handle;
        CURLcode result = message->data.result;
        auto found = std::find_if(running_.begin(), running_.end(),
                                  [&](const std::unique_ptr<Transfer>& t) { return t->easy == easy; });
        if (found == running_.end()) continue;
        std::unique_ptr<Transfer> transfer = std::move(*found);
        running_.erase(found);
        curl_multi_remove_handle(multi_, easy);
        complete(std::move(transfer), result);
        if (failure_) return;
    }
}

void KvClient::complete(std::unique_ptr<Transfer> transfer, CURLcode result) {
    long connects = 0;
    curl_easy_getinfo(transfer->easy, CURLINFO_NUM_CONNECTS, &connects);
    counters_.connections += static_cast<uint64_t>(connects);
    long status = 0;
    curl_easy_getinfo(transfer->easy, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(transfer->easy);
    transfer->easy = nullptr;
    Pending& pending = transfer->pending;
    const std::string& label = pending.request.label;

    if (result != CURLE_OK) {
        std::string reason = std::string("transfer error (curl ") + std::to_string(result) + ": " +
                             (transfer->error[0] ? transfer->error : curl_easy_strerror(result)) + ")";
        if (is_transient(result)) return retry_later(std::move(pending), reason, {});
        return fail(Error(label + " failed: " + reason + "; check the api-base-url option", LS_ERROR));
    }

    Response response{status, std::move(transfer->response)};
    if (status == 401 || status == 403)
        return fail(Error(label + " was rejected: " + describe_response(status, response.body) +
                              ". The API token was not accepted for account '" + settings_.account_id +
                              "'; check CF_API_TOKEN (or --opt cloudflare-kv.api-token): it needs Workers KV "
                              "Storage edit permission. Nothing was retried",
                          LS_UNAUTHORIZED));
    if (status == 429) {
        ++counters_.throttled;
        auto at_least = std::chrono::milliseconds(std::max(0L, transfer->retry_after_seconds) * 1000);
        return retry_later(std::move(pending), describe_response(status, response.body), at_least);
    }
    if (status >= 500) return retry_later(std::move(pending), describe_response(status, response.body), {});

    std::optional<Resend> resend;
    try {
        if (pending.request.on_response) {
            resend = pending.request.on_response(response);
        } else if (status < 200 || status > 299) {
            throw Error(label + " failed: " + describe_response(status, response.body));
        }
    } catch (const Error& error) {
        return fail(error);
    } catch (const std::exception& error) {
        return fail(Error(label + " failed: " + error.what()));
    }

    const uint64_t body_bytes = pending.request.body ? pending.request.body->size() : 0;
    if (resend) {
        // An attempt that stored some of the items made progress, so the
        // attempt limit counts again from there: it bounds attempts in a row
        // that achieve nothing.
        if (resend->items < pending.request.items) pending.attempts = 0;
        counters_.items_done += pending.request.items - std::min(pending.request.items, resend->items);
        pending.request.items = resend->items;
        pending.request.body = std::make_shared<const std::string>(std::move(resend->body));
        counters_.bytes_sent += body_bytes;
        retry_later(std::move(pending), resend->reason, {});
    } else {
        counters_.items_done += pending.request.items;
        counters_.bytes_sent += body_bytes;
    }
    if (on_progress) on_progress();
}

void KvClient::retry_later(Pending pending, const std::string& reason, std::chrono::milliseconds at_least) {
    const std::string& label = pending.request.label;
    if (pending.attempts >= settings_.max_attempts)
        return fail(Error(label + " failed after " + std::to_string(pending.attempts) + " attempts, the last with " +
                              reason +
                              ". Keys already written stay written, and bulk writes are idempotent, so re-running "
                              "the same command finishes the job (raise max-attempts if the API is slow to recover)",
                          LS_UNAVAILABLE));

    std::chrono::milliseconds delay = std::max(backoff(pending.attempts), at_least);
    pending.not_before = Clock::now() + delay;
    ++counters_.retries;

    std::string line = "retrying " + label + " in " + seconds_text(delay) + " (attempt " +
                       std::to_string(pending.attempts + 1) + " of " + std::to_string(settings_.max_attempts) +
                       "): " + reason;
    if (++logged_retries_ <= retries_logged_at_info) {
        host_.info(redact(line) + (logged_retries_ == retries_logged_at_info
                                       ? "; further retries are logged with --verbose"
                                       : ""));
    } else {
        host_.debug(redact(line));
    }
    queue_.push_front(std::move(pending));
}

// Exponential backoff with "equal jitter": half the delay is fixed and half
// random, so clients that failed together do not retry together.
std::chrono::milliseconds KvClient::backoff(int attempts) {
    double delay = static_cast<double>(settings_.backoff_base.count());
    for (int i = 1; i < attempts && delay < static_cast<double>(settings_.backoff_max.count()); ++i) delay *= 2;
    delay = std::min(delay, static_cast<double>(settings_.backoff_max.count()));
    std::uniform_real_distribution<double> half(delay / 2, delay);
    return std::chrono::milliseconds(static_cast<int64_t>(half(jitter_)));
}

void KvClient::fail(const Error& error) {
    if (!failure_) failure_.emplace(redact(error.what()), error.status());
    drop_transfers();
}

void KvClient::throw_if_failed() const {
    if (failure_) throw *failure_;
}

int KvClient::poll_timeout_ms() const {
    long curl_timeout = -1;
    curl_multi_timeout(multi_, &curl_timeout);
    long timeout = max_poll_ms;
    if (curl_timeout >= 0) timeout = std::min(timeout, curl_timeout);

    if (running_.size() < settings_.concurrency && !queue_.empty()) {
        auto now = Clock::now();
        auto earliest = queue_.front().not_before;
        for (const Pending& pending : queue_) earliest = std::min(earliest, pending.not_before);
        // A request held back by the rate limit is not ready before its slot.
        // Without this the loop would poll with a zero timeout and spin.
        if (rate_limited_) earliest = std::max(earliest, rate_limited_until_);
        auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(earliest - now).count();
        timeout = std::min<long>(timeout, std::max<long>(wait, 0));
    }
    return static_cast<int>(std::max(timeout, 0L));
}

std::string KvClient::redact(std::string text) const {
    if (settings_.token.empty()) return text;
    for (size_t at = text.find(settings_.token); at != std::string::npos; at = text.find(settings_.token, at))
        text.replace(at, settings_.token.size(), "****");
    return text;
}

std::string url_encode(std::string_view text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        }
    }
    return out;
}

}  // namespace cloudflare_kv
