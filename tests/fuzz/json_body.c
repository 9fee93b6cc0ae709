/*
 * JSON request bodies: json_parse, then validate_object against a customer-like
 * field table that uses every field type. An input of odd length is validated as
 * a PATCH (partial), one of even length as a create.
 */
#include <stdbool.h>

#include "core/text.h"
#include "core/validate.h"
#include "fuzz.h"

static const char *const stages[] = {"lead", "customer", "former", NULL};
static const char *const phone_kinds[] = {"mobile", "work", "home", NULL};

/*
 * Optional text fields are nullable because validation stores an empty optional
 * string as null, and a body that passed validation must pass it again unchanged.
 */
static const struct field address_fields[] = {
    {.name = "street", .type = FIELD_STRING, .flags = FIELD_NULLABLE, .max = 200},
    {.name = "city", .type = FIELD_STRING, .flags = FIELD_REQUIRED, .max = 100},
    {.name = "postal_code", .type = FIELD_STRING, .flags = FIELD_NULLABLE, .max = 20},
    {.name = "country", .type = FIELD_STRING, .flags = FIELD_REQUIRED, .max = 2, .min_value = 2},
    {0},
};

static const struct field phone_fields[] = {
    {.name = "kind", .type = FIELD_ENUM, .flags = FIELD_REQUIRED, .choices = phone_kinds},
    {.name = "number", .type = FIELD_STRING, .flags = FIELD_REQUIRED, .max = 40},
    {.name = "primary", .type = FIELD_BOOLEAN},
    {0},
};

static const struct field phone_item = {
    .name = "phone", .type = FIELD_OBJECT, .children = phone_fields,
};

static const struct field tag_item = {
    .name = "tag", .type = FIELD_STRING, .flags = FIELD_REQUIRED, .max = 40,
};

static const struct field customer_fields[] = {
    {.name = "name", .type = FIELD_STRING, .flags = FIELD_REQUIRED, .max = 200},
    {.name = "notes", .type = FIELD_TEXT, .flags = FIELD_NULLABLE, .max = 5000},
    {.name = "stage", .type = FIELD_ENUM, .choices = stages},
    {.name = "email", .type = FIELD_EMAIL, .flags = FIELD_NULLABLE, .max = 254},
    {.name = "birth_date", .type = FIELD_DATE, .flags = FIELD_NULLABLE},
    {.name = "next_contact_at", .type = FIELD_TIMESTAMP, .flags = FIELD_NULLABLE},
    {.name = "employees", .type = FIELD_INTEGER, .min_value = 0, .max_value = 10000000},
    {.name = "owner_id", .type = FIELD_ID, .flags = FIELD_NULLABLE},
    {.name = "vip", .type = FIELD_BOOLEAN},
    {.name = "address", .type = FIELD_OBJECT, .flags = FIELD_NULLABLE, .children = address_fields},
    {.name = "phones", .type = FIELD_ARRAY, .max = 10, .item = &phone_item},
    {.name = "tags", .type = FIELD_ARRAY, .max = 20, .item = &tag_item},
    {0},
};

static const char *const rules[] = {
    "required", "type", "unknown", "max_length", "min_length", "range",
    "choice", "format", "max_items", "encoding", NULL,
};

static bool
rule_known(const char *rule)
{
    for (size_t i = 0; rules[i] != NULL; i++) {
        if (strcmp(rules[i], rule) == 0)
            return true;
    }
    return false;
}

static bool
field_is_text(const struct field *f)
{
    return f->type == FIELD_STRING || f->type == FIELD_TEXT || f->type == FIELD_ENUM ||
           f->type == FIELD_EMAIL || f->type == FIELD_DATE || f->type == FIELD_TIMESTAMP;
}

static bool
choice_known(const struct field *f, const char *s)
{
    for (size_t i = 0; f->choices[i] != NULL; i++) {
        if (strcmp(f->choices[i], s) == 0)
            return true;
    }
    return false;
}

/* Checks that an accepted value has the form validation promises for its field. */
static void
check_accepted(struct arena *a, const json_t *value, const struct field *f)
{
    const char *s;
    char *normal;
    size_t chars;

    if (json_is_null(value)) {
        /* Null is accepted where the field allows it, or left by optional text sent empty. */
        FUZZ_CHECK((f->flags & FIELD_NULLABLE) ||
                   (field_is_text(f) && !(f->flags & FIELD_REQUIRED)));
        return;
    }
    switch (f->type) {
    case FIELD_STRING:
    case FIELD_TEXT:
    case FIELD_ENUM:
    case FIELD_EMAIL:
    case FIELD_DATE:
    case FIELD_TIMESTAMP:
        FUZZ_CHECK(json_is_string(value));
        s = json_string_value(value);
        /* Trimmed and in NFC already: normalising again changes nothing. */
        FUZZ_CHECK(text_normalize(a, s, strlen(s),
                                  f->type == FIELD_TEXT ? TEXT_MULTI_LINE : TEXT_SINGLE_LINE,
                                  &normal, &chars) == TEXT_OK);
        FUZZ_CHECK(strcmp(normal, s) == 0);
        FUZZ_CHECK(chars > 0);
        FUZZ_CHECK(f->max == 0 || chars <= f->max);
        FUZZ_CHECK(chars >= (size_t)f->min_value);
        if (f->type == FIELD_ENUM)
            FUZZ_CHECK(choice_known(f, s));
        if (f->type == FIELD_EMAIL)
            FUZZ_CHECK(validate_email(s));
        if (f->type == FIELD_DATE)
            FUZZ_CHECK(validate_date(s));
        if (f->type == FIELD_TIMESTAMP)
            FUZZ_CHECK(validate_timestamp(s));
        break;
    case FIELD_INTEGER:
    case FIELD_ID:
        FUZZ_CHECK(json_is_integer(value));
        FUZZ_CHECK(json_integer_value(value) >= (f->type == FIELD_ID ? 1 : f->min_value));
        FUZZ_CHECK(f->type == FIELD_ID || json_integer_value(value) <= f->max_value);
        break;
    case FIELD_BOOLEAN:
        FUZZ_CHECK(json_is_boolean(value));
        break;
    case FIELD_OBJECT:
        FUZZ_CHECK(json_is_object(value));
        for (const struct field *c = f->children; c->name != NULL; c++) {
            const json_t *member = json_object_get(value, c->name);

            if (member != NULL)
                check_accepted(a, member, c);
        }
        break;
    case FIELD_ARRAY: {
        size_t i;
        const json_t *item;

        FUZZ_CHECK(json_is_array(value));
        FUZZ_CHECK(f->max == 0 || json_array_size(value) <= f->max);
        json_array_foreach(value, i, item)
            check_accepted(a, item, f->item);
        break;
    }
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *a = fuzz_arena();
    bool partial = size % 2 == 1;
    const struct field body_field = {
        .name = "$", .type = FIELD_OBJECT, .children = customer_fields,
    };
    struct problem problem, problem_again;
    json_error_t error;
    json_t *body, *accepted, *reparsed;
    enum result r;
    char *text;
    size_t len;

    body = json_parse((const char *)data, size, &error);
    if (body == NULL)
        return 0;

    problem_init(&problem, a);
    r = validate_object(&problem, a, body, customer_fields, "", partial);
    FUZZ_CHECK(r == RESULT_OK || r == RESULT_INVALID);
    FUZZ_CHECK((r == RESULT_OK) == (problem.error_count == 0));
    for (size_t i = 0; i < problem.error_count; i++) {
        /* The path is "" only for a member whose key is "". */
        FUZZ_CHECK(problem.errors[i].field != NULL);
        FUZZ_CHECK(rule_known(problem.errors[i].rule));
        FUZZ_CHECK(problem.errors[i].message != NULL && problem.errors[i].message[0] != '\0');
    }
    if (r != RESULT_OK)
        return 0;

    check_accepted(a, body, &body_field);

    /* A validated body passes validation again and comes out unchanged. */
    accepted = json_deep_copy(body);
    FUZZ_CHECK(accepted != NULL);
    problem_init(&problem_again, a);
    FUZZ_CHECK(validate_object(&problem_again, a, body, customer_fields, "", partial) ==
               RESULT_OK);
    FUZZ_CHECK(json_equal(body, accepted));

    /* It serialises, and the text parses back to the same value. */
    text = json_dump(body, &len);
    FUZZ_CHECK(text != NULL);
    reparsed = json_parse(text, len, &error);
    FUZZ_CHECK(reparsed != NULL);
    FUZZ_CHECK(json_equal(reparsed, body));
    return 0;
}
