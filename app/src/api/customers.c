/*
 * Customers and prospects: /api/v1/customers by customer code and
 * /api/v1/prospects by prospect reference. Both are the same record type; a
 * prospect that converts keeps its reference and gains a code.
 */
#include <stdlib.h>
#include <string.h>

#include "api/customer_list.h"
#include "api/idempotency.h"
#include "api/paging.h"
#include "api/routes.h"
#include "core/text.h"
#include "core/validate.h"
#include "domain/customer.h"
#include "http/response.h"

#define KEY_MAX 40 /* characters of a code or reference in a path */
/* Bytes reserved for one record's JSON text before the buffer has to grow. */
#define RECORD_TEXT_CAPACITY 2048

/* The differences between the two resources. */
struct resource {
    enum customer_lifecycle lifecycle;
    enum customer_key key;
    const char *path;     /* "/api/v1/customers" */
    const char *key_name; /* "code", the record member naming it in paths */
    const char *noun;     /* "customer", for messages */
};

static const struct resource customers = {CUSTOMER_LIFECYCLE_CUSTOMER, CUSTOMER_BY_CODE,
                                          "/api/v1/customers", "code", "customer"};
static const struct resource prospects = {CUSTOMER_LIFECYCLE_PROSPECT, CUSTOMER_BY_REFERENCE,
                                          "/api/v1/prospects", "reference", "prospect"};

static const struct paging_sort list_sorts[] = {
    {"name", PAGING_KEY_TEXT},
    {"code", PAGING_KEY_INTEGER},
    {"created_at", PAGING_KEY_INTEGER},
    {"updated_at", PAGING_KEY_INTEGER},
    {NULL, PAGING_KEY_TEXT},
};

static const struct paging_sort history_sorts[] = {
    {"occurred_at", PAGING_KEY_INTEGER},
    {NULL, PAGING_KEY_TEXT},
};

static enum result
bad_parameter(struct request *req, const char *name, const char *rule, const char *message)
{
    problem_field(&req->problem, name, rule, "%s", message);
    return response_fail(req, RESULT_MALFORMED, "invalid_parameter",
                         "The query parameter %s is not valid. %s", name, message);
}

/* Rejects query parameters the endpoint does not know, so a typo does not pass silently. */
static enum result
check_query(struct request *req, const char *const *allowed)
{
    for (size_t i = 0; i < req->query_count; i++) {
        const char *const *a = allowed;

        while (*a != NULL && strcmp(*a, req->query[i].name) != 0)
            a++;
        if (*a == NULL)
            return bad_parameter(req, req->query[i].name, "unknown",
                                 "This endpoint does not accept this parameter.");
    }
    return RESULT_OK;
}

/* Reads a boolean parameter: absent, "true" or "false". */
static enum result
query_bool(struct request *req, const char *name, bool *out)
{
    const char *v = request_query(req, name);

    *out = false;
    if (v == NULL || strcmp(v, "false") == 0)
        return RESULT_OK;
    if (strcmp(v, "true") == 0) {
        *out = true;
        return RESULT_OK;
    }
    return bad_parameter(req, name, "type", "Must be true or false.");
}

/*
 * Reads archived and include_archived. In a list, archived=true shows only
 * archived records and include_archived=true shows both. For one record, either
 * lets it be archived. Both need customers.archive.
 */
static enum result
archived_mode(struct request *req, bool list, enum customer_archived *mode)
{
    bool only, include;
    enum result r;

    *mode = CUSTOMER_LIVE;
    if ((r = query_bool(req, "archived", &only)) != RESULT_OK ||
        (r = query_bool(req, "include_archived", &include)) != RESULT_OK)
        return r;
    if (!only && !include)
        return RESULT_OK;
    if (!customer_may_see_archived(req->scope.actor)) {
        problem_extra(&req->problem, "permission",
                      json_string(permission_name(PERM_CUSTOMERS_ARCHIVE)));
        return response_fail(
            req, RESULT_DENIED, "permission_denied",
            "Archived records need the permission %s, which your role does not grant.",
            permission_name(PERM_CUSTOMERS_ARCHIVE));
    }
    *mode = only && list && !include ? CUSTOMER_ONLY_ARCHIVED : CUSTOMER_WITH_ARCHIVED;
    return RESULT_OK;
}

/* Returns the code or reference of the path, or NULL when it cannot name a record. */
static const char *
path_key(struct request *req)
{
    const char *key = request_param(req, 0);

    return key != NULL && text_chars(key) <= KEY_MAX ? key : NULL;
}

static enum result
not_found(struct request *req, const struct resource *res, const char *key)
{
    return response_fail(req, RESULT_NOT_FOUND, "not_found",
                         "No %s with the %s %s is visible to you.", res->noun, res->key_name,
                         key != NULL ? key : "given");
}

/* Responds with a record, its ETag and, for a create, its Location. */
static void
respond_record(struct request *req, const struct resource *res, int status, json_t *record)
{
    const char *key = json_str(record, res->key_name);

    response_etag(req, json_int(record, "version", 0));
    if (status == 201 && key != NULL)
        response_header(req, "Location", arena_printf(req->arena, "%s/%s", res->path, key));
    response_json(req, status, record);
}

static enum result
record_get(struct request *req, const struct resource *res)
{
    static const char *const allowed[] = {"archived", "include_archived", NULL};
    const char *key = path_key(req);
    struct customer_visibility v;
    enum customer_archived mode;
    struct json_writer w;
    int64_t version;
    const char *text;
    size_t len;
    enum result r;

    if ((r = check_query(req, allowed)) != RESULT_OK ||
        (r = archived_mode(req, false, &mode)) != RESULT_OK)
        return r;
    if (key == NULL)
        return not_found(req, res, NULL);
    v = customer_visibility(req->scope.actor, CUSTOMER_READ, mode);
    json_writer_init(&w, req->arena, RECORD_TEXT_CAPACITY);
    r = customer_get_write(&req->scope, res->key, key, &v, &w, &version);
    if (r == RESULT_NOT_FOUND)
        return not_found(req, res, key);
    if (r != RESULT_OK)
        return r;
    response_etag(req, version);
    text = json_writer_finish(&w, &len);
    response_json_text(req, 200, text, len);
    return RESULT_OK;
}

static enum result
record_create(struct request *req, const struct resource *res)
{
    struct scope *s = &req->scope;
    struct idempotency idem;
    json_t *record, *replayed;
    int status;
    enum result r;

    if ((r = check_query(req, (const char *const[]){NULL})) != RESULT_OK)
        return r;
    if ((r = db_begin(s->db)) != RESULT_OK)
        return r;
    if ((r = idempotency_begin(req, &idem, &status, &replayed)) != RESULT_OK)
        return r;
    if (replayed != NULL) {
        if ((r = db_commit(s->db)) != RESULT_OK)
            return r;
        response_header(req, "Idempotent-Replayed", "true");
        respond_record(req, res, status, replayed);
        return RESULT_OK;
    }
    if ((r = customer_validate(s, res->lifecycle, NULL, req->json, false)) != RESULT_OK ||
        (r = customer_create(s, res->lifecycle, req->json, &record)) != RESULT_OK ||
        (r = idempotency_finish(req, &idem, 201, record)) != RESULT_OK ||
        (r = db_commit(s->db)) != RESULT_OK)
        return r;
    respond_record(req, res, 201, record);
    return RESULT_OK;
}

/* Reads If-Match: "7" or W/"7". 428 when missing or "*", 400 when not an ETag of ours. */
static enum result
if_match_version(struct request *req, int *version)
{
    const char *v = req->if_match;
    char *end;
    long n;

    if (v == NULL || strcmp(v, "*") == 0)
        return response_fail(
            req, RESULT_PRECONDITION_REQUIRED, "precondition_required",
            "Send If-Match with the ETag of the version you changed, as returned "
            "by GET.");
    if (strncmp(v, "W/", 2) == 0)
        v += 2;
    if (v[0] == '"' && v[1] >= '1' && v[1] <= '9') {
        n = strtol(v + 1, &end, 10);
        if (end[0] == '"' && end[1] == '\0' && n > 0 && n <= 2147483647) {
            *version = (int)n;
            return RESULT_OK;
        }
    }
    problem_field(&req->problem, "If-Match", "format", "Must be an ETag such as \"7\".");
    return response_fail(req, RESULT_MALFORMED, "invalid_header",
                         "The If-Match header is not an ETag of this API.");
}

static enum result
record_update(struct request *req, const struct resource *res)
{
    static const char *const allowed[] = {"include_archived", NULL};
    struct scope *s = &req->scope;
    const char *key = path_key(req);
    struct customer_visibility v;
    enum customer_archived mode;
    json_t *record;
    int version = 0;
    enum result r;

    if ((r = check_query(req, allowed)) != RESULT_OK ||
        (r = archived_mode(req, false, &mode)) != RESULT_OK)
        return r;
    if (key == NULL)
        return not_found(req, res, NULL);
    if ((r = if_match_version(req, &version)) != RESULT_OK)
        return r;
    v = customer_visibility(s->actor, CUSTOMER_WRITE, mode);
    if ((r = db_begin(s->db)) != RESULT_OK)
        return r;
    r = customer_update(s, res->key, key, &v, version, req->json, &record);
    if (r == RESULT_NOT_FOUND)
        return not_found(req, res, key);
    if (r != RESULT_OK || (r = db_commit(s->db)) != RESULT_OK)
        return r;
    respond_record(req, res, 200, record);
    return RESULT_OK;
}

static enum result
record_archive(struct request *req, const struct resource *res, bool archived)
{
    struct scope *s = &req->scope;
    const char *key = path_key(req);
    struct customer_visibility v;
    json_t *record;
    enum result r;

    if ((r = check_query(req, (const char *const[]){NULL})) != RESULT_OK)
        return r;
    if (key == NULL)
        return not_found(req, res, NULL);
    v = customer_visibility(s->actor, CUSTOMER_READ, CUSTOMER_WITH_ARCHIVED);
    if ((r = db_begin(s->db)) != RESULT_OK)
        return r;
    r = customer_set_archived(s, res->key, key, &v, archived, &record);
    if (r == RESULT_NOT_FOUND)
        return not_found(req, res, key);
    if (r != RESULT_OK || (r = db_commit(s->db)) != RESULT_OK)
        return r;
    respond_record(req, res, 200, record);
    return RESULT_OK;
}

static enum result
record_history(struct request *req, const struct resource *res)
{
    static const char *const allowed[] = {"include_archived", "sort", "limit", "cursor", NULL};
    const char *key = path_key(req);
    struct customer_visibility v;
    enum customer_archived mode;
    struct paging page;
    json_t *items, *body;
    const char *last_key;
    int64_t id, last_id = 0;
    enum result r;

    if ((r = check_query(req, allowed)) != RESULT_OK ||
        (r = archived_mode(req, false, &mode)) != RESULT_OK ||
        (r = paging_parse(req, history_sorts, "-occurred_at", &page)) != RESULT_OK)
        return r;
    if (key == NULL)
        return not_found(req, res, NULL);
    v = customer_visibility(req->scope.actor, CUSTOMER_READ, mode);
    r = customer_find_id(&req->scope, res->key, key, &v, &id);
    if (r == RESULT_NOT_FOUND)
        return not_found(req, res, key);
    if (r != RESULT_OK)
        return r;
    r = customer_history(&req->scope, id, !page.descending, page.has_cursor, page.after_key,
                         page.after_id, page.limit, &items, &last_key, &last_id);
    if (r != RESULT_OK)
        return r;
    body = json_object();
    json_object_set_new(body, "items", items);
    json_object_set_new(
        body, "next_cursor",
        json_string_or_null(last_key != NULL
                                ? paging_next_cursor(req->arena, &page, last_key, last_id)
                                : NULL));
    response_json(req, 200, body);
    return RESULT_OK;
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
 * Reads the filters of a list or count: kind, status, owner ("me" or a user
 * id), tag, created_from, created_to, q, archived and include_archived. For
 * prospects, status=converted lists former prospects that are customers now.
 */
static enum result
list_filters(struct request *req, const struct resource *res, struct customer_list_query *q,
             struct customer_visibility *v)
{
    static const char *const kinds[] = {"person", "business", NULL};
    static const char *const customer_statuses[] = {"active", "inactive", "dormant",
                                                    "blacklisted", NULL};
    static const char *const prospect_statuses[] = {"open", "qualified", "disqualified",
                                                    "converted", NULL};
    bool prospect = res->lifecycle == CUSTOMER_LIFECYCLE_PROSPECT;
    const char *kind = request_query(req, "kind");
    const char *status = request_query(req, "status");
    const char *owner = request_query(req, "owner");
    const char *tag = request_query(req, "tag");
    const char *search = request_query(req, "q");
    enum customer_archived mode;
    enum result r;

    memset(q, 0, sizeof(*q));
    q->population = prospect ? CUSTOMER_POPULATION_PROSPECTS : CUSTOMER_POPULATION_CUSTOMERS;
    if ((r = archived_mode(req, true, &mode)) != RESULT_OK)
        return r;
    if (kind != NULL && !one_of(kind, kinds))
        return bad_parameter(req, "kind", "choice", "Must be one of: person, business.");
    q->kind = kind;
    if (status != NULL && !one_of(status, prospect ? prospect_statuses : customer_statuses))
        return bad_parameter(req, "status", "choice",
                             prospect
                                 ? "Must be one of: open, qualified, disqualified, converted."
                                 : "Must be one of: active, inactive, dormant, blacklisted.");
    if (status != NULL && strcmp(status, "converted") == 0)
        q->population = CUSTOMER_POPULATION_CONVERTED;
    else
        q->status = status;
    if (owner != NULL) {
        char *end;
        long long id = strtoll(owner, &end, 10);

        if (strcmp(owner, "me") == 0 && req->scope.actor != NULL)
            q->owner = req->scope.actor->user_id;
        else if (owner[0] >= '1' && owner[0] <= '9' && *end == '\0' && id > 0 && id < INT64_MAX)
            q->owner = id;
        else
            return bad_parameter(req, "owner", "format", "Must be a user id or \"me\".");
    }
    if (tag != NULL) {
        size_t chars;
        char *trimmed;

        if (text_normalize(req->arena, tag, strlen(tag), TEXT_SINGLE_LINE, &trimmed, &chars) !=
                TEXT_OK ||
            chars == 0 || chars > 40)
            return bad_parameter(req, "tag", "format", "Must be a tag of 1 to 40 characters.");
        q->tag = trimmed;
    }
    if ((r = created_bound(req, "created_from", &q->created_from_date,
                           &q->created_from_instant)) != RESULT_OK ||
        (r = created_bound(req, "created_to", &q->created_to_date, &q->created_to_instant)) !=
            RESULT_OK)
        return r;
    if (search != NULL) {
        if (text_chars(search) > CUSTOMER_SEARCH_MAX)
            return bad_parameter(req, "q", "max_length", "Must be at most 200 characters.");
        q->search_pattern = customer_search_pattern(req->arena, search);
    }
    *v = customer_visibility(req->scope.actor, CUSTOMER_READ, mode);
    q->visibility = v;
    return RESULT_OK;
}

static enum result
record_list(struct request *req, const struct resource *res)
{
    static const char *const allowed[] = {
        "kind",     "status",           "owner", "tag",   "created_from", "created_to", "q",
        "archived", "include_archived", "sort",  "limit", "cursor",       NULL};
    static const enum customer_sort sorts[] = {CUSTOMER_SORT_NAME, CUSTOMER_SORT_CODE,
                                               CUSTOMER_SORT_CREATED, CUSTOMER_SORT_UPDATED};
    struct customer_list_query q;
    struct customer_visibility v;
    struct paging page;
    struct json_writer w;
    const char *last_key, *text;
    int64_t last_id = 0;
    size_t len;
    enum result r;

    if ((r = check_query(req, allowed)) != RESULT_OK ||
        (r = paging_parse(req, list_sorts, "-created_at", &page)) != RESULT_OK ||
        (r = list_filters(req, res, &q, &v)) != RESULT_OK)
        return r;
    q.sort = sorts[page.sort - list_sorts];
    q.descending = page.descending;
    q.has_after = page.has_cursor;
    q.after_key = page.after_key;
    q.after_id = page.after_id;
    q.limit = page.limit;
    json_writer_init(&w, req->arena, (size_t)page.limit * RECORD_TEXT_CAPACITY);
    json_write_object_begin(&w);
    json_write_key(&w, "items");
    if ((r = customer_list_write(&req->scope, &q, &w, &last_key, &last_id)) != RESULT_OK)
        return r;
    json_write_key(&w, "next_cursor");
    json_write_cstring(&w, last_key != NULL
                               ? paging_next_cursor(req->arena, &page, last_key, last_id)
                               : NULL);
    json_write_object_end(&w);
    text = json_writer_finish(&w, &len);
    response_json_text(req, 200, text, len);
    return RESULT_OK;
}

static enum result
record_count(struct request *req, const struct resource *res)
{
    static const char *const allowed[] = {
        "kind",     "status",           "owner", "tag", "created_from", "created_to", "q",
        "archived", "include_archived", NULL};
    struct customer_list_query q;
    struct customer_visibility v;
    json_t *body;
    int64_t count;
    enum result r;

    if ((r = check_query(req, allowed)) != RESULT_OK ||
        (r = list_filters(req, res, &q, &v)) != RESULT_OK)
        return r;
    if ((r = customer_count(&req->scope, &q, &count)) != RESULT_OK)
        return r;
    body = json_object();
    json_object_set_new(body, "count", json_integer(count));
    response_json(req, 200, body);
    return RESULT_OK;
}

enum result
customers_check_query(struct request *req, const char *const *allowed)
{
    return check_query(req, allowed);
}

enum result
customers_list_filters(struct request *req, enum customer_lifecycle lifecycle,
                       struct customer_list_query *q, struct customer_visibility *v)
{
    return list_filters(req, lifecycle == CUSTOMER_LIFECYCLE_PROSPECT ? &prospects : &customers,
                        q, v);
}

static enum result
prospect_convert(struct request *req)
{
    struct scope *s = &req->scope;
    const char *key = path_key(req);
    struct customer_visibility v = customer_visibility(s->actor, CUSTOMER_READ, CUSTOMER_LIVE);
    json_t *record, *carried, *body;
    int64_t id;
    enum result r;

    if ((r = check_query(req, (const char *const[]){NULL})) != RESULT_OK)
        return r;
    if (key == NULL)
        return not_found(req, &prospects, NULL);
    if ((r = db_begin(s->db)) != RESULT_OK)
        return r;
    r = customer_find_id(s, CUSTOMER_BY_REFERENCE, key, &v, &id);
    if (r == RESULT_NOT_FOUND)
        return not_found(req, &prospects, key);
    if (r != RESULT_OK || (r = customer_convert(s, id, &record, &carried)) != RESULT_OK ||
        (r = db_commit(s->db)) != RESULT_OK)
        return r;
    body = json_object();
    json_object_set_new(body, "customer", record);
    json_object_set_new(body, "carried_over", carried);
    response_etag(req, json_int(record, "version", 0));
    response_header(
        req, "Location",
        arena_printf(req->arena, "%s/%s", customers.path, json_str(record, "code")));
    response_json(req, 200, body);
    return RESULT_OK;
}

static enum result
customers_list(struct request *req)
{
    return record_list(req, &customers);
}

static enum result
customers_count(struct request *req)
{
    return record_count(req, &customers);
}

static enum result
customers_create(struct request *req)
{
    return record_create(req, &customers);
}

static enum result
customers_get(struct request *req)
{
    return record_get(req, &customers);
}

static enum result
customers_update(struct request *req)
{
    return record_update(req, &customers);
}

static enum result
customers_history(struct request *req)
{
    return record_history(req, &customers);
}

static enum result
customers_archive(struct request *req)
{
    return record_archive(req, &customers, true);
}

static enum result
customers_restore(struct request *req)
{
    return record_archive(req, &customers, false);
}

static enum result
prospects_list(struct request *req)
{
    return record_list(req, &prospects);
}

static enum result
prospects_count(struct request *req)
{
    return record_count(req, &prospects);
}

static enum result
prospects_create(struct request *req)
{
    return record_create(req, &prospects);
}

static enum result
prospects_get(struct request *req)
{
    return record_get(req, &prospects);
}

static enum result
prospects_update(struct request *req)
{
    return record_update(req, &prospects);
}

static enum result
prospects_history(struct request *req)
{
    return record_history(req, &prospects);
}

static enum result
prospects_archive(struct request *req)
{
    return record_archive(req, &prospects, true);
}

static enum result
prospects_restore(struct request *req)
{
    return record_archive(req, &prospects, false);
}

const struct route customer_routes[] = {
    {HTTP_GET, "/api/v1/customers", customers_list, PERM_CUSTOMERS_VIEW, 0},
    {HTTP_POST, "/api/v1/customers", customers_create, PERM_CUSTOMERS_CREATE, ROUTE_BODY_JSON},
    {HTTP_GET, "/api/v1/customers/count", customers_count, PERM_CUSTOMERS_VIEW, 0},
    {HTTP_GET, "/api/v1/customers/{code}", customers_get, PERM_CUSTOMERS_VIEW, 0},
    {HTTP_PATCH, "/api/v1/customers/{code}", customers_update, PERM_CUSTOMERS_UPDATE,
     ROUTE_BODY_JSON},
    {HTTP_GET, "/api/v1/customers/{code}/history", customers_history, PERM_CUSTOMERS_VIEW, 0},
    {HTTP_POST, "/api/v1/customers/{code}/archive", customers_archive, PERM_CUSTOMERS_ARCHIVE,
     0},
    {HTTP_POST, "/api/v1/customers/{code}/restore", customers_restore, PERM_CUSTOMERS_ARCHIVE,
     0},
    {0, NULL, NULL, PERM_NONE, 0},
};

const struct route prospect_routes[] = {
    {HTTP_GET, "/api/v1/prospects", prospects_list, PERM_PROSPECTS_VIEW, 0},
    {HTTP_POST, "/api/v1/prospects", prospects_create, PERM_PROSPECTS_CREATE, ROUTE_BODY_JSON},
    {HTTP_GET, "/api/v1/prospects/count", prospects_count, PERM_PROSPECTS_VIEW, 0},
    {HTTP_GET, "/api/v1/prospects/{reference}", prospects_get, PERM_PROSPECTS_VIEW, 0},
    {HTTP_PATCH, "/api/v1/prospects/{reference}", prospects_update, PERM_PROSPECTS_UPDATE,
     ROUTE_BODY_JSON},
    {HTTP_GET, "/api/v1/prospects/{reference}/history", prospects_history, PERM_PROSPECTS_VIEW,
     0},
    {HTTP_POST, "/api/v1/prospects/{reference}/archive", prospects_archive,
     PERM_CUSTOMERS_ARCHIVE, 0},
    {HTTP_POST, "/api/v1/prospects/{reference}/restore", prospects_restore,
     PERM_CUSTOMERS_ARCHIVE, 0},
    {HTTP_POST, "/api/v1/prospects/{reference}/convert", prospect_convert,
     PERM_PROSPECTS_CONVERT, 0},
    {0, NULL, NULL, PERM_NONE, 0},
};
