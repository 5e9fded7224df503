// loadseed verify: checks that every selected sink holds exactly the data set
// the scenario describes, before a load test starts.
#include "common.hpp"
#include "report_table.hpp"

#include <cstdio>

namespace loadseed::cli {

namespace {

struct VerifyOptions {
    ScenarioOptions scenario;
    SinkOptions sinks;
    bool full = false;
    bool json = false;
};

int run_verify(Session& session, const VerifyOptions& options) {
    core::Scenario scenario = load_scenario(options.scenario);
    std::vector<std::string> sink_names = selected_sinks(options.sinks, session.plugins);
    std::vector<const core::Plugin*> selected;
    for (const std::string& name : sink_names) selected.push_back(session.plugins.find(name));
    auto plugin_options = resolve_all_options(options.sinks, selected);

    core::RunModel model(std::move(scenario), make_settings(options.scenario, false));
    model.forget_ids();

    auto sinks = open_sinks(sink_names, session.plugins, plugin_options, session.console);
    for (auto& sink : sinks)
        if (!sink->supports_verify())
            throw InputError("sink '" + sink->name() + "' does not support verify; leave it out of --sink");

    nlohmann::ordered_json report = nlohmann::ordered_json::object();
    std::vector<std::string> mismatches;
    for (auto& sink : sinks) {
        ReportTable table;
        ls_status status = sink->verify(model.run(), options.full, table.sink());
        if (!options.json) table.print(sink->name() + ": verify" + (options.full ? " (full)" : " (sampled)"));
        report[sink->name()] = table.to_json();
        for (const ReportRow& row : table.rows())
            if (row.mismatched())
                mismatches.push_back(sink->name() + ": " + row.subject + " " + row.scope + " expected " +
                                     std::to_string(row.expected) + ", found " + std::to_string(row.found));
        if (status == LS_MISMATCH && mismatches.empty())
            mismatches.push_back(sink->name() + ": " + "reported a mismatch; see its table");
    }
    if (options.json) std::printf("%s\n", report.dump(2).c_str());

    if (!mismatches.empty()) {
        std::string first;
        for (size_t i = 0; i < mismatches.size() && i < 3; ++i) first += (i ? "; " : "") + mismatches[i];
        session.console.log(LS_LOG_ERROR, "", "verify found " + std::to_string(mismatches.size()) +
                                                  (mismatches.size() == 1 ? " mismatch: " : " mismatches: ") + first + (mismatches.size() > 3 ? "; ..." : "") +
                                                  "; re-run seed-multi-event to repair");
        return exit_mismatch;
    }
    if (!options.json) std::printf("verify passed: every sink holds the scenario's data set\n");
    return exit_ok;
}

}  // namespace

void add_verify_command(CLI::App& app, std::function<int(Session&)>& run) {
    auto options = std::make_shared<VerifyOptions>();
    CLI::App* command = app.add_subcommand(
        "verify", "Check that the selected sinks hold exactly the scenario's data set; exit 4 on any mismatch");
    add_scenario_options(*command, options->scenario, false);
    add_sink_options(*command, options->sinks, "check");
    command->add_flag("--full", options->full, "check every record, not a sample");
    command->add_flag("--json", options->json, "print the report as JSON on stdout");
    command->callback([&run, options] { run = [options](Session& session) { return run_verify(session, *options); }; });
}

}  // namespace loadseed::cli
