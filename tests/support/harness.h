/*
 * Helpers for the integration and fault suites. Every test talks to the real
 * stack that tests/run started: nginx over HTTP (libcurl), PostgreSQL (libpq) and
 * the tenant command. Each test creates its own tenants with unique slugs, so
 * tests run in parallel without seeing each other.
 *
 * Functions abort the test with a Criterion failure when the stack misbehaves,
 * so a test body only states what it checks.
 */
#ifndef LENDASTACK_TESTS_HARNESS_H
#define LENDASTACK_TESTS_HARNESS_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

struct th_tenant {
    long long id;
    char slug[64];
    char host[128];           /* slug.<base domain> */
    char schema[32];
    char admin_email[128];
    char admin_password[96];
};

struct th_response {
    long status;
    char *body;               /* NUL-terminated; freed by th_response_free */
    size_t length;
    json_t *json;             /* parsed body, or NULL */
    char *headers;            /* raw header block */
};

struct th_client {
    char host[160];           /* Host header sent */
    char cookie[256];         /* "ls_session=..." after sign-in */
    char csrf[128];
    char bearer[256];         /* "lst_..." to send as a bearer token instead */
    char idempotency_key[128];
    char if_match[64];
};

/* Value of an environment variable the harness exported; fails the test if unset. */
const char *th_env(const char *name);

/* Base URL of nginx, e.g. http://127.0.0.1:43121. */
const char *th_url(void);

/*
 * Creates a tenant with a unique slug starting with prefix and an active
 * administrator whose password is set, using the tenant command. extra are more
 * `tenant create` options (or NULL), e.g. "--timezone Pacific/Auckland".
 */
void th_tenant_create(struct th_tenant *t, const char *prefix, const char *extra);

/* Runs the tenant command with a shell-quoted argument string; returns its exit status
 * and, when output is not NULL, what it printed on stdout and stderr (malloc'd). */
int th_tenant_cmd(const char *args, char **output);

/* Runs scripts/stack with arguments, e.g. "stop redis"; returns the exit status. */
int th_stack(const char *args);

/* Prepares a client for a tenant's host (no credentials). */
void th_client_init(struct th_client *c, const struct th_tenant *t);

/* Signs in; on success stores the cookie and CSRF token and returns true. */
bool th_login(struct th_client *c, const char *email, const char *password);

/* Signs in as the tenant's administrator, failing the test otherwise. */
void th_login_admin(struct th_client *c, const struct th_tenant *t);

/*
 * Sends a request through nginx. body is JSON text or NULL; content_type NULL
 * means application/json when there is a body. The client's credentials, CSRF
 * token, Idempotency-Key and If-Match (when set) go along.
 */
struct th_response th_request(struct th_client *c, const char *method, const char *path,
                              const char *body);
struct th_response th_request_typed(struct th_client *c, const char *method, const char *path,
                                    const char *body, size_t body_len, const char *content_type,
                                    const char *const *extra_headers);

/* Formats a path or body with printf rules into a static buffer ring (8 entries). */
const char *th_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Returns a response header's value (malloc'd, trimmed), or NULL. */
char *th_header(const struct th_response *r, const char *name);

/* Returns a string member at a dotted path of the response JSON, e.g. "user.email". */
const char *th_json_str(const struct th_response *r, const char *path);
long long th_json_int(const struct th_response *r, const char *path);

void th_response_free(struct th_response *r);

/*
 * A connection as the PostgreSQL superuser, for checks and fault injection. It is
 * opened again when the server closed it, for example after a restart.
 */
PGconn *th_db(void);

/* Runs SQL returning one value as an integer; params are text, NULL-terminated. */
long long th_sql_int(const char *sql, ...);

/* Runs SQL returning one text value (malloc'd; NULL for SQL NULL or no row). */
char *th_sql_text(const char *sql, ...);

/* Runs SQL that returns nothing; fails the test on error. */
void th_sql_exec(const char *sql);

/* Waits until GET path answers with status, up to timeout_ms; returns true if it did. */
bool th_wait_status(const char *host, const char *path, long status, int timeout_ms);

/* Pids of the server's workers (children of the master); returns how many. */
int th_worker_pids(int *pids, int max);

/* Pid of the server's master process. */
int th_master_pid(void);

/*
 * Opens a TCP connection to nginx for requests that libcurl cannot send: raw
 * paths, broken headers, partial bodies. Returns the socket; fails the test if
 * nginx does not accept.
 */
int th_http_connect(void);

/* Sends all of data on a socket; returns false when the peer closed it. */
bool th_send_all(int fd, const void *data, size_t len);

/*
 * Reads from a socket until the peer closes it or timeout_ms pass. Returns what
 * was read (malloc'd, NUL-terminated, *len bytes), and sets *closed to whether
 * the peer closed the connection (an orderly close or a reset) in time.
 */
char *th_read_until_close(int fd, int timeout_ms, size_t *len, bool *closed);

/*
 * Sends a complete raw HTTP request on a new connection and returns the whole
 * response as th_read_until_close() does. The request should carry
 * "Connection: close", or the read lasts until timeout_ms.
 */
char *th_raw(const char *request, size_t request_len, int timeout_ms, size_t *len);

/* Status code of a raw HTTP/1.x response, or 0 when it has no status line. */
long th_raw_status(const char *response);

/* Milliseconds on the monotonic clock, for measuring waits. */
double th_now_ms(void);

#endif
