#include "kv_store.h"

#include <mutex>

namespace kv_emulator {

void KvStore::put(std::vector<KvPair>&& pairs) {
  std::unique_lock lock(mutex_);
  for (auto& pair : pairs) {
    entries_.insert_or_assign(std::move(pair.key), std::move(pair.entry));
  }
}

void KvStore::put(KvPair&& pair) {
  std::unique_lock lock(mutex_);
  entries_.insert_or_assign(std::move(pair.key), std::move(pair.entry));
}

void KvStore::erase(const std::vector<std::string>& keys) {
  std::unique_lock lock(mutex_);
  for (const auto& key : keys) entries_.erase(key);
}

bool KvStore::erase(const std::string& key) {
  std::unique_lock lock(mutex_);
  return entries_.erase(key) > 0;
}

bool KvStore::read_value(const std::string& key, std::int64_t now, std::string& value) const {
  std::shared_lock lock(mutex_);
  auto found = entries_.find(key);
  if (found == entries_.end() || found->second.is_expired(now)) return false;
  value = found->second.value;
  return true;
}

KeyPage KvStore::list(std::string_view prefix, std::string_view after, std::size_t limit,
                      std::int64_t now) const {
  std::shared_lock lock(mutex_);

  auto position = entries_.lower_bound(prefix);
  if (!after.empty()) {
    auto past_cursor = entries_.upper_bound(after);
    if (past_cursor != entries_.end() &&
        (position == entries_.end() || past_cursor->first > position->first)) {
      position = past_cursor;
    }
  }

  KeyPage page;
  for (; position != entries_.end(); ++position) {
    const auto& [name, entry] = *position;
    if (name.compare(0, prefix.size(), prefix) != 0) break;
    if (entry.is_expired(now)) continue;

    if (page.keys.size() == limit) {
      page.has_more = true;
      break;
    }
    page.keys.push_back({name, entry.expiration, entry.metadata ? *entry.metadata : ""});
  }
  return page;
}

void KvStore::for_each_live(
    std::int64_t now,
    const std::function<void(const std::string&, const KvEntry&)>& visit) const {
  std::shared_lock lock(mutex_);
  for (const auto& [name, entry] : entries_) {
    if (!entry.is_expired(now)) visit(name, entry);
  }
}

std::size_t KvStore::size() const {
  std::shared_lock lock(mutex_);
  return entries_.size();
}

void KvStore::clear() {
  std::unique_lock lock(mutex_);
  entries_.clear();
}

}  // namespace kv_emulator
