/*
 * Building responses: JSON bodies, headers, and RFC 9457 problem documents.
 * The status of a failed request comes from its result code in http_status().
 */
#ifndef LENDASTACK_HTTP_RESPONSE_H
#define LENDASTACK_HTTP_RESPONSE_H

#include "core/result.h"
#include "http/request.h"

#define PROBLEM_TYPE_BASE "https://lendastack.dev/problems/"

/* Returns the HTTP status for a result code. */
int http_status(enum result r);

/* Returns the reason phrase of a status, e.g. "Not Found". */
const char *http_reason(int status);

/* Sets a JSON body and status. */
void response_json(struct request *req, int status, json_t *body);

/* Sets a body of JSON text, such as a json_writer made, and status. */
void response_json_text(struct request *req, int status, const char *text, size_t len);

/* Adds a response header; the name and value must live as long as the request. */
void response_header(struct request *req, const char *name, const char *value);

/*
 * Turns a failed result and the request's problem into a problem document:
 * type, title, status, detail, code, and errors for validation failures.
 */
void response_problem(struct request *req, enum result r);

/* Shorthand: sets req->problem's type, title and detail, then responds with r. */
enum result response_fail(struct request *req, enum result r, const char *type, const char *detail_fmt,
                          ...) __attribute__((format(printf, 4, 5)));

/* Sets the ETag header to the quoted version, e.g. "\"7\"". */
void response_etag(struct request *req, long long version);

#endif
