/* Health endpoints, routing errors and problem documents, through nginx. */
#include <criterion/criterion.h>
#include <string.h>

#include "tests/support/harness.h"

Test(foundation, readyz_reports_dependencies)
{
    struct th_response r = th_request(NULL, "GET", "/readyz", NULL);

    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "status"), "ok");
    cr_assert_str_eq(th_json_str(&r, "postgres.status"), "ok");
    cr_assert_str_eq(th_json_str(&r, "redis.status"), "ok");
    th_response_free(&r);
}

Test(foundation, healthz_answers_on_any_host)
{
    struct th_client c = {.host = "whatever.example"};
    struct th_response r = th_request(&c, "GET", "/healthz", NULL);

    cr_assert_eq(r.status, 200);
    th_response_free(&r);
}

Test(foundation, unknown_path_is_problem_json)
{
    struct th_tenant t;
    struct th_client c;
    struct th_response r;
    char *type;

    th_tenant_create(&t, "found", NULL);
    th_client_init(&c, &t);
    th_login_admin(&c, &t);
    r = th_request(&c, "GET", "/api/v1/no-such-thing", NULL);
    cr_assert_eq(r.status, 404);
    type = th_header(&r, "Content-Type");
    cr_assert_str_eq(type, "application/problem+json");
    cr_assert_str_eq(th_json_str(&r, "code"), "not_found");
    cr_assert_eq(th_json_int(&r, "status"), 404);
    free(type);
    th_response_free(&r);
}

Test(foundation, wrong_method_is_405_with_allow)
{
    struct th_tenant t;
    struct th_client c;
    struct th_response r;
    char *allow;

    th_tenant_create(&t, "found", NULL);
    th_client_init(&c, &t);
    r = th_request(&c, "DELETE", "/api/v1/auth/me", NULL);
    cr_assert_eq(r.status, 405);
    allow = th_header(&r, "Allow");
    cr_assert_str_eq(allow, "GET, HEAD");
    free(allow);
    th_response_free(&r);
}

Test(foundation, malformed_json_is_400)
{
    struct th_tenant t;
    struct th_client c;
    struct th_response r;

    th_tenant_create(&t, "found", NULL);
    th_client_init(&c, &t);
    r = th_request(&c, "POST", "/api/v1/auth/login", "{\"email\": ");
    cr_assert_eq(r.status, 400);
    cr_assert_str_eq(th_json_str(&r, "code"), "malformed_json");
    th_response_free(&r);
    r = th_request(&c, "POST", "/api/v1/auth/login", "{\"email\":\"a@b.cd\",\"email\":\"x\"}");
    cr_assert_eq(r.status, 400, "duplicate keys must be rejected: %s", r.body);
    th_response_free(&r);
    r = th_request(&c, "POST", "/api/v1/auth/login", "{\"email\":\"\xff\"}");
    cr_assert_eq(r.status, 400, "invalid UTF-8 must be rejected: %s", r.body);
    th_response_free(&r);
}

Test(foundation, wrong_content_type_is_415)
{
    struct th_tenant t;
    struct th_client c;
    struct th_response r;
    const char *body = "email=a@b.cd";

    th_tenant_create(&t, "found", NULL);
    th_client_init(&c, &t);
    r = th_request_typed(&c, "POST", "/api/v1/auth/login", body, strlen(body),
                         "application/x-www-form-urlencoded", NULL);
    cr_assert_eq(r.status, 415);
    th_response_free(&r);
}

Test(foundation, body_over_limit_is_413)
{
    struct th_tenant t;
    struct th_client c;
    struct th_response r;
    size_t size = 1536 * 1024;
    char *body = malloc(size + 1);

    memset(body, ' ', size);
    body[0] = '{';
    body[size - 1] = '}';
    body[size] = '\0';
    th_tenant_create(&t, "found", NULL);
    th_client_init(&c, &t);
    r = th_request(&c, "POST", "/api/v1/auth/login", body);
    cr_assert_eq(r.status, 413, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "code"), "payload_too_large");
    th_response_free(&r);
    free(body);
}

Test(foundation, validation_errors_name_field_and_rule)
{
    struct th_tenant t;
    struct th_client c;
    struct th_response r;

    th_tenant_create(&t, "found", NULL);
    th_client_init(&c, &t);
    r = th_request(&c, "POST", "/api/v1/auth/login", "{\"email\":1,\"pasword\":\"x\"}");
    cr_assert_eq(r.status, 422, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "code"), "validation_failed");
    cr_assert_str_eq(th_json_str(&r, "errors.0.field"), "pasword");
    cr_assert_str_eq(th_json_str(&r, "errors.0.rule"), "unknown");
    cr_assert_str_eq(th_json_str(&r, "errors.1.field"), "email");
    cr_assert_str_eq(th_json_str(&r, "errors.1.rule"), "type");
    th_response_free(&r);
}
