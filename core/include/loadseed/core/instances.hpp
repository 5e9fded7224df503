// Host-side handles of open plugin instances: they own the instance, supply
// its host services, and turn failed calls into PluginError exceptions.
#pragma once

#include <loadseed/core/console.hpp>
#include <loadseed/core/options.hpp>
#include <loadseed/core/plugin_loader.hpp>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>

namespace loadseed::core {

// A plugin call that did not return LS_OK (or LS_SKIP where allowed).
class PluginError : public std::runtime_error {
public:
    PluginError(const std::string& plugin, const std::string& step, ls_status status, const std::string& message);
    const std::string& plugin() const { return plugin_; }
    ls_status status() const { return status_; }

private:
    std::string plugin_;
    ls_status status_;
};

// The services table of one instance and the state behind it. Kept apart
// from the handle so its address stays fixed for the plugin's lifetime.
struct HostContext {
    std::string plugin_name;
    OptionValues options;
    Console* console = nullptr;
    ls_host_api api{};
};

class SinkHandle {
public:
    SinkHandle(const Plugin& plugin, OptionValues options, Console& console);
    ~SinkHandle();
    SinkHandle(const SinkHandle&) = delete;
    SinkHandle& operator=(const SinkHandle&) = delete;

    const std::string& name() const { return context_->plugin_name; }
    const Plugin& plugin() const { return plugin_; }

    void prepare(ls_run& run);
    // Returns false when the sink skips the stage.
    bool begin_stage(const ls_stage& stage);
    void write_batch(const ls_batch& batch);
    void end_stage(const ls_stage& stage);
    ls_sink_summary finish();
    void abandon() noexcept;

    bool supports_cleanup() const;
    bool supports_verify() const;
    ls_status audit(const ls_run& run, const ls_report_sink& report);
    ls_status check_cleanup(const ls_run& run, const ls_report_sink& report);
    ls_sink_summary cleanup(const ls_run& run);
    ls_status verify(const ls_run& run, bool full, const ls_report_sink& report);

    // Wall time spent inside this sink's calls.
    double seconds() const { return std::chrono::duration<double>(busy_).count(); }

private:
    // Calls fn, adds its duration to busy_, and throws PluginError unless the
    // status is LS_OK or one of `accepted`.
    template <class F>
    ls_status call(const char* step, F&& fn, std::initializer_list<ls_status> accepted = {});

    Plugin plugin_;
    const ls_sink_vtable* table_;
    std::unique_ptr<HostContext> context_;
    void* instance_ = nullptr;
    std::chrono::steady_clock::duration busy_{};
};

class GeneratorHandle {
public:
    GeneratorHandle(const Plugin& plugin, OptionValues options, Console& console);
    ~GeneratorHandle();
    GeneratorHandle(const GeneratorHandle&) = delete;
    GeneratorHandle& operator=(const GeneratorHandle&) = delete;

    const std::string& name() const { return context_->plugin_name; }
    void generate(const ls_tap_request& request, ls_tap_sample* samples);

private:
    Plugin plugin_;
    const ls_generator_vtable* table_;
    std::unique_ptr<HostContext> context_;
    void* instance_ = nullptr;
};

}  // namespace loadseed::core
