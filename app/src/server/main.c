/*
 * lendastack-server: the FastCGI application server. The master process starts
 * with no arguments; workers are the same binary started by the master with
 * --worker and the listen socket of their group on descriptor 3.
 */
#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"
#include "core/log.h"
#include "server/jobs.h"
#include "server/master.h"
#include "server/worker.h"

#define VERSION "0.1.0"

static void
usage(FILE *out)
{
    fprintf(out,
            "usage: lendastack-server [--check-config | --config-table | --listen-addresses |\n"
            "                         --version | --help]\n"
            "\n"
            "Serves the Lendastack CRM API over FastCGI. Settings come from LENDASTACK_*\n"
            "environment variables and an optional INI file named by LENDASTACK_CONFIG;\n"
            "--config-table lists them all with their defaults. --listen-addresses prints\n"
            "the socket of each worker group, one per line, for nginx's upstream.\n"
            "Signals: SIGTERM drains and stops, SIGHUP restarts the workers one by one.\n");
}

int
main(int argc, char **argv)
{
    char self[PATH_MAX];
    ssize_t n;

    if (argc > 1 && strcmp(argv[1], "--help") == 0) {
        usage(stdout);
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "--version") == 0) {
        printf("lendastack-server %s\n", VERSION);
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "--config-table") == 0) {
        config_print_table(stdout);
        return 0;
    }
    if (!config_load(stderr))
        return 2;
    log_set_level(config.log_level);
    if (argc > 1 && strcmp(argv[1], "--check-config") == 0) {
        printf("configuration is valid\n");
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "--listen-addresses") == 0)
        return master_print_listen_addresses(stdout, stderr) ? 0 : 1;

    /*
     * Argon2 allocates 19 MiB per hash. A fixed mmap threshold hands such blocks
     * back to the kernel at once instead of letting glibc keep them on the heap.
     */
    mallopt(M_MMAP_THRESHOLD, 1024 * 1024);

    if (argc > 1 && strcmp(argv[1], "--worker") == 0)
        return worker_run();
    if (argc > 1 && strcmp(argv[1], "--jobs") == 0)
        return jobs_run();
    if (argc > 1) {
        usage(stderr);
        return 2;
    }

    /* Workers run the binary found at this path when they start, so a SIGHUP after an
     * upgrade in place brings the new code in. */
    n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n <= 0) {
        fprintf(stderr, "cannot find the server binary's path: /proc/self/exe is unreadable\n");
        return 1;
    }
    self[n] = '\0';
    if (strlen(self) > 10 && strcmp(self + strlen(self) - 10, " (deleted)") == 0)
        self[strlen(self) - 10] = '\0';
    return master_run(self);
}
