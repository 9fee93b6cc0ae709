#include <string.h>

#include "auth/principal.h"
#include "core/log.h"
#include "core/text.h"
#include "domain/import.h"
#include "domain/import_batch.h"
#include "store/audit.h"
#include "store/identity.h"
#include "store/import.h"

/*
 * The first chunk of the arena of job steps, kept from step to step. A step of
 * IMPORT_CHUNK_ROWS generated rows (tests/data/generate-customers) allocated
 * about 30 MB, and allocating that anew in every step cost the runner about a
 * sixth of its time in page faults.
 */
#define IMPORT_STEP_ARENA_BYTES (48 * 1024 * 1024)

/*
 * The statement timeout of an undo. Removing 100,000 records took about 5 s on
 * 2 cores, as long as the usual statement timeout, so an undo may take up to
 * just below nginx's 60 s fastcgi_read_timeout. NOTE: an undo of a much larger
 * import can still time out, and then nothing is undone.
 */
#define UNDO_STATEMENT_TIMEOUT "SET LOCAL statement_timeout = '55s'"

/* A file being imported: its reader, header and mapping. */
struct import_file {
    const char *data; /* after the byte-order mark */
    size_t len;
    char delimiter;
    struct csvfile_row header;
    struct import_mapping mapping;
    int rows_total; /* data rows, without the header */
};

/* A scope over a scratch arena that is emptied between batches, with jansson allocating there. */
struct import_scratch {
    struct arena arena;
    struct problem problem;
    struct scope scope;
    struct arena *previous; /* jansson's arena before */
};

static const char *const on_invalid_names[] = {"skip", "abort"};
static const char *const on_duplicate_names[] = {"skip", "update", "create"};

static const char *
delimiter_name(char delimiter)
{
    if (delimiter == ';')
        return "semicolon";
    if (delimiter == '\t')
        return "tab";
    return "comma";
}

static void
scratch_begin(struct import_scratch *x, struct scope *s)
{
    arena_init(&x->arena, 256 * 1024);
    x->scope = *s;
    x->scope.arena = &x->arena;
    x->scope.problem = &x->problem;
    problem_init(&x->problem, &x->arena);
    x->previous = json_use_arena(&x->arena);
}

/* Empties the scratch arena for the next batch. */
static void
scratch_reset(struct import_scratch *x)
{
    arena_reset(&x->arena);
    problem_init(&x->problem, &x->arena);
}

static void
scratch_end(struct import_scratch *x)
{
    json_use_arena(x->previous);
    arena_destroy(&x->arena);
}

/* Checks the permissions the options need beyond customers.import. */
static enum result
check_permissions(struct scope *s, const struct import_options *o)
{
    bool prospect = o->target == IMPORT_PROSPECTS;
    enum permission need[3] = {PERM_NONE, PERM_NONE, PERM_NONE};

    if (s->actor == NULL)
        return RESULT_OK;
    if (prospect)
        need[0] = PERM_PROSPECTS_CREATE;
    if (o->on_duplicate == IMPORT_DUPLICATE_UPDATE)
        need[1] = prospect ? PERM_PROSPECTS_UPDATE : PERM_CUSTOMERS_UPDATE;
    if (o->on_duplicate == IMPORT_DUPLICATE_CREATE)
        need[2] = prospect ? PERM_PROSPECTS_CREATE : PERM_CUSTOMERS_CREATE;
    for (size_t i = 0; i < 3; i++) {
        if (need[i] != PERM_NONE && !actor_can(s->actor, need[i])) {
            problem_extra(s->problem, "permission", json_string(permission_name(need[i])));
            problem_set(s->problem, "permission_denied", "Permission denied",
                        "This import needs the permission %s, which your role does not grant.",
                        permission_name(need[i]));
            return RESULT_DENIED;
        }
    }
    return RESULT_OK;
}

/* Starts reading the file again, at its first data row. */
static enum result
file_rewind(struct scope *s, const struct import_file *f, struct csvfile_reader *reader)
{
    struct csvfile_row header;

    csvfile_close(reader);
    if (!csvfile_open(reader, f->data, f->len, f->delimiter))
        return RESULT_INTERNAL;
    csvfile_next(reader, s->arena, &header);
    return RESULT_OK;
}

/* Opens the file, reads and maps its header, and counts its data rows. */
static enum result
file_open(struct scope *s, const struct import_options *o, const char *data, size_t len,
          struct import_file *f, struct csvfile_reader *reader)
{
    struct arena counting;
    struct csvfile_row row;
    enum result r;

    memset(f, 0, sizeof(*f));
    f->data = data + csvfile_bom_length(data, len);
    f->len = len - (size_t)(f->data - data);
    f->delimiter = o->delimiter != 0 ? o->delimiter : csvfile_detect_delimiter(f->data, f->len);
    if (!csvfile_open(reader, f->data, f->len, f->delimiter))
        return RESULT_INTERNAL;
    if (!csvfile_next(reader, s->arena, &f->header)) {
        csvfile_close(reader);
        problem_set(s->problem, "empty_file", "Empty file",
                    "The file is empty. Its first row must name the columns.");
        return RESULT_MALFORMED;
    }
    r = import_mapping_build(s->problem, s->arena, o->target, &f->header, o->mapping,
                             &f->mapping);
    if (r != RESULT_OK) {
        csvfile_close(reader);
        return r;
    }
    arena_init(&counting, 64 * 1024);
    while (csvfile_next(reader, &counting, &row)) {
        f->rows_total++;
        arena_reset(&counting);
    }
    arena_destroy(&counting);
    return file_rewind(s, f, reader);
}

/* Reads up to max rows into a; returns how many. */
static size_t
read_rows(struct csvfile_reader *reader, struct arena *a, struct csvfile_row *rows, size_t max)
{
    size_t n = 0;

    while (n < max && csvfile_next(reader, a, &rows[n]))
        n++;
    return n;
}

static json_t *
options_json(const struct import_options *o, char delimiter)
{
    json_t *options = json_object();

    json_object_set_new(options, "delimiter", json_string(delimiter_name(delimiter)));
    json_object_set_new(options, "on_invalid", json_string(on_invalid_names[o->on_invalid]));
    json_object_set_new(options, "on_duplicate",
                        json_string(on_duplicate_names[o->on_duplicate]));
    json_object_set_new(options, "mapping",
                        o->mapping != NULL ? json_deep_copy(o->mapping) : json_null());
    return options;
}

static json_t *
header_json(const struct csvfile_row *header)
{
    json_t *cells = json_array();

    for (size_t i = 0; i < header->count; i++)
        json_array_append_new(cells, json_string(header->cells[i]));
    return cells;
}

/* Inserts the import row, in the caller's transaction. */
static enum result
insert_import(struct scope *s, const struct import_options *o, const struct import_file *f,
              const char *status, int64_t *id)
{
    json_t *columns = json_object();

    json_object_set_new(columns, "target", json_string(import_target_name(o->target)));
    json_object_set_new(columns, "options", options_json(o, f->delimiter));
    json_object_set_new(columns, "file_name", json_string_or_null(o->file_name));
    json_object_set_new(columns, "status", json_string(status));
    json_object_set_new(columns, "header", header_json(&f->header));
    json_object_set_new(columns, "mapping", import_mapping_report(&f->mapping));
    json_object_set_new(columns, "unmapped_columns", import_mapping_unmapped(&f->mapping));
    json_object_set_new(columns, "rows_total", json_integer(f->rows_total));
    return import_store_insert(s, columns, id);
}

/* Records an import that on_invalid abort stopped: its report, and nothing else. */
static enum result
record_rejected(struct scope *s, const struct import_options *o, const struct import_file *f,
                struct import_progress *progress, int64_t *id)
{
    enum result r;

    progress->created = 0;
    progress->updated = 0;
    progress->chunk_done = false;
    if ((r = db_begin(s->db)) != RESULT_OK || (r = insert_import(s, o, f, "running", id)) != RESULT_OK ||
        (r = import_store_progress(s, *id, progress, NULL)) != RESULT_OK ||
        (r = import_store_finish(s, *id, "failed",
                                 "Some rows are invalid and on_invalid is abort, so nothing was "
                                 "imported.")) != RESULT_OK)
        return r;
    return db_commit(s->db);
}

/* Appends a batch's report entries to text as JSON array members. */
static void
keep_report(struct buf *text, const json_t *report)
{
    size_t len;
    char *dumped;

    if (json_array_size(report) == 0)
        return;
    dumped = json_dump(report, &len);
    if (text->len > 0)
        buf_putc(text, ',');
    buf_append(text, dumped + 1, len - 2);
}

/*
 * Goes through every row in batches over a scratch arena: a dry run
 * (IMPORT_BATCH_CHECK) or the check of on_invalid abort before a file is
 * queued (IMPORT_BATCH_VALIDATE). Counts go to progress and the report to
 * *report, in the request's arena.
 */
static enum result
check_all(struct scope *s, const struct import_options *o, struct import_file *f,
          struct csvfile_reader *reader, enum import_batch_mode mode,
          struct import_progress *progress, json_t **report)
{
    struct import_scratch x;
    struct csvfile_row *rows;
    struct buf text;
    struct import_run run;
    size_t n;
    enum result r = RESULT_OK;

    buf_init(&text, s->arena, 1024);
    scratch_begin(&x, s);
    memset(&run, 0, sizeof(run));
    run.s = &x.scope;
    run.o = o;
    run.m = &f->mapping;
    run.mode = mode;
    run.seen = import_keyset_new();
    run.report_room = IMPORT_REPORT_MAX;
    for (;;) {
        scratch_reset(&x);
        rows = arena_calloc(&x.arena, IMPORT_CHUNK_ROWS, sizeof(*rows));
        if ((n = read_rows(reader, &x.arena, rows, IMPORT_CHUNK_ROWS)) == 0)
            break;
        if ((r = import_batch(&run, rows, n)) != RESULT_OK)
            break;
        keep_report(&text, run.progress.report);
        run.progress.report = NULL;
    }
    import_keyset_free(run.seen);
    scratch_end(&x);
    *progress = run.progress;
    *report = json_loads(arena_printf(s->arena, "[%s]", text.data), 0, NULL);
    progress->report = *report;
    return r;
}

static enum result
start_dry_run(struct scope *s, const struct import_options *o, struct import_file *f,
              struct csvfile_reader *reader, json_t **answer)
{
    struct import_progress p;
    json_t *report, *counts;
    enum result r = check_all(s, o, f, reader, IMPORT_BATCH_CHECK, &p, &report);

    if (r != RESULT_OK)
        return r;
    counts = json_pack("{s:i, s:i, s:i, s:i}", "would_create", p.created, "would_update",
                       p.updated, "duplicates", p.duplicates, "invalid", p.invalid);
    *answer = json_object();
    json_object_set_new(*answer, "dry_run", json_true());
    json_object_set_new(*answer, "target", json_string(import_target_name(o->target)));
    json_object_set_new(*answer, "options", options_json(o, f->delimiter));
    json_object_set_new(*answer, "rows_total", json_integer(f->rows_total));
    json_object_set_new(*answer, "counts", counts);
    json_object_set_new(*answer, "mapping", import_mapping_report(&f->mapping));
    json_object_set_new(*answer, "unmapped_columns", import_mapping_unmapped(&f->mapping));
    json_object_set_new(*answer, "report", report != NULL ? report : json_array());
    json_object_set_new(*answer, "report_omitted", json_integer(p.omitted));
    return RESULT_OK;
}

/* Imports a small file within the request, in one transaction. */
static enum result
start_inline(struct scope *s, const struct import_options *o, struct import_file *f,
             struct csvfile_reader *reader, enum import_outcome *outcome, int64_t *id)
{
    struct csvfile_row *rows = arena_calloc(s->arena, (size_t)f->rows_total + 1, sizeof(*rows));
    size_t n = read_rows(reader, s->arena, rows, (size_t)f->rows_total);
    struct import_run run;
    enum result r;

    memset(&run, 0, sizeof(run));
    run.s = s;
    run.o = o;
    run.m = &f->mapping;
    run.mode = IMPORT_BATCH_WRITE;
    run.report_room = IMPORT_REPORT_MAX;
    if ((r = db_begin(s->db)) != RESULT_OK ||
        (r = insert_import(s, o, f, "running", &run.import_id)) != RESULT_OK)
        return r;
    run.seen = import_keyset_new();
    r = import_batch(&run, rows, n);
    import_keyset_free(run.seen);
    if (r != RESULT_OK)
        return r;
    if (run.aborted) {
        db_rollback(s->db);
        *outcome = IMPORT_REJECTED;
        return record_rejected(s, o, f, &run.progress, id);
    }
    *id = run.import_id;
    *outcome = IMPORT_FINISHED;
    if ((r = import_store_progress(s, run.import_id, &run.progress, NULL)) != RESULT_OK ||
        (r = import_store_finish(s, run.import_id, "done", NULL)) != RESULT_OK)
        return r;
    return db_commit(s->db);
}

/* Returns a chunk's rows as JSON; a cell that is not UTF-8 is listed in "bad" instead. */
static json_t *
chunk_json(const struct csvfile_row *rows, size_t count)
{
    json_t *chunk = json_array();

    for (size_t i = 0; i < count; i++) {
        json_t *row = json_object(), *cells = json_array(), *bad = json_array();

        for (size_t c = 0; c < rows[i].count; c++) {
            if (text_is_utf8(rows[i].cells[c], rows[i].lengths[c])) {
                json_array_append_new(cells, json_string(rows[i].cells[c]));
            } else {
                json_array_append_new(cells, json_string(""));
                json_array_append_new(bad, json_integer((json_int_t)c));
            }
        }
        json_object_set_new(row, "row", json_integer(rows[i].number));
        json_object_set_new(row, "cells", cells);
        if (json_array_size(bad) > 0)
            json_object_set_new(row, "bad", bad);
        if (rows[i].too_wide)
            json_object_set_new(row, "wide", json_true());
        json_array_append_new(chunk, row);
    }
    return chunk;
}

/* Stores a large file in chunks and queues it for the job runner, in one transaction. */
static enum result
start_queued(struct scope *s, const struct import_options *o, struct import_file *f,
             struct csvfile_reader *reader, int64_t *id)
{
    struct import_scratch x;
    struct csvfile_row *rows;
    size_t n, len;
    int position = 0;
    enum result r;

    if ((r = db_begin(s->db)) != RESULT_OK || (r = insert_import(s, o, f, "queued", id)) != RESULT_OK)
        return r;
    scratch_begin(&x, s);
    for (;;) {
        char *text;

        scratch_reset(&x);
        rows = arena_calloc(&x.arena, IMPORT_CHUNK_ROWS, sizeof(*rows));
        if ((n = read_rows(reader, &x.arena, rows, IMPORT_CHUNK_ROWS)) == 0)
            break;
        text = json_dump(chunk_json(rows, n), &len);
        if ((r = import_store_chunk_insert(&x.scope, *id, position++, (int)n, text)) != RESULT_OK)
            break;
    }
    scratch_end(&x);
    for (int job = 0; job < IMPORT_JOBS && r == RESULT_OK; job++)
        r = jobs_enqueue(s, IMPORT_JOB_KIND, *id);
    if (r != RESULT_OK)
        return r;
    return db_commit(s->db);
}

enum result
import_start(struct scope *s, const struct import_options *o, const char *data, size_t len,
             enum import_outcome *outcome, json_t **answer)
{
    struct csvfile_reader reader;
    struct import_file f;
    int64_t id = 0;
    enum result r;

    if ((r = check_permissions(s, o)) != RESULT_OK)
        return r;
    if ((r = file_open(s, o, data, len, &f, &reader)) != RESULT_OK)
        return r;
    if (o->dry_run) {
        *outcome = IMPORT_CHECKED;
        r = start_dry_run(s, o, &f, &reader, answer);
    } else if (f.rows_total <= IMPORT_INLINE_ROWS_MAX) {
        r = start_inline(s, o, &f, &reader, outcome, &id);
    } else {
        struct import_progress p;
        json_t *report;

        r = RESULT_OK;
        if (o->on_invalid == IMPORT_INVALID_ABORT)
            r = check_all(s, o, &f, &reader, IMPORT_BATCH_VALIDATE, &p, &report);
        if (r == RESULT_OK && o->on_invalid == IMPORT_INVALID_ABORT && p.invalid > 0) {
            *outcome = IMPORT_REJECTED;
            r = record_rejected(s, o, &f, &p, &id);
        } else if (r == RESULT_OK) {
            if (o->on_invalid == IMPORT_INVALID_ABORT)
                r = file_rewind(s, &f, &reader);
            *outcome = IMPORT_QUEUED;
            if (r == RESULT_OK)
                r = start_queued(s, o, &f, &reader, &id);
        }
    }
    csvfile_close(&reader);
    if (r == RESULT_OK && id > 0)
        r = import_get(s, id, answer);
    return r;
}

static json_t *
user_ref(const json_t *row, const char *id_key, const char *name_key)
{
    if (!json_is_integer(json_object_get(row, id_key)))
        return json_null();
    return json_pack("{s:O, s:O}", "id", json_object_get(row, id_key), "display_name",
                     json_object_get(row, name_key));
}

/* Builds the API form of an import row; full adds mapping and report. */
static json_t *
import_json(const json_t *row, bool full)
{
    json_t *o = json_object();
    static const char *const copied[] = {"id", "target", "status", "file_name", "options",
                                         "failure", NULL};
    static const char *const times[] = {"created_at", "started_at", "finished_at",
                                        "undone_at", NULL};

    for (const char *const *k = copied; *k != NULL; k++)
        json_object_set(o, *k, json_object_get(row, *k));
    json_object_set_new(o, "progress",
                        json_pack("{s:O, s:O}", "rows_done", json_object_get(row, "rows_done"),
                                  "rows_total", json_object_get(row, "rows_total")));
    json_object_set_new(o, "counts",
                        json_pack("{s:O, s:O, s:O, s:O}", "created",
                                  json_object_get(row, "created_count"), "updated",
                                  json_object_get(row, "updated_count"), "duplicates",
                                  json_object_get(row, "duplicate_count"), "invalid",
                                  json_object_get(row, "invalid_count")));
    if (full) {
        json_object_set(o, "mapping", json_object_get(row, "mapping"));
        json_object_set(o, "unmapped_columns", json_object_get(row, "unmapped_columns"));
        json_object_set(o, "report", json_object_get(row, "report"));
        json_object_set(o, "report_omitted", json_object_get(row, "report_omitted"));
    }
    json_object_set_new(o, "created_by", user_ref(row, "created_by", "created_by_name"));
    json_object_set_new(o, "undone_by", user_ref(row, "undone_by", "undone_by_name"));
    for (const char *const *k = times; *k != NULL; k++)
        json_object_set(o, *k, json_object_get(row, *k));
    return o;
}

enum result
import_get(struct scope *s, int64_t id, json_t **import)
{
    json_t *row;
    enum result r = import_store_get(s, id, false, &row);

    if (r == RESULT_OK)
        *import = import_json(row, true);
    return r;
}

enum result
import_list(struct scope *s, int64_t before_id, int limit, json_t **imports)
{
    json_t *rows, *row;
    size_t i;
    enum result r = import_store_list(s, before_id, limit, &rows);

    if (r != RESULT_OK)
        return r;
    *imports = json_array();
    json_array_foreach(rows, i, row)
        json_array_append_new(*imports, import_json(row, false));
    return RESULT_OK;
}

/* Lists the keys of records for a problem document, at most 100 in the detail. */
static const char *
keys_text(struct arena *a, const json_t *keys)
{
    struct buf b;
    json_t *key;
    size_t i;

    buf_init(&b, a, 128);
    json_array_foreach(keys, i, key)
    {
        if (i == 100) {
            buf_printf(&b, " and %zu more", json_array_size(keys) - 100);
            break;
        }
        buf_printf(&b, "%s%s", i > 0 ? ", " : "", json_string_value(key));
    }
    return b.data;
}

/*
 * Removes the records an import created and writes back the previous values of
 * those it updated, in the caller's transaction. RESULT_CONFLICT when one of
 * them changed since the import wrote it, or is linked to another record.
 */
static enum result
undo_records(struct scope *s, int64_t id, int *removed, int *restored)
{
    struct customer_visibility all = {true, 0, true, 0, CUSTOMER_WITH_ARCHIVED};
    json_t *rows, *row, *changed = json_array(), *created = json_array(), *linked;
    size_t i;
    enum result r;

    *removed = 0;
    *restored = 0;
    if ((r = import_store_written(s, id, &rows)) != RESULT_OK)
        return r;
    json_array_foreach(rows, i, row)
    {
        const char *key = json_str(row, "code") != NULL ? json_str(row, "code")
                                                         : json_str(row, "reference");

        if (json_int(row, "version", 0) != json_int(row, "current_version", 0))
            json_array_append_new(changed, json_string(key));
        else if (strcmp(json_str(row, "action"), "created") == 0)
            json_array_append(created, json_object_get(row, "customer_id"));
    }
    if (json_array_size(changed) > 0) {
        problem_set(s->problem, "records_changed", "Records changed",
                    "%zu record%s changed since the import wrote %s: %s. The import cannot be "
                    "undone.",
                    json_array_size(changed), json_array_size(changed) == 1 ? "" : "s",
                    json_array_size(changed) == 1 ? "it" : "them",
                    keys_text(s->arena, changed));
        problem_extra(s->problem, "records", changed);
        return RESULT_CONFLICT;
    }
    if ((r = import_store_linked(s, created, &linked)) != RESULT_OK)
        return r;
    if (json_array_size(linked) > 0) {
        json_t *keys = json_array();

        json_array_foreach(linked, i, row)
            json_array_append(keys, json_object_get(row, "key"));
        problem_set(s->problem, "records_linked", "Records linked",
                    "Records the import created are contacts of other records now: %s. The "
                    "import cannot be undone.",
                    keys_text(s->arena, keys));
        problem_extra(s->problem, "records", keys);
        return RESULT_CONFLICT;
    }

    json_array_foreach(rows, i, row)
    {
        json_t *record;

        if (strcmp(json_str(row, "action"), "updated") != 0)
            continue;
        r = customer_update(s, CUSTOMER_BY_ID,
                            arena_printf(s->arena, "%lld", (long long)json_int(row, "customer_id", 0)),
                            &all, (int)json_int(row, "current_version", 0),
                            json_object_get(row, "previous"), &record);
        if (r != RESULT_OK)
            return r;
        (*restored)++;
    }
    if ((r = import_before_undo(s, id)) != RESULT_OK)
        return r;
    r = import_store_remove(s, id, created);
    if (r == RESULT_INVALID) {
        problem_set(s->problem, "records_linked", "Records linked",
                    "Other records refer to records the import created. The import cannot be "
                    "undone.");
        return RESULT_CONFLICT;
    }
    *removed = (int)json_array_size(created);
    return r;
}

enum result
import_undo(struct scope *s, int64_t id, json_t **import)
{
    json_t *row;
    const char *status;
    int removed, restored;
    enum result r;

    if ((r = db_exec(s->db, UNDO_STATEMENT_TIMEOUT)) != RESULT_OK)
        return r;
    if ((r = import_store_get(s, id, true, &row)) != RESULT_OK)
        return r;
    status = json_str(row, "status");
    if (strcmp(status, "undone") == 0) {
        problem_set(s->problem, "import_undone", "Import undone",
                    "Import %lld was undone already.", (long long)id);
        return RESULT_CONFLICT;
    }
    if (strcmp(status, "queued") == 0 || strcmp(status, "running") == 0) {
        problem_set(s->problem, "import_not_finished", "Import not finished",
                    "Import %lld is %s; undo it once it has finished.", (long long)id, status);
        return RESULT_CONFLICT;
    }
    if ((r = undo_records(s, id, &removed, &restored)) != RESULT_OK ||
        (r = import_store_set_undone(s, id)) != RESULT_OK ||
        (r = audit_record(s, "import.undone", "import", arena_printf(s->arena, "%lld", (long long)id),
                          json_pack("{s:i, s:i}", "removed", removed, "restored", restored))) !=
            RESULT_OK)
        return r;
    return import_get(s, id, import);
}

/* Builds the actor a queued import runs as: the user who started it, with their role now. */
static enum result
import_actor(struct scope *s, int64_t user_id, struct actor *actor)
{
    struct user_row user;
    enum result r = identity_user_by_id(s, user_id, &user);

    if (r == RESULT_NOT_FOUND || (r == RESULT_OK && strcmp(user.status, "active") != 0))
        return RESULT_DENIED;
    if (r != RESULT_OK)
        return r;
    memset(actor, 0, sizeof(*actor));
    actor->user_id = user.id;
    actor->role_id = user.role_id;
    actor->email = user.email;
    actor->display_name = user.display_name;
    actor->role_name = user.role_name;
    principal_parse_permissions(user.permissions, &actor->granted, &actor->own_only);
    return RESULT_OK;
}

/* Reads the options an import stored back into o. */
static bool
options_parse(const json_t *row, struct import_options *o)
{
    const json_t *options = json_object_get(row, "options");
    const char *on_invalid = json_str(options, "on_invalid");
    const char *on_duplicate = json_str(options, "on_duplicate");

    memset(o, 0, sizeof(*o));
    if (!import_target_parse(json_str(row, "target"), &o->target) || on_invalid == NULL ||
        on_duplicate == NULL)
        return false;
    o->on_invalid = strcmp(on_invalid, "abort") == 0 ? IMPORT_INVALID_ABORT : IMPORT_INVALID_SKIP;
    o->on_duplicate = strcmp(on_duplicate, "update") == 0   ? IMPORT_DUPLICATE_UPDATE
                      : strcmp(on_duplicate, "create") == 0 ? IMPORT_DUPLICATE_CREATE
                                                            : IMPORT_DUPLICATE_SKIP;
    o->mapping = json_is_object(json_object_get(options, "mapping"))
                     ? json_object_get(options, "mapping")
                     : NULL;
    return true;
}

/* Turns a JSON array of strings into a row; a cell listed in bad becomes invalid UTF-8 again. */
static void
row_from_json(struct arena *a, const json_t *cells, const json_t *bad, int number,
              struct csvfile_row *row)
{
    const char **texts = arena_calloc(a, json_array_size(cells) + 1, sizeof(*texts));
    size_t *lengths = arena_calloc(a, json_array_size(cells) + 1, sizeof(*lengths));
    json_t *cell;
    size_t i;

    json_array_foreach(cells, i, cell)
    {
        texts[i] = json_is_string(cell) ? json_string_value(cell) : "";
        lengths[i] = strlen(texts[i]);
    }
    json_array_foreach(bad, i, cell)
    {
        size_t c = (size_t)json_integer_value(cell);

        if (c < json_array_size(cells)) {
            texts[c] = "\xff";
            lengths[c] = 1;
        }
    }
    row->number = number;
    row->count = json_array_size(cells);
    row->cells = texts;
    row->lengths = lengths;
    row->too_wide = false;
}

/*
 * Marks an import failed in a transaction of its own, and logs why. The chunks
 * go first: deleting them waits for a step of another runner that holds one,
 * which then finds the import still running when it commits.
 */
static enum job_step
fail_import(struct scope *s, int64_t id, const char *failure)
{
    db_rollback(s->db);
    log_error("import_failed", "import_id=%lld error=\"%s\"", (long long)id, failure);
    if (db_begin(s->db) != RESULT_OK || import_store_chunks_delete(s, id) != RESULT_OK ||
        import_store_finish(s, id, "failed", failure) != RESULT_OK || db_commit(s->db) != RESULT_OK)
        return JOB_RETRY;
    return JOB_FAILED;
}

/*
 * Ends a queued import that on_invalid abort stopped in a later step: the
 * records of the earlier steps are removed or restored as undo does, and the
 * import fails with the report of the failing step.
 */
static enum job_step
abort_import(struct scope *s, int64_t id, struct import_progress *progress)
{
    int removed, restored;
    enum result r;

    db_rollback(s->db);
    progress->created = 0;
    progress->updated = 0;
    progress->chunk_done = false;
    if (db_begin(s->db) != RESULT_OK || db_exec(s->db, UNDO_STATEMENT_TIMEOUT) != RESULT_OK ||
        import_store_chunks_delete(s, id) != RESULT_OK)
        return JOB_RETRY;
    r = undo_records(s, id, &removed, &restored);
    if (r == RESULT_CONFLICT)
        return fail_import(s, id, "A row is invalid and on_invalid is abort, but records written "
                                  "before it changed meanwhile and were kept.");
    if (r != RESULT_OK || import_store_progress(s, id, progress, NULL) != RESULT_OK ||
        import_store_finish(s, id, "failed",
                            "A row is invalid and on_invalid is abort, so nothing was imported.") !=
            RESULT_OK ||
        db_commit(s->db) != RESULT_OK)
        return JOB_RETRY;
    return JOB_FAILED;
}

/*
 * Runs the rows of the next free chunk, and finishes the import with the last
 * one. JOB_DONE when no chunk is free: the rest belongs to other runners.
 */
static enum job_step
step_chunk(struct scope *s, int64_t id, const json_t *row)
{
    struct import_options o;
    struct import_mapping mapping;
    struct csvfile_row header, *rows;
    struct import_run run;
    json_t *chunk, *item;
    bool finished = false;
    size_t i;
    enum result r;

    if (!options_parse(row, &o))
        return fail_import(s, id, "The stored options of the import cannot be read.");
    row_from_json(s->arena, json_object_get(row, "header"), NULL, 1, &header);
    if (import_mapping_build(s->problem, s->arena, o.target, &header, o.mapping, &mapping) !=
        RESULT_OK)
        return fail_import(s, id, "The stored header of the import no longer maps.");
    r = import_store_chunk_claim(s, id, &chunk);
    if (r == RESULT_NOT_FOUND) {
        db_rollback(s->db);
        return JOB_DONE;
    }
    if (r != RESULT_OK)
        return r == RESULT_UNAVAILABLE ? JOB_RETRY : fail_import(s, id, db_error_message(s->db));

    rows = arena_calloc(s->arena, json_array_size(chunk) + 1, sizeof(*rows));
    json_array_foreach(chunk, i, item)
    {
        row_from_json(s->arena, json_object_get(item, "cells"), json_object_get(item, "bad"),
                      (int)json_int(item, "row", 0), &rows[i]);
        rows[i].too_wide = json_is_true(json_object_get(item, "wide"));
    }
    memset(&run, 0, sizeof(run));
    run.s = s;
    run.o = &o;
    run.m = &mapping;
    run.mode = IMPORT_BATCH_WRITE;
    run.import_id = id;
    /* Only a guide: the progress statement caps the report, also against other runners. */
    run.report_room = IMPORT_REPORT_MAX - (int)json_array_size(json_object_get(row, "report"));
    run.seen = import_keyset_new();
    r = import_batch(&run, rows, json_array_size(chunk));
    import_keyset_free(run.seen);
    if (r == RESULT_UNAVAILABLE)
        return JOB_RETRY;
    if (r != RESULT_OK)
        return fail_import(s, id, db_error_message(s->db));
    if (run.aborted)
        return abort_import(s, id, &run.progress);
    run.progress.chunk_done = true;
    r = import_store_progress(s, id, &run.progress, &finished);
    if (r == RESULT_CONFLICT) {
        /* Another runner failed the import meanwhile: this chunk is not imported either. */
        db_rollback(s->db);
        return JOB_DONE;
    }
    if (r == RESULT_OK && finished)
        r = import_store_finish(s, id, "done", NULL);
    if (r == RESULT_OK)
        r = db_commit(s->db);
    if (r != RESULT_OK)
        return r == RESULT_UNAVAILABLE ? JOB_RETRY : fail_import(s, id, db_error_message(s->db));
    return finished ? JOB_DONE : JOB_MORE;
}

/*
 * Does the work of a step in the step arena, whose first chunk stays allocated
 * from step to step.
 */
static enum job_step
step_run(struct scope *s, int64_t id)
{
    struct actor actor;
    const char *status;
    json_t *row;
    enum result r;

    if (db_begin(s->db) != RESULT_OK)
        return JOB_RETRY;
    r = import_store_get(s, id, false, &row);
    if (r == RESULT_NOT_FOUND) {
        db_rollback(s->db);
        log_error("import_failed", "import_id=%lld error=\"no such import\"", (long long)id);
        return JOB_FAILED;
    }
    if (r != RESULT_OK)
        return JOB_RETRY;
    status = json_str(row, "status");
    if (strcmp(status, "queued") != 0 && strcmp(status, "running") != 0) {
        db_rollback(s->db);
        return JOB_DONE;
    }
    r = import_actor(s, json_int(row, "created_by", 0), &actor);
    if (r == RESULT_DENIED)
        return fail_import(s, id, "The user who started the import is no longer active.");
    if (r != RESULT_OK)
        return JOB_RETRY;
    s->actor = &actor;
    return step_chunk(s, id, row);
}

enum job_step
import_job_step(struct scope *s, int64_t id)
{
    static struct arena step_arena;
    struct arena *runner_arena = s->arena, *json_arena;
    struct problem problem;
    struct problem *runner_problem = s->problem;
    enum job_step step;

    if (step_arena.first == NULL)
        arena_init(&step_arena, IMPORT_STEP_ARENA_BYTES);
    arena_reset(&step_arena);
    json_arena = json_use_arena(&step_arena);
    problem_init(&problem, &step_arena);
    s->arena = &step_arena;
    s->problem = &problem;
    step = step_run(s, id);
    s->arena = runner_arena;
    s->problem = runner_problem;
    s->actor = NULL;
    json_use_arena(json_arena);
    return step;
}
