/*
 * Pipelines and stages through the API: creating, renaming and reordering,
 * the rules that keep a stage of each kind and move the deals of a removed
 * stage, and the board: its order, its per-stage cursors that the deal list
 * takes, and its totals per currency.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/support/fixtures.h"

/* Returns the id of the stage named name in a pipeline response, or 0. */
static long long
stage_in(const struct th_response *r, const char *name)
{
    json_t *stage;
    size_t i;

    json_array_foreach(json_object_get(r->json, "stages"), i, stage)
    {
        if (strcmp(json_string_value(json_object_get(stage, "name")), name) == 0)
            return json_integer_value(json_object_get(stage, "id"));
    }
    return 0;
}

/* The stage names of a pipeline response in order, joined by commas. */
static const char *
stage_names(const struct th_response *r)
{
    static char names[512];
    json_t *stage;
    size_t i;

    names[0] = '\0';
    json_array_foreach(json_object_get(r->json, "stages"), i, stage)
    {
        strncat(names, i > 0 ? "," : "", sizeof(names) - strlen(names) - 1);
        strncat(names, json_string_value(json_object_get(stage, "name")),
                sizeof(names) - strlen(names) - 1);
    }
    return names;
}

static long long
deal_in(struct th_client *c, const char *code, long long stage, const char *title,
        const char *priority, const char *close_date, long long amount, const char *currency)
{
    json_t *body = json_pack("{s:s, s:s, s:I, s:s, s:I, s:s}", "customer", code, "title", title,
                             "stage_id", (json_int_t)stage, "priority", priority, "amount",
                             (json_int_t)amount, "currency", currency);
    struct th_response r;
    long long id;

    if (close_date != NULL)
        json_object_set_new(body, "expected_close_date", json_string(close_date));
    r = fx_send(c, "POST", "/api/v1/deals", body, NULL);
    cr_assert_eq(r.status, 201, "%s", r.body);
    id = th_json_int(&r, "id");
    th_response_free(&r);
    return id;
}

Test(pipelines, stages_are_managed_under_rules)
{
    struct fx_tenant f;
    struct th_client viewer;
    struct th_response r;
    long long pipeline, open, won, lost, demo, deal, later;
    char *code;

    fx_init(&f, "pipe-stages", NULL);
    fx_user_in_role(&f, "viewer", "Viewer", &viewer);
    r = fx_send(&viewer, "POST", "/api/v1/pipelines", json_pack("{s:s}", "name", "Partners"),
                NULL);
    cr_assert_eq(r.status, 403, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "permission"), "pipeline.manage");
    th_response_free(&r);

    r = fx_send(&f.admin, "POST", "/api/v1/pipelines", json_pack("{s:s}", "name", "Partners"),
                NULL);
    cr_assert_eq(r.status, 201, "%s", r.body);
    cr_assert_str_eq(stage_names(&r), "Open,Won,Lost");
    cr_assert(json_is_false(json_object_get(r.json, "is_default")));
    pipeline = th_json_int(&r, "id");
    open = stage_in(&r, "Open");
    won = stage_in(&r, "Won");
    lost = stage_in(&r, "Lost");
    th_response_free(&r);

    r = fx_send(&f.admin, "POST", "/api/v1/pipelines", json_pack("{s:s}", "name", "partners"),
                NULL);
    cr_assert_eq(r.status, 422, "names are unique without regard to case: %s", r.body);
    cr_assert_str_eq(th_json_str(&r, "errors.0.rule"), "unique");
    th_response_free(&r);
    r = fx_send(&f.admin, "POST", "/api/v1/pipelines",
                json_pack("{s:s, s:[{s:s, s:i, s:s}]}", "name", "Only open", "stages", "name",
                          "Start", "probability", 5, "kind", "open"),
                NULL);
    cr_assert_eq(r.status, 422, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "errors.0.field"), "stages");
    cr_assert_str_eq(th_json_str(&r, "errors.0.rule"), "kinds");
    th_response_free(&r);

    r = fx_send(&f.admin, "POST", th_fmt("/api/v1/pipelines/%lld/stages", pipeline),
                json_pack("{s:s, s:i, s:i}", "name", "Demo", "probability", 50, "position", 2),
                NULL);
    cr_assert_eq(r.status, 201, "%s", r.body);
    cr_assert_str_eq(stage_names(&r), "Open,Demo,Won,Lost");
    demo = stage_in(&r, "Demo");
    th_response_free(&r);
    r = fx_send(&f.admin, "PATCH", th_fmt("/api/v1/pipelines/%lld/stages/%lld", pipeline, demo),
                json_pack("{s:s, s:i, s:i}", "name", "Live demo", "probability", 55, "position",
                          1),
                NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(stage_names(&r), "Live demo,Open,Won,Lost");
    cr_assert_eq(th_json_int(&r, "stages.0.probability"), 55);
    cr_assert_eq(th_json_int(&r, "stages.1.position"), 2);
    th_response_free(&r);

    code = fx_customer(&f.admin, "Pia", "Pipeline");
    deal = deal_in(&f.admin, code, demo, "In the demo", "medium", NULL, 100, "EUR");
    r = fx_send(&f.admin, "PATCH", th_fmt("/api/v1/pipelines/%lld/stages/%lld", pipeline, demo),
                json_pack("{s:s}", "kind", "won"), NULL);
    cr_assert_eq(r.status, 409, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "code"), "stage_has_deals");
    th_response_free(&r);
    r = fx_send(&f.admin, "DELETE", th_fmt("/api/v1/pipelines/%lld/stages/%lld", pipeline, won),
                NULL, NULL);
    cr_assert_eq(r.status, 409, "the last won stage stays: %s", r.body);
    cr_assert_str_eq(th_json_str(&r, "code"), "stage_kinds_required");
    th_response_free(&r);

    r = fx_send(&f.admin, "DELETE", th_fmt("/api/v1/pipelines/%lld/stages/%lld", pipeline, demo),
                NULL, NULL);
    cr_assert_eq(r.status, 409, "a stage with deals needs a target: %s", r.body);
    cr_assert_str_eq(th_json_str(&r, "code"), "stage_has_deals");
    cr_assert_eq(th_json_int(&r, "deals"), 1);
    th_response_free(&r);
    r = fx_send(&f.admin, "DELETE",
                th_fmt("/api/v1/pipelines/%lld/stages/%lld?move_to=%lld", pipeline, demo, lost),
                NULL, NULL);
    cr_assert_eq(r.status, 422, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "errors.0.field"), "move_to");
    cr_assert_str_eq(th_json_str(&r, "errors.0.rule"), "kind");
    th_response_free(&r);
    r = fx_send(&f.admin, "DELETE",
                th_fmt("/api/v1/pipelines/%lld/stages/%lld?move_to=%lld", pipeline, demo, open),
                NULL, NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_eq(th_json_int(&r, "moved_deals"), 1);
    cr_assert_str_eq(stage_names(&r), "Open,Won,Lost");
    cr_assert_eq(th_json_int(&r, "stages.0.position"), 1);
    th_response_free(&r);

    r = th_request(&f.admin, "GET", th_fmt("/api/v1/deals/%lld/history", deal), NULL);
    cr_assert_str_eq(th_json_str(&r, "items.1.from_stage.name"), "Live demo",
                     "the removed stage stays in the history: %s", r.body);
    cr_assert_str_eq(th_json_str(&r, "items.1.to_stage.name"), "Open");
    th_response_free(&r);
    r = fx_send(&f.admin, "PATCH", th_fmt("/api/v1/pipelines/%lld/stages/%lld", pipeline, demo),
                json_pack("{s:s}", "name", "Gone"), NULL);
    cr_assert_eq(r.status, 404, "%s", r.body);
    th_response_free(&r);

    /* A stage without deals goes without a target; renaming and the default. */
    r = fx_send(&f.admin, "POST", th_fmt("/api/v1/pipelines/%lld/stages", pipeline),
                json_pack("{s:s, s:i, s:s}", "name", "Later", "probability", 0, "kind", "lost"),
                NULL);
    later = stage_in(&r, "Later");
    th_response_free(&r);
    r = fx_send(&f.admin, "DELETE", th_fmt("/api/v1/pipelines/%lld/stages/%lld", pipeline, later),
                NULL, NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_eq(th_json_int(&r, "moved_deals"), 0);
    th_response_free(&r);
    r = fx_send(&f.admin, "PATCH", th_fmt("/api/v1/pipelines/%lld", pipeline),
                json_pack("{s:s, s:b}", "name", "Partner sales", "is_default", 1), NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert(json_is_true(json_object_get(r.json, "is_default")));
    th_response_free(&r);
    r = th_request(&f.admin, "GET", "/api/v1/pipelines", NULL);
    cr_assert_str_eq(th_json_str(&r, "items.0.name"), "Partner sales", "the default comes first");
    cr_assert(json_is_false(fx_path(r.json, "items.1.is_default")));
    th_response_free(&r);
    r = fx_send(&f.admin, "POST", "/api/v1/deals",
                json_pack("{s:s, s:s}", "customer", code, "title", "Default pipeline"), NULL);
    cr_assert_str_eq(th_json_str(&r, "pipeline.name"), "Partner sales", "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "stage.name"), "Open");
    th_response_free(&r);
    free(code);
}

Test(pipelines, board_orders_pages_and_sums)
{
    struct fx_tenant f;
    struct th_response r;
    long long pipeline, proposal, expected[7];
    const char *next;
    char *code, *page;
    size_t seen = 0;

    fx_init(&f, "pipe-board", "--currency EUR");
    code = fx_customer(&f.admin, "Bo", "Board");
    r = th_request(&f.admin, "GET", "/api/v1/pipelines", NULL);
    pipeline = th_json_int(&r, "items.0.id");
    th_response_free(&r);
    r = th_request(&f.admin, "GET", th_fmt("/api/v1/pipelines/%lld/board", pipeline), NULL);
    proposal = stage_in(&r, "Proposal Sent");
    th_response_free(&r);

    /* The board's order: high first, then the earliest close date, none last, then id. */
    expected[2] = deal_in(&f.admin, code, proposal, "High, no date", "high", NULL, 101, "EUR");
    expected[0] = deal_in(&f.admin, code, proposal, "High, soon", "high", "2026-01-10", 2, "EUR");
    expected[1] = deal_in(&f.admin, code, proposal, "High, later", "high", "2026-02-10", 0, "EUR");
    expected[6] = deal_in(&f.admin, code, proposal, "Low", "low", "2026-01-01", 0, "USD");
    expected[3] = deal_in(&f.admin, code, proposal, "Medium, soon", "medium", "2025-12-01", 7,
                          "USD");
    expected[5] = deal_in(&f.admin, code, proposal, "Medium, none", "medium", NULL, 0, "EUR");
    expected[4] = deal_in(&f.admin, code, proposal, "Medium, late", "medium", "2027-01-01", 0,
                          "EUR");

    r = th_request(&f.admin, "GET", th_fmt("/api/v1/pipelines/%lld/board?limit=3", pipeline),
                   NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "stages.3.name"), "Proposal Sent");
    cr_assert_eq(th_json_int(&r, "stages.3.count"), 7);
    cr_assert_eq(th_json_int(&r, "stages.3.probability"), 60);
    cr_assert_str_eq(th_json_str(&r, "stages.3.totals.0.currency"), "EUR");
    cr_assert_eq(th_json_int(&r, "stages.3.totals.0.count"), 5);
    cr_assert_str_eq(th_json_str(&r, "stages.3.totals.0.amount"), "103");
    cr_assert_str_eq(th_json_str(&r, "stages.3.totals.0.weighted_amount"), "62",
                     "103 × 60 %% = 61.8, rounded half up");
    cr_assert_str_eq(th_json_str(&r, "stages.3.totals.1.currency"), "USD");
    cr_assert_str_eq(th_json_str(&r, "stages.3.totals.1.amount"), "7");
    cr_assert_str_eq(th_json_str(&r, "stages.3.totals.1.weighted_amount"), "4",
                     "4.2 rounds down");
    cr_assert_eq(th_json_int(&r, "stages.0.count"), 0);
    cr_assert_eq(json_array_size(fx_path(r.json, "stages.0.totals")), 0);
    for (int i = 0; i < 3; i++)
        cr_assert_eq(th_json_int(&r, th_fmt("stages.3.deals.%d.id", i)), expected[seen++],
                     "place %d: %s", i, r.body);
    next = th_json_str(&r, "stages.3.next_page");
    cr_assert(next != NULL);
    page = strdup(next);
    th_response_free(&r);

    while (page != NULL) {
        json_t *item;
        size_t i;

        r = th_request(&f.admin, "GET", page, NULL);
        cr_assert_eq(r.status, 200, "%s: %s", page, r.body);
        json_array_foreach(json_object_get(r.json, "items"), i, item)
        {
            cr_assert(seen < 7);
            cr_assert_eq(json_integer_value(json_object_get(item, "id")), expected[seen],
                         "place %zu: %s", seen, r.body);
            seen++;
        }
        free(page);
        page = th_json_str(&r, "next_cursor") != NULL
                   ? strdup(th_fmt("/api/v1/deals?stage=%lld&sort=board&limit=3&cursor=%s",
                                   proposal, th_json_str(&r, "next_cursor")))
                   : NULL;
        th_response_free(&r);
    }
    cr_assert_eq(seen, 7, "every deal once");

    r = th_request(&f.admin, "GET", "/api/v1/pipelines/999999/board", NULL);
    cr_assert_eq(r.status, 404);
    th_response_free(&r);
    r = th_request(&f.admin, "GET", "/api/v1/deals?stage=1&sort=board&cursor=garbage", NULL);
    cr_assert_eq(r.status, 400, "%s", r.body);
    th_response_free(&r);
    free(code);
}
