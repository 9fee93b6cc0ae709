/*
 * Writing JSON text in one pass into an arena buffer, without building jansson
 * values first. The output is byte for byte what json_dump() makes of the same
 * values: compact, members in the order written, strings escaped as jansson
 * 2.14 escapes them (", \ and the control characters U+0000 to U+001F, the
 * latter as \b, \f, \n, \r, \t or \u00XX with capital hex digits). Every other
 * character, U+2028 and U+2029 included, is copied as UTF-8.
 *
 * Strings must be valid UTF-8; the writer copies bytes and does not check.
 * Text from PostgreSQL is valid UTF-8 because the database encoding is UTF8.
 * Jansson is still the parser of request bodies.
 */
#ifndef LENDASTACK_CORE_JSON_WRITER_H
#define LENDASTACK_CORE_JSON_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/json.h"

struct json_writer {
    struct buf out;
    bool comma; /* a value precedes at this level, so the next one needs a comma */
};

/* Starts an empty text in a, with room for capacity bytes before it grows. */
void json_writer_init(struct json_writer *w, struct arena *a, size_t capacity);

/* Returns the NUL-terminated text, which lives in the arena, and its length. */
char *json_writer_finish(struct json_writer *w, size_t *len);

void json_write_object_begin(struct json_writer *w);
void json_write_object_end(struct json_writer *w);
void json_write_array_begin(struct json_writer *w);
void json_write_array_end(struct json_writer *w);

/* Writes a member name inside an object; the next value written is its value. */
void json_write_key(struct json_writer *w, const char *key);

/* Writes len bytes of UTF-8 as a JSON string. */
void json_write_string(struct json_writer *w, const char *s, size_t len);

/* Writes a NUL-terminated string, or null for NULL. */
void json_write_cstring(struct json_writer *w, const char *s);

void json_write_null(struct json_writer *w);
void json_write_bool(struct json_writer *w, bool value);
void json_write_int(struct json_writer *w, int64_t value);

/*
 * Writes len bytes that are already one JSON value in the writer's compact form,
 * such as the decimal text of an integer.
 */
void json_write_raw(struct json_writer *w, const char *text, size_t len);

/* Writes a jansson value as json_dump() would; NULL writes null. */
void json_write_value(struct json_writer *w, const json_t *value);

/*
 * Writes JSON text (PostgreSQL's output of a json or jsonb value, for example)
 * as json_dump(json_loads(text)) would: white space dropped, strings escaped
 * again, members in their order. Text that is not one valid JSON value writes
 * null, as jansson's parser would reject it. Common text (objects, arrays,
 * strings, integers, literals) is copied in one pass; fractions, exponents,
 * duplicate member names and deep nesting go through jansson.
 */
void json_write_json(struct json_writer *w, const char *text, size_t len);

/* Writes JSON text as json_write_json() does when it contains an array, else []. */
void json_write_json_array(struct json_writer *w, const char *text, size_t len);

#endif
