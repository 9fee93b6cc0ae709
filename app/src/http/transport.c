#include <fcgiapp.h>
#include <string.h>

#include "core/crypto.h"
#include "http/response.h"
#include "http/transport.h"

#define TRANSPORT_PARAM_MAX 16384 /* longest header value kept */

/* The FastCGI parameters a request reads. */
enum transport_param {
    PARAM_REQUEST_ID,
    PARAM_REQUEST_METHOD,
    PARAM_HTTP_HOST,
    PARAM_SERVER_PORT,
    PARAM_CONTENT_TYPE,
    PARAM_REMOTE_ADDR,
    PARAM_HTTP_AUTHORIZATION,
    PARAM_HTTP_IF_MATCH,
    PARAM_HTTP_IDEMPOTENCY_KEY,
    PARAM_HTTP_X_CSRF_TOKEN,
    PARAM_HTTP_USER_AGENT,
    PARAM_HTTP_X_LENDASTACK_TEST_NOW,
    PARAM_CONTENT_LENGTH,
    PARAM_REQUEST_URI,
    PARAM_HTTP_COOKIE,
    PARAM_COUNT
};

#define PARAM_NAME(name) {#name, sizeof(#name) - 1}

static const struct {
    const char *name;
    size_t len;
} transport_param_names[PARAM_COUNT] = {
    [PARAM_REQUEST_ID] = PARAM_NAME(REQUEST_ID),
    [PARAM_REQUEST_METHOD] = PARAM_NAME(REQUEST_METHOD),
    [PARAM_HTTP_HOST] = PARAM_NAME(HTTP_HOST),
    [PARAM_SERVER_PORT] = PARAM_NAME(SERVER_PORT),
    [PARAM_CONTENT_TYPE] = PARAM_NAME(CONTENT_TYPE),
    [PARAM_REMOTE_ADDR] = PARAM_NAME(REMOTE_ADDR),
    [PARAM_HTTP_AUTHORIZATION] = PARAM_NAME(HTTP_AUTHORIZATION),
    [PARAM_HTTP_IF_MATCH] = PARAM_NAME(HTTP_IF_MATCH),
    [PARAM_HTTP_IDEMPOTENCY_KEY] = PARAM_NAME(HTTP_IDEMPOTENCY_KEY),
    [PARAM_HTTP_X_CSRF_TOKEN] = PARAM_NAME(HTTP_X_CSRF_TOKEN),
    [PARAM_HTTP_USER_AGENT] = PARAM_NAME(HTTP_USER_AGENT),
    [PARAM_HTTP_X_LENDASTACK_TEST_NOW] = PARAM_NAME(HTTP_X_LENDASTACK_TEST_NOW),
    [PARAM_CONTENT_LENGTH] = PARAM_NAME(CONTENT_LENGTH),
    [PARAM_REQUEST_URI] = PARAM_NAME(REQUEST_URI),
    [PARAM_HTTP_COOKIE] = PARAM_NAME(HTTP_COOKIE),
};

/*
 * Finds every parameter of transport_param in one pass over the FastCGI
 * environment; values[i] is NULL when the parameter is absent. As with
 * FCGX_GetParam, which scans the whole environment for each name, the first
 * of two equal names wins.
 */
static void
transport_collect(FCGX_Request *fr, const char *values[PARAM_COUNT])
{
    memset(values, 0, PARAM_COUNT * sizeof(values[0]));
    for (char **entry = fr->envp; entry != NULL && *entry != NULL; entry++) {
        const char *equals = strchr(*entry, '=');
        size_t len;

        if (equals == NULL)
            continue;
        len = (size_t)(equals - *entry);
        for (size_t i = 0; i < PARAM_COUNT; i++) {
            if (transport_param_names[i].len == len && values[i] == NULL &&
                memcmp(transport_param_names[i].name, *entry, len) == 0) {
                values[i] = equals + 1;
                break;
            }
        }
    }
}

/* Copies a parameter's value into the request's arena, cut at TRANSPORT_PARAM_MAX. */
static const char *
transport_param(struct request *req, const char *value)
{
    size_t len;

    if (value == NULL)
        return NULL;
    len = strnlen(value, TRANSPORT_PARAM_MAX + 1);
    if (len > TRANSPORT_PARAM_MAX)
        len = TRANSPORT_PARAM_MAX;
    return arena_strndup(req->arena, value, len);
}

long long
transport_parse_length(const char *value)
{
    long long n = 0;

    if (value == NULL || *value == '\0')
        return -1;
    for (const char *p = value; *p != '\0'; p++) {
        if (*p < '0' || *p > '9' || n > 100000000000000LL)
            return -1;
        n = n * 10 + (*p - '0');
    }
    return n;
}

enum result
transport_read_request(struct request *req, void *transport)
{
    FCGX_Request *fr = transport;
    const char *params[PARAM_COUNT];
    const char *uri, *question, *length;
    size_t path_len;

    req->transport = transport;
    transport_collect(fr, params);
    req->id = transport_param(req, params[PARAM_REQUEST_ID]);
    if (req->id == NULL || *req->id == '\0')
        req->id = crypto_random_token(req->arena, 12);
    req->method_name = transport_param(req, params[PARAM_REQUEST_METHOD]);
    if (req->method_name == NULL)
        req->method_name = "GET";
    req->method = http_method_parse(req->method_name);
    req->host = transport_param(req, params[PARAM_HTTP_HOST]);
    req->server_port = transport_param(req, params[PARAM_SERVER_PORT]);
    req->content_type = transport_param(req, params[PARAM_CONTENT_TYPE]);
    req->client_addr = transport_param(req, params[PARAM_REMOTE_ADDR]);
    req->authorization = transport_param(req, params[PARAM_HTTP_AUTHORIZATION]);
    req->if_match = transport_param(req, params[PARAM_HTTP_IF_MATCH]);
    req->idempotency_key = transport_param(req, params[PARAM_HTTP_IDEMPOTENCY_KEY]);
    req->csrf_token = transport_param(req, params[PARAM_HTTP_X_CSRF_TOKEN]);
    req->user_agent = transport_param(req, params[PARAM_HTTP_USER_AGENT]);
    req->test_now = transport_param(req, params[PARAM_HTTP_X_LENDASTACK_TEST_NOW]);
    length = transport_param(req, params[PARAM_CONTENT_LENGTH]);
    req->content_length = length == NULL || *length == '\0' ? -1 : transport_parse_length(length);
    if (length != NULL && *length != '\0' && req->content_length < 0)
        return response_fail(req, RESULT_MALFORMED, "malformed",
                             "Content-Length is not a non-negative integer.");

    uri = transport_param(req, params[PARAM_REQUEST_URI]);
    if (uri == NULL)
        uri = "/";
    question = strchr(uri, '?');
    path_len = question != NULL ? (size_t)(question - uri) : strlen(uri);
    req->path = arena_strndup(req->arena, uri, path_len);

    if (!http_parse_cookies(req->arena, transport_param(req, params[PARAM_HTTP_COOKIE]), &req->cookies,
                            &req->cookie_count))
        return response_fail(req, RESULT_MALFORMED, "malformed", "The Cookie header holds too many cookies.");
    if (!http_parse_path(req->arena, uri, path_len, &req->segments, &req->segment_count))
        return response_fail(req, RESULT_MALFORMED, "malformed",
                             "The path is not valid: empty segments, dot segments, malformed percent-encoding or invalid UTF-8.");
    if (!http_parse_query(req->arena, question != NULL ? question + 1 : "", &req->query,
                          &req->query_count))
        return response_fail(req, RESULT_MALFORMED, "malformed",
                             "The query string is not valid: malformed percent-encoding, invalid UTF-8, or more than %d parameters.",
                             HTTP_QUERY_MAX);
    return RESULT_OK;
}

enum result
transport_read_body(struct request *req, long limit)
{
    FCGX_Request *fr = req->transport;
    char *body;
    long long want = req->content_length;
    int got;

    if (want <= 0) {
        req->body = arena_strdup(req->arena, "");
        req->body_len = 0;
        return RESULT_OK;
    }
    if (want > limit) {
        req->problem.extra = NULL;
        problem_extra(&req->problem, "limit_bytes", json_integer(limit));
        return response_fail(req, RESULT_TOO_LARGE, "payload_too_large",
                             "The body has %lld bytes; the limit for this request is %ld bytes.",
                             want, limit);
    }
    body = arena_alloc(req->arena, (size_t)want + 1);
    got = FCGX_GetStr(body, (int)want, fr->in);
    if (got != want)
        return response_fail(req, RESULT_MALFORMED, "malformed",
                             "The body ended after %d of %lld bytes.", got < 0 ? 0 : got, want);
    body[want] = '\0';
    req->body = body;
    req->body_len = (size_t)want;
    return RESULT_OK;
}

static bool
transport_write_head(struct request *req, int status, const char *content_type)
{
    FCGX_Request *fr = req->transport;
    struct response *res = &req->response;

    if (FCGX_FPrintF(fr->out, "Status: %d %s\r\n", status, http_reason(status)) < 0)
        return false;
    if (content_type != NULL)
        FCGX_FPrintF(fr->out, "Content-Type: %s%s\r\n", content_type,
                     strncmp(content_type, "text/", 5) == 0 ? "; charset=utf-8" : "");
    FCGX_PutS("Cache-Control: no-store\r\n", fr->out);
    for (size_t i = 0; i < res->header_count; i++)
        FCGX_FPrintF(fr->out, "%s: %s\r\n", res->headers[i].name, res->headers[i].value);
    return FCGX_PutS("\r\n", fr->out) >= 0;
}

bool
transport_send(struct request *req)
{
    FCGX_Request *fr = req->transport;
    struct response *res = &req->response;
    const char *body = res->body;
    size_t len = res->body_len;

    if (res->streamed)
        return FCGX_GetError(fr->out) == 0;
    if (res->json != NULL) {
        body = json_dump(res->json, &len);
        if (body == NULL) {
            body = "{}";
            len = 2;
        }
    }
    if (!transport_write_head(req, res->status, body != NULL ? res->content_type : NULL))
        return false;
    if (body != NULL && len > 0 && req->method != HTTP_HEAD) {
        if (FCGX_PutStr(body, (int)len, fr->out) < 0)
            return false;
    }
    return FCGX_GetError(fr->out) == 0;
}

bool
transport_stream_begin(struct request *req, int status, const char *content_type)
{
    req->response.streamed = true;
    req->response.status = status;
    req->response.content_type = content_type;
    return transport_write_head(req, status, content_type);
}

bool
transport_stream_write(struct request *req, const void *data, size_t len)
{
    FCGX_Request *fr = req->transport;

    return FCGX_PutStr(data, (int)len, fr->out) >= 0;
}

void
transport_drain(struct request *req)
{
    FCGX_Request *fr = req->transport;
    char scratch[8192];

    if (fr == NULL || fr->in == NULL)
        return;
    while (FCGX_GetStr(scratch, sizeof(scratch), fr->in) > 0)
        ;
}
