/* Reading and writing CSV files (core/csvfile.h). */
#include <criterion/criterion.h>
#include <csv.h>
#include <string.h>

#include "core/csvfile.h"

/* Reads every record of text into rows (at most max); returns how many. */
static size_t
read_all(struct arena *a, const char *text, size_t len, char delimiter, struct csvfile_row *rows,
         size_t max)
{
    struct csvfile_reader reader;
    size_t n = 0;

    cr_assert(csvfile_open(&reader, text, len, delimiter));
    while (n < max && csvfile_next(&reader, a, &rows[n]))
        n++;
    csvfile_close(&reader);
    return n;
}

Test(csvfile, bom_is_recognised)
{
    cr_expect_eq(csvfile_bom_length("\xEF\xBB\xBF" "a,b", 6), 3);
    cr_expect_eq(csvfile_bom_length("a,b", 3), 0);
    cr_expect_eq(csvfile_bom_length("\xEF\xBB", 2), 0);
}

Test(csvfile, delimiter_detected_from_header)
{
    const char *comma = "First Name,Last Name;x\n1;2;3;4\n";
    const char *semicolon = "First Name;Last Name;\"A,B,C,D\"\n";
    const char *tab = "First Name\tLast Name\tEmail\n";
    const char *blank_first = "\n\nA;B\n";

    cr_expect_eq(csvfile_detect_delimiter(comma, strlen(comma)), ',', "only the first record counts");
    cr_expect_eq(csvfile_detect_delimiter(semicolon, strlen(semicolon)), ';',
                 "commas inside quotes do not count");
    cr_expect_eq(csvfile_detect_delimiter(tab, strlen(tab)), '\t');
    cr_expect_eq(csvfile_detect_delimiter(blank_first, strlen(blank_first)), ';');
    cr_expect_eq(csvfile_detect_delimiter("Name\n", 5), ',', "comma when there is none");
}

Test(csvfile, quoted_fields_keep_delimiters_quotes_and_line_breaks)
{
    static const char text[] = "a,b,c\r\n"
                               "\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n"
                               "\n"
                               "last,,row";
    struct arena a;
    struct csvfile_row rows[4];
    size_t n;

    arena_init(&a, 4096);
    n = read_all(&a, text, sizeof(text) - 1, ',', rows, 4);
    cr_assert_eq(n, 3, "the blank line is no record");
    cr_expect_eq(rows[0].number, 1);
    cr_expect_eq(rows[1].number, 2);
    cr_expect_eq(rows[2].number, 3);
    cr_assert_eq(rows[1].count, 3);
    cr_expect_str_eq(rows[1].cells[0], "x, y");
    cr_expect_str_eq(rows[1].cells[1], "say \"hi\"");
    cr_expect_str_eq(rows[1].cells[2], "two\nlines");
    cr_assert_eq(rows[2].count, 3, "a record without a final line break");
    cr_expect_str_eq(rows[2].cells[1], "");
    cr_expect_str_eq(rows[2].cells[2], "row");
    arena_destroy(&a);
}

Test(csvfile, tab_delimiter_is_not_trimmed_away)
{
    static const char text[] = "a\t\tc\n";
    struct arena a;
    struct csvfile_row row;

    arena_init(&a, 4096);
    cr_assert_eq(read_all(&a, text, sizeof(text) - 1, '\t', &row, 1), 1);
    cr_assert_eq(row.count, 3);
    cr_expect_str_eq(row.cells[1], "");
    cr_expect_str_eq(row.cells[2], "c");
    arena_destroy(&a);
}

Test(csvfile, cells_keep_invalid_bytes_and_nul)
{
    static const char text[] = "\xff\xfe,a\0b\n";
    struct arena a;
    struct csvfile_row row;

    arena_init(&a, 4096);
    cr_assert_eq(read_all(&a, text, sizeof(text) - 1, ',', &row, 1), 1);
    cr_assert_eq(row.count, 2);
    cr_expect_eq(row.lengths[0], 2);
    cr_expect_eq(memcmp(row.cells[0], "\xff\xfe", 2), 0);
    cr_expect_eq(row.lengths[1], 3, "the length counts past a NUL byte");
    arena_destroy(&a);
}

Test(csvfile, too_wide_records_are_marked)
{
    struct arena a;
    struct buf line;
    struct csvfile_row row;

    arena_init(&a, 4096);
    buf_init(&line, &a, 1024);
    for (int i = 0; i <= CSVFILE_COLUMNS_MAX; i++)
        buf_puts(&line, i > 0 ? ",x" : "x");
    cr_assert_eq(read_all(&a, line.data, line.len, ',', &row, 1), 1);
    cr_expect(row.too_wide);
    cr_expect_eq(row.count, CSVFILE_COLUMNS_MAX);
    arena_destroy(&a);
}

Test(csvfile, many_records_across_slices)
{
    struct arena a, rows_arena;
    struct buf text;
    struct csvfile_reader reader;
    struct csvfile_row row;
    int n = 0;

    arena_init(&a, 1 << 20);
    arena_init(&rows_arena, 4096);
    buf_init(&text, &a, 1 << 20);
    for (int i = 0; i < 20000; i++)
        buf_printf(&text, "%d,\"name %d\nsecond line\",x\n", i, i);
    cr_assert(csvfile_open(&reader, text.data, text.len, ','));
    while (csvfile_next(&reader, &rows_arena, &row)) {
        cr_assert_eq(row.number, n + 1);
        cr_assert_eq(atoi(row.cells[0]), n);
        n++;
        arena_reset(&rows_arena);
    }
    csvfile_close(&reader);
    cr_expect_eq(n, 20000);
    arena_destroy(&rows_arena);
    arena_destroy(&a);
}

Test(csvfile, formula_cells_neutralised)
{
    const char *formulas[] = {"=1+2", "+44 20", "-5", "@SUM(A1)", "\tx", "\rx"};
    const char *plain[] = {"", "Lena", "1=1", " =x", "'quoted"};

    for (size_t i = 0; i < sizeof(formulas) / sizeof(formulas[0]); i++)
        cr_expect(csvfile_is_formula(formulas[i]), "%s", formulas[i]);
    for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
        cr_expect(!csvfile_is_formula(plain[i]), "%s", plain[i]);
    cr_expect(!csvfile_is_formula(NULL));
}

Test(csvfile, written_cells_parse_back)
{
    const char *values[] = {"plain", "a,b", "say \"hi\"", "two\nlines", "=cmd", "", NULL};
    const char *expected[] = {"plain", "a,b", "say \"hi\"", "two\nlines", "'=cmd", "", ""};
    struct arena a;
    struct buf b;
    struct csvfile_row row;

    arena_init(&a, 4096);
    buf_init(&b, &a, 256);
    for (size_t i = 0; i < 7; i++)
        csvfile_put_cell(&b, values[i], i == 0);
    buf_puts(&b, "\r\n");
    cr_expect_eq(strncmp(b.data, "\"plain\",\"a,b\",\"say \"\"hi\"\"\"", 26), 0, "%s", b.data);
    cr_assert_eq(read_all(&a, b.data, b.len, ',', &row, 1), 1);
    cr_assert_eq(row.count, 7);
    for (size_t i = 0; i < 7; i++)
        cr_expect_str_eq(row.cells[i], expected[i]);
    arena_destroy(&a);
}
