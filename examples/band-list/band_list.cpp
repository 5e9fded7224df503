// band-list: writes every band id of a run to a text file, one per line.
#include <loadseed/sdk.hpp>

#include <array>
#include <cstdio>
#include <fstream>

namespace {

// The options the host validates and `loadseed plugins` lists.
const std::array<ls_option_spec, 1> options = {{
    {"path", LS_OPTION_STRING, "bands.txt", "file the band ids are written to", "BAND_LIST_PATH", 0},
}};

class BandListSink : public loadseed::Sink {
public:
    explicit BandListSink(const loadseed::Host& host) : Sink(host), path_(host.option_or("path", "bands.txt")) {}

    // Called once before any rows arrive: open the output.
    void prepare(ls_run& run) override {
        if (run.dry_run) return;
        out_.open(path_ + ".partial");
        if (!out_) throw loadseed::Error("cannot write " + path_ + ".partial; check the folder exists",
                                         LS_INVALID_ARGUMENT);
    }

    // Take the band stages, skip KV pairs and tap logs.
    ls_status begin_stage(const ls_stage& stage) override {
        return stage.table == LS_TABLE_BAND ? LS_OK : LS_SKIP;
    }

    void write_batch(const ls_batch& batch) override {
        for (const ls_band_row& band : loadseed::Rows<ls_band_row>(batch)) out_ << loadseed::view(band.band_id) << '\n';
        written_ += batch.row_count;
        host().progress(written_);
    }

    // Every stage went through: move the finished file into place.
    void finish(ls_sink_summary& summary) override {
        out_.close();
        if (!out_ || std::rename((path_ + ".partial").c_str(), path_.c_str()) != 0)
            throw loadseed::Error("cannot write " + path_);
        summary.rows = written_;
        std::snprintf(summary.detail, sizeof summary.detail, "%s", path_.c_str());
    }

    // Another sink failed: leave no half-written file behind.
    void abandon() noexcept override {
        out_.close();
        std::remove((path_ + ".partial").c_str());
    }

private:
    std::string path_;
    std::ofstream out_;
    uint64_t written_ = 0;
};

}  // namespace

LOADSEED_SINK_PLUGIN(BandListSink, "band-list", "1.0.0", "Writes every band id to a text file", options)
