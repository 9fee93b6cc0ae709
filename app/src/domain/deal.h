/*
 * Deals: a sale in progress with a customer or prospect, in a stage of a
 * pipeline, with an amount in integer minor units of an ISO 4217 currency.
 * A deal's status follows its stage's kind: open, won or lost. Moves between
 * stages are recorded with their time and user, from which the history shows
 * the time spent in each stage. Winning a deal for a prospect converts the
 * prospect to a customer through customer_convert(), in the move's
 * transaction, when the tenant setting deal_win_converts_prospect is on and
 * the mover has prospects.convert.
 *
 * Functions that write run inside the caller's transaction (db_begin() before,
 * db_commit() after). Failures fill s->problem with the field and the rule.
 * Every function blocks on PostgreSQL.
 *
 * Deals come back as JSON in the shape of the API: the record as {id, code,
 * reference, display_name, lifecycle}, pipeline as {id, name}, stage as {id,
 * name, kind, probability}, owner and creator as {id, display_name} or null,
 * amounts as integers of minor units, timestamps in RFC 3339 UTC.
 */
#ifndef LENDASTACK_DOMAIN_DEAL_H
#define LENDASTACK_DOMAIN_DEAL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/json.h"
#include "core/result.h"
#include "core/scope.h"
#include "store/deal.h"

/* Whether the actor wants to read deals or change them. */
enum deal_access { DEAL_READ, DEAL_WRITE };

#define DEAL_SEARCH_MAX 200 /* characters of a search query */

/* The priorities of a deal, lowest first; NULL-terminated. */
extern const char *const deal_priority_names[];

/*
 * The visibility rule of deals, computed in this one place. The actor must
 * see the deal's record (customer_visibility(), archived records left out)
 * and hold deals.view. A role that grants deals.view for "own" deals shows
 * only deals owned by the actor or of records the actor owns. Writes need
 * deals.update as well, limited the same way. Without an actor every deal is
 * visible.
 */
struct deal_visibility deal_visibility(const struct actor *actor, enum deal_access access);

/*
 * Creates a deal from a body naming its record by "customer" (a customer
 * code) or "prospect" (a prospect reference) that the actor may see. The
 * stage defaults to the first stage of the pipeline, and the pipeline to the
 * default one; the currency defaults to the tenant's, the owner to the actor
 * and the priority to medium. A deal created in a lost stage needs a
 * lost_reason. *deal is the new deal.
 */
enum result deal_create(struct scope *s, json_t *body, json_t **deal);

/* Reads one deal visible under v; RESULT_NOT_FOUND otherwise. */
enum result deal_get(struct scope *s, int64_t id, const struct deal_visibility *v,
                     json_t **deal);

/*
 * Applies a PATCH body to a deal that v lets the actor change: title, amount,
 * currency, expected_close_date, owner_id, priority, source, lost_reason
 * (of a lost deal only) and notes. The stage changes through deal_move() and
 * the record never. RESULT_PRECONDITION_FAILED when the deal's version is not
 * expected_version. A body that changes nothing leaves the version as it is.
 */
enum result deal_update(struct scope *s, int64_t id, const struct deal_visibility *v,
                        int expected_version, json_t *body, json_t **deal);

/*
 * Moves a deal that v lets the actor change to {stage_id, lost_reason?}, a
 * live stage of any pipeline, and records the stage change. A lost stage
 * needs a lost_reason unless the deal is lost already; leaving a lost stage
 * clears it. expected_version 0 accepts any version. Moving to the stage the
 * deal is in changes nothing.
 *
 * *conversion is null unless the move wins the deal (from a stage of another
 * kind). Then it is {"converted": true, "customer_code"} when this move
 * converted the deal's prospect, or {"converted": false, "reason", "detail"}
 * with reason "already_customer" (the record was a customer when the move
 * began, with "customer_code"), "setting_off", "permission" (with
 * "permission": "prospects.convert"), "already_converted" (a concurrent move
 * converted it first, with "customer_code") or another conflict of
 * customer_convert() ("prospect_disqualified"). The move succeeds in every
 * one of these cases.
 */
enum result deal_move(struct scope *s, int64_t id, const struct deal_visibility *v,
                      int expected_version, json_t *body, json_t **deal, json_t **conversion);

/*
 * Reads one page of a list; q->limit is the page size. *last_key and *last_id
 * are the sort key and id of the last deal when more follow (*last_key NULL
 * otherwise).
 */
enum result deal_list(struct scope *s, struct deal_list_query *q, json_t **items,
                      const char **last_key, int64_t *last_id);

/*
 * Reads one page of a deal's stage history, oldest first after the change
 * with id after_id (0 for the first page): {id, from_stage, to_stage,
 * changed_at, changed_by, left_at, seconds_in_stage, current}. *last_id is
 * the id of the last entry when more follow, 0 otherwise.
 */
enum result deal_history(struct scope *s, int64_t id, int64_t after_id, int limit,
                         json_t **items, int64_t *last_id);

/*
 * Sums the deals of a pipeline visible under v: {pipeline: {id, name,
 * is_default, created_at, updated_at}, stages: [{id, name, position,
 * probability, kind, count, totals}]}, with totals as deal_board() has them.
 * RESULT_NOT_FOUND for an unknown pipeline.
 */
enum result deal_stage_summary(struct scope *s, int64_t pipeline_id,
                               const struct deal_visibility *v, json_t **summary);

/*
 * Builds the board of a pipeline from the deals the actor may see: the
 * pipeline, and per live stage its counts and amounts per currency (totals:
 * [{currency, count, amount, weighted_amount}], amounts as decimal text of
 * minor units), the total count, and the first limit deals in board order.
 * When more deals follow, a stage has "next_after": {"key", "id"}, from which
 * the API makes the cursor of its next page. RESULT_NOT_FOUND for an unknown
 * pipeline.
 */
enum result deal_board(struct scope *s, int64_t pipeline_id, int limit, json_t **board);

#endif
