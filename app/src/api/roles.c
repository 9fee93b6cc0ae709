/* Roles: the built-in ones, read-only, and custom roles with their permissions. */
#include <inttypes.h>

#include "api/etag.h"
#include "api/routes.h"
#include "auth/auth.h"
#include "auth/principal.h"
#include "auth/session.h"
#include "core/validate.h"
#include "domain/access.h"
#include "http/response.h"
#include "store/roles.h"

static const char *const permission_scopes[] = {"all", "own", NULL};

/* One entry per permission name, filled at first use. The last, empty entry ends the table. */
static struct field permission_fields[PERM_COUNT + 1];

static const struct field role_create_fields[] = {
    {"name", FIELD_STRING, FIELD_REQUIRED, 80, 0, 0, NULL, NULL, NULL},
    {"description", FIELD_TEXT, FIELD_NULLABLE, 500, 0, 0, NULL, NULL, NULL},
    {"permissions", FIELD_OBJECT, FIELD_REQUIRED, 0, 0, 0, NULL, permission_fields, NULL},
    {NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL},
};

/* A PATCH: every field is optional, but a name that is sent must not be empty. */
static const struct field role_change_fields[] = {
    {"name", FIELD_STRING, FIELD_REQUIRED, 80, 0, 0, NULL, NULL, NULL},
    {"description", FIELD_TEXT, FIELD_NULLABLE, 500, 0, 0, NULL, NULL, NULL},
    {"permissions", FIELD_OBJECT, FIELD_REQUIRED, 0, 0, 0, NULL, permission_fields, NULL},
    {NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL},
};

/* Validates a role body: the field table, then the rules between fields. */
static enum result
roles_validate(struct request *req, const struct field *fields, bool partial)
{
    json_t *permissions;
    bool ok;

    if (permission_fields[0].name == NULL) {
        for (int p = 0; p < PERM_COUNT; p++)
            permission_fields[p] = (struct field){permission_name((enum permission)p), FIELD_ENUM, 0,
                                                  0, 0, 0, permission_scopes, NULL, NULL};
    }
    ok = validate_object(&req->problem, req->arena, req->json, fields, "", partial) == RESULT_OK;
    /* Also after other errors, so one response lists every broken rule. */
    permissions = json_object_get(req->json, "permissions");
    if (json_is_object(permissions) && !access_permissions_valid(&req->problem, permissions))
        ok = false;
    return ok ? RESULT_OK : RESULT_INVALID;
}

static enum result
roles_path_id(struct request *req, int64_t *id)
{
    if (request_param_id(req, 0, id))
        return RESULT_OK;
    problem_field(&req->problem, "id", "format", "Must be a positive integer.");
    return response_fail(req, RESULT_NOT_FOUND, "not_found", "No role has this id.");
}

static enum result
roles_send(struct request *req, int64_t id, int status)
{
    json_t *role;
    enum result r;

    if ((r = roles_json(&req->scope, id, &role)) == RESULT_NOT_FOUND) {
        problem_field(&req->problem, "id", "exists", "No role has this id.");
        return response_fail(req, r, "not_found", "No role has this id.");
    }
    if (r != RESULT_OK)
        return r;
    response_etag(req, json_int(role, "version", 0));
    response_json(req, status, role);
    return RESULT_OK;
}

static enum result
roles_index(struct request *req)
{
    json_t *items, *body;
    enum result r;

    /* Inviting staff and creating tokens pick a role, so users.manage may read them too. */
    if (!actor_can(req->scope.actor, PERM_USERS_MANAGE) &&
        (r = auth_require(req, PERM_ROLES_MANAGE)) != RESULT_OK)
        return r;
    if ((r = roles_list(&req->scope, &items)) != RESULT_OK)
        return r;
    body = json_object();
    json_object_set_new(body, "items", items);
    response_json(req, 200, body);
    return RESULT_OK;
}

static enum result
roles_create(struct request *req)
{
    struct scope *s = &req->scope;
    int64_t id;
    enum result r;

    if ((r = roles_validate(req, role_create_fields, false)) != RESULT_OK)
        return r;
    if ((r = db_begin(s->db)) != RESULT_OK)
        return r;
    r = access_role_create(s, json_str(req->json, "name"), json_str(req->json, "description"),
                           json_object_get(req->json, "permissions"), &id);
    if (r == RESULT_OK)
        r = db_commit(s->db);
    if (r != RESULT_OK)
        return r;
    response_header(req, "Location", arena_printf(req->arena, "/api/v1/roles/%" PRId64, id));
    return roles_send(req, id, 201);
}

static enum result
roles_show(struct request *req)
{
    int64_t id;
    enum result r;

    if ((r = roles_path_id(req, &id)) != RESULT_OK)
        return r;
    return roles_send(req, id, 200);
}

/* Deletes the cached entries of every holder, so the change applies to their next request. */
static void
roles_forget_holders(struct scope *s, const struct access_role_changed *changed)
{
    principal_forget_users(s, changed->user_ids, (size_t)changed->user_count);
    if (s->cache == NULL)
        return;
    for (int i = 0; i < changed->token_count; i++) {
        const char *key = session_key(s, "tok", changed->token_hashes[i]);

        cache_del(s->cache, 1, &key);
    }
}

static enum result
roles_change(struct request *req)
{
    struct scope *s = &req->scope;
    struct access_role_changed changed;
    int64_t id;
    int version;
    enum result r;

    if ((r = roles_path_id(req, &id)) != RESULT_OK)
        return r;
    if ((r = roles_validate(req, role_change_fields, true)) != RESULT_OK)
        return r;
    if ((r = etag_if_match(req, &version)) != RESULT_OK)
        return r;
    if ((r = db_begin(s->db)) != RESULT_OK)
        return r;
    r = access_role_update(s, id, version, req->json, &changed);
    if (r == RESULT_OK)
        r = db_commit(s->db);
    if (r != RESULT_OK)
        return r;
    roles_forget_holders(s, &changed);
    return roles_send(req, id, 200);
}

const struct route roles_routes[] = {
    {HTTP_GET, "/api/v1/roles", roles_index, PERM_NONE, 0},
    {HTTP_POST, "/api/v1/roles", roles_create, PERM_ROLES_MANAGE, ROUTE_BODY_JSON},
    {HTTP_GET, "/api/v1/roles/{id}", roles_show, PERM_ROLES_MANAGE, 0},
    {HTTP_PATCH, "/api/v1/roles/{id}", roles_change, PERM_ROLES_MANAGE, ROUTE_BODY_JSON},
    {0, NULL, NULL, PERM_NONE, 0},
};
