/*
 * A worker process: accepts FastCGI requests one at a time on the socket it got
 * from the master and serves them until SIGTERM, SIGINT or SIGHUP asks it to
 * stop, finishing the request in hand first. It owns one PostgreSQL and one
 * Redis connection, opened lazily.
 */
#ifndef LENDASTACK_SERVER_WORKER_H
#define LENDASTACK_SERVER_WORKER_H

/* Serves requests until asked to stop; returns the process exit status. */
int worker_run(void);

#endif
