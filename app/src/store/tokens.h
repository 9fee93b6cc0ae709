/*
 * SQL for API tokens. Only the SHA-256 of a token's secret is stored, with a
 * short prefix of the token for people to recognise it by. Every function runs
 * in the scope's tenant schema and blocks on PostgreSQL.
 */
#ifndef LENDASTACK_STORE_TOKENS_H
#define LENDASTACK_STORE_TOKENS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/json.h"
#include "core/result.h"
#include "core/scope.h"

/* Filters of a token list. NULL or 0 matches every token. */
struct tokens_filter {
    int64_t user_id;
    const char *status;  /* "active", "revoked" or "expired" */
    int64_t before_id;   /* keyset pagination: only ids below this one, or 0 for the first page */
    int limit;
};

/* Adds a token. expires_at_us is 0 for a token that never expires. */
enum result tokens_insert(struct scope *s, int64_t user_id, int64_t role_id, const char *name,
                          const char *token_hash, const char *token_prefix, int credential_version,
                          int64_t expires_at_us, int64_t *id);

/*
 * Returns a token as the API shows it: id, name, token_prefix, status,
 * user {id, display_name}, role {id, name}, created_at, last_used_at,
 * expires_at and revoked_at. Never the hash. RESULT_NOT_FOUND when none.
 */
enum result tokens_json(struct scope *s, int64_t id, json_t **out);

/* Returns up to f->limit tokens, newest first, as tokens_json() shows them. */
enum result tokens_list(struct scope *s, const struct tokens_filter *f, json_t **out);

/*
 * Revokes a token. *hash receives the hash of a token revoked now, for deleting
 * its cache entry, or NULL when it was revoked before. RESULT_NOT_FOUND when no
 * such token.
 */
enum result tokens_revoke(struct scope *s, int64_t id, char **hash);

/* Returns the hashes of the live tokens holding a role, in an arena array. */
enum result tokens_hashes_by_role(struct scope *s, int64_t role_id, char ***hashes, int *count);

#endif
