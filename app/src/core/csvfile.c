#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/csvfile.h"

#define CSVFILE_SLICE 65536 /* bytes handed to libcsv at a time */

/* A queued record starts with its number, the too-wide flag and its cell count. */
struct csvfile_record_head {
    int number;
    int too_wide;
    size_t count;
};

size_t
csvfile_bom_length(const char *data, size_t len)
{
    return len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

char
csvfile_detect_delimiter(const char *data, size_t len)
{
    size_t commas = 0, semicolons = 0, tabs = 0;
    bool quoted = false, seen = false;

    for (size_t i = 0; i < len; i++) {
        char c = data[i];

        if (c == '"') {
            quoted = !quoted;
            seen = true;
            continue;
        }
        if (quoted)
            continue;
        if (c == '\n' || c == '\r') {
            if (seen)
                break; /* the end of the first record that is not blank */
            continue;
        }
        seen = true;
        if (c == ',')
            commas++;
        else if (c == ';')
            semicolons++;
        else if (c == '\t')
            tabs++;
    }
    if (semicolons > commas && semicolons >= tabs)
        return ';';
    if (tabs > commas && tabs > semicolons)
        return '\t';
    return ',';
}

/* Grows a malloc'd byte buffer; out of memory aborts, as the arena does. */
static void
csvfile_reserve(char **data, size_t *cap, size_t len, size_t extra)
{
    size_t want = *cap == 0 ? 4096 : *cap;

    if (extra > SIZE_MAX - len)
        abort();
    while (want < len + extra) {
        if (want > SIZE_MAX / 2)
            abort();
        want *= 2;
    }
    if (want != *cap) {
        char *grown = realloc(*data, want);

        if (grown == NULL)
            abort();
        *data = grown;
        *cap = want;
    }
}

static void
csvfile_on_cell(void *field, size_t len, void *user)
{
    struct csvfile_reader *r = user;

    if (r->cell_count >= CSVFILE_COLUMNS_MAX) {
        r->too_wide = true;
        return;
    }
    csvfile_reserve(&r->cell_data, &r->cell_cap, r->cell_len, sizeof(len) + len);
    memcpy(r->cell_data + r->cell_len, &len, sizeof(len));
    if (len > 0)
        memcpy(r->cell_data + r->cell_len + sizeof(len), field, len);
    r->cell_len += sizeof(len) + len;
    r->cell_count++;
}

static void
csvfile_on_record(int terminator, void *user)
{
    struct csvfile_reader *r = user;
    struct csvfile_record_head head = {++r->number, r->too_wide, r->cell_count};

    (void)terminator;
    csvfile_reserve(&r->queue, &r->queue_cap, r->queue_len, sizeof(head) + r->cell_len);
    memcpy(r->queue + r->queue_len, &head, sizeof(head));
    if (r->cell_len > 0)
        memcpy(r->queue + r->queue_len + sizeof(head), r->cell_data, r->cell_len);
    r->queue_len += sizeof(head) + r->cell_len;
    r->cell_len = 0;
    r->cell_count = 0;
    r->too_wide = false;
}

static int
csvfile_space_or_tab(unsigned char c)
{
    return c == ' ' || c == '\t';
}

static int
csvfile_space_only(unsigned char c)
{
    return c == ' ';
}

bool
csvfile_open(struct csvfile_reader *r, const char *data, size_t len, char delimiter)
{
    memset(r, 0, sizeof(*r));
    if (csv_init(&r->parser, 0) != 0)
        return false;
    csv_set_delim(&r->parser, (unsigned char)delimiter);
    /* Blanks around an unquoted field are dropped, but a tab that delimits is no blank. */
    csv_set_space_func(&r->parser, delimiter == '\t' ? csvfile_space_only : csvfile_space_or_tab);
    r->data = data;
    r->len = len;
    return true;
}

/* Parses slices until a record is queued or the input ends. */
static void
csvfile_fill(struct csvfile_reader *r)
{
    while (r->queue_pos == r->queue_len && !r->finished) {
        size_t n = r->len - r->pos < CSVFILE_SLICE ? r->len - r->pos : CSVFILE_SLICE;

        r->queue_len = 0;
        r->queue_pos = 0;
        if (n == 0) {
            csv_fini(&r->parser, csvfile_on_cell, csvfile_on_record, r);
            r->finished = true;
            break;
        }
        /* Without CSV_STRICT, libcsv stops early only when it runs out of memory. */
        if (csv_parse(&r->parser, r->data + r->pos, n, csvfile_on_cell, csvfile_on_record, r) != n)
            abort();
        r->pos += n;
    }
}

bool
csvfile_next(struct csvfile_reader *r, struct arena *a, struct csvfile_row *row)
{
    struct csvfile_record_head head;
    const char **cells;
    size_t *lengths;
    const char *p;

    csvfile_fill(r);
    if (r->queue_pos == r->queue_len)
        return false;
    p = r->queue + r->queue_pos;
    memcpy(&head, p, sizeof(head));
    p += sizeof(head);
    cells = arena_calloc(a, head.count + 1, sizeof(*cells));
    lengths = arena_calloc(a, head.count + 1, sizeof(*lengths));
    for (size_t i = 0; i < head.count; i++) {
        memcpy(&lengths[i], p, sizeof(lengths[i]));
        p += sizeof(lengths[i]);
        cells[i] = arena_strndup(a, p, lengths[i]);
        p += lengths[i];
    }
    r->queue_pos = (size_t)(p - r->queue);
    row->number = head.number;
    row->count = head.count;
    row->cells = cells;
    row->lengths = lengths;
    row->too_wide = head.too_wide != 0;
    return true;
}

void
csvfile_close(struct csvfile_reader *r)
{
    csv_free(&r->parser);
    free(r->cell_data);
    free(r->queue);
    memset(r, 0, sizeof(*r));
}

bool
csvfile_is_formula(const char *value)
{
    return value != NULL && value[0] != '\0' && strchr("=+-@\t\r", value[0]) != NULL;
}

void
csvfile_put_cell(struct buf *b, const char *value, bool first)
{
    const char *text = value != NULL ? value : "";
    size_t len, size;
    char *quoted;

    if (!first)
        buf_putc(b, ',');
    if (csvfile_is_formula(text))
        text = arena_printf(b->arena, "'%s", text);
    len = strlen(text);
    if (len > (SIZE_MAX - 2) / 2)
        abort();
    size = 2 * len + 2;
    quoted = arena_alloc(b->arena, size);
    buf_append(b, quoted, csv_write(quoted, size, text, len));
}
