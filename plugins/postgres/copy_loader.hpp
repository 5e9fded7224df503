// Parallel COPY streams, one per connection, each load in its own transaction.
//
// The host thread formats rows into chunks and hands them to a load. Worker
// threads, one per connection, send each load's chunks with libpq's COPY FROM
// STDIN and commit. So the host keeps generating the next event's rows while
// the server still indexes the previous event's, and several server backends
// work at once. A free worker takes the first ready urgent load, else the
// first ready load, in the order they were created; a load is ready when the
// load it waits for has committed. A load with a bulk rebuild runs alone
// (see Load::rebuild_table). Queued chunks of all loads together stay
// under max_queued_bytes, so memory is bounded whatever the row counts.
#pragma once

#include "database_error.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

struct pg_conn;

namespace postgres_sink {

// One table's rows of one event: statements run first in the same
// transaction (for example a DELETE of a partial set), then one COPY.
struct Load {
    std::string label;  // "bands of LT Event Nashville", for messages
    std::vector<std::string> before_copy;
    std::string copy_statement;
    // A load that must commit before this one starts, or null.
    std::shared_ptr<const Load> after;
    // Taken before other loads that are ready, because later loads wait on it.
    bool urgent = false;
    // The table whose foreign keys and secondary indexes are dropped before
    // the COPY and recreated after it (see bulk_rebuild.hpp), as an SQL
    // identifier, or empty. Such a load locks that table and the tables it
    // references, so it runs alone: it starts once every load created before
    // it has committed, and no load created after it starts until it commits.
    // Loads of the same run on other connections then never wait for its
    // locks, nor it for theirs, so they cannot deadlock with it.
    std::string rebuild_table;

    enum class State { queued, running, committed, failed };
    State state = State::queued;
    std::deque<std::string> chunks;
    bool ended = false;
    uint64_t rows = 0;
    // Seconds since the loader started, for the timing log.
    double started_at = 0;
    double copied_at = 0;  // the COPY ended; a bulk rebuild runs from here to the commit
    double committed_at = 0;
};

class CopyLoader {
public:
    static constexpr size_t chunk_bytes = 256 * 1024;
    // Large enough for the COPY text of the bands of the default scenario's
    // two events without tap logs (about 47 MB), so the host reaches the
    // tap-log stage while those bands still load. Peak RSS of that run is
    // about 85 MB.
    static constexpr size_t max_queued_bytes = 64 * 1024 * 1024;

    // Opens `connections` connections and their worker threads; throws
    // loadseed::Error when a connection fails.
    CopyLoader(const ConnectionUrl& url, unsigned connections);
    ~CopyLoader();
    CopyLoader(const CopyLoader&) = delete;
    CopyLoader& operator=(const CopyLoader&) = delete;

    // Queues a load; its chunks follow through push, then end.
    std::shared_ptr<Load> start(std::string label, std::vector<std::string> before_copy, std::string copy_statement,
                                std::shared_ptr<const Load> after, bool urgent, std::string rebuild_table = {});
    // Adds a chunk of COPY text that contains `rows` rows. Blocks while the queues
    // are full; throws the first failure of any load.
    void push(Load& load, std::string&& chunk, uint64_t rows);
    // Marks the load complete; a worker commits it in the background.
    void end(Load& load);
    // Waits until the load is committed; throws the first failure of any load.
    void wait(const Load& load);
    // Waits for every load; throws the first failure.
    void wait_all();
    // Throws the first failure of any load, if there was one.
    void check();
    // Returns whether the load has committed.
    bool committed(const Load& load) const;
    // Stops every worker: loads not yet committed roll back. Cannot fail.
    void abandon() noexcept;

    uint64_t committed_rows() const;
    // Every load so far, in the order they were created.
    const std::vector<std::shared_ptr<Load>>& loads() const { return all_; }

private:
    class Worker;

    void run(Worker& worker);
    // Sends one load through `worker` and commits it.
    void copy(Worker& worker, Load& load);
    bool ready_locked(const Load& load) const;
    // Removes and returns the load a free worker takes next, or null.
    std::shared_ptr<Load> take_ready_locked();
    void throw_failure_locked() const;

    double seconds() const;

    const ConnectionUrl& url_;
    const std::chrono::steady_clock::time_point created_ = std::chrono::steady_clock::now();
    mutable std::mutex mutex_;
    std::condition_variable work_ready_;  // a load or a chunk for a worker
    std::condition_variable progress_;    // space in the queues, a commit, a failure
    std::deque<std::shared_ptr<Load>> queued_;
    std::vector<std::shared_ptr<Load>> all_;
    size_t queued_bytes_ = 0;
    bool stopping_ = false;
    std::optional<loadseed::Error> failure_;
    uint64_t committed_rows_ = 0;
    std::vector<std::unique_ptr<Worker>> workers_;
};

}  // namespace postgres_sink
