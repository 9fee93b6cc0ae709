/*
 * Interactions and the timeline of a customer or prospect. An activity is a
 * call, email, meeting, visit, text message or note that a user records. The
 * timeline merges a record's activities, its cases opened and resolved, the
 * changes of its profile and its conversion from prospect into one list,
 * newest first. Both hang on the record's id, so a prospect's activities and
 * timeline stay with it when it becomes a customer.
 *
 * The caller finds the record (customer_find_id()), which applies the
 * visibility rule. Failures fill s->problem with the field and the rule.
 * Every function blocks on PostgreSQL, and activity_create() runs inside the
 * caller's transaction.
 */
#ifndef LENDASTACK_DOMAIN_ACTIVITY_H
#define LENDASTACK_DOMAIN_ACTIVITY_H

#include <stdbool.h>
#include <stdint.h>

#include "core/json.h"
#include "core/result.h"
#include "core/scope.h"
#include "store/activity.h"

/* How far in the future an occurred_at may be, for clocks that run a little ahead. */
#define ACTIVITY_FUTURE_TOLERANCE_SECONDS 300

/*
 * Records an activity of record customer_id from a body {kind, direction,
 * summary, details, occurred_at, duration_minutes}, with the actor as the
 * user who recorded it. occurred_at defaults to the scope's clock and may be
 * at most ACTIVITY_FUTURE_TOLERANCE_SECONDS ahead of it; a note takes no
 * direction. *activity is the new activity.
 */
enum result activity_create(struct scope *s, int64_t customer_id, json_t *body,
                            json_t **activity);

/*
 * Reads one page of a record's activities, newest first. *last_key and
 * *last_id are the sort key (occurred_at in microseconds) and id of the last
 * activity when more follow (*last_key NULL otherwise).
 */
enum result activity_list(struct scope *s, int64_t customer_id, bool has_after,
                          int64_t after_micros, int64_t after_id, int limit, json_t **items,
                          const char **last_key, int64_t *last_id);

/*
 * Reads a timeline cursor key ("<microseconds>:<kind>") into *after, in a.
 * Returns false for anything else.
 */
bool timeline_key_parse(struct arena *a, const char *key, int64_t id,
                        struct timeline_position *after);

/*
 * Reads one page of a record's timeline, newest first. Each entry is
 * {kind, id, occurred_at, actor, summary, details}; kind is activity,
 * case_opened, case_resolved, profile_change, conversion, deal_created,
 * deal_stage_changed, deal_won or deal_lost, and id is the id of the
 * activity, case, history entry or deal stage change. Cases and deals show
 * only when the actor may see them. *last_key and *last_id give the cursor of the next page, or
 * *last_key is NULL on the last page.
 */
enum result timeline_page(struct scope *s, int64_t customer_id,
                          const struct timeline_position *after, int limit, json_t **items,
                          const char **last_key, int64_t *last_id);

#endif
