/*
 * JSON over jansson. Jansson allocates from the current arena (see
 * json_use_arena), so every JSON value a request builds is released with the
 * request's arena, and json_decref() is never needed. No JSON value may outlive
 * the arena it came from.
 */
#ifndef LENDASTACK_CORE_JSON_H
#define LENDASTACK_CORE_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"

/* Makes jansson allocate from a; returns the arena used before. */
struct arena *json_use_arena(struct arena *a);

/* Returns the arena jansson allocates from now. */
struct arena *json_current_arena(void);

/*
 * Parses a request body: one JSON value, no duplicate object keys, no NUL bytes
 * in strings, valid UTF-8. Returns NULL with err filled on malformed input.
 */
json_t *json_parse(const char *data, size_t len, json_error_t *err);

/* Serialises compactly into the current arena; returns the text and its length. */
char *json_dump(const json_t *value, size_t *len);

/* Returns the string member key of obj, or NULL when absent or not a string. */
const char *json_str(const json_t *obj, const char *key);

/* Returns the integer member key of obj, or fallback when absent or not an integer. */
int64_t json_int(const json_t *obj, const char *key, int64_t fallback);

/* Returns a string value, or JSON null for a NULL pointer. */
json_t *json_string_or_null(const char *s);

#endif
