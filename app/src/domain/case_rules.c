#include <string.h>

#include "domain/case_rules.h"

const char *const case_status_names[] = {"new", "open", "pending", "resolved", "closed", NULL};
const char *const case_priority_names[] = {"low", "normal", "high", "urgent", NULL};
const char *const case_channel_names[] = {"phone", "email", "walk-in", "web", "other", NULL};

#define MOVE(s) (1u << (s))

/* The transition table: for each status, the statuses a case may move to. */
static const unsigned case_moves[CASE_STATUS_COUNT] = {
    [CASE_NEW] = MOVE(CASE_OPEN) | MOVE(CASE_PENDING) | MOVE(CASE_RESOLVED) | MOVE(CASE_CLOSED),
    [CASE_OPEN] = MOVE(CASE_NEW) | MOVE(CASE_PENDING) | MOVE(CASE_RESOLVED) | MOVE(CASE_CLOSED),
    [CASE_PENDING] = MOVE(CASE_NEW) | MOVE(CASE_OPEN) | MOVE(CASE_RESOLVED) | MOVE(CASE_CLOSED),
    [CASE_RESOLVED] = MOVE(CASE_OPEN) | MOVE(CASE_CLOSED),
    [CASE_CLOSED] = MOVE(CASE_OPEN),
};

static const enum setting_id case_priority_settings[CASE_PRIORITY_COUNT] = {
    [CASE_LOW] = SETTING_CASE_HOURS_LOW,
    [CASE_NORMAL] = SETTING_CASE_HOURS_NORMAL,
    [CASE_HIGH] = SETTING_CASE_HOURS_HIGH,
    [CASE_URGENT] = SETTING_CASE_HOURS_URGENT,
};

static bool
case_name_find(const char *const *names, const char *name, int *out)
{
    if (name == NULL)
        return false;
    for (int i = 0; names[i] != NULL; i++) {
        if (strcmp(names[i], name) == 0) {
            *out = i;
            return true;
        }
    }
    return false;
}

bool
case_status_parse(const char *name, enum case_status *out)
{
    int i;

    if (!case_name_find(case_status_names, name, &i))
        return false;
    *out = (enum case_status)i;
    return true;
}

bool
case_priority_parse(const char *name, enum case_priority *out)
{
    int i;

    if (!case_name_find(case_priority_names, name, &i))
        return false;
    *out = (enum case_priority)i;
    return true;
}

bool
case_status_is_open(enum case_status s)
{
    return s == CASE_NEW || s == CASE_OPEN || s == CASE_PENDING;
}

unsigned
case_moves_from(enum case_status from)
{
    return from < CASE_STATUS_COUNT ? case_moves[from] : 0;
}

bool
case_move_allowed(enum case_status from, enum case_status to)
{
    return to < CASE_STATUS_COUNT && (case_moves_from(from) & MOVE(to)) != 0;
}

bool
case_move_needs_close(enum case_status to)
{
    return to == CASE_RESOLVED || to == CASE_CLOSED;
}

bool
case_move_needs_note(enum case_status from, enum case_status to)
{
    return to == CASE_RESOLVED || (to == CASE_CLOSED && from != CASE_RESOLVED);
}

bool
case_move_reopens(enum case_status from, enum case_status to)
{
    return !case_status_is_open(from) && case_status_is_open(to);
}

enum setting_id
case_priority_setting(enum case_priority p)
{
    return case_priority_settings[p < CASE_PRIORITY_COUNT ? p : CASE_NORMAL];
}

void
case_target_split(int64_t hours, int64_t *days, int64_t *elapsed_hours)
{
    if (hours > 0 && hours % 24 == 0) {
        *days = hours / 24;
        *elapsed_hours = 0;
    } else {
        *days = 0;
        *elapsed_hours = hours;
    }
}
