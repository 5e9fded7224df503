// Options and steps shared by the commands that work on a scenario's data
// set: seed-multi-event, cleanup and verify.
#pragma once

#include "commands.hpp"

#include <loadseed/core/instances.hpp>
#include <loadseed/core/options.hpp>
#include <loadseed/core/run_model.hpp>
#include <loadseed/text.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace loadseed::cli {

// Bad input found before any work starts; exits with exit_bad_input.
class InputError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct ScenarioOptions {
    std::string scenario_file;
    std::optional<uint64_t> bands_per_event;
    std::optional<uint64_t> taps;
    std::optional<uint64_t> seed;
    std::string start;
    std::string shard = "1/1";
};

struct SinkOptions {
    std::vector<std::string> sinks;
    std::vector<std::string> assignments;  // --opt PLUGIN.KEY=VALUE
    std::string out;                       // shortcut for --opt file-dump.out
};

// Adds --scenario, --bands-per-event and --taps; with `run_settings`, also
// --seed, --start and --shard, which only a seed run uses.
void add_scenario_options(CLI::App& command, ScenarioOptions& options, bool run_settings);
void add_sink_options(CLI::App& command, SinkOptions& options, const char* verb);

// Reads the scenario and applies the overrides; throws InputError.
core::Scenario load_scenario(const ScenarioOptions& options);
// Fixes seed, start time and shard; throws InputError.
core::RunSettings make_settings(const ScenarioOptions& options, bool dry_run);

// Returns the sink names chosen (file-dump when none), each checked to exist
// and be a sink; throws InputError.
std::vector<std::string> selected_sinks(const SinkOptions& options, const core::PluginSet& plugins);

// Finds the generator `name`; throws InputError when missing or not one.
const core::Plugin& find_generator(const std::string& name, const core::PluginSet& plugins);

// Resolves every selected plugin's options; throws InputError.
std::map<std::string, core::OptionValues> resolve_all_options(const SinkOptions& options,
                                                              const std::vector<const core::Plugin*>& selected);

// Opens each sink in order; throws PluginError from the first that fails.
std::vector<std::unique_ptr<core::SinkHandle>> open_sinks(const std::vector<std::string>& names,
                                                          const core::PluginSet& plugins,
                                                          std::map<std::string, core::OptionValues>& options,
                                                          core::Console& console);

using loadseed::grouped;

}  // namespace loadseed::cli
