#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "auth/session.h"
#include "core/config.h"
#include "core/crypto.h"
#include "core/json.h"
#include "core/text.h"
#include "domain/settings.h"
#include "store/identity.h"

bool
session_cookie_parse(const char *value, int64_t *user_id, const char **secret)
{
    int64_t id = 0;
    const char *p = value;

    if (value == NULL)
        return false;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (id > INT64_MAX / 10 - 10)
            return false;
        id = id * 10 + (*p - '0');
    }
    if (p == value || *p != '.' || id <= 0)
        return false;
    p++;
    if (strlen(p) < 40 || strlen(p) > 64 || strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != strlen(p))
        return false;
    *user_id = id;
    *secret = p;
    return true;
}

char *
session_csrf_token(struct arena *a, const char *secret)
{
    uint8_t mac[CRYPTO_SHA256_LEN];
    static const char label[] = "lendastack csrf token";

    crypto_hmac_sha256(secret, strlen(secret), label, sizeof(label) - 1, mac);
    return crypto_base64url_encode(a, mac, sizeof(mac));
}

char *
session_key(struct scope *s, const char *kind, const char *hash)
{
    return cache_tenant_key(s->arena, s->tenant->id, "%s:%s", kind, hash);
}

char *
session_entry_encode(struct arena *a, const struct session_entry *e, size_t *len)
{
    char *text = arena_printf(a, "%" PRId64 " %" PRId64 " %d %" PRId64 " %" PRId64 " %" PRId64,
                              e->session_id, e->user_id, e->credential_version, e->expires_at,
                              e->idle_seconds, e->seen_at);

    *len = strlen(text);
    return text;
}

bool
session_entry_decode(struct arena *a, const char *text, size_t len, struct session_entry *e)
{
    const char *p = text, *end = text + len;
    int64_t sid, uid, cv, exp, idle, seen;

    (void)a; /* the entry is read in place */
    if (!text_read_integer(&p, end, INT64_MIN, INT64_MAX, &sid) ||
        !text_read_integer(&p, end, INT64_MIN, INT64_MAX, &uid) ||
        !text_read_integer(&p, end, INT_MIN, INT_MAX, &cv) ||
        !text_read_integer(&p, end, INT64_MIN, INT64_MAX, &exp) ||
        !text_read_integer(&p, end, INT64_MIN, INT64_MAX, &idle) ||
        !text_read_integer(&p, end, INT64_MIN, INT64_MAX, &seen) || p != end ||
        end[-1] == ' ')
        return false;
    e->session_id = sid;
    e->user_id = uid;
    e->credential_version = (int)cv;
    e->expires_at = exp;
    e->idle_seconds = idle;
    e->seen_at = seen;
    return true;
}

void
session_cache_put(struct scope *s, const char *hash, const struct session_entry *e)
{
    int64_t now = s->now_us / 1000000;
    int64_t ttl = e->idle_seconds;
    size_t len;
    char *text;

    if (s->cache == NULL)
        return;
    if (e->expires_at - now < ttl)
        ttl = e->expires_at - now;
    if (ttl <= 0)
        return;
    text = session_entry_encode(s->arena, e, &len);
    cache_set(s->cache, session_key(s, "sess", hash), text, len, ttl);
}

enum result
session_start(struct scope *s, int64_t user_id, int credential_version, const char *user_agent,
              char **cookie_value, char **csrf_token, char **hash, struct session_entry *entry)
{
    struct settings settings;
    char *secret = crypto_random_token(s->arena, SESSION_SECRET_BYTES);
    int64_t now = s->now_us / 1000000;
    int64_t session_id;
    enum result r;

    if (secret == NULL)
        return RESULT_INTERNAL;
    if ((r = settings_load(s, &settings)) != RESULT_OK)
        return r;
    entry->user_id = user_id;
    entry->credential_version = credential_version;
    entry->idle_seconds = settings_int(&settings, SETTING_SESSION_IDLE_MINUTES) * 60;
    entry->expires_at = now + settings_int(&settings, SETTING_SESSION_LIFETIME_HOURS) * 3600;
    entry->seen_at = now;
    *hash = crypto_sha256_hex(s->arena, secret);
    r = identity_session_insert(s, user_id, *hash, credential_version,
                                entry->expires_at * 1000000, user_agent, &session_id);
    if (r != RESULT_OK)
        return r;
    entry->session_id = session_id;
    *cookie_value = arena_printf(s->arena, "%" PRId64 ".%s", user_id, secret);
    *csrf_token = session_csrf_token(s->arena, secret);
    return RESULT_OK;
}

char *
session_cookie_header(struct arena *a, const char *value, int64_t max_age_seconds)
{
    const char *secure = config.env == CONFIG_ENV_PRODUCTION ? "; Secure" : "";

    /* No Domain attribute: the cookie stays on the tenant's own host name. */
    return arena_printf(a, "%s=%s; Path=/; Max-Age=%" PRId64 "; HttpOnly; SameSite=Lax%s",
                        SESSION_COOKIE, value, max_age_seconds, secure);
}

void
session_forget(struct scope *s, char **hashes, int count)
{
    if (s->cache == NULL)
        return;
    for (int i = 0; i < count; i++) {
        const char *key = session_key(s, "sess", hashes[i]);

        cache_del(s->cache, 1, &key);
    }
}
