#include <assert.h>
#include <string.h>

#include "core/clock.h"
#include "core/text.h"
#include "core/validate.h"
#include "domain/case.h"
#include "domain/case_record.h"
#include "domain/case_rules.h"
#include "domain/customer.h"
#include "domain/customer_record.h"
#include "domain/settings.h"
#include "store/audit.h"

#define KEY_MAX 40 /* characters of a customer code or prospect reference */

static const char *const note_visibilities[] = {"internal", "shareable", NULL};

#define FIELD(name, type, flags, max, choices)                                                 \
    {name, type, flags, max, 0, 0, choices, NULL, NULL}
#define END {NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL}

static const struct field create_fields[] = {
    FIELD("customer", FIELD_STRING, 0, KEY_MAX, NULL),
    FIELD("prospect", FIELD_STRING, 0, KEY_MAX, NULL),
    FIELD("subject", FIELD_STRING, FIELD_REQUIRED, 200, NULL),
    FIELD("description", FIELD_TEXT, FIELD_NULLABLE, 10000, NULL),
    FIELD("category", FIELD_STRING, FIELD_NULLABLE, 80, NULL),
    FIELD("priority", FIELD_ENUM, 0, 0, case_priority_names),
    FIELD("channel", FIELD_ENUM, FIELD_NULLABLE, 0, case_channel_names),
    FIELD("assignee_id", FIELD_ID, FIELD_NULLABLE, 0, NULL),
    FIELD("due_at", FIELD_TIMESTAMP, FIELD_NULLABLE, 0, NULL),
    END,
};

/* Absent fields stay; FIELD_REQUIRED here only means that null and "" are rejected. */
static const struct field update_fields[] = {
    FIELD("subject", FIELD_STRING, FIELD_REQUIRED, 200, NULL),
    FIELD("description", FIELD_TEXT, FIELD_NULLABLE, 10000, NULL),
    FIELD("category", FIELD_STRING, FIELD_NULLABLE, 80, NULL),
    FIELD("priority", FIELD_ENUM, FIELD_REQUIRED, 0, case_priority_names),
    FIELD("channel", FIELD_ENUM, FIELD_NULLABLE, 0, case_channel_names),
    FIELD("assignee_id", FIELD_ID, FIELD_NULLABLE, 0, NULL),
    FIELD("due_at", FIELD_TIMESTAMP, FIELD_REQUIRED, 0, NULL),
    FIELD("status", FIELD_ENUM, FIELD_REQUIRED, 0, case_status_names),
    FIELD("resolution_note", FIELD_TEXT, FIELD_NULLABLE, 10000, NULL),
    END,
};

static const struct field note_fields[] = {
    FIELD("body", FIELD_TEXT, FIELD_REQUIRED, 10000, NULL),
    FIELD("visibility", FIELD_ENUM, 0, 0, note_visibilities),
    END,
};

/* The fields a PATCH copies as they are, after validation. */
static const char *const plain_fields[] = {"subject", "description", "channel", "due_at", NULL};

struct case_visibility
case_visibility(const struct actor *actor, enum case_access access,
                enum customer_archived archived)
{
    struct case_visibility v = {customer_visibility(actor, CUSTOMER_READ, archived), true, 0};
    bool own;

    if (actor == NULL)
        return v;
    v.cases = actor_can(actor, PERM_CASES_VIEW);
    own = !actor_sees_all(actor, PERM_CASES_VIEW);
    if (access == CASE_WRITE) {
        v.cases = v.cases && actor_can(actor, PERM_CASES_UPDATE);
        own = own || !actor_sees_all(actor, PERM_CASES_UPDATE);
    }
    v.cases_owner = v.cases && own ? actor->user_id : 0;
    return v;
}

char *
case_search_pattern(struct arena *a, const char *query)
{
    char *trimmed;
    size_t chars;
    const char *folded;
    struct buf pattern;

    if (text_normalize(a, query, strlen(query), TEXT_SINGLE_LINE, &trimmed, &chars) !=
            TEXT_OK ||
        chars == 0)
        return NULL;
    folded = text_fold(a, trimmed);
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

/* The folded number and subject that q searches. */
static char *
case_search_text(struct scope *s, const char *number, const char *subject)
{
    return arena_printf(s->arena, "%s\n%s", text_fold(s->arena, number),
                        text_fold(s->arena, subject));
}

/* Writes an audit entry for a case with its number and changes. */
static enum result
case_audit(struct scope *s, const char *action, const json_t *record, json_t *changes,
           json_t *extra)
{
    json_t *details = extra != NULL ? extra : json_object();

    json_object_set(details, "number", json_object_get(record, "number"));
    json_object_set_new(details, "changes", changes);
    return audit_record(s, action, "case",
                        arena_printf(s->arena, "%lld", (long long)json_int(record, "id", 0)),
                        details);
}

/* Reads a case by id whatever its visibility, after this request wrote it. */
static enum result
case_reread(struct scope *s, int64_t id, json_t **record)
{
    struct case_visibility all = {{true, 0, true, 0, CUSTOMER_WITH_ARCHIVED}, true, 0};
    json_t *row;
    enum result r;

    r = case_store_get(s, CASE_BY_ID, arena_printf(s->arena, "%lld", (long long)id), &all,
                       false, &row);
    if (r == RESULT_OK)
        *record = case_record_from_row(row);
    return r;
}

/* Returns RESULT_DENIED naming p when the actor lacks it; what names the action that needs p.
 */
static enum result
case_require(struct scope *s, enum permission p, const char *what)
{
    if (s->actor == NULL || actor_can(s->actor, p))
        return RESULT_OK;
    problem_extra(s->problem, "permission", json_string(permission_name(p)));
    problem_set(s->problem, "permission_denied", "Permission denied",
                "%s needs the permission %s, which your role does not grant.", what,
                permission_name(p));
    return RESULT_DENIED;
}

/* Finds the record a create names by customer code or prospect reference. */
static enum result
case_find_record(struct scope *s, const json_t *body, int64_t *id)
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

/*
 * Matches a category against the tenant's list (settings case_categories),
 * ignoring case, and returns the list's spelling in *canonical.
 */
static enum result
case_category(struct scope *s, const struct settings *settings, const char *category,
              const char **canonical)
{
    const json_t *list = settings_value(settings, SETTING_CASE_CATEGORIES);
    const char *folded = text_casefold(s->arena, category);
    struct buf names;
    json_t *item;
    size_t i;

    buf_init(&names, s->arena, 256);
    json_array_foreach(list, i, item)
    {
        const char *name = json_string_value(item);

        if (name == NULL)
            continue;
        if (strcmp(text_casefold(s->arena, name), folded) == 0) {
            *canonical = name;
            return RESULT_OK;
        }
        buf_printf(&names, "%s%s", names.len > 0 ? ", " : "", name);
    }
    if (names.len == 0)
        problem_field(s->problem, "category", "choice",
                      "This tenant has no case categories; leave the category out.");
    else
        problem_field(s->problem, "category", "choice",
                      "Must be one of the tenant's case categories: %s.", names.data);
    return RESULT_INVALID;
}

/* Checks an assignee: a user of the tenant who is not deactivated. */
static enum result
case_check_assignee(struct scope *s, int64_t user_id)
{
    const char *status;
    enum result r = customer_store_user_status(s, user_id, &status);

    if (r == RESULT_NOT_FOUND) {
        problem_field(s->problem, "assignee_id", "exists", "No user has this id.");
        return RESULT_INVALID;
    }
    if (r == RESULT_OK && strcmp(status, "deactivated") == 0) {
        problem_field(s->problem, "assignee_id", "active", "This user is deactivated.");
        return RESULT_INVALID;
    }
    return r;
}

/* Computes the due time of a priority's target, counted from created_at. */
static enum result
case_due_at(struct scope *s, const struct settings *settings, enum case_priority priority,
            const char *created_at, const char **due)
{
    int64_t days, hours;

    case_target_split(settings_int(settings, case_priority_setting(priority)), &days, &hours);
    return case_store_due_at(s, created_at, days, hours, due);
}

enum result
case_create(struct scope *s, json_t *body, json_t **record)
{
    struct settings settings;
    enum case_priority priority = CASE_NORMAL;
    const char *category = NULL, *due, *number, *now;
    json_t *columns, *assignee;
    int64_t customer_id, number_value, id;
    enum result r;

    assert(db_in_transaction(s->db));
    if ((r = validate_object(s->problem, s->arena, body, create_fields, "", false)) !=
            RESULT_OK ||
        (r = case_find_record(s, body, &customer_id)) != RESULT_OK ||
        (r = settings_load(s, &settings)) != RESULT_OK)
        return r;
    if (json_str(body, "category") != NULL &&
        (r = case_category(s, &settings, json_str(body, "category"), &category)) != RESULT_OK)
        return r;
    if (json_str(body, "priority") != NULL)
        case_priority_parse(json_str(body, "priority"), &priority);
    assignee = json_object_get(body, "assignee_id");
    if (json_is_integer(assignee) &&
        ((r = case_require(s, PERM_CASES_ASSIGN, "Assigning a case")) != RESULT_OK ||
         (r = case_check_assignee(s, json_integer_value(assignee))) != RESULT_OK))
        return r;
    due = json_str(body, "due_at");
    if (due != NULL &&
        (r = case_require(s, PERM_CASES_UPDATE, "Setting a due time")) != RESULT_OK)
        return r;

    /* Every check that can fail on the input ran, so the number drawn now is used. */
    now = clock_format_rfc3339(s->arena, s->now_us);
    if (due == NULL && (r = case_due_at(s, &settings, priority, now, &due)) != RESULT_OK)
        return r;
    if ((r = case_store_next_number(s, &number_value)) != RESULT_OK)
        return r;
    number = customer_code_format(s->arena, s->tenant->case_prefix, number_value);

    columns = json_object();
    json_object_set_new(columns, "number", json_string(number));
    json_object_set_new(columns, "number_value", json_integer(number_value));
    json_object_set_new(columns, "customer_id", json_integer(customer_id));
    case_record_copy(columns, "subject", body, "subject");
    case_record_copy(columns, "description", body, "description");
    json_object_set_new(columns, "category", json_string_or_null(category));
    json_object_set_new(columns, "priority", json_string(case_priority_names[priority]));
    case_record_copy(columns, "channel", body, "channel");
    json_object_set_new(columns, "status", json_string("new"));
    case_record_copy(columns, "assignee_id", body, "assignee_id");
    json_object_set_new(columns, "due_at", json_string(due));
    json_object_set_new(columns, "search_text",
                        json_string(case_search_text(s, number, json_str(body, "subject"))));

    if ((r = case_store_insert(s, columns, &id)) != RESULT_OK ||
        (r = case_reread(s, id, record)) != RESULT_OK)
        return r;
    return case_audit(s, "case.created", *record,
                      customer_record_changes(json_object(), case_record_tracked(*record)),
                      NULL);
}

enum result
case_get(struct scope *s, enum case_key by, const char *key, const struct case_visibility *v,
         json_t **record)
{
    json_t *row;
    enum result r = case_store_get(s, by, key, v, false, &row);

    if (r == RESULT_OK)
        *record = case_record_from_row(row);
    return r;
}

/* RESULT_CONFLICT for a move the transition table forbids, naming the current and allowed ones.
 */
static enum result
case_refuse_move(struct scope *s, const char *type, enum case_status from, const char *detail)
{
    problem_set(s->problem, type, type[0] == 'c' ? "Case closed" : "Status change not allowed",
                "%s", detail);
    problem_extra(s->problem, "current_status", json_string(case_status_names[from]));
    problem_extra(s->problem, "allowed", case_record_statuses(from));
    return RESULT_CONFLICT;
}

/* Locks a case for a change and checks the version the change was based on. */
static enum result
case_lock(struct scope *s, const char *number, const struct case_visibility *v,
          int expected_version, json_t **row, json_t **current)
{
    enum result r = case_store_get(s, CASE_BY_NUMBER, number, v, true, row);

    if (r != RESULT_OK)
        return r;
    *current = case_record_from_row(*row);
    if (expected_version > 0 && json_int(*current, "version", 0) != expected_version) {
        problem_set(s->problem, "version_mismatch", "Version mismatch",
                    "%s changed since version %d; it is at version %lld now. Read it again and "
                    "apply your change to the current version.",
                    number, expected_version, (long long)json_int(*current, "version", 0));
        problem_extra(s->problem, "current_version",
                      json_integer(json_int(*current, "version", 0)));
        return RESULT_PRECONDITION_FAILED;
    }
    return RESULT_OK;
}

/* Returns the changeable columns of a case row, ready for case_store_update(). */
static json_t *
case_columns_from_row(struct scope *s, const json_t *row)
{
    static const char *const names[] = {
        "subject",           "description", "category",
        "priority",          "channel",     "status",
        "assignee_id",       "due_at",      "resolution_note",
        "first_response_at", "resolved_at", "resolved_by",
        "closed_at",         NULL,
    };
    json_t *columns = json_object();

    for (const char *const *n = names; *n != NULL; n++)
        case_record_copy(columns, *n, row, *n);
    json_object_set_new(
        columns, "search_text",
        json_string(case_search_text(s, json_str(row, "number"), json_str(row, "subject"))));
    return columns;
}

/*
 * Applies a status move to columns: its permission, its resolution note, and
 * the times it sets or clears.
 */
static enum result
case_apply_move(struct scope *s, const json_t *body, enum case_status from, enum case_status to,
                json_t *columns, const char *now)
{
    json_t *note = json_object_get(body, "resolution_note");
    enum result r;

    if (to != from) {
        if (!case_move_allowed(from, to))
            return case_refuse_move(s, "invalid_transition", from,
                                    arena_printf(s->arena, "A %s case cannot become %s.",
                                                 case_status_names[from],
                                                 case_status_names[to]));
        if (case_move_needs_close(to) &&
            (r = case_require(s, PERM_CASES_CLOSE,
                              to == CASE_RESOLVED ? "Resolving a case" : "Closing a case")) !=
                RESULT_OK)
            return r;
        json_object_set_new(columns, "status", json_string(case_status_names[to]));
        if (from == CASE_NEW && json_is_null(json_object_get(columns, "first_response_at")))
            json_object_set_new(columns, "first_response_at", json_string(now));
        if (case_move_reopens(from, to)) {
            json_object_set_new(columns, "resolution_note", json_null());
            json_object_set_new(columns, "resolved_at", json_null());
            json_object_set_new(columns, "resolved_by", json_null());
            json_object_set_new(columns, "closed_at", json_null());
        }
        if (to == CASE_RESOLVED || (to == CASE_CLOSED && from != CASE_RESOLVED)) {
            json_object_set_new(columns, "resolved_at", json_string(now));
            json_object_set_new(columns, "resolved_by",
                                s->actor != NULL ? json_integer(s->actor->user_id)
                                                 : json_null());
        }
        if (to == CASE_CLOSED)
            json_object_set_new(columns, "closed_at", json_string(now));
    }

    if (note != NULL && !json_is_null(note) && case_status_is_open(to)) {
        problem_field(s->problem, "resolution_note", "status",
                      "A resolution note belongs to a resolved or closed case; send it with "
                      "\"status\": \"resolved\" or \"closed\".");
        return RESULT_INVALID;
    }
    if (note != NULL)
        json_object_set(columns, "resolution_note", note);
    if (!case_status_is_open(to) && json_is_null(json_object_get(columns, "resolution_note"))) {
        problem_field(s->problem, "resolution_note", "required",
                      "A %s case needs a resolution note that says how it ended.",
                      case_status_names[to]);
        return RESULT_INVALID;
    }
    return RESULT_OK;
}

enum result
case_update(struct scope *s, const char *number, const struct case_visibility *v,
            int expected_version, json_t *body, json_t **record)
{
    struct settings settings;
    enum case_status from, to;
    enum case_priority priority;
    json_t *row, *current, *columns, *changes, *assignee, *before;
    const char *now = clock_format_rfc3339(s->arena, s->now_us);
    int64_t id;
    enum result r;

    assert(db_in_transaction(s->db));
    if (json_is_object(body) && (json_object_get(body, "customer") != NULL ||
                                 json_object_get(body, "prospect") != NULL)) {
        problem_field(s->problem,
                      json_object_get(body, "customer") != NULL ? "customer" : "prospect",
                      "immutable", "A case stays with the record it was opened for.");
        return RESULT_INVALID;
    }
    if ((r = validate_object(s->problem, s->arena, body, update_fields, "", true)) !=
            RESULT_OK ||
        (r = case_lock(s, number, v, expected_version, &row, &current)) != RESULT_OK)
        return r;
    case_status_parse(json_str(current, "status"), &from);
    to = from;
    if (json_str(body, "status") != NULL)
        case_status_parse(json_str(body, "status"), &to);

    /* A closed case is history: the only change it takes is being reopened. */
    if (from == CASE_CLOSED && to != CASE_OPEN && to != CASE_CLOSED &&
        json_object_size(body) == 1)
        return case_refuse_move(s, "invalid_transition", from,
                                arena_printf(s->arena,
                                             "A closed case cannot become %s; reopen it with "
                                             "{\"status\": \"open\"} first.",
                                             case_status_names[to]));
    if (from == CASE_CLOSED && (to != CASE_OPEN || json_object_size(body) != 1))
        return case_refuse_move(s, "case_closed", from,
                                arena_printf(s->arena,
                                             "%s is closed; the only change it takes is "
                                             "reopening it with {\"status\": \"open\"}.",
                                             number));

    columns = case_columns_from_row(s, row);
    for (const char *const *f = plain_fields; *f != NULL; f++) {
        if (json_object_get(body, *f) != NULL)
            case_record_copy(columns, *f, body, *f);
    }
    json_object_set_new(columns, "search_text",
                        json_string(case_search_text(s, number, json_str(columns, "subject"))));
    if ((r = settings_load(s, &settings)) != RESULT_OK)
        return r;
    if (json_str(body, "category") != NULL) {
        const char *category;

        if ((r = case_category(s, &settings, json_str(body, "category"), &category)) !=
            RESULT_OK)
            return r;
        json_object_set_new(columns, "category", json_string(category));
    } else if (json_object_get(body, "category") != NULL) {
        json_object_set_new(columns, "category", json_null());
    }

    assignee = json_object_get(body, "assignee_id");
    if (assignee != NULL &&
        !json_equal(assignee, json_object_get(case_record_tracked(current), "assignee_id"))) {
        if ((r = case_require(s, PERM_CASES_ASSIGN, "Changing the assignee")) != RESULT_OK)
            return r;
        if (json_is_integer(assignee) &&
            (r = case_check_assignee(s, json_integer_value(assignee))) != RESULT_OK)
            return r;
        json_object_set(columns, "assignee_id", assignee);
    }

    if (json_str(body, "priority") != NULL &&
        strcmp(json_str(body, "priority"), json_str(current, "priority")) != 0) {
        case_priority_parse(json_str(body, "priority"), &priority);
        json_object_set_new(columns, "priority", json_string(case_priority_names[priority]));
        if (json_object_get(body, "due_at") == NULL) {
            const char *due;

            r = case_due_at(s, &settings, priority, json_str(current, "created_at"), &due);
            if (r != RESULT_OK)
                return r;
            json_object_set_new(columns, "due_at", json_string(due));
        }
    }
    if ((r = case_apply_move(s, body, from, to, columns, now)) != RESULT_OK)
        return r;

    before = case_record_canonical(s->arena, case_record_tracked(current));
    if (json_object_size(
            customer_record_changes(before, case_record_canonical(s->arena, columns))) == 0) {
        *record = current;
        return RESULT_OK;
    }
    id = json_int(current, "id", 0);
    if ((r = case_store_update(s, id, json_int(current, "version", 0), columns)) != RESULT_OK ||
        (r = case_reread(s, id, record)) != RESULT_OK)
        return r;
    changes =
        customer_record_changes(case_record_tracked(current), case_record_tracked(*record));
    return case_audit(s, "case.updated", *record, changes, NULL);
}

enum result
case_add_note(struct scope *s, const char *number, const struct case_visibility *v,
              json_t *body, json_t **note)
{
    const char *visibility = json_str(body, "visibility");
    json_t *row, *current, *columns, *changes, *extra, *author = json_null();
    enum result r;

    assert(db_in_transaction(s->db));
    if ((r = validate_object(s->problem, s->arena, body, note_fields, "", false)) !=
            RESULT_OK ||
        (r = case_lock(s, number, v, 0, &row, &current)) != RESULT_OK)
        return r;
    if (visibility == NULL)
        visibility = "internal";
    if (strcmp(json_str(current, "status"), "closed") == 0)
        return case_refuse_move(s, "case_closed", CASE_CLOSED,
                                arena_printf(s->arena,
                                             "%s is closed; reopen it with {\"status\": "
                                             "\"open\"} before adding notes.",
                                             number));
    if ((r = case_store_add_note(s, json_int(current, "id", 0), visibility,
                                 json_str(body, "body"), note)) != RESULT_OK)
        return r;

    /* A shareable note from staff replies to the customer, so the first one is the first
     * response. */
    changes = json_object();
    if (strcmp(visibility, "shareable") == 0 && s->actor != NULL &&
        json_is_null(json_object_get(current, "first_response_at"))) {
        json_t *updated;

        columns = case_columns_from_row(s, row);
        json_object_set_new(columns, "first_response_at",
                            json_string(clock_format_rfc3339(s->arena, s->now_us)));
        if ((r = case_store_update(s, json_int(current, "id", 0),
                                   json_int(current, "version", 0), columns)) != RESULT_OK ||
            (r = case_reread(s, json_int(current, "id", 0), &updated)) != RESULT_OK)
            return r;
        changes =
            customer_record_changes(case_record_tracked(current), case_record_tracked(updated));
    }

    if (s->actor != NULL) {
        author = json_object();
        json_object_set_new(author, "id", json_integer(s->actor->user_id));
        json_object_set_new(author, "display_name", json_string(s->actor->display_name));
    }
    json_object_set_new(*note, "author", author);
    extra = json_object();
    json_object_set(extra, "note_id", json_object_get(*note, "id"));
    json_object_set_new(extra, "visibility", json_string(visibility));
    return case_audit(s, "case.note_added", current, changes, extra);
}

enum result
case_notes(struct scope *s, int64_t case_id, int64_t after_id, int limit, json_t **items,
           int64_t *last_id)
{
    json_t *rows, *row;
    size_t i;
    enum result r;

    *items = json_array();
    *last_id = 0;
    if ((r = case_store_notes(s, case_id, after_id, limit + 1, &rows)) != RESULT_OK)
        return r;
    json_array_foreach(rows, i, row)
    {
        if (i == (size_t)limit) {
            *last_id = json_int(json_array_get(rows, i - 1), "id", 0);
            break;
        }
        json_array_append_new(*items, case_record_note(row));
    }
    return RESULT_OK;
}

enum result
case_list(struct scope *s, struct case_list_query *q, json_t **items, const char **last_key,
          int64_t *last_id)
{
    json_t *rows, *row;
    size_t i;
    int limit = q->limit;
    enum result r;

    *items = json_array();
    *last_key = NULL;
    q->limit = limit + 1; /* one more row shows whether another page follows */
    r = case_store_list(s, q, &rows);
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
        json_array_append_new(*items, case_record_from_row(row));
    }
    return RESULT_OK;
}

enum result
case_history(struct scope *s, int64_t id, bool ascending, bool has_after, const char *after_key,
             int64_t after_id, int limit, json_t **items, const char **last_key,
             int64_t *last_id)
{
    json_t *rows, *row;
    size_t i;
    enum result r;

    *items = json_array();
    *last_key = NULL;
    r = case_store_history(s, id, ascending, has_after, after_key, after_id, limit + 1, &rows);
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
        json_array_append_new(*items, case_record_history_entry(row));
    }
    return RESULT_OK;
}
