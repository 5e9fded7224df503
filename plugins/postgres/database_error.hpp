// Turns failures of the PostgreSQL client libraries into loadseed::Error with
// a status the host maps to an exit code, on one line, with the password of
// the connection URL masked.
#pragma once

#include <loadseed/sdk.hpp>

#include <string>
#include <string_view>

namespace postgres_sink {

// The connection URL and the masking every message about it goes through.
class ConnectionUrl {
public:
    explicit ConnectionUrl(std::string url);

    const std::string& text() const { return url_; }
    const std::string& masked() const { return masked_; }
    // Returns `message` with the URL masked and its password removed.
    std::string redact(std::string message) const;

private:
    std::string url_;
    std::string masked_;
};

// Returns a library message on one line: libpq ends some messages with a
// tab-indented hint line, and the server's with DETAIL lines.
std::string one_line(std::string message);

// Returns the status for a SQLSTATE code; an empty code means the client
// library failed before the server returned a result.
ls_status status_of_sqlstate(std::string_view sqlstate);

// Builds the error for a failed connection attempt from libpq's message.
loadseed::Error connection_error(const ConnectionUrl& url, const std::string& message);

// Builds the error for a failed statement: what was being done, the server's
// message, and what to do next, chosen by SQLSTATE.
loadseed::Error statement_error(const ConnectionUrl& url, const std::string& doing, const std::string& message,
                                std::string_view sqlstate);

}  // namespace postgres_sink
