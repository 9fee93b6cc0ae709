#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "server/listen.h"

#define LISTEN_BACKLOG 1024

static int
listen_unix(const char *path, unsigned mode, uid_t owner, gid_t group, FILE *err)
{
    struct sockaddr_un sa;
    int fd;

    if (strlen(path) >= sizeof(sa.sun_path)) {
        fprintf(err, "socket path %s is longer than %zu bytes\n", path, sizeof(sa.sun_path) - 1);
        return -1;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    strcpy(sa.sun_path, path);

    /* A socket file someone still accepts on belongs to a running server: keep off. */
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        fprintf(err, "socket: %s\n", strerror(errno));
        return -1;
    }
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
        fprintf(err, "another server is listening on %s; stop it first\n", path);
        close(fd);
        return -1;
    }
    close(fd);
    if (unlink(path) != 0 && errno != ENOENT) {
        fprintf(err, "cannot remove stale socket %s: %s\n", path, strerror(errno));
        return -1;
    }

    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        fprintf(err, "cannot bind %s: %s\n", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    if (chmod(path, mode) != 0 ||
        (owner != (uid_t)-1 && chown(path, owner, group) != 0)) {
        fprintf(err, "cannot set mode or owner of %s: %s\n", path, strerror(errno));
        close(fd);
        unlink(path);
        return -1;
    }
    return fd;
}

static int
listen_tcp(const char *spec, FILE *err)
{
    const char *colon = strrchr(spec, ':');
    struct sockaddr_in sa;
    char address[64];
    char *end;
    long port;
    int fd, one = 1;

    if (colon == NULL || colon == spec || (size_t)(colon - spec) >= sizeof(address)) {
        fprintf(err, "TCP listen address \"%s\" must be tcp:ADDRESS:PORT with an explicit IPv4 address\n",
                spec);
        return -1;
    }
    memcpy(address, spec, (size_t)(colon - spec));
    address[colon - spec] = '\0';
    port = strtol(colon + 1, &end, 10);
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    if (*end != '\0' || port <= 0 || port > 65535 || inet_pton(AF_INET, address, &sa.sin_addr) != 1) {
        fprintf(err, "TCP listen address \"%s\" must be tcp:ADDRESS:PORT with an IPv4 address and a port\n",
                spec);
        return -1;
    }
    sa.sin_port = htons((uint16_t)port);
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        fprintf(err, "socket: %s\n", strerror(errno));
        return -1;
    }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        fprintf(err, "cannot bind %s: %s\n", spec, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

int
listen_open(const char *address, unsigned mode, uid_t owner, gid_t group, FILE *err)
{
    int fd;

    if (strncmp(address, "unix:", 5) == 0) {
        fd = listen_unix(address + 5, mode, owner, group, err);
    } else if (strncmp(address, "tcp:", 4) == 0) {
        fd = listen_tcp(address + 4, err);
    } else {
        fprintf(err, "listen address \"%s\" must start with unix: or tcp:\n", address);
        return -1;
    }
    if (fd < 0)
        return -1;
    if (listen(fd, LISTEN_BACKLOG) != 0) {
        fprintf(err, "listen on %s: %s\n", address, strerror(errno));
        close(fd);
        return -1;
    }
    /* Workers poll before accepting; a worker that loses the race must not block. */
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

void
listen_remove(const char *address)
{
    if (strncmp(address, "unix:", 5) == 0)
        unlink(address + 5);
}
