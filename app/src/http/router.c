#include <assert.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/router.h"

#define ROUTER_MAX 256
#define PATTERN_SEGMENTS_MAX 12

struct compiled_route {
    const struct route *route;
    char *segments[PATTERN_SEGMENTS_MAX]; /* NULL entry: a parameter */
    size_t count;
    size_t literals;
};

static struct compiled_route router_routes[ROUTER_MAX];
static size_t router_count;

static void
router_compile(struct compiled_route *c, const struct route *route)
{
    const char *p = route->pattern;

    assert(p[0] == '/');
    c->route = route;
    c->count = 0;
    c->literals = 0;
    while (*p == '/') {
        const char *start = p + 1;
        const char *end = strchr(start, '/');
        size_t len = end != NULL ? (size_t)(end - start) : strlen(start);

        assert(c->count < PATTERN_SEGMENTS_MAX);
        if (len >= 2 && start[0] == '{' && start[len - 1] == '}') {
            c->segments[c->count] = NULL;
        } else {
            c->segments[c->count] = strndup(start, len);
            if (c->segments[c->count] == NULL)
                abort();
            c->literals++;
        }
        c->count++;
        p = start + len;
    }
}

void
router_add(const struct route *routes)
{
    for (const struct route *r = routes; r->pattern != NULL; r++) {
        assert(router_count < ROUTER_MAX);
        router_compile(&router_routes[router_count++], r);
    }
}

void
router_reset(void)
{
    for (size_t i = 0; i < router_count; i++) {
        for (size_t j = 0; j < router_routes[i].count; j++)
            free(router_routes[i].segments[j]);
    }
    router_count = 0;
}

static bool
router_matches(const struct compiled_route *c, char *const *segments, size_t count)
{
    if (c->count != count)
        return false;
    for (size_t i = 0; i < count; i++) {
        if (c->segments[i] != NULL && strcmp(c->segments[i], segments[i]) != 0)
            return false;
    }
    return true;
}

/* True when a is more specific than b: the first differing segment is literal in a. */
static bool
router_more_specific(const struct compiled_route *a, const struct compiled_route *b)
{
    for (size_t i = 0; i < a->count; i++) {
        if ((a->segments[i] != NULL) != (b->segments[i] != NULL))
            return a->segments[i] != NULL;
    }
    return false;
}

static void
router_allow_add(char *allow, size_t size, enum http_method method)
{
    const char *name = http_method_name(method);
    size_t len = strlen(allow);

    if (strstr(allow, name) != NULL)
        return;
    snprintf(allow + len, size - len, "%s%s", len > 0 ? ", " : "", name);
}

enum result
router_match(char *const *segments, size_t count, enum http_method method,
             const struct route **route, const char **params, char *allow, size_t allow_size)
{
    const struct compiled_route *best = NULL;
    const struct compiled_route *best_any = NULL;
    enum http_method wanted = method == HTTP_HEAD ? HTTP_GET : method;

    if (allow_size > 0)
        allow[0] = '\0';
    for (size_t i = 0; i < router_count; i++) {
        const struct compiled_route *c = &router_routes[i];

        if (!router_matches(c, segments, count))
            continue;
        if (best_any == NULL || router_more_specific(c, best_any))
            best_any = c;
        if (c->route->method == wanted && (best == NULL || router_more_specific(c, best)))
            best = c;
    }
    if (best_any == NULL)
        return RESULT_NOT_FOUND;

    /* A parameter route matching only because no literal route has this method is wrong:
     * /customers/export.csv with POST must be 405, not POST /customers/{code}. */
    if (best == NULL || router_more_specific(best_any, best)) {
        for (size_t i = 0; i < router_count; i++) {
            const struct compiled_route *c = &router_routes[i];

            if (router_matches(c, segments, count) && !router_more_specific(best_any, c)) {
                router_allow_add(allow, allow_size, c->route->method);
                if (c->route->method == HTTP_GET)
                    router_allow_add(allow, allow_size, HTTP_HEAD);
            }
        }
        return RESULT_METHOD_NOT_ALLOWED;
    }

    *route = best->route;
    for (size_t i = 0, n = 0; i < best->count; i++) {
        if (best->segments[i] == NULL && n < ROUTE_PARAMS_MAX)
            params[n++] = segments[i];
    }
    return RESULT_OK;
}

void
router_each(void (*fn)(const struct route *route, void *data), void *data)
{
    for (size_t i = 0; i < router_count; i++)
        fn(router_routes[i].route, data);
}
