#include "store/tokens.h"

#define TOKEN_JSON_COLUMNS                                                                    \
    "t.id, t.name, t.token_prefix,"                                                           \
    " CASE WHEN t.revoked_at IS NOT NULL THEN 'revoked'"                                      \
    " WHEN t.expires_at <= " SQL_MICROS("$1") " THEN 'expired' ELSE 'active' END AS status,"  \
    " json_build_object('id', u.id, 'display_name', u.display_name) AS user,"                 \
    " json_build_object('id', r.id, 'name', r.name) AS role,"                                 \
    " t.created_at, t.last_used_at, t.expires_at, t.revoked_at"
#define TOKEN_JOINS                                                                           \
    " FROM {tenant}.api_tokens t JOIN {tenant}.users u ON u.id = t.user_id"                   \
    " JOIN {tenant}.roles r ON r.id = t.role_id"

static struct sql token_insert = SQL_STATEMENT(
    "INSERT INTO {tenant}.api_tokens (user_id, role_id, name, token_hash, token_prefix,"
    " credential_version, created_at, expires_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, " SQL_MICROS("$7") ","
    " CASE WHEN $8::bigint = 0 THEN NULL ELSE " SQL_MICROS("$8") " END) RETURNING id");
static struct sql token_json = SQL_STATEMENT(
    "SELECT " TOKEN_JSON_COLUMNS TOKEN_JOINS " WHERE t.id = $2");
static struct sql token_list = SQL_STATEMENT(
    "SELECT " TOKEN_JSON_COLUMNS TOKEN_JOINS
    " WHERE ($2::bigint IS NULL OR t.user_id = $2)"
    " AND ($3::text IS NULL"
    " OR ($3 = 'revoked' AND t.revoked_at IS NOT NULL)"
    " OR ($3 = 'expired' AND t.revoked_at IS NULL AND t.expires_at <= " SQL_MICROS("$1") ")"
    " OR ($3 = 'active' AND t.revoked_at IS NULL"
    " AND (t.expires_at IS NULL OR t.expires_at > " SQL_MICROS("$1") ")))"
    " AND ($4::bigint IS NULL OR t.id < $4) ORDER BY t.id DESC LIMIT $5");
static struct sql token_revoke = SQL_STATEMENT(
    "UPDATE {tenant}.api_tokens SET revoked_at = coalesce(revoked_at, " SQL_MICROS("$2") ")"
    " WHERE id = $1 RETURNING CASE WHEN revoked_at = " SQL_MICROS("$2") " THEN token_hash END");
static struct sql token_hashes_by_role = SQL_STATEMENT(
    "SELECT token_hash FROM {tenant}.api_tokens WHERE role_id = $1 AND revoked_at IS NULL");

enum result
tokens_insert(struct scope *s, int64_t user_id, int64_t role_id, const char *name,
              const char *token_hash, const char *token_prefix, int credential_version,
              int64_t expires_at_us, int64_t *id)
{
    struct db_params p;
    PGresult *res;
    enum result r;

    db_params_init(&p, s->arena);
    db_param_int(&p, user_id);
    db_param_int(&p, role_id);
    db_param_text(&p, name);
    db_param_text(&p, token_hash);
    db_param_text(&p, token_prefix);
    db_param_int(&p, credential_version);
    db_param_int(&p, s->now_us);
    db_param_int(&p, expires_at_us);
    if ((r = db_query(s->db, scope_schema(s), &token_insert, &p, &res)) != RESULT_OK)
        return r;
    *id = db_value_int(res, 0, 0);
    PQclear(res);
    return RESULT_OK;
}

enum result
tokens_json(struct scope *s, int64_t id, json_t **out)
{
    struct db_params p;
    PGresult *res;
    enum result r;

    db_params_init(&p, s->arena);
    db_param_int(&p, s->now_us);
    db_param_int(&p, id);
    if ((r = db_query_one(s->db, scope_schema(s), &token_json, &p, &res)) != RESULT_OK)
        return r;
    *out = db_row_json(res, 0);
    PQclear(res);
    return RESULT_OK;
}

enum result
tokens_list(struct scope *s, const struct tokens_filter *f, json_t **out)
{
    struct db_params p;
    PGresult *res;
    enum result r;

    db_params_init(&p, s->arena);
    db_param_int(&p, s->now_us);
    if (f->user_id > 0)
        db_param_int(&p, f->user_id);
    else
        db_param_text(&p, NULL);
    db_param_text(&p, f->status);
    if (f->before_id > 0)
        db_param_int(&p, f->before_id);
    else
        db_param_text(&p, NULL);
    db_param_int(&p, f->limit);
    if ((r = db_query(s->db, scope_schema(s), &token_list, &p, &res)) != RESULT_OK)
        return r;
    *out = json_array();
    for (int i = 0; i < PQntuples(res); i++)
        json_array_append_new(*out, db_row_json(res, i));
    PQclear(res);
    return RESULT_OK;
}

enum result
tokens_revoke(struct scope *s, int64_t id, char **hash)
{
    struct db_params p;
    PGresult *res;
    enum result r;

    db_params_init(&p, s->arena);
    db_param_int(&p, id);
    db_param_int(&p, s->now_us);
    if ((r = db_query_one(s->db, scope_schema(s), &token_revoke, &p, &res)) != RESULT_OK)
        return r;
    *hash = arena_strdup(s->arena, db_value(res, 0, 0));
    PQclear(res);
    return RESULT_OK;
}

enum result
tokens_hashes_by_role(struct scope *s, int64_t role_id, char ***hashes, int *count)
{
    struct db_params p;
    PGresult *res;
    enum result r;

    db_params_init(&p, s->arena);
    db_param_int(&p, role_id);
    if ((r = db_query(s->db, scope_schema(s), &token_hashes_by_role, &p, &res)) != RESULT_OK)
        return r;
    *count = PQntuples(res);
    *hashes = arena_calloc(s->arena, (size_t)*count + 1, sizeof(char *));
    for (int i = 0; i < *count; i++)
        (*hashes)[i] = arena_strdup(s->arena, db_value(res, i, 0));
    PQclear(res);
    return RESULT_OK;
}
