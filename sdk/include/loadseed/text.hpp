// Text helpers that several plugins and the host need: JSON string literals
// for values written by hand (bulk bodies, dump files, queue entries), and
// numbers with thousands separators for logs and summaries.
#ifndef LOADSEED_TEXT_HPP
#define LOADSEED_TEXT_HPP

#include <cstdint>
#include <string>
#include <string_view>

namespace loadseed {

// Appends `text` to `out` as a JSON string literal, quotes included. Bytes
// of 0x80 and above pass through, so UTF-8 stays UTF-8.
inline void append_json_string(std::string& out, std::string_view text) {
    static constexpr char hex[] = "0123456789abcdef";
    out.push_back('"');
    size_t plain_from = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        out.append(text.substr(plain_from, i - plain_from));
        plain_from = i + 1;
        out.push_back('\\');
        switch (c) {
        case '"': out.push_back('"'); break;
        case '\\': out.push_back('\\'); break;
        case '\n': out.push_back('n'); break;
        case '\r': out.push_back('r'); break;
        case '\t': out.push_back('t'); break;
        default:
            out.append("u00");
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        }
    }
    out.append(text.substr(plain_from));
    out.push_back('"');
}

// Returns `value` with commas between groups of three digits: "1,200,000".
inline std::string grouped(uint64_t value) {
    std::string digits = std::to_string(value);
    std::string out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

}  // namespace loadseed

#endif  // LOADSEED_TEXT_HPP
