/*
 * Load generator of the multi-host suite: a bounded, paced mix of reads and
 * writes through nginx over HTTPS, alternating between tenants.
 *
 * Each request is one of: GET /api/v1/auth/me, GET /api/v1/users (whose items
 * must all belong to the request's tenant), or POST /api/v1/users inviting a
 * unique address. Every invitation that gets 201 is appended to the acknowledged
 * file as "SLUG EMAIL", so the runner can look for it in PostgreSQL afterwards.
 * Every other response is a failure and goes to the log with its time.
 *
 * Usage:
 *   multihost-load --connect ADDRESS:PORT --cacert FILE --requests N --rate PER_SECOND
 *                  --concurrency N --run-id TEXT --acked FILE --log FILE
 *                  --tenant SLUG,HOST,COOKIE,CSRF,ROLE_ID [--tenant ...]
 *
 * Prints one key=value summary line and exits 0 when no read failed and no list
 * contained another tenant's row, 1 otherwise, 2 on a usage error.
 */
#include <curl/curl.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LOAD_TENANTS_MAX 4
#define LOAD_CONCURRENCY_MAX 64
#define LOAD_BODY_MAX (1024 * 1024)

enum load_kind { LOAD_ME, LOAD_LIST, LOAD_INVITE };

struct load_tenant {
    char slug[64];
    char host[160];
    char cookie[256];
    char csrf[128];
    long role_id;
    struct curl_slist *connect_to; /* sends the host name to nginx's address */
};

struct load_slot {
    CURL *easy;
    struct curl_slist *headers;
    enum load_kind kind;
    const struct load_tenant *tenant;
    char email[200];
    char body[512];
    char *response;
    size_t response_len;
    double started_ms;
    bool busy;
};

struct load_totals {
    long requests;
    long reads;
    long reads_failed;
    long writes;
    long writes_acked;
    long writes_failed;
    long lists_checked;
    long cross_tenant_rows;
    double max_latency_ms;
};

static struct load_tenant tenants[LOAD_TENANTS_MAX];
static int tenant_count;
static FILE *acked_file;
static FILE *log_file;
static double start_ms;

static double
load_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static size_t
load_collect(char *data, size_t size, size_t count, void *user)
{
    struct load_slot *slot = user;
    size_t n = size * count;
    char *grown;

    if (slot->response_len + n > LOAD_BODY_MAX)
        return 0;
    grown = realloc(slot->response, slot->response_len + n + 1);
    if (grown == NULL)
        return 0;
    slot->response = grown;
    memcpy(slot->response + slot->response_len, data, n);
    slot->response_len += n;
    slot->response[slot->response_len] = '\0';
    return n;
}

/* Parses "SLUG,HOST,COOKIE,CSRF,ROLE_ID". */
static bool
load_parse_tenant(const char *spec, struct load_tenant *t)
{
    char copy[1024];
    char *fields[5];
    char *save = NULL;
    int n = 0;

    if (strlen(spec) >= sizeof(copy))
        return false;
    strcpy(copy, spec);
    for (char *tok = strtok_r(copy, ",", &save); tok != NULL && n < 5; tok = strtok_r(NULL, ",", &save))
        fields[n++] = tok;
    if (n != 5)
        return false;
    snprintf(t->slug, sizeof(t->slug), "%s", fields[0]);
    snprintf(t->host, sizeof(t->host), "%s", fields[1]);
    snprintf(t->cookie, sizeof(t->cookie), "%s", fields[2]);
    snprintf(t->csrf, sizeof(t->csrf), "%s", fields[3]);
    t->role_id = strtol(fields[4], NULL, 10);
    return t->role_id > 0;
}

/* Counts list items whose email is not in the tenant's own domain. */
static long
load_foreign_rows(const struct load_slot *slot)
{
    char suffix[96];
    json_t *root = json_loads(slot->response != NULL ? slot->response : "", 0, NULL);
    json_t *items = json_object_get(root, "items");
    size_t i;
    json_t *item;
    long foreign = 0;

    snprintf(suffix, sizeof(suffix), "@%s.test", slot->tenant->slug);
    if (!json_is_array(items)) {
        json_decref(root);
        return -1;
    }
    json_array_foreach(items, i, item) {
        const char *email = json_string_value(json_object_get(item, "email"));
        size_t len = email != NULL ? strlen(email) : 0;

        if (email == NULL || len < strlen(suffix) || strcmp(email + len - strlen(suffix), suffix) != 0) {
            fprintf(log_file, "cross_tenant_row tenant=%s email=%s\n", slot->tenant->slug,
                    email != NULL ? email : "(none)");
            foreign++;
        }
    }
    json_decref(root);
    return foreign;
}

static void
load_start(struct load_slot *slot, CURLM *multi, long index, const char *run_id,
           const char *cacert)
{
    static const char *const paths[] = {"/api/v1/auth/me", "/api/v1/users?limit=200", "/api/v1/users"};
    const struct load_tenant *t = &tenants[index % tenant_count];
    char url[256], header[512];

    slot->tenant = t;
    /* One write in four; the reads alternate between the two kinds. */
    slot->kind = index % 4 == 0 ? LOAD_INVITE : (index % 4 == 2 ? LOAD_LIST : LOAD_ME);
    slot->response_len = 0;
    slot->email[0] = '\0';
    snprintf(url, sizeof(url), "https://%s%s", t->host, paths[slot->kind]);

    curl_easy_reset(slot->easy);
    curl_easy_setopt(slot->easy, CURLOPT_URL, url);
    curl_easy_setopt(slot->easy, CURLOPT_CAINFO, cacert);
    curl_easy_setopt(slot->easy, CURLOPT_WRITEFUNCTION, load_collect);
    curl_easy_setopt(slot->easy, CURLOPT_WRITEDATA, slot);
    curl_easy_setopt(slot->easy, CURLOPT_TIMEOUT_MS, 30000L);
    curl_easy_setopt(slot->easy, CURLOPT_NOSIGNAL, 1L);

    curl_slist_free_all(slot->headers);
    slot->headers = NULL;
    curl_easy_setopt(slot->easy, CURLOPT_CONNECT_TO, t->connect_to);
    snprintf(header, sizeof(header), "Cookie: %s", t->cookie);
    slot->headers = curl_slist_append(slot->headers, header);
    if (slot->kind == LOAD_INVITE) {
        char email[sizeof(slot->email)];

        snprintf(email, sizeof(email), "load-%s-%ld@%s.test", run_id, index, t->slug);
        memcpy(slot->email, email, sizeof(email));
        snprintf(slot->body, sizeof(slot->body),
                 "{\"email\":\"%s\",\"display_name\":\"Load %ld\",\"role_id\":%ld}", email,
                 index, t->role_id);
        snprintf(header, sizeof(header), "X-CSRF-Token: %s", t->csrf);
        slot->headers = curl_slist_append(slot->headers, header);
        slot->headers = curl_slist_append(slot->headers, "Content-Type: application/json");
        curl_easy_setopt(slot->easy, CURLOPT_POSTFIELDS, slot->body);
    }
    curl_easy_setopt(slot->easy, CURLOPT_HTTPHEADER, slot->headers);
    slot->started_ms = load_now_ms();
    slot->busy = true;
    curl_multi_add_handle(multi, slot->easy);
}

static void
load_finish(struct load_slot *slot, CURLcode code, struct load_totals *totals)
{
    static const char *const names[] = {"GET /api/v1/auth/me", "GET /api/v1/users",
                                        "POST /api/v1/users"};
    double now = load_now_ms();
    double latency = now - slot->started_ms;
    long status = 0;

    slot->busy = false;
    curl_easy_getinfo(slot->easy, CURLINFO_RESPONSE_CODE, &status);
    if (code != CURLE_OK)
        status = 0;
    if (latency > totals->max_latency_ms)
        totals->max_latency_ms = latency;
    totals->requests++;

    if (slot->kind == LOAD_INVITE) {
        totals->writes++;
        if (status == 201) {
            totals->writes_acked++;
            fprintf(acked_file, "%s %s\n", slot->tenant->slug, slot->email);
            return;
        }
        totals->writes_failed++;
    } else {
        totals->reads++;
        if (status == 200) {
            if (slot->kind == LOAD_LIST) {
                long foreign = load_foreign_rows(slot);

                totals->lists_checked++;
                if (foreign != 0)
                    totals->cross_tenant_rows += foreign < 0 ? 1 : foreign;
            }
            return;
        }
        totals->reads_failed++;
    }
    fprintf(log_file, "failed at_ms=%.0f request=\"%s\" tenant=%s status=%ld curl=\"%s\" body=%.200s\n",
            slot->started_ms - start_ms, names[slot->kind], slot->tenant->slug, status,
            curl_easy_strerror(code), slot->response != NULL ? slot->response : "");
}

static void
load_usage(void)
{
    fprintf(stderr, "usage: multihost-load --connect ADDRESS:PORT --cacert FILE --requests N "
                    "--rate PER_SECOND --concurrency N --run-id TEXT --acked FILE --log FILE "
                    "--tenant SLUG,HOST,COOKIE,CSRF,ROLE_ID [--tenant ...]\n");
}

int
main(int argc, char **argv)
{
    const char *connect_to = NULL, *cacert = NULL, *run_id = NULL;
    const char *acked_path = NULL, *log_path = NULL;
    long total = 0, rate = 0, concurrency = 0, issued = 0;
    struct load_slot slots[LOAD_CONCURRENCY_MAX];
    struct load_totals totals = {0};
    CURLM *multi;
    int running = 0;

    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--connect") == 0)
            connect_to = argv[i + 1];
        else if (strcmp(argv[i], "--cacert") == 0)
            cacert = argv[i + 1];
        else if (strcmp(argv[i], "--requests") == 0)
            total = strtol(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--rate") == 0)
            rate = strtol(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--concurrency") == 0)
            concurrency = strtol(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--run-id") == 0)
            run_id = argv[i + 1];
        else if (strcmp(argv[i], "--acked") == 0)
            acked_path = argv[i + 1];
        else if (strcmp(argv[i], "--log") == 0)
            log_path = argv[i + 1];
        else if (strcmp(argv[i], "--tenant") == 0 && tenant_count < LOAD_TENANTS_MAX) {
            if (!load_parse_tenant(argv[i + 1], &tenants[tenant_count++])) {
                fprintf(stderr, "multihost-load: invalid --tenant %s\n", argv[i + 1]);
                return 2;
            }
        } else {
            load_usage();
            return 2;
        }
    }
    if (connect_to == NULL || cacert == NULL || run_id == NULL || acked_path == NULL ||
        log_path == NULL || tenant_count == 0 || total <= 0 || rate <= 0 || concurrency <= 0 ||
        concurrency > LOAD_CONCURRENCY_MAX) {
        load_usage();
        return 2;
    }
    acked_file = fopen(acked_path, "w");
    log_file = fopen(log_path, "w");
    if (acked_file == NULL || log_file == NULL) {
        fprintf(stderr, "multihost-load: failed to open %s or %s\n", acked_path, log_path);
        return 2;
    }
    setvbuf(log_file, NULL, _IOLBF, 0);

    curl_global_init(CURL_GLOBAL_DEFAULT);
    for (int i = 0; i < tenant_count; i++) {
        char target[256];

        /* The tenant's host name goes to nginx's address, and TLS still checks the name. */
        snprintf(target, sizeof(target), "%s:443:%s", tenants[i].host, connect_to);
        tenants[i].connect_to = curl_slist_append(NULL, target);
    }
    multi = curl_multi_init();
    memset(slots, 0, sizeof(slots));
    for (long i = 0; i < concurrency; i++)
        slots[i].easy = curl_easy_init();

    start_ms = load_now_ms();
    while (issued < total || running > 0) {
        CURLMsg *msg;
        int left;

        /* Requests start on a fixed schedule, so the run lasts total / rate seconds. */
        for (long i = 0; i < concurrency && issued < total; i++) {
            if (slots[i].busy || load_now_ms() < start_ms + (double)issued * 1000.0 / (double)rate)
                continue;
            load_start(&slots[i], multi, issued++, run_id, cacert);
        }
        curl_multi_perform(multi, &running);
        while ((msg = curl_multi_info_read(multi, &left)) != NULL) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            for (long i = 0; i < concurrency; i++) {
                if (slots[i].easy == msg->easy_handle) {
                    CURLcode code = msg->data.result;

                    curl_multi_remove_handle(multi, slots[i].easy);
                    load_finish(&slots[i], code, &totals);
                }
            }
        }
        curl_multi_poll(multi, NULL, 0, 5, NULL);
        running = 0;
        for (long i = 0; i < concurrency; i++)
            running += slots[i].busy;
    }

    printf("requests=%ld reads=%ld reads_failed=%ld writes=%ld writes_acked=%ld writes_failed=%ld "
           "lists_checked=%ld cross_tenant_rows=%ld max_latency_ms=%.0f duration_s=%.1f\n",
           totals.requests, totals.reads, totals.reads_failed, totals.writes, totals.writes_acked,
           totals.writes_failed, totals.lists_checked, totals.cross_tenant_rows,
           totals.max_latency_ms, (load_now_ms() - start_ms) / 1000.0);
    for (long i = 0; i < concurrency; i++) {
        curl_slist_free_all(slots[i].headers);
        free(slots[i].response);
        curl_easy_cleanup(slots[i].easy);
    }
    curl_multi_cleanup(multi);
    for (int i = 0; i < tenant_count; i++)
        curl_slist_free_all(tenants[i].connect_to);
    curl_global_cleanup();
    fclose(acked_file);
    fclose(log_file);
    return totals.reads_failed == 0 && totals.cross_tenant_rows == 0 ? 0 : 1;
}
