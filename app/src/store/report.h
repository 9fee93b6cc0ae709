/*
 * SQL of the sales reports. Each function is one statement over the scope's
 * tenant schema for a period [from, to], two dates in the tenant's time zone
 * with both days included, counts only what the visibility argument shows,
 * and blocks on PostgreSQL. Amounts and sums of seconds come back as decimal
 * text, because sums over many deals can outgrow int64.
 *
 * With grouping, rows carry the group's key: owner_id, owner_display_name and
 * owner_name (a lead owner no user matched) for REPORT_BY_OWNER, or source
 * for REPORT_BY_SOURCE.
 */
#ifndef LENDASTACK_STORE_REPORT_H
#define LENDASTACK_STORE_REPORT_H

#include <stdint.h>

#include "core/json.h"
#include "core/result.h"
#include "core/scope.h"
#include "store/deal.h"

enum report_group { REPORT_UNGROUPED, REPORT_BY_OWNER, REPORT_BY_SOURCE };

/* The period and grouping of a report. */
struct report_query {
    const struct deal_visibility *visibility;
    const char *from; /* YYYY-MM-DD, first day included */
    const char *to;   /* YYYY-MM-DD, last day included */
    enum report_group group;
    int64_t pipeline_id; /* the funnel of one pipeline, or 0 for all */
};

/*
 * Counts the deals that entered each stage in the period, from the stage
 * changes: rows {pipeline_id, stage_id, deals, group key}. A deal counts once
 * per stage however often it entered it.
 */
enum result report_store_funnel(struct scope *s, const struct report_query *q, json_t **rows);

/*
 * Counts the deals closed in the period: rows {won, lost, cycle_seconds,
 * group key}, where cycle_seconds sums the whole seconds from creation to
 * closing of the won and lost deals.
 */
enum result report_store_closed(struct scope *s, const struct report_query *q, json_t **rows);

/*
 * Sums the deals won in the period per currency: rows {currency, deals,
 * amount, average, group key}; average is the amount over the deals as
 * numeric, rounded half up to a whole minor unit.
 */
enum result report_store_won(struct scope *s, const struct report_query *q, json_t **rows);

/*
 * Counts the prospects created in the period and how many of them were
 * converted since: rows {created, converted, group key}, over the records
 * that the visibility's record rule shows.
 */
enum result report_store_prospects(struct scope *s, const struct report_query *q,
                                   json_t **rows);

#endif
