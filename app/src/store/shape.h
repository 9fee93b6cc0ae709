/*
 * Statements whose SQL text is built per request from the filters present (a
 * shape), so each present filter is a plain condition an index can serve.
 * db_query() prepares a statement once per connection and tenant and keys it
 * by its struct sql, so each distinct text needs one struct sql for the life of
 * the process: shape_sql() hands it out. Texts depend only on which filters
 * are present, never on their values, which bound the number of shapes.
 */
#ifndef LENDASTACK_STORE_SHAPE_H
#define LENDASTACK_STORE_SHAPE_H

#include <stdint.h>

#include "core/arena.h"
#include "core/result.h"
#include "core/scope.h"
#include "db/db.h"

#define SHAPE_TEXTS_MAX 8192 /* distinct texts per process; more is a bug in a builder */

/* A statement being built: its text and its parameters, both in the request's arena. */
struct shape {
    struct buf text;
    struct db_params params;
};

void shape_init(struct shape *q, struct arena *a);

/* Binds a text value (NULL binds SQL NULL) and returns its placeholder, e.g. "$3". */
const char *shape_param(struct shape *q, const char *value);

/* Binds an integer value and returns its placeholder. */
const char *shape_param_int(struct shape *q, int64_t value);

/*
 * Runs the built statement in the scope's tenant schema. On RESULT_OK *res
 * contains the result for the caller to PQclear. RESULT_INTERNAL when the process
 * has seen SHAPE_TEXTS_MAX distinct texts already. Blocks on PostgreSQL.
 */
enum result shape_query(struct scope *s, struct shape *q, PGresult **res);

/* Runs the built statement and returns its rows as JSON objects (db_row_json). */
enum result shape_rows(struct scope *s, struct shape *q, json_t **rows);

#endif
