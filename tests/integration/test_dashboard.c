/*
 * The dashboard through the API: every figure equals a direct SQL count over
 * the tenant's tables, archived records and their cases are left out, weeks
 * follow the tenant's time zone, and each user sees only what they may.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "tests/support/fixtures.h"

#define NOW "2026-12-04T12:00:00Z" /* Saturday 01:00 in Auckland, in the week of 2026-11-30 */
#define ZONE "Pacific/Auckland"

static struct th_response
dashboard(struct th_client *c)
{
    struct th_response r = fx_send(c, "GET", "/api/v1/dashboard", NULL, NOW);

    cr_assert_eq(r.status, 200, "%s", r.body);
    return r;
}

/* Counts with SQL over the tenant's live cases (joined to their records c), up to NOW. */
static long long
count_cases(const struct fx_tenant *f, const char *condition)
{
    return th_sql_int(th_fmt("SELECT count(*) FROM \"%s\".cases k JOIN \"%s\".customers c"
                             " ON c.id = k.customer_id WHERE c.archived_at IS NULL AND (%s)",
                             f->tenant.schema, f->tenant.schema, condition),
                      NULL);
}

static void
resolve(struct th_client *c, const char *number, long long version, const char *now)
{
    struct th_response r =
        fx_patch(c, th_fmt("/api/v1/cases/%s", number), version,
                 json_pack("{s:s, s:s}", "status", "resolved", "resolution_note", "Done."), now);

    cr_assert_eq(r.status, 200, "%s", r.body);
    th_response_free(&r);
}

/* A tenant with records and cases spread over the weeks before NOW. */
static void
fill(struct fx_tenant *f, char **archived_case)
{
    char *kept = fx_customer(&f->admin, "Kept", "One");
    char *other = fx_customer(&f->admin, "Kept", "Two");
    char *gone = fx_customer(&f->admin, "Gone", "Later");
    char *prospect = fx_prospect(&f->admin, "Pros", "Pect");
    char *cases[8];
    struct th_response r;

    free(fx_customer(&f->admin, "Kept", "Three"));
    free(fx_prospect(&f->admin, "Pros", "Two"));
    r = fx_patch(&f->admin, th_fmt("/api/v1/customers/%s", other), 1,
                 json_pack("{s:s}", "status", "dormant"), NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    th_response_free(&r);

    cases[0] = fx_case(&f->admin, "customer", kept, "Old and resolved", "normal",
                       "2026-10-20T09:00:00Z");
    cases[1] = fx_case(&f->admin, "customer", kept, "Mid November", "high",
                       "2026-11-10T09:00:00Z");
    cases[2] = fx_case(&f->admin, "customer", other, "Sunday night", "urgent",
                       "2026-11-29T23:30:00+13:00");
    cases[3] = fx_case(&f->admin, "prospect", prospect, "Monday morning", "low",
                       "2026-11-30T00:30:00+13:00");
    cases[4] = fx_case(&f->admin, "customer", kept, "This week", "normal",
                       "2026-12-03T09:00:00Z");
    cases[5] = fx_case(&f->admin, "customer", other, "Due soon", "low", "2026-12-04T11:00:00Z");
    cases[6] = fx_case(&f->admin, "customer", gone, "On a record archived later", "urgent",
                       "2026-11-20T09:00:00Z");
    cases[7] = fx_case(&f->admin, "customer", gone, "Resolved, archived later", "normal",
                       "2026-11-21T09:00:00Z");
    resolve(&f->admin, cases[0], 1, "2026-10-22T09:00:00Z");
    resolve(&f->admin, cases[1], 1, "2026-11-12T21:00:00Z");
    resolve(&f->admin, cases[7], 1, "2026-11-22T09:00:00Z");
    r = fx_patch(&f->admin, th_fmt("/api/v1/cases/%s", cases[4]), 1,
                 json_pack("{s:I, s:s}", "assignee_id", (json_int_t)1, "status", "pending"),
                 "2026-12-03T10:00:00Z");
    cr_assert_eq(r.status, 200, "%s", r.body);
    th_response_free(&r);
    r = fx_patch(&f->admin, th_fmt("/api/v1/cases/%s", cases[2]), 1,
                 json_pack("{s:I}", "assignee_id", (json_int_t)1), "2026-11-30T10:00:00Z");
    cr_assert_eq(r.status, 200, "%s", r.body);
    th_response_free(&r);
    r = th_request(&f->admin, "POST", th_fmt("/api/v1/customers/%s/archive", gone), NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    th_response_free(&r);

    *archived_case = strdup(cases[6]);
    for (int i = 0; i < 8; i++)
        free(cases[i]);
    free(kept);
    free(other);
    free(gone);
    free(prospect);
}

Test(dashboard, figures_equal_sql_counts)
{
    static const char *const customer_statuses[] = {"active", "inactive", "dormant",
                                                    "blacklisted"};
    static const char *const prospect_statuses[] = {"open", "qualified", "disqualified"};
    static const char *const open_statuses[] = {"new", "open", "pending"};
    static const char *const priorities[] = {"low", "normal", "high", "urgent"};
    struct fx_tenant f;
    struct th_response r;
    char *archived_case, *sql_median;
    json_t *week;
    size_t i;

    fx_init(&f, "dash", "--timezone " ZONE);
    fill(&f, &archived_case);
    r = dashboard(&f.admin);

    for (i = 0; i < 4; i++)
        cr_expect_eq(th_json_int(&r, th_fmt("records.customers.%s", customer_statuses[i])),
                     th_sql_int(th_fmt("SELECT count(*) FROM \"%s\".customers WHERE lifecycle ="
                                       " 'customer' AND status = $1 AND archived_at IS NULL",
                                       f.tenant.schema),
                                customer_statuses[i], NULL),
                     "customers %s", customer_statuses[i]);
    cr_assert_eq(th_json_int(&r, "records.customers.active"), 2, "the archived record is left out");
    for (i = 0; i < 3; i++)
        cr_expect_eq(th_json_int(&r, th_fmt("records.prospects.%s", prospect_statuses[i])),
                     th_sql_int(th_fmt("SELECT count(*) FROM \"%s\".customers WHERE lifecycle ="
                                       " 'prospect' AND status = $1 AND archived_at IS NULL",
                                       f.tenant.schema),
                                prospect_statuses[i], NULL),
                     "prospects %s", prospect_statuses[i]);

    cr_assert_eq(th_json_int(&r, "cases.open.total"),
                 count_cases(&f, "k.status IN ('new', 'open', 'pending')"));
    cr_assert_eq(th_json_int(&r, "cases.open.total"), 4);
    cr_assert_eq(th_sql_int(th_fmt("SELECT count(*) FROM \"%s\".cases WHERE status IN"
                                   " ('new', 'open', 'pending')",
                                   f.tenant.schema),
                            NULL),
                 5, "one open case belongs to the archived record");
    for (i = 0; i < 3; i++)
        cr_expect_eq(th_json_int(&r, th_fmt("cases.open.by_status.%s", open_statuses[i])),
                     count_cases(&f, th_fmt("k.status = '%s'", open_statuses[i])), "status %s",
                     open_statuses[i]);
    for (i = 0; i < 4; i++)
        cr_expect_eq(th_json_int(&r, th_fmt("cases.open.by_priority.%s", priorities[i])),
                     count_cases(&f, th_fmt("k.status IN ('new', 'open', 'pending')"
                                            " AND k.priority = '%s'",
                                            priorities[i])),
                     "priority %s", priorities[i]);
    cr_expect_eq(th_json_int(&r, "cases.open.by_status_and_priority.pending.normal"),
                 count_cases(&f, "k.status = 'pending' AND k.priority = 'normal'"));
    cr_assert_eq(th_json_int(&r, "cases.overdue"),
                 count_cases(&f, "k.status IN ('new', 'open', 'pending') AND k.due_at < '" NOW
                                 "'"));
    cr_assert_eq(th_json_int(&r, "cases.overdue"), 2);

    cr_assert_eq(json_array_size(fx_path(r.json, "cases.weekly")), 8);
    cr_assert_str_eq(th_json_str(&r, "cases.weekly.0.week_start"), "2026-10-12");
    cr_assert_str_eq(th_json_str(&r, "cases.weekly.7.week_start"), "2026-11-30");
    json_array_foreach(fx_path(r.json, "cases.weekly"), i, week)
    {
        const char *start = json_string_value(json_object_get(week, "week_start"));
        const char *in_week = "date_trunc('week', k.%s AT TIME ZONE '" ZONE "') = '%s'"
                              " AND k.%s <= '" NOW "'";

        cr_expect_eq(json_integer_value(json_object_get(week, "opened")),
                     count_cases(&f, th_fmt(in_week, "created_at", start, "created_at")),
                     "opened in the week of %s", start);
        cr_expect_eq(json_integer_value(json_object_get(week, "resolved")),
                     count_cases(&f, th_fmt(in_week, "resolved_at", start, "resolved_at")),
                     "resolved in the week of %s", start);
    }
    /* Sunday 23:30 and Monday 00:30 in Auckland are both Sunday in UTC, yet fall in two weeks. */
    cr_assert_eq(th_json_int(&r, "cases.weekly.6.opened"), 1, "%s", r.body);
    cr_assert_eq(th_json_int(&r, "cases.weekly.7.opened"), 3, "%s", r.body);
    cr_assert_eq(th_json_int(&r, "cases.recent.opened"),
                 count_cases(&f, "k.created_at > timestamptz '" NOW "' - interval '30 days'"
                                 " AND k.created_at <= '" NOW "'"));
    cr_assert_eq(th_json_int(&r, "cases.recent.resolved"),
                 count_cases(&f, "k.resolved_at > timestamptz '" NOW "' - interval '30 days'"
                                 " AND k.resolved_at <= '" NOW "'"));
    cr_assert_eq(th_json_int(&r, "cases.recent.resolved"), 1);

    sql_median = th_sql_text(
        th_fmt("SELECT round((percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM"
               " k.resolved_at - k.created_at)) / 3600)::numeric, 2)::text"
               " FROM \"%s\".cases k JOIN \"%s\".customers c ON c.id = k.customer_id"
               " WHERE c.archived_at IS NULL AND k.resolved_at > timestamptz '" NOW "'"
               " - interval '90 days'",
               f.tenant.schema, f.tenant.schema),
        NULL);
    cr_assert_float_eq(json_number_value(fx_path(r.json, "cases.median_time_to_resolution.hours")),
                       strtod(sql_median, NULL), 0.005, "SQL says %s", sql_median);
    cr_assert_float_eq(json_number_value(fx_path(r.json, "cases.median_time_to_resolution.hours")),
                       54.0, 0.005, "48 and 60 hours");

    cr_assert_eq((long long)json_array_size(fx_path(r.json, "cases.mine")),
                 count_cases(&f, "k.assignee_id = 1 AND k.status IN ('new', 'open', 'pending')"));
    cr_assert_str_eq(th_json_str(&r, "cases.mine.0.subject"), "Sunday night", "earliest due first");
    cr_assert_str_eq(th_json_str(&r, "cases.newest_overdue.0.subject"), "Monday morning",
                     "the latest due time first: %s", r.body);
    cr_assert_str_eq(th_json_str(&r, "cases.newest_overdue.1.subject"), "Sunday night");
    cr_assert_eq(json_array_size(fx_path(r.json, "cases.newest_overdue")), 2);
    cr_assert(strstr(r.body, archived_case) == NULL, "the archived record's case shows");
    cr_assert_str_eq(th_json_str(&r, "deals_by_stage.pipeline.name"), "Sales");
    cr_assert_eq(json_array_size(fx_path(r.json, "deals_by_stage.stages")), 10);
    cr_assert_eq(th_json_int(&r, "deals_by_stage.stages.0.count"), 0, "no deals yet");
    cr_assert_str_eq(th_json_str(&r, "time_zone"), ZONE);
    th_response_free(&r);
    free(sql_median);
    free(archived_case);
}

Test(dashboard, figures_follow_permissions)
{
    struct fx_tenant f;
    struct th_client reader, own, assigned;
    struct th_response r;
    char *archived_case, *mine;
    long long user;

    fx_init(&f, "dash-perm", "--timezone " ZONE);
    fill(&f, &archived_case);
    fx_user(&f, "reader", "{\"customers.view\":\"all\"}", &reader);
    r = dashboard(&reader);
    cr_assert(json_is_null(json_object_get(r.json, "cases")), "%s", r.body);
    cr_assert(json_is_null(fx_path(r.json, "records.prospects")));
    cr_assert_eq(th_json_int(&r, "records.customers.active"), 2);
    th_response_free(&r);

    user = fx_user(&f, "officer",
                   "{\"customers.view\":\"own\",\"customers.create\":\"all\","
                   "\"cases.view\":\"own\",\"cases.create\":\"all\"}",
                   &own);
    mine = fx_customer(&own, "Owned", "ByOfficer");
    free(fx_case(&own, "customer", mine, "Officer's own", "urgent", "2026-12-01T09:00:00Z"));
    r = dashboard(&own);
    cr_assert_eq(th_json_int(&r, "records.customers.active"), 1, "%s", r.body);
    cr_assert_eq(th_json_int(&r, "cases.open.total"), 1);
    cr_assert_eq(th_json_int(&r, "cases.overdue"), 1);
    cr_assert_eq(json_array_size(fx_path(r.json, "cases.mine")), 0, "nothing is assigned");
    cr_assert_str_eq(th_json_str(&r, "cases.newest_overdue.0.subject"), "Officer's own");
    cr_assert_eq(th_json_int(&r, "cases.weekly.7.opened"), 1);
    th_response_free(&r);
    cr_assert_gt(user, 1);

    /* Every record, but only cases assigned to the user: one live, one on the archived record. */
    user = fx_user(&f, "assigned",
                   "{\"customers.view\":\"all\",\"prospects.view\":\"all\","
                   "\"cases.view\":\"own\"}",
                   &assigned);
    r = fx_patch(&f.admin, "/api/v1/cases/CASE-000006", 1,
                 json_pack("{s:I}", "assignee_id", (json_int_t)user), NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "subject"), "Due soon");
    th_response_free(&r);
    r = fx_patch(&f.admin, th_fmt("/api/v1/cases/%s?include_archived=true", archived_case), 1,
                 json_pack("{s:I}", "assignee_id", (json_int_t)user), NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    th_response_free(&r);
    r = dashboard(&assigned);
    cr_assert_eq(th_json_int(&r, "records.customers.active"), 3, "the officer's record too: %s",
                 r.body);
    cr_assert_eq(th_json_int(&r, "cases.open.total"), 1, "%s", r.body);
    cr_assert_eq(th_json_int(&r, "cases.open.by_priority.low"), 1);
    cr_assert_eq(th_json_int(&r, "cases.overdue"), 0, "the archived record's case is left out");
    cr_assert_str_eq(th_json_str(&r, "cases.mine.0.subject"), "Due soon");
    cr_assert_eq(json_array_size(fx_path(r.json, "cases.mine")), 1);
    cr_assert_eq(th_json_int(&r, "cases.weekly.7.opened"), 1);
    th_response_free(&r);
    free(mine);
    free(archived_case);
}
