/*
 * The FastCGI side of a request: reading parameters and the body from libfcgi,
 * and writing the response back. Only the server loop and this file see libfcgi.
 */
#ifndef LENDASTACK_HTTP_TRANSPORT_H
#define LENDASTACK_HTTP_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/result.h"
#include "http/request.h"

/*
 * Fills req from the FastCGI parameters of transport (an FCGX_Request), copying
 * them into the request's arena because libfcgi frees them at FCGX_Finish_r.
 * RESULT_MALFORMED when the path or query string cannot be decoded.
 */
enum result transport_read_request(struct request *req, void *transport);

/*
 * Reads the body, exactly CONTENT_LENGTH bytes, refusing more than limit bytes.
 * RESULT_TOO_LARGE over the limit, RESULT_MALFORMED for an invalid length or a
 * body that ends early.
 */
enum result transport_read_body(struct request *req, long limit);

/* Writes the status line, headers and body of req->response. */
bool transport_send(struct request *req);

/* Starts a streamed response; the handler then writes the body in pieces. */
bool transport_stream_begin(struct request *req, int status, const char *content_type);
bool transport_stream_write(struct request *req, const void *data, size_t len);

/* Reads and discards what is left of the body, before the request is finished. */
void transport_drain(struct request *req);

/* Parses a CONTENT_LENGTH value: digits only; -1 when malformed. */
long long transport_parse_length(const char *value);

#endif
