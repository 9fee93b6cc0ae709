#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "core/validate.h"
#include "domain/customer.h"
#include "domain/customer_input.h"
#include "domain/customer_record.h"
#include "store/audit.h"

struct customer_visibility
customer_visibility(const struct actor *actor, enum customer_access access,
                    enum customer_archived archived)
{
    struct customer_visibility v = {true, 0, true, 0, archived};
    enum permission view[2] = {PERM_CUSTOMERS_VIEW, PERM_PROSPECTS_VIEW};
    enum permission update[2] = {PERM_CUSTOMERS_UPDATE, PERM_PROSPECTS_UPDATE};
    bool *see[2] = {&v.customers, &v.prospects};
    int64_t *owner[2] = {&v.customers_owner, &v.prospects_owner};

    if (actor == NULL)
        return v;
    for (int i = 0; i < 2; i++) {
        bool own = !actor_sees_all(actor, view[i]);

        *see[i] = actor_can(actor, view[i]);
        if (access == CUSTOMER_WRITE) {
            *see[i] = *see[i] && actor_can(actor, update[i]);
            own = own || !actor_sees_all(actor, update[i]);
        }
        *owner[i] = *see[i] && own ? actor->user_id : 0;
    }
    return v;
}

bool
customer_may_see_archived(const struct actor *actor)
{
    return actor == NULL || actor_can(actor, PERM_CUSTOMERS_ARCHIVE);
}

char *
customer_code_format(struct arena *a, const char *prefix, int64_t number)
{
    return arena_printf(a, "%s%0*lld", prefix, CUSTOMER_CODE_DIGITS, (long long)number);
}

/* True for text made of digits, spaces and + - ( ) . with at least three digits. */
static bool
looks_like_phone(const char *text, struct buf *digits)
{
    for (const char *p = text; *p != '\0'; p++) {
        if (*p >= '0' && *p <= '9')
            buf_putc(digits, *p);
        else if (strchr(" +-().", *p) == NULL)
            return false;
    }
    return digits->len >= 3;
}

char *
customer_search_pattern(struct arena *a, const char *query)
{
    char *trimmed;
    size_t chars;
    const char *folded;
    struct buf digits, pattern;

    if (text_normalize(a, query, strlen(query), TEXT_SINGLE_LINE, &trimmed, &chars) !=
            TEXT_OK ||
        chars == 0)
        return NULL;
    buf_init(&digits, a, 32);
    folded = looks_like_phone(trimmed, &digits) ? digits.data : text_fold(a, trimmed);
    buf_init(&pattern, a, strlen(folded) * 2 + 3);
    buf_putc(&pattern, '%');
    for (const char *p = folded; *p != '\0'; p++) {
        if (*p == '%' || *p == '_' || *p == '\\')
            buf_putc(&pattern, '\\');
        buf_putc(&pattern, *p);
    }
    buf_putc(&pattern, '%');
    return pattern.data;
}

enum result
customer_validate(struct scope *s, enum customer_lifecycle lifecycle, const char *kind,
                  json_t *body, bool partial)
{
    if (!json_is_object(body)) {
        problem_field(s->problem, "$", "type", "The body must be a JSON object.");
        return RESULT_INVALID;
    }
    if (kind == NULL) {
        json_t *given = json_object_get(body, "kind");

        kind = json_string_value(given);
        if (given == NULL) {
            problem_field(s->problem, "kind", "required",
                          "This field is required: person or business.");
            return RESULT_INVALID;
        }
        if (kind == NULL || (strcmp(kind, "person") != 0 && strcmp(kind, "business") != 0)) {
            problem_field(s->problem, "kind", "choice", "Must be one of: person, business.");
            return RESULT_INVALID;
        }
    } else if (json_object_get(body, "kind") != NULL) {
        problem_field(s->problem, "kind", "immutable", "The kind of a record cannot change.");
        return RESULT_INVALID;
    }
    return validate_object(s->problem, s->arena, body,
                           customer_fields(lifecycle, strcmp(kind, "person") == 0, !partial),
                           "", partial);
}

static const char *
record_id_text(struct scope *s, const json_t *record)
{
    return arena_printf(s->arena, "%lld", (long long)json_int(record, "id", 0));
}

/* Writes an audit entry for a record with its code, reference and changes. */
static enum result
record_audit(struct scope *s, const char *action, const json_t *record, json_t *changes)
{
    json_t *details = json_object();

    json_object_set(details, "code", json_object_get(record, "code"));
    json_object_set(details, "reference", json_object_get(record, "reference"));
    json_object_set_new(details, "changes", changes);
    return audit_record(s, action, "customer", record_id_text(s, record), details);
}

static const char *
lifecycle_name(enum customer_lifecycle lifecycle)
{
    return lifecycle == CUSTOMER_LIFECYCLE_PROSPECT ? "prospect" : "customer";
}

/* Reads a record by id whatever its visibility, after this request wrote it. */
static enum result
record_reread(struct scope *s, int64_t id, json_t **record)
{
    struct customer_visibility all = {true, 0, true, 0, CUSTOMER_WITH_ARCHIVED};
    json_t *row;
    enum result r;

    r = customer_store_get(s, CUSTOMER_BY_ID, arena_printf(s->arena, "%lld", (long long)id),
                           &all, false, &row);
    if (r == RESULT_OK)
        *record = customer_record_from_row(row);
    return r;
}

/*
 * Turns a failed write into field errors when the database named a rule the
 * input broke (an owner that is no user); RESULT_INVALID stays otherwise.
 */
static enum result
write_failed(struct scope *s, enum result r)
{
    const char *constraint = db_error_constraint(s->db);

    if (r != RESULT_INVALID)
        return r;
    if (strcmp(constraint, "customers_owner_id_fkey") == 0)
        problem_field(s->problem, "owner_id", "exists", "No user has this id.");
    else
        problem_field(s->problem, "", "constraint", "The record breaks the rule %s.",
                      constraint);
    return RESULT_INVALID;
}

/*
 * Resolves the contacts of a business body to [{person_id, role}]: each names a
 * person the actor may see, by customer_id, code or reference, at most once.
 */
static enum result
resolve_contacts(struct scope *s, const json_t *list, json_t **out)
{
    struct customer_visibility v = customer_visibility(s->actor, CUSTOMER_READ, CUSTOMER_LIVE);
    json_t *item;
    size_t i;
    bool ok = true;

    *out = json_array();
    json_array_foreach(list, i, item)
    {
        const char *path = arena_printf(s->arena, "contacts[%zu]", i);
        json_t *id = json_object_get(item, "customer_id");
        const char *code = json_str(item, "code");
        const char *reference = json_str(item, "reference");
        int given = (json_is_integer(id) ? 1 : 0) + (code != NULL) + (reference != NULL);
        enum customer_key by = code != NULL        ? CUSTOMER_BY_CODE
                               : reference != NULL ? CUSTOMER_BY_REFERENCE
                                                   : CUSTOMER_BY_ID;
        const char *key = code != NULL ? code : reference;
        json_t *row, *contact;
        enum result r;

        if (item == NULL || json_is_null(item))
            continue;
        if (given != 1) {
            problem_field(s->problem, path, "one_of",
                          "Name the person by exactly one of customer_id, code or reference.");
            ok = false;
            continue;
        }
        if (key == NULL)
            key = arena_printf(s->arena, "%lld", (long long)json_integer_value(id));
        r = customer_store_get(s, by, key, &v, false, &row);
        if (r == RESULT_NOT_FOUND) {
            problem_field(s->problem,
                          arena_printf(s->arena, "%s.%s", path,
                                       code != NULL        ? "code"
                                       : reference != NULL ? "reference"
                                                           : "customer_id"),
                          "exists", "No person record with this value is visible to you.");
            ok = false;
            continue;
        }
        if (r != RESULT_OK)
            return r;
        if (strcmp(json_str(row, "kind"), "person") != 0) {
            problem_field(s->problem, path, "kind",
                          "A contact must be a person, not a business.");
            ok = false;
            continue;
        }
        for (size_t k = 0; k < json_array_size(*out); k++) {
            if (json_int(json_array_get(*out, k), "person_id", 0) == json_int(row, "id", 0)) {
                problem_field(s->problem, path, "unique", "This person is listed twice.");
                ok = false;
            }
        }
        contact = json_object();
        json_object_set(contact, "person_id", json_object_get(row, "id"));
        json_object_set(contact, "role", json_object_get(item, "role"));
        json_array_append_new(*out, contact);
    }
    return ok ? RESULT_OK : RESULT_INVALID;
}

/*
 * Looks for records sharing a key with a new one. RESULT_CONFLICT with problem
 * "possible_duplicate" listing the matches the actor may see and counting the
 * others, whose codes the actor may not learn.
 */
static enum result
check_duplicates(struct scope *s, const struct customer_columns *cols)
{
    struct customer_visibility v = customer_visibility(
        s->actor, CUSTOMER_READ,
        customer_may_see_archived(s->actor) ? CUSTOMER_WITH_ARCHIVED : CUSTOMER_LIVE);
    json_t *rows, *matches, *row;
    size_t i, hidden = 0;
    enum result r;

    if (cols->email_key == NULL && json_array_size(cols->phone_keys) == 0 &&
        cols->registration_key == NULL)
        return RESULT_OK;
    r = customer_store_duplicates(s, cols->email_key, cols->phone_keys, cols->registration_key,
                                  &v, &rows);
    if (r != RESULT_OK || json_array_size(rows) == 0)
        return r;

    matches = json_array();
    json_array_foreach(rows, i, row)
    {
        json_t *match, *on;

        if (!json_is_true(json_object_get(row, "visible"))) {
            hidden++;
            continue;
        }
        match = json_object();
        on = json_array();
        if (json_is_true(json_object_get(row, "by_email")))
            json_array_append_new(on, json_string("email"));
        if (json_is_true(json_object_get(row, "by_phone")))
            json_array_append_new(on, json_string("phone"));
        if (json_is_true(json_object_get(row, "by_registration")))
            json_array_append_new(on, json_string("registration_number"));
        json_object_set(match, "code", json_object_get(row, "code"));
        json_object_set(match, "reference", json_object_get(row, "reference"));
        json_object_set_new(match, "matched_on", on);
        json_array_append_new(matches, match);
    }
    problem_set(s->problem, "possible_duplicate", "Possible duplicate",
                "%zu existing record%s share%s the email, a phone number or the registration "
                "number. Check them, or send the request again with \"allow_duplicate\": true.",
                json_array_size(rows), json_array_size(rows) == 1 ? "" : "s",
                json_array_size(rows) == 1 ? "s" : "");
    problem_extra(s->problem, "matches", matches);
    problem_extra(s->problem, "hidden_matches", json_integer((json_int_t)hidden));
    return RESULT_CONFLICT;
}

/*
 * Checks a new owner: a user of the tenant who is not deactivated. Runs before
 * a create draws its number, so a wrong owner leaves no gap in the codes.
 */
static enum result
check_owner(struct scope *s, const json_t *columns, const json_t *current)
{
    json_t *owner = json_object_get(columns, "owner_id");
    const char *status;
    enum result r;

    if (!json_is_integer(owner) ||
        (s->actor != NULL && json_integer_value(owner) == s->actor->user_id))
        return RESULT_OK;
    if (current != NULL &&
        json_integer_value(owner) == json_int(json_object_get(current, "owner"), "id", 0))
        return RESULT_OK;
    r = customer_store_user_status(s, json_integer_value(owner), &status);
    if (r == RESULT_OK && strcmp(status, "deactivated") == 0) {
        problem_field(s->problem, "owner_id", "active", "This user is deactivated.");
        return RESULT_INVALID;
    }
    if (r == RESULT_NOT_FOUND) {
        problem_field(s->problem, "owner_id", "exists", "No user has this id.");
        return RESULT_INVALID;
    }
    return r;
}

/* Makes the user named by a prospect's lead owner its owner, when exactly one matches. */
static enum result
match_lead_owner(struct scope *s, const json_t *body, json_t *columns)
{
    const char *name = json_str(columns, "lead_owner_name");
    int64_t user_id;
    enum result r;

    if (name == NULL || json_object_get(body, "owner_id") != NULL)
        return RESULT_OK;
    r = customer_store_user_by_name(s, name, &user_id);
    if (r == RESULT_NOT_FOUND)
        return RESULT_OK;
    if (r == RESULT_OK) {
        json_object_set_new(columns, "owner_id", json_integer(user_id));
        json_object_set_new(columns, "lead_owner_name", json_null());
    }
    return r;
}

enum result
customer_create(struct scope *s, enum customer_lifecycle lifecycle, json_t *body,
                json_t **record)
{
    enum permission create = lifecycle == CUSTOMER_LIFECYCLE_PROSPECT ? PERM_PROSPECTS_CREATE
                                                                      : PERM_CUSTOMERS_CREATE;
    const char *kind = json_str(body, "kind");
    struct customer_columns cols;
    json_t *contacts = NULL;
    const char *code = NULL, *reference = NULL;
    int64_t number, id;
    enum result r;

    assert(db_in_transaction(s->db));
    if (kind == NULL || (strcmp(kind, "person") != 0 && strcmp(kind, "business") != 0)) {
        problem_field(s->problem, "kind", "choice", "Must be one of: person, business.");
        return RESULT_INVALID;
    }
    if (json_is_true(json_object_get(body, "allow_duplicate")) && s->actor != NULL &&
        !actor_can(s->actor, create)) {
        problem_extra(s->problem, "permission", json_string(permission_name(create)));
        problem_set(s->problem, "permission_denied", "Permission denied",
                    "Creating a possible duplicate needs the permission %s.",
                    permission_name(create));
        return RESULT_DENIED;
    }
    if ((r = customer_columns_build(s, lifecycle, kind, body, NULL, &cols)) != RESULT_OK ||
        (r = check_owner(s, cols.columns, NULL)) != RESULT_OK)
        return r;
    if (json_is_array(json_object_get(body, "contacts")) &&
        (r = resolve_contacts(s, json_object_get(body, "contacts"), &contacts)) != RESULT_OK)
        return r;
    if (lifecycle == CUSTOMER_LIFECYCLE_PROSPECT &&
        (r = match_lead_owner(s, body, cols.columns)) != RESULT_OK)
        return r;

    /* The keys stay locked until commit, so a concurrent create waits here and then finds this
     * one. */
    if ((r = customer_store_lock_keys(s, cols.lock_keys)) != RESULT_OK)
        return r;
    if (!json_is_true(json_object_get(body, "allow_duplicate")) &&
        (r = check_duplicates(s, &cols)) != RESULT_OK)
        return r;

    if ((r = customer_store_next_number(s, lifecycle == CUSTOMER_LIFECYCLE_CUSTOMER,
                                        &number)) != RESULT_OK)
        return r;
    if (lifecycle == CUSTOMER_LIFECYCLE_CUSTOMER) {
        code = customer_code_format(s->arena, s->tenant->code_prefix, number);
        json_object_set_new(cols.columns, "code", json_string(code));
        json_object_set_new(cols.columns, "code_number", json_integer(number));
    } else {
        reference = customer_code_format(s->arena, s->tenant->prospect_prefix, number);
        json_object_set_new(cols.columns, "reference", json_string(reference));
        json_object_set_new(cols.columns, "reference_number", json_integer(number));
    }
    customer_columns_search_text(s, cols.columns, code, reference);

    if ((r = customer_store_insert(s, cols.columns, &id)) != RESULT_OK)
        return write_failed(s, r);
    if (contacts != NULL && (r = customer_store_set_contacts(s, id, contacts)) != RESULT_OK)
        return r;
    if ((r = record_reread(s, id, record)) != RESULT_OK)
        return r;
    return record_audit(
        s, arena_printf(s->arena, "%s.created", lifecycle_name(lifecycle)), *record,
        customer_record_changes(json_object(), customer_record_tracked(*record)));
}

enum result
customer_get(struct scope *s, enum customer_key by, const char *key,
             const struct customer_visibility *v, json_t **record)
{
    json_t *row;
    enum result r = customer_store_get(s, by, key, v, false, &row);

    if (r == RESULT_OK)
        *record = customer_record_from_row(row);
    return r;
}

enum result
customer_get_write(struct scope *s, enum customer_key by, const char *key,
                   const struct customer_visibility *v, struct json_writer *w, int64_t *version)
{
    int columns[CUSTOMER_COL_COUNT];
    PGresult *res;
    enum result r = customer_store_get_result(s, by, key, v, &res);

    if (r != RESULT_OK)
        return r;
    customer_record_columns(res, columns);
    customer_record_write(w, res, 0, columns);
    *version = columns[CUSTOMER_COL_VERSION] >= 0
                   ? db_value_int(res, 0, columns[CUSTOMER_COL_VERSION])
                   : 0;
    PQclear(res);
    return RESULT_OK;
}

enum result
customer_find_id(struct scope *s, enum customer_key by, const char *key,
                 const struct customer_visibility *v, int64_t *id)
{
    json_t *record;
    enum result r = customer_get(s, by, key, v, &record);

    if (r == RESULT_OK)
        *id = json_int(record, "id", 0);
    return r;
}

/* Locks a record for a change; RESULT_CONFLICT ("record_archived") when it is archived. */
static enum result
lock_live(struct scope *s, enum customer_key by, const char *key,
          const struct customer_visibility *v, json_t **current)
{
    json_t *row;
    enum result r = customer_store_get(s, by, key, v, true, &row);

    if (r != RESULT_OK)
        return r;
    *current = customer_record_from_row(row);
    if (!json_is_null(json_object_get(*current, "archived_at"))) {
        problem_set(s->problem, "record_archived", "Record archived",
                    "%s is archived; restore it before changing it.", key);
        return RESULT_CONFLICT;
    }
    return RESULT_OK;
}

enum result
customer_update(struct scope *s, enum customer_key by, const char *key,
                const struct customer_visibility *v, int expected_version, json_t *body,
                json_t **record)
{
    struct customer_columns cols;
    enum customer_lifecycle lifecycle;
    json_t *current, *merged, *contacts = NULL;
    const char *kind;
    int64_t id;
    enum result r;

    assert(db_in_transaction(s->db));
    if ((r = lock_live(s, by, key, v, &current)) != RESULT_OK)
        return r;
    if (json_int(current, "version", 0) != expected_version) {
        problem_set(s->problem, "version_mismatch", "Version mismatch",
                    "%s changed since version %d; it is at version %lld now. Read it again and "
                    "apply your change to the current version.",
                    key, expected_version, (long long)json_int(current, "version", 0));
        problem_extra(s->problem, "current_version",
                      json_integer(json_int(current, "version", 0)));
        return RESULT_PRECONDITION_FAILED;
    }
    kind = json_str(current, "kind");
    lifecycle = strcmp(json_str(current, "lifecycle"), "prospect") == 0
                    ? CUSTOMER_LIFECYCLE_PROSPECT
                    : CUSTOMER_LIFECYCLE_CUSTOMER;
    if ((r = customer_validate(s, lifecycle, kind, body, true)) != RESULT_OK)
        return r;

    merged = customer_record_merge(customer_record_input(current), body);
    if (json_object_size(customer_record_changes(customer_record_input(current), merged)) ==
        0) {
        *record = current;
        return RESULT_OK;
    }
    if ((r = customer_columns_build(s, lifecycle, kind, merged, current, &cols)) != RESULT_OK ||
        (r = check_owner(s, cols.columns, current)) != RESULT_OK)
        return r;
    if (json_is_array(json_object_get(body, "contacts")) &&
        (r = resolve_contacts(s, json_object_get(body, "contacts"), &contacts)) != RESULT_OK)
        return r;
    customer_columns_search_text(s, cols.columns, json_str(current, "code"),
                                 json_str(current, "reference"));

    id = json_int(current, "id", 0);
    if ((r = customer_store_update(s, id, expected_version, cols.columns)) != RESULT_OK)
        return write_failed(s, r);
    if (json_object_get(body, "contacts") != NULL &&
        (r = customer_store_set_contacts(s, id, contacts)) != RESULT_OK)
        return r;
    if ((r = record_reread(s, id, record)) != RESULT_OK)
        return r;
    return record_audit(s, arena_printf(s->arena, "%s.updated", lifecycle_name(lifecycle)),
                        *record,
                        customer_record_changes(customer_record_tracked(current),
                                                customer_record_tracked(*record)));
}

enum result
customer_set_archived(struct scope *s, enum customer_key by, const char *key,
                      const struct customer_visibility *v, bool archived, json_t **record)
{
    json_t *row, *current;
    bool is_archived;
    int64_t id;
    enum result r;

    assert(db_in_transaction(s->db));
    if ((r = customer_store_get(s, by, key, v, true, &row)) != RESULT_OK)
        return r;
    current = customer_record_from_row(row);
    is_archived = !json_is_null(json_object_get(current, "archived_at"));
    if (is_archived == archived) {
        problem_set(s->problem, archived ? "already_archived" : "not_archived",
                    archived ? "Already archived" : "Not archived",
                    archived ? "%s is archived already." : "%s is not archived.", key);
        return RESULT_CONFLICT;
    }
    id = json_int(current, "id", 0);
    if ((r = customer_store_set_archived(s, id, archived)) != RESULT_OK)
        return r;
    if ((r = record_reread(s, id, record)) != RESULT_OK)
        return r;
    return record_audit(s, archived ? "customer.archived" : "customer.restored", *record,
                        customer_record_changes(customer_record_tracked(current),
                                                customer_record_tracked(*record)));
}

enum result
customer_convert(struct scope *s, int64_t id, json_t **record, json_t **carried_over)
{
    struct customer_visibility all = {true, 0, true, 0, CUSTOMER_WITH_ARCHIVED};
    const char *id_text = arena_printf(s->arena, "%lld", (long long)id);
    json_t *row, *current;
    const char *code;
    int64_t number;
    enum result r;

    assert(db_in_transaction(s->db));
    /* The row lock makes a second conversion wait, then find a customer. */
    if ((r = customer_store_get(s, CUSTOMER_BY_ID, id_text, &all, true, &row)) != RESULT_OK)
        return r;
    current = customer_record_from_row(row);
    if (strcmp(json_str(current, "lifecycle"), "customer") == 0) {
        problem_set(s->problem, "already_converted", "Already converted",
                    "%s is a customer already, with code %s.", json_str(current, "reference"),
                    json_str(current, "code"));
        problem_extra(s->problem, "customer_code", json_string(json_str(current, "code")));
        return RESULT_CONFLICT;
    }
    if (!json_is_null(json_object_get(current, "archived_at"))) {
        problem_set(s->problem, "record_archived", "Record archived",
                    "%s is archived; restore it before converting it.",
                    json_str(current, "reference"));
        return RESULT_CONFLICT;
    }
    if (strcmp(json_str(current, "status"), "disqualified") == 0) {
        problem_set(
            s->problem, "prospect_disqualified", "Prospect disqualified",
            "%s is disqualified; set its status to open or qualified before converting it.",
            json_str(current, "reference"));
        return RESULT_CONFLICT;
    }

    if ((r = customer_store_next_number(s, true, &number)) != RESULT_OK)
        return r;
    code = customer_code_format(s->arena, s->tenant->code_prefix, number);
    r = customer_store_convert(s, id, code, number, "active", text_fold(s->arena, code));
    if (r != RESULT_OK)
        return r;
    if ((r = customer_store_linked_counts(s, id, carried_over)) != RESULT_OK)
        return r;
    if ((r = record_reread(s, id, record)) != RESULT_OK)
        return r;
    return record_audit(s, "prospect.converted", *record,
                        customer_record_changes(customer_record_tracked(current),
                                                customer_record_tracked(*record)));
}

/*
 * Applies the visibility rule to a list: the population's lifecycle must be
 * visible, and "own" visibility narrows the owner filter. Returns false when
 * the list is empty for this actor whatever the rows.
 */
static bool
list_visible(struct customer_list_query *q)
{
    const struct customer_visibility *v = q->visibility;
    bool prospects = q->population == CUSTOMER_POPULATION_PROSPECTS;
    bool see = prospects ? v->prospects : v->customers;
    int64_t own = prospects ? v->prospects_owner : v->customers_owner;

    q->archived = v->archived;
    if (!see)
        return false;
    if (own > 0) {
        if (q->owner > 0 && q->owner != own)
            return false;
        q->owner = own;
    }
    return true;
}

enum result
customer_list(struct scope *s, struct customer_list_query *q, json_t **items,
              const char **last_key, int64_t *last_id)
{
    json_t *rows, *row;
    size_t i;
    enum result r;

    *items = json_array();
    *last_key = NULL;
    if (!list_visible(q))
        return RESULT_OK;
    q->limit++; /* one more row shows whether another page follows */
    r = customer_store_list(s, q, &rows);
    q->limit--;
    if (r != RESULT_OK)
        return r;
    json_array_foreach(rows, i, row)
    {
        if (i == (size_t)q->limit) {
            json_t *last = json_array_get(rows, i - 1);

            *last_key = json_str(last, "sort_key");
            *last_id = json_int(last, "id", 0);
            break;
        }
        json_array_append_new(*items, customer_record_from_row(row));
    }
    return RESULT_OK;
}

enum result
customer_list_write(struct scope *s, struct customer_list_query *q, struct json_writer *w,
                    const char **last_key, int64_t *last_id)
{
    int columns[CUSTOMER_COL_COUNT];
    PGresult *res;
    int rows, sort_key;
    enum result r;

    *last_key = NULL;
    if (!list_visible(q)) {
        json_write_array_begin(w);
        json_write_array_end(w);
        return RESULT_OK;
    }
    q->limit++; /* one more row shows whether another page follows */
    r = customer_store_list_result(s, q, &res);
    q->limit--;
    if (r != RESULT_OK)
        return r;
    customer_record_columns(res, columns);
    rows = PQntuples(res);
    json_write_array_begin(w);
    for (int i = 0; i < rows && i < q->limit; i++)
        customer_record_write(w, res, i, columns);
    json_write_array_end(w);
    if (rows > q->limit && q->limit > 0) {
        sort_key = PQfnumber(res, "sort_key");
        if (sort_key >= 0)
            *last_key = arena_strdup(s->arena, db_value(res, q->limit - 1, sort_key));
        *last_id = columns[CUSTOMER_COL_ID] >= 0
                       ? db_value_int(res, q->limit - 1, columns[CUSTOMER_COL_ID])
                       : 0;
    }
    PQclear(res);
    return RESULT_OK;
}

enum result
customer_count(struct scope *s, struct customer_list_query *q, int64_t *count)
{
    *count = 0;
    if (!list_visible(q))
        return RESULT_OK;
    return customer_store_count(s, q, count);
}

enum result
customer_history(struct scope *s, int64_t id, bool ascending, bool has_after,
                 const char *after_key, int64_t after_id, int limit, json_t **items,
                 const char **last_key, int64_t *last_id)
{
    json_t *rows, *row;
    size_t i;
    enum result r;

    *items = json_array();
    *last_key = NULL;
    r = customer_store_history(s, id, ascending, has_after, after_key, after_id, limit + 1,
                               &rows);
    if (r != RESULT_OK)
        return r;
    json_array_foreach(rows, i, row)
    {
        json_t *entry, *actor = json_null();
        json_t *details = json_object_get(row, "details");

        if (i == (size_t)limit) {
            json_t *last = json_array_get(rows, i - 1);

            *last_key = json_str(last, "sort_key");
            *last_id = json_int(last, "id", 0);
            break;
        }
        entry = json_object();
        json_object_set(entry, "id", json_object_get(row, "id"));
        json_object_set(entry, "occurred_at", json_object_get(row, "occurred_at"));
        json_object_set(entry, "action", json_object_get(row, "action"));
        if (json_is_integer(json_object_get(row, "actor_user_id"))) {
            actor = json_object();
            json_object_set(actor, "id", json_object_get(row, "actor_user_id"));
            json_object_set(actor, "display_name", json_object_get(row, "actor_name"));
        }
        json_object_set_new(entry, "actor", actor);
        json_object_set(entry, "changes",
                        json_is_object(json_object_get(details, "changes"))
                            ? json_object_get(details, "changes")
                            : json_object());
        json_array_append_new(*items, entry);
    }
    return RESULT_OK;
}
