#include "common.hpp"

#include <loadseed/core/clock.hpp>

#include <random>

namespace loadseed::cli {

void add_scenario_options(CLI::App& command, ScenarioOptions& options, bool run_settings) {
    command.add_option("--scenario", options.scenario_file,
                       "scenario JSON file (see examples/scenarios); without it, the default data set: three events of "
                       "200,000 bands, 600,000 tap logs on the first")
        ->check(CLI::ExistingFile);
    command.add_option("--bands-per-event", options.bands_per_event, "override every event's band count")
        ->check(CLI::Range(uint64_t(1), uint64_t(999'999'999)));
    command.add_option("--taps", options.taps,
                       "override the tap log count of every event that has tap logs (of the first event if none has)")
        ->check(CLI::Range(uint64_t(0), uint64_t(999'999'999)));
    if (!run_settings) return;
    command.add_option("--seed", options.seed,
                       "random seed; the same seed, --start and scenario give byte-identical data (default: random, "
                       "printed in the summary)")
        ->check(CLI::NonNegativeNumber);
    command.add_option("--start", options.start,
                       "pin the run's clock, e.g. 2026-05-01T18:00:00Z (UTC); every timestamp derives from it, and tap "
                       "logs fall in the 6 hours before it unless the scenario's tapWindow says otherwise "
                       "(default: now)");
    command.add_option("--shard", options.shard, "produce only shard K of N (bands and tap logs split by range)")
        ->default_str("1/1");
}

void add_sink_options(CLI::App& command, SinkOptions& options, const char* verb) {
    command.add_option("--sink", options.sinks, std::string("sink plugin to ") + verb + "; repeat for several")
        ->default_str("file-dump");
    command.add_option("--opt", options.assignments,
                       "plugin option as PLUGIN.KEY=VALUE, e.g. --opt postgres.url=...; repeatable "
                       "(see 'loadseed plugins')");
    command.add_option("--out", options.out, "folder of the file-dump sink (same as --opt file-dump.out=DIR)")
        ->default_str("loadseed-out");
}

core::Scenario load_scenario(const ScenarioOptions& options) {
    core::Scenario scenario;
    std::string source = "scenario";
    try {
        if (options.scenario_file.empty()) {
            scenario = core::Scenario::defaults();
        } else {
            scenario = core::Scenario::from_file(options.scenario_file);
            source = options.scenario_file;
        }

        if (options.bands_per_event)
            for (auto& event : scenario.events) event.bands = *options.bands_per_event;
        if (options.taps) {
            bool any = false;
            for (auto& event : scenario.events) any = any || event.taps > 0;
            for (size_t i = 0; i < scenario.events.size(); ++i)
                if (scenario.events[i].taps > 0 || (!any && i == 0)) scenario.events[i].taps = *options.taps;
        }
        scenario.validate(source + " with command-line overrides");
    } catch (const core::ScenarioError& error) {
        throw InputError(error.what());
    }
    return scenario;
}

core::RunSettings make_settings(const ScenarioOptions& options, bool dry_run) {
    core::RunSettings settings;
    settings.dry_run = dry_run;

    if (options.seed) {
        settings.seed = *options.seed;
    } else {
        std::random_device device;
        settings.seed = (uint64_t(device()) << 32 | device()) & ((uint64_t(1) << 53) - 1);  // exact in JSON doubles
    }

    if (options.start.empty()) {
        settings.started_at = core::now_ms();
    } else {
        auto parsed = core::parse_utc(options.start);
        if (!parsed) throw InputError("invalid --start '" + options.start + "': expected UTC like 2026-05-01T18:00:00Z");
        settings.started_at = *parsed;
    }

    unsigned index = 0, count = 0;
    char slash = 0, tail = 0;
    if (std::sscanf(options.shard.c_str(), "%u%c%u%c", &index, &slash, &count, &tail) != 3 || slash != '/' ||
        count == 0 || index == 0 || index > count)
        throw InputError("invalid --shard '" + options.shard + "': expected K/N with 1 <= K <= N, e.g. 2/4");
    settings.shard_index = index;
    settings.shard_count = count;
    return settings;
}

std::vector<std::string> selected_sinks(const SinkOptions& options, const core::PluginSet& plugins) {
    std::vector<std::string> names = options.sinks;
    if (names.empty()) names.push_back("file-dump");
    for (size_t i = 0; i < names.size(); ++i) {
        const core::Plugin* plugin = plugins.find(names[i]);
        if (!plugin)
            throw InputError("unknown sink '" + names[i] +
                             "'; run 'loadseed plugins' to list the sinks found, or add its folder with --plugin-dir");
        if (!plugin->is_sink()) throw InputError("plugin '" + names[i] + "' is a generator, not a sink");
        for (size_t j = 0; j < i; ++j)
            if (names[j] == names[i]) throw InputError("sink '" + names[i] + "' is selected twice");
    }
    return names;
}

const core::Plugin& find_generator(const std::string& name, const core::PluginSet& plugins) {
    const core::Plugin* plugin = plugins.find(name);
    if (!plugin)
        throw InputError("unknown generator '" + name +
                         "'; run 'loadseed plugins' to list the generators found, or add its folder with --plugin-dir");
    if (!plugin->is_generator()) throw InputError("plugin '" + name + "' is a sink, not a generator");
    return *plugin;
}

std::map<std::string, core::OptionValues> resolve_all_options(const SinkOptions& options,
                                                              const std::vector<const core::Plugin*>& selected) {
    try {
        core::OptionAssignments assignments = core::parse_option_assignments(options.assignments);
        if (!options.out.empty()) {
            if (assignments["file-dump"].count("out"))
                throw InputError("--out and --opt file-dump.out both set the output folder; give one");
            assignments["file-dump"]["out"] = options.out;
        }
        std::vector<std::string> names;
        for (const core::Plugin* plugin : selected) names.push_back(plugin->name());
        if (!options.out.empty() && std::find(names.begin(), names.end(), "file-dump") == names.end())
            throw InputError("--out applies to the file-dump sink, which is not selected; add --sink file-dump");
        core::check_assignment_targets(assignments, names);

        std::map<std::string, core::OptionValues> resolved;
        for (const core::Plugin* plugin : selected)
            resolved[plugin->name()] = core::resolve_options(*plugin, assignments[plugin->name()]);
        return resolved;
    } catch (const core::OptionError& error) {
        throw InputError(error.what());
    }
}

std::vector<std::unique_ptr<core::SinkHandle>> open_sinks(const std::vector<std::string>& names,
                                                          const core::PluginSet& plugins,
                                                          std::map<std::string, core::OptionValues>& options,
                                                          core::Console& console) {
    std::vector<std::unique_ptr<core::SinkHandle>> sinks;
    for (const std::string& name : names)
        sinks.push_back(std::make_unique<core::SinkHandle>(*plugins.find(name), options[name], console));
    return sinks;
}

}  // namespace loadseed::cli
