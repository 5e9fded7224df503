/* A sink in plain C that counts the rows it receives and writes the counts
 * to the file named by its `record` option when it closes. The ABI tests
 * build it against the frozen 1.0 header and against a made-up 1.1 header;
 * PLUGIN_NAME tells the two builds apart. */
#include <loadseed/plugin.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct counting_sink {
    const ls_host_api *host;
    char record[4096];
    uint64_t rows[4]; /* by ls_table */
    int finished;
    char error[256];
} counting_sink;

static ls_status sink_open(const ls_host_api *host, void **instance) {
    counting_sink *sink = calloc(1, sizeof *sink);
    *instance = sink;
    if (!sink) return LS_ERROR;
    sink->host = host;
    const char *record = host->get_option(host->context, "record");
    if (!record) {
        snprintf(sink->error, sizeof sink->error, "option 'record' is required");
        return LS_INVALID_ARGUMENT;
    }
    snprintf(sink->record, sizeof sink->record, "%s", record);
    return LS_OK;
}

static ls_status sink_prepare(void *instance, ls_run *run) {
    (void)instance;
    (void)run;
    return LS_OK;
}

static ls_status sink_begin_stage(void *instance, const ls_stage *stage) {
    (void)instance;
    (void)stage;
    return LS_OK;
}

static ls_status sink_write_batch(void *instance, const ls_batch *batch) {
    counting_sink *sink = instance;
    if (batch->table < 1 || batch->table > 3) return LS_OK;
    /* Read rows with the host's stride, as the ABI rules require. */
    const unsigned char *row = batch->rows;
    for (size_t i = 0; i < batch->row_count; ++i, row += batch->row_size) {
        const ls_str *first = (const ls_str *)row; /* every row type starts with an ls_str */
        if (first->size == 0) {
            snprintf(sink->error, sizeof sink->error, "row %zu has an empty first field", i);
            return LS_ERROR;
        }
    }
    sink->rows[batch->table] += batch->row_count;
    return LS_OK;
}

static ls_status sink_end_stage(void *instance, const ls_stage *stage) {
    (void)instance;
    (void)stage;
    return LS_OK;
}

static ls_status sink_finish(void *instance, ls_sink_summary *summary) {
    counting_sink *sink = instance;
    sink->finished = 1;
    summary->rows = sink->rows[LS_TABLE_BAND] + sink->rows[LS_TABLE_TAP_LOG];
    summary->keys = sink->rows[LS_TABLE_KV_PAIR];
    return LS_OK;
}

static void sink_abandon(void *instance) { (void)instance; }

static void sink_close(void *instance) {
    counting_sink *sink = instance;
    FILE *file = fopen(sink->record, "w");
    if (file) {
        fprintf(file, "abi=%d.%d band=%llu kv=%llu tap=%llu finished=%d\n", LOADSEED_ABI_MAJOR, LOADSEED_ABI_MINOR,
                (unsigned long long)sink->rows[LS_TABLE_BAND], (unsigned long long)sink->rows[LS_TABLE_KV_PAIR],
                (unsigned long long)sink->rows[LS_TABLE_TAP_LOG], sink->finished);
        fclose(file);
    }
    free(sink);
}

static const char *sink_last_error(void *instance) { return instance ? ((counting_sink *)instance)->error : ""; }

#if LOADSEED_ABI_MINOR >= 1
/* A host that knows only 1.0 must never call this. */
static ls_status sink_estimate_rows_per_second(void *instance, uint64_t *rows_per_second) {
    (void)instance;
    (void)rows_per_second;
    fprintf(stderr, "counting sink: a 1.0 host called a 1.1 function\n");
    abort();
}
#endif

static const ls_sink_vtable table = {
    .struct_size = sizeof(ls_sink_vtable),
    .open = sink_open,
    .prepare = sink_prepare,
    .begin_stage = sink_begin_stage,
    .write_batch = sink_write_batch,
    .end_stage = sink_end_stage,
    .finish = sink_finish,
    .abandon = sink_abandon,
    .close = sink_close,
    .last_error = sink_last_error,
#if LOADSEED_ABI_MINOR >= 1
    .estimate_rows_per_second = sink_estimate_rows_per_second,
#endif
};

static const ls_option_spec options[] = {
    {"record", LS_OPTION_STRING, NULL, "file the row counts are written to", NULL, 1},
};

static const ls_plugin descriptor = {
    .struct_size = sizeof(ls_plugin),
    .abi_major = LOADSEED_ABI_MAJOR,
    .abi_minor = LOADSEED_ABI_MINOR,
    .kind = LS_PLUGIN_SINK,
    .name = PLUGIN_NAME,
    .version = "1.0.0",
    .description = "counts rows; built for an ABI compatibility test",
    .options = options,
    .option_count = 1,
    .option_spec_size = sizeof(ls_option_spec),
    .sink = &table,
#if LOADSEED_ABI_MINOR >= 1
    .homepage = "https://example.invalid/counting-sink",
#endif
};

LOADSEED_EXPORT const ls_plugin *loadseed_plugin_entry(void) { return &descriptor; }
