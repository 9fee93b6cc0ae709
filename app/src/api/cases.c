/*
 * Cases: /api/v1/cases by case number, and the cases of one record under
 * /api/v1/customers/{code}/cases and /api/v1/prospects/{reference}/cases.
 */
#include <stdlib.h>
#include <string.h>

#include "api/etag.h"
#include "api/idempotency.h"
#include "api/paging.h"
#include "api/routes.h"
#include "core/text.h"
#include "core/validate.h"
#include "domain/case.h"
#include "domain/case_rules.h"
#include "domain/customer.h"
#include "http/response.h"

#define NUMBER_MAX 40 /* characters of a case number, code or reference in a path */

static const struct paging_sort list_sorts[] = {
    {"created_at", PAGING_KEY_INTEGER},
    {"updated_at", PAGING_KEY_INTEGER},
    {"due_at", PAGING_KEY_INTEGER},
    {"number", PAGING_KEY_INTEGER},
    {NULL, PAGING_KEY_TEXT},
};

static const struct paging_sort history_sorts[] = {
    {"occurred_at", PAGING_KEY_INTEGER},
    {NULL, PAGING_KEY_TEXT},
};

static const struct paging_sort note_sorts[] = {
    {"id", PAGING_KEY_INTEGER},
    {NULL, PAGING_KEY_TEXT},
};

/* The filters every case list takes; the list of all cases takes "customer" too. */
#define CASE_FILTERS                                                                           \
    "status", "priority", "assignee", "category", "overdue", "created_from", "created_to",     \
        "q", "include_archived", "sort"

static enum result
bad_parameter(struct request *req, const char *name, const char *rule, const char *message)
{
    problem_field(&req->problem, name, rule, "%s", message);
    return response_fail(req, RESULT_MALFORMED, "invalid_parameter",
                         "The query parameter %s is not valid. %s", name, message);
}

/* Returns the case number of the path, or NULL when it cannot name a case. */
static const char *
path_key(struct request *req)
{
    const char *key = request_param(req, 0);

    return key != NULL && text_chars(key) <= NUMBER_MAX ? key : NULL;
}

static enum result
case_not_found(struct request *req, const char *number)
{
    return response_fail(req, RESULT_NOT_FOUND, "not_found",
                         "No case with the number %s is visible to you.",
                         number != NULL ? number : "given");
}

/*
 * Reads include_archived: true shows cases of archived records as well and
 * needs customers.archive.
 */
static enum result
archived_mode(struct request *req, enum customer_archived *mode)
{
    const char *v = request_query(req, "include_archived");

    *mode = CUSTOMER_LIVE;
    if (v == NULL || strcmp(v, "false") == 0)
        return RESULT_OK;
    if (strcmp(v, "true") != 0)
        return bad_parameter(req, "include_archived", "type", "Must be true or false.");
    if (!customer_may_see_archived(req->scope.actor)) {
        problem_extra(&req->problem, "permission",
                      json_string(permission_name(PERM_CUSTOMERS_ARCHIVE)));
        return response_fail(
            req, RESULT_DENIED, "permission_denied",
            "Cases of archived records need the permission %s, which your role does not grant.",
            permission_name(PERM_CUSTOMERS_ARCHIVE));
    }
    *mode = CUSTOMER_WITH_ARCHIVED;
    return RESULT_OK;
}

/* Responds with a case, its ETag and, for a create, its Location. */
static void
respond_case(struct request *req, int status, json_t *record)
{
    const char *number = json_str(record, "number");

    response_etag(req, json_int(record, "version", 0));
    if (status == 201 && number != NULL)
        response_header(req, "Location", arena_printf(req->arena, "/api/v1/cases/%s", number));
    response_json(req, status, record);
}

/* Responds with {"items", "next_cursor"}. */
static void
respond_page(struct request *req, const struct paging *page, json_t *items,
             const char *last_key, int64_t last_id)
{
    json_t *body = json_object();

    json_object_set_new(body, "items", items);
    json_object_set_new(
        body, "next_cursor",
        json_string_or_null(
            last_key != NULL ? paging_next_cursor(req->arena, page, last_key, last_id) : NULL));
    response_json(req, 200, body);
}

static bool
one_of(const char *value, const char *const *choices)
{
    for (; *choices != NULL; choices++) {
        if (strcmp(*choices, value) == 0)
            return true;
    }
    return false;
}

/* Reads created_from or created_to: a date in the tenant's time zone, or an RFC 3339 instant.
 */
static enum result
created_bound(struct request *req, const char *name, const char **date, const char **instant)
{
    const char *v = request_query(req, name);

    *date = NULL;
    *instant = NULL;
    if (v == NULL)
        return RESULT_OK;
    if (validate_date(v))
        *date = v;
    else if (validate_timestamp(v))
        *instant = v;
    else
        return bad_parameter(req, name, "format",
                             "Must be a date (2026-12-04) or a date and time in RFC 3339 "
                             "(2026-12-04T09:30:00Z).");
    return RESULT_OK;
}

/*
 * Reads the record filter: a customer code or a prospect reference of a record
 * visible under v, the records the list shows.
 */
static enum result
record_filter(struct request *req, const struct customer_visibility *v, int64_t *customer_id)
{
    const char *key = request_query(req, "customer");
    enum result r;

    if (key == NULL)
        return RESULT_OK;
    if (text_chars(key) > NUMBER_MAX)
        return bad_parameter(req, "customer", "max_length", "Must be at most 40 characters.");
    r = customer_find_id(&req->scope, CUSTOMER_BY_CODE, key, v, customer_id);
    if (r == RESULT_NOT_FOUND)
        r = customer_find_id(&req->scope, CUSTOMER_BY_REFERENCE, key, v, customer_id);
    if (r == RESULT_NOT_FOUND)
        return bad_parameter(req, "customer", "not_found",
                             "No customer code or prospect reference visible to you matches.");
    return r;
}

/*
 * Reads the filters of a list: status, priority, assignee ("me" or a user id),
 * category, overdue, created_from, created_to, q and include_archived.
 */
static enum result
list_filters(struct request *req, struct case_list_query *q, struct case_visibility *v)
{
    const char *status = request_query(req, "status");
    const char *priority = request_query(req, "priority");
    const char *assignee = request_query(req, "assignee");
    const char *category = request_query(req, "category");
    const char *overdue = request_query(req, "overdue");
    const char *search = request_query(req, "q");
    enum customer_archived mode;
    enum result r;

    if ((r = archived_mode(req, &mode)) != RESULT_OK)
        return r;
    if (status != NULL && !one_of(status, case_status_names))
        return bad_parameter(req, "status", "choice",
                             "Must be one of: new, open, pending, resolved, closed.");
    q->status = status;
    if (priority != NULL && !one_of(priority, case_priority_names))
        return bad_parameter(req, "priority", "choice",
                             "Must be one of: low, normal, high, urgent.");
    q->priority = priority;
    if (assignee != NULL) {
        char *end;
        long long id = strtoll(assignee, &end, 10);

        if (strcmp(assignee, "me") == 0 && req->scope.actor != NULL)
            q->assignee_id = req->scope.actor->user_id;
        else if (assignee[0] >= '1' && assignee[0] <= '9' && *end == '\0' && id > 0 &&
                 id < INT64_MAX)
            q->assignee_id = id;
        else
            return bad_parameter(req, "assignee", "format", "Must be a user id or \"me\".");
    }
    if (category != NULL) {
        char *trimmed;
        size_t chars;

        if (text_normalize(req->arena, category, strlen(category), TEXT_SINGLE_LINE, &trimmed,
                           &chars) != TEXT_OK ||
            chars == 0 || chars > 80)
            return bad_parameter(req, "category", "format",
                                 "Must be a category of 1 to 80 characters.");
        q->category = trimmed;
    }
    q->overdue = -1;
    if (overdue != NULL) {
        if (strcmp(overdue, "true") != 0 && strcmp(overdue, "false") != 0)
            return bad_parameter(req, "overdue", "type", "Must be true or false.");
        q->overdue = strcmp(overdue, "true") == 0;
    }
    if ((r = created_bound(req, "created_from", &q->created_from_date,
                           &q->created_from_instant)) != RESULT_OK ||
        (r = created_bound(req, "created_to", &q->created_to_date, &q->created_to_instant)) !=
            RESULT_OK)
        return r;
    if (search != NULL) {
        if (text_chars(search) > CASE_SEARCH_MAX)
            return bad_parameter(req, "q", "max_length", "Must be at most 200 characters.");
        q->search_pattern = case_search_pattern(req->arena, search);
    }
    *v = case_visibility(req->scope.actor, CASE_READ, mode);
    q->visibility = v;
    return RESULT_OK;
}

/* Lists cases, of one record when customer_id is positive. */
static enum result
list_cases(struct request *req, const char *const *known, int64_t customer_id)
{
    static const enum case_sort sorts[] = {CASE_SORT_CREATED, CASE_SORT_UPDATED, CASE_SORT_DUE,
                                           CASE_SORT_NUMBER};
    struct case_list_query q;
    struct case_visibility v;
    struct paging page;
    json_t *items;
    const char *last_key;
    int64_t last_id = 0;
    enum result r;

    memset(&q, 0, sizeof(q));
    if ((r = paging_check_parameters(req, known)) != RESULT_OK ||
        (r = paging_parse(req, list_sorts, "-created_at", &page)) != RESULT_OK ||
        (r = list_filters(req, &q, &v)) != RESULT_OK)
        return r;
    if (customer_id > 0)
        q.customer_id = customer_id;
    else if ((r = record_filter(req, &v.records, &q.customer_id)) != RESULT_OK)
        return r;
    q.sort = sorts[page.sort - list_sorts];
    q.descending = page.descending;
    q.has_after = page.has_cursor;
    q.after_key = page.after_key;
    q.after_id = page.after_id;
    q.limit = page.limit;
    if ((r = case_list(&req->scope, &q, &items, &last_key, &last_id)) != RESULT_OK)
        return r;
    respond_page(req, &page, items, last_key, last_id);
    return RESULT_OK;
}

static enum result
cases_list(struct request *req)
{
    static const char *const known[] = {CASE_FILTERS, "customer", NULL};

    return list_cases(req, known, 0);
}

/* Lists the cases of the record named by the path: a customer code or a prospect reference. */
static enum result
record_cases(struct request *req, enum customer_key by, const char *noun)
{
    static const char *const known[] = {CASE_FILTERS, NULL};
    const char *key = request_param(req, 0);
    struct customer_visibility v =
        customer_visibility(req->scope.actor, CUSTOMER_READ, CUSTOMER_LIVE);
    int64_t id;
    enum result r;

    if (request_query(req, "include_archived") != NULL &&
        strcmp(request_query(req, "include_archived"), "true") == 0 &&
        customer_may_see_archived(req->scope.actor))
        v.archived = CUSTOMER_WITH_ARCHIVED;
    r = key != NULL && text_chars(key) <= NUMBER_MAX
            ? customer_find_id(&req->scope, by, key, &v, &id)
            : RESULT_NOT_FOUND;
    if (r == RESULT_NOT_FOUND)
        return response_fail(
            req, RESULT_NOT_FOUND, "not_found", "No %s with the %s %s is visible to you.", noun,
            by == CUSTOMER_BY_CODE ? "code" : "reference", key != NULL ? key : "given");
    if (r != RESULT_OK)
        return r;
    return list_cases(req, known, id);
}

static enum result
customer_cases(struct request *req)
{
    return record_cases(req, CUSTOMER_BY_CODE, "customer");
}

static enum result
prospect_cases(struct request *req)
{
    return record_cases(req, CUSTOMER_BY_REFERENCE, "prospect");
}

static enum result
cases_create(struct request *req)
{
    struct scope *s = &req->scope;
    struct idempotency idem;
    json_t *record, *replayed;
    int status;
    enum result r;

    if ((r = paging_check_parameters(req, (const char *const[]){NULL})) != RESULT_OK)
        return r;
    if ((r = db_begin(s->db)) != RESULT_OK)
        return r;
    if ((r = idempotency_begin(req, &idem, &status, &replayed)) != RESULT_OK)
        return r;
    if (replayed != NULL) {
        if ((r = db_commit(s->db)) != RESULT_OK)
            return r;
        response_header(req, "Idempotent-Replayed", "true");
        respond_case(req, status, replayed);
        return RESULT_OK;
    }
    if ((r = case_create(s, req->json, &record)) != RESULT_OK ||
        (r = idempotency_finish(req, &idem, 201, record)) != RESULT_OK ||
        (r = db_commit(s->db)) != RESULT_OK)
        return r;
    respond_case(req, 201, record);
    return RESULT_OK;
}

/* Finds the case of the path visible for reading, or responds with 404. */
static enum result
readable_case(struct request *req, const char *const *known, json_t **record)
{
    const char *number = path_key(req);
    struct case_visibility v;
    enum customer_archived mode;
    enum result r;

    if ((r = paging_check_parameters(req, known)) != RESULT_OK ||
        (r = archived_mode(req, &mode)) != RESULT_OK)
        return r;
    if (number == NULL)
        return case_not_found(req, NULL);
    v = case_visibility(req->scope.actor, CASE_READ, mode);
    r = case_get(&req->scope, CASE_BY_NUMBER, number, &v, record);
    if (r == RESULT_NOT_FOUND)
        return case_not_found(req, number);
    return r;
}

static enum result
cases_get(struct request *req)
{
    static const char *const known[] = {"include_archived", NULL};
    json_t *record;
    enum result r;

    if ((r = readable_case(req, known, &record)) != RESULT_OK)
        return r;
    respond_case(req, 200, record);
    return RESULT_OK;
}

static enum result
cases_update(struct request *req)
{
    static const char *const known[] = {"include_archived", NULL};
    struct scope *s = &req->scope;
    const char *number = path_key(req);
    struct case_visibility v;
    enum customer_archived mode;
    json_t *record;
    int version = 0;
    enum result r;

    if ((r = paging_check_parameters(req, known)) != RESULT_OK ||
        (r = archived_mode(req, &mode)) != RESULT_OK)
        return r;
    if (number == NULL)
        return case_not_found(req, NULL);
    if ((r = etag_if_match(req, &version)) != RESULT_OK)
        return r;
    v = case_visibility(s->actor, CASE_WRITE, mode);
    if ((r = db_begin(s->db)) != RESULT_OK)
        return r;
    r = case_update(s, number, &v, version, req->json, &record);
    if (r == RESULT_NOT_FOUND)
        return case_not_found(req, number);
    if (r != RESULT_OK || (r = db_commit(s->db)) != RESULT_OK)
        return r;
    respond_case(req, 200, record);
    return RESULT_OK;
}

static enum result
cases_history(struct request *req)
{
    static const char *const known[] = {"include_archived", "sort", NULL};
    struct paging page;
    json_t *record, *items;
    const char *last_key;
    int64_t last_id = 0;
    enum result r;

    if ((r = paging_parse(req, history_sorts, "-occurred_at", &page)) != RESULT_OK ||
        (r = readable_case(req, known, &record)) != RESULT_OK)
        return r;
    r = case_history(&req->scope, json_int(record, "id", 0), !page.descending, page.has_cursor,
                     page.after_key, page.after_id, page.limit, &items, &last_key, &last_id);
    if (r != RESULT_OK)
        return r;
    respond_page(req, &page, items, last_key, last_id);
    return RESULT_OK;
}

static enum result
notes_list(struct request *req)
{
    static const char *const known[] = {"include_archived", NULL};
    struct paging page;
    json_t *record, *items;
    int64_t last_id = 0;
    enum result r;

    if ((r = paging_parse(req, note_sorts, "id", &page)) != RESULT_OK ||
        (r = readable_case(req, known, &record)) != RESULT_OK)
        return r;
    r = case_notes(&req->scope, json_int(record, "id", 0), page.has_cursor ? page.after_id : 0,
                   page.limit, &items, &last_id);
    if (r != RESULT_OK)
        return r;
    respond_page(req, &page, items,
                 last_id > 0 ? arena_printf(req->arena, "%lld", (long long)last_id) : NULL,
                 last_id);
    return RESULT_OK;
}

static enum result
notes_create(struct request *req)
{
    struct scope *s = &req->scope;
    const char *number = path_key(req);
    struct case_visibility v;
    json_t *note;
    enum result r;

    if ((r = paging_check_parameters(req, (const char *const[]){NULL})) != RESULT_OK)
        return r;
    if (number == NULL)
        return case_not_found(req, NULL);
    v = case_visibility(s->actor, CASE_WRITE, CUSTOMER_LIVE);
    if ((r = db_begin(s->db)) != RESULT_OK)
        return r;
    r = case_add_note(s, number, &v, req->json, &note);
    if (r == RESULT_NOT_FOUND)
        return case_not_found(req, number);
    if (r != RESULT_OK || (r = db_commit(s->db)) != RESULT_OK)
        return r;
    response_json(req, 201, note);
    return RESULT_OK;
}

const struct route case_routes[] = {
    {HTTP_GET, "/api/v1/cases", cases_list, PERM_CASES_VIEW, 0},
    {HTTP_POST, "/api/v1/cases", cases_create, PERM_CASES_CREATE, ROUTE_BODY_JSON},
    {HTTP_GET, "/api/v1/cases/{number}", cases_get, PERM_CASES_VIEW, 0},
    {HTTP_PATCH, "/api/v1/cases/{number}", cases_update, PERM_CASES_UPDATE, ROUTE_BODY_JSON},
    {HTTP_GET, "/api/v1/cases/{number}/history", cases_history, PERM_CASES_VIEW, 0},
    {HTTP_GET, "/api/v1/cases/{number}/notes", notes_list, PERM_CASES_VIEW, 0},
    {HTTP_POST, "/api/v1/cases/{number}/notes", notes_create, PERM_CASES_UPDATE,
     ROUTE_BODY_JSON},
    {HTTP_GET, "/api/v1/customers/{code}/cases", customer_cases, PERM_CASES_VIEW, 0},
    {HTTP_GET, "/api/v1/prospects/{reference}/cases", prospect_cases, PERM_CASES_VIEW, 0},
    {0, NULL, NULL, PERM_NONE, 0},
};
