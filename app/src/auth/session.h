/*
 * Browser sessions. The cookie holds "<user id>.<secret>", where the secret is 32
 * random bytes from the CTR_DRBG in base64url; only the SHA-256 of the secret is
 * stored. The user id only lets one Redis round trip fetch both entries.
 * The CSRF token is an HMAC of the secret, so it needs no storage and changes
 * with every session.
 */
#ifndef LENDASTACK_AUTH_SESSION_H
#define LENDASTACK_AUTH_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/result.h"
#include "core/scope.h"

#define SESSION_COOKIE "ls_session"
#define SESSION_SECRET_BYTES 32
#define SESSION_TOUCH_SECONDS 60 /* how often last-seen times are written */

/* What Redis holds per session. */
struct session_entry {
    int64_t session_id;
    int64_t user_id;
    int credential_version;
    int64_t expires_at;   /* absolute end, seconds since the epoch */
    int64_t idle_seconds;
    int64_t seen_at;      /* last time written to PostgreSQL */
};

/* Splits a cookie value; false when it is not "<digits>.<base64url>". */
bool session_cookie_parse(const char *value, int64_t *user_id, const char **secret);

/* Returns the CSRF token belonging to a session secret. */
char *session_csrf_token(struct arena *a, const char *secret);

/* Returns the cache key of a session or token by its secret's hash. */
char *session_key(struct scope *s, const char *kind, const char *hash);

char *session_entry_encode(struct arena *a, const struct session_entry *e, size_t *len);
bool session_entry_decode(struct arena *a, const char *text, size_t len, struct session_entry *e);

/* Stores a session entry in Redis with the time it has left to live. */
void session_cache_put(struct scope *s, const char *hash, const struct session_entry *e);

/*
 * Starts a session for a user in the caller's transaction: a fresh secret every
 * time, so a session id cannot be fixed in advance. Returns the cookie value and
 * the CSRF token; *entry is what to cache once the transaction commits.
 */
enum result session_start(struct scope *s, int64_t user_id, int credential_version,
                          const char *user_agent, char **cookie_value, char **csrf_token,
                          char **hash, struct session_entry *entry);

/* Returns the Set-Cookie header value for a session, or one that clears it. */
char *session_cookie_header(struct arena *a, const char *value, int64_t max_age_seconds);

/* Deletes the cache entries of sessions by their hashes. */
void session_forget(struct scope *s, char **hashes, int count);

#endif
