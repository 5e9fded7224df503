// The CLI's sub-commands. Each registers its options on the CLI11 app and
// runs after parsing; run functions return the process exit status.
#pragma once

#include <loadseed/core/console.hpp>
#include <loadseed/core/plugin_loader.hpp>

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace loadseed::cli {

// Exit statuses, documented in docs/cli.md.
enum ExitStatus : int {
    exit_ok = 0,
    exit_failed = 1,        // the work failed: a sink or server error
    exit_bad_input = 2,     // invalid command line, scenario, option or plugin
    exit_refused = 3,       // a safety gate refused the operation
    exit_mismatch = 4,      // verify found data that differs from the scenario
};

// Options shared by every sub-command.
struct GlobalOptions {
    std::vector<std::string> plugin_dirs;
    std::string env_name;
    bool env_given = false;
    bool verbose = false;
    bool quiet = false;
};

// Everything a command needs after the global options were applied.
struct Session {
    const GlobalOptions& global;
    core::Console& console;
    core::PluginSet& plugins;
};

void add_seed_command(CLI::App& app, std::function<int(Session&)>& run);
void add_plugins_command(CLI::App& app, std::function<int(Session&)>& run);
void add_cleanup_command(CLI::App& app, std::function<int(Session&)>& run);
void add_verify_command(CLI::App& app, std::function<int(Session&)>& run);
void add_schema_command(CLI::App& app, std::function<int(Session&)>& run);

}  // namespace loadseed::cli
