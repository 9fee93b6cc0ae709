/*
 * A FastCGI responder that does no work, for the FastCGI ceiling in
 * scripts/bench. It listens on a unix socket and forks into a fixed number of
 * processes, like lendastack-server's workers. It responds to every request
 * with the same status, headers and body bytes, so nginx and libfcgi carry a
 * response of the product's size with nothing computed.
 *
 * usage: empty-responder SOCKET PROCESSES BODY_FILE
 *
 * The body is read once from BODY_FILE. The processes run until a signal ends
 * them; scripts/bench starts them in a process group of their own and stops
 * the group by its id.
 */
#include <errno.h>
#include <fcgiapp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LISTEN_BACKLOG 1024 /* the same backlog as lendastack-server's socket */
#define PROCESSES_MAX 256
#define BODY_MAX (1024 * 1024)

static const char response_head[] = "Status: 200 OK\r\n"
                                    "Content-Type: application/json\r\n"
                                    "Cache-Control: no-store\r\n"
                                    "ETag: \"1\"\r\n"
                                    "\r\n";

static char *
read_body(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *body;

    if (f == NULL) {
        fprintf(stderr, "empty-responder: failed to open %s: %s\n", path, strerror(errno));
        return NULL;
    }
    body = malloc(BODY_MAX);
    if (body == NULL) {
        fclose(f);
        return NULL;
    }
    *len = fread(body, 1, BODY_MAX, f);
    if (ferror(f) || !feof(f)) {
        fprintf(stderr, "empty-responder: %s is unreadable or larger than %d bytes\n", path,
                BODY_MAX);
        fclose(f);
        free(body);
        return NULL;
    }
    fclose(f);
    return body;
}

static void
serve(int listen_fd, const char *body, size_t body_len)
{
    FCGX_Request request;

    if (FCGX_InitRequest(&request, listen_fd, 0) != 0) {
        fprintf(stderr, "empty-responder: FCGX_InitRequest failed\n");
        exit(1);
    }
    while (FCGX_Accept_r(&request) >= 0) {
        FCGX_PutStr(response_head, (int)sizeof(response_head) - 1, request.out);
        FCGX_PutStr(body, (int)body_len, request.out);
        FCGX_Finish_r(&request);
    }
}

int
main(int argc, char **argv)
{
    char *end;
    long processes;
    size_t body_len = 0;
    char *body;
    int listen_fd;

    if (argc != 4) {
        fprintf(stderr, "usage: empty-responder SOCKET PROCESSES BODY_FILE\n");
        return 2;
    }
    processes = strtol(argv[2], &end, 10);
    if (*end != '\0' || processes < 1 || processes > PROCESSES_MAX) {
        fprintf(stderr, "empty-responder: PROCESSES must be 1 to %d, got %s\n", PROCESSES_MAX,
                argv[2]);
        return 2;
    }
    if ((body = read_body(argv[3], &body_len)) == NULL)
        return 1;
    if (FCGX_Init() != 0) {
        fprintf(stderr, "empty-responder: FCGX_Init failed\n");
        return 1;
    }
    /* FCGX_OpenSocket removes an existing file at SOCKET, so the caller checks that no server uses it. */
    listen_fd = FCGX_OpenSocket(argv[1], LISTEN_BACKLOG);
    if (listen_fd < 0) {
        fprintf(stderr, "empty-responder: failed to listen on %s\n", argv[1]);
        return 1;
    }
    if (chmod(argv[1], 0660) != 0) {
        fprintf(stderr, "empty-responder: chmod of %s failed: %s\n", argv[1], strerror(errno));
        return 1;
    }
    for (long i = 1; i < processes; i++) {
        pid_t pid = fork();

        if (pid < 0) {
            fprintf(stderr, "empty-responder: fork failed: %s\n", strerror(errno));
            return 1;
        }
        if (pid == 0)
            break;
    }
    serve(listen_fd, body, body_len);
    return 0;
}
