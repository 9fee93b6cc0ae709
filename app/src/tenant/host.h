/* Host header normalisation, shared by the server and the tenant command. */
#ifndef LENDASTACK_TENANT_HOST_H
#define LENDASTACK_TENANT_HOST_H

#include <stdbool.h>
#include <stddef.h>

#define HOST_MAX 253

/*
 * Writes the canonical form of a Host header into out: lower-case, without a
 * port and without one trailing dot. Returns false for an empty host, a host
 * longer than HOST_MAX, an IP literal in brackets, or characters other than
 * letters, digits, '-' and '.'. Also returns false for a leading '.' or '-' and
 * for an empty label, which is two dots in a row, also at the end.
 */
bool host_normalize(const char *host, char *out, size_t out_size);

#endif
