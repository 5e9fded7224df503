#include "kv_limits.hpp"

#include <loadseed/sdk.hpp>

namespace cloudflare_kv {

namespace {

bool is_valid_utf8(std::string_view text) {
    size_t i = 0;
    while (i < text.size()) {
        unsigned char lead = static_cast<unsigned char>(text[i]);
        size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
        if (length == 0 || i + length > text.size()) return false;
        for (size_t k = 1; k < length; ++k)
            if ((static_cast<unsigned char>(text[i + k]) >> 6) != 0x2) return false;
        i += length;
    }
    return true;
}

}  // namespace

std::string key_problem(std::string_view key) {
    if (key.empty()) return "the key is empty";
    if (key == "." || key == "..") return "'.' and '..' are not allowed as keys";
    if (key.size() > max_key_bytes)
        return "the key is " + std::to_string(key.size()) + " bytes, over the limit of " +
               std::to_string(max_key_bytes);
    if (!is_valid_utf8(key)) return "the key is not valid UTF-8";
    return {};
}

void check_pair(std::string_view key, std::string_view value) {
    if (std::string problem = key_problem(key); !problem.empty())
        throw loadseed::Error("invalid KV key " + quoted_key(key) + ": " + problem +
                                  "; nothing of this batch was sent; fix the scenario's band prefix",
                              LS_INVALID_ARGUMENT);
    if (value.size() > max_value_bytes)
        throw loadseed::Error("the value of KV key " + quoted_key(key) + " is " + std::to_string(value.size()) +
                                  " bytes, over the limit of " + std::to_string(max_value_bytes) +
                                  " (25 MiB); nothing of this batch was sent",
                              LS_INVALID_ARGUMENT);
}

std::string quoted_key(std::string_view key) {
    constexpr size_t shown = 80;
    std::string quoted;
    quoted.push_back('\'');
    quoted.append(key.substr(0, shown));
    if (key.size() > shown) quoted.append("...");
    quoted.push_back('\'');
    if (key.size() > shown) quoted.append(" (" + std::to_string(key.size()) + " bytes)");
    return quoted;
}

}  // namespace cloudflare_kv
