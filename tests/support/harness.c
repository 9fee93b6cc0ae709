#include <criterion/criterion.h>
#include <ctype.h>
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/support/harness.h"

#define FMT_SLOTS 8
#define FMT_SIZE 65536

struct growing {
    char *data;
    size_t len;
};

static PGconn *th_conn;

const char *
th_env(const char *name)
{
    const char *value = getenv(name);

    cr_assert(value != NULL && *value != '\0',
              "%s is not set: run the suites through tests/run, which starts the stack", name);
    return value;
}

const char *
th_url(void)
{
    return th_env("LENDASTACK_HTTP_URL");
}

const char *
th_fmt(const char *fmt, ...)
{
    static char ring[FMT_SLOTS][FMT_SIZE];
    static int next;
    char *slot = ring[next++ % FMT_SLOTS];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(slot, FMT_SIZE, fmt, ap);
    va_end(ap);
    return slot;
}

static char *
th_run(const char *command, const char *input, int *status)
{
    char path[] = "/tmp/lendastack-test-XXXXXX";
    int fd = mkstemp(path);
    char *full;
    FILE *p;
    struct growing out = {NULL, 0};
    char chunk[4096];
    size_t n;
    FILE *f;

    cr_assert(fd >= 0, "mkstemp failed");
    close(fd);
    full = malloc(strlen(command) + strlen(path) + 32);
    sprintf(full, "%s >%s 2>&1", command, path);
    p = popen(full, "w");
    cr_assert(p != NULL, "cannot run %s", command);
    if (input != NULL)
        fputs(input, p);
    *status = pclose(p);
    *status = WIFEXITED(*status) ? WEXITSTATUS(*status) : 255;
    free(full);
    f = fopen(path, "r");
    while (f != NULL && (n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        out.data = realloc(out.data, out.len + n + 1);
        memcpy(out.data + out.len, chunk, n);
        out.len += n;
    }
    if (f != NULL)
        fclose(f);
    unlink(path);
    if (out.data == NULL)
        out.data = calloc(1, 1);
    out.data[out.len] = '\0';
    return out.data;
}

int
th_tenant_cmd(const char *args, char **output)
{
    char *command = malloc(strlen(args) + 512);
    char *printed;
    int status;

    sprintf(command, "%s/scripts/tenant %s", th_env("LENDASTACK_REPO"), args);
    printed = th_run(command, NULL, &status);
    free(command);
    if (output != NULL)
        *output = printed;
    else
        free(printed);
    return status;
}

int
th_stack(const char *args)
{
    char command[1024];
    char *printed;
    int status;

    snprintf(command, sizeof(command), "%s/scripts/stack %s", th_env("LENDASTACK_REPO"), args);
    printed = th_run(command, NULL, &status);
    if (status != 0)
        fprintf(stderr, "scripts/stack %s failed (%d):\n%s\n", args, status, printed);
    free(printed);
    return status;
}

void
th_tenant_create(struct th_tenant *t, const char *prefix, const char *extra)
{
    unsigned char random[4];
    char *output;
    json_t *created;
    int status;

    memset(t, 0, sizeof(*t));
    cr_assert(getrandom(random, sizeof(random), 0) == sizeof(random));
    snprintf(t->slug, sizeof(t->slug), "%s-%02x%02x%02x%02x", prefix, random[0], random[1],
             random[2], random[3]);
    snprintf(t->admin_email, sizeof(t->admin_email), "admin@%s.test", t->slug);
    snprintf(t->admin_password, sizeof(t->admin_password), "pass-%s-word", t->slug);
    status = th_tenant_cmd(th_fmt("create %s --name 'Test %s' --admin-email %s --json %s", t->slug,
                                  t->slug, t->admin_email, extra != NULL ? extra : ""),
                           &output);
    cr_assert(status == 0, "tenant create %s failed: %s", t->slug, output);
    created = json_loads(strrchr(output, '{') != NULL ? strstr(output, "{\"id\"") : "", 0, NULL);
    cr_assert(created != NULL, "tenant create printed no JSON: %s", output);
    t->id = json_integer_value(json_object_get(created, "id"));
    snprintf(t->schema, sizeof(t->schema), "%s", json_string_value(json_object_get(created, "schema")));
    snprintf(t->host, sizeof(t->host), "%s.%s", t->slug, th_env("LENDASTACK_BASE_DOMAIN"));
    json_decref(created);
    free(output);

    output = th_run(th_fmt("%s/scripts/tenant set-password %s %s", th_env("LENDASTACK_REPO"),
                           t->slug, t->admin_email),
                    th_fmt("%s\n", t->admin_password), &status);
    cr_assert(status == 0, "tenant set-password failed: %s", output);
    free(output);
}

void
th_client_init(struct th_client *c, const struct th_tenant *t)
{
    memset(c, 0, sizeof(*c));
    if (t != NULL)
        snprintf(c->host, sizeof(c->host), "%s", t->host);
}

static size_t
th_collect(char *data, size_t size, size_t count, void *user)
{
    struct growing *g = user;
    size_t n = size * count;

    g->data = realloc(g->data, g->len + n + 1);
    memcpy(g->data + g->len, data, n);
    g->len += n;
    g->data[g->len] = '\0';
    return n;
}

struct th_response
th_request_typed(struct th_client *c, const char *method, const char *path, const char *body,
                 size_t body_len, const char *content_type, const char *const *extra_headers)
{
    static bool initialised;
    struct th_response r = {0};
    struct growing data = {NULL, 0}, head = {NULL, 0};
    struct curl_slist *headers = NULL;
    CURL *curl;
    CURLcode rc;
    char line[1024];

    if (!initialised) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        initialised = true;
    }
    curl = curl_easy_init();
    cr_assert(curl != NULL);
    curl_easy_setopt(curl, CURLOPT_URL, th_fmt("%s%s", th_url(), path));
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 120L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, th_collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &data);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, th_collect);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &head);
    if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    if (c != NULL && c->host[0] != '\0') {
        snprintf(line, sizeof(line), "Host: %s", c->host);
        headers = curl_slist_append(headers, line);
    }
    if (c != NULL && c->cookie[0] != '\0')
        curl_easy_setopt(curl, CURLOPT_COOKIE, c->cookie);
    if (c != NULL && c->csrf[0] != '\0') {
        snprintf(line, sizeof(line), "X-CSRF-Token: %s", c->csrf);
        headers = curl_slist_append(headers, line);
    }
    if (c != NULL && c->bearer[0] != '\0') {
        snprintf(line, sizeof(line), "Authorization: Bearer %s", c->bearer);
        headers = curl_slist_append(headers, line);
    }
    if (c != NULL && c->idempotency_key[0] != '\0') {
        snprintf(line, sizeof(line), "Idempotency-Key: %s", c->idempotency_key);
        headers = curl_slist_append(headers, line);
    }
    if (c != NULL && c->if_match[0] != '\0') {
        snprintf(line, sizeof(line), "If-Match: %s", c->if_match);
        headers = curl_slist_append(headers, line);
    }
    if (body != NULL) {
        snprintf(line, sizeof(line), "Content-Type: %s",
                 content_type != NULL ? content_type : "application/json");
        headers = curl_slist_append(headers, line);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
    }
    for (size_t i = 0; extra_headers != NULL && extra_headers[i] != NULL; i++)
        headers = curl_slist_append(headers, extra_headers[i]);
    headers = curl_slist_append(headers, "Expect:");
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);

    rc = curl_easy_perform(curl);
    cr_assert(rc == CURLE_OK, "%s %s failed: %s", method, path, curl_easy_strerror(rc));
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r.status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);

    r.body = data.data != NULL ? data.data : calloc(1, 1);
    r.length = data.len;
    r.headers = head.data != NULL ? head.data : calloc(1, 1);
    r.json = json_loadb(r.body, r.length, JSON_DECODE_ANY, NULL);
    return r;
}

struct th_response
th_request(struct th_client *c, const char *method, const char *path, const char *body)
{
    return th_request_typed(c, method, path, body, body != NULL ? strlen(body) : 0, NULL, NULL);
}

char *
th_header(const struct th_response *r, const char *name)
{
    size_t n = strlen(name);

    for (const char *line = r->headers; line != NULL && *line != '\0';) {
        const char *end = strstr(line, "\r\n");
        size_t len = end != NULL ? (size_t)(end - line) : strlen(line);

        if (len > n && strncasecmp(line, name, n) == 0 && line[n] == ':') {
            const char *v = line + n + 1;
            size_t vlen = len - n - 1;

            while (vlen > 0 && isspace((unsigned char)*v)) {
                v++;
                vlen--;
            }
            return strndup(v, vlen);
        }
        line = end != NULL ? end + 2 : NULL;
    }
    return NULL;
}

static const json_t *
th_json_at(const struct th_response *r, const char *path)
{
    const json_t *v = r->json;
    char key[256];
    const char *p = path;

    while (v != NULL && *p != '\0') {
        size_t n = strcspn(p, ".");

        snprintf(key, sizeof(key), "%.*s", (int)n, p);
        if (json_is_array(v))
            v = json_array_get(v, (size_t)atoi(key));
        else
            v = json_object_get(v, key);
        p += n;
        if (*p == '.')
            p++;
    }
    return v;
}

const char *
th_json_str(const struct th_response *r, const char *path)
{
    return json_string_value(th_json_at(r, path));
}

long long
th_json_int(const struct th_response *r, const char *path)
{
    return json_integer_value(th_json_at(r, path));
}

void
th_response_free(struct th_response *r)
{
    free(r->body);
    free(r->headers);
    if (r->json != NULL)
        json_decref(r->json);
    memset(r, 0, sizeof(*r));
}

bool
th_login(struct th_client *c, const char *email, const char *password)
{
    json_t *body = json_pack("{s:s, s:s}", "email", email, "password", password);
    char *text = json_dumps(body, JSON_COMPACT);
    struct th_response r = th_request(c, "POST", "/api/v1/auth/login", text);
    char *cookie = th_header(&r, "Set-Cookie");
    bool ok = r.status == 200 && cookie != NULL;

    if (ok) {
        snprintf(c->cookie, sizeof(c->cookie), "%.*s", (int)strcspn(cookie, ";"), cookie);
        snprintf(c->csrf, sizeof(c->csrf), "%s", th_json_str(&r, "csrf_token"));
    }
    free(cookie);
    free(text);
    json_decref(body);
    th_response_free(&r);
    return ok;
}

void
th_login_admin(struct th_client *c, const struct th_tenant *t)
{
    cr_assert(th_login(c, t->admin_email, t->admin_password), "the administrator of %s cannot sign in",
              t->slug);
}

PGconn *
th_db(void)
{
    if (th_conn == NULL || PQstatus(th_conn) != CONNECTION_OK) {
        if (th_conn != NULL)
            PQfinish(th_conn);
        th_conn = PQconnectdb(th_env("LENDASTACK_PG_SUPER"));
        cr_assert(PQstatus(th_conn) == CONNECTION_OK, "cannot connect to PostgreSQL: %s",
                  PQerrorMessage(th_conn));
    }
    return th_conn;
}

static bool
th_sql_ok(const PGresult *res)
{
    return PQresultStatus(res) == PGRES_TUPLES_OK || PQresultStatus(res) == PGRES_COMMAND_OK;
}

/*
 * Runs SQL once more on a new connection when the old one turned out to be
 * broken, as it is after PostgreSQL restarted under it.
 */
static PGresult *
th_sql_send(const char *sql, int n, const char *const *params)
{
    /* Without parameters the simple protocol runs, which takes several statements. */
    if (params == NULL)
        return PQexec(th_db(), sql);
    return PQexecParams(th_db(), sql, n, NULL, params, NULL, NULL, 0);
}

static PGresult *
th_sql_run(const char *sql, int n, const char *const *params)
{
    PGresult *res = th_sql_send(sql, n, params);

    if (!th_sql_ok(res) && PQstatus(th_conn) == CONNECTION_BAD) {
        PQclear(res);
        res = th_sql_send(sql, n, params);
    }
    cr_assert(th_sql_ok(res), "SQL failed: %s\n%s", PQerrorMessage(th_db()), sql);
    return res;
}

static PGresult *
th_sql(const char *sql, va_list ap)
{
    const char *params[16];
    int n = 0;
    const char *p;

    while ((p = va_arg(ap, const char *)) != NULL && n < 16)
        params[n++] = p;
    return th_sql_run(sql, n, params);
}

long long
th_sql_int(const char *sql, ...)
{
    va_list ap;
    PGresult *res;
    long long value;

    va_start(ap, sql);
    res = th_sql(sql, ap);
    va_end(ap);
    cr_assert(PQntuples(res) == 1, "expected one row from: %s", sql);
    value = atoll(PQgetvalue(res, 0, 0));
    PQclear(res);
    return value;
}

char *
th_sql_text(const char *sql, ...)
{
    va_list ap;
    PGresult *res;
    char *value = NULL;

    va_start(ap, sql);
    res = th_sql(sql, ap);
    va_end(ap);
    if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0))
        value = strdup(PQgetvalue(res, 0, 0));
    PQclear(res);
    return value;
}

void
th_sql_exec(const char *sql)
{
    PQclear(th_sql_run(sql, 0, NULL));
}

bool
th_wait_status(const char *host, const char *path, long status, int timeout_ms)
{
    struct th_client c;
    struct timespec start, now;

    memset(&c, 0, sizeof(c));
    if (host != NULL)
        snprintf(c.host, sizeof(c.host), "%s", host);
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        struct th_response r = th_request(&c, "GET", path, NULL);
        bool done = r.status == status;

        th_response_free(&r);
        if (done)
            return true;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 > timeout_ms)
            return false;
        usleep(50000);
    }
}

int
th_master_pid(void)
{
    FILE *f = fopen(th_env("LENDASTACK_PID_FILE"), "r");
    int pid = 0;

    cr_assert(f != NULL, "no pid file: is the server running?");
    cr_assert(fscanf(f, "%d", &pid) == 1);
    fclose(f);
    return pid;
}

int
th_worker_pids(int *pids, int max)
{
    int master = th_master_pid();
    DIR *proc = opendir("/proc");
    struct dirent *e;
    int n = 0;

    while (proc != NULL && (e = readdir(proc)) != NULL && n < max) {
        char path[300], buf[512];
        FILE *f;
        int pid, ppid;
        char state;

        if (!isdigit((unsigned char)e->d_name[0]))
            continue;
        snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
        if ((f = fopen(path, "r")) == NULL)
            continue;
        if (fgets(buf, sizeof(buf), f) != NULL) {
            char *close_paren = strrchr(buf, ')');

            if (close_paren != NULL && sscanf(close_paren + 2, "%c %d", &state, &ppid) == 2 &&
                ppid == master && state != 'Z') {
                pid = atoi(e->d_name);
                pids[n++] = pid;
            }
        }
        fclose(f);
    }
    if (proc != NULL)
        closedir(proc);
    return n;
}

double
th_now_ms(void)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec * 1e3 + (double)now.tv_nsec / 1e6;
}

int
th_http_connect(void)
{
    struct sockaddr_in address = {0};
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    long port = atol(th_env("LENDASTACK_HTTP_PORT"));

    cr_assert(fd >= 0, "socket: %s", strerror(errno));
    address.sin_family = AF_INET;
    address.sin_port = htons((uint16_t)port);
    cr_assert_eq(inet_pton(AF_INET, th_env("LENDASTACK_HTTP_ADDR"), &address.sin_addr), 1);
    cr_assert_eq(connect(fd, (struct sockaddr *)&address, sizeof(address)), 0,
                 "cannot connect to nginx on port %ld: %s", port, strerror(errno));
    return fd;
}

bool
th_send_all(int fd, const void *data, size_t len)
{
    const char *p = data;

    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

char *
th_read_until_close(int fd, int timeout_ms, size_t *len, bool *closed)
{
    struct growing in = {NULL, 0};
    double deadline = th_now_ms() + timeout_ms;
    char chunk[16384];

    *closed = false;
    for (;;) {
        struct pollfd pfd = {fd, POLLIN, 0};
        double left = deadline - th_now_ms();
        ssize_t n;

        if (left <= 0)
            break;
        if (poll(&pfd, 1, (int)left + 1) <= 0)
            continue;
        n = recv(fd, chunk, sizeof(chunk), 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            *closed = true;
            break;
        }
        th_collect(chunk, 1, (size_t)n, &in);
    }
    if (in.data == NULL)
        in.data = calloc(1, 1);
    *len = in.len;
    return in.data;
}

char *
th_raw(const char *request, size_t request_len, int timeout_ms, size_t *len)
{
    int fd = th_http_connect();
    bool closed;
    char *answer;

    cr_assert(th_send_all(fd, request, request_len), "nginx closed the connection while the "
                                                     "request was sent");
    answer = th_read_until_close(fd, timeout_ms, len, &closed);
    close(fd);
    return answer;
}

long
th_raw_status(const char *response)
{
    long status = 0;

    if (strncmp(response, "HTTP/1.", 7) != 0 || sscanf(response + 8, " %3ld", &status) != 1)
        return 0;
    return status;
}
