/* Records the offset and size of every ABI 1.0 member, the values of its
 * constants and enums. Compiled once against the frozen 1.0 header and once
 * against today's header (LAYOUT_NAME names each table); the test compares
 * the two, so a change that moves, resizes or renumbers anything 1.0 defined
 * fails the build's tests instead of breaking plugins in the field. */
#include <loadseed/plugin.h>

#include "abi_layout.h"

#define MEMBER(T, M) {#T "." #M, offsetof(T, M), sizeof(((T *)0)->M)}
#define SIZE(T) {"sizeof " #T, 0, sizeof(T)}
#define VALUE(C) {#C, (size_t)(C), 0}

const abi_layout_entry LAYOUT_NAME[] = {
    VALUE(LOADSEED_ABI_MAJOR), VALUE(LS_ID_CAPACITY),
    VALUE(LS_OK), VALUE(LS_SKIP), VALUE(LS_ERROR), VALUE(LS_INVALID_ARGUMENT), VALUE(LS_UNAUTHORIZED),
    VALUE(LS_UNAVAILABLE), VALUE(LS_REFUSED), VALUE(LS_MISMATCH),
    VALUE(LS_LOG_DEBUG), VALUE(LS_LOG_INFO), VALUE(LS_LOG_WARNING), VALUE(LS_LOG_ERROR),
    VALUE(LS_MODE_PRE), VALUE(LS_MODE_LIVE), VALUE(LS_MODE_POST), VALUE(LS_MODE_COUNT),
    VALUE(LS_OPTION_STRING), VALUE(LS_OPTION_INT), VALUE(LS_OPTION_DOUBLE), VALUE(LS_OPTION_BOOL),
    VALUE(LS_OPTION_SECRET), VALUE(LS_TABLE_BAND), VALUE(LS_TABLE_KV_PAIR), VALUE(LS_TABLE_TAP_LOG),
    VALUE(LS_PLUGIN_SINK), VALUE(LS_PLUGIN_GENERATOR),

    SIZE(ls_str), MEMBER(ls_str, data), MEMBER(ls_str, size),

    MEMBER(ls_option_spec, name), MEMBER(ls_option_spec, type), MEMBER(ls_option_spec, default_value),
    MEMBER(ls_option_spec, help), MEMBER(ls_option_spec, env_var), MEMBER(ls_option_spec, required),

    MEMBER(ls_host_api, struct_size), MEMBER(ls_host_api, abi_major), MEMBER(ls_host_api, abi_minor),
    MEMBER(ls_host_api, context), MEMBER(ls_host_api, log), MEMBER(ls_host_api, progress),
    MEMBER(ls_host_api, get_option),

    SIZE(ls_organization), MEMBER(ls_organization, id), MEMBER(ls_organization, name),
    MEMBER(ls_organization, slug),

    SIZE(ls_event), MEMBER(ls_event, id), MEMBER(ls_event, window_id), MEMBER(ls_event, name),
    MEMBER(ls_event, band_prefix), MEMBER(ls_event, city), MEMBER(ls_event, state), MEMBER(ls_event, location),
    MEMBER(ls_event, latitude), MEMBER(ls_event, longitude), MEMBER(ls_event, estimated_attendees),
    MEMBER(ls_event, live_url), MEMBER(ls_event, total_bands), MEMBER(ls_event, first_band),
    MEMBER(ls_event, band_count), MEMBER(ls_event, total_taps), MEMBER(ls_event, first_tap),
    MEMBER(ls_event, tap_count), MEMBER(ls_event, band_number_width),

    SIZE(ls_mode_entry), MEMBER(ls_mode_entry, name), MEMBER(ls_mode_entry, url), MEMBER(ls_mode_entry, weight),

    MEMBER(ls_run, struct_size), MEMBER(ls_run, organization), MEMBER(ls_run, events), MEMBER(ls_run, event_count),
    MEMBER(ls_run, modes), MEMBER(ls_run, started_at), MEMBER(ls_run, tap_window_start),
    MEMBER(ls_run, tap_window_end), MEMBER(ls_run, seed), MEMBER(ls_run, shard_index), MEMBER(ls_run, shard_count),
    MEMBER(ls_run, scenario_json), MEMBER(ls_run, user_agent), MEMBER(ls_run, dry_run),

    MEMBER(ls_band_row, id), MEMBER(ls_band_row, band_id), MEMBER(ls_band_row, number),
    MEMBER(ls_kv_row, key), MEMBER(ls_kv_row, value),
    MEMBER(ls_tap_row, id), MEMBER(ls_tap_row, band_row_id), MEMBER(ls_tap_row, band_number),
    MEMBER(ls_tap_row, tapped_at), MEMBER(ls_tap_row, mode), MEMBER(ls_tap_row, redirect_url),
    MEMBER(ls_tap_row, window_id), MEMBER(ls_tap_row, ip_address),

    MEMBER(ls_stage, struct_size), MEMBER(ls_stage, table), MEMBER(ls_stage, event_index),
    MEMBER(ls_stage, row_count),
    MEMBER(ls_batch, struct_size), MEMBER(ls_batch, table), MEMBER(ls_batch, event_index),
    MEMBER(ls_batch, first_row), MEMBER(ls_batch, row_count), MEMBER(ls_batch, row_size), MEMBER(ls_batch, rows),

    MEMBER(ls_sink_summary, struct_size), MEMBER(ls_sink_summary, rows), MEMBER(ls_sink_summary, keys),
    MEMBER(ls_sink_summary, files), MEMBER(ls_sink_summary, bytes), MEMBER(ls_sink_summary, requests),
    MEMBER(ls_sink_summary, retries), MEMBER(ls_sink_summary, detail),

    MEMBER(ls_report_line, struct_size), MEMBER(ls_report_line, subject), MEMBER(ls_report_line, scope),
    MEMBER(ls_report_line, expected), MEMBER(ls_report_line, found), MEMBER(ls_report_line, note),
    MEMBER(ls_report_sink, struct_size), MEMBER(ls_report_sink, context), MEMBER(ls_report_sink, line),

    MEMBER(ls_sink_vtable, struct_size), MEMBER(ls_sink_vtable, open), MEMBER(ls_sink_vtable, prepare),
    MEMBER(ls_sink_vtable, begin_stage), MEMBER(ls_sink_vtable, write_batch), MEMBER(ls_sink_vtable, end_stage),
    MEMBER(ls_sink_vtable, finish), MEMBER(ls_sink_vtable, abandon), MEMBER(ls_sink_vtable, close),
    MEMBER(ls_sink_vtable, last_error), MEMBER(ls_sink_vtable, audit), MEMBER(ls_sink_vtable, check_cleanup),
    MEMBER(ls_sink_vtable, cleanup), MEMBER(ls_sink_vtable, verify),

    MEMBER(ls_tap_request, struct_size), MEMBER(ls_tap_request, seed), MEMBER(ls_tap_request, event_index),
    MEMBER(ls_tap_request, first_index), MEMBER(ls_tap_request, count), MEMBER(ls_tap_request, total),
    MEMBER(ls_tap_request, band_count), MEMBER(ls_tap_request, mode_weights), MEMBER(ls_tap_request, mode_count),
    MEMBER(ls_tap_request, sample_size),
    MEMBER(ls_tap_sample, position), MEMBER(ls_tap_sample, band_number), MEMBER(ls_tap_sample, mode),

    MEMBER(ls_generator_vtable, struct_size), MEMBER(ls_generator_vtable, open),
    MEMBER(ls_generator_vtable, generate), MEMBER(ls_generator_vtable, close),
    MEMBER(ls_generator_vtable, last_error),

    MEMBER(ls_plugin, struct_size), MEMBER(ls_plugin, abi_major), MEMBER(ls_plugin, abi_minor),
    MEMBER(ls_plugin, kind), MEMBER(ls_plugin, name), MEMBER(ls_plugin, version), MEMBER(ls_plugin, description),
    MEMBER(ls_plugin, options), MEMBER(ls_plugin, option_count), MEMBER(ls_plugin, option_spec_size),
    MEMBER(ls_plugin, sink), MEMBER(ls_plugin, generator),
    {0, 0, 0},
};
