#include "bulk_body.hpp"

#include <loadseed/sdk.hpp>

#include <nlohmann/json.hpp>

#include "kv_limits.hpp"

namespace cloudflare_kv {

BulkBodyWriter::BulkBodyWriter(size_t max_items, size_t max_bytes) : max_items_(max_items), max_bytes_(max_bytes) {}

void BulkBodyWriter::add(std::string_view item, std::string_view key) {
    // "[" + item + "]" is the smallest body that carries the item.
    if (item.size() + 2 > max_bytes_)
        throw loadseed::Error("the bulk item of KV key " + quoted_key(key) + " is " + std::to_string(item.size()) +
                                  " bytes, so it cannot fit in a request of at most " + std::to_string(max_bytes_) +
                                  " bytes; raise max-request-bytes (at most 100000000) or shorten the value",
                              LS_INVALID_ARGUMENT);

    // Adding the item costs a comma, the item, and the closing bracket.
    size_t after = open_items_ == 0 ? 1 + item.size() + 1 : open_.size() + 1 + item.size() + 1;
    if (open_items_ > 0 && (open_items_ == max_items_ || after > max_bytes_)) close_body();

    open_.push_back(open_items_ == 0 ? '[' : ',');
    open_.append(item);
    ++open_items_;
}

void BulkBodyWriter::close_body() {
    if (open_items_ == 0) return;
    open_.push_back(']');
    BulkBody body;
    body.items = open_items_;
    body.first_item = items_;
    body.json = std::make_shared<const std::string>(std::move(open_));
    done_.push_back(std::move(body));
    items_ += open_items_;
    open_ = std::string();
    open_items_ = 0;
}

std::vector<BulkBody> BulkBodyWriter::finish() {
    close_body();
    return std::move(done_);
}

std::string write_item(std::string_view key, std::string_view escaped_value, std::optional<int64_t> ttl_seconds) {
    std::string item;
    item.reserve(key.size() + escaped_value.size() + 48);
    item.append("{\"key\":");
    append_json_string(item, key);
    item.append(",\"value\":");
    item.append(escaped_value);
    if (ttl_seconds) {
        item.append(",\"expiration_ttl\":");
        item.append(std::to_string(*ttl_seconds));
    }
    item.push_back('}');
    return item;
}

std::string delete_item(std::string_view key) {
    std::string item;
    append_json_string(item, key);
    return item;
}

std::string select_write_items(const std::string& body, const std::unordered_set<std::string>& keys) {
    nlohmann::json items = nlohmann::json::parse(body);
    nlohmann::json selected = nlohmann::json::array();
    for (auto& item : items)
        if (keys.count(item.at("key").get<std::string>())) selected.push_back(std::move(item));
    return selected.dump();
}

std::string delete_body(const std::vector<std::string>& keys) {
    std::string body = "[";
    for (size_t i = 0; i < keys.size(); ++i) {
        if (i) body.push_back(',');
        append_json_string(body, keys[i]);
    }
    body.push_back(']');
    return body;
}

}  // namespace cloudflare_kv
