/* Path, query string and cookie parsing, and routing. */
#include <criterion/criterion.h>
#include <string.h>

#include "http/params.h"
#include "http/router.h"
#include "tests/unit/fixture.h"

TestSuite(http, .init = fixture_arena_setup, .fini = fixture_arena_teardown);

Test(http, path_segments_decoded)
{
    char **segments;
    size_t count;
    const char *path = "/api/v1/customers/CUS%2D000001";

    cr_assert(http_parse_path(&fixture_arena, path, strlen(path), &segments, &count));
    cr_assert_eq(count, 4);
    cr_assert_str_eq(segments[3], "CUS-000001");
}

Test(http, path_rejects_dots_and_empty_segments)
{
    const char *bad[] = {"/api//x", "/api/../x", "/api/./x", "/api/x/", "api", "/a/%2", "/a/%zz",
                         "/a/%00", "/a/%ff"};
    char **segments;
    size_t count;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        cr_assert_not(http_parse_path(&fixture_arena, bad[i], strlen(bad[i]), &segments, &count), "%s",
                      bad[i]);
}

Test(http, root_path_has_no_segments)
{
    char **segments;
    size_t count;

    cr_assert(http_parse_path(&fixture_arena, "/", 1, &segments, &count));
    cr_assert_eq(count, 0);
}

Test(http, query_decoding)
{
    struct http_param *params;
    size_t count;

    cr_assert(http_parse_query(&fixture_arena, "q=J%C3%BCrgen+M&limit=50&flag&=x", &params, &count));
    cr_assert_eq(count, 4);
    cr_assert_str_eq(http_param_find(params, count, "q"), "Jürgen M");
    cr_assert_str_eq(http_param_find(params, count, "limit"), "50");
    cr_assert_str_eq(http_param_find(params, count, "flag"), "");
}

Test(http, query_rejects_invalid_utf8_and_nul)
{
    struct http_param *params;
    size_t count;

    cr_assert_not(http_parse_query(&fixture_arena, "q=%C3", &params, &count));
    cr_assert_not(http_parse_query(&fixture_arena, "q=a%00b", &params, &count));
    cr_assert_not(http_parse_query(&fixture_arena, "q=%G1", &params, &count));
}

Test(http, query_parameter_limit)
{
    struct http_param *params;
    size_t count;
    char query[1024] = "";

    for (int i = 0; i <= HTTP_QUERY_MAX; i++)
        strcat(query, "a=1&");
    cr_assert_not(http_parse_query(&fixture_arena, query, &params, &count));
}

Test(http, cookies_split_and_trimmed)
{
    struct http_param *cookies;
    size_t count;

    cr_assert(http_parse_cookies(&fixture_arena, "a=1;  ls_session=7.abc ; quoted=\"x y\"; junk; =v", &cookies,
                                 &count));
    cr_assert_eq(count, 3);
    cr_assert_str_eq(http_param_find(cookies, count, "ls_session"), "7.abc");
    cr_assert_str_eq(http_param_find(cookies, count, "quoted"), "x y");
}

static enum result
handler_stub(struct request *req)
{
    (void)req;
    return RESULT_OK;
}

static const struct route test_routes[] = {
    {HTTP_GET, "/api/v1/customers", handler_stub, PERM_NONE, 0},
    {HTTP_POST, "/api/v1/customers", handler_stub, PERM_NONE, 0},
    {HTTP_GET, "/api/v1/customers/{code}", handler_stub, PERM_NONE, 0},
    {HTTP_PATCH, "/api/v1/customers/{code}", handler_stub, PERM_NONE, 0},
    {HTTP_GET, "/api/v1/customers/export.csv", handler_stub, PERM_NONE, 0},
    {0, NULL, NULL, PERM_NONE, 0},
};

static enum result
route(const char *path, enum http_method m, const struct route **found, const char **params,
      char *allow)
{
    char **segments;
    size_t count;

    cr_assert(http_parse_path(&fixture_arena, path, strlen(path), &segments, &count));
    return router_match(segments, count, m, found, params, allow, 128);
}

Test(http, router_parameters_and_literals)
{
    const struct route *found = NULL;
    const char *params[ROUTE_PARAMS_MAX] = {NULL};
    char allow[128];

    router_reset();
    router_add(test_routes);
    cr_assert_eq(route("/api/v1/customers/CUS-1", HTTP_GET, &found, params, allow), RESULT_OK);
    cr_assert_str_eq(found->pattern, "/api/v1/customers/{code}");
    cr_assert_str_eq(params[0], "CUS-1");
    cr_assert_eq(route("/api/v1/customers/export.csv", HTTP_GET, &found, params, allow), RESULT_OK);
    cr_assert_str_eq(found->pattern, "/api/v1/customers/export.csv");
}

Test(http, router_method_not_allowed_lists_methods)
{
    const struct route *found = NULL;
    const char *params[ROUTE_PARAMS_MAX] = {NULL};
    char allow[128];

    router_reset();
    router_add(test_routes);
    cr_assert_eq(route("/api/v1/customers", HTTP_DELETE, &found, params, allow),
                 RESULT_METHOD_NOT_ALLOWED);
    cr_assert_str_eq(allow, "GET, HEAD, POST");
    /* The literal export path must not fall back to PATCH /customers/{code}. */
    cr_assert_eq(route("/api/v1/customers/export.csv", HTTP_PATCH, &found, params, allow),
                 RESULT_METHOD_NOT_ALLOWED);
    cr_assert_str_eq(allow, "GET, HEAD");
    cr_assert_eq(route("/api/v1/nothing", HTTP_GET, &found, params, allow), RESULT_NOT_FOUND);
}
