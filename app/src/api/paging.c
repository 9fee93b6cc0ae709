#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/paging.h"
#include "core/crypto.h"
#include "core/json.h"
#include "core/text.h"
#include "http/response.h"

char *
paging_cursor_encode(struct arena *a, const struct paging_cursor *c)
{
    json_t *array;
    char *text;
    size_t len;

    if (c->key == NULL || text_chars(c->key) > PAGING_KEY_MAX)
        return NULL;
    array = json_array();
    json_array_append_new(array, json_string(c->sort));
    json_array_append_new(array, json_string(c->descending ? "d" : "a"));
    json_array_append_new(array, json_string(c->key));
    json_array_append_new(array, json_integer(c->id));
    text = json_dump(array, &len);
    return text != NULL ? crypto_base64url_encode(a, text, len) : NULL;
}

bool
paging_cursor_decode(struct arena *a, const char *text, struct paging_cursor *out)
{
    uint8_t *raw;
    size_t len;
    json_t *array;
    const char *direction;

    if (text == NULL || strlen(text) > PAGING_CURSOR_MAX)
        return false;
    if ((raw = crypto_base64url_decode(a, text, &len)) == NULL)
        return false;
    array = json_parse((const char *)raw, len, NULL);
    if (!json_is_array(array) || json_array_size(array) != 4)
        return false;
    out->sort = json_string_value(json_array_get(array, 0));
    direction = json_string_value(json_array_get(array, 1));
    out->key = json_string_value(json_array_get(array, 2));
    if (!json_is_integer(json_array_get(array, 3)) || out->sort == NULL || direction == NULL ||
        out->key == NULL)
        return false;
    out->id = json_integer_value(json_array_get(array, 3));
    if (strcmp(direction, "a") != 0 && strcmp(direction, "d") != 0)
        return false;
    out->descending = direction[0] == 'd';
    return out->id > 0 && text_chars(out->key) <= PAGING_KEY_MAX;
}

static enum result
paging_reject(struct request *req, const char *parameter, const char *rule, const char *message)
{
    problem_field(&req->problem, parameter, rule, "%s", message);
    return response_fail(req, RESULT_MALFORMED, "invalid_parameter",
                         "The query parameter %s is not valid. %s", parameter, message);
}

/* Parses a decimal integer with an optional sign, rejecting anything else. */
static bool
paging_integer(const char *text, long long min, long long max, long long *out)
{
    char *end;
    long long n;

    if (*text == '\0' || (*text != '-' && (*text < '0' || *text > '9')))
        return false;
    errno = 0;
    n = strtoll(text, &end, 10);
    if (errno != 0 || *end != '\0' || n < min || n > max)
        return false;
    *out = n;
    return true;
}

static const struct paging_sort *
paging_find_sort(const struct paging_sort *sorts, const char *name)
{
    for (const struct paging_sort *s = sorts; s->name != NULL; s++) {
        if (strcmp(s->name, name) == 0)
            return s;
    }
    return NULL;
}

static enum result
paging_parse_sort(struct request *req, const struct paging_sort *sorts,
                  const char *default_sort, struct paging *out)
{
    const char *sort = request_query(req, "sort");
    const char *name;
    struct buf allowed;

    if (sort == NULL)
        sort = default_sort;
    out->descending = sort[0] == '-';
    name = out->descending ? sort + 1 : sort;
    out->sort = paging_find_sort(sorts, name);
    if (out->sort != NULL)
        return RESULT_OK;

    buf_init(&allowed, req->arena, 128);
    for (const struct paging_sort *s = sorts; s->name != NULL; s++)
        buf_printf(&allowed, "%s%s", s == sorts ? "" : ", ", s->name);
    problem_field(&req->problem, "sort", "choice",
                  "Must be one of: %s, with a leading \"-\" for descending order.",
                  allowed.data);
    return response_fail(req, RESULT_MALFORMED, "invalid_parameter",
                         "The query parameter sort is not valid: it must be one of %s.",
                         allowed.data);
}

static enum result
paging_parse_cursor(struct request *req, struct paging *out)
{
    const char *text = request_query(req, "cursor");
    struct paging_cursor c;
    long long number;

    out->has_cursor = false;
    if (text == NULL)
        return RESULT_OK;
    if (!paging_cursor_decode(req->arena, text, &c))
        return paging_reject(req, "cursor", "format",
                             "Must be the next_cursor value of the previous page, unchanged.");
    if (strcmp(c.sort, out->sort->name) != 0 || c.descending != out->descending)
        return paging_reject(req, "cursor", "mismatch",
                             "This cursor belongs to another sort order; send the same sort as "
                             "for the first page.");
    if (out->sort->type == PAGING_KEY_INTEGER &&
        !paging_integer(c.key, INT64_MIN, INT64_MAX, &number))
        return paging_reject(req, "cursor", "format",
                             "Must be the next_cursor value of the previous page, unchanged.");
    out->has_cursor = true;
    out->after_key = c.key;
    out->after_id = c.id;
    return RESULT_OK;
}

enum result
paging_parse(struct request *req, const struct paging_sort *sorts, const char *default_sort,
             struct paging *out)
{
    const char *limit = request_query(req, "limit");
    long long n = PAGING_LIMIT_DEFAULT;
    bool ok = true;

    /* Every broken parameter is reported, not only the first. */
    memset(out, 0, sizeof(*out));
    if (limit != NULL && !paging_integer(limit, 1, PAGING_LIMIT_MAX, &n)) {
        paging_reject(req, "limit", "range",
                      arena_printf(req->arena, "Must be an integer from 1 to %d.", PAGING_LIMIT_MAX));
        ok = false;
    }
    out->limit = (int)n;
    if (paging_parse_sort(req, sorts, default_sort, out) != RESULT_OK)
        ok = false;
    else if (paging_parse_cursor(req, out) != RESULT_OK)
        ok = false;
    if (!ok && req->problem.error_count > 1)
        response_fail(req, RESULT_MALFORMED, "invalid_parameter",
                      "Several query parameters are not valid; see errors.");
    return ok ? RESULT_OK : RESULT_MALFORMED;
}

char *
paging_next_cursor(struct arena *a, const struct paging *page, const char *key, int64_t id)
{
    struct paging_cursor c = {page->sort->name, page->descending, key, id};

    return paging_cursor_encode(a, &c);
}

enum result
paging_check_parameters(struct request *req, const char *const *known)
{
    bool ok = true;

    for (size_t i = 0; i < req->query_count; i++) {
        const char *name = req->query[i].name;
        bool found = strcmp(name, "limit") == 0 || strcmp(name, "cursor") == 0;

        for (size_t k = 0; !found && known != NULL && known[k] != NULL; k++)
            found = strcmp(known[k], name) == 0;
        if (!found) {
            paging_reject(req, name, "unknown", "This query parameter is not accepted here.");
            ok = false;
        }
    }
    return ok ? RESULT_OK : RESULT_MALFORMED;
}

enum result
paging_query_int(struct request *req, const char *name, int64_t min, int64_t max, int64_t *value,
                 bool *present)
{
    const char *text = request_query(req, name);
    long long n;

    *present = text != NULL;
    if (text == NULL)
        return RESULT_OK;
    if (!paging_integer(text, min, max, &n))
        return paging_reject(req, name, "range",
                             arena_printf(req->arena, "Must be an integer from %lld to %lld.",
                                          (long long)min, (long long)max));
    *value = n;
    return RESULT_OK;
}

json_t *
paging_page(struct arena *a, const struct paging *page, json_t *rows, const char *key_member)
{
    json_t *result = json_object();
    json_t *next = json_null();
    json_t *row;
    size_t i;

    if (json_array_size(rows) > (size_t)page->limit) {
        const json_t *last = json_array_get(rows, (size_t)page->limit - 1);
        const json_t *key = json_object_get(last, key_member);
        const char *text = json_is_string(key)
                               ? json_string_value(key)
                               : arena_printf(a, "%lld", (long long)json_integer_value(key));

        next = json_string_or_null(paging_next_cursor(a, page, text, json_int(last, "id", 0)));
        while (json_array_size(rows) > (size_t)page->limit)
            json_array_remove(rows, json_array_size(rows) - 1);
    }
    if (strcmp(key_member, "id") != 0) {
        json_array_foreach(rows, i, row)
            json_object_del(row, key_member);
    }
    json_object_set_new(result, "items", rows);
    json_object_set_new(result, "next_cursor", next);
    return result;
}

int64_t
paging_after_integer(const struct paging *page)
{
    return page->has_cursor ? strtoll(page->after_key, NULL, 10) : 0;
}
