/*
 * Unicode text handling over utf8proc: validation, trimming, NFC normalisation,
 * character counts and the folded form used for case- and accent-insensitive
 * search.
 */
#ifndef LENDASTACK_CORE_TEXT_H
#define LENDASTACK_CORE_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

enum text_error {
    TEXT_OK = 0,
    TEXT_INVALID_UTF8,  /* bytes that are not UTF-8 */
    TEXT_CONTROL,       /* a control character where none is allowed */
};

/* Line breaks and tabs are allowed only in multi-line fields such as notes. */
enum text_lines { TEXT_SINGLE_LINE, TEXT_MULTI_LINE };

/*
 * Validates len bytes of UTF-8, trims leading and trailing white space and
 * converts the rest to Unicode Normalization Form C. On TEXT_OK, *out is a new
 * NUL-terminated string in the arena and *chars its length in code points.
 */
enum text_error text_normalize(struct arena *a, const char *in, size_t len, enum text_lines lines,
                               char **out, size_t *chars);

/* Returns true when len bytes are valid UTF-8 without NUL bytes. */
bool text_is_utf8(const char *s, size_t len);

/* Returns the number of code points of a valid UTF-8 string. */
size_t text_chars(const char *s);

/*
 * Returns the search form of a valid UTF-8 string: case-folded, accents removed,
 * compatibility characters decomposed, so "Ängström" and "angstrom" match.
 */
char *text_fold(struct arena *a, const char *s);

/* Returns the case-folded form of a valid UTF-8 string, accents kept. */
char *text_casefold(struct arena *a, const char *s);

/*
 * Reads the decimal digits at *p, a number of at most max, and the space after
 * them unless they reach end, and moves *p past both. False when there are no
 * digits, the number is greater than max or another character follows.
 */
bool text_read_decimal(const char **p, const char *end, uint64_t max, uint64_t *out);

/* Reads a decimal integer within [min, max], with a leading '-' when negative, likewise. */
bool text_read_integer(const char **p, const char *end, int64_t min, int64_t max, int64_t *out);

/* Returns s with ASCII letters lowered; other bytes unchanged. */
char *text_ascii_lower(struct arena *a, const char *s);

#endif
