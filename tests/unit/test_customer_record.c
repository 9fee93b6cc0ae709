/*
 * The record written straight from a result row must be the text jansson makes
 * of customer_record_from_row(db_row_json()). Rows are built with libpq's own
 * result functions, typed as the store's SELECT returns them.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "domain/customer_record.h"
#include "tests/unit/fixture.h"

/* Type OIDs from PostgreSQL's pg_type.dat. */
enum { OID_INT4 = 23, OID_INT8 = 20, OID_TEXT = 25, OID_TIMESTAMPTZ = 1184, OID_JSONB = 3802 };

struct column {
    const char *name;
    Oid type;
};

/* The columns of customer_store_get() and customer_store_list(), in their order. */
static const struct column columns[] = {
    {"id", OID_INT8},
    {"kind", OID_TEXT},
    {"lifecycle", OID_TEXT},
    {"status", OID_TEXT},
    {"code", OID_TEXT},
    {"reference", OID_TEXT},
    {"display_name", OID_TEXT},
    {"title", OID_TEXT},
    {"first_name", OID_TEXT},
    {"middle_name", OID_TEXT},
    {"last_name", OID_TEXT},
    {"gender", OID_TEXT},
    {"date_of_birth", OID_TEXT},
    {"occupation", OID_TEXT},
    {"employer", OID_TEXT},
    {"identification_type", OID_TEXT},
    {"identification_number", OID_TEXT},
    {"legal_name", OID_TEXT},
    {"trading_name", OID_TEXT},
    {"registration_number", OID_TEXT},
    {"industry", OID_TEXT},
    {"website", OID_TEXT},
    {"date_of_incorporation", OID_TEXT},
    {"number_of_employees", OID_INT4},
    {"email", OID_TEXT},
    {"phones", OID_JSONB},
    {"address_lines", OID_JSONB},
    {"city", OID_TEXT},
    {"region", OID_TEXT},
    {"postal_code", OID_TEXT},
    {"country", OID_TEXT},
    {"notes", OID_TEXT},
    {"owner_id", OID_INT8},
    {"owner_name", OID_TEXT},
    {"source", OID_TEXT},
    {"tags", OID_JSONB},
    {"external_ref", OID_TEXT},
    {"lead_stage", OID_TEXT},
    {"lead_owner_name", OID_TEXT},
    {"created_by", OID_INT8},
    {"updated_by", OID_INT8},
    {"created_at", OID_TIMESTAMPTZ},
    {"updated_at", OID_TIMESTAMPTZ},
    {"converted_at", OID_TIMESTAMPTZ},
    {"archived_at", OID_TIMESTAMPTZ},
    {"version", OID_INT4},
    {"contacts", OID_JSONB},
    {"sort_key", OID_TEXT},
};

#define COLUMN_COUNT (sizeof(columns) / sizeof(columns[0]))

/* One row: values by column name; a name left out is SQL NULL. */
struct cell {
    const char *name;
    const char *value;
};

TestSuite(customer_record, .init = fixture_arena_setup, .fini = fixture_arena_teardown);

/* Builds a result of the store's columns with one row per cell list. */
static PGresult *
make_result(const struct cell *const *rows, size_t row_count)
{
    PGresult *res = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
    PGresAttDesc attributes[COLUMN_COUNT];

    cr_assert_not_null(res);
    memset(attributes, 0, sizeof(attributes));
    for (size_t i = 0; i < COLUMN_COUNT; i++) {
        attributes[i].name = (char *)columns[i].name;
        attributes[i].typid = columns[i].type;
        attributes[i].typlen = -1;
        attributes[i].atttypmod = -1;
    }
    cr_assert(PQsetResultAttrs(res, (int)COLUMN_COUNT, attributes));
    for (size_t r = 0; r < row_count; r++) {
        for (size_t i = 0; i < COLUMN_COUNT; i++) {
            const char *value = NULL;

            for (const struct cell *c = rows[r]; c->name != NULL; c++) {
                if (strcmp(c->name, columns[i].name) == 0)
                    value = c->value;
            }
            cr_assert(PQsetvalue(res, (int)r, (int)i, (char *)value,
                                 value != NULL ? (int)strlen(value) : -1));
        }
    }
    return res;
}

/* Checks every row of res both ways and returns the written text of the last. */
static const char *
assert_rows_like_jansson(const PGresult *res)
{
    int found[CUSTOMER_COL_COUNT];
    const char *text = NULL;

    customer_record_columns(res, found);
    for (int row = 0; row < PQntuples(res); row++) {
        struct json_writer w;
        size_t len, old_len;
        const char *old = json_dump(customer_record_from_row(db_row_json(res, row)), &old_len);

        json_writer_init(&w, &fixture_arena, 64);
        customer_record_write(&w, res, row, found);
        text = json_writer_finish(&w, &len);
        cr_assert_str_eq(text, old, "row %d", row);
        cr_assert_eq(len, old_len);
    }
    return text;
}

static const struct cell person[] = {
    {"id", "17"},
    {"kind", "person"},
    {"lifecycle", "customer"},
    {"status", "active"},
    {"code", "CUS-000017"},
    {"display_name", "Zoë \"Z\" O'Brien"},
    {"title", "Dr"},
    {"first_name", "Zoë"},
    {"last_name", "O'Brien"},
    {"gender", "female"},
    {"date_of_birth", "1980-02-29"},
    {"identification_type", "passport"},
    {"identification_number", "X1234567"},
    {"email", "zoe@example.com"},
    {"phones", "[{\"label\": \"Mobile\", \"number\": \"+15323441362\"}, {\"label\": "
               "\"Work\", \"number\": \"+18086176467;ext=12895\"}]"},
    {"address_lines", "[\"1 Main St\", \"Flat \\\"B\\\"\"]"},
    {"city", "Zürich"},
    {"country", "CH"},
    {"notes", "Line one\nLine two\ttab \\ back\x01 \xe2\x80\xa8 \xf0\x9f\x98\x80"},
    {"owner_id", "3"},
    {"owner_name", "Ann Owner"},
    {"tags", "[\"vip\", \"caf\xc3\xa9\"]"},
    {"created_by", "3"},
    {"updated_by", "4"},
    {"created_at", "2026-12-04 09:30:00.123456+00"},
    {"updated_at", "2026-12-05 10:00:00+00"},
    {"version", "3"},
    {"sort_key", "obrien zoe"},
    {NULL, NULL},
};

static const struct cell business[] = {
    {"id", "9223372036854775807"},
    {"kind", "business"},
    {"lifecycle", "customer"},
    {"status", "dormant"},
    {"code", "CUS-000018"},
    {"reference", "PRO-000002"},
    {"display_name", "Acme & Sons"},
    {"legal_name", "Acme & Sons Ltd"},
    {"registration_number", "12345678"},
    {"website", "https://acme.example/a/b"},
    {"date_of_incorporation", "1999-12-31"},
    {"number_of_employees", "2147483647"},
    {"phones", "[]"},
    {"address_lines", "[]"},
    {"tags", "[]"},
    {"lead_stage", "Won"},
    {"contacts", "[{\"code\": \"CUS-000017\", \"role\": \"Director\", \"reference\": null, "
                 "\"customer_id\": 17, \"display_name\": \"Zoë\"}]"},
    {"created_by", "1"},
    {"created_at", "2026-01-01 00:00:00+00"},
    {"updated_at", "2026-01-02 00:00:00.5+00"},
    {"converted_at", "2026-01-02 00:00:00.5+00"},
    {"archived_at", "2026-03-01 12:00:00+00"},
    {"version", "1"},
    {NULL, NULL},
};

/* A prospect with every optional column NULL, even those with a default. */
static const struct cell sparse_prospect[] = {
    {"id", "5"},
    {"kind", "person"},
    {"lifecycle", "prospect"},
    {"status", "open"},
    {"reference", "PRO-000005"},
    {"display_name", ""},
    {"version", "1"},
    {NULL, NULL},
};

/* A business without a contacts column value and with JSON text jansson must read. */
static const struct cell unusual_business[] = {
    {"id", "6"},
    {"kind", "business"},
    {"lifecycle", "customer"},
    {"status", "active"},
    {"code", "CUS-000006"},
    {"display_name", "Unusual"},
    {"phones", "[{\"label\": \"Fax\", \"number\": \"+1\", \"weight\": 1.50}]"},
    {"address_lines", "{\"not\": \"an array\"}"},
    {"tags", "[\"a\", \"a\\u0000b\"]"},
    {"created_at", "2026-12-04 10:30:00+01"},
    {"version", "2"},
    {NULL, NULL},
};

Test(customer_record, person_matches_jansson_path)
{
    const struct cell *rows[] = {person};
    PGresult *res = make_result(rows, 1);
    const char *text = assert_rows_like_jansson(res);

    cr_assert(strstr(text, "\"notes\":\"Line one\\nLine two\\ttab \\\\ back\\u0001 "
                           "\xe2\x80\xa8 \xf0\x9f\x98\x80\"") != NULL);
    cr_assert(strstr(text, "\"owner\":{\"id\":3,\"display_name\":\"Ann Owner\"}") != NULL);
    PQclear(res);
}

Test(customer_record, business_matches_jansson_path)
{
    const struct cell *rows[] = {business};
    PGresult *res = make_result(rows, 1);
    const char *text = assert_rows_like_jansson(res);

    cr_assert(strstr(text, "\"id\":9223372036854775807,") != NULL);
    cr_assert(strstr(text, "\"owner\":null") != NULL);
    cr_assert(strstr(text, "\"lead_stage\":\"Won\",\"lead_owner_name\":null") != NULL);
    PQclear(res);
}

Test(customer_record, nulls_match_jansson_path)
{
    const struct cell *rows[] = {sparse_prospect, unusual_business};
    PGresult *res = make_result(rows, 2);

    assert_rows_like_jansson(res);
    PQclear(res);
}

Test(customer_record, page_of_rows_matches_jansson_path)
{
    const struct cell *rows[] = {person, business, sparse_prospect, unusual_business, person};
    PGresult *res = make_result(rows, 5);

    assert_rows_like_jansson(res);
    PQclear(res);
}

Test(customer_record, row_matches_db_row_json)
{
    const struct cell *rows[] = {person, business, unusual_business};
    PGresult *res = make_result(rows, 3);

    for (int row = 0; row < 3; row++) {
        struct json_writer w;
        size_t len, old_len;
        const char *old = json_dump(db_row_json(res, row), &old_len);

        json_writer_init(&w, &fixture_arena, 64);
        db_write_row(&w, res, row);
        cr_assert_str_eq(json_writer_finish(&w, &len), old, "row %d", row);
    }
    PQclear(res);
}

Test(customer_record, columns_found_in_any_order)
{
    const struct cell *rows[] = {person};
    PGresult *res = make_result(rows, 1);
    int found[CUSTOMER_COL_COUNT];
    const char *const names[] = {"version", "sort_key", "no_such_column", "id"};
    int positions[4];

    customer_record_columns(res, found);
    for (int i = 0; i < CUSTOMER_COL_COUNT; i++)
        cr_assert_eq(found[i], i, "column %d", i);
    db_columns(res, names, 4, positions);
    cr_assert_eq(positions[0], CUSTOMER_COL_VERSION);
    cr_assert_eq(positions[1], (int)COLUMN_COUNT - 1);
    cr_assert_eq(positions[2], -1);
    cr_assert_eq(positions[3], CUSTOMER_COL_ID);
    PQclear(res);
}
