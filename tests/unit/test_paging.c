/* Cursors of keyset pagination and the limit, sort and cursor parameters. */
#include <criterion/criterion.h>
#include <string.h>

#include "api/paging.h"
#include "core/json.h"
#include "tests/unit/fixture.h"

static const struct paging_sort sorts[] = {
    {"name", PAGING_KEY_TEXT},
    {"created_at", PAGING_KEY_INTEGER},
    {NULL, PAGING_KEY_TEXT},
};

TestSuite(paging, .init = fixture_arena_setup, .fini = fixture_arena_teardown);

/* A request whose query string is query; its problem collects the errors. */
static void
request_with_query(struct request *req, const char *query)
{
    memset(req, 0, sizeof(*req));
    req->arena = &fixture_arena;
    problem_init(&req->problem, &fixture_arena);
    cr_assert(http_parse_query(&fixture_arena, query, &req->query, &req->query_count));
}

Test(paging, cursor_round_trip)
{
    struct paging_cursor in = {"name", true, "m\xc3\xbcller \"lena\" \\ |", 42};
    struct paging_cursor out;
    char *text = paging_cursor_encode(&fixture_arena, &in);

    cr_assert_not_null(text);
    cr_assert(strspn(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
              strlen(text), "not base64url: %s", text);
    cr_assert(paging_cursor_decode(&fixture_arena, text, &out));
    cr_assert_str_eq(out.sort, "name");
    cr_assert(out.descending);
    cr_assert_str_eq(out.key, in.key);
    cr_assert_eq(out.id, 42);
}

Test(paging, malformed_cursors_rejected)
{
    const char *bad[] = {
        "", "!!!", "e30",               /* "{}" */
        "WyJuYW1lIiwiZCIsIngiXQ",       /* three items */
        "WyJuYW1lIiwieCIsIngiLDFd",     /* direction "x" */
        "WyJuYW1lIiwiZCIsIngiLDBd",     /* id 0 */
        "WyJuYW1lIiwiZCIsIngiLCIxIl0",  /* id as a string */
        "WyJuYW1lIiwiZCIsMSwxXQ",       /* key as a number */
    };
    struct paging_cursor out;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        cr_expect_not(paging_cursor_decode(&fixture_arena, bad[i], &out), "accepted %s", bad[i]);
}

Test(paging, overlong_key_not_encoded)
{
    char key[PAGING_KEY_MAX + 2];
    struct paging_cursor c = {"name", false, key, 1};

    memset(key, 'k', sizeof(key) - 1);
    key[sizeof(key) - 1] = '\0';
    cr_assert_null(paging_cursor_encode(&fixture_arena, &c));
}

Test(paging, defaults_without_parameters)
{
    struct request req;
    struct paging page;

    request_with_query(&req, "");
    cr_assert_eq(paging_parse(&req, sorts, "-created_at", &page), RESULT_OK);
    cr_assert_eq(page.limit, PAGING_LIMIT_DEFAULT);
    cr_assert_str_eq(page.sort->name, "created_at");
    cr_assert(page.descending);
    cr_assert_not(page.has_cursor);
}

Test(paging, bad_parameters_named)
{
    static const char *const cases[][2] = {
        {"limit=0", "limit"},          {"limit=201", "limit"}, {"limit=ten", "limit"},
        {"limit=5x", "limit"},         {"sort=email", "sort"}, {"sort=--name", "sort"},
        {"cursor=abc", "cursor"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct request req;
        struct paging page;

        request_with_query(&req, cases[i][0]);
        cr_expect_eq(paging_parse(&req, sorts, "name", &page), RESULT_MALFORMED, "%s", cases[i][0]);
        cr_assert_geq(req.problem.error_count, 1, "%s", cases[i][0]);
        cr_expect_str_eq(req.problem.errors[0].field, cases[i][1], "%s", cases[i][0]);
    }
}

Test(paging, cursor_bound_to_its_sort)
{
    struct paging_cursor c = {"name", false, "smith", 7};
    struct request req;
    struct paging page;
    char *text = paging_cursor_encode(&fixture_arena, &c);

    request_with_query(&req, arena_printf(&fixture_arena, "sort=name&limit=10&cursor=%s", text));
    cr_assert_eq(paging_parse(&req, sorts, "name", &page), RESULT_OK);
    cr_assert(page.has_cursor);
    cr_assert_str_eq(page.after_key, "smith");
    cr_assert_eq(page.after_id, 7);
    cr_assert_eq(page.limit, 10);

    request_with_query(&req, arena_printf(&fixture_arena, "sort=-name&cursor=%s", text));
    cr_assert_eq(paging_parse(&req, sorts, "name", &page), RESULT_MALFORMED);
    cr_assert_str_eq(req.problem.errors[0].rule, "mismatch");
}

Test(paging, integer_key_checked)
{
    struct paging_cursor c = {"created_at", true, "not a number", 7};
    struct request req;
    struct paging page;

    request_with_query(&req, arena_printf(&fixture_arena, "sort=-created_at&cursor=%s",
                                          paging_cursor_encode(&fixture_arena, &c)));
    cr_assert_eq(paging_parse(&req, sorts, "name", &page), RESULT_MALFORMED);
    cr_assert_str_eq(req.problem.errors[0].field, "cursor");
}
