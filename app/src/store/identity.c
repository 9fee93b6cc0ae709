#include <stdlib.h>
#include <string.h>

#include "store/identity.h"

#define USER_COLUMNS                                                                          \
    "u.id, u.email, u.display_name, u.status, u.password_hash, u.credential_version, "        \
    "u.role_id, r.name, r.built_in, r.permissions::text, u.version"

static struct sql user_by_id = SQL_STATEMENT(
    "SELECT " USER_COLUMNS " FROM {tenant}.users u JOIN {tenant}.roles r ON r.id = u.role_id"
    " WHERE u.id = $1");
static struct sql user_by_email = SQL_STATEMENT(
    "SELECT " USER_COLUMNS " FROM {tenant}.users u JOIN {tenant}.roles r ON r.id = u.role_id"
    " WHERE u.email_key = $1");
static struct sql user_lock = SQL_STATEMENT(
    "SELECT " USER_COLUMNS " FROM {tenant}.users u JOIN {tenant}.roles r ON r.id = u.role_id"
    " WHERE u.id = $1 FOR UPDATE OF u");
static struct sql user_set_password = SQL_STATEMENT(
    "UPDATE {tenant}.users SET password_hash = $2,"
    " credential_version = credential_version + CASE WHEN $3 THEN 1 ELSE 0 END,"
    " updated_at = " SQL_MICROS("$4") " WHERE id = $1 RETURNING credential_version");
static struct sql user_record_login = SQL_STATEMENT(
    "UPDATE {tenant}.users SET last_login_at = " SQL_MICROS("$2") " WHERE id = $1");

static struct sql session_by_hash = SQL_STATEMENT(
    "SELECT id, user_id, credential_version, extract(epoch FROM expires_at)::bigint,"
    " extract(epoch FROM last_seen_at)::bigint FROM {tenant}.sessions"
    " WHERE token_hash = $1 AND revoked_at IS NULL");
static struct sql session_insert = SQL_STATEMENT(
    "INSERT INTO {tenant}.sessions (user_id, token_hash, credential_version, client_addr,"
    " user_agent, created_at, last_seen_at, expires_at)"
    " VALUES ($1, $2, $3, $4, $5, " SQL_MICROS("$6") ", " SQL_MICROS("$6") ", " SQL_MICROS("$7") ")"
    " RETURNING id");
static struct sql session_touch = SQL_STATEMENT(
    "UPDATE {tenant}.sessions SET last_seen_at = " SQL_MICROS("$2") " WHERE id = $1");
static struct sql session_set_version = SQL_STATEMENT(
    "UPDATE {tenant}.sessions SET credential_version = $2 WHERE id = $1");
static struct sql session_revoke_one = SQL_STATEMENT(
    "UPDATE {tenant}.sessions SET revoked_at = " SQL_MICROS("$2")
    " WHERE id = $1 AND revoked_at IS NULL RETURNING token_hash");
static struct sql session_revoke_user = SQL_STATEMENT(
    "UPDATE {tenant}.sessions SET revoked_at = " SQL_MICROS("$2")
    " WHERE user_id = $1 AND id <> $3 AND revoked_at IS NULL RETURNING token_hash");

static struct sql token_by_hash = SQL_STATEMENT(
    "SELECT t.id, t.user_id, t.role_id, r.name, r.permissions::text,"
    " coalesce(extract(epoch FROM t.expires_at)::bigint, 0),"
    " coalesce(extract(epoch FROM t.last_used_at)::bigint, 0), t.credential_version"
    " FROM {tenant}.api_tokens t JOIN {tenant}.roles r ON r.id = t.role_id"
    " WHERE t.token_hash = $1 AND t.revoked_at IS NULL");
static struct sql token_touch = SQL_STATEMENT(
    "UPDATE {tenant}.api_tokens SET last_used_at = " SQL_MICROS("$2") " WHERE id = $1");

static struct sql user_insert = SQL_STATEMENT(
    "INSERT INTO {tenant}.users (email, email_key, display_name, role_id, status, created_at, updated_at)"
    " VALUES ($1, $2, $3, $4, $5, " SQL_MICROS("$6") ", " SQL_MICROS("$6") ") RETURNING id");
static struct sql role_by_name = SQL_STATEMENT(
    "SELECT id FROM {tenant}.roles WHERE lower(name) = lower($1)");
static struct sql one_time_insert = SQL_STATEMENT(
    "INSERT INTO {tenant}.one_time_tokens (user_id, purpose, token_hash, created_by, created_at, expires_at)"
    " VALUES ($1, $2, $3, $4, " SQL_MICROS("$5") ", " SQL_MICROS("$6") ")");
static struct sql one_time_consume = SQL_STATEMENT(
    "UPDATE {tenant}.one_time_tokens SET used_at = " SQL_MICROS("$3")
    " WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > " SQL_MICROS("$3")
    " RETURNING user_id");
static struct sql one_time_cancel = SQL_STATEMENT(
    "UPDATE {tenant}.one_time_tokens SET used_at = " SQL_MICROS("$3")
    " WHERE user_id = $1 AND ($2::text IS NULL OR purpose = $2) AND used_at IS NULL");
static struct sql user_activate = SQL_STATEMENT(
    "UPDATE {tenant}.users SET status = 'active', display_name = coalesce($2, display_name),"
    " password_hash = $3, credential_version = credential_version + 1, version = version + 1,"
    " updated_at = " SQL_MICROS("$4") " WHERE id = $1 AND status <> 'deactivated'"
    " RETURNING credential_version");

#define USER_JSON_COLUMNS                                                                     \
    "u.id, u.email, u.display_name, u.status, json_build_object('id', r.id, 'name', r.name) AS role,"\
    " u.last_login_at, u.created_at, u.updated_at, u.version"

static struct sql user_json = SQL_STATEMENT(
    "SELECT " USER_JSON_COLUMNS " FROM {tenant}.users u JOIN {tenant}.roles r ON r.id = u.role_id"
    " WHERE u.id = $1");
static struct sql user_list = SQL_STATEMENT(
    "SELECT " USER_JSON_COLUMNS " FROM {tenant}.users u JOIN {tenant}.roles r ON r.id = u.role_id"
    " WHERE ($1::text IS NULL OR u.status = $1) AND ($2::bigint IS NULL OR u.role_id = $2)"
    " AND u.id > $3 ORDER BY u.id LIMIT $4");
/* ORDER BY comes before the row locks, so every caller locks in the same order. */
static struct sql admins_lock = SQL_STATEMENT(
    "SELECT u.id FROM {tenant}.users u JOIN {tenant}.roles r ON r.id = u.role_id"
    " WHERE r.built_in AND r.name = 'Administrator' AND u.status = 'active'"
    " ORDER BY u.id FOR UPDATE OF u");
static struct sql user_update = SQL_STATEMENT(
    "UPDATE {tenant}.users SET display_name = $2, role_id = $3, status = $4,"
    " credential_version = credential_version + CASE WHEN $5 THEN 1 ELSE 0 END,"
    " version = version + 1, updated_at = " SQL_MICROS("$6") " WHERE id = $1 RETURNING version");

static struct sql user_directory = SQL_STATEMENT(
    "SELECT id, display_name FROM {tenant}.users WHERE status = 'active'"
    " ORDER BY lower(display_name), id LIMIT 5000");

static const char *
copy_value(struct scope *s, const PGresult *res, int row, int col)
{
    const char *v = db_value(res, row, col);

    return v != NULL ? arena_strdup(s->arena, v) : NULL;
}

static void
user_from_row(struct scope *s, const PGresult *res, struct user_row *out)
{
    out->id = db_value_int(res, 0, 0);
    out->email = copy_value(s, res, 0, 1);
    out->display_name = copy_value(s, res, 0, 2);
    out->status = copy_value(s, res, 0, 3);
    out->password_hash = copy_value(s, res, 0, 4);
    out->credential_version = (int)db_value_int(res, 0, 5);
    out->role_id = db_value_int(res, 0, 6);
    out->role_name = copy_value(s, res, 0, 7);
    out->role_built_in = db_value(res, 0, 8)[0] == 't';
    out->permissions = copy_value(s, res, 0, 9);
    out->version = (int)db_value_int(res, 0, 10);
}

static enum result
user_query(struct scope *s, struct sql *q, struct db_params *p, struct user_row *out)
{
    PGresult *res;
    enum result r = db_query_one(s->db, scope_schema(s), q, p, &res);

    if (r != RESULT_OK)
        return r;
    user_from_row(s, res, out);
    PQclear(res);
    return RESULT_OK;
}

enum result
identity_user_by_id(struct scope *s, int64_t id, struct user_row *out)
{
    struct db_params p;

    db_params_init(&p, s->arena);
    db_param_int(&p, id);
    return user_query(s, &user_by_id, &p, out);
}

enum result
identity_user_by_email(struct scope *s, const char *email_key, struct user_row *out)
{
    struct db_params p;

    db_params_init(&p, s->arena);
    db_param_text(&p, email_key);
    return user_query(s, &user_by_email, &p, out);
}

enum result
identity_user_lock(struct scope *s, int64_t id, struct user_row *out)
{
    struct db_params p;

    db_params_init(&p, s->arena);
    db_param_int(&p, id);
    return user_query(s, &user_lock, &p, out);
}

enum result
identity_user_set_password(struct scope *s, int64_t id, const char *hash,
                           bool raise_credential_version, int *credential_version)
{
    struct db_params p;
    PGresult *res;
    enum result r;

    db_params_init(&p, s->arena);
    db_param_int(&p, id);
    db_param_text(&p, hash);
    db_param_bool(&p, raise_credential_version);
    db_param_int(&p, s->now_us);
    if ((r = db_query_one(s->db, scope_schema(s), &user_set_password, &p, &res)) != RESULT_OK)
        return r;
    if (credential_version != NULL)
        *credential_version = (int)db_value_int(res, 0, 0);
    PQclear(res);
    return RESULT_OK;
}

enum result
identity_user_record_login(struct scope *s, int64_t id)
{
    struct db_params p;

    db_params_init(&p, s->arena);
    db_param_int(&p, id);
    db_param_int(&p, s->now_us);
    return db_query(s->db, scope_schema(s), &user_record_login, &p, NULL);
}

enum result
identity_session_by_hash(struct scope *s, const char *token_hash, struct session_row *out)
{
    struct db_params p;
    PGresult *res;
    enum result r;

    db_params_init(&p, s->arena);
    db_param_text(&p, token_hash);
    if ((r = db_query_one(s->db, scope_schema(s), &session_by_hash, &p, &res)) != RESULT_OK)
        return r;
    out->id = db_value_int(res, 0, 0);
    out->user_id = db_value_int(res, 0, 1);
    out->credential_version = (int)db_value_int(res, 0, 2);
    out->expires_at = db_value_int(res, 0, 3);
    out->last_seen_at = db_value_int(res, 0, 4);
    PQclear(res);
    return RESULT_OK;
}

enum result
identity_session_insert(struct scope *s, int64_t user_id, const char *token_hash,
                        int credential_version, int64_t expires_at_us, const char *user_agent,
                        int64_t *id)
{
    struct db_params p;
    PGresult *res;
    enum result r;

    db_params_init(&p, s->arena);
    db_param_int(&p, user_id);
    db_param_text(&p, token_hash);
    db_param_int(&p, credential_version);
    db_param_text(&p, s->client_addr);
    db_param_text(&p, user_agent != NULL ? arena_strndup(s->arena, user_agent, strnlen(user_agent, 300)) : NULL);
    db_param_int(&p, s->now_us);
    db_param_int(&p, expires_at_us);
    if ((r = db_query(s->db, scope_schema(s), &session_insert, &p, &res)) != RESULT_OK)
        return r;
    *id = db_value_int(res, 0, 0);
    PQclear(res);
    return RESULT_OK;
}

enum result
identity_session_touch(struct scope *s, int64_t id)
{
    struct db_params p;

    db_params_init(&p, s->arena);
    db_param_int(&p, id);
    db_param_int(&p, s->now_us);
    return db_query(s->db, scope_schema(s), &session_touch, &p, NULL);
}

enum result
identity_session_set_version(struct scope *s, int64_t id, int credential_version)
{
    struct db_params p;

    db_params_init(&p, s->arena);
    db_param_int(&p, id);
    db_param_int(&p, credential_version);
    return db_query(s->db, scope_schema(s), &session_set_version, &p, NULL);
}

enum result
identity_session_revoke(struct scope *s, int64_t session_id, int64_t user_id,
                        int64_t keep_session_id, char ***hashes, int *count)
{
    struct db_params p;
    PGresult *res;
    enum result r;

    db_params_init(&p, s->arena);
    if (session_id > 0) {
        db_param_int(&p, session_id);
        db_param_int(&p, s->now_us);
        r = db_query(s->db, scope_schema(s), &session_revoke_one, &p, &res);
    } else {
        db_param_int(&p, user_id);
        db_param_int(&p, s->now_us);
        db_param_int(&p, keep_session_id);
        r = db_query(s->db, scope_schema(s), &session_revoke_user, &p, &res);
    }
    if (r != RESULT_OK)
        return r;
    *count = PQntuples(res);
    *hashes = arena_calloc(s->arena, (size_t)*count + 1, sizeof(char *));
    for (int i = 0; i < *count; i++)
        (*hashes)[i] = arena_strdup(s->arena, db_value(res, i, 0));
    PQclear(res);
    return RESULT_OK;
}

enum result
identity_token_by_hash(struct scope *s, const char *token_hash, struct token_row *out)
{
    struct db_params p;
    PGresult *res;
    enum result r;

    db_params_init(&p, s->arena);
    db_param_text(&p, token_hash);
    if ((r = db_query_one(s->db, scope_schema(s), &token_by_hash, &p, &res)) != RESULT_OK)
        return r;
    out->id = db_value_int(res, 0, 0);
    out->user_id = db_value_int(res, 0, 1);
    out->role_id = db_value_int(res, 0, 2);
    out->role_name = copy_value(s, res, 0, 3);
    out->permissions = copy_value(s, res, 0, 4);
    out->expires_at = db_value_int(res, 0, 5);
    out->last_used_at = db_value_int(res, 0, 6);
    out->credential_version = (int)db_value_int(res, 0, 7);
    PQclear(res);
    return RESULT_OK;
}

enum result
identity_token_touch(struct scope *s, int64_t id)
{
    struct db_params p;

    db_params_init(&p, s->arena);
    db_param_int(&p, id);
    db_param_int(&p, s->now_us);
    return db_query(s->db, scope_schema(s), &token_touch, &p, NULL);
}

enum result
identity_user_insert(struct scope *s, const char *email, const char *email_key,
                     const char *display_name, int64_t role_id, const char *status, int64_t *id)
{
    struct db_params p;
    PGresult *res;
    enum result r;

    db_params_init(&p, s->arena);
    db_param_text(&p, email);
    db_param_text(&p, email_key);
    db_param_text(&p, display_name);
    db_param_int(&p, role_id);
    db_param_text(&p, status);
    db_param_int(&p, s->now_us);
    if ((r = db_query(s->db, scope_schema(s), &user_insert, &p, &res)) != RESULT_OK)
        return r;
    *id = db_value_int(res, 0, 0);
    PQclear(res);
    return RESULT_OK;
}

enum result
identity_role_by_name(struct scope *s, const char *name, int64_t *id)
{
    struct db_params p;
    PGresult *res;
    enum result r;

    db_params_init(&p, s->arena);
    db_param_text(&p, name);
    if ((r = db_query_one(s->db, scope_schema(s), &role_by_name, &p, &res)) != RESULT_OK)
        return r;
    *id = db_value_int(res, 0, 0);
    PQclear(res);
    return RESULT_OK;
}

enum result
identity_one_time_insert(struct scope *s, int64_t user_id, const char *purpose,
                         const char *token_hash, int64_t expires_at_us)
{
    struct db_params p;

    db_params_init(&p, s->arena);
    db_param_int(&p, user_id);
    db_param_text(&p, purpose);
    db_param_text(&p, token_hash);
    if (s->actor != NULL)
        db_param_int(&p, s->actor->user_id);
    else
        db_param_text(&p, NULL);
    db_param_int(&p, s->now_us);
    db_param_int(&p, expires_at_us);
    return db_query(s->db, scope_schema(s), &one_time_insert, &p, NULL);
}

enum result
identity_one_time_consume(struct scope *s, const char *token_hash, const char *purpose,
                          int64_t *user_id)
{
    struct db_params p;
    PGresult *res;
    enum result r;

    db_params_init(&p, s->arena);
    db_param_text(&p, token_hash);
    db_param_text(&p, purpose);
    db_param_int(&p, s->now_us);
    if ((r = db_query_one(s->db, scope_schema(s), &one_time_consume, &p, &res)) != RESULT_OK)
        return r;
    *user_id = db_value_int(res, 0, 0);
    PQclear(res);
    return RESULT_OK;
}

enum result
identity_one_time_cancel(struct scope *s, int64_t user_id, const char *purpose)
{
    struct db_params p;

    db_params_init(&p, s->arena);
    db_param_int(&p, user_id);
    db_param_text(&p, purpose);
    db_param_int(&p, s->now_us);
    return db_query(s->db, scope_schema(s), &one_time_cancel, &p, NULL);
}

enum result
identity_user_activate(struct scope *s, int64_t id, const char *display_name,
                       const char *password_hash, int *credential_version)
{
    struct db_params p;
    PGresult *res;
    enum result r;

    db_params_init(&p, s->arena);
    db_param_int(&p, id);
    db_param_text(&p, display_name);
    db_param_text(&p, password_hash);
    db_param_int(&p, s->now_us);
    if ((r = db_query_one(s->db, scope_schema(s), &user_activate, &p, &res)) != RESULT_OK)
        return r;
    if (credential_version != NULL)
        *credential_version = (int)db_value_int(res, 0, 0);
    PQclear(res);
    return RESULT_OK;
}

enum result
identity_user_json(struct scope *s, int64_t id, json_t **out)
{
    struct db_params p;
    PGresult *res;
    enum result r;

    db_params_init(&p, s->arena);
    db_param_int(&p, id);
    if ((r = db_query_one(s->db, scope_schema(s), &user_json, &p, &res)) != RESULT_OK)
        return r;
    *out = db_row_json(res, 0);
    PQclear(res);
    return RESULT_OK;
}

enum result
identity_user_list(struct scope *s, const struct identity_user_filter *f, json_t **out)
{
    struct db_params p;
    PGresult *res;
    enum result r;

    db_params_init(&p, s->arena);
    db_param_text(&p, f->status);
    if (f->role_id > 0)
        db_param_int(&p, f->role_id);
    else
        db_param_text(&p, NULL);
    db_param_int(&p, f->after_id);
    db_param_int(&p, f->limit);
    if ((r = db_query(s->db, scope_schema(s), &user_list, &p, &res)) != RESULT_OK)
        return r;
    *out = json_array();
    for (int i = 0; i < PQntuples(res); i++)
        json_array_append_new(*out, db_row_json(res, i));
    PQclear(res);
    return RESULT_OK;
}

enum result
identity_admins_lock(struct scope *s, int64_t **ids, int *count)
{
    PGresult *res;
    enum result r;

    if ((r = db_query(s->db, scope_schema(s), &admins_lock, NULL, &res)) != RESULT_OK)
        return r;
    *count = PQntuples(res);
    *ids = arena_calloc(s->arena, (size_t)*count + 1, sizeof(int64_t));
    for (int i = 0; i < *count; i++)
        (*ids)[i] = db_value_int(res, i, 0);
    PQclear(res);
    return RESULT_OK;
}

enum result
identity_user_update(struct scope *s, int64_t id, const char *display_name, int64_t role_id,
                     const char *status, bool end_credentials, int *version)
{
    struct db_params p;
    PGresult *res;
    enum result r;

    db_params_init(&p, s->arena);
    db_param_int(&p, id);
    db_param_text(&p, display_name);
    db_param_int(&p, role_id);
    db_param_text(&p, status);
    db_param_bool(&p, end_credentials);
    db_param_int(&p, s->now_us);
    if ((r = db_query_one(s->db, scope_schema(s), &user_update, &p, &res)) != RESULT_OK)
        return r;
    *version = (int)db_value_int(res, 0, 0);
    PQclear(res);
    return RESULT_OK;
}

enum result
identity_user_directory(struct scope *s, json_t **out)
{
    PGresult *res;
    enum result r;

    if ((r = db_query(s->db, scope_schema(s), &user_directory, NULL, &res)) != RESULT_OK)
        return r;
    *out = json_array();
    for (int i = 0; i < PQntuples(res); i++)
        json_array_append_new(*out, db_row_json(res, i));
    PQclear(res);
    return RESULT_OK;
}
