#include <assert.h>
#include <string.h>

#include "core/clock.h"
#include "core/iso.h"
#include "core/money.h"
#include "core/text.h"
#include "core/validate.h"
#include "domain/case.h"
#include "domain/customer.h"
#include "domain/customer_record.h"
#include "domain/deal.h"
#include "domain/deal_record.h"
#include "domain/settings.h"
#include "store/audit.h"
#include "store/pipeline.h"

#define KEY_MAX 40 /* characters of a customer code or prospect reference */

const char *const deal_priority_names[] = {"low", "medium", "high", NULL};

#define FIELD(name, type, flags, max, low, high, choices)                                      \
    {name, type, flags, max, low, high, choices, NULL, NULL}
#define END {NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL}

/*
 * The fields a create and an update share. required is the flag of those a
 * create may leave out but an update may not set to null.
 */
#define DEAL_FIELDS(required)                                                                  \
    FIELD("amount", FIELD_INTEGER, required, 0, 0, MONEY_AMOUNT_MAX, NULL),                    \
        FIELD("currency", FIELD_STRING, required, 3, 0, 0, NULL),                              \
        FIELD("expected_close_date", FIELD_DATE, FIELD_NULLABLE, 0, 0, 0, NULL),               \
        FIELD("owner_id", FIELD_ID, FIELD_NULLABLE, 0, 0, 0, NULL),                            \
        FIELD("priority", FIELD_ENUM, required, 0, 0, 0, deal_priority_names),                 \
        FIELD("source", FIELD_STRING, FIELD_NULLABLE, 80, 0, 0, NULL),                         \
        FIELD("lost_reason", FIELD_TEXT, FIELD_NULLABLE, 1000, 0, 0, NULL),                    \
        FIELD("notes", FIELD_TEXT, FIELD_NULLABLE, 10000, 0, 0, NULL)

static const struct field create_fields[] = {
    FIELD("customer", FIELD_STRING, 0, KEY_MAX, 0, 0, NULL),
    FIELD("prospect", FIELD_STRING, 0, KEY_MAX, 0, 0, NULL),
    FIELD("pipeline_id", FIELD_ID, 0, 0, 0, 0, NULL),
    FIELD("stage_id", FIELD_ID, 0, 0, 0, 0, NULL),
    FIELD("title", FIELD_STRING, FIELD_REQUIRED, 200, 0, 0, NULL),
    DEAL_FIELDS(0),
    END,
};

/* On an update FIELD_REQUIRED only rejects null and "": absent fields stay. */
static const struct field update_fields[] = {
    FIELD("title", FIELD_STRING, FIELD_REQUIRED, 200, 0, 0, NULL),
    DEAL_FIELDS(FIELD_REQUIRED),
    END,
};

static const struct field move_fields[] = {
    FIELD("stage_id", FIELD_ID, FIELD_REQUIRED, 0, 0, 0, NULL),
    FIELD("lost_reason", FIELD_TEXT, FIELD_NULLABLE, 1000, 0, 0, NULL),
    END,
};

/* The fields a PATCH copies as they are, after validation. */
static const char *const plain_fields[] = {"title",    "amount", "currency",
                                           "expected_close_date", "owner_id", "priority",
                                           "source",   "notes",  NULL};

/* The columns deal_store_update() writes, as deal rows name them. */
static const char *const changeable_columns[] = {
    "title",    "pipeline_id", "stage_id",   "status",      "amount", "currency",
    "expected_close_date", "owner_id", "owner_name", "priority", "source", "lost_reason",
    "notes",    "won_at",      "lost_at",    "closed_at",   NULL,
};

struct deal_visibility
deal_visibility(const struct actor *actor, enum deal_access access)
{
    struct deal_visibility v = {customer_visibility(actor, CUSTOMER_READ, CUSTOMER_LIVE), true,
                                0};
    bool own;

    if (actor == NULL)
        return v;
    v.deals = actor_can(actor, PERM_DEALS_VIEW);
    own = !actor_sees_all(actor, PERM_DEALS_VIEW);
    if (access == DEAL_WRITE) {
        v.deals = v.deals && actor_can(actor, PERM_DEALS_UPDATE);
        own = own || !actor_sees_all(actor, PERM_DEALS_UPDATE);
    }
    v.deals_owner = v.deals && own ? actor->user_id : 0;
    return v;
}

/* Reads a deal by id whatever its visibility, after this request wrote it. */
static enum result
deal_reread(struct scope *s, int64_t id, json_t **deal)
{
    struct deal_visibility all = {{true, 0, true, 0, CUSTOMER_WITH_ARCHIVED}, true, 0};
    json_t *row;
    enum result r = deal_store_get(s, id, &all, false, &row);

    if (r == RESULT_OK)
        *deal = deal_record_from_row(row);
    return r;
}

static enum result
deal_audit(struct scope *s, const char *action, int64_t id, json_t *details)
{
    return audit_record(s, action, "deal", arena_printf(s->arena, "%lld", (long long)id),
                        details);
}

/* Finds the record a create names by customer code or prospect reference. */
static enum result
deal_find_record(struct scope *s, const json_t *body, int64_t *id)
{
    struct customer_visibility v = customer_visibility(s->actor, CUSTOMER_READ, CUSTOMER_LIVE);
    const char *code = json_str(body, "customer");
    const char *reference = json_str(body, "prospect");
    enum result r;

    if (code != NULL && reference != NULL) {
        problem_field(s->problem, "prospect", "one_of",
                      "Name the record by customer or by prospect, not both.");
        return RESULT_INVALID;
    }
    if (code == NULL && reference == NULL) {
        problem_field(s->problem, "customer", "required",
                      "Name the record: customer (a customer code) or prospect (a prospect "
                      "reference).");
        return RESULT_INVALID;
    }
    r = customer_find_id(s, code != NULL ? CUSTOMER_BY_CODE : CUSTOMER_BY_REFERENCE,
                         code != NULL ? code : reference, &v, id);
    if (r == RESULT_NOT_FOUND) {
        problem_field(s->problem, code != NULL ? "customer" : "prospect", "not_found",
                      code != NULL ? "No customer with this code is visible to you."
                                   : "No prospect with this reference is visible to you.");
        return RESULT_INVALID;
    }
    return r;
}

/* Checks a currency code and that amount fits its minor unit's limit. */
static enum result
deal_check_amount(struct scope *s, const char *currency, int64_t amount)
{
    int64_t max;
    int digits;

    if (!iso_currency_valid(currency)) {
        problem_field(s->problem, "currency", "format",
                      "Must be a current ISO 4217 currency code in capitals, such as EUR.");
        return RESULT_INVALID;
    }
    digits = iso_currency_digits(currency);
    max = money_amount_max(digits);
    if (amount > max) {
        problem_field(s->problem, "amount", "range",
                      "Must be from 0 to %lld minor units of %s (%s %s).", (long long)max,
                      currency, money_format(s->arena, max, digits), currency);
        return RESULT_INVALID;
    }
    return RESULT_OK;
}

/* Checks an owner: a user of the tenant who is not deactivated. */
static enum result
deal_check_owner(struct scope *s, int64_t user_id)
{
    const char *status;
    enum result r = customer_store_user_status(s, user_id, &status);

    if (r == RESULT_NOT_FOUND) {
        problem_field(s->problem, "owner_id", "exists", "No user has this id.");
        return RESULT_INVALID;
    }
    if (r == RESULT_OK && strcmp(status, "deactivated") == 0) {
        problem_field(s->problem, "owner_id", "active", "This user is deactivated.");
        return RESULT_INVALID;
    }
    return r;
}

/*
 * Finds the stage a create or move names: a live stage, of pipeline_id when
 * that is not 0. field names the member in errors.
 */
static enum result
deal_find_stage(struct scope *s, int64_t stage_id, int64_t pipeline_id, const char *field,
                json_t **stage)
{
    enum result r = pipeline_store_stage(s, stage_id, stage);

    if (r == RESULT_NOT_FOUND || (r == RESULT_OK && !json_is_null(json_object_get(
                                                          *stage, "removed_at")))) {
        problem_field(s->problem, field, "exists", "No live stage has this id.");
        return RESULT_INVALID;
    }
    if (r == RESULT_OK && pipeline_id > 0 && json_int(*stage, "pipeline_id", 0) != pipeline_id) {
        problem_field(s->problem, field, "pipeline",
                      "This stage belongs to another pipeline than pipeline_id.");
        return RESULT_INVALID;
    }
    return r;
}

/* Finds the first live stage of a pipeline, the default one when pipeline_id is 0. */
static enum result
deal_first_stage(struct scope *s, int64_t pipeline_id, json_t **stage)
{
    json_t *rows, *first;
    enum result r;

    if (pipeline_id == 0 && (r = pipeline_store_default(s, &pipeline_id)) != RESULT_OK)
        return r;
    if ((r = pipeline_store_list(s, pipeline_id, &rows)) != RESULT_OK)
        return r;
    if (json_array_size(rows) != 1) {
        problem_field(s->problem, "pipeline_id", "exists", "No pipeline has this id.");
        return RESULT_INVALID;
    }
    first = json_array_get(json_object_get(json_array_get(rows, 0), "stages"), 0);
    if (first == NULL)
        return RESULT_INTERNAL;
    return pipeline_store_stage(s, json_int(first, "id", 0), stage);
}

/*
 * Sets the stage columns of a deal entering stage at now: pipeline, stage,
 * status and the times of winning, losing and closing.
 */
static void
deal_enter_stage(json_t *columns, const json_t *stage, const char *now)
{
    const char *kind = json_str(stage, "kind");
    bool won = strcmp(kind, "won") == 0, lost = strcmp(kind, "lost") == 0;

    json_object_set(columns, "pipeline_id", json_object_get(stage, "pipeline_id"));
    json_object_set(columns, "stage_id", json_object_get(stage, "id"));
    json_object_set_new(columns, "status", json_string(kind));
    json_object_set_new(columns, "won_at", won ? json_string(now) : json_null());
    json_object_set_new(columns, "lost_at", lost ? json_string(now) : json_null());
    json_object_set_new(columns, "closed_at", won || lost ? json_string(now) : json_null());
    if (!lost)
        json_object_set_new(columns, "lost_reason", json_null());
}

/* RESULT_INVALID naming lost_reason when a lost deal has none. */
static enum result
deal_require_lost_reason(struct scope *s, const json_t *columns, const json_t *stage)
{
    if (strcmp(json_str(columns, "status"), "lost") != 0 ||
        json_str(columns, "lost_reason") != NULL)
        return RESULT_OK;
    problem_field(s->problem, "lost_reason", "required",
                  "A deal in the lost stage %s needs a lost_reason that says why it was lost.",
                  json_str(stage, "name"));
    return RESULT_INVALID;
}

/* The folded title that q searches. */
static json_t *
deal_search_text(struct scope *s, const char *title)
{
    return json_string(text_fold(s->arena, title));
}

enum result
deal_create(struct scope *s, json_t *body, json_t **deal)
{
    const char *now = clock_format_rfc3339(s->arena, s->now_us);
    const char *currency;
    json_t *columns, *stage, *owner;
    int64_t customer_id, id, stage_id;
    enum result r;

    assert(db_in_transaction(s->db));
    if ((r = validate_object(s->problem, s->arena, body, create_fields, "", false)) !=
            RESULT_OK ||
        (r = deal_find_record(s, body, &customer_id)) != RESULT_OK)
        return r;
    currency = json_str(body, "currency") != NULL ? json_str(body, "currency")
                                                  : s->tenant->currency;
    if ((r = deal_check_amount(s, currency, json_int(body, "amount", 0))) != RESULT_OK)
        return r;
    stage_id = json_int(body, "stage_id", 0);
    r = stage_id > 0 ? deal_find_stage(s, stage_id, json_int(body, "pipeline_id", 0),
                                       "stage_id", &stage)
                     : deal_first_stage(s, json_int(body, "pipeline_id", 0), &stage);
    if (r != RESULT_OK)
        return r;
    owner = json_object_get(body, "owner_id");
    if (json_is_integer(owner) && (r = deal_check_owner(s, json_integer_value(owner))) != RESULT_OK)
        return r;

    columns = json_object();
    for (const char *const *f = plain_fields; *f != NULL; f++)
        json_object_set(columns, *f, json_object_get(body, *f));
    json_object_set_new(columns, "currency", json_string(currency));
    if (json_object_get(body, "amount") == NULL)
        json_object_set_new(columns, "amount", json_integer(0));
    if (json_object_get(body, "priority") == NULL)
        json_object_set_new(columns, "priority", json_string("medium"));
    if (owner == NULL && s->actor != NULL)
        json_object_set_new(columns, "owner_id", json_integer(s->actor->user_id));
    json_object_set_new(columns, "customer_id", json_integer(customer_id));
    json_object_set_new(columns, "search_text", deal_search_text(s, json_str(body, "title")));
    deal_enter_stage(columns, stage, now);
    json_object_set(columns, "lost_reason", json_object_get(body, "lost_reason"));
    if (json_str(body, "lost_reason") != NULL && strcmp(json_str(stage, "kind"), "lost") != 0) {
        problem_field(s->problem, "lost_reason", "status",
                      "A lost_reason belongs to a deal in a lost stage.");
        return RESULT_INVALID;
    }
    if ((r = deal_require_lost_reason(s, columns, stage)) != RESULT_OK ||
        (r = deal_store_insert(s, columns, &id)) != RESULT_OK ||
        (r = deal_reread(s, id, deal)) != RESULT_OK)
        return r;
    return deal_audit(s, "deal.created", id,
                      json_pack("{s:O, s:O}", "title", json_object_get(*deal, "title"), "stage",
                                json_object_get(*deal, "stage")));
}

enum result
deal_get(struct scope *s, int64_t id, const struct deal_visibility *v, json_t **deal)
{
    json_t *row;
    enum result r = deal_store_get(s, id, v, false, &row);

    if (r == RESULT_OK)
        *deal = deal_record_from_row(row);
    return r;
}

/* Locks a deal for a change and checks the version the change was based on. */
static enum result
deal_lock(struct scope *s, int64_t id, const struct deal_visibility *v, int expected_version,
          json_t **row)
{
    enum result r = deal_store_get(s, id, v, true, row);
    int64_t version;

    if (r != RESULT_OK)
        return r;
    version = json_int(*row, "version", 0);
    if (expected_version > 0 && version != expected_version) {
        problem_set(s->problem, "version_mismatch", "Version mismatch",
                    "Deal %lld changed since version %d; it is at version %lld now. Read it "
                    "again and apply your change to the current version.",
                    (long long)id, expected_version, (long long)version);
        problem_extra(s->problem, "current_version", json_integer(version));
        return RESULT_PRECONDITION_FAILED;
    }
    return RESULT_OK;
}

/* Returns the changeable columns of a deal row, ready for deal_store_update(). */
static json_t *
deal_columns_from_row(struct scope *s, const json_t *row)
{
    json_t *columns = json_object();

    for (const char *const *n = changeable_columns; *n != NULL; n++) {
        json_t *v = json_object_get(row, *n);

        json_object_set(columns, *n, v != NULL ? v : json_null());
    }
    json_object_set_new(columns, "search_text", deal_search_text(s, json_str(row, "title")));
    return columns;
}

/* Returns {column: {before, after}} for the columns that differ. */
static json_t *
deal_changes(const json_t *before, const json_t *after)
{
    json_t *changes = json_object();

    for (const char *const *n = changeable_columns; *n != NULL; n++) {
        json_t *b = json_object_get(before, *n), *a = json_object_get(after, *n);

        if (b == NULL)
            b = json_null();
        if (a == NULL)
            a = json_null();
        if (!json_equal(b, a))
            json_object_set_new(changes, *n, json_pack("{s:O, s:O}", "before", b, "after", a));
    }
    return changes;
}

/* Rejects members of a PATCH that it cannot change. */
static enum result
deal_reject_fixed(struct scope *s, const json_t *body)
{
    static const char *const fixed[] = {"customer", "prospect", "pipeline_id", "stage_id", NULL};

    for (const char *const *f = fixed; json_is_object(body) && *f != NULL; f++) {
        if (json_object_get(body, *f) == NULL)
            continue;
        if (strcmp(*f, "pipeline_id") == 0 || strcmp(*f, "stage_id") == 0)
            problem_field(s->problem, *f, "move",
                          "A deal changes stage through POST /api/v1/deals/{id}/move, which "
                          "records the change.");
        else
            problem_field(s->problem, *f, "immutable",
                          "A deal stays with the record it was opened for.");
        return RESULT_INVALID;
    }
    return RESULT_OK;
}

enum result
deal_update(struct scope *s, int64_t id, const struct deal_visibility *v, int expected_version,
            json_t *body, json_t **deal)
{
    json_t *row, *columns, *changes, *owner, *reason;
    enum result r;

    assert(db_in_transaction(s->db));
    if ((r = deal_reject_fixed(s, body)) != RESULT_OK ||
        (r = validate_object(s->problem, s->arena, body, update_fields, "", true)) !=
            RESULT_OK ||
        (r = deal_lock(s, id, v, expected_version, &row)) != RESULT_OK)
        return r;
    columns = deal_columns_from_row(s, row);
    for (const char *const *f = plain_fields; *f != NULL; f++) {
        if (json_object_get(body, *f) != NULL)
            json_object_set(columns, *f, json_object_get(body, *f));
    }
    if ((r = deal_check_amount(s, json_str(columns, "currency"),
                               json_int(columns, "amount", 0))) != RESULT_OK)
        return r;
    owner = json_object_get(body, "owner_id");
    if (owner != NULL && !json_equal(owner, json_object_get(row, "owner_id"))) {
        if (json_is_integer(owner) &&
            (r = deal_check_owner(s, json_integer_value(owner))) != RESULT_OK)
            return r;
        json_object_set_new(columns, "owner_name", json_null());
    }
    reason = json_object_get(body, "lost_reason");
    if (reason != NULL) {
        if (strcmp(json_str(row, "status"), "lost") != 0 && !json_is_null(reason)) {
            problem_field(s->problem, "lost_reason", "status",
                          "A lost_reason belongs to a deal in a lost stage.");
            return RESULT_INVALID;
        }
        if (strcmp(json_str(row, "status"), "lost") == 0 && json_is_null(reason) &&
            json_is_null(json_object_get(row, "import_id"))) {
            problem_field(s->problem, "lost_reason", "required",
                          "A lost deal keeps a lost_reason that says why it was lost.");
            return RESULT_INVALID;
        }
        json_object_set(columns, "lost_reason", reason);
    }
    json_object_set_new(columns, "search_text", deal_search_text(s, json_str(columns, "title")));

    changes = deal_changes(row, columns);
    if (json_object_size(changes) == 0) {
        *deal = deal_record_from_row(row);
        return RESULT_OK;
    }
    if ((r = deal_store_update(s, id, (int)json_int(row, "version", 0), columns, 0)) !=
            RESULT_OK ||
        (r = deal_reread(s, id, deal)) != RESULT_OK)
        return r;
    return deal_audit(s, "deal.updated", id, json_pack("{s:o}", "changes", changes));
}

/* Returns {"converted": false, "reason", "detail"}. */
static json_t *
deal_not_converted(const char *reason, const char *detail)
{
    return json_pack("{s:b, s:s, s:s}", "converted", 0, "reason", reason, "detail", detail);
}

/*
 * Converts the prospect of a deal just won, when the setting and the actor's
 * permissions allow. A conversion that customer_convert() rejects leaves the
 * move in place, so its problem becomes the conversion member and is cleared.
 */
static enum result
deal_convert_on_win(struct scope *s, const json_t *row, json_t **conversion)
{
    struct settings settings;
    json_t *record, *carried;
    enum result r;

    if ((r = settings_load(s, &settings)) != RESULT_OK)
        return r;
    if (!settings_bool(&settings, SETTING_DEAL_WIN_CONVERTS)) {
        *conversion = deal_not_converted(
            "setting_off", "The tenant setting deal_win_converts_prospect is off, so winning a "
                           "deal leaves its prospect as it is.");
        return RESULT_OK;
    }
    if (s->actor != NULL && !actor_can(s->actor, PERM_PROSPECTS_CONVERT)) {
        *conversion = deal_not_converted(
            "permission", "Converting the prospect needs the permission prospects.convert, "
                          "which your role does not grant; the deal is won and the prospect "
                          "stays a prospect.");
        json_object_set_new(*conversion, "permission",
                            json_string(permission_name(PERM_PROSPECTS_CONVERT)));
        return RESULT_OK;
    }
    r = customer_convert(s, json_int(row, "customer_id", 0), &record, &carried);
    if (r == RESULT_CONFLICT) {
        json_t *code = json_object_get(s->problem->extra, "customer_code");

        *conversion = deal_not_converted(s->problem->type != NULL ? s->problem->type
                                                                   : "conflict",
                                         s->problem->detail != NULL ? s->problem->detail : "");
        if (code != NULL)
            json_object_set(*conversion, "customer_code", code);
        problem_init(s->problem, s->arena);
        return RESULT_OK;
    }
    if (r != RESULT_OK)
        return r;
    *conversion = json_pack("{s:b, s:O}", "converted", 1, "customer_code",
                            json_object_get(record, "code"));
    return RESULT_OK;
}

enum result
deal_move(struct scope *s, int64_t id, const struct deal_visibility *v, int expected_version,
          json_t *body, json_t **deal, json_t **conversion)
{
    const char *now = clock_format_rfc3339(s->arena, s->now_us);
    json_t *row, *stage, *columns, *reason = json_object_get(body, "lost_reason");
    const char *from_kind, *to_kind;
    int64_t from_stage;
    enum result r;

    assert(db_in_transaction(s->db));
    *conversion = json_null();
    if ((r = validate_object(s->problem, s->arena, body, move_fields, "", false)) !=
            RESULT_OK ||
        (r = deal_lock(s, id, v, expected_version, &row)) != RESULT_OK ||
        (r = deal_find_stage(s, json_int(body, "stage_id", 0), 0, "stage_id", &stage)) !=
            RESULT_OK)
        return r;
    from_stage = json_int(row, "stage_id", 0);
    from_kind = json_str(row, "stage_kind");
    to_kind = json_str(stage, "kind");
    if (json_str(body, "lost_reason") != NULL && strcmp(to_kind, "lost") != 0) {
        problem_field(s->problem, "lost_reason", "status",
                      "A lost_reason belongs to a move to a lost stage; %s is %s.",
                      json_str(stage, "name"), to_kind);
        return RESULT_INVALID;
    }
    if (json_int(stage, "id", 0) == from_stage && reason == NULL) {
        *deal = deal_record_from_row(row);
        return RESULT_OK;
    }

    columns = deal_columns_from_row(s, row);
    if (json_int(stage, "id", 0) != from_stage) {
        if (strcmp(from_kind, to_kind) == 0) {
            /* Between stages of one kind the deal keeps its times and lost_reason. */
            json_object_set(columns, "pipeline_id", json_object_get(stage, "pipeline_id"));
            json_object_set(columns, "stage_id", json_object_get(stage, "id"));
        } else {
            deal_enter_stage(columns, stage, now);
        }
    }
    if (json_str(body, "lost_reason") != NULL)
        json_object_set(columns, "lost_reason", reason);
    if ((r = deal_require_lost_reason(s, columns, stage)) != RESULT_OK)
        return r;
    r = deal_store_update(s, id, (int)json_int(row, "version", 0), columns,
                          json_int(stage, "id", 0) != from_stage ? from_stage : 0);
    if (r != RESULT_OK)
        return r;
    if (strcmp(to_kind, "won") == 0 && strcmp(from_kind, "won") != 0) {
        if (strcmp(json_str(row, "customer_lifecycle"), "prospect") == 0) {
            if ((r = deal_convert_on_win(s, row, conversion)) != RESULT_OK)
                return r;
        } else {
            *conversion = deal_not_converted("already_customer",
                                             "The deal's record is a customer already.");
            json_object_set(*conversion, "customer_code", json_object_get(row, "customer_code"));
        }
    }
    if ((r = deal_reread(s, id, deal)) != RESULT_OK)
        return r;
    return deal_audit(s, "deal.moved", id,
                      json_pack("{s:O, s:O, s:o}", "from_stage_id",
                                json_object_get(row, "stage_id"), "to_stage_id",
                                json_object_get(stage, "id"), "changes",
                                deal_changes(row, columns)));
}

enum result
deal_list(struct scope *s, struct deal_list_query *q, json_t **items, const char **last_key,
          int64_t *last_id)
{
    json_t *rows, *row;
    size_t i;
    int limit = q->limit;
    enum result r;

    *items = json_array();
    *last_key = NULL;
    q->limit = limit + 1; /* one more row shows whether another page follows */
    r = deal_store_list(s, q, &rows);
    q->limit = limit;
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
        json_array_append_new(*items, deal_record_from_row(row));
    }
    return RESULT_OK;
}

enum result
deal_history(struct scope *s, int64_t id, int64_t after_id, int limit, json_t **items,
             int64_t *last_id)
{
    json_t *rows, *row;
    size_t i;
    enum result r;

    *items = json_array();
    *last_id = 0;
    if ((r = deal_store_history(s, id, after_id, limit + 1, &rows)) != RESULT_OK)
        return r;
    json_array_foreach(rows, i, row)
    {
        if (i == (size_t)limit) {
            *last_id = json_int(json_array_get(rows, i - 1), "id", 0);
            break;
        }
        json_array_append_new(*items, deal_record_history_entry(row));
    }
    return RESULT_OK;
}

/* Adds the sums of one stage and currency to the stage's totals and count. */
static void
deal_board_add_sum(json_t *stage, const json_t *sum)
{
    json_t *total = json_object();

    json_object_set(total, "currency", json_object_get(sum, "currency"));
    json_object_set(total, "count", json_object_get(sum, "count"));
    json_object_set(total, "amount", json_object_get(sum, "amount"));
    json_object_set(total, "weighted_amount", json_object_get(sum, "weighted_amount"));
    json_array_append_new(json_object_get(stage, "totals"), total);
    json_object_set_new(stage, "count",
                        json_integer(json_int(stage, "count", 0) + json_int(sum, "count", 0)));
}

/* Returns the stages of a summary or board by id as text. */
static json_t *
deal_stages_by_id(struct scope *s, const json_t *stages)
{
    json_t *by_id = json_object(), *stage;
    size_t i;

    json_array_foreach(stages, i, stage)
        json_object_set(by_id, arena_printf(s->arena, "%lld", (long long)json_int(stage, "id", 0)),
                        stage);
    return by_id;
}

enum result
deal_stage_summary(struct scope *s, int64_t pipeline_id, const struct deal_visibility *v,
                   json_t **summary)
{
    json_t *pipelines, *pipeline, *stages, *stage, *sums, *sum, *by_id;
    size_t i;
    enum result r;

    if ((r = pipeline_store_list(s, pipeline_id, &pipelines)) != RESULT_OK)
        return r;
    if (json_array_size(pipelines) != 1)
        return RESULT_NOT_FOUND;
    pipeline = json_array_get(pipelines, 0);
    stages = json_object_get(pipeline, "stages");
    json_array_foreach(stages, i, stage)
    {
        json_object_set_new(stage, "count", json_integer(0));
        json_object_set_new(stage, "totals", json_array());
    }
    if ((r = pipeline_store_sums(s, pipeline_id, v, &sums)) != RESULT_OK)
        return r;
    by_id = deal_stages_by_id(s, stages);
    json_array_foreach(sums, i, sum)
    {
        stage = json_object_get(
            by_id, arena_printf(s->arena, "%lld", (long long)json_int(sum, "stage_id", 0)));
        if (stage != NULL)
            deal_board_add_sum(stage, sum);
    }
    *summary = json_object();
    json_object_set(*summary, "stages", stages);
    json_object_del(pipeline, "stages");
    json_object_set(*summary, "pipeline", pipeline);
    return RESULT_OK;
}

enum result
deal_board(struct scope *s, int64_t pipeline_id, int limit, json_t **board)
{
    struct deal_visibility v = deal_visibility(s->actor, DEAL_READ);
    json_t *stages, *stage, *rows, *row, *by_id;
    size_t i;
    enum result r;

    if ((r = deal_stage_summary(s, pipeline_id, &v, board)) != RESULT_OK ||
        (r = deal_store_board(s, pipeline_id, &v, limit + 1, &rows)) != RESULT_OK)
        return r;
    stages = json_object_get(*board, "stages");
    json_array_foreach(stages, i, stage)
        json_object_set_new(stage, "deals", json_array());
    by_id = deal_stages_by_id(s, stages);
    json_array_foreach(rows, i, row)
    {
        json_t *deals;

        stage = json_object_get(
            by_id, arena_printf(s->arena, "%lld", (long long)json_int(row, "stage_id", 0)));
        if (stage == NULL)
            continue;
        deals = json_object_get(stage, "deals");
        if (json_array_size(deals) == (size_t)limit) {
            /* The row before is the stage's last on this page: rows come stage by stage. */
            json_t *last = json_array_get(rows, i - 1);

            json_object_set_new(stage, "next_after",
                                json_pack("{s:s, s:I}", "key", json_str(last, "sort_key"), "id",
                                          (json_int_t)json_int(last, "id", 0)));
            continue;
        }
        json_array_append_new(deals, deal_record_from_row(row));
    }
    return RESULT_OK;
}
