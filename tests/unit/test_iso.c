/* ISO 3166 codes from country names as data sources write them. */
#include <criterion/criterion.h>
#include <csv.h>
#include <stdio.h>
#include <string.h>

#include "core/iso.h"

Test(iso, names_map_to_codes)
{
    static const char *const cases[][2] = {
        {"Germany", "DE"},
        {"germany", "DE"},
        {"Cote d'Ivoire", "CI"},
        {"Côte d’Ivoire", "CI"},
        {"Antigua and Barbuda", "AG"},
        {"Saint Vincent and the Grenadines", "VC"},
        {"Slovakia (Slovak Republic)", "SK"},
        {"Cocos (Keeling) Islands", "CC"},
        {"Czech Republic", "CZ"},
        {"Hong Kong", "HK"},
        {"Russian Federation", "RU"},
        {"United States of America", "US"},
        {"Reunion", "RE"},
        {"Saint Barthelemy", "BL"},
        {"Svalbard & Jan Mayen Islands", "SJ"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char code[3] = "";

        cr_expect(iso_country_from_name(cases[i][0], code), "%s not found", cases[i][0]);
        cr_expect_str_eq(code, cases[i][1], "%s", cases[i][0]);
    }
}

Test(iso, unknown_and_former_names_fail)
{
    const char *bad[] = {"", "Atlantis", "Netherlands Antilles", "DE", "\xff"};
    char code[3];

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        cr_expect_not(iso_country_from_name(bad[i], code), "\"%s\" gave %s", bad[i], code);
}

struct country_column {
    int column;
    int row;
    int country_index;
    int checked;
    int failed;
    char failures[512];
};

static void
country_field(void *data, size_t len, void *user)
{
    struct country_column *cc = user;
    char text[128], code[3];

    snprintf(text, sizeof(text), "%.*s", (int)len, (const char *)data);
    if (cc->row == 0 && strcmp(text, "Country") == 0)
        cc->country_index = cc->column;
    else if (cc->row > 0 && cc->column == cc->country_index) {
        cc->checked++;
        if (!iso_country_from_name(text, code)) {
            size_t used = strlen(cc->failures);

            cc->failed++;
            snprintf(cc->failures + used, sizeof(cc->failures) - used, "[%s] ", text);
        }
    }
    cc->column++;
}

static void
country_row(int c, void *user)
{
    struct country_column *cc = user;

    (void)c;
    cc->column = 0;
    cc->row++;
}

Test(iso, sample_countries_map_except_former_ones)
{
    const char *files[] = {"tests/data/customers-100.csv", "tests/data/organizations-100.csv"};

    for (size_t i = 0; i < 2; i++) {
        struct country_column cc = {.country_index = -1};
        struct csv_parser parser;
        char chunk[4096];
        size_t n;
        FILE *f = fopen(files[i], "rb");

        cr_assert(f != NULL, "cannot open %s (run from the repository root)", files[i]);
        cr_assert_eq(csv_init(&parser, CSV_STRICT | CSV_APPEND_NULL), 0);
        while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
            cr_assert_eq(csv_parse(&parser, chunk, n, country_field, country_row, &cc), n);
        csv_fini(&parser, country_field, country_row, &cc);
        csv_free(&parser);
        fclose(f);
        cr_assert_eq(cc.checked, 100, "%s", files[i]);
        /* Only the Netherlands Antilles, dissolved in 2010, has no code today. */
        cr_expect(cc.failed == 0 || strcmp(cc.failures, "[Netherlands Antilles] ") == 0, "%s: %s",
                  files[i], cc.failures);
    }
}
