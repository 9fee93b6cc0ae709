/*
 * Staff members: invitations and their acceptance, the staff list, changes of
 * role, status and name, and password resets issued by an administrator.
 */
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "api/account.h"
#include "api/etag.h"
#include "api/paging.h"
#include "api/routes.h"
#include "auth/password.h"
#include "auth/principal.h"
#include "auth/session.h"
#include "auth/throttle.h"
#include "core/config.h"
#include "core/validate.h"
#include "domain/staff.h"
#include "http/response.h"
#include "tenant/host.h"

#define USERS_TOKEN_MAX_CHARS 128 /* one-time tokens are 43 characters */

static const char *const user_statuses[] = {"invited", "active", "deactivated", NULL};
static const char *const user_settable_statuses[] = {"active", "deactivated", NULL};
static const char *const user_filters[] = {"status", "role_id", NULL};

static const struct field invite_fields[] = {
    {"email", FIELD_EMAIL, FIELD_REQUIRED, 254, 0, 0, NULL, NULL, NULL},
    {"display_name", FIELD_STRING, FIELD_REQUIRED, 120, 0, 0, NULL, NULL, NULL},
    {"role_id", FIELD_ID, FIELD_REQUIRED, 0, 0, 0, NULL, NULL, NULL},
    {NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL},
};

/* A PATCH: every field is optional, and one that is sent must not be empty. */
static const struct field user_change_fields[] = {
    {"display_name", FIELD_STRING, FIELD_REQUIRED, 120, 0, 0, NULL, NULL, NULL},
    {"role_id", FIELD_ID, FIELD_REQUIRED, 0, 0, 0, NULL, NULL, NULL},
    {"status", FIELD_ENUM, FIELD_REQUIRED, 0, 0, 0, user_settable_statuses, NULL, NULL},
    {NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL},
};

static const struct field accept_fields[] = {
    {"token", FIELD_STRING, FIELD_REQUIRED, USERS_TOKEN_MAX_CHARS, 0, 0, NULL, NULL, NULL},
    {"display_name", FIELD_STRING, FIELD_NULLABLE, 120, 0, 0, NULL, NULL, NULL},
    {"password", FIELD_STRING, FIELD_REQUIRED, PASSWORD_MAX_CHARS, 0, 0, NULL, NULL, NULL},
    {NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL},
};

static const struct field reset_fields[] = {
    {"token", FIELD_STRING, FIELD_REQUIRED, USERS_TOKEN_MAX_CHARS, 0, 0, NULL, NULL, NULL},
    {"password", FIELD_STRING, FIELD_REQUIRED, PASSWORD_MAX_CHARS, 0, 0, NULL, NULL, NULL},
    {NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL},
};

static char *
users_rfc3339(struct arena *a, int64_t seconds)
{
    time_t t = (time_t)seconds;
    struct tm tm;

    gmtime_r(&t, &tm);
    return arena_printf(a, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                        tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/*
 * Builds the browser link for a one-time token on the host the request came to,
 * which tenant resolution has already accepted. The scheme is
 * config.public_scheme, or http in development and https otherwise. nginx sends
 * the host without its port, so the port is nginx's listening port, left out
 * when it is 80 or 443.
 * NOTE: behind a proxy that listens on another port than nginx, the link carries
 * nginx's port. Such a proxy must forward to nginx on 80 or 443.
 */
static char *
users_link(struct request *req, const char *purpose, const char *token)
{
    char host[HOST_MAX + 1];
    const char *scheme = config.public_scheme;
    const char *port = req->server_port;
    bool default_port;

    if (scheme == NULL || *scheme == '\0')
        scheme = config.env == CONFIG_ENV_DEVELOPMENT ? "http" : "https";
    if (!host_normalize(req->host, host, sizeof(host)))
        return NULL;
    default_port = port == NULL || *port == '\0' || strspn(port, "0123456789") != strlen(port) ||
                   strcmp(port, "80") == 0 || strcmp(port, "443") == 0;
    return arena_printf(req->arena, "%s://%s%s%s%s", scheme, host, default_port ? "" : ":",
                        default_port ? "" : port, staff_link_path(req->arena, purpose, token));
}

/* Responds 201 with the link to a one-time token as key, and its expiry as expires_at. */
static enum result
users_send_link(struct request *req, const char *purpose, const char *key, const char *token,
                int hours, json_t *body)
{
    char *url = users_link(req, purpose, token);

    if (url == NULL)
        return RESULT_INTERNAL;
    json_object_set_new(body, key, json_string(url));
    json_object_set_new(body, "expires_at",
                        json_string(users_rfc3339(req->arena, req->scope.now_us / 1000000 + hours * 3600)));
    response_json(req, 201, body);
    return RESULT_OK;
}

static enum result
users_path_id(struct request *req, int64_t *id)
{
    if (request_param_id(req, 0, id))
        return RESULT_OK;
    problem_field(&req->problem, "id", "format", "Must be a positive integer.");
    return response_fail(req, RESULT_NOT_FOUND, "not_found", "No staff member has this id.");
}

/* Sends a user with its ETag and the given status. */
static enum result
users_send(struct request *req, int64_t id, int status)
{
    json_t *user;
    enum result r;

    if ((r = identity_user_json(&req->scope, id, &user)) != RESULT_OK)
        return r;
    response_etag(req, json_int(user, "version", 0));
    response_json(req, status, user);
    return RESULT_OK;
}

static enum result
users_invite(struct request *req)
{
    struct scope *s = &req->scope;
    json_t *user, *body;
    int64_t id;
    char *token;
    enum result r;

    if (validate_object(&req->problem, req->arena, req->json, invite_fields, "", false) != RESULT_OK)
        return RESULT_INVALID;
    if ((r = db_begin(s->db)) != RESULT_OK)
        return r;
    r = staff_invite(s, json_str(req->json, "email"), json_str(req->json, "display_name"),
                     json_int(req->json, "role_id", 0), &id, &token);
    if (r == RESULT_OK)
        r = identity_user_json(s, id, &user);
    if (r == RESULT_OK)
        r = db_commit(s->db);
    if (r != RESULT_OK)
        return r;

    response_header(req, "Location", arena_printf(req->arena, "/api/v1/users/%" PRId64, id));
    response_etag(req, json_int(user, "version", 0));
    body = json_object();
    json_object_set_new(body, "user", user);
    return users_send_link(req, "invitation", "invitation_url", token, STAFF_INVITATION_HOURS, body);
}

static const struct paging_sort user_order[] = {{"id", PAGING_KEY_INTEGER}, {NULL, 0}};

static enum result
users_list(struct request *req)
{
    struct identity_user_filter filter = {0};
    struct paging paging;
    const char *status = request_query(req, "status");
    bool present, ok;
    json_t *rows;
    enum result r;

    ok = paging_check_parameters(req, user_filters) == RESULT_OK;
    ok = paging_parse(req, user_order, "id", &paging) == RESULT_OK && ok;
    ok = paging_query_int(req, "role_id", 1, INT64_MAX, &filter.role_id, &present) == RESULT_OK && ok;
    if (status != NULL) {
        bool known = false;

        for (size_t i = 0; user_statuses[i] != NULL; i++)
            known = known || strcmp(user_statuses[i], status) == 0;
        if (!known) {
            problem_field(&req->problem, "status", "choice", "Must be one of: invited, active, deactivated.");
            ok = false;
        }
    }
    if (!ok)
        return response_fail(req, RESULT_MALFORMED, "invalid_parameter",
                             "A query parameter is not valid; see errors.");

    filter.status = status;
    filter.after_id = paging.has_cursor ? paging.after_id : 0;
    filter.limit = paging.limit + 1;
    if ((r = identity_user_list(&req->scope, &filter, &rows)) != RESULT_OK)
        return r;
    response_json(req, 200, paging_page(req->arena, &paging, rows, "id"));
    return RESULT_OK;
}

static enum result
users_show(struct request *req)
{
    int64_t id;
    enum result r;

    if ((r = users_path_id(req, &id)) != RESULT_OK)
        return r;
    r = users_send(req, id, 200);
    if (r == RESULT_NOT_FOUND) {
        problem_field(&req->problem, "id", "exists", "No staff member has this id.");
        return response_fail(req, r, "not_found", "No staff member has this id.");
    }
    return r;
}

static enum result
users_change(struct request *req)
{
    struct scope *s = &req->scope;
    struct staff_change change = {0};
    struct staff_changed changed;
    int64_t id;
    int version;
    enum result r;

    if ((r = users_path_id(req, &id)) != RESULT_OK)
        return r;
    if (validate_object(&req->problem, req->arena, req->json, user_change_fields, "", true) != RESULT_OK)
        return RESULT_INVALID;
    if ((r = etag_if_match(req, &version)) != RESULT_OK)
        return r;
    change.display_name = json_str(req->json, "display_name");
    change.role_id = json_int(req->json, "role_id", 0);
    change.status = json_str(req->json, "status");

    if ((r = db_begin(s->db)) != RESULT_OK)
        return r;
    r = staff_update(s, id, version, &change, &changed);
    if (r == RESULT_OK)
        r = db_commit(s->db);
    if (r != RESULT_OK)
        return r;
    /* The user's next request reads the new role, status and credentials. */
    principal_forget_users(s, &id, 1);
    session_forget(s, changed.session_hashes, changed.session_count);
    return users_send(req, id, 200);
}

static enum result
users_reinvite(struct request *req)
{
    struct scope *s = &req->scope;
    int64_t id;
    char *token;
    enum result r;

    if ((r = users_path_id(req, &id)) != RESULT_OK)
        return r;
    if ((r = db_begin(s->db)) != RESULT_OK)
        return r;
    r = staff_reinvite(s, id, &token);
    if (r == RESULT_OK)
        r = db_commit(s->db);
    if (r != RESULT_OK)
        return r;
    return users_send_link(req, "invitation", "invitation_url", token, STAFF_INVITATION_HOURS,
                           json_object());
}

static enum result
users_issue_reset(struct request *req)
{
    struct scope *s = &req->scope;
    int64_t id;
    char *token;
    enum result r;

    if ((r = users_path_id(req, &id)) != RESULT_OK)
        return r;
    if ((r = db_begin(s->db)) != RESULT_OK)
        return r;
    r = staff_issue_reset(s, id, &token);
    if (r == RESULT_OK)
        r = db_commit(s->db);
    if (r != RESULT_OK)
        return r;
    return users_send_link(req, "password_reset", "reset_url", token, STAFF_RESET_HOURS, json_object());
}

/*
 * Accepting an invitation: the token is consumed, the password set, the user
 * activated and signed in, all in one transaction. A password that breaks a
 * rule rolls everything back, so the link still works for the next try.
 */
static enum result
users_accept(struct request *req)
{
    struct scope *s = &req->scope;
    struct auth_session_started started;
    struct user_row user;
    const char *password;
    char *hash;
    enum result r;

    if (validate_object(&req->problem, req->arena, req->json, accept_fields, "", false) != RESULT_OK)
        return RESULT_INVALID;
    password = json_str(req->json, "password");
    if ((r = db_begin(s->db)) != RESULT_OK)
        return r;
    if ((r = staff_redeem(s, "invitation", json_str(req->json, "token"), &user)) != RESULT_OK)
        return r;
    if (!auth_password_acceptable(req, "password", password, user.email))
        return RESULT_INVALID;
    if ((hash = password_hash(req->arena, password)) == NULL)
        return RESULT_INTERNAL;
    r = staff_activate(s, &user, json_str(req->json, "display_name"), hash);
    if (r == RESULT_OK)
        r = auth_session_open(req, &user, &started);
    if (r == RESULT_OK)
        r = db_commit(s->db);
    if (r != RESULT_OK)
        return r;
    principal_forget_users(s, &user.id, 1);
    auth_session_send(req, &user, &started, 200);
    return RESULT_OK;
}

static enum result
users_complete_reset(struct request *req)
{
    struct scope *s = &req->scope;
    struct user_row user;
    const char *password;
    char **hashes;
    char *hash;
    int count;
    enum result r;

    if (validate_object(&req->problem, req->arena, req->json, reset_fields, "", false) != RESULT_OK)
        return RESULT_INVALID;
    password = json_str(req->json, "password");
    if ((r = db_begin(s->db)) != RESULT_OK)
        return r;
    if ((r = staff_redeem(s, "password_reset", json_str(req->json, "token"), &user)) != RESULT_OK)
        return r;
    if (!auth_password_acceptable(req, "password", password, user.email))
        return RESULT_INVALID;
    if ((hash = password_hash(req->arena, password)) == NULL)
        return RESULT_INTERNAL;
    r = staff_reset_password(s, &user, hash, &hashes, &count);
    if (r == RESULT_OK)
        r = db_commit(s->db);
    if (r != RESULT_OK)
        return r;
    principal_forget_users(s, &user.id, 1);
    session_forget(s, hashes, count);
    /* Failed sign-ins before the reset no longer lock the new password out. */
    throttle_login_succeeded(s, staff_email_key(req->arena, user.email));
    req->response.status = 204;
    return RESULT_OK;
}

/* Active staff for owner and assignee pickers: names only, for any signed-in user. */
static enum result
users_directory(struct request *req)
{
    json_t *items;
    json_t *body;
    enum result r;

    if ((r = identity_user_directory(&req->scope, &items)) != RESULT_OK)
        return r;
    body = json_object();
    json_object_set_new(body, "items", items);
    response_json(req, 200, body);
    return RESULT_OK;
}

const struct route users_routes[] = {
    {HTTP_POST, "/api/v1/users", users_invite, PERM_USERS_MANAGE, ROUTE_BODY_JSON},
    {HTTP_GET, "/api/v1/users", users_list, PERM_USERS_MANAGE, 0},
    {HTTP_GET, "/api/v1/users/directory", users_directory, PERM_NONE, 0},
    {HTTP_GET, "/api/v1/users/{id}", users_show, PERM_USERS_MANAGE, 0},
    {HTTP_PATCH, "/api/v1/users/{id}", users_change, PERM_USERS_MANAGE, ROUTE_BODY_JSON},
    {HTTP_POST, "/api/v1/users/{id}/invitation", users_reinvite, PERM_USERS_MANAGE, 0},
    {HTTP_POST, "/api/v1/users/{id}/password-reset", users_issue_reset, PERM_USERS_MANAGE, 0},
    {HTTP_POST, "/api/v1/invitations/accept", users_accept, PERM_NONE,
     ROUTE_PUBLIC | ROUTE_NO_CSRF | ROUTE_BODY_JSON},
    {HTTP_POST, "/api/v1/password-reset/complete", users_complete_reset, PERM_NONE,
     ROUTE_PUBLIC | ROUTE_NO_CSRF | ROUTE_BODY_JSON},
    {0, NULL, NULL, PERM_NONE, 0},
};
