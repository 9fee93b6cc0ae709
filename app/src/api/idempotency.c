#include <string.h>

#include "api/idempotency.h"
#include "core/crypto.h"
#include "http/response.h"
#include "store/idempotency.h"

static bool
idempotency_key_valid(const char *key)
{
    size_t len = strlen(key);

    if (len == 0 || len > IDEMPOTENCY_KEY_MAX)
        return false;
    for (const char *p = key; *p != '\0'; p++) {
        if (*p < 0x21 || *p > 0x7e)
            return false;
    }
    return true;
}

/* Hashes what makes two requests the same: method, path and the body with sorted keys. */
static const char *
idempotency_request_hash(struct request *req)
{
    char *body = NULL;
    const char *text;

    if (req->json != NULL)
        body = json_dumps(req->json, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    text = arena_printf(req->arena, "%s %s\n%s", req->method_name, req->path,
                        body != NULL ? body : "");
    return crypto_sha256_hex(req->arena, text);
}

enum result
idempotency_begin(struct request *req, struct idempotency *idem, int *status, json_t **body)
{
    struct scope *s = &req->scope;
    struct idempotency_row row;
    int64_t user_id = s->actor != NULL ? s->actor->user_id : 0;
    enum result r;

    memset(idem, 0, sizeof(*idem));
    *body = NULL;
    if (req->idempotency_key == NULL || user_id == 0)
        return RESULT_OK;
    if (!idempotency_key_valid(req->idempotency_key)) {
        problem_field(&req->problem, "Idempotency-Key", "format",
                      "Must be 1 to %d printable ASCII characters without spaces.",
                      IDEMPOTENCY_KEY_MAX);
        return response_fail(req, RESULT_MALFORMED, "invalid_header",
                             "The Idempotency-Key header is not a valid key.");
    }
    idem->key = req->idempotency_key;
    idem->hash = idempotency_request_hash(req);

    if ((r = idempotency_store_lock(s, user_id, idem->key)) != RESULT_OK)
        return r;
    r = idempotency_store_find(s, user_id, idem->key, &row);
    if (r == RESULT_NOT_FOUND)
        return RESULT_OK;
    if (r != RESULT_OK)
        return r;
    if (s->now_us - row.created_at_us > (int64_t)IDEMPOTENCY_HOURS * 3600 * 1000000)
        return idempotency_store_delete(s, user_id, idem->key);
    if (strcmp(row.request_path, req->path) != 0 || strcmp(row.request_hash, idem->hash) != 0) {
        problem_field(&req->problem, "Idempotency-Key", "reused",
                      "This key was used for a request with another path or body.");
        return response_fail(req, RESULT_INVALID, "idempotency_key_reused",
                             "The Idempotency-Key was used before for a different request; "
                             "send a new key for a new request.");
    }
    *status = row.status;
    *body = row.body;
    return RESULT_OK;
}

enum result
idempotency_finish(struct request *req, const struct idempotency *idem, int status,
                   json_t *body)
{
    struct idempotency_row row = {req->path, idem->hash, status, body, 0};

    if (idem->key == NULL)
        return RESULT_OK;
    return idempotency_store_insert(&req->scope, req->scope.actor->user_id, idem->key, &row);
}
