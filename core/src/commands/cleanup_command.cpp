// loadseed cleanup: removes the scenario's data set from every selected sink,
// after an audit and a safety gate that every sink must pass before any of
// them deletes anything.
#include "common.hpp"
#include "report_table.hpp"

#include <cstdio>

namespace loadseed::cli {

namespace {

struct CleanupOptions {
    ScenarioOptions scenario;
    SinkOptions sinks;
    bool dry_run = false;
    std::string confirm;
    bool json = false;
};

// Environments whose data must not be deleted by a slip of the keyboard.
bool is_production(const std::string& env_name) { return env_name == "production" || env_name == "prod"; }

uint64_t total_found(const ReportTable& table) {
    uint64_t total = 0;
    for (const ReportRow& row : table.rows()) total += row.found > 0 ? static_cast<uint64_t>(row.found) : 0;
    return total;
}

int run_cleanup(Session& session, const CleanupOptions& options) {
    if (session.global.env_given && is_production(session.global.env_name) &&
        options.confirm != session.global.env_name)
        throw InputError("cleanup with --env " + session.global.env_name + " needs --confirm " +
                         session.global.env_name + " as well; nothing was deleted");

    core::Scenario scenario = load_scenario(options.scenario);
    std::vector<std::string> sink_names = selected_sinks(options.sinks, session.plugins);
    std::vector<const core::Plugin*> selected;
    for (const std::string& name : sink_names) selected.push_back(session.plugins.find(name));
    auto plugin_options = resolve_all_options(options.sinks, selected);

    core::RunSettings settings = make_settings(options.scenario, options.dry_run);
    core::RunModel model(std::move(scenario), settings);
    model.forget_ids();
    const ls_run& run = model.run();

    auto sinks = open_sinks(sink_names, session.plugins, plugin_options, session.console);
    for (auto& sink : sinks)
        if (!sink->supports_cleanup())
            throw InputError("sink '" + sink->name() + "' does not support cleanup; leave it out of --sink");

    // 1. Audit: what each sink holds now.
    nlohmann::ordered_json report = nlohmann::ordered_json::object();
    std::vector<ReportTable> audits(sinks.size());
    uint64_t records_found = 0;
    for (size_t i = 0; i < sinks.size(); ++i) {
        sinks[i]->audit(run, audits[i].sink());
        records_found += total_found(audits[i]);
        if (!options.json) audits[i].print(sinks[i]->name() + ": audit");
        report[sinks[i]->name()]["audit"] = audits[i].to_json();
    }

    // 2. Safety gate: every sink checks before any sink deletes, and every
    // refusal is reported, so one run names everything to fix.
    std::vector<std::string> refusals;
    for (auto& sink : sinks) {
        ReportTable gate;
        try {
            sink->check_cleanup(run, gate.sink());
        } catch (const core::PluginError& error) {
            if (error.status() != LS_REFUSED) throw;
            refusals.push_back(error.what());
        }
    }
    if (!refusals.empty()) {
        if (options.json) std::printf("%s\n", report.dump(2).c_str());
        for (const std::string& refusal : refusals) session.console.log(LS_LOG_ERROR, "", refusal);
        return exit_refused;
    }

    if (records_found == 0) {
        if (options.json)
            std::printf("%s\n", report.dump(2).c_str());
        else
            std::printf("nothing to clean up\n");
        return exit_ok;
    }
    if (options.dry_run) {
        if (options.json)
            std::printf("%s\n", report.dump(2).c_str());
        else
            std::printf("dry run: the safety checks passed; a cleanup would delete the records above\n");
        return exit_ok;
    }

    // 3. Delete, then 4. audit again: everything must be gone.
    std::vector<std::string> left;
    for (size_t i = 0; i < sinks.size(); ++i) {
        ls_sink_summary summary = sinks[i]->cleanup(run);
        ReportTable after;
        sinks[i]->audit(run, after.sink());
        for (const ReportRow& row : after.rows())
            if (row.found > 0) left.push_back(sinks[i]->name() + ": " + row.subject + " " + row.scope + " (" +
                                              grouped(static_cast<uint64_t>(row.found)) + ")");
        report[sinks[i]->name()]["deleted"] = {{"rows", summary.rows}, {"keys", summary.keys},
                                               {"files", summary.files}, {"detail", summary.detail}};
        report[sinks[i]->name()]["left"] = after.to_json();
        if (!options.json)
            std::printf("%s: deleted %s rows, %s keys, %s files%s%s\n", sinks[i]->name().c_str(),
                        grouped(summary.rows).c_str(), grouped(summary.keys).c_str(), grouped(summary.files).c_str(),
                        summary.detail[0] ? "; " : "", summary.detail);
    }
    if (options.json) std::printf("%s\n", report.dump(2).c_str());

    if (!left.empty()) {
        std::string list;
        for (size_t i = 0; i < left.size() && i < 5; ++i) list += (i ? "; " : "") + left[i];
        session.console.log(LS_LOG_ERROR, "", "cleanup left records behind: " + list +
                                                  (left.size() > 5 ? "; ..." : "") + "; run cleanup again");
        return exit_failed;
    }
    if (!options.json) std::printf("cleanup complete: nothing of the data set is left\n");
    return exit_ok;
}

}  // namespace

void add_cleanup_command(CLI::App& app, std::function<int(Session&)>& run) {
    auto options = std::make_shared<CleanupOptions>();
    CLI::App* command = app.add_subcommand(
        "cleanup",
        "Delete the scenario's data set from the selected sinks: audit, safety gate, delete, then check that nothing "
        "is left. Safe to re-run.");
    add_scenario_options(*command, options->scenario, false);
    add_sink_options(*command, options->sinks, "clean up");
    command->add_flag("--dry-run", options->dry_run, "print the audit and run the safety checks, delete nothing");
    command->add_option("--confirm", options->confirm,
                        "name of the environment loaded with --env, required when it is production");
    command->add_flag("--json", options->json, "print the audit and results as JSON on stdout");
    command->callback([&run, options] { run = [options](Session& session) { return run_cleanup(session, *options); }; });
}

}  // namespace loadseed::cli
