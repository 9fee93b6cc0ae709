/*
 * Sales reports over a period of days in the tenant's time zone, optionally
 * grouped by deal owner or source, counting only the deals the actor may see
 * (deal_visibility()). Rates come as exact fractions (numerator and
 * denominator) and as a percentage with one decimal; amounts as decimal text
 * of minor units per currency; days with one decimal. Every rounding is half
 * up, done with integers or PostgreSQL numeric, never floating point. Every
 * function blocks on PostgreSQL.
 */
#ifndef LENDASTACK_DOMAIN_REPORT_H
#define LENDASTACK_DOMAIN_REPORT_H

#include "core/json.h"
#include "core/result.h"
#include "core/scope.h"
#include "store/report.h"

#define REPORT_DAYS_MAX 3660 /* days in one report's period */

/* Returns "owner", "source" or NULL for the ungrouped report. */
const char *report_group_name(enum report_group group);

/*
 * Builds the funnel: per pipeline (one when q->pipeline_id is set) and stage,
 * the number of deals that entered the stage in the period, from the stage
 * changes, so a deal counts for every stage it entered. Stages removed since
 * appear when deals entered them, with "removed": true.
 */
enum result report_funnel(struct scope *s, const struct report_query *q, json_t **report);

/*
 * Builds the sales figures of the period: win rate (won over won and lost of
 * the deals closed in the period), average size of the deals won per
 * currency, average cycle time (creation to closing of those deals, in days)
 * and the conversion rate of the prospects created in the period. "total"
 * covers every visible deal; with grouping, "groups" has the same figures per
 * owner or source.
 */
enum result report_sales(struct scope *s, const struct report_query *q, json_t **report);

#endif
