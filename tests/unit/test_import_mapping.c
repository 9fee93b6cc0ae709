/* Mapping CSV columns to customer fields (domain/import_mapping.h). */
#include <criterion/criterion.h>
#include <string.h>

#include "domain/import_mapping.h"

struct fixture {
    struct arena arena;
    struct arena *previous;
    struct problem problem;
};

static void
fixture_init(struct fixture *f)
{
    arena_init(&f->arena, 64 * 1024);
    f->previous = json_use_arena(&f->arena);
    problem_init(&f->problem, &f->arena);
}

static void
fixture_fini(struct fixture *f)
{
    json_use_arena(f->previous);
    arena_destroy(&f->arena);
}

/* Makes a row of NUL-terminated cells. */
static struct csvfile_row
row_of(struct arena *a, int number, const char *const *cells, size_t count)
{
    struct csvfile_row row = {number, count, NULL, NULL, false};
    size_t *lengths = arena_calloc(a, count + 1, sizeof(*lengths));

    for (size_t i = 0; i < count; i++)
        lengths[i] = strlen(cells[i]);
    row.cells = (const char **)cells;
    row.lengths = lengths;
    return row;
}

static const char *
field_of(const struct import_mapping *m, const char *header)
{
    for (size_t i = 0; i < m->count; i++) {
        if (strcmp(m->columns[i].header, header) == 0)
            return m->columns[i].field;
    }
    return NULL;
}

static enum import_destination
destination_of(const struct import_mapping *m, const char *header)
{
    for (size_t i = 0; i < m->count; i++) {
        if (strcmp(m->columns[i].header, header) == 0)
            return m->columns[i].to;
    }
    cr_assert_fail("no column %s", header);
    return IMPORT_UNMAPPED;
}

Test(import_mapping, sample_customer_headers)
{
    static const char *const header[] = {"Index", "Customer Id", "First Name", "Last Name",
                                         "Company", "City", "Country", "Phone 1", "Phone 2",
                                         "Email", "Subscription Date", "Website"};
    struct fixture f;
    struct csvfile_row row;
    struct import_mapping m;

    fixture_init(&f);
    row = row_of(&f.arena, 1, header, 12);
    cr_assert_eq(import_mapping_build(&f.problem, &f.arena, IMPORT_PERSON_CUSTOMERS, &row, NULL, &m),
                 RESULT_OK);
    cr_expect(m.person);
    cr_expect_str_eq(field_of(&m, "Customer Id"), "external_ref");
    cr_expect_str_eq(field_of(&m, "First Name"), "first_name");
    cr_expect_str_eq(field_of(&m, "Company"), "employer");
    cr_expect_eq(destination_of(&m, "Country"), IMPORT_TO_COUNTRY);
    cr_expect_eq(destination_of(&m, "Phone 2"), IMPORT_TO_PHONE);
    cr_expect_eq(destination_of(&m, "Website"), IMPORT_TO_NOTES_LINE, "a person has no website");
    cr_expect_eq(destination_of(&m, "Subscription Date"), IMPORT_TO_NOTES_LINE);
    cr_expect_eq(destination_of(&m, "Index"), IMPORT_SKIPPED);
    cr_expect_eq(json_array_size(import_mapping_unmapped(&m)), 0);
    fixture_fini(&f);
}

Test(import_mapping, sample_organization_and_lead_headers)
{
    static const char *const organizations[] = {"Index", "Organization Id", "Name", "Website",
                                                "Country", "Description", "Founded", "Industry",
                                                "Number of employees"};
    static const char *const leads[] = {"Index", "Account Id", "Lead Owner", "First Name",
                                        "Last Name", "Company", "Phone 1", "Phone 2", "Email 1",
                                        "Email 2", "Website", "Source", "Deal Stage", "Notes"};
    struct fixture f;
    struct csvfile_row row;
    struct import_mapping m;

    fixture_init(&f);
    row = row_of(&f.arena, 1, organizations, 9);
    cr_assert_eq(import_mapping_build(&f.problem, &f.arena, IMPORT_BUSINESS_CUSTOMERS, &row, NULL,
                                      &m),
                 RESULT_OK);
    cr_expect_str_eq(field_of(&m, "Name"), "legal_name");
    cr_expect_str_eq(field_of(&m, "Website"), "website");
    cr_expect_eq(destination_of(&m, "Number of employees"), IMPORT_TO_EMPLOYEES);
    cr_expect_eq(destination_of(&m, "Description"), IMPORT_TO_NOTES_TEXT);
    cr_expect_eq(destination_of(&m, "Founded"), IMPORT_TO_NOTES_LINE);

    row = row_of(&f.arena, 1, leads, 14);
    cr_assert_eq(import_mapping_build(&f.problem, &f.arena, IMPORT_PROSPECTS, &row, NULL, &m),
                 RESULT_OK);
    cr_expect(m.person, "leads with first and last names are people");
    cr_expect_str_eq(field_of(&m, "Lead Owner"), "lead_owner_name");
    cr_expect_str_eq(field_of(&m, "Deal Stage"), "lead_stage");
    cr_expect_str_eq(field_of(&m, "Source"), "source");
    cr_expect_str_eq(field_of(&m, "Email 1"), "email");
    cr_expect_eq(destination_of(&m, "Email 2"), IMPORT_TO_NOTES_LINE);
    cr_expect_eq(destination_of(&m, "Notes"), IMPORT_TO_NOTES_TEXT);
    fixture_fini(&f);
}

Test(import_mapping, row_becomes_body_with_notes)
{
    static const char *const header[] = {"First Name", "Last Name", "Phone 1", "Country",
                                         "Website", "Notes", "Shoe Size"};
    static const char *const cells[] = {"Lena", "Voss", "+44 20 7946 0123", "Atlantis",
                                        "http://x.test/", "Met at the fair", "42"};
    struct fixture f;
    struct csvfile_row head, row;
    struct import_mapping m;
    struct import_row_body out;

    fixture_init(&f);
    head = row_of(&f.arena, 1, header, 7);
    cr_assert_eq(import_mapping_build(&f.problem, &f.arena, IMPORT_PERSON_CUSTOMERS, &head, NULL,
                                      &m),
                 RESULT_OK);
    cr_expect_str_eq(json_string_value(json_array_get(import_mapping_unmapped(&m), 0)), "Shoe Size");
    row = row_of(&f.arena, 2, cells, 7);
    import_mapping_row(&f.arena, &m, &row, &out);
    cr_assert(out.body != NULL);
    cr_expect_str_eq(json_str(out.body, "kind"), "person");
    cr_expect_str_eq(json_str(out.body, "first_name"), "Lena");
    cr_expect_str_eq(json_str(json_array_get(json_object_get(out.body, "phones"), 0), "label"),
                     "Phone 1");
    cr_expect_str_eq(json_str(out.body, "notes"),
                     "Met at the fair\nCountry: Atlantis\nWebsite: http://x.test/",
                     "an unknown country stays in the notes");
    cr_expect(json_object_get(out.body, "address") == NULL);
    cr_expect_str_eq(json_str(out.sources, "phones[0].number"), "Phone 1");
    cr_expect_str_eq(json_str(out.raw, "Shoe Size"), "42", "hooks see every cell, mapped or not");
    fixture_fini(&f);
}

Test(import_mapping, countries_names_and_codes)
{
    static const char *const header[] = {"Name", "Country", "Employees"};
    static const char *const germany[] = {"Acme", "Germany", "1,250"};
    static const char *const code[] = {"Acme", "fr", "lots"};
    struct fixture f;
    struct csvfile_row head, row;
    struct import_mapping m;
    struct import_row_body out;

    fixture_init(&f);
    head = row_of(&f.arena, 1, header, 3);
    cr_assert_eq(import_mapping_build(&f.problem, &f.arena, IMPORT_BUSINESS_CUSTOMERS, &head, NULL,
                                      &m),
                 RESULT_OK);
    row = row_of(&f.arena, 2, germany, 3);
    import_mapping_row(&f.arena, &m, &row, &out);
    cr_expect_str_eq(json_str(json_object_get(out.body, "address"), "country"), "DE");
    cr_expect_eq(json_int(out.body, "number_of_employees", 0), 1250);
    row = row_of(&f.arena, 3, code, 3);
    import_mapping_row(&f.arena, &m, &row, &out);
    cr_expect_str_eq(json_str(json_object_get(out.body, "address"), "country"), "FR");
    cr_expect_str_eq(json_str(out.body, "number_of_employees"), "lots",
                     "text stays text for validation to reject");
    fixture_fini(&f);
}

Test(import_mapping, unreadable_rows_are_errors)
{
    static const char *const header[] = {"First Name", "Last Name"};
    static const char *const bad[] = {"Lena", "V\xffss"};
    static const char *const extra[] = {"Lena", "Voss", "surplus"};
    struct fixture f;
    struct csvfile_row head, row;
    struct import_mapping m;
    struct import_row_body out;

    fixture_init(&f);
    head = row_of(&f.arena, 1, header, 2);
    cr_assert_eq(import_mapping_build(&f.problem, &f.arena, IMPORT_PERSON_CUSTOMERS, &head, NULL,
                                      &m),
                 RESULT_OK);
    row = row_of(&f.arena, 7, bad, 2);
    import_mapping_row(&f.arena, &m, &row, &out);
    cr_expect(out.body == NULL);
    cr_assert_eq(json_array_size(out.errors), 1);
    cr_expect_str_eq(json_str(json_array_get(out.errors, 0), "rule"), "encoding");
    cr_expect_str_eq(json_str(json_array_get(out.errors, 0), "column"), "Last Name");
    cr_expect(strstr(json_str(json_array_get(out.errors, 0), "message"), "Row 7") != NULL);

    row = row_of(&f.arena, 8, extra, 3);
    import_mapping_row(&f.arena, &m, &row, &out);
    cr_expect(out.body == NULL);
    cr_expect_str_eq(json_str(json_array_get(out.errors, 0), "rule"), "columns");
    fixture_fini(&f);
}

Test(import_mapping, explicit_mapping_checked)
{
    static const char *const header[] = {"Given", "Surname", "Fax", "Company"};
    struct fixture f;
    struct csvfile_row head;
    struct import_mapping m;
    json_t *good, *unknown, *twice, *wrong_kind, *missing;

    fixture_init(&f);
    head = row_of(&f.arena, 1, header, 4);
    good = json_pack("{s:s, s:s, s:n}", "Given", "first_name", "Surname", "last_name", "Fax");
    cr_assert_eq(import_mapping_build(&f.problem, &f.arena, IMPORT_PERSON_CUSTOMERS, &head, good,
                                      &m),
                 RESULT_OK);
    cr_expect_eq(destination_of(&m, "Fax"), IMPORT_SKIPPED);
    cr_expect_str_eq(field_of(&m, "Company"), "employer", "the other columns match by name");

    unknown = json_pack("{s:s, s:s, s:s}", "Given", "first_name", "Surname", "last_name", "Fax",
                        "telefax");
    cr_expect_eq(import_mapping_build(&f.problem, &f.arena, IMPORT_PERSON_CUSTOMERS, &head,
                                      unknown, &m),
                 RESULT_INVALID);
    cr_expect_str_eq(f.problem.errors[f.problem.error_count - 1].field, "mapping.Fax");

    problem_init(&f.problem, &f.arena);
    twice = json_pack("{s:s, s:s}", "Given", "last_name", "Surname", "last_name");
    cr_expect_eq(import_mapping_build(&f.problem, &f.arena, IMPORT_PERSON_CUSTOMERS, &head, twice,
                                      &m),
                 RESULT_INVALID);
    cr_expect_str_eq(f.problem.errors[0].rule, "unique");

    problem_init(&f.problem, &f.arena);
    wrong_kind = json_pack("{s:s}", "Given", "legal_name");
    cr_expect_eq(import_mapping_build(&f.problem, &f.arena, IMPORT_PERSON_CUSTOMERS, &head,
                                      wrong_kind, &m),
                 RESULT_INVALID);

    problem_init(&f.problem, &f.arena);
    missing = json_pack("{s:s}", "Nowhere", "email");
    cr_expect_eq(import_mapping_build(&f.problem, &f.arena, IMPORT_PERSON_CUSTOMERS, &head,
                                      missing, &m),
                 RESULT_INVALID);

    problem_init(&f.problem, &f.arena);
    cr_expect_eq(import_mapping_build(&f.problem, &f.arena, IMPORT_PERSON_CUSTOMERS, &head, NULL,
                                      &m),
                 RESULT_INVALID, "no column gives first_name or last_name by name");
    cr_expect_str_eq(f.problem.errors[0].rule, "required");
    fixture_fini(&f);
}
