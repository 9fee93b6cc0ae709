#include <criterion/criterion.h>
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tests/support/load.h"

#define LOAD_SEEDS 8
#define LOAD_BODY_MAX (1024 * 1024) /* maximum bytes of a response body kept */

/* A response as a load thread sees it. */
struct load_response {
    long status;
    bool retry_after;
    bool replayed;
    char code[32];
};

struct load_buffer {
    char *data;
    size_t len;
    struct load_response *response;
};

/* A write that has not had a definite response yet; sent again with the same key. */
struct load_pending {
    bool active;
    char email[128];
    char key[96];
    char body[512];
};

static double
load_clock_ms(void)
{
    return th_now_ms();
}

double
load_now(const struct load *l)
{
    return load_clock_ms() - l->start_ms;
}

static size_t
load_collect_body(char *data, size_t size, size_t count, void *user)
{
    struct load_buffer *b = user;
    size_t n = size * count;

    if (b->len + n > LOAD_BODY_MAX)
        return n; /* keep the start; only the code is read from it */
    b->data = realloc(b->data, b->len + n + 1);
    memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
    return n;
}

static size_t
load_collect_header(char *data, size_t size, size_t count, void *user)
{
    struct load_buffer *b = user;
    size_t n = size * count;

    if (n > 12 && strncasecmp(data, "Retry-After:", 12) == 0)
        b->response->retry_after = true;
    if (n > 20 && strncasecmp(data, "Idempotent-Replayed:", 20) == 0 &&
        memmem(data, n, "true", 4) != NULL)
        b->response->replayed = true;
    return n;
}

/* Sends one request with the load's session; fills *a. Never asserts. */
static void
load_send(struct load *l, const char *method, const char *path, const char *body,
          const char *key, struct load_response *a)
{
    struct load_buffer buffer = {NULL, 0, a};
    struct curl_slist *headers = NULL;
    char url[1024], line[512];
    CURL *curl = curl_easy_init();

    memset(a, 0, sizeof(*a));
    if (curl == NULL)
        return;
    snprintf(url, sizeof(url), "%s%s", l->url, path);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
    /* Longer than nginx's fastcgi_read_timeout, so nginx always responds first. */
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 90L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, load_collect_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &buffer);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, load_collect_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &buffer);
    curl_easy_setopt(curl, CURLOPT_COOKIE, l->client.cookie);
    snprintf(line, sizeof(line), "Host: %s", l->client.host);
    headers = curl_slist_append(headers, line);
    snprintf(line, sizeof(line), "X-CSRF-Token: %s", l->client.csrf);
    headers = curl_slist_append(headers, line);
    if (key != NULL) {
        snprintf(line, sizeof(line), "Idempotency-Key: %s", key);
        headers = curl_slist_append(headers, line);
    }
    if (body != NULL) {
        headers = curl_slist_append(headers, "Content-Type: application/json");
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    }
    headers = curl_slist_append(headers, "Expect:");
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);

    if (curl_easy_perform(curl) == CURLE_OK)
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &a->status);
    if (a->status == 201 && buffer.data != NULL) {
        json_t *record = json_loadb(buffer.data, buffer.len, 0, NULL);
        const char *code = json_string_value(json_object_get(record, "code"));

        if (code != NULL)
            snprintf(a->code, sizeof(a->code), "%s", code);
        json_decref(record);
    }
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    free(buffer.data);
}

/* Appends to a growing array under the load's lock. */
static void *
load_grow(void *array, size_t *cap, size_t count, size_t size)
{
    if (count < *cap)
        return array;
    *cap = *cap == 0 ? 1024 : *cap * 2;
    array = realloc(array, *cap * size);
    if (array == NULL)
        abort();
    return array;
}

static void
load_record(struct load *l, const struct load_outcome *o, const struct load_write *w)
{
    pthread_mutex_lock(&l->lock);
    l->outcomes = load_grow(l->outcomes, &l->outcome_cap, l->outcome_count, sizeof(*o));
    l->outcomes[l->outcome_count++] = *o;
    if (w != NULL) {
        l->writes = load_grow(l->writes, &l->write_cap, l->write_count, sizeof(*w));
        l->writes[l->write_count++] = *w;
    }
    pthread_mutex_unlock(&l->lock);
}

/* Takes the number of the next request, or returns false when the load must end. */
static bool
load_next(struct load *l, long *n)
{
    bool go;

    pthread_mutex_lock(&l->lock);
    while (l->paused && !l->stopping) {
        pthread_mutex_unlock(&l->lock);
        usleep(10000);
        pthread_mutex_lock(&l->lock);
    }
    go = !l->stopping && l->issued < l->config.max_requests &&
         load_now(l) < l->config.max_seconds * 1000.0;
    if (go)
        *n = l->issued++;
    pthread_mutex_unlock(&l->lock);
    return go;
}

static void
load_new_write(struct load *l, struct load_pending *p)
{
    long serial;

    pthread_mutex_lock(&l->lock);
    serial = ++l->write_serial;
    l->writes_attempted++;
    pthread_mutex_unlock(&l->lock);
    snprintf(p->key, sizeof(p->key), "%s-%ld", l->tag, serial);
    snprintf(p->email, sizeof(p->email), "%s@load.test", p->key);
    snprintf(p->body, sizeof(p->body),
             "{\"kind\":\"person\",\"first_name\":\"Load\",\"last_name\":\"Writer %ld\","
             "\"email\":\"%s\",\"tags\":[\"load\"]}",
             serial, p->email);
    p->active = true;
}

static void *
load_thread(void *arg)
{
    struct load *l = arg;
    struct load_pending pending = {0};
    char path[512];
    long n;

    while (load_next(l, &n)) {
        struct load_outcome o = {0};
        struct load_response a;
        struct load_write w = {0};
        bool acknowledged = false;

        o.started_ms = load_now(l);
        if (pending.active || n % l->config.write_every == 0) {
            if (!pending.active)
                load_new_write(l, &pending);
            o.kind = LOAD_WRITE;
            load_send(l, "POST", "/api/v1/customers", pending.body, pending.key, &a);
            if (a.status == 201) {
                acknowledged = true;
                snprintf(w.email, sizeof(w.email), "%s", pending.email);
                snprintf(w.code, sizeof(w.code), "%s", a.code);
                w.replayed = a.replayed;
            }
            /* Only a response that may hide a commit is worth sending again. */
            pending.active = a.status == 0 || a.status >= 500;
        } else if (n % l->config.search_every == 1 % l->config.search_every) {
            o.kind = LOAD_SEARCH;
            snprintf(path, sizeof(path), "/api/v1/customers?q=%s&limit=20%s", l->config.search,
                     l->config.search_args != NULL ? l->config.search_args : "");
            load_send(l, "GET", path, NULL, NULL, &a);
        } else {
            o.kind = LOAD_READ;
            snprintf(path, sizeof(path), "/api/v1/customers/%s", l->codes[n % l->code_count]);
            load_send(l, "GET", path, NULL, NULL, &a);
        }
        o.finished_ms = load_now(l);
        o.status = a.status;
        o.retry_after = a.retry_after;
        load_record(l, &o, acknowledged ? &w : NULL);
        if (l->config.pause_us > 0)
            usleep((useconds_t)l->config.pause_us);
    }
    return NULL;
}

static void
load_defaults(struct load_config *c)
{
    if (c->threads <= 0)
        c->threads = 6;
    if (c->threads > LOAD_THREADS_MAX)
        c->threads = LOAD_THREADS_MAX;
    if (c->max_requests <= 0)
        c->max_requests = 20000;
    if (c->max_seconds <= 0)
        c->max_seconds = 120;
    if (c->write_every < 2)
        c->write_every = 4;
    if (c->search_every < 2)
        c->search_every = 4;
    if (c->pause_us == 0)
        c->pause_us = 2000;
    if (c->search == NULL)
        c->search = "load";
}

/* Creates the customers that the reads ask for, through the API. */
static void
load_seed(struct load *l)
{
    for (int i = 0; i < LOAD_SEEDS; i++) {
        struct th_response r = th_request(
            &l->client, "POST", "/api/v1/customers",
            th_fmt("{\"kind\":\"person\",\"first_name\":\"Seed\",\"last_name\":\"Reader %d\","
                   "\"email\":\"seed%d.%s@seed.test\"}",
                   i, i, l->tag));

        cr_assert_eq(r.status, 201, "creating a seed customer failed: %s", r.body);
        snprintf(l->codes[i], sizeof(l->codes[i]), "%s", th_json_str(&r, "code"));
        th_response_free(&r);
    }
    l->code_count = LOAD_SEEDS;
}

void
load_start(struct load *l, const struct th_tenant *t, const struct th_client *client,
           const char *tag, const struct load_config *config)
{
    unsigned char random[4];

    memset(l, 0, sizeof(*l));
    l->config = *config;
    load_defaults(&l->config);
    l->client = *client;
    l->client.idempotency_key[0] = '\0';
    l->client.if_match[0] = '\0';
    snprintf(l->schema, sizeof(l->schema), "%s", t->schema);
    snprintf(l->url, sizeof(l->url), "%s", th_url());
    cr_assert(getrandom(random, sizeof(random), 0) == sizeof(random));
    snprintf(l->tag, sizeof(l->tag), "%s-%02x%02x%02x%02x", tag, random[0], random[1],
             random[2], random[3]);
    load_seed(l);

    curl_global_init(CURL_GLOBAL_DEFAULT);
    pthread_mutex_init(&l->lock, NULL);
    l->start_ms = load_clock_ms();
    for (int i = 0; i < l->config.threads; i++) {
        cr_assert_eq(pthread_create(&l->threads[i], NULL, load_thread, l), 0);
        l->thread_count++;
    }
}

bool
load_wait_successes(struct load *l, double since_ms, long count, int timeout_ms)
{
    double deadline = load_clock_ms() + timeout_ms;

    for (;;) {
        long seen = 0;

        pthread_mutex_lock(&l->lock);
        for (size_t i = 0; i < l->outcome_count; i++) {
            const struct load_outcome *o = &l->outcomes[i];

            seen += o->finished_ms >= since_ms && o->status >= 200 && o->status < 300;
        }
        pthread_mutex_unlock(&l->lock);
        if (seen >= count)
            return true;
        if (load_clock_ms() > deadline)
            return false;
        usleep(20000);
    }
}

long
load_failures_between(struct load *l, double from_ms, double to_ms)
{
    long failed = 0;

    pthread_mutex_lock(&l->lock);
    for (size_t i = 0; i < l->outcome_count; i++) {
        const struct load_outcome *o = &l->outcomes[i];

        failed += o->finished_ms >= from_ms && o->finished_ms < to_ms &&
                  (o->status < 200 || o->status >= 300);
    }
    pthread_mutex_unlock(&l->lock);
    return failed;
}

bool
load_wait_requests(struct load *l, long count, int timeout_ms)
{
    double deadline = load_clock_ms() + timeout_ms;
    size_t target;

    pthread_mutex_lock(&l->lock);
    target = l->outcome_count + (size_t)count;
    pthread_mutex_unlock(&l->lock);
    for (;;) {
        size_t seen;

        pthread_mutex_lock(&l->lock);
        seen = l->outcome_count;
        pthread_mutex_unlock(&l->lock);
        if (seen >= target)
            return true;
        if (load_clock_ms() > deadline)
            return false;
        usleep(20000);
    }
}

bool
load_pause(struct load *l, int timeout_ms)
{
    double deadline = load_clock_ms() + timeout_ms;

    pthread_mutex_lock(&l->lock);
    l->paused = true;
    pthread_mutex_unlock(&l->lock);
    for (;;) {
        bool idle;

        pthread_mutex_lock(&l->lock);
        idle = l->outcome_count == (size_t)l->issued;
        pthread_mutex_unlock(&l->lock);
        if (idle)
            return true;
        if (load_clock_ms() > deadline)
            return false;
        usleep(10000);
    }
}

void
load_resume(struct load *l)
{
    pthread_mutex_lock(&l->lock);
    l->paused = false;
    pthread_mutex_unlock(&l->lock);
}

void
load_stop(struct load *l)
{
    pthread_mutex_lock(&l->lock);
    l->stopping = true;
    pthread_mutex_unlock(&l->lock);
    for (int i = 0; i < l->thread_count; i++)
        pthread_join(l->threads[i], NULL);
    l->thread_count = 0;
}

/*
 * Measures how long the load took to succeed again after the fault ended, and
 * how long clients saw failures at all. The two differ when the service came back
 * before the command that ended the fault returned.
 */
static void
load_recovery(const struct load *l, double fault_end_ms, struct load_figures *f)
{
    double first = -1, steady = -1, first_failure = -1, last_failure = -1, back = -1;

    f->recovery_first_ms = -1;
    f->recovery_steady_ms = -1;
    f->failing_ms = 0;
    for (size_t i = 0; i < l->outcome_count; i++) {
        const struct load_outcome *o = &l->outcomes[i];
        bool ok = o->status >= 200 && o->status < 300;

        if (!ok && o->finished_ms > last_failure)
            last_failure = o->finished_ms;
        if (!ok && (first_failure < 0 || o->finished_ms < first_failure))
            first_failure = o->finished_ms;
        if (ok && o->finished_ms >= fault_end_ms && (first < 0 || o->finished_ms < first))
            first = o->finished_ms;
    }
    for (size_t i = 0; i < l->outcome_count && first_failure >= 0; i++) {
        const struct load_outcome *o = &l->outcomes[i];
        bool ok = o->status >= 200 && o->status < 300;

        if (ok && o->finished_ms > last_failure && (back < 0 || o->finished_ms < back))
            back = o->finished_ms;
    }
    if (back >= 0)
        f->failing_ms = back - first_failure;
    if (fault_end_ms < 0)
        return;
    for (size_t i = 0; i < l->outcome_count; i++) {
        const struct load_outcome *o = &l->outcomes[i];
        bool ok = o->status >= 200 && o->status < 300;

        if (ok && o->finished_ms >= fault_end_ms && o->finished_ms > last_failure &&
            (steady < 0 || o->finished_ms < steady))
            steady = o->finished_ms;
    }
    if (first >= 0)
        f->recovery_first_ms = first - fault_end_ms;
    if (steady >= 0)
        f->recovery_steady_ms = steady - fault_end_ms;
}

/* A PostgreSQL text array literal of one member of every acknowledged write. */
static char *
load_array(const struct load *l, bool codes)
{
    size_t cap = 16 + l->write_count * 160;
    char *text = malloc(cap);
    size_t len = 0;

    len += (size_t)snprintf(text + len, cap - len, "{");
    for (size_t i = 0; i < l->write_count; i++)
        len += (size_t)snprintf(text + len, cap - len, "%s\"%s\"", i == 0 ? "" : ",",
                                codes ? l->writes[i].code : l->writes[i].email);
    snprintf(text + len, cap - len, "}");
    return text;
}

void
load_check(struct load *l, double fault_end_ms, struct load_figures *f)
{
    char like[96], *emails, *codes;
    const char *s = l->schema;

    memset(f, 0, sizeof(*f));
    pthread_mutex_lock(&l->lock);
    f->seconds = load_now(l) / 1000.0;
    for (size_t i = 0; i < l->outcome_count; i++) {
        const struct load_outcome *o = &l->outcomes[i];

        f->requests++;
        if (o->status >= 200 && o->status < 300) {
            f->succeeded++;
            continue;
        }
        f->failed++;
        f->failed_by_status[o->status >= 0 && o->status < 600 ? o->status : 0]++;
        if (!o->retry_after)
            f->failed_without_retry_after++;
    }
    f->writes_attempted = l->writes_attempted;
    f->writes_acknowledged = (long)l->write_count;
    for (size_t i = 0; i < l->write_count; i++)
        f->writes_replayed += l->writes[i].replayed;
    load_recovery(l, fault_end_ms, f);
    pthread_mutex_unlock(&l->lock);

    emails = load_array(l, false);
    codes = load_array(l, true);
    snprintf(like, sizeof(like), "%s-%%", l->tag);
    f->writes_lost = th_sql_int(
        th_fmt("SELECT count(*) FROM unnest($1::text[]) AS w(email)"
               " WHERE NOT EXISTS (SELECT 1 FROM \"%s\".customers c WHERE c.email = w.email)",
               s),
        emails, NULL);
    f->writes_duplicated = th_sql_int(
        th_fmt("SELECT count(*) FROM unnest($1::text[]) AS w(email)"
               " WHERE (SELECT count(*) FROM \"%s\".customers c WHERE c.email = w.email) > 1",
               s),
        emails, NULL);
    f->writes_found = th_sql_int(
        th_fmt("SELECT count(*) FROM unnest($1::text[], $2::text[]) AS w(email, code)"
               " WHERE (SELECT count(*) FROM \"%s\".customers c WHERE c.email = w.email) = 1"
               " AND EXISTS (SELECT 1 FROM \"%s\".customers c"
               "             WHERE c.email = w.email AND c.code = w.code)",
               s, s),
        emails, codes, NULL);
    f->writes_unacknowledged_found =
        th_sql_int(th_fmt("SELECT count(*) FROM \"%s\".customers WHERE email LIKE $1"
                          " AND email <> ALL ($2::text[])",
                          s),
                   like, emails, NULL);

    /* The row, its audit entry and its idempotency key are written in one transaction. */
    f->half_applied = th_sql_int(
        th_fmt(
            "SELECT count(*) FROM \"%s\".customers c WHERE c.email LIKE $1 AND ("
            " (SELECT count(*) FROM \"%s\".audit_events a WHERE a.action = 'customer.created'"
            "  AND a.target_type = 'customer' AND a.target_id = c.id::text) <> 1"
            " OR (SELECT count(*) FROM \"%s\".idempotency_keys k"
            "     WHERE k.key LIKE $1 AND k.body->>'code' = c.code) <> 1)",
            s, s, s),
        like, NULL);
    f->orphans = th_sql_int(
        th_fmt("SELECT (SELECT count(*) FROM \"%s\".audit_events a"
               "        WHERE a.action = 'customer.created' AND NOT EXISTS"
               "        (SELECT 1 FROM \"%s\".customers c WHERE c.id::text = a.target_id))"
               "     + (SELECT count(*) FROM \"%s\".idempotency_keys k WHERE k.key LIKE $1"
               "        AND NOT EXISTS (SELECT 1 FROM \"%s\".customers c"
               "                        WHERE c.code = k.body->>'code'))",
               s, s, s, s),
        like, NULL);
    free(emails);
    free(codes);
}

static const char *
load_kind_mix(const struct load_config *c, char *buf, size_t size)
{
    snprintf(buf, size,
             "one request in %d a create (POST /api/v1/customers), one in %d a search "
             "(GET /api/v1/customers?q=%s), the rest reads by code",
             c->write_every, c->search_every, c->search);
    return buf;
}

void
load_report(const struct load *l, const char *scenario, const char *fault,
            double fault_start_ms, double fault_end_ms, const struct load_figures *f,
            json_t *extra)
{
    char dir[1024], path[1200], mix[512], stamp[32];
    json_t *doc, *by_status = json_object();
    time_t now = time(NULL);
    struct tm tm;

    for (int status = 0; status < 600; status++) {
        if (f->failed_by_status[status] > 0)
            json_object_set_new(by_status, status == 0 ? "no_response" : th_fmt("%d", status),
                                json_integer(f->failed_by_status[status]));
    }
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
    doc = json_pack(
        "{s:s, s:s, s:s, s:{s:i, s:s, s:f}, s:f, s:f, s:I, s:I, s:I, s:o, s:I,"
        " s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}, s:f, s:f, s:f}",
        "scenario", scenario, "fault", fault, "finished_at", stamp, "load", "threads",
        l->config.threads, "mix", load_kind_mix(&l->config, mix, sizeof(mix)), "pause_ms",
        (double)l->config.pause_us / 1000.0, "seconds", f->seconds, "fault_seconds",
        fault_end_ms >= fault_start_ms && fault_start_ms >= 0
            ? (fault_end_ms - fault_start_ms) / 1000.0
            : 0.0,
        "requests", (json_int_t)f->requests, "succeeded", (json_int_t)f->succeeded, "failed",
        (json_int_t)f->failed, "failed_by_status", by_status, "failed_without_retry_after",
        (json_int_t)f->failed_without_retry_after, "writes", "attempted",
        (json_int_t)f->writes_attempted, "acknowledged", (json_int_t)f->writes_acknowledged,
        "replayed", (json_int_t)f->writes_replayed, "found", (json_int_t)f->writes_found,
        "lost", (json_int_t)f->writes_lost, "duplicated", (json_int_t)f->writes_duplicated,
        "unacknowledged_found", (json_int_t)f->writes_unacknowledged_found, "half_applied",
        (json_int_t)f->half_applied, "orphans", (json_int_t)f->orphans,
        "recovery_first_success_ms", f->recovery_first_ms, "recovery_steady_ms",
        f->recovery_steady_ms, "failing_ms", f->failing_ms);
    cr_assert(doc != NULL, "building the figures of %s failed", scenario);
    if (extra != NULL) {
        json_object_update(doc, extra);
        json_decref(extra);
    }

    snprintf(dir, sizeof(dir), "%s/tests/out", th_env("LENDASTACK_REPO"));
    mkdir(dir, 0755);
    snprintf(dir, sizeof(dir), "%s/tests/out/reliability", th_env("LENDASTACK_REPO"));
    cr_assert(mkdir(dir, 0755) == 0 || errno == EEXIST, "mkdir %s: %s", dir, strerror(errno));
    snprintf(path, sizeof(path), "%s/%s.json", dir, scenario);
    cr_assert_eq(json_dump_file(doc, path, JSON_INDENT(2) | JSON_SORT_KEYS), 0,
                 "writing %s failed", path);
    json_decref(doc);
}

void
load_free(struct load *l)
{
    if (l->thread_count > 0)
        load_stop(l);
    free(l->outcomes);
    free(l->writes);
    pthread_mutex_destroy(&l->lock);
    memset(l, 0, sizeof(*l));
}
