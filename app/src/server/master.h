/*
 * The master process: holds the listen socket and the pid file, starts the
 * workers, replaces a worker that dies, restarts workers one by one on SIGHUP
 * and drains them on SIGTERM. It never serves a request and opens no database
 * or Redis connection.
 */
#ifndef LENDASTACK_SERVER_MASTER_H
#define LENDASTACK_SERVER_MASTER_H

/* File descriptors a worker receives across exec. */
#define WORKER_LISTEN_FD 3
#define WORKER_READY_FD 4

/* Runs the master until SIGTERM or SIGINT; returns the process exit status. */
int master_run(const char *self_path);

#endif
