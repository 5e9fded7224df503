#include <loadseed/core/seed_pipeline.hpp>

#include <loadseed/core/interrupt.hpp>

#include <csignal>

#include <cstring>

namespace loadseed::core {

namespace {

std::string ids_of(const ls_run& run) {
    std::string ids = run.organization.id;
    for (size_t i = 0; i < run.event_count; ++i) ids += std::string(",") + run.events[i].id;
    return ids;
}

}  // namespace

SeedPipeline::SeedPipeline(RunModel& model, std::vector<std::unique_ptr<SinkHandle>>& sinks,
                           GeneratorHandle& generator, Console& console)
    : model_(model), sinks_(sinks), generator_(generator), console_(console), builder_(model) {}

std::vector<SeedPipeline::Stage> SeedPipeline::plan_stages() const {
    const ls_run& run = model_.run();
    std::vector<Stage> stages;
    auto add = [&](ls_table table, uint32_t event_index, uint64_t rows, const char* what) {
        if (rows == 0) return;
        ls_stage stage{};
        stage.struct_size = sizeof(stage);
        stage.table = table;
        stage.event_index = event_index;
        stage.row_count = rows;
        stages.push_back({stage, std::string(what) + " " + run.events[event_index].name});
    };
    // Bands and KV keys event by event, as the TypeScript seeder did; tap logs last,
    // because they reference bands that must already be stored.
    for (uint32_t e = 0; e < run.event_count; ++e) {
        add(LS_TABLE_BAND, e, run.events[e].band_count, "bands");
        add(LS_TABLE_KV_PAIR, e, run.events[e].band_count * 2, "KV pairs");
    }
    for (uint32_t e = 0; e < run.event_count; ++e) add(LS_TABLE_TAP_LOG, e, run.events[e].tap_count, "tap logs");
    return stages;
}

void SeedPipeline::prepare_sinks() {
    ls_run& run = model_.run();
    std::string resolved_by;
    for (auto& sink : sinks_) {
        failure_context_.clear();  // the error names the step
        std::string before = ids_of(run);
        sink->prepare(run);
        std::string after = ids_of(run);
        if (after == before) continue;
        // Two sinks that both hold the data set under different ids cannot be
        // seeded together: KV values and tap logs would disagree with one of them.
        if (!resolved_by.empty())
            throw SeedError(sink->name() + " stores the organization or events under other ids than " + resolved_by +
                                "; seed them in separate runs or clean one of them up first",
                            LS_ERROR);
        resolved_by = sink->name();
    }
}

void SeedPipeline::write_to(const std::vector<SinkHandle*>& sinks, const ls_batch& batch, const Stage& stage,
                            uint64_t number) {
    if (int signal = interrupt_signal())
        throw SeedError(std::string("interrupted by ") + (signal == SIGINT ? "SIGINT" : "SIGTERM"), LS_ERROR);
    for (SinkHandle* sink : sinks) {
        failure_context_ = "in stage '" + stage.label + "', batch " + std::to_string(number) + " (rows " +
                           std::to_string(batch.first_row + 1) + " to " +
                           std::to_string(batch.first_row + batch.row_count) + ")";
        sink->write_batch(batch);
    }
}

void SeedPipeline::run_stage(const Stage& stage) {
    failure_context_ = "at the start of stage '" + stage.label + "'";
    writing_started_ = true;
    std::vector<SinkHandle*> active;
    for (auto& sink : sinks_)
        if (sink->begin_stage(stage.stage)) active.push_back(sink.get());
    if (active.empty()) {
        console_.log(LS_LOG_DEBUG, "", "every sink skipped stage '" + stage.label + "'");
        return;
    }

    const ls_event& event = model_.run().events[stage.stage.event_index];
    const uint32_t e = stage.stage.event_index;
    const char* unit = stage.stage.table == LS_TABLE_KV_PAIR ? "keys" : "rows";
    console_.start_stage(stage.label, stage.stage.row_count, unit);

    uint64_t done = 0;
    uint64_t number = 1;
    if (stage.stage.table == LS_TABLE_BAND || stage.stage.table == LS_TABLE_KV_PAIR) {
        const bool kv = stage.stage.table == LS_TABLE_KV_PAIR;
        const uint64_t bands_per_batch = kv ? batch_rows / 2 : batch_rows;
        for (uint64_t offset = 0; offset < event.band_count; offset += bands_per_batch, ++number) {
            uint64_t count = std::min(bands_per_batch, event.band_count - offset);
            uint64_t first = event.first_band + offset;
            const ls_batch& batch = kv ? builder_.kv_pairs(e, first, count, done) : builder_.bands(e, first, count, done);
            write_to(active, batch, stage, number);
            done += batch.row_count;
            console_.update_stage(done);
        }
    } else {
        std::vector<ls_tap_sample> samples(batch_rows);
        std::vector<double> weights;
        for (size_t m = 0; m < LS_MODE_COUNT; ++m) weights.push_back(model_.run().modes[m].weight);

        for (uint64_t offset = 0; offset < event.tap_count; offset += batch_rows, ++number) {
            ls_tap_request request{};
            request.struct_size = sizeof(request);
            request.seed = model_.run().seed;
            request.event_index = e;
            request.first_index = event.first_tap + offset;
            request.count = std::min(batch_rows, event.tap_count - offset);
            request.total = event.total_taps;
            request.band_count = event.total_bands;
            request.mode_weights = weights.data();
            request.mode_count = LS_MODE_COUNT;
            request.sample_size = sizeof(ls_tap_sample);
            failure_context_ = "in stage '" + stage.label + "' while generating batch " + std::to_string(number);
            generator_.generate(request, samples.data());
            for (uint64_t i = 0; i < request.count; ++i) {
                const ls_tap_sample& s = samples[i];
                if (s.band_number < 1 || s.band_number > event.total_bands || s.mode < 0 || s.mode >= LS_MODE_COUNT ||
                    !(s.position >= 0 && s.position <= 1))
                    throw SeedError(generator_.name() + ": generated an invalid tap (index " +
                                        std::to_string(request.first_index + i) +
                                        "): position must be in [0, 1], band in [1, bands], mode in [0, 2]",
                                    LS_ERROR);
            }

            const ls_batch& batch = builder_.tap_logs(e, request.first_index, samples.data(), request.count, done);
            write_to(active, batch, stage, number);
            done += batch.row_count;
            console_.update_stage(done);
        }
    }

    failure_context_ = "at the end of stage '" + stage.label + "'";
    for (SinkHandle* sink : active) sink->end_stage(stage.stage);
    console_.finish_stage();
}

std::vector<SinkResult> SeedPipeline::run() {
    try {
        prepare_sinks();
        for (const Stage& stage : plan_stages()) run_stage(stage);

        std::vector<SinkResult> results;
        for (auto& sink : sinks_) {
            failure_context_.clear();
            ls_sink_summary summary = sink->finish();
            results.push_back({sink->name(), summary, sink->seconds()});
        }
        return results;
    } catch (const std::exception& error) {
        console_.finish_stage();
        for (auto& sink : sinks_) sink->abandon();
        ls_status status = LS_ERROR;
        if (auto* plugin_error = dynamic_cast<const PluginError*>(&error)) status = plugin_error->status();
        if (auto* seed_error = dynamic_cast<const SeedError*>(&error)) status = seed_error->status();
        std::string message = error.what();
        if (!failure_context_.empty()) message += " [" + failure_context_ + "]";
        if (writing_started_) message += "; every sink abandoned its uncommitted work";
        throw SeedError(message, status);
    }
}

}  // namespace loadseed::core
