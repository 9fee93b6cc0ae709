/*
 * Staff identity and access: invitations, roles, permission changes, the end of
 * sessions and tokens, throttled sign-in, secrets at rest, the last
 * administrator, API tokens, settings and the audit log.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/support/harness.h"

#define STAFF_PASSWORD "staff-password-1"
#define VIEWER_PERMISSIONS                                                                     \
    "\"customers.view\":\"all\",\"prospects.view\":\"all\",\"cases.view\":\"all\","               \
    "\"deals.view\":\"all\",\"reports.view\":\"all\""

/* A staff member created through the API and signed in by accepting the invitation. */
struct staff {
    long long id;
    char email[128];
    struct th_client client;
};

static long long
role_id(const struct th_tenant *t, const char *name)
{
    return th_sql_int(th_fmt("SELECT id FROM \"%s\".roles WHERE name = $1", t->schema), name, NULL);
}

/* Returns the value of the token query parameter in a link (malloc'd). */
static char *
link_token(const struct th_response *r, const char *key)
{
    const char *url = th_json_str(r, key);
    const char *token;

    cr_assert(url != NULL, "no %s in %s", key, r->body);
    token = strstr(url, "token=");
    cr_assert(token != NULL, "%s has no token: %s", key, url);
    return strdup(token + strlen("token="));
}

/* Copies the session cookie and CSRF token of a sign-in response into c. */
static void
take_session(struct th_client *c, const struct th_response *r)
{
    char *cookie = th_header(r, "Set-Cookie");

    cr_assert(cookie != NULL, "no session cookie: %s", r->body);
    snprintf(c->cookie, sizeof(c->cookie), "%.*s", (int)strcspn(cookie, ";"), cookie);
    snprintf(c->csrf, sizeof(c->csrf), "%s", th_json_str(r, "csrf_token"));
    free(cookie);
}

/* Invites email with a role. Returns the invitation token (malloc'd) and sets the user id. */
static char *
invite(struct th_client *admin, const char *email, long long role, long long *user_id)
{
    struct th_response r;
    char *token;

    r = th_request(admin, "POST", "/api/v1/users",
                   th_fmt("{\"email\":\"%s\",\"display_name\":\"Staff Member\",\"role_id\":%lld}", email, role));
    cr_assert_eq(r.status, 201, "invite %s: %s", email, r.body);
    *user_id = th_json_int(&r, "user.id");
    token = link_token(&r, "invitation_url");
    th_response_free(&r);
    return token;
}

/* Invites a staff member with a role and signs them in by accepting the invitation. */
static void
staff_join(struct staff *m, const struct th_tenant *t, struct th_client *admin, const char *name,
           long long role)
{
    struct th_response r;
    char *token;

    snprintf(m->email, sizeof(m->email), "%s@%s.test", name, t->slug);
    token = invite(admin, m->email, role, &m->id);
    th_client_init(&m->client, t);
    r = th_request(&m->client, "POST", "/api/v1/invitations/accept",
                   th_fmt("{\"token\":\"%s\",\"password\":\"%s\"}", token, STAFF_PASSWORD));
    cr_assert_eq(r.status, 200, "accept for %s: %s", m->email, r.body);
    take_session(&m->client, &r);
    th_response_free(&r);
    free(token);
}

/* Returns the ETag of a user, e.g. "\"3\"" (malloc'd). */
static char *
user_etag(struct th_client *admin, long long id)
{
    struct th_response r = th_request(admin, "GET", th_fmt("/api/v1/users/%lld", id), NULL);
    char *etag = th_header(&r, "ETag");

    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert(etag != NULL);
    th_response_free(&r);
    return etag;
}

/* Sends PATCH /api/v1/users/{id} with the user's current ETag. */
static struct th_response
patch_user(struct th_client *admin, long long id, const char *body)
{
    char *etag = user_etag(admin, id);
    struct th_response r;

    snprintf(admin->if_match, sizeof(admin->if_match), "%s", etag);
    r = th_request(admin, "PATCH", th_fmt("/api/v1/users/%lld", id), body);
    admin->if_match[0] = '\0';
    free(etag);
    return r;
}

/* Sends PATCH /api/v1/roles/{id} with the role's current ETag. */
static struct th_response
patch_role(struct th_client *admin, long long id, const char *body)
{
    struct th_response r = th_request(admin, "GET", th_fmt("/api/v1/roles/%lld", id), NULL);
    char *etag = th_header(&r, "ETag");

    cr_assert_eq(r.status, 200, "%s", r.body);
    th_response_free(&r);
    snprintf(admin->if_match, sizeof(admin->if_match), "%s", etag);
    r = th_request(admin, "PATCH", th_fmt("/api/v1/roles/%lld", id), body);
    admin->if_match[0] = '\0';
    free(etag);
    return r;
}

static long
status_of(struct th_client *c, const char *method, const char *path, const char *body)
{
    struct th_response r = th_request(c, method, path, body);
    long status = r.status;

    th_response_free(&r);
    return status;
}

/* Creates a role and returns its id. */
static long long
create_role(struct th_client *admin, const char *name, const char *permissions)
{
    struct th_response r = th_request(admin, "POST", "/api/v1/roles",
                                      th_fmt("{\"name\":\"%s\",\"permissions\":{%s}}", name, permissions));
    long long id = th_json_int(&r, "id");

    cr_assert_eq(r.status, 201, "create role %s: %s", name, r.body);
    th_response_free(&r);
    return id;
}

/* Creates an API token from a session. Returns the token (malloc'd) and sets its id. */
static char *
create_token(struct th_client *c, long long role, long long *id)
{
    struct th_response r = th_request(c, "POST", "/api/v1/tokens",
                                      th_fmt("{\"name\":\"integration\",\"role_id\":%lld}", role));
    char *token;

    cr_assert_eq(r.status, 201, "create token: %s", r.body);
    cr_assert(th_json_str(&r, "token") != NULL, "%s", r.body);
    token = strdup(th_json_str(&r, "token"));
    if (id != NULL)
        *id = th_json_int(&r, "id");
    th_response_free(&r);
    return token;
}

static void
bearer_client(struct th_client *c, const struct th_tenant *t, const char *token)
{
    th_client_init(c, t);
    snprintf(c->bearer, sizeof(c->bearer), "%s", token);
}

/* True when a problem document lists an error for field with rule, in any position. */
static bool
has_error(const struct th_response *r, const char *field, const char *rule)
{
    const json_t *errors = json_object_get(r->json, "errors");

    for (size_t i = 0; i < json_array_size(errors); i++) {
        const json_t *e = json_array_get(errors, i);

        if (strcmp(json_string_value(json_object_get(e, "field")), field) == 0 &&
            strcmp(json_string_value(json_object_get(e, "rule")), rule) == 0)
            return true;
    }
    return false;
}

/* Returns the body as JSON without request_id, which differs in every response. */
static json_t *
body_without_request_id(const struct th_response *r)
{
    json_t *copy = json_deep_copy(r->json);

    cr_assert(json_is_object(copy), "not a JSON object: %s", r->body);
    json_object_del(copy, "request_id");
    return copy;
}

Test(identity, viewer_gains_users_manage_at_once)
{
    struct th_tenant t;
    struct th_client admin;
    struct staff viewer;
    struct th_response r;
    long long helpers, invited;
    char *body;

    th_tenant_create(&t, "inv", NULL);
    th_client_init(&admin, &t);
    th_login_admin(&admin, &t);
    staff_join(&viewer, &t, &admin, "viewer", role_id(&t, "Viewer"));

    r = th_request(&viewer.client, "GET", "/api/v1/auth/me", NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "user.email"), viewer.email);
    cr_assert_str_eq(th_json_str(&r, "user.role.name"), "Viewer");
    th_response_free(&r);
    {
        struct th_client again;

        th_client_init(&again, &t);
        cr_assert(th_login(&again, viewer.email, STAFF_PASSWORD), "the accepted password must sign in");
    }

    body = strdup(th_fmt("{\"email\":\"new@%s.test\",\"display_name\":\"New\",\"role_id\":%lld}", t.slug,
                         role_id(&t, "Viewer")));
    r = th_request(&viewer.client, "POST", "/api/v1/users", body);
    cr_assert_eq(r.status, 403, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "permission"), "users.manage");
    cr_assert(strstr(th_json_str(&r, "detail"), "users.manage") != NULL, "%s", r.body);
    th_response_free(&r);

    helpers = create_role(&admin, "Helpers", VIEWER_PERMISSIONS ",\"users.manage\":\"all\"");
    r = patch_user(&admin, viewer.id, th_fmt("{\"role_id\":%lld}", helpers));
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "role.name"), "Helpers");
    th_response_free(&r);

    r = th_request(&viewer.client, "POST", "/api/v1/users", body);
    cr_assert_eq(r.status, 201, "the role change must apply to the next request: %s", r.body);
    invited = th_json_int(&r, "user.id");
    cr_assert_str_eq(th_json_str(&r, "user.status"), "invited");
    cr_assert(strncmp(th_json_str(&r, "invitation_url"), th_fmt("http://%s:", t.host),
                      strlen(t.host) + 8) == 0,
              "the link must use the request's host and port: %s", th_json_str(&r, "invitation_url"));
    th_response_free(&r);
    cr_assert_eq(th_sql_int(th_fmt("SELECT count(*) FROM \"%s\".audit_events WHERE action = 'user.invited'"
                                   " AND target_id = $1 AND actor_user_id = $2", t.schema),
                            th_fmt("%lld", invited), th_fmt("%lld", viewer.id), NULL),
                 1);
    free(body);
}

Test(identity, role_cannot_exceed_the_granting_user)
{
    struct th_tenant t;
    struct th_client admin;
    struct staff helper;
    struct th_response r;
    long long helpers;

    th_tenant_create(&t, "esc", NULL);
    th_client_init(&admin, &t);
    th_login_admin(&admin, &t);
    helpers = create_role(&admin, "Helpers", VIEWER_PERMISSIONS ",\"users.manage\":\"all\"");
    staff_join(&helper, &t, &admin, "helper", helpers);

    r = th_request(&helper.client, "POST", "/api/v1/users",
                   th_fmt("{\"email\":\"boss@%s.test\",\"display_name\":\"Boss\",\"role_id\":%lld}", t.slug,
                          role_id(&t, "Administrator")));
    cr_assert_eq(r.status, 403, "inviting an Administrator: %s", r.body);
    cr_assert_str_eq(th_json_str(&r, "code"), "permission_not_held");
    cr_assert_str_eq(th_json_str(&r, "errors.0.field"), "role_id");
    th_response_free(&r);

    r = patch_user(&helper.client, helper.id, th_fmt("{\"role_id\":%lld}", role_id(&t, "Administrator")));
    cr_assert_eq(r.status, 403, "promoting oneself: %s", r.body);
    th_response_free(&r);

    r = th_request(&helper.client, "POST", "/api/v1/users/1/password-reset", NULL);
    cr_assert_eq(r.status, 403, "a reset link for an administrator hands over the account: %s", r.body);
    cr_assert_str_eq(th_json_str(&r, "code"), "permission_not_held");
    th_response_free(&r);
}

Test(identity, invitation_link_works_once)
{
    struct th_tenant t;
    struct th_client admin, guest;
    struct th_response r, unknown;
    json_t *used_body, *unknown_body, *expired_body;
    long long id, expired_id;
    char *token, *expired;

    th_tenant_create(&t, "once", NULL);
    th_client_init(&admin, &t);
    th_login_admin(&admin, &t);
    token = invite(&admin, th_fmt("once@%s.test", t.slug), role_id(&t, "Viewer"), &id);
    expired = invite(&admin, th_fmt("late@%s.test", t.slug), role_id(&t, "Viewer"), &expired_id);
    th_client_init(&guest, &t);

    /* A broken password rule rolls back, so the link still works afterwards. */
    r = th_request(&guest, "POST", "/api/v1/invitations/accept",
                   th_fmt("{\"token\":\"%s\",\"password\":\"short\"}", token));
    cr_assert_eq(r.status, 422, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "errors.0.field"), "password");
    cr_assert_str_eq(th_json_str(&r, "errors.0.rule"), "min_length");
    th_response_free(&r);
    r = th_request(&guest, "POST", "/api/v1/invitations/accept",
                   th_fmt("{\"token\":\"%s\",\"display_name\":\"Once Only\",\"password\":\"%s\"}", token,
                          STAFF_PASSWORD));
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "user.display_name"), "Once Only");
    th_response_free(&r);

    r = th_request(&guest, "POST", "/api/v1/invitations/accept",
                   th_fmt("{\"token\":\"%s\",\"password\":\"%s\"}", token, STAFF_PASSWORD));
    unknown = th_request(&guest, "POST", "/api/v1/invitations/accept",
                         th_fmt("{\"token\":\"x%s\",\"password\":\"%s\"}", token, STAFF_PASSWORD));
    cr_assert_eq(r.status, 410, "a used link: %s", r.body);
    cr_assert_eq(unknown.status, 410, "an unknown link: %s", unknown.body);
    cr_assert_str_eq(th_json_str(&r, "errors.0.field"), "token");
    used_body = body_without_request_id(&r);
    unknown_body = body_without_request_id(&unknown);
    cr_assert(json_equal(used_body, unknown_body), "used and unknown links differ:\n%s\n%s", r.body,
              unknown.body);
    th_response_free(&r);

    th_sql_exec(th_fmt("UPDATE \"%s\".one_time_tokens SET expires_at = now() - interval '1 second'"
                       " WHERE user_id = %lld", t.schema, expired_id));
    r = th_request(&guest, "POST", "/api/v1/invitations/accept",
                   th_fmt("{\"token\":\"%s\",\"password\":\"%s\"}", expired, STAFF_PASSWORD));
    cr_assert_eq(r.status, 410, "an expired link: %s", r.body);
    expired_body = body_without_request_id(&r);
    cr_assert(json_equal(expired_body, unknown_body), "expired and unknown links differ:\n%s\n%s", r.body,
              unknown.body);
    th_response_free(&r);
    th_response_free(&unknown);
    json_decref(used_body);
    json_decref(unknown_body);
    json_decref(expired_body);
    free(token);
    free(expired);
}

Test(identity, deactivation_ends_sessions_and_tokens)
{
    struct th_tenant t;
    struct th_client admin, second, bearer, fresh;
    struct staff m;
    struct th_response r;
    long long helpers;
    char *token;

    th_tenant_create(&t, "deact", NULL);
    th_client_init(&admin, &t);
    th_login_admin(&admin, &t);
    helpers = create_role(&admin, "Helpers", VIEWER_PERMISSIONS ",\"users.manage\":\"all\"");
    staff_join(&m, &t, &admin, "leaver", helpers);
    th_client_init(&second, &t);
    cr_assert(th_login(&second, m.email, STAFF_PASSWORD));
    token = create_token(&m.client, helpers, NULL);
    bearer_client(&bearer, &t, token);
    cr_assert_eq(status_of(&m.client, "GET", "/api/v1/auth/me", NULL), 200);
    cr_assert_eq(status_of(&second, "GET", "/api/v1/auth/me", NULL), 200);
    cr_assert_eq(status_of(&bearer, "GET", "/api/v1/users", NULL), 200);

    r = patch_user(&admin, m.id, "{\"status\":\"deactivated\"}");
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "status"), "deactivated");
    th_response_free(&r);
    cr_assert_eq(status_of(&m.client, "GET", "/api/v1/auth/me", NULL), 401);
    cr_assert_eq(status_of(&second, "GET", "/api/v1/auth/me", NULL), 401);
    cr_assert_eq(status_of(&bearer, "GET", "/api/v1/users", NULL), 401);
    th_client_init(&fresh, &t);
    cr_assert(!th_login(&fresh, m.email, STAFF_PASSWORD), "a deactivated user must not sign in");
    cr_assert_eq(th_sql_int(th_fmt("SELECT count(*) FROM \"%s\".sessions WHERE user_id = %lld"
                                   " AND revoked_at IS NULL", t.schema, m.id), NULL),
                 0);

    r = patch_user(&admin, m.id, "{\"status\":\"active\"}");
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "status"), "active");
    th_response_free(&r);
    cr_assert(th_login(&fresh, m.email, STAFF_PASSWORD), "a reactivated user signs in again");
    cr_assert_eq(status_of(&bearer, "GET", "/api/v1/users", NULL), 401,
                 "tokens from before the deactivation stay ended");
    free(token);
}

Test(identity, own_password_change_keeps_this_session)
{
    struct th_tenant t;
    struct th_client admin, second, bearer, fresh;
    struct staff m;
    long long helpers;
    char *token;

    th_tenant_create(&t, "pwd", NULL);
    th_client_init(&admin, &t);
    th_login_admin(&admin, &t);
    helpers = create_role(&admin, "Helpers", VIEWER_PERMISSIONS ",\"users.manage\":\"all\"");
    staff_join(&m, &t, &admin, "changer", helpers);
    th_client_init(&second, &t);
    cr_assert(th_login(&second, m.email, STAFF_PASSWORD));
    token = create_token(&m.client, helpers, NULL);
    bearer_client(&bearer, &t, token);
    cr_assert_eq(status_of(&bearer, "GET", "/api/v1/auth/me", NULL), 200);

    cr_assert_eq(status_of(&m.client, "POST", "/api/v1/auth/password",
                           "{\"current_password\":\"" STAFF_PASSWORD "\",\"new_password\":\"a-brand-new-secret\"}"),
                 204);
    cr_assert_eq(status_of(&m.client, "GET", "/api/v1/auth/me", NULL), 200,
                 "the session that changed the password keeps working");
    cr_assert_eq(status_of(&m.client, "POST", "/api/v1/users",
                           th_fmt("{\"email\":\"after@%s.test\",\"display_name\":\"After\",\"role_id\":%lld}",
                                  t.slug, role_id(&t, "Viewer"))),
                 201, "and can still make changes with its CSRF token");
    cr_assert_eq(status_of(&second, "GET", "/api/v1/auth/me", NULL), 401);
    cr_assert_eq(status_of(&bearer, "GET", "/api/v1/auth/me", NULL), 401);
    th_client_init(&fresh, &t);
    cr_assert(!th_login(&fresh, m.email, STAFF_PASSWORD), "the old password must fail");
    cr_assert(th_login(&fresh, m.email, "a-brand-new-secret"));
    free(token);
}

Test(identity, admin_reset_ends_sessions_and_tokens)
{
    struct th_tenant t;
    struct th_client admin, bearer, guest, fresh;
    struct staff m;
    struct th_response r;
    long long helpers;
    char *token, *reset;

    th_tenant_create(&t, "reset", NULL);
    th_client_init(&admin, &t);
    th_login_admin(&admin, &t);
    helpers = create_role(&admin, "Helpers", VIEWER_PERMISSIONS ",\"users.manage\":\"all\"");
    staff_join(&m, &t, &admin, "forgetful", helpers);
    token = create_token(&m.client, helpers, NULL);
    bearer_client(&bearer, &t, token);

    r = th_request(&admin, "POST", th_fmt("/api/v1/users/%lld/password-reset", m.id), NULL);
    cr_assert_eq(r.status, 201, "%s", r.body);
    reset = link_token(&r, "reset_url");
    cr_assert(th_json_str(&r, "expires_at") != NULL);
    th_response_free(&r);
    cr_assert_eq(status_of(&m.client, "GET", "/api/v1/auth/me", NULL), 200,
                 "issuing a link alone ends nothing");

    th_client_init(&guest, &t);
    r = th_request(&guest, "POST", "/api/v1/password-reset/complete",
                   th_fmt("{\"token\":\"%s\",\"password\":\"%s\"}", reset, m.email));
    cr_assert_eq(r.status, 422, "the email as password: %s", r.body);
    th_response_free(&r);
    cr_assert_eq(status_of(&guest, "POST", "/api/v1/password-reset/complete",
                           th_fmt("{\"token\":\"%s\",\"password\":\"reset-password-9\"}", reset)),
                 204);
    cr_assert_eq(status_of(&m.client, "GET", "/api/v1/auth/me", NULL), 401);
    cr_assert_eq(status_of(&bearer, "GET", "/api/v1/auth/me", NULL), 401);
    th_client_init(&fresh, &t);
    cr_assert(!th_login(&fresh, m.email, STAFF_PASSWORD));
    cr_assert(th_login(&fresh, m.email, "reset-password-9"));
    cr_assert_eq(status_of(&guest, "POST", "/api/v1/password-reset/complete",
                           th_fmt("{\"token\":\"%s\",\"password\":\"reset-password-10\"}", reset)),
                 410, "a reset link works once");
    free(token);
    free(reset);
}

Test(identity, sixth_wrong_password_is_429)
{
    struct th_tenant t;
    struct th_client c;
    struct th_response r;
    char *retry_after;

    th_tenant_create(&t, "thr", NULL);
    th_client_init(&c, &t);
    for (int i = 1; i <= 5; i++) {
        r = th_request(&c, "POST", "/api/v1/auth/login",
                       th_fmt("{\"email\":\"%s\",\"password\":\"not-the-password\"}", t.admin_email));
        cr_assert_eq(r.status, 401, "attempt %d: %s", i, r.body);
        th_response_free(&r);
    }
    r = th_request(&c, "POST", "/api/v1/auth/login",
                   th_fmt("{\"email\":\"%s\",\"password\":\"not-the-password\"}", t.admin_email));
    cr_assert_eq(r.status, 429, "%s", r.body);
    retry_after = th_header(&r, "Retry-After");
    cr_assert(retry_after != NULL, "429 without Retry-After");
    cr_assert(atoi(retry_after) >= 1 && atoi(retry_after) <= 900, "Retry-After: %s", retry_after);
    free(retry_after);
    th_response_free(&r);
    cr_assert(!th_login(&c, t.admin_email, t.admin_password),
              "the right password is refused too while the account is throttled");
}

Test(identity, unknown_email_answers_like_wrong_password)
{
    struct th_tenant t;
    struct th_client c;
    struct th_response wrong, unknown;
    json_t *a, *b;

    th_tenant_create(&t, "enum", NULL);
    th_client_init(&c, &t);
    wrong = th_request(&c, "POST", "/api/v1/auth/login",
                       th_fmt("{\"email\":\"%s\",\"password\":\"not-the-password\"}", t.admin_email));
    unknown = th_request(&c, "POST", "/api/v1/auth/login",
                         th_fmt("{\"email\":\"nobody@%s.test\",\"password\":\"not-the-password\"}", t.slug));
    cr_assert_eq(wrong.status, 401, "%s", wrong.body);
    cr_assert_eq(unknown.status, wrong.status);
    a = body_without_request_id(&wrong);
    b = body_without_request_id(&unknown);
    cr_assert(json_equal(a, b), "the answers tell the two apart:\n%s\n%s", wrong.body, unknown.body);
    json_decref(a);
    json_decref(b);
    th_response_free(&wrong);
    th_response_free(&unknown);
}

/* Fails when any secret occurs in any column of a tenant table. */
static void
assert_not_stored(const struct th_tenant *t, const char *const *secrets, size_t count)
{
    static const char *const tables[] = {"users", "sessions", "api_tokens", "one_time_tokens",
                                         "audit_events"};

    for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
        char *rows = th_sql_text(th_fmt("SELECT coalesce(string_agg(x::text, E'\\n'), '') FROM \"%s\".%s x",
                                        t->schema, tables[i]),
                                 NULL);

        cr_assert(rows != NULL);
        cr_assert(strlen(rows) > 0, "%s is empty, so the check proves nothing", tables[i]);
        for (size_t j = 0; j < count; j++)
            cr_assert(strstr(rows, secrets[j]) == NULL, "%s holds the secret %s in plain text", tables[i],
                      secrets[j]);
        free(rows);
    }
}

Test(identity, secrets_are_stored_only_as_hashes)
{
    struct th_tenant t;
    struct th_client admin, guest;
    struct staff m;
    struct th_response r;
    long long id;
    char *token, *invitation, *reset, *admin_secret, *staff_secret;
    const char *token_secret;

    th_tenant_create(&t, "sec", NULL);
    th_client_init(&admin, &t);
    th_login_admin(&admin, &t);
    staff_join(&m, &t, &admin, "keeper", role_id(&t, "Viewer"));
    token = create_token(&admin, role_id(&t, "Viewer"), NULL);
    invitation = invite(&admin, th_fmt("pending@%s.test", t.slug), role_id(&t, "Viewer"), &id);
    r = th_request(&admin, "POST", th_fmt("/api/v1/users/%lld/password-reset", m.id), NULL);
    cr_assert_eq(r.status, 201, "%s", r.body);
    reset = link_token(&r, "reset_url");
    th_response_free(&r);
    th_client_init(&guest, &t);
    r = th_request(&guest, "POST", "/api/v1/password-reset/complete",
                   th_fmt("{\"token\":\"%s\",\"password\":\"after-reset-password\"}", reset));
    cr_assert_eq(r.status, 204, "%s", r.body);
    th_response_free(&r);

    admin_secret = strchr(admin.cookie, '.') + 1;
    staff_secret = strchr(m.client.cookie, '.') + 1;
    token_secret = strchr(token + strlen("lst_"), '_') + 1;
    {
        const char *secrets[] = {t.admin_password, STAFF_PASSWORD, "after-reset-password", admin_secret,
                                 staff_secret, admin.csrf, token, token_secret, invitation, reset};

        assert_not_stored(&t, secrets, sizeof(secrets) / sizeof(secrets[0]));
    }

    /* What is stored instead: Argon2id hashes and the SHA-256 of each token. */
    cr_assert_eq(th_sql_int(th_fmt("SELECT count(*) FROM \"%s\".users WHERE password_hash IS NOT NULL"
                                   " AND password_hash NOT LIKE '$argon2id$%%'", t.schema), NULL),
                 0);
    cr_assert_eq(th_sql_int(th_fmt("SELECT count(*) FROM \"%s\".sessions"
                                   " WHERE token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')",
                                   t.schema), admin_secret, NULL),
                 1);
    cr_assert_eq(th_sql_int(th_fmt("SELECT count(*) FROM \"%s\".api_tokens"
                                   " WHERE token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')",
                                   t.schema), token_secret, NULL),
                 1);
    cr_assert_eq(th_sql_int(th_fmt("SELECT count(*) FROM \"%s\".one_time_tokens"
                                   " WHERE token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')",
                                   t.schema), invitation, NULL),
                 1);
    free(token);
    free(invitation);
    free(reset);
}

Test(identity, last_administrator_stays)
{
    struct th_tenant t;
    struct th_client admin;
    struct staff second;
    struct th_response r;
    long long admin_id;

    th_tenant_create(&t, "last", NULL);
    th_client_init(&admin, &t);
    th_login_admin(&admin, &t);
    admin_id = th_sql_int(th_fmt("SELECT id FROM \"%s\".users WHERE email_key = $1", t.schema),
                          t.admin_email, NULL);

    r = th_request(&admin, "PATCH", th_fmt("/api/v1/users/%lld", admin_id), "{\"status\":\"deactivated\"}");
    cr_assert_eq(r.status, 428, "no If-Match: %s", r.body);
    cr_assert_str_eq(th_json_str(&r, "errors.0.field"), "If-Match");
    th_response_free(&r);
    snprintf(admin.if_match, sizeof(admin.if_match), "\"999\"");
    r = th_request(&admin, "PATCH", th_fmt("/api/v1/users/%lld", admin_id), "{\"status\":\"deactivated\"}");
    admin.if_match[0] = '\0';
    cr_assert_eq(r.status, 412, "a stale If-Match: %s", r.body);
    cr_assert_str_eq(th_json_str(&r, "code"), "version_mismatch");
    th_response_free(&r);

    r = patch_user(&admin, admin_id, "{\"status\":\"deactivated\"}");
    cr_assert_eq(r.status, 409, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "code"), "last_administrator");
    cr_assert_str_eq(th_json_str(&r, "errors.0.field"), "status");
    cr_assert_str_eq(th_json_str(&r, "errors.0.rule"), "last_administrator");
    th_response_free(&r);
    r = patch_user(&admin, admin_id, th_fmt("{\"role_id\":%lld}", role_id(&t, "Manager")));
    cr_assert_eq(r.status, 409, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "errors.0.field"), "role_id");
    th_response_free(&r);

    /* With a second active administrator the first may step down. */
    staff_join(&second, &t, &admin, "deputy", role_id(&t, "Administrator"));
    r = patch_user(&admin, admin_id, th_fmt("{\"role_id\":%lld}", role_id(&t, "Manager")));
    cr_assert_eq(r.status, 200, "%s", r.body);
    th_response_free(&r);
    r = patch_user(&second.client, second.id, "{\"status\":\"deactivated\"}");
    cr_assert_eq(r.status, 409, "the deputy is now the last one: %s", r.body);
    th_response_free(&r);
}

/* Sends a demotion in a child process and returns its pid; the status goes to fd. */
static pid_t
demote_in_child(struct th_client *admin, long long id, long long role, int fd)
{
    char *etag = user_etag(admin, id);
    pid_t pid;

    snprintf(admin->if_match, sizeof(admin->if_match), "%s", etag);
    free(etag);
    pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        struct th_response r = th_request(admin, "PATCH", th_fmt("/api/v1/users/%lld", id),
                                          th_fmt("{\"role_id\":%lld}", role));
        long status = r.status;

        if (write(fd, &status, sizeof(status)) != sizeof(status))
            _exit(1);
        _exit(0);
    }
    admin->if_match[0] = '\0';
    return pid;
}

Test(identity, concurrent_demotions_keep_one_admin, .timeout = 60)
{
    struct th_tenant t;
    struct th_client admin;
    struct staff second;
    long long admin_id, manager;
    long statuses[2];
    int fds[2], waiting = 0, ok = 0, conflict = 0;
    pid_t children[2];

    th_tenant_create(&t, "race", NULL);
    th_client_init(&admin, &t);
    th_login_admin(&admin, &t);
    staff_join(&second, &t, &admin, "twin", role_id(&t, "Administrator"));
    admin_id = th_sql_int(th_fmt("SELECT id FROM \"%s\".users WHERE email_key = $1", t.schema),
                          t.admin_email, NULL);
    manager = role_id(&t, "Manager");
    cr_assert_eq(pipe(fds), 0);

    /* Hold both rows, so both demotions are under way before either can finish. */
    th_sql_exec("BEGIN");
    th_sql_exec(th_fmt("SELECT id FROM \"%s\".users WHERE id IN (%lld, %lld) FOR UPDATE", t.schema, admin_id,
                       second.id));
    children[0] = demote_in_child(&admin, admin_id, manager, fds[1]);
    children[1] = demote_in_child(&admin, second.id, manager, fds[1]);
    for (int i = 0; i < 100 && waiting < 2; i++) {
        usleep(50000);
        waiting = (int)th_sql_int("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                                  " AND position($1 in query) > 0",
                                  t.schema, NULL);
    }
    th_sql_exec("COMMIT");

    for (int i = 0; i < 2; i++) {
        int exit_status;

        cr_assert_eq(read(fds[0], &statuses[i], sizeof(statuses[i])), (ssize_t)sizeof(statuses[i]));
        cr_assert_eq(waitpid(children[i], &exit_status, 0), children[i]);
        ok += statuses[i] == 200;
        conflict += statuses[i] == 409;
    }
    close(fds[0]);
    close(fds[1]);
    cr_assert_eq(waiting, 2, "both demotions should have waited for the test's row locks");
    cr_assert_eq(ok, 1, "statuses %ld and %ld", statuses[0], statuses[1]);
    cr_assert_eq(conflict, 1, "statuses %ld and %ld", statuses[0], statuses[1]);
    cr_assert_eq(th_sql_int(th_fmt("SELECT count(*) FROM \"%s\".users u JOIN \"%s\".roles r ON r.id = u.role_id"
                                   " WHERE r.name = 'Administrator' AND u.status = 'active'",
                                   t.schema, t.schema),
                            NULL),
                 1);
}

Test(identity, custom_roles_follow_the_rules)
{
    struct th_tenant t;
    struct th_client admin;
    struct staff m;
    struct th_response r;
    long long own_role;
    const json_t *permissions;
    bool customers_own = false;

    th_tenant_create(&t, "roles", NULL);
    th_client_init(&admin, &t);
    th_login_admin(&admin, &t);

    own_role = create_role(&admin, "Own customers", "\"customers.view\":\"own\",\"customers.create\":\"all\"");
    r = th_request(&admin, "GET", th_fmt("/api/v1/roles/%lld", own_role), NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    /* th_json_str() splits paths at dots, and permission names contain one. */
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(r.json, "permissions"), "customers.view")),
                     "own", "%s", r.body);
    cr_assert(json_is_false(json_object_get(r.json, "built_in")));
    th_response_free(&r);
    staff_join(&m, &t, &admin, "owner", own_role);
    r = th_request(&m.client, "GET", "/api/v1/auth/me", NULL);
    permissions = json_object_get(r.json, "permissions");
    for (size_t i = 0; i < json_array_size(permissions); i++) {
        const json_t *p = json_array_get(permissions, i);

        if (strcmp(json_string_value(json_object_get(p, "name")), "customers.view") == 0)
            customers_own = strcmp(json_string_value(json_object_get(p, "scope")), "own") == 0;
    }
    cr_assert(customers_own, "the holder sees customers.view as own: %s", r.body);
    th_response_free(&r);

    r = th_request(&admin, "POST", "/api/v1/roles",
                   "{\"name\":\"Broken\",\"permissions\":{\"customers.fly\":\"all\",\"customers.create\":\"own\"}}");
    cr_assert_eq(r.status, 422, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "errors.0.field"), "permissions.customers.fly");
    cr_assert_str_eq(th_json_str(&r, "errors.0.rule"), "unknown");
    cr_assert_str_eq(th_json_str(&r, "errors.1.field"), "permissions.customers.create");
    cr_assert_str_eq(th_json_str(&r, "errors.1.rule"), "choice");
    th_response_free(&r);
    cr_assert_eq(th_sql_int(th_fmt("SELECT count(*) FROM \"%s\".roles WHERE name = 'Broken'", t.schema), NULL), 0);

    r = patch_role(&admin, role_id(&t, "Viewer"), "{\"permissions\":{\"users.manage\":\"all\"}}");
    cr_assert_eq(r.status, 409, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "code"), "built_in_role");
    cr_assert_str_eq(th_json_str(&r, "errors.0.field"), "permissions");
    th_response_free(&r);
    r = th_request(&admin, "POST", "/api/v1/roles", "{\"name\":\"own CUSTOMERS\",\"permissions\":{}}");
    cr_assert_eq(r.status, 409, "role names are unique without case: %s", r.body);
    th_response_free(&r);
}

Test(identity, role_change_reaches_cached_tokens)
{
    struct th_tenant t;
    struct th_client admin, bearer;
    struct th_response r;
    long long helpers;
    char *token;

    th_tenant_create(&t, "rtok", NULL);
    th_client_init(&admin, &t);
    th_login_admin(&admin, &t);
    helpers = create_role(&admin, "Helpers", VIEWER_PERMISSIONS ",\"users.manage\":\"all\"");
    token = create_token(&admin, helpers, NULL);
    bearer_client(&bearer, &t, token);
    cr_assert_eq(status_of(&bearer, "GET", "/api/v1/users", NULL), 200);
    cr_assert_eq(status_of(&bearer, "GET", th_fmt("/api/v1/roles/%lld", helpers), NULL), 403,
                 "the token acts with its role");

    r = patch_role(&admin, helpers, "{\"permissions\":{" VIEWER_PERMISSIONS "}}");
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_eq(th_json_int(&r, "version"), 2);
    th_response_free(&r);
    r = th_request(&bearer, "GET", "/api/v1/users", NULL);
    cr_assert_eq(r.status, 403, "the token's cached permissions must go: %s", r.body);
    cr_assert_str_eq(th_json_str(&r, "permission"), "users.manage");
    th_response_free(&r);
    cr_assert_eq(th_sql_int(th_fmt("SELECT count(*) FROM \"%s\".audit_events WHERE action = 'role.updated'"
                                   " AND details->'before'->'permissions' ? 'users.manage'", t.schema),
                            NULL),
                 1);
    free(token);
}

Test(identity, demoting_owner_limits_tokens)
{
    struct th_tenant t;
    struct th_client admin, bearer;
    struct staff m;
    struct th_response r;
    long long helpers;
    char *token;

    th_tenant_create(&t, "demo", NULL);
    th_client_init(&admin, &t);
    th_login_admin(&admin, &t);
    helpers = create_role(&admin, "Helpers", VIEWER_PERMISSIONS ",\"users.manage\":\"all\"");
    staff_join(&m, &t, &admin, "demoted", helpers);
    token = create_token(&m.client, helpers, NULL);
    bearer_client(&bearer, &t, token);
    cr_assert_eq(status_of(&bearer, "GET", "/api/v1/users", NULL), 200);

    r = patch_user(&admin, m.id, th_fmt("{\"role_id\":%lld}", role_id(&t, "Viewer")));
    cr_assert_eq(r.status, 200, "%s", r.body);
    th_response_free(&r);
    r = th_request(&bearer, "GET", "/api/v1/users", NULL);
    cr_assert_eq(r.status, 403, "a token must not keep rights its owner lost: %s", r.body);
    th_response_free(&r);
    cr_assert_eq(status_of(&bearer, "GET", "/api/v1/auth/me", NULL), 200, "the token itself still works");
    free(token);
}

Test(identity, tokens_work_without_csrf_until_revoked)
{
    struct th_tenant t;
    struct th_client admin, bearer, no_csrf;
    struct th_response r;
    long long id;
    char *token, *prefix;

    th_tenant_create(&t, "tok", NULL);
    th_client_init(&admin, &t);
    th_login_admin(&admin, &t);
    token = create_token(&admin, role_id(&t, "Administrator"), &id);
    cr_assert(strncmp(token, "lst_", 4) == 0, "%s", token);

    r = th_request(&admin, "GET", "/api/v1/tokens", NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert(strstr(r.body, strchr(token + 4, '_') + 1) == NULL, "the list shows the secret: %s", r.body);
    prefix = strdup(th_json_str(&r, "items.0.token_prefix"));
    cr_assert(strncmp(token, prefix, strlen(prefix)) == 0 && strlen(prefix) < strlen(token),
              "prefix %s of %s", prefix, token);
    th_response_free(&r);

    bearer_client(&bearer, &t, token);
    cr_assert_eq(status_of(&bearer, "POST", "/api/v1/users",
                           th_fmt("{\"email\":\"bot@%s.test\",\"display_name\":\"Bot\",\"role_id\":%lld}", t.slug,
                                  role_id(&t, "Viewer"))),
                 201, "a bearer change needs no CSRF token");
    r = th_request(&bearer, "POST", "/api/v1/tokens", "{\"name\":\"child\",\"role_id\":1}");
    cr_assert_eq(r.status, 403, "a token must not create tokens: %s", r.body);
    cr_assert_str_eq(th_json_str(&r, "code"), "not_a_session");
    th_response_free(&r);

    no_csrf = admin;
    no_csrf.csrf[0] = '\0';
    r = th_request(&no_csrf, "DELETE", th_fmt("/api/v1/tokens/%lld", id), NULL);
    cr_assert_eq(r.status, 403, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "code"), "csrf_token_invalid");
    th_response_free(&r);
    cr_assert_eq(status_of(&bearer, "GET", "/api/v1/auth/me", NULL), 200);

    cr_assert_eq(status_of(&admin, "DELETE", th_fmt("/api/v1/tokens/%lld", id), NULL), 204);
    cr_assert_eq(status_of(&bearer, "GET", "/api/v1/auth/me", NULL), 401, "revoked on the next request");
    cr_assert_eq(status_of(&admin, "DELETE", th_fmt("/api/v1/tokens/%lld", id), NULL), 204);
    cr_assert_eq(status_of(&admin, "DELETE", "/api/v1/tokens/999999", NULL), 404);
    r = th_request(&admin, "GET", "/api/v1/tokens?status=revoked", NULL);
    cr_assert_eq(th_json_int(&r, "items.0.id"), id, "%s", r.body);
    cr_assert(th_json_str(&r, "items.0.revoked_at") != NULL);
    th_response_free(&r);
    free(prefix);
    free(token);

    /* A token past its expiry ends too; it is not used before, so nothing caches it. */
    r = th_request(&admin, "POST", "/api/v1/tokens",
                   th_fmt("{\"name\":\"short\",\"role_id\":%lld,\"expires_in_days\":1}", role_id(&t, "Viewer")));
    cr_assert_eq(r.status, 201, "%s", r.body);
    cr_assert(th_json_str(&r, "expires_at") != NULL, "%s", r.body);
    bearer_client(&bearer, &t, th_json_str(&r, "token"));
    id = th_json_int(&r, "id");
    th_response_free(&r);
    th_sql_exec(th_fmt("UPDATE \"%s\".api_tokens SET expires_at = now() - interval '1 second' WHERE id = %lld",
                       t.schema, id));
    cr_assert_eq(status_of(&bearer, "GET", "/api/v1/auth/me", NULL), 401, "an expired token");
    r = th_request(&admin, "GET", "/api/v1/tokens?status=expired", NULL);
    cr_assert_eq(th_json_int(&r, "items.0.id"), id, "%s", r.body);
    th_response_free(&r);
}

Test(identity, user_list_filters_and_pages)
{
    struct th_tenant t;
    struct th_client admin;
    struct th_response r;
    long long id;
    char *cursor;

    th_tenant_create(&t, "list", NULL);
    th_client_init(&admin, &t);
    th_login_admin(&admin, &t);
    for (int i = 0; i < 3; i++)
        free(invite(&admin, th_fmt("member%d@%s.test", i, t.slug), role_id(&t, "Officer"), &id));

    r = th_request(&admin, "GET", "/api/v1/users?status=invited", NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 3);
    th_response_free(&r);
    r = th_request(&admin, "GET", th_fmt("/api/v1/users?role_id=%lld", role_id(&t, "Administrator")), NULL);
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 1, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "items.0.email"), t.admin_email);
    cr_assert(json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "password_hash") == NULL);
    th_response_free(&r);

    r = th_request(&admin, "GET", "/api/v1/users?limit=3", NULL);
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 3, "%s", r.body);
    cursor = strdup(th_json_str(&r, "next_cursor"));
    th_response_free(&r);
    r = th_request(&admin, "GET", th_fmt("/api/v1/users?limit=3&cursor=%s", cursor), NULL);
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 1, "%s", r.body);
    cr_assert(json_is_null(json_object_get(r.json, "next_cursor")));
    cr_assert_str_eq(th_json_str(&r, "items.0.email"), th_fmt("member2@%s.test", t.slug));
    th_response_free(&r);

    r = th_request(&admin, "GET", "/api/v1/users?stauts=invited&status=gone", NULL);
    cr_assert_eq(r.status, 400, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "errors.0.field"), "stauts");
    cr_assert_str_eq(th_json_str(&r, "errors.0.rule"), "unknown");
    cr_assert_str_eq(th_json_str(&r, "errors.1.field"), "status");
    th_response_free(&r);
    cr_assert_eq(status_of(&admin, "GET", "/api/v1/users/999999", NULL), 404);
    cr_assert_eq(status_of(&admin, "GET", "/api/v1/users/abc", NULL), 404);
    free(cursor);
}

Test(identity, settings_read_by_all_changed_by_managers)
{
    struct th_tenant t;
    struct th_client admin;
    struct staff viewer;
    struct th_response r;

    th_tenant_create(&t, "set", NULL);
    th_client_init(&admin, &t);
    th_login_admin(&admin, &t);
    staff_join(&viewer, &t, &admin, "reader", role_id(&t, "Viewer"));

    r = th_request(&viewer.client, "GET", "/api/v1/settings", NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_eq(th_json_int(&r, "session_idle_minutes"), 30);
    th_response_free(&r);
    r = th_request(&viewer.client, "PATCH", "/api/v1/settings", "{\"session_idle_minutes\":60}");
    cr_assert_eq(r.status, 403, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "permission"), "settings.manage");
    th_response_free(&r);

    r = th_request(&admin, "PATCH", "/api/v1/settings", "{\"session_idle_minutes\":2,\"colour\":\"red\"}");
    cr_assert_eq(r.status, 422, "%s", r.body);
    th_response_free(&r);
    r = th_request(&admin, "PATCH", "/api/v1/settings", "{\"session_idle_minutes\":60}");
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_eq(th_json_int(&r, "session_idle_minutes"), 60);
    th_response_free(&r);
    cr_assert_eq(th_sql_int(th_fmt("SELECT count(*) FROM \"%s\".audit_events WHERE action = 'settings.updated'"
                                   " AND details->'before'->>'session_idle_minutes' = '30'"
                                   " AND details->'after'->>'session_idle_minutes' = '60'", t.schema),
                            NULL),
                 1);
}

/* Converts "2026-12-04T21:00:06.0978Z" (UTC, as the API sends it) to microseconds. */
static long long
rfc3339_micros(const char *text)
{
    struct tm tm = {0};
    const char *rest = strptime(text, "%Y-%m-%dT%H:%M:%S", &tm);
    long long micros = 0;
    int digits = 0;

    cr_assert(rest != NULL, "not a timestamp: %s", text);
    if (*rest == '.') {
        for (rest++; *rest >= '0' && *rest <= '9'; rest++, digits++)
            micros = micros * 10 + (*rest - '0');
    }
    for (; digits < 6; digits++)
        micros *= 10;
    return (long long)timegm(&tm) * 1000000 + micros;
}

Test(identity, audit_pages_newest_first)
{
    struct th_tenant t;
    struct th_client admin;
    struct staff viewer;
    struct th_response r, all;
    json_t *seen = json_array();
    char cursor[256] = "";
    long long id;

    th_tenant_create(&t, "aud", NULL);
    th_client_init(&admin, &t);
    th_login_admin(&admin, &t);
    staff_join(&viewer, &t, &admin, "watcher", role_id(&t, "Viewer"));
    for (int i = 0; i < 3; i++)
        free(invite(&admin, th_fmt("a%d@%s.test", i, t.slug), role_id(&t, "Viewer"), &id));

    r = th_request(&viewer.client, "GET", "/api/v1/audit", NULL);
    cr_assert_eq(r.status, 403, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "permission"), "audit.view");
    th_response_free(&r);

    all = th_request(&admin, "GET", "/api/v1/audit?limit=200", NULL);
    cr_assert_eq(all.status, 200, "%s", all.body);
    cr_assert(json_array_size(json_object_get(all.json, "items")) >= 6, "%s", all.body);
    do {
        r = th_request(&admin, "GET", th_fmt("/api/v1/audit?limit=2%s%s", cursor[0] ? "&cursor=" : "", cursor), NULL);
        cr_assert_eq(r.status, 200, "%s", r.body);
        cr_assert(json_array_size(json_object_get(r.json, "items")) <= 2);
        json_array_extend(seen, json_object_get(r.json, "items"));
        snprintf(cursor, sizeof(cursor), "%s", th_json_str(&r, "next_cursor") ? th_json_str(&r, "next_cursor") : "");
        th_response_free(&r);
    } while (cursor[0] != '\0');
    cr_assert(json_equal(seen, json_object_get(all.json, "items")), "pages differ from the whole list");
    for (size_t i = 1; i < json_array_size(seen); i++) {
        const char *newer = json_string_value(json_object_get(json_array_get(seen, i - 1), "occurred_at"));
        const char *older = json_string_value(json_object_get(json_array_get(seen, i), "occurred_at"));

        cr_assert(rfc3339_micros(newer) >= rfc3339_micros(older), "%s listed before %s", newer, older);
    }
    th_response_free(&all);
    json_decref(seen);

    /* The administrator's own invitation at provisioning, the watcher and three more. */
    r = th_request(&admin, "GET", "/api/v1/audit?action=user.invited", NULL);
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 5, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "items.0.target_type"), "user");
    cr_assert_eq(th_json_int(&r, "items.0.actor.user_id"),
                 th_sql_int(th_fmt("SELECT id FROM \"%s\".users WHERE email_key = $1", t.schema),
                            t.admin_email, NULL));
    th_response_free(&r);
    r = th_request(&admin, "GET", th_fmt("/api/v1/audit?target_type=user&target_id=%lld&action=user.invited", id), NULL);
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 1, "%s", r.body);
    th_response_free(&r);
    r = th_request(&admin, "GET", "/api/v1/audit?from=2999-01-01T00:00:00Z", NULL);
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 0, "%s", r.body);
    th_response_free(&r);

    r = th_request(&admin, "GET", "/api/v1/audit?cursor=bm9wZQ&limit=500", NULL);
    cr_assert_eq(r.status, 400, "%s", r.body);
    cr_assert(has_error(&r, "cursor", "format"), "%s", r.body);
    cr_assert(has_error(&r, "limit", "range"), "%s", r.body);
    th_response_free(&r);
}

Test(identity, directory_lists_active_staff_to_everyone)
{
    struct th_tenant t;
    struct th_client admin, viewer;
    struct th_response r;
    char *role_id;

    th_tenant_create(&t, "dir", NULL);
    th_client_init(&admin, &t);
    th_login_admin(&admin, &t);
    role_id = th_sql_text(th_fmt("SELECT id FROM \"%s\".roles WHERE name = 'Viewer'", t.schema), NULL);
    th_sql_exec(th_fmt("UPDATE \"%s\".users SET role_id = %s WHERE email = '%s'", t.schema, role_id,
                       t.admin_email));
    th_sql_exec(th_fmt("INSERT INTO \"%s\".users (email, email_key, display_name, role_id, status)"
                       " VALUES ('x@y.test', 'x@y.test', 'Zed Invited', %s, 'invited')", t.schema, role_id));
    th_client_init(&viewer, &t);
    th_login_admin(&viewer, &t);

    r = th_request(&viewer, "GET", "/api/v1/users/directory", NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 1, "only active staff: %s", r.body);
    cr_assert_str_eq(th_json_str(&r, "items.0.display_name"), "Administrator");
    cr_assert_null(json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "email"));
    th_response_free(&r);

    r = th_request(&viewer, "GET", "/api/v1/roles", NULL);
    cr_assert_eq(r.status, 403, "a Viewer may not list roles: %s", r.body);
    cr_assert_str_eq(th_json_str(&r, "permission"), "roles.manage");
    th_response_free(&r);
    free(role_id);
}
