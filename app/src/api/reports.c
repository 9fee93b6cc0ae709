/*
 * Sales reports under /api/v1/reports: the funnel and the sales figures of a
 * period from..to (dates in the tenant's time zone, both included),
 * optionally grouped by deal owner or source.
 */
#include <stdlib.h>
#include <string.h>

#include "api/paging.h"
#include "api/routes.h"
#include "core/validate.h"
#include "domain/deal.h"
#include "domain/report.h"
#include "http/response.h"

static enum result
bad_parameter(struct request *req, const char *name, const char *rule, const char *message)
{
    problem_field(&req->problem, name, rule, "%s", message);
    return response_fail(req, RESULT_MALFORMED, "invalid_parameter",
                         "The query parameter %s is not valid. %s", name, message);
}

/* Returns the days since 1970-01-01 of a valid YYYY-MM-DD date (proleptic Gregorian). */
static long
epoch_days(const char *date)
{
    long y = strtol(date, NULL, 10), m = strtol(date + 5, NULL, 10);
    long d = strtol(date + 8, NULL, 10);
    long era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Reads from, to and group_by into q. */
static enum result
report_parameters(struct request *req, struct report_query *q)
{
    const char *group = request_query(req, "group_by");
    long days;

    q->from = request_query(req, "from");
    q->to = request_query(req, "to");
    if (q->from == NULL)
        return bad_parameter(req, "from", "required",
                             "Name the first day of the period, such as 2026-01-01.");
    if (q->to == NULL)
        return bad_parameter(req, "to", "required",
                             "Name the last day of the period, such as 2026-03-31.");
    if (!validate_date(q->from))
        return bad_parameter(req, "from", "format", "Must be a date such as 2026-01-01.");
    if (!validate_date(q->to))
        return bad_parameter(req, "to", "format", "Must be a date such as 2026-03-31.");
    days = epoch_days(q->to) - epoch_days(q->from) + 1;
    if (days < 1)
        return bad_parameter(req, "to", "range", "Must be the same day as from or later.");
    if (days > REPORT_DAYS_MAX)
        return bad_parameter(req, "to", "range",
                             "A period is at most 3660 days; ask for a shorter one.");
    q->group = REPORT_UNGROUPED;
    if (group != NULL && strcmp(group, "owner") == 0)
        q->group = REPORT_BY_OWNER;
    else if (group != NULL && strcmp(group, "source") == 0)
        q->group = REPORT_BY_SOURCE;
    else if (group != NULL)
        return bad_parameter(req, "group_by", "choice", "Must be owner or source.");
    return RESULT_OK;
}

static enum result
reports_funnel(struct request *req)
{
    static const char *const known[] = {"from", "to", "group_by", "pipeline", NULL};
    struct deal_visibility v = deal_visibility(req->scope.actor, DEAL_READ);
    struct report_query q = {&v, NULL, NULL, REPORT_UNGROUPED, 0};
    json_t *report;
    bool present;
    enum result r;

    if ((r = paging_check_parameters(req, known)) != RESULT_OK ||
        (r = report_parameters(req, &q)) != RESULT_OK ||
        (r = paging_query_int(req, "pipeline", 1, INT64_MAX, &q.pipeline_id, &present)) !=
            RESULT_OK)
        return r;
    r = report_funnel(&req->scope, &q, &report);
    if (r == RESULT_NOT_FOUND)
        return bad_parameter(req, "pipeline", "not_found", "No pipeline has this id.");
    if (r != RESULT_OK)
        return r;
    response_json(req, 200, report);
    return RESULT_OK;
}

static enum result
reports_sales(struct request *req)
{
    static const char *const known[] = {"from", "to", "group_by", NULL};
    struct deal_visibility v = deal_visibility(req->scope.actor, DEAL_READ);
    struct report_query q = {&v, NULL, NULL, REPORT_UNGROUPED, 0};
    json_t *report;
    enum result r;

    if ((r = paging_check_parameters(req, known)) != RESULT_OK ||
        (r = report_parameters(req, &q)) != RESULT_OK ||
        (r = report_sales(&req->scope, &q, &report)) != RESULT_OK)
        return r;
    response_json(req, 200, report);
    return RESULT_OK;
}

const struct route report_routes[] = {
    {HTTP_GET, "/api/v1/reports/funnel", reports_funnel, PERM_REPORTS_VIEW, 0},
    {HTTP_GET, "/api/v1/reports/sales", reports_sales, PERM_REPORTS_VIEW, 0},
    {0, NULL, NULL, PERM_NONE, 0},
};
