#include <loadseed/core/instances.hpp>

namespace loadseed::core {

namespace {

const char* status_name(ls_status status) {
    switch (status) {
    case LS_OK: return "ok";
    case LS_SKIP: return "skip";
    case LS_INVALID_ARGUMENT: return "invalid argument";
    case LS_UNAUTHORIZED: return "unauthorized";
    case LS_UNAVAILABLE: return "unavailable";
    case LS_REFUSED: return "refused";
    case LS_MISMATCH: return "mismatch";
    default: return "error";
    }
}

void host_log(void* raw, ls_log_level level, const char* message) {
    auto* context = static_cast<HostContext*>(raw);
    context->console->log(level, context->plugin_name, message ? message : "");
}

void host_progress(void* raw, uint64_t done, const char* detail) {
    auto* context = static_cast<HostContext*>(raw);
    context->console->update_stage(done, detail ? detail : "");
}

const char* host_get_option(void* raw, const char* name) {
    auto* context = static_cast<HostContext*>(raw);
    const std::string* value = context->options.find(name ? name : "");
    return value ? value->c_str() : nullptr;
}

std::unique_ptr<HostContext> make_context(const Plugin& plugin, OptionValues options, Console& console) {
    auto context = std::make_unique<HostContext>();
    context->plugin_name = plugin.name();
    context->options = std::move(options);
    context->console = &console;
    context->api.struct_size = sizeof(ls_host_api);
    context->api.abi_major = LOADSEED_ABI_MAJOR;
    context->api.abi_minor = LOADSEED_ABI_MINOR;
    context->api.context = context.get();
    context->api.log = &host_log;
    context->api.progress = &host_progress;
    context->api.get_option = &host_get_option;
    return context;
}

std::string read_error(const char* (*last_error)(void*), void* instance) {
    const char* message = instance ? last_error(instance) : nullptr;
    return message && *message ? message : "the plugin gave no reason";
}

// Opens an instance through a sink's or generator's table. On failure it
// reads the plugin's message, closes whatever open set, and throws.
template <class Table>
void* open_or_throw(const Table* table, HostContext& context) {
    void* instance = nullptr;
    ls_status status = table->open(&context.api, &instance);
    if (status == LS_OK) return instance;
    std::string message = read_error(table->last_error, instance);
    if (instance) table->close(instance);
    throw PluginError(context.plugin_name, "open", status, message);
}

}  // namespace

PluginError::PluginError(const std::string& plugin, const std::string& step, ls_status status,
                         const std::string& message)
    : std::runtime_error(plugin + ": " + step + " failed (" + status_name(status) + "): " + message),
      plugin_(plugin),
      status_(status) {}

SinkHandle::SinkHandle(const Plugin& plugin, OptionValues options, Console& console)
    : plugin_(plugin), table_(plugin.descriptor->sink), context_(make_context(plugin, std::move(options), console)) {
    instance_ = open_or_throw(table_, *context_);
}

SinkHandle::~SinkHandle() {
    if (instance_) table_->close(instance_);
}

template <class F>
ls_status SinkHandle::call(const char* step, F&& fn, std::initializer_list<ls_status> accepted) {
    auto started = std::chrono::steady_clock::now();
    ls_status status = fn();
    busy_ += std::chrono::steady_clock::now() - started;
    if (status == LS_OK) return status;
    for (ls_status ok : accepted)
        if (status == ok) return status;
    throw PluginError(name(), step, status, read_error(table_->last_error, instance_));
}

void SinkHandle::prepare(ls_run& run) {
    call("prepare", [&] { return table_->prepare(instance_, &run); });
}

bool SinkHandle::begin_stage(const ls_stage& stage) {
    return call("begin_stage", [&] { return table_->begin_stage(instance_, &stage); }, {LS_SKIP}) == LS_OK;
}

void SinkHandle::write_batch(const ls_batch& batch) {
    call("write_batch", [&] { return table_->write_batch(instance_, &batch); });
}

void SinkHandle::end_stage(const ls_stage& stage) {
    call("end_stage", [&] { return table_->end_stage(instance_, &stage); });
}

ls_sink_summary SinkHandle::finish() {
    ls_sink_summary summary{};
    summary.struct_size = sizeof(summary);
    call("finish", [&] { return table_->finish(instance_, &summary); });
    summary.detail[sizeof(summary.detail) - 1] = '\0';
    return summary;
}

void SinkHandle::abandon() noexcept {
    if (instance_) table_->abandon(instance_);
}

bool SinkHandle::supports_cleanup() const {
    return LS_HAS_MEMBER(ls_sink_vtable, table_->struct_size, cleanup) && table_->audit && table_->check_cleanup &&
           table_->cleanup;
}

bool SinkHandle::supports_verify() const {
    return LS_HAS_MEMBER(ls_sink_vtable, table_->struct_size, verify) && table_->verify;
}

ls_status SinkHandle::audit(const ls_run& run, const ls_report_sink& report) {
    return call("audit", [&] { return table_->audit(instance_, &run, &report); });
}

ls_status SinkHandle::check_cleanup(const ls_run& run, const ls_report_sink& report) {
    return call("safety check", [&] { return table_->check_cleanup(instance_, &run, &report); });
}

ls_sink_summary SinkHandle::cleanup(const ls_run& run) {
    ls_sink_summary summary{};
    summary.struct_size = sizeof(summary);
    call("cleanup", [&] { return table_->cleanup(instance_, &run, &summary); });
    summary.detail[sizeof(summary.detail) - 1] = '\0';
    return summary;
}

ls_status SinkHandle::verify(const ls_run& run, bool full, const ls_report_sink& report) {
    return call("verify", [&] { return table_->verify(instance_, &run, full ? 1 : 0, &report); }, {LS_MISMATCH});
}

GeneratorHandle::GeneratorHandle(const Plugin& plugin, OptionValues options, Console& console)
    : plugin_(plugin),
      table_(plugin.descriptor->generator),
      context_(make_context(plugin, std::move(options), console)) {
    instance_ = open_or_throw(table_, *context_);
}

GeneratorHandle::~GeneratorHandle() {
    if (instance_) table_->close(instance_);
}

void GeneratorHandle::generate(const ls_tap_request& request, ls_tap_sample* samples) {
    ls_status status = table_->generate(instance_, &request, samples);
    if (status != LS_OK) throw PluginError(name(), "generate", status, read_error(table_->last_error, instance_));
}

}  // namespace loadseed::core
