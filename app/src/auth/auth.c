#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "auth/principal.h"
#include "auth/session.h"
#include "core/crypto.h"
#include "core/json.h"
#include "domain/settings.h"
#include "http/response.h"
#include "store/identity.h"

#define TOKEN_ENTRY_TTL 300 /* seconds; revocation deletes the entry at once */

/* The Redis values one authenticated request reads together. */
struct auth_lookup {
    char *credential;   /* session or token entry */
    size_t credential_len;
    char *user;
    size_t user_len;
    char *generation;
};

static enum result
auth_unauthenticated(struct request *req, const char *type, const char *detail)
{
    return response_fail(req, RESULT_UNAUTHENTICATED, type, "%s", detail);
}

static void
auth_fetch(struct scope *s, const char *credential_key, int64_t user_id, struct auth_lookup *out)
{
    const char *keys[3] = {credential_key, principal_user_key(s, user_id), TENANT_GENERATION_KEY};
    char *values[3] = {NULL, NULL, NULL};
    size_t lengths[3] = {0, 0, 0};

    memset(out, 0, sizeof(*out));
    if (s->cache == NULL || cache_mget(s->cache, s->arena, 3, keys, values, lengths) != RESULT_OK)
        return;
    out->credential = values[0];
    out->credential_len = lengths[0];
    out->user = values[1];
    out->user_len = lengths[1];
    out->generation = values[2];
}

static void
auth_set_actor(struct request *req, int64_t user_id, const struct principal_user *user,
               uint64_t granted, uint64_t own_only, const char *role_name, int64_t role_id)
{
    struct actor *a = arena_calloc(req->arena, 1, sizeof(*a));

    a->user_id = user_id;
    a->role_id = role_id;
    a->granted = granted;
    a->own_only = own_only;
    a->email = user->email;
    a->display_name = user->display_name;
    a->role_name = role_name;
    req->scope.actor = a;
}

/* Reads a session from PostgreSQL when Redis had none, checking the idle timeout. */
static enum result
auth_session_from_db(struct request *req, const char *hash, struct session_entry *e)
{
    struct scope *s = &req->scope;
    struct session_row row;
    struct settings settings;
    int64_t now = s->now_us / 1000000;
    enum result r;

    r = identity_session_by_hash(s, hash, &row);
    if (r == RESULT_NOT_FOUND)
        return auth_unauthenticated(req, "session_expired", "The session has ended. Sign in again.");
    if (r != RESULT_OK)
        return r;
    if ((r = settings_load(s, &settings)) != RESULT_OK)
        return r;
    e->session_id = row.id;
    e->user_id = row.user_id;
    e->credential_version = row.credential_version;
    e->expires_at = row.expires_at;
    e->idle_seconds = settings_int(&settings, SETTING_SESSION_IDLE_MINUTES) * 60;
    e->seen_at = row.last_seen_at;
    if (now - row.last_seen_at > e->idle_seconds)
        return auth_unauthenticated(req, "session_expired", "The session has ended. Sign in again.");
    session_cache_put(s, hash, e);
    return RESULT_OK;
}

static enum result
auth_session(struct request *req, const char *cookie, const char **generation)
{
    struct scope *s = &req->scope;
    struct session_entry e;
    struct principal_user user;
    struct auth_lookup found;
    const char *secret;
    int64_t user_id, now = s->now_us / 1000000;
    char *hash;
    enum result r;

    if (!session_cookie_parse(cookie, &user_id, &secret))
        return auth_unauthenticated(req, "session_expired", "The session cookie is not valid. Sign in again.");
    hash = crypto_sha256_hex(req->arena, secret);
    auth_fetch(s, session_key(s, "sess", hash), user_id, &found);
    *generation = found.generation;

    if (found.credential == NULL ||
        !session_entry_decode(req->arena, found.credential, found.credential_len, &e)) {
        if ((r = auth_session_from_db(req, hash, &e)) != RESULT_OK)
            return r;
    }
    if (e.user_id != user_id || e.expires_at <= now)
        return auth_unauthenticated(req, "session_expired", "The session has ended. Sign in again.");

    r = principal_user_get(s, user_id, found.user, found.user_len, &user);
    if (r == RESULT_NOT_FOUND)
        return auth_unauthenticated(req, "session_expired", "The session has ended. Sign in again.");
    if (r != RESULT_OK)
        return r;
    if (!user.active || user.credential_version != e.credential_version)
        return auth_unauthenticated(req, "session_expired", "The session has ended. Sign in again.");

    if (now - e.seen_at >= SESSION_TOUCH_SECONDS) {
        /* Sliding idle timeout, written at most once a minute per session. */
        if (identity_session_touch(s, e.session_id) == RESULT_OK) {
            e.seen_at = now;
            session_cache_put(s, hash, &e);
        }
    }
    auth_set_actor(req, user_id, &user, user.granted, user.own_only, user.role_name, user.role_id);
    ((struct actor *)req->scope.actor)->session_id = e.session_id;
    req->session_secret = secret;
    req->session_hash = hash;
    return RESULT_OK;
}

/* Splits "lst_<user id>_<secret>". */
static bool
auth_token_parse(const char *token, int64_t *user_id, const char **secret)
{
    const char *p;
    char *end;
    long long id;

    if (strncmp(token, TOKEN_PREFIX, strlen(TOKEN_PREFIX)) != 0)
        return false;
    p = token + strlen(TOKEN_PREFIX);
    if (*p < '1' || *p > '9')
        return false;
    id = strtoll(p, &end, 10);
    if (*end != '_' || id <= 0 || strlen(end + 1) < 40 || strlen(end + 1) > 64)
        return false;
    *user_id = id;
    *secret = end + 1;
    return true;
}

static char *
auth_token_encode(struct arena *a, const struct token_row *t, uint64_t granted, uint64_t own_only,
                  size_t *len)
{
    struct arena *previous = json_use_arena(a);
    json_t *o = json_object();
    char *text;

    json_object_set_new(o, "id", json_integer(t->id));
    json_object_set_new(o, "uid", json_integer(t->user_id));
    json_object_set_new(o, "cv", json_integer(t->credential_version));
    json_object_set_new(o, "rid", json_integer(t->role_id));
    json_object_set_new(o, "rn", json_string(t->role_name));
    json_object_set_new(o, "g", json_string(arena_printf(a, "%" PRIu64, granted)));
    json_object_set_new(o, "o", json_string(arena_printf(a, "%" PRIu64, own_only)));
    json_object_set_new(o, "exp", json_integer(t->expires_at));
    json_object_set_new(o, "seen", json_integer(t->last_used_at));
    text = json_dump(o, len);
    json_use_arena(previous);
    return text;
}

static bool
auth_token_decode(struct arena *a, const char *text, size_t len, struct token_row *t,
                  uint64_t *granted, uint64_t *own_only)
{
    struct arena *previous = json_use_arena(a);
    json_t *o = json_parse(text, len, NULL);
    bool ok = false;

    if (json_is_object(o) && json_str(o, "g") != NULL && json_str(o, "o") != NULL &&
        json_str(o, "rn") != NULL) {
        t->id = json_int(o, "id", 0);
        t->user_id = json_int(o, "uid", 0);
        t->credential_version = (int)json_int(o, "cv", -1);
        t->role_id = json_int(o, "rid", 0);
        t->role_name = json_str(o, "rn");
        *granted = strtoull(json_str(o, "g"), NULL, 10);
        *own_only = strtoull(json_str(o, "o"), NULL, 10);
        t->expires_at = json_int(o, "exp", 0);
        t->last_used_at = json_int(o, "seen", 0);
        ok = t->id > 0;
    }
    json_use_arena(previous);
    return ok;
}

static enum result
auth_token(struct request *req, const char *token, const char **generation)
{
    struct scope *s = &req->scope;
    struct principal_user user;
    struct auth_lookup found;
    struct token_row t;
    uint64_t granted = 0, own_only = 0;
    int64_t user_id, now = s->now_us / 1000000;
    const char *secret;
    char *hash, *key;
    enum result r;

    if (!auth_token_parse(token, &user_id, &secret))
        return auth_unauthenticated(req, "invalid_token", "The API token is not valid.");
    hash = crypto_sha256_hex(req->arena, secret);
    key = session_key(s, "tok", hash);
    auth_fetch(s, key, user_id, &found);
    *generation = found.generation;

    if (found.credential == NULL ||
        !auth_token_decode(req->arena, found.credential, found.credential_len, &t, &granted, &own_only)) {
        r = identity_token_by_hash(s, hash, &t);
        if (r == RESULT_NOT_FOUND)
            return auth_unauthenticated(req, "invalid_token", "The API token is not valid.");
        if (r != RESULT_OK)
            return r;
        principal_parse_permissions(t.permissions, &granted, &own_only);
        if (s->cache != NULL) {
            size_t len;
            char *text = auth_token_encode(req->arena, &t, granted, own_only, &len);

            cache_set(s->cache, key, text, len, TOKEN_ENTRY_TTL);
        }
    }
    if (t.user_id != user_id || (t.expires_at != 0 && t.expires_at <= now))
        return auth_unauthenticated(req, "invalid_token", "The API token is not valid.");

    r = principal_user_get(s, user_id, found.user, found.user_len, &user);
    if (r == RESULT_NOT_FOUND)
        return auth_unauthenticated(req, "invalid_token", "The API token is not valid.");
    if (r != RESULT_OK)
        return r;
    if (!user.active || user.credential_version != t.credential_version)
        return auth_unauthenticated(req, "invalid_token", "The API token is no longer valid.");

    if (now - t.last_used_at >= SESSION_TOUCH_SECONDS && identity_token_touch(s, t.id) == RESULT_OK &&
        s->cache != NULL) {
        const char *keys[1] = {key};

        cache_del(s->cache, 1, keys);
    }
    /* A token never grants more than its owner's role grants now, so demoting the owner
     * limits their tokens on the next request too. */
    granted &= user.granted;
    own_only = (own_only | user.own_only) & granted;
    auth_set_actor(req, user_id, &user, granted, own_only, t.role_name, t.role_id);
    ((struct actor *)req->scope.actor)->token_id = t.id;
    return RESULT_OK;
}

enum result
auth_authenticate(struct request *req, bool optional, const char **generation)
{
    const char *cookie = request_cookie(req, SESSION_COOKIE);
    enum result r;

    *generation = NULL;
    req->scope.actor = NULL;
    req->session_secret = NULL;
    req->csrf_expected = NULL;
    if (req->authorization != NULL) {
        if (strncasecmp(req->authorization, "Bearer ", 7) != 0)
            return auth_unauthenticated(req, "invalid_token",
                                        "The Authorization header must be \"Bearer <token>\".");
        return auth_token(req, req->authorization + 7, generation);
    }
    if (cookie != NULL) {
        r = auth_session(req, cookie, generation);
        if (r == RESULT_UNAUTHENTICATED && optional) {
            /* A stale cookie on a public route (such as sign-in) is ignored. */
            problem_init(&req->problem, req->arena);
            req->scope.actor = NULL;
            return RESULT_OK;
        }
        return r;
    }
    if (!optional)
        return auth_unauthenticated(req, "authentication_required",
                                    "Sign in, or send an API token, to use this resource.");
    if (req->scope.cache != NULL) {
        char *value = NULL;
        size_t len;

        if (cache_get(req->scope.cache, req->arena, TENANT_GENERATION_KEY, &value, &len) == RESULT_OK)
            *generation = value;
    }
    return RESULT_OK;
}

const char *
auth_csrf_token(struct request *req)
{
    if (req->csrf_expected == NULL && req->session_secret != NULL)
        req->csrf_expected = session_csrf_token(req->arena, req->session_secret);
    return req->csrf_expected;
}

enum result
auth_check_csrf(struct request *req)
{
    const char *expected;

    if (req->scope.actor == NULL || req->scope.actor->token_id != 0 ||
        (expected = auth_csrf_token(req)) == NULL)
        return RESULT_OK;
    if (req->csrf_token == NULL || strlen(req->csrf_token) != strlen(expected) ||
        !crypto_equal(req->csrf_token, expected, strlen(expected)))
        return response_fail(req, RESULT_DENIED, "csrf_token_invalid",
                             "This change needs the X-CSRF-Token header of your session.");
    return RESULT_OK;
}

enum result
auth_require(struct request *req, enum permission p)
{
    if (req->scope.actor == NULL)
        return auth_unauthenticated(req, "authentication_required",
                                    "Sign in, or send an API token, to use this resource.");
    if (actor_can(req->scope.actor, p))
        return RESULT_OK;
    problem_extra(&req->problem, "permission", json_string(permission_name(p)));
    return response_fail(req, RESULT_DENIED, "permission_denied",
                         "This needs the permission %s, which your role does not grant.",
                         permission_name(p));
}
