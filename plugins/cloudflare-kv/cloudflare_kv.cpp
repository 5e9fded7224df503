// Seeding with the cloudflare-kv sink. Every KV batch from the host (10,000
// pairs: 5,000 bands x 2 keys) is checked in full, then encoded into bulk
// write bodies within the API's limits and queued on the KV client.
// write_batch returns once its requests are queued. end_stage waits until
// every request of the stage has completed, so a failure surfaces there at
// the latest. BAND and TAP_LOG stages are skipped, because KV stores only the
// pairs.
#include "cloudflare_kv.hpp"

#include "api_response.hpp"
#include "bulk_body.hpp"
#include "kv_limits.hpp"

#include <nlohmann/json.hpp>

#include <cstring>
#include <unordered_set>

namespace cloudflare_kv {

using loadseed::Error;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto progress_interval = std::chrono::milliseconds(100);

std::string rate_text(double per_second) {
    char text[32];
    if (per_second >= 1000)
        std::snprintf(text, sizeof text, "%.0fk", per_second / 1000);
    else
        std::snprintf(text, sizeof text, "%.0f", per_second);
    return text;
}

}  // namespace

CloudflareKvSink::CloudflareKvSink(const loadseed::Host& host)
    : Sink(host), settings_(read_settings(host)), client_(std::make_unique<KvClient>(settings_.client, this->host())) {
    client_->on_progress = [this] { report_progress(false); };
}

void CloudflareKvSink::prepare(ls_run& run) {
    run_ = &run;
    check_key_lengths(run);
    check_access(run);
    host().info("writing KV keys to namespace " + settings_.namespace_id + ", " +
                std::to_string(settings_.client.concurrency) + " requests in flight" +
                (settings_.ttl_seconds ? ", expiration_ttl " + std::to_string(*settings_.ttl_seconds) + " s" : ""));
}

// The host rejects scenarios whose keys can pass 512 bytes; this repeats the
// check with the event ids prepare may have replaced, before any request.
void CloudflareKvSink::check_key_lengths(const ls_run& run) const {
    for (size_t i = 0; i < run.event_count; ++i) {
        const ls_event& event = run.events[i];
        EventKeys keys(event);
        for (KeyForm form : key_forms) {
            std::string longest = keys.key(form, event.total_bands);
            if (std::string problem = key_problem(longest); !problem.empty())
                throw Error("event '" + std::string(event.name) + "' would write invalid KV keys such as " +
                                quoted_key(longest) + ": " + problem + "; nothing was sent; shorten its band prefix",
                            LS_INVALID_ARGUMENT);
        }
    }
}

// One small list request proves the token, account and namespace before the
// host spends time on other sinks' stages.
void CloudflareKvSink::check_access(const ls_run& run) {
    Request request;
    std::string prefix = run.event_count ? run.events[0].band_prefix : "";
    request.url = settings_.namespace_url + "/keys?prefix=" + url_encode(prefix) + "&limit=10";
    request.label = "access check (key listing in namespace " + settings_.namespace_id + ")";
    Response response = client_->fetch(std::move(request));
    if (response.status != 200)
        throw Error("access check of namespace " + settings_.namespace_id +
                    " failed: " + describe_response(response.status, response.body) + hint_for(response.status));
}

ls_status CloudflareKvSink::begin_stage(const ls_stage& stage) {
    if (stage.table != LS_TABLE_KV_PAIR) return LS_SKIP;
    event_ = &run_->events[stage.event_index];
    batch_number_ = 0;
    stage_items_before_ = client_->counters().items_done;
    stage_started_ = progress_shown_ = Clock::now();
    return LS_OK;
}

void CloudflareKvSink::write_batch(const ls_batch& batch) {
    if (batch.table != LS_TABLE_KV_PAIR) return;
    loadseed::Rows<ls_kv_row> rows(batch);
    ++batch_number_;

    // Every pair is checked before any body is built, so a bad key stops the
    // run before any part of its batch is sent.
    for (const ls_kv_row& row : rows) check_pair(loadseed::view(row.key), loadseed::view(row.value));

    BulkBodyWriter writer(settings_.max_pairs, settings_.max_bytes);
    for (const ls_kv_row& row : rows)
        writer.add(write_item(loadseed::view(row.key), escaped_value(row.value), settings_.ttl_seconds),
                   loadseed::view(row.key));
    std::vector<BulkBody> bodies = writer.finish();

    for (size_t i = 0; i < bodies.size(); ++i) {
        const BulkBody& body = bodies[i];
        uint64_t first = batch.first_row + body.first_item + 1;
        std::string label = "bulk write of batch " + std::to_string(batch_number_) +
                            (bodies.size() > 1 ? " part " + std::to_string(i + 1) : std::string()) + " of event '" +
                            event_->name + "' (pairs " + std::to_string(first) + " to " +
                            std::to_string(first + body.items - 1) + ")";
        submit_bulk_write(body.json, body.items, label);
        keys_submitted_ += body.items;
    }
    report_progress(false);
}

void CloudflareKvSink::submit_bulk_write(const std::shared_ptr<const std::string>& body, size_t items,
                                         const std::string& label) {
    Request request;
    request.method = "PUT";
    request.url = settings_.namespace_url + "/bulk";
    request.body = body;
    request.items = items;
    request.label = label;
    request.on_response = [body, label](const Response& response) -> std::optional<Resend> {
        uint64_t successful = 0;
        std::vector<std::string> unsuccessful = read_bulk_result(response, label, successful);
        if (unsuccessful.empty()) return std::nullopt;
        std::unordered_set<std::string> keys(unsuccessful.begin(), unsuccessful.end());
        return Resend{select_write_items(*body, keys), keys.size(),
                      std::to_string(keys.size()) + " keys listed as unsuccessful"};
    };
    client_->submit(std::move(request));
}

const std::string& CloudflareKvSink::escaped_value(ls_str value) {
    if (value.data != cached_value_.data || value.size != cached_value_.size) {
        cached_value_ = value;
        escaped_value_.clear();
        append_json_string(escaped_value_, loadseed::view(value));
    }
    return escaped_value_;
}

void CloudflareKvSink::end_stage(const ls_stage& stage) {
    if (stage.table != LS_TABLE_KV_PAIR) return;
    client_->wait();
    report_progress(true);
    double seconds = std::chrono::duration<double>(Clock::now() - stage_started_).count();
    host().debug("event '" + std::string(event_->name) + "': " +
                 std::to_string(client_->counters().items_done - stage_items_before_) + " keys confirmed in " +
                 std::to_string(seconds) + " s");
    event_ = nullptr;
    // The next event's value lives in a new buffer that may reuse this one's address.
    cached_value_ = {};
}

void CloudflareKvSink::finish(ls_sink_summary& summary) {
    client_->wait();
    const ClientCounters& counters = client_->counters();
    summary.keys = counters.items_done;
    summary.requests = counters.requests;
    summary.retries = counters.retries;
    summary.bytes = counters.bytes_sent;
    std::snprintf(summary.detail, sizeof summary.detail, "namespace %s, %llu retries (%llu after HTTP 429), %llu %s",
                  settings_.namespace_id.c_str(), static_cast<unsigned long long>(counters.retries),
                  static_cast<unsigned long long>(counters.throttled),
                  static_cast<unsigned long long>(counters.connections),
                  counters.connections == 1 ? "connection" : "connections");
}

void CloudflareKvSink::abandon() noexcept {
    try {
        uint64_t done = client_->counters().items_done;
        client_->cancel();
        if (done > 0)
            host().info(std::to_string(done) + " keys written before the failure stay in namespace " +
                        settings_.namespace_id +
                        " (KV has no transactions); re-run the same command to finish, or clean them up");
    } catch (...) {
        // abandon must not throw (plugin.h), so a failed log line is dropped.
    }
}

void CloudflareKvSink::report_progress(bool force) {
    if (!event_) return;
    auto now = Clock::now();
    if (!force && now - progress_shown_ < progress_interval) return;
    progress_shown_ = now;

    const ClientCounters& counters = client_->counters();
    uint64_t done = counters.items_done - stage_items_before_;
    double seconds = std::chrono::duration<double>(now - stage_started_).count();
    std::string detail = std::to_string(client_->in_flight()) + " in flight, " + std::to_string(counters.retries) +
                         " retries, " + rate_text(seconds > 0 ? static_cast<double>(done) / seconds : 0) + " keys/s";
    host().progress(done, detail.c_str());
}

}  // namespace cloudflare_kv

LOADSEED_SINK_PLUGIN(cloudflare_kv::CloudflareKvSink, "cloudflare-kv", "1.0.0",
                     "Writes each band's two Workers KV keys through Cloudflare's REST API, with retries and a rate "
                     "limit; also audits, cleans up and verifies them",
                     cloudflare_kv::option_specs)
