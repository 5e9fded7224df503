// The cloudflare-kv sink: writes each band's two Workers KV keys through the
// REST API's bulk endpoint, and audits, cleans up and verifies them.
#pragma once

#include <loadseed/sdk.hpp>

#include "key_scan.hpp"
#include "kv_client.hpp"
#include "options.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cloudflare_kv {

class CloudflareKvSink : public loadseed::Sink {
public:
    static constexpr bool supports_cleanup = true;
    static constexpr bool supports_verify = true;

    explicit CloudflareKvSink(const loadseed::Host& host);

    // Seeding: cloudflare_kv.cpp.
    void prepare(ls_run& run) override;
    ls_status begin_stage(const ls_stage& stage) override;
    void write_batch(const ls_batch& batch) override;
    void end_stage(const ls_stage& stage) override;
    void finish(ls_sink_summary& summary) override;
    void abandon() noexcept override;

    // Cleanup and verify: maintenance.cpp.
    void audit(const ls_run& run, const ls_report_sink& report) override;
    void check_cleanup(const ls_run& run, const ls_report_sink& report) override;
    void cleanup(const ls_run& run, ls_sink_summary& summary) override;
    ls_status verify(const ls_run& run, bool full, const ls_report_sink& report) override;

private:
    void check_key_lengths(const ls_run& run) const;
    void check_access(const ls_run& run);
    const std::string& escaped_value(ls_str value);
    void submit_bulk_write(const std::shared_ptr<const std::string>& body, size_t items, const std::string& label);
    void report_progress(bool force);

    const KeyScan& scan_for(const ls_run& run);
    const ls_run& with_event_ids(const ls_run& run);
    std::string discover_event_id(const ls_event& event);
    std::string event_id_from_scoped_keys(const ls_event& event);
    uint64_t delete_event_keys(const EventKeys& event);
    uint64_t check_values(const ls_event& event, const EventKeys& keys, KeyForm form, bool full,
                          const ls_report_sink& report);

    SinkSettings settings_;
    std::unique_ptr<KvClient> client_;
    const ls_run* run_ = nullptr;

    // The current KV stage.
    const ls_event* event_ = nullptr;
    uint64_t batch_number_ = 0;
    uint64_t stage_items_before_ = 0;
    std::chrono::steady_clock::time_point stage_started_;
    std::chrono::steady_clock::time_point progress_shown_;

    // Every pair of an event shares one value, so its JSON-string form is
    // cached by address.
    ls_str cached_value_{};
    std::string escaped_value_;
    uint64_t keys_submitted_ = 0;

    // cleanup and verify: the run with the event ids read from the namespace.
    ls_run resolved_run_{};
    std::vector<ls_event> resolved_events_;
    std::string resolved_for_;  // the band prefixes resolved_run_ was made for

    // The last scan, reused by check_cleanup right after audit.
    std::optional<KeyScan> scan_;
    std::string scan_fingerprint_;
};

}  // namespace cloudflare_kv
