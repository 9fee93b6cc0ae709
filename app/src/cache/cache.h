/*
 * One Redis connection per worker, over hiredis. Redis is a cache: PostgreSQL
 * holds the truth, and every caller has a path that works without Redis.
 *
 * After a failure the worker leaves Redis alone for retry_ms and every call
 * returns RESULT_UNAVAILABLE at once, so an outage costs no time per request.
 * Deletions that fail are remembered and sent again after reconnecting, so an
 * invalidation is not lost to a short network fault.
 *
 * With Sentinel addresses configured, the worker asks Sentinel for the current
 * primary at every connect and checks the node's role. While connected it asks
 * Sentinel again at most once a second and moves when Sentinel names another node,
 * so it follows a failover even while the old primary still accepts writes. A
 * deletion counts as done only when a replica confirms it (WAIT 1); until then it is
 * sent again, to whichever node is primary, so a failover cannot undo a sign-out or
 * a revoked permission.
 *
 * Every call blocks on the network, bounded by timeout_ms.
 */
#ifndef LENDASTACK_CACHE_CACHE_H
#define LENDASTACK_CACHE_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/result.h"

#define CACHE_DEL_MAX 16 /* keys per cache_del() call */

struct cache;

struct cache *cache_new(const char *address, const char *sentinels, const char *master,
                        long timeout_ms, long retry_ms);
void cache_free(struct cache *c);

/*
 * Sets the credentials: user and password (AUTH) for the data nodes, and the
 * Sentinels' password. NULL or empty strings send no AUTH.
 */
void cache_set_auth(struct cache *c, const char *user, const char *password,
                    const char *sentinel_password);

/* Closes the connection, e.g. before fork. */
void cache_disconnect(struct cache *c);

/*
 * Builds a key of a tenant: "t:<tenant_id>:<suffix>". Every tenant key is built
 * here, so no key can miss its tenant.
 */
char *cache_tenant_key(struct arena *a, int64_t tenant_id, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Gets several keys in one round trip. values[i] is NULL for a missing key.
 * RESULT_UNAVAILABLE when Redis cannot be used now.
 */
enum result cache_mget(struct cache *c, struct arena *a, size_t count, const char *const *keys,
                       char **values, size_t *lengths);

enum result cache_get(struct cache *c, struct arena *a, const char *key, char **value,
                      size_t *length);

/* Sets a value with a time to live in seconds (0 keeps it without expiry). */
enum result cache_set(struct cache *c, const char *key, const char *value, size_t length,
                      long ttl_seconds);

/*
 * Deletes up to CACHE_DEL_MAX keys. A deletion that failed, or that no replica
 * confirmed, is queued and sent again after reconnecting and at every primary
 * check. RESULT_UNAVAILABLE when it failed. After a failed deletion every call
 * returns RESULT_UNAVAILABLE until the queued deletion has been applied, so that
 * nobody reads the entries it removes.
 */
enum result cache_del(struct cache *c, size_t count, const char *const *keys);

/*
 * Runs the periodic work of an idle worker: checks with Sentinel that the connected
 * node is still the primary and sends queued deletions again. Call it about once a
 * second between requests; it returns at once when nothing is due.
 */
void cache_maintain(struct cache *c);

/*
 * Increments a counter, giving it ttl_seconds to live when it is new. *value is the
 * count after the increment and *ttl_left the seconds until it expires.
 */
enum result cache_incr(struct cache *c, const char *key, long ttl_seconds, long long *value,
                       long long *ttl_left);

/* Reads a counter and its remaining seconds to live; a missing key reads as 0. */
enum result cache_peek(struct cache *c, const char *key, long long *value, long long *ttl_left);

/* Increments a key without expiry, e.g. a generation counter. */
enum result cache_bump(struct cache *c, const char *key);

/* Deletes every key starting with prefix (SCAN, then DEL); for tenant removal. */
enum result cache_delete_prefix(struct cache *c, const char *prefix);

/* Returns the round-trip time of PING in microseconds, or -1 when Redis is not usable. */
long cache_ping(struct cache *c);

#endif
