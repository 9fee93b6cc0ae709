/*
 * Sales reports through the API, over deals made and moved at pinned times
 * in a tenant on Europe/Berlin time: the funnel from the stage changes, the
 * win rate and conversion rate as exact fractions, average deal sizes per
 * currency equal to SQL sums, the average cycle time in days, grouping by
 * source, the period's bounds in the tenant's zone, and permissions.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/support/fixtures.h"

#define MAY "from=2026-05-01&to=2026-05-31"

static long long
stage_id(struct th_client *c, const char *name)
{
    struct th_response r = th_request(c, "GET", "/api/v1/pipelines", NULL);
    json_t *stage;
    size_t i;
    long long id = 0;

    json_array_foreach(fx_path(r.json, "items.0.stages"), i, stage)
    {
        if (strcmp(json_string_value(json_object_get(stage, "name")), name) == 0)
            id = json_integer_value(json_object_get(stage, "id"));
    }
    th_response_free(&r);
    cr_assert(id > 0, "no stage %s", name);
    return id;
}

/* Creates a prospect with a source at now; returns its reference (malloc'd). */
static char *
prospect_at(struct th_client *c, const char *last, const char *source, const char *now)
{
    struct th_response r = fx_send(
        c, "POST", "/api/v1/prospects",
        json_pack("{s:s, s:s, s:s, s:s, s:s}", "kind", "person", "first_name", "Rita",
                  "last_name", last, "email", th_fmt("rita.%s@example.com", last), "source",
                  source),
        now);
    char *reference;

    cr_assert_eq(r.status, 201, "%s", r.body);
    reference = strdup(th_json_str(&r, "reference"));
    th_response_free(&r);
    return reference;
}

static long long
deal_at(struct th_client *c, const char *field, const char *key, long long amount,
        const char *currency, const char *source, const char *now)
{
    json_t *body = json_pack("{s:s, s:s, s:I, s:s}", field, key, "title", "Report deal",
                             "amount", (json_int_t)amount, "currency", currency);
    struct th_response r;
    long long id;

    if (source != NULL)
        json_object_set_new(body, "source", json_string(source));
    r = fx_send(c, "POST", "/api/v1/deals", body, now);
    cr_assert_eq(r.status, 201, "%s", r.body);
    id = th_json_int(&r, "id");
    th_response_free(&r);
    return id;
}

static void
move_at(struct th_client *c, long long deal, long long stage, const char *reason,
        const char *now)
{
    json_t *body = json_pack("{s:I}", "stage_id", (json_int_t)stage);
    struct th_response r;

    if (reason != NULL)
        json_object_set_new(body, "lost_reason", json_string(reason));
    r = fx_send(c, "POST", th_fmt("/api/v1/deals/%lld/move", deal), body, now);
    cr_assert_eq(r.status, 200, "%s", r.body);
    th_response_free(&r);
}

/* The deals of the funnel stage named name in the first pipeline of a response. */
static long long
funnel_deals(const struct th_response *r, const char *name)
{
    json_t *stage;
    size_t i;

    json_array_foreach(fx_path(r->json, "pipelines.0.stages"), i, stage)
    {
        if (strcmp(json_string_value(json_object_get(stage, "name")), name) == 0)
            return json_integer_value(json_object_get(stage, "deals"));
    }
    cr_assert_fail("no stage %s", name);
    return -1;
}

/* The entry of groups whose source is source. */
static json_t *
group_of(const struct th_response *r, const char *source)
{
    json_t *group;
    size_t i;

    json_array_foreach(json_object_get(r->json, "groups"), i, group)
    {
        const char *got = json_string_value(json_object_get(group, "source"));

        if (got != NULL && strcmp(got, source) == 0)
            return group;
    }
    cr_assert_fail("no group %s: %s", source, r->body);
    return NULL;
}

static const char *
str_at(json_t *v, const char *path)
{
    return json_string_value(fx_path(v, path));
}

static long long
int_at(json_t *v, const char *path)
{
    return json_integer_value(fx_path(v, path));
}

Test(reports, figures_are_exact, .timeout = 120)
{
    struct fx_tenant f;
    struct th_client viewer, nobody;
    struct th_response r;
    char *web, *referral, *cold, *code, *sum;
    long long a, b, c, d, e, late, won, lost, contacted, qualified;

    fx_init(&f, "rep-figures", "--timezone Europe/Berlin --currency EUR");
    won = stage_id(&f.admin, "Closed Won");
    lost = stage_id(&f.admin, "Closed Lost");
    contacted = stage_id(&f.admin, "Contacted");
    qualified = stage_id(&f.admin, "Qualified");
    web = prospect_at(&f.admin, "Web", "Web", "2026-05-02T08:00:00Z");
    referral = prospect_at(&f.admin, "Referral", "Referral", "2026-05-02T08:00:00Z");
    cold = prospect_at(&f.admin, "Cold", "Referral", "2026-05-02T08:00:00Z");
    free(prospect_at(&f.admin, "April", "Web", "2026-04-30T21:59:00Z"));
    code = fx_customer(&f.admin, "Cus", "Tomer");

    a = deal_at(&f.admin, "prospect", web, 10000, "EUR", "Web", "2026-05-04T08:00:00Z");
    b = deal_at(&f.admin, "prospect", web, 20001, "EUR", "Web", "2026-05-04T08:00:00Z");
    c = deal_at(&f.admin, "prospect", referral, 5000, "JPY", "Referral", "2026-05-04T08:00:00Z");
    d = deal_at(&f.admin, "prospect", cold, 999, "EUR", "Referral", "2026-05-04T08:00:00Z");
    e = deal_at(&f.admin, "customer", code, 1, "EUR", NULL, "2026-05-04T08:00:00Z");
    late = deal_at(&f.admin, "customer", code, 1, "EUR", NULL, "2026-05-04T08:00:00Z");

    move_at(&f.admin, a, won, NULL, "2026-05-06T08:00:00Z");   /* 2 days */
    move_at(&f.admin, b, won, NULL, "2026-05-05T20:00:00Z");   /* 1.5 days */
    move_at(&f.admin, c, won, NULL, "2026-05-05T08:00:00Z");   /* 1 day */
    move_at(&f.admin, d, lost, "Budget", "2026-05-07T08:00:00Z"); /* 3 days */
    move_at(&f.admin, e, contacted, NULL, "2026-05-08T08:00:00Z");
    move_at(&f.admin, e, qualified, NULL, "2026-05-09T08:00:00Z");
    move_at(&f.admin, e, contacted, NULL, "2026-05-10T08:00:00Z");
    /* 00:30 on 1 June in Berlin: outside May there. */
    move_at(&f.admin, late, lost, "Too late", "2026-05-31T22:30:00Z");

    r = th_request(&f.admin, "GET", "/api/v1/reports/sales?" MAY, NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "time_zone"), "Europe/Berlin");
    cr_assert_eq(th_json_int(&r, "total.win_rate.won"), 3, "%s", r.body);
    cr_assert_eq(th_json_int(&r, "total.win_rate.lost"), 1, "the June loss is left out");
    cr_assert_eq(th_json_int(&r, "total.win_rate.numerator"), 3);
    cr_assert_eq(th_json_int(&r, "total.win_rate.denominator"), 4);
    cr_assert_str_eq(th_json_str(&r, "total.win_rate.percent"), "75.0");
    cr_assert_str_eq(th_json_str(&r, "total.average_deal_size.0.currency"), "EUR");
    cr_assert_eq(th_json_int(&r, "total.average_deal_size.0.deals"), 2);
    sum = th_sql_text(th_fmt("SELECT sum(amount)::text FROM \"%s\".deals WHERE status = 'won'"
                             " AND currency = 'EUR'",
                             f.tenant.schema),
                      NULL);
    cr_assert_str_eq(th_json_str(&r, "total.average_deal_size.0.total"), sum);
    cr_assert_str_eq(sum, "30001");
    cr_assert_str_eq(th_json_str(&r, "total.average_deal_size.0.average"), "15001",
                     "15000.5 rounds half up");
    cr_assert_str_eq(th_json_str(&r, "total.average_deal_size.1.currency"), "JPY");
    cr_assert_str_eq(th_json_str(&r, "total.average_deal_size.1.average"), "5000");
    cr_assert_eq(th_json_int(&r, "total.average_cycle_time.deals"), 4);
    cr_assert_eq(th_json_int(&r, "total.average_cycle_time.seconds_total"), 648000);
    cr_assert_str_eq(th_json_str(&r, "total.average_cycle_time.days"), "1.9",
                     "1.875 days rounds half up");
    cr_assert_eq(th_json_int(&r, "total.conversion_rate.prospects_created"), 3,
                 "the April prospect is outside the period in Berlin");
    cr_assert_eq(th_json_int(&r, "total.conversion_rate.numerator"), 2);
    cr_assert_eq(th_json_int(&r, "total.conversion_rate.denominator"), 3);
    cr_assert_str_eq(th_json_str(&r, "total.conversion_rate.percent"), "66.7");
    cr_assert(json_object_get(r.json, "groups") == NULL);
    th_response_free(&r);
    free(sum);

    r = th_request(&f.admin, "GET", "/api/v1/reports/sales?" MAY "&group_by=source", NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(str_at(group_of(&r, "Web"), "win_rate.percent"), "100.0");
    cr_assert_eq(int_at(group_of(&r, "Web"), "win_rate.won"), 2);
    cr_assert_str_eq(str_at(group_of(&r, "Referral"), "win_rate.percent"), "50.0");
    cr_assert_eq(int_at(group_of(&r, "Referral"), "conversion_rate.numerator"), 1);
    cr_assert_eq(int_at(group_of(&r, "Referral"), "conversion_rate.denominator"), 2);
    cr_assert_eq(int_at(group_of(&r, "Web"), "conversion_rate.denominator"), 1);
    cr_assert_str_eq(str_at(group_of(&r, "Web"), "average_deal_size.0.total"), "30001");
    cr_assert_str_eq(th_json_str(&r, "total.win_rate.percent"), "75.0");
    th_response_free(&r);

    r = th_request(&f.admin, "GET", "/api/v1/reports/funnel?" MAY, NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_eq(funnel_deals(&r, "New Lead"), 6);
    cr_assert_eq(funnel_deals(&r, "Contacted"), 1, "a deal counts once per stage it entered");
    cr_assert_eq(funnel_deals(&r, "Qualified"), 1);
    cr_assert_eq(funnel_deals(&r, "Closed Won"), 3);
    cr_assert_eq(funnel_deals(&r, "Closed Lost"), 1);
    cr_assert_eq(funnel_deals(&r, "Negotiation"), 0);
    th_response_free(&r);
    r = th_request(&f.admin, "GET", "/api/v1/reports/funnel?" MAY "&group_by=owner", NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "pipelines.0.stages.0.groups.0.owner.display_name"),
                     "Administrator", "%s", r.body);
    cr_assert_eq(th_json_int(&r, "pipelines.0.stages.0.groups.0.deals"), 6);
    th_response_free(&r);

    r = th_request(&f.admin, "GET", "/api/v1/reports/sales?to=2026-05-31", NULL);
    cr_assert_eq(r.status, 400, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "errors.0.field"), "from");
    th_response_free(&r);
    r = th_request(&f.admin, "GET", "/api/v1/reports/sales?from=2026-06-01&to=2026-05-31",
                   NULL);
    cr_assert_eq(r.status, 400, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "errors.0.rule"), "range");
    th_response_free(&r);

    fx_user_in_role(&f, "viewer", "Viewer", &viewer);
    r = th_request(&viewer, "GET", "/api/v1/reports/sales?" MAY, NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_eq(th_json_int(&r, "total.win_rate.denominator"), 4);
    th_response_free(&r);
    fx_user(&f, "nobody", "{\"deals.view\": \"all\"}", &nobody);
    r = th_request(&nobody, "GET", "/api/v1/reports/funnel?" MAY, NULL);
    cr_assert_eq(r.status, 403, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "permission"), "reports.view");
    th_response_free(&r);
    free(web);
    free(referral);
    free(cold);
    free(code);
}
