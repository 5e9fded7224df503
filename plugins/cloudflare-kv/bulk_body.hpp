// JSON bodies of bulk requests: `PUT .../bulk` takes an array of
// {"key", "value", "expiration_ttl"?} objects, `POST .../bulk/delete` an
// array of key strings. A body is closed before either the item limit or
// the byte limit would be passed, so no request breaks the API's limits.
#pragma once

#include <loadseed/text.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace cloudflare_kv {

using loadseed::append_json_string;

// One finished body: the JSON text and the items it carries, counted from
// the first item given to the BulkBodyWriter.
struct BulkBody {
    std::shared_ptr<const std::string> json;
    size_t items = 0;
    size_t first_item = 0;
};

// Collects encoded array items into bodies of at most `max_items` items and
// `max_bytes` bytes each.
class BulkBodyWriter {
public:
    BulkBodyWriter(size_t max_items, size_t max_bytes);

    // Adds one encoded item, starting a new body first when the item would
    // break a limit. Throws loadseed::Error when the item alone is too large.
    void add(std::string_view item, std::string_view key);
    // Closes the open body and returns every body, in order.
    std::vector<BulkBody> finish();

private:
    void close_body();

    size_t max_items_;
    size_t max_bytes_;
    std::string open_;
    size_t open_items_ = 0;
    size_t items_ = 0;
    std::vector<BulkBody> done_;
};

// Encodes one bulk write item. `escaped_value` is the value already encoded
// as a JSON string, because every pair of an event shares one value.
std::string write_item(std::string_view key, std::string_view escaped_value, std::optional<int64_t> ttl_seconds);

// Encodes one bulk delete item.
std::string delete_item(std::string_view key);

// Returns the items of a bulk write body whose key is in `keys`, as a new
// body. Used to resend the keys a response lists as unsuccessful.
std::string select_write_items(const std::string& body, const std::unordered_set<std::string>& keys);

// Returns a bulk delete body of `keys`.
std::string delete_body(const std::vector<std::string>& keys);

}  // namespace cloudflare_kv
