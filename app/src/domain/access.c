#include <inttypes.h>
#include <string.h>

#include "auth/auth.h"
#include "core/crypto.h"
#include "domain/access.h"
#include "store/audit.h"
#include "store/identity.h"
#include "store/roles.h"
#include "store/tokens.h"

bool
access_is_administrator(bool built_in, const char *role_name)
{
    return built_in && role_name != NULL && strcmp(role_name, "Administrator") == 0;
}

/*
 * Reads a permissions object into masks as the authentication path does.
 * Unknown names and values grant nothing, and "own" counts only on view and
 * update permissions.
 */
static void
access_masks(const json_t *permissions, uint64_t *granted, uint64_t *own_only)
{
    const char *name;
    json_t *value;

    *granted = 0;
    *own_only = 0;
    json_object_foreach((json_t *)permissions, name, value) {
        const char *scope = json_string_value(value);
        enum permission p;

        if (!permission_parse(name, &p) || scope == NULL)
            continue;
        if (strcmp(scope, "all") == 0) {
            *granted |= UINT64_C(1) << p;
        } else if (strcmp(scope, "own") == 0 && permission_is_scoped(p)) {
            *granted |= UINT64_C(1) << p;
            *own_only |= UINT64_C(1) << p;
        }
    }
}

static enum result
access_check_masks(struct scope *s, uint64_t granted, uint64_t own_only, const char *field)
{
    const struct actor *a = s->actor;

    if (a == NULL)
        return RESULT_OK;
    for (int i = 0; i < PERM_COUNT; i++) {
        enum permission p = (enum permission)i;
        bool grants = (granted >> p) & 1u;
        bool grants_all = grants && !((own_only >> p) & 1u);

        if (!grants || (actor_can(a, p) && (!grants_all || actor_sees_all(a, p))))
            continue;
        problem_set(s->problem, "permission_not_held", "Permission not held",
                    "The role grants %s%s, which your own role does not; you can only hand out "
                    "permissions you hold.",
                    permission_name(p), actor_can(a, p) ? " for all records" : "");
        problem_extra(s->problem, "permission", json_string(permission_name(p)));
        if (field != NULL)
            problem_field(s->problem, field, "not_held", "Grants %s beyond your own permissions.",
                          permission_name(p));
        return RESULT_DENIED;
    }
    return RESULT_OK;
}

enum result
access_check_role(struct scope *s, const char *permissions, const char *field)
{
    json_t *object = permissions != NULL ? json_loads(permissions, 0, NULL) : NULL;
    uint64_t granted, own_only;

    if (!json_is_object(object))
        return RESULT_INTERNAL;
    access_masks(object, &granted, &own_only);
    return access_check_masks(s, granted, own_only, field);
}

bool
access_permissions_valid(struct problem *p, const json_t *permissions)
{
    const char *name;
    json_t *value;
    bool ok = true;

    json_object_foreach((json_t *)permissions, name, value) {
        enum permission perm;

        if (!permission_parse(name, &perm) || !json_is_string(value))
            continue; /* the field table reports these */
        if (strcmp(json_string_value(value), "own") == 0 && !permission_is_scoped(perm)) {
            problem_field(p, arena_printf(p->arena, "permissions.%s", name), "choice",
                          "Only view and update permissions can be limited to own records; "
                          "use \"all\".");
            ok = false;
        }
    }
    return ok;
}

static enum result
access_name_taken(struct scope *s, const char *name)
{
    problem_set(s->problem, "role_name_taken", "Role name in use",
                "A role called %s exists already; role names are compared without case.", name);
    problem_field(s->problem, "name", "unique", "Another role has this name.");
    return RESULT_CONFLICT;
}

enum result
access_role_create(struct scope *s, const char *name, const char *description,
                   const json_t *permissions, int64_t *id)
{
    uint64_t granted, own_only;
    json_t *details;
    enum result r;

    access_masks(permissions, &granted, &own_only);
    if ((r = access_check_masks(s, granted, own_only, "permissions")) != RESULT_OK)
        return r;
    r = roles_insert(s, name, description != NULL ? description : "", permissions, id);
    if (r == RESULT_CONFLICT)
        return access_name_taken(s, name);
    if (r != RESULT_OK)
        return r;
    details = json_object();
    json_object_set_new(details, "name", json_string(name));
    json_object_set_new(details, "description", json_string(description != NULL ? description : ""));
    json_object_set_new(details, "permissions", json_deep_copy(permissions));
    return audit_record(s, "role.created", "role", arena_printf(s->arena, "%" PRId64, *id), details);
}

/* Adds key's old and new value to the audit details when they differ. */
static void
access_diff(json_t *before, json_t *after, const char *key, json_t *old_value, json_t *new_value)
{
    if (json_equal(old_value, new_value))
        return;
    json_object_set_new(before, key, old_value);
    json_object_set_new(after, key, new_value);
}

static enum result
access_built_in(struct scope *s, const struct role_row *role, const json_t *patch)
{
    const char *key;
    json_t *value;

    problem_set(s->problem, "built_in_role", "Built-in role",
                "%s is a built-in role and cannot be changed; create a custom role instead.",
                role->name);
    json_object_foreach((json_t *)patch, key, value)
        problem_field(s->problem, key, "read_only", "Built-in roles cannot be changed.");
    if (json_object_size(patch) == 0)
        problem_field(s->problem, "id", "read_only", "Built-in roles cannot be changed.");
    return RESULT_CONFLICT;
}

enum result
access_role_update(struct scope *s, int64_t id, int expected_version, const json_t *patch,
                   struct access_role_changed *out)
{
    struct role_row role;
    const char *name, *description;
    json_t *old_permissions, *permissions, *before, *after, *details;
    uint64_t granted, own_only;
    enum result r;

    memset(out, 0, sizeof(*out));
    if ((r = roles_get(s, id, true, &role)) == RESULT_NOT_FOUND) {
        problem_field(s->problem, "id", "exists", "No role has this id.");
        return r;
    }
    if (r != RESULT_OK)
        return r;
    if (role.built_in)
        return access_built_in(s, &role, patch);
    if (expected_version != 0 && expected_version != role.version) {
        problem_set(s->problem, "version_mismatch", "Version mismatch",
                    "The role changed since you read it; it is at version %d now. Read it again.",
                    role.version);
        problem_field(s->problem, "If-Match", "current", "Must name version %d.", role.version);
        return RESULT_PRECONDITION_FAILED;
    }
    if ((r = access_check_role(s, role.permissions, "id")) != RESULT_OK)
        return r;

    old_permissions = json_loads(role.permissions, 0, NULL);
    permissions = json_object_get(patch, "permissions");
    if (permissions != NULL) {
        access_masks(permissions, &granted, &own_only);
        if ((r = access_check_masks(s, granted, own_only, "permissions")) != RESULT_OK)
            return r;
    } else {
        permissions = old_permissions;
    }
    name = json_str(patch, "name") != NULL ? json_str(patch, "name") : role.name;
    description = role.description;
    if (json_object_get(patch, "description") != NULL)
        description = json_str(patch, "description") != NULL ? json_str(patch, "description") : "";

    before = json_object();
    after = json_object();
    access_diff(before, after, "name", json_string(role.name), json_string(name));
    access_diff(before, after, "description", json_string(role.description), json_string(description));
    access_diff(before, after, "permissions", old_permissions, json_deep_copy(permissions));
    if (json_object_size(after) == 0) {
        out->version = role.version; /* nothing to change */
        return RESULT_OK;
    }
    r = roles_update(s, id, name, description, permissions, &out->version);
    if (r == RESULT_CONFLICT)
        return access_name_taken(s, name);
    if (r != RESULT_OK)
        return r;

    details = json_object();
    json_object_set_new(details, "before", before);
    json_object_set_new(details, "after", after);
    if ((r = audit_record(s, "role.updated", "role", arena_printf(s->arena, "%" PRId64, id),
                          details)) != RESULT_OK)
        return r;

    /* Cached entries carry the role's name and permissions, so every holder is read again. */
    if ((r = roles_user_ids(s, id, &out->user_ids, &out->user_count)) != RESULT_OK)
        return r;
    return tokens_hashes_by_role(s, id, &out->token_hashes, &out->token_count);
}

enum result
access_token_create(struct scope *s, const char *name, int64_t role_id, int64_t expires_in_days,
                    int64_t *id, char **token)
{
    const struct actor *a = s->actor;
    struct role_row role;
    struct user_row user;
    char *secret, *prefix;
    int64_t expires_at_us = 0;
    json_t *details;
    enum result r;

    if ((r = roles_get(s, role_id, false, &role)) == RESULT_NOT_FOUND) {
        problem_field(s->problem, "role_id", "exists", "No role has this id.");
        return RESULT_INVALID;
    }
    if (r != RESULT_OK)
        return r;
    if ((r = access_check_role(s, role.permissions, "role_id")) != RESULT_OK)
        return r;
    /* The token carries the owner's credential version, so a password change ends it. */
    if ((r = identity_user_by_id(s, a->user_id, &user)) != RESULT_OK)
        return r == RESULT_NOT_FOUND ? RESULT_INTERNAL : r;

    if ((secret = crypto_random_token(s->arena, ACCESS_TOKEN_SECRET_BYTES)) == NULL)
        return RESULT_INTERNAL;
    *token = arena_printf(s->arena, TOKEN_PREFIX "%" PRId64 "_%s", user.id, secret);
    prefix = arena_printf(s->arena, TOKEN_PREFIX "%" PRId64 "_%.*s", user.id,
                          ACCESS_TOKEN_PREFIX_CHARS, secret);
    if (expires_in_days > 0)
        expires_at_us = s->now_us + expires_in_days * 86400 * INT64_C(1000000);
    r = tokens_insert(s, user.id, role.id, name, crypto_sha256_hex(s->arena, secret), prefix,
                      user.credential_version, expires_at_us, id);
    if (r != RESULT_OK)
        return r;

    details = json_object();
    json_object_set_new(details, "name", json_string(name));
    json_object_set_new(details, "role_id", json_integer(role.id));
    json_object_set_new(details, "token_prefix", json_string(prefix));
    if (expires_in_days > 0)
        json_object_set_new(details, "expires_in_days", json_integer(expires_in_days));
    return audit_record(s, "token.created", "api_token", arena_printf(s->arena, "%" PRId64, *id),
                        details);
}

enum result
access_token_revoke(struct scope *s, int64_t id, char **hash)
{
    enum result r = tokens_revoke(s, id, hash);

    if (r == RESULT_NOT_FOUND)
        problem_field(s->problem, "id", "exists", "No API token has this id.");
    if (r != RESULT_OK || *hash == NULL)
        return r;
    return audit_record(s, "token.revoked", "api_token", arena_printf(s->arena, "%" PRId64, id), NULL);
}
