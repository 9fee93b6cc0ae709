/* Sign-in, sign-out, the current user, and changing one's own password. */
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api/account.h"
#include "api/routes.h"
#include "auth/auth.h"
#include "auth/password.h"
#include "auth/principal.h"
#include "auth/session.h"
#include "auth/throttle.h"
#include "core/text.h"
#include "core/validate.h"
#include "http/response.h"
#include "store/audit.h"
#include "store/identity.h"

static const struct field login_fields[] = {
    {"email", FIELD_STRING, FIELD_REQUIRED, 254, 0, 0, NULL, NULL, NULL},
    {"password", FIELD_STRING, FIELD_REQUIRED, PASSWORD_MAX_CHARS, 0, 0, NULL, NULL, NULL},
    {NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL},
};

static const struct field password_change_fields[] = {
    {"current_password", FIELD_STRING, FIELD_REQUIRED, PASSWORD_MAX_CHARS, 0, 0, NULL, NULL, NULL},
    {"new_password", FIELD_STRING, FIELD_REQUIRED, PASSWORD_MAX_CHARS, 0, 0, NULL, NULL, NULL},
    {NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL},
};

/* The comparison form of an email: trimmed (by validation) and case-folded. */
static char *
auth_email_key(struct arena *a, const char *email)
{
    return text_casefold(a, email);
}

static json_t *
auth_user_json(int64_t id, const char *email, const char *name, int64_t role_id,
               const char *role_name)
{
    json_t *user = json_object();
    json_t *role = json_object();

    json_object_set_new(role, "id", json_integer(role_id));
    json_object_set_new(role, "name", json_string(role_name));
    json_object_set_new(user, "id", json_integer(id));
    json_object_set_new(user, "email", json_string(email));
    json_object_set_new(user, "display_name", json_string(name));
    json_object_set_new(user, "role", role);
    return user;
}

static enum result
auth_invalid_credentials(struct request *req, const char *email_key)
{
    struct scope *s = &req->scope;

    audit_record_as(s, 0, "login.failed", "user", email_key, NULL);
    throttle_login_failed(s, email_key);
    /* The same answer whether the email exists or not. */
    return response_fail(req, RESULT_UNAUTHENTICATED, "invalid_credentials",
                         "The email or password is not correct.");
}

static char *
auth_rfc3339(struct arena *a, int64_t seconds)
{
    time_t t = (time_t)seconds;
    struct tm tm;

    gmtime_r(&t, &tm);
    return arena_printf(a, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                        tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

enum result
auth_session_open(struct request *req, const struct user_row *user,
                  struct auth_session_started *started)
{
    struct scope *s = &req->scope;
    enum result r;

    r = session_start(s, user->id, user->credential_version, req->user_agent, &started->cookie,
                      &started->csrf, &started->hash, &started->entry);
    if (r == RESULT_OK)
        r = identity_user_record_login(s, user->id);
    if (r == RESULT_OK)
        r = audit_record_as(s, user->id, "login.succeeded", "user",
                            arena_printf(req->arena, "%lld", (long long)user->id), NULL);
    return r;
}

void
auth_session_send(struct request *req, const struct user_row *user,
                  const struct auth_session_started *started, int status)
{
    struct scope *s = &req->scope;
    json_t *body;

    session_cache_put(s, started->hash, &started->entry);
    response_header(req, "Set-Cookie",
                    session_cookie_header(req->arena, started->cookie,
                                          started->entry.expires_at - s->now_us / 1000000));
    body = json_object();
    json_object_set_new(body, "user", auth_user_json(user->id, user->email, user->display_name,
                                                     user->role_id, user->role_name));
    json_object_set_new(body, "csrf_token", json_string(started->csrf));
    json_object_set_new(body, "expires_at",
                        json_string(auth_rfc3339(req->arena, started->entry.expires_at)));
    response_json(req, status, body);
}

enum result
auth_start_session(struct request *req, const struct user_row *user, int status)
{
    struct scope *s = &req->scope;
    struct auth_session_started started;
    enum result r;

    if ((r = db_begin(s->db)) != RESULT_OK)
        return r;
    r = auth_session_open(req, user, &started);
    if (r == RESULT_OK)
        r = db_commit(s->db);
    if (r != RESULT_OK) {
        db_rollback(s->db);
        return r;
    }
    auth_session_send(req, user, &started, status);
    return RESULT_OK;
}

static enum result
auth_login(struct request *req)
{
    struct scope *s = &req->scope;
    struct user_row user;
    const char *email, *password;
    char *email_key;
    int retry_after = 0;
    enum result r;

    if (validate_object(&req->problem, req->arena, req->json, login_fields, "", false) != RESULT_OK)
        return RESULT_INVALID;
    email = json_str(req->json, "email");
    password = json_str(req->json, "password");
    email_key = auth_email_key(req->arena, email);

    r = throttle_login_check(s, email_key, &retry_after);
    if (r == RESULT_TOO_MANY) {
        req->problem.retry_after = retry_after;
        return response_fail(req, r, "too_many_attempts",
                             "Too many failed sign-ins. Try again in %d seconds.", retry_after);
    }
    if (r != RESULT_OK)
        return r;

    r = identity_user_by_email(s, email_key, &user);
    if (r == RESULT_NOT_FOUND) {
        password_verify_dummy(password);
        return auth_invalid_credentials(req, email_key);
    }
    if (r != RESULT_OK)
        return r;
    if (!password_verify(user.password_hash, password) || strcmp(user.status, "active") != 0)
        return auth_invalid_credentials(req, email_key);

    throttle_login_succeeded(s, email_key);
    if (password_needs_rehash(user.password_hash)) {
        char *hash = password_hash(req->arena, password);

        if (hash != NULL)
            identity_user_set_password(s, user.id, hash, false, NULL);
    }
    return auth_start_session(req, &user, 200);
}

static enum result
auth_logout(struct request *req)
{
    struct scope *s = &req->scope;
    const struct actor *actor = s->actor;
    char **hashes;
    int count;
    enum result r;

    if (actor->session_id == 0)
        return response_fail(req, RESULT_INVALID, "not_a_session",
                             "Sign-out ends a browser session; revoke an API token instead.");
    if ((r = db_begin(s->db)) != RESULT_OK)
        return r;
    r = identity_session_revoke(s, actor->session_id, 0, 0, &hashes, &count);
    if (r == RESULT_OK)
        r = audit_record(s, "logout", "user", arena_printf(req->arena, "%lld", (long long)actor->user_id), NULL);
    if (r == RESULT_OK)
        r = db_commit(s->db);
    if (r != RESULT_OK)
        return r;
    session_forget(s, hashes, count);
    response_header(req, "Set-Cookie", session_cookie_header(req->arena, "", 0));
    req->response.status = 204;
    return RESULT_OK;
}

static enum result
auth_me(struct request *req)
{
    const struct actor *a = req->scope.actor;
    const struct tenant *t = req->scope.tenant;
    json_t *body = json_object();
    json_t *tenant = json_object();

    json_object_set_new(body, "user", auth_user_json(a->user_id, a->email, a->display_name,
                                                     a->role_id, a->role_name));
    json_object_set_new(body, "permissions", principal_permissions_json(a->granted, a->own_only));
    if (auth_csrf_token(req) != NULL)
        json_object_set_new(body, "csrf_token", json_string(auth_csrf_token(req)));
    json_object_set_new(tenant, "slug", json_string(t->slug));
    json_object_set_new(tenant, "name", json_string(t->display_name));
    json_object_set_new(tenant, "time_zone", json_string(t->time_zone));
    json_object_set_new(tenant, "currency", json_string(t->currency));
    json_object_set_new(tenant, "country", json_string(t->country));
    json_object_set_new(body, "tenant", tenant);
    response_json(req, 200, body);
    return RESULT_OK;
}

/* Checks the rules for a new password; adds a field error and returns false if broken. */
bool
auth_password_acceptable(struct request *req, const char *field, const char *password,
                         const char *email)
{
    size_t chars = text_chars(password);

    if (chars < PASSWORD_MIN_CHARS) {
        problem_field(&req->problem, field, "min_length", "Must be at least %d characters.",
                      PASSWORD_MIN_CHARS);
        return false;
    }
    if (email != NULL && strcasecmp(password, email) == 0) {
        problem_field(&req->problem, field, "format", "Must not be the email address.");
        return false;
    }
    return true;
}

static enum result
auth_change_password(struct request *req)
{
    struct scope *s = &req->scope;
    const struct actor *actor = s->actor;
    struct user_row user;
    char **hashes;
    char *hash;
    int count, version;
    enum result r;

    if (actor->session_id == 0)
        return response_fail(req, RESULT_DENIED, "not_a_session",
                             "Passwords are changed from a browser session, not with an API token.");
    if (validate_object(&req->problem, req->arena, req->json, password_change_fields, "", false) !=
        RESULT_OK)
        return RESULT_INVALID;
    if (!auth_password_acceptable(req, "new_password", json_str(req->json, "new_password"),
                                  actor->email))
        return RESULT_INVALID;
    if ((r = identity_user_by_id(s, actor->user_id, &user)) != RESULT_OK)
        return r;
    if (!password_verify(user.password_hash, json_str(req->json, "current_password"))) {
        problem_field(&req->problem, "current_password", "mismatch", "The current password is not correct.");
        return RESULT_INVALID;
    }
    if ((hash = password_hash(req->arena, json_str(req->json, "new_password"))) == NULL)
        return RESULT_INTERNAL;

    if ((r = db_begin(s->db)) != RESULT_OK)
        return r;
    r = identity_user_set_password(s, user.id, hash, true, &version);
    /* Every other session and token ends; this session carries the new version. */
    if (r == RESULT_OK)
        r = identity_session_set_version(s, actor->session_id, version);
    if (r == RESULT_OK)
        r = identity_session_revoke(s, 0, user.id, actor->session_id, &hashes, &count);
    if (r == RESULT_OK)
        r = audit_record(s, "user.password_changed", "user",
                         arena_printf(req->arena, "%lld", (long long)user.id), NULL);
    if (r == RESULT_OK)
        r = db_commit(s->db);
    if (r != RESULT_OK)
        return r;
    principal_forget_users(s, &user.id, 1);
    session_forget(s, hashes, count);
    if (req->session_hash != NULL)
        session_forget(s, (char **)&req->session_hash, 1);
    req->response.status = 204;
    return RESULT_OK;
}

const struct route auth_routes[] = {
    {HTTP_POST, "/api/v1/auth/login", auth_login, PERM_NONE, ROUTE_PUBLIC | ROUTE_BODY_JSON},
    {HTTP_POST, "/api/v1/auth/logout", auth_logout, PERM_NONE, 0},
    {HTTP_GET, "/api/v1/auth/me", auth_me, PERM_NONE, 0},
    {HTTP_POST, "/api/v1/auth/password", auth_change_password, PERM_NONE, ROUTE_BODY_JSON},
    {0, NULL, NULL, PERM_NONE, 0},
};
