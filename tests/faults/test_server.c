/* The worker pool under faults: a killed worker, a rolling restart under load. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/support/harness.h"

#define LOAD_THREADS 8
#define LOAD_REQUESTS 125

struct load {
    struct th_client client;
    int ok;
    int failed;
    long last_failure;
};

static double
seconds_since(const struct timespec *start)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/*
 * The bound separates a replaced worker from a master that never replaces it. How
 * fast the replacement comes is a figure of the reliability report, not a test.
 */
Test(server, killed_worker_is_replaced, .timeout = 60)
{
    int before[64], after[64];
    int n = th_worker_pids(before, 64);
    struct timespec start;
    bool replaced = false;

    cr_assert(n > 0, "no workers found");
    clock_gettime(CLOCK_MONOTONIC, &start);
    cr_assert_eq(kill(before[0], SIGKILL), 0);
    while (seconds_since(&start) < 20.0) {
        int m = th_worker_pids(after, 64);
        bool old_gone = true;

        for (int i = 0; i < m; i++)
            old_gone = old_gone && after[i] != before[0];
        if (m == n && old_gone) {
            replaced = true;
            break;
        }
        usleep(10000);
    }
    cr_assert(replaced, "the killed worker was not replaced within 20 s");
    cr_assert(th_wait_status(NULL, "/healthz", 200, 10000));
}

static void *
load_run(void *arg)
{
    struct load *l = arg;

    for (int i = 0; i < LOAD_REQUESTS; i++) {
        struct th_response r = th_request(&l->client, "GET", "/api/v1/auth/me", NULL);

        if (r.status == 200) {
            l->ok++;
        } else {
            l->failed++;
            l->last_failure = r.status;
        }
        th_response_free(&r);
    }
    return NULL;
}

Test(server, rolling_restart_under_load_fails_nothing, .timeout = 120)
{
    struct th_tenant t;
    struct load loads[LOAD_THREADS];
    pthread_t threads[LOAD_THREADS];
    int before[64], after[64], n_before, n_after, ok = 0, failed = 0;

    th_tenant_create(&t, "hup", NULL);
    th_client_init(&loads[0].client, &t);
    th_login_admin(&loads[0].client, &t);
    n_before = th_worker_pids(before, 64);
    for (int i = 0; i < LOAD_THREADS; i++) {
        loads[i].client = loads[0].client;
        loads[i].ok = 0;
        loads[i].failed = 0;
        cr_assert_eq(pthread_create(&threads[i], NULL, load_run, &loads[i]), 0);
    }
    usleep(100000);
    cr_assert_eq(kill(th_master_pid(), SIGHUP), 0);
    for (int i = 0; i < LOAD_THREADS; i++) {
        pthread_join(threads[i], NULL);
        ok += loads[i].ok;
        failed += loads[i].failed;
    }
    cr_assert_eq(failed, 0, "%d of %d requests failed during the rolling restart", failed,
                 LOAD_THREADS * LOAD_REQUESTS);
    cr_assert_eq(ok, LOAD_THREADS * LOAD_REQUESTS);

    /* Wait for the restart to finish, then check every worker is new. */
    sleep(1);
    for (int tries = 0; tries < 100; tries++) {
        bool all_new = true;

        n_after = th_worker_pids(after, 64);
        for (int i = 0; i < n_after; i++) {
            for (int k = 0; k < n_before; k++)
                all_new = all_new && after[i] != before[k];
        }
        if (all_new && n_after == n_before)
            return;
        usleep(100000);
    }
    cr_assert_fail("the workers were not all replaced after SIGHUP");
}
