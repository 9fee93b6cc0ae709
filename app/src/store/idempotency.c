#include "store/idempotency.h"

/* The tenant id is part of the lock key because advisory locks span the database. */
static struct sql idempotency_lock =
    SQL_STATEMENT("SELECT pg_advisory_xact_lock(hashtextextended($1 || ':idempotency:' || $2 "
                  "|| ':' || $3, 0))");
static struct sql idempotency_find =
    SQL_STATEMENT("SELECT request_path, request_hash, status, body::text,"
                  " (extract(epoch FROM created_at) * 1000000)::bigint"
                  " FROM {tenant}.idempotency_keys WHERE user_id = $1 AND key = $2");
static struct sql idempotency_delete =
    SQL_STATEMENT("DELETE FROM {tenant}.idempotency_keys WHERE user_id = $1 AND key = $2");
static struct sql idempotency_insert = SQL_STATEMENT(
    "INSERT INTO {tenant}.idempotency_keys (user_id, key, request_path, request_hash, status,"
    " body, created_at) VALUES ($1, $2, $3, $4, $5, $6::jsonb, " SQL_MICROS("$7") ")");

enum result
idempotency_store_lock(struct scope *s, int64_t user_id, const char *key)
{
    struct db_params p;

    db_params_init(&p, s->arena);
    db_param_int(&p, s->tenant->id);
    db_param_int(&p, user_id);
    db_param_text(&p, key);
    return db_query(s->db, scope_schema(s), &idempotency_lock, &p, NULL);
}

enum result
idempotency_store_find(struct scope *s, int64_t user_id, const char *key,
                       struct idempotency_row *out)
{
    struct db_params p;
    PGresult *res;
    enum result r;

    db_params_init(&p, s->arena);
    db_param_int(&p, user_id);
    db_param_text(&p, key);
    if ((r = db_query(s->db, scope_schema(s), &idempotency_find, &p, &res)) != RESULT_OK)
        return r;
    if (PQntuples(res) != 1) {
        PQclear(res);
        return RESULT_NOT_FOUND;
    }
    out->request_path = arena_strdup(s->arena, db_value(res, 0, 0));
    out->request_hash = arena_strdup(s->arena, db_value(res, 0, 1));
    out->status = (int)db_value_int(res, 0, 2);
    out->body = json_loads(db_value(res, 0, 3), JSON_DECODE_ANY, NULL);
    out->created_at_us = db_value_int(res, 0, 4);
    PQclear(res);
    return out->body != NULL ? RESULT_OK : RESULT_INTERNAL;
}

enum result
idempotency_store_delete(struct scope *s, int64_t user_id, const char *key)
{
    struct db_params p;

    db_params_init(&p, s->arena);
    db_param_int(&p, user_id);
    db_param_text(&p, key);
    return db_query(s->db, scope_schema(s), &idempotency_delete, &p, NULL);
}

enum result
idempotency_store_insert(struct scope *s, int64_t user_id, const char *key,
                         const struct idempotency_row *row)
{
    struct db_params p;

    db_params_init(&p, s->arena);
    db_param_int(&p, user_id);
    db_param_text(&p, key);
    db_param_text(&p, row->request_path);
    db_param_text(&p, row->request_hash);
    db_param_int(&p, row->status);
    db_param_json(&p, row->body);
    db_param_int(&p, s->now_us);
    return db_query(s->db, scope_schema(s), &idempotency_insert, &p, NULL);
}
