#include "auth/throttle.h"
#include "core/crypto.h"

static struct sql failures_since = SQL_STATEMENT(
    "SELECT count(*) FILTER (WHERE target_id = $1),"
    " count(*) FILTER (WHERE client_addr = $2),"
    " coalesce(extract(epoch FROM min(occurred_at) FILTER (WHERE target_id = $1))::bigint, 0),"
    " coalesce(extract(epoch FROM min(occurred_at) FILTER (WHERE client_addr = $2))::bigint, 0)"
    " FROM {tenant}.audit_events WHERE action = 'login.failed'"
    " AND occurred_at > " SQL_MICROS("$3"));

static char *
throttle_account_key(struct scope *s, const char *email_key)
{
    return cache_tenant_key(s->arena, s->tenant->id, "login:account:%s",
                            crypto_sha256_hex(s->arena, email_key));
}

static char *
throttle_address_key(struct scope *s)
{
    return cache_tenant_key(s->arena, s->tenant->id, "login:address:%s",
                            s->client_addr != NULL ? s->client_addr : "-");
}

/* Counts from the audit log when Redis cannot be used. */
static enum result
throttle_check_db(struct scope *s, const char *email_key, int *retry_after)
{
    struct db_params p;
    PGresult *res;
    int64_t now = s->now_us / 1000000;
    enum result r;

    db_params_init(&p, s->arena);
    db_param_text(&p, email_key);
    db_param_text(&p, s->client_addr != NULL ? s->client_addr : "-");
    db_param_int(&p, s->now_us - (int64_t)LOGIN_WINDOW_SECONDS * 1000000);
    if ((r = db_query(s->db, scope_schema(s), &failures_since, &p, &res)) != RESULT_OK)
        return r;
    if (db_value_int(res, 0, 0) >= LOGIN_ACCOUNT_LIMIT) {
        *retry_after = (int)(db_value_int(res, 0, 2) + LOGIN_WINDOW_SECONDS - now);
        r = RESULT_TOO_MANY;
    } else if (db_value_int(res, 0, 1) >= LOGIN_ADDRESS_LIMIT) {
        *retry_after = (int)(db_value_int(res, 0, 3) + LOGIN_WINDOW_SECONDS - now);
        r = RESULT_TOO_MANY;
    }
    PQclear(res);
    if (r == RESULT_TOO_MANY && *retry_after < 1)
        *retry_after = 1;
    return r;
}

enum result
throttle_login_check(struct scope *s, const char *email_key, int *retry_after)
{
    long long account = 0, account_ttl = 0, address = 0, address_ttl = 0;

    if (s->cache == NULL ||
        cache_peek(s->cache, throttle_account_key(s, email_key), &account, &account_ttl) != RESULT_OK ||
        cache_peek(s->cache, throttle_address_key(s), &address, &address_ttl) != RESULT_OK)
        return throttle_check_db(s, email_key, retry_after);
    if (account >= LOGIN_ACCOUNT_LIMIT) {
        *retry_after = account_ttl > 0 ? (int)account_ttl : LOGIN_WINDOW_SECONDS;
        return RESULT_TOO_MANY;
    }
    if (address >= LOGIN_ADDRESS_LIMIT) {
        *retry_after = address_ttl > 0 ? (int)address_ttl : LOGIN_WINDOW_SECONDS;
        return RESULT_TOO_MANY;
    }
    return RESULT_OK;
}

void
throttle_login_failed(struct scope *s, const char *email_key)
{
    long long value, ttl;

    if (s->cache == NULL)
        return;
    cache_incr(s->cache, throttle_account_key(s, email_key), LOGIN_WINDOW_SECONDS, &value, &ttl);
    cache_incr(s->cache, throttle_address_key(s), LOGIN_WINDOW_SECONDS, &value, &ttl);
}

void
throttle_login_succeeded(struct scope *s, const char *email_key)
{
    const char *key;

    if (s->cache == NULL)
        return;
    key = throttle_account_key(s, email_key);
    cache_del(s->cache, 1, &key);
}
