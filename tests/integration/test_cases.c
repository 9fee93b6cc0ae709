/*
 * Cases through the API: the way from logging to closing, the transition
 * table, due times and overdue cases across daylight saving changes with a
 * pinned clock, filters and search, permissions, "own" visibility, tenant
 * isolation and idempotent creates.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/support/fixtures.h"

static const char *
first_error(const struct th_response *r, const char *member)
{
    return th_json_str(r, th_fmt("errors.0.%s", member));
}

/* The case's due time as the tenant's wall clock shows it, read from the database. */
static char *
local_due(const struct fx_tenant *f, const char *number, const char *zone)
{
    return th_sql_text(th_fmt("SELECT to_char(due_at AT TIME ZONE $2, 'YYYY-MM-DD HH24:MI')"
                              " FROM \"%s\".cases WHERE number = $1",
                              f->tenant.schema),
                       number, zone, NULL);
}

static bool
case_overdue_at(struct th_client *c, const char *number, const char *now)
{
    struct th_response r = fx_send(c, "GET", th_fmt("/api/v1/cases/%s", number), NULL, now);
    bool overdue;

    cr_assert_eq(r.status, 200, "%s: %s", number, r.body);
    overdue = json_is_true(json_object_get(r.json, "overdue"));
    th_response_free(&r);
    return overdue;
}

/* True when the list at path, read at now, names the case. */
static bool
list_has_case(struct th_client *c, const char *path, const char *number, const char *now)
{
    struct th_response r = fx_send(c, "GET", path, NULL, now);
    bool found;

    cr_assert_eq(r.status, 200, "%s: %s", path, r.body);
    found = fx_has(&r, "items", "number", number);
    th_response_free(&r);
    return found;
}

Test(cases, logged_assigned_noted_resolved_closed)
{
    struct fx_tenant f;
    struct th_response r;
    char *code, *location;

    fx_init(&f, "case-flow", NULL);
    code = fx_customer(&f.admin, "Carla", "Case");
    r = fx_send(&f.admin, "POST", "/api/v1/cases",
                json_pack("{s:s, s:s, s:s, s:s, s:s}", "customer", code, "subject",
                          "Card blocked after travel", "priority", "high", "category", "billing",
                          "channel", "phone"),
                NULL);
    cr_assert_eq(r.status, 201, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "number"), "CASE-000001");
    cr_assert_str_eq(th_json_str(&r, "status"), "new");
    cr_assert_str_eq(th_json_str(&r, "category"), "Billing", "the list's spelling is kept");
    cr_assert_str_eq(th_json_str(&r, "customer.code"), code);
    cr_assert(json_is_null(json_object_get(r.json, "first_response_at")));
    location = th_header(&r, "Location");
    cr_assert_str_eq(location, "/api/v1/cases/CASE-000001");
    th_response_free(&r);

    r = fx_patch(&f.admin, "/api/v1/cases/CASE-000001", 1,
                 json_pack("{s:I}", "assignee_id", (json_int_t)1), NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_eq(th_json_int(&r, "assignee.id"), 1);
    cr_assert_eq(th_json_int(&r, "version"), 2);
    cr_assert_str_eq(th_json_str(&r, "status"), "new", "assigning moves no status");
    th_response_free(&r);

    r = fx_send(&f.admin, "POST", "/api/v1/cases/CASE-000001/notes",
                json_pack("{s:s, s:s}", "body", "Called the customer back.", "visibility",
                          "shareable"),
                NULL);
    cr_assert_eq(r.status, 201, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "author.display_name"), "Administrator");
    th_response_free(&r);
    r = th_request(&f.admin, "GET", "/api/v1/cases/CASE-000001", NULL);
    cr_assert(th_json_str(&r, "first_response_at") != NULL,
              "the first shareable note is the first response");
    cr_assert_eq(th_json_int(&r, "version"), 3);
    th_response_free(&r);

    r = fx_patch(&f.admin, "/api/v1/cases/CASE-000001", 3,
                 json_pack("{s:s}", "status", "resolved"), NULL);
    cr_assert_eq(r.status, 422, "resolving needs a note: %s", r.body);
    cr_assert_str_eq(first_error(&r, "field"), "resolution_note");
    cr_assert_str_eq(first_error(&r, "rule"), "required");
    th_response_free(&r);

    r = fx_patch(&f.admin, "/api/v1/cases/CASE-000001", 3,
                 json_pack("{s:s, s:s}", "status", "resolved", "resolution_note",
                           "Unblocked the card and confirmed with the customer."),
                 NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "status"), "resolved");
    cr_assert(th_json_str(&r, "resolved_at") != NULL);
    cr_assert(json_is_null(json_object_get(r.json, "closed_at")));
    th_response_free(&r);

    r = fx_patch(&f.admin, "/api/v1/cases/CASE-000001", 4, json_pack("{s:s}", "status", "closed"),
                 NULL);
    cr_assert_eq(r.status, 200, "a resolved case closes with its note: %s", r.body);
    cr_assert(th_json_str(&r, "closed_at") != NULL);
    th_response_free(&r);

    r = fx_patch(&f.admin, "/api/v1/cases/CASE-000001", 5,
                 json_pack("{s:s}", "subject", "Edited after closing"), NULL);
    cr_assert_eq(r.status, 409, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "code"), "case_closed");
    cr_assert_str_eq(th_json_str(&r, "current_status"), "closed");
    cr_assert_str_eq(th_json_str(&r, "allowed.0"), "open");
    cr_assert_eq(json_array_size(json_object_get(r.json, "allowed")), 1);
    th_response_free(&r);
    r = fx_send(&f.admin, "POST", "/api/v1/cases/CASE-000001/notes",
                json_pack("{s:s}", "body", "Late note"), NULL);
    cr_assert_eq(r.status, 409, "a closed case takes no notes: %s", r.body);
    th_response_free(&r);
    r = fx_patch(&f.admin, "/api/v1/cases/CASE-000001", 5,
                 json_pack("{s:s, s:s}", "status", "open", "subject", "Reopened and edited"), NULL);
    cr_assert_eq(r.status, 409, "reopening takes no other change at once: %s", r.body);
    th_response_free(&r);

    r = fx_patch(&f.admin, "/api/v1/cases/CASE-000001", 5, json_pack("{s:s}", "status", "open"),
                 NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "status"), "open");
    cr_assert(json_is_null(json_object_get(r.json, "resolution_note")));
    cr_assert(json_is_null(json_object_get(r.json, "resolved_at")));
    cr_assert(json_is_null(json_object_get(r.json, "closed_at")));
    th_response_free(&r);
    cr_assert_str_eq(th_sql_text(th_fmt("SELECT subject FROM \"%s\".cases WHERE number = $1",
                                        f.tenant.schema),
                                 "CASE-000001", NULL),
                     "Card blocked after travel", "refused changes write nothing");

    r = th_request(&f.admin, "GET", "/api/v1/cases/CASE-000001/history", NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "items.0.changes.status.before"), "closed");
    cr_assert_str_eq(th_json_str(&r, "items.0.changes.status.after"), "open");
    cr_assert_str_eq(th_json_str(&r, "items.0.changes.resolution_note.before"),
                     "Unblocked the card and confirmed with the customer.");
    cr_assert_str_eq(th_json_str(&r, "items.3.action"), "case.note_added");
    cr_assert_str_eq(th_json_str(&r, "items.3.note_visibility"), "shareable");
    cr_assert_str_eq(th_json_str(&r, "items.4.action"), "case.updated");
    cr_assert_eq(th_json_int(&r, "items.4.changes.assignee_id.after"), 1);
    cr_assert_str_eq(th_json_str(&r, "items.5.action"), "case.created");
    cr_assert_str_eq(th_json_str(&r, "items.5.actor.display_name"), "Administrator");
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 6);
    th_response_free(&r);

    r = th_request(&f.admin, "GET", "/api/v1/cases/CASE-000001/notes", NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "items.0.body"), "Called the customer back.");
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 1);
    th_response_free(&r);
    free(location);
    free(code);
}

Test(cases, refused_move_names_status_and_allowed)
{
    struct fx_tenant f;
    struct th_response r;
    char *code, *number;

    fx_init(&f, "case-move", NULL);
    code = fx_customer(&f.admin, "Mo", "Ve");
    number = fx_case(&f.admin, "customer", code, "Statement missing", "normal", NULL);
    r = fx_patch(&f.admin, th_fmt("/api/v1/cases/%s", number), 1,
                 json_pack("{s:s, s:s}", "status", "resolved", "resolution_note", "Sent it."),
                 NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert(th_json_str(&r, "first_response_at") != NULL, "leaving new is a response");
    th_response_free(&r);

    r = fx_patch(&f.admin, th_fmt("/api/v1/cases/%s", number), 2,
                 json_pack("{s:s}", "status", "pending"), NULL);
    cr_assert_eq(r.status, 409, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "code"), "invalid_transition");
    cr_assert_str_eq(th_json_str(&r, "current_status"), "resolved");
    cr_assert_str_eq(th_json_str(&r, "allowed.0"), "open");
    cr_assert_str_eq(th_json_str(&r, "allowed.1"), "closed");
    cr_assert_eq(json_array_size(json_object_get(r.json, "allowed")), 2);
    th_response_free(&r);

    r = fx_patch(&f.admin, th_fmt("/api/v1/cases/%s", number), 2,
                 json_pack("{s:s}", "status", "closed"), NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    th_response_free(&r);
    r = fx_patch(&f.admin, th_fmt("/api/v1/cases/%s", number), 3,
                 json_pack("{s:s}", "status", "pending"), NULL);
    cr_assert_eq(r.status, 409, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "code"), "invalid_transition");
    cr_assert_str_eq(th_json_str(&r, "current_status"), "closed");
    cr_assert_str_eq(th_json_str(&r, "allowed.0"), "open");
    th_response_free(&r);

    r = fx_patch(&f.admin, th_fmt("/api/v1/cases/%s", number), 1,
                 json_pack("{s:s}", "status", "open"), NULL);
    cr_assert_eq(r.status, 412, "a stale version loses: %s", r.body);
    th_response_free(&r);
    r = fx_send(&f.admin, "PATCH", th_fmt("/api/v1/cases/%s", number),
                json_pack("{s:s}", "status", "open"), NULL);
    cr_assert_eq(r.status, 428, "a change needs If-Match: %s", r.body);
    th_response_free(&r);
    free(number);
    free(code);
}

Test(cases, closing_unresolved_needs_note)
{
    struct fx_tenant f;
    struct th_response r;
    char *code, *number;

    fx_init(&f, "case-close", NULL);
    code = fx_customer(&f.admin, "Cl", "Ose");
    number = fx_case(&f.admin, "customer", code, "Duplicate request", "low", NULL);
    r = fx_patch(&f.admin, th_fmt("/api/v1/cases/%s", number), 1,
                 json_pack("{s:s}", "status", "closed"), NULL);
    cr_assert_eq(r.status, 422, "%s", r.body);
    cr_assert_str_eq(first_error(&r, "field"), "resolution_note");
    th_response_free(&r);
    r = fx_patch(&f.admin, th_fmt("/api/v1/cases/%s", number), 1,
                 json_pack("{s:s}", "resolution_note", "Not yet"), NULL);
    cr_assert_eq(r.status, 422, "a note without resolving: %s", r.body);
    cr_assert_str_eq(first_error(&r, "rule"), "status");
    th_response_free(&r);
    r = fx_patch(&f.admin, th_fmt("/api/v1/cases/%s", number), 1,
                 json_pack("{s:s, s:s}", "status", "closed", "resolution_note",
                           "Duplicate of another case."),
                 NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert(th_json_str(&r, "resolved_at") != NULL, "closing unresolved resolves too");
    cr_assert(th_json_str(&r, "closed_at") != NULL);
    th_response_free(&r);
    free(number);
    free(code);
}

/*
 * Pacific/Auckland moves from +12:00 to +13:00 at 02:00 on 2026-09-27 and back
 * at 03:00 on 2026-04-05. Defaults: high 24 hours, urgent 4, normal 48.
 */
Test(cases, due_times_across_daylight_saving)
{
    struct fx_tenant f;
    struct th_response r;
    char *code, *day, *hours, *autumn, *due;

    fx_init(&f, "tz", "--timezone Pacific/Auckland");
    code = fx_customer(&f.admin, "Aroha", "Tane");

    /* 10:00 the day before clocks go forward: due 10:00 the next day, 23 hours later. */
    r = fx_send(&f.admin, "POST", "/api/v1/cases",
                json_pack("{s:s, s:s, s:s}", "customer", code, "subject", "Spring day target",
                          "priority", "high"),
                "2026-09-26T10:00:00+12:00");
    cr_assert_eq(r.status, 201, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "created_at"), "2026-09-25T22:00:00Z");
    cr_assert_str_eq(th_json_str(&r, "due_at"), "2026-09-26T21:00:00Z");
    day = strdup(th_json_str(&r, "number"));
    th_response_free(&r);
    due = local_due(&f, day, "Pacific/Auckland");
    cr_assert_str_eq(due, "2026-09-27 10:00", "a whole day stays a day on the wall clock");
    free(due);

    /* 00:30 on the night clocks go forward: 4 elapsed hours end at 05:30 on the wall clock. */
    r = fx_send(&f.admin, "POST", "/api/v1/cases",
                json_pack("{s:s, s:s, s:s}", "customer", code, "subject", "Spring hour target",
                          "priority", "urgent"),
                "2026-09-27T00:30:00+12:00");
    cr_assert_eq(r.status, 201, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "due_at"), "2026-09-26T16:30:00Z");
    hours = strdup(th_json_str(&r, "number"));
    th_response_free(&r);
    due = local_due(&f, hours, "Pacific/Auckland");
    cr_assert_str_eq(due, "2026-09-27 05:30");
    free(due);

    /* 10:00 the day before clocks go back: due 10:00 the next day, 25 hours later. */
    r = fx_send(&f.admin, "POST", "/api/v1/cases",
                json_pack("{s:s, s:s, s:s}", "customer", code, "subject", "Autumn day target",
                          "priority", "high"),
                "2026-04-04T10:00:00+13:00");
    cr_assert_eq(r.status, 201, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "due_at"), "2026-04-04T22:00:00Z");
    autumn = strdup(th_json_str(&r, "number"));
    th_response_free(&r);

    /* Overdue follows the request's clock, to the second. */
    cr_assert_not(case_overdue_at(&f.admin, day, "2026-09-26T20:59:59Z"));
    cr_assert(case_overdue_at(&f.admin, day, "2026-09-26T21:00:01Z"));
    cr_assert_not(case_overdue_at(&f.admin, hours, "2026-09-26T16:29:59Z"));
    cr_assert(case_overdue_at(&f.admin, hours, "2026-09-26T16:30:01Z"));
    cr_assert_not(list_has_case(&f.admin, "/api/v1/cases?overdue=true", day,
                                "2026-09-26T20:59:59Z"));
    cr_assert(list_has_case(&f.admin, "/api/v1/cases?overdue=true", day,
                            "2026-09-26T21:00:01Z"));
    cr_assert(list_has_case(&f.admin, "/api/v1/cases?overdue=false", day,
                            "2026-09-26T20:59:59Z"));
    cr_assert(list_has_case(&f.admin, "/api/v1/cases?overdue=true", autumn,
                            "2026-09-26T21:00:01Z"));

    /* A resolved case is never overdue. */
    r = fx_patch(&f.admin, th_fmt("/api/v1/cases/%s", day), 1,
                 json_pack("{s:s, s:s}", "status", "resolved", "resolution_note", "Done."),
                 "2026-09-26T22:00:00Z");
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "resolved_at"), "2026-09-26T22:00:00Z");
    th_response_free(&r);
    cr_assert_not(case_overdue_at(&f.admin, day, "2026-10-01T00:00:00Z"));
    cr_assert_not(list_has_case(&f.admin, "/api/v1/cases?overdue=true", day,
                                "2026-10-01T00:00:00Z"));

    /* A new priority moves the due time to its target from creation: 2 days, across the change. */
    r = fx_patch(&f.admin, th_fmt("/api/v1/cases/%s", hours), 1,
                 json_pack("{s:s}", "priority", "normal"), "2026-09-27T09:00:00+13:00");
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "due_at"), "2026-09-28T11:30:00Z");
    th_response_free(&r);
    due = local_due(&f, hours, "Pacific/Auckland");
    cr_assert_str_eq(due, "2026-09-29 00:30");
    free(due);

    /* A user with cases.update sets the due time by hand. */
    r = fx_patch(&f.admin, th_fmt("/api/v1/cases/%s", hours), 2,
                 json_pack("{s:s}", "due_at", "2026-10-01T17:00:00+13:00"), NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "due_at"), "2026-10-01T04:00:00Z");
    cr_assert_eq(th_json_int(&r, "version"), 3);
    th_response_free(&r);
    r = fx_patch(&f.admin, th_fmt("/api/v1/cases/%s", hours), 3,
                 json_pack("{s:s}", "due_at", "2026-10-01T04:00:00Z"), NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_eq(th_json_int(&r, "version"), 3, "the same instant is no change");
    th_response_free(&r);
    free(day);
    free(hours);
    free(autumn);
    free(code);
}

Test(cases, test_clock_header_must_be_rfc3339)
{
    struct fx_tenant f;
    struct th_response r;

    fx_init(&f, "case-clock", NULL);
    r = fx_send(&f.admin, "GET", "/api/v1/cases", NULL, "next tuesday");
    cr_assert_eq(r.status, 400, "%s", r.body);
    cr_assert_str_eq(first_error(&r, "field"), "X-Lendastack-Test-Now");
    th_response_free(&r);
}

Test(cases, production_refuses_the_test_clock)
{
    char command[1024], output[1024] = "";
    FILE *p;
    size_t n;
    int status;

    snprintf(command, sizeof(command),
             "LENDASTACK_ENV=production LENDASTACK_TEST_CLOCK=true %s --check-config 2>&1",
             th_env("LENDASTACK_SERVER_BIN"));
    p = popen(command, "r");
    cr_assert(p != NULL);
    n = fread(output, 1, sizeof(output) - 1, p);
    output[n] = '\0';
    status = pclose(p);
    cr_assert_neq(status, 0, "the server accepted the test clock in production: %s", output);
    cr_assert(strstr(output, "LENDASTACK_TEST_CLOCK") != NULL, "%s", output);
}

Test(cases, tenants_keep_their_own_numbers)
{
    struct fx_tenant a, b;
    struct th_client stolen;
    struct th_response r;
    char *code_a, *code_b, *number;

    fx_init(&a, "case-iso-a", NULL);
    fx_init(&b, "case-iso-b", NULL);
    code_a = fx_customer(&a.admin, "Anna", "A");
    code_b = fx_customer(&b.admin, "Bert", "B");
    free(fx_case(&a.admin, "customer", code_a, "A first", "normal", NULL));
    number = fx_case(&a.admin, "customer", code_a, "A second", "normal", NULL);
    cr_assert_str_eq(number, "CASE-000002");
    free(fx_case(&b.admin, "customer", code_b, "B first", "normal", NULL));

    r = th_request(&b.admin, "GET", "/api/v1/cases/CASE-000002", NULL);
    cr_assert_eq(r.status, 404, "A's number on B's host: %s", r.body);
    cr_assert(strstr(r.body, "A second") == NULL);
    th_response_free(&r);
    r = th_request(&b.admin, "GET", "/api/v1/cases/CASE-000001", NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "subject"), "B first", "the same number is B's own case");
    th_response_free(&r);
    r = fx_patch(&b.admin, "/api/v1/cases/CASE-000002", 1, json_pack("{s:s}", "subject", "X"),
                 NULL);
    cr_assert_eq(r.status, 404, "%s", r.body);
    th_response_free(&r);
    r = th_request(&b.admin, "GET", "/api/v1/cases?q=second", NULL);
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 0);
    th_response_free(&r);

    th_client_init(&stolen, &b.tenant);
    memcpy(stolen.cookie, a.admin.cookie, sizeof(stolen.cookie));
    r = th_request(&stolen, "GET", "/api/v1/cases/CASE-000001", NULL);
    cr_assert_eq(r.status, 401, "A's session on B's host: %s", r.body);
    th_response_free(&r);

    r = fx_send(&b.admin, "POST", "/api/v1/cases",
                json_pack("{s:s, s:s}", "customer", "CUS-000002", "subject", "Not B's"), NULL);
    cr_assert_eq(r.status, 422, "%s", r.body);
    cr_assert_str_eq(first_error(&r, "field"), "customer");
    cr_assert_str_eq(first_error(&r, "rule"), "not_found");
    th_response_free(&r);
    cr_assert_eq(th_sql_int(th_fmt("SELECT last_value FROM \"%s\".case_number_seq",
                                   b.tenant.schema),
                            NULL),
                 1, "a rejected create draws no number");
    free(number);
    free(code_a);
    free(code_b);
}

Test(cases, viewer_cannot_create_cases)
{
    struct fx_tenant f;
    struct th_client viewer;
    struct th_response r;
    char *code;

    fx_init(&f, "case-view", NULL);
    code = fx_customer(&f.admin, "Vic", "Viewer");
    fx_user_in_role(&f, "viewer", "Viewer", &viewer);

    r = fx_send(&viewer, "POST", "/api/v1/cases",
                json_pack("{s:s, s:s}", "customer", code, "subject", "Viewer case"), NULL);
    cr_assert_eq(r.status, 403, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "permission"), "cases.create");
    th_response_free(&r);
    free(fx_case(&f.admin, "customer", code, "Admin case", "normal", NULL));
    r = th_request(&viewer, "GET", "/api/v1/cases", NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 1, "a viewer reads cases");
    th_response_free(&r);
    r = fx_patch(&viewer, "/api/v1/cases/CASE-000001", 1, json_pack("{s:s}", "subject", "X"),
                 NULL);
    cr_assert_eq(r.status, 403, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "permission"), "cases.update");
    th_response_free(&r);
    free(code);
}

Test(cases, own_officer_sees_only_their_cases)
{
    struct fx_tenant f;
    struct th_client own;
    struct th_response r;
    char *theirs, *mine, *assigned, *unassigned, *of_mine;
    long long user;

    fx_init(&f, "case-own", NULL);
    user = fx_user(&f, "officer",
                   "{\"customers.view\":\"all\",\"customers.create\":\"all\","
                   "\"cases.view\":\"own\",\"cases.create\":\"all\",\"cases.update\":\"own\"}",
                   &own);
    theirs = fx_customer(&f.admin, "Their", "Record");
    mine = fx_customer(&own, "My", "Record");
    assigned = fx_case(&f.admin, "customer", theirs, "Assigned to the officer", "normal", NULL);
    unassigned = fx_case(&f.admin, "customer", theirs, "Someone else's", "normal", NULL);
    of_mine = fx_case(&f.admin, "customer", mine, "On the officer's record", "normal", NULL);
    r = fx_patch(&f.admin, th_fmt("/api/v1/cases/%s", assigned), 1,
                 json_pack("{s:I}", "assignee_id", (json_int_t)user), NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    th_response_free(&r);

    r = th_request(&own, "GET", "/api/v1/cases", NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert(fx_has(&r, "items", "number", assigned));
    cr_assert(fx_has(&r, "items", "number", of_mine));
    cr_assert_not(fx_has(&r, "items", "number", unassigned));
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 2);
    th_response_free(&r);
    r = th_request(&own, "GET", th_fmt("/api/v1/cases/%s", unassigned), NULL);
    cr_assert_eq(r.status, 404, "%s", r.body);
    th_response_free(&r);
    r = th_request(&own, "GET", th_fmt("/api/v1/customers/%s/cases", theirs), NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert(fx_has(&r, "items", "number", assigned));
    cr_assert_not(fx_has(&r, "items", "number", unassigned));
    th_response_free(&r);
    r = fx_patch(&own, th_fmt("/api/v1/cases/%s", unassigned), 1,
                 json_pack("{s:s}", "subject", "Taken over"), NULL);
    cr_assert_eq(r.status, 404, "%s", r.body);
    th_response_free(&r);
    r = fx_patch(&own, th_fmt("/api/v1/cases/%s", assigned), 2,
                 json_pack("{s:s}", "status", "open"), NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    th_response_free(&r);
    r = fx_patch(&own, th_fmt("/api/v1/cases/%s", of_mine), 1,
                 json_pack("{s:I}", "assignee_id", (json_int_t)user), NULL);
    cr_assert_eq(r.status, 403, "assigning needs cases.assign: %s", r.body);
    cr_assert_str_eq(th_json_str(&r, "permission"), "cases.assign");
    th_response_free(&r);
    r = fx_patch(&own, th_fmt("/api/v1/cases/%s", of_mine), 1,
                 json_pack("{s:s, s:s}", "status", "resolved", "resolution_note", "Done"), NULL);
    cr_assert_eq(r.status, 403, "resolving needs cases.close: %s", r.body);
    cr_assert_str_eq(th_json_str(&r, "permission"), "cases.close");
    th_response_free(&r);
    free(theirs);
    free(mine);
    free(assigned);
    free(unassigned);
    free(of_mine);
}

Test(cases, invisible_record_is_field_error)
{
    struct fx_tenant f;
    struct th_client own;
    struct th_response r;
    char *theirs, *prospect;

    fx_init(&f, "case-rec", NULL);
    fx_user(&f, "limited",
            "{\"customers.view\":\"own\",\"cases.view\":\"all\",\"cases.create\":\"all\"}", &own);
    theirs = fx_customer(&f.admin, "Hidden", "Record");
    prospect = fx_prospect(&f.admin, "Pros", "Pect");
    r = fx_send(&own, "POST", "/api/v1/cases",
                json_pack("{s:s, s:s}", "customer", theirs, "subject", "Hidden"), NULL);
    cr_assert_eq(r.status, 422, "%s", r.body);
    cr_assert_str_eq(first_error(&r, "field"), "customer");
    cr_assert_str_eq(first_error(&r, "rule"), "not_found");
    th_response_free(&r);

    free(fx_case(&f.admin, "customer", theirs, "Admin's case", "normal", NULL));
    r = th_request(&own, "GET", "/api/v1/cases", NULL);
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 0,
                 "a case of a record the user may not see never appears");
    th_response_free(&r);
    r = th_request(&own, "GET", "/api/v1/cases/CASE-000001", NULL);
    cr_assert_eq(r.status, 404, "%s", r.body);
    th_response_free(&r);

    r = fx_send(&f.admin, "POST", "/api/v1/cases",
                json_pack("{s:s, s:s}", "prospect", prospect, "subject", "Prospect question"),
                NULL);
    cr_assert_eq(r.status, 201, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "customer.reference"), prospect);
    cr_assert_str_eq(th_json_str(&r, "customer.lifecycle"), "prospect");
    th_response_free(&r);
    r = th_request(&f.admin, "GET", th_fmt("/api/v1/prospects/%s/cases", prospect), NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "items.0.subject"), "Prospect question");
    th_response_free(&r);
    free(theirs);
    free(prospect);
}

Test(cases, invalid_fields_named)
{
    struct fx_tenant f;
    const char *const bad[][3] = {
        {"{\"customer\":\"CUS-000001\"}", "subject", "required"},
        {"{\"subject\":\"No record\"}", "customer", "required"},
        {"{\"customer\":\"CUS-000001\",\"prospect\":\"PRO-000001\",\"subject\":\"Both\"}",
         "prospect", "one_of"},
        {"{\"customer\":\"CUS-000001\",\"subject\":\"X\",\"category\":\"Weather\"}", "category",
         "choice"},
        {"{\"customer\":\"CUS-000001\",\"subject\":\"X\",\"priority\":\"asap\"}", "priority",
         "choice"},
        {"{\"customer\":\"CUS-000001\",\"subject\":\"X\",\"channel\":\"fax\"}", "channel",
         "choice"},
        {"{\"customer\":\"CUS-000001\",\"subject\":\"X\",\"assignee_id\":999}", "assignee_id",
         "exists"},
        {"{\"customer\":\"CUS-000001\",\"subject\":\"X\",\"status\":\"open\"}", "status",
         "unknown"},
        {"{\"customer\":\"CUS-000001\",\"subject\":\"X\",\"due_at\":\"tomorrow\"}", "due_at",
         "format"},
    };
    struct th_response r;
    char *code;

    fx_init(&f, "case-inval", NULL);
    code = fx_customer(&f.admin, "In", "Valid");
    cr_assert_str_eq(code, "CUS-000001");
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        r = th_request(&f.admin, "POST", "/api/v1/cases", bad[i][0]);
        cr_expect_eq(r.status, 422, "%s: %s", bad[i][0], r.body);
        cr_expect_str_eq(first_error(&r, "field"), bad[i][1], "%s: %s", bad[i][0], r.body);
        cr_expect_str_eq(first_error(&r, "rule"), bad[i][2], "%s: %s", bad[i][0], r.body);
        th_response_free(&r);
    }
    cr_assert_eq(th_sql_int(th_fmt("SELECT count(*) FROM \"%s\".cases", f.tenant.schema), NULL),
                 0);
    free(fx_case(&f.admin, "customer", code, "Valid", "normal", NULL));
    r = fx_patch(&f.admin, "/api/v1/cases/CASE-000001", 1,
                 json_pack("{s:s}", "customer", "CUS-000002"), NULL);
    cr_assert_eq(r.status, 422, "%s", r.body);
    cr_assert_str_eq(first_error(&r, "rule"), "immutable");
    th_response_free(&r);
    r = fx_patch(&f.admin, "/api/v1/cases/CASE-000001", 1, json_pack("{s:n}", "subject"), NULL);
    cr_assert_eq(r.status, 422, "%s", r.body);
    cr_assert_str_eq(first_error(&r, "field"), "subject");
    th_response_free(&r);
    free(code);
}

Test(cases, list_filters_and_literal_search)
{
    struct fx_tenant f;
    struct th_response r;
    char *a, *b, *first, *second, *third;

    fx_init(&f, "case-list", NULL);
    a = fx_customer(&f.admin, "Alma", "Filter");
    b = fx_prospect(&f.admin, "Bodo", "Filter");
    first = fx_case(&f.admin, "customer", a, "100% refund", "urgent", "2026-11-01T10:00:00Z");
    second = fx_case(&f.admin, "customer", a, "1000 questions", "low", "2026-11-10T10:00:00Z");
    third = fx_case(&f.admin, "prospect", b, "Loan_offer", "normal", "2026-11-20T10:00:00Z");
    r = fx_patch(&f.admin, th_fmt("/api/v1/cases/%s", second), 1,
                 json_pack("{s:I, s:s, s:s}", "assignee_id", (json_int_t)1, "status", "pending",
                           "category", "Loan"),
                 NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    th_response_free(&r);

    r = th_request(&f.admin, "GET", "/api/v1/cases?q=100%25", NULL);
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 1, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "items.0.number"), first);
    th_response_free(&r);
    r = th_request(&f.admin, "GET", "/api/v1/cases?q=0_q", NULL);
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 0,
                 "_ matches only itself, not the space of \"1000 questions\": %s", r.body);
    th_response_free(&r);
    r = th_request(&f.admin, "GET", "/api/v1/cases?q=n_o", NULL);
    cr_assert_str_eq(th_json_str(&r, "items.0.number"), third);
    th_response_free(&r);
    r = th_request(&f.admin, "GET", th_fmt("/api/v1/cases?q=%s", third), NULL);
    cr_assert_str_eq(th_json_str(&r, "items.0.number"), third, "search by number");
    th_response_free(&r);
    r = th_request(&f.admin, "GET", "/api/v1/cases?status=pending&assignee=me&category=Loan", NULL);
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 1, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "items.0.number"), second);
    th_response_free(&r);
    r = th_request(&f.admin, "GET", "/api/v1/cases?priority=urgent", NULL);
    cr_assert_str_eq(th_json_str(&r, "items.0.number"), first);
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 1);
    th_response_free(&r);
    r = th_request(&f.admin, "GET", th_fmt("/api/v1/cases?customer=%s", b), NULL);
    cr_assert_str_eq(th_json_str(&r, "items.0.number"), third);
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 1);
    th_response_free(&r);
    r = th_request(&f.admin, "GET",
                   "/api/v1/cases?created_from=2026-11-05&created_to=2026-11-15", NULL);
    cr_assert_str_eq(th_json_str(&r, "items.0.number"), second);
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 1);
    th_response_free(&r);

    r = th_request(&f.admin, "GET", "/api/v1/cases?sort=due_at&limit=2", NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "items.0.number"), first, "urgent and oldest is due first");
    {
        char *cursor = strdup(th_json_str(&r, "next_cursor"));

        th_response_free(&r);
        r = th_request(&f.admin, "GET",
                       th_fmt("/api/v1/cases?sort=due_at&limit=2&cursor=%s", cursor), NULL);
        free(cursor);
    }
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 1, "%s", r.body);
    cr_assert(json_is_null(json_object_get(r.json, "next_cursor")));
    th_response_free(&r);

    {
        const char *const wrong[][2] = {
            {"/api/v1/cases?status=done", "status"},     {"/api/v1/cases?assignee=you", "assignee"},
            {"/api/v1/cases?overdue=yes", "overdue"},    {"/api/v1/cases?customer=CUS-9", "customer"},
            {"/api/v1/cases?sort=subject", "sort"},      {"/api/v1/cases?colour=red", "colour"},
        };

        for (size_t i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++) {
            r = th_request(&f.admin, "GET", wrong[i][0], NULL);
            cr_expect_eq(r.status, 400, "%s: %s", wrong[i][0], r.body);
            cr_expect_str_eq(first_error(&r, "field"), wrong[i][1], "%s", wrong[i][0]);
            th_response_free(&r);
        }
    }
    free(a);
    free(b);
    free(first);
    free(second);
    free(third);
}

Test(cases, archived_record_hides_its_cases)
{
    struct fx_tenant f;
    struct th_response r;
    char *code, *number;

    fx_init(&f, "case-arch", NULL);
    code = fx_customer(&f.admin, "Archie", "Ved");
    number = fx_case(&f.admin, "customer", code, "Before archiving", "normal", NULL);
    r = th_request(&f.admin, "POST", th_fmt("/api/v1/customers/%s/archive", code), NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    th_response_free(&r);
    r = th_request(&f.admin, "GET", "/api/v1/cases", NULL);
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 0, "%s", r.body);
    th_response_free(&r);
    r = th_request(&f.admin, "GET", th_fmt("/api/v1/cases/%s", number), NULL);
    cr_assert_eq(r.status, 404, "%s", r.body);
    th_response_free(&r);
    r = th_request(&f.admin, "GET", th_fmt("/api/v1/cases/%s?include_archived=true", number),
                   NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    th_response_free(&r);
    r = fx_send(&f.admin, "POST", "/api/v1/cases",
                json_pack("{s:s, s:s}", "customer", code, "subject", "After archiving"), NULL);
    cr_assert_eq(r.status, 422, "no new cases for an archived record: %s", r.body);
    th_response_free(&r);
    free(number);
    free(code);
}

Test(cases, idempotency_key_creates_once)
{
    struct fx_tenant f;
    struct th_response first, again;
    char *code, *body, *replayed;

    fx_init(&f, "case-idem", NULL);
    code = fx_customer(&f.admin, "Ida", "Em");
    body = strdup(th_fmt("{\"customer\":\"%s\",\"subject\":\"Once only\"}", code));
    snprintf(f.admin.idempotency_key, sizeof(f.admin.idempotency_key), "case-once-1");
    first = th_request(&f.admin, "POST", "/api/v1/cases", body);
    cr_assert_eq(first.status, 201, "%s", first.body);
    again = th_request(&f.admin, "POST", "/api/v1/cases", body);
    cr_assert_eq(again.status, 201, "%s", again.body);
    cr_assert_str_eq(th_json_str(&again, "number"), th_json_str(&first, "number"));
    replayed = th_header(&again, "Idempotent-Replayed");
    cr_assert_str_eq(replayed, "true");
    cr_assert_eq(th_sql_int(th_fmt("SELECT count(*) FROM \"%s\".cases", f.tenant.schema), NULL),
                 1);
    th_response_free(&first);
    th_response_free(&again);
    free(replayed);
    free(body);
    free(code);
}
