#include "store/roles.h"

#define ROLE_JSON_COLUMNS                                                                     \
    "r.id, r.name, r.description, r.built_in, r.permissions, r.version,"                      \
    " (SELECT count(*) FROM {tenant}.users u WHERE u.role_id = r.id"                          \
    " AND u.status <> 'deactivated') AS user_count, r.created_at, r.updated_at"

static struct sql role_get = SQL_STATEMENT(
    "SELECT id, name, description, built_in, permissions::text, version FROM {tenant}.roles"
    " WHERE id = $1");
static struct sql role_lock = SQL_STATEMENT(
    "SELECT id, name, description, built_in, permissions::text, version FROM {tenant}.roles"
    " WHERE id = $1 FOR UPDATE");
static struct sql role_json = SQL_STATEMENT(
    "SELECT " ROLE_JSON_COLUMNS " FROM {tenant}.roles r WHERE r.id = $1");
static struct sql role_list = SQL_STATEMENT(
    "SELECT " ROLE_JSON_COLUMNS " FROM {tenant}.roles r ORDER BY r.built_in DESC, lower(r.name), r.id");
static struct sql role_insert = SQL_STATEMENT(
    "INSERT INTO {tenant}.roles (name, description, permissions, created_at, updated_at)"
    " VALUES ($1, $2, $3::jsonb, " SQL_MICROS("$4") ", " SQL_MICROS("$4") ") RETURNING id");
static struct sql role_update = SQL_STATEMENT(
    "UPDATE {tenant}.roles SET name = $2, description = $3, permissions = $4::jsonb,"
    " version = version + 1, updated_at = " SQL_MICROS("$5") " WHERE id = $1 RETURNING version");
static struct sql role_user_ids = SQL_STATEMENT(
    "SELECT id FROM {tenant}.users WHERE role_id = $1");

enum result
roles_get(struct scope *s, int64_t id, bool lock, struct role_row *out)
{
    struct db_params p;
    PGresult *res;
    enum result r;

    db_params_init(&p, s->arena);
    db_param_int(&p, id);
    if ((r = db_query_one(s->db, scope_schema(s), lock ? &role_lock : &role_get, &p, &res)) != RESULT_OK)
        return r;
    out->id = db_value_int(res, 0, 0);
    out->name = arena_strdup(s->arena, db_value(res, 0, 1));
    out->description = arena_strdup(s->arena, db_value(res, 0, 2));
    out->built_in = db_value(res, 0, 3)[0] == 't';
    out->permissions = arena_strdup(s->arena, db_value(res, 0, 4));
    out->version = (int)db_value_int(res, 0, 5);
    PQclear(res);
    return RESULT_OK;
}

enum result
roles_json(struct scope *s, int64_t id, json_t **out)
{
    struct db_params p;
    PGresult *res;
    enum result r;

    db_params_init(&p, s->arena);
    db_param_int(&p, id);
    if ((r = db_query_one(s->db, scope_schema(s), &role_json, &p, &res)) != RESULT_OK)
        return r;
    *out = db_row_json(res, 0);
    PQclear(res);
    return RESULT_OK;
}

enum result
roles_list(struct scope *s, json_t **out)
{
    PGresult *res;
    enum result r;

    if ((r = db_query(s->db, scope_schema(s), &role_list, NULL, &res)) != RESULT_OK)
        return r;
    *out = json_array();
    for (int i = 0; i < PQntuples(res); i++)
        json_array_append_new(*out, db_row_json(res, i));
    PQclear(res);
    return RESULT_OK;
}

enum result
roles_insert(struct scope *s, const char *name, const char *description, const json_t *permissions,
             int64_t *id)
{
    struct db_params p;
    PGresult *res;
    enum result r;

    db_params_init(&p, s->arena);
    db_param_text(&p, name);
    db_param_text(&p, description);
    db_param_json(&p, permissions);
    db_param_int(&p, s->now_us);
    if ((r = db_query(s->db, scope_schema(s), &role_insert, &p, &res)) != RESULT_OK)
        return r;
    *id = db_value_int(res, 0, 0);
    PQclear(res);
    return RESULT_OK;
}

enum result
roles_update(struct scope *s, int64_t id, const char *name, const char *description,
             const json_t *permissions, int *version)
{
    struct db_params p;
    PGresult *res;
    enum result r;

    db_params_init(&p, s->arena);
    db_param_int(&p, id);
    db_param_text(&p, name);
    db_param_text(&p, description);
    db_param_json(&p, permissions);
    db_param_int(&p, s->now_us);
    if ((r = db_query_one(s->db, scope_schema(s), &role_update, &p, &res)) != RESULT_OK)
        return r;
    *version = (int)db_value_int(res, 0, 0);
    PQclear(res);
    return RESULT_OK;
}

enum result
roles_user_ids(struct scope *s, int64_t role_id, int64_t **ids, int *count)
{
    struct db_params p;
    PGresult *res;
    enum result r;

    db_params_init(&p, s->arena);
    db_param_int(&p, role_id);
    if ((r = db_query(s->db, scope_schema(s), &role_user_ids, &p, &res)) != RESULT_OK)
        return r;
    *count = PQntuples(res);
    *ids = arena_calloc(s->arena, (size_t)*count + 1, sizeof(int64_t));
    for (int i = 0; i < *count; i++)
        (*ids)[i] = db_value_int(res, i, 0);
    PQclear(res);
    return RESULT_OK;
}
