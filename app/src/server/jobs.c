#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "cache/cache.h"
#include "core/config.h"
#include "core/crypto.h"
#include "core/json.h"
#include "core/log.h"
#include "db/db.h"
#include "domain/jobs.h"
#include "server/jobs.h"
#include "server/master.h"
#include "tenant/tenant.h"

#define JOBS_IDLE_WAIT_MS 5000    /* maximum sleep without a notification */
#define JOBS_ATTEMPTS_MAX 5       /* claims after a lost runner before a job is given up */
#define JOBS_SLICE_MS 2000        /* steps of one job before it goes back to the queue */

struct claimed_job {
    int64_t id;
    int64_t tenant_id;
    char kind[64];
    int64_t ref_id;
    int attempts;
};

static volatile sig_atomic_t jobs_stopping;
static int jobs_wake[2] = {-1, -1};

/*
 * A job whose runner has not reported for two minutes is taken over: the runner
 * died or lost its connection, and steps are safe to repeat. The job that ran
 * least recently goes first, so one tenant's long import takes turns with the
 * jobs of others instead of holding every runner.
 */
static struct sql job_claim = SQL_STATEMENT(
    "UPDATE control.jobs SET state = 'running', attempts = attempts + 1, runner = $1,"
    " heartbeat_at = now()"
    " WHERE id = (SELECT id FROM control.jobs WHERE state = 'queued'"
    " OR (state = 'running' AND heartbeat_at < now() - interval '2 minutes')"
    " ORDER BY coalesce(heartbeat_at, created_at), id FOR UPDATE SKIP LOCKED LIMIT 1)"
    " RETURNING id, tenant_id, kind, ref_id, attempts");
static struct sql job_heartbeat = SQL_STATEMENT(
    "UPDATE control.jobs SET heartbeat_at = now() WHERE id = $1");
static struct sql job_finish = SQL_STATEMENT(
    "UPDATE control.jobs SET state = $2, finished_at = now(), last_error = $3 WHERE id = $1");
/* A job handed back on purpose starts its count of lost runners again. */
static struct sql job_requeue = SQL_STATEMENT(
    "UPDATE control.jobs SET state = 'queued', runner = NULL, attempts = 0 WHERE id = $1");
static struct sql job_wake = SQL_STATEMENT("SELECT pg_notify('" JOBS_CHANNEL "', '')");

static void
jobs_on_stop(int signo)
{
    int saved = errno;
    ssize_t ignored;

    (void)signo;
    jobs_stopping = 1;
    ignored = write(jobs_wake[1], "x", 1);
    (void)ignored;
    errno = saved;
}

static int64_t
jobs_now_us(void)
{
    struct timeval tv;

    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

/* Sleeps until a notification arrives, a stop is asked for, or the timeout passes. */
static void
jobs_wait(struct db *db, int timeout_ms)
{
    PGconn *conn = db_conn(db);
    struct pollfd pfds[2] = {{jobs_wake[0], POLLIN, 0}, {-1, POLLIN, 0}};
    PGnotify *n;

    if (conn != NULL && PQstatus(conn) == CONNECTION_OK)
        pfds[1].fd = PQsocket(conn);
    if (poll(pfds, pfds[1].fd >= 0 ? 2 : 1, timeout_ms) > 0 && pfds[1].fd >= 0 &&
        (pfds[1].revents & POLLIN)) {
        PQconsumeInput(conn);
        while ((n = PQnotifies(conn)) != NULL)
            PQfreemem(n);
    }
}

static enum result
jobs_claim(struct db *db, struct arena *a, const char *runner, struct claimed_job *job)
{
    struct db_params p;
    PGresult *res;
    enum result r;

    db_params_init(&p, a);
    db_param_text(&p, runner);
    if ((r = db_query(db, NULL, &job_claim, &p, &res)) != RESULT_OK)
        return r;
    if (PQntuples(res) == 0) {
        PQclear(res);
        return RESULT_NOT_FOUND;
    }
    job->id = db_value_int(res, 0, 0);
    job->tenant_id = db_value_int(res, 0, 1);
    snprintf(job->kind, sizeof(job->kind), "%s", db_value(res, 0, 2));
    job->ref_id = db_value_int(res, 0, 3);
    job->attempts = (int)db_value_int(res, 0, 4);
    PQclear(res);
    return RESULT_OK;
}

static void
jobs_set(struct db *db, struct arena *a, struct sql *q, int64_t id, const char *state, const char *error)
{
    struct db_params p;

    db_params_init(&p, a);
    db_param_int(&p, id);
    if (state != NULL) {
        db_param_text(&p, state);
        db_param_text(&p, error);
    }
    if (db_query(db, NULL, q, &p, NULL) != RESULT_OK)
        log_warn("job_update_failed", "job_id=%lld error=%s", (long long)id, db_error_message(db));
}

/* Runs one claimed job step by step until it ends or the runner is asked to stop. */
static void
jobs_execute(struct db *db, struct cache *cache, struct arena *a, const struct claimed_job *job)
{
    const struct job_kind *kind = job_kind_find(job->kind);
    struct tenant tenant;
    struct problem problem;
    struct scope s;
    struct timespec t0, t1;
    unsigned steps = 0;
    enum result r;

    if (kind == NULL) {
        jobs_set(db, a, &job_finish, job->id, "failed", "this server does not know the job kind");
        log_error("job_failed", "job_id=%lld kind=%s error=\"unknown kind\"", (long long)job->id, job->kind);
        return;
    }
    if (job->attempts > JOBS_ATTEMPTS_MAX) {
        jobs_set(db, a, &job_finish, job->id, "failed", "given up after repeated interruptions");
        log_error("job_failed", "job_id=%lld kind=%s attempts=%d", (long long)job->id, job->kind,
                  job->attempts);
        return;
    }
    r = tenant_load_by_id(db, job->tenant_id, &tenant);
    if (r == RESULT_NOT_FOUND || (r == RESULT_OK && tenant.status == TENANT_DELETED)) {
        jobs_set(db, a, &job_finish, job->id, "failed", "the tenant no longer exists");
        return;
    }
    if (r != RESULT_OK) {
        jobs_set(db, a, &job_requeue, job->id, NULL, NULL);
        return;
    }

    log_set_request(NULL, tenant.slug);
    log_info("job_started", "job_id=%lld kind=%s ref_id=%lld attempt=%d", (long long)job->id,
             job->kind, (long long)job->ref_id, job->attempts);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        enum job_step step;

        memset(&s, 0, sizeof(s));
        problem_init(&problem, a);
        s.arena = a;
        s.db = db;
        s.cache = cache;
        s.tenant = &tenant;
        s.now_us = jobs_now_us();
        s.problem = &problem;
        step = kind->step(&s, job->ref_id);
        if (db_in_transaction(db))
            db_rollback(db);
        arena_reset(a);
        steps++;

        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (step == JOB_MORE && !jobs_stopping &&
            (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 < JOBS_SLICE_MS) {
            jobs_set(db, a, &job_heartbeat, job->id, NULL, NULL);
            continue;
        }
        if (step == JOB_DONE || step == JOB_FAILED) {
            jobs_set(db, a, &job_finish, job->id, step == JOB_DONE ? "done" : "failed",
                     step == JOB_FAILED ? "the job reported a failure; see its record" : NULL);
            log_info(step == JOB_DONE ? "job_finished" : "job_failed",
                     "job_id=%lld kind=%s steps=%u duration_ms=%.1f", (long long)job->id, job->kind,
                     steps, (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
        } else {
            /* Its turn is over, the runner is stopping, or PostgreSQL is unavailable:
             * requeue the job for the next runner and wake the other runners. */
            jobs_set(db, a, &job_requeue, job->id, NULL, NULL);
            db_query(db, NULL, &job_wake, NULL, NULL);
            log_debug("job_paused", "job_id=%lld kind=%s steps=%u", (long long)job->id, job->kind, steps);
            if (step == JOB_RETRY)
                jobs_wait(db, 1000);
        }
        break;
    }
    log_clear_request();
}

int
jobs_run(void)
{
    struct sigaction sa;
    struct arena arena;
    struct db *db;
    struct cache *cache;
    char runner[128], host[64];
    unsigned long listening_on = 0; /* db_connection_count() when LISTEN succeeded, or 0 */
    ssize_t ignored;

    if (pipe2(jobs_wake, O_CLOEXEC | O_NONBLOCK) != 0)
        return 1;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = jobs_on_stop;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (!crypto_random_init())
        return 1;

    gethostname(host, sizeof(host));
    host[sizeof(host) - 1] = '\0';
    snprintf(runner, sizeof(runner), "%s:%ld", host, (long)getpid());
    db = db_new(config.pg_conninfo, config.pg_pooler, config.pg_statement_timeout_ms,
                config.pg_recycle_tenants, config.pg_recycle_requests);
    cache = cache_new(config.redis, config.redis_sentinels, config.redis_master,
                      config.redis_timeout_ms, config.redis_retry_ms);
    cache_set_auth(cache, config.redis_user, config.redis_password, config.redis_sentinel_password);
    arena_init(&arena, 64 * 1024);
    json_use_arena(&arena);
    ignored = write(WORKER_READY_FD, "r", 1);
    (void)ignored;
    close(WORKER_READY_FD);
    log_info("job_runner_started", "runner=%s", runner);

    while (!jobs_stopping) {
        struct claimed_job job;
        enum result r;

        /*
         * A pooler cannot hold LISTEN across transactions; then the wait is a poll.
         * Any call may have reconnected, and a new connection listens to nothing.
         */
        if (!config.pg_pooler &&
            (listening_on == 0 || !db_connected(db) || listening_on != db_connection_count(db))) {
            listening_on = 0;
            if (db_exec(db, "LISTEN " JOBS_CHANNEL) == RESULT_OK)
                listening_on = db_connection_count(db);
        }
        r = jobs_claim(db, &arena, runner, &job);
        arena_reset(&arena);
        if (r == RESULT_OK) {
            jobs_execute(db, cache, &arena, &job);
            arena_reset(&arena);
            continue;
        }
        jobs_wait(db, r == RESULT_NOT_FOUND ? JOBS_IDLE_WAIT_MS : 1000);
    }
    log_info("job_runner_stopped", "runner=%s", runner);
    db_free(db);
    cache_free(cache);
    json_use_arena(NULL);
    arena_destroy(&arena);
    return 0;
}
