#include "store/audit.h"

static struct sql audit_insert = SQL_STATEMENT(
    "INSERT INTO {tenant}.audit_events (occurred_at, actor_user_id, actor_token_id, action, "
    "target_type, target_id, client_addr, details)"
    " VALUES (" SQL_MICROS("$1") ", $2, $3, $4, $5, $6, $7, coalesce($8::jsonb, '{}'))");

static struct sql audit_select = SQL_STATEMENT(
    "SELECT e.id, e.occurred_at, e.action, e.target_type, e.target_id,"
    " CASE WHEN e.actor_user_id IS NULL THEN NULL ELSE json_build_object('user_id', e.actor_user_id,"
    " 'display_name', u.display_name, 'token_id', e.actor_token_id) END AS actor,"
    " e.client_addr, e.details,"
    " (extract(epoch FROM e.occurred_at) * 1000000)::bigint AS position"
    " FROM {tenant}.audit_events e LEFT JOIN {tenant}.users u ON u.id = e.actor_user_id"
    " WHERE ($1::text IS NULL OR e.action = $1)"
    " AND ($2::text IS NULL OR e.target_type = $2)"
    " AND ($3::text IS NULL OR e.target_id = $3)"
    " AND ($4::bigint IS NULL OR e.actor_user_id = $4)"
    " AND ($5::timestamptz IS NULL OR e.occurred_at >= $5::timestamptz)"
    " AND ($6::timestamptz IS NULL OR e.occurred_at < $6::timestamptz)"
    " AND ($7::bigint IS NULL OR (e.occurred_at, e.id) < (" SQL_MICROS("$7") ", $8::bigint))"
    " ORDER BY e.occurred_at DESC, e.id DESC LIMIT $9");

enum result
audit_record_as(struct scope *s, int64_t actor_user_id, const char *action,
                const char *target_type, const char *target_id, json_t *details)
{
    struct db_params p;
    int64_t token_id = s->actor != NULL ? s->actor->token_id : 0;

    db_params_init(&p, s->arena);
    db_param_int(&p, s->now_us);
    if (actor_user_id > 0)
        db_param_int(&p, actor_user_id);
    else
        db_param_text(&p, NULL);
    if (token_id > 0)
        db_param_int(&p, token_id);
    else
        db_param_text(&p, NULL);
    db_param_text(&p, action);
    db_param_text(&p, target_type);
    db_param_text(&p, target_id);
    db_param_text(&p, s->client_addr);
    db_param_json(&p, details);
    return db_query(s->db, scope_schema(s), &audit_insert, &p, NULL);
}

enum result
audit_record(struct scope *s, const char *action, const char *target_type, const char *target_id,
             json_t *details)
{
    return audit_record_as(s, s->actor != NULL ? s->actor->user_id : 0, action, target_type,
                           target_id, details);
}

enum result
audit_list(struct scope *s, const struct audit_filter *f, json_t **out)
{
    struct db_params p;
    PGresult *res;
    enum result r;

    db_params_init(&p, s->arena);
    db_param_text(&p, f->action);
    db_param_text(&p, f->target_type);
    db_param_text(&p, f->target_id);
    if (f->actor_user_id > 0)
        db_param_int(&p, f->actor_user_id);
    else
        db_param_text(&p, NULL);
    db_param_text(&p, f->from);
    db_param_text(&p, f->to);
    if (f->after) {
        db_param_int(&p, f->after_micros);
        db_param_int(&p, f->after_id);
    } else {
        db_param_text(&p, NULL);
        db_param_text(&p, NULL);
    }
    db_param_int(&p, f->limit);
    if ((r = db_query(s->db, scope_schema(s), &audit_select, &p, &res)) != RESULT_OK)
        return r;
    *out = json_array();
    for (int i = 0; i < PQntuples(res); i++)
        json_array_append_new(*out, db_row_json(res, i));
    PQclear(res);
    return RESULT_OK;
}
