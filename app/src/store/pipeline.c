#include <string.h>

#include "store/pipeline.h"

#define PIPELINE_LIST(where)                                                                   \
    "SELECT p.id, p.name, p.is_default, p.created_at, p.updated_at,"                           \
    " coalesce(jsonb_agg(jsonb_build_object('id', st.id, 'name', st.name,"                     \
    " 'position', st.position, 'probability', st.probability, 'kind', st.kind)"                \
    " ORDER BY st.position, st.id) FILTER (WHERE st.id IS NOT NULL), '[]') AS stages"          \
    " FROM {tenant}.pipelines p LEFT JOIN {tenant}.pipeline_stages st"                         \
    " ON st.pipeline_id = p.id AND st.removed_at IS NULL" where                                \
    " GROUP BY p.id ORDER BY p.is_default DESC, p.id"

#define STAGE_COLUMNS "id, pipeline_id, name, position, probability, kind, removed_at"

static struct sql list_all = SQL_STATEMENT(PIPELINE_LIST(" WHERE $1::bigint = 0"));
static struct sql list_one = SQL_STATEMENT(PIPELINE_LIST(" WHERE p.id = $1"));

static struct sql lock =
    SQL_STATEMENT("SELECT id FROM {tenant}.pipelines WHERE id = $1 FOR UPDATE");
static struct sql default_id =
    SQL_STATEMENT("SELECT id FROM {tenant}.pipelines WHERE is_default");

static struct sql insert = SQL_STATEMENT(
    "INSERT INTO {tenant}.pipelines (name, is_default, created_at, updated_at)"
    " VALUES ($1, false, " SQL_MICROS("$2") ", " SQL_MICROS("$2") ") RETURNING id");

static struct sql rename_pipeline = SQL_STATEMENT(
    "UPDATE {tenant}.pipelines SET name = coalesce($2, name), updated_at = " SQL_MICROS("$3")
    " WHERE id = $1");

/* One statement, because the unique index on is_default is checked after each statement. */
static struct sql make_default = SQL_STATEMENT(
    "UPDATE {tenant}.pipelines SET is_default = (id = $1), updated_at = " SQL_MICROS("$2")
    " WHERE is_default OR id = $1");

static struct sql stage =
    SQL_STATEMENT("SELECT " STAGE_COLUMNS " FROM {tenant}.pipeline_stages WHERE id = $1");

static struct sql stage_by_name = SQL_STATEMENT(
    "SELECT " STAGE_COLUMNS " FROM {tenant}.pipeline_stages"
    " WHERE pipeline_id = $1 AND lower(name) = lower($2) AND removed_at IS NULL");

static struct sql stage_insert = SQL_STATEMENT(
    "INSERT INTO {tenant}.pipeline_stages (pipeline_id, name, position, probability, kind,"
    " created_at) SELECT $1, $2, coalesce(max(position), 0) + 1, $3, $4, " SQL_MICROS("$5")
    " FROM {tenant}.pipeline_stages WHERE pipeline_id = $1 AND removed_at IS NULL"
    " RETURNING id");

static struct sql stage_update = SQL_STATEMENT(
    "UPDATE {tenant}.pipeline_stages SET name = $2, probability = $3, kind = $4 WHERE id = $1");

static struct sql stage_positions = SQL_STATEMENT(
    "UPDATE {tenant}.pipeline_stages st SET position = o.n"
    " FROM jsonb_array_elements_text($1::jsonb) WITH ORDINALITY AS o(id, n)"
    " WHERE st.id = o.id::bigint AND st.position IS DISTINCT FROM o.n::integer");

static struct sql stage_remove = SQL_STATEMENT(
    "UPDATE {tenant}.pipeline_stages SET removed_at = " SQL_MICROS("$2") " WHERE id = $1");

static struct sql stage_deals =
    SQL_STATEMENT("SELECT count(*) FROM {tenant}.deals WHERE stage_id = $1");

static struct sql move_deals = SQL_STATEMENT(
    "WITH moved AS (UPDATE {tenant}.deals SET stage_id = $2, stage_entered_at = "
    SQL_MICROS("$3") ", updated_at = " SQL_MICROS("$3") ", updated_by = $4::bigint,"
    " version = version + 1 WHERE stage_id = $1 RETURNING id),"
    " changes AS (INSERT INTO {tenant}.deal_stage_changes (deal_id, from_stage_id,"
    " to_stage_id, changed_at, changed_by) SELECT id, $1, $2, " SQL_MICROS("$3") ","
    " $4::bigint FROM moved) SELECT count(*) FROM moved");

static void
pipeline_bind_actor(struct db_params *p, const struct scope *s)
{
    if (s->actor != NULL && s->actor->user_id > 0)
        db_param_int(p, s->actor->user_id);
    else
        db_param_text(p, NULL);
}

static enum result
pipeline_rows(struct scope *s, struct sql *q, struct db_params *p, json_t **rows)
{
    PGresult *res;
    enum result r;

    if ((r = db_query(s->db, scope_schema(s), q, p, &res)) != RESULT_OK)
        return r;
    *rows = json_array();
    for (int i = 0; i < PQntuples(res); i++)
        json_array_append_new(*rows, db_row_json(res, i));
    PQclear(res);
    return RESULT_OK;
}

/* Runs a statement that returns one integer. RESULT_NOT_FOUND without a row. */
static enum result
pipeline_int(struct scope *s, struct sql *q, struct db_params *p, int64_t *value)
{
    PGresult *res;
    enum result r;

    if ((r = db_query_one(s->db, scope_schema(s), q, p, &res)) != RESULT_OK)
        return r;
    *value = db_value_int(res, 0, 0);
    PQclear(res);
    return RESULT_OK;
}

/* Runs a statement that returns at most one row, as JSON. */
static enum result
pipeline_row(struct scope *s, struct sql *q, struct db_params *p, json_t **row)
{
    json_t *rows;
    enum result r;

    if ((r = pipeline_rows(s, q, p, &rows)) != RESULT_OK)
        return r;
    if (json_array_size(rows) != 1)
        return RESULT_NOT_FOUND;
    *row = json_array_get(rows, 0);
    return RESULT_OK;
}

enum result
pipeline_store_list(struct scope *s, int64_t id, json_t **rows)
{
    struct db_params p;

    db_params_init(&p, s->arena);
    db_param_int(&p, id);
    return pipeline_rows(s, id > 0 ? &list_one : &list_all, &p, rows);
}

enum result
pipeline_store_lock(struct scope *s, int64_t id)
{
    struct db_params p;
    int64_t found;

    db_params_init(&p, s->arena);
    db_param_int(&p, id);
    return pipeline_int(s, &lock, &p, &found);
}

enum result
pipeline_store_default(struct scope *s, int64_t *id)
{
    return pipeline_int(s, &default_id, NULL, id);
}

enum result
pipeline_store_insert(struct scope *s, const char *name, int64_t *id)
{
    struct db_params p;

    db_params_init(&p, s->arena);
    db_param_text(&p, name);
    db_param_int(&p, s->now_us);
    return pipeline_int(s, &insert, &p, id);
}

enum result
pipeline_store_update(struct scope *s, int64_t id, const char *name, bool set_default)
{
    struct db_params p;
    enum result r;

    db_params_init(&p, s->arena);
    db_param_int(&p, id);
    db_param_text(&p, name);
    db_param_int(&p, s->now_us);
    if ((r = db_query(s->db, scope_schema(s), &rename_pipeline, &p, NULL)) != RESULT_OK || !set_default)
        return r;
    db_params_init(&p, s->arena);
    db_param_int(&p, id);
    db_param_int(&p, s->now_us);
    return db_query(s->db, scope_schema(s), &make_default, &p, NULL);
}

enum result
pipeline_store_stage(struct scope *s, int64_t stage_id, json_t **row)
{
    struct db_params p;

    db_params_init(&p, s->arena);
    db_param_int(&p, stage_id);
    return pipeline_row(s, &stage, &p, row);
}

enum result
pipeline_store_stage_by_name(struct scope *s, int64_t pipeline_id, const char *name,
                             json_t **row)
{
    struct db_params p;

    db_params_init(&p, s->arena);
    db_param_int(&p, pipeline_id);
    db_param_text(&p, name);
    return pipeline_row(s, &stage_by_name, &p, row);
}

enum result
pipeline_store_stage_insert(struct scope *s, int64_t pipeline_id, const char *name,
                            int probability, const char *kind, int64_t *id)
{
    struct db_params p;

    db_params_init(&p, s->arena);
    db_param_int(&p, pipeline_id);
    db_param_text(&p, name);
    db_param_int(&p, probability);
    db_param_text(&p, kind);
    db_param_int(&p, s->now_us);
    return pipeline_int(s, &stage_insert, &p, id);
}

enum result
pipeline_store_stage_update(struct scope *s, int64_t stage_id, const char *name,
                            int probability, const char *kind)
{
    struct db_params p;

    db_params_init(&p, s->arena);
    db_param_int(&p, stage_id);
    db_param_text(&p, name);
    db_param_int(&p, probability);
    db_param_text(&p, kind);
    return db_query(s->db, scope_schema(s), &stage_update, &p, NULL);
}

enum result
pipeline_store_stage_positions(struct scope *s, const json_t *ids)
{
    struct db_params p;

    db_params_init(&p, s->arena);
    db_param_json(&p, ids);
    return db_query(s->db, scope_schema(s), &stage_positions, &p, NULL);
}

enum result
pipeline_store_stage_remove(struct scope *s, int64_t stage_id)
{
    struct db_params p;

    db_params_init(&p, s->arena);
    db_param_int(&p, stage_id);
    db_param_int(&p, s->now_us);
    return db_query(s->db, scope_schema(s), &stage_remove, &p, NULL);
}

enum result
pipeline_store_stage_deals(struct scope *s, int64_t stage_id, int64_t *count)
{
    struct db_params p;

    db_params_init(&p, s->arena);
    db_param_int(&p, stage_id);
    return pipeline_int(s, &stage_deals, &p, count);
}

enum result
pipeline_store_move_deals(struct scope *s, int64_t from_id, int64_t to_id, int64_t *moved)
{
    struct db_params p;

    db_params_init(&p, s->arena);
    db_param_int(&p, from_id);
    db_param_int(&p, to_id);
    db_param_int(&p, s->now_us);
    pipeline_bind_actor(&p, s);
    return pipeline_int(s, &move_deals, &p, moved);
}

enum result
pipeline_store_sums(struct scope *s, int64_t pipeline_id, const struct deal_visibility *v,
                    json_t **rows)
{
    struct shape q;

    /* sum() of bigint is numeric, so neither the sum nor the product can overflow. */
    shape_init(&q, s->arena);
    buf_printf(&q.text,
               "SELECT d.stage_id, d.currency, count(*) AS count, sum(d.amount)::text AS amount,"
               " div(sum(d.amount) * st.probability + 50, 100)::text AS weighted_amount"
               " FROM {tenant}.deals d JOIN {tenant}.customers c ON c.id = d.customer_id"
               " JOIN {tenant}.pipeline_stages st ON st.id = d.stage_id"
               " WHERE d.pipeline_id = %s::bigint AND st.removed_at IS NULL",
               shape_param_int(&q, pipeline_id));
    deal_store_where_visible(&q, v);
    buf_puts(&q.text, " GROUP BY d.stage_id, d.currency, st.probability"
                      " ORDER BY d.stage_id, d.currency");
    return shape_rows(s, &q, rows);
}
