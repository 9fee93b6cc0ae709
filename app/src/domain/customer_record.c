#include <string.h>

#include "domain/customer_record.h"

static const char *const person_fields[] = {
    "title",         "first_name", "middle_name", "last_name", "gender",
    "date_of_birth", "occupation", "employer",    NULL,
};

static const char *const business_fields[] = {
    "legal_name", "trading_name",          "registration_number", "industry",
    "website",    "date_of_incorporation", "number_of_employees", NULL,
};

static const char *const common_fields[] = {
    "email", "notes", "source", "external_ref", NULL,
};

static void
copy_fields(json_t *to, const json_t *from, const char *const *names)
{
    for (; *names != NULL; names++) {
        json_t *v = json_object_get(from, *names);

        json_object_set(to, *names, v != NULL ? v : json_null());
    }
}

static json_t *
array_or_empty(const json_t *v)
{
    return json_is_array(v) ? json_deep_copy(v) : json_array();
}

static bool
is_person(const json_t *o)
{
    const char *kind = json_str(o, "kind");

    return kind != NULL && strcmp(kind, "person") == 0;
}

json_t *
customer_record_from_row(const json_t *row)
{
    static const char *const head[] = {"id",        "kind",   "lifecycle",    "code",
                                       "reference", "status", "display_name", NULL};
    static const char *const tail[] = {
        "created_by",   "updated_by",  "created_at", "updated_at",
        "converted_at", "archived_at", "version",    NULL};
    json_t *r = json_object();
    json_t *address = json_object();
    json_t *owner = json_null();

    copy_fields(r, row, head);
    if (is_person(row)) {
        json_t *identification = json_object();

        copy_fields(r, row, person_fields);
        json_object_set(identification, "type", json_object_get(row, "identification_type"));
        json_object_set(identification, "number",
                        json_object_get(row, "identification_number"));
        json_object_set_new(r, "identification", identification);
    } else {
        copy_fields(r, row, business_fields);
        json_object_set_new(r, "contacts", array_or_empty(json_object_get(row, "contacts")));
    }
    copy_fields(r, row, common_fields);
    json_object_set_new(r, "phones", array_or_empty(json_object_get(row, "phones")));

    json_object_set_new(address, "lines",
                        array_or_empty(json_object_get(row, "address_lines")));
    json_object_set(address, "city", json_object_get(row, "city"));
    json_object_set(address, "region", json_object_get(row, "region"));
    json_object_set(address, "postal_code", json_object_get(row, "postal_code"));
    json_object_set(address, "country", json_object_get(row, "country"));
    json_object_set_new(r, "address", address);

    if (json_is_integer(json_object_get(row, "owner_id"))) {
        owner = json_object();
        json_object_set(owner, "id", json_object_get(row, "owner_id"));
        json_object_set(owner, "display_name", json_object_get(row, "owner_name"));
    }
    json_object_set_new(r, "owner", owner);
    json_object_set_new(r, "tags", array_or_empty(json_object_get(row, "tags")));
    if (!json_is_null(json_object_get(row, "reference"))) {
        json_object_set(r, "lead_stage", json_object_get(row, "lead_stage"));
        json_object_set(r, "lead_owner_name", json_object_get(row, "lead_owner_name"));
    }
    copy_fields(r, row, tail);
    return r;
}

json_t *
customer_record_input(const json_t *record)
{
    json_t *in = json_object();
    json_t *phones = json_array();
    json_t *owner = json_object_get(record, "owner");
    const char *lifecycle = json_str(record, "lifecycle");
    size_t i;
    json_t *item;

    json_object_set(in, "status", json_object_get(record, "status"));
    if (is_person(record)) {
        copy_fields(in, record, person_fields);
        json_object_set_new(in, "identification",
                            json_deep_copy(json_object_get(record, "identification")));
    } else {
        json_t *contacts = json_array();

        copy_fields(in, record, business_fields);
        json_array_foreach(json_object_get(record, "contacts"), i, item)
        {
            json_t *c = json_object();

            json_object_set(c, "customer_id", json_object_get(item, "customer_id"));
            json_object_set(c, "role", json_object_get(item, "role"));
            json_array_append_new(contacts, c);
        }
        json_object_set_new(in, "contacts", contacts);
    }
    copy_fields(in, record, common_fields);
    json_array_foreach(json_object_get(record, "phones"), i, item)
    {
        json_t *p = json_object();

        json_object_set(p, "label", json_object_get(item, "label"));
        json_object_set(p, "number", json_object_get(item, "number"));
        json_array_append_new(phones, p);
    }
    json_object_set_new(in, "phones", phones);
    json_object_set_new(in, "address", json_deep_copy(json_object_get(record, "address")));
    json_object_set(in, "owner_id",
                    json_is_object(owner) ? json_object_get(owner, "id") : json_null());
    json_object_set_new(in, "tags", json_deep_copy(json_object_get(record, "tags")));
    if (lifecycle != NULL && strcmp(lifecycle, "prospect") == 0) {
        json_object_set(in, "lead_stage", json_object_get(record, "lead_stage"));
        json_object_set(in, "lead_owner_name", json_object_get(record, "lead_owner_name"));
    }
    return in;
}

json_t *
customer_record_tracked(const json_t *record)
{
    static const char *const extra[] = {"kind",       "lifecycle",       "code",
                                        "reference",  "converted_at",    "archived_at",
                                        "lead_stage", "lead_owner_name", NULL};
    json_t *tracked = customer_record_input(record);

    for (const char *const *name = extra; *name != NULL; name++) {
        json_t *v = json_object_get(record, *name);

        if (v != NULL)
            json_object_set(tracked, *name, v);
    }
    return tracked;
}

json_t *
customer_record_merge(json_t *target, const json_t *patch)
{
    const char *key;
    json_t *value;

    if (!json_is_object(patch))
        return json_deep_copy(patch);
    if (!json_is_object(target))
        target = json_object();
    json_object_foreach((json_t *)patch, key, value)
    {
        if (json_is_null(value))
            json_object_set_new(target, key, json_null());
        else
            json_object_set_new(target, key,
                                customer_record_merge(json_object_get(target, key), value));
    }
    return target;
}

/* Returns a copy without empty values, or NULL when v contains no value at all. */
static json_t *
canonical(const json_t *v)
{
    const char *key;
    json_t *member;
    size_t i;

    if (v == NULL || json_is_null(v))
        return NULL;
    if (json_is_string(v))
        return json_string_length(v) > 0 ? json_deep_copy(v) : NULL;
    if (json_is_array(v)) {
        json_t *out = json_array();

        json_array_foreach(v, i, member)
        {
            json_t *item = canonical(member);

            json_array_append_new(out, item != NULL ? item : json_null());
        }
        return json_array_size(out) > 0 ? out : NULL;
    }
    if (json_is_object(v)) {
        json_t *out = json_object();

        json_object_foreach((json_t *)v, key, member)
        {
            json_t *item = canonical(member);

            if (item != NULL)
                json_object_set_new(out, key, item);
        }
        return json_object_size(out) > 0 ? out : NULL;
    }
    return json_deep_copy(v);
}

static void
change_add(json_t *changes, const char *key, const json_t *before, const json_t *after)
{
    json_t *b = canonical(before);
    json_t *a = canonical(after);
    json_t *change;

    if ((a == NULL && b == NULL) || (a != NULL && b != NULL && json_equal(a, b)))
        return;
    change = json_object();
    json_object_set_new(change, "before", b != NULL ? b : json_null());
    json_object_set_new(change, "after", a != NULL ? a : json_null());
    json_object_set_new(changes, key, change);
}

json_t *
customer_record_changes(const json_t *before, const json_t *after)
{
    json_t *changes = json_object();
    const char *key;
    json_t *value;

    json_object_foreach((json_t *)after, key, value)
        change_add(changes, key, json_object_get(before, key), value);
    json_object_foreach((json_t *)before, key, value)
    {
        if (json_object_get(after, key) == NULL)
            change_add(changes, key, value, NULL);
    }
    return changes;
}
