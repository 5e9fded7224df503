// loadseed seed-multi-event: seeds the scenario's organization, events,
// windows, bands, KV keys and tap logs into the selected sinks.
#include "common.hpp"

#include <loadseed/core/clock.hpp>
#include <loadseed/core/interrupt.hpp>
#include <loadseed/core/seed_pipeline.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>

namespace loadseed::cli {

namespace {

struct SeedOptions {
    ScenarioOptions scenario;
    SinkOptions sinks;
    std::string generator = "gaussian";
    bool dry_run = false;
    bool json = false;
};

nlohmann::ordered_json plan_json(const core::RunModel& model, const std::vector<std::string>& sinks,
                                 const std::map<std::string, core::OptionValues>& options, const std::string& generator) {
    const ls_run& run = model.run();
    nlohmann::ordered_json events = nlohmann::ordered_json::array();
    for (size_t i = 0; i < run.event_count; ++i) {
        const ls_event& e = run.events[i];
        std::string first_band_id = std::to_string(e.first_band);
        if (first_band_id.size() < e.band_number_width)
            first_band_id.insert(0, e.band_number_width - first_band_id.size(), '0');
        events.push_back({{"name", e.name},
                          {"firstBandId", e.band_prefix + first_band_id},
                          {"bands", e.band_count},
                          {"kvKeys", e.band_count * 2},
                          {"tapLogs", e.tap_count}});
    }
    nlohmann::ordered_json sink_list = nlohmann::ordered_json::array();
    for (const std::string& name : sinks) {
        nlohmann::ordered_json printable = nlohmann::ordered_json::object();
        const core::OptionValues& values = options.at(name);
        for (const auto& [key, value] : values.all()) printable[key] = values.printable(key);
        sink_list.push_back({{"sink", name}, {"options", printable}});
    }
    return {{"seed", run.seed},
            {"start", core::iso_timestamp(run.started_at)},
            {"shard", std::to_string(run.shard_index) + "/" + std::to_string(run.shard_count)},
            {"generator", generator},
            {"organization", {{"name", run.organization.name}, {"slug", run.organization.slug}}},
            {"events", events},
            {"sinks", sink_list}};
}

void print_plan(const nlohmann::ordered_json& plan) {
    std::printf("dry run: nothing is written\n");
    std::printf("seed %s, start %s, shard %s, generator %s\n", plan["seed"].dump().c_str(),
                plan["start"].get<std::string>().c_str(), plan["shard"].get<std::string>().c_str(),
                plan["generator"].get<std::string>().c_str());
    std::printf("organization %s (%s)\n", plan["organization"]["name"].get<std::string>().c_str(),
                plan["organization"]["slug"].get<std::string>().c_str());
    uint64_t bands = 0, keys = 0, taps = 0;
    for (const auto& e : plan["events"]) {
        std::printf("  %-24s %s bands from %s, %s KV keys, %s tap logs\n", e["name"].get<std::string>().c_str(),
                    grouped(e["bands"]).c_str(), e["firstBandId"].get<std::string>().c_str(),
                    grouped(e["kvKeys"]).c_str(), grouped(e["tapLogs"]).c_str());
        bands += e["bands"].get<uint64_t>();
        keys += e["kvKeys"].get<uint64_t>();
        taps += e["tapLogs"].get<uint64_t>();
    }
    std::printf("total: %s bands, %s KV keys, %s tap logs\n", grouped(bands).c_str(), grouped(keys).c_str(),
                grouped(taps).c_str());
    for (const auto& sink : plan["sinks"]) {
        std::string options;
        for (const auto& [key, value] : sink["options"].items())
            options += (options.empty() ? "" : ", ") + key + "=" + value.get<std::string>();
        std::printf("sink %s%s%s\n", sink["sink"].get<std::string>().c_str(), options.empty() ? "" : ": ",
                    options.c_str());
    }
}

void print_summary(const core::RunModel& model, const std::vector<core::SinkResult>& results, double seconds,
                   bool json) {
    const ls_run& run = model.run();
    if (json) {
        nlohmann::ordered_json sinks = nlohmann::ordered_json::array();
        for (const auto& r : results)
            sinks.push_back({{"sink", r.sink},
                             {"rows", r.summary.rows},
                             {"keys", r.summary.keys},
                             {"files", r.summary.files},
                             {"bytes", r.summary.bytes},
                             {"requests", r.summary.requests},
                             {"retries", r.summary.retries},
                             {"seconds", r.seconds},
                             {"detail", r.summary.detail}});
        nlohmann::ordered_json out = {{"seed", run.seed},
                                      {"start", core::iso_timestamp(run.started_at)},
                                      {"shard", std::to_string(run.shard_index) + "/" + std::to_string(run.shard_count)},
                                      {"seconds", seconds},
                                      {"sinks", sinks}};
        std::printf("%s\n", out.dump(2).c_str());
        return;
    }
    std::printf("seeded %zu events in %.1f s (seed %llu, start %s, shard %u/%u)\n", run.event_count, seconds,
                static_cast<unsigned long long>(run.seed), core::iso_timestamp(run.started_at).c_str(),
                run.shard_index, run.shard_count);
    std::printf("  %-14s %12s %12s %7s %9s %8s  %s\n", "sink", "rows", "keys", "files", "requests", "seconds",
                "detail");
    for (const auto& r : results)
        std::printf("  %-14s %12s %12s %7s %9s %8.1f  %s\n", r.sink.c_str(), grouped(r.summary.rows).c_str(),
                    grouped(r.summary.keys).c_str(), grouped(r.summary.files).c_str(),
                    grouped(r.summary.requests).c_str(), r.seconds, r.summary.detail);
}

int run_seed(Session& session, const SeedOptions& options) {
    core::Scenario scenario = load_scenario(options.scenario);
    core::RunSettings settings = make_settings(options.scenario, options.dry_run);
    std::vector<std::string> sink_names = selected_sinks(options.sinks, session.plugins);
    const core::Plugin& generator_plugin = find_generator(options.generator, session.plugins);

    std::vector<const core::Plugin*> selected;
    for (const std::string& name : sink_names) selected.push_back(session.plugins.find(name));
    selected.push_back(&generator_plugin);
    auto plugin_options = resolve_all_options(options.sinks, selected);

    core::RunModel model(std::move(scenario), settings);
    if (options.dry_run) {
        auto plan = plan_json(model, sink_names, plugin_options, options.generator);
        if (options.json)
            std::printf("%s\n", plan.dump(2).c_str());
        else
            print_plan(plan);
        return exit_ok;
    }

    // Ctrl-C now stops the pipeline between batches, so every sink abandons
    // its work. cleanup and verify keep the default because both can be
    // re-run after an interruption.
    core::install_interrupt_handlers();
    auto started = std::chrono::steady_clock::now();
    core::GeneratorHandle generator(generator_plugin, plugin_options[options.generator], session.console);
    auto sinks = open_sinks(sink_names, session.plugins, plugin_options, session.console);
    core::SeedPipeline pipeline(model, sinks, generator, session.console);
    std::vector<core::SinkResult> results = pipeline.run();
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    print_summary(model, results, seconds, options.json);
    return exit_ok;
}

}  // namespace

void add_seed_command(CLI::App& app, std::function<int(Session&)>& run) {
    auto options = std::make_shared<SeedOptions>();
    CLI::App* command = app.add_subcommand(
        "seed-multi-event",
        "Seed the load-test organization, its events, LIVE windows, bands, KV keys and tap logs into the selected "
        "sinks. Safe to re-run: sinks skip what they already hold and repair what is partial.");
    add_scenario_options(*command, options->scenario, true);
    add_sink_options(*command, options->sinks, "write to");
    command->add_option("--generator", options->generator, "tap generator plugin (gaussian or uniform)")
        ->capture_default_str();
    command->add_flag("--dry-run", options->dry_run, "print the plan (what would be written where) and write nothing");
    command->add_flag("--json", options->json, "print the summary (or the plan) as JSON on stdout");
    command->callback([&run, options] { run = [options](Session& session) { return run_seed(session, *options); }; });
}

}  // namespace loadseed::cli
