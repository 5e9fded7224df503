// The loadseed command line: global options, then one sub-command.
#include "commands/common.hpp"

#include <loadseed/core/env_file.hpp>
#include <loadseed/core/seed_pipeline.hpp>

#include <cstdio>
#include <filesystem>

namespace {

using namespace loadseed;

int exit_status_for(ls_status status) {
    switch (status) {
    case LS_INVALID_ARGUMENT: return cli::exit_bad_input;
    case LS_REFUSED: return cli::exit_refused;
    case LS_MISMATCH: return cli::exit_mismatch;
    default: return cli::exit_failed;
    }
}

// Loads .env.NAME from the working folder. An explicit --env must exist; the
// default (staging) is loaded only when present.
void load_env(const cli::GlobalOptions& global, core::Console& console) {
    std::string name = global.env_given ? global.env_name : "staging";
    std::string path = ".env." + name;
    if (!global.env_given && !std::filesystem::exists(path)) return;
    if (!std::filesystem::exists(path))
        throw cli::InputError("--env " + name + ": file " + path + " not found in the working folder");
    int count = core::load_env_file(path);
    console.log(LS_LOG_DEBUG, "", "loaded " + std::to_string(count) + " variables from " + path);
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app("loadseed: seeds and removes load-test data (bands, KV keys, tap logs) through sink plugins",
                 "loadseed");
    app.set_version_flag("--version", std::string("loadseed ") + LOADSEED_VERSION + " (plugin ABI " +
                                          std::to_string(LOADSEED_ABI_MAJOR) + "." +
                                          std::to_string(LOADSEED_ABI_MINOR) + ")");
    app.require_subcommand(1);
    app.fallthrough();

    cli::GlobalOptions global;
    app.add_option("--plugin-dir", global.plugin_dirs,
                   "directory to search for plugins before LOADSEED_PLUGIN_PATH and the bundled ones; repeatable")
        ->check(CLI::ExistingDirectory);
    app.add_option("--env", global.env_name, "load .env.NAME from the working folder (default: .env.staging if present)")
        ->each([&global](const std::string&) { global.env_given = true; });
    app.add_flag("-v,--verbose", global.verbose, "log debug lines");
    app.add_flag("-q,--quiet", global.quiet, "print only warnings, errors and the summary");

    std::function<int(cli::Session&)> command;
    cli::add_seed_command(app, command);
    cli::add_cleanup_command(app, command);
    cli::add_verify_command(app, command);
    cli::add_plugins_command(app, command);
    cli::add_schema_command(app, command);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        int status = app.exit(error);
        return status == 0 ? cli::exit_ok : cli::exit_bad_input;
    }

    core::Console console(global.quiet     ? core::Console::Verbosity::quiet
                          : global.verbose ? core::Console::Verbosity::verbose
                                           : core::Console::Verbosity::normal);
    try {
        load_env(global, console);
        core::PluginSet plugins = core::discover_plugins(core::plugin_search_path(global.plugin_dirs));
        for (const core::Rejection& rejection : plugins.rejections)
            console.log(LS_LOG_WARNING, "", "skipped plugin " + rejection.path + ": " + rejection.reason);
        cli::Session session{global, console, plugins};
        return command(session);
    } catch (const cli::InputError& error) {
        console.log(LS_LOG_ERROR, "", error.what());
        return cli::exit_bad_input;
    } catch (const core::SeedError& error) {
        console.log(LS_LOG_ERROR, "", error.what());
        return exit_status_for(error.status());
    } catch (const core::PluginError& error) {
        console.log(LS_LOG_ERROR, "", error.what());
        return exit_status_for(error.status());
    } catch (const std::exception& error) {
        console.log(LS_LOG_ERROR, "", error.what());
        return cli::exit_failed;
    }
}
