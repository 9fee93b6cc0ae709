/*
 * One PostgreSQL connection per worker process, over libpq.
 *
 * SQL text names tenant tables as {tenant}.table; the placeholder is replaced by
 * the quoted schema of the request's tenant, so no tenant state lives on the
 * connection and a transaction-pooling pgbouncer can sit in between. In direct
 * mode each statement is prepared once per connection, tenant and schema
 * version; in pooler mode it is sent unnamed with its parameters every time.
 *
 * Every call blocks on the network, bounded by connect_timeout and
 * statement_timeout. A broken connection is dropped and rebuilt on the next call.
 */
#ifndef LENDASTACK_DB_DB_H
#define LENDASTACK_DB_DB_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/json.h"
#include "core/json_writer.h"
#include "core/result.h"

#define DB_MAX_PARAMS 64

/* A statement known at compile time; id is assigned at first use. */
struct sql {
    const char *text;
    unsigned id;
};

#define SQL_STATEMENT(text_) {text_, 0}

/*
 * SQL turning a parameter of microseconds since the epoch into a timestamptz
 * exactly, e.g. SQL_MICROS("$1"). Timestamps come from the request's clock, not
 * from now(), so one request writes one time everywhere and tests can fix it.
 */
#define SQL_MICROS(param) "(timestamptz 'epoch' + (" param ")::bigint * interval '1 microsecond')"

/* The schema a statement runs in: a tenant's, or NULL for the control plane. */
struct db_schema {
    int64_t tenant_id;
    const char *ident;   /* quoted schema name, e.g. "tenant_000042" with quotes */
    int version;         /* migration version; part of the statement cache key */
};

struct db_params {
    struct arena *arena;
    int count;
    const char *values[DB_MAX_PARAMS];
};

struct db;

/* Creates an unconnected handle; the connection opens at first use. */
struct db *db_new(const char *conninfo, bool pooler, long statement_timeout_ms,
                  long recycle_tenants, long recycle_requests);
void db_free(struct db *db);

/* Connects if needed; RESULT_UNAVAILABLE when PostgreSQL cannot be reached. */
enum result db_connect(struct db *db);

/* Closes the connection; the next call opens a new one. */
void db_disconnect(struct db *db);

/* Returns true when a connection is open and healthy. */
bool db_connected(const struct db *db);

void db_params_init(struct db_params *p, struct arena *a);
void db_param_text(struct db_params *p, const char *value);   /* NULL binds SQL NULL */
void db_param_int(struct db_params *p, int64_t value);
void db_param_bool(struct db_params *p, bool value);
void db_param_json(struct db_params *p, const json_t *value); /* NULL binds SQL NULL */
/*
 * Binds a JSON value by its type: strings as text, integers and booleans as their
 * literals, arrays and objects as JSON text, and NULL or JSON null as SQL NULL.
 */
void db_param_value(struct db_params *p, const json_t *value);

/*
 * Runs a statement in schema (NULL for the control plane). On RESULT_OK *out holds
 * the result, which the caller frees with PQclear, or NULL when out is NULL. A
 * read outside a transaction is retried once on a fresh connection when the old
 * one was broken; writes belong inside db_begin()/db_commit().
 *
 * Results: RESULT_CONFLICT for unique, exclusion and serialization failures and
 * deadlocks, RESULT_INVALID for check, foreign-key, not-null and data errors,
 * RESULT_UNAVAILABLE when PostgreSQL is unreachable, shutting down, out of
 * connections or timed out, RESULT_INTERNAL otherwise. db_error() tells more.
 */
enum result db_query(struct db *db, const struct db_schema *schema, struct sql *q,
                     const struct db_params *p, PGresult **out);

/*
 * Runs a statement expected to return exactly one row, as db_query(). No row is
 * RESULT_NOT_FOUND (with nothing in *out); on RESULT_OK the caller frees *out.
 */
enum result db_query_one(struct db *db, const struct db_schema *schema, struct sql *q,
                         const struct db_params *p, PGresult **out);

/* Runs literal SQL without parameters (for control statements). */
enum result db_exec(struct db *db, const char *sql);

enum result db_begin(struct db *db);
enum result db_commit(struct db *db);
/* Rolls back if a transaction is open; safe to call at any time. */
void db_rollback(struct db *db);
bool db_in_transaction(const struct db *db);

/* SQLSTATE, constraint and message of the last failure, or "" when none. */
const char *db_error_state(const struct db *db);
const char *db_error_constraint(const struct db *db);
const char *db_error_message(const struct db *db);

/*
 * Counts a finished request served for a tenant and closes the connection when it
 * served more distinct tenants or requests than configured, so the backend's
 * per-schema catalog cache is released. Call between requests only.
 */
void db_after_request(struct db *db, int64_t tenant_id);

/* Returns the round-trip time of "SELECT 1" in microseconds, or -1 on failure. */
long db_ping(struct db *db);

/*
 * Converts one result row to a JSON object keyed by column names: booleans and
 * integers as JSON numbers and booleans, json and jsonb parsed, timestamptz as
 * RFC 3339 UTC text ("2026-12-04T20:07:01.123456Z"), everything else as text,
 * SQL NULL as null.
 */
json_t *db_row_json(const PGresult *res, int row);

/*
 * Writes the value at row, col as db_row_json() types it, with the same text
 * json_dump() would make of that value. A col of -1 (a column db_columns() did
 * not find) writes null.
 */
void db_write_value(struct json_writer *w, const PGresult *res, int row, int col);

/*
 * Writes the json or jsonb array at row, col; SQL NULL, another type, a value
 * that is not an array or a col of -1 writes [].
 */
void db_write_array(struct json_writer *w, const PGresult *res, int row, int col);

/* Writes one result row as db_row_json() builds it, without building it. */
void db_write_row(struct json_writer *w, const PGresult *res, int row);

/*
 * Finds the column of each of count names: columns[i] is the column called
 * names[i], or -1 when the result has none. Column i is tried first, so a
 * result whose columns come in the order of names costs one comparison each.
 */
void db_columns(const PGresult *res, const char *const *names, size_t count, int *columns);

/* Returns the value at row, col, or NULL for SQL NULL. */
const char *db_value(const PGresult *res, int row, int col);
int64_t db_value_int(const PGresult *res, int row, int col);

/* Converts PostgreSQL's timestamptz text output to RFC 3339 UTC. */
char *db_timestamp_rfc3339(struct arena *a, const char *pg_text);

/*
 * Returns how many connections this handle has opened, so a caller that keeps
 * session state (LISTEN) can tell that a call reconnected and the state is gone.
 */
unsigned long db_connection_count(const struct db *db);

/* Returns the raw libpq connection for tools such as COPY; may be NULL. */
PGconn *db_conn(struct db *db);

#endif
