#include "store/audit.h"

static struct sql audit_insert = SQL_STATEMENT(
    "INSERT INTO {tenant}.audit_events (occurred_at, actor_user_id, actor_token_id, action, "
    "target_type, target_id, client_addr, details)"
    " VALUES (" SQL_MICROS("$1") ", $2, $3, $4, $5, $6, $7, coalesce($8::jsonb, '{}'))");

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
