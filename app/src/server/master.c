#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/config.h"
#include "core/log.h"
#include "server/groups.h"
#include "server/listen.h"
#include "server/master.h"

#define WORKERS_MAX 512
#define READY_TIMEOUT_MS 10000
#define CRASH_WINDOW_SECONDS 10
#define CRASH_LIMIT 20 /* deaths within the window before respawning slows down */

struct worker_slot {
    pid_t pid;
    time_t started;
};

static struct worker_slot slots[WORKERS_MAX];
static long slot_count;
static long worker_count; /* slots [0, worker_count) serve requests; the rest run jobs */
static long group_count;
static char listen_addresses[GROUPS_MAX][GROUPS_ADDRESS_MAX];
static int listen_fds[GROUPS_MAX];
static int signal_pipe[2] = {-1, -1};
static const char *master_self_path;
static time_t crash_times[CRASH_LIMIT];
static size_t crash_next;

static void
master_on_signal(int signo)
{
    int saved = errno;
    unsigned char byte = (unsigned char)signo;
    ssize_t ignored = write(signal_pipe[1], &byte, 1);

    (void)ignored;
    errno = saved;
}

static void
master_install_signals(void)
{
    struct sigaction sa;
    int signals[] = {SIGTERM, SIGINT, SIGHUP, SIGCHLD, SIGQUIT};

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = master_on_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
        sigaction(signals[i], &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/* Takes the pid file lock; fails when another server holds it. */
static int
master_lock_pid_file(const char *path)
{
    char text[32];
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);

    if (fd < 0) {
        fprintf(stderr, "cannot open pid file %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        ssize_t n = read(fd, text, sizeof(text) - 1);

        text[n > 0 ? n : 0] = '\0';
        text[strcspn(text, "\n")] = '\0';
        fprintf(stderr, "another server (pid %s) holds %s; stop it first\n", text, path);
        close(fd);
        return -1;
    }
    snprintf(text, sizeof(text), "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
        fprintf(stderr, "cannot write pid file %s: %s\n", path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd; /* kept open: the lock lasts as long as the process */
}

static bool
master_lookup_user(const char *name, uid_t *uid, gid_t *gid)
{
    struct passwd *pw = getpwnam(name);

    if (pw == NULL)
        return false;
    *uid = pw->pw_uid;
    *gid = pw->pw_gid;
    return true;
}

static bool
master_drop_privileges(const char *name, uid_t uid, gid_t gid)
{
    if (initgroups(name, gid) != 0 || setgid(gid) != 0 || setuid(uid) != 0) {
        fprintf(stderr, "cannot switch to user %s: %s\n", name, strerror(errno));
        return false;
    }
    if (setuid(0) == 0) {
        fprintf(stderr, "switching to user %s did not drop root\n", name);
        return false;
    }
    return true;
}

/* Starts one worker; *ready receives the read end of its readiness pipe. */
static pid_t
master_spawn(long index, int *ready)
{
    int pipe_fds[2];
    pid_t master_pid = getpid();
    pid_t pid;

    if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
        log_error("worker_spawn_failed", "error=%s", strerror(errno));
        return -1;
    }
    pid = fork();
    if (pid < 0) {
        log_error("worker_spawn_failed", "error=%s", strerror(errno));
        close(pipe_fds[0]);
        close(pipe_fds[1]);
        return -1;
    }
    if (pid == 0) {
        char index_text[32];
        sigset_t none;

        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != master_pid)
            _exit(1);
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        signal(SIGPIPE, SIG_DFL);
        /* Job runners accept no requests, so they get no listen socket. */
        if (index < worker_count &&
            dup2(listen_fds[groups_of_worker(index, group_count)], WORKER_LISTEN_FD) < 0)
            _exit(1);
        if (dup2(pipe_fds[1], WORKER_READY_FD) < 0)
            _exit(1);
        snprintf(index_text, sizeof(index_text), "%ld", index);
        setenv("LENDASTACK_WORKER_INDEX", index_text, 1);
        execl(master_self_path, master_self_path, index < worker_count ? "--worker" : "--jobs",
              (char *)NULL);
        _exit(127);
    }
    close(pipe_fds[1]);
    if (ready != NULL)
        *ready = pipe_fds[0];
    else
        close(pipe_fds[0]);
    if (index < worker_count)
        log_info("worker_started", "worker_pid=%ld index=%ld group=%ld", (long)pid, index,
                 groups_of_worker(index, group_count));
    else
        log_info("worker_started", "worker_pid=%ld index=%ld role=jobs", (long)pid, index);
    return pid;
}

/* Waits until a new worker reports that it accepts requests. */
static bool
master_wait_ready(int ready, pid_t pid)
{
    struct pollfd pfd = {ready, POLLIN, 0};
    unsigned char byte;
    bool ok = false;

    if (poll(&pfd, 1, READY_TIMEOUT_MS) == 1 && read(ready, &byte, 1) == 1)
        ok = true;
    close(ready);
    if (!ok)
        log_warn("worker_not_ready", "worker_pid=%ld timeout_ms=%d", (long)pid, READY_TIMEOUT_MS);
    return ok;
}

static long
master_slot_of(pid_t pid)
{
    for (long i = 0; i < slot_count; i++) {
        if (slots[i].pid == pid)
            return i;
    }
    return -1;
}

/* Too many deaths in a short time means a crash loop: slow respawning down. */
static void
master_note_crash(void)
{
    time_t now = time(NULL);
    time_t oldest = crash_times[crash_next];

    crash_times[crash_next] = now;
    crash_next = (crash_next + 1) % CRASH_LIMIT;
    if (oldest != 0 && now - oldest < CRASH_WINDOW_SECONDS) {
        log_error("worker_crash_loop", "deaths=%d window_seconds=%d", CRASH_LIMIT,
                  CRASH_WINDOW_SECONDS);
        sleep(1);
    }
}

static void
master_log_exit(pid_t pid, int status, const char *event)
{
    if (WIFSIGNALED(status))
        log_warn(event, "worker_pid=%ld signal=%d", (long)pid, WTERMSIG(status));
    else
        log_info(event, "worker_pid=%ld exit_status=%d", (long)pid, WEXITSTATUS(status));
}

/*
 * Reaps every dead child. A worker that died on its own is replaced at once;
 * a pid listed in retiring is one we stopped on purpose and is only counted.
 * Returns true if the retiring pid was reaped.
 */
static bool
master_reap(pid_t retiring, bool respawn)
{
    bool retired = false;
    int status;
    pid_t pid;

    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        long slot;

        if (pid == retiring) {
            master_log_exit(pid, status, "worker_retired");
            retired = true;
            continue;
        }
        slot = master_slot_of(pid);
        if (slot < 0)
            continue;
        master_log_exit(pid, status, "worker_died");
        slots[slot].pid = -1;
        if (respawn) {
            master_note_crash();
            slots[slot].pid = master_spawn(slot, NULL);
            slots[slot].started = time(NULL);
        }
    }
    return retired;
}

/* Waits for one stopped worker to exit, killing it after the drain time. */
static void
master_wait_retired(pid_t pid)
{
    struct timespec start, now;

    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        if (master_reap(pid, true))
            return;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec - start.tv_sec > config.drain_seconds) {
            log_warn("worker_drain_timeout", "worker_pid=%ld", (long)pid);
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
            return;
        }
        usleep(20000);
    }
}

/* SIGHUP: replace each worker by a new process running the binary on disk now. */
static void
master_rolling_restart(void)
{
    log_info("rolling_restart_started", "workers=%ld", slot_count);
    for (long i = 0; i < slot_count; i++) {
        pid_t old = slots[i].pid;
        int ready = -1;
        pid_t fresh = master_spawn(i, &ready);

        if (fresh < 0)
            continue;
        /* The old worker keeps serving until the new one accepts. */
        if (!master_wait_ready(ready, fresh)) {
            kill(fresh, SIGKILL);
            waitpid(fresh, NULL, 0);
            log_error("rolling_restart_aborted", "index=%ld", i);
            return;
        }
        slots[i].pid = fresh;
        slots[i].started = time(NULL);
        if (old > 0) {
            kill(old, SIGTERM);
            master_wait_retired(old);
        }
    }
    log_info("rolling_restart_finished", "workers=%ld", slot_count);
}

/* SIGTERM: ask every worker to finish its request and exit; kill the slow ones. */
static void
master_drain(void)
{
    struct timespec start, now;
    long alive;

    log_info("drain_started", "workers=%ld drain_seconds=%ld", slot_count, config.drain_seconds);
    for (long i = 0; i < slot_count; i++) {
        if (slots[i].pid > 0)
            kill(slots[i].pid, SIGTERM);
    }
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        int status;
        pid_t pid;

        while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
            long slot = master_slot_of(pid);

            if (slot >= 0)
                slots[slot].pid = -1;
        }
        alive = 0;
        for (long i = 0; i < slot_count; i++)
            alive += slots[i].pid > 0;
        if (alive == 0)
            break;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec - start.tv_sec >= config.drain_seconds) {
            log_warn("drain_timeout", "workers_killed=%ld", alive);
            for (long i = 0; i < slot_count; i++) {
                if (slots[i].pid > 0)
                    kill(slots[i].pid, SIGKILL);
            }
        }
        usleep(20000);
    }
    log_info("drain_finished", "");
}

/*
 * Sets the number of workers, slots and groups from the configuration and the
 * CPU count, and the listen address of each group.
 */
static bool
master_plan(FILE *err)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);

    worker_count = groups_worker_count(config.workers, cpus, WORKERS_MAX - config.job_runners);
    slot_count = worker_count + config.job_runners;
    group_count = groups_count(worker_count, config.groups);
    for (long g = 0; g < group_count; g++) {
        if (!groups_address(config.listen, g, listen_addresses[g], sizeof(listen_addresses[g]), err))
            return false;
    }
    return true;
}

/* Closes the sockets of groups [0, count) and removes their files. */
static void
master_close_sockets(long count)
{
    for (long g = 0; g < count; g++) {
        close(listen_fds[g]);
        listen_remove(listen_addresses[g]);
    }
}

/* Opens the socket of every group, or none: a failure closes the ones opened before. */
static bool
master_open_sockets(uid_t uid, gid_t gid)
{
    for (long g = 0; g < group_count; g++) {
        listen_fds[g] = listen_open(listen_addresses[g], config.socket_mode, uid, gid, stderr);
        if (listen_fds[g] < 0) {
            master_close_sockets(g);
            return false;
        }
    }
    return true;
}

bool
master_print_listen_addresses(FILE *out, FILE *err)
{
    if (!master_plan(err))
        return false;
    for (long g = 0; g < group_count; g++)
        fprintf(out, "%s\n", listen_addresses[g]);
    return true;
}

int
master_run(const char *self_path)
{
    uid_t uid = (uid_t)-1;
    gid_t gid = (gid_t)-1;
    bool as_root = geteuid() == 0;
    int pid_fd;

    master_self_path = self_path;
    if (!master_plan(stderr))
        return 1;

    if (as_root) {
        if (config.user == NULL || *config.user == '\0') {
            fprintf(stderr, "running as root needs LENDASTACK_USER: the account workers run as\n");
            return 1;
        }
        if (!master_lookup_user(config.user, &uid, &gid)) {
            fprintf(stderr, "user %s named by LENDASTACK_USER does not exist\n", config.user);
            return 1;
        }
    }
    if ((pid_fd = master_lock_pid_file(config.pid_file)) < 0)
        return 1;
    if (!master_open_sockets(uid, gid))
        return 1;
    if (as_root && !master_drop_privileges(config.user, uid, gid))
        return 1;

    if (pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        fprintf(stderr, "pipe: %s\n", strerror(errno));
        return 1;
    }
    master_install_signals();
    log_info("server_started", "listen=%s groups=%ld workers=%ld job_runners=%ld user=%s",
             config.listen, group_count, worker_count, config.job_runners,
             as_root ? config.user : "-");
    if (config.groups > group_count)
        log_warn("groups_reduced", "groups=%ld configured=%ld workers=%ld", group_count,
                 config.groups, worker_count);

    for (long i = 0; i < slot_count; i++) {
        slots[i].pid = master_spawn(i, NULL);
        slots[i].started = time(NULL);
    }

    for (;;) {
        struct pollfd pfd = {signal_pipe[0], POLLIN, 0};
        unsigned char signo;
        bool stop = false, restart = false;

        /* The timeout also catches a missed SIGCHLD; a dead worker is replaced within it. */
        poll(&pfd, 1, 200);
        while (read(signal_pipe[0], &signo, 1) == 1) {
            if (signo == SIGTERM || signo == SIGINT || signo == SIGQUIT)
                stop = true;
            else if (signo == SIGHUP)
                restart = true;
        }
        if (stop)
            break;
        master_reap(-1, true);
        for (long i = 0; i < slot_count; i++) {
            if (slots[i].pid <= 0) {
                slots[i].pid = master_spawn(i, NULL);
                slots[i].started = time(NULL);
            }
        }
        if (restart)
            master_rolling_restart();
    }

    master_drain();
    master_close_sockets(group_count);
    close(pid_fd);
    log_info("server_stopped", "");
    return 0;
}
