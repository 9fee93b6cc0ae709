/* The audit log, newest first, with filters and keyset pagination. */
#include "api/paging.h"
#include "api/routes.h"
#include "core/text.h"
#include "core/validate.h"
#include "http/response.h"
#include "store/audit.h"

#define AUDIT_FILTER_MAX_CHARS 200

static const char *const audit_filters[] = {"action", "target_type", "target_id", "actor",
                                            "from", "to", NULL};

/* Reads an optional text filter of at most AUDIT_FILTER_MAX_CHARS characters. */
static bool
audit_text_filter(struct request *req, const char *name, const char **out)
{
    const char *value = request_query(req, name);

    *out = value;
    if (value == NULL || text_chars(value) <= AUDIT_FILTER_MAX_CHARS)
        return true;
    problem_field(&req->problem, name, "max_length", "Must be at most %d characters.",
                  AUDIT_FILTER_MAX_CHARS);
    return false;
}

/* Reads an optional RFC 3339 time filter. */
static bool
audit_time_filter(struct request *req, const char *name, const char **out)
{
    const char *value = request_query(req, name);

    *out = value;
    if (value == NULL || validate_timestamp(value))
        return true;
    problem_field(&req->problem, name, "format",
                  "Must be a date and time as in RFC 3339, e.g. 2026-12-04T09:30:00Z.");
    return false;
}

static const struct paging_sort audit_order[] = {{"occurred_at", PAGING_KEY_INTEGER}, {NULL, 0}};

static enum result
audit_browse(struct request *req)
{
    struct audit_filter filter = {0};
    struct paging paging;
    bool present, ok = true;
    json_t *rows;
    enum result r;

    ok = paging_check_parameters(req, audit_filters) == RESULT_OK;
    ok = paging_parse(req, audit_order, "-occurred_at", &paging) == RESULT_OK && ok;
    ok = audit_text_filter(req, "action", &filter.action) && ok;
    ok = audit_text_filter(req, "target_type", &filter.target_type) && ok;
    ok = audit_text_filter(req, "target_id", &filter.target_id) && ok;
    ok = audit_time_filter(req, "from", &filter.from) && ok;
    ok = audit_time_filter(req, "to", &filter.to) && ok;
    if (paging_query_int(req, "actor", 1, INT64_MAX, &filter.actor_user_id, &present) != RESULT_OK)
        ok = false;
    if (!ok)
        return response_fail(req, RESULT_MALFORMED, "invalid_parameter",
                             "A query parameter is not valid; see errors.");

    filter.after = paging.has_cursor;
    filter.after_micros = paging_after_integer(&paging);
    filter.after_id = paging.after_id;
    filter.limit = paging.limit + 1;
    if ((r = audit_list(&req->scope, &filter, &rows)) != RESULT_OK)
        return r;
    response_json(req, 200, paging_page(req->arena, &paging, rows, "position"));
    return RESULT_OK;
}

const struct route audit_routes[] = {
    {HTTP_GET, "/api/v1/audit", audit_browse, PERM_AUDIT_VIEW, 0},
    {0, NULL, NULL, PERM_NONE, 0},
};
