#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "http/response.h"

int
http_status(enum result r)
{
    switch (r) {
    case RESULT_OK:
        return 200;
    case RESULT_NOT_FOUND:
        return 404;
    case RESULT_MALFORMED:
        return 400;
    case RESULT_INVALID:
        return 422;
    case RESULT_CONFLICT:
        return 409;
    case RESULT_GONE:
        return 410;
    case RESULT_UNAUTHENTICATED:
        return 401;
    case RESULT_DENIED:
        return 403;
    case RESULT_PRECONDITION_FAILED:
        return 412;
    case RESULT_PRECONDITION_REQUIRED:
        return 428;
    case RESULT_TOO_MANY:
        return 429;
    case RESULT_TOO_LARGE:
        return 413;
    case RESULT_UNSUPPORTED_MEDIA:
        return 415;
    case RESULT_METHOD_NOT_ALLOWED:
        return 405;
    case RESULT_UNAVAILABLE:
        return 503;
    case RESULT_INTERNAL:
        return 500;
    }
    return 500;
}

const char *
http_reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 304:
        return "Not Modified";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 409:
        return "Conflict";
    case 410:
        return "Gone";
    case 412:
        return "Precondition Failed";
    case 413:
        return "Content Too Large";
    case 415:
        return "Unsupported Media Type";
    case 422:
        return "Unprocessable Content";
    case 428:
        return "Precondition Required";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    default:
        return "Unknown";
    }
}

/* Default titles per result, used when the code that failed set none. */
static const char *
problem_default_title(enum result r)
{
    switch (r) {
    case RESULT_NOT_FOUND:
        return "Not found";
    case RESULT_MALFORMED:
        return "Malformed request";
    case RESULT_INVALID:
        return "Validation failed";
    case RESULT_CONFLICT:
        return "Conflict";
    case RESULT_GONE:
        return "Gone";
    case RESULT_UNAUTHENTICATED:
        return "Authentication required";
    case RESULT_DENIED:
        return "Permission denied";
    case RESULT_PRECONDITION_FAILED:
        return "Version mismatch";
    case RESULT_PRECONDITION_REQUIRED:
        return "If-Match required";
    case RESULT_TOO_MANY:
        return "Too many requests";
    case RESULT_TOO_LARGE:
        return "Payload too large";
    case RESULT_UNSUPPORTED_MEDIA:
        return "Unsupported media type";
    case RESULT_METHOD_NOT_ALLOWED:
        return "Method not allowed";
    case RESULT_UNAVAILABLE:
        return "Service unavailable";
    default:
        return "Internal error";
    }
}

static const char *
problem_default_type(enum result r)
{
    if (r == RESULT_INVALID)
        return "validation_failed";
    return result_name(r);
}

void
response_json(struct request *req, int status, json_t *body)
{
    req->response.status = status;
    req->response.content_type = "application/json";
    req->response.json = body;
}

void
response_json_text(struct request *req, int status, const char *text, size_t len)
{
    req->response.status = status;
    req->response.content_type = "application/json";
    req->response.json = NULL;
    req->response.body = text;
    req->response.body_len = len;
}

void
response_header(struct request *req, const char *name, const char *value)
{
    struct response *res = &req->response;

    if (res->header_count == HTTP_HEADERS_MAX)
        return;
    res->headers[res->header_count].name = name;
    res->headers[res->header_count].value = value;
    res->header_count++;
}

void
response_problem(struct request *req, enum result r)
{
    struct problem *p = &req->problem;
    const char *type = p->type != NULL ? p->type : problem_default_type(r);
    int status = http_status(r);
    json_t *doc = json_object();

    json_object_set_new(doc, "type",
                        json_string(arena_printf(req->arena, PROBLEM_TYPE_BASE "%s", type)));
    json_object_set_new(doc, "title", json_string(p->title != NULL ? p->title : problem_default_title(r)));
    json_object_set_new(doc, "status", json_integer(status));
    if (p->detail != NULL)
        json_object_set_new(doc, "detail", json_string(p->detail));
    json_object_set_new(doc, "code", json_string(type));
    if (req->id != NULL)
        json_object_set_new(doc, "request_id", json_string(req->id));
    if (p->error_count > 0) {
        json_t *errors = json_array();

        for (size_t i = 0; i < p->error_count; i++) {
            json_t *e = json_object();

            json_object_set_new(e, "field", json_string(p->errors[i].field));
            json_object_set_new(e, "rule", json_string(p->errors[i].rule));
            json_object_set_new(e, "message", json_string(p->errors[i].message));
            json_array_append_new(errors, e);
        }
        json_object_set_new(doc, "errors", errors);
    }
    if (p->extra != NULL)
        json_object_update(doc, p->extra);

    if (r == RESULT_UNAVAILABLE || r == RESULT_TOO_MANY) {
        int seconds = p->retry_after > 0 ? p->retry_after : 5;

        response_header(req, "Retry-After", arena_printf(req->arena, "%d", seconds));
    }
    req->response.status = status;
    req->response.content_type = "application/problem+json";
    req->response.json = doc;
}

enum result
response_fail(struct request *req, enum result r, const char *type, const char *detail_fmt, ...)
{
    va_list ap;

    req->problem.type = type;
    if (detail_fmt != NULL) {
        va_start(ap, detail_fmt);
        req->problem.detail = arena_vprintf(req->arena, detail_fmt, ap);
        va_end(ap);
    }
    return r;
}

void
response_etag(struct request *req, long long version)
{
    response_header(req, "ETag", arena_printf(req->arena, "\"%lld\"", version));
}
