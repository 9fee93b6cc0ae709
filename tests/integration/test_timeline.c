/*
 * Activities and the timeline through the API: a prospect's history carried
 * into the customer it becomes, keyset pages over ties, the rules of an
 * activity, and cases shown only to users who may see them.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "tests/support/fixtures.h"

static const char *
first_error(const struct th_response *r, const char *member)
{
    return th_json_str(r, th_fmt("errors.0.%s", member));
}

/* Records an activity at path as of now and returns its id. */
static long long
record_activity(struct th_client *c, const char *path, json_t *body, const char *now)
{
    struct th_response r = fx_send(c, "POST", path, body, now);
    long long id;

    cr_assert_eq(r.status, 201, "%s: %s", path, r.body);
    id = th_json_int(&r, "id");
    th_response_free(&r);
    return id;
}

/* Checks the kinds and summaries of a timeline page, newest first. */
static void
expect_entries(const struct th_response *r, const char *const expected[][2], size_t count)
{
    json_t *items = json_object_get(r->json, "items");

    cr_assert_eq(json_array_size(items), count, "%s", r->body);
    for (size_t i = 0; i < count; i++) {
        json_t *item = json_array_get(items, i);

        cr_expect_str_eq(json_string_value(json_object_get(item, "kind")), expected[i][0],
                         "entry %zu: %s", i, r->body);
        cr_expect_str_eq(json_string_value(json_object_get(item, "summary")), expected[i][1],
                         "entry %zu", i);
    }
}

Test(timeline, prospect_history_follows_conversion)
{
    static const char *const expected[][2] = {
        {"activity", "Visited the branch"},
        {"case_resolved", "Loan terms"},
        {"conversion", "Converted to customer CUS-000001"},
        {"case_opened", "Loan terms"},
        {"activity", "Sent the brochure"},
        {"activity", "Asked about loans"},
        {"profile_change", "Prospect created"},
    };
    struct fx_tenant f;
    struct th_client resolver;
    struct th_response r;
    char *reference, *number;

    fx_init(&f, "tl-conv", NULL);
    r = fx_send(&f.admin, "POST", "/api/v1/prospects",
                json_pack("{s:s, s:s, s:s, s:s}", "kind", "person", "first_name", "Petra",
                          "last_name", "Prospect", "email", "petra@example.com"),
                "2026-11-01T09:00:00Z");
    cr_assert_eq(r.status, 201, "%s", r.body);
    reference = strdup(th_json_str(&r, "reference"));
    th_response_free(&r);

    record_activity(&f.admin, th_fmt("/api/v1/prospects/%s/activities", reference),
                    json_pack("{s:s, s:s, s:s, s:i}", "kind", "call", "direction", "inbound",
                              "summary", "Asked about loans", "duration_minutes", 12),
                    "2026-11-02T10:00:00Z");
    record_activity(&f.admin, th_fmt("/api/v1/prospects/%s/activities", reference),
                    json_pack("{s:s, s:s, s:s, s:s}", "kind", "email", "direction", "outbound",
                              "summary", "Sent the brochure", "occurred_at",
                              "2026-11-03T08:00:00Z"),
                    "2026-11-03T11:00:00Z");
    number = fx_case(&f.admin, "prospect", reference, "Loan terms", "normal",
                     "2026-11-04T08:00:00Z");

    r = fx_send(&f.admin, "POST", th_fmt("/api/v1/prospects/%s/convert", reference), NULL,
                "2026-11-05T12:00:00Z");
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "customer.code"), "CUS-000001");
    cr_assert_eq(th_json_int(&r, "carried_over.activities"), 2);
    cr_assert_eq(th_json_int(&r, "carried_over.cases"), 1);
    th_response_free(&r);

    fx_user_in_role(&f, "Resolver", "Manager", &resolver);
    r = fx_patch(&resolver, th_fmt("/api/v1/cases/%s", number), 1,
                 json_pack("{s:s, s:s}", "status", "resolved", "resolution_note", "Agreed."),
                 "2026-11-06T12:00:00Z");
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "resolved_by.display_name"), "Resolver");
    th_response_free(&r);
    r = fx_patch(&f.admin, th_fmt("/api/v1/cases/%s", number), 2,
                 json_pack("{s:s}", "status", "closed"), "2026-11-06T13:00:00Z");
    cr_assert_eq(r.status, 200, "%s", r.body);
    th_response_free(&r);
    record_activity(&f.admin, "/api/v1/customers/CUS-000001/activities",
                    json_pack("{s:s, s:s, s:s}", "kind", "visit", "direction", "inbound",
                              "summary", "Visited the branch"),
                    "2026-11-07T15:00:00Z");

    r = th_request(&f.admin, "GET", "/api/v1/customers/CUS-000001/timeline", NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    expect_entries(&r, expected, sizeof(expected) / sizeof(expected[0]));
    cr_assert_str_eq(th_json_str(&r, "items.5.occurred_at"), "2026-11-02T10:00:00Z");
    cr_assert_str_eq(th_json_str(&r, "items.5.details.activity_kind"), "call");
    cr_assert_eq(th_json_int(&r, "items.5.details.duration_minutes"), 12);
    cr_assert_str_eq(th_json_str(&r, "items.4.occurred_at"), "2026-11-03T08:00:00Z",
                     "an activity is placed when it happened, not when it was recorded");
    cr_assert_str_eq(th_json_str(&r, "items.3.details.number"), number);
    cr_assert_str_eq(th_json_str(&r, "items.2.details.reference"), reference);
    cr_assert_str_eq(th_json_str(&r, "items.1.details.resolution_note"), "Agreed.");
    cr_assert_str_eq(th_json_str(&r, "items.1.actor.display_name"), "Resolver",
                     "the resolution names who resolved the case, not who closed it");
    cr_assert_str_eq(th_json_str(&r, "items.0.actor.display_name"), "Administrator");
    cr_assert(json_is_null(json_object_get(r.json, "next_cursor")));
    th_response_free(&r);

    r = th_request(&f.admin, "GET", th_fmt("/api/v1/prospects/%s/timeline", reference), NULL);
    cr_assert_eq(r.status, 200, "the reference still names the record: %s", r.body);
    expect_entries(&r, expected, sizeof(expected) / sizeof(expected[0]));
    th_response_free(&r);

    r = th_request(&f.admin, "GET", "/api/v1/customers/CUS-000001/activities", NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 3);
    cr_assert_str_eq(th_json_str(&r, "items.0.summary"), "Visited the branch");
    cr_assert_str_eq(th_json_str(&r, "items.2.summary"), "Asked about loans");
    cr_assert_str_eq(th_json_str(&r, "items.2.recorded_by.display_name"), "Administrator");
    th_response_free(&r);
    free(reference);
    free(number);
}

Test(timeline, pages_return_each_entry_once)
{
    struct fx_tenant f;
    char *code, cursor[2048] = "";
    char seen[64][48];
    size_t seen_count = 0;
    json_t *previous = NULL;
    int pages = 0;

    fx_init(&f, "tl-page", NULL);
    code = fx_customer(&f.admin, "Tie", "Breaker");
    /* Many entries share one instant, so the order rests on kind and id. */
    for (int i = 0; i < 7; i++)
        record_activity(&f.admin, th_fmt("/api/v1/customers/%s/activities", code),
                        json_pack("{s:s, s:s, s:s}", "kind", "note", "summary",
                                  th_fmt("Note %d", i), "occurred_at", "2026-11-01T10:00:00Z"),
                        "2026-11-01T12:00:00Z");
    for (int i = 0; i < 3; i++)
        free(fx_case(&f.admin, "customer", code, th_fmt("Case %d", i), "normal",
                     "2026-11-01T10:00:00Z"));

    for (;;) {
        struct th_response r = th_request(
            &f.admin, "GET",
            cursor[0] != '\0'
                ? th_fmt("/api/v1/customers/%s/timeline?limit=3&cursor=%s", code, cursor)
                : th_fmt("/api/v1/customers/%s/timeline?limit=3", code),
            NULL);
        json_t *item, *next;
        size_t i;

        cr_assert_eq(r.status, 200, "%s", r.body);
        pages++;
        json_array_foreach(json_object_get(r.json, "items"), i, item)
        {
            const char *key = th_fmt("%s:%lld", json_string_value(json_object_get(item, "kind")),
                                     (long long)json_integer_value(json_object_get(item, "id")));

            for (size_t k = 0; k < seen_count; k++)
                cr_assert_str_neq(seen[k], key, "%s seen twice", key);
            cr_assert_lt(seen_count, 64);
            snprintf(seen[seen_count++], sizeof(seen[0]), "%s", key);
            if (previous != NULL) {
                int order = strcmp(json_string_value(json_object_get(previous, "occurred_at")),
                                   json_string_value(json_object_get(item, "occurred_at")));

                if (order == 0)
                    order = strcmp(json_string_value(json_object_get(previous, "kind")),
                                   json_string_value(json_object_get(item, "kind")));
                if (order == 0)
                    order = json_integer_value(json_object_get(previous, "id")) >
                                    json_integer_value(json_object_get(item, "id"))
                                ? 1
                                : -1;
                cr_assert_gt(order, 0, "%s is not older than the entry before it", key);
                json_decref(previous);
            }
            previous = json_deep_copy(item);
        }
        next = json_object_get(r.json, "next_cursor");
        if (json_is_null(next)) {
            th_response_free(&r);
            break;
        }
        snprintf(cursor, sizeof(cursor), "%s", json_string_value(next));
        th_response_free(&r);
    }
    json_decref(previous);
    /* 7 notes, 3 cases opened and the record's creation. */
    cr_assert_eq(seen_count, 11);
    cr_assert_eq(pages, 4);
    free(code);
}

Test(timeline, activity_rules_checked)
{
    struct fx_tenant f;
    struct th_client viewer, limited;
    struct th_response r;
    const char *const bad[][3] = {
        {"{\"kind\":\"note\",\"direction\":\"inbound\",\"summary\":\"X\"}", "direction", "kind"},
        {"{\"kind\":\"fax\",\"summary\":\"X\"}", "kind", "choice"},
        {"{\"kind\":\"call\"}", "summary", "required"},
        {"{\"kind\":\"call\",\"summary\":\"X\",\"duration_minutes\":2000}", "duration_minutes",
         "range"},
        {"{\"kind\":\"call\",\"summary\":\"X\",\"occurred_at\":\"2026-11-01T00:10:00Z\"}",
         "occurred_at", "range"},
        {"{\"kind\":\"call\",\"summary\":\"X\",\"occurred_at\":\"yesterday\"}", "occurred_at",
         "format"},
        {"{\"kind\":\"call\",\"summary\":\"X\",\"mood\":\"happy\"}", "mood", "unknown"},
    };
    char *code, *path;

    fx_init(&f, "tl-rules", NULL);
    code = fx_customer(&f.admin, "Rule", "Book");
    path = strdup(th_fmt("/api/v1/customers/%s/activities", code));
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        r = fx_send(&f.admin, "POST", path, json_loads(bad[i][0], 0, NULL),
                    "2026-11-01T00:00:00Z");
        cr_expect_eq(r.status, 422, "%s: %s", bad[i][0], r.body);
        cr_expect_str_eq(first_error(&r, "field"), bad[i][1], "%s: %s", bad[i][0], r.body);
        cr_expect_str_eq(first_error(&r, "rule"), bad[i][2], "%s: %s", bad[i][0], r.body);
        th_response_free(&r);
    }
    cr_assert_eq(th_sql_int(th_fmt("SELECT count(*) FROM \"%s\".activities", f.tenant.schema),
                            NULL),
                 0);

    /* A clock a few minutes ahead is tolerated, and the default time is the request's clock. */
    r = fx_send(&f.admin, "POST", path,
                json_pack("{s:s, s:s, s:s}", "kind", "call", "summary", "Slightly ahead",
                          "occurred_at", "2026-11-01T00:04:00Z"),
                "2026-11-01T00:00:00Z");
    cr_assert_eq(r.status, 201, "%s", r.body);
    th_response_free(&r);
    r = fx_send(&f.admin, "POST", path, json_pack("{s:s, s:s}", "kind", "sms", "summary", "Now"),
                "2026-11-01T00:00:00Z");
    cr_assert_eq(r.status, 201, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "occurred_at"), "2026-11-01T00:00:00Z");
    cr_assert(json_is_null(json_object_get(r.json, "direction")));
    th_response_free(&r);

    fx_user_in_role(&f, "viewer", "Viewer", &viewer);
    r = fx_send(&viewer, "POST", path, json_pack("{s:s, s:s}", "kind", "call", "summary", "X"),
                NULL);
    cr_assert_eq(r.status, 403, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "permission"), "activities.create");
    th_response_free(&r);
    r = th_request(&viewer, "GET", path, NULL);
    cr_assert_eq(r.status, 200, "a viewer reads activities: %s", r.body);
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 2);
    th_response_free(&r);

    fx_user(&f, "limited", "{\"customers.view\":\"own\",\"activities.create\":\"all\"}", &limited);
    r = fx_send(&limited, "POST", path, json_pack("{s:s, s:s}", "kind", "call", "summary", "X"),
                NULL);
    cr_assert_eq(r.status, 404, "a record the user may not see: %s", r.body);
    th_response_free(&r);
    r = th_request(&limited, "GET", th_fmt("/api/v1/customers/%s/timeline", code), NULL);
    cr_assert_eq(r.status, 404, "%s", r.body);
    th_response_free(&r);
    free(path);
    free(code);
}

Test(timeline, cases_shown_only_to_case_viewers)
{
    struct fx_tenant f;
    struct th_client reader;
    struct th_response r;
    char *code;

    fx_init(&f, "tl-perm", NULL);
    code = fx_customer(&f.admin, "Case", "Hidden");
    free(fx_case(&f.admin, "customer", code, "Private matter", "normal", NULL));
    record_activity(&f.admin, th_fmt("/api/v1/customers/%s/activities", code),
                    json_pack("{s:s, s:s}", "kind", "note", "summary", "Public note"), NULL);
    fx_user(&f, "reader", "{\"customers.view\":\"all\"}", &reader);

    r = th_request(&reader, "GET", th_fmt("/api/v1/customers/%s/timeline", code), NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert(fx_has(&r, "items", "summary", "Public note"));
    cr_assert_not(fx_has(&r, "items", "kind", "case_opened"), "%s", r.body);
    cr_assert(strstr(r.body, "Private matter") == NULL);
    th_response_free(&r);
    r = th_request(&f.admin, "GET", th_fmt("/api/v1/customers/%s/timeline", code), NULL);
    cr_assert(fx_has(&r, "items", "kind", "case_opened"), "%s", r.body);
    th_response_free(&r);
    r = th_request(&reader, "GET", th_fmt("/api/v1/customers/%s/timeline?cursor=abc", code),
                   NULL);
    cr_assert_eq(r.status, 400, "%s", r.body);
    cr_assert_str_eq(first_error(&r, "field"), "cursor");
    th_response_free(&r);
    free(code);
}
