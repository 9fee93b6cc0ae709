#include <string.h>

#include "http/request.h"

static const char *const http_method_names[] = {
    [HTTP_GET] = "GET",         [HTTP_HEAD] = "HEAD",     [HTTP_POST] = "POST",
    [HTTP_PUT] = "PUT",         [HTTP_PATCH] = "PATCH",   [HTTP_DELETE] = "DELETE",
    [HTTP_OPTIONS] = "OPTIONS", [HTTP_OTHER] = "OTHER",
};

enum http_method
http_method_parse(const char *name)
{
    for (int m = HTTP_GET; m < HTTP_OTHER; m++) {
        if (strcmp(name, http_method_names[m]) == 0)
            return (enum http_method)m;
    }
    return HTTP_OTHER;
}

const char *
http_method_name(enum http_method m)
{
    return http_method_names[m];
}

const char *
request_query(const struct request *req, const char *name)
{
    return http_param_find(req->query, req->query_count, name);
}

const char *
request_cookie(const struct request *req, const char *name)
{
    return http_param_find(req->cookies, req->cookie_count, name);
}

const char *
request_param(const struct request *req, size_t i)
{
    return i < ROUTE_PARAMS_MAX ? req->params[i] : NULL;
}

bool
request_param_id(const struct request *req, size_t i, int64_t *id)
{
    const char *text = request_param(req, i);
    int64_t n = 0;

    if (text == NULL || text[0] < '1' || text[0] > '9' || strlen(text) > 18)
        return false;
    for (const char *p = text; *p != '\0'; p++) {
        if (*p < '0' || *p > '9')
            return false;
        n = n * 10 + (*p - '0');
    }
    *id = n;
    return true;
}

bool
request_is_safe(const struct request *req)
{
    return req->method == HTTP_GET || req->method == HTTP_HEAD || req->method == HTTP_OPTIONS;
}
