/* Redis down: readiness reports it, and signed-in users, sign-in and staff changes keep working. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/support/harness.h"

static void
restart_redis(void)
{
    th_stack("start redis");
}

Test(redis, outage_degrades_readiness_but_not_users, .timeout = 60, .fini = restart_redis)
{
    struct th_tenant t;
    struct th_client signed_in, fresh;
    struct th_response r;

    th_tenant_create(&t, "redis", NULL);
    th_client_init(&signed_in, &t);
    th_login_admin(&signed_in, &t);

    cr_assert_eq(th_stack("stop redis"), 0);
    r = th_request(NULL, "GET", "/readyz", NULL);
    cr_assert_eq(r.status, 503, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "redis.status"), "down");
    cr_assert_str_eq(th_json_str(&r, "down.0"), "redis");
    th_response_free(&r);
    r = th_request(NULL, "GET", "/healthz", NULL);
    cr_assert_eq(r.status, 200);
    th_response_free(&r);

    r = th_request(&signed_in, "GET", "/api/v1/auth/me", NULL);
    cr_assert_eq(r.status, 200, "a signed-in user must keep working without Redis: %s", r.body);
    th_response_free(&r);
    th_client_init(&fresh, &t);
    cr_assert(th_login(&fresh, t.admin_email, t.admin_password), "sign-in must work without Redis");
    r = th_request(&fresh, "GET", "/api/v1/auth/me", NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    th_response_free(&r);

    cr_assert_eq(th_stack("start redis"), 0);
    cr_assert(th_wait_status(NULL, "/readyz", 200, 15000), "readiness did not recover without a restart");
    r = th_request(&signed_in, "GET", "/api/v1/auth/me", NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    th_response_free(&r);
}

/* Signs in a new staff member with the Viewer role through an invitation. */
static void
join_as_viewer(struct th_client *admin, const struct th_tenant *t, const char *name, struct th_client *out,
               long long *id)
{
    long long viewer = th_sql_int(th_fmt("SELECT id FROM \"%s\".roles WHERE name = 'Viewer'", t->schema), NULL);
    struct th_response r = th_request(admin, "POST", "/api/v1/users",
                                      th_fmt("{\"email\":\"%s@%s.test\",\"display_name\":\"%s\",\"role_id\":%lld}",
                                             name, t->slug, name, viewer));
    const char *url = th_json_str(&r, "invitation_url");
    char *cookie;

    cr_assert_eq(r.status, 201, "%s", r.body);
    *id = th_json_int(&r, "user.id");
    th_client_init(out, t);
    cr_assert(url != NULL && strstr(url, "token=") != NULL, "%s", r.body);
    {
        char *body = strdup(th_fmt("{\"token\":\"%s\",\"password\":\"viewer-password-1\"}",
                                   strstr(url, "token=") + strlen("token=")));

        th_response_free(&r);
        r = th_request(out, "POST", "/api/v1/invitations/accept", body);
        free(body);
    }
    cr_assert_eq(r.status, 200, "%s", r.body);
    cookie = th_header(&r, "Set-Cookie");
    snprintf(out->cookie, sizeof(out->cookie), "%.*s", (int)strcspn(cookie, ";"), cookie);
    snprintf(out->csrf, sizeof(out->csrf), "%s", th_json_str(&r, "csrf_token"));
    free(cookie);
    th_response_free(&r);
}

Test(redis, staff_changes_apply_without_redis, .timeout = 60, .fini = restart_redis)
{
    struct th_tenant t;
    struct th_client admin, leaver, bearer, late;
    struct th_response r;
    long long leaver_id, late_id, token_id;
    char *etag;

    th_tenant_create(&t, "redis-staff", NULL);
    th_client_init(&admin, &t);
    th_login_admin(&admin, &t);
    join_as_viewer(&admin, &t, "leaver", &leaver, &leaver_id);
    r = th_request(&admin, "POST", "/api/v1/tokens",
                   th_fmt("{\"name\":\"sync\",\"role_id\":%lld}",
                          th_sql_int(th_fmt("SELECT id FROM \"%s\".roles WHERE name = 'Viewer'", t.schema),
                                     NULL)));
    cr_assert_eq(r.status, 201, "%s", r.body);
    th_client_init(&bearer, &t);
    snprintf(bearer.bearer, sizeof(bearer.bearer), "%s", th_json_str(&r, "token"));
    token_id = th_json_int(&r, "id");
    th_response_free(&r);
    /* Both credentials are in Redis now, with the entries of their users. */
    r = th_request(&leaver, "GET", "/api/v1/auth/me", NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    th_response_free(&r);
    r = th_request(&bearer, "GET", "/api/v1/auth/me", NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    th_response_free(&r);

    cr_assert_eq(th_stack("stop redis"), 0);
    r = th_request(&admin, "GET", th_fmt("/api/v1/users/%lld", leaver_id), NULL);
    etag = th_header(&r, "ETag");
    th_response_free(&r);
    cr_assert(etag != NULL);
    snprintf(admin.if_match, sizeof(admin.if_match), "%s", etag);
    free(etag);
    r = th_request(&admin, "PATCH", th_fmt("/api/v1/users/%lld", leaver_id), "{\"status\":\"deactivated\"}");
    admin.if_match[0] = '\0';
    cr_assert_eq(r.status, 200, "deactivation without Redis: %s", r.body);
    th_response_free(&r);
    r = th_request(&admin, "DELETE", th_fmt("/api/v1/tokens/%lld", token_id), NULL);
    cr_assert_eq(r.status, 204, "revocation without Redis: %s", r.body);
    th_response_free(&r);
    r = th_request(&leaver, "GET", "/api/v1/auth/me", NULL);
    cr_assert_eq(r.status, 401, "%s", r.body);
    th_response_free(&r);
    r = th_request(&bearer, "GET", "/api/v1/auth/me", NULL);
    cr_assert_eq(r.status, 401, "%s", r.body);
    th_response_free(&r);
    join_as_viewer(&admin, &t, "late", &late, &late_id);

    cr_assert_eq(th_stack("start redis"), 0);
    cr_assert(th_wait_status(NULL, "/readyz", 200, 15000));
    r = th_request(&leaver, "GET", "/api/v1/auth/me", NULL);
    cr_assert_eq(r.status, 401, "the deactivation must hold once Redis is back: %s", r.body);
    th_response_free(&r);
    r = th_request(&bearer, "GET", "/api/v1/auth/me", NULL);
    cr_assert_eq(r.status, 401, "the revocation must hold once Redis is back: %s", r.body);
    th_response_free(&r);
    r = th_request(&late, "GET", "/api/v1/auth/me", NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    th_response_free(&r);
}
