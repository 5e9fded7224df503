// Audit, cleanup and verify with the cloudflare-kv sink.
//
// Cleanup deletes by name: it generates every key the run writes (both forms
// of band numbers first_band .. first_band + band_count - 1) and bulk-deletes
// them, 10,000 keys per request. Deleting what a listing returns would need
// a listing pass first: 1.2M keys are 1,200 list pages, against 120 delete
// requests. Deleting by name also never touches a key the scenario does not
// generate, even one the safety gate missed. A listing afterwards proves
// that none of the run's keys is left.
//
// The host does not know the event ids a seed run stored (they are part of
// the evt:<eventId>:<bandId> keys), so every entry point first reads them
// from the namespace: see with_event_ids.
#include "cloudflare_kv.hpp"

#include "api_response.hpp"
#include "bulk_body.hpp"
#include "kv_limits.hpp"

#include <nlohmann/json.hpp>

namespace cloudflare_kv {

using loadseed::Error;

namespace {

// Band numbers of a verify sample: `count` numbers spread evenly over the
// event's range, its first and last band included.
std::vector<uint64_t> sample_numbers(const EventKeys& event, uint64_t count) {
    std::vector<uint64_t> numbers;
    const uint64_t bands = event.band_count();
    if (bands == 0) return numbers;
    if (count >= bands) count = bands;
    for (uint64_t i = 0; i < count; ++i)
        numbers.push_back(event.first_band() + (count == 1 ? 0 : i * (bands - 1) / (count - 1)));
    return numbers;
}

std::string scan_note(const FormScan& counts) {
    std::string note;
    if (counts.outside_range)
        note += std::to_string(counts.outside_range) + " more with band numbers outside this run's range";
    if (counts.foreign) {
        if (!note.empty()) note += "; ";
        note += std::to_string(counts.foreign) + " not written by loadseed, e.g. " +
                quoted_key(counts.foreign_examples.front());
    }
    return note;
}

std::string line_subject(const char* what, KeyForm form) { return std::string(what) + " (" + form_name(form) + ")"; }

}  // namespace

// Returns `run` with each empty event id filled from the namespace. The
// value of every key carries its "eventId", so one read of a bare key of the
// event usually suffices; when the bare keys are gone (the old seeder's
// cleanup deleted only those), the evt: keys are listed until one of the
// event's bands shows up.
const ls_run& CloudflareKvSink::with_event_ids(const ls_run& run) {
    std::string prefixes;
    bool missing = false;
    for (size_t i = 0; i < run.event_count; ++i) {
        prefixes += std::string(run.events[i].band_prefix) + "\n";
        missing = missing || run.events[i].id[0] == '\0';
    }
    if (!missing) return run;
    if (prefixes == resolved_for_) return resolved_run_;

    resolved_events_.assign(run.events, run.events + run.event_count);
    for (ls_event& event : resolved_events_) {
        if (event.id[0] != '\0') continue;
        std::string id = discover_event_id(event);
        if (id.empty()) id = event_id_from_scoped_keys(event);
        if (id.empty() || id.size() + 6 > LS_ID_CAPACITY) continue;  // nothing stored for this event
        std::snprintf(event.id, LS_ID_CAPACITY, "%s", id.c_str());
        std::snprintf(event.window_id, LS_ID_CAPACITY, "%s-live", id.c_str());
        host().debug("event '" + std::string(event.name) + "' has id " + id + " in the namespace");
    }
    resolved_run_ = run;
    resolved_run_.events = resolved_events_.data();
    resolved_for_ = prefixes;
    scan_.reset();
    return resolved_run_;
}

// Reads the "eventId" of the first of a few bare keys spread over the
// event's bands that exists; returns "" when none does.
std::string CloudflareKvSink::discover_event_id(const ls_event& event) {
    EventKeys keys(event);
    for (uint64_t number : sample_numbers(keys, 8)) {
        Request request;
        request.url = settings_.namespace_url + "/values/" + url_encode(keys.key(KeyForm::bare, number));
        request.label = "read of KV key " + quoted_key(keys.key(KeyForm::bare, number));
        Response response = client_->fetch(request);
        if (response.status == 404) continue;
        if (response.status != 200)
            throw Error(request.label + " failed: " + describe_response(response.status, response.body));
        nlohmann::json value = nlohmann::json::parse(response.body, nullptr, false);
        if (value.is_object() && value.contains("eventId") && value["eventId"].is_string())
            return value["eventId"].get<std::string>();
    }
    return "";
}

// Lists the evt: keys until one belongs to a band of `event` and returns the
// event id in its name; returns "" when none does.
// NOTE: only the first id found is used, so evt: keys of the same bands under
// a second, older event id are neither audited nor deleted.
std::string CloudflareKvSink::event_id_from_scoped_keys(const ls_event& event) {
    const std::string band_prefix = event.band_prefix;
    std::string cursor;
    do {
        Request request;
        request.url = settings_.namespace_url + "/keys?prefix=" + url_encode("evt:") + "&limit=1000" +
                      (cursor.empty() ? "" : "&cursor=" + url_encode(cursor));
        request.label = "key listing under 'evt:'";
        Response response = client_->fetch(request);
        if (response.status != 200)
            throw Error(request.label + " failed: " + describe_response(response.status, response.body));
        nlohmann::json page = nlohmann::json::parse(response.body, nullptr, false);
        if (!page.is_object() || !page.contains("result") || !page["result"].is_array())
            throw Error(request.label + " returned a body that is not a key list");
        for (const auto& item : page["result"]) {
            const std::string name = item.value("name", "");
            const size_t colon = name.find(':', 4);
            if (colon == std::string::npos) continue;
            std::string id = name.substr(4, colon - 4);
            ls_event candidate = event;
            std::snprintf(candidate.id, LS_ID_CAPACITY, "%s", id.c_str());
            if (EventKeys(candidate).band_number(KeyForm::scoped, name)) return id;
        }
        cursor.clear();
        if (page.contains("result_info") && page["result_info"].is_object())
            cursor = page["result_info"].value("cursor", "");
    } while (!cursor.empty());
    return "";
}

const KeyScan& CloudflareKvSink::scan_for(const ls_run& run) {
    std::string fingerprint;
    for (const EventKeys& event : event_keys(run))
        fingerprint += event.list_prefix(KeyForm::bare) + "|" + event.list_prefix(KeyForm::scoped) + "|" +
                       std::to_string(event.first_band()) + "|" + std::to_string(event.band_count()) + "\n";
    if (!scan_ || fingerprint != scan_fingerprint_) {
        scan_ = scan_keys(*client_, settings_.namespace_url, event_keys(run));
        scan_fingerprint_ = fingerprint;
    }
    return *scan_;
}

void CloudflareKvSink::audit(const ls_run& given_run, const ls_report_sink& report) {
    const ls_run& run = with_event_ids(given_run);
    scan_.reset();
    const KeyScan& scan = scan_for(run);
    std::vector<EventKeys> events = event_keys(run);
    for (size_t e = 0; e < events.size(); ++e)
        for (KeyForm form : key_forms) {
            const FormScan& counts = scan.events[e][static_cast<int>(form)];
            loadseed::report_line(report, line_subject("KV keys", form), events[e].event_name(),
                                  static_cast<int64_t>(events[e].band_count()), static_cast<int64_t>(counts.in_range),
                                  scan_note(counts));
        }
    host().info("listed namespace " + settings_.namespace_id + " in " + std::to_string(scan.pages) + " requests");
}

// Refuses when any key under the scenario's prefixes lacks the exact shape
// loadseed writes. The scan audit just took is reused, because cleanup
// deletes only generated names: a key created after the scan cannot be
// deleted by it anyway.
void CloudflareKvSink::check_cleanup(const ls_run& given_run, const ls_report_sink& report) {
    const ls_run& run = with_event_ids(given_run);
    const KeyScan& scan = scan_for(run);
    std::vector<EventKeys> events = event_keys(run);
    uint64_t foreign = 0;
    std::string first_example, first_prefix, first_event;
    for (size_t e = 0; e < events.size(); ++e)
        for (KeyForm form : key_forms) {
            const FormScan& counts = scan.events[e][static_cast<int>(form)];
            if (counts.foreign == 0) continue;
            loadseed::report_line(report, line_subject("KV keys not written by loadseed", form),
                                  events[e].event_name(), 0, static_cast<int64_t>(counts.foreign), scan_note(counts));
            if (foreign == 0) {
                first_example = counts.foreign_examples.front();
                first_prefix = events[e].list_prefix(form);
                first_event = events[e].event_name();
            }
            foreign += counts.foreign;
        }
    if (foreign == 0) return;

    throw Error("refusing to clean up namespace " + settings_.namespace_id + ": key " + quoted_key(first_example) +
                    " under prefix '" + first_prefix + "' of event '" + first_event +
                    "' was not written by loadseed (its keys are the prefix, then the band number in " +
                    std::to_string(run.events[0].band_number_width) + " digits)" +
                    (foreign > 1 ? ", and " + std::to_string(foreign - 1) + " more such keys" : std::string()) +
                    "; delete or rename them by hand, then re-run",
                LS_REFUSED);
}

void CloudflareKvSink::cleanup(const ls_run& given_run, ls_sink_summary& summary) {
    const ls_run& run = with_event_ids(given_run);
    std::vector<EventKeys> events = event_keys(run);
    uint64_t keys = 0;
    for (const EventKeys& event : events) keys += 2 * event.band_count();
    const uint64_t requests = (keys + max_keys_per_delete - 1) / max_keys_per_delete;

    if (run.dry_run) {
        std::snprintf(summary.detail, sizeof summary.detail,
                      "dry run: would delete up to %llu keys (bare and evt:-scoped) in about %llu requests",
                      static_cast<unsigned long long>(keys), static_cast<unsigned long long>(requests));
        return;
    }

    const ClientCounters before = client_->counters();
    uint64_t deleted = 0;
    for (const EventKeys& event : events) deleted += delete_event_keys(event);
    client_->wait();

    // A fresh listing shows whether any of the run's keys survived.
    scan_.reset();
    const KeyScan& scan = scan_for(run);
    uint64_t left = 0, other = 0;
    std::string example;
    for (size_t e = 0; e < events.size(); ++e)
        for (KeyForm form : key_forms) {
            const FormScan& counts = scan.events[e][static_cast<int>(form)];
            if (counts.in_range && example.empty()) example = events[e].key(form, events[e].first_band());
            left += counts.in_range;
            other += counts.outside_range;
        }
    if (left > 0)
        throw Error("cleanup sent a delete for every key of the run, but " + std::to_string(left) +
                    " are still listed (for example among " + quoted_key(example) +
                    " and the keys after it); KV listings can lag deletes, so re-run cleanup, which is idempotent");
    if (other > 0)
        host().warn(std::to_string(other) + " keys with loadseed's shape but band numbers outside this run remain "
                    "(another shard, or a run with more bands per event); clean them up with that run's options");

    const ClientCounters& after = client_->counters();
    summary.keys = deleted;
    summary.requests = after.requests - before.requests;
    summary.retries = after.retries - before.retries;
    std::snprintf(summary.detail, sizeof summary.detail,
                  "namespace %s: deleted the keys of %zu events (bare and evt:-scoped); none left",
                  settings_.namespace_id.c_str(), events.size());
}

// Queues bulk deletes of every key of `event` and returns the keys the API
// confirmed, once they have completed.
uint64_t CloudflareKvSink::delete_event_keys(const EventKeys& event) {
    auto deleted = std::make_shared<uint64_t>(0);
    constexpr uint64_t bands_per_request = max_keys_per_delete / 2;
    const uint64_t last = event.first_band() + event.band_count();

    for (uint64_t from = event.first_band(); from < last; from += bands_per_request) {
        const uint64_t to = std::min(last, from + bands_per_request);
        std::vector<std::string> keys;
        keys.reserve(2 * (to - from));
        for (uint64_t number = from; number < to; ++number)
            for (KeyForm form : key_forms) keys.push_back(event.key(form, number));

        Request request;
        request.method = "POST";
        request.url = settings_.namespace_url + "/bulk/delete";
        request.body = std::make_shared<const std::string>(delete_body(keys));
        request.items = keys.size();
        request.label = "bulk delete of event '" + event.event_name() + "' bands " + std::to_string(from) + " to " +
                        std::to_string(to - 1);
        request.on_response = [deleted, label = request.label](const Response& response) -> std::optional<Resend> {
            std::vector<std::string> unsuccessful = read_bulk_result(response, label, *deleted);
            if (unsuccessful.empty()) return std::nullopt;
            return Resend{delete_body(unsuccessful), unsuccessful.size(),
                          std::to_string(unsuccessful.size()) + " keys listed as unsuccessful"};
        };
        client_->submit(std::move(request));
    }
    client_->wait();
    return *deleted;
}

ls_status CloudflareKvSink::verify(const ls_run& given_run, bool full, const ls_report_sink& report) {
    const ls_run& run = with_event_ids(given_run);
    scan_.reset();
    const KeyScan& scan = scan_for(run);
    std::vector<EventKeys> events = event_keys(run);
    bool mismatch = false;

    for (size_t e = 0; e < events.size(); ++e)
        for (KeyForm form : key_forms) {
            const FormScan& counts = scan.events[e][static_cast<int>(form)];
            loadseed::report_line(report, line_subject("KV keys", form), events[e].event_name(),
                                  static_cast<int64_t>(events[e].band_count()), static_cast<int64_t>(counts.in_range),
                                  scan_note(counts));
            // Keys of other band numbers are expected when the run is one
            // shard of several, and a difference otherwise.
            mismatch = mismatch || counts.in_range != events[e].band_count() || counts.foreign > 0 ||
                       (run.shard_count == 1 && counts.outside_range > 0);
        }

    uint64_t reads = 0;
    for (const EventKeys& event : events)
        reads += 2 * (full ? event.band_count() : std::min(event.band_count(), settings_.verify_sample));
    if (reads > settings_.client.rate_limit)
        host().warn("verify reads " + std::to_string(reads) + " values, one request each, and the rate limit of " +
                    std::to_string(settings_.client.rate_limit) + " requests per " +
                    std::to_string(settings_.client.rate_window.count()) + " s makes that take at least " +
                    std::to_string(reads / settings_.client.rate_limit * settings_.client.rate_window.count()) +
                    " s");

    for (size_t e = 0; e < events.size(); ++e)
        for (KeyForm form : key_forms)
            mismatch = check_values(run.events[e], events[e], form, full, report) > 0 || mismatch;
    return mismatch ? LS_MISMATCH : LS_OK;
}

// Reads the values of a sample of `event`'s keys in `form` (every key when
// `full`) and reports how many parse to the event's id, URL, mode "live"
// and window id. Returns the number that do not.
uint64_t CloudflareKvSink::check_values(const ls_event& event, const EventKeys& keys, KeyForm form, bool full,
                                        const ls_report_sink& report) {
    struct Tally {
        uint64_t checked = 0, good = 0;
        std::string first_problem;
    };
    auto tally = std::make_shared<Tally>();
    const std::string event_id = event.id, window_id = event.window_id, url = event.live_url;

    // No key of the event was found to learn its id from: every value is
    // missing, and reading keys named "evt::..." would only repeat that.
    if (event_id.empty()) {
        const uint64_t expected = full ? keys.band_count() : std::min(keys.band_count(), settings_.verify_sample);
        loadseed::report_line(report, line_subject(full ? "KV values, all" : "KV values, sample", form),
                              keys.event_name(), static_cast<int64_t>(expected), 0,
                              "no key of the event found, so its event id is unknown");
        return expected;
    }

    auto check = [tally, event_id, window_id, url](const std::string& key, const Response& response) {
        ++tally->checked;
        std::string problem;
        if (response.status == 404) {
            problem = "key " + quoted_key(key) + " is missing";
        } else if (response.status != 200) {
            throw Error("reading KV key " + quoted_key(key) + " failed: " +
                        describe_response(response.status, response.body));
        } else {
            nlohmann::json value = nlohmann::json::parse(response.body, nullptr, false);
            auto field = [&](const char* name) {
                return value.is_object() && value.contains(name) && value[name].is_string()
                           ? value[name].get<std::string>()
                           : std::string("(absent)");
            };
            if (!value.is_object())
                problem = "the value of " + quoted_key(key) + " is not a JSON object";
            else if (field("eventId") != event_id)
                problem = quoted_key(key) + " has eventId '" + field("eventId") + "', expected '" + event_id + "'";
            else if (field("url") != url)
                problem = quoted_key(key) + " has url '" + field("url") + "', expected '" + url + "'";
            else if (field("mode") != "live")
                problem = quoted_key(key) + " has mode '" + field("mode") + "', expected 'live'";
            else if (field("windowId") != window_id)
                problem = quoted_key(key) + " has windowId '" + field("windowId") + "', expected '" + window_id + "'";
        }
        if (problem.empty())
            ++tally->good;
        else if (tally->first_problem.empty())
            tally->first_problem = problem;
    };

    std::vector<uint64_t> numbers;
    if (full) {
        for (uint64_t n = keys.first_band(); n < keys.first_band() + keys.band_count(); ++n) numbers.push_back(n);
    } else {
        numbers = sample_numbers(keys, settings_.verify_sample);
    }
    for (uint64_t number : numbers) {
        std::string key = keys.key(form, number);
        Request request;
        request.url = settings_.namespace_url + "/values/" + url_encode(key);
        request.label = "read of KV key " + quoted_key(key);
        request.on_response = [check, key](const Response& response) -> std::optional<Resend> {
            check(key, response);
            return std::nullopt;
        };
        client_->submit(std::move(request));
    }
    client_->wait();

    loadseed::report_line(report, line_subject(full ? "KV values, all" : "KV values, sample", form),
                          keys.event_name(), static_cast<int64_t>(tally->checked), static_cast<int64_t>(tally->good),
                          tally->first_problem);
    return tally->checked - tally->good;
}

}  // namespace cloudflare_kv
