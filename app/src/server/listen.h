/* Opening the FastCGI listen socket safely, before any worker exists. */
#ifndef LENDASTACK_SERVER_LISTEN_H
#define LENDASTACK_SERVER_LISTEN_H

#include <stdio.h>
#include <sys/types.h>

/*
 * Opens "unix:PATH" or "tcp:ADDRESS:PORT" for listening, non-blocking. A unix
 * socket that another process still accepts on is never taken over: the call
 * fails instead. A stale socket file is replaced. The socket gets mode and, when
 * owner is not -1, that owner and group. Returns the descriptor, or -1 after
 * writing the reason to err.
 */
int listen_open(const char *address, unsigned mode, uid_t owner, gid_t group, FILE *err);

/* Removes the socket file of a unix address; nothing for TCP. */
void listen_remove(const char *address);

#endif
