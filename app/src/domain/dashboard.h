/*
 * The dashboard: the figures of a tenant that a signed-in user sees first,
 * each limited by the visibility rules and leaving archived records out.
 * Figures the actor has no permission for are null. Blocks on PostgreSQL.
 */
#ifndef LENDASTACK_DOMAIN_DASHBOARD_H
#define LENDASTACK_DOMAIN_DASHBOARD_H

#include "core/json.h"
#include "core/result.h"
#include "core/scope.h"

#define DASHBOARD_WEEKS 8        /* weeks of opened and resolved cases, this one included */
#define DASHBOARD_RECENT_DAYS 30 /* days of 24 hours of recent openings and resolutions */
#define DASHBOARD_MEDIAN_DAYS 90 /* the period of the median time to resolution */
#define DASHBOARD_CASE_LIST 10   /* cases in each list */

/*
 * Builds the dashboard as one JSON object with as_of (the clock), time_zone,
 * records, cases and deals_by_stage. records counts customers and prospects
 * by status. cases has open cases by status and priority, the overdue count,
 * weekly and recent openings and resolutions, the median time to resolution,
 * the actor's open cases and the newest overdue ones. deals_by_stage has the
 * default pipeline's stages with their deal counts and amounts per currency
 * (deal_stage_summary()), or null when the actor may not see deals.
 */
enum result dashboard_build(struct scope *s, json_t **dashboard);

#endif
