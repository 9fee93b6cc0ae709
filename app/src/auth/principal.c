#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "auth/principal.h"
#include "core/json.h"
#include "core/text.h"

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

/*
 * The user entry is one line of fields separated by single spaces: "U1", then
 * active (0 or 1), credential version, role id, and the granted and own-only
 * masks in decimal. The role name, email and display name follow, each as
 * "<bytes>:<text>" or "-" for none. The line replaced a JSON object whose
 * parsing cost more than the rest of authentication. principal_user_decode()
 * still reads that form, so entries written before an upgrade stay valid.
 */
#define USER_ENTRY_TAG "U1 "

static void
user_entry_put_text(struct buf *b, const char *s)
{
    if (s == NULL)
        buf_puts(b, " -");
    else
        buf_printf(b, " %zu:%s", strlen(s), s);
}

char *
principal_user_encode(struct arena *a, const struct principal_user *u, size_t *len)
{
    struct buf b;

    buf_init(&b, a, 128);
    buf_printf(&b, USER_ENTRY_TAG "%d %d %" PRId64 " %" PRIu64 " %" PRIu64, u->active ? 1 : 0,
               u->credential_version, u->role_id, u->granted, u->own_only);
    user_entry_put_text(&b, u->role_name);
    user_entry_put_text(&b, u->email);
    user_entry_put_text(&b, u->display_name);
    *len = b.len;
    return b.data;
}

/*
 * Reads "<bytes>:<text>" or "-" at *p in copy, ending the text with a NUL in
 * place of its separator.
 */
static bool
user_entry_text(char *copy, const char **p, const char *end, const char **out)
{
    uint64_t n;
    const char *start = *p;

    if (*p < end && **p == '-' && (*p + 1 == end || (*p)[1] == ' ')) {
        *out = NULL;
        *p += *p + 1 < end ? 2 : 1;
        return true;
    }
    for (n = 0; *p < end && **p >= '0' && **p <= '9' && *p - start < 9; (*p)++)
        n = n * 10 + (uint64_t)(**p - '0');
    if (*p == start || *p >= end || **p != ':' || n > (uint64_t)(end - *p - 1))
        return false;
    *out = *p + 1;
    *p += 1 + n;
    if (*p < end && **p != ' ')
        return false;
    copy[*p - copy] = '\0';
    if (*p < end)
        (*p)++;
    return true;
}

static bool
user_entry_decode(struct arena *a, const char *text, size_t len, struct principal_user *out)
{
    char *copy = arena_strndup(a, text, len);
    const char *p = copy + strlen(USER_ENTRY_TAG), *end = copy + len;
    uint64_t active, version, granted, own_only;
    int64_t role;

    if (!text_read_decimal(&p, end, 1, &active) ||
        !text_read_decimal(&p, end, INT32_MAX, &version) ||
        !text_read_integer(&p, end, INT64_MIN, INT64_MAX, &role) ||
        !text_read_decimal(&p, end, UINT64_MAX, &granted) ||
        !text_read_decimal(&p, end, UINT64_MAX, &own_only) ||
        !user_entry_text(copy, &p, end, &out->role_name) ||
        !user_entry_text(copy, &p, end, &out->email) ||
        !user_entry_text(copy, &p, end, &out->display_name) || p != end)
        return false;
    out->active = active == 1;
    out->credential_version = (int)version;
    out->role_id = role;
    out->granted = granted;
    out->own_only = own_only;
    return out->role_name != NULL && out->email != NULL && out->display_name != NULL;
}

/* Reads the JSON form that workers wrote before the line form. */
static bool
user_entry_decode_json(struct arena *a, const char *text, size_t len,
                       struct principal_user *out)
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

bool
principal_user_decode(struct arena *a, const char *text, size_t len, struct principal_user *out)
{
    if (len >= strlen(USER_ENTRY_TAG) && memcmp(text, USER_ENTRY_TAG, strlen(USER_ENTRY_TAG)) == 0)
        return user_entry_decode(a, text, len, out);
    return user_entry_decode_json(a, text, len, out);
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
