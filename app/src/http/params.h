/*
 * Parsers for the parts of a request that come from outside: the path, the query
 * string and the Cookie header. They are pure functions over an arena, so the
 * fuzzers call them directly.
 */
#ifndef LENDASTACK_HTTP_PARAMS_H
#define LENDASTACK_HTTP_PARAMS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"

#define HTTP_QUERY_MAX 64      /* parameters in one query string */
#define HTTP_SEGMENTS_MAX 16   /* path segments */
#define HTTP_COOKIES_MAX 32

struct http_param {
    const char *name;
    const char *value;
};

/*
 * Percent-decodes len bytes; with plus_is_space, '+' becomes ' ' (form encoding).
 * Returns NULL for a malformed escape, a decoded NUL byte or invalid UTF-8.
 */
char *http_percent_decode(struct arena *a, const char *s, size_t len, bool plus_is_space);

/*
 * Splits a query string ("a=1&b=two") into decoded pairs. A name without '='
 * gets the value "". Returns false for malformed encoding or too many parameters.
 */
bool http_parse_query(struct arena *a, const char *query, struct http_param **out, size_t *count);

/*
 * Splits a raw path ("/api/v1/customers/CUS-000001") into decoded segments.
 * The path must start with '/'; empty segments (a double or trailing slash) and
 * the segments "." and ".." are rejected, as is malformed encoding.
 */
bool http_parse_path(struct arena *a, const char *path, size_t len, char ***segments,
                     size_t *count);

/*
 * Splits a Cookie header ("a=1; b=2") into decoded pairs. Malformed pairs are
 * skipped, as browsers send what they were given; returns false only when there
 * are too many cookies.
 */
bool http_parse_cookies(struct arena *a, const char *header, struct http_param **out,
                        size_t *count);

/* Returns the value of the first parameter called name, or NULL. */
const char *http_param_find(const struct http_param *params, size_t count, const char *name);

#endif
