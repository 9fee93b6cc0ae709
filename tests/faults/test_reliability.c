/*
 * Faults under load: Redis killed, PostgreSQL restarted or out of connections, a
 * worker killed mid-request, a rolling restart with an nginx reload. Each
 * scenario runs the load of tests/support/load.h against its own tenant, then
 * checks that every acknowledged write is stored exactly once and nothing is
 * half-applied, and writes its figures to tests/out/reliability/<scenario>.json.
 */
#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tests/support/harness.h"
#include "tests/support/load.h"

#define PIDS_MAX 64
#define HOLDERS_MAX 400
#define WORKER_KILLS 3

struct scenario {
    struct th_tenant tenant;
    struct th_client admin;
    struct load load;
};

/* Creates the scenario's tenant and starts its load, warmed up by 50 successes. */
static void
scenario_start(struct scenario *s, const char *name, const struct load_config *config)
{
    th_tenant_create(&s->tenant, name, NULL);
    th_client_init(&s->admin, &s->tenant);
    th_login_admin(&s->admin, &s->tenant);
    load_start(&s->load, &s->tenant, &s->admin, name, config);
    cr_assert(load_wait_successes(&s->load, 0, 50, 60000),
              "the load did not reach 50 successful requests before the fault");
}

/* The checks every scenario makes on the tables after its load. */
static void
assert_writes_intact(const struct load_figures *f)
{
    cr_assert(f->writes_acknowledged > 0, "no write was acknowledged, so nothing was checked");
    cr_assert_eq(f->writes_lost, 0, "%ld of %ld acknowledged writes are missing",
                 f->writes_lost, f->writes_acknowledged);
    cr_assert_eq(f->writes_duplicated, 0, "%ld acknowledged writes are stored more than once",
                 f->writes_duplicated);
    cr_assert_eq(f->writes_found, f->writes_acknowledged,
                 "%ld of %ld acknowledged writes are stored with another code",
                 f->writes_acknowledged - f->writes_found, f->writes_acknowledged);
    cr_assert_eq(f->half_applied, 0,
                 "%ld customers of the load lack their audit entry or idempotency key",
                 f->half_applied);
    cr_assert_eq(f->orphans, 0,
                 "%ld audit entries or idempotency keys of the load have no customer",
                 f->orphans);
}

/* Every failure was a 503 with Retry-After: no 500, no 502, no dropped connection. */
static void
assert_failures_are_503(const struct load_figures *f)
{
    cr_assert_eq(
        f->failed_by_status[503], f->failed,
        "%ld of %ld failed requests were not 503 (500: %ld, 502: %ld, no response: %ld)",
        f->failed - f->failed_by_status[503], f->failed, f->failed_by_status[500],
        f->failed_by_status[502], f->failed_by_status[0]);
    cr_assert_eq(f->failed_without_retry_after, 0, "%ld failed requests had no Retry-After",
                 f->failed_without_retry_after);
}

static bool
pid_in(int pid, const int *pids, int n)
{
    for (int i = 0; i < n; i++) {
        if (pids[i] == pid)
            return true;
    }
    return false;
}

/* The workers that serve requests, without the job runners. */
static int
http_worker_pids(int *pids, int max)
{
    int all[PIDS_MAX];
    int n = th_worker_pids(all, PIDS_MAX), count = 0;

    for (int i = 0; i < n && count < max; i++) {
        char path[64], argv[256] = "";
        FILE *f;
        size_t len;

        snprintf(path, sizeof(path), "/proc/%d/cmdline", all[i]);
        if ((f = fopen(path, "r")) == NULL)
            continue;
        len = fread(argv, 1, sizeof(argv) - 1, f);
        fclose(f);
        for (size_t k = 0; k < len; k++)
            argv[k] = argv[k] == '\0' ? ' ' : argv[k];
        argv[len] = '\0';
        if (strstr(argv, "--worker") != NULL)
            pids[count++] = all[i];
    }
    return count;
}

/* Waits until as many workers run as in old and none of old is among them. */
static bool
wait_workers_replaced(const int *old, int n_old, int timeout_ms)
{
    double deadline = th_now_ms() + timeout_ms;

    while (th_now_ms() < deadline) {
        int now[PIDS_MAX], n = http_worker_pids(now, PIDS_MAX);
        bool all_new = n == n_old;

        for (int i = 0; i < n && all_new; i++)
            all_new = !pid_in(now[i], old, n_old);
        if (all_new)
            return true;
        usleep(50000);
    }
    return false;
}

/* Asserts that the same workers run as in before: none died or was replaced. */
static void
assert_same_workers(const int *before, int n_before, const char *when)
{
    int now[PIDS_MAX], n = http_worker_pids(now, PIDS_MAX);

    cr_assert_eq(n, n_before, "%d workers run %s, %d before", n, when, n_before);
    for (int i = 0; i < n; i++)
        cr_assert(pid_in(now[i], before, n_before), "worker %d is new %s: one crashed", now[i],
                  when);
}

static int
read_pid_file(const char *path)
{
    FILE *f = fopen(path, "r");
    int pid = 0;

    cr_assert(f != NULL, "cannot open %s", path);
    cr_assert_eq(fscanf(f, "%d", &pid), 1, "no pid in %s", path);
    fclose(f);
    return pid;
}

static void
restart_redis(void)
{
    th_stack("start redis");
}

Test(reliability, redis_killed_under_load, .timeout = 300, .fini = restart_redis)
{
    struct scenario s;
    struct load_config config = {0};
    struct load_figures f;
    struct th_client fresh;
    struct th_response r;
    double fault_start, fault_end;
    int redis = read_pid_file(th_fmt("%s/run/redis.pid", th_env("LENDASTACK_VAR")));
    bool signed_in;

    scenario_start(&s, "redis-kill", &config);
    fault_start = load_now(&s.load);
    cr_assert_eq(kill(redis, SIGKILL), 0, "cannot kill Redis (pid %d)", redis);
    cr_assert(load_wait_successes(&s.load, fault_start, 200, 60000),
              "the load did not go on without Redis");

    /* Signing in and the new session work without Redis too. */
    th_client_init(&fresh, &s.tenant);
    signed_in = th_login(&fresh, s.tenant.admin_email, s.tenant.admin_password);
    cr_assert(signed_in, "sign-in failed without Redis");
    r = th_request(&fresh, "GET", "/api/v1/auth/me", NULL);
    cr_assert_eq(r.status, 200, "a new session failed without Redis: %s", r.body);
    th_response_free(&r);

    cr_assert_eq(th_stack("start redis"), 0);
    fault_end = load_now(&s.load);
    cr_assert(th_wait_status(NULL, "/readyz", 200, 10000), "readiness did not recover");
    cr_assert(load_wait_successes(&s.load, fault_end, 200, 60000),
              "the load did not go on after Redis came back");
    load_stop(&s.load);

    r = th_request(&fresh, "GET", "/api/v1/auth/me", NULL);
    cr_assert_eq(r.status, 200, "the session made without Redis failed after: %s", r.body);
    th_response_free(&r);
    load_check(&s.load, fault_end, &f);
    load_report(&s.load, "redis_killed",
                "kill -9 of redis-server, then scripts/stack start redis", fault_start,
                fault_end, &f, json_pack("{s:b}", "sign_in_during_fault", signed_in));
    cr_assert_eq(f.failed, 0, "%ld of %ld requests failed while Redis was down", f.failed,
                 f.requests);
    assert_writes_intact(&f);
    load_free(&s.load);
}

Test(reliability, postgres_restarted_under_load, .timeout = 300)
{
    struct scenario s;
    struct load_config config = {0};
    struct load_figures f;
    int before[PIDS_MAX], n_before;
    double fault_start, fault_end;

    scenario_start(&s, "pg-restart", &config);
    n_before = http_worker_pids(before, PIDS_MAX);
    fault_start = load_now(&s.load);
    cr_assert_eq(th_stack("restart postgres"), 0, "scripts/stack restart postgres failed");
    fault_end = load_now(&s.load);
    cr_assert(load_wait_successes(&s.load, fault_end, 200, 90000),
              "the workers did not serve again after PostgreSQL restarted");
    load_stop(&s.load);

    load_check(&s.load, fault_end, &f);
    load_report(&s.load, "postgres_restarted",
                "scripts/stack restart postgres (pg_ctl stop -m fast, start)", fault_start,
                fault_end, &f, NULL);
    assert_failures_are_503(&f);
    assert_writes_intact(&f);
    /* The workers reconnected by themselves: none had to be replaced. */
    assert_same_workers(before, n_before, "after PostgreSQL restarted");
    load_free(&s.load);
}

/*
 * Keeps the pids of candidates that served a request of the tenant slug, by the
 * server's log. nginx sends a tenant to the workers of one group only, and the
 * others sit idle, so only these can be inside one of the load's requests.
 */
static int
tenant_worker_pids(const char *slug, const int *candidates, int n, int *out)
{
    char path[512], needle[96], line[4096];
    FILE *f;
    int count = 0;
    bool served[PIDS_MAX] = {false};

    snprintf(path, sizeof(path), "%s/log/app.log", th_env("LENDASTACK_VAR"));
    snprintf(needle, sizeof(needle), " tenant=%s ", slug);
    f = fopen(path, "r");
    cr_assert(f != NULL, "cannot read %s", path);
    while (fgets(line, sizeof(line), f) != NULL) {
        const char *pid_field = strstr(line, " pid=");

        if (pid_field == NULL || strstr(line, "event=request ") == NULL || strstr(line, needle) == NULL)
            continue;
        for (int i = 0; i < n; i++)
            served[i] = served[i] || strtol(pid_field + 5, NULL, 10) == candidates[i];
    }
    fclose(f);
    for (int i = 0; i < n; i++) {
        if (served[i])
            out[count++] = candidates[i];
    }
    return count;
}

/*
 * Counts the requests to host that nginx passed on to another worker group
 * after the first failed: their access log line lists two upstream addresses.
 */
static long
nginx_retried_requests(const char *host)
{
    char path[512], needle[192], line[4096];
    FILE *f;
    long count = 0;

    snprintf(path, sizeof(path), "%s/log/nginx-access.log", th_env("LENDASTACK_VAR"));
    snprintf(needle, sizeof(needle), "host=\"%s\"", host);
    f = fopen(path, "r");
    cr_assert(f != NULL, "cannot read %s", path);
    while (fgets(line, sizeof(line), f) != NULL) {
        const char *upstream = strstr(line, " upstream_addr=");
        const char *status = strstr(line, " upstream_status=");

        if (strstr(line, needle) != NULL && upstream != NULL && status != NULL &&
            memchr(upstream, ',', (size_t)(status - upstream)) != NULL)
            count++;
    }
    fclose(f);
    return count;
}

/* Counts the server's connections that wait for a lock. */
static long long
app_backends_waiting_for_lock(void)
{
    return th_sql_int("SELECT count(*) FROM pg_stat_activity WHERE usename = 'lendastack_app'"
                      " AND wait_event_type = 'Lock'",
                      NULL);
}

/*
 * True when a worker is inside a request. An idle worker waits in poll(2) or
 * ppoll(2) on two descriptors: the listen socket and its wake pipe
 * (server/worker.c). Inside a request it runs, or it waits on PostgreSQL, Redis
 * or nginx with other calls.
 */
static bool
worker_busy(int pid)
{
    char path[64], line[256] = "";
    FILE *f;
    long number = -1;
    unsigned long long fds = 0, nfds = 0;
    bool polling;

    snprintf(path, sizeof(path), "/proc/%d/syscall", pid);
    if ((f = fopen(path, "r")) == NULL)
        return false;
    if (fgets(line, sizeof(line), f) == NULL)
        line[0] = '\0';
    fclose(f);
    if (strncmp(line, "running", 7) == 0)
        return true;
    /* The line is "<number> <first argument> <second argument> ..." in hexadecimal. */
    if (sscanf(line, "%ld %llx %llx", &number, &fds, &nfds) != 3)
        return false;
    polling = number == SYS_ppoll;
#ifdef SYS_poll
    polling = polling || number == SYS_poll;
#endif
    return !(polling && nfds == 2);
}

Test(reliability, worker_killed_mid_request, .timeout = 300)
{
    struct scenario s;
    struct load_config config = {.threads = 8};
    struct load_figures f;
    double fault_start = -1, fault_end = -1, replaced_ms = 0;
    int kills = 0, n_workers, workers[PIDS_MAX];
    long retried;

    scenario_start(&s, "worker-kill", &config);
    n_workers = http_worker_pids(workers, PIDS_MAX);
    cr_assert(n_workers > 1, "the scenario needs more than one worker");

    for (int round = 0; round < WORKER_KILLS; round++) {
        PGconn *locker = PQconnectdb(th_env("LENDASTACK_PG_SUPER"));
        PGresult *res;
        double deadline = th_now_ms() + 20000;
        int victim = 0, now[PIDS_MAX], n;
        double killed_at;

        cr_assert_eq(PQstatus(locker), CONNECTION_OK, "%s", PQerrorMessage(locker));
        /* Every request of the load reads or writes customers, so it waits here mid-request. */
        res =
            PQexec(locker, th_fmt("BEGIN; LOCK TABLE \"%s\".customers IN ACCESS EXCLUSIVE MODE",
                                  s.tenant.schema));
        cr_assert_eq(PQresultStatus(res), PGRES_COMMAND_OK, "%s", PQerrorMessage(locker));
        PQclear(res);
        while (victim == 0 && th_now_ms() < deadline) {
            long long waiting = app_backends_waiting_for_lock();

            if (waiting >= 2) {
                int all[PIDS_MAX], n_all = http_worker_pids(all, PIDS_MAX);

                n = tenant_worker_pids(s.tenant.slug, all, n_all, now);
                for (int i = 0; i < n && victim == 0; i++)
                    victim = worker_busy(now[i]) ? now[i] : 0;
                /* Where /proc/PID/syscall cannot be read, a lock wait in every worker will do.
                 */
                if (victim == 0 && n > 0 && waiting >= n)
                    victim = now[0];
            }
            if (victim == 0)
                usleep(20000);
        }
        cr_assert(victim != 0, "no worker was inside a request within 20 s");
        if (fault_start < 0)
            fault_start = load_now(&s.load);
        killed_at = th_now_ms();
        cr_assert_eq(kill(victim, SIGKILL), 0);
        kills++;
        /* Released at once, so the other requests wait far less than statement_timeout. */
        res = PQexec(locker, "COMMIT");
        PQclear(res);
        PQfinish(locker);
        fault_end = load_now(&s.load);

        deadline = th_now_ms() + 10000;
        do {
            usleep(20000);
            n = http_worker_pids(now, PIDS_MAX);
        } while ((n != n_workers || pid_in(victim, now, n)) && th_now_ms() < deadline);
        cr_assert(n == n_workers && !pid_in(victim, now, n),
                  "the master did not replace the killed worker %d within 10 s", victim);
        if (th_now_ms() - killed_at > replaced_ms)
            replaced_ms = th_now_ms() - killed_at;
        cr_assert(load_wait_successes(&s.load, fault_end, 100, 60000),
                  "the load did not go on after worker %d was killed", victim);
    }
    load_stop(&s.load);

    load_check(&s.load, fault_end, &f);
    load_report(&s.load, "worker_killed",
                "SIGKILL of a worker inside a request, three times (each while the load's "
                "requests waited for a table lock)",
                fault_start, fault_end, &f,
                json_pack("{s:i, s:f}", "workers_killed", kills, "worker_replaced_within_ms",
                          replaced_ms));
    /*
     * nginx passes a GET whose worker died on to the next worker group, where it
     * succeeds. It never passes on a write, which fails.
     */
    retried = nginx_retried_requests(s.tenant.host);
    cr_assert(f.failed + retried >= 1,
              "no request failed or moved to another worker group, so no kill hit a request in flight");
    cr_assert(f.failed <= kills,
              "%ld requests failed for %d killed workers: more than the "
              "killed workers had in flight",
              f.failed, kills);
    /* nginx responds for the worker that died: its 502 becomes the 503 problem with
     * Retry-After. */
    assert_failures_are_503(&f);
    assert_writes_intact(&f);
    load_free(&s.load);
}

Test(reliability, rolling_restart_and_nginx_reload, .timeout = 300)
{
    struct scenario s;
    struct load_config config = {0};
    struct load_figures f;
    int before[PIDS_MAX], n_before;
    double fault_start, fault_end;

    scenario_start(&s, "reload", &config);
    n_before = http_worker_pids(before, PIDS_MAX);
    fault_start = load_now(&s.load);
    cr_assert_eq(kill(th_master_pid(), SIGHUP), 0);
    cr_assert(wait_workers_replaced(before, n_before, 90000),
              "the rolling restart did not replace every worker within 90 s");
    cr_assert_eq(th_stack("reload nginx"), 0, "scripts/stack reload nginx failed");
    fault_end = load_now(&s.load);
    cr_assert(load_wait_successes(&s.load, fault_end, 200, 60000),
              "the load did not go on after the reloads");
    load_stop(&s.load);

    load_check(&s.load, fault_end, &f);
    load_report(&s.load, "rolling_restart_and_nginx_reload",
                "SIGHUP to the master (every worker replaced), then scripts/stack reload nginx",
                fault_start, fault_end, &f, NULL);
    cr_assert_eq(f.failed, 0, "%ld of %ld requests failed during the reloads", f.failed,
                 f.requests);
    assert_writes_intact(&f);
    load_free(&s.load);
}

/* Connections as the owner role, which the server does not use. */
struct holders {
    PGconn *conns[HOLDERS_MAX];
    int count;
    char last_error[512];
};

/*
 * Opens connections until PostgreSQL refuses one for want of slots. The owner
 * role is no superuser, so the slots reserved for superusers stay free for the
 * test's own checks. Returns how many were opened by this call.
 */
static int
holders_fill(struct holders *h)
{
    int opened = 0;

    while (h->count < HOLDERS_MAX) {
        PGconn *c = PQconnectdb(th_env("LENDASTACK_PG_OWNER"));

        if (PQstatus(c) != CONNECTION_OK) {
            const char *message = PQerrorMessage(c);
            const char *fatal = strstr(message, "FATAL:");

            /* Only the server's message: the socket path before it differs per stack. */
            snprintf(h->last_error, sizeof(h->last_error), "%.*s",
                     (int)strcspn(fatal != NULL ? fatal : message, "\n"),
                     fatal != NULL ? fatal : message);
            PQfinish(c);
            break;
        }
        h->conns[h->count++] = c;
        opened++;
    }
    cr_assert(strstr(h->last_error, "too many clients") != NULL ||
                  strstr(h->last_error, "connection slots are reserved") != NULL,
              "after %d connections PostgreSQL refused one for another reason: %s", h->count,
              h->last_error);
    return opened;
}

static void
holders_release(struct holders *h)
{
    for (int i = 0; i < h->count; i++)
        PQfinish(h->conns[i]);
    h->count = 0;
}

static long long
app_backends(void)
{
    return th_sql_int("SELECT count(*) FROM pg_stat_activity WHERE usename = 'lendastack_app'",
                      NULL);
}

Test(reliability, postgres_out_of_connections, .timeout = 300)
{
    struct scenario s;
    struct load_config config = {.threads = 4};
    struct load_figures f;
    struct holders *h = calloc(1, sizeof(*h));
    int old[PIDS_MAX], fresh[PIDS_MAX], n_old, n_fresh, all[PIDS_MAX], n_all;
    double fault_start, restart_at, fault_end, deadline;
    long failed_while_connected;
    long long max_connections;
    int held;

    scenario_start(&s, "pg-limit", &config);
    n_old = http_worker_pids(old, PIDS_MAX);
    n_all = th_worker_pids(all, PIDS_MAX);
    /*
     * Each worker and job runner opens its own connection before the limit is reached.
     * The load reaches only its tenant's worker group, so GET /readyz under other host
     * names, which nginx hashes to the other groups, makes the rest connect.
     */
    deadline = th_now_ms() + 30000;
    for (int i = 0; app_backends() < n_all && th_now_ms() < deadline; i++) {
        th_wait_status(th_fmt("ready-%d.%s", i, th_env("LENDASTACK_BASE_DOMAIN")), "/readyz", 200,
                       1000);
        usleep(20000);
    }
    cr_assert(app_backends() >= n_all,
              "only %lld of %d server processes connected to PostgreSQL", app_backends(),
              n_all);

    fault_start = load_now(&s.load);
    holders_fill(h);
    max_connections = th_sql_int(
        "SELECT setting::bigint FROM pg_settings WHERE name = 'max_connections'", NULL);

    /* Workers that hold a connection keep serving. */
    cr_assert(load_wait_successes(&s.load, fault_start, 100, 60000),
              "workers that hold a connection stopped serving at the limit");
    restart_at = load_now(&s.load);
    failed_while_connected = load_failures_between(&s.load, fault_start, restart_at);

    /* New workers must open new connections. No request runs while the old ones go. */
    cr_assert(load_pause(&s.load, 60000), "the load's requests in flight did not finish");
    cr_assert_eq(kill(th_master_pid(), SIGHUP), 0);
    cr_assert(wait_workers_replaced(old, n_old, 90000),
              "the rolling restart did not replace every worker within 90 s");
    deadline = th_now_ms() + 30000;
    while (app_backends() > n_all - n_old && th_now_ms() < deadline)
        usleep(50000);
    holders_fill(h);
    n_fresh = http_worker_pids(fresh, PIDS_MAX);
    load_resume(&s.load);
    cr_assert(load_wait_requests(&s.load, 200, 60000), "the load stalled at the limit");
    assert_same_workers(fresh, n_fresh, "at the connection limit");

    held = h->count;
    holders_release(h);
    fault_end = load_now(&s.load);
    cr_assert(load_wait_successes(&s.load, fault_end, 200, 60000),
              "the workers did not serve again after connections were released");
    load_stop(&s.load);
    assert_same_workers(fresh, n_fresh, "after the connection limit");

    load_check(&s.load, fault_end, &f);
    load_report(&s.load, "postgres_out_of_connections",
                "every free PostgreSQL connection slot held by the test, workers restarted "
                "with SIGHUP so that they must connect anew, then the slots released",
                fault_start, fault_end, &f,
                json_pack("{s:I, s:I, s:s}", "max_connections", (json_int_t)max_connections,
                          "connections_held", (json_int_t)held, "refusal", h->last_error));
    cr_assert_eq(failed_while_connected, 0,
                 "%ld requests failed on workers that held a connection",
                 failed_while_connected);
    cr_assert(f.failed > 0, "no request failed: the workers were not held at the limit");
    assert_failures_are_503(&f);
    assert_writes_intact(&f);
    load_free(&s.load);
    free(h);
}
