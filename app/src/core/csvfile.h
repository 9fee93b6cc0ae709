/*
 * CSV files as spreadsheets write them (RFC 4180), over libcsv: reading a file
 * record by record with its byte-order mark and delimiter handled, and writing
 * cells for a download. Fields may be quoted, and quoted fields may contain
 * delimiters, doubled quotes and line breaks. Pure functions; no I/O.
 */
#ifndef LENDASTACK_CORE_CSVFILE_H
#define LENDASTACK_CORE_CSVFILE_H

#include <csv.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"

#define CSVFILE_COLUMNS_MAX 200 /* cells kept per record; more mark the record too wide */

/* One record of a file. Cells are NUL-terminated and may contain invalid UTF-8 or NUL bytes. */
struct csvfile_row {
    int number;           /* records before it plus one; the header is 1, blank lines do not count */
    size_t count;         /* cells kept */
    const char **cells;
    const size_t *lengths;
    bool too_wide;        /* the record had more than CSVFILE_COLUMNS_MAX cells */
};

/*
 * Reads a file held in memory. Records queue in the reader's own storage until
 * csvfile_next() copies them into the caller's arena, so the caller may reset
 * that arena between records.
 */
struct csvfile_reader {
    struct csv_parser parser;
    const char *data;
    size_t len;
    size_t pos;
    bool finished;
    int number;

    /* the record being parsed: its cells, one after another, each a length and the bytes */
    char *cell_data;
    size_t cell_len, cell_cap;
    size_t cell_count;
    bool too_wide;

    /* records parsed and not yet returned, in the same layout after a header */
    char *queue;
    size_t queue_len, queue_cap, queue_pos;
};

/* Returns 3 when data starts with the UTF-8 byte-order mark EF BB BF, else 0. */
size_t csvfile_bom_length(const char *data, size_t len);

/*
 * Guesses the delimiter from the first record (outside quotes): the one of
 * comma, semicolon and tab that occurs most often, comma on a tie or when none
 * occurs.
 */
char csvfile_detect_delimiter(const char *data, size_t len);

/*
 * Starts reading len bytes at data, which must stay valid while reading, with
 * the given delimiter. Skip the byte-order mark before. False when libcsv
 * cannot allocate its buffer.
 */
bool csvfile_open(struct csvfile_reader *r, const char *data, size_t len, char delimiter);

/* Copies the next record into a; false after the last one. */
bool csvfile_next(struct csvfile_reader *r, struct arena *a, struct csvfile_row *row);

/* Frees what the reader holds. */
void csvfile_close(struct csvfile_reader *r);

/*
 * True for text a spreadsheet would run as a formula: it begins with =, +, -,
 * @, a tab or a carriage return.
 */
bool csvfile_is_formula(const char *value);

/*
 * Appends one cell to b: a delimiter first unless first is set, then the value
 * quoted by libcsv (every cell is quoted, quotes inside are doubled). A value
 * that csvfile_is_formula() matches gets a single quote in front, so a
 * spreadsheet shows it as text. NULL is an empty cell.
 */
void csvfile_put_cell(struct buf *b, const char *value, bool first);

#endif
