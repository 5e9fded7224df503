/* A sink written against a future ABI major: the host must reject it by name
 * and version before calling anything in it. Written in plain C to show that
 * the contract needs no C++. */
#include <loadseed/plugin.h>

static ls_status must_not_be_called(const ls_host_api *host, void **instance) {
    (void)host;
    (void)instance;
    return LS_ERROR;
}

static const ls_sink_vtable table = {.struct_size = sizeof(ls_sink_vtable), .open = must_not_be_called};

static const ls_plugin descriptor = {
    .struct_size = sizeof(ls_plugin),
    .abi_major = LOADSEED_ABI_MAJOR + 1,
    .abi_minor = 0,
    .kind = LS_PLUGIN_SINK,
    .name = "future-sink",
    .version = "9.0.0",
    .description = "a sink from a future major ABI",
    .option_spec_size = sizeof(ls_option_spec),
    .sink = &table,
};

LOADSEED_EXPORT const ls_plugin *loadseed_plugin_entry(void) { return &descriptor; }
