// The seed pipeline: streams a run's records from the generator through every
// selected sink, stage by stage, in bounded batches.
#pragma once

#include <loadseed/core/console.hpp>
#include <loadseed/core/instances.hpp>
#include <loadseed/core/run_model.hpp>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace loadseed::core {

// Rows per batch. Each batch is built once and handed to every sink, so
// memory stays flat however many bands a scenario has. 10,000 is also the
// KV API's limit of pairs per bulk request, so a KV batch (5,000 bands, two
// keys each) maps onto one request.
inline constexpr uint64_t batch_rows = 10000;

struct SinkResult {
    std::string sink;
    ls_sink_summary summary;
    double seconds;
};

// A failure during a run, raised after every sink abandoned its work.
class SeedError : public std::runtime_error {
public:
    SeedError(const std::string& message, ls_status status) : std::runtime_error(message), status_(status) {}
    ls_status status() const { return status_; }

private:
    ls_status status_;
};

class SeedPipeline {
public:
    SeedPipeline(RunModel& model, std::vector<std::unique_ptr<SinkHandle>>& sinks, GeneratorHandle& generator,
                 Console& console);

    // Runs every stage and returns one result per sink. On any failure it
    // abandons all sinks and throws SeedError naming the sink, the stage and
    // the batch.
    std::vector<SinkResult> run();

private:
    struct Stage {
        ls_stage stage;
        std::string label;
    };

    std::vector<Stage> plan_stages() const;
    void prepare_sinks();
    void run_stage(const Stage& stage);
    void write_to(const std::vector<SinkHandle*>& sinks, const ls_batch& batch, const Stage& stage, uint64_t number);

    RunModel& model_;
    std::vector<std::unique_ptr<SinkHandle>>& sinks_;
    GeneratorHandle& generator_;
    Console& console_;
    BatchBuilder builder_;
    std::string failure_context_;
    bool writing_started_ = false;  // whether any stage began, so sinks may hold uncommitted work
};

}  // namespace loadseed::core
