#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "db/db.h"

#define DB_TENANT_PLACEHOLDER "{tenant}"
#define DB_SQLSTATE_CACHED_PLAN "0A000"

/* Key of one prepared statement: which statement, for which tenant and version. */
struct db_prepared {
    int64_t tenant_id;
    int32_t version;
    uint32_t statement; /* 0 marks an empty slot */
};

struct db_set {
    struct db_prepared *slots;
    size_t cap;  /* power of two */
    size_t count;
};

struct db {
    char *conninfo;
    bool pooler;
    long statement_timeout_ms;
    long recycle_tenants;
    long recycle_requests;

    PGconn *conn;
    unsigned long connections; /* successful connects so far */
    bool in_transaction;
    long requests;
    struct db_set prepared;
    struct db_set tenants;   /* distinct tenants served, stored with statement 1 */

    char error_state[8];
    char error_constraint[128];
    char error_message[512];
};

static unsigned sql_next_id = 1;
static struct log_limit db_unavailable_limit;

static uint64_t
db_prepared_hash(const struct db_prepared *k)
{
    uint64_t h = (uint64_t)k->tenant_id * 0x9e3779b97f4a7c15ULL;

    h ^= ((uint64_t)(uint32_t)k->version << 32 | k->statement) * 0xc2b2ae3d27d4eb4fULL;
    return h ^ (h >> 29);
}

static bool
db_set_find(const struct db_set *s, const struct db_prepared *k, size_t *slot)
{
    size_t i;

    if (s->cap == 0)
        return false;
    for (i = db_prepared_hash(k) & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
        const struct db_prepared *e = &s->slots[i];

        if (e->statement == 0) {
            *slot = i;
            return false;
        }
        if (e->statement == k->statement && e->tenant_id == k->tenant_id &&
            e->version == k->version) {
            *slot = i;
            return true;
        }
    }
}

static void
db_set_add(struct db_set *s, const struct db_prepared *k)
{
    size_t slot;

    if ((s->count + 1) * 2 > s->cap) {
        struct db_set grown = {NULL, s->cap == 0 ? 64 : s->cap * 2, 0};

        grown.slots = calloc(grown.cap, sizeof(*grown.slots));
        if (grown.slots == NULL)
            abort();
        for (size_t i = 0; i < s->cap; i++) {
            if (s->slots[i].statement != 0)
                db_set_add(&grown, &s->slots[i]);
        }
        free(s->slots);
        *s = grown;
    }
    if (!db_set_find(s, k, &slot)) {
        s->slots[slot] = *k;
        s->count++;
    }
}

static void
db_set_clear(struct db_set *s)
{
    free(s->slots);
    s->slots = NULL;
    s->cap = 0;
    s->count = 0;
}

struct db *
db_new(const char *conninfo, bool pooler, long statement_timeout_ms, long recycle_tenants,
       long recycle_requests)
{
    struct db *db = calloc(1, sizeof(*db));

    if (db == NULL || (db->conninfo = strdup(conninfo)) == NULL)
        abort();
    db->pooler = pooler;
    db->statement_timeout_ms = statement_timeout_ms;
    db->recycle_tenants = recycle_tenants;
    db->recycle_requests = recycle_requests;
    return db;
}

void
db_free(struct db *db)
{
    if (db == NULL)
        return;
    db_disconnect(db);
    db_set_clear(&db->tenants);
    free(db->conninfo);
    free(db);
}

void
db_disconnect(struct db *db)
{
    if (db->conn != NULL)
        PQfinish(db->conn);
    db->conn = NULL;
    db->in_transaction = false;
    db->requests = 0;
    db_set_clear(&db->prepared);
    db_set_clear(&db->tenants);
}

bool
db_connected(const struct db *db)
{
    return db->conn != NULL && PQstatus(db->conn) == CONNECTION_OK;
}

static void
db_clear_error(struct db *db)
{
    db->error_state[0] = '\0';
    db->error_constraint[0] = '\0';
    db->error_message[0] = '\0';
}

static void
db_set_error(struct db *db, const char *state, const char *constraint, const char *message)
{
    snprintf(db->error_state, sizeof(db->error_state), "%s", state != NULL ? state : "");
    snprintf(db->error_constraint, sizeof(db->error_constraint), "%s",
             constraint != NULL ? constraint : "");
    snprintf(db->error_message, sizeof(db->error_message), "%s", message != NULL ? message : "");
    /* libpq messages end with a newline; keep log lines whole. */
    size_t n = strlen(db->error_message);
    while (n > 0 && db->error_message[n - 1] == '\n')
        db->error_message[--n] = '\0';
}

static void
db_log_unavailable(const char *what, const char *message)
{
    unsigned long suppressed;

    if (log_limit_allow(&db_unavailable_limit, 5, &suppressed))
        log_warn("postgres_unavailable", "during=%s error=%s suppressed=%lu", what, message,
                 suppressed);
}

/*
 * In pooler mode the session settings come from the role (ALTER ROLE ... SET),
 * because pgbouncer rejects the "options" startup parameter and a SET would leak
 * to other clients of the pooled connection. Warns once per process when the role
 * lacks them.
 */
static void
db_check_role_settings(struct db *db)
{
    static bool checked;
    PGresult *res;

    if (checked)
        return;
    checked = true;
    res = PQexec(db->conn, "SELECT current_setting('TimeZone'), current_setting('statement_timeout')");
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1) {
        const char *zone = PQgetvalue(res, 0, 0);
        const char *timeout = PQgetvalue(res, 0, 1);

        if (strcmp(zone, "UTC") != 0 || strcmp(timeout, "0") == 0)
            log_warn("postgres_role_settings",
                     "timezone=%s statement_timeout=%s detail=\"set them on the application role: "
                     "ALTER ROLE ... SET TimeZone = 'UTC', SET statement_timeout = '5s'\"",
                     zone, timeout);
    }
    PQclear(res);
}

enum result
db_connect(struct db *db)
{
    char timeout[64];
    const char *keys[8];
    const char *values[8];
    int n = 0;

    if (db->conn != NULL && PQstatus(db->conn) == CONNECTION_OK)
        return RESULT_OK;
    db_disconnect(db);

    /* Defaults come first so that the caller's connection string overrides them. */
    keys[n] = "connect_timeout";
    values[n++] = "3";
    keys[n] = "keepalives_idle";
    values[n++] = "30";
    keys[n] = "application_name";
    values[n++] = "lendastack";
    if (!db->pooler) {
        /* pgbouncer rejects "options"; in pooler mode the role's settings apply. */
        snprintf(timeout, sizeof(timeout), "-c statement_timeout=%ld -c TimeZone=UTC",
                 db->statement_timeout_ms);
        keys[n] = "options";
        values[n++] = timeout;
    }
    keys[n] = "dbname";
    values[n++] = db->conninfo;
    keys[n] = NULL;
    values[n] = NULL;

    db->conn = PQconnectdbParams(keys, values, 1);
    if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK) {
        const char *message = db->conn != NULL ? PQerrorMessage(db->conn) : "out of memory";

        db_set_error(db, "08006", NULL, message);
        db_log_unavailable("connect", db->error_message);
        db_disconnect(db);
        return RESULT_UNAVAILABLE;
    }
    db->connections++;
    if (db->pooler)
        db_check_role_settings(db);
    log_debug("postgres_connected", "pooler=%d", db->pooler ? 1 : 0);
    return RESULT_OK;
}

void
db_params_init(struct db_params *p, struct arena *a)
{
    p->arena = a;
    p->count = 0;
}

void
db_param_text(struct db_params *p, const char *value)
{
    assert(p->count < DB_MAX_PARAMS);
    p->values[p->count++] = value;
}

void
db_param_int(struct db_params *p, int64_t value)
{
    db_param_text(p, arena_printf(p->arena, "%" PRId64, value));
}

void
db_param_bool(struct db_params *p, bool value)
{
    db_param_text(p, value ? "t" : "f");
}

void
db_param_json(struct db_params *p, const json_t *value)
{
    size_t len;

    db_param_text(p, value == NULL ? NULL : json_dump(value, &len));
}

void
db_param_value(struct db_params *p, const json_t *value)
{
    if (value == NULL || json_is_null(value))
        db_param_text(p, NULL);
    else if (json_is_string(value))
        db_param_text(p, json_string_value(value));
    else if (json_is_integer(value))
        db_param_int(p, json_integer_value(value));
    else if (json_is_boolean(value))
        db_param_bool(p, json_is_true(value));
    else
        db_param_json(p, value);
}

/* Replaces every {tenant} with the quoted schema name. */
static char *
db_expand(struct arena *a, const char *text, const struct db_schema *schema)
{
    struct buf b;
    const char *p = text;
    const char *hit;

    if (strstr(text, DB_TENANT_PLACEHOLDER) == NULL)
        return (char *)text;
    assert(schema != NULL && "tenant statement run without a tenant schema");
    buf_init(&b, a, strlen(text) + 64);
    while ((hit = strstr(p, DB_TENANT_PLACEHOLDER)) != NULL) {
        buf_append(&b, p, (size_t)(hit - p));
        buf_puts(&b, schema->ident);
        p = hit + strlen(DB_TENANT_PLACEHOLDER);
    }
    buf_puts(&b, p);
    return b.data;
}

static enum result
db_classify(struct db *db, PGresult *res)
{
    const char *state;

    if (res == NULL || PQstatus(db->conn) != CONNECTION_OK) {
        db_set_error(db, "08006", NULL, db->conn != NULL ? PQerrorMessage(db->conn) : "no connection");
        db_log_unavailable("query", db->error_message);
        return RESULT_UNAVAILABLE;
    }
    state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    db_set_error(db, state, PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME),
                 PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY));
    if (state == NULL)
        return RESULT_INTERNAL;
    if (strcmp(state, "23505") == 0 || strcmp(state, "23P01") == 0 ||
        strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
        strcmp(state, "55P03") == 0)
        return RESULT_CONFLICT;
    if (strncmp(state, "22", 2) == 0 || strncmp(state, "23", 2) == 0)
        return RESULT_INVALID;
    if (strcmp(state, "57014") == 0 || strncmp(state, "08", 2) == 0 ||
        strncmp(state, "53", 2) == 0 || strcmp(state, "57P01") == 0 ||
        strcmp(state, "57P02") == 0 || strcmp(state, "57P03") == 0) {
        db_log_unavailable("query", db->error_message);
        return RESULT_UNAVAILABLE;
    }
    return RESULT_INTERNAL;
}

static PGresult *
db_send(struct db *db, const struct db_schema *schema, struct sql *q, const struct db_params *p,
        struct arena *a)
{
    struct db_prepared key;
    char name[64];
    size_t slot;
    int count = p != NULL ? p->count : 0;
    const char *const *values = p != NULL ? p->values : NULL;

    if (db->pooler)
        return PQexecParams(db->conn, db_expand(a, q->text, schema), count, NULL, values, NULL,
                            NULL, 0);

    key.tenant_id = schema != NULL ? schema->tenant_id : 0;
    key.version = schema != NULL ? schema->version : 0;
    key.statement = q->id;
    snprintf(name, sizeof(name), "s%u_%" PRId64 "_%d", key.statement, key.tenant_id, key.version);
    if (!db_set_find(&db->prepared, &key, &slot)) {
        PGresult *prepared = PQprepare(db->conn, name, db_expand(a, q->text, schema), 0, NULL);

        if (prepared == NULL || PQresultStatus(prepared) != PGRES_COMMAND_OK)
            return prepared;
        PQclear(prepared);
        db_set_add(&db->prepared, &key);
    }
    return PQexecPrepared(db->conn, name, count, values, NULL, NULL, 0);
}

static bool
db_result_ok(const PGresult *res)
{
    ExecStatusType status = res != NULL ? PQresultStatus(res) : PGRES_FATAL_ERROR;

    return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

enum result
db_query(struct db *db, const struct db_schema *schema, struct sql *q, const struct db_params *p,
         PGresult **out)
{
    struct arena scratch;
    PGresult *res = NULL;
    enum result r = RESULT_OK;

    if (q->id == 0)
        q->id = sql_next_id++;
    if (out != NULL)
        *out = NULL;
    db_clear_error(db);
    if ((r = db_connect(db)) != RESULT_OK)
        return r;

    arena_init(&scratch, 4096);
    for (int attempt = 0; attempt < 2; attempt++) {
        res = db_send(db, schema, q, p, &scratch);
        if (db_result_ok(res)) {
            r = RESULT_OK;
            break;
        }
        r = db_classify(db, res);
        PQclear(res);
        res = NULL;
        if (db->in_transaction || attempt == 1)
            break;
        if (PQstatus(db->conn) != CONNECTION_OK) {
            /* The server went away between requests: retry the read on a new connection. */
            db_disconnect(db);
            if (db_connect(db) != RESULT_OK)
                break;
            continue;
        }
        if (strcmp(db->error_state, DB_SQLSTATE_CACHED_PLAN) == 0) {
            /* A migration changed a table under a cached plan: prepare it again. */
            db_disconnect(db);
            if (db_connect(db) != RESULT_OK)
                break;
            continue;
        }
        break;
    }
    arena_destroy(&scratch);

    if (r != RESULT_OK) {
        if (r == RESULT_INTERNAL)
            log_error("postgres_error", "sqlstate=%s error=%s", db->error_state, db->error_message);
        if (PQstatus(db->conn) != CONNECTION_OK)
            db_disconnect(db);
        return r;
    }
    if (out != NULL)
        *out = res;
    else
        PQclear(res);
    return RESULT_OK;
}

enum result
db_query_one(struct db *db, const struct db_schema *schema, struct sql *q,
             const struct db_params *p, PGresult **out)
{
    enum result r = db_query(db, schema, q, p, out);

    if (r != RESULT_OK)
        return r;
    if (PQntuples(*out) != 1) {
        PQclear(*out);
        *out = NULL;
        return RESULT_NOT_FOUND;
    }
    return RESULT_OK;
}

enum result
db_exec(struct db *db, const char *sql)
{
    PGresult *res;
    enum result r;

    db_clear_error(db);
    if ((r = db_connect(db)) != RESULT_OK)
        return r;
    res = PQexec(db->conn, sql);
    if (db_result_ok(res)) {
        PQclear(res);
        return RESULT_OK;
    }
    r = db_classify(db, res);
    PQclear(res);
    if (r == RESULT_INTERNAL)
        log_error("postgres_error", "sqlstate=%s error=%s", db->error_state, db->error_message);
    if (db->conn != NULL && PQstatus(db->conn) != CONNECTION_OK)
        db_disconnect(db);
    return r;
}

enum result
db_begin(struct db *db)
{
    enum result r;

    assert(!db->in_transaction);
    r = db_exec(db, "BEGIN");
    if (r == RESULT_UNAVAILABLE && db->conn == NULL) {
        /* Nothing was done yet, so a fresh connection may try once more. */
        r = db_exec(db, "BEGIN");
    }
    if (r == RESULT_OK)
        db->in_transaction = true;
    return r;
}

enum result
db_commit(struct db *db)
{
    enum result r;

    assert(db->in_transaction);
    r = db_exec(db, "COMMIT");
    db->in_transaction = false;
    return r;
}

void
db_rollback(struct db *db)
{
    if (!db->in_transaction)
        return;
    db->in_transaction = false;
    if (db->conn == NULL)
        return;
    if (db_exec(db, "ROLLBACK") != RESULT_OK)
        db_disconnect(db);
}

bool
db_in_transaction(const struct db *db)
{
    return db->in_transaction;
}

const char *
db_error_state(const struct db *db)
{
    return db->error_state;
}

const char *
db_error_constraint(const struct db *db)
{
    return db->error_constraint;
}

const char *
db_error_message(const struct db *db)
{
    return db->error_message;
}

void
db_after_request(struct db *db, int64_t tenant_id)
{
    size_t slot;

    if (db->conn == NULL)
        return;
    if (db->in_transaction)
        db_rollback(db);
    db->requests++;
    if (tenant_id != 0) {
        struct db_prepared key = {tenant_id, 0, 1};

        if (!db_set_find(&db->tenants, &key, &slot))
            db_set_add(&db->tenants, &key);
    }
    if ((long)db->tenants.count > db->recycle_tenants || db->requests >= db->recycle_requests) {
        log_info("postgres_recycle", "tenants=%zu requests=%ld", db->tenants.count, db->requests);
        db_disconnect(db);
    }
}

long
db_ping(struct db *db)
{
    struct timespec t0, t1;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (db_exec(db, "SELECT 1") != RESULT_OK)
        return -1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (t1.tv_sec - t0.tv_sec) * 1000000L + (t1.tv_nsec - t0.tv_nsec) / 1000;
}

unsigned long
db_connection_count(const struct db *db)
{
    return db->connections;
}

PGconn *
db_conn(struct db *db)
{
    return db->conn;
}

const char *
db_value(const PGresult *res, int row, int col)
{
    if (PQgetisnull(res, row, col))
        return NULL;
    return PQgetvalue(res, row, col);
}

int64_t
db_value_int(const PGresult *res, int row, int col)
{
    const char *v = db_value(res, row, col);

    return v == NULL ? 0 : strtoll(v, NULL, 10);
}

/* Type OIDs from PostgreSQL's pg_type.dat; they are fixed across versions. */
enum {
    DB_OID_BOOL = 16,
    DB_OID_INT8 = 20,
    DB_OID_INT2 = 21,
    DB_OID_INT4 = 23,
    DB_OID_JSON = 114,
    DB_OID_TIMESTAMPTZ = 1184,
    DB_OID_JSONB = 3802,
};

/* Longest RFC 3339 text db_timestamp_utc() makes: 19 + '.' + 9 digits + 'Z' + NUL. */
#define DB_TIMESTAMP_UTC_MAX 31

/*
 * Converts "2026-12-04 09:30:00.123456+00", the text of a timestamptz when the
 * session's TimeZone is UTC as db_connect sets it, by moving characters into
 * out, NUL-terminated. Returns the length, or 0 for any other form (another
 * offset, a year outside 0001-9999).
 */
static size_t
db_timestamp_utc(const char *text, char out[DB_TIMESTAMP_UTC_MAX])
{
    static const char layout[] = "dddd-dd-dd dd:dd:dd";
    size_t fraction = 0, len;
    const char *p;

    for (size_t i = 0; i < sizeof(layout) - 1; i++) {
        if (layout[i] == 'd' ? text[i] < '0' || text[i] > '9' : text[i] != layout[i])
            return 0;
    }
    p = text + sizeof(layout) - 1;
    if (*p == '.') {
        fraction = strspn(p + 1, "0123456789");
        if (fraction == 0 || fraction > 9)
            return 0;
        p += 1 + fraction;
    }
    if (strcmp(p, "+00") != 0)
        return 0;
    len = (size_t)(p - text);
    memcpy(out, text, len);
    out[10] = 'T';
    out[len] = 'Z';
    out[len + 1] = '\0';
    return len + 1;
}

char *
db_timestamp_rfc3339(struct arena *a, const char *text)
{
    struct tm tm = {0};
    int year, mon, day, hour, min, sec, consumed = 0;
    int off_h = 0, off_m = 0, off_s = 0, sign = 1;
    const char *p;
    char fraction[16] = "";
    time_t t;
    char utc[DB_TIMESTAMP_UTC_MAX];

    if (db_timestamp_utc(text, utc) > 0)
        return arena_strdup(a, utc);
    if (sscanf(text, "%4d-%2d-%2d %2d:%2d:%2d%n", &year, &mon, &day, &hour, &min, &sec,
               &consumed) != 6)
        return arena_strdup(a, text);
    p = text + consumed;
    if (*p == '.') {
        size_t n = strspn(p + 1, "0123456789");

        if (n > 9)
            n = 9;
        snprintf(fraction, sizeof(fraction), ".%.*s", (int)n, p + 1);
        p += 1 + strspn(p + 1, "0123456789");
    }
    if (*p == '+' || *p == '-') {
        sign = *p == '-' ? -1 : 1;
        if (sscanf(p + 1, "%2d:%2d:%2d", &off_h, &off_m, &off_s) < 1)
            return arena_strdup(a, text);
    }
    tm.tm_year = year - 1900;
    tm.tm_mon = mon - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = min;
    tm.tm_sec = sec;
    t = timegm(&tm) - sign * (off_h * 3600 + off_m * 60 + off_s);
    gmtime_r(&t, &tm);
    return arena_printf(a, "%04d-%02d-%02dT%02d:%02d:%02d%sZ", tm.tm_year + 1900, tm.tm_mon + 1,
                        tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, fraction);
}

json_t *
db_row_json(const PGresult *res, int row)
{
    json_t *obj = json_object();
    int columns = PQnfields(res);

    for (int col = 0; col < columns; col++) {
        const char *name = PQfname(res, col);
        const char *value;
        json_t *v;

        if (PQgetisnull(res, row, col)) {
            json_object_set_new(obj, name, json_null());
            continue;
        }
        value = PQgetvalue(res, row, col);
        switch (PQftype(res, col)) {
        case DB_OID_BOOL:
            v = json_boolean(value[0] == 't');
            break;
        case DB_OID_INT2:
        case DB_OID_INT4:
        case DB_OID_INT8:
            v = json_integer(strtoll(value, NULL, 10));
            break;
        case DB_OID_JSON:
        case DB_OID_JSONB:
            v = json_loads(value, JSON_DECODE_ANY, NULL);
            if (v == NULL)
                v = json_null();
            break;
        case DB_OID_TIMESTAMPTZ:
            v = json_string(db_timestamp_rfc3339(json_current_arena(), value));
            break;
        default:
            v = json_string(value);
            break;
        }
        json_object_set_new(obj, name, v);
    }
    return obj;
}

void
db_write_value(struct json_writer *w, const PGresult *res, int row, int col)
{
    const char *value;
    char utc[DB_TIMESTAMP_UTC_MAX];
    size_t len;

    if (col < 0 || PQgetisnull(res, row, col)) {
        json_write_null(w);
        return;
    }
    value = PQgetvalue(res, row, col);
    len = (size_t)PQgetlength(res, row, col);
    switch (PQftype(res, col)) {
    case DB_OID_BOOL:
        json_write_bool(w, value[0] == 't');
        break;
    case DB_OID_INT2:
    case DB_OID_INT4:
    case DB_OID_INT8:
        /* PostgreSQL prints integers in the form jansson does. */
        json_write_raw(w, value, len);
        break;
    case DB_OID_JSON:
    case DB_OID_JSONB:
        json_write_json(w, value, len);
        break;
    case DB_OID_TIMESTAMPTZ:
        len = db_timestamp_utc(value, utc);
        if (len > 0)
            json_write_string(w, utc, len);
        else
            json_write_cstring(w, db_timestamp_rfc3339(w->out.arena, value));
        break;
    default:
        json_write_string(w, value, len);
        break;
    }
}

void
db_write_array(struct json_writer *w, const PGresult *res, int row, int col)
{
    Oid type = col >= 0 ? PQftype(res, col) : 0;

    if ((type != DB_OID_JSON && type != DB_OID_JSONB) || PQgetisnull(res, row, col))
        json_write_raw(w, "[]", 2);
    else
        json_write_json_array(w, PQgetvalue(res, row, col), (size_t)PQgetlength(res, row, col));
}

void
db_write_row(struct json_writer *w, const PGresult *res, int row)
{
    int columns = PQnfields(res);

    json_write_object_begin(w);
    for (int col = 0; col < columns; col++) {
        json_write_key(w, PQfname(res, col));
        db_write_value(w, res, row, col);
    }
    json_write_object_end(w);
}

void
db_columns(const PGresult *res, const char *const *names, size_t count, int *columns)
{
    int fields = PQnfields(res);

    for (size_t i = 0; i < count; i++) {
        columns[i] = -1;
        if ((int)i < fields && strcmp(PQfname(res, (int)i), names[i]) == 0) {
            columns[i] = (int)i;
            continue;
        }
        for (int col = 0; col < fields; col++) {
            if (strcmp(PQfname(res, col), names[i]) == 0) {
                columns[i] = col;
                break;
            }
        }
    }
}
