/* The rules of cases: the transition table, what each move needs, and the due-time rule. */
#include <criterion/criterion.h>

#include "domain/case_rules.h"

/* The whole table as it must read: row from, column to. */
static const bool expected_moves[CASE_STATUS_COUNT][CASE_STATUS_COUNT] = {
    /*               new    open   pending resolved closed */
    [CASE_NEW] = {false, true, true, true, true},
    [CASE_OPEN] = {true, false, true, true, true},
    [CASE_PENDING] = {true, true, false, true, true},
    [CASE_RESOLVED] = {false, true, false, false, true},
    [CASE_CLOSED] = {false, true, false, false, false},
};

Test(case_rules, transition_table_matches)
{
    for (int from = 0; from < CASE_STATUS_COUNT; from++) {
        for (int to = 0; to < CASE_STATUS_COUNT; to++)
            cr_expect_eq(case_move_allowed(from, to), expected_moves[from][to], "%s -> %s",
                         case_status_names[from], case_status_names[to]);
    }
}

Test(case_rules, closed_only_reopens)
{
    cr_assert_eq(case_moves_from(CASE_CLOSED), 1u << CASE_OPEN);
    cr_assert(case_move_reopens(CASE_CLOSED, CASE_OPEN));
    cr_assert(case_move_reopens(CASE_RESOLVED, CASE_OPEN));
    cr_assert_not(case_move_reopens(CASE_PENDING, CASE_OPEN));
}

Test(case_rules, unknown_statuses_move_nowhere)
{
    cr_assert_eq(case_moves_from(CASE_STATUS_COUNT), 0);
    cr_assert_not(case_move_allowed(CASE_OPEN, CASE_STATUS_COUNT));
}

Test(case_rules, resolving_needs_close_and_note)
{
    cr_assert(case_move_needs_close(CASE_RESOLVED));
    cr_assert(case_move_needs_close(CASE_CLOSED));
    cr_assert_not(case_move_needs_close(CASE_OPEN));
    cr_assert(case_move_needs_note(CASE_OPEN, CASE_RESOLVED));
    cr_assert(case_move_needs_note(CASE_NEW, CASE_CLOSED), "closing unresolved needs a note");
    cr_assert_not(case_move_needs_note(CASE_RESOLVED, CASE_CLOSED), "the resolution's note stays");
    cr_assert_not(case_move_needs_note(CASE_OPEN, CASE_PENDING));
}

Test(case_rules, names_parse)
{
    enum case_status status;
    enum case_priority priority;

    cr_assert(case_status_parse("pending", &status));
    cr_assert_eq(status, CASE_PENDING);
    cr_assert_not(case_status_parse("Pending", &status));
    cr_assert_not(case_status_parse(NULL, &status));
    cr_assert(case_priority_parse("urgent", &priority));
    cr_assert_eq(priority, CASE_URGENT);
    cr_assert_eq(case_priority_setting(CASE_URGENT), SETTING_CASE_HOURS_URGENT);
    cr_assert_eq(case_priority_setting(CASE_LOW), SETTING_CASE_HOURS_LOW);
}

Test(case_rules, whole_days_stay_calendar_days)
{
    int64_t days, hours;

    case_target_split(24, &days, &hours);
    cr_assert_eq(days, 1);
    cr_assert_eq(hours, 0);
    case_target_split(120, &days, &hours);
    cr_assert_eq(days, 5);
    cr_assert_eq(hours, 0);
    case_target_split(4, &days, &hours);
    cr_assert_eq(days, 0);
    cr_assert_eq(hours, 4);
    case_target_split(36, &days, &hours);
    cr_assert_eq(days, 0, "36 hours is no whole number of days");
    cr_assert_eq(hours, 36);
}
