/*
 * SQL for roles: named sets of permissions that users and API tokens hold. Every
 * function runs in the scope's tenant schema and blocks on PostgreSQL. Strings in
 * returned rows live in the scope's arena.
 */
#ifndef LENDASTACK_STORE_ROLES_H
#define LENDASTACK_STORE_ROLES_H

#include <stdbool.h>
#include <stdint.h>

#include "core/json.h"
#include "core/result.h"
#include "core/scope.h"

struct role_row {
    int64_t id;
    const char *name;
    const char *description;
    bool built_in;
    const char *permissions; /* JSON text: {"customers.view": "all", ...} */
    int version;
};

/*
 * Reads a role. With lock, it also locks the row for update inside the caller's
 * transaction. RESULT_NOT_FOUND when no such role.
 */
enum result roles_get(struct scope *s, int64_t id, bool lock, struct role_row *out);

/*
 * Returns a role as the API shows it: id, name, description, built_in,
 * permissions, version, user_count (users not deactivated), created_at and
 * updated_at. RESULT_NOT_FOUND when no such role.
 */
enum result roles_json(struct scope *s, int64_t id, json_t **out);

/* Returns every role, built-in ones first, then by name, as roles_json() shows it. */
enum result roles_list(struct scope *s, json_t **out);

/* Adds a custom role. RESULT_CONFLICT when another role has the name (any case). */
enum result roles_insert(struct scope *s, const char *name, const char *description,
                         const json_t *permissions, int64_t *id);

/*
 * Writes a role's name, description and permissions and raises its version,
 * returned in *version. RESULT_CONFLICT when another role has the name.
 */
enum result roles_update(struct scope *s, int64_t id, const char *name, const char *description,
                         const json_t *permissions, int *version);

/* Returns the ids of every user holding a role, in an arena array. */
enum result roles_user_ids(struct scope *s, int64_t role_id, int64_t **ids, int *count);

#endif
