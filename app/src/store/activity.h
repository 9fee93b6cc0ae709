/*
 * SQL of activities (calls, emails, meetings, visits, text messages and notes
 * recorded for a customer or prospect) and of the timeline that merges them
 * with the record's other events. Every function runs in the scope's tenant
 * schema and blocks on PostgreSQL; writes belong in the caller's transaction.
 */
#ifndef LENDASTACK_STORE_ACTIVITY_H
#define LENDASTACK_STORE_ACTIVITY_H

#include <stdbool.h>
#include <stdint.h>

#include "core/json.h"
#include "core/result.h"
#include "core/scope.h"
#include "store/case.h"
#include "store/deal.h"

/*
 * Inserts an activity of a record from columns keyed by column name (kind,
 * direction, summary, details, occurred_at, duration_minutes) and returns its
 * row as activity_store_list() reads it. recorded_by and created_at come from
 * the scope.
 */
enum result activity_store_insert(struct scope *s, int64_t customer_id, json_t *columns,
                                  json_t **row);

/*
 * One page of a record's activities, newest first by occurred_at and id, after
 * (after_micros, after_id) when has_after is set: id, kind, direction,
 * summary, details, occurred_at, duration_minutes, recorded_by,
 * recorded_by_name and sort_key (occurred_at in microseconds, as text).
 */
enum result activity_store_list(struct scope *s, int64_t customer_id, bool has_after,
                                int64_t after_micros, int64_t after_id, int limit,
                                json_t **rows);

/* A position in a timeline: the entry after which a page starts. */
struct timeline_position {
    int64_t micros;   /* occurred_at, microseconds since the epoch */
    const char *kind; /* the entry's kind, e.g. "activity" */
    int64_t id;       /* the id of the entry in its source table */
};

/*
 * One page of a record's timeline, newest first by (occurred_at, kind, id),
 * after *after when it is not NULL. Rows: kind, id, occurred_at, actor_id,
 * actor_name, summary, details and micros. Only the cases visible under cases
 * (case_store_where_visible()) and the deal stage changes of deals visible
 * under deals (deal_store_where_visible()) appear.
 */
enum result timeline_store_page(struct scope *s, int64_t customer_id,
                                const struct case_visibility *cases,
                                const struct deal_visibility *deals,
                                const struct timeline_position *after, int limit,
                                json_t **rows);

#endif
