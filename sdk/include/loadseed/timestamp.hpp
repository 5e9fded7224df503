// Timestamp text in the form PostgreSQL's TIMESTAMP(3) columns take.
#ifndef LOADSEED_TIMESTAMP_HPP
#define LOADSEED_TIMESTAMP_HPP

#include <loadseed/plugin.h>

#include <cstdint>
#include <string>

namespace loadseed {

namespace detail {

struct Civil {
    int64_t year;
    unsigned month, day, hour, minute, second, millisecond;
};

inline Civil civil_from_ms(ls_time_ms ms) {
    int64_t days = ms / 86400000;
    int64_t rest = ms % 86400000;
    if (rest < 0) {
        rest += 86400000;
        days -= 1;
    }
    days += 719468;
    const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(days - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    Civil c{};
    c.day = doy - (153 * mp + 2) / 5 + 1;
    c.month = mp < 10 ? mp + 3 : mp - 9;
    c.year = static_cast<int64_t>(yoe) + era * 400 + (c.month <= 2);
    c.hour = static_cast<unsigned>(rest / 3600000);
    c.minute = static_cast<unsigned>(rest / 60000 % 60);
    c.second = static_cast<unsigned>(rest / 1000 % 60);
    c.millisecond = static_cast<unsigned>(rest % 1000);
    return c;
}

inline void put_digits(char* out, unsigned value, int width) {
    for (int i = width - 1; i >= 0; --i) {
        out[i] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
}

}  // namespace detail

// Writes `ms` (UTC) as "2026-05-01 18:00:00.000": exactly 23 characters, no NUL.
inline void format_sql_timestamp(ls_time_ms ms, char* out) {
    detail::Civil c = detail::civil_from_ms(ms);
    detail::put_digits(out, static_cast<unsigned>(c.year), 4);
    out[4] = '-';
    detail::put_digits(out + 5, c.month, 2);
    out[7] = '-';
    detail::put_digits(out + 8, c.day, 2);
    out[10] = ' ';
    detail::put_digits(out + 11, c.hour, 2);
    out[13] = ':';
    detail::put_digits(out + 14, c.minute, 2);
    out[16] = ':';
    detail::put_digits(out + 17, c.second, 2);
    out[19] = '.';
    detail::put_digits(out + 20, c.millisecond, 3);
}

inline std::string sql_timestamp(ls_time_ms ms) {
    std::string out(23, ' ');
    format_sql_timestamp(ms, out.data());
    return out;
}

}  // namespace loadseed

#endif  // LOADSEED_TIMESTAMP_HPP
