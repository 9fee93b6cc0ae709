#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "api/routes.h"
#include "auth/auth.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "http/response.h"
#include "http/router.h"
#include "http/transport.h"
#include "server/dispatch.h"
#include "tenant/tenant.h"

void
dispatch_init(void)
{
    routes_register();
}

static int64_t
dispatch_now_us(void)
{
    struct timeval tv;

    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

static bool
content_type_is(const char *header, const char *type)
{
    size_t n = strlen(type);

    if (header == NULL || strncasecmp(header, type, n) != 0)
        return false;
    return header[n] == '\0' || header[n] == ';' || header[n] == ' ';
}

/* Resolves the tenant of the Host header; unknown and deleted tenants are 404. */
static enum result
dispatch_tenant(struct request *req)
{
    const struct tenant *t = NULL;
    enum result r = tenant_resolve(req->scope.db, req->scope.cache, req->host,
                                   config.tenant_cache_seconds, &t);

    if (r == RESULT_NOT_FOUND || (r == RESULT_OK && t->status == TENANT_DELETED))
        return response_fail(req, RESULT_NOT_FOUND, "tenant_not_found",
                             "No tenant is served at this host name.");
    if (r != RESULT_OK)
        return r;
    req->scope.tenant = t;
    log_set_request(req->id, t->slug);
    return RESULT_OK;
}

/*
 * Authenticates, and when the tenant generation read on the way has changed,
 * resolves the tenant again from the control plane so that a suspension takes
 * effect on this very request.
 */
static enum result
dispatch_authenticate(struct request *req)
{
    bool optional = (req->route->flags & ROUTE_PUBLIC) != 0;
    const char *generation = NULL;
    int64_t tenant_id = req->scope.tenant->id;
    enum result r = auth_authenticate(req, optional, &generation);

    if (tenant_generation_changed(generation)) {
        enum result again = dispatch_tenant(req);

        if (again != RESULT_OK)
            return again;
        if (req->scope.tenant->id != tenant_id)
            r = auth_authenticate(req, optional, &generation);
    }
    /* The status is checked only now, against the entry the generation confirmed. */
    if (req->scope.tenant->status == TENANT_SUSPENDED)
        return response_fail(req, RESULT_DENIED, "tenant_suspended",
                             "This account is suspended. Contact your provider.");
    return r;
}

/* Reads the body a route expects and checks its type and size. */
static enum result
dispatch_body(struct request *req)
{
    const struct route *route = req->route;
    bool wants_json = route->flags & ROUTE_BODY_JSON;
    bool wants_csv = route->flags & ROUTE_BODY_CSV;
    long limit = wants_csv ? config.max_import_bytes : config.max_body_bytes;
    json_error_t error;
    enum result r;

    if (!wants_json && !wants_csv) {
        if (req->content_length > 0)
            return transport_read_body(req, limit);
        return RESULT_OK;
    }
    if (req->content_length > limit)
        return transport_read_body(req, limit); /* answers 413 */
    if (wants_json && !content_type_is(req->content_type, "application/json"))
        return response_fail(req, RESULT_UNSUPPORTED_MEDIA, "unsupported_media_type",
                             "This request needs a body of type application/json.");
    if (wants_csv && !content_type_is(req->content_type, "text/csv") &&
        !content_type_is(req->content_type, "application/json"))
        return response_fail(req, RESULT_UNSUPPORTED_MEDIA, "unsupported_media_type",
                             "This request needs a body of type text/csv.");
    if ((r = transport_read_body(req, limit)) != RESULT_OK)
        return r;
    if (wants_json || content_type_is(req->content_type, "application/json")) {
        req->json = json_parse(req->body, req->body_len, &error);
        if (req->json == NULL)
            return response_fail(req, RESULT_MALFORMED, "malformed_json",
                                 "The body is not valid JSON: %s (line %d, column %d).",
                                 error.text, error.line, error.column);
    }
    return RESULT_OK;
}

/*
 * Pins the request's clock to the X-Lendastack-Test-Now header when the test
 * clock is on (LENDASTACK_TEST_CLOCK, which config_load() refuses outside
 * development). It runs after authentication, so session expiry and sign-in
 * throttling always use the real clock; only the handler's work is pinned.
 */
static enum result
dispatch_test_clock(struct request *req)
{
    if (clock_apply_test_header(config.test_clock, req->test_now, &req->scope.now_us))
        return RESULT_OK;
    problem_field(&req->problem, CLOCK_TEST_HEADER, "format",
                  "Must be a date and time as in RFC 3339, e.g. 2026-12-04T09:30:00Z.");
    return response_fail(req, RESULT_MALFORMED, "invalid_header",
                         "The %s header is not an RFC 3339 timestamp.", CLOCK_TEST_HEADER);
}

static enum result
dispatch_run(struct request *req)
{
    char allow[128];
    const struct route *route = NULL;
    enum result r;

    r = router_match(req->segments, req->segment_count, req->method, &route, req->params, allow,
                     sizeof(allow));
    if (r == RESULT_METHOD_NOT_ALLOWED) {
        response_header(req, "Allow", arena_strdup(req->arena, allow));
        return response_fail(req, r, "method_not_allowed", "This path accepts %s.", allow);
    }
    if (r == RESULT_NOT_FOUND)
        return response_fail(req, r, "not_found", "No resource exists at this path.");
    req->route = route;

    if (!(route->flags & ROUTE_GLOBAL)) {
        if ((r = dispatch_tenant(req)) != RESULT_OK)
            return r;
        if ((r = dispatch_authenticate(req)) != RESULT_OK)
            return r;
        if (!(route->flags & ROUTE_PUBLIC) && !request_is_safe(req) &&
            !(route->flags & ROUTE_NO_CSRF) && (r = auth_check_csrf(req)) != RESULT_OK)
            return r;
        if (route->permission != PERM_NONE && (r = auth_require(req, route->permission)) != RESULT_OK)
            return r;
        if (!(route->flags & ROUTE_PUBLIC) && (r = dispatch_test_clock(req)) != RESULT_OK)
            return r;
    }
    if ((r = dispatch_body(req)) != RESULT_OK)
        return r;
    return route->handler(req);
}

static void
dispatch_log(const struct request *req, double duration_ms)
{
    const struct actor *actor = req->scope.actor;

    log_info("request", "method=%s path=%s status=%d duration_ms=%.2f user_id=%lld",
             req->method_name, req->path != NULL ? req->path : "-", req->response.status,
             duration_ms, actor != NULL ? (long long)actor->user_id : 0LL);
}

void
dispatch_request(void *transport, struct arena *arena, struct db *db, struct cache *cache)
{
    struct request req;
    struct timespec t0, t1;
    enum result r;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    memset(&req, 0, sizeof(req));
    req.arena = arena;
    req.content_length = -1;
    req.scope.arena = arena;
    req.scope.db = db;
    req.scope.cache = cache;
    req.scope.now_us = dispatch_now_us();
    req.scope.problem = &req.problem;
    problem_init(&req.problem, arena);

    r = transport_read_request(&req, transport);
    log_set_request(req.id, NULL);
    req.scope.client_addr = req.client_addr;
    if (r == RESULT_OK)
        r = dispatch_run(&req);

    /* A handler that failed mid-transaction leaves nothing behind. */
    if (db_in_transaction(db))
        db_rollback(db);
    if (r != RESULT_OK) {
        if (!req.response.streamed)
            response_problem(&req, r);
        if (r == RESULT_INTERNAL)
            log_error("request_failed", "path=%s", req.path != NULL ? req.path : "-");
    } else if (req.response.status == 0) {
        req.response.status = 204;
    }

    transport_drain(&req);
    if (!transport_send(&req))
        log_warn("response_write_failed", "detail=\"the client went away\"");

    clock_gettime(CLOCK_MONOTONIC, &t1);
    dispatch_log(&req, (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
    db_after_request(db, req.scope.tenant != NULL ? req.scope.tenant->id : 0);
    log_clear_request();
}
