/*
 * Worker groups: nginx hashes the Host over one socket per group, so a tenant's
 * requests reach the workers of one group only, and a killed worker comes back
 * in its group. The checks read the server's log in the private stack: the
 * master's worker_started lines name each worker's group, and every request
 * line carries the pid of the worker and the tenant it served.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/support/harness.h"

#define AFFINITY_TENANTS 16
#define AFFINITY_REQUESTS 8
#define PIDS_MAX 64

static char log_path[512];

static const char *
app_log_path(void)
{
    snprintf(log_path, sizeof(log_path), "%s/log/app.log", th_env("LENDASTACK_VAR"));
    return log_path;
}

/* Group count of the running server, from its last server_started line; 0 if none. */
static long
log_group_count(void)
{
    FILE *f = fopen(app_log_path(), "r");
    char line[4096];
    long groups = 0;

    cr_assert(f != NULL, "cannot read %s", app_log_path());
    while (fgets(line, sizeof(line), f) != NULL) {
        const char *field = strstr(line, " groups=");

        if (strstr(line, "event=server_started") != NULL && field != NULL)
            groups = strtol(field + 8, NULL, 10);
    }
    fclose(f);
    return groups;
}

/* Group of a worker pid, from the master's last worker_started line for it; -1 if none. */
static long
log_worker_group(long pid)
{
    FILE *f = fopen(app_log_path(), "r");
    char needle[64], line[4096];
    long group = -1;

    snprintf(needle, sizeof(needle), "event=worker_started worker_pid=%ld ", pid);
    cr_assert(f != NULL, "cannot read %s", app_log_path());
    while (fgets(line, sizeof(line), f) != NULL) {
        const char *field = strstr(line, " group=");

        if (strstr(line, needle) != NULL && field != NULL)
            group = strtol(field + 7, NULL, 10);
    }
    fclose(f);
    return group;
}

/*
 * Counts the request lines of a tenant and records the groups of the workers
 * that served them in seen (indexed by group). Returns the number of lines.
 */
static int
log_tenant_groups(const char *slug, bool *seen, long groups)
{
    FILE *f = fopen(app_log_path(), "r");
    char needle[96], line[4096];
    int count = 0;

    snprintf(needle, sizeof(needle), " tenant=%s ", slug);
    cr_assert(f != NULL, "cannot read %s", app_log_path());
    while (fgets(line, sizeof(line), f) != NULL) {
        const char *pid_field = strstr(line, " pid=");
        long group;

        if (strstr(line, "event=request ") == NULL || strstr(line, needle) == NULL ||
            pid_field == NULL)
            continue;
        group = log_worker_group(strtol(pid_field + 5, NULL, 10));
        cr_assert(group >= 0 && group < groups, "a request of %s was served by a worker of no group:\n%s",
                  slug, line);
        seen[group] = true;
        count++;
    }
    fclose(f);
    return count;
}

/* Pids of the request workers (not the job runners) of the running server. */
static int
request_worker_pids(int *out, int max)
{
    int all[PIDS_MAX], n = th_worker_pids(all, PIDS_MAX), count = 0;

    for (int i = 0; i < n && count < max; i++) {
        char path[64], cmdline[512] = "";
        FILE *f;
        size_t len;

        snprintf(path, sizeof(path), "/proc/%d/cmdline", all[i]);
        if ((f = fopen(path, "r")) == NULL)
            continue;
        len = fread(cmdline, 1, sizeof(cmdline) - 1, f);
        fclose(f);
        /* Arguments are separated by NUL bytes; the second one is the role. */
        if (len > 0 && strlen(cmdline) + 1 < len && strcmp(cmdline + strlen(cmdline) + 1, "--worker") == 0)
            out[count++] = all[i];
    }
    return count;
}

/* Inode of the socket on a worker's descriptor 3 (its group's listen socket), or 0. */
static unsigned long
worker_socket_inode(int pid)
{
    char target[64] = "";
    unsigned long inode = 0;
    char path[64];
    ssize_t n;

    snprintf(path, sizeof(path), "/proc/%d/fd/3", pid);
    n = readlink(path, target, sizeof(target) - 1);
    if (n > 0) {
        target[n] = '\0';
        sscanf(target, "socket:[%lu]", &inode);
    }
    return inode;
}

Test(groups, tenant_reaches_one_group_only, .timeout = 180)
{
    struct th_tenant tenants[AFFINITY_TENANTS];
    bool used[PIDS_MAX] = {false};
    long groups = log_group_count();
    int used_count = 0;

    if (groups < 2)
        cr_skip_test("the server runs %ld worker group; affinity needs at least 2", groups);

    for (int i = 0; i < AFFINITY_TENANTS; i++) {
        struct th_client c;

        th_tenant_create(&tenants[i], "aff", NULL);
        th_client_init(&c, &tenants[i]);
        th_login_admin(&c, &tenants[i]);
        for (int k = 0; k < AFFINITY_REQUESTS; k++) {
            struct th_response r = th_request(&c, "GET", "/api/v1/auth/me", NULL);

            cr_assert_eq(r.status, 200, "GET /auth/me of %s answered %ld", tenants[i].slug, r.status);
            th_response_free(&r);
        }
    }

    for (int i = 0; i < AFFINITY_TENANTS; i++) {
        bool seen[PIDS_MAX] = {false};
        int lines = 0, seen_count = 0;

        /* A worker logs a request after sending its response: wait for the last lines. */
        for (int tries = 0; tries < 50 && lines < AFFINITY_REQUESTS; tries++) {
            memset(seen, 0, sizeof(seen));
            lines = log_tenant_groups(tenants[i].slug, seen, groups);
            if (lines < AFFINITY_REQUESTS)
                usleep(100000);
        }
        cr_assert_geq(lines, AFFINITY_REQUESTS, "%d request lines of %s in the log", lines,
                      tenants[i].slug);
        for (long g = 0; g < groups; g++) {
            seen_count += seen[g];
            if (seen[g] && !used[g]) {
                used[g] = true;
                used_count++;
            }
        }
        cr_assert_eq(seen_count, 1, "the requests of %s reached %d groups", tenants[i].slug, seen_count);
    }
    /* With 2 groups, 16 tenants all hash to one group with a probability of 2^-15. */
    cr_assert_geq(used_count, 2, "%d tenants used %d of %ld groups", AFFINITY_TENANTS, used_count,
                  groups);
}

Test(groups, killed_worker_rejoins_its_group, .timeout = 60)
{
    int before[PIDS_MAX], after[PIDS_MAX], n = request_worker_pids(before, PIDS_MAX), m = 0;
    int victim, fresh = 0;
    long group;
    unsigned long inode;

    cr_assert(n > 1, "%d request workers found", n);
    victim = before[n - 1];
    group = log_worker_group(victim);
    inode = worker_socket_inode(victim);
    cr_assert_geq(group, 0, "no worker_started line names the group of worker %d", victim);
    cr_assert_eq(kill(victim, SIGKILL), 0);

    for (int tries = 0; tries < 200 && fresh == 0; tries++) {
        m = request_worker_pids(after, PIDS_MAX);
        for (int i = 0; i < m; i++) {
            bool known = false;

            for (int k = 0; k < n; k++)
                known = known || after[i] == before[k];
            if (!known && after[i] != victim)
                fresh = after[i];
        }
        if (fresh == 0)
            usleep(100000);
    }
    cr_assert_neq(fresh, 0, "worker %d was not replaced within 20 s", victim);
    cr_assert_eq(m, n, "%d request workers after the replacement, %d before", m, n);

    /* The master logs the group, and the new worker listens on the same socket. */
    for (int tries = 0; tries < 50 && log_worker_group(fresh) < 0; tries++)
        usleep(100000);
    cr_assert_eq(log_worker_group(fresh), group, "worker %d replaced %d of group %ld in group %ld",
                 fresh, victim, group, log_worker_group(fresh));
    if (inode != 0)
        cr_assert_eq(worker_socket_inode(fresh), inode,
                     "the new worker listens on another socket than the one it replaced");
    cr_assert(th_wait_status(NULL, "/healthz", 200, 10000));
}
