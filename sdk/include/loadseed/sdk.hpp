// C++ layer over the loadseed plugin ABI (plugin.h).
//
// A sink author derives from loadseed::Sink, overrides the steps it needs, and
// writes one LOADSEED_SINK_PLUGIN(...) line. A generator author does the same
// with loadseed::Generator and LOADSEED_GENERATOR_PLUGIN(...). The macros build the C
// descriptor and function table. Every call into the plugin goes through a
// trampoline that catches exceptions, so no C++ exception crosses the ABI: a thrown
// loadseed::Error keeps its status, any other exception becomes LS_ERROR, and its
// what() becomes the message the host prints.
#ifndef LOADSEED_SDK_HPP
#define LOADSEED_SDK_HPP

#include <loadseed/plugin.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <exception>
#include <iterator>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace loadseed {

// An error with an ABI status code, thrown by plugin code and turned into the
// call's return value by the trampolines.
class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message, ls_status status = LS_ERROR)
        : std::runtime_error(message), status_(status) {}
    ls_status status() const noexcept { return status_; }

private:
    ls_status status_;
};

inline std::string_view view(ls_str s) noexcept { return {s.data, s.size}; }
inline ls_str make_str(std::string_view s) noexcept { return {s.data(), s.size()}; }

// Host services as seen by a plugin instance.
class Host {
public:
    explicit Host(const ls_host_api* api) : api_(api) {}

    void log(ls_log_level level, const std::string& message) const {
        if (api_ && api_->log) api_->log(api_->context, level, message.c_str());
    }
    void info(const std::string& message) const { log(LS_LOG_INFO, message); }
    void warn(const std::string& message) const { log(LS_LOG_WARNING, message); }
    void debug(const std::string& message) const { log(LS_LOG_DEBUG, message); }

    void progress(uint64_t done, const char* detail = nullptr) const {
        if (api_ && api_->progress) api_->progress(api_->context, done, detail);
    }

    // Returns the option's validated value, or nullopt when it is unset.
    std::optional<std::string> option(const char* name) const {
        if (!api_ || !api_->get_option) return std::nullopt;
        const char* value = api_->get_option(api_->context, name);
        if (!value) return std::nullopt;
        return std::string(value);
    }

    // Returns the option's value; throws when a required option is unset. The
    // host has already checked types, so the conversions below cannot fail on
    // values it passed.
    std::string require(const char* name) const {
        auto value = option(name);
        if (!value) throw Error(std::string("option '") + name + "' is not set", LS_INVALID_ARGUMENT);
        return *value;
    }
    std::string option_or(const char* name, std::string fallback) const {
        auto value = option(name);
        return value ? *value : std::move(fallback);
    }
    int64_t int_option(const char* name, int64_t fallback) const {
        auto value = option(name);
        if (!value) return fallback;
        int64_t parsed = 0;
        auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), parsed);
        if (ec != std::errc() || end != value->data() + value->size())
            throw Error(std::string("option '") + name + "' is not an integer: " + *value,
                        LS_INVALID_ARGUMENT);
        return parsed;
    }
    double double_option(const char* name, double fallback) const {
        auto value = option(name);
        if (!value) return fallback;
        try {
            size_t used = 0;
            double parsed = std::stod(*value, &used);
            if (used == value->size()) return parsed;
        } catch (const std::exception&) {
        }
        throw Error(std::string("option '") + name + "' is not a number: " + *value,
                    LS_INVALID_ARGUMENT);
    }
    bool bool_option(const char* name, bool fallback) const {
        auto value = option(name);
        if (!value) return fallback;
        return *value == "true";
    }

    const ls_host_api* api() const noexcept { return api_; }

private:
    const ls_host_api* api_;
};

// Iterates the rows of a batch with the host's stride, so a plugin built for an
// older minor still reads the members it knows from a host that added more.
template <class Row>
class Rows {
public:
    explicit Rows(const ls_batch& batch)
        : base_(static_cast<const unsigned char*>(batch.rows)),
          count_(batch.row_count),
          stride_(batch.row_size) {
        if (stride_ < sizeof(Row))
            throw Error("batch rows are smaller than this plugin's row struct; rebuild the plugin "
                        "against the host's SDK");
    }

    class iterator {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = Row;
        using difference_type = std::ptrdiff_t;
        using pointer = const Row*;
        using reference = const Row&;

        iterator(const unsigned char* at, size_t stride) : at_(at), stride_(stride) {}
        const Row& operator*() const { return *reinterpret_cast<const Row*>(at_); }
        const Row* operator->() const { return reinterpret_cast<const Row*>(at_); }
        iterator& operator++() {
            at_ += stride_;
            return *this;
        }
        bool operator==(const iterator& other) const { return at_ == other.at_; }
        bool operator!=(const iterator& other) const { return at_ != other.at_; }

    private:
        const unsigned char* at_;
        size_t stride_;
    };

    iterator begin() const { return {base_, stride_}; }
    iterator end() const { return {base_ + count_ * stride_, stride_}; }
    size_t size() const { return count_; }
    const Row& operator[](size_t i) const {
        return *reinterpret_cast<const Row*>(base_ + i * stride_);
    }

private:
    const unsigned char* base_;
    size_t count_;
    size_t stride_;
};

// Base class of sink plugins. Each virtual mirrors one ls_sink_vtable entry; a
// sink overrides what it needs and reports failures by throwing loadseed::Error.
class Sink {
public:
    // Set to true in a derived class that overrides audit, check_cleanup and
    // cleanup; the macro then exposes them to the host.
    static constexpr bool supports_cleanup = false;
    // Set to true in a derived class that overrides verify.
    static constexpr bool supports_verify = false;

    explicit Sink(const Host& host) : host_(host) {}
    virtual ~Sink() = default;
    Sink(const Sink&) = delete;
    Sink& operator=(const Sink&) = delete;

    virtual void prepare(ls_run& /*run*/) {}
    // Returns LS_OK to receive the stage's batches, or LS_SKIP.
    virtual ls_status begin_stage(const ls_stage& /*stage*/) { return LS_SKIP; }
    virtual void write_batch(const ls_batch& /*batch*/) {}
    virtual void end_stage(const ls_stage& /*stage*/) {}
    virtual void finish(ls_sink_summary& /*summary*/) {}
    virtual void abandon() noexcept {}

    virtual void audit(const ls_run& /*run*/, const ls_report_sink& /*report*/) {}
    virtual void check_cleanup(const ls_run& /*run*/, const ls_report_sink& /*report*/) {}
    virtual void cleanup(const ls_run& /*run*/, ls_sink_summary& /*summary*/) {}
    // Returns LS_OK or LS_MISMATCH.
    virtual ls_status verify(const ls_run& /*run*/, bool /*full*/, const ls_report_sink& /*report*/) {
        return LS_OK;
    }

protected:
    const Host& host() const { return host_; }

private:
    Host host_;
};

// Base class of tap generator plugins.
class Generator {
public:
    explicit Generator(const Host& host) : host_(host) {}
    virtual ~Generator() = default;
    Generator(const Generator&) = delete;
    Generator& operator=(const Generator&) = delete;

    // Fills samples[0 .. request.count - 1]; sample i belongs to tap index
    // request.first_index + i.
    virtual void generate(const ls_tap_request& request, ls_tap_sample* samples) = 0;

protected:
    const Host& host() const { return host_; }

private:
    Host host_;
};

// Writes one report line; a convenience for audit and verify implementations.
inline void report_line(const ls_report_sink& report, const std::string& subject,
                        const std::string& scope, int64_t expected, int64_t found,
                        const std::string& note = {}) {
    ls_report_line line{};
    line.struct_size = sizeof(line);
    line.subject = subject.c_str();
    line.scope = scope.c_str();
    line.expected = expected;
    line.found = found;
    line.note = note.empty() ? nullptr : note.c_str();
    if (report.line) report.line(report.context, &line);
}

namespace detail {

// One plugin instance as the host sees it: the user's object plus the message of
// the last failed call, which must outlive the call that set it.
template <class T>
struct Instance {
    explicit Instance(const ls_host_api* api) : host(api) {}
    Host host;
    std::unique_ptr<T> object;
    std::string error;
};

// Runs `attempt` and turns any exception into a status, keeping the message
// in `error`: a loadseed::Error keeps its own status, others become LS_ERROR.
template <class F>
ls_status contain(std::string& error, F&& attempt) noexcept {
    try {
        return attempt();
    } catch (const Error& e) {
        error = e.what();
        return e.status() == LS_OK ? LS_ERROR : e.status();
    } catch (const std::exception& e) {
        error = e.what();
        return LS_ERROR;
    } catch (...) {
        error = "unknown exception";
        return LS_ERROR;
    }
}

template <class T, class F>
ls_status guard(void* raw, F&& body) noexcept {
    auto* instance = static_cast<Instance<T>*>(raw);
    instance->error.clear();
    return contain(instance->error, [&] { return body(*instance->object); });
}

template <class T>
ls_status open_instance(const ls_host_api* api, void** out) noexcept {
    *out = nullptr;
    Instance<T>* instance = nullptr;
    try {
        instance = new Instance<T>(api);
    } catch (...) {
        return LS_ERROR;
    }
    *out = instance;
    return contain(instance->error, [&] {
        instance->object = std::make_unique<T>(instance->host);
        return LS_OK;
    });
}

template <class T>
void close_instance(void* raw) noexcept {
    delete static_cast<Instance<T>*>(raw);
}

template <class T>
const char* last_error(void* raw) noexcept {
    return raw ? static_cast<Instance<T>*>(raw)->error.c_str() : "";
}

template <class T>
struct SinkTable {
    static ls_status prepare(void* raw, ls_run* run) noexcept {
        return guard<T>(raw, [&](T& sink) { sink.prepare(*run); return LS_OK; });
    }
    static ls_status begin_stage(void* raw, const ls_stage* stage) noexcept {
        return guard<T>(raw, [&](T& sink) { return sink.begin_stage(*stage); });
    }
    static ls_status write_batch(void* raw, const ls_batch* batch) noexcept {
        return guard<T>(raw, [&](T& sink) { sink.write_batch(*batch); return LS_OK; });
    }
    static ls_status end_stage(void* raw, const ls_stage* stage) noexcept {
        return guard<T>(raw, [&](T& sink) { sink.end_stage(*stage); return LS_OK; });
    }
    static ls_status finish(void* raw, ls_sink_summary* summary) noexcept {
        return guard<T>(raw, [&](T& sink) { sink.finish(*summary); return LS_OK; });
    }
    static void abandon(void* raw) noexcept {
        auto* instance = static_cast<Instance<T>*>(raw);
        if (instance->object) instance->object->abandon();
    }
    static ls_status audit(void* raw, const ls_run* run, const ls_report_sink* report) noexcept {
        return guard<T>(raw, [&](T& sink) { sink.audit(*run, *report); return LS_OK; });
    }
    static ls_status check_cleanup(void* raw, const ls_run* run, const ls_report_sink* report) noexcept {
        return guard<T>(raw, [&](T& sink) { sink.check_cleanup(*run, *report); return LS_OK; });
    }
    static ls_status cleanup(void* raw, const ls_run* run, ls_sink_summary* summary) noexcept {
        return guard<T>(raw, [&](T& sink) { sink.cleanup(*run, *summary); return LS_OK; });
    }
    static ls_status verify(void* raw, const ls_run* run, int32_t full,
                            const ls_report_sink* report) noexcept {
        return guard<T>(raw, [&](T& sink) { return sink.verify(*run, full != 0, *report); });
    }

    static const ls_sink_vtable* table() noexcept {
        static const ls_sink_vtable vtable = [] {
            ls_sink_vtable v{};
            v.struct_size = sizeof(v);
            v.open = &open_instance<T>;
            v.prepare = &prepare;
            v.begin_stage = &begin_stage;
            v.write_batch = &write_batch;
            v.end_stage = &end_stage;
            v.finish = &finish;
            v.abandon = &abandon;
            v.close = &close_instance<T>;
            v.last_error = &last_error<T>;
            if constexpr (T::supports_cleanup) {
                v.audit = &audit;
                v.check_cleanup = &check_cleanup;
                v.cleanup = &cleanup;
            }
            if constexpr (T::supports_verify) v.verify = &verify;
            return v;
        }();
        return &vtable;
    }
};

template <class T>
struct GeneratorTable {
    static ls_status generate(void* raw, const ls_tap_request* request, void* samples) noexcept {
        return guard<T>(raw, [&](T& generator) {
            if (request->sample_size == sizeof(ls_tap_sample)) {
                generator.generate(*request, static_cast<ls_tap_sample*>(samples));
                return LS_OK;
            }
            // The host's sample struct differs from ours: generate into our own
            // layout, then copy the members both know into the host's stride.
            auto local = std::make_unique<ls_tap_sample[]>(request->count);
            generator.generate(*request, local.get());
            size_t common = std::min(request->sample_size, sizeof(ls_tap_sample));
            auto* out = static_cast<unsigned char*>(samples);
            for (uint64_t i = 0; i < request->count; ++i)
                std::memcpy(out + i * request->sample_size, &local[i], common);
            return LS_OK;
        });
    }

    static const ls_generator_vtable* table() noexcept {
        static const ls_generator_vtable vtable = [] {
            ls_generator_vtable v{};
            v.struct_size = sizeof(v);
            v.open = &open_instance<T>;
            v.generate = &generate;
            v.close = &close_instance<T>;
            v.last_error = &last_error<T>;
            return v;
        }();
        return &vtable;
    }
};

template <class Options>
ls_plugin make_descriptor(ls_plugin_kind kind, const char* name, const char* version,
                          const char* description, const Options& options) {
    ls_plugin plugin{};
    plugin.struct_size = sizeof(plugin);
    plugin.abi_major = LOADSEED_ABI_MAJOR;
    plugin.abi_minor = LOADSEED_ABI_MINOR;
    plugin.kind = kind;
    plugin.name = name;
    plugin.version = version;
    plugin.description = description;
    plugin.options = std::size(options) ? std::data(options) : nullptr;
    plugin.option_count = std::size(options);
    plugin.option_spec_size = sizeof(ls_option_spec);
    return plugin;
}

}  // namespace detail

// An empty option table, for plugins without options.
inline constexpr struct NoOptions {
    static constexpr const ls_option_spec* data() { return nullptr; }
    static constexpr size_t size() { return 0; }
} no_options{};

}  // namespace loadseed

// The exported entry symbol's name. A host that links a plugin in statically
// defines it to a unique name before including this header.
#ifndef LOADSEED_PLUGIN_ENTRY_NAME
#define LOADSEED_PLUGIN_ENTRY_NAME loadseed_plugin_entry
#endif

// Defines the plugin entry point for sink class CLASS. OPTIONS is an array (or
// std::array) of ls_option_spec, or loadseed::no_options.
#define LOADSEED_SINK_PLUGIN(CLASS, NAME, VERSION, DESCRIPTION, OPTIONS)                    \
    extern "C" LOADSEED_EXPORT const ls_plugin* LOADSEED_PLUGIN_ENTRY_NAME(void) {          \
        static const ls_plugin plugin = [] {                                               \
            ls_plugin p = ::loadseed::detail::make_descriptor(LS_PLUGIN_SINK, NAME, VERSION, \
                                                              DESCRIPTION, OPTIONS);         \
            p.sink = ::loadseed::detail::SinkTable<CLASS>::table();                         \
            return p;                                                                      \
        }();                                                                               \
        return &plugin;                                                                    \
    }

// Defines the plugin entry point for generator class CLASS.
#define LOADSEED_GENERATOR_PLUGIN(CLASS, NAME, VERSION, DESCRIPTION, OPTIONS)                    \
    extern "C" LOADSEED_EXPORT const ls_plugin* LOADSEED_PLUGIN_ENTRY_NAME(void) {               \
        static const ls_plugin plugin = [] {                                                    \
            ls_plugin p = ::loadseed::detail::make_descriptor(LS_PLUGIN_GENERATOR, NAME, VERSION, \
                                                              DESCRIPTION, OPTIONS);              \
            p.generator = ::loadseed::detail::GeneratorTable<CLASS>::table();                    \
            return p;                                                                           \
        }();                                                                                    \
        return &plugin;                                                                         \
    }

#endif  // LOADSEED_SDK_HPP
