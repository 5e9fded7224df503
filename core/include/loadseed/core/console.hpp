// What a run prints on stderr: log lines and progress.
#pragma once

#include <loadseed/plugin.h>

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace loadseed::core {

class Console {
public:
    enum class Verbosity { quiet, normal, verbose };

    explicit Console(Verbosity verbosity = Verbosity::normal);

    // Writes "loadseed: [source] message" to stderr. Debug lines need
    // --verbose; quiet keeps only warnings and errors.
    void log(ls_log_level level, const std::string& source, const std::string& message);

    // Starts a progress line for a stage of `total` units (rows or keys).
    void start_stage(const std::string& label, uint64_t total, const char* unit);
    // Sets the units done so far and an optional detail suffix.
    void update_stage(uint64_t done, const std::string& detail = {});
    void finish_stage();

    bool is_terminal() const { return terminal_; }

private:
    using Clock = std::chrono::steady_clock;

    void draw(bool final_line);
    void clear_line();

    Verbosity verbosity_;
    bool terminal_;
    std::mutex mutex_;

    bool active_ = false;
    std::string label_;
    std::string unit_;
    std::string detail_;
    uint64_t total_ = 0;
    uint64_t done_ = 0;
    Clock::time_point started_;
    Clock::time_point last_drawn_;
};

}  // namespace loadseed::core
