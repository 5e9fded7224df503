#include "process.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <signal.h>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace postgres_test {

namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string temporary_folder() {
    static std::string folder = [] {
        char pattern[] = "/tmp/loadseed-pg-test.XXXXXX";
        const char* made = mkdtemp(pattern);
        REQUIRE(made != nullptr);
        return std::string(made);
    }();
    return folder;
}

}  // namespace

std::string server_url() {
    const char* url = std::getenv("DATABASE_URL");
    if (!url || !*url)
        FAIL("DATABASE_URL is not set: run these tests under scripts/with-postgres, e.g. "
             "scripts/with-postgres ctest --test-dir build -L postgres");
    return url;
}

std::string with_database(const std::string& url, const std::string& database) {
    size_t authority = url.find("://") + 3;
    size_t path = url.find('/', authority);
    size_t query = url.find('?', authority);
    std::string base = url.substr(0, path == std::string::npos ? query : path);
    std::string rest = query == std::string::npos ? "" : url.substr(query);
    return base + "/" + database + rest;
}

TestDatabase::TestDatabase(const std::string& name, bool apply_schema) : name_(name) {
    std::string server = server_url();
    {
        pqxx::connection connection(server);
        pqxx::nontransaction t(connection);
        t.exec("DROP DATABASE IF EXISTS " + t.quote_name(name) + " WITH (FORCE)");
        t.exec("CREATE DATABASE " + t.quote_name(name));
    }
    url_ = with_database(server, name);
    if (apply_schema) {
        Result applied = run_loadseed({"schema", "apply"}, url_);
        INFO(applied.err);
        REQUIRE(applied.status == 0);
    }
}

std::string TestDatabase::scalar(const std::string& query) {
    pqxx::connection connection(url_);
    pqxx::nontransaction t(connection);
    pqxx::row row = t.exec1(query);
    return row[0].is_null() ? "" : row[0].c_str();
}

void TestDatabase::execute(const std::string& statement) {
    pqxx::connection connection(url_);
    pqxx::work t(connection);
    t.exec(statement);
    t.commit();
}

Process::Process(const std::vector<std::string>& arguments, const std::string& database_url) {
    static int serial = 0;
    std::string base = temporary_folder() + "/run-" + std::to_string(getpid()) + "-" + std::to_string(++serial);
    out_path_ = base + ".out";
    err_path_ = base + ".err";

    pid_ = fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
        int out = open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int err = open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(out, 1);
        dup2(err, 2);
        // The folder contains no .env files, so none leaks into the run.
        if (chdir(temporary_folder().c_str()) != 0) _exit(126);
        setenv("DATABASE_URL", database_url.c_str(), 1);
        std::vector<char*> argv;
        argv.push_back(const_cast<char*>(LOADSEED_BINARY));
        for (const std::string& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
        argv.push_back(nullptr);
        execv(LOADSEED_BINARY, argv.data());
        _exit(127);
    }
}

Process::~Process() {
    if (pid_ > 0) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
    }
}

Result Process::wait() {
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    Result result;
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    result.out = read_file(out_path_);
    result.err = read_file(err_path_);
    return result;
}

Result run_loadseed(const std::vector<std::string>& arguments, const std::string& database_url) {
    Process process(arguments, database_url);
    return process.wait();
}

std::string temporary_file(const std::string& name, const std::string& text) {
    std::string path = temporary_folder() + "/" + name;
    std::ofstream(path) << text;
    return path;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::stringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) lines.push_back(line);
    return lines;
}

std::string scenario_json(int events, int bands, int taps) {
    const char* cities[][4] = {{"Nashville", "TN", "36.1627", "-86.7816"},
                               {"Dallas", "TX", "32.7767", "-96.797"},
                               {"Denver", "CO", "39.7392", "-104.9903"}};
    std::string json = R"({"events":[)";
    for (int i = 0; i < events; ++i) {
        const char* const* city = cities[i % 3];
        json += std::string(i ? "," : "") + R"({"name":"LT Event )" + std::to_string(i + 1) + R"(","bandPrefix":"LT-)" +
                std::to_string(i + 1) + R"(-","city":")" + city[0] + R"(","state":")" + city[1] +
                R"(","latitude":)" + city[2] + R"(,"longitude":)" + city[3] + R"(,"bands":)" + std::to_string(bands) +
                R"(,"taps":)" + std::to_string(i == 0 ? taps : 0) + "}";
    }
    return json + "]}";
}

}  // namespace postgres_test
