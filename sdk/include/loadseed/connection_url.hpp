// Masking of database connection strings, for error messages and logs.
//
// Both forms libpq accepts are handled: the URI
// "postgresql://user:PASSWORD@host:5432/db?sslmode=require&password=PASSWORD"
// and the keyword/value string "host=... password=PASSWORD dbname=...".
// Header-only, so the host and every database sink mask the same way.
#ifndef LOADSEED_CONNECTION_URL_HPP
#define LOADSEED_CONNECTION_URL_HPP

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace loadseed {

inline constexpr std::string_view password_mask = "***";

namespace detail {

inline bool is_uri(std::string_view url) {
    return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
}

inline int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

inline std::string percent_decode(std::string_view text) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
            i += 2;
        } else {
            out.push_back(text[i]);
        }
    }
    return out;
}

// A span [begin, end) of the input that contains a password.
struct Span {
    size_t begin;
    size_t end;
};

// Finds every password in a URI: the one in the user info and any
// "password=" query parameter.
inline std::vector<Span> uri_password_spans(std::string_view url) {
    std::vector<Span> spans;
    size_t authority = url.find("://") + 3;
    size_t authority_end = url.find_first_of("/?#", authority);
    if (authority_end == std::string_view::npos) authority_end = url.size();
    // A literal '@' in a password must be percent-encoded, so the last '@'
    // ends the user info.
    size_t at = url.substr(0, authority_end).rfind('@');
    if (at != std::string_view::npos && at >= authority) {
        size_t colon = url.substr(0, at).find(':', authority);
        if (colon != std::string_view::npos) spans.push_back({colon + 1, at});
    }

    size_t query = url.find('?', authority);
    while (query != std::string_view::npos && query < url.size()) {
        size_t start = query + 1;
        size_t end = url.find('&', start);
        if (end == std::string_view::npos) end = url.size();
        std::string_view parameter = url.substr(start, end - start);
        if (parameter.rfind("password=", 0) == 0) spans.push_back({start + 9, end});
        query = end < url.size() ? end : std::string_view::npos;
    }
    return spans;
}

// Finds the value of every "password" keyword in a keyword/value string,
// quoted ('a\'b', as libpq escapes) or not.
inline std::vector<Span> keyword_password_spans(std::string_view text) {
    std::vector<Span> spans;
    size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && text[i] == ' ') ++i;
        size_t key_start = i;
        while (i < text.size() && text[i] != '=' && text[i] != ' ') ++i;
        std::string_view key = text.substr(key_start, i - key_start);
        while (i < text.size() && text[i] == ' ') ++i;
        if (i >= text.size() || text[i] != '=') continue;
        ++i;
        while (i < text.size() && text[i] == ' ') ++i;
        size_t value_start = i;
        if (i < text.size() && text[i] == '\'') {
            ++i;
            while (i < text.size() && text[i] != '\'') i += text[i] == '\\' ? 2 : 1;
            i = std::min(i + 1, text.size());
        } else {
            while (i < text.size() && text[i] != ' ') i += text[i] == '\\' ? 2 : 1;
            i = std::min(i, text.size());
        }
        if (key == "password") spans.push_back({value_start, i});
    }
    return spans;
}

inline std::vector<Span> password_spans(std::string_view url) {
    return is_uri(url) ? uri_password_spans(url) : keyword_password_spans(url);
}

}  // namespace detail

// Returns `url` with every password replaced by "***". The rest (user, host,
// port, database, parameters) stays readable, so an error still shows where
// the connection went.
inline std::string mask_connection_url(std::string_view url) {
    std::string out;
    size_t copied = 0;
    for (const detail::Span& span : detail::password_spans(url)) {
        out.append(url.substr(copied, span.begin - copied));
        out.append(password_mask);
        copied = span.end;
    }
    out.append(url.substr(copied));
    return out;
}

// Returns every form in which the password of `url` could appear in a message
// from a database library: as written in the URL and percent-decoded.
inline std::vector<std::string> connection_secrets(std::string_view url) {
    std::vector<std::string> secrets;
    const bool uri = detail::is_uri(url);
    for (const detail::Span& span : detail::password_spans(url)) {
        std::string written(url.substr(span.begin, span.end - span.begin));
        if (written.empty()) continue;
        if (uri) {
            std::string decoded = detail::percent_decode(written);
            if (decoded != written) secrets.push_back(decoded);
        } else if (written.size() >= 2 && written.front() == '\'' && written.back() == '\'') {
            secrets.push_back(written.substr(1, written.size() - 2));
        }
        secrets.push_back(std::move(written));
    }
    return secrets;
}

// Returns `message` with the connection URL replaced by its masked form and
// any other occurrence of its password replaced by "***". Use it on every
// message that comes from a database library, because some of them quote the
// connection string they failed to parse.
inline std::string redact_connection_secrets(std::string message, std::string_view url) {
    auto replace_all = [&message](std::string_view from, std::string_view to) {
        if (from.empty()) return;
        for (size_t at = message.find(from); at != std::string::npos; at = message.find(from, at + to.size()))
            message.replace(at, from.size(), to);
    };
    std::string masked = mask_connection_url(url);
    replace_all(url, masked);
    for (const std::string& secret : connection_secrets(url))
        // A one- or two-character password would match unrelated text; the
        // masked URL above already covers it where the URL is quoted.
        if (secret.size() >= 3) replace_all(secret, password_mask);
    return message;
}

}  // namespace loadseed

#endif  // LOADSEED_CONNECTION_URL_HPP
