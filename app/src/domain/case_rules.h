/*
 * The pure rules of cases, without I/O: the statuses and the moves allowed
 * between them (the one transition table), what a move needs, the priorities
 * with the settings that contain their targets, and how a target becomes a due
 * time.
 */
#ifndef LENDASTACK_DOMAIN_CASE_RULES_H
#define LENDASTACK_DOMAIN_CASE_RULES_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/settings.h"

enum case_status {
    CASE_NEW,
    CASE_OPEN,
    CASE_PENDING, /* waiting on the customer */
    CASE_RESOLVED,
    CASE_CLOSED,
    CASE_STATUS_COUNT
};

enum case_priority { CASE_LOW, CASE_NORMAL, CASE_HIGH, CASE_URGENT, CASE_PRIORITY_COUNT };

/* NULL-terminated name lists, in enum order, for field tables and messages. */
extern const char *const case_status_names[];
extern const char *const case_priority_names[];
extern const char *const case_channel_names[];

/* Finds a status or priority by name. Returns false for an unknown name. */
bool case_status_parse(const char *name, enum case_status *out);
bool case_priority_parse(const char *name, enum case_priority *out);

/* True for new, open and pending: the case still needs work and can be overdue. */
bool case_status_is_open(enum case_status s);

/*
 * True when a case may move from one status to another. Staying in the same
 * status is no move and returns false. The moves are:
 *   new, open, pending  -> each other, resolved, closed
 *   resolved            -> closed, open (reopened)
 *   closed              -> open (reopened)
 */
bool case_move_allowed(enum case_status from, enum case_status to);

/* Returns the statuses a case may move to from status from, as bits 1 << status. */
unsigned case_moves_from(enum case_status from);

/* True when the move needs cases.close: it resolves or closes the case. */
bool case_move_needs_close(enum case_status to);

/*
 * True when the move needs a resolution note: resolving, and closing a case
 * that was not resolved first. A reopened case loses its note, so resolving
 * it again needs a new one.
 */
bool case_move_needs_note(enum case_status from, enum case_status to);

/* True when the move reopens a resolved or closed case. */
bool case_move_reopens(enum case_status from, enum case_status to);

/* Returns the setting that contains a priority's target in hours. */
enum setting_id case_priority_setting(enum case_priority p);

/*
 * Splits a target of hours into calendar days or elapsed hours. A multiple
 * of 24 hours becomes whole days (*days = hours / 24, *elapsed_hours = 0),
 * which are added on the calendar of the tenant's time zone, so a day stays a
 * day across daylight saving changes. Any other target is added as elapsed
 * hours (*days = 0).
 */
void case_target_split(int64_t hours, int64_t *days, int64_t *elapsed_hours);

#endif
