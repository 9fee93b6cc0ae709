/* Deals under /api/v1/deals: lists, creates, reads, changes, moves and stage history. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "api/etag.h"
#include "api/idempotency.h"
#include "api/paging.h"
#include "api/routes.h"
#include "core/text.h"
#include "core/validate.h"
#include "domain/case.h"
#include "domain/customer.h"
#include "domain/deal.h"
#include "domain/pipeline.h"
#include "http/response.h"

#define NUMBER_MAX 40 /* characters of a customer code or prospect reference in a query */

static const struct paging_sort list_sorts[] = {
    {"created_at", PAGING_KEY_INTEGER},
    {"updated_at", PAGING_KEY_INTEGER},
    {"amount", PAGING_KEY_INTEGER},
    {"board", PAGING_KEY_INTEGER},
    {NULL, PAGING_KEY_TEXT},
};

static const struct paging_sort history_sorts[] = {
    {"id", PAGING_KEY_INTEGER},
    {NULL, PAGING_KEY_TEXT},
};

static enum result
bad_parameter(struct request *req, const char *name, const char *rule, const char *message)
{
    problem_field(&req->problem, name, rule, "%s", message);
    return response_fail(req, RESULT_MALFORMED, "invalid_parameter",
                         "The query parameter %s is not valid. %s", name, message);
}

static enum result
deal_not_found(struct request *req)
{
    const char *id = request_param(req, 0);

    return response_fail(req, RESULT_NOT_FOUND, "not_found",
                         "No deal with the id %s is visible to you.", id != NULL ? id : "given");
}

/* Responds with a deal, its ETag and, for a create, its Location. */
static void
respond_deal(struct request *req, int status, json_t *deal)
{
    response_etag(req, json_int(deal, "version", 0));
    if (status == 201)
        response_header(req, "Location",
                        arena_printf(req->arena, "/api/v1/deals/%lld",
                                     (long long)json_int(deal, "id", 0)));
    response_json(req, status, deal);
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

/* Reads an id parameter; "me" is also accepted when allow_me is set. */
static enum result
id_parameter(struct request *req, const char *name, bool allow_me, int64_t *id)
{
    const char *v = request_query(req, name);
    char *end;
    long long n;

    if (v == NULL)
        return RESULT_OK;
    if (allow_me && strcmp(v, "me") == 0 && req->scope.actor != NULL) {
        *id = req->scope.actor->user_id;
        return RESULT_OK;
    }
    n = strtoll(v, &end, 10);
    if (v[0] < '1' || v[0] > '9' || *end != '\0' || n <= 0 || n == LLONG_MAX)
        return bad_parameter(req, name, "format",
                             allow_me ? "Must be a user id or \"me\"." : "Must be an id.");
    *id = n;
    return RESULT_OK;
}

/* Reads a date parameter, YYYY-MM-DD. */
static enum result
date_parameter(struct request *req, const char *name, const char **date)
{
    const char *v = request_query(req, name);

    if (v != NULL && !validate_date(v))
        return bad_parameter(req, name, "format", "Must be a date such as 2026-12-04.");
    *date = v;
    return RESULT_OK;
}

/* Reads the record filter: a customer code or prospect reference of a visible record. */
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

/* Reads the filters of a list into q. */
static enum result
list_filters(struct request *req, struct deal_list_query *q, struct deal_visibility *v)
{
    const char *status = request_query(req, "status");
    const char *priority = request_query(req, "priority");
    const char *search = request_query(req, "q");
    enum result r;

    *v = deal_visibility(req->scope.actor, DEAL_READ);
    q->visibility = v;
    if ((r = id_parameter(req, "pipeline", false, &q->pipeline_id)) != RESULT_OK ||
        (r = id_parameter(req, "stage", false, &q->stage_id)) != RESULT_OK ||
        (r = id_parameter(req, "owner", true, &q->owner_id)) != RESULT_OK ||
        (r = date_parameter(req, "close_from", &q->close_from)) != RESULT_OK ||
        (r = date_parameter(req, "close_to", &q->close_to)) != RESULT_OK ||
        (r = record_filter(req, &v->records, &q->customer_id)) != RESULT_OK)
        return r;
    if (status != NULL && !one_of(status, pipeline_stage_kinds))
        return bad_parameter(req, "status", "choice", "Must be one of: open, won, lost.");
    q->status = status;
    if (priority != NULL && !one_of(priority, deal_priority_names))
        return bad_parameter(req, "priority", "choice", "Must be one of: low, medium, high.");
    q->priority = priority;
    if (search != NULL) {
        if (text_chars(search) > DEAL_SEARCH_MAX)
            return bad_parameter(req, "q", "max_length", "Must be at most 200 characters.");
        /* The same folded, escaped substring pattern as case search. */
        q->search_pattern = case_search_pattern(req->arena, search);
    }
    return RESULT_OK;
}

static enum result
deals_list(struct request *req)
{
    static const char *const known[] = {"pipeline", "stage",      "status",   "owner",
                                        "customer", "priority",   "q",        "close_from",
                                        "close_to", "sort",       NULL};
    static const enum deal_sort sorts[] = {DEAL_SORT_CREATED, DEAL_SORT_UPDATED,
                                           DEAL_SORT_AMOUNT, DEAL_SORT_BOARD};
    struct deal_list_query q;
    struct deal_visibility v;
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
    q.sort = sorts[page.sort - list_sorts];
    q.descending = page.descending;
    q.has_after = page.has_cursor;
    q.after_key = page.after_key;
    q.after_id = page.after_id;
    q.limit = page.limit;
    if ((r = deal_list(&req->scope, &q, &items, &last_key, &last_id)) != RESULT_OK)
        return r;
    respond_page(req, &page, items, last_key, last_id);
    return RESULT_OK;
}

static enum result
deals_create(struct request *req)
{
    struct scope *s = &req->scope;
    struct idempotency idem;
    json_t *deal, *replayed;
    int status;
    enum result r;

    if ((r = paging_check_parameters(req, (const char *const[]){NULL})) != RESULT_OK ||
        (r = db_begin(s->db)) != RESULT_OK ||
        (r = idempotency_begin(req, &idem, &status, &replayed)) != RESULT_OK)
        return r;
    if (replayed != NULL) {
        if ((r = db_commit(s->db)) != RESULT_OK)
            return r;
        response_header(req, "Idempotent-Replayed", "true");
        respond_deal(req, status, replayed);
        return RESULT_OK;
    }
    if ((r = deal_create(s, req->json, &deal)) != RESULT_OK ||
        (r = idempotency_finish(req, &idem, 201, deal)) != RESULT_OK ||
        (r = db_commit(s->db)) != RESULT_OK)
        return r;
    respond_deal(req, 201, deal);
    return RESULT_OK;
}

static enum result
deals_get(struct request *req)
{
    struct deal_visibility v = deal_visibility(req->scope.actor, DEAL_READ);
    json_t *deal;
    int64_t id;
    enum result r;

    if ((r = paging_check_parameters(req, (const char *const[]){NULL})) != RESULT_OK)
        return r;
    if (!request_param_id(req, 0, &id))
        return deal_not_found(req);
    r = deal_get(&req->scope, id, &v, &deal);
    if (r == RESULT_NOT_FOUND)
        return deal_not_found(req);
    if (r != RESULT_OK)
        return r;
    respond_deal(req, 200, deal);
    return RESULT_OK;
}

static enum result
deals_update(struct request *req)
{
    struct scope *s = &req->scope;
    struct deal_visibility v = deal_visibility(s->actor, DEAL_WRITE);
    json_t *deal;
    int64_t id;
    int version = 0;
    enum result r;

    if ((r = paging_check_parameters(req, (const char *const[]){NULL})) != RESULT_OK)
        return r;
    if (!request_param_id(req, 0, &id))
        return deal_not_found(req);
    if ((r = etag_if_match(req, &version)) != RESULT_OK || (r = db_begin(s->db)) != RESULT_OK)
        return r;
    r = deal_update(s, id, &v, version, req->json, &deal);
    if (r == RESULT_NOT_FOUND)
        return deal_not_found(req);
    if (r != RESULT_OK || (r = db_commit(s->db)) != RESULT_OK)
        return r;
    respond_deal(req, 200, deal);
    return RESULT_OK;
}

/*
 * Moves a deal. If-Match is optional here, so that a board can move a card
 * without reading the deal first; a stale one is still 412.
 */
static enum result
deals_move(struct request *req)
{
    struct scope *s = &req->scope;
    struct deal_visibility v = deal_visibility(s->actor, DEAL_WRITE);
    json_t *deal, *conversion;
    int64_t id;
    int version = 0;
    enum result r;

    if ((r = paging_check_parameters(req, (const char *const[]){NULL})) != RESULT_OK)
        return r;
    if (!request_param_id(req, 0, &id))
        return deal_not_found(req);
    if (req->if_match != NULL && req->if_match[0] != '\0' &&
        (r = etag_if_match(req, &version)) != RESULT_OK)
        return r;
    if ((r = db_begin(s->db)) != RESULT_OK)
        return r;
    r = deal_move(s, id, &v, version, req->json, &deal, &conversion);
    if (r == RESULT_NOT_FOUND)
        return deal_not_found(req);
    if (r != RESULT_OK || (r = db_commit(s->db)) != RESULT_OK)
        return r;
    json_object_set_new(deal, "conversion", conversion);
    respond_deal(req, 200, deal);
    return RESULT_OK;
}

static enum result
deals_history(struct request *req)
{
    struct deal_visibility v = deal_visibility(req->scope.actor, DEAL_READ);
    struct paging page;
    json_t *deal, *items;
    int64_t id, last_id = 0;
    enum result r;

    if ((r = paging_check_parameters(req, (const char *const[]){NULL})) != RESULT_OK ||
        (r = paging_parse(req, history_sorts, "id", &page)) != RESULT_OK)
        return r;
    if (!request_param_id(req, 0, &id))
        return deal_not_found(req);
    r = deal_get(&req->scope, id, &v, &deal);
    if (r == RESULT_NOT_FOUND)
        return deal_not_found(req);
    if (r != RESULT_OK ||
        (r = deal_history(&req->scope, id, page.has_cursor ? page.after_id : 0, page.limit,
                          &items, &last_id)) != RESULT_OK)
        return r;
    respond_page(req, &page, items,
                 last_id > 0 ? arena_printf(req->arena, "%lld", (long long)last_id) : NULL,
                 last_id);
    return RESULT_OK;
}

const struct route deal_routes[] = {
    {HTTP_GET, "/api/v1/deals", deals_list, PERM_DEALS_VIEW, 0},
    {HTTP_POST, "/api/v1/deals", deals_create, PERM_DEALS_CREATE, ROUTE_BODY_JSON},
    {HTTP_GET, "/api/v1/deals/{id}", deals_get, PERM_DEALS_VIEW, 0},
    {HTTP_PATCH, "/api/v1/deals/{id}", deals_update, PERM_DEALS_UPDATE, ROUTE_BODY_JSON},
    {HTTP_POST, "/api/v1/deals/{id}/move", deals_move, PERM_DEALS_UPDATE, ROUTE_BODY_JSON},
    {HTTP_GET, "/api/v1/deals/{id}/history", deals_history, PERM_DEALS_VIEW, 0},
    {0, NULL, NULL, PERM_NONE, 0},
};
