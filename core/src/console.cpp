#include <loadseed/core/console.hpp>

#include <cstdio>
#include <unistd.h>

namespace loadseed::core {

namespace {

// Progress redraws at most this often on a terminal; elsewhere (a CI log, a
// file) a plain line is written at most this often instead.
constexpr auto terminal_interval = std::chrono::milliseconds(100);
constexpr auto log_interval = std::chrono::seconds(5);

std::string human_count(double value) {
    char buffer[32];
    if (value >= 1e6)
        std::snprintf(buffer, sizeof buffer, "%.2fM", value / 1e6);
    else if (value >= 1e3)
        std::snprintf(buffer, sizeof buffer, "%.1fk", value / 1e3);
    else
        std::snprintf(buffer, sizeof buffer, "%.0f", value);
    return buffer;
}

const char* level_prefix(ls_log_level level) {
    switch (level) {
    case LS_LOG_WARNING: return "warning: ";
    case LS_LOG_ERROR: return "error: ";
    default: return "";
    }
}

}  // namespace

Console::Console(Verbosity verbosity) : verbosity_(verbosity), terminal_(isatty(STDERR_FILENO) == 1) {}

void Console::log(ls_log_level level, const std::string& source, const std::string& message) {
    if (level == LS_LOG_DEBUG && verbosity_ != Verbosity::verbose) return;
    if (level == LS_LOG_INFO && verbosity_ == Verbosity::quiet) return;
    std::lock_guard lock(mutex_);
    // Results go to stdout; flushing it first keeps a log line after the
    // results printed before it when both go to one file or terminal.
    std::fflush(stdout);
    clear_line();
    std::fprintf(stderr, "loadseed: %s%s%s%s\n", level_prefix(level), source.empty() ? "" : source.c_str(),
                 source.empty() ? "" : ": ", message.c_str());
    if (active_) draw(false);
}

void Console::start_stage(const std::string& label, uint64_t total, const char* unit) {
    std::lock_guard lock(mutex_);
    active_ = true;
    label_ = label;
    unit_ = unit;
    detail_.clear();
    total_ = total;
    done_ = 0;
    started_ = last_drawn_ = Clock::now();
    if (terminal_) draw(false);
}

void Console::update_stage(uint64_t done, const std::string& detail) {
    std::lock_guard lock(mutex_);
    if (!active_) return;
    done_ = done;
    if (!detail.empty()) detail_ = detail;
    auto now = Clock::now();
    if (now - last_drawn_ >= (terminal_ ? Clock::duration(terminal_interval) : Clock::duration(log_interval))) {
        last_drawn_ = now;
        draw(false);
    }
}

void Console::finish_stage() {
    std::lock_guard lock(mutex_);
    if (!active_) return;
    done_ = total_;
    draw(true);
    active_ = false;
}

void Console::clear_line() {
    if (terminal_ && active_) std::fputs("\r\033[K", stderr);
}

void Console::draw(bool final_line) {
    if (verbosity_ == Verbosity::quiet) return;
    // Off a terminal, only the periodic lines of long stages are worth a log
    // line; the end of each stage shows in the summary.
    if (!terminal_ && final_line) return;

    double seconds = std::chrono::duration<double>(Clock::now() - started_).count();
    double rate = seconds > 0 ? static_cast<double>(done_) / seconds : 0;
    double fraction = total_ ? static_cast<double>(done_) / static_cast<double>(total_) : 1;
    std::string line = label_ + " ";

    if (terminal_) {
        constexpr int width = 24;
        int filled = static_cast<int>(fraction * width);
        line += '[';
        line.append(static_cast<size_t>(filled), '#');
        line.append(static_cast<size_t>(width - filled), '.');
        line += "] ";
    }
    char numbers[160];
    if (final_line || done_ >= total_) {
        std::snprintf(numbers, sizeof numbers, "%s %s in %.1f s (%s/s)", human_count(double(done_)).c_str(),
                      unit_.c_str(), seconds, human_count(rate).c_str());
    } else {
        double eta = rate > 0 ? static_cast<double>(total_ - done_) / rate : 0;
        std::snprintf(numbers, sizeof numbers, "%s/%s %s, %s/s, ETA %.0f s", human_count(double(done_)).c_str(),
                      human_count(double(total_)).c_str(), unit_.c_str(), human_count(rate).c_str(), eta);
    }
    line += numbers;
    if (!detail_.empty()) line += ", " + detail_;

    if (terminal_)
        std::fprintf(stderr, "\r\033[K%s%s", line.c_str(), final_line ? "\n" : "");
    else
        std::fprintf(stderr, "loadseed: %s\n", line.c_str());
    std::fflush(stderr);
}

}  // namespace loadseed::core
