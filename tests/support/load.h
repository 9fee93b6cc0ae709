/*
 * A bounded load of customer reads and writes against one tenant, for the fault
 * suite. Threads send requests through nginx with libcurl until the test stops
 * them or a bound on requests or time is reached, and record the outcome of every
 * request and every acknowledged write.
 *
 * The mix: GET /api/v1/customers/{code} of the seeded customers, searches
 * (GET /api/v1/customers?q=...), and POST /api/v1/customers, each with a unique
 * email and its own Idempotency-Key. A write that got no definite response (a 5xx
 * status or no response) is sent again with the same key and body before the
 * thread makes a new one, as a client that retries would; when the first attempt
 * had committed, the retry returns the stored response.
 *
 * The threads never call Criterion asserts. Every function here except the
 * thread bodies runs on the test's own thread, and load_check() and
 * load_report() query PostgreSQL through the harness.
 */
#ifndef LENDASTACK_TESTS_LOAD_H
#define LENDASTACK_TESTS_LOAD_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "tests/support/harness.h"

#define LOAD_THREADS_MAX 16
#define LOAD_SEED_MAX 32

enum load_kind {
    LOAD_READ,   /* GET /api/v1/customers/{code} */
    LOAD_SEARCH, /* GET /api/v1/customers?q=... */
    LOAD_WRITE,  /* POST /api/v1/customers */
};

/* What the test asks for. Zero fields take the defaults given. */
struct load_config {
    int threads;             /* default 6 */
    int max_requests;        /* bound on requests over all threads; default 20000 */
    double max_seconds;      /* bound on the run; default 120 */
    int write_every;         /* one request in this many is a write; default 4 */
    int search_every;        /* one request in this many is a search; default 4 */
    long pause_us;           /* pause of each thread between requests; default 2000 */
    const char *search;      /* q of searches, URL-encoded; default "load" */
    const char *search_args; /* more query parameters of searches, e.g. "&sort=name" */
};

/* One request as the client saw it. Times are milliseconds since load_start(). */
struct load_outcome {
    double started_ms;
    double finished_ms;
    long status;      /* HTTP status, or 0 when no response came (curl failed) */
    bool retry_after; /* the response carried Retry-After */
    enum load_kind kind;
};

/* A write the server acknowledged with 201. */
struct load_write {
    char email[128];
    char code[32];
    bool replayed; /* the 201 was the stored response of an earlier attempt */
};

/* Figures of one run, from load_check() and load_recovery(). */
struct load_figures {
    long requests;
    long succeeded;
    long failed;                /* every status outside 2xx, and no response */
    long failed_by_status[600]; /* index 0 counts requests without a response */
    long failed_without_retry_after;
    long writes_attempted; /* distinct writes, retries of one write counted once */
    long writes_acknowledged;
    long writes_replayed;
    long writes_found;      /* acknowledged and in the table exactly once, with its code */
    long writes_lost;       /* acknowledged and not in the table */
    long writes_duplicated; /* acknowledged and in the table more than once */
    long writes_unacknowledged_found; /* in the table without a 201 (answer lost) */
    long half_applied;         /* load rows without their audit entry or idempotency key */
    long orphans;              /* audit entries or idempotency keys of the load without a row */
    double recovery_first_ms;  /* fault end to the first success; -1 when none */
    double recovery_steady_ms; /* fault end to the first success after the last failure */
    double failing_ms; /* first failed request to the first success after the last; 0 if none */
    double seconds;    /* length of the run */
};

struct load {
    struct load_config config;
    struct th_client client;
    char url[256]; /* nginx's base URL */
    char tag[64];  /* prefix of the load's emails and idempotency keys */
    char codes[LOAD_SEED_MAX][32];
    int code_count;
    char schema[32];
    double start_ms;

    pthread_t threads[LOAD_THREADS_MAX];
    int thread_count;
    pthread_mutex_t lock;
    bool stopping;     /* under lock */
    bool paused;       /* under lock */
    long issued;       /* under lock */
    long write_serial; /* under lock */

    struct load_outcome *outcomes; /* under lock */
    size_t outcome_count, outcome_cap;
    struct load_write *writes; /* under lock */
    size_t write_count, write_cap;
    long writes_attempted; /* under lock */
};

/*
 * Creates seed customers to read through client (signed in to tenant t, with its
 * CSRF token), then starts the threads. tag names the scenario in the emails and
 * keys of the writes; a random suffix is added.
 */
void load_start(struct load *l, const struct th_tenant *t, const struct th_client *client,
                const char *tag, const struct load_config *config);

/* Milliseconds on the load's clock: since load_start(). */
double load_now(const struct load *l);

/*
 * Waits until at least count requests that finished after since_ms succeeded,
 * or timeout_ms pass; returns whether they did.
 */
bool load_wait_successes(struct load *l, double since_ms, long count, int timeout_ms);

/* Counts the requests that failed and finished in [from_ms, to_ms). */
long load_failures_between(struct load *l, double from_ms, double to_ms);

/* Waits until count requests more have finished, or timeout_ms pass. */
bool load_wait_requests(struct load *l, long count, int timeout_ms);

/*
 * Stops sending new requests and waits until the requests in flight have
 * finished, or timeout_ms pass; returns whether they did. load_resume() goes on.
 */
bool load_pause(struct load *l, int timeout_ms);
void load_resume(struct load *l);

/* Stops the threads and waits for them; requests in flight finish first. */
void load_stop(struct load *l);

/*
 * Counts outcomes and checks the tenant's tables: every acknowledged write
 * exactly once, nothing half-applied, nothing orphaned. Recovery is measured
 * from fault_end_ms on the load's clock; pass a negative value for a scenario
 * without one.
 */
void load_check(struct load *l, double fault_end_ms, struct load_figures *f);

/*
 * Writes the figures as JSON to tests/out/reliability/<scenario>.json with the
 * description of the load and the fault; extra (may be NULL) is a JSON object of
 * more members, which the call takes over.
 */
void load_report(const struct load *l, const char *scenario, const char *fault,
                 double fault_start_ms, double fault_end_ms, const struct load_figures *f,
                 json_t *extra);

/* Frees what the load recorded. */
void load_free(struct load *l);

#endif
