/*
 * One HTTP request as the worker sees it, from FastCGI parameters to the response.
 * The request owns its arena; everything hanging off it lives until the request
 * is finished, and nothing survives it.
 */
#ifndef LENDASTACK_HTTP_REQUEST_H
#define LENDASTACK_HTTP_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/json.h"
#include "core/permission.h"
#include "core/problem.h"
#include "core/result.h"
#include "core/scope.h"
#include "http/params.h"

struct route;

enum http_method {
    HTTP_GET,
    HTTP_HEAD,
    HTTP_POST,
    HTTP_PUT,
    HTTP_PATCH,
    HTTP_DELETE,
    HTTP_OPTIONS,
    HTTP_OTHER
};

#define HTTP_HEADERS_MAX 16
#define ROUTE_PARAMS_MAX 4

struct http_header {
    const char *name;
    const char *value;
};

struct response {
    int status;                 /* 0 until a handler or the dispatcher sets it */
    const char *content_type;
    struct http_header headers[HTTP_HEADERS_MAX];
    size_t header_count;
    json_t *json;               /* the body, when JSON */
    const char *body;           /* the body otherwise */
    size_t body_len;
    bool streamed;              /* the handler wrote the response itself */
};

struct request {
    struct arena *arena;
    void *transport;            /* the FastCGI request; only the http layer uses it */

    /* Read from the FastCGI parameters nginx sends. */
    const char *id;             /* nginx $request_id */
    enum http_method method;
    const char *method_name;
    const char *path;           /* raw, without the query string */
    char **segments;            /* decoded path segments */
    size_t segment_count;
    struct http_param *query;
    size_t query_count;
    struct http_param *cookies;
    size_t cookie_count;
    const char *host;
    const char *server_port;    /* the port nginx accepted the request on */
    const char *content_type;
    long long content_length;   /* -1 when absent */
    const char *client_addr;
    const char *authorization;
    const char *if_match;
    const char *idempotency_key;
    const char *csrf_token;
    const char *user_agent;
    const char *test_now;       /* X-Lendastack-Test-Now, honoured only with the test clock on */
    const char *body;           /* NUL-terminated copy of the body, or NULL */
    size_t body_len;
    json_t *json;               /* parsed body of a JSON route */

    /* Filled by routing, tenant resolution and authentication. */
    const struct route *route;
    const char *params[ROUTE_PARAMS_MAX];
    struct scope scope;         /* tenant, actor, connections, clock */
    const char *session_secret; /* secret of the session cookie; NULL for token requests */
    const char *csrf_expected;  /* the session's CSRF token once auth_csrf_token() made it */
    const char *session_hash;   /* SHA-256 of the session secret, for sign-out */

    struct problem problem;
    struct response response;
};

/* Returns the query parameter called name, or NULL. */
const char *request_query(const struct request *req, const char *name);

/* Returns the cookie called name, or NULL. */
const char *request_cookie(const struct request *req, const char *name);

/* Returns the route parameter at index i (in pattern order). */
const char *request_param(const struct request *req, size_t i);

/*
 * Reads the route parameter at index i as a record id: a positive decimal
 * integer without sign, leading zeros or other characters. False otherwise.
 */
bool request_param_id(const struct request *req, size_t i, int64_t *id);

/* True for GET, HEAD and OPTIONS. */
bool request_is_safe(const struct request *req);

/* Parses a method name. */
enum http_method http_method_parse(const char *name);
const char *http_method_name(enum http_method m);

#endif
