/*
 * Clients that go away: half a body, a whole create whose response is never read,
 * a large upload sent slowly and aborted. They run beside the load of
 * tests/support/load.h, which must not notice them.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "tests/support/harness.h"
#include "tests/support/load.h"

#define SLOW_UPLOAD_BYTES 1500000 /* under nginx's client_max_body_size of 2m */
#define SLOW_CHUNK 65536
#define SLOW_CHUNKS 10

static bool
pid_in(int pid, const int *pids, int n)
{
    for (int i = 0; i < n; i++) {
        if (pids[i] == pid)
            return true;
    }
    return false;
}

/* The headers of a cookie-authenticated create, without the blank line. */
static char *
create_head(const struct th_client *c, const char *user_agent, long content_length,
            const char *key)
{
    char *head = malloc(2048);

    snprintf(head, 2048,
             "POST /api/v1/customers HTTP/1.1\r\nHost: %s\r\nCookie: %s\r\n"
             "X-CSRF-Token: %s\r\nContent-Type: application/json\r\nUser-Agent: %s\r\n"
             "Content-Length: %ld\r\n%s%s%s",
             c->host, c->cookie, c->csrf, user_agent, content_length,
             key != NULL ? "Idempotency-Key: " : "", key != NULL ? key : "",
             key != NULL ? "\r\n" : "");
    return head;
}

static char *
create_body(const char *first_name, const char *email)
{
    char *body = malloc(512);

    snprintf(body, 512,
             "{\"kind\":\"person\",\"first_name\":\"%s\",\"last_name\":\"Aborted\","
             "\"email\":\"%s\"}",
             first_name, email);
    return body;
}

/* Sends raw bytes on a new connection and closes it without reading anything. */
static void
send_and_close(const char *head, const char *body, size_t body_len)
{
    int fd = th_http_connect();

    cr_assert(th_send_all(fd, head, strlen(head)) && th_send_all(fd, "\r\n", 2));
    if (body_len > 0)
        th_send_all(fd, body, body_len);
    close(fd);
}

/*
 * Returns the status nginx logged for the request with this User-Agent, waiting
 * up to timeout_ms for the line; 0 when none appeared.
 */
static long
nginx_logged_status(const char *user_agent, int timeout_ms)
{
    const char *path = th_fmt("%s/log/nginx-access.log", th_env("LENDASTACK_VAR"));
    char needle[256];
    double deadline = th_now_ms() + timeout_ms;

    snprintf(needle, sizeof(needle), "user_agent=\"%s\"", user_agent);
    do {
        FILE *f = fopen(path, "r");
        char line[4096];
        long status = 0;

        while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
            const char *s = strstr(line, " status=");

            if (strstr(line, needle) != NULL && s != NULL)
                status = atol(s + 8);
        }
        if (f != NULL)
            fclose(f);
        if (status != 0)
            return status;
        usleep(100000);
    } while (th_now_ms() < deadline);
    return 0;
}

static long long
rows_with_email(const struct th_tenant *t, const char *email)
{
    return th_sql_int(
        th_fmt("SELECT count(*) FROM \"%s\".customers WHERE email = $1", t->schema), email,
        NULL);
}

Test(disconnect, aborted_requests_leave_nothing_half_written, .timeout = 300)
{
    struct th_tenant t;
    struct th_client admin;
    struct load load;
    struct load_config config = {.threads = 4};
    struct load_figures f;
    struct th_response r;
    unsigned char random[4];
    char id[16], half_email[96], whole_email[96], slow_email[96], key[64];
    char ua_half[64], ua_whole[64], ua_slow[64];
    char *head, *body, *chunk;
    int before[64], after[64], n_before, n_after;
    double fault_start, fault_end;
    long long committed_before_retry, whole_rows;
    long half_status, whole_status, slow_status;
    bool replayed;

    cr_assert(getrandom(random, sizeof(random), 0) == sizeof(random));
    snprintf(id, sizeof(id), "%02x%02x%02x%02x", random[0], random[1], random[2], random[3]);
    snprintf(half_email, sizeof(half_email), "half-%s@abort.test", id);
    snprintf(whole_email, sizeof(whole_email), "whole-%s@abort.test", id);
    snprintf(slow_email, sizeof(slow_email), "slow-%s@abort.test", id);
    snprintf(key, sizeof(key), "whole-%s", id);
    snprintf(ua_half, sizeof(ua_half), "lendastack-abort-half-%s", id);
    snprintf(ua_whole, sizeof(ua_whole), "lendastack-abort-whole-%s", id);
    snprintf(ua_slow, sizeof(ua_slow), "lendastack-abort-slow-%s", id);

    th_tenant_create(&t, "abort", NULL);
    th_client_init(&admin, &t);
    th_login_admin(&admin, &t);
    load_start(&load, &t, &admin, "abort", &config);
    cr_assert(load_wait_successes(&load, 0, 50, 60000), "the load did not start");
    n_before = th_worker_pids(before, 64);
    fault_start = load_now(&load);

    /* Half of a body whose Content-Length announces all of it. */
    body = create_body("Half", half_email);
    head = create_head(&admin, ua_half, (long)strlen(body), NULL);
    send_and_close(head, body, strlen(body) / 2);
    free(head);
    free(body);

    /* A whole create, closed before the response is read. */
    body = create_body("Whole", whole_email);
    head = create_head(&admin, ua_whole, (long)strlen(body), key);
    send_and_close(head, body, strlen(body));
    free(head);

    /* A large upload, sent slowly and then aborted. */
    head = create_head(&admin, ua_slow, SLOW_UPLOAD_BYTES, NULL);
    chunk = malloc(SLOW_CHUNK);
    memset(chunk, ' ', SLOW_CHUNK);
    {
        int fd = th_http_connect();
        const char *start = th_fmt("{\"kind\":\"person\",\"first_name\":\"Slow\","
                                   "\"last_name\":\"Aborted\",\"email\":\"%s\",\"notes\":\"",
                                   slow_email);

        cr_assert(th_send_all(fd, head, strlen(head)) && th_send_all(fd, "\r\n", 2) &&
                  th_send_all(fd, start, strlen(start)));
        for (int i = 0; i < SLOW_CHUNKS; i++) {
            cr_assert(th_send_all(fd, chunk, SLOW_CHUNK), "nginx closed the slow upload early");
            usleep(50000);
        }
        close(fd);
    }
    free(chunk);
    free(head);
    fault_end = load_now(&load);

    cr_assert(load_wait_successes(&load, fault_end, 100, 60000), "the load stalled");
    load_stop(&load);

    half_status = nginx_logged_status(ua_half, 10000);
    whole_status = nginx_logged_status(ua_whole, 10000);
    slow_status = nginx_logged_status(ua_slow, 10000);
    cr_assert(half_status == 400 || half_status == 499,
              "nginx logged status %ld for the half body, not the abort (400 or 499)",
              half_status);
    cr_assert(slow_status == 400 || slow_status == 499,
              "nginx logged status %ld for the aborted upload, not the abort (400 or 499)",
              slow_status);
    cr_assert(whole_status == 499 || whole_status == 201,
              "nginx logged status %ld for the create whose answer was not read", whole_status);

    cr_assert_eq(rows_with_email(&t, half_email), 0, "a row was made from half a body");
    cr_assert_eq(rows_with_email(&t, slow_email), 0, "a row was made from an aborted upload");

    /* The whole create committed or not; sent again with its key, it exists exactly once. */
    committed_before_retry = rows_with_email(&t, whole_email);
    cr_assert(committed_before_retry <= 1, "the unread create is stored %lld times",
              committed_before_retry);
    snprintf(admin.idempotency_key, sizeof(admin.idempotency_key), "%s", key);
    r = th_request(&admin, "POST", "/api/v1/customers", body);
    admin.idempotency_key[0] = '\0';
    free(body);
    cr_assert_eq(r.status, 201, "the create sent again failed: %s", r.body);
    {
        char *header = th_header(&r, "Idempotent-Replayed");

        replayed = header != NULL && strcmp(header, "true") == 0;
        free(header);
    }
    cr_assert_eq(replayed, committed_before_retry == 1,
                 "the retry must replay the stored answer exactly when the first create "
                 "committed");
    whole_rows = rows_with_email(&t, whole_email);
    cr_assert_eq(whole_rows, 1, "the create is stored %lld times after the retry", whole_rows);
    cr_assert_eq(
        th_sql_int(th_fmt("SELECT count(*) FROM \"%s\".audit_events a JOIN \"%s\".customers c"
                          " ON a.target_id = c.id::text WHERE c.email = $1"
                          " AND a.action = 'customer.created'",
                          t.schema, t.schema),
                   whole_email, NULL),
        1, "the create has not exactly one audit entry");
    th_response_free(&r);

    n_after = th_worker_pids(after, 64);
    cr_assert_eq(n_after, n_before, "%d workers run after the aborts, %d before", n_after,
                 n_before);
    for (int i = 0; i < n_after; i++)
        cr_assert(pid_in(after[i], before, n_before), "worker %d is new: one died", after[i]);

    load_check(&load, fault_end, &f);
    load_report(&load, "client_disconnects",
                "a client sends half a body, a whole create it does not wait for, and a 1.5 MB "
                "upload that it aborts after 640 KiB",
                fault_start, fault_end, &f,
                json_pack("{s:i, s:{s:i, s:i, s:i}, s:i, s:b, s:I}", "aborts", 3,
                          "nginx_logged_status", "half_body", (int)half_status,
                          "whole_create_unread", (int)whole_status, "slow_upload",
                          (int)slow_status, "incomplete_bodies_stored", 0,
                          "unread_create_committed", committed_before_retry == 1,
                          "unread_create_rows_after_retry", (json_int_t)whole_rows));
    cr_assert_eq(f.failed, 0, "%ld of the load's requests failed beside the aborts", f.failed);
    cr_assert_eq(f.writes_lost, 0);
    cr_assert_eq(f.half_applied, 0);
    cr_assert_eq(f.orphans, 0);
    load_free(&load);
}
