/*
 * Optimistic concurrency for updates. A record's ETag is its version number in
 * quotes ("7"), sent by response_etag(). A change must carry it back in
 * If-Match, so a client cannot overwrite a change it has not seen.
 */
#ifndef LENDASTACK_API_ETAG_H
#define LENDASTACK_API_ETAG_H

#include "core/result.h"
#include "http/request.h"

/*
 * Reads the If-Match header of a change. On RESULT_OK *version is the version it
 * names, or 0 for "*", which RFC 9110 defines as matching any current version.
 * RESULT_PRECONDITION_REQUIRED means the header is absent.
 * RESULT_PRECONDITION_FAILED means it is not one strong entity tag such as "7".
 * Both set the problem, naming the header.
 */
enum result etag_if_match(struct request *req, int *version);

#endif
