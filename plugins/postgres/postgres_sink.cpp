// The postgres sink: seeds the application's PostgreSQL database the way the
// old TypeScript seeder does, with the same idempotency rules, through COPY.
//
//   prepare      checks the tables and columns it writes, then in one
//                transaction finds or creates the organization (by name) and
//                each event (by name and organization), and upserts each
//                event's LIVE window "<eventId>-live" as active. The ids found
//                replace the run's, so KV values and tap logs use them.
//   bands        per event: all of this shard's bands present -> skip; some ->
//                delete them and load all in the same transaction; none -> load.
//   tap logs     per event: at least the target -> skip; fewer -> delete the
//                event's tap logs and load all in the same transaction. Each
//                tap references the Band.id stored for its band number, read
//                back from the database unless this run loaded every band of
//                the event itself.
//   KV pairs     skipped; they belong to the KV sink.
//
// For cleanup it finds the organization by slug and name, refuses when the
// organization holds an event that is not a load-test event, then deletes the
// organization's users and the organization in one transaction; the foreign
// keys cascade to events, windows, bands and tap logs.
//
// Each event's bands and each event's tap logs load in one transaction, so a
// crash (even SIGKILL) leaves all or none of them, and the next run repairs
// the rest. Loads run on parallel connections (see copy_loader.hpp).
#include "bulk_rebuild.hpp"
#include "copy_loader.hpp"
#include "database_error.hpp"

#include <loadseed/sdk.hpp>
#include <loadseed/text.hpp>
#include <loadseed/timestamp.hpp>

#include <pqxx/pqxx>

#include <array>
#include <cstdio>
#include <cstring>
#include <cmath>
#include <map>
#include <optional>
#include <set>

namespace postgres_sink {

namespace {

using loadseed::Error;
using loadseed::view;

const std::array<ls_option_spec, 3> options = {{
    {"url", LS_OPTION_SECRET, nullptr,
     "PostgreSQL connection URL, e.g. postgresql://user:password@host:5432/db", "DATABASE_URL", 1},
    {"connections", LS_OPTION_INT, "2",
     "parallel COPY connections, 1 to 16; bands of several events load at once, tap logs after their event's bands",
     nullptr, 0},
    {"bulk-rebuild", LS_OPTION_STRING, "auto",
     "auto, on or off: drop TapLog's secondary indexes and foreign keys in the tap-log load's transaction and "
     "recreate them after its COPY, which locks TapLog, Band, Event and EventWindow against all other access "
     "(ACCESS EXCLUSIVE) until that load commits; needs the role to own TapLog; auto does it when the load adds "
     "at least as many rows as TapLog holds and the run is not sharded",
     nullptr, 0},
}};

// The columns the sink writes, table by table, in the order they are checked.
const std::array<std::pair<const char*, std::vector<const char*>>, 5> written_columns = {{
    {"Organization", {"id", "name", "slug", "createdAt", "updatedAt"}},
    {"Event",
     {"id", "orgId", "name", "city", "state", "location", "latitude", "longitude", "status", "estimatedAttendees",
      "createdAt", "updatedAt"}},
    {"EventWindow", {"id", "eventId", "windowType", "url", "isActive", "createdAt", "updatedAt"}},
    {"Band", {"id", "bandId", "eventId", "createdAt", "updatedAt"}},
    {"TapLog",
     {"id", "bandId", "eventId", "windowId", "tappedAt", "modeServed", "redirectUrl", "userAgent", "ipAddress"}},
}};

constexpr const char* band_copy = R"(COPY "Band" ("id", "bandId", "eventId", "createdAt", "updatedAt") FROM STDIN)";
constexpr const char* tap_table = R"("TapLog")";
constexpr const char* tap_copy =
    R"(COPY "TapLog" ("id", "bandId", "eventId", "windowId", "tappedAt", "modeServed", "redirectUrl", "userAgent", )"
    R"("ipAddress") FROM STDIN)";

// Bands read back per query, so memory stays bounded for any band count.
constexpr uint64_t band_page = 50000;

// Appends `field` in COPY's text format, where backslash, tab, newline and
// carriage return must be escaped.
void append_field(std::string& out, std::string_view field) {
    if (field.find_first_of("\\\t\n\r") == std::string_view::npos) {
        out.append(field);
        return;
    }
    for (char c : field) {
        switch (c) {
        case '\\': out.append("\\\\"); break;
        case '\t': out.append("\\t"); break;
        case '\n': out.append("\\n"); break;
        case '\r': out.append("\\r"); break;
        default: out.push_back(c);
        }
    }
}

std::string coordinate(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.6f", value);  // DECIMAL(9,6)
    return text;
}

std::string band_id_text(const ls_event& event, uint64_t number) {
    std::string digits = std::to_string(number);
    if (digits.size() < event.band_number_width) digits.insert(0, event.band_number_width - digits.size(), '0');
    return event.band_prefix + digits;
}

using loadseed::grouped;

// The Band.id of every band number of one event, in one flat array.
class BandIds {
public:
    BandIds(uint64_t band_count, size_t stride) : stride_(stride), text_(band_count * stride), length_(band_count) {}

    void set(uint64_t number, std::string_view id) {
        std::memcpy(&text_[(number - 1) * stride_], id.data(), id.size());
        length_[number - 1] = static_cast<uint8_t>(id.size());
    }
    bool has(uint64_t number) const { return length_[number - 1] != 0; }
    std::string_view get(uint64_t number) const { return {&text_[(number - 1) * stride_], length_[number - 1]}; }

private:
    size_t stride_;
    std::vector<char> text_;
    std::vector<uint8_t> length_;
};

// True for event names the load-test seeders create: "LT ..." or the single
// event seed's "Load Test Event". Cleanup deletes nothing else.
bool is_load_test_event(const std::string& name) { return name.rfind("LT ", 0) == 0 || name == "Load Test Event"; }

// The organization of the scenario as stored, found by slug or name.
struct StoredOrganization {
    std::string id;
    std::string name;
    std::string slug;
};

class PostgresSink : public loadseed::Sink {
public:
    static constexpr bool supports_cleanup = true;
    static constexpr bool supports_verify = true;

    explicit PostgresSink(const loadseed::Host& host)
        : Sink(host),
          url_(host.require("url")),
          connections_(host.int_option("connections", 2)),
          bulk_rebuild_(host.option_or("bulk-rebuild", "auto")) {
        if (url_.text().empty())
            throw Error("the connection URL is empty; set DATABASE_URL or --opt postgres.url",
                        LS_INVALID_ARGUMENT);
        if (connections_ < 1 || connections_ > 16)
            throw Error("option 'connections' must be 1 to 16, got " + std::to_string(connections_),
                        LS_INVALID_ARGUMENT);
        if (bulk_rebuild_ != "auto" && bulk_rebuild_ != "on" && bulk_rebuild_ != "off")
            throw Error("option 'bulk-rebuild' must be auto, on or off, got '" + bulk_rebuild_ + "'",
                        LS_INVALID_ARGUMENT);
    }

    ~PostgresSink() override { abandon(); }

    void prepare(ls_run& run) override {
        run_ = &run;
        timestamp_ = loadseed::sql_timestamp(run.started_at);
        band_loads_.assign(run.event_count, nullptr);
        loaded_all_bands_.assign(run.event_count, false);
        band_load_deletes_.assign(run.event_count, false);

        connect();
        check_schema();
        if (run.dry_run) return;
        resolve_entities(run);

        loader_ = std::make_unique<CopyLoader>(url_, static_cast<unsigned>(connections_));
    }

    ls_status begin_stage(const ls_stage& stage) override {
        if (!loader_) return LS_SKIP;  // a dry run
        loader_->check();
        switch (stage.table) {
        case LS_TABLE_BAND: return begin_bands(stage.event_index);
        case LS_TABLE_TAP_LOG: return begin_taps(stage.event_index);
        default: return LS_SKIP;
        }
    }

    void write_batch(const ls_batch& batch) override {
        if (batch.table == LS_TABLE_BAND) write_bands(batch);
        else if (batch.table == LS_TABLE_TAP_LOG) write_taps(batch);
    }

    void end_stage(const ls_stage& stage) override {
        flush_chunk();
        loader_->end(*load_);
        if (stage.table == LS_TABLE_BAND) band_loads_[stage.event_index] = load_;
        load_.reset();
        band_ids_.reset();
    }

    void finish(ls_sink_summary& summary) override {
        if (loader_) {
            loader_->wait_all();
            summary.rows = loader_->committed_rows();
            for (const auto& load : loader_->loads()) {
                char line[256];
                int length = std::snprintf(line, sizeof line, "%s: %s rows committed, loaded from %.1f s to %.1f s",
                                           load->label.c_str(), grouped(load->rows).c_str(), load->started_at,
                                           load->committed_at);
                if (!load->rebuild_table.empty() && length > 0 && static_cast<size_t>(length) < sizeof line)
                    std::snprintf(line + length, sizeof line - length, " (indexes and foreign keys from %.1f s)",
                                  load->copied_at);
                host().info(line);
            }
            loader_.reset();
        }
        summary.requests = requests_;
        std::snprintf(summary.detail, sizeof summary.detail, "database %s", database_.c_str());
    }

    void abandon() noexcept override {
        if (loader_) loader_->abandon();
        loader_.reset();
    }

private:

    // Runs `body` with a transaction of type T and commits it; turns client
    // library errors into loadseed::Error naming `doing`.
    template <class T = pqxx::work, class F>
    auto in_transaction(const std::string& doing, F&& body) {
        try {
            ++requests_;
            T transaction(*connection_);
            if constexpr (std::is_void_v<decltype(body(transaction))>) {
                body(transaction);
                transaction.commit();
            } else {
                auto result = body(transaction);
                transaction.commit();
                return result;
            }
        } catch (const pqxx::broken_connection& error) {
            throw statement_error(url_, doing, error.what(), "");
        } catch (const pqxx::sql_error& error) {
            throw statement_error(url_, doing, error.what(), error.sqlstate());
        }
    }

    void connect() {
        try {
            connection_ = std::make_unique<pqxx::connection>(url_.text());
        } catch (const pqxx::broken_connection& error) {
            throw connection_error(url_, error.what());
        }
        database_ = connection_->dbname();
        host().info("connected to " + url_.masked());
    }

    // Names the first table or column the sink writes that the database
    // lacks, before anything is written.
    void check_schema() {
        auto present = in_transaction<pqxx::read_transaction>("reading the schema", [](auto& t) {
            std::set<std::pair<std::string, std::string>> columns;
            for (const auto& row : t.exec("SELECT table_name, column_name FROM information_schema.columns "
                                          "WHERE table_schema = current_schema()"))
                columns.emplace(row[0].c_str(), row[1].c_str());
            return columns;
        });
        for (const auto& [table, columns] : written_columns) {
            if (present.lower_bound({table, ""}) == present.end() || present.lower_bound({table, ""})->first != table)
                throw Error(url_.redact("table \"" + std::string(table) + "\" not found in database " +
                                        database_ + "; run 'loadseed schema apply' or check DATABASE_URL"),
                            LS_INVALID_ARGUMENT);
            for (const char* column : columns)
                if (!present.count({table, column}))
                    throw Error(url_.redact("column \"" + std::string(table) + "\".\"" + column +
                                            "\" not found in database " + database_ +
                                            "; the database's schema is older or newer than loadseed's "
                                            "schema/app-schema.sql, or DATABASE_URL names the wrong database"),
                                LS_INVALID_ARGUMENT);
        }
    }

    // Finds or creates the organization, the events and their LIVE windows
    // in one transaction, and writes the stored ids into `run`.
    void resolve_entities(ls_run& run) {
        in_transaction("finding or creating the organization and events", [&](pqxx::work& t) {
            std::string org_id = find_or_create_organization(t, run);
            std::snprintf(run.organization.id, LS_ID_CAPACITY, "%s", org_id.c_str());

            for (size_t i = 0; i < run.event_count; ++i) {
                ls_event& event = run.events[i];
                std::string event_id = find_or_create_event(t, event, org_id);
                std::snprintf(event.id, LS_ID_CAPACITY, "%s", event_id.c_str());
                std::snprintf(event.window_id, LS_ID_CAPACITY, "%s-live", event_id.c_str());
                // An existing window is set active again, as the old seeder's
                // upsert does; one already active is left untouched.
                t.exec_params(R"(INSERT INTO "EventWindow" ("id", "eventId", "windowType", "url", "isActive",
                                     "createdAt", "updatedAt")
                                 VALUES ($1, $2, 'LIVE', $3, true, $4, $4)
                                 ON CONFLICT ("id") DO UPDATE SET "isActive" = true, "updatedAt" = EXCLUDED."updatedAt"
                                 WHERE NOT "EventWindow"."isActive")",
                              std::string(event.window_id), event_id, std::string(event.live_url), timestamp_);
            }
        });
    }

    std::string find_or_create_organization(pqxx::work& t, const ls_run& run) {
        const std::string name = run.organization.name;
        const std::string slug = run.organization.slug;
        pqxx::result found = t.exec_params(
            R"(SELECT "id" FROM "Organization" WHERE "name" = $1 ORDER BY "createdAt", "id" LIMIT 1)", name);
        if (!found.empty()) return found[0][0].c_str();

        // The slug is unique: another organization holding it is not ours,
        // and the INSERT below would fail on it with a less helpful message.
        pqxx::result clash = t.exec_params(R"(SELECT "id", "name" FROM "Organization" WHERE "slug" = $1)", slug);
        if (!clash.empty())
            throw Error("organization slug '" + slug + "' already belongs to organization \"" +
                            clash[0][1].c_str() + "\" (id " + clash[0][0].c_str() +
                            "), not to the load-test organization \"" + name + "\" of the scenario; nothing was "
                            "written. Change organization.slug in the scenario, or use another database",
                        LS_REFUSED);

        t.exec_params(R"(INSERT INTO "Organization" ("id", "name", "slug", "createdAt", "updatedAt")
                         VALUES ($1, $2, $3, $4, $4))",
                      std::string(run.organization.id), name, slug, timestamp_);
        host().info("created organization \"" + name + "\"");
        return run.organization.id;
    }

    std::string find_or_create_event(pqxx::work& t, const ls_event& event, const std::string& org_id) {
        const std::string name = event.name;
        pqxx::result found = t.exec_params(
            R"(SELECT "id" FROM "Event" WHERE "name" = $1 AND "orgId" = $2 ORDER BY "createdAt", "id" LIMIT 1)", name,
            org_id);
        if (!found.empty()) return found[0][0].c_str();

        t.exec_params(R"(INSERT INTO "Event" ("id", "orgId", "name", "city", "state", "location", "latitude",
                             "longitude", "status", "estimatedAttendees", "createdAt", "updatedAt")
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'ACTIVE', $9, $10, $10))",
                      std::string(event.id), org_id, name, std::string(event.city), std::string(event.state),
                      std::string(event.location), coordinate(event.latitude), coordinate(event.longitude),
                      event.estimated_attendees, timestamp_);
        host().info("created event \"" + name + "\"");
        return event.id;
    }

    // The condition selecting this shard's bands of `event`: bandId is the
    // prefix and a zero-padded number from first_band to the last.
    struct BandRange {
        std::string low, high;
        size_t length;
    };
    BandRange band_range(const ls_event& event, uint64_t first, uint64_t last) const {
        std::string low = band_id_text(event, first);
        return {low, band_id_text(event, last), low.size()};
    }
    static constexpr const char* band_condition =
        R"("eventId" = $1 AND "bandId" COLLATE "C" BETWEEN $2 AND $3 AND length("bandId") = $4)";

    ls_status begin_bands(uint32_t e) {
        const ls_event& event = run_->events[e];
        BandRange range = band_range(event, event.first_band, event.first_band + event.band_count - 1);
        const std::string label = "bands of " + std::string(event.name);

        auto stored = in_transaction<pqxx::read_transaction>("counting the " + label, [&](auto& t) {
            return t.exec_params1(std::string(R"(SELECT count(*) FROM "Band" WHERE )") + band_condition,
                                  std::string(event.id), range.low, range.high, range.length)[0]
                .template as<uint64_t>();
        });
        if (stored >= event.band_count) {
            host().info("" + label + ": all " + grouped(event.band_count) + " present, skipped");
            return LS_SKIP;
        }

        std::vector<std::string> before;
        if (stored > 0) {
            // The old seeder's repair rule: a partial set is replaced whole.
            // Deleting bands also deletes their tap logs (ON DELETE CASCADE),
            // which the tap-log stage then finds short and reloads.
            before.push_back(R"(DELETE FROM "Band" WHERE )" + literal_band_condition(event, range));
            host().info("" + label + ": " + grouped(stored) + " of " + grouped(event.band_count) +
                        " present; deleting them and loading all in one transaction");
        }
        // The tap logs are the longest load and wait for their event's bands.
        // So those bands load first, on their own, and the bands of events
        // without tap logs load beside the tap logs.
        const bool has_taps = event.tap_count > 0;
        start_load(label, std::move(before), band_copy, has_taps ? nullptr : last_urgent_band_load_, has_taps);
        if (has_taps) last_urgent_band_load_ = load_;
        band_load_deletes_[e] = stored > 0;
        loaded_all_bands_[e] = event.first_band == 1 && event.band_count == event.total_bands;
        band_tail_ = "\t";
        append_field(band_tail_, event.id);
        band_tail_ += "\t" + timestamp_ + "\t" + timestamp_ + "\n";
        return LS_OK;
    }

    std::string literal_band_condition(const ls_event& event, const BandRange& range) const {
        return R"("eventId" = )" + connection_->quote(std::string(event.id)) + R"( AND "bandId" COLLATE "C" BETWEEN )" +
               connection_->quote(range.low) + " AND " + connection_->quote(range.high) + R"( AND length("bandId") = )" +
               std::to_string(range.length);
    }

    ls_status begin_taps(uint32_t e) {
        const ls_event& event = run_->events[e];
        const std::string label = "tap logs of " + std::string(event.name);

        // The tap logs reference the event's bands, so their COPY starts only
        // once those are committed. The host waits here only when the count
        // below or the band ids depend on that commit: a band load that deletes
        // bands also deletes their tap logs.
        std::shared_ptr<const Load> after = band_loads_[e];
        if (after && (band_load_deletes_[e] || !loaded_all_bands_[e])) {
            loader_->wait(*after);
            after = nullptr;
        }

        auto stored = in_transaction<pqxx::read_transaction>("counting the " + label, [&](auto& t) {
            return t.exec_params1(R"(SELECT count(*) FROM "TapLog" WHERE "eventId" = $1)", std::string(event.id))[0]
                .template as<uint64_t>();
        });
        // NOTE: with --shard, the event's tap logs are compared with the total of
        // all shards and never deleted, because a shard cannot tell its own
        // rows from another shard's. A shard that re-runs after a partial load
        // then fails on the duplicate ids (same --seed and --start) instead of
        // repairing; re-run unsharded to repair.
        const bool sharded = run_->shard_count > 1;
        const uint64_t target = sharded ? event.total_taps : event.tap_count;
        if (stored >= target) {
            host().info("" + label + ": " + grouped(stored) + " present (target " + grouped(target) +
                        "), skipped");
            return LS_SKIP;
        }

        std::vector<std::string> before;
        if (stored > 0 && !sharded) {
            before.push_back(R"(DELETE FROM "TapLog" WHERE "eventId" = )" + connection_->quote(std::string(event.id)));
            host().info("" + label + ": " + grouped(stored) + " of " + grouped(target) +
                        " present; deleting them and loading all in one transaction");
        }
        if (!loaded_all_bands_[e]) band_ids_ = read_band_ids(event);

        const uint64_t deleted = before.empty() ? 0 : stored;
        std::string rebuild = choose_tap_rebuild(label, event.tap_count, deleted);
        start_load(label, std::move(before), tap_copy, std::move(after), true, std::move(rebuild));
        tap_loads_.push_back(load_);
        tap_event_field_.clear();
        append_field(tap_event_field_, event.id);
        user_agent_field_.clear();
        append_field(user_agent_field_, run_->user_agent);
        return LS_OK;
    }

    // Returns the table to rebuild around the tap-log load of `rows` rows
    // (see bulk_rebuild.hpp), or empty for a plain COPY, and logs the choice.
    // Checks everything before any row is sent, so a plain COPY is still open.
    std::string choose_tap_rebuild(const std::string& label, uint64_t rows, uint64_t deleted) {
        const std::string setting = "(bulk-rebuild=" + bulk_rebuild_ + ")";
        if (bulk_rebuild_ == "off") return {};
        if (bulk_rebuild_ == "auto" && run_->shard_count > 1) {
            host().info(label + ": plain COPY, because other shards may load TapLog at the same time and a "
                        "rebuild would lock them out " + setting);
            return {};
        }

        const std::string reason = in_transaction<pqxx::read_transaction>(
            "checking whether TapLog's indexes and foreign keys can be rebuilt",
            [&](auto& t) { return std::string(t.exec1(eligibility_query(tap_table))[0].c_str()); });
        if (!reason.empty() && bulk_rebuild_ == "on")
            throw Error("cannot rebuild TapLog's indexes and foreign keys for the " + label + ": " + reason +
                            "; nothing was loaded. Run as the owner of TapLog, or set --opt "
                            "postgres.bulk-rebuild=off",
                        LS_INVALID_ARGUMENT);
        if (!reason.empty()) {
            host().info(label + ": plain COPY, because " + reason + " " + setting);
            return {};
        }

        if (bulk_rebuild_ == "auto") {
            if (rows_after_delete(deleted, rows) > rows) {
                host().info(label + ": plain COPY, because TapLog holds more rows than the " + grouped(rows) +
                            " to load, so rebuilding its indexes would cost more than it saves " + setting);
                return {};
            }
        }
        host().info(label + ": dropping TapLog's secondary indexes and foreign keys and recreating them after "
                    "the COPY, in its transaction; TapLog, Band, Event and EventWindow stay locked until it "
                    "commits " + setting);
        return tap_table;
    }

    // Returns how many rows TapLog contains once `deleted` of them are deleted,
    // counting the rows of this run's tap loads not yet committed, but
    // counting no further than `limit` + 1: the rebuild decision needs no
    // more, and a full count of a large table takes long.
    uint64_t rows_after_delete(uint64_t deleted, uint64_t limit) {
        uint64_t counted = in_transaction<pqxx::read_transaction>("counting the rows of TapLog", [&](auto& t) {
            return t.exec_params1(R"(SELECT count(*) FROM (SELECT 1 FROM "TapLog" LIMIT $1) t)", limit + deleted + 1)[0]
                .template as<uint64_t>();
        });
        uint64_t remaining = counted > deleted ? counted - deleted : 0;
        // NOTE: a load that commits between the count above and this check is
        // counted twice; that can only turn a rebuild into a plain COPY.
        for (const auto& load : tap_loads_)
            if (!loader_->committed(*load)) remaining += load->rows;
        return remaining;
    }

    // Reads the Band.id of every band number of `event`, page by page. Bands
    // made by an earlier run or by the old seeder keep their own ids, and tap
    // logs must reference those.
    std::unique_ptr<BandIds> read_band_ids(const ls_event& event) {
        const std::string doing = "reading the band ids of " + std::string(event.name);
        auto stride = in_transaction<pqxx::read_transaction>(doing, [&](auto& t) {
            BandRange all = band_range(event, 1, event.total_bands);
            return t.exec_params1(std::string(R"(SELECT coalesce(max(length("id")), 0) FROM "Band" WHERE )") +
                                      band_condition,
                                  std::string(event.id), all.low, all.high, all.length)[0]
                .template as<size_t>();
        });
        if (stride > 255)
            throw Error("a Band.id of event \"" + std::string(event.name) + "\" is longer than 255 "
                        "characters; the sink keeps ids of at most 255",
                        LS_INVALID_ARGUMENT);

        auto ids = std::make_unique<BandIds>(event.total_bands, stride);
        const size_t prefix = std::strlen(event.band_prefix);
        for (uint64_t first = 1; first <= event.total_bands; first += band_page) {
            uint64_t last = std::min(event.total_bands, first + band_page - 1);
            BandRange range = band_range(event, first, last);
            in_transaction<pqxx::read_transaction>(doing, [&](auto& t) {
                for (const auto& row : t.exec_params(std::string(R"(SELECT "bandId", "id" FROM "Band" WHERE )") +
                                                         band_condition,
                                                     std::string(event.id), range.low, range.high, range.length)) {
                    std::string_view band_id = row[0].c_str();
                    uint64_t number = std::stoull(std::string(band_id.substr(prefix)));
                    ids->set(number, std::string_view(row[1].c_str(), row[1].size()));
                }
            });
            for (uint64_t number = first; number <= last; ++number)
                if (!ids->has(number))
                    throw Error("band " + band_id_text(event, number) + " of event \"" + event.name +
                                    "\" not found, so its tap logs cannot reference it; seed the bands of every "
                                    "shard before the tap logs",
                                LS_INVALID_ARGUMENT);
        }
        return ids;
    }

    void start_load(const std::string& label, std::vector<std::string> before, const char* copy,
                    std::shared_ptr<const Load> after, bool urgent, std::string rebuild_table = {}) {
        load_ = loader_->start(label, std::move(before), copy, std::move(after), urgent, std::move(rebuild_table));
        chunk_.clear();
        chunk_.reserve(CopyLoader::chunk_bytes + 4096);
        chunk_rows_ = 0;
        ++requests_;
    }

    void write_bands(const ls_batch& batch) {
        for (const ls_band_row& row : loadseed::Rows<ls_band_row>(batch)) {
            append_field(chunk_, view(row.id));
            chunk_.push_back('\t');
            append_field(chunk_, view(row.band_id));
            chunk_.append(band_tail_);
            end_row();
        }
    }

    void write_taps(const ls_batch& batch) {
        char tapped_at[23];
        for (const ls_tap_row& row : loadseed::Rows<ls_tap_row>(batch)) {
            append_field(chunk_, view(row.id));
            chunk_.push_back('\t');
            append_field(chunk_, band_ids_ ? band_ids_->get(row.band_number) : view(row.band_row_id));
            chunk_.push_back('\t');
            chunk_.append(tap_event_field_);
            chunk_.push_back('\t');
            if (row.window_id.size == 0) chunk_.append("\\N");
            else append_field(chunk_, view(row.window_id));
            chunk_.push_back('\t');
            loadseed::format_sql_timestamp(row.tapped_at, tapped_at);
            chunk_.append(tapped_at, sizeof tapped_at);
            chunk_.push_back('\t');
            chunk_.append(run_->modes[row.mode].name);
            chunk_.push_back('\t');
            append_field(chunk_, view(row.redirect_url));
            chunk_.push_back('\t');
            chunk_.append(user_agent_field_);
            chunk_.push_back('\t');
            append_field(chunk_, view(row.ip_address));
            chunk_.push_back('\n');
            end_row();
        }
    }

    void end_row() {
        ++chunk_rows_;
        if (chunk_.size() >= CopyLoader::chunk_bytes) flush_chunk();
    }

    void flush_chunk() {
        if (chunk_.empty()) return;
        std::string full;
        full.reserve(CopyLoader::chunk_bytes + 4096);
        full.swap(chunk_);
        loader_->push(*load_, std::move(full), chunk_rows_);
        chunk_rows_ = 0;
    }

public:
    // Reports the organization, its events, and per event the bands, tap logs
    // and windows it holds, then the organization's users.
    void audit(const ls_run& run, const ls_report_sink& report) override {
        open_for_inspection();
        std::optional<StoredOrganization> org = find_organization(run);
        std::string scope = std::string(run.organization.name) + " (" + run.organization.slug + ")";
        loadseed::report_line(report, "organization", scope, -1, org ? 1 : 0, org ? "id " + org->id : "absent");
        if (!org) return;

        in_transaction<pqxx::read_transaction>("auditing organization " + org->name, [&](auto& t) {
            pqxx::result events = t.exec_params(
                R"(SELECT e."name",
                          (SELECT count(*) FROM "Band" b WHERE b."eventId" = e."id"),
                          (SELECT count(*) FROM "TapLog" l WHERE l."eventId" = e."id"),
                          (SELECT count(*) FROM "EventWindow" w WHERE w."eventId" = e."id")
                   FROM "Event" e WHERE e."orgId" = $1 ORDER BY e."name")",
                org->id);
            loadseed::report_line(report, "events", org->name, -1, static_cast<int64_t>(events.size()));
            for (const auto& row : events) {
                std::string name = row[0].c_str();
                loadseed::report_line(report, "bands", name, -1, row[1].as<int64_t>());
                loadseed::report_line(report, "tap logs", name, -1, row[2].as<int64_t>());
                loadseed::report_line(report, "windows", name, -1, row[3].as<int64_t>());
            }
            int64_t users =
                t.exec_params1(R"(SELECT count(*) FROM "User" WHERE "orgId" = $1)", org->id)[0].template as<int64_t>();
            loadseed::report_line(report, "users", org->name, -1, users);
        });
    }

    // The safety gate: the stored organization must carry both the
    // scenario's name and slug, and hold load-test events only.
    void check_cleanup(const ls_run& run, const ls_report_sink&) override {
        open_for_inspection();
        std::optional<StoredOrganization> org = find_organization(run);
        if (!org) return;
        if (org->name != run.organization.name || org->slug != run.organization.slug)
            throw Error("refusing to clean up: organization \"" + org->name + "\" (slug '" + org->slug +
                            "') does not match the scenario's \"" + run.organization.name + "\" (slug '" +
                            run.organization.slug + "'); nothing was deleted. Check the scenario and DATABASE_URL",
                        LS_REFUSED);
        in_transaction<pqxx::read_transaction>("checking the events of " + org->name, [&](auto& t) {
            check_band_shapes(t, run, *org);
            for (const auto& row :
                 t.exec_params(R"(SELECT "name" FROM "Event" WHERE "orgId" = $1 ORDER BY "name")", org->id)) {
                std::string name = row[0].c_str();
                if (!is_load_test_event(name))
                    throw Error("refusing to clean up: organization \"" + org->name + "\" contains event \"" + name +
                                    "\", which is not a load-test event (its name neither starts with 'LT ' nor is "
                                    "'Load Test Event'); nothing was deleted",
                                LS_REFUSED);
            }
        });
    }

    // Deletes the organization's users, then the organization, in one
    // transaction; the database cascades to events, windows, bands and tap
    // logs. An interrupted cleanup rolls back whole and the next one redoes it.
    void cleanup(const ls_run& run, ls_sink_summary& summary) override {
        open_for_inspection();
        check_cleanup(run, ls_report_sink{});
        std::optional<StoredOrganization> org = find_organization(run);
        if (!org || run.dry_run) return;
        in_transaction("deleting organization " + org->name, [&](pqxx::work& t) {
            pqxx::row counts = t.exec_params1(
                R"(SELECT (SELECT count(*) FROM "Band" b JOIN "Event" e ON e."id" = b."eventId" WHERE e."orgId" = $1),
                          (SELECT count(*) FROM "TapLog" l JOIN "Event" e ON e."id" = l."eventId" WHERE e."orgId" = $1))",
                org->id);
            pqxx::result users = t.exec_params(R"(DELETE FROM "User" WHERE "orgId" = $1)", org->id);
            pqxx::result orgs = t.exec_params(R"(DELETE FROM "Organization" WHERE "id" = $1)", org->id);
            summary.rows = counts[0].as<uint64_t>() + counts[1].as<uint64_t>() +
                           static_cast<uint64_t>(users.affected_rows() + orgs.affected_rows());
        });
        std::snprintf(summary.detail, sizeof summary.detail, "organization %s and everything under it",
                      org->name.c_str());
        host().info("deleted organization \"" + org->name + "\", its users, events, windows, bands and tap logs");
    }

    // Compares the stored data set with the scenario: per event, the bands of
    // its prefix, the tap logs, the LIVE window; that every tap log
    // references a band of its own event and LIVE taps the LIVE window; and
    // the mode shares against the scenario's weights.
    ls_status verify(const ls_run& run, bool, const ls_report_sink& report) override {
        open_for_inspection();
        bool matches = true;
        auto check = [&](const std::string& subject, const std::string& scope, int64_t expected, int64_t found) {
            loadseed::report_line(report, subject, scope, expected, found);
            matches = matches && expected == found;
        };

        std::optional<StoredOrganization> org = find_organization(run);
        check("organization", std::string(run.organization.name), 1, org ? 1 : 0);
        if (!org) return LS_MISMATCH;

        in_transaction<pqxx::read_transaction>("verifying organization " + org->name, [&](auto& t) {
            for (size_t i = 0; i < run.event_count; ++i) {
                const ls_event& event = run.events[i];
                const std::string name = event.name;
                pqxx::result found = t.exec_params(
                    R"(SELECT "id" FROM "Event" WHERE "name" = $1 AND "orgId" = $2 ORDER BY "createdAt", "id" LIMIT 1)",
                    name, org->id);
                check("event", name, 1, static_cast<int64_t>(found.size()));
                if (found.empty()) continue;
                const std::string event_id = found[0][0].c_str();
                const std::string window_id = event_id + "-live";

                BandRange all = band_range(event, 1, event.total_bands);
                check("bands", name, static_cast<int64_t>(event.total_bands),
                      t.exec_params1(std::string(R"(SELECT count(*) FROM "Band" WHERE )") + band_condition, event_id,
                                     all.low, all.high, all.length)[0]
                          .template as<int64_t>());
                check("bands, any bandId", name, static_cast<int64_t>(event.total_bands),
                      t.exec_params1(R"(SELECT count(*) FROM "Band" WHERE "eventId" = $1)", event_id)[0]
                          .template as<int64_t>());
                check("tap logs", name, static_cast<int64_t>(event.total_taps),
                      t.exec_params1(R"(SELECT count(*) FROM "TapLog" WHERE "eventId" = $1)", event_id)[0]
                          .template as<int64_t>());
                check("active LIVE window", name, 1,
                      t.exec_params1(R"(SELECT count(*) FROM "EventWindow" WHERE "id" = $1 AND "eventId" = $2
                                        AND "windowType" = 'LIVE' AND "isActive" AND "url" = $3)",
                                     window_id, event_id, std::string(event.live_url))[0]
                          .template as<int64_t>());
                check("taps on other bands", name, 0,
                      t.exec_params1(R"(SELECT count(*) FROM "TapLog" l JOIN "Band" b ON b."id" = l."bandId"
                                        WHERE l."eventId" = $1 AND b."eventId" <> l."eventId")",
                                     event_id)[0]
                          .template as<int64_t>());
                check("LIVE taps off window", name, 0,
                      t.exec_params1(R"(SELECT count(*) FROM "TapLog" WHERE "eventId" = $1
                                        AND ("modeServed" = 'LIVE') <> ("windowId" IS NOT DISTINCT FROM $2))",
                                     event_id, window_id)[0]
                          .template as<int64_t>());
                if (event.total_taps > 0) {
                    matches = verify_modes(t, run, event_id, name, report) && matches;
                    matches = verify_tap_times(t, run, event_id, name, report) && matches;
                }
            }
        });
        return matches ? LS_OK : LS_MISMATCH;
    }

private:
    // Refuses when a scenario event holds a band whose bandId is not the
    // event's prefix followed by band_number_width digits: such a band was
    // not made by a seed run, and deleting the event would delete it.
    template <class Transaction>
    void check_band_shapes(Transaction& t, const ls_run& run, const StoredOrganization& org) {
        for (size_t i = 0; i < run.event_count; ++i) {
            const ls_event& event = run.events[i];
            std::string pattern = "^";
            for (char c : std::string(event.band_prefix)) {
                if (std::strchr("\\.^$|?*+()[]{}", c)) pattern += '\\';
                pattern += c;
            }
            pattern += "[0-9]{" + std::to_string(event.band_number_width) + "}$";
            pqxx::result foreign = t.exec_params(
                R"(SELECT b."bandId" FROM "Band" b JOIN "Event" e ON e."id" = b."eventId"
                   WHERE e."orgId" = $1 AND e."name" = $2 AND b."bandId" !~ $3 LIMIT 1)",
                org.id, std::string(event.name), pattern);
            if (!foreign.empty())
                throw Error("refusing to clean up: event \"" + std::string(event.name) + "\" contains band \"" +
                                foreign[0][0].c_str() + "\", which does not have the shape a seed run writes (" +
                                event.band_prefix + " and " + std::to_string(event.band_number_width) +
                                " digits); nothing was deleted. Move or delete that band by hand, then re-run",
                            LS_REFUSED);
        }
    }

    // Connects and checks the schema, for commands that only read or delete.
    void open_for_inspection() {
        if (connection_) return;
        connect();
        check_schema();
    }

    // Finds the organization with the scenario's slug, else one with its
    // name; cleanup's gate then compares both fields.
    std::optional<StoredOrganization> find_organization(const ls_run& run) {
        return in_transaction<pqxx::read_transaction>("finding the organization", [&](auto& t) {
            pqxx::result rows = t.exec_params(
                R"(SELECT "id", "name", "slug" FROM "Organization" WHERE "slug" = $1 OR "name" = $2
                   ORDER BY ("slug" = $1) DESC, "createdAt", "id" LIMIT 1)",
                std::string(run.organization.slug), std::string(run.organization.name));
            std::optional<StoredOrganization> org;
            if (!rows.empty()) org = StoredOrganization{rows[0][0].c_str(), rows[0][1].c_str(), rows[0][2].c_str()};
            return org;
        });
    }

    // Checks the spread of an event's tap times: they must span no more than
    // the scenario's tap window, and their mean must sit at the window's
    // centre, within 0.25% of the window or 4 standard errors of a uniform
    // spread, whichever is larger. The window's position is not stored, so
    // the first and last tap stand for its edges (the default gaussian
    // generator puts about 0.13% of taps exactly on each edge).
    // NOTE: this assumes a generator centred on the window, as both bundled
    // generators are by default; a gaussian run with another 'mean' fails it.
    template <class Transaction>
    bool verify_tap_times(Transaction& t, const ls_run& run, const std::string& event_id, const std::string& name,
                          const ls_report_sink& report) {
        pqxx::row times = t.exec_params1(
            R"(SELECT extract(epoch FROM min("tappedAt")) * 1000, extract(epoch FROM max("tappedAt")) * 1000,
                      extract(epoch FROM avg("tappedAt" - min_at)) * 1000, count(*)
               FROM "TapLog", (SELECT min("tappedAt") AS min_at FROM "TapLog" WHERE "eventId" = $1) AS first
               WHERE "eventId" = $1)",
            event_id);
        if (times[0].is_null()) return true;
        const double first = times[0].as<double>(), last = times[1].as<double>();
        const double mean_offset = times[2].as<double>(), count = times[3].as<double>();
        const double window = static_cast<double>(run.tap_window_end - run.tap_window_start);

        bool matches = true;
        const int64_t span_minutes = std::llround((last - first) / 60000.0);
        const int64_t window_minutes = std::llround(window / 60000.0);
        const bool span_fits = last - first <= window + 1;
        loadseed::report_line(report, "tap time span (min)", name, span_fits ? -1 : window_minutes, span_minutes,
                              "at most " + std::to_string(window_minutes));
        matches = matches && span_fits;

        const double span = last - first > 0 ? last - first : 1;
        const int64_t position = std::llround(mean_offset / span * 1000);
        const double tolerance = std::max(0.0025, 4 * 0.2887 / std::sqrt(count));
        const bool centred = std::abs(mean_offset / span - 0.5) <= tolerance;
        loadseed::report_line(report, "tap time mean (per mille)", name, centred ? -1 : 500, position,
                              "target 500 +/- " + std::to_string(std::llround(tolerance * 1000)));
        return matches && centred;
    }

    // Checks each mode's share of an event's tap logs against the scenario's
    // weight: within 0.5 percentage points, or 4 standard errors of a
    // binomial share when there are too few taps for that (1.1 points at
    // 10,000 taps). Shares are reported in basis points (1/100 of a
    // percent); a share within tolerance is reported unchecked, with the
    // target in its note.
    template <class Transaction>
    bool verify_modes(Transaction& t, const ls_run& run, const std::string& event_id, const std::string& name,
                      const ls_report_sink& report) {
        pqxx::result rows = t.exec_params(
            R"(SELECT "modeServed", count(*) FROM "TapLog" WHERE "eventId" = $1 GROUP BY "modeServed")", event_id);
        double total = 0;
        std::map<std::string, double> counts;
        for (const auto& row : rows) {
            counts[row[0].c_str()] = row[1].as<double>();
            total += row[1].as<double>();
        }
        bool matches = true;
        for (int m = 0; m < LS_MODE_COUNT; ++m) {
            const std::string mode = run.modes[m].name;
            int64_t expected = std::llround(run.modes[m].weight * 10000);
            int64_t found = total > 0 ? std::llround(counts[mode] / total * 10000) : 0;
            const double weight = run.modes[m].weight;
            const double standard_error = total > 0 ? std::sqrt(weight * (1 - weight) / total) : 0;
            const int64_t tolerance_basis_points = std::max<int64_t>(50, std::llround(4 * standard_error * 10000));
            bool within = std::llabs(found - expected) <= tolerance_basis_points;
            loadseed::report_line(report, mode + " share (bp)", name, within ? -1 : expected, found,
                                  "target " + std::to_string(expected) + " +/- " +
                                      std::to_string(tolerance_basis_points));
            matches = matches && within;
        }
        return matches;
    }

    ConnectionUrl url_;
    int64_t connections_;
    std::string bulk_rebuild_;  // auto, on or off
    ls_run* run_ = nullptr;
    std::string timestamp_;
    std::string database_;
    std::unique_ptr<pqxx::connection> connection_;
    std::unique_ptr<CopyLoader> loader_;
    uint64_t requests_ = 0;

    // Per event: the band load of this run, and whether it covered every band.
    std::vector<std::shared_ptr<Load>> band_loads_;
    std::vector<bool> loaded_all_bands_;
    std::vector<bool> band_load_deletes_;
    std::shared_ptr<const Load> last_urgent_band_load_;
    std::vector<std::shared_ptr<const Load>> tap_loads_;

    // The stage being written.
    std::shared_ptr<Load> load_;
    std::string chunk_;
    uint64_t chunk_rows_ = 0;
    std::string band_tail_;
    std::string tap_event_field_;
    std::string user_agent_field_;
    std::unique_ptr<BandIds> band_ids_;
};

}  // namespace

}  // namespace postgres_sink

LOADSEED_SINK_PLUGIN(postgres_sink::PostgresSink, "postgres", "1.0.0",
                     "Seeds the application's PostgreSQL database through parallel COPY streams, skipping or "
                     "repairing what it already stores",
                     postgres_sink::options)
