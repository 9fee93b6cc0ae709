/* Redis down: readiness says so, signed-in users and sign-in keep working. */
#include <criterion/criterion.h>
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
    cr_assert(th_wait_status(NULL, "/readyz", 200, 5000), "readiness did not recover without a restart");
    r = th_request(&signed_in, "GET", "/api/v1/auth/me", NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    th_response_free(&r);
}
