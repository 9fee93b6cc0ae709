/*
 * Routing: a request path parsed by http_parse_path, then matched by router_match
 * against the route table the server registers (routes_register). The first
 * byte of the input picks the method; the rest is the raw path.
 */
#include "api/routes.h"
#include "fuzz.h"
#include "http/params.h"
#include "http/router.h"

#define METHOD_COUNT (HTTP_OTHER + 1)

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    routes_register();
    return 0;
}

/* True when the route's pattern matches the segments, checked without the router. */
static int
pattern_matches(const char *pattern, char *const *segments, size_t count)
{
    const char *p = pattern;
    size_t i = 0;

    while (*p == '/') {
        const char *start = p + 1;
        const char *end = strchr(start, '/');
        size_t len = end != NULL ? (size_t)(end - start) : strlen(start);
        int is_param = len >= 2 && start[0] == '{' && start[len - 1] == '}';

        if (i == count)
            return 0;
        if (!is_param && (strlen(segments[i]) != len || memcmp(segments[i], start, len) != 0))
            return 0;
        i++;
        p = start + len;
    }
    return i == count;
}

/* True when allow is a list such as "GET, HEAD, POST" of known method names. */
static int
allow_valid(const char *allow)
{
    const char *p = allow;

    if (*p == '\0')
        return 0;
    while (*p != '\0') {
        size_t len = strcspn(p, ",");
        int known = 0;

        for (int m = HTTP_GET; m < HTTP_OTHER; m++) {
            const char *name = http_method_name((enum http_method)m);

            known = known || (strlen(name) == len && memcmp(name, p, len) == 0);
        }
        if (!known)
            return 0;
        p += len;
        if (*p == ',') {
            if (p[1] != ' ')
                return 0;
            p += 2;
        }
    }
    return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *a = fuzz_arena();
    enum http_method method;
    char **segments;
    size_t count;
    const struct route *route = NULL;
    const char *params[ROUTE_PARAMS_MAX] = {NULL};
    char allow[128];
    enum result r;

    if (size == 0)
        return 0;
    method = (enum http_method)(data[0] % METHOD_COUNT);
    if (!http_parse_path(a, (const char *)data + 1, size - 1, &segments, &count))
        return 0;

    r = router_match(segments, count, method, &route, params, allow, sizeof(allow));
    switch (r) {
    case RESULT_OK:
        FUZZ_CHECK(route != NULL);
        FUZZ_CHECK(route->method == (method == HTTP_HEAD ? HTTP_GET : method));
        FUZZ_CHECK(pattern_matches(route->pattern, segments, count));
        for (size_t i = 0; i < ROUTE_PARAMS_MAX; i++) {
            int from_path = params[i] == NULL;

            for (size_t j = 0; j < count && !from_path; j++)
                from_path = params[i] == segments[j];
            FUZZ_CHECK(from_path);
        }
        break;
    case RESULT_METHOD_NOT_ALLOWED:
        FUZZ_CHECK(allow_valid(allow));
        FUZZ_CHECK(strstr(allow, http_method_name(method == HTTP_HEAD ? HTTP_GET : method)) ==
                   NULL);
        break;
    case RESULT_NOT_FOUND:
        break;
    default:
        FUZZ_CHECK(!"router_match returned a result it does not document");
    }
    return 0;
}
