#include <loadseed/core/clock.hpp>

#include <loadseed/timestamp.hpp>

#include <chrono>
#include <cstdio>

namespace loadseed::core {

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
// days_from_civil algorithm).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool read_digits(std::string_view text, size_t at, size_t width, unsigned& value) {
    if (at + width > text.size()) return false;
    value = 0;
    for (size_t i = at; i < at + width; ++i) {
        if (text[i] < '0' || text[i] > '9') return false;
        value = value * 10 + static_cast<unsigned>(text[i] - '0');
    }
    return true;
}

}  // namespace

ls_time_ms now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::optional<ls_time_ms> parse_utc(std::string_view text) {
    unsigned year, month, day, hour, minute, second, millis = 0;
    if (!read_digits(text, 0, 4, year) || text.size() < 20 || text[4] != '-' ||
        !read_digits(text, 5, 2, month) || text[7] != '-' || !read_digits(text, 8, 2, day) ||
        (text[10] != 'T' && text[10] != ' ') || !read_digits(text, 11, 2, hour) ||
        text[13] != ':' || !read_digits(text, 14, 2, minute) || text[16] != ':' ||
        !read_digits(text, 17, 2, second))
        return std::nullopt;

    size_t at = 19;
    if (at < text.size() && text[at] == '.') {
        if (!read_digits(text, at + 1, 3, millis)) return std::nullopt;
        at += 4;
    }
    if (at + 1 != text.size() || text[at] != 'Z') return std::nullopt;
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59)
        return std::nullopt;

    int64_t days = days_from_civil(year, month, day);
    if (loadseed::detail::civil_from_ms(days * 86400000).day != day) return std::nullopt;  // e.g. 2026-02-30
    return days * 86400000 + hour * 3600000LL + minute * 60000LL + second * 1000LL + millis;
}

std::string iso_timestamp(ls_time_ms ms) {
    std::string out = loadseed::sql_timestamp(ms);
    out[10] = 'T';
    out += 'Z';
    return out;
}

}  // namespace loadseed::core
