/*
 * Idempotent creates. A client that sends an Idempotency-Key header with a
 * create may repeat the request (after a timeout, for example) without creating
 * twice. A repeat with the same key, path and body gets the first response
 * (status and body) and creates nothing. The same key with another path or body
 * is rejected with 422. The body is stored as jsonb, so a repeat may list the
 * members of an object in another order. Keys belong to the signed-in user and
 * are remembered for IDEMPOTENCY_HOURS. Only a successful create is remembered,
 * so a request that failed may be sent again with the same key.
 *
 * Both calls run inside the create's transaction, so the response is stored
 * exactly when the record is:
 *
 *     db_begin();
 *     idempotency_begin(req, &idem, &status, &body);  // body != NULL: replay it
 *     ... validate, create ...
 *     idempotency_finish(req, &idem, 201, answer);
 *     db_commit();
 */
#ifndef LENDASTACK_API_IDEMPOTENCY_H
#define LENDASTACK_API_IDEMPOTENCY_H

#include "core/json.h"
#include "http/request.h"

#define IDEMPOTENCY_KEY_MAX 128 /* characters, printable ASCII */
#define IDEMPOTENCY_HOURS 24

struct idempotency {
    const char *key;  /* NULL when the request carried no Idempotency-Key */
    const char *hash; /* hex SHA-256 of the method, path and canonical JSON body */
};

/*
 * Reads the Idempotency-Key header of req and, when there is one, waits for any
 * request with the same key still running, then looks the key up. Call it before
 * validation changes req->json, because the body's hash is taken here.
 *
 * Results: RESULT_OK with *body NULL when the create should run; RESULT_OK with
 * *status and *body set to the first response when this is a repeat;
 * RESULT_MALFORMED when the header is not a valid key; RESULT_INVALID
 * ("idempotency_key_reused") when the key was used for another request.
 */
enum result idempotency_begin(struct request *req, struct idempotency *idem, int *status,
                              json_t **body);

/* Stores the response of a successful create under the key; does nothing without a key. */
enum result idempotency_finish(struct request *req, const struct idempotency *idem, int status,
                               json_t *body);

#endif
