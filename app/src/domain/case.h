/*
 * Cases: a customer's or prospect's request or problem, numbered per tenant
 * (CASE-000001), assigned, noted, and moved through its statuses up to
 * resolution and closing. The moves between statuses come from the transition
 * table of domain/case_rules.h. This module applies them with the permissions
 * and effects they need, computes due times, and writes every change to the
 * audit history with the values before and after.
 *
 * Functions that write run inside the caller's transaction (db_begin() before,
 * db_commit() after). Failures fill s->problem with the field and the rule.
 * Every function blocks on PostgreSQL.
 *
 * Cases come back as JSON in the shape of the API: the record as
 * {id, code, reference, display_name, lifecycle}, assignee and creator as
 * {id, display_name} or null, overdue computed against the scope's clock,
 * next_statuses from the transition table, timestamps in RFC 3339 UTC.
 */
#ifndef LENDASTACK_DOMAIN_CASE_H
#define LENDASTACK_DOMAIN_CASE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/json.h"
#include "core/result.h"
#include "core/scope.h"
#include "store/case.h"

/* Whether the actor wants to read cases or change them. */
enum case_access { CASE_READ, CASE_WRITE };

#define CASE_SEARCH_MAX 200 /* characters of a search query */

/*
 * The visibility rule of cases, computed in this one place. The actor must see
 * the case's record (customer_visibility()) and hold cases.view. A role that
 * grants cases.view for "own" cases shows only cases assigned to the actor or
 * of records the actor owns. Writes need cases.update as well, limited the
 * same way. Without an actor every case is visible.
 */
struct case_visibility case_visibility(const struct actor *actor, enum case_access access,
                                       enum customer_archived archived);

/*
 * Returns the LIKE pattern that finds query anywhere in a case's number or
 * subject: folded like the stored text, with %, _ and \ escaped so they match
 * only themselves. NULL for a query that is empty once trimmed.
 */
char *case_search_pattern(struct arena *a, const char *query);

/*
 * Creates a case from a body naming its record by "customer" (a customer code)
 * or "prospect" (a prospect reference) that the actor may see. The case gets
 * the next number, status new, and a due time from the priority's target in
 * the tenant settings. An assignee needs cases.assign and a due time
 * cases.update (RESULT_DENIED naming the permission). *record is the new case.
 */
enum result case_create(struct scope *s, json_t *body, json_t **record);

/* Reads one case visible under v; RESULT_NOT_FOUND otherwise. */
enum result case_get(struct scope *s, enum case_key by, const char *key,
                     const struct case_visibility *v, json_t **record);

/*
 * Applies a PATCH body to a case that v lets the actor change. A status in
 * the body is a move: RESULT_CONFLICT ("invalid_transition", with
 * current_status and allowed) when the table forbids it, RESULT_DENIED naming
 * cases.close for resolving or closing without it, RESULT_INVALID naming
 * resolution_note when a move needs a note and has none. A closed case takes
 * nothing but {"status": "open"} (RESULT_CONFLICT "case_closed"). Changing the
 * assignee needs cases.assign. Changing the priority moves the due time to the
 * new priority's target unless the body sets due_at too.
 * RESULT_PRECONDITION_FAILED when the case's version is not expected_version.
 * A body that changes nothing leaves the version as it is.
 */
enum result case_update(struct scope *s, const char *number, const struct case_visibility *v,
                        int expected_version, json_t *body, json_t **record);

/*
 * Adds a note {body, visibility} to a case that v lets the actor change; a
 * closed case is RESULT_CONFLICT ("case_closed"). The first shareable note by
 * a staff member sets the case's first response time. *note is the new note.
 */
enum result case_add_note(struct scope *s, const char *number, const struct case_visibility *v,
                          json_t *body, json_t **note);

/*
 * Reads a page of a case's notes, oldest first, after the note with id
 * after_id (0 for the first page). *last_id is the id of the last note when
 * more follow, 0 otherwise.
 */
enum result case_notes(struct scope *s, int64_t case_id, int64_t after_id, int limit,
                       json_t **items, int64_t *last_id);

/*
 * Reads one page of a list; q->limit is the page size. *last_key and *last_id
 * are the sort key and id of the last case when more follow (*last_key NULL
 * otherwise).
 */
enum result case_list(struct scope *s, struct case_list_query *q, json_t **items,
                      const char **last_key, int64_t *last_id);

/*
 * Reads one page of a case's history: action, occurred_at, actor
 * {id, display_name} and changes {field: {before, after}}. Paging as
 * case_list().
 */
enum result case_history(struct scope *s, int64_t id, bool ascending, bool has_after,
                         const char *after_key, int64_t after_id, int limit, json_t **items,
                         const char **last_key, int64_t *last_id);

#endif
