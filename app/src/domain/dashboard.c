#include <math.h>
#include <string.h>

#include "core/clock.h"
#include "domain/case.h"
#include "domain/case_rules.h"
#include "domain/customer.h"
#include "domain/dashboard.h"
#include "domain/deal.h"
#include "store/dashboard.h"
#include "store/pipeline.h"

static const char *const customer_statuses[] = {"active", "inactive", "dormant", "blacklisted",
                                                NULL};
static const char *const prospect_statuses[] = {"open", "qualified", "disqualified", NULL};

/* Returns {name: 0} for every name of a NULL-terminated list. */
static json_t *
zero_counts(const char *const *names)
{
    json_t *counts = json_object();

    for (; *names != NULL; names++)
        json_object_set_new(counts, *names, json_integer(0));
    return counts;
}

/* Adds n to counts[name]. */
static void
count_add(json_t *counts, const char *name, int64_t n)
{
    if (name != NULL)
        json_object_set_new(counts, name, json_integer(json_int(counts, name, 0) + n));
}

/* Customers and prospects by status; a lifecycle the actor may not see is null. */
static enum result
dashboard_records(struct scope *s, json_t *dashboard)
{
    struct customer_visibility v = customer_visibility(s->actor, CUSTOMER_READ, CUSTOMER_LIVE);
    json_t *records = json_object(), *customers, *prospects, *rows, *row;
    size_t i;
    enum result r;

    customers = v.customers ? zero_counts(customer_statuses) : json_null();
    prospects = v.prospects ? zero_counts(prospect_statuses) : json_null();
    if ((v.customers || v.prospects) &&
        (r = dashboard_store_records(s, &v, &rows)) != RESULT_OK)
        return r;
    if (v.customers || v.prospects) {
        json_array_foreach(rows, i, row)
        {
            bool customer = strcmp(json_str(row, "lifecycle"), "customer") == 0;

            count_add(customer ? customers : prospects, json_str(row, "status"),
                      json_int(row, "n", 0));
        }
    }
    json_object_set_new(records, "customers", customers);
    json_object_set_new(records, "prospects", prospects);
    json_object_set_new(dashboard, "records", records);
    return RESULT_OK;
}

/* Open cases by status, by priority and by both, and how many are overdue. */
static enum result
dashboard_open_cases(struct scope *s, const struct case_visibility *v, json_t *cases)
{
    static const char *const open_statuses[] = {"new", "open", "pending", NULL};
    json_t *rows, *row, *open = json_object();
    json_t *by_status = zero_counts(open_statuses);
    json_t *by_priority = zero_counts(case_priority_names);
    json_t *matrix = json_object();
    int64_t total = 0, overdue = 0;
    size_t i;
    enum result r;

    if ((r = dashboard_store_open_cases(s, v, &rows)) != RESULT_OK)
        return r;
    for (const char *const *status = open_statuses; *status != NULL; status++)
        json_object_set_new(matrix, *status, zero_counts(case_priority_names));
    json_array_foreach(rows, i, row)
    {
        const char *status = json_str(row, "status");
        int64_t n = json_int(row, "n", 0);

        count_add(by_status, status, n);
        count_add(by_priority, json_str(row, "priority"), n);
        count_add(json_object_get(matrix, status), json_str(row, "priority"), n);
        total += n;
        overdue += json_int(row, "overdue", 0);
    }
    json_object_set_new(open, "total", json_integer(total));
    json_object_set_new(open, "by_status", by_status);
    json_object_set_new(open, "by_priority", by_priority);
    json_object_set_new(open, "by_status_and_priority", matrix);
    json_object_set_new(cases, "open", open);
    json_object_set_new(cases, "overdue", json_integer(overdue));
    return RESULT_OK;
}

/* Cases opened and resolved per week and in the recent period. */
static enum result
dashboard_weekly(struct scope *s, const struct case_visibility *v, json_t *cases)
{
    json_t *rows, *row, *weeks = json_array(), *recent = json_object();
    int64_t opened = 0, resolved = 0;
    size_t i;
    enum result r;

    if ((r = dashboard_store_weekly(s, v, DASHBOARD_WEEKS, DASHBOARD_RECENT_DAYS, &rows)) !=
        RESULT_OK)
        return r;
    json_array_foreach(rows, i, row)
    {
        json_t *week = json_object();

        json_object_set(week, "week_start", json_object_get(row, "week"));
        json_object_set(week, "opened", json_object_get(row, "opened"));
        json_object_set(week, "resolved", json_object_get(row, "resolved"));
        json_array_append_new(weeks, week);
        opened += json_int(row, "opened_recent", 0);
        resolved += json_int(row, "resolved_recent", 0);
    }
    json_object_set_new(recent, "days", json_integer(DASHBOARD_RECENT_DAYS));
    json_object_set_new(recent, "opened", json_integer(opened));
    json_object_set_new(recent, "resolved", json_integer(resolved));
    json_object_set_new(cases, "weekly", weeks);
    json_object_set_new(cases, "recent", recent);
    return RESULT_OK;
}

/* The median time from creation to resolution, in hours, or null without resolved cases. */
static enum result
dashboard_median(struct scope *s, const struct case_visibility *v, json_t *cases)
{
    json_t *median = json_object();
    double seconds;
    enum result r;

    if ((r = dashboard_store_median_resolution(s, v, DASHBOARD_MEDIAN_DAYS, &seconds)) !=
        RESULT_OK)
        return r;
    json_object_set_new(median, "days", json_integer(DASHBOARD_MEDIAN_DAYS));
    json_object_set_new(median, "hours",
                        seconds < 0 ? json_null() : json_real(round(seconds / 36.0) / 100.0));
    json_object_set_new(cases, "median_time_to_resolution", median);
    return RESULT_OK;
}

/* A short form of the cases of a list: assigned to assignee_id, or overdue when 0. */
static enum result
dashboard_case_list(struct scope *s, const struct case_visibility *v, int64_t assignee_id,
                    json_t **list)
{
    json_t *rows, *row;
    size_t i;
    enum result r;

    *list = json_array();
    if ((r = dashboard_store_cases(s, v, assignee_id, DASHBOARD_CASE_LIST, &rows)) != RESULT_OK)
        return r;
    json_array_foreach(rows, i, row)
    {
        json_t *item = json_object(), *record = json_object(), *assignee = json_null();

        json_object_set(item, "number", json_object_get(row, "number"));
        json_object_set(item, "subject", json_object_get(row, "subject"));
        json_object_set(item, "status", json_object_get(row, "status"));
        json_object_set(item, "priority", json_object_get(row, "priority"));
        json_object_set(item, "due_at", json_object_get(row, "due_at"));
        json_object_set(record, "code", json_object_get(row, "customer_code"));
        json_object_set(record, "reference", json_object_get(row, "customer_reference"));
        json_object_set(record, "display_name", json_object_get(row, "customer_name"));
        json_object_set_new(item, "customer", record);
        if (json_is_integer(json_object_get(row, "assignee_id"))) {
            assignee = json_object();
            json_object_set(assignee, "id", json_object_get(row, "assignee_id"));
            json_object_set(assignee, "display_name", json_object_get(row, "assignee_name"));
        }
        json_object_set_new(item, "assignee", assignee);
        json_array_append_new(*list, item);
    }
    return RESULT_OK;
}

/* Every case figure; null when the actor may not see cases. */
static enum result
dashboard_cases(struct scope *s, json_t *dashboard)
{
    struct case_visibility v = case_visibility(s->actor, CASE_READ, CUSTOMER_LIVE);
    json_t *cases, *mine = json_array(), *overdue;
    enum result r;

    if (!v.cases) {
        json_object_set_new(dashboard, "cases", json_null());
        return RESULT_OK;
    }
    cases = json_object();
    if ((r = dashboard_open_cases(s, &v, cases)) != RESULT_OK ||
        (r = dashboard_weekly(s, &v, cases)) != RESULT_OK ||
        (r = dashboard_median(s, &v, cases)) != RESULT_OK ||
        (s->actor != NULL &&
         (r = dashboard_case_list(s, &v, s->actor->user_id, &mine)) != RESULT_OK) ||
        (r = dashboard_case_list(s, &v, 0, &overdue)) != RESULT_OK)
        return r;
    json_object_set_new(cases, "mine", mine);
    json_object_set_new(cases, "newest_overdue", overdue);
    json_object_set_new(dashboard, "cases", cases);
    return RESULT_OK;
}

/*
 * Deals by stage of the default pipeline: count, total and weighted amount
 * per stage and currency, counted under the deal visibility rule (visible
 * records only, archived ones left out); null when the actor may not see
 * deals.
 */
static enum result
dashboard_deals(struct scope *s, json_t *dashboard)
{
    struct deal_visibility v = deal_visibility(s->actor, DEAL_READ);
    json_t *summary;
    int64_t pipeline_id;
    enum result r;

    if (!v.deals) {
        json_object_set_new(dashboard, "deals_by_stage", json_null());
        return RESULT_OK;
    }
    if ((r = pipeline_store_default(s, &pipeline_id)) != RESULT_OK ||
        (r = deal_stage_summary(s, pipeline_id, &v, &summary)) != RESULT_OK)
        return r;
    json_object_set_new(dashboard, "deals_by_stage", summary);
    return RESULT_OK;
}

enum result
dashboard_build(struct scope *s, json_t **dashboard)
{
    enum result r;

    *dashboard = json_object();
    json_object_set_new(*dashboard, "as_of",
                        json_string(clock_format_rfc3339(s->arena, s->now_us)));
    json_object_set_new(*dashboard, "time_zone", json_string(s->tenant->time_zone));
    if ((r = dashboard_records(s, *dashboard)) != RESULT_OK ||
        (r = dashboard_cases(s, *dashboard)) != RESULT_OK ||
        (r = dashboard_deals(s, *dashboard)) != RESULT_OK)
        return r;
    return RESULT_OK;
}
