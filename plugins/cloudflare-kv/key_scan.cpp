#include "key_scan.hpp"

#include "api_response.hpp"
#include "kv_limits.hpp"

#include <nlohmann/json.hpp>

#include <cstring>

namespace cloudflare_kv {

using loadseed::Error;

namespace {

constexpr size_t foreign_examples_kept = 5;

}  // namespace

const char* form_name(KeyForm form) { return form == KeyForm::bare ? "bare" : "evt:-scoped"; }

EventKeys::EventKeys(const ls_event& event)
    : name_(event.name),
      band_prefix_(event.band_prefix),
      scoped_prefix_(std::string("evt:") + event.id + ":"),
      scoped_band_prefix_(scoped_prefix_ + band_prefix_),
      width_(event.band_number_width),
      first_(event.first_band),
      count_(event.band_count) {}

const std::string& EventKeys::list_prefix(KeyForm form) const {
    return form == KeyForm::bare ? band_prefix_ : scoped_prefix_;
}

std::string EventKeys::key(KeyForm form, uint64_t band_number) const {
    std::string key = form == KeyForm::bare ? band_prefix_ : scoped_band_prefix_;
    std::string digits = std::to_string(band_number);
    if (digits.size() < width_) key.append(width_ - digits.size(), '0');
    key += digits;
    return key;
}

std::optional<uint64_t> EventKeys::band_number(KeyForm form, std::string_view key) const {
    const std::string& prefix = form == KeyForm::bare ? band_prefix_ : scoped_band_prefix_;
    if (key.size() != prefix.size() + width_ || key.substr(0, prefix.size()) != prefix) return std::nullopt;
    uint64_t number = 0;
    for (char c : key.substr(prefix.size())) {
        if (c < '0' || c > '9') return std::nullopt;
        number = number * 10 + static_cast<uint64_t>(c - '0');
    }
    return number;
}

std::vector<EventKeys> event_keys(const ls_run& run) {
    std::vector<EventKeys> events;
    for (size_t i = 0; i < run.event_count; ++i) events.emplace_back(run.events[i]);
    return events;
}

KeyScan scan_keys(KvClient& client, const std::string& namespace_url, const std::vector<EventKeys>& events) {
    KeyScan scan;
    scan.events.resize(events.size());

    for (size_t e = 0; e < events.size(); ++e) {
        for (KeyForm form : key_forms) {
            const std::string& prefix = events[e].list_prefix(form);
            FormScan& counts = scan.events[e][static_cast<int>(form)];
            std::string cursor;
            do {
                Request request;
                request.url = namespace_url + "/keys?prefix=" + url_encode(prefix) + "&limit=" +
                              std::to_string(max_list_limit) + (cursor.empty() ? "" : "&cursor=" + url_encode(cursor));
                request.label = "key listing under '" + prefix + "' (page " + std::to_string(scan.pages + 1) + ")";
                Response response = client.fetch(request);
                ++scan.pages;
                if (response.status != 200)
                    throw Error(request.label + " failed: " + describe_response(response.status, response.body));

                nlohmann::json page = nlohmann::json::parse(response.body, nullptr, false);
                if (!page.is_object() || !page.contains("result") || !page["result"].is_array())
                    throw Error(request.label + " returned a body that is not a key list: " +
                                describe_response(response.status, response.body));

                for (const auto& item : page["result"]) {
                    const std::string name = item.value("name", "");
                    auto number = events[e].band_number(form, name);
                    if (!number) {
                        ++counts.foreign;
                        if (counts.foreign_examples.size() < foreign_examples_kept) counts.foreign_examples.push_back(name);
                    } else if (events[e].in_range(*number)) {
                        if (counts.in_range++ == 0 && item.contains("expiration"))
                            counts.first_expiration = item["expiration"].get<int64_t>();
                    } else {
                        ++counts.outside_range;
                    }
                }
                cursor.clear();
                if (page.contains("result_info") && page["result_info"].is_object())
                    cursor = page["result_info"].value("cursor", "");
            } while (!cursor.empty());
        }
    }
    return scan;
}

}  // namespace cloudflare_kv
