/*
 * Activities and the timeline of one record: /api/v1/customers/{code}/... and
 * /api/v1/prospects/{reference}/..., for a record the actor may see.
 */
#include <string.h>

#include "api/idempotency.h"
#include "api/paging.h"
#include "api/routes.h"
#include "core/text.h"
#include "domain/activity.h"
#include "domain/customer.h"
#include "http/response.h"

#define KEY_MAX 40 /* characters of a code or reference in a path */

static const struct paging_sort activity_sorts[] = {
    {"occurred_at", PAGING_KEY_INTEGER},
    {NULL, PAGING_KEY_TEXT},
};

static const struct paging_sort timeline_sorts[] = {
    {"occurred_at", PAGING_KEY_TEXT},
    {NULL, PAGING_KEY_TEXT},
};

/* The key by which a path names its record, and the words for messages. */
struct record_path {
    enum customer_key by;
    const char *noun;     /* "customer", for messages */
    const char *key_name; /* "code" */
};

static const struct record_path customer_path = {CUSTOMER_BY_CODE, "customer", "code"};
static const struct record_path prospect_path = {CUSTOMER_BY_REFERENCE, "prospect",
                                                 "reference"};

/*
 * Finds the record of the path that the actor may see. include_archived=true
 * (for reads, with customers.archive) lets an archived record be found.
 */
static enum result
path_record(struct request *req, const struct record_path *path, bool read, int64_t *id)
{
    const char *key = request_param(req, 0);
    const char *archived = request_query(req, "include_archived");
    struct customer_visibility v;
    enum result r = RESULT_NOT_FOUND;

    v = customer_visibility(req->scope.actor, CUSTOMER_READ, CUSTOMER_LIVE);
    if (archived != NULL && strcmp(archived, "true") != 0 && strcmp(archived, "false") != 0) {
        problem_field(&req->problem, "include_archived", "type", "Must be true or false.");
        return response_fail(req, RESULT_MALFORMED, "invalid_parameter",
                             "The query parameter include_archived is not valid.");
    }
    if (read && archived != NULL && strcmp(archived, "true") == 0) {
        if (!customer_may_see_archived(req->scope.actor)) {
            problem_extra(&req->problem, "permission",
                          json_string(permission_name(PERM_CUSTOMERS_ARCHIVE)));
            return response_fail(req, RESULT_DENIED, "permission_denied",
                                 "Archived records need the permission %s, which your role "
                                 "does not grant.",
                                 permission_name(PERM_CUSTOMERS_ARCHIVE));
        }
        v.archived = CUSTOMER_WITH_ARCHIVED;
    }
    if (key != NULL && text_chars(key) <= KEY_MAX)
        r = customer_find_id(&req->scope, path->by, key, &v, id);
    if (r == RESULT_NOT_FOUND)
        return response_fail(req, RESULT_NOT_FOUND, "not_found",
                             "No %s with the %s %s is visible to you.", path->noun,
                             path->key_name, key != NULL ? key : "given");
    return r;
}

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

static enum result
activities_create(struct request *req, const struct record_path *path)
{
    struct scope *s = &req->scope;
    struct idempotency idem;
    json_t *activity, *replayed;
    int64_t id;
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
        response_json(req, status, replayed);
        return RESULT_OK;
    }
    if ((r = path_record(req, path, false, &id)) != RESULT_OK ||
        (r = activity_create(s, id, req->json, &activity)) != RESULT_OK ||
        (r = idempotency_finish(req, &idem, 201, activity)) != RESULT_OK ||
        (r = db_commit(s->db)) != RESULT_OK)
        return r;
    response_json(req, 201, activity);
    return RESULT_OK;
}

static enum result
activities_list(struct request *req, const struct record_path *path)
{
    static const char *const known[] = {"include_archived", NULL};
    struct paging page;
    json_t *items;
    const char *last_key;
    int64_t id, last_id = 0;
    enum result r;

    if ((r = paging_check_parameters(req, known)) != RESULT_OK ||
        (r = paging_parse(req, activity_sorts, "-occurred_at", &page)) != RESULT_OK ||
        (r = path_record(req, path, true, &id)) != RESULT_OK)
        return r;
    r = activity_list(&req->scope, id, page.has_cursor, paging_after_integer(&page),
                      page.after_id, page.limit, &items, &last_key, &last_id);
    if (r != RESULT_OK)
        return r;
    respond_page(req, &page, items, last_key, last_id);
    return RESULT_OK;
}

static enum result
timeline_list(struct request *req, const struct record_path *path)
{
    static const char *const known[] = {"include_archived", NULL};
    struct timeline_position after;
    struct paging page;
    json_t *items;
    const char *last_key;
    int64_t id, last_id = 0;
    enum result r;

    if ((r = paging_check_parameters(req, known)) != RESULT_OK ||
        (r = paging_parse(req, timeline_sorts, "-occurred_at", &page)) != RESULT_OK)
        return r;
    if (page.has_cursor &&
        !timeline_key_parse(req->arena, page.after_key, page.after_id, &after)) {
        problem_field(&req->problem, "cursor", "format",
                      "Must be the next_cursor value of the previous page, unchanged.");
        return response_fail(req, RESULT_MALFORMED, "invalid_parameter",
                             "The query parameter cursor is not valid.");
    }
    if ((r = path_record(req, path, true, &id)) != RESULT_OK)
        return r;
    r = timeline_page(&req->scope, id, page.has_cursor ? &after : NULL, page.limit, &items,
                      &last_key, &last_id);
    if (r != RESULT_OK)
        return r;
    respond_page(req, &page, items, last_key, last_id);
    return RESULT_OK;
}

static enum result
customer_activities_create(struct request *req)
{
    return activities_create(req, &customer_path);
}

static enum result
customer_activities_list(struct request *req)
{
    return activities_list(req, &customer_path);
}

static enum result
customer_timeline(struct request *req)
{
    return timeline_list(req, &customer_path);
}

static enum result
prospect_activities_create(struct request *req)
{
    return activities_create(req, &prospect_path);
}

static enum result
prospect_activities_list(struct request *req)
{
    return activities_list(req, &prospect_path);
}

static enum result
prospect_timeline(struct request *req)
{
    return timeline_list(req, &prospect_path);
}

const struct route activity_routes[] = {
    {HTTP_GET, "/api/v1/customers/{code}/activities", customer_activities_list,
     PERM_CUSTOMERS_VIEW, 0},
    {HTTP_POST, "/api/v1/customers/{code}/activities", customer_activities_create,
     PERM_ACTIVITIES_CREATE, ROUTE_BODY_JSON},
    {HTTP_GET, "/api/v1/customers/{code}/timeline", customer_timeline, PERM_CUSTOMERS_VIEW, 0},
    {HTTP_GET, "/api/v1/prospects/{reference}/activities", prospect_activities_list,
     PERM_PROSPECTS_VIEW, 0},
    {HTTP_POST, "/api/v1/prospects/{reference}/activities", prospect_activities_create,
     PERM_ACTIVITIES_CREATE, ROUTE_BODY_JSON},
    {HTTP_GET, "/api/v1/prospects/{reference}/timeline", prospect_timeline, PERM_PROSPECTS_VIEW,
     0},
    {0, NULL, NULL, PERM_NONE, 0},
};
