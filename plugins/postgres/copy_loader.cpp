#include "copy_loader.hpp"

#include "bulk_rebuild.hpp"

#include <libpq-fe.h>

namespace postgres_sink {

namespace {

// Thrown inside a worker when the host abandons the run.
struct Abandoned {};

}  // namespace

// One libpq connection and the thread that drives it.
class CopyLoader::Worker {
public:
    explicit Worker(const ConnectionUrl& url) : url_(url) {
        connection_ = PQconnectdb(url.text().c_str());
        if (PQstatus(connection_) != CONNECTION_OK) {
            std::string message = PQerrorMessage(connection_);
            PQfinish(connection_);
            connection_ = nullptr;
            throw connection_error(url, message);
        }
    }

    ~Worker() {
        if (thread.joinable()) thread.join();
        if (connection_) PQfinish(connection_);
    }

    // Runs a statement that returns no rows; throws on failure.
    void execute(const std::string& statement, const std::string& doing) {
        PGresult* result = PQexec(connection_, statement.c_str());
        check(result, PGRES_COMMAND_OK, doing);
    }

    // Runs a query and returns its rows as text; throws on failure.
    std::vector<std::vector<std::string>> query(const std::string& statement, const std::string& doing) {
        PGresult* result = PQexec(connection_, statement.c_str());
        if (!result || PQresultStatus(result) != PGRES_TUPLES_OK) check(result, PGRES_TUPLES_OK, doing);
        std::vector<std::vector<std::string>> rows(PQntuples(result));
        for (int row = 0; row < PQntuples(result); ++row)
            for (int column = 0; column < PQnfields(result); ++column)
                rows[row].emplace_back(PQgetvalue(result, row, column));
        PQclear(result);
        return rows;
    }

    void begin_copy(const std::string& statement, const std::string& doing) {
        PGresult* result = PQexec(connection_, statement.c_str());
        check(result, PGRES_COPY_IN, doing);
    }

    void send(const std::string& chunk, const std::string& doing) {
        if (PQputCopyData(connection_, chunk.data(), static_cast<int>(chunk.size())) != 1) finish_copy(doing, nullptr);
    }

    // Ends the COPY: normally, or with `abort_message` so the server
    // discards the rows. Throws the server's error when the COPY failed.
    void finish_copy(const std::string& doing, const char* abort_message) {
        PQputCopyEnd(connection_, abort_message);
        PGresult* result = PQgetResult(connection_);
        // Drain the remaining results so the connection is ready again.
        for (PGresult* extra = PQgetResult(connection_); extra; extra = PQgetResult(connection_)) PQclear(extra);
        if (!abort_message) check(result, PGRES_COMMAND_OK, doing);
        else PQclear(result);
    }

    // Rolls back whatever the connection has open; failures are ignored
    // because the server rolls back on disconnect as well.
    void roll_back() noexcept {
        if (!connection_) return;
        if (PQtransactionStatus(connection_) == PQTRANS_ACTIVE) {
            PQputCopyEnd(connection_, "abandoned by loadseed");
            for (PGresult* r = PQgetResult(connection_); r; r = PQgetResult(connection_)) PQclear(r);
        }
        if (PQtransactionStatus(connection_) != PQTRANS_IDLE) PQclear(PQexec(connection_, "ROLLBACK"));
    }

    std::thread thread;

private:
    void check(PGresult* result, ExecStatusType expected, const std::string& doing) {
        if (result && PQresultStatus(result) == expected) {
            PQclear(result);
            return;
        }
        std::string message = result ? PQresultErrorMessage(result) : "";
        if (message.empty()) message = PQerrorMessage(connection_);
        const char* sqlstate = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
        std::string code = sqlstate ? sqlstate : "";
        PQclear(result);
        throw statement_error(url_, doing, message, code);
    }

    const ConnectionUrl& url_;
    PGconn* connection_ = nullptr;
};

CopyLoader::CopyLoader(const ConnectionUrl& url, unsigned connections) : url_(url) {
    for (unsigned i = 0; i < connections; ++i) workers_.push_back(std::make_unique<Worker>(url));
    for (auto& worker : workers_) worker->thread = std::thread([this, w = worker.get()] { run(*w); });
}

CopyLoader::~CopyLoader() { abandon(); }

std::shared_ptr<Load> CopyLoader::start(std::string label, std::vector<std::string> before_copy,
                                        std::string copy_statement, std::shared_ptr<const Load> after, bool urgent,
                                        std::string rebuild_table) {
    auto load = std::make_shared<Load>();
    load->after = std::move(after);
    load->urgent = urgent;
    load->rebuild_table = std::move(rebuild_table);
    load->label = std::move(label);
    load->before_copy = std::move(before_copy);
    load->copy_statement = std::move(copy_statement);

    std::lock_guard lock(mutex_);
    throw_failure_locked();
    queued_.push_back(load);
    all_.push_back(load);
    work_ready_.notify_all();
    return load;
}

void CopyLoader::push(Load& load, std::string&& chunk, uint64_t rows) {
    std::unique_lock lock(mutex_);
    progress_.wait(lock, [&] { return failure_ || stopping_ || queued_bytes_ < max_queued_bytes; });
    throw_failure_locked();
    queued_bytes_ += chunk.size();
    load.chunks.push_back(std::move(chunk));
    load.rows += rows;
    work_ready_.notify_all();
}

void CopyLoader::end(Load& load) {
    std::lock_guard lock(mutex_);
    load.ended = true;
    work_ready_.notify_all();
}

void CopyLoader::wait(const Load& load) {
    std::unique_lock lock(mutex_);
    progress_.wait(lock, [&] { return failure_ || stopping_ || load.state == Load::State::committed; });
    throw_failure_locked();
}

void CopyLoader::wait_all() {
    for (const auto& load : all_) wait(*load);
}

void CopyLoader::check() {
    std::lock_guard lock(mutex_);
    throw_failure_locked();
}

double CopyLoader::seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - created_).count();
}

bool CopyLoader::committed(const Load& load) const {
    std::lock_guard lock(mutex_);
    return load.state == Load::State::committed;
}

uint64_t CopyLoader::committed_rows() const {
    std::lock_guard lock(mutex_);
    return committed_rows_;
}

void CopyLoader::throw_failure_locked() const {
    if (failure_) throw *failure_;
}

void CopyLoader::abandon() noexcept {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        work_ready_.notify_all();
        progress_.notify_all();
    }
    for (auto& worker : workers_)
        if (worker->thread.joinable()) worker->thread.join();
}

bool CopyLoader::ready_locked(const Load& load) const {
    if (load.after && load.after->state != Load::State::committed) return false;
    // A load with a bulk rebuild runs alone (see Load::rebuild_table).
    for (const auto& earlier : all_) {
        if (earlier.get() == &load) break;
        if (earlier->state == Load::State::committed) continue;
        if (!load.rebuild_table.empty() || !earlier->rebuild_table.empty()) return false;
    }
    return true;
}

std::shared_ptr<Load> CopyLoader::take_ready_locked() {
    auto chosen = queued_.end();
    for (auto it = queued_.begin(); it != queued_.end(); ++it) {
        if (!ready_locked(**it)) continue;
        if ((*it)->urgent) {
            chosen = it;
            break;
        }
        if (chosen == queued_.end()) chosen = it;
    }
    if (chosen == queued_.end()) return nullptr;
    std::shared_ptr<Load> load = *chosen;
    queued_.erase(chosen);
    return load;
}

void CopyLoader::copy(Worker& worker, Load& load) {
    const std::string doing = "loading the " + load.label;
    worker.execute("BEGIN", doing);

    // The table first, then the tables it references in name order, each
    // before anything else of the transaction touches them.
    BulkRebuild rebuild;
    if (!load.rebuild_table.empty()) {
        worker.execute(lock_table_statement(load.rebuild_table), doing);
        rebuild = bulk_rebuild(worker.query(rebuild_query(load.rebuild_table), doing));
        if (!rebuild.lock_referenced.empty()) worker.execute(rebuild.lock_referenced, doing);
    }

    // The DELETE of a partial set runs before the drops, so it still uses
    // the indexes.
    for (const std::string& statement : load.before_copy) worker.execute(statement, doing);
    for (const std::string& statement : rebuild.drop) worker.execute(statement, doing);

    worker.begin_copy(load.copy_statement, doing);
    for (;;) {
        std::string chunk;
        {
            std::unique_lock lock(mutex_);
            work_ready_.wait(lock, [&] { return stopping_ || failure_ || load.ended || !load.chunks.empty(); });
            if (stopping_ || failure_) throw Abandoned{};
            if (load.chunks.empty()) break;  // ended and drained
            chunk = std::move(load.chunks.front());
            load.chunks.pop_front();
            queued_bytes_ -= chunk.size();
            progress_.notify_all();
        }
        worker.send(chunk, doing);
    }
    worker.finish_copy(doing, nullptr);
    {
        std::lock_guard lock(mutex_);
        load.copied_at = seconds();
    }

    for (const std::string& statement : rebuild.recreate)
        worker.execute(statement, "recreating the indexes and foreign keys after the " + load.label);
    worker.execute("COMMIT", "committing the " + load.label);
}

void CopyLoader::run(Worker& worker) {
    std::shared_ptr<Load> load;
    try {
        for (;;) {
            {
                std::unique_lock lock(mutex_);
                work_ready_.wait(lock, [&] { return stopping_ || failure_ || (load = take_ready_locked()) != nullptr; });
                if (stopping_ || failure_) throw Abandoned{};
                load->state = Load::State::running;
                load->started_at = seconds();
            }

            copy(worker, *load);

            std::lock_guard lock(mutex_);
            load->state = Load::State::committed;
            load->committed_at = seconds();
            committed_rows_ += load->rows;
            progress_.notify_all();
            work_ready_.notify_all();  // loads waiting for this one are ready
            load.reset();
        }
    } catch (const Abandoned&) {
        worker.roll_back();
    } catch (const loadseed::Error& error) {
        worker.roll_back();
        std::lock_guard lock(mutex_);
        if (!failure_) failure_ = error;
        if (load) load->state = Load::State::failed;
        progress_.notify_all();
        work_ready_.notify_all();
    } catch (const std::exception& error) {
        worker.roll_back();
        std::lock_guard lock(mutex_);
        if (!failure_) failure_ = loadseed::Error(url_.redact(std::string(error.what())));
        progress_.notify_all();
        work_ready_.notify_all();
    }
}

}  // namespace postgres_sink
