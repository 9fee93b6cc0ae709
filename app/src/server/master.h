/*
 * The master process: keeps the pid file and one listen socket per worker group,
 * starts the workers, replaces a worker that dies in its group, restarts workers
 * one by one on SIGHUP and drains them on SIGTERM. It never serves a request
 * and opens no database or Redis connection.
 */
#ifndef LENDASTACK_SERVER_MASTER_H
#define LENDASTACK_SERVER_MASTER_H

#include <stdbool.h>
#include <stdio.h>

/* File descriptors a worker receives across exec. */
#define WORKER_LISTEN_FD 3
#define WORKER_READY_FD 4

/*
 * Prints the listen address of every worker group, one per line, as master_run()
 * would open them with the loaded configuration. Returns false after writing
 * the reason to err when an address cannot be derived.
 */
bool master_print_listen_addresses(FILE *out, FILE *err);

/* Runs the master until SIGTERM or SIGINT; returns the process exit status. */
int master_run(const char *self_path);

#endif
