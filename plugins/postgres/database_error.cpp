#include "database_error.hpp"

#include <loadseed/connection_url.hpp>

namespace postgres_sink {

ConnectionUrl::ConnectionUrl(std::string url) : url_(std::move(url)), masked_(loadseed::mask_connection_url(url_)) {}

std::string ConnectionUrl::redact(std::string message) const {
    return loadseed::redact_connection_secrets(std::move(message), url_);
}

std::string one_line(std::string message) {
    std::string out;
    for (char c : message) {
        if (c == '\n' || c == '\t' || c == '\r') c = ' ';
        if (c != ' ' || (!out.empty() && out.back() != ' ')) out.push_back(c);
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

ls_status status_of_sqlstate(std::string_view sqlstate) {
    if (sqlstate.empty()) return LS_UNAVAILABLE;
    std::string_view sqlclass = sqlstate.substr(0, 2);
    if (sqlclass == "28" || sqlstate == "42501") return LS_UNAUTHORIZED;  // login or privilege
    if (sqlclass == "08" || sqlclass == "53" || sqlclass == "57") return LS_UNAVAILABLE;
    // A key clash or a broken reference means the database contains rows this
    // run did not create; the sink will not overwrite them.
    if (sqlstate == "23505" || sqlstate == "23503") return LS_REFUSED;
    if (sqlstate == "42P01" || sqlstate == "42703" || sqlstate == "42704") return LS_INVALID_ARGUMENT;
    return LS_ERROR;
}

loadseed::Error connection_error(const ConnectionUrl& url, const std::string& message) {
    std::string reason = one_line(message);
    const bool login = reason.find("authentication failed") != std::string::npos ||
                       reason.find("no password supplied") != std::string::npos;
    // libpq's messages for a connection string it cannot parse.
    const bool malformed = reason.find("missing \"=\"") != std::string::npos ||
                           reason.find("invalid connection option") != std::string::npos ||
                           reason.find("invalid URI") != std::string::npos ||
                           reason.find("invalid integer value") != std::string::npos ||
                           reason.find("unterminated quoted string") != std::string::npos;
    std::string hint = login       ? "check the user name and password in DATABASE_URL or --opt postgres.url"
                       : malformed ? "DATABASE_URL or --opt postgres.url must look like "
                                     "postgresql://user:password@host:5432/database"
                                   : "check that the server runs and that DATABASE_URL or --opt postgres.url names it";
    ls_status status = login ? LS_UNAUTHORIZED : malformed ? LS_INVALID_ARGUMENT : LS_UNAVAILABLE;
    return loadseed::Error(url.redact("cannot connect to " + url.masked() + ": " + reason + "; " + hint), status);
}

loadseed::Error statement_error(const ConnectionUrl& url, const std::string& doing, const std::string& message,
                                std::string_view sqlstate) {
    ls_status status = status_of_sqlstate(sqlstate);
    std::string hint;
    switch (status) {
    case LS_REFUSED:
        hint = "the database contains rows with the same keys that are not this scenario's load-test rows; nothing of "
               "this step was committed. Use another database, or change the scenario's names, prefixes or --seed";
        break;
    case LS_UNAUTHORIZED: hint = "grant the user of DATABASE_URL the rights to read and write the tables"; break;
    case LS_UNAVAILABLE: hint = "the server or the connection failed; nothing of this step was committed, re-run"; break;
    case LS_INVALID_ARGUMENT: hint = "run 'loadseed schema apply' on an empty database or check DATABASE_URL"; break;
    default: hint = "nothing of this step was committed"; break;
    }
    return loadseed::Error(url.redact(doing + " failed: " + one_line(message) + "; " + hint), status);
}

}  // namespace postgres_sink
