// The mock sink: stores nothing, records every call it receives, and fails on
// request. It lets tests (ours and users') check what a host run sends to a
// sink, and what happens when a sink fails mid-run, without any server.
//
// On close it writes the record (option `record`) as JSON:
//   {"calls": ["prepare", "begin_stage band 0", ...],
//    "rows": {"band": n, "kv": n, "tap": n}, "batches": n, "max_batch_rows": n,
//    "finished": bool, "abandoned": bool,
//    "first": {"band": "...", "kv": "...", "tap": "..."}}
// Consecutive write_batch calls of one stage are folded into one entry
// "write_batch xN" so a record of a full run stays small.
#include <loadseed/sdk.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <fstream>
#include <string>
#include <vector>

namespace {

using loadseed::Error;

const std::array<ls_option_spec, 4> options = {{
    {"record", LS_OPTION_STRING, nullptr, "file the call record is written to as JSON when the sink closes",
     nullptr, 0},
    {"fail-at", LS_OPTION_STRING, nullptr,
     "fail the Nth call of a step, as STEP:N (steps: open, prepare, begin_stage, write_batch, end_stage, finish)",
     nullptr, 0},
    {"fail-status", LS_OPTION_STRING, "error", "status of the injected failure: error, unavailable or unauthorized",
     nullptr, 0},
    {"skip", LS_OPTION_STRING, nullptr, "comma-separated tables to skip: band, kv, tap", nullptr, 0},
}};

const char* table_name(ls_table table) {
    switch (table) {
    case LS_TABLE_BAND: return "band";
    case LS_TABLE_KV_PAIR: return "kv";
    case LS_TABLE_TAP_LOG: return "tap";
    default: return "unknown";
    }
}

class MockSink : public loadseed::Sink {
public:
    explicit MockSink(const loadseed::Host& host)
        : Sink(host), record_path_(host.option_or("record", "")), skip_(host.option_or("skip", "")) {
        std::string fail_at = host.option_or("fail-at", "");
        if (!fail_at.empty()) {
            auto colon = fail_at.find(':');
            if (colon == std::string::npos)
                throw Error("option 'fail-at' must be STEP:N, got '" + fail_at + "'", LS_INVALID_ARGUMENT);
            fail_step_ = fail_at.substr(0, colon);
            fail_count_ = std::stoull(fail_at.substr(colon + 1));
        }
        std::string status = host.option_or("fail-status", "error");
        if (status == "unavailable")
            fail_status_ = LS_UNAVAILABLE;
        else if (status == "unauthorized")
            fail_status_ = LS_UNAUTHORIZED;
        else if (status != "error")
            throw Error("option 'fail-status' must be error, unavailable or unauthorized, got '" + status + "'",
                        LS_INVALID_ARGUMENT);
        count("open");
    }

    ~MockSink() override {
        if (record_path_.empty()) return;
        nlohmann::json record = {{"calls", calls_},
                                 {"rows", rows_},
                                 {"batches", batches_},
                                 {"max_batch_rows", max_batch_rows_},
                                 {"finished", finished_},
                                 {"abandoned", abandoned_},
                                 {"first", first_}};
        std::ofstream(record_path_) << record.dump(1) << '\n';
    }

    void prepare(ls_run&) override {
        count("prepare");
        calls_.push_back("prepare");
    }

    ls_status begin_stage(const ls_stage& stage) override {
        count("begin_stage");
        std::string name = table_name(stage.table);
        bool skipped = ("," + skip_ + ",").find("," + name + ",") != std::string::npos;
        calls_.push_back("begin_stage " + name + " " + std::to_string(stage.event_index) + (skipped ? " skip" : ""));
        return skipped ? LS_SKIP : LS_OK;
    }

    void write_batch(const ls_batch& batch) override {
        count("write_batch");
        std::string name = table_name(batch.table);
        rows_[name] = rows_.value(name, uint64_t(0)) + batch.row_count;
        ++batches_;
        max_batch_rows_ = std::max<uint64_t>(max_batch_rows_, batch.row_count);
        if (!first_.contains(name) && batch.row_count > 0) first_[name] = first_key(batch);
        if (!calls_.empty() && calls_.back().rfind("write_batch x", 0) == 0)
            calls_.back() = "write_batch x" + std::to_string(std::stoull(calls_.back().substr(13)) + 1);
        else
            calls_.push_back("write_batch x1");
    }

    void end_stage(const ls_stage& stage) override {
        count("end_stage");
        calls_.push_back(std::string("end_stage ") + table_name(stage.table) + " " + std::to_string(stage.event_index));
    }

    void finish(ls_sink_summary& summary) override {
        count("finish");
        calls_.push_back("finish");
        finished_ = true;
        for (auto& [table, rows] : rows_.items()) {
            if (table == "kv")
                summary.keys += rows.get<uint64_t>();
            else
                summary.rows += rows.get<uint64_t>();
        }
        std::snprintf(summary.detail, sizeof summary.detail, "recorded %llu batches",
                      static_cast<unsigned long long>(batches_));
    }

    void abandon() noexcept override {
        abandoned_ = true;
        calls_.push_back("abandon");
    }

private:
    // Counts a call of `step` and throws when it is the one to fail.
    void count(const std::string& step) {
        uint64_t n = ++step_counts_[step];
        if (step == fail_step_ && n == fail_count_)
            throw Error("injected failure at " + step + " call " + std::to_string(n), fail_status_);
    }

    static std::string first_key(const ls_batch& batch) {
        switch (batch.table) {
        case LS_TABLE_BAND: return std::string(loadseed::view(loadseed::Rows<ls_band_row>(batch)[0].band_id));
        case LS_TABLE_KV_PAIR: return std::string(loadseed::view(loadseed::Rows<ls_kv_row>(batch)[0].key));
        case LS_TABLE_TAP_LOG: return std::string(loadseed::view(loadseed::Rows<ls_tap_row>(batch)[0].id));
        default: return "";
        }
    }

    std::string record_path_;
    std::string skip_;
    std::string fail_step_;
    uint64_t fail_count_ = 0;
    ls_status fail_status_ = LS_ERROR;
    std::map<std::string, uint64_t> step_counts_;

    std::vector<std::string> calls_;
    nlohmann::json rows_ = nlohmann::json::object();
    nlohmann::json first_ = nlohmann::json::object();
    uint64_t batches_ = 0;
    uint64_t max_batch_rows_ = 0;
    bool finished_ = false;
    bool abandoned_ = false;
};

}  // namespace

LOADSEED_SINK_PLUGIN(MockSink, "mock", "1.0.0",
                     "Records the calls it receives and fails on request; for offline tests of hosts and pipelines",
                     options)
