/*
 * Access control: custom roles, the rule that an actor hands out only
 * permissions it has, and API tokens that act with a role.
 *
 * The hand-out rule closes a way around the permission checks. Without it a
 * user with users.manage could give themselves the Administrator role, and one
 * with roles.manage could add any permission to their own role. It applies to
 * assigning a role (invitation, role change, token) and to creating or editing
 * a role. It also applies to acting on a user whose role exceeds the actor's
 * (role change, deactivation, password reset), because a reset link would hand
 * over that user's account. Work without an actor, such as provisioning, is
 * not limited.
 */
#ifndef LENDASTACK_DOMAIN_ACCESS_H
#define LENDASTACK_DOMAIN_ACCESS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/json.h"
#include "core/permission.h"
#include "core/result.h"
#include "core/scope.h"

#define ACCESS_TOKEN_SECRET_BYTES 32
#define ACCESS_TOKEN_PREFIX_CHARS 4   /* characters of the secret kept for display */
#define ACCESS_TOKEN_MAX_DAYS 3650

/* True for the built-in Administrator role, whose active holders cannot all go. */
bool access_is_administrator(bool built_in, const char *role_name);

/*
 * Checks the hand-out rule for a role's permissions (JSON text as stored).
 * RESULT_DENIED, with problem "permission_not_held" naming the first permission
 * the actor lacks (or holds for its own records only while the role grants it
 * for all) and a field error on field, when the role exceeds the actor.
 */
enum result access_check_role(struct scope *s, const char *permissions, const char *field);

/*
 * Checks the rules of a permissions object beyond its field table: "own" only on
 * view and update permissions. Adds a field error per broken rule and returns
 * false when there is one.
 */
bool access_permissions_valid(struct problem *p, const json_t *permissions);

/*
 * Creates a custom role in the caller's transaction and audits it.
 * RESULT_CONFLICT (problem "role_name_taken") when another role has the name in
 * any case. RESULT_DENIED when the permissions exceed the actor's.
 */
enum result access_role_create(struct scope *s, const char *name, const char *description,
                               const json_t *permissions, int64_t *id);

/* The holders of a changed role, whose cache entries are deleted after commit. */
struct access_role_changed {
    int version;
    int64_t *user_ids;      /* users holding the role, in an arena array */
    int user_count;
    char **token_hashes;    /* live tokens holding the role, in an arena array */
    int token_count;
};

/*
 * Applies a validated patch (name, description, permissions) to a custom role in
 * the caller's transaction and audits the values before and after.
 * expected_version is the version the client read, or 0 for any.
 * RESULT_NOT_FOUND, RESULT_PRECONDITION_FAILED, RESULT_CONFLICT (a built-in
 * role, or the name is taken) and RESULT_DENIED set the problem.
 */
enum result access_role_update(struct scope *s, int64_t id, int expected_version,
                               const json_t *patch, struct access_role_changed *out);

/*
 * Creates an API token for the actor in the caller's transaction, tied to a role
 * and to the actor's current credential version, and audits it. *token is
 * "lst_<user id>_<secret>", to show once: only the SHA-256 of the secret and the
 * first characters of the token are stored. expires_in_days is 0 for a token
 * that does not expire. RESULT_INVALID (no such role) and RESULT_DENIED set the
 * problem.
 */
enum result access_token_create(struct scope *s, const char *name, int64_t role_id,
                                int64_t expires_in_days, int64_t *id, char **token);

/*
 * Revokes a token in the caller's transaction and audits it. *hash receives the
 * hash to delete from the cache, or NULL when it was revoked before.
 * RESULT_NOT_FOUND when no such token.
 */
enum result access_token_revoke(struct scope *s, int64_t id, char **hash);

#endif
