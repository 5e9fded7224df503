/* A MADE-UP FUTURE ABI 1.1 for tests only: 1.0 plus members appended at the
 * ends of ls_sink_vtable and ls_plugin, as a real minor release would add them.
 * Plugins built against it must load in a 1.0 host, which never calls them. */
/*
 * loadseed plugin ABI, version 1.0.
 *
 * A plugin is a shared library that exports one C function, LOADSEED_ENTRY_SYMBOL,
 * returning a static ls_plugin descriptor. Only plain C data crosses this boundary:
 * fixed-width integers, enums passed as int32_t, pointers with lengths, and structs
 * whose first member is their own size.
 *
 * Versioning rules:
 *   - A change of LOADSEED_ABI_MAJOR breaks plugins; the host rejects a plugin whose
 *     major differs from its own.
 *   - A minor version only appends members at the end of structs. Every growable
 *     struct starts with `struct_size`, and a reader touches a member only when
 *     `struct_size` covers it (see LS_HAS_MEMBER). So a host loads plugins built for
 *     an older or a newer minor, and never calls a function it does not know.
 *
 * Threading: the host calls each plugin instance from one thread at a time. A plugin
 * may start threads of its own but must join them before its close call returns.
 *
 * Errors: every fallible call returns an ls_status. After a call returns anything
 * but LS_OK or LS_SKIP, the host reads the reason with last_error(instance).
 *
 * Ownership: a pointer passed into a plugin call is valid only for the duration of
 * that call unless its comment says otherwise. Strings returned by a plugin
 * (last_error, descriptor fields) stay owned by the plugin.
 */
#ifndef LOADSEED_PLUGIN_H
#define LOADSEED_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LOADSEED_ABI_MAJOR 1
#define LOADSEED_ABI_MINOR 1

/* The symbol every plugin exports; its type is ls_plugin_entry_fn. */
#define LOADSEED_ENTRY_SYMBOL "loadseed_plugin_entry"

/* True when a struct of `size` bytes, read through type T, contains MEMBER. */
#define LS_HAS_MEMBER(T, size, MEMBER) \
    ((size_t)(size) >= offsetof(T, MEMBER) + sizeof(((T *)0)->MEMBER))

#if defined(_WIN32)
#define LOADSEED_EXPORT __declspec(dllexport)
#else
#define LOADSEED_EXPORT __attribute__((visibility("default")))
#endif

/* ------------------------------------------------------------------------- */
/* Status codes                                                               */
/* ------------------------------------------------------------------------- */

typedef int32_t ls_status;
enum {
    LS_OK = 0,
    /* The sink already holds this stage's data, or does not store this table. */
    LS_SKIP = 1,
    LS_ERROR = 2,
    LS_INVALID_ARGUMENT = 3,
    /* Credentials were rejected; retrying cannot help. */
    LS_UNAUTHORIZED = 4,
    /* A remote service kept failing past the retry limit; a re-run may succeed. */
    LS_UNAVAILABLE = 5,
    /* The safety gate refused an operation (for example a cleanup). */
    LS_REFUSED = 6,
    /* verify found data that does not match the scenario. */
    LS_MISMATCH = 7
};

/* ------------------------------------------------------------------------- */
/* Plain data                                                                 */
/* ------------------------------------------------------------------------- */

/* A byte string that is not necessarily NUL-terminated. */
typedef struct ls_str {
    const char *data;
    size_t size;
} ls_str;

/* Capacity of the fixed id buffers below, NUL included. Ids are 25 characters. */
#define LS_ID_CAPACITY 64

typedef int32_t ls_log_level;
enum { LS_LOG_DEBUG = 0, LS_LOG_INFO = 1, LS_LOG_WARNING = 2, LS_LOG_ERROR = 3 };

/* Modes a tap can be served in, in the order of the scenario's mode table. */
typedef int32_t ls_mode;
enum { LS_MODE_PRE = 0, LS_MODE_LIVE = 1, LS_MODE_POST = 2, LS_MODE_COUNT = 3 };

/* Milliseconds since the Unix epoch, UTC. */
typedef int64_t ls_time_ms;

/* ------------------------------------------------------------------------- */
/* Options: declared by the plugin, validated and supplied by the host        */
/* ------------------------------------------------------------------------- */

typedef int32_t ls_option_type;
enum {
    LS_OPTION_STRING = 0,
    LS_OPTION_INT = 1,    /* a signed 64-bit decimal integer */
    LS_OPTION_DOUBLE = 2, /* a finite decimal number */
    LS_OPTION_BOOL = 3,   /* true or false */
    LS_OPTION_SECRET = 4  /* a string the host never prints or logs */
};

typedef struct ls_option_spec {
    const char *name;          /* lowercase, [a-z0-9_-]; set as --opt PLUGIN.NAME=VALUE */
    ls_option_type type;
    const char *default_value; /* NULL: no default; the option is unset unless given */
    const char *help;          /* one line, shown by `loadseed plugins` */
    const char *env_var;       /* NULL, or an environment variable read when unset */
    int32_t required;          /* nonzero: the host refuses to run without a value */
} ls_option_spec;

/* ------------------------------------------------------------------------- */
/* Host services, passed to every plugin instance                             */
/* ------------------------------------------------------------------------- */

typedef struct ls_host_api {
    uint32_t struct_size;
    uint32_t abi_major;
    uint32_t abi_minor;
    void *context; /* opaque; pass it back as the first argument below */

    /* Writes one line to the run's log. `message` needs no trailing newline. */
    void (*log)(void *context, ls_log_level level, const char *message);

    /* Reports work done within the current stage, in the stage's unit
     * (rows or keys). `detail` (may be NULL) is a short suffix for the progress
     * line, for example "4 in flight, 12 retries". */
    void (*progress)(void *context, uint64_t done, const char *detail);

    /* Returns the validated value of this plugin's option `name`, or NULL when
     * the option is unset. The string lives until the instance is closed. */
    const char *(*get_option)(void *context, const char *name);
} ls_host_api;

/* ------------------------------------------------------------------------- */
/* The scenario as the sinks see it                                          */
/* ------------------------------------------------------------------------- */

typedef struct ls_organization {
    char id[LS_ID_CAPACITY]; /* a sink may replace it with the id it already stores */
    const char *name;
    const char *slug;
} ls_organization;

typedef struct ls_event {
    char id[LS_ID_CAPACITY];        /* replaceable, as above */
    char window_id[LS_ID_CAPACITY]; /* the LIVE window: "<id>-live" */
    const char *name;
    const char *band_prefix;
    const char *city;
    const char *state;
    const char *location; /* "City, ST" */
    double latitude;
    double longitude;
    int32_t estimated_attendees;
    const char *live_url;
    /* This shard's bands are numbers first_band .. first_band + band_count - 1
     * out of 1 .. total_bands. */
    uint64_t total_bands;
    uint64_t first_band;
    uint64_t band_count;
    /* This shard's tap logs are indexes first_tap .. first_tap + tap_count - 1
     * out of 0 .. total_taps - 1. */
    uint64_t total_taps;
    uint64_t first_tap;
    uint64_t tap_count;
    /* Digits in a band number: at least 6, more when total_bands needs them. */
    uint32_t band_number_width;
} ls_event;

typedef struct ls_mode_entry {
    const char *name; /* "PRE", "LIVE", "POST" */
    const char *url;
    double weight;
} ls_mode_entry;

typedef struct ls_run {
    uint32_t struct_size;
    ls_organization organization;
    ls_event *events; /* event_count entries; sinks may write their id fields */
    size_t event_count;
    const ls_mode_entry *modes; /* LS_MODE_COUNT entries */
    ls_time_ms started_at;      /* the one clock reading behind every timestamp */
    ls_time_ms tap_window_start;
    ls_time_ms tap_window_end;
    uint64_t seed;
    uint32_t shard_index; /* 1-based */
    uint32_t shard_count;
    const char *scenario_json; /* the resolved scenario, for manifests */
    const char *user_agent;
    int32_t dry_run; /* nonzero: report what would be done and change nothing */
} ls_run;

/* ------------------------------------------------------------------------- */
/* Record batches                                                            */
/* ------------------------------------------------------------------------- */

typedef int32_t ls_table;
enum {
    LS_TABLE_BAND = 1,
    LS_TABLE_KV_PAIR = 2,
    LS_TABLE_TAP_LOG = 3
};

typedef struct ls_band_row {
    ls_str id;      /* Band.id, the internal 25-character id */
    ls_str band_id; /* Band.bandId, prefix + zero-padded number */
    uint64_t number;
} ls_band_row;

typedef struct ls_kv_row {
    ls_str key;
    ls_str value; /* JSON text */
} ls_kv_row;

typedef struct ls_tap_row {
    ls_str id;
    ls_str band_row_id; /* Band.id of the band as generated in this run */
    uint64_t band_number; /* lets a sink map to a Band.id it stored earlier */
    ls_time_ms tapped_at;
    ls_mode mode;
    ls_str redirect_url;
    ls_str window_id; /* empty: NULL in the database */
    ls_str ip_address;
} ls_tap_row;

/* A stage is one table of one event: all its rows pass through one
 * begin_stage / write_batch... / end_stage sequence. */
typedef struct ls_stage {
    uint32_t struct_size;
    ls_table table;
    uint32_t event_index;  /* into ls_run.events */
    uint64_t row_count;    /* rows this stage will carry */
} ls_stage;

typedef struct ls_batch {
    uint32_t struct_size;
    ls_table table;
    uint32_t event_index;
    uint64_t first_row;  /* position of rows[0] within the stage, from 0 */
    size_t row_count;
    size_t row_size;     /* stride of `rows` in bytes: sizeof the row struct */
    const void *rows;    /* ls_band_row, ls_kv_row or ls_tap_row by table */
} ls_batch;

/* Counters a sink reports when it finishes; the host adds seconds itself. */
typedef struct ls_sink_summary {
    uint32_t struct_size;
    uint64_t rows;     /* database or file rows written */
    uint64_t keys;     /* KV keys written or deleted */
    uint64_t files;
    uint64_t bytes;
    uint64_t requests;
    uint64_t retries;
    char detail[256];  /* one line for the summary, e.g. the output folder */
} ls_sink_summary;

/* One line of a sink's audit or verify report, e.g. ("Band rows", "LT Event
 * Nashville", expected 200000, found 200000). expected < 0: not checked. */
typedef struct ls_report_line {
    uint32_t struct_size;
    const char *subject;
    const char *scope;
    int64_t expected;
    int64_t found;
    const char *note; /* may be NULL */
} ls_report_line;

/* Receives report lines during audit and verify; valid for the call only. */
typedef struct ls_report_sink {
    uint32_t struct_size;
    void *context;
    void (*line)(void *context, const ls_report_line *line);
} ls_report_sink;

/* ------------------------------------------------------------------------- */
/* Sinks                                                                     */
/* ------------------------------------------------------------------------- */

/*
 * The host drives a sink through one seed run as:
 *   open -> prepare -> (begin_stage -> write_batch* -> end_stage)* -> finish -> close
 * and calls abandon instead of the remaining steps when any sink fails, so open
 * transactions roll back and half-written files are removed.
 */
typedef struct ls_sink_vtable {
    uint32_t struct_size;

    /* Creates an instance. `host` stays valid until close. On failure the
     * plugin still sets *instance when it can, so the host reads last_error and
     * then calls close; *instance left NULL means there is nothing to close. */
    ls_status (*open)(const ls_host_api *host, void **instance);

    /* Checks connectivity and schema, and finds or creates the organization,
     * events and windows. The sink may overwrite the id fields of `run` with ids
     * it already stores, so every sink writes the same ids downstream. */
    ls_status (*prepare)(void *instance, ls_run *run);

    /* Returns LS_SKIP when the sink already holds the stage's rows or does not
     * store this table; the host then sends it no batches for the stage. */
    ls_status (*begin_stage)(void *instance, const ls_stage *stage);
    ls_status (*write_batch)(void *instance, const ls_batch *batch);
    /* Ends the stage. A sink may finish the stage's work in the background
     * (for example commit on another connection while the next stage streams),
     * but every stage's rows must be durable when finish returns, and a failure
     * must surface from end_stage, a later call, or finish. */
    ls_status (*end_stage)(void *instance, const ls_stage *stage);

    /* Completes the run and fills the summary. */
    ls_status (*finish)(void *instance, ls_sink_summary *summary);

    /* Discards uncommitted work after a failure elsewhere; cannot fail. */
    void (*abandon)(void *instance);

    /* Releases the instance. Called exactly once for every instance that open
     * set, whether open succeeded or not. */
    void (*close)(void *instance);

    /* The message of the last failed call, or "" if none. */
    const char *(*last_error)(void *instance);

    /* The calls below serve `loadseed cleanup` and `loadseed verify`. Each is
     * optional: NULL means the sink does not support that command. The run
     * they get describes the scenario (names, prefixes, counts), but the host
     * does not know the ids a sink stored: organization.id, events[].id and
     * events[].window_id are empty strings. A sink finds its records by the
     * organization's slug and name, the event names and the band prefixes,
     * and must not create anything.
     */

    /* Reports what the sink holds of the scenario's data set, one line per
     * count. `found` counts records of the data set, so after a complete
     * cleanup every line's `found` is 0. */
    ls_status (*audit)(void *instance, const ls_run *run, const ls_report_sink *report);

    /* The safety gate: returns LS_REFUSED, with the reason in last_error, when
     * deleting the scenario's data set could touch anything the scenario did not
     * create. Deletes nothing. */
    ls_status (*check_cleanup)(void *instance, const ls_run *run, const ls_report_sink *report);

    /* Deletes the scenario's data set. Called only after every selected sink
     * passed check_cleanup. Must be idempotent: deleting what is already gone
     * succeeds. Fills `summary` with what was deleted. */
    ls_status (*cleanup)(void *instance, const ls_run *run, ls_sink_summary *summary);

    /* Compares what the sink holds with the scenario; returns LS_MISMATCH when
     * anything differs. `full` nonzero: check every record, not a sample. */
    ls_status (*verify)(void *instance, const ls_run *run, int32_t full,
                        const ls_report_sink *report);

    /* 1.1: a call a 1.0 host does not know about. */
    ls_status (*estimate_rows_per_second)(void *instance, uint64_t *rows_per_second);
} ls_sink_vtable;

/* ------------------------------------------------------------------------- */
/* Generators                                                                */
/* ------------------------------------------------------------------------- */

/* Asks for the tap logs first_index .. first_index + count - 1 of one event.
 * A generator must make sample i depend only on (seed, event_index, i), so runs
 * are reproducible and shards of a run add up to the whole run. */
typedef struct ls_tap_request {
    uint32_t struct_size;
    uint64_t seed;
    uint32_t event_index;
    uint64_t first_index;
    uint64_t count;
    uint64_t total;       /* the event's tap count over all shards */
    uint64_t band_count;  /* pick band numbers from 1 .. band_count */
    const double *mode_weights; /* mode_count weights, summing to 1 */
    uint32_t mode_count;
    size_t sample_size;   /* stride of the output array in bytes */
} ls_tap_request;

typedef struct ls_tap_sample {
    double position;      /* time within the tap window: 0 = start, 1 = end */
    uint64_t band_number; /* 1 .. band_count */
    ls_mode mode;         /* index into the mode weights */
} ls_tap_sample;

typedef struct ls_generator_vtable {
    uint32_t struct_size;
    /* Same contract as ls_sink_vtable.open. */
    ls_status (*open)(const ls_host_api *host, void **instance);
    /* Fills request->count samples, each request->sample_size bytes apart. */
    ls_status (*generate)(void *instance, const ls_tap_request *request, void *samples);
    void (*close)(void *instance);
    const char *(*last_error)(void *instance);
} ls_generator_vtable;

/* ------------------------------------------------------------------------- */
/* The plugin descriptor                                                     */
/* ------------------------------------------------------------------------- */

typedef int32_t ls_plugin_kind;
enum { LS_PLUGIN_SINK = 1, LS_PLUGIN_GENERATOR = 2 };

typedef struct ls_plugin {
    uint32_t struct_size;
    uint32_t abi_major; /* LOADSEED_ABI_MAJOR the plugin was built with */
    uint32_t abi_minor;
    ls_plugin_kind kind;
    const char *name;        /* lowercase, [a-z0-9-], unique among loaded plugins */
    const char *version;     /* the plugin's own version, e.g. "1.2.0" */
    const char *description; /* one line */
    const ls_option_spec *options;
    size_t option_count;
    size_t option_spec_size; /* sizeof(ls_option_spec) as the plugin was built */
    const ls_sink_vtable *sink;           /* set when kind == LS_PLUGIN_SINK */
    const ls_generator_vtable *generator; /* set when kind == LS_PLUGIN_GENERATOR */
    /* 1.1 */
    const char *homepage;
} ls_plugin;

/* The exported entry point. It returns a descriptor with static storage
 * duration, or NULL when the plugin cannot run on this machine. */
typedef const ls_plugin *(*ls_plugin_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* LOADSEED_PLUGIN_H */
