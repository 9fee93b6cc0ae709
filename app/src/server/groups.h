/*
 * Worker groups: the master opens one listen socket per group and gives each
 * worker one of them, so nginx, hashing the Host header over the sockets, sends
 * a tenant's requests to the workers of one group only. Each PostgreSQL backend
 * then serves only its group's share of the tenants. Pure functions, no I/O.
 */
#ifndef LENDASTACK_SERVER_GROUPS_H
#define LENDASTACK_SERVER_GROUPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define GROUPS_MAX 64
#define GROUPS_ADDRESS_MAX 256

/*
 * Returns the number of request workers: configured when it is positive, else
 * twice cpus (at least 2), in both cases no more than limit.
 */
long groups_worker_count(long configured, long cpus, long limit);

/*
 * Returns the number of groups for the given number of workers. It is the
 * configured count when positive, otherwise half the workers. The result is at
 * least 1 and at most workers and GROUPS_MAX, so every group has a worker.
 */
long groups_count(long workers, long configured);

/* Returns the group of worker index: workers take the groups in turn, so sizes differ by at most one. */
long groups_of_worker(long index, long groups);

/*
 * Writes the listen address of a group to out. Group 0 listens on the configured
 * address itself. For "unix:PATH", group N inserts "-N" before the file name's
 * extension (app.sock, app-1.sock, app-2.sock), or appends it when the name has
 * none. For "tcp:ADDRESS:PORT", group N listens on PORT + N. Returns false after
 * writing the reason to err when the address has another form, the port would
 * pass 65535 or the result does not fit in size bytes.
 */
bool groups_address(const char *listen, long group, char *out, size_t size, FILE *err);

#endif
