#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace kv_emulator {

// One stored value. Kept small because a load test stores over a million keys:
// metadata, which most keys lack, costs one pointer when absent.
struct KvEntry {
  std::string value;
  std::int64_t expiration = 0;  // epoch seconds; 0 means the key never expires
  std::unique_ptr<const std::string> metadata;  // serialized JSON, or null

  bool is_expired(std::int64_t now) const { return expiration != 0 && expiration <= now; }
};

struct KvPair {
  std::string key;
  KvEntry entry;
};

// A key as the list endpoint returns it.
struct KeyListing {
  std::string name;
  std::int64_t expiration = 0;
  std::string metadata;  // serialized JSON; empty when the key has none
};

struct KeyPage {
  std::vector<KeyListing> keys;
  bool has_more = false;
};

// The contents of one KV namespace, in byte order of the keys, safe to use from
// the server's worker threads. Expired keys stay stored until overwritten or
// deleted, but reads, lists and snapshots skip them.
class KvStore {
 public:
  // Takes ownership of the pairs' strings. A later pair with the same key wins.
  void put(std::vector<KvPair>&& pairs);
  void put(KvPair&& pair);

  // Deleting a key that does not exist is not an error, as in the real API.
  void erase(const std::vector<std::string>& keys);
  bool erase(const std::string& key);

  // Copies the value of a live key into `value`; false when missing or expired.
  bool read_value(const std::string& key, std::int64_t now, std::string& value) const;

  // Lists live keys that start with `prefix` and sort after `after`.
  KeyPage list(std::string_view prefix, std::string_view after, std::size_t limit,
               std::int64_t now) const;

  // Calls `visit` for every live key while holding the read lock, so `visit`
  // must not call back into the store.
  void for_each_live(std::int64_t now,
                     const std::function<void(const std::string&, const KvEntry&)>& visit) const;

  // Number of stored keys, including expired keys that are still stored.
  std::size_t size() const;
  void clear();

 private:
  mutable std::shared_mutex mutex_;
  std::map<std::string, KvEntry, std::less<>> entries_;
};

}  // namespace kv_emulator
