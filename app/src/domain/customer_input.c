#include <string.h>
#include <time.h>

#include "core/iso.h"
#include "core/phone.h"
#include "core/text.h"
#include "core/validate.h"
#include "domain/customer_input.h"

static const char *const kinds[] = {"person", "business", NULL};
static const char *const customer_statuses[] = {"active", "inactive", "dormant", "blacklisted",
                                                NULL};
static const char *const prospect_statuses[] = {"open", "qualified", "disqualified", NULL};

/* Optional fields accept null, which clears them in an update. */
#define TEXT(name, max) {name, FIELD_STRING, FIELD_NULLABLE, max, 0, 0, NULL, NULL, NULL}
#define REQUIRED_TEXT(name, max) {name, FIELD_STRING, FIELD_REQUIRED, max, 0, 0, NULL, NULL, NULL}
#define TYPED(name, type, max) {name, type, FIELD_NULLABLE, max, 0, 0, NULL, NULL, NULL}
#define OBJECT(name, children) {name, FIELD_OBJECT, FIELD_NULLABLE, 0, 0, 0, NULL, children, NULL}
#define ARRAY(name, max, item) {name, FIELD_ARRAY, FIELD_NULLABLE, max, 0, 0, NULL, NULL, item}
#define END {NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL}

static const struct field phone_fields[] = {
    TEXT("label", 40),
    REQUIRED_TEXT("number", 40),
    END,
};
static const struct field phone_item = {
    "phone", FIELD_OBJECT, 0, 0, 0, 0, NULL, phone_fields, NULL};
static const struct field address_line_item = TEXT("line", 200);
static const struct field address_fields[] = {
    ARRAY("lines", 4, &address_line_item),
    TEXT("city", 120),
    TEXT("region", 120),
    TEXT("postal_code", 20),
    {"country", FIELD_STRING, FIELD_NULLABLE, 2, 2, 0, NULL, NULL, NULL},
    END,
};
static const struct field identification_fields[] = {
    TEXT("type", 60),
    TEXT("number", 60),
    END,
};
static const struct field tag_item = TEXT("tag", 40);
static const struct field contact_fields[] = {
    TYPED("customer_id", FIELD_ID, 0),
    TEXT("code", 40),
    TEXT("reference", 40),
    TEXT("role", 80),
    END,
};
static const struct field contact_item = {
    "contact", FIELD_OBJECT, 0, 0, 0, 0, NULL, contact_fields, NULL};

#define CREATE_FIELDS                                                                          \
    {"kind", FIELD_ENUM, FIELD_REQUIRED, 0, 0, 0, kinds, NULL, NULL},                          \
    {"allow_duplicate", FIELD_BOOLEAN, 0, 0, 0, 0, NULL, NULL, NULL}

#define STATUS_FIELD(choices) {"status", FIELD_ENUM, 0, 0, 0, 0, choices, NULL, NULL}

#define PERSON_FIELDS                                                                          \
    TEXT("title", 40), REQUIRED_TEXT("first_name", 100), TEXT("middle_name", 100),             \
    REQUIRED_TEXT("last_name", 100), TEXT("gender", 40),                                       \
    TYPED("date_of_birth", FIELD_DATE, 0), TEXT("occupation", 120), TEXT("employer", 200),     \
    OBJECT("identification", identification_fields)

#define BUSINESS_FIELDS                                                                        \
    REQUIRED_TEXT("legal_name", 200), TEXT("trading_name", 200),                               \
    TEXT("registration_number", 60), TEXT("industry", 120), TEXT("website", 300),              \
    TYPED("date_of_incorporation", FIELD_DATE, 0),                                             \
    {"number_of_employees", FIELD_INTEGER, FIELD_NULLABLE, 0, 0, 10000000, NULL, NULL, NULL},  \
    ARRAY("contacts", 50, &contact_item)

#define COMMON_FIELDS                                                                          \
    TYPED("email", FIELD_EMAIL, 254), ARRAY("phones", 10, &phone_item),                        \
    OBJECT("address", address_fields), TYPED("notes", FIELD_TEXT, 10000),                      \
    TYPED("owner_id", FIELD_ID, 0), TEXT("source", 80), ARRAY("tags", 20, &tag_item),          \
    TEXT("external_ref", 100)

#define PROSPECT_FIELDS TEXT("lead_stage", 80), TEXT("lead_owner_name", 120)

static const struct field person_customer_create[] = {
    CREATE_FIELDS, STATUS_FIELD(customer_statuses), PERSON_FIELDS, COMMON_FIELDS, END};
static const struct field person_customer_update[] = {
    STATUS_FIELD(customer_statuses), PERSON_FIELDS, COMMON_FIELDS, END};
static const struct field business_customer_create[] = {
    CREATE_FIELDS, STATUS_FIELD(customer_statuses), BUSINESS_FIELDS, COMMON_FIELDS, END};
static const struct field business_customer_update[] = {
    STATUS_FIELD(customer_statuses), BUSINESS_FIELDS, COMMON_FIELDS, END};
static const struct field person_prospect_create[] = {
    CREATE_FIELDS, STATUS_FIELD(prospect_statuses), PERSON_FIELDS, COMMON_FIELDS,
    PROSPECT_FIELDS, END};
static const struct field person_prospect_update[] = {
    STATUS_FIELD(prospect_statuses), PERSON_FIELDS, COMMON_FIELDS, PROSPECT_FIELDS, END};
static const struct field business_prospect_create[] = {
    CREATE_FIELDS, STATUS_FIELD(prospect_statuses), BUSINESS_FIELDS, COMMON_FIELDS,
    PROSPECT_FIELDS, END};
static const struct field business_prospect_update[] = {
    STATUS_FIELD(prospect_statuses), BUSINESS_FIELDS, COMMON_FIELDS, PROSPECT_FIELDS, END};

static const char *const person_columns[] = {
    "title", "first_name", "middle_name", "last_name", "gender", "date_of_birth", "occupation",
    "employer", NULL,
};
static const char *const business_columns[] = {
    "legal_name", "trading_name", "registration_number", "industry", "website",
    "date_of_incorporation", "number_of_employees", NULL,
};
static const char *const common_columns[] = {"email", "notes", "source", "external_ref", NULL};

const struct field *
customer_fields(enum customer_lifecycle lifecycle, bool person, bool create)
{
    if (lifecycle == CUSTOMER_LIFECYCLE_CUSTOMER) {
        if (person)
            return create ? person_customer_create : person_customer_update;
        return create ? business_customer_create : business_customer_update;
    }
    if (person)
        return create ? person_prospect_create : person_prospect_update;
    return create ? business_prospect_create : business_prospect_update;
}

/* Returns the member as a string, or NULL when absent, null or not a string. */
static const char *
input_text(const json_t *o, const char *key)
{
    return json_str(o, key);
}

static void
copy_columns(json_t *columns, const json_t *input, const char *const *names)
{
    for (; *names != NULL; names++) {
        json_t *v = json_object_get(input, *names);

        json_object_set(columns, *names, v != NULL ? v : json_null());
    }
}

/* Returns the UTC date of a moment as YYYY-MM-DD. */
static char *
date_of(struct arena *a, int64_t us)
{
    time_t t = (time_t)(us / 1000000);
    struct tm tm;

    gmtime_r(&t, &tm);
    return arena_printf(a, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* Rejects a date after today anywhere on Earth (UTC+14 at most). */
static bool
check_past_date(struct scope *s, const json_t *columns, const char *name)
{
    const char *date = input_text(columns, name);
    const char *latest = date_of(s->arena, s->now_us + (int64_t)14 * 3600 * 1000000);

    if (date == NULL || strcmp(date, latest) <= 0)
        return true;
    problem_field(s->problem, name, "range", "Must not be in the future.");
    return false;
}

/* A web address: an optional http:// or https://, then a host name with a dot, no spaces. */
static bool
check_website(struct scope *s, const char *website)
{
    const char *host = website;
    size_t host_len;

    if (website == NULL)
        return true;
    if (strncmp(host, "https://", 8) == 0)
        host += 8;
    else if (strncmp(host, "http://", 7) == 0)
        host += 7;
    host_len = strcspn(host, "/?#");
    if (host_len >= 3 && memchr(host, '.', host_len) != NULL && host[0] != '.' &&
        strpbrk(website, " \t") == NULL)
        return true;
    problem_field(s->problem, "website", "format",
                  "Must be a web address such as https://www.example.com/.");
    return false;
}

static bool
array_has_string(const json_t *array, const char *s)
{
    size_t i;
    json_t *item;

    json_array_foreach(array, i, item) {
        if (json_is_string(item) && strcmp(json_string_value(item), s) == 0)
            return true;
    }
    return false;
}

/*
 * Parses each phone with the tenant's country and fills the phones and
 * phone_keys columns, and phone_digits (no column) with the digits search finds
 * a number by: the E.164 digits, the national format's digits and the extension.
 */
static bool
build_phones(struct scope *s, json_t *columns, const json_t *input, json_t *keys)
{
    json_t *phones = json_array();
    struct buf digits;
    const json_t *list = json_object_get(input, "phones");
    json_t *item;
    size_t i;
    bool ok = true;

    buf_init(&digits, s->arena, 64);
    json_array_foreach(list, i, item) {
        const char *number = input_text(item, "number");
        struct phone_number parsed;
        json_t *phone;
        const char *key;

        if (number == NULL)
            continue;
        if (!phone_parse(number, s->tenant->country, &parsed)) {
            problem_field(
                s->problem, arena_printf(s->arena, "phones[%zu].number", i), "phone",
                "Must be a phone number: with a country code such as +44, or a number "
                "of the tenant's country (%s).",
                s->tenant->country);
            ok = false;
            continue;
        }
        phone = json_object();
        json_object_set(phone, "label", json_object_get(item, "label") != NULL
                                            ? json_object_get(item, "label")
                                            : json_null());
        json_object_set_new(phone, "number", json_string(number));
        json_object_set_new(phone, "e164", json_string(parsed.e164));
        json_object_set_new(phone, "extension", json_string_or_null(parsed.extension[0] != '\0'
                                                                        ? parsed.extension
                                                                        : NULL));
        json_array_append_new(phones, phone);
        buf_printf(&digits, "%s %s %s ", parsed.e164 + 1, parsed.national, parsed.extension);

        key = parsed.extension[0] != '\0'
                  ? arena_printf(s->arena, "%s;ext=%s", parsed.e164, parsed.extension)
                  : arena_strdup(s->arena, parsed.e164);
        if (!array_has_string(keys, key))
            json_array_append_new(keys, json_string(key));
    }
    json_object_set_new(columns, "phones", phones);
    json_object_set(columns, "phone_keys", keys);
    json_object_set_new(columns, "phone_digits", json_string(digits.data));
    return ok;
}

/* Fills the address columns; the country must be an ISO 3166 code, in either case. */
static bool
build_address(struct scope *s, json_t *columns, const json_t *input)
{
    const json_t *address = json_object_get(input, "address");
    json_t *lines = json_array();
    const char *country = input_text(address, "country");
    char *upper;
    json_t *item;
    size_t i;

    json_array_foreach(json_object_get(address, "lines"), i, item) {
        if (json_is_string(item))
            json_array_append(lines, item);
    }
    json_object_set_new(columns, "address_lines", lines);
    json_object_set_new(columns, "city", json_string_or_null(input_text(address, "city")));
    json_object_set_new(columns, "region", json_string_or_null(input_text(address, "region")));
    json_object_set_new(columns, "postal_code",
                        json_string_or_null(input_text(address, "postal_code")));
    if (country == NULL) {
        json_object_set_new(columns, "country", json_null());
        return true;
    }
    upper = arena_strdup(s->arena, country);
    for (char *p = upper; *p != '\0'; p++) {
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    }
    if (!iso_country_valid(upper)) {
        problem_field(s->problem, "address.country", "choice",
                      "Must be an ISO 3166-1 alpha-2 country code such as DE or US.");
        return false;
    }
    json_object_set_new(columns, "country", json_string(upper));
    return true;
}

/* Keeps each tag once, in the order given. */
static void
build_tags(json_t *columns, const json_t *input)
{
    json_t *tags = json_array();
    json_t *item;
    size_t i;

    json_array_foreach(json_object_get(input, "tags"), i, item) {
        if (json_is_string(item) && !array_has_string(tags, json_string_value(item)))
            json_array_append(tags, item);
    }
    json_object_set_new(columns, "tags", tags);
}

/* The registration number for matching: folded, only letters and digits. */
static char *
registration_key(struct arena *a, const char *number)
{
    char *folded = text_fold(a, number);
    char *out = folded;

    for (const char *p = folded; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;

        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80)
            *out++ = *p;
    }
    *out = '\0';
    return *folded != '\0' ? folded : NULL;
}

/* Joins the non-NULL parts with single spaces. */
static char *
join_names(struct arena *a, const char *const *parts, size_t count)
{
    struct buf b;

    buf_init(&b, a, 128);
    for (size_t i = 0; i < count; i++) {
        if (parts[i] != NULL)
            buf_printf(&b, "%s%s", b.len > 0 ? " " : "", parts[i]);
    }
    return b.data;
}

/* Sets display_name ("Lena Voss", "Acme Ltd") and sort_name (folded, last name first). */
static void
build_names(struct scope *s, json_t *columns, bool person)
{
    if (person) {
        const char *display[] = {input_text(columns, "first_name"),
                                 input_text(columns, "middle_name"),
                                 input_text(columns, "last_name")};
        const char *sort[] = {input_text(columns, "last_name"),
                              input_text(columns, "first_name"),
                              input_text(columns, "middle_name")};

        json_object_set_new(columns, "display_name",
                            json_string(join_names(s->arena, display, 3)));
        json_object_set_new(columns, "sort_name",
                            json_string(text_fold(s->arena, join_names(s->arena, sort, 3))));
        return;
    }
    json_object_set(columns, "display_name", json_object_get(columns, "legal_name"));
    json_object_set_new(columns, "sort_name",
                        json_string(text_fold(s->arena, input_text(columns, "legal_name"))));
}

void
customer_columns_search_text(struct scope *s, json_t *columns, const char *code,
                             const char *reference)
{
    static const char *const names[] = {"first_name", "middle_name", "last_name", "legal_name",
                                        "trading_name", "email"};
    struct buf b;

    buf_init(&b, s->arena, 256);
    if (code != NULL)
        buf_printf(&b, "%s\n", text_fold(s->arena, code));
    if (reference != NULL)
        buf_printf(&b, "%s\n", text_fold(s->arena, reference));
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        const char *value = input_text(columns, names[i]);

        if (value != NULL)
            buf_printf(&b, "%s\n", text_fold(s->arena, value));
    }
    if (input_text(columns, "phone_digits") != NULL)
        buf_puts(&b, input_text(columns, "phone_digits"));
    json_object_set_new(columns, "search_text", json_string(b.data));
}

enum result
customer_columns_build(struct scope *s, enum customer_lifecycle lifecycle, const char *kind,
                       const json_t *input, const json_t *current, struct customer_columns *out)
{
    bool person = strcmp(kind, "person") == 0;
    bool prospect = lifecycle == CUSTOMER_LIFECYCLE_PROSPECT;
    json_t *c = json_object();
    const json_t *owner = json_object_get(input, "owner_id");
    const char *status = input_text(input, "status");
    const char *email, *registration;
    bool ok = true;

    memset(out, 0, sizeof(*out));
    out->lock_keys = json_array();
    out->phone_keys = json_array();
    json_object_set_new(c, "kind", json_string(kind));
    json_object_set_new(c, "lifecycle", json_string(prospect ? "prospect" : "customer"));
    if (status == NULL && current != NULL)
        status = json_str(current, "status");
    if (status == NULL)
        status = prospect ? "open" : "active";
    json_object_set_new(c, "status", json_string(status));

    if (person) {
        const json_t *identification = json_object_get(input, "identification");

        copy_columns(c, input, person_columns);
        json_object_set_new(c, "identification_type",
                            json_string_or_null(input_text(identification, "type")));
        json_object_set_new(c, "identification_number",
                            json_string_or_null(input_text(identification, "number")));
        ok = check_past_date(s, c, "date_of_birth") && ok;
    } else {
        copy_columns(c, input, business_columns);
        ok = check_past_date(s, c, "date_of_incorporation") && ok;
        ok = check_website(s, input_text(c, "website")) && ok;
    }
    copy_columns(c, input, common_columns);
    /* A converted customer keeps the lead fields it had as a prospect. */
    copy_columns(c, prospect ? input : current,
                 (const char *const[]){"lead_stage", "lead_owner_name", NULL});

    if (owner == NULL && current == NULL && s->actor != NULL)
        json_object_set_new(c, "owner_id", json_integer(s->actor->user_id));
    else
        json_object_set(c, "owner_id", owner != NULL ? (json_t *)owner : json_null());
    build_tags(c, input);
    ok = build_address(s, c, input) && ok;
    ok = build_phones(s, c, input, out->phone_keys) && ok;
    if (!ok)
        return RESULT_INVALID;

    email = input_text(c, "email");
    if (email != NULL) {
        out->email_key = text_casefold(s->arena, email);
        json_object_set_new(c, "email_key", json_string(out->email_key));
        json_array_append_new(out->lock_keys,
                              json_string(arena_printf(s->arena, "email:%s", out->email_key)));
    }
    registration = input_text(c, "registration_number");
    if (registration != NULL &&
        (out->registration_key = registration_key(s->arena, registration)) != NULL) {
        json_object_set_new(c, "registration_key", json_string(out->registration_key));
        json_array_append_new(
            out->lock_keys,
            json_string(arena_printf(s->arena, "registration:%s", out->registration_key)));
    }
    for (size_t i = 0; i < json_array_size(out->phone_keys); i++)
        json_array_append_new(
            out->lock_keys,
            json_string(arena_printf(s->arena, "phone:%s",
                                     json_string_value(json_array_get(out->phone_keys, i)))));

    if (email == NULL && json_array_size(out->phone_keys) == 0 &&
        (person || input_text(c, "website") == NULL)) {
        problem_field(s->problem, "email", "contact_channel",
                      person ? "Give an email address or a phone number."
                             : "Give an email address, a phone number or a website.");
        return RESULT_INVALID;
    }
    build_names(s, c, person);
    out->columns = c;
    return RESULT_OK;
}
