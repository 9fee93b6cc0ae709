#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "api/paging.h"
#include "core/crypto.h"

#define PAGING_CURSOR_MAX 64 /* characters of a cursor; two int64 values need far fewer */

/* Parses a whole decimal integer; false for anything else, including overflow. */
static bool
paging_parse_int64(const char *text, int64_t *out)
{
    char *end;
    long long n;

    if (text == NULL || *text == '\0' || (*text != '-' && (*text < '0' || *text > '9')))
        return false;
    errno = 0;
    n = strtoll(text, &end, 10);
    if (errno != 0 || *end != '\0')
        return false;
    *out = n;
    return true;
}

static bool
paging_is_known(const char *name, const char *const *filters)
{
    if (strcmp(name, "limit") == 0 || strcmp(name, "cursor") == 0)
        return true;
    for (size_t i = 0; filters != NULL && filters[i] != NULL; i++) {
        if (strcmp(filters[i], name) == 0)
            return true;
    }
    return false;
}

enum result
paging_parse(struct request *req, const char *const *filters, struct paging *out)
{
    const char *cursor = request_query(req, "cursor");
    int64_t limit = PAGING_DEFAULT_LIMIT;
    bool present, ok = true;

    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < req->query_count; i++) {
        if (!paging_is_known(req->query[i].name, filters)) {
            problem_field(&req->problem, req->query[i].name, "unknown",
                          "This query parameter is not accepted here.");
            ok = false;
        }
    }
    if (paging_query_int(req, "limit", 1, PAGING_MAX_LIMIT, &limit, &present) != RESULT_OK)
        ok = false;
    out->limit = (int)limit;
    if (cursor != NULL) {
        if (!paging_cursor_decode(req->arena, cursor, &out->after_position, &out->after_id)) {
            problem_field(&req->problem, "cursor", "format",
                          "Must be the next_cursor value of an earlier page.");
            ok = false;
        }
        out->after = true;
    }
    return ok ? RESULT_OK : RESULT_INVALID;
}

enum result
paging_query_int(struct request *req, const char *name, int64_t min, int64_t max, int64_t *value,
                 bool *present)
{
    const char *text = request_query(req, name);
    int64_t n;

    *present = text != NULL;
    if (text == NULL)
        return RESULT_OK;
    if (!paging_parse_int64(text, &n) || n < min || n > max) {
        problem_field(&req->problem, name, "range", "Must be an integer from %" PRId64 " to %" PRId64 ".",
                      min, max);
        return RESULT_INVALID;
    }
    *value = n;
    return RESULT_OK;
}

char *
paging_cursor_encode(struct arena *a, int64_t position, int64_t id)
{
    char *text = arena_printf(a, "%" PRId64 ".%" PRId64, position, id);

    return crypto_base64url_encode(a, text, strlen(text));
}

bool
paging_cursor_decode(struct arena *a, const char *cursor, int64_t *position, int64_t *id)
{
    uint8_t *raw;
    char *text, *dot;
    size_t len;

    if (strlen(cursor) > PAGING_CURSOR_MAX)
        return false;
    if ((raw = crypto_base64url_decode(a, cursor, &len)) == NULL)
        return false;
    text = arena_strndup(a, (const char *)raw, len);
    if (strlen(text) != len || (dot = strchr(text, '.')) == NULL)
        return false;
    *dot = '\0';
    return paging_parse_int64(text, position) && paging_parse_int64(dot + 1, id) && *id > 0;
}

json_t *
paging_page(struct arena *a, const struct paging *paging, json_t *rows, const char *position_key)
{
    json_t *page = json_object();
    json_t *next = json_null();
    json_t *row;
    size_t i;

    if (json_array_size(rows) > (size_t)paging->limit) {
        const json_t *last = json_array_get(rows, (size_t)paging->limit - 1);

        next = json_string(paging_cursor_encode(a, json_int(last, position_key, 0),
                                                json_int(last, "id", 0)));
        while (json_array_size(rows) > (size_t)paging->limit)
            json_array_remove(rows, json_array_size(rows) - 1);
    }
    if (strcmp(position_key, "id") != 0) {
        json_array_foreach(rows, i, row)
            json_object_del(row, position_key);
    }
    json_object_set_new(page, "items", rows);
    json_object_set_new(page, "next_cursor", next);
    return page;
}
