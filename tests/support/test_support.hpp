// Helpers shared by the tests: running the real loadseed binary, temporary
// folders, reading files.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace loadseed::test {

struct RunResult {
    int status = -1;  // exit status, or 128 + signal number
    std::string out;
    std::string err;
};

// Runs `program` with `args`, stdin from /dev/null, and collects its output.
// `env` entries (NAME=VALUE) are added to the environment, replacing
// inherited variables of the same name.
RunResult run(const std::string& program, const std::vector<std::string>& args,
              const std::vector<std::string>& env = {});

// Runs the loadseed binary under test.
RunResult run_loadseed(const std::vector<std::string>& args, const std::vector<std::string>& env = {});

// A fresh folder under the system temp folder, removed when destroyed.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::string operator/(const std::string& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

std::string read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, const std::string& text);
std::vector<std::string> read_lines(const std::filesystem::path& path);

// Splits one CSV line into fields, honouring double quotes.
std::vector<std::string> csv_fields(const std::string& line);

}  // namespace loadseed::test
