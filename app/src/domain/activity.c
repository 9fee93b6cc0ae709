#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/validate.h"
#include "domain/activity.h"
#include "domain/case.h"
#include "domain/deal.h"
#include "store/audit.h"

#define TIMELINE_KIND_MAX 40 /* characters of a kind inside a cursor key */

static const char *const activity_kinds[] = {"call", "email", "meeting", "visit",
                                             "sms",  "note",  NULL};
static const char *const activity_directions[] = {"inbound", "outbound", NULL};

#define FIELD(name, type, flags, max, min, top, choices)                                       \
    {name, type, flags, max, min, top, choices, NULL, NULL}

static const struct field activity_fields[] = {
    FIELD("kind", FIELD_ENUM, FIELD_REQUIRED, 0, 0, 0, activity_kinds),
    FIELD("direction", FIELD_ENUM, FIELD_NULLABLE, 0, 0, 0, activity_directions),
    FIELD("summary", FIELD_STRING, FIELD_REQUIRED, 200, 0, 0, NULL),
    FIELD("details", FIELD_TEXT, FIELD_NULLABLE, 10000, 0, 0, NULL),
    FIELD("occurred_at", FIELD_TIMESTAMP, FIELD_NULLABLE, 0, 0, 0, NULL),
    FIELD("duration_minutes", FIELD_INTEGER, FIELD_NULLABLE, 0, 0, 1440, NULL),
    {NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL},
};

/* Returns {id, display_name} of a user column of a row, or null. */
static json_t *
user_ref(const json_t *row, const char *id_column, const char *name_column)
{
    json_t *user;

    if (!json_is_integer(json_object_get(row, id_column)))
        return json_null();
    user = json_object();
    json_object_set(user, "id", json_object_get(row, id_column));
    json_object_set(user, "display_name", json_object_get(row, name_column));
    return user;
}

/* Builds the API form of an activity from a row of activity_store_list(). */
static json_t *
activity_from_row(const json_t *row)
{
    static const char *const fields[] = {
        "id",      "kind",        "direction",        "summary",
        "details", "occurred_at", "duration_minutes", NULL};
    json_t *a = json_object();

    for (const char *const *f = fields; *f != NULL; f++) {
        json_t *v = json_object_get(row, *f);

        json_object_set(a, *f, v != NULL ? v : json_null());
    }
    json_object_set_new(a, "recorded_by", user_ref(row, "recorded_by", "recorded_by_name"));
    return a;
}

/* Checks the rules between fields: no direction on a note, no occurred_at in the future. */
static enum result
activity_check(struct scope *s, const json_t *body)
{
    const char *occurred_at = json_str(body, "occurred_at");
    int64_t micros;

    if (strcmp(json_str(body, "kind"), "note") == 0 && json_str(body, "direction") != NULL) {
        problem_field(s->problem, "direction", "kind",
                      "A note has no direction; leave direction out.");
        return RESULT_INVALID;
    }
    if (occurred_at != NULL && clock_parse_rfc3339(occurred_at, &micros) &&
        micros > s->now_us + (int64_t)ACTIVITY_FUTURE_TOLERANCE_SECONDS * 1000000) {
        problem_field(s->problem, "occurred_at", "range",
                      "Must not be in the future; record an activity once it happened.");
        return RESULT_INVALID;
    }
    return RESULT_OK;
}

enum result
activity_create(struct scope *s, int64_t customer_id, json_t *body, json_t **activity)
{
    json_t *row, *details;
    enum result r;

    assert(db_in_transaction(s->db));
    if ((r = validate_object(s->problem, s->arena, body, activity_fields, "", false)) !=
            RESULT_OK ||
        (r = activity_check(s, body)) != RESULT_OK ||
        (r = activity_store_insert(s, customer_id, body, &row)) != RESULT_OK)
        return r;
    *activity = activity_from_row(row);
    details = json_object();
    json_object_set_new(details, "customer_id", json_integer(customer_id));
    json_object_set(details, "kind", json_object_get(*activity, "kind"));
    json_object_set(details, "occurred_at", json_object_get(*activity, "occurred_at"));
    return audit_record(s, "activity.created", "activity",
                        arena_printf(s->arena, "%lld", (long long)json_int(*activity, "id", 0)),
                        details);
}

enum result
activity_list(struct scope *s, int64_t customer_id, bool has_after, int64_t after_micros,
              int64_t after_id, int limit, json_t **items, const char **last_key,
              int64_t *last_id)
{
    json_t *rows, *row;
    size_t i;
    enum result r;

    *items = json_array();
    *last_key = NULL;
    r = activity_store_list(s, customer_id, has_after, after_micros, after_id, limit + 1,
                            &rows);
    if (r != RESULT_OK)
        return r;
    json_array_foreach(rows, i, row)
    {
        if (i == (size_t)limit) {
            json_t *last = json_array_get(rows, i - 1);

            *last_key = json_str(last, "sort_key");
            *last_id = json_int(last, "id", 0);
            break;
        }
        json_array_append_new(*items, activity_from_row(row));
    }
    return RESULT_OK;
}

bool
timeline_key_parse(struct arena *a, const char *key, int64_t id,
                   struct timeline_position *after)
{
    const char *colon = strchr(key, ':');
    char *end;
    size_t kind_len;

    if (colon == NULL || colon == key)
        return false;
    after->micros = strtoll(key, &end, 10);
    if (end != colon)
        return false;
    kind_len = strlen(colon + 1);
    if (kind_len == 0 || kind_len > TIMELINE_KIND_MAX ||
        strspn(colon + 1, "abcdefghijklmnopqrstuvwxyz_") != kind_len)
        return false;
    after->kind = arena_strdup(a, colon + 1);
    after->id = id;
    return true;
}

enum result
timeline_page(struct scope *s, int64_t customer_id, const struct timeline_position *after,
              int limit, json_t **items, const char **last_key, int64_t *last_id)
{
    /* The record is visible already, archived or not; cases and deals add their own rule. */
    struct case_visibility cases = case_visibility(s->actor, CASE_READ, CUSTOMER_WITH_ARCHIVED);
    struct deal_visibility deals = deal_visibility(s->actor, DEAL_READ);
    json_t *rows, *row;
    size_t i;
    enum result r;

    *items = json_array();
    *last_key = NULL;
    deals.records.archived = CUSTOMER_WITH_ARCHIVED;
    if ((r = timeline_store_page(s, customer_id, &cases, &deals, after, limit + 1, &rows)) !=
        RESULT_OK)
        return r;
    json_array_foreach(rows, i, row)
    {
        json_t *entry;

        if (i == (size_t)limit) {
            json_t *last = json_array_get(rows, i - 1);

            *last_key =
                arena_printf(s->arena, "%lld:%s", (long long)json_int(last, "micros", 0),
                             json_str(last, "kind"));
            *last_id = json_int(last, "id", 0);
            break;
        }
        entry = json_object();
        json_object_set(entry, "kind", json_object_get(row, "kind"));
        json_object_set(entry, "id", json_object_get(row, "id"));
        json_object_set(entry, "occurred_at", json_object_get(row, "occurred_at"));
        json_object_set_new(entry, "actor", user_ref(row, "actor_id", "actor_name"));
        json_object_set(entry, "summary", json_object_get(row, "summary"));
        json_object_set(entry, "details", json_object_get(row, "details"));
        json_array_append_new(*items, entry);
    }
    return RESULT_OK;
}
