/* Liveness and readiness, answered on any host name. */
#include "api/routes.h"
#include "http/response.h"

static enum result
health_live(struct request *req)
{
    json_t *body = json_object();

    json_object_set_new(body, "status", json_string("ok"));
    response_json(req, 200, body);
    return RESULT_OK;
}

static json_t *
health_dependency(long rtt_us)
{
    json_t *o = json_object();

    json_object_set_new(o, "status", json_string(rtt_us >= 0 ? "ok" : "down"));
    if (rtt_us >= 0)
        json_object_set_new(o, "rtt_ms", json_real((double)rtt_us / 1000.0));
    return o;
}

/* 200 when PostgreSQL and Redis both answer, else 503 naming what is down. */
static enum result
health_ready(struct request *req)
{
    long pg = db_ping(req->scope.db);
    long redis = cache_ping(req->scope.cache);
    json_t *body = json_object();
    json_t *down = json_array();

    if (pg < 0)
        json_array_append_new(down, json_string("postgres"));
    if (redis < 0)
        json_array_append_new(down, json_string("redis"));
    json_object_set_new(body, "status", json_string(json_array_size(down) == 0 ? "ok" : "unavailable"));
    json_object_set_new(body, "postgres", health_dependency(pg));
    json_object_set_new(body, "redis", health_dependency(redis));
    if (json_array_size(down) > 0) {
        json_object_set_new(body, "down", down);
        response_header(req, "Retry-After", "5");
    }
    response_json(req, json_array_size(down) == 0 ? 200 : 503, body);
    return RESULT_OK;
}

const struct route health_routes[] = {
    {HTTP_GET, "/healthz", health_live, PERM_NONE, ROUTE_GLOBAL | ROUTE_PUBLIC},
    {HTTP_GET, "/readyz", health_ready, PERM_NONE, ROUTE_GLOBAL | ROUTE_PUBLIC},
    {0, NULL, NULL, PERM_NONE, 0},
};
