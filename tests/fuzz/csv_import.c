/*
 * CSV import files: the byte-order mark, delimiter detection and csvfile
 * reader (core/csvfile.h), then the header mapping and the reading of each row
 * into a create body (domain/import_mapping.h). The first byte picks the
 * target; the rest is the file. Every cell without NUL bytes is also written
 * with csvfile_put_cell() and read back.
 */
#include <stdbool.h>

#include "core/csvfile.h"
#include "core/text.h"
#include "domain/import_mapping.h"
#include "fuzz.h"

#define FUZZ_ROWS_MAX 16

/* True when every string in a JSON value, keys included, is UTF-8 without NUL. */
static bool
all_utf8(const json_t *v)
{
    const char *key;
    json_t *member;
    size_t i;

    if (json_is_string(v))
        return text_is_utf8(json_string_value(v), json_string_length(v));
    if (json_is_array(v)) {
        json_array_foreach(v, i, member) {
            if (!all_utf8(member))
                return false;
        }
    }
    if (json_is_object(v)) {
        json_object_foreach((json_t *)v, key, member) {
            if (!text_is_utf8(key, strlen(key)) || !all_utf8(member))
                return false;
        }
    }
    return true;
}

/* Writes the row's cells as one record and checks that it reads back the same. */
static void
check_written(struct arena *a, const struct csvfile_row *row)
{
    struct buf line;
    struct csvfile_reader reader;
    struct csvfile_row back;

    for (size_t i = 0; i < row->count; i++) {
        if (strlen(row->cells[i]) != row->lengths[i])
            return; /* a NUL byte: the writer takes C strings */
    }
    buf_init(&line, a, 256);
    for (size_t i = 0; i < row->count; i++)
        csvfile_put_cell(&line, row->cells[i], i == 0);
    buf_puts(&line, "\r\n");
    FUZZ_CHECK(csvfile_open(&reader, line.data, line.len, ','));
    FUZZ_CHECK(csvfile_next(&reader, a, &back));
    FUZZ_CHECK(back.count == row->count);
    for (size_t i = 0; i < row->count; i++) {
        const char *expected = csvfile_is_formula(row->cells[i])
                                   ? arena_printf(a, "'%s", row->cells[i])
                                   : row->cells[i];

        FUZZ_CHECK(strcmp(back.cells[i], expected) == 0);
    }
    csvfile_close(&reader);
}

static void
check_body(const struct import_mapping *m, const struct import_row_body *out)
{
    FUZZ_CHECK(out->errors != NULL && out->sources != NULL && out->raw != NULL);
    FUZZ_CHECK((out->body == NULL) == (json_array_size(out->errors) > 0));
    FUZZ_CHECK(all_utf8(out->raw));
    FUZZ_CHECK(all_utf8(out->sources));
    if (out->body == NULL)
        return;
    FUZZ_CHECK(all_utf8(out->body));
    FUZZ_CHECK(strcmp(json_str(out->body, "kind"), m->person ? "person" : "business") == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *a = fuzz_arena();
    enum import_target target;
    const char *file;
    size_t len, bom;
    char delimiter;
    struct csvfile_reader reader;
    struct csvfile_row rows[FUZZ_ROWS_MAX];
    struct problem problem;
    struct import_mapping m;
    size_t count = 0;

    if (size == 0)
        return 0;
    target = (enum import_target)(data[0] % 3);
    file = (const char *)data + 1;
    len = size - 1;
    bom = csvfile_bom_length(file, len);
    FUZZ_CHECK(bom == 0 || bom == 3);
    delimiter = csvfile_detect_delimiter(file + bom, len - bom);
    FUZZ_CHECK(delimiter == ',' || delimiter == ';' || delimiter == '\t');

    FUZZ_CHECK(csvfile_open(&reader, file + bom, len - bom, delimiter));
    while (count < FUZZ_ROWS_MAX && csvfile_next(&reader, a, &rows[count])) {
        FUZZ_CHECK(rows[count].number == (int)count + 1);
        FUZZ_CHECK(rows[count].count <= CSVFILE_COLUMNS_MAX);
        FUZZ_CHECK(!rows[count].too_wide || rows[count].count == CSVFILE_COLUMNS_MAX);
        for (size_t i = 0; i < rows[count].count; i++)
            FUZZ_CHECK(rows[count].cells[i][rows[count].lengths[i]] == '\0');
        check_written(a, &rows[count]);
        count++;
    }
    csvfile_close(&reader);
    if (count == 0)
        return 0;

    problem_init(&problem, a);
    if (import_mapping_build(&problem, a, target, &rows[0], NULL, &m) != RESULT_OK) {
        FUZZ_CHECK(problem.error_count > 0);
        return 0;
    }
    FUZZ_CHECK(m.count == rows[0].count);
    FUZZ_CHECK(json_array_size(import_mapping_report(&m)) +
                   json_array_size(import_mapping_unmapped(&m)) ==
               m.count);
    for (size_t r = 1; r < count; r++) {
        struct import_row_body out;

        import_mapping_row(a, &m, &rows[r], &out);
        check_body(&m, &out);
    }
    return 0;
}
