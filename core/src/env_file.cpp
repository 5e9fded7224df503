#include <loadseed/core/env_file.hpp>

#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace loadseed::core {

namespace {

std::string trim(const std::string& text) {
    size_t first = text.find_first_not_of(" \t\r");
    if (first == std::string::npos) return "";
    size_t last = text.find_last_not_of(" \t\r");
    return text.substr(first, last - first + 1);
}

}  // namespace

int load_env_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::string line;
    int number = 0, set = 0;
    while (std::getline(in, line)) {
        ++number;
        line = trim(line);
        if (line.empty() || line[0] == '#') continue;
        if (line.rfind("export ", 0) == 0) line = trim(line.substr(7));
        auto equals = line.find('=');
        std::string key = equals == std::string::npos ? "" : trim(line.substr(0, equals));
        if (key.empty() || key.find_first_of(" \t") != std::string::npos)
            throw std::runtime_error(path + ":" + std::to_string(number) + ": expected KEY=VALUE");
        std::string value = trim(line.substr(equals + 1));
        if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front())
            value = value.substr(1, value.size() - 2);
        if (std::getenv(key.c_str())) continue;
        ::setenv(key.c_str(), value.c_str(), 0);
        ++set;
    }
    return set;
}

}  // namespace loadseed::core
