#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "auth/principal.h"
#include "core/json.h"

#define USER_ENTRY_TTL 300 /* seconds; changes delete the entry at once */

void
principal_parse_permissions(const char *json_text, uint64_t *granted, uint64_t *own_only)
{
    json_t *o = json_text != NULL ? json_loads(json_text, 0, NULL) : NULL;
    const char *name;
    json_t *value;

    *granted = 0;
    *own_only = 0;
    if (!json_is_object(o))
        return;
    json_object_foreach(o, name, value) {
        enum permission p;
        const char *scope = json_string_value(value);

        if (!permission_parse(name, &p) || scope == NULL)
            continue;
        if (strcmp(scope, "all") == 0) {
            *granted |= UINT64_C(1) << p;
        } else if (strcmp(scope, "own") == 0) {
            *granted |= UINT64_C(1) << p;
            /* Only view and update permissions know "own"; others need "all". */
            if (permission_is_scoped(p))
                *own_only |= UINT64_C(1) << p;
            else
                *granted &= ~(UINT64_C(1) << p);
        }
    }
}

void
principal_from_user_row(const struct user_row *row, struct principal_user *out)
{
    out->active = strcmp(row->status, "active") == 0;
    out->credential_version = row->credential_version;
    out->role_id = row->role_id;
    out->role_name = row->role_name;
    out->email = row->email;
    out->display_name = row->display_name;
    principal_parse_permissions(row->permissions, &out->granted, &out->own_only);
}

char *
principal_user_encode(struct arena *a, const struct principal_user *u, size_t *len)
{
    struct arena *previous = json_use_arena(a);
    json_t *o = json_object();
    char *text;

    json_object_set_new(o, "a", json_boolean(u->active));
    json_object_set_new(o, "cv", json_integer(u->credential_version));
    json_object_set_new(o, "rid", json_integer(u->role_id));
    json_object_set_new(o, "rn", json_string(u->role_name));
    json_object_set_new(o, "g", json_string(arena_printf(a, "%" PRIu64, u->granted)));
    json_object_set_new(o, "o", json_string(arena_printf(a, "%" PRIu64, u->own_only)));
    json_object_set_new(o, "e", json_string(u->email));
    json_object_set_new(o, "n", json_string(u->display_name));
    text = json_dump(o, len);
    json_use_arena(previous);
    return text;
}

bool
principal_user_decode(struct arena *a, const char *text, size_t len, struct principal_user *out)
{
    struct arena *previous = json_use_arena(a);
    json_t *o = json_parse(text, len, NULL);
    bool ok = false;

    if (json_is_object(o) && json_str(o, "g") != NULL && json_str(o, "o") != NULL &&
        json_str(o, "e") != NULL) {
        out->active = json_is_true(json_object_get(o, "a"));
        out->credential_version = (int)json_int(o, "cv", -1);
        out->role_id = json_int(o, "rid", 0);
        out->role_name = json_str(o, "rn");
        out->granted = strtoull(json_str(o, "g"), NULL, 10);
        out->own_only = strtoull(json_str(o, "o"), NULL, 10);
        out->email = json_str(o, "e");
        out->display_name = json_str(o, "n");
        ok = out->credential_version >= 0 && out->role_name != NULL && out->display_name != NULL;
    }
    json_use_arena(previous);
    return ok;
}

char *
principal_user_key(struct scope *s, int64_t user_id)
{
    return cache_tenant_key(s->arena, s->tenant->id, "user:%" PRId64, user_id);
}

enum result
principal_user_get(struct scope *s, int64_t user_id, const char *cached, size_t cached_len,
                   struct principal_user *out)
{
    struct user_row row;
    enum result r;
    char *text;
    size_t len;

    if (cached != NULL && principal_user_decode(s->arena, cached, cached_len, out))
        return RESULT_OK;
    if ((r = identity_user_by_id(s, user_id, &row)) != RESULT_OK)
        return r;
    principal_from_user_row(&row, out);
    if (s->cache != NULL) {
        text = principal_user_encode(s->arena, out, &len);
        cache_set(s->cache, principal_user_key(s, user_id), text, len, USER_ENTRY_TTL);
    }
    return RESULT_OK;
}

void
principal_forget_users(struct scope *s, const int64_t *user_ids, size_t count)
{
    if (s->cache == NULL)
        return;
    for (size_t i = 0; i < count; i++) {
        const char *key = principal_user_key(s, user_ids[i]);

        cache_del(s->cache, 1, &key);
    }
}

json_t *
principal_permissions_json(uint64_t granted, uint64_t own_only)
{
    json_t *list = json_array();

    for (int p = 0; p < PERM_COUNT; p++) {
        json_t *item;

        if (!((granted >> p) & 1u))
            continue;
        item = json_object();
        json_object_set_new(item, "name", json_string(permission_name((enum permission)p)));
        json_object_set_new(item, "scope", json_string(((own_only >> p) & 1u) ? "own" : "all"));
        json_array_append_new(list, item);
    }
    return list;
}
