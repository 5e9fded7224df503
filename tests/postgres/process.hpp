// Helpers of the postgres tests: running the real loadseed binary, and a
// database of its own for each test on the server that DATABASE_URL names.
#pragma once

#include <pqxx/pqxx>

#include <string>
#include <sys/types.h>
#include <vector>

namespace postgres_test {

// Returns DATABASE_URL; fails the test when it is unset.
std::string server_url();

// Returns `url` with its database name replaced by `database`.
std::string with_database(const std::string& url, const std::string& database);

// A fresh database, dropped first if a previous run left it, with the
// application's schema applied through `loadseed schema apply` unless
// `apply_schema` is false.
class TestDatabase {
public:
    explicit TestDatabase(const std::string& name, bool apply_schema = true);
    const std::string& url() const { return url_; }
    const std::string& name() const { return name_; }

    // Runs a query and returns the first column of the first row as text.
    std::string scalar(const std::string& query);
    long long count(const std::string& table) { return std::stoll(scalar("SELECT count(*) FROM \"" + table + "\"")); }
    void execute(const std::string& statement);

private:
    std::string name_;
    std::string url_;
};

struct Result {
    int status = -1;  // exit status, or 128 + signal
    std::string out;
    std::string err;
};

// A running loadseed process, with stdout and stderr going to files.
class Process {
public:
    Process(const std::vector<std::string>& arguments, const std::string& database_url);
    ~Process();
    pid_t pid() const { return pid_; }
    // Waits for the process to exit.
    Result wait();

private:
    pid_t pid_ = -1;
    std::string out_path_;
    std::string err_path_;
};

// Runs loadseed with `arguments` and DATABASE_URL set to `database_url`.
Result run_loadseed(const std::vector<std::string>& arguments, const std::string& database_url);

// Writes `text` to a new temporary file and returns its path.
std::string temporary_file(const std::string& name, const std::string& text);

// Returns the non-empty lines of `text`.
std::vector<std::string> lines_of(const std::string& text);

// A scenario of `events` events named "LT Event 1".., prefixes LT-1-..,
// `bands` bands each and `taps` tap logs on the first event only.
std::string scenario_json(int events, int bands, int taps);

}  // namespace postgres_test
