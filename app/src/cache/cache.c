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

struct cache {
    char *address;
    char *master;
    char *sentinels[CACHE_SENTINELS_MAX];
    size_t sentinel_count;
    long timeout_ms;
    long retry_ms;

    redisContext *ctx;
    struct timespec down_until;  /* no attempt before this time */
    char *pending[CACHE_PENDING_MAX];
    size_t pending_count;
    bool pending_overflow;
};

static struct log_limit cache_failure_limit;

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

void
cache_disconnect(struct cache *c)
{
    if (c->ctx != NULL)
        redisFree(c->ctx);
    c->ctx = NULL;
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
    free(c);
}

static struct timeval
cache_timeval(long ms)
{
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};

    return tv;
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

static redisContext *
cache_open(const char *address, long timeout_ms)
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
    return ctx;
}

/* Asks each Sentinel in turn for the primary's address. */
static bool
cache_ask_sentinels(struct cache *c, char *address, size_t size)
{
    for (size_t i = 0; i < c->sentinel_count; i++) {
        redisContext *s = cache_open(c->sentinels[i], c->timeout_ms);
        redisReply *reply;
        bool found = false;

        if (s == NULL)
            continue;
        reply = redisCommand(s, "SENTINEL get-master-addr-by-name %s", c->master);
        if (reply != NULL && reply->type == REDIS_REPLY_ARRAY && reply->elements == 2 &&
            reply->element[0]->type == REDIS_REPLY_STRING &&
            reply->element[1]->type == REDIS_REPLY_STRING) {
            snprintf(address, size, "%s:%s", reply->element[0]->str, reply->element[1]->str);
            found = true;
        }
        if (reply != NULL)
            freeReplyObject(reply);
        redisFree(s);
        if (found)
            return true;
    }
    return false;
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

static void cache_flush_pending(struct cache *c);

/* Makes sure a usable connection exists; false while Redis is considered down. */
static bool
cache_ready(struct cache *c)
{
    struct timespec now;
    char address[300];

    if (c->ctx != NULL)
        return true;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (now.tv_sec < c->down_until.tv_sec ||
        (now.tv_sec == c->down_until.tv_sec && now.tv_nsec < c->down_until.tv_nsec))
        return false;

    if (c->sentinel_count > 0) {
        if (!cache_ask_sentinels(c, address, sizeof(address))) {
            cache_fail(c, "sentinel");
            return false;
        }
    } else {
        snprintf(address, sizeof(address), "%s", c->address);
    }
    c->ctx = cache_open(address, c->timeout_ms);
    if (c->ctx == NULL) {
        cache_fail(c, "connect");
        return false;
    }
    if (c->sentinel_count > 0 && !cache_is_primary(c->ctx)) {
        cache_fail(c, "role");
        return false;
    }
    log_debug("redis_connected", "address=%s", address);
    cache_flush_pending(c);
    return c->ctx != NULL;
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
        /* A read-only replica after a failover answers with an error: look again. */
        if (strncmp(reply->str, "READONLY", 8) == 0)
            cache_fail(c, "readonly");
        else
            log_warn("redis_error", "during=%s error=%s", what, reply->str);
        freeReplyObject(reply);
        return NULL;
    }
    return reply;
}

char *
cache_tenant_key(struct arena *a, int64_t tenant_id, const char *fmt, ...)
{
    struct buf b;
    va_list ap;
    char *suffix;

    va_start(ap, fmt);
    suffix = arena_vprintf(a, fmt, ap);
    va_end(ap);
    buf_init(&b, a, strlen(suffix) + 32);
    buf_printf(&b, "t:%" PRId64 ":%s", tenant_id, suffix);
    return b.data;
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

static void
cache_queue_pending(struct cache *c, const char *key)
{
    if (c->pending_count == CACHE_PENDING_MAX) {
        if (!c->pending_overflow)
            log_error("redis_invalidation_dropped",
                      "pending=%d detail=\"cache entries may stay stale until their TTL ends\"",
                      CACHE_PENDING_MAX);
        c->pending_overflow = true;
        return;
    }
    c->pending[c->pending_count++] = cache_strdup(key);
}

static void
cache_flush_pending(struct cache *c)
{
    while (c->pending_count > 0 && c->ctx != NULL) {
        const char *argv[2] = {"DEL", c->pending[c->pending_count - 1]};
        redisReply *reply = redisCommandArgv(c->ctx, 2, argv, NULL);

        if (reply == NULL) {
            cache_fail(c, "pending_del");
            return;
        }
        freeReplyObject(reply);
        free(c->pending[--c->pending_count]);
    }
    c->pending_overflow = false;
}

enum result
cache_del(struct cache *c, size_t count, const char *const *keys)
{
    const char *argv[17];
    redisReply *reply;

    if (count == 0 || count >= sizeof(argv) / sizeof(argv[0]))
        return RESULT_INTERNAL;
    argv[0] = "DEL";
    for (size_t i = 0; i < count; i++)
        argv[i + 1] = keys[i];
    reply = cache_command_argv(c, "del", (int)count + 1, argv, NULL);
    if (reply == NULL) {
        for (size_t i = 0; i < count; i++)
            cache_queue_pending(c, keys[i]);
        return RESULT_UNAVAILABLE;
    }
    freeReplyObject(reply);
    return RESULT_OK;
}

enum result
cache_incr(struct cache *c, const char *key, long ttl_seconds, long long *value,
           long long *ttl_left)
{
    redisReply *reply;
    char ttl[32];
    bool ok;

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
        if (reply->type == REDIS_REPLY_ERROR)
            ok = false;
        else if (i == 0)
            *value = reply->integer;
        else if (i == 2)
            *ttl_left = reply->integer;
        freeReplyObject(reply);
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
        for (size_t i = 0; i < reply->element[1]->elements; i++) {
            const char *key = reply->element[1]->element[i]->str;

            cache_del(c, 1, &key);
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
