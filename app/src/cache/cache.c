#include <hiredis/hiredis.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cache/cache.h"
#include "core/log.h"

#define CACHE_PENDING_MAX 256
#define CACHE_SENTINELS_MAX 8
#define CACHE_ADDRESS_MAX 300
/* Maximum time between two checks, while connected, that Sentinel still names our node. */
#define CACHE_PRIMARY_CHECK_MS 1000

struct cache {
    char *address;
    char *master;
    char *sentinels[CACHE_SENTINELS_MAX];
    size_t sentinel_count;
    char *user;                       /* ACL user of the data nodes; NULL for the default user */
    char *password;                   /* NULL sends no AUTH to the data nodes */
    char *sentinel_password;          /* NULL sends no AUTH to the Sentinels */
    long timeout_ms;
    long retry_ms;

    redisContext *ctx;
    char primary[CACHE_ADDRESS_MAX];  /* address ctx is connected to, or the last one */
    struct timespec primary_checked;  /* when Sentinel last confirmed that address */
    redisContext *sentinel;           /* kept open between checks */
    size_t sentinel_index;            /* which of sentinels[] it is connected to */
    struct timespec down_until;       /* no attempt before this time */

    /*
     * Deletions that no replica has confirmed yet. They are sent again after every
     * reconnect and at every primary check, and dropped once WAIT reports a replica,
     * so an invalidation survives a failover to that replica.
     */
    char *pending[CACHE_PENDING_MAX];
    size_t pending_count;
    bool pending_overflow;
};

static struct log_limit cache_failure_limit;
static struct log_limit cache_auth_limit;
static struct log_limit cache_unconfirmed_limit;

static char *
cache_strdup(const char *s)
{
    char *copy = strdup(s);

    if (copy == NULL)
        abort();
    return copy;
}

struct cache *
cache_new(const char *address, const char *sentinels, const char *master, long timeout_ms,
          long retry_ms)
{
    struct cache *c = calloc(1, sizeof(*c));
    char *list, *save = NULL;

    if (c == NULL)
        abort();
    c->address = cache_strdup(address);
    c->master = cache_strdup(master);
    c->timeout_ms = timeout_ms;
    c->retry_ms = retry_ms;

    list = cache_strdup(sentinels != NULL ? sentinels : "");
    for (char *tok = strtok_r(list, ", ", &save); tok != NULL && c->sentinel_count < CACHE_SENTINELS_MAX;
         tok = strtok_r(NULL, ", ", &save))
        c->sentinels[c->sentinel_count++] = cache_strdup(tok);
    free(list);
    return c;
}

static char *
cache_strdup_nonempty(const char *s)
{
    return s != NULL && s[0] != '\0' ? cache_strdup(s) : NULL;
}

void
cache_set_auth(struct cache *c, const char *user, const char *password,
               const char *sentinel_password)
{
    free(c->user);
    free(c->password);
    free(c->sentinel_password);
    c->user = cache_strdup_nonempty(user);
    c->password = cache_strdup_nonempty(password);
    c->sentinel_password = cache_strdup_nonempty(sentinel_password);
    cache_disconnect(c);
}

void
cache_disconnect(struct cache *c)
{
    if (c->ctx != NULL)
        redisFree(c->ctx);
    c->ctx = NULL;
    if (c->sentinel != NULL)
        redisFree(c->sentinel);
    c->sentinel = NULL;
}

void
cache_free(struct cache *c)
{
    if (c == NULL)
        return;
    cache_disconnect(c);
    for (size_t i = 0; i < c->sentinel_count; i++)
        free(c->sentinels[i]);
    for (size_t i = 0; i < c->pending_count; i++)
        free(c->pending[i]);
    free(c->address);
    free(c->master);
    free(c->user);
    free(c->password);
    free(c->sentinel_password);
    free(c);
}

static struct timeval
cache_timeval(long ms)
{
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};

    return tv;
}

static long
cache_elapsed_ms(const struct timespec *since)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - since->tv_sec) * 1000L + (now.tv_nsec - since->tv_nsec) / 1000000L;
}

/* Splits "HOST:PORT"; returns false when the port is missing or invalid. */
static bool
cache_split_address(const char *address, char *host, size_t host_size, int *port)
{
    const char *colon = strrchr(address, ':');
    char *end;
    long n;

    if (colon == NULL || (size_t)(colon - address) >= host_size)
        return false;
    n = strtol(colon + 1, &end, 10);
    if (*end != '\0' || n <= 0 || n > 65535)
        return false;
    memcpy(host, address, (size_t)(colon - address));
    host[colon - address] = '\0';
    *port = (int)n;
    return true;
}

/*
 * Sends AUTH with the user (when set) and password. A refusal is logged without
 * the password; the caller treats the node as unavailable.
 */
static bool
cache_auth(redisContext *ctx, const char *address, const char *user, const char *password)
{
    const char *argv[3] = {"AUTH", user, password};
    redisReply *reply;
    bool ok;
    unsigned long suppressed;

    if (user == NULL) {
        argv[1] = password;
        reply = redisCommandArgv(ctx, 2, argv, NULL);
    } else {
        reply = redisCommandArgv(ctx, 3, argv, NULL);
    }
    ok = reply != NULL && reply->type == REDIS_REPLY_STATUS;
    if (!ok && log_limit_allow(&cache_auth_limit, 5, &suppressed))
        log_warn("redis_auth_failed", "address=%s user=%s error=%s suppressed=%lu", address,
                 user != NULL ? user : "default",
                 reply != NULL && reply->type == REDIS_REPLY_ERROR ? reply->str : ctx->errstr,
                 suppressed);
    if (reply != NULL)
        freeReplyObject(reply);
    return ok;
}

/* Connects to a node and authenticates when a password is given. */
static redisContext *
cache_open(const char *address, long timeout_ms, const char *user, const char *password)
{
    struct timeval tv = cache_timeval(timeout_ms);
    redisContext *ctx;
    char host[256];
    int port;

    if (strncmp(address, "unix:", 5) == 0) {
        ctx = redisConnectUnixWithTimeout(address + 5, tv);
    } else {
        if (!cache_split_address(address, host, sizeof(host), &port))
            return NULL;
        ctx = redisConnectWithTimeout(host, port, tv);
    }
    if (ctx == NULL)
        return NULL;
    /* The connect timeout does not bound commands: set the command timeout too. */
    if (ctx->err != 0 || redisSetTimeout(ctx, tv) != REDIS_OK) {
        redisFree(ctx);
        return NULL;
    }
    if (password != NULL && !cache_auth(ctx, address, user, password)) {
        redisFree(ctx);
        return NULL;
    }
    return ctx;
}

/*
 * Asks one Sentinel for the primary's address over c->sentinel, which it opens
 * when needed. Returns false, with the connection closed, when that Sentinel does
 * not respond or does not know the primary.
 */
static bool
cache_ask_sentinel(struct cache *c, size_t index, char *address, size_t size)
{
    redisReply *reply;
    bool found = false;

    if (c->sentinel != NULL && c->sentinel_index != index) {
        redisFree(c->sentinel);
        c->sentinel = NULL;
    }
    if (c->sentinel == NULL) {
        c->sentinel = cache_open(c->sentinels[index], c->timeout_ms, NULL, c->sentinel_password);
        c->sentinel_index = index;
        if (c->sentinel == NULL)
            return false;
    }
    reply = redisCommand(c->sentinel, "SENTINEL get-master-addr-by-name %s", c->master);
    if (reply != NULL && reply->type == REDIS_REPLY_ARRAY && reply->elements == 2 &&
        reply->element[0]->type == REDIS_REPLY_STRING &&
        reply->element[1]->type == REDIS_REPLY_STRING) {
        snprintf(address, size, "%s:%s", reply->element[0]->str, reply->element[1]->str);
        found = true;
    }
    if (reply != NULL)
        freeReplyObject(reply);
    if (!found) {
        redisFree(c->sentinel);
        c->sentinel = NULL;
    }
    return found;
}

/* Returns true when the node reports itself as a primary. */
static bool
cache_is_primary(redisContext *ctx)
{
    redisReply *reply = redisCommand(ctx, "ROLE");
    bool primary = reply != NULL && reply->type == REDIS_REPLY_ARRAY && reply->elements > 0 &&
                   reply->element[0]->type == REDIS_REPLY_STRING &&
                   strcmp(reply->element[0]->str, "master") == 0;

    if (reply != NULL)
        freeReplyObject(reply);
    return primary;
}

static void
cache_fail(struct cache *c, const char *what)
{
    unsigned long suppressed;
    const char *error = c->ctx != NULL && c->ctx->err != 0 ? c->ctx->errstr : "connection failed";

    if (log_limit_allow(&cache_failure_limit, 5, &suppressed))
        log_warn("redis_unavailable", "during=%s error=%s retry_ms=%ld suppressed=%lu", what,
                 error, c->retry_ms, suppressed);
    cache_disconnect(c);
    clock_gettime(CLOCK_MONOTONIC, &c->down_until);
    c->down_until.tv_sec += c->retry_ms / 1000;
    c->down_until.tv_nsec += (c->retry_ms % 1000) * 1000000L;
    if (c->down_until.tv_nsec >= 1000000000L) {
        c->down_until.tv_sec++;
        c->down_until.tv_nsec -= 1000000000L;
    }
}

/* Notes that the connected node is not, or no longer, the primary; the next call looks again. */
static void
cache_lost_primary(struct cache *c, const char *what)
{
    log_warn("redis_primary_lost", "address=%s during=%s", c->primary, what);
    cache_disconnect(c);
}

static bool cache_flush_pending(struct cache *c);

/*
 * Connects to the primary: through Sentinel when configured, trying each Sentinel
 * until one names a node that confirms with ROLE that it is the primary, because a
 * Sentinel that has not yet seen a failover still names the old primary.
 */
static bool
cache_connect(struct cache *c)
{
    char address[CACHE_ADDRESS_MAX];
    bool named = false;

    if (c->sentinel_count == 0) {
        c->ctx = cache_open(c->address, c->timeout_ms, c->user, c->password);
        if (c->ctx == NULL) {
            cache_fail(c, "connect");
            return false;
        }
        snprintf(c->primary, sizeof(c->primary), "%s", c->address);
        return cache_flush_pending(c);
    }

    for (size_t i = 0; i < c->sentinel_count && c->ctx == NULL; i++) {
        /* Start with the Sentinel that answered last time. */
        size_t index = (c->sentinel_index + i) % c->sentinel_count;

        if (!cache_ask_sentinel(c, index, address, sizeof(address)))
            continue;
        named = true;
        c->ctx = cache_open(address, c->timeout_ms, c->user, c->password);
        if (c->ctx != NULL && !cache_is_primary(c->ctx)) {
            log_warn("redis_not_primary", "address=%s sentinel=%s", address, c->sentinels[index]);
            redisFree(c->ctx);
            c->ctx = NULL;
        }
    }
    if (c->ctx == NULL) {
        cache_fail(c, named ? "role" : "sentinel");
        return false;
    }
    if (c->primary[0] != '\0' && strcmp(c->primary, address) != 0)
        log_info("redis_primary_changed", "from=%s to=%s pending=%zu", c->primary, address,
                 c->pending_count);
    snprintf(c->primary, sizeof(c->primary), "%s", address);
    clock_gettime(CLOCK_MONOTONIC, &c->primary_checked);
    log_debug("redis_connected", "address=%s", address);
    return cache_flush_pending(c);
}

/*
 * Checks, at most once per CACHE_PRIMARY_CHECK_MS, that Sentinel still names the
 * node this worker is connected to. Redis keeps a demoted primary's connections
 * open until Sentinel reconfigures it, which took about ten seconds after SENTINEL
 * FAILOVER with Redis 7.0, and everything written to it meanwhile is lost. When no
 * Sentinel answers, the node's own ROLE decides.
 */
static void
cache_check_primary(struct cache *c)
{
    char address[CACHE_ADDRESS_MAX];

    if (c->sentinel_count == 0 || c->ctx == NULL ||
        cache_elapsed_ms(&c->primary_checked) < CACHE_PRIMARY_CHECK_MS)
        return;
    clock_gettime(CLOCK_MONOTONIC, &c->primary_checked);
    for (size_t i = 0; i < c->sentinel_count; i++) {
        size_t index = (c->sentinel_index + i) % c->sentinel_count;

        if (!cache_ask_sentinel(c, index, address, sizeof(address)))
            continue;
        if (strcmp(address, c->primary) != 0)
            cache_lost_primary(c, "sentinel_check");
        else if (c->pending_count > 0)
            cache_flush_pending(c);
        return;
    }
    if (!cache_is_primary(c->ctx))
        cache_lost_primary(c, "role_check");
    else if (c->pending_count > 0)
        cache_flush_pending(c);
}

/* Makes sure a usable connection exists; false while Redis is considered down. */
static bool
cache_ready(struct cache *c)
{
    struct timespec now;

    if (c->ctx != NULL) {
        cache_check_primary(c);
        if (c->ctx != NULL)
            return true;
    }
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (now.tv_sec < c->down_until.tv_sec ||
        (now.tv_sec == c->down_until.tv_sec && now.tv_nsec < c->down_until.tv_nsec))
        return false;
    return cache_connect(c);
}

/*
 * Handles an error reply. READONLY means the node became a replica: the next call
 * looks for the primary again. Returns false so that callers treat it as a failure.
 */
static bool
cache_error_reply(struct cache *c, const char *what, const redisReply *reply)
{
    if (strncmp(reply->str, "READONLY", 8) == 0)
        cache_lost_primary(c, what);
    else
        log_warn("redis_error", "during=%s error=%s", what, reply->str);
    return false;
}

static redisReply *
cache_command_argv(struct cache *c, const char *what, int argc, const char **argv,
                   const size_t *lengths)
{
    redisReply *reply;

    if (!cache_ready(c))
        return NULL;
    reply = redisCommandArgv(c->ctx, argc, argv, lengths);
    if (reply == NULL) {
        cache_fail(c, what);
        return NULL;
    }
    if (reply->type == REDIS_REPLY_ERROR) {
        cache_error_reply(c, what, reply);
        freeReplyObject(reply);
        return NULL;
    }
    return reply;
}

char *
cache_tenant_key(struct arena *a, int64_t tenant_id, const char *fmt, ...)
{
    char prefix[32], suffix[256];
    char *digits = prefix + sizeof(prefix), *key;
    uint64_t id = tenant_id < 0 ? 0 - (uint64_t)tenant_id : (uint64_t)tenant_id;
    size_t prefix_len;
    va_list ap;
    int n;

    /* "t:<tenant_id>:" with the id printed by hand; the suffix is formatted once. */
    *--digits = ':';
    do {
        *--digits = (char)('0' + id % 10);
        id /= 10;
    } while (id != 0);
    if (tenant_id < 0)
        *--digits = '-';
    *--digits = ':';
    *--digits = 't';
    prefix_len = (size_t)(prefix + sizeof(prefix) - digits);

    va_start(ap, fmt);
    n = vsnprintf(suffix, sizeof(suffix), fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    if ((size_t)n >= sizeof(suffix)) {
        char *long_suffix;

        va_start(ap, fmt);
        long_suffix = arena_vprintf(a, fmt, ap);
        va_end(ap);
        return arena_printf(a, "%.*s%s", (int)prefix_len, digits, long_suffix);
    }
    key = arena_alloc(a, prefix_len + (size_t)n + 1);
    memcpy(key, digits, prefix_len);
    memcpy(key + prefix_len, suffix, (size_t)n + 1);
    return key;
}

enum result
cache_mget(struct cache *c, struct arena *a, size_t count, const char *const *keys, char **values,
           size_t *lengths)
{
    const char *argv[16];
    redisReply *reply;

    if (count == 0 || count >= sizeof(argv) / sizeof(argv[0]))
        return RESULT_INTERNAL;
    argv[0] = "MGET";
    for (size_t i = 0; i < count; i++)
        argv[i + 1] = keys[i];
    reply = cache_command_argv(c, "mget", (int)count + 1, argv, NULL);
    if (reply == NULL)
        return RESULT_UNAVAILABLE;
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != count) {
        freeReplyObject(reply);
        return RESULT_INTERNAL;
    }
    for (size_t i = 0; i < count; i++) {
        redisReply *e = reply->element[i];

        if (e->type == REDIS_REPLY_STRING) {
            values[i] = arena_strndup(a, e->str, e->len);
            if (lengths != NULL)
                lengths[i] = e->len;
        } else {
            values[i] = NULL;
            if (lengths != NULL)
                lengths[i] = 0;
        }
    }
    freeReplyObject(reply);
    return RESULT_OK;
}

enum result
cache_get(struct cache *c, struct arena *a, const char *key, char **value, size_t *length)
{
    enum result r = cache_mget(c, a, 1, &key, value, length);

    if (r == RESULT_OK && *value == NULL)
        return RESULT_NOT_FOUND;
    return r;
}

enum result
cache_set(struct cache *c, const char *key, const char *value, size_t length, long ttl_seconds)
{
    char ttl[32];
    const char *argv[5] = {"SET", key, value, "EX", ttl};
    size_t lengths[5] = {3, strlen(key), length, 2, 0};
    redisReply *reply;

    snprintf(ttl, sizeof(ttl), "%ld", ttl_seconds);
    lengths[4] = strlen(ttl);
    reply = cache_command_argv(c, "set", ttl_seconds > 0 ? 5 : 3, argv, lengths);
    if (reply == NULL)
        return RESULT_UNAVAILABLE;
    freeReplyObject(reply);
    return RESULT_OK;
}

/* Queues a key whose deletion is not confirmed; the oldest goes when the queue is full. */
static void
cache_queue_pending(struct cache *c, const char *key)
{
    for (size_t i = 0; i < c->pending_count; i++) {
        if (strcmp(c->pending[i], key) == 0)
            return;
    }
    if (c->pending_count == CACHE_PENDING_MAX) {
        if (!c->pending_overflow)
            log_error("redis_invalidation_dropped",
                      "pending=%d detail=\"the oldest cache entry may stay stale until its TTL ends\"",
                      CACHE_PENDING_MAX);
        c->pending_overflow = true;
        free(c->pending[0]);
        memmove(c->pending, c->pending + 1, (CACHE_PENDING_MAX - 1) * sizeof(c->pending[0]));
        c->pending_count--;
    }
    c->pending[c->pending_count++] = cache_strdup(key);
}

/*
 * Deletes keys on the connected node. With Sentinel it also sends WAIT 1 in the same
 * round trip, because a deletion that reached only the primary is lost when a
 * replica takes over, and a lost deletion brings back a revoked session or a stale
 * permission. Returns -1 when the deletion failed (the connection is then closed),
 * 0 when the primary applied it but no replica confirmed it in time, 1 when done.
 */
static int
cache_delete_keys(struct cache *c, size_t count, const char *const *keys)
{
    const char **argv = malloc((count + 1) * sizeof(*argv));
    long wait_ms = c->timeout_ms / 2 > 0 ? c->timeout_ms / 2 : 1;
    redisReply *reply = NULL;
    int done = -1;

    if (argv == NULL)
        abort();
    argv[0] = "DEL";
    memcpy(argv + 1, keys, count * sizeof(*argv));
    redisAppendCommandArgv(c->ctx, (int)count + 1, argv, NULL);
    free(argv);
    if (c->sentinel_count > 0)
        redisAppendCommand(c->ctx, "WAIT 1 %ld", wait_ms);

    if (redisGetReply(c->ctx, (void **)&reply) != REDIS_OK || reply == NULL) {
        cache_fail(c, "del");
        return -1;
    }
    if (reply->type == REDIS_REPLY_ERROR) {
        /* A deletion that did not happen must keep readers off Redis until it does. */
        cache_error_reply(c, "del", reply);
        freeReplyObject(reply);
        if (c->ctx != NULL)
            cache_fail(c, "del");
        return -1;
    }
    freeReplyObject(reply);
    if (c->sentinel_count == 0)
        return 1;

    reply = NULL;
    if (redisGetReply(c->ctx, (void **)&reply) != REDIS_OK || reply == NULL) {
        cache_fail(c, "wait");
        return -1;
    }
    if (reply->type == REDIS_REPLY_INTEGER)
        done = reply->integer >= 1 ? 1 : 0;
    else
        done = 0;
    freeReplyObject(reply);
    return done;
}

static void
cache_log_unconfirmed(struct cache *c)
{
    unsigned long suppressed;

    if (log_limit_allow(&cache_unconfirmed_limit, 5, &suppressed))
        log_warn("redis_delete_unconfirmed",
                 "address=%s pending=%zu suppressed=%lu detail=\"no replica confirmed the deletion; it is sent again until one does\"",
                 c->primary, c->pending_count, suppressed);
}

/*
 * Sends the queued deletions again. Returns false, with the connection closed,
 * when they could not be applied, so that no reader sees entries they remove.
 */
static bool
cache_flush_pending(struct cache *c)
{
    int done;

    if (c->pending_count == 0)
        return true;
    done = cache_delete_keys(c, c->pending_count, (const char *const *)c->pending);
    if (done < 0)
        return false;
    if (done == 0) {
        cache_log_unconfirmed(c);
        return true;
    }
    for (size_t i = 0; i < c->pending_count; i++)
        free(c->pending[i]);
    c->pending_count = 0;
    c->pending_overflow = false;
    return true;
}

enum result
cache_del(struct cache *c, size_t count, const char *const *keys)
{
    int done;

    if (count == 0 || count > CACHE_DEL_MAX)
        return RESULT_INTERNAL;
    if (!cache_ready(c)) {
        for (size_t i = 0; i < count; i++)
            cache_queue_pending(c, keys[i]);
        return RESULT_UNAVAILABLE;
    }
    done = cache_delete_keys(c, count, keys);
    if (done < 1) {
        for (size_t i = 0; i < count; i++)
            cache_queue_pending(c, keys[i]);
    }
    if (done < 0)
        return RESULT_UNAVAILABLE;
    if (done == 0)
        cache_log_unconfirmed(c);
    return RESULT_OK;
}

void
cache_maintain(struct cache *c)
{
    if (c->ctx != NULL)
        cache_check_primary(c);
    else if (c->pending_count > 0)
        cache_ready(c);
}

enum result
cache_incr(struct cache *c, const char *key, long ttl_seconds, long long *value,
           long long *ttl_left)
{
    redisReply *reply;
    char ttl[32];
    bool ok, readonly = false;

    if (!cache_ready(c))
        return RESULT_UNAVAILABLE;
    snprintf(ttl, sizeof(ttl), "%ld", ttl_seconds);
    /* Pipelined: INCR, EXPIRE NX (Redis 7) and TTL cost one round trip. */
    redisAppendCommand(c->ctx, "INCR %s", key);
    redisAppendCommand(c->ctx, "EXPIRE %s %s NX", key, ttl);
    redisAppendCommand(c->ctx, "TTL %s", key);
    ok = true;
    for (int i = 0; i < 3; i++) {
        if (redisGetReply(c->ctx, (void **)&reply) != REDIS_OK || reply == NULL) {
            cache_fail(c, "incr");
            return RESULT_UNAVAILABLE;
        }
        if (reply->type == REDIS_REPLY_ERROR) {
            if (strncmp(reply->str, "READONLY", 8) == 0)
                readonly = true;
            ok = false;
        } else if (i == 0)
            *value = reply->integer;
        else if (i == 2)
            *ttl_left = reply->integer;
        freeReplyObject(reply);
    }
    if (readonly) {
        /* The node became a replica: the next call looks for the primary again. */
        cache_lost_primary(c, "incr");
        return RESULT_UNAVAILABLE;
    }
    return ok ? RESULT_OK : RESULT_INTERNAL;
}

enum result
cache_peek(struct cache *c, const char *key, long long *value, long long *ttl_left)
{
    redisReply *reply;

    if (!cache_ready(c))
        return RESULT_UNAVAILABLE;
    redisAppendCommand(c->ctx, "GET %s", key);
    redisAppendCommand(c->ctx, "TTL %s", key);
    *value = 0;
    *ttl_left = 0;
    for (int i = 0; i < 2; i++) {
        if (redisGetReply(c->ctx, (void **)&reply) != REDIS_OK || reply == NULL) {
            cache_fail(c, "peek");
            return RESULT_UNAVAILABLE;
        }
        if (i == 0 && reply->type == REDIS_REPLY_STRING)
            *value = strtoll(reply->str, NULL, 10);
        else if (i == 1 && reply->type == REDIS_REPLY_INTEGER)
            *ttl_left = reply->integer;
        freeReplyObject(reply);
    }
    return RESULT_OK;
}

enum result
cache_bump(struct cache *c, const char *key)
{
    const char *argv[2] = {"INCR", key};
    redisReply *reply = cache_command_argv(c, "incr", 2, argv, NULL);

    if (reply == NULL)
        return RESULT_UNAVAILABLE;
    freeReplyObject(reply);
    return RESULT_OK;
}

enum result
cache_delete_prefix(struct cache *c, const char *prefix)
{
    char cursor[32] = "0";
    char pattern[256];

    snprintf(pattern, sizeof(pattern), "%s*", prefix);
    do {
        const char *argv[6] = {"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"};
        redisReply *reply = cache_command_argv(c, "scan", 6, argv, NULL);

        if (reply == NULL)
            return RESULT_UNAVAILABLE;
        if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2) {
            freeReplyObject(reply);
            return RESULT_INTERNAL;
        }
        snprintf(cursor, sizeof(cursor), "%s", reply->element[0]->str);
        for (size_t i = 0; i < reply->element[1]->elements; i += CACHE_DEL_MAX) {
            const char *keys[CACHE_DEL_MAX];
            size_t n = 0;

            while (n < CACHE_DEL_MAX && i + n < reply->element[1]->elements) {
                keys[n] = reply->element[1]->element[i + n]->str;
                n++;
            }
            cache_del(c, n, keys);
        }
        freeReplyObject(reply);
    } while (strcmp(cursor, "0") != 0);
    return RESULT_OK;
}

long
cache_ping(struct cache *c)
{
    struct timespec t0, t1;
    const char *argv[1] = {"PING"};
    redisReply *reply;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    /* A health check ignores the back-off so it sees a recovery at once. */
    c->down_until.tv_sec = 0;
    c->down_until.tv_nsec = 0;
    reply = cache_command_argv(c, "ping", 1, argv, NULL);
    if (reply == NULL)
        return -1;
    freeReplyObject(reply);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (t1.tv_sec - t0.tv_sec) * 1000000L + (t1.tv_nsec - t0.tv_nsec) / 1000;
}
