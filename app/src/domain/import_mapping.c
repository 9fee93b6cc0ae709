#include <stdlib.h>
#include <string.h>

#include "core/iso.h"
#include "core/text.h"
#include "domain/import_mapping.h"

/* The kinds of file a field or an automatic match applies to. */
enum import_kinds {
    FOR_PERSON = 1u << 0,
    FOR_BUSINESS = 1u << 1,
    FOR_PROSPECT = 1u << 2, /* prospects only, of either kind */
    FOR_ALL = FOR_PERSON | FOR_BUSINESS,
};

/* A field an explicit mapping may name. */
struct import_field {
    const char *name;
    enum import_destination to;
    const char *field;
    unsigned kinds;
    bool repeatable; /* several columns may map to it */
};

static const struct import_field import_fields[] = {
    {"first_name", IMPORT_TO_FIELD, "first_name", FOR_PERSON, false},
    {"middle_name", IMPORT_TO_FIELD, "middle_name", FOR_PERSON, false},
    {"last_name", IMPORT_TO_FIELD, "last_name", FOR_PERSON, false},
    {"title", IMPORT_TO_FIELD, "title", FOR_PERSON, false},
    {"gender", IMPORT_TO_FIELD, "gender", FOR_PERSON, false},
    {"date_of_birth", IMPORT_TO_FIELD, "date_of_birth", FOR_PERSON, false},
    {"occupation", IMPORT_TO_FIELD, "occupation", FOR_PERSON, false},
    {"employer", IMPORT_TO_FIELD, "employer", FOR_PERSON, false},
    {"legal_name", IMPORT_TO_FIELD, "legal_name", FOR_BUSINESS, false},
    {"trading_name", IMPORT_TO_FIELD, "trading_name", FOR_BUSINESS, false},
    {"registration_number", IMPORT_TO_FIELD, "registration_number", FOR_BUSINESS, false},
    {"industry", IMPORT_TO_FIELD, "industry", FOR_BUSINESS, false},
    {"website", IMPORT_TO_FIELD, "website", FOR_BUSINESS, false},
    {"date_of_incorporation", IMPORT_TO_FIELD, "date_of_incorporation", FOR_BUSINESS, false},
    {"number_of_employees", IMPORT_TO_EMPLOYEES, "number_of_employees", FOR_BUSINESS, false},
    {"email", IMPORT_TO_FIELD, "email", FOR_ALL, false},
    {"phone", IMPORT_TO_PHONE, "phone", FOR_ALL, true},
    {"address.line", IMPORT_TO_ADDRESS_LINE, "address.line", FOR_ALL, true},
    {"address.city", IMPORT_TO_ADDRESS, "city", FOR_ALL, false},
    {"address.region", IMPORT_TO_ADDRESS, "region", FOR_ALL, false},
    {"address.postal_code", IMPORT_TO_ADDRESS, "postal_code", FOR_ALL, false},
    {"address.country", IMPORT_TO_COUNTRY, "country", FOR_ALL, false},
    {"notes", IMPORT_TO_NOTES_TEXT, "notes", FOR_ALL, true},
    {"source", IMPORT_TO_FIELD, "source", FOR_ALL, false},
    {"status", IMPORT_TO_FIELD, "status", FOR_ALL, false},
    {"tags", IMPORT_TO_TAGS, "tags", FOR_ALL, true},
    {"external_ref", IMPORT_TO_FIELD, "external_ref", FOR_ALL, false},
    {"lead_stage", IMPORT_TO_FIELD, "lead_stage", FOR_ALL | FOR_PROSPECT, false},
    {"lead_owner_name", IMPORT_TO_FIELD, "lead_owner_name", FOR_ALL | FOR_PROSPECT, false},
    {NULL, IMPORT_UNMAPPED, NULL, 0, false},
};

/*
 * Header names matched automatically, compared as folded letters and digits.
 * A name maps to the field of the file's kind, or to a notes line when the
 * record has no field for it (person_field or business_field NULL).
 */
struct import_alias {
    const char *key;
    const char *person_field;   /* a name of import_fields */
    const char *business_field;
    bool prospect_only;         /* customers keep the value in the notes */
};

static const struct import_alias import_aliases[] = {
    {"firstname", "first_name", NULL, false},
    {"givenname", "first_name", NULL, false},
    {"forename", "first_name", NULL, false},
    {"middlename", "middle_name", NULL, false},
    {"lastname", "last_name", NULL, false},
    {"surname", "last_name", NULL, false},
    {"familyname", "last_name", NULL, false},
    {"title", "title", NULL, false},
    {"salutation", "title", NULL, false},
    {"gender", "gender", NULL, false},
    {"dateofbirth", "date_of_birth", NULL, false},
    {"birthdate", "date_of_birth", NULL, false},
    {"occupation", "occupation", NULL, false},
    {"jobtitle", "occupation", NULL, false},
    {"company", "employer", "legal_name", false},
    {"companyname", "employer", "legal_name", false},
    {"employer", "employer", "legal_name", false},
    {"organization", "employer", "legal_name", false},
    {"organisation", "employer", "legal_name", false},
    {"name", NULL, "legal_name", false},
    {"legalname", NULL, "legal_name", false},
    {"organizationname", NULL, "legal_name", false},
    {"organisationname", NULL, "legal_name", false},
    {"businessname", NULL, "legal_name", false},
    {"tradingname", NULL, "trading_name", false},
    {"registrationnumber", NULL, "registration_number", false},
    {"companynumber", NULL, "registration_number", false},
    {"industry", NULL, "industry", false},
    {"sector", NULL, "industry", false},
    {"website", NULL, "website", false},
    {"web", NULL, "website", false},
    {"url", NULL, "website", false},
    {"homepage", NULL, "website", false},
    {"dateofincorporation", NULL, "date_of_incorporation", false},
    {"incorporated", NULL, "date_of_incorporation", false},
    {"numberofemployees", NULL, "number_of_employees", false},
    {"employees", NULL, "number_of_employees", false},
    {"headcount", NULL, "number_of_employees", false},
    {"email", "email", "email", false},
    {"emailaddress", "email", "email", false},
    {"email1", "email", "email", false},
    {"mail", "email", "email", false},
    {"phone", "phone", "phone", false},
    {"phone1", "phone", "phone", false},
    {"phone2", "phone", "phone", false},
    {"phone3", "phone", "phone", false},
    {"phonenumber", "phone", "phone", false},
    {"telephone", "phone", "phone", false},
    {"tel", "phone", "phone", false},
    {"mobile", "phone", "phone", false},
    {"mobilephone", "phone", "phone", false},
    {"workphone", "phone", "phone", false},
    {"homephone", "phone", "phone", false},
    {"address", "address.line", "address.line", false},
    {"street", "address.line", "address.line", false},
    {"streetaddress", "address.line", "address.line", false},
    {"address1", "address.line", "address.line", false},
    {"address2", "address.line", "address.line", false},
    {"addressline1", "address.line", "address.line", false},
    {"addressline2", "address.line", "address.line", false},
    {"city", "address.city", "address.city", false},
    {"town", "address.city", "address.city", false},
    {"region", "address.region", "address.region", false},
    {"state", "address.region", "address.region", false},
    {"province", "address.region", "address.region", false},
    {"postalcode", "address.postal_code", "address.postal_code", false},
    {"postcode", "address.postal_code", "address.postal_code", false},
    {"zip", "address.postal_code", "address.postal_code", false},
    {"zipcode", "address.postal_code", "address.postal_code", false},
    {"country", "address.country", "address.country", false},
    {"description", "notes", "notes", false},
    {"notes", "notes", "notes", false},
    {"note", "notes", "notes", false},
    {"comments", "notes", "notes", false},
    {"source", "source", "source", false},
    {"leadsource", "source", "source", false},
    {"tags", "tags", "tags", false},
    {"customerid", "external_ref", "external_ref", false},
    {"organizationid", "external_ref", "external_ref", false},
    {"organisationid", "external_ref", "external_ref", false},
    {"accountid", "external_ref", "external_ref", false},
    {"leadid", "external_ref", "external_ref", false},
    {"externalid", "external_ref", "external_ref", false},
    {"externalref", "external_ref", "external_ref", false},
    {"email2", NULL, NULL, false},
    {"email3", NULL, NULL, false},
    {"otheremail", NULL, NULL, false},
    {"subscriptiondate", NULL, NULL, false},
    {"signupdate", NULL, NULL, false},
    {"customersince", NULL, NULL, false},
    {"founded", NULL, NULL, false},
    {"yearfounded", NULL, NULL, false},
    {"leadowner", "lead_owner_name", "lead_owner_name", true},
    {"owner", "lead_owner_name", "lead_owner_name", true},
    {"dealstage", "lead_stage", "lead_stage", true},
    {"leadstage", "lead_stage", "lead_stage", true},
    {"stage", "lead_stage", "lead_stage", true},
    {NULL, NULL, NULL, false},
};

/* Headers recognised as numbering the rows of the source file, whose values are not kept. */
static const char *const import_row_number_keys[] = {"index", "rownumber", "row", NULL};

static const char *const import_target_names[] = {
    [IMPORT_PERSON_CUSTOMERS] = "person_customers",
    [IMPORT_BUSINESS_CUSTOMERS] = "business_customers",
    [IMPORT_PROSPECTS] = "prospects",
};

const char *
import_target_name(enum import_target target)
{
    return import_target_names[target];
}

bool
import_target_parse(const char *name, enum import_target *out)
{
    for (size_t i = 0; i < sizeof(import_target_names) / sizeof(import_target_names[0]); i++) {
        if (strcmp(import_target_names[i], name) == 0) {
            *out = (enum import_target)i;
            return true;
        }
    }
    return false;
}

/* Returns the header as a matching key: folded, letters and digits only. */
static char *
header_key(struct arena *a, const char *header)
{
    char *folded = text_fold(a, header);
    char *out = folded;

    for (const char *p = folded; *p != '\0'; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))
            *out++ = *p;
    }
    *out = '\0';
    return folded;
}

static const struct import_field *
field_find(const char *name)
{
    for (const struct import_field *f = import_fields; f->name != NULL; f++) {
        if (strcmp(f->name, name) == 0)
            return f;
    }
    return NULL;
}

static bool
field_fits(const struct import_field *f, const struct import_mapping *m)
{
    if ((f->kinds & FOR_PROSPECT) && !m->prospect)
        return false;
    return (f->kinds & (m->person ? FOR_PERSON : FOR_BUSINESS)) != 0;
}

static const struct import_alias *
alias_find(const char *key)
{
    for (const struct import_alias *a = import_aliases; a->key != NULL; a++) {
        if (strcmp(a->key, key) == 0)
            return a;
    }
    return NULL;
}

static bool
is_row_number_key(const char *key)
{
    for (const char *const *k = import_row_number_keys; *k != NULL; k++) {
        if (strcmp(*k, key) == 0)
            return true;
    }
    return false;
}

/*
 * Decides the kind of a prospect file: people when a column (by explicit
 * mapping or by name) gives a first or last name, businesses when none does
 * and one gives a legal name.
 */
static bool
prospects_are_people(struct arena *a, const struct csvfile_row *header, const json_t *explicit)
{
    bool legal = false;

    for (size_t i = 0; i < header->count; i++) {
        const char *cell = header->cells[i];
        const json_t *chosen = json_object_get(explicit, cell);
        const char *field = json_string_value(chosen);
        const struct import_alias *alias = NULL;

        if (chosen == NULL && text_is_utf8(cell, header->lengths[i]) &&
            (alias = alias_find(header_key(a, cell))) != NULL)
            field = alias->person_field != NULL ? alias->person_field : alias->business_field;
        if (field == NULL)
            continue;
        if (strcmp(field, "first_name") == 0 || strcmp(field, "last_name") == 0)
            return true;
        legal = legal || strcmp(field, "legal_name") == 0;
    }
    return !legal;
}

static void
column_set(struct import_column *c, const struct import_field *f)
{
    c->to = f->to;
    c->field = f->field;
}

/* Maps one column by an explicit choice; false after adding a field error. */
static bool
column_explicit(struct problem *p, struct import_mapping *m, struct import_column *c,
                const json_t *choice, bool *taken)
{
    const char *path = arena_printf(p->arena, "mapping.%s", c->header);
    const struct import_field *f;

    if (json_is_null(choice)) {
        c->to = IMPORT_SKIPPED;
        return true;
    }
    f = json_is_string(choice) ? field_find(json_string_value(choice)) : NULL;
    if (f == NULL) {
        problem_field(p, path, "choice",
                      "Must be null or a field name such as first_name, phone, "
                      "address.city or notes.");
        return false;
    }
    if (!field_fits(f, m)) {
        problem_field(p, path, "choice", "The field %s does not exist for %s.", f->name,
                      import_target_name(m->target));
        return false;
    }
    if (!f->repeatable && taken[f - import_fields]) {
        problem_field(p, path, "unique", "Another column maps to %s already.", f->name);
        return false;
    }
    taken[f - import_fields] = true;
    column_set(c, f);
    return true;
}

/* Maps one column by its header name. */
static void
column_automatic(struct arena *a, struct import_mapping *m, struct import_column *c, bool *taken)
{
    const char *key = header_key(a, c->header);
    const struct import_alias *alias = alias_find(key);
    const char *name;
    const struct import_field *f;

    if (alias == NULL) {
        c->to = is_row_number_key(key) ? IMPORT_SKIPPED : IMPORT_UNMAPPED;
        return;
    }
    name = m->person ? alias->person_field : alias->business_field;
    if (alias->prospect_only && !m->prospect)
        name = NULL;
    f = name != NULL ? field_find(name) : NULL;
    if (f == NULL || !field_fits(f, m) || (!f->repeatable && taken[f - import_fields])) {
        /* No field, or taken by an earlier column ("Email 2" after "Email 1"). */
        c->to = f != NULL && f->to == IMPORT_TO_NOTES_TEXT ? IMPORT_TO_NOTES_TEXT
                                                            : IMPORT_TO_NOTES_LINE;
        return;
    }
    taken[f - import_fields] = true;
    column_set(c, f);
}

/* Names the required fields that no column provides. */
static bool
check_required(struct problem *p, const struct import_mapping *m, const bool *taken)
{
    static const char *const person[] = {"first_name", "last_name", NULL};
    static const char *const business[] = {"legal_name", NULL};
    bool ok = true;

    for (const char *const *name = m->person ? person : business; *name != NULL; name++) {
        if (!taken[field_find(*name) - import_fields]) {
            problem_field(p, "mapping", "required",
                          "No column provides %s; name one in the mapping parameter.", *name);
            ok = false;
        }
    }
    return ok;
}

enum result
import_mapping_build(struct problem *p, struct arena *a, enum import_target target,
                     const struct csvfile_row *header, const json_t *explicit,
                     struct import_mapping *out)
{
    bool taken[sizeof(import_fields) / sizeof(import_fields[0])] = {false};
    bool ok = true;
    const char *key;
    json_t *value;

    memset(out, 0, sizeof(*out));
    out->target = target;
    out->prospect = target == IMPORT_PROSPECTS;
    out->person = target == IMPORT_PERSON_CUSTOMERS ||
                  (target == IMPORT_PROSPECTS && prospects_are_people(a, header, explicit));
    out->count = header->count;
    out->columns = arena_calloc(a, header->count + 1, sizeof(*out->columns));

    for (size_t i = 0; i < header->count; i++) {
        struct import_column *c = &out->columns[i];
        const char *cell = header->cells[i];
        const json_t *choice;

        c->valid_header = text_is_utf8(cell, header->lengths[i]);
        if (!c->valid_header) {
            problem_field(p, arena_printf(a, "header[%zu]", i), "encoding",
                          "Column %zu of the header is not valid UTF-8. Save the file as UTF-8.",
                          i + 1);
            ok = false;
            continue;
        }
        c->header = cell[strspn(cell, " \t")] != '\0' ? cell : arena_printf(a, "column %zu", i + 1);
        choice = json_object_get(explicit, c->header);
        if (choice != NULL)
            ok = column_explicit(p, out, c, choice, taken) && ok;
        else
            column_automatic(a, out, c, taken);
    }
    json_object_foreach((json_t *)explicit, key, value)
    {
        bool found = false;

        for (size_t i = 0; i < out->count && !found; i++)
            found = out->columns[i].header != NULL && strcmp(out->columns[i].header, key) == 0;
        if (!found) {
            problem_field(p, arena_printf(a, "mapping.%s", key), "exists",
                          "The file has no column with this header.");
            ok = false;
        }
    }
    if (ok)
        ok = check_required(p, out, taken);
    return ok ? RESULT_OK : RESULT_INVALID;
}

json_t *
import_mapping_report(const struct import_mapping *m)
{
    json_t *report = json_array();

    for (size_t i = 0; i < m->count; i++) {
        const struct import_column *c = &m->columns[i];
        json_t *entry;
        const char *field = c->field, *note = NULL;

        switch (c->to) {
        case IMPORT_UNMAPPED:
            continue;
        case IMPORT_TO_ADDRESS:
            field = arena_printf(json_current_arena(), "address.%s", c->field);
            break;
        case IMPORT_TO_COUNTRY:
            field = "address.country";
            note = "English country names become ISO codes; a name without a code is kept in "
                   "notes as \"Country: name\".";
            break;
        case IMPORT_TO_PHONE:
            note = "Labelled with the header.";
            break;
        case IMPORT_TO_TAGS:
            note = "Separated by ; or ,.";
            break;
        case IMPORT_TO_NOTES_TEXT:
            field = "notes";
            break;
        case IMPORT_TO_NOTES_LINE:
            field = "notes";
            note = arena_printf(json_current_arena(),
                                "The record has no field for it; kept in notes as \"%s: value\".",
                                c->header);
            break;
        case IMPORT_SKIPPED:
            field = NULL;
            note = "Not kept.";
            break;
        default:
            break;
        }
        entry = json_object();
        json_object_set_new(entry, "column", json_string(c->header));
        json_object_set_new(entry, "field", json_string_or_null(field));
        if (note != NULL)
            json_object_set_new(entry, "note", json_string(note));
        json_array_append_new(report, entry);
    }
    return report;
}

json_t *
import_mapping_unmapped(const struct import_mapping *m)
{
    json_t *unmapped = json_array();

    for (size_t i = 0; i < m->count; i++) {
        if (m->columns[i].to == IMPORT_UNMAPPED)
            json_array_append_new(unmapped, json_string(m->columns[i].header));
    }
    return unmapped;
}

static bool
is_blank(const char *s)
{
    return s[strspn(s, " \t\r\n")] == '\0';
}

static void
row_error(struct import_row_body *out, const char *column, const char *field, const char *rule,
          const char *message)
{
    json_t *e = json_object();

    json_object_set_new(e, "column", json_string_or_null(column));
    json_object_set_new(e, "field", json_string_or_null(field));
    json_object_set_new(e, "rule", json_string(rule));
    json_object_set_new(e, "message", json_string(message));
    json_array_append_new(out->errors, e);
}

/* Returns the object member key of parent, creating an empty object or array there. */
static json_t *
member(json_t *parent, const char *key, bool array)
{
    json_t *v = json_object_get(parent, key);

    if (v == NULL) {
        v = array ? json_array() : json_object();
        json_object_set_new(parent, key, v);
    }
    return v;
}

/* Reads "3498" or "3,498" as an integer; other text stays text for validation to reject. */
static json_t *
employees_value(const char *text)
{
    char digits[24];
    size_t n = 0;

    for (const char *p = text; *p != '\0'; p++) {
        if (*p == ',' && p != text)
            continue;
        if (*p < '0' || *p > '9' || n + 1 >= sizeof(digits))
            return json_string(text);
        digits[n++] = *p;
    }
    digits[n] = '\0';
    return n > 0 && n <= 9 ? json_integer(atoll(digits)) : json_string(text);
}

static char *
ascii_upper(struct arena *a, const char *s)
{
    char *copy = arena_strdup(a, s);

    for (char *p = copy; *p != '\0'; p++) {
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    }
    return copy;
}

static void
add_tags(json_t *body, const char *text)
{
    struct arena *a = json_current_arena();
    char *copy = arena_strdup(a, text);
    char *save = NULL;

    for (char *tag = strtok_r(copy, ";,", &save); tag != NULL; tag = strtok_r(NULL, ";,", &save)) {
        if (!is_blank(tag))
            json_array_append_new(member(body, "tags", true), json_string(tag));
    }
}

/* Puts one readable, non-empty cell where its column goes. */
static void
place_cell(const struct import_column *c, const char *value, json_t *body, json_t *sources,
           struct buf *text, struct buf *lines)
{
    struct arena *a = json_current_arena();
    json_t *list;
    char country[3];

    switch (c->to) {
    case IMPORT_TO_FIELD:
        json_object_set_new(body, c->field, json_string(value));
        json_object_set_new(sources, c->field, json_string(c->header));
        break;
    case IMPORT_TO_EMPLOYEES:
        json_object_set_new(body, c->field, employees_value(value));
        json_object_set_new(sources, c->field, json_string(c->header));
        break;
    case IMPORT_TO_ADDRESS:
        json_object_set_new(member(body, "address", false), c->field, json_string(value));
        json_object_set_new(sources, arena_printf(a, "address.%s", c->field),
                            json_string(c->header));
        break;
    case IMPORT_TO_ADDRESS_LINE:
        list = member(member(body, "address", false), "lines", true);
        json_object_set_new(sources, arena_printf(a, "address.lines[%zu]", json_array_size(list)),
                            json_string(c->header));
        json_array_append_new(list, json_string(value));
        break;
    case IMPORT_TO_COUNTRY:
        if (strlen(value) == 2 && iso_country_valid(ascii_upper(a, value))) {
            json_object_set_new(member(body, "address", false), "country",
                                json_string(ascii_upper(a, value)));
        } else if (iso_country_from_name(value, country)) {
            json_object_set_new(member(body, "address", false), "country", json_string(country));
        } else {
            buf_printf(lines, "%s%s: %s", lines->len > 0 ? "\n" : "", c->header, value);
            break;
        }
        json_object_set_new(sources, "address.country", json_string(c->header));
        break;
    case IMPORT_TO_PHONE:
        list = member(body, "phones", true);
        json_object_set_new(sources, arena_printf(a, "phones[%zu].number", json_array_size(list)),
                            json_string(c->header));
        json_array_append_new(list, json_pack("{s:s, s:s}", "label", c->header, "number", value));
        if (json_object_get(sources, "phones") == NULL)
            json_object_set_new(sources, "phones", json_string(c->header));
        break;
    case IMPORT_TO_TAGS:
        add_tags(body, value);
        json_object_set_new(sources, "tags", json_string(c->header));
        break;
    case IMPORT_TO_NOTES_TEXT:
        buf_printf(text, "%s%s", text->len > 0 ? "\n" : "", value);
        if (json_object_get(sources, "notes") == NULL)
            json_object_set_new(sources, "notes", json_string(c->header));
        break;
    case IMPORT_TO_NOTES_LINE:
        buf_printf(lines, "%s%s: %s", lines->len > 0 ? "\n" : "", c->header, value);
        if (json_object_get(sources, "notes") == NULL)
            json_object_set_new(sources, "notes", json_string(c->header));
        break;
    case IMPORT_SKIPPED:
    case IMPORT_UNMAPPED:
        break;
    }
}

void
import_mapping_row(struct arena *a, const struct import_mapping *m,
                   const struct csvfile_row *row, struct import_row_body *out)
{
    json_t *body = json_object();
    struct buf text, lines;
    bool readable = true;

    out->body = NULL;
    out->sources = json_object();
    out->raw = json_object();
    out->errors = json_array();
    buf_init(&text, a, 256);
    buf_init(&lines, a, 256);
    json_object_set_new(body, "kind", json_string(m->person ? "person" : "business"));

    for (size_t i = 0; i < row->count; i++) {
        const char *value = row->cells[i];
        const struct import_column *c = i < m->count ? &m->columns[i] : NULL;
        const char *column = c != NULL ? c->header : arena_printf(a, "column %zu", i + 1);

        if (!text_is_utf8(value, row->lengths[i])) {
            row_error(out, column, c != NULL ? c->field : NULL, "encoding",
                      arena_printf(a, "Row %d, column %s: the cell is not valid UTF-8.",
                                   row->number, column));
            readable = false;
            continue;
        }
        if (is_blank(value))
            continue;
        if (c == NULL) {
            row_error(out, column, NULL, "columns",
                      arena_printf(a, "Row %d has a value in column %zu; the header has %zu "
                                      "columns.",
                                   row->number, i + 1, m->count));
            readable = false;
            continue;
        }
        json_object_set_new(out->raw, c->header, json_string(value));
        place_cell(c, value, body, out->sources, &text, &lines);
    }
    if (row->too_wide) {
        row_error(out, NULL, NULL, "columns",
                  arena_printf(a, "Row %d has more than %d cells.", row->number,
                               CSVFILE_COLUMNS_MAX));
        readable = false;
    }
    if (!readable)
        return;
    if (text.len > 0 || lines.len > 0)
        json_object_set_new(body, "notes",
                            json_string(arena_printf(a, "%s%s%s", text.data,
                                                     text.len > 0 && lines.len > 0 ? "\n" : "",
                                                     lines.data)));
    out->body = body;
}
