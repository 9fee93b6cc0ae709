#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "server/groups.h"

long
groups_worker_count(long configured, long cpus, long limit)
{
    long workers = configured > 0 ? configured : 2 * (cpus > 0 ? cpus : 1);

    return workers < limit ? workers : limit;
}

long
groups_count(long workers, long configured)
{
    long groups = configured > 0 ? configured : workers / 2;

    if (groups > workers)
        groups = workers;
    if (groups > GROUPS_MAX)
        groups = GROUPS_MAX;
    return groups < 1 ? 1 : groups;
}

long
groups_of_worker(long index, long groups)
{
    return groups > 1 ? index % groups : 0;
}

static bool
groups_unix_address(const char *listen, long group, char *out, size_t size, FILE *err)
{
    const char *name = strrchr(listen, '/');
    const char *dot;
    int n;

    name = name != NULL ? name + 1 : listen + 5;
    dot = strrchr(name, '.');
    /* A leading dot starts a hidden file's name, not an extension. */
    if (dot == NULL || dot == name)
        n = snprintf(out, size, "%s-%ld", listen, group);
    else
        n = snprintf(out, size, "%.*s-%ld%s", (int)(dot - listen), listen, group, dot);
    if (n < 0 || (size_t)n >= size) {
        fprintf(err, "listen address of group %ld for %s is longer than %zu bytes\n", group, listen,
                size - 1);
        return false;
    }
    return true;
}

static bool
groups_tcp_address(const char *listen, long group, char *out, size_t size, FILE *err)
{
    const char *colon = strrchr(listen, ':');
    char *end;
    long port;
    int n;

    errno = 0;
    port = colon != NULL && colon > listen + 4 ? strtol(colon + 1, &end, 10) : -1;
    if (port <= 0 || errno != 0 || *end != '\0') {
        fprintf(err, "TCP listen address \"%s\" must be tcp:ADDRESS:PORT\n", listen);
        return false;
    }
    if (port + group > 65535) {
        fprintf(err, "group %ld of %s would listen on port %ld, above 65535; choose a lower port\n",
                group, listen, port + group);
        return false;
    }
    n = snprintf(out, size, "%.*s:%ld", (int)(colon - listen), listen, port + group);
    if (n < 0 || (size_t)n >= size) {
        fprintf(err, "listen address of group %ld for %s is longer than %zu bytes\n", group, listen,
                size - 1);
        return false;
    }
    return true;
}

bool
groups_address(const char *listen, long group, char *out, size_t size, FILE *err)
{
    if (strncmp(listen, "unix:", 5) == 0 && group > 0)
        return groups_unix_address(listen, group, out, size, err);
    if (strncmp(listen, "tcp:", 4) == 0 && group > 0)
        return groups_tcp_address(listen, group, out, size, err);
    if (group > 0) {
        fprintf(err, "listen address \"%s\" must start with unix: or tcp:\n", listen);
        return false;
    }
    /* Group 0 keeps the address as configured; listen_open() checks its form. */
    if (strlen(listen) >= size) {
        fprintf(err, "listen address %s is longer than %zu bytes\n", listen, size - 1);
        return false;
    }
    strcpy(out, listen);
    return true;
}
