#include "core/clock.h"
#include "domain/case_record.h"

/* The fields whose changes the history records. */
static const char *const tracked_fields[] = {
    "subject",     "description", "category", "priority",        "channel",
    "status",      "assignee_id", "due_at",   "resolution_note", "first_response_at",
    "resolved_at", "closed_at",   NULL,
};

void
case_record_copy(json_t *to, const char *to_key, const json_t *from, const char *from_key)
{
    json_t *v = json_object_get(from, from_key);

    json_object_set(to, to_key, v != NULL ? v : json_null());
}

json_t *
case_record_user(const json_t *row, const char *id_column, const char *name_column)
{
    json_t *user;

    if (!json_is_integer(json_object_get(row, id_column)))
        return json_null();
    user = json_object();
    json_object_set(user, "id", json_object_get(row, id_column));
    json_object_set(user, "display_name", json_object_get(row, name_column));
    return user;
}

json_t *
case_record_statuses(enum case_status from)
{
    json_t *statuses = json_array();
    unsigned moves = case_moves_from(from);

    for (int i = 0; i < CASE_STATUS_COUNT; i++) {
        if (moves & (1u << i))
            json_array_append_new(statuses, json_string(case_status_names[i]));
    }
    return statuses;
}

json_t *
case_record_from_row(const json_t *row)
{
    static const char *const head[] = {"id", "number", NULL};
    static const char *const body[] = {"subject", "description", "category", "priority",
                                       "channel", "status",      NULL};
    static const char *const times[] = {
        "due_at",    "overdue", "resolution_note", "first_response_at", "resolved_at",
        "closed_at", NULL};
    static const char *const tail[] = {"created_at", "updated_at", "version", NULL};
    json_t *r = json_object();
    json_t *record = json_object();
    enum case_status status;

    for (const char *const *f = head; *f != NULL; f++)
        case_record_copy(r, *f, row, *f);
    case_record_copy(record, "id", row, "customer_id");
    case_record_copy(record, "code", row, "customer_code");
    case_record_copy(record, "reference", row, "customer_reference");
    case_record_copy(record, "display_name", row, "customer_name");
    case_record_copy(record, "lifecycle", row, "customer_lifecycle");
    json_object_set_new(r, "customer", record);
    for (const char *const *f = body; *f != NULL; f++)
        case_record_copy(r, *f, row, *f);
    json_object_set_new(r, "assignee", case_record_user(row, "assignee_id", "assignee_name"));
    for (const char *const *f = times; *f != NULL; f++)
        case_record_copy(r, *f, row, *f);
    json_object_set_new(r, "resolved_by",
                        case_record_user(row, "resolved_by", "resolved_by_name"));
    json_object_set_new(r, "created_by",
                        case_record_user(row, "created_by", "created_by_name"));
    for (const char *const *f = tail; *f != NULL; f++)
        case_record_copy(r, *f, row, *f);
    json_object_set_new(r, "next_statuses",
                        case_status_parse(json_str(row, "status"), &status)
                            ? case_record_statuses(status)
                            : json_array());
    return r;
}

json_t *
case_record_tracked(const json_t *record)
{
    json_t *t = json_object();
    json_t *assignee = json_object_get(record, "assignee");

    for (const char *const *f = tracked_fields; *f != NULL; f++)
        case_record_copy(t, *f, record, *f);
    json_object_set(t, "assignee_id",
                    json_is_object(assignee) ? json_object_get(assignee, "id") : json_null());
    return t;
}

json_t *
case_record_canonical(struct arena *a, const json_t *tracked)
{
    static const char *const times[] = {"due_at", "first_response_at", "resolved_at",
                                        "closed_at", NULL};
    json_t *t = json_object();
    int64_t micros;

    for (const char *const *f = tracked_fields; *f != NULL; f++)
        case_record_copy(t, *f, tracked, *f);
    for (const char *const *f = times; *f != NULL; f++) {
        const char *text = json_str(t, *f);

        if (text != NULL && clock_parse_rfc3339(text, &micros))
            json_object_set_new(t, *f, json_string(clock_format_rfc3339(a, micros)));
    }
    return t;
}

json_t *
case_record_note(const json_t *row)
{
    json_t *note = json_object();

    case_record_copy(note, "id", row, "id");
    case_record_copy(note, "visibility", row, "visibility");
    case_record_copy(note, "body", row, "body");
    json_object_set_new(note, "author", case_record_user(row, "author_id", "author_name"));
    case_record_copy(note, "created_at", row, "created_at");
    return note;
}

json_t *
case_record_history_entry(const json_t *row)
{
    json_t *entry = json_object();
    json_t *details = json_object_get(row, "details");
    json_t *changes = json_object_get(details, "changes");

    case_record_copy(entry, "id", row, "id");
    case_record_copy(entry, "occurred_at", row, "occurred_at");
    case_record_copy(entry, "action", row, "action");
    json_object_set_new(entry, "actor", case_record_user(row, "actor_user_id", "actor_name"));
    json_object_set(entry, "changes", json_is_object(changes) ? changes : json_object());
    if (json_is_integer(json_object_get(details, "note_id"))) {
        case_record_copy(entry, "note_id", details, "note_id");
        case_record_copy(entry, "note_visibility", details, "visibility");
    }
    return entry;
}
