/*
 * The routing table: method plus path pattern, with {name} segments as parameters.
 * Each API module declares its routes in one array; the server registers the
 * arrays at start-up. A literal segment wins over a parameter, so
 * /customers/export.csv is not taken for /customers/{code}.
 */
#ifndef LENDASTACK_HTTP_ROUTER_H
#define LENDASTACK_HTTP_ROUTER_H

#include <stddef.h>

#include "core/permission.h"
#include "core/result.h"
#include "http/request.h"

typedef enum result (*route_handler)(struct request *req);

enum route_flag {
    ROUTE_PUBLIC = 1u << 0,    /* answers without a signed-in actor (still per tenant) */
    ROUTE_GLOBAL = 1u << 1,    /* answers on any host, outside every tenant */
    ROUTE_BODY_JSON = 1u << 2, /* expects an application/json body */
    ROUTE_BODY_CSV = 1u << 3,  /* expects a text/csv body, with the import size limit */
    ROUTE_NO_CSRF = 1u << 4,   /* unsafe, yet exempt from the CSRF check (no session yet) */
};

struct route {
    enum http_method method;
    const char *pattern;       /* e.g. "/api/v1/customers/{code}"; NULL ends an array */
    route_handler handler;
    enum permission permission;
    unsigned flags;
};

/* Registers a route array ended by an entry whose pattern is NULL. */
void router_add(const struct route *routes);

/* Drops every registered route (tests). */
void router_reset(void);

/*
 * Finds the route for a decoded path. RESULT_OK sets *route and params;
 * RESULT_METHOD_NOT_ALLOWED fills allow with the methods the path accepts, e.g.
 * "GET, PATCH"; RESULT_NOT_FOUND when no pattern matches.
 */
enum result router_match(char *const *segments, size_t count, enum http_method method,
                         const struct route **route, const char **params, char *allow,
                         size_t allow_size);

/* Calls fn for every registered route, in registration order. */
void router_each(void (*fn)(const struct route *route, void *data), void *data);

#endif
