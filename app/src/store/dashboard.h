/*
 * SQL of the dashboard's figures. Each function is one statement over the
 * scope's tenant schema, counts only what the visibility arguments show, and
 * blocks on PostgreSQL. Times are counted against the scope's clock; weeks
 * start on Monday in the tenant's time zone.
 */
#ifndef LENDASTACK_STORE_DASHBOARD_H
#define LENDASTACK_STORE_DASHBOARD_H

#include "core/json.h"
#include "core/result.h"
#include "core/scope.h"
#include "store/case.h"

/* Counts visible records by lifecycle and status: rows {lifecycle, status, n}. */
enum result dashboard_store_records(struct scope *s, const struct customer_visibility *v,
                                    json_t **rows);

/*
 * Counts visible open cases (new, open, pending) by status and priority: rows
 * {status, priority, n, overdue}.
 */
enum result dashboard_store_open_cases(struct scope *s, const struct case_visibility *v,
                                       json_t **rows);

/*
 * Counts visible cases opened and resolved per week, for the current week and
 * the weeks - 1 weeks before it, oldest first: rows {week (YYYY-MM-DD of its
 * Monday), opened, resolved, opened_recent, resolved_recent}, where the
 * recent counts are the cases of the week that fall in the recent_days
 * days (of 24 hours) before the clock.
 */
enum result dashboard_store_weekly(struct scope *s, const struct case_visibility *v, int weeks,
                                   int recent_days, json_t **rows);

/*
 * Returns the median time from creation to resolution, in seconds, of the
 * visible cases resolved in the last days days; *median is -1 when there are
 * none.
 */
enum result dashboard_store_median_resolution(struct scope *s, const struct case_visibility *v,
                                              int days, double *median);

/*
 * Lists up to limit visible open cases: assigned to assignee_id by due time
 * (assignee_id > 0), or overdue ones with the latest due time first
 * (assignee_id 0). Rows {number, subject, status, priority, due_at,
 * customer_code, customer_reference, customer_name, assignee_id, assignee_name}.
 */
enum result dashboard_store_cases(struct scope *s, const struct case_visibility *v,
                                  int64_t assignee_id, int limit, json_t **rows);

#endif
