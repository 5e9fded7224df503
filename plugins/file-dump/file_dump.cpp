// The file-dump sink: writes the data set as files that load into the
// application without edits.
//
//   organization.csv, event.csv, event_window.csv, band.csv, tap_log.csv
//       one per table, header row first, every column in the table's order, so
//       `\copy "Band" FROM 'band.csv' WITH (FORMAT csv, HEADER)` loads it;
//       an empty unquoted field is NULL.
//   kv/bulk-0001.json ...
//       JSON arrays of {"key","value"}, at most 10,000 pairs each: the format
//       `wrangler kv bulk put` takes, within the API's per-request limit.
//   manifest.json
//       scenario, seed, shard, and each file's rows and SHA-256.
//
// The files are written into a sibling folder and moved into place only when
// all of them are complete, so a crash never leaves a half-written data set
// that looks whole. With --shard, only shard 1 writes the organization, event
// and window rows, so the shards' files concatenate to the unsharded run's.
#include "output_file.hpp"

#include <loadseed/sdk.hpp>
#include <loadseed/timestamp.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <signal.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using loadseed::Error;
using loadseed::view;
using file_dump::OutputFile;

constexpr uint64_t kv_api_pair_limit = 10000;

const std::array<ls_option_spec, 2> options = {{
    {"out", LS_OPTION_STRING, "loadseed-out", "folder the data set is written to (replaced whole on each run)",
     nullptr, 0},
    {"kv-pairs-per-file", LS_OPTION_INT, "10000", "KV pairs per bulk file, 1 to 10000 (the API's limit per request)",
     nullptr, 0},
}};

// Column lists in the order of the application's tables.
constexpr const char* organization_header =
    "id,name,slug,websiteUrl,contactEmail,deletedAt,deletedBy,createdAt,updatedAt";
constexpr const char* event_header =
    "id,orgId,campaignId,deletedCampaignId,name,city,state,country,zipcode,location,venueName,formattedAddress,"
    "latitude,longitude,timezone,scheduleMode,autoLifecycle,fallbackUrl,assignOnFlag,status,estimatedAttendees,"
    "startDate,endDate,deletedAt,deletedBy,createdAt,updatedAt";
constexpr const char* window_header =
    "id,eventId,windowType,title,url,startTime,endTime,isManual,isActive,createdAt,updatedAt";
constexpr const char* band_header =
    "id,bandId,eventId,name,email,tagId,autoAssigned,autoAssignDistance,flagged,flagReason,firstTapAt,lastTapAt,"
    "tapCount,deletedAt,deletedBy,createdAt,updatedAt";
constexpr const char* tap_header = "id,bandId,eventId,windowId,tappedAt,modeServed,redirectUrl,userAgent,ipAddress";

std::string coordinate(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.6f", value);  // DECIMAL(9,6)
    return text;
}

class FileDumpSink : public loadseed::Sink {
public:
    static constexpr bool supports_cleanup = true;
    static constexpr bool supports_verify = true;

    explicit FileDumpSink(const loadseed::Host& host)
        : Sink(host),
          out_(host.option_or("out", "loadseed-out")),
          pairs_per_file_(static_cast<uint64_t>(host.int_option("kv-pairs-per-file", 10000))) {
        if (out_.empty()) throw Error("option 'out' is empty; give a folder", LS_INVALID_ARGUMENT);
        if (pairs_per_file_ < 1 || pairs_per_file_ > kv_api_pair_limit)
            throw Error("option 'kv-pairs-per-file' must be 1 to 10000, got " + std::to_string(pairs_per_file_),
                        LS_INVALID_ARGUMENT);
    }

    ~FileDumpSink() override { remove_staging(); }

    void prepare(ls_run& run) override {
        run_ = &run;
        sql_timestamp_ = loadseed::sql_timestamp(run.started_at);
        if (run.dry_run) return;

        check_target();
        remove_dead_staging();
        staging_ = out_.parent_path() / (out_.filename().string() + ".partial-" + std::to_string(::getpid()));
        std::error_code error;
        fs::remove_all(staging_, error);
        fs::create_directories(staging_ / "kv", error);
        if (error)
            throw Error("cannot create " + staging_.string() + ": " + error.message() +
                        "; check that the parent of --out is writable");

        write_entities(run);
        bands_ = std::make_unique<OutputFile>((staging_ / "band.csv").string());
        bands_->append(band_header);
        bands_->append('\n');
        taps_ = std::make_unique<OutputFile>((staging_ / "tap_log.csv").string());
        taps_->append(tap_header);
        taps_->append('\n');
    }

    ls_status begin_stage(const ls_stage&) override { return LS_OK; }

    void write_batch(const ls_batch& batch) override {
        switch (batch.table) {
        case LS_TABLE_BAND: write_bands(batch); break;
        case LS_TABLE_KV_PAIR: write_kv_pairs(batch); break;
        case LS_TABLE_TAP_LOG: write_taps(batch); break;
        default: break;
        }
    }

    void finish(ls_sink_summary& summary) override {
        if (run_->dry_run) return;
        close_kv_file();
        bands_->close();
        taps_->close();
        finished_.push_back(std::move(bands_));
        finished_.push_back(std::move(taps_));
        write_manifest();
        move_into_place();

        for (const auto& file : finished_) {
            summary.bytes += file->bytes();
            if (file->path().find("/kv/") == std::string::npos) summary.rows += file->rows();
        }
        summary.keys = kv_pairs_;
        summary.files = finished_.size() + 1;
        std::snprintf(summary.detail, sizeof summary.detail, "%s", out_.string().c_str());
    }

    void abandon() noexcept override { remove_staging(); }

    // Cleanup: the dump folder is the whole data set. The audit reports
    // whether it exists and the rows its manifest lists per table.
    void audit(const ls_run&, const ls_report_sink& report) override {
        std::optional<nlohmann::json> manifest = read_manifest();
        loadseed::report_line(report, "dump folder", out_.string(), -1, manifest ? 1 : 0,
                              manifest ? "has a loadseed manifest" : "absent");
        if (!manifest) return;
        uint64_t kv_files = 0;
        for (const auto& file : (*manifest)["files"]) {
            std::string path = file["path"];
            if (path.rfind("kv/", 0) == 0)
                ++kv_files;
            else
                loadseed::report_line(report, "rows", path, -1, file["rows"].get<int64_t>());
        }
        loadseed::report_line(report, "KV pairs", "kv/", -1, (*manifest)["kvPairs"].get<int64_t>(),
                              "in " + std::to_string(kv_files) + (kv_files == 1 ? " bulk file" : " bulk files"));
    }

    // Refuses unless the folder is a data set of this scenario's organization
    // and holds nothing but the files its manifest lists.
    void check_cleanup(const ls_run& run, const ls_report_sink&) override {
        std::error_code error;
        if (!fs::exists(out_, error)) return;
        std::optional<nlohmann::json> manifest = read_manifest();
        if (!manifest)
            throw Error("refusing to delete " + out_.string() +
                            ": it has no loadseed manifest.json, so it may hold someone else's files",
                        LS_REFUSED);
        const std::string slug = manifest->value("scenario", nlohmann::json::object())
                                     .value("organization", nlohmann::json::object())
                                     .value("slug", "");
        if (slug != run.organization.slug)
            throw Error("refusing to delete " + out_.string() + ": it contains the data set of organization '" + slug +
                            "', not the scenario's '" + run.organization.slug +
                            "'; pass that data set's --scenario, or another --out",
                        LS_REFUSED);
        if (std::string stranger = unlisted_file(*manifest); !stranger.empty())
            throw Error("refusing to delete " + out_.string() + ": it contains " + stranger +
                            ", which loadseed did not write; move it out, then re-run",
                        LS_REFUSED);
    }

    void cleanup(const ls_run& run, ls_sink_summary& summary) override {
        std::error_code error;
        if (!fs::exists(out_, error) || run.dry_run) return;
        uint64_t files = 0;
        for (const auto& entry : fs::recursive_directory_iterator(out_, error)) files += entry.is_regular_file();
        fs::remove_all(out_, error);
        if (error) throw Error("cannot delete " + out_.string() + ": " + error.message());
        remove_dead_staging();
        summary.files = files;
        std::snprintf(summary.detail, sizeof summary.detail, "deleted %s", out_.string().c_str());
    }

    // Counts the rows and KV pairs in the files against the scenario, and
    // checks each file against the manifest: its size always, its SHA-256
    // with --full.
    ls_status verify(const ls_run& run, bool full, const ls_report_sink& report) override {
        std::optional<nlohmann::json> manifest = read_manifest();
        if (!manifest) {
            loadseed::report_line(report, "manifest", (out_ / "manifest.json").string(), 1, 0, "missing or invalid");
            return LS_MISMATCH;
        }
        bool matches = true;
        auto check = [&](const std::string& subject, const std::string& scope, uint64_t expected, uint64_t found,
                         const std::string& note = {}) {
            loadseed::report_line(report, subject, scope, static_cast<int64_t>(expected), static_cast<int64_t>(found),
                                  note);
            matches = matches && expected == found;
        };

        uint64_t bands = 0, taps = 0;
        for (size_t i = 0; i < run.event_count; ++i) {
            bands += run.events[i].total_bands;
            taps += run.events[i].total_taps;
        }
        // Rows are counted in the files themselves, not taken from the
        // manifest, so a truncated or edited file shows as a difference.
        const uint64_t band_rows = count_in_file(out_ / "band.csv", "\n", 1);
        const uint64_t tap_rows = count_in_file(out_ / "tap_log.csv", "\n", 1);
        uint64_t kv_pairs = 0;
        for (const auto& file : (*manifest)["files"]) {
            const std::string path = file["path"];
            if (path.rfind("kv/", 0) == 0) kv_pairs += count_in_file(out_ / path, "{\"key\":", 0);
        }
        const uint64_t shards = (*manifest)["shard"]["count"];
        const std::string scope = out_.string() + (shards > 1 ? " (one shard)" : "");
        check("Band rows", scope, shards > 1 ? manifest_rows(*manifest, "band.csv") : bands, band_rows);
        check("TapLog rows", scope, shards > 1 ? manifest_rows(*manifest, "tap_log.csv") : taps, tap_rows);
        check("KV pairs", scope, shards > 1 ? (*manifest)["kvPairs"].get<uint64_t>() : 2 * bands, kv_pairs);

        uint64_t intact = 0, listed = (*manifest)["files"].size();
        std::string first_bad;
        for (const auto& file : (*manifest)["files"]) {
            fs::path path = out_ / file["path"].get<std::string>();
            std::error_code error;
            bool good = fs::exists(path, error) && fs::file_size(path, error) == file["bytes"].get<uint64_t>();
            if (good && full) good = OutputFile::sha256_of(path.string()) == file["sha256"].get<std::string>();
            intact += good;
            if (!good && first_bad.empty()) first_bad = path.string();
        }
        check(full ? "files (SHA-256)" : "files (size)", out_.string(), listed, intact,
              first_bad.empty() ? "" : "first bad: " + first_bad);
        return matches ? LS_OK : LS_MISMATCH;
    }

private:
    // Refuses an --out that exists but is not a previous data set, so a typo
    // cannot replace a folder of someone else's files.
    void check_target() const {
        std::error_code error;
        if (!fs::exists(out_, error)) return;
        if (!fs::is_directory(out_, error))
            throw Error(out_.string() + " exists and is not a folder; choose another --out", LS_INVALID_ARGUMENT);
        if (fs::is_empty(out_, error)) return;
        if (std::optional<nlohmann::json> manifest = read_manifest()) {
            if (std::string stranger = unlisted_file(*manifest); !stranger.empty())
                throw Error(out_.string() + " contains " + stranger +
                                ", which loadseed did not write, and a run replaces the folder whole; move it out "
                                "or choose another --out",
                            LS_INVALID_ARGUMENT);
            return;
        }
        throw Error(out_.string() +
                        " exists and is not a loadseed data set (no manifest.json); choose another --out or empty it",
                    LS_INVALID_ARGUMENT);
    }

    // Returns how often `needle` occurs in `path`, less `header_lines`; 0 when
    // the file cannot be read. Reads in blocks, so memory stays small.
    static uint64_t count_in_file(const fs::path& path, std::string_view needle, uint64_t header_lines) {
        std::FILE* file = std::fopen(path.c_str(), "rb");
        if (!file) return 0;
        uint64_t found = 0;
        std::string block(1 << 20, '\0');
        std::string carry;
        size_t n;
        while ((n = std::fread(block.data(), 1, block.size(), file)) > 0) {
            std::string text = carry + block.substr(0, n);
            for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size()))
                ++found;
            // Keep a tail so a needle split across two blocks is still found once.
            size_t keep = std::min(text.size(), needle.size() - 1);
            carry = text.substr(text.size() - keep);
        }
        std::fclose(file);
        return found > header_lines ? found - header_lines : 0;
    }

    static uint64_t manifest_rows(const nlohmann::json& manifest, const std::string& path) {
        for (const auto& file : manifest["files"])
            if (file["path"] == path) return file["rows"];
        return 0;
    }

    // Returns the first file or folder under --out that the manifest does not
    // list, relative to --out, or "" when there is none.
    std::string unlisted_file(const nlohmann::json& manifest) const {
        std::set<std::string> listed = {"manifest.json", "kv"};
        for (const auto& file : manifest["files"]) listed.insert(file["path"].get<std::string>());
        std::error_code error;
        for (const auto& entry : fs::recursive_directory_iterator(out_, error)) {
            std::string relative = entry.path().lexically_relative(out_).generic_string();
            if (!listed.count(relative)) return relative;
        }
        return "";
    }

    // Removes staging folders of earlier runs that were killed before they
    // could clean up: <out>.partial-<pid> whose process no longer exists.
    void remove_dead_staging() const {
        const std::string prefix = out_.filename().string() + ".partial-";
        fs::path parent = out_.parent_path().empty() ? fs::path(".") : out_.parent_path();
        std::error_code error;
        for (const auto& entry : fs::directory_iterator(parent, error)) {
            std::string name = entry.path().filename().string();
            if (name.rfind(prefix, 0) != 0) continue;
            pid_t pid = static_cast<pid_t>(std::atoll(name.c_str() + prefix.size()));
            if (pid <= 0 || pid == ::getpid() || (::kill(pid, 0) == 0 || errno != ESRCH)) continue;
            fs::remove_all(entry.path(), error);
            host().info("removed " + entry.path().string() + ", left by an interrupted run");
        }
    }

    std::optional<nlohmann::json> read_manifest() const {
        std::FILE* file = std::fopen((out_ / "manifest.json").c_str(), "rb");
        if (!file) return std::nullopt;
        std::string text;
        char chunk[65536];
        size_t n;
        while ((n = std::fread(chunk, 1, sizeof chunk, file)) > 0) text.append(chunk, n);
        std::fclose(file);
        auto manifest = nlohmann::json::parse(text, nullptr, false);
        if (manifest.is_discarded() || !manifest.contains("files")) return std::nullopt;
        return manifest;
    }

    bool writes_entities() const { return run_->shard_index == 1; }

    void write_entities(const ls_run& run) {
        const std::string& ts = sql_timestamp_;
        auto organizations = std::make_unique<OutputFile>((staging_ / "organization.csv").string());
        auto events = std::make_unique<OutputFile>((staging_ / "event.csv").string());
        auto windows = std::make_unique<OutputFile>((staging_ / "event_window.csv").string());
        organizations->append(organization_header);
        organizations->append('\n');
        events->append(event_header);
        events->append('\n');
        windows->append(window_header);
        windows->append('\n');

        if (writes_entities()) {
            OutputFile& o = *organizations;
            o.append_csv(run.organization.id);
            o.append(',');
            o.append_csv(run.organization.name);
            o.append(',');
            o.append_csv(run.organization.slug);
            o.append(",,,,,");
            o.append(ts + "," + ts);
            o.end_row();

            for (size_t i = 0; i < run.event_count; ++i) {
                const ls_event& e = run.events[i];
                OutputFile& f = *events;
                f.append_csv(e.id);
                f.append(',');
                f.append_csv(run.organization.id);
                f.append(",,,");
                f.append_csv(e.name);
                f.append(',');
                f.append_csv(e.city);
                f.append(',');
                f.append_csv(e.state);
                f.append(",,,");
                f.append_csv(e.location);
                f.append(",,,");
                f.append(coordinate(e.latitude) + "," + coordinate(e.longitude));
                f.append(",UTC,false,false,,false,ACTIVE,");
                f.append(std::to_string(e.estimated_attendees));
                f.append(",,,,,");
                f.append(ts + "," + ts);
                f.end_row();

                OutputFile& w = *windows;
                w.append_csv(e.window_id);
                w.append(',');
                w.append_csv(e.id);
                w.append(",LIVE,,");
                w.append_csv(e.live_url);
                w.append(",,,false,true,");
                w.append(ts + "," + ts);
                w.end_row();
            }
        }
        for (auto* file : {&organizations, &events, &windows}) {
            (*file)->close();
            finished_.push_back(std::move(*file));
        }
    }

    void write_bands(const ls_batch& batch) {
        const ls_event& event = run_->events[batch.event_index];
        // Everything after bandId is the same on every row of the event.
        std::string tail = std::string(",") + event.id + ",,,,false,,false,,,,0,,," + sql_timestamp_ + "," +
                           sql_timestamp_;
        OutputFile& f = *bands_;
        for (const ls_band_row& row : loadseed::Rows<ls_band_row>(batch)) {
            f.append(view(row.id));
            f.append(',');
            f.append_csv(view(row.band_id));
            f.append(tail);
            f.end_row();
        }
    }

    void write_kv_pairs(const ls_batch& batch) {
        for (const ls_kv_row& row : loadseed::Rows<ls_kv_row>(batch)) {
            if (!kv_file_ || kv_file_->rows() == pairs_per_file_) open_kv_file();
            OutputFile& f = *kv_file_;
            if (f.rows() > 0) f.append(",\n");
            f.append("{\"key\":");
            f.append_json_string(view(row.key));
            f.append(",\"value\":");
            // Every pair of an event shares one value, so its escaped form is
            // cached by address.
            if (row.value.data != cached_value_.data || row.value.size != cached_value_.size) {
                cached_value_ = row.value;
                escaped_value_.clear();
                loadseed::append_json_string(escaped_value_, view(row.value));
            }
            f.append(escaped_value_);
            f.append('}');
            f.count_row();
            ++kv_pairs_;
        }
    }

    void open_kv_file() {
        close_kv_file();
        char name[64];
        if (run_->shard_count == 1)
            std::snprintf(name, sizeof name, "bulk-%04u.json", ++kv_files_);
        else
            std::snprintf(name, sizeof name, "shard-%u-of-%u-bulk-%04u.json", run_->shard_index, run_->shard_count,
                          ++kv_files_);
        kv_file_ = std::make_unique<OutputFile>((staging_ / "kv" / name).string());
        kv_file_->append("[\n");
    }

    void close_kv_file() {
        if (!kv_file_) return;
        kv_file_->append("\n]\n");
        kv_file_->close();
        finished_.push_back(std::move(kv_file_));
    }

    void write_taps(const ls_batch& batch) {
        const ls_event& event = run_->events[batch.event_index];
        const std::string event_field = std::string(",") + event.id + ",";
        char tapped_at[23];
        OutputFile& f = *taps_;
        for (const ls_tap_row& row : loadseed::Rows<ls_tap_row>(batch)) {
            f.append(view(row.id));
            f.append(',');
            f.append(view(row.band_row_id));
            f.append(event_field);
            f.append(view(row.window_id));
            f.append(',');
            loadseed::format_sql_timestamp(row.tapped_at, tapped_at);
            f.append(std::string_view(tapped_at, sizeof tapped_at));
            f.append(',');
            f.append(run_->modes[row.mode].name);
            f.append(',');
            f.append_csv(view(row.redirect_url));
            f.append(',');
            f.append_csv(run_->user_agent);
            f.append(',');
            f.append(view(row.ip_address));
            f.end_row();
        }
    }

    void write_manifest() {
        nlohmann::ordered_json files = nlohmann::ordered_json::array();
        for (const auto& file : finished_) {
            fs::path relative = fs::path(file->path()).lexically_relative(staging_);
            files.push_back({{"path", relative.generic_string()},
                             {"rows", file->rows()},
                             {"bytes", file->bytes()},
                             {"sha256", file->sha256()}});
        }
        nlohmann::ordered_json manifest = {
            {"generator", "loadseed file-dump"},
            {"seed", run_->seed},
            {"startedAt", loadseed::sql_timestamp(run_->started_at)},
            {"shard", {{"index", run_->shard_index}, {"count", run_->shard_count}}},
            {"scenario", nlohmann::json::parse(run_->scenario_json)},
            {"kvPairs", kv_pairs_},
            {"files", files},
        };
        OutputFile out((staging_ / "manifest.json").string());
        out.append(manifest.dump(2));
        out.append('\n');
        out.close();
    }

    // Swaps the staging folder into place. When --out already holds an older
    // data set, renameat2(RENAME_EXCHANGE) swaps the two atomically, so at
    // every moment --out holds one complete data set.
    void move_into_place() {
        std::error_code error;
        if (!fs::exists(out_, error)) {
            fs::rename(staging_, out_, error);
            if (error) throw Error("cannot move " + staging_.string() + " to " + out_.string() + ": " + error.message());
            staging_.clear();
            return;
        }
        if (::renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, out_.c_str(), RENAME_EXCHANGE) != 0)
            throw Error("cannot replace " + out_.string() + ": " + std::strerror(errno));
        remove_staging();  // now holds the previous data set
    }

    void remove_staging() noexcept {
        if (staging_.empty()) return;
        std::error_code error;
        fs::remove_all(staging_, error);
        staging_.clear();
    }

    fs::path out_;
    uint64_t pairs_per_file_;
    ls_run* run_ = nullptr;
    std::string sql_timestamp_;
    fs::path staging_;
    std::unique_ptr<OutputFile> bands_;
    std::unique_ptr<OutputFile> taps_;
    std::unique_ptr<OutputFile> kv_file_;
    unsigned kv_files_ = 0;
    uint64_t kv_pairs_ = 0;
    ls_str cached_value_{};
    std::string escaped_value_;
    std::vector<std::unique_ptr<OutputFile>> finished_;
};

}  // namespace

LOADSEED_SINK_PLUGIN(FileDumpSink, "file-dump", "1.0.0",
                     "Writes CSV per table, KV bulk JSON files and a manifest to a folder (the default sink)", options)
