/* Phone numbers: E.164 forms, extensions, the "00" prefix and the sample data. */
#include <criterion/criterion.h>
#include <csv.h>
#include <stdio.h>
#include <string.h>

#include "core/phone.h"

struct phone_case {
    const char *input;
    const char *region;
    const char *e164;
    const char *extension;
};

Test(phone, formats_normalise_to_e164)
{
    static const struct phone_case cases[] = {
        {"+44 20 7946 0123", "US", "+442079460123", ""},
        {"+44-20-7946-0123", "US", "+442079460123", ""},
        {"020 7946 0123", "GB", "+442079460123", ""},
        {"00 44 20 7946 0123", "GB", "+442079460123", ""},
        {"229.077.5154", "US", "+12290775154", ""},
        {"(496)978-3969x58947", "US", "+14969783969", "58947"},
        {"+1-539-402-0259", "US", "+15394020259", ""},
        {"5153435776", "US", "+15153435776", ""},
        {" 030 1234567 ", "DE", "+49301234567", ""},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct phone_number n;

        cr_assert(phone_parse(cases[i].input, cases[i].region, &n), "%s (%s) did not parse",
                  cases[i].input, cases[i].region);
        cr_expect_str_eq(n.e164, cases[i].e164, "%s", cases[i].input);
        cr_expect_str_eq(n.extension, cases[i].extension, "%s", cases[i].input);
    }
}

Test(phone, double_zero_prefix_retried_as_plus)
{
    struct phone_number n;

    /* In the US the international prefix is 011, so "00" only works on the second try. */
    cr_assert(phone_parse("001-808-617-6467x12895", "US", &n));
    cr_assert_str_eq(n.e164, "+18086176467");
    cr_assert_str_eq(n.extension, "12895");
}

Test(phone, national_digits_for_search)
{
    struct phone_number n;

    cr_assert(phone_parse("+44 20 7946 0123", "US", &n));
    cr_assert_str_eq(n.national, "02079460123");
}

Test(phone, rejects_text_that_is_no_number)
{
    const char *bad[] = {"", "   ", "abc", "12", "+", "+999 123", "not a phone", "0000000000000000000000"};
    char too_long[PHONE_INPUT_MAX + 8];
    struct phone_number n;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        cr_expect_not(phone_parse(bad[i], "US", &n), "\"%s\" parsed as %s", bad[i], n.e164);
    memset(too_long, '1', sizeof(too_long) - 1);
    too_long[sizeof(too_long) - 1] = '\0';
    cr_expect_not(phone_parse(too_long, "US", &n));
    cr_expect_not(phone_parse("+44 20 7946 0123", NULL, &n));
    cr_expect_not(phone_parse("2079460123", "ZZ", &n), "an unknown region has no national numbers");
}

/* Collects the phone columns of a sample file: every field whose header starts with "Phone". */
struct phone_columns {
    int column;
    int row;
    bool phone[32];
    int checked;
    int failed;
    char first_failure[128];
};

static void
phone_field(void *data, size_t len, void *user)
{
    struct phone_columns *pc = user;
    char text[128];
    struct phone_number n;

    snprintf(text, sizeof(text), "%.*s", (int)len, (const char *)data);
    if (pc->row == 0 && pc->column < 32)
        pc->phone[pc->column] = strncmp(text, "Phone", 5) == 0;
    else if (pc->column < 32 && pc->phone[pc->column]) {
        pc->checked++;
        if (!phone_parse(text, "US", &n) && pc->failed++ == 0)
            snprintf(pc->first_failure, sizeof(pc->first_failure), "%s", text);
    }
    pc->column++;
}

static void
phone_row(int c, void *user)
{
    struct phone_columns *pc = user;

    (void)c;
    pc->column = 0;
    pc->row++;
}

static int
sample_phones(const char *path, struct phone_columns *pc)
{
    struct csv_parser parser;
    char chunk[4096];
    size_t n;
    FILE *f = fopen(path, "rb");

    cr_assert(f != NULL, "cannot open %s (run from the repository root)", path);
    memset(pc, 0, sizeof(*pc));
    cr_assert_eq(csv_init(&parser, CSV_STRICT | CSV_APPEND_NULL), 0);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        cr_assert_eq(csv_parse(&parser, chunk, n, phone_field, phone_row, pc), n, "%s: %s", path,
                     csv_strerror(csv_error(&parser)));
    csv_fini(&parser, phone_field, phone_row, pc);
    csv_free(&parser);
    fclose(f);
    return pc->checked;
}

Test(phone, every_sample_number_parses_for_us)
{
    const char *files[] = {"tests/data/customers-100.csv", "tests/data/leads-100.csv"};
    int total = 0;

    for (size_t i = 0; i < 2; i++) {
        struct phone_columns pc;

        total += sample_phones(files[i], &pc);
        cr_expect_eq(pc.failed, 0, "%s: %d numbers failed, the first %s", files[i], pc.failed,
                     pc.first_failure);
    }
    cr_assert_eq(total, 400);
}
