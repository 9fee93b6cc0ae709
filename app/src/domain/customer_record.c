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

void
customer_record_columns(const PGresult *res, int columns[CUSTOMER_COL_COUNT])
{
    static const char *const names[CUSTOMER_COL_COUNT] = {
        [CUSTOMER_COL_ID] = "id",
        [CUSTOMER_COL_KIND] = "kind",
        [CUSTOMER_COL_LIFECYCLE] = "lifecycle",
        [CUSTOMER_COL_STATUS] = "status",
        [CUSTOMER_COL_CODE] = "code",
        [CUSTOMER_COL_REFERENCE] = "reference",
        [CUSTOMER_COL_DISPLAY_NAME] = "display_name",
        [CUSTOMER_COL_TITLE] = "title",
        [CUSTOMER_COL_FIRST_NAME] = "first_name",
        [CUSTOMER_COL_MIDDLE_NAME] = "middle_name",
        [CUSTOMER_COL_LAST_NAME] = "last_name",
        [CUSTOMER_COL_GENDER] = "gender",
        [CUSTOMER_COL_DATE_OF_BIRTH] = "date_of_birth",
        [CUSTOMER_COL_OCCUPATION] = "occupation",
        [CUSTOMER_COL_EMPLOYER] = "employer",
        [CUSTOMER_COL_IDENTIFICATION_TYPE] = "identification_type",
        [CUSTOMER_COL_IDENTIFICATION_NUMBER] = "identification_number",
        [CUSTOMER_COL_LEGAL_NAME] = "legal_name",
        [CUSTOMER_COL_TRADING_NAME] = "trading_name",
        [CUSTOMER_COL_REGISTRATION_NUMBER] = "registration_number",
        [CUSTOMER_COL_INDUSTRY] = "industry",
        [CUSTOMER_COL_WEBSITE] = "website",
        [CUSTOMER_COL_DATE_OF_INCORPORATION] = "date_of_incorporation",
        [CUSTOMER_COL_NUMBER_OF_EMPLOYEES] = "number_of_employees",
        [CUSTOMER_COL_EMAIL] = "email",
        [CUSTOMER_COL_PHONES] = "phones",
        [CUSTOMER_COL_ADDRESS_LINES] = "address_lines",
        [CUSTOMER_COL_CITY] = "city",
        [CUSTOMER_COL_REGION] = "region",
        [CUSTOMER_COL_POSTAL_CODE] = "postal_code",
        [CUSTOMER_COL_COUNTRY] = "country",
        [CUSTOMER_COL_NOTES] = "notes",
        [CUSTOMER_COL_OWNER_ID] = "owner_id",
        [CUSTOMER_COL_OWNER_NAME] = "owner_name",
        [CUSTOMER_COL_SOURCE] = "source",
        [CUSTOMER_COL_TAGS] = "tags",
        [CUSTOMER_COL_EXTERNAL_REF] = "external_ref",
        [CUSTOMER_COL_LEAD_STAGE] = "lead_stage",
        [CUSTOMER_COL_LEAD_OWNER_NAME] = "lead_owner_name",
        [CUSTOMER_COL_CREATED_BY] = "created_by",
        [CUSTOMER_COL_UPDATED_BY] = "updated_by",
        [CUSTOMER_COL_CREATED_AT] = "created_at",
        [CUSTOMER_COL_UPDATED_AT] = "updated_at",
        [CUSTOMER_COL_CONVERTED_AT] = "converted_at",
        [CUSTOMER_COL_ARCHIVED_AT] = "archived_at",
        [CUSTOMER_COL_VERSION] = "version",
        [CUSTOMER_COL_CONTACTS] = "contacts",
    };

    db_columns(res, names, CUSTOMER_COL_COUNT, columns);
}

/* A member whose value is one column, written as db_row_json() types it. */
struct record_member {
    const char *key;
    enum customer_column column;
};

static void
write_members(struct json_writer *w, const PGresult *res, int row, const int *columns,
              const struct record_member *members, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        json_write_key(w, members[i].key);
        db_write_value(w, res, row, columns[members[i].column]);
    }
}

static bool
column_is_null(const PGresult *res, int row, int column)
{
    return column < 0 || PQgetisnull(res, row, column);
}

#define MEMBERS_COUNT(members) (sizeof(members) / sizeof((members)[0]))

/* The members of the API form that are one column each, in the order they appear. */
static const struct record_member head_members[] = {
    {"id", CUSTOMER_COL_ID},
    {"kind", CUSTOMER_COL_KIND},
    {"lifecycle", CUSTOMER_COL_LIFECYCLE},
    {"code", CUSTOMER_COL_CODE},
    {"reference", CUSTOMER_COL_REFERENCE},
    {"status", CUSTOMER_COL_STATUS},
    {"display_name", CUSTOMER_COL_DISPLAY_NAME},
};
static const struct record_member person_members[] = {
    {"title", CUSTOMER_COL_TITLE},
    {"first_name", CUSTOMER_COL_FIRST_NAME},
    {"middle_name", CUSTOMER_COL_MIDDLE_NAME},
    {"last_name", CUSTOMER_COL_LAST_NAME},
    {"gender", CUSTOMER_COL_GENDER},
    {"date_of_birth", CUSTOMER_COL_DATE_OF_BIRTH},
    {"occupation", CUSTOMER_COL_OCCUPATION},
    {"employer", CUSTOMER_COL_EMPLOYER},
};
static const struct record_member identification_members[] = {
    {"type", CUSTOMER_COL_IDENTIFICATION_TYPE},
    {"number", CUSTOMER_COL_IDENTIFICATION_NUMBER},
};
static const struct record_member business_members[] = {
    {"legal_name", CUSTOMER_COL_LEGAL_NAME},
    {"trading_name", CUSTOMER_COL_TRADING_NAME},
    {"registration_number", CUSTOMER_COL_REGISTRATION_NUMBER},
    {"industry", CUSTOMER_COL_INDUSTRY},
    {"website", CUSTOMER_COL_WEBSITE},
    {"date_of_incorporation", CUSTOMER_COL_DATE_OF_INCORPORATION},
    {"number_of_employees", CUSTOMER_COL_NUMBER_OF_EMPLOYEES},
};
static const struct record_member common_members[] = {
    {"email", CUSTOMER_COL_EMAIL},
    {"notes", CUSTOMER_COL_NOTES},
    {"source", CUSTOMER_COL_SOURCE},
    {"external_ref", CUSTOMER_COL_EXTERNAL_REF},
};
static const struct record_member address_members[] = {
    {"city", CUSTOMER_COL_CITY},
    {"region", CUSTOMER_COL_REGION},
    {"postal_code", CUSTOMER_COL_POSTAL_CODE},
    {"country", CUSTOMER_COL_COUNTRY},
};
static const struct record_member owner_members[] = {
    {"id", CUSTOMER_COL_OWNER_ID},
    {"display_name", CUSTOMER_COL_OWNER_NAME},
};
static const struct record_member lead_members[] = {
    {"lead_stage", CUSTOMER_COL_LEAD_STAGE},
    {"lead_owner_name", CUSTOMER_COL_LEAD_OWNER_NAME},
};
static const struct record_member tail_members[] = {
    {"created_by", CUSTOMER_COL_CREATED_BY},
    {"updated_by", CUSTOMER_COL_UPDATED_BY},
    {"created_at", CUSTOMER_COL_CREATED_AT},
    {"updated_at", CUSTOMER_COL_UPDATED_AT},
    {"converted_at", CUSTOMER_COL_CONVERTED_AT},
    {"archived_at", CUSTOMER_COL_ARCHIVED_AT},
    {"version", CUSTOMER_COL_VERSION},
};

#define WRITE_MEMBERS(members) \
    write_members(w, res, row, columns, members, MEMBERS_COUNT(members))

void
customer_record_write(struct json_writer *w, const PGresult *res, int row,
                      const int columns[CUSTOMER_COL_COUNT])
{
    int kind = columns[CUSTOMER_COL_KIND];
    bool person = !column_is_null(res, row, kind) &&
                  strcmp(PQgetvalue(res, row, kind), "person") == 0;

    /* The members and their order are those of customer_record_from_row(). */
    json_write_object_begin(w);
    WRITE_MEMBERS(head_members);
    if (person) {
        WRITE_MEMBERS(person_members);
        json_write_key(w, "identification");
        json_write_object_begin(w);
        WRITE_MEMBERS(identification_members);
        json_write_object_end(w);
    } else {
        WRITE_MEMBERS(business_members);
        json_write_key(w, "contacts");
        db_write_array(w, res, row, columns[CUSTOMER_COL_CONTACTS]);
    }
    WRITE_MEMBERS(common_members);
    json_write_key(w, "phones");
    db_write_array(w, res, row, columns[CUSTOMER_COL_PHONES]);

    json_write_key(w, "address");
    json_write_object_begin(w);
    json_write_key(w, "lines");
    db_write_array(w, res, row, columns[CUSTOMER_COL_ADDRESS_LINES]);
    WRITE_MEMBERS(address_members);
    json_write_object_end(w);

    json_write_key(w, "owner");
    if (column_is_null(res, row, columns[CUSTOMER_COL_OWNER_ID])) {
        json_write_null(w);
    } else {
        json_write_object_begin(w);
        WRITE_MEMBERS(owner_members);
        json_write_object_end(w);
    }
    json_write_key(w, "tags");
    db_write_array(w, res, row, columns[CUSTOMER_COL_TAGS]);
    if (!column_is_null(res, row, columns[CUSTOMER_COL_REFERENCE]))
        WRITE_MEMBERS(lead_members);
    WRITE_MEMBERS(tail_members);
    json_write_object_end(w);
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
