/*
 * API tokens for integrations. A token acts for the user who created it, with the
 * permissions of its role limited to what that user's own role grants. Clients
 * send it as "Authorization: Bearer lst_...", which needs no CSRF token.
 */
#include <string.h>

#include "api/paging.h"
#include "api/routes.h"
#include "auth/session.h"
#include "core/validate.h"
#include "domain/access.h"
#include "http/response.h"
#include "store/tokens.h"

static const char *const token_statuses[] = {"active", "revoked", "expired", NULL};
static const char *const token_filters[] = {"status", "user_id", NULL};

static const struct field token_fields[] = {
    {"name", FIELD_STRING, FIELD_REQUIRED, 120, 0, 0, NULL, NULL, NULL},
    {"role_id", FIELD_ID, FIELD_REQUIRED, 0, 0, 0, NULL, NULL, NULL},
    {"expires_in_days", FIELD_INTEGER, FIELD_NULLABLE, 0, 1, ACCESS_TOKEN_MAX_DAYS, NULL, NULL, NULL},
    {NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL},
};

static enum result
tokens_path_id(struct request *req, int64_t *id)
{
    if (request_param_id(req, 0, id))
        return RESULT_OK;
    problem_field(&req->problem, "id", "format", "Must be a positive integer.");
    return response_fail(req, RESULT_NOT_FOUND, "not_found", "No API token has this id.");
}

static enum result
tokens_create(struct request *req)
{
    struct scope *s = &req->scope;
    json_t *body;
    int64_t id;
    char *token;
    enum result r;

    /* A token that could mint tokens would outlive its own revocation. */
    if (s->actor->token_id != 0) {
        problem_field(&req->problem, "Authorization", "session",
                      "Sign in with a browser session to create API tokens.");
        return response_fail(req, RESULT_DENIED, "not_a_session",
                             "API tokens are created from a browser session, not with an API token.");
    }
    if (validate_object(&req->problem, req->arena, req->json, token_fields, "", false) != RESULT_OK)
        return RESULT_INVALID;
    if ((r = db_begin(s->db)) != RESULT_OK)
        return r;
    r = access_token_create(s, json_str(req->json, "name"), json_int(req->json, "role_id", 0),
                            json_int(req->json, "expires_in_days", 0), &id, &token);
    if (r == RESULT_OK)
        r = tokens_json(s, id, &body);
    if (r == RESULT_OK)
        r = db_commit(s->db);
    if (r != RESULT_OK)
        return r;
    /* The only time the token is shown: nothing can read it back. */
    json_object_set_new(body, "token", json_string(token));
    response_json(req, 201, body);
    return RESULT_OK;
}

static const struct paging_sort token_order[] = {{"id", PAGING_KEY_INTEGER}, {NULL, 0}};

static enum result
tokens_index(struct request *req)
{
    struct tokens_filter filter = {0};
    struct paging paging;
    const char *status = request_query(req, "status");
    bool present, ok;
    json_t *rows;
    enum result r;

    /* Newest first: the cursor's row and everything after it have smaller ids. */
    ok = paging_check_parameters(req, token_filters) == RESULT_OK;
    ok = paging_parse(req, token_order, "-id", &paging) == RESULT_OK && ok;
    ok = paging_query_int(req, "user_id", 1, INT64_MAX, &filter.user_id, &present) == RESULT_OK && ok;
    if (status != NULL) {
        bool known = false;

        for (size_t i = 0; token_statuses[i] != NULL; i++)
            known = known || strcmp(token_statuses[i], status) == 0;
        if (!known) {
            problem_field(&req->problem, "status", "choice", "Must be one of: active, revoked, expired.");
            ok = false;
        }
    }
    if (!ok)
        return response_fail(req, RESULT_MALFORMED, "invalid_parameter",
                             "A query parameter is not valid; see errors.");

    filter.status = status;
    filter.before_id = paging.has_cursor ? paging.after_id : 0;
    filter.limit = paging.limit + 1;
    if ((r = tokens_list(&req->scope, &filter, &rows)) != RESULT_OK)
        return r;
    response_json(req, 200, paging_page(req->arena, &paging, rows, "id"));
    return RESULT_OK;
}

static enum result
tokens_delete(struct request *req)
{
    struct scope *s = &req->scope;
    char *hash = NULL;
    int64_t id;
    enum result r;

    if ((r = tokens_path_id(req, &id)) != RESULT_OK)
        return r;
    if ((r = db_begin(s->db)) != RESULT_OK)
        return r;
    r = access_token_revoke(s, id, &hash);
    if (r == RESULT_NOT_FOUND)
        return response_fail(req, r, "not_found", "No API token has this id.");
    if (r == RESULT_OK)
        r = db_commit(s->db);
    if (r != RESULT_OK)
        return r;
    if (hash != NULL && s->cache != NULL) {
        const char *key = session_key(s, "tok", hash);

        cache_del(s->cache, 1, &key);
    }
    req->response.status = 204;
    return RESULT_OK;
}

const struct route tokens_routes[] = {
    {HTTP_POST, "/api/v1/tokens", tokens_create, PERM_USERS_MANAGE, ROUTE_BODY_JSON},
    {HTTP_GET, "/api/v1/tokens", tokens_index, PERM_USERS_MANAGE, 0},
    {HTTP_DELETE, "/api/v1/tokens/{id}", tokens_delete, PERM_USERS_MANAGE, 0},
    {0, NULL, NULL, PERM_NONE, 0},
};
