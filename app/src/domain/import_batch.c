#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "domain/customer_input.h"
#include "domain/customer_record.h"
#include "domain/import_batch.h"

/* The outcome of a row. */
enum import_action { ROW_INVALID, ROW_DUPLICATE, ROW_CREATE, ROW_UPDATE };

struct import_item {
    const struct csvfile_row *row;
    struct import_row_body in;
    struct customer_columns cols;
    enum import_action action;
    json_t *keys;    /* the duplicate keys: the lock keys of customer_create(), "external_ref:..." */
    json_t *matches; /* indexes into the duplicate rows */
    int64_t target_id; /* ROW_UPDATE: the record to update */
};

/* An open-addressing set of keys with the row that brought each, over malloc. */
struct import_keyset {
    char **keys;
    int *rows;
    size_t cap; /* a power of two */
    size_t count;
};

struct import_keyset *
import_keyset_new(void)
{
    struct import_keyset *k = calloc(1, sizeof(*k));

    if (k == NULL)
        abort();
    return k;
}

void
import_keyset_free(struct import_keyset *k)
{
    if (k == NULL)
        return;
    for (size_t i = 0; i < k->cap; i++)
        free(k->keys[i]);
    free(k->keys);
    free(k->rows);
    free(k);
}

static size_t
keyset_hash(const char *key)
{
    size_t h = 14695981039346656037ULL;

    for (const unsigned char *p = (const unsigned char *)key; *p != '\0'; p++)
        h = (h ^ *p) * 1099511628211ULL;
    return h;
}

/* Returns the slot of key: its own, or the empty one where it would go. */
static size_t
keyset_slot(const struct import_keyset *k, const char *key)
{
    size_t i = keyset_hash(key) & (k->cap - 1);

    while (k->keys[i] != NULL && strcmp(k->keys[i], key) != 0)
        i = (i + 1) & (k->cap - 1);
    return i;
}

/* Returns the row that brought key, or 0. */
static int
keyset_find(const struct import_keyset *k, const char *key)
{
    size_t i;

    if (k->cap == 0)
        return 0;
    i = keyset_slot(k, key);
    return k->keys[i] != NULL ? k->rows[i] : 0;
}

static void
keyset_add(struct import_keyset *k, const char *key, int row)
{
    size_t i;

    if ((k->count + 1) * 2 > k->cap) {
        struct import_keyset grown = {NULL, NULL, k->cap == 0 ? 1024 : k->cap * 2, 0};

        grown.keys = calloc(grown.cap, sizeof(*grown.keys));
        grown.rows = calloc(grown.cap, sizeof(*grown.rows));
        if (grown.keys == NULL || grown.rows == NULL)
            abort();
        for (size_t j = 0; j < k->cap; j++) {
            if (k->keys[j] != NULL) {
                size_t slot = keyset_slot(&grown, k->keys[j]);

                grown.keys[slot] = k->keys[j];
                grown.rows[slot] = k->rows[j];
                grown.count++;
            }
        }
        free(k->keys);
        free(k->rows);
        *k = grown;
    }
    i = keyset_slot(k, key);
    if (k->keys[i] != NULL)
        return;
    if ((k->keys[i] = strdup(key)) == NULL)
        abort();
    k->rows[i] = row;
    k->count++;
}

static enum customer_lifecycle
run_lifecycle(const struct import_run *run)
{
    return run->m->prospect ? CUSTOMER_LIFECYCLE_PROSPECT : CUSTOMER_LIFECYCLE_CUSTOMER;
}

/* Adds a report entry while the report has room, and counts it otherwise. */
static void
report_add(struct import_run *run, int row, const char *column, const char *field,
           const char *rule, const char *message, json_t *matches)
{
    json_t *entry;

    if (run->report_room <= 0) {
        run->progress.omitted++;
        return;
    }
    run->report_room--;
    entry = json_object();
    json_object_set_new(entry, "row", json_integer(row));
    json_object_set_new(entry, "column", json_string_or_null(column));
    json_object_set_new(entry, "field", json_string_or_null(field));
    json_object_set_new(entry, "rule", json_string(rule));
    json_object_set_new(entry, "message", json_string(message));
    if (matches != NULL)
        json_object_set_new(entry, "matches", matches);
    if (run->progress.report == NULL)
        run->progress.report = json_array();
    json_array_append_new(run->progress.report, entry);
}

/* Returns the header a field path came from: "phones[1].number" -> "Phone 2". */
static const char *
column_of(const json_t *sources, const char *field)
{
    const char *column = json_str(sources, field);
    char prefix[128];

    if (column == NULL && field != NULL) {
        snprintf(prefix, sizeof(prefix), "%.*s", (int)strcspn(field, "[."), field);
        column = json_str(sources, prefix);
    }
    return column;
}

/* Reports the field errors the scope's problem collected for a row, and clears them. */
static void
report_problem(struct import_run *run, const struct import_item *item)
{
    struct problem *p = run->s->problem;

    for (size_t i = 0; i < p->error_count; i++)
        report_add(run, item->row->number, column_of(item->in.sources, p->errors[i].field),
                   p->errors[i].field, p->errors[i].rule, p->errors[i].message, NULL);
    if (p->error_count == 0)
        report_add(run, item->row->number, NULL, NULL,
                   p->type != NULL ? p->type : "invalid",
                   p->detail != NULL ? p->detail : "The row breaks a rule of the record.", NULL);
    problem_init(p, run->s->arena);
}

static void
mark_invalid(struct import_run *run, struct import_item *item)
{
    item->action = ROW_INVALID;
    run->progress.invalid++;
    if (run->o->on_invalid == IMPORT_INVALID_ABORT)
        run->aborted = true;
}

/* Reads, validates and builds the columns of one row, as customer_create() would. */
static enum result
read_row(struct import_run *run, struct import_item *item)
{
    struct scope *s = run->s;
    enum customer_lifecycle lifecycle = run_lifecycle(run);
    enum result r;
    json_t *e;
    size_t i;

    problem_init(s->problem, s->arena);
    import_mapping_row(s->arena, run->m, item->row, &item->in);
    json_array_foreach(item->in.errors, i, e)
        report_add(run, item->row->number, json_str(e, "column"), json_str(e, "field"),
                   json_str(e, "rule"), json_str(e, "message"), NULL);
    if (item->in.body == NULL) {
        mark_invalid(run, item);
        return RESULT_OK;
    }
    r = customer_validate(s, lifecycle, NULL, item->in.body, false);
    if (r == RESULT_OK)
        r = customer_columns_build(s, lifecycle, run->m->person ? "person" : "business",
                                   item->in.body, NULL, &item->cols);
    if (r == RESULT_OK && run->m->prospect)
        r = import_check_prospect(s, &run->hook_cache, item->in.body);
    if (r == RESULT_INVALID) {
        report_problem(run, item);
        mark_invalid(run, item);
        return RESULT_OK;
    }
    item->action = ROW_CREATE;
    item->keys = json_deep_copy(item->cols.lock_keys);
    if (json_str(item->cols.columns, "external_ref") != NULL)
        json_array_append_new(item->keys,
                              json_string(arena_printf(s->arena, "external_ref:%s",
                                                       json_str(item->cols.columns,
                                                                "external_ref"))));
    return r;
}

/* Leaves out a row that shares a key with an earlier row of the file. */
static void
check_earlier_rows(struct import_run *run, struct import_item *item)
{
    json_t *key;
    size_t i;

    json_array_foreach(item->keys, i, key)
    {
        int earlier = keyset_find(run->seen, json_string_value(key));

        if (earlier > 0) {
            const char *k = json_string_value(key);
            const char *field = strncmp(k, "email:", 6) == 0          ? "email"
                                : strncmp(k, "phone:", 6) == 0        ? "phones"
                                : strncmp(k, "external_ref:", 13) == 0 ? "external_ref"
                                                                      : "registration_number";

            report_add(run, item->row->number, column_of(item->in.sources, field), field,
                       "duplicate_in_file",
                       arena_printf(run->s->arena,
                                    "Shares the %s with row %d of this file; left out.",
                                    strcmp(field, "phones") == 0         ? "phone number"
                                    : strcmp(field, "email") == 0        ? "email"
                                    : strcmp(field, "external_ref") == 0 ? "external reference"
                                                                         : "registration number",
                                    earlier),
                       NULL);
            item->action = ROW_DUPLICATE;
            run->progress.duplicates++;
            return;
        }
    }
    json_array_foreach(item->keys, i, key)
        keyset_add(run->seen, json_string_value(key), item->row->number);
}

/* Makes the one active user named by a prospect's lead owner its owner, for every row at once. */
static enum result
match_lead_owners(struct import_run *run, struct import_item *items, size_t count)
{
    json_t *names = json_array(), *seen = json_object(), *rows, *row;
    size_t i;
    enum result r;

    for (i = 0; i < count; i++) {
        const char *name = json_str(items[i].cols.columns, "lead_owner_name");

        if (items[i].action == ROW_CREATE && name != NULL &&
            json_object_get(seen, name) == NULL) {
            json_object_set_new(seen, name, json_null());
            json_array_append_new(names, json_string(name));
        }
    }
    if (json_array_size(names) == 0)
        return RESULT_OK;
    if ((r = import_store_users_by_name(run->s, names, &rows)) != RESULT_OK)
        return r;
    json_array_foreach(rows, i, row)
    {
        json_t *ids = json_object_get(row, "ids");

        if (json_array_size(ids) == 1)
            json_object_set(seen, json_str(row, "name"), json_array_get(ids, 0));
    }
    for (i = 0; i < count; i++) {
        const char *name = json_str(items[i].cols.columns, "lead_owner_name");
        json_t *user = name != NULL ? json_object_get(seen, name) : NULL;

        if (items[i].action == ROW_CREATE && json_is_integer(user)) {
            json_object_set(items[i].cols.columns, "owner_id", user);
            json_object_set_new(items[i].cols.columns, "lead_owner_name", json_null());
        }
    }
    return RESULT_OK;
}

/* Appends the item index to the list of every key of the item. */
static void
index_keys(json_t *by_key, struct import_item *item, size_t index, json_t *emails,
           json_t *phones, json_t *registrations, json_t *external_refs)
{
    json_t *key;
    size_t i;

    if (item->cols.email_key != NULL)
        json_array_append_new(emails, json_string(item->cols.email_key));
    json_array_extend(phones, item->cols.phone_keys);
    if (item->cols.registration_key != NULL)
        json_array_append_new(registrations, json_string(item->cols.registration_key));
    if (json_str(item->cols.columns, "external_ref") != NULL)
        json_array_append(external_refs, json_object_get(item->cols.columns, "external_ref"));
    json_array_foreach(item->keys, i, key)
    {
        json_t *list = json_object_get(by_key, json_string_value(key));

        if (list == NULL) {
            list = json_array();
            json_object_set_new(by_key, json_string_value(key), list);
        }
        json_array_append_new(list, json_integer((json_int_t)index));
    }
}

/* Notes that the record at position match of rows shares key with the items listed for it. */
static void
note_match(json_t *by_key, const char *key, struct import_item *items, size_t match)
{
    json_t *list = json_object_get(by_key, key), *index;
    size_t i;

    json_array_foreach(list, i, index)
    {
        struct import_item *item = &items[json_integer_value(index)];
        json_t *last = json_array_get(item->matches, json_array_size(item->matches) - 1);

        if (item->matches == NULL)
            item->matches = json_array();
        if (last == NULL || (size_t)json_integer_value(last) != match)
            json_array_append_new(item->matches, json_integer((json_int_t)match));
    }
}

/*
 * Finds the existing records that share a key with each row, in one query, by
 * the rule of customer_create(): the email key, any phone key or the
 * registration key. An import also matches on external_ref, the record's id in
 * the source system, so that a file imported again matches its records even
 * when they have none of the other keys (organizations-100.csv). Returns the
 * records; each item gets the indexes of its matches.
 */
static enum result
find_duplicates(struct import_run *run, struct import_item *items, size_t count, json_t **rows)
{
    struct scope *s = run->s;
    struct customer_visibility v = customer_visibility(
        s->actor, CUSTOMER_READ,
        customer_may_see_archived(s->actor) ? CUSTOMER_WITH_ARCHIVED : CUSTOMER_LIVE);
    json_t *by_key = json_object(), *emails = json_array(), *phones = json_array();
    json_t *registrations = json_array(), *external_refs = json_array(), *row, *key;
    size_t i, k;
    enum result r;

    for (i = 0; i < count; i++) {
        if (items[i].action == ROW_CREATE)
            index_keys(by_key, &items[i], i, emails, phones, registrations, external_refs);
    }
    *rows = json_array();
    if (json_object_size(by_key) == 0)
        return RESULT_OK;
    r = import_store_duplicates(s, emails, phones, registrations, external_refs, &v,
                                run->mode == IMPORT_BATCH_WRITE, rows);
    if (r != RESULT_OK)
        return r;
    json_array_foreach(*rows, i, row)
    {
        if (json_str(row, "email_key") != NULL)
            note_match(by_key, arena_printf(s->arena, "email:%s", json_str(row, "email_key")),
                       items, i);
        json_array_foreach(json_object_get(row, "phone_keys"), k, key)
            note_match(by_key, arena_printf(s->arena, "phone:%s", json_string_value(key)),
                       items, i);
        if (json_str(row, "registration_key") != NULL)
            note_match(by_key,
                       arena_printf(s->arena, "registration:%s", json_str(row, "registration_key")),
                       items, i);
        if (json_str(row, "external_ref") != NULL)
            note_match(by_key, arena_printf(s->arena, "external_ref:%s", json_str(row, "external_ref")),
                       items, i);
    }
    return RESULT_OK;
}

/* Lists the codes (or references) of the visible matches, and counts the others. */
static json_t *
match_codes(const struct import_item *item, const json_t *rows, size_t *hidden)
{
    json_t *codes = json_array(), *index;
    size_t i;

    *hidden = 0;
    json_array_foreach(item->matches, i, index)
    {
        const json_t *row = json_array_get(rows, (size_t)json_integer_value(index));
        const char *key = json_str(row, "code") != NULL ? json_str(row, "code")
                                                         : json_str(row, "reference");

        if (json_is_true(json_object_get(row, "visible")))
            json_array_append_new(codes, json_string(key));
        else
            (*hidden)++;
    }
    return codes;
}

/* Describes the matches for a report: "CUS-000001, CUS-000002 and 1 record you may not see". */
static const char *
match_text(struct arena *a, const json_t *codes, size_t hidden)
{
    struct buf b;
    json_t *code;
    size_t i;

    buf_init(&b, a, 64);
    json_array_foreach(codes, i, code)
        buf_printf(&b, "%s%s", i > 0 ? ", " : "", json_string_value(code));
    if (hidden > 0)
        buf_printf(&b, "%s%zu record%s you may not see", b.len > 0 ? " and " : "", hidden,
                   hidden == 1 ? "" : "s");
    return b.data;
}

/* Names the field by which a row matches a record: email, phones, registration_number or external_ref. */
static const char *
matched_field(const struct import_item *item, const json_t *match)
{
    const char *email = json_str(match, "email_key");
    const char *registration = json_str(match, "registration_key");
    json_t *key;
    size_t i;

    if (email != NULL && item->cols.email_key != NULL && strcmp(email, item->cols.email_key) == 0)
        return "email";
    json_array_foreach(json_object_get(match, "phone_keys"), i, key)
    {
        for (size_t k = 0; k < json_array_size(item->cols.phone_keys); k++) {
            if (json_equal(key, json_array_get(item->cols.phone_keys, k)))
                return "phones";
        }
    }
    if (registration != NULL && item->cols.registration_key != NULL &&
        strcmp(registration, item->cols.registration_key) == 0)
        return "registration_number";
    return json_str(match, "external_ref") != NULL ? "external_ref" : NULL;
}

/* Decides what a row with matching records becomes under on_duplicate. */
static void
decide_duplicate(struct import_run *run, struct import_item *item, const json_t *rows)
{
    struct arena *a = run->s->arena;
    size_t count = json_array_size(item->matches), hidden;
    json_t *codes = match_codes(item, rows, &hidden);
    const char *text = match_text(a, codes, hidden);
    const json_t *match = json_array_get(rows, (size_t)json_integer_value(json_array_get(item->matches, 0)));
    const char *kind = run->m->person ? "person" : "business";
    const char *lifecycle = run->m->prospect ? "prospect" : "customer";
    const char *field = matched_field(item, match);
    const char *column = column_of(item->in.sources, field);

    if (run->o->on_duplicate == IMPORT_DUPLICATE_UPDATE && count == 1 && hidden == 0 &&
        strcmp(json_str(match, "kind"), kind) == 0 &&
        strcmp(json_str(match, "lifecycle"), lifecycle) == 0) {
        item->action = ROW_UPDATE;
        item->target_id = json_int(match, "id", 0);
        return;
    }
    item->action = ROW_DUPLICATE;
    run->progress.duplicates++;
    if (run->o->on_duplicate == IMPORT_DUPLICATE_UPDATE && count > 1)
        report_add(run, item->row->number, column, field, "ambiguous",
                   arena_printf(a, "Matches %zu records (%s); none was updated.", count, text),
                   codes);
    else if (run->o->on_duplicate == IMPORT_DUPLICATE_UPDATE)
        report_add(run, item->row->number, column, field, "duplicate",
                   arena_printf(a, "Matches %s, which this import cannot update: another kind "
                                   "of record, or one you may not see.", text),
                   codes);
    else
        report_add(run, item->row->number, column, field, "duplicate",
                   arena_printf(a, "Shares the email, a phone number or the registration "
                                   "number with %s; left out.", text),
                   codes);
}

/*
 * Returns the columns an insert sends: without nulls, which the insert reads as
 * NULL anyway, and without phone_digits, which is no column. A person has about
 * twenty null columns, which the server would write and PostgreSQL parse.
 */
static json_t *
insert_columns(const json_t *columns)
{
    json_t *sent = json_object(), *value;
    const char *key;

    json_object_foreach((json_t *)columns, key, value)
    {
        if (!json_is_null(value) && strcmp(key, "phone_digits") != 0)
            json_object_set(sent, key, value);
    }
    return sent;
}

/* Writes the new records of a batch with one statement each for numbers, rows, audit and list. */
static enum result
create_records(struct import_run *run, struct import_item *items, size_t count)
{
    struct scope *s = run->s;
    bool customer = !run->m->prospect;
    json_t *columns = json_array(), *audit = json_array(), *written = json_array();
    json_t *by_number = json_object(), *inserted, *row;
    int64_t *numbers;
    size_t creates = 0, n = 0, i;
    enum result r;

    for (i = 0; i < count; i++)
        creates += items[i].action == ROW_CREATE;
    if (creates == 0)
        return RESULT_OK;
    numbers = arena_calloc(s->arena, creates, sizeof(*numbers));
    if ((r = import_store_numbers(s, customer, (int)creates, numbers)) != RESULT_OK)
        return r;
    for (i = 0; i < count; i++) {
        json_t *c = items[i].cols.columns;
        const char *key;

        if (items[i].action != ROW_CREATE)
            continue;
        key = customer_code_format(s->arena, customer ? s->tenant->code_prefix
                                                      : s->tenant->prospect_prefix,
                                   numbers[n]);
        json_object_set_new(c, customer ? "code" : "reference", json_string(key));
        json_object_set_new(c, customer ? "code_number" : "reference_number",
                            json_integer(numbers[n]));
        customer_columns_search_text(s, c, customer ? key : NULL, customer ? NULL : key);
        json_object_set_new(by_number, arena_printf(s->arena, "%lld", (long long)numbers[n]),
                            json_integer((json_int_t)i));
        json_array_append_new(columns, insert_columns(c));
        n++;
    }
    if ((r = import_store_insert_customers(s, columns, &inserted)) != RESULT_OK)
        return r;

    json_array_foreach(inserted, n, row)
    {
        json_t *index = json_object_get(
            by_number, arena_printf(s->arena, "%lld", (long long)json_int(row, "number", 0)));
        struct import_item *item = &items[json_integer_value(index)];
        json_t *c = item->cols.columns, *details = json_object(), *record;
        int64_t id = json_int(row, "id", 0);

        json_object_set_new(c, "id", json_integer(id));
        json_object_set_new(c, "version", json_integer(1));
        record = customer_record_from_row(c);
        json_object_set(details, "code", json_object_get(record, "code"));
        json_object_set(details, "reference", json_object_get(record, "reference"));
        json_object_set_new(details, "import_id", json_integer(run->import_id));
        json_object_set_new(details, "changes",
                            customer_record_changes(json_object(),
                                                    customer_record_tracked(record)));
        json_array_append_new(audit, json_pack("{s:s, s:s, s:o}", "action",
                                               customer ? "customer.created" : "prospect.created",
                                               "target_id", arena_printf(s->arena, "%lld", (long long)id),
                                               "details", details));
        json_array_append_new(written, json_pack("{s:I, s:i, s:s, s:i, s:n}", "customer_id",
                                                 (json_int_t)id, "row", item->row->number,
                                                 "action", "created", "version", 1, "previous"));
        run->progress.created++;
        if (!customer) {
            struct import_prospect p = {run->import_id, item->row->number, record, item->in.raw,
                                        &run->hook_cache};

            if ((r = import_after_prospect(s, &p)) != RESULT_OK)
                return r;
        }
    }
    if ((r = import_store_audit(s, audit)) != RESULT_OK)
        return r;
    return import_store_records(s, run->import_id, written);
}

/* Runs one statement outside the statement cache: the savepoints of an update. */
static enum result
savepoint(struct scope *s, const char *command)
{
    return db_exec(s->db, command);
}

/*
 * Updates the record a row matched, under a savepoint so that a row that
 * breaks a rule leaves the batch intact. The previous values are kept for undo.
 */
static enum result
update_record(struct import_run *run, struct import_item *item, json_t *written)
{
    struct scope *s = run->s;
    struct customer_visibility v =
        customer_visibility(s->actor, CUSTOMER_WRITE, CUSTOMER_WITH_ARCHIVED);
    const char *id = arena_printf(s->arena, "%lld", (long long)item->target_id);
    json_t *current, *updated, *patch = json_deep_copy(item->in.body);
    enum result r;

    json_object_del(patch, "kind");
    problem_init(s->problem, s->arena);
    if ((r = savepoint(s, "SAVEPOINT import_row")) != RESULT_OK)
        return r;
    r = customer_get(s, CUSTOMER_BY_ID, id, &v, &current);
    if (r == RESULT_OK)
        r = customer_update(s, CUSTOMER_BY_ID, id, &v, (int)json_int(current, "version", 0),
                            patch, &updated);
    if (r == RESULT_OK) {
        run->progress.updated++;
        json_array_append_new(written, json_pack("{s:I, s:i, s:s, s:I, s:o}", "customer_id",
                                                 (json_int_t)item->target_id, "row",
                                                 item->row->number, "action", "updated",
                                                 "version", json_int(updated, "version", 0),
                                                 "previous", customer_record_input(current)));
        return savepoint(s, "RELEASE SAVEPOINT import_row");
    }
    if (r != RESULT_INVALID && r != RESULT_CONFLICT && r != RESULT_NOT_FOUND &&
        r != RESULT_PRECONDITION_FAILED)
        return r;
    if (savepoint(s, "ROLLBACK TO SAVEPOINT import_row") != RESULT_OK)
        return RESULT_UNAVAILABLE;
    if (r == RESULT_NOT_FOUND)
        problem_set(s->problem, "not_permitted", "Not permitted",
                    "The matching record is not one you may change.");
    report_problem(run, item);
    mark_invalid(run, item);
    return RESULT_OK;
}

enum result
import_batch(struct import_run *run, const struct csvfile_row *rows, size_t count)
{
    struct scope *s = run->s;
    struct import_item *items = arena_calloc(s->arena, count + 1, sizeof(*items));
    bool check_duplicates = run->o->on_duplicate != IMPORT_DUPLICATE_CREATE;
    json_t *matches = json_array(), *keys = json_array(), *written = json_array();
    size_t i;
    enum result r;

    run->hook_cache = NULL; /* it lives in the batch's arena */
    for (i = 0; i < count; i++) {
        items[i].row = &rows[i];
        if ((r = read_row(run, &items[i])) != RESULT_OK)
            return r;
        if (items[i].action == ROW_CREATE && check_duplicates)
            check_earlier_rows(run, &items[i]);
    }
    run->progress.rows += (int)count;
    if (run->mode == IMPORT_BATCH_VALIDATE || (run->aborted && run->mode == IMPORT_BATCH_WRITE))
        return RESULT_OK;

    if (run->m->prospect && (r = match_lead_owners(run, items, count)) != RESULT_OK)
        return r;
    if (run->mode == IMPORT_BATCH_WRITE) {
        /* The keys stay locked until commit, so a concurrent create waits and then finds these. */
        for (i = 0; i < count; i++) {
            if (items[i].action == ROW_CREATE)
                json_array_extend(keys, items[i].keys);
        }
        if ((r = customer_store_lock_keys(s, keys)) != RESULT_OK)
            return r;
    }
    if (check_duplicates && (r = find_duplicates(run, items, count, &matches)) != RESULT_OK)
        return r;
    for (i = 0; i < count; i++) {
        if (items[i].action == ROW_CREATE && json_array_size(items[i].matches) > 0)
            decide_duplicate(run, &items[i], matches);
    }

    if (run->mode == IMPORT_BATCH_CHECK) {
        for (i = 0; i < count; i++) {
            run->progress.created += items[i].action == ROW_CREATE;
            run->progress.updated += items[i].action == ROW_UPDATE;
        }
        return RESULT_OK;
    }
    if ((r = create_records(run, items, count)) != RESULT_OK)
        return r;
    for (i = 0; i < count; i++) {
        if (items[i].action == ROW_UPDATE && (r = update_record(run, &items[i], written)) != RESULT_OK)
            return r;
    }
    if (run->aborted)
        return RESULT_OK;
    return import_store_records(s, run->import_id, written);
}
