/* Unicode normalisation, validation helpers and host names. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/text.h"
#include "core/validate.h"
#include "tenant/host.h"
#include "tenants/slug.h"
#include "tests/unit/fixture.h"

TestSuite(text, .init = fixture_arena_setup, .fini = fixture_arena_teardown);

static char *
normalize(const char *in, enum text_lines lines, enum text_error *e, size_t *chars)
{
    char *out = NULL;

    *e = text_normalize(&fixture_arena, in, strlen(in), lines, &out, chars);
    return out;
}

Test(text, trims_and_composes)
{
    enum text_error e;
    size_t chars;
    /* "e" followed by a combining acute accent becomes the single character é. */
    char *out = normalize(" \t Jose\xcc\x81 O'Brien \xc2\xa0", TEXT_SINGLE_LINE, &e, &chars);

    cr_assert_eq(e, TEXT_OK);
    cr_assert_str_eq(out, "Jos\xc3\xa9 O'Brien");
    cr_assert_eq(chars, 12);
}

Test(text, emoji_and_scripts_round_trip)
{
    enum text_error e;
    size_t chars;
    const char *in = "\xe5\xbc\xa0\xe4\xbc\x9f \xf0\x9f\x98\x80 \xd0\x9c\xd0\xb0\xd1\x80\xd0\xb8\xd1\x8f";

    cr_assert_str_eq(normalize(in, TEXT_SINGLE_LINE, &e, &chars), in);
    cr_assert_eq(chars, 10);
}

Test(text, rejects_invalid_utf8_and_controls)
{
    enum text_error e;
    size_t chars;

    normalize("abc\xc3", TEXT_SINGLE_LINE, &e, &chars);
    cr_assert_eq(e, TEXT_INVALID_UTF8);
    normalize("\xed\xa0\x80", TEXT_SINGLE_LINE, &e, &chars); /* a UTF-16 surrogate */
    cr_assert_eq(e, TEXT_INVALID_UTF8);
    normalize("line one\nline two", TEXT_SINGLE_LINE, &e, &chars);
    cr_assert_eq(e, TEXT_CONTROL);
    cr_assert_str_eq(normalize("line one\nline two", TEXT_MULTI_LINE, &e, &chars), "line one\nline two");
    normalize("bell\x07", TEXT_MULTI_LINE, &e, &chars);
    cr_assert_eq(e, TEXT_CONTROL);
}

Test(text, fold_ignores_case_and_accents)
{
    cr_assert_str_eq(text_fold(&fixture_arena, "J\xc3\xbcrgen M\xc3\xbcLLER"), "jurgen muller");
    cr_assert_str_eq(text_fold(&fixture_arena, "\xc3\x85ngstr\xc3\xb6m"), "angstrom");
}

Test(text, casefold_keeps_accents)
{
    cr_assert_str_eq(text_casefold(&fixture_arena, "Lena.Voss@Example.COM"), "lena.voss@example.com");
    cr_assert_str_eq(text_casefold(&fixture_arena, "M\xc3\x9cLLER@x.de"), "m\xc3\xbcller@x.de");
}

Test(validate, emails)
{
    const char *good[] = {"lena.voss@example.com", "a+b@sub.example.co.uk", "x@b\xc3\xbc.de"};
    const char *bad[] = {"plain", "@example.com", "a@b", "a@.com", "a@b..com", "a b@c.com",
                         "a@-b.com", "a..b@c.com", "a@b.c"};

    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        cr_assert(validate_email(good[i]), "%s", good[i]);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        cr_assert_not(validate_email(bad[i]), "%s", bad[i]);
}

Test(validate, dates_and_timestamps)
{
    cr_assert(validate_date("2024-02-29"));
    cr_assert_not(validate_date("2023-02-29"));
    cr_assert_not(validate_date("2023-13-01"));
    cr_assert_not(validate_date("2023-1-01"));
    cr_assert(validate_timestamp("2026-12-04T09:30:00Z"));
    cr_assert(validate_timestamp("2026-12-04T09:30:00.123+05:30"));
    cr_assert_not(validate_timestamp("2026-12-04 09:30:00Z"));
    cr_assert_not(validate_timestamp("2026-12-04T09:30:00"));
}

Test(validate, timestamp_offsets_postgresql_accepts)
{
    cr_assert(validate_timestamp("2026-12-04T09:30:00+14:00"));
    cr_assert(validate_timestamp("2026-12-04T09:30:00-15:59"));
    cr_assert_not(validate_timestamp("2026-12-04T09:30:00+16:00"),
                  "PostgreSQL rejects this offset, so the request would fail late");
    cr_assert_not(validate_timestamp("2026-12-04T09:30:00-23:59"));
}

static const char *const colours[] = {"red", "green", NULL};
static const struct field address_fields[] = {
    {"city", FIELD_STRING, 0, 10, 0, 0, NULL, NULL, NULL},
    {NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL},
};
static const struct field tag_item = {"tag", FIELD_STRING, FIELD_REQUIRED, 5, 0, 0, NULL, NULL, NULL};
static const struct field sample_fields[] = {
    {"name", FIELD_STRING, FIELD_REQUIRED, 5, 0, 0, NULL, NULL, NULL},
    {"age", FIELD_INTEGER, 0, 0, 0, 150, NULL, NULL, NULL},
    {"colour", FIELD_ENUM, FIELD_NULLABLE, 0, 0, 0, colours, NULL, NULL},
    {"address", FIELD_OBJECT, 0, 0, 0, 0, NULL, address_fields, NULL},
    {"tags", FIELD_ARRAY, 0, 2, 0, 0, NULL, NULL, &tag_item},
    {NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL},
};

static bool
has_error(const struct problem *p, const char *field, const char *rule)
{
    for (size_t i = 0; i < p->error_count; i++) {
        if (strcmp(p->errors[i].field, field) == 0 && strcmp(p->errors[i].rule, rule) == 0)
            return true;
    }
    return false;
}

Test(validate, field_table_reports_each_rule, .init = fixture_arena_setup, .fini = fixture_arena_teardown)
{
    struct problem p;
    json_t *body = json_loads("{\"name\":\" toolong \",\"age\":\"3\",\"colour\":\"blue\","
                              "\"address\":{\"city\":\"x\",\"zip\":1},\"tags\":[\"a\",\"b\",\"c\"],"
                              "\"extra\":true}",
                              0, NULL);

    problem_init(&p, &fixture_arena);
    cr_assert_eq(validate_object(&p, &fixture_arena, body, sample_fields, "", false), RESULT_INVALID);
    cr_assert(has_error(&p, "name", "max_length"));
    cr_assert(has_error(&p, "age", "type"));
    cr_assert(has_error(&p, "colour", "choice"));
    cr_assert(has_error(&p, "address.zip", "unknown"));
    cr_assert(has_error(&p, "tags", "max_items"));
    cr_assert(has_error(&p, "extra", "unknown"));
}

Test(validate, field_table_normalises_in_place, .init = fixture_arena_setup, .fini = fixture_arena_teardown)
{
    struct problem p;
    json_t *body = json_loads("{\"name\":\"  Ann \",\"colour\":null,\"tags\":[\" x \"]}", 0, NULL);

    problem_init(&p, &fixture_arena);
    cr_assert_eq(validate_object(&p, &fixture_arena, body, sample_fields, "", false), RESULT_OK);
    cr_assert_str_eq(json_string_value(json_object_get(body, "name")), "Ann");
    cr_assert_str_eq(json_string_value(json_array_get(json_object_get(body, "tags"), 0)), "x");
}

Test(validate, partial_allows_missing_required, .init = fixture_arena_setup, .fini = fixture_arena_teardown)
{
    struct problem p;
    json_t *body = json_loads("{\"age\":3}", 0, NULL);

    problem_init(&p, &fixture_arena);
    cr_assert_eq(validate_object(&p, &fixture_arena, body, sample_fields, "", true), RESULT_OK);
    cr_assert_eq(validate_object(&p, &fixture_arena, body, sample_fields, "", false), RESULT_INVALID);
    cr_assert(has_error(&p, "name", "required"));
}

Test(host, normalisation)
{
    char out[HOST_MAX + 1];

    cr_assert(host_normalize("ACME.localhost:8080", out, sizeof(out)));
    cr_assert_str_eq(out, "acme.localhost");
    cr_assert(host_normalize("acme.localhost.", out, sizeof(out)));
    cr_assert_str_eq(out, "acme.localhost");
    cr_assert_not(host_normalize("[::1]:8080", out, sizeof(out)));
    cr_assert_not(host_normalize("acme.localhost:80x", out, sizeof(out)));
    cr_assert_not(host_normalize("a b.localhost", out, sizeof(out)));
    cr_assert_not(host_normalize("", out, sizeof(out)));
    cr_assert_not(host_normalize("acme..localhost", out, sizeof(out)));
}

Test(slug, rules)
{
    char why[256];

    cr_assert(slug_valid("acme", why, sizeof(why)));
    cr_assert(slug_valid("a-1", why, sizeof(why)));
    cr_assert_not(slug_valid("ab", why, sizeof(why)));
    cr_assert_not(slug_valid("-acme", why, sizeof(why)));
    cr_assert_not(slug_valid("ac--me", why, sizeof(why)));
    cr_assert_not(slug_valid("Acme", why, sizeof(why)));
    cr_assert_not(slug_valid("www", why, sizeof(why)));
    cr_assert(strstr(why, "reserved") != NULL);
}
