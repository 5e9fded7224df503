// The redis-queue sink: pushes tap logs onto a Redis list, the way the
// platform's pending-tap queue receives them, one JSON object per tap.
//
// A run loads the list whole or not at all: taps go to a scratch key first,
// and end_stage renames it over the target key (RENAME is atomic), so a
// consumer never sees half a load and a failed run leaves the old list.
// Bands and KV pairs are not this sink's business; it skips those stages.
#include <loadseed/sdk.hpp>
#include <loadseed/text.hpp>
#include <loadseed/timestamp.hpp>

#include <hiredis/hiredis.h>

#include <array>
#include <memory>
#include <string>
#include <unistd.h>

namespace {

using loadseed::Error;

const std::array<ls_option_spec, 3> options = {{
    {"host", LS_OPTION_STRING, "127.0.0.1", "Redis server host", "REDIS_HOST", 0},
    {"port", LS_OPTION_INT, "6379", "Redis server port", "REDIS_PORT", 0},
    {"key", LS_OPTION_STRING, "tap-log:pending", "list the tap logs are pushed onto", nullptr, 0},
}};

struct ReplyDeleter {
    void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

using loadseed::append_json_string;

class RedisQueueSink : public loadseed::Sink {
public:
    explicit RedisQueueSink(const loadseed::Host& host)
        : Sink(host), key_(host.option_or("key", "tap-log:pending")) {
        std::string server = host.option_or("host", "127.0.0.1");
        int port = static_cast<int>(host.int_option("port", 6379));
        context_.reset(redisConnect(server.c_str(), port));
        if (!context_ || context_->err)
            throw Error("cannot connect to Redis at " + server + ":" + std::to_string(port) + ": " +
                            (context_ ? context_->errstr : "out of memory") +
                            "; start redis-server or set --opt redis-queue.host/port",
                        LS_UNAVAILABLE);
        scratch_ = key_ + ":loading:" + std::to_string(::getpid());
    }

    void prepare(ls_run& run) override { run_ = &run; }

    ls_status begin_stage(const ls_stage& stage) override {
        if (stage.table != LS_TABLE_TAP_LOG) return LS_SKIP;
        command("DEL %b", scratch_.data(), scratch_.size());
        return LS_OK;
    }

    // Pipelines one RPUSH per tap and then reads every reply, so a batch of
    // 10,000 taps costs one round trip instead of 10,000.
    void write_batch(const ls_batch& batch) override {
        const ls_event& event = run_->events[batch.event_index];
        std::string json;
        char tapped_at[25] = {};  // ISO 8601 UTC: "2026-05-01T18:00:00.000Z"
        for (const ls_tap_row& tap : loadseed::Rows<ls_tap_row>(batch)) {
            loadseed::format_sql_timestamp(tap.tapped_at, tapped_at);
            tapped_at[10] = 'T';
            tapped_at[23] = 'Z';
            json.clear();
            json += "{\"id\":";
            append_json_string(json, loadseed::view(tap.id));
            json += ",\"bandId\":";
            append_json_string(json, loadseed::view(tap.band_row_id));
            json += ",\"eventId\":";
            append_json_string(json, event.id);
            json += ",\"windowId\":";
            if (tap.window_id.size)
                append_json_string(json, loadseed::view(tap.window_id));
            else
                json += "null";
            json += ",\"tappedAt\":";
            append_json_string(json, tapped_at);
            json += ",\"modeServed\":";
            append_json_string(json, run_->modes[tap.mode].name);
            json += ",\"redirectUrl\":";
            append_json_string(json, loadseed::view(tap.redirect_url));
            json += ",\"userAgent\":";
            append_json_string(json, run_->user_agent);
            json += ",\"ipAddress\":";
            append_json_string(json, loadseed::view(tap.ip_address));
            json += '}';
            redisAppendCommand(context_.get(), "RPUSH %b %b", scratch_.data(), scratch_.size(), json.data(),
                               json.size());
        }
        for (size_t i = 0; i < batch.row_count; ++i) {
            void* raw = nullptr;
            if (redisGetReply(context_.get(), &raw) != REDIS_OK)
                throw Error(std::string("Redis connection failed during RPUSH: ") + context_->errstr, LS_UNAVAILABLE);
            Reply reply(static_cast<redisReply*>(raw));
            if (reply->type == REDIS_REPLY_ERROR) throw Error(std::string("Redis RPUSH failed: ") + reply->str);
        }
        pushed_ += batch.row_count;
        host().progress(pushed_);
    }

    void end_stage(const ls_stage&) override {
        command("RENAME %b %b", scratch_.data(), scratch_.size(), key_.data(), key_.size());
    }

    void finish(ls_sink_summary& summary) override {
        summary.rows = pushed_;
        std::snprintf(summary.detail, sizeof summary.detail, "list %s", key_.c_str());
    }

    void abandon() noexcept override {
        if (!context_ || context_->err) return;
        void* reply = redisCommand(context_.get(), "DEL %b", scratch_.data(), scratch_.size());
        freeReplyObject(reply);
    }

private:
    // Runs one command and throws on a connection or command error.
    template <class... Args>
    Reply command(const char* format, Args... args) {
        Reply reply(static_cast<redisReply*>(redisCommand(context_.get(), format, args...)));
        if (!reply) throw Error(std::string("Redis connection failed: ") + context_->errstr, LS_UNAVAILABLE);
        if (reply->type == REDIS_REPLY_ERROR) throw Error(std::string("Redis command failed: ") + reply->str);
        return reply;
    }

    struct ContextDeleter {
        void operator()(redisContext* context) const { redisFree(context); }
    };

    std::string key_;
    std::string scratch_;
    std::unique_ptr<redisContext, ContextDeleter> context_;
    ls_run* run_ = nullptr;
    uint64_t pushed_ = 0;
};

}  // namespace

LOADSEED_SINK_PLUGIN(RedisQueueSink, "redis-queue", "1.0.0",
                     "Pushes tap logs onto a Redis list as JSON, like the platform's pending-tap queue", options)
