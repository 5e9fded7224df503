#pragma once

#include <cstddef>
#include <string>

#include "kv_store.h"

namespace kv_emulator {

// Snapshot files hold a namespace's contents as a JSON array of
// {"key", "value", "expiration"?, "metadata"?, "base64"?} objects, the same
// shape as a bulk write body. Values that are not valid UTF-8 are written in
// base64 with "base64": true.

// Adds the pairs in `path` to `store` and returns how many were read. Throws
// std::runtime_error naming the file and the invalid pair.
std::size_t load_snapshot(const std::string& path, KvStore& store);

// Writes every live key to `path` and returns how many were written. Writes a
// temporary file first and renames it, so a failed dump leaves no partial file.
std::size_t dump_snapshot(const KvStore& store, const std::string& path);

}  // namespace kv_emulator
