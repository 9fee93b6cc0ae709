/*
 * Building the actor of a request from a user (or token) and its role, and the
 * compact JSON form of both that Redis caches.
 */
#ifndef LENDASTACK_AUTH_PRINCIPAL_H
#define LENDASTACK_AUTH_PRINCIPAL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/permission.h"
#include "core/scope.h"
#include "store/identity.h"

/* What Redis holds per user: enough to check a session and build an actor. */
struct principal_user {
    bool active;
    int credential_version;
    int64_t role_id;
    const char *role_name;
    uint64_t granted;
    uint64_t own_only;
    const char *email;
    const char *display_name;
};

/*
 * Parses a role's permissions ({"customers.view": "all", "cases.update": "own"})
 * into bit masks. Unknown names and values are ignored: a role can only lose
 * access through them, never gain it.
 */
void principal_parse_permissions(const char *json_text, uint64_t *granted, uint64_t *own_only);

void principal_from_user_row(const struct user_row *row, struct principal_user *out);

char *principal_user_encode(struct arena *a, const struct principal_user *u, size_t *len);
bool principal_user_decode(struct arena *a, const char *text, size_t len, struct principal_user *out);

/* Returns the cache key of a user's entry. */
char *principal_user_key(struct scope *s, int64_t user_id);

/*
 * Returns the user's cache entry from Redis when cached is not NULL, else from
 * PostgreSQL, storing it in Redis for next time. RESULT_NOT_FOUND for no user.
 */
enum result principal_user_get(struct scope *s, int64_t user_id, const char *cached,
                               size_t cached_len, struct principal_user *out);

/*
 * Deletes the cached entries of users so their next request reads PostgreSQL:
 * after a change of status, role, password or a role's permissions.
 */
void principal_forget_users(struct scope *s, const int64_t *user_ids, size_t count);

/* Returns {"name": "customers.view", "scope": "all"} for every permission held. */
json_t *principal_permissions_json(uint64_t granted, uint64_t own_only);

#endif
