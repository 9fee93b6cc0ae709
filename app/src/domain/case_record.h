/*
 * The JSON forms of a case inside the domain: the API form built from a
 * database row, the tracked fields that history compares, and the forms of a
 * note and a history entry. Pure functions over jansson's current arena; no
 * I/O.
 */
#ifndef LENDASTACK_DOMAIN_CASE_RECORD_H
#define LENDASTACK_DOMAIN_CASE_RECORD_H

#include "core/arena.h"
#include "core/json.h"
#include "domain/case_rules.h"

/* Copies member from_key of from to to_key of to, as null when absent. */
void case_record_copy(json_t *to, const char *to_key, const json_t *from, const char *from_key);

/* Returns {id, display_name} from a row's user id and name columns, or null without an id. */
json_t *case_record_user(const json_t *row, const char *id_column, const char *name_column);

/*
 * Builds the API form of a case from a row of case_store_get() or
 * case_store_list(): the record as {id, code, reference, display_name,
 * lifecycle}, users as {id, display_name}, and next_statuses from the
 * transition table.
 */
json_t *case_record_from_row(const json_t *row);

/* Returns the statuses a case may move to from status from, as a JSON array of names. */
json_t *case_record_statuses(enum case_status from);

/*
 * Returns what history compares of a case in its API form: subject,
 * description, category, priority, channel, status, assignee_id, due_at,
 * resolution_note and the times of first response, resolution and closing.
 */
json_t *case_record_tracked(const json_t *record);

/*
 * Returns a copy of tracked fields (or of columns with the same names) with
 * every time in one form, UTC with six decimals, in a. So a due time sent as
 * 10:00+13:00 equals the 21:00Z read back.
 */
json_t *case_record_canonical(struct arena *a, const json_t *tracked);

/* Builds the API form of a note from a row of case_store_notes(). */
json_t *case_record_note(const json_t *row);

/* Builds a history entry {id, occurred_at, action, actor, changes} from a row of
 * case_store_history(). */
json_t *case_record_history_entry(const json_t *row);

#endif
