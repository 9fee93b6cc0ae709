#include <errno.h>
#include <fcgiapp.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cache/cache.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/crypto.h"
#include "core/json.h"
#include "core/log.h"
#include "db/db.h"
#include "server/dispatch.h"
#include "server/master.h"
#include "server/worker.h"

#define REQUEST_ARENA_CHUNK (64 * 1024)
#define WORKER_IDLE_TICK_MS 1000 /* how often an idle worker runs cache_maintain() */

static volatile sig_atomic_t worker_stopping;
static int worker_wake[2] = {-1, -1};

static void
worker_on_stop(int signo)
{
    int saved = errno;
    ssize_t ignored;

    (void)signo;
    worker_stopping = 1;
    ignored = write(worker_wake[1], "x", 1);
    (void)ignored;
    errno = saved;
}

static void
worker_install_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = worker_on_stop;
    /* Restarting keeps a request in progress intact; the wake pipe ends the wait. */
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/*
 * Waits until a connection is pending or a stop was asked for. While idle it keeps
 * the Redis connection current, so a worker without requests still follows a
 * failover and sends its queued deletions.
 */
static bool
worker_wait_for_connection(struct cache *cache)
{
    struct pollfd pfds[2] = {
        {WORKER_LISTEN_FD, POLLIN, 0},
        {worker_wake[0], POLLIN, 0},
    };

    while (!worker_stopping) {
        int n = poll(pfds, 2, WORKER_IDLE_TICK_MS);

        if (n < 0 && errno != EINTR)
            return false;
        if (n == 0) {
            cache_maintain(cache);
            continue;
        }
        if (n > 0 && (pfds[1].revents & POLLIN))
            return false;
        if (n > 0 && (pfds[0].revents & POLLIN))
            return true;
    }
    return false;
}

static void
worker_report_ready(void)
{
    ssize_t ignored = write(WORKER_READY_FD, "r", 1);

    (void)ignored;
    close(WORKER_READY_FD);
}

int
worker_run(void)
{
    FCGX_Request fr;
    struct arena arena;
    struct db *db;
    struct cache *cache;
    unsigned long served = 0;

    if (pipe2(worker_wake, O_CLOEXEC | O_NONBLOCK) != 0)
        return 1;
    worker_install_signals();
    if (!crypto_random_init()) {
        log_error("random_init_failed", "");
        return 1;
    }
    if (config.fcgi_allow != NULL && *config.fcgi_allow != '\0')
        setenv("FCGI_WEB_SERVER_ADDRS", config.fcgi_allow, 1);
    if (FCGX_Init() != 0 || FCGX_InitRequest(&fr, WORKER_LISTEN_FD, FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
        log_error("fastcgi_init_failed", "");
        return 1;
    }

    db = db_new(config.pg_conninfo, config.pg_pooler, config.pg_statement_timeout_ms,
                config.pg_recycle_tenants, config.pg_recycle_requests);
    cache = cache_new(config.redis, config.redis_sentinels, config.redis_master,
                      config.redis_timeout_ms, config.redis_retry_ms);
    cache_set_auth(cache, config.redis_user, config.redis_password, config.redis_sentinel_password);
    arena_init(&arena, REQUEST_ARENA_CHUNK);
    json_use_arena(&arena);
    dispatch_init();
    worker_report_ready();

    while (worker_wait_for_connection(cache)) {
        int rc = FCGX_Accept_r(&fr);

        if (rc < 0) {
            /* Another worker took the connection, or a stop signal interrupted accept. */
            if (rc != -EAGAIN && rc != -EWOULDBLOCK && rc != -EINTR)
                log_warn("accept_failed", "error=%s", strerror(-rc));
            continue;
        }
        dispatch_request(&fr, &arena, db, cache);
        FCGX_Finish_r(&fr);
        arena_reset(&arena);
        served++;
    }

    log_info("worker_stopped", "served=%lu", served);
    db_free(db);
    cache_free(cache);
    json_use_arena(NULL);
    arena_destroy(&arena);
    return 0;
}
