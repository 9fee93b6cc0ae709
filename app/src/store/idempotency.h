/*
 * SQL of the idempotency_keys table: the first response to a create request
 * that carried an Idempotency-Key header, per user and key. Every function runs
 * in the scope's tenant schema, inside the caller's transaction, and blocks on
 * PostgreSQL.
 */
#ifndef LENDASTACK_STORE_IDEMPOTENCY_H
#define LENDASTACK_STORE_IDEMPOTENCY_H

#include <stdint.h>

#include "core/json.h"
#include "core/result.h"
#include "core/scope.h"

struct idempotency_row {
    const char *request_path;
    const char *request_hash;
    int status;
    json_t *body;
    int64_t created_at_us;
};

/*
 * Takes a transaction-level advisory lock on (tenant, user, key), so a second
 * request with the same key waits until the first one commits or rolls back.
 */
enum result idempotency_store_lock(struct scope *s, int64_t user_id, const char *key);

/* RESULT_NOT_FOUND when the user never used the key. */
enum result idempotency_store_find(struct scope *s, int64_t user_id, const char *key,
                                   struct idempotency_row *out);

enum result idempotency_store_delete(struct scope *s, int64_t user_id, const char *key);

enum result idempotency_store_insert(struct scope *s, int64_t user_id, const char *key,
                                     const struct idempotency_row *row);

#endif
