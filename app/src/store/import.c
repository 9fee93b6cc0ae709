#include <stdlib.h>
#include <string.h>

#include "store/import.h"

/* The columns of a record that an import writes, as customer_columns_build() names them. */
#define IMPORT_CUSTOMER_COLUMNS                                                                \
    "kind, lifecycle, status, code, code_number, reference, reference_number, title,"          \
    " first_name, middle_name, last_name, gender, date_of_birth, occupation, employer,"        \
    " identification_type, identification_number, legal_name, trading_name,"                  \
    " registration_number, registration_key, industry, website, date_of_incorporation,"       \
    " number_of_employees, email, email_key, phones, phone_keys, address_lines, city, region," \
    " postal_code, country, notes, owner_id, source, tags, external_ref, lead_stage,"          \
    " lead_owner_name, display_name, sort_name, search_text"

#define IMPORT_COLUMNS                                                                         \
    "i.id, i.target, i.options, i.file_name, i.status, i.rows_total, i.rows_done,"             \
    " i.chunks_done, i.created_count, i.updated_count, i.duplicate_count, i.invalid_count,"    \
    " i.report_omitted, i.failure, i.created_by, cu.display_name AS created_by_name,"          \
    " i.undone_by, uu.display_name AS undone_by_name, i.created_at, i.started_at,"             \
    " i.finished_at, i.undone_at"

#define IMPORT_FROM                                                                            \
    " FROM {tenant}.imports i LEFT JOIN {tenant}.users cu ON cu.id = i.created_by"             \
    " LEFT JOIN {tenant}.users uu ON uu.id = i.undone_by"

/* A JSON array parameter as a PostgreSQL array of text. */
#define TEXT_ARRAY(param) "ARRAY(SELECT jsonb_array_elements_text(" param "::jsonb))"
#define ID_ARRAY(param) "ARRAY(SELECT jsonb_array_elements_text(" param "::jsonb)::bigint)"

static struct sql insert_import = SQL_STATEMENT(
    "INSERT INTO {tenant}.imports (target, options, file_name, status, header, mapping,"
    " unmapped_columns, rows_total, created_by, created_at) VALUES ($1, $2::jsonb, $3, $4,"
    " $5::jsonb, $6::jsonb, $7::jsonb, $8::integer, $9::bigint, " SQL_MICROS("$10") ")"
    " RETURNING id");
static struct sql get_import = SQL_STATEMENT(
    "SELECT " IMPORT_COLUMNS ", i.header, i.mapping, i.unmapped_columns, i.report" IMPORT_FROM
    " WHERE i.id = $1");
static struct sql lock_import = SQL_STATEMENT(
    "SELECT " IMPORT_COLUMNS ", i.header, i.mapping, i.unmapped_columns, i.report" IMPORT_FROM
    " WHERE i.id = $1 FOR UPDATE OF i");
static struct sql list_imports = SQL_STATEMENT(
    "SELECT " IMPORT_COLUMNS IMPORT_FROM " WHERE ($1::bigint IS NULL OR i.id < $1::bigint)"
    " ORDER BY i.id DESC LIMIT $2");
/*
 * Report entries past the first $11 are only counted. The right-hand sides see
 * the row as it was, so both uses of jsonb_array_length(report) agree.
 */
static struct sql progress = SQL_STATEMENT(
    "UPDATE {tenant}.imports SET rows_done = rows_done + $2, created_count = created_count + $3,"
    " updated_count = updated_count + $4, duplicate_count = duplicate_count + $5,"
    " invalid_count = invalid_count + $6,"
    " report = report || coalesce((SELECT jsonb_agg(e.value ORDER BY e.n)"
    " FROM jsonb_array_elements($7::jsonb) WITH ORDINALITY e(value, n)"
    " WHERE e.n <= $11::integer - jsonb_array_length(report)), '[]'::jsonb),"
    " report_omitted = report_omitted + $8 + greatest(0, jsonb_array_length($7::jsonb)"
    " - greatest(0, $11::integer - jsonb_array_length(report))),"
    " chunks_done = chunks_done + $9,"
    " status = CASE WHEN status = 'queued' THEN 'running' ELSE status END,"
    " started_at = coalesce(started_at, " SQL_MICROS("$10") ")"
    " WHERE id = $1 AND status IN ('queued', 'running') RETURNING rows_done, rows_total");
static struct sql finish = SQL_STATEMENT(
    "UPDATE {tenant}.imports SET status = $2, failure = $3, started_at = coalesce(started_at, "
    SQL_MICROS("$4") "), finished_at = " SQL_MICROS("$4") " WHERE id = $1");
static struct sql set_undone = SQL_STATEMENT(
    "UPDATE {tenant}.imports SET status = 'undone', undone_at = " SQL_MICROS("$2") ","
    " undone_by = $3::bigint WHERE id = $1");

static struct sql chunk_insert = SQL_STATEMENT(
    "INSERT INTO {tenant}.import_chunks (import_id, position, row_count, data)"
    " VALUES ($1, $2, $3, $4::jsonb)");
static struct sql chunk_claim = SQL_STATEMENT(
    "DELETE FROM {tenant}.import_chunks WHERE import_id = $1 AND position = (SELECT position"
    " FROM {tenant}.import_chunks WHERE import_id = $1 ORDER BY position"
    " FOR UPDATE SKIP LOCKED LIMIT 1) RETURNING data");
static struct sql chunks_delete =
    SQL_STATEMENT("DELETE FROM {tenant}.import_chunks WHERE import_id = $1");

static struct sql users_by_name = SQL_STATEMENT(
    "SELECT n.name, to_jsonb(ARRAY(SELECT u.id FROM {tenant}.users u"
    " WHERE lower(u.display_name) = lower(n.name) AND u.status = 'active' ORDER BY u.id"
    " LIMIT 2)) AS ids FROM jsonb_array_elements_text($1::jsonb) AS n(name)");

static struct sql duplicates = SQL_STATEMENT(
    "SELECT c.id, c.code, c.reference, c.kind, c.lifecycle, c.version, c.email_key,"
    " to_jsonb(c.phone_keys) AS phone_keys, c.registration_key, c.external_ref, "
    CUSTOMER_VISIBLE("c", "$5", "$6", "$7", "$8", "$9") " AS visible"
    " FROM {tenant}.customers c WHERE c.email_key = ANY(" TEXT_ARRAY("$1") ")"
    " OR c.phone_keys && " TEXT_ARRAY("$2")
    " OR c.registration_key = ANY(" TEXT_ARRAY("$3") ")"
    " OR c.external_ref = ANY(" TEXT_ARRAY("$4") ") ORDER BY c.id");

static struct sql next_codes = SQL_STATEMENT(
    "SELECT nextval('{tenant}.customer_code_seq') AS n FROM generate_series(1, $1::integer)"
    " ORDER BY 1");
static struct sql next_references = SQL_STATEMENT(
    "SELECT nextval('{tenant}.prospect_reference_seq') AS n FROM generate_series(1, $1::integer)"
    " ORDER BY 1");

static struct sql insert_customers = SQL_STATEMENT(
    "INSERT INTO {tenant}.customers (" IMPORT_CUSTOMER_COLUMNS ", created_by, updated_by,"
    " created_at, updated_at) SELECT " IMPORT_CUSTOMER_COLUMNS ", $2::bigint, $2::bigint, "
    SQL_MICROS("$3") ", " SQL_MICROS("$3")
    " FROM jsonb_populate_recordset(NULL::{tenant}.customers, $1::jsonb)"
    " RETURNING id, coalesce(code_number, reference_number) AS number");

static struct sql audit_batch = SQL_STATEMENT(
    "INSERT INTO {tenant}.audit_events (occurred_at, actor_user_id, actor_token_id, action,"
    " target_type, target_id, client_addr, details) SELECT " SQL_MICROS("$1") ", $2::bigint,"
    " $3::bigint, e->>'action', 'customer', e->>'target_id', $4, e->'details'"
    " FROM jsonb_array_elements($5::jsonb) e");

static struct sql records_batch = SQL_STATEMENT(
    "INSERT INTO {tenant}.import_records (import_id, customer_id, row_number, action, version,"
    " previous) SELECT $1, (e->>'customer_id')::bigint, (e->>'row')::integer, e->>'action',"
    " (e->>'version')::integer, nullif(e->'previous', 'null'::jsonb)"
    " FROM jsonb_array_elements($2::jsonb) e"
    " ON CONFLICT (import_id, customer_id) DO UPDATE SET version = EXCLUDED.version");

static struct sql written = SQL_STATEMENT(
    "SELECT r.customer_id, r.action, r.version, r.previous, r.row_number,"
    " c.version AS current_version, c.code, c.reference, c.lifecycle"
    " FROM {tenant}.import_records r JOIN {tenant}.customers c ON c.id = r.customer_id"
    " WHERE r.import_id = $1 ORDER BY r.customer_id FOR UPDATE OF c");

static struct sql linked = SQL_STATEMENT(
    "SELECT DISTINCT coalesce(c.code, c.reference) AS key FROM {tenant}.customer_contacts k"
    " JOIN {tenant}.customers c ON c.id IN (k.person_id, k.business_id)"
    " WHERE (k.person_id = ANY(" ID_ARRAY("$1") ") OR k.business_id = ANY(" ID_ARRAY("$1") "))"
    " AND c.id = ANY(" ID_ARRAY("$1") ") ORDER BY 1");

static struct sql remove_customers = SQL_STATEMENT(
    "WITH gone AS (DELETE FROM {tenant}.customers WHERE id = ANY(" ID_ARRAY("$2") ")"
    " RETURNING id, code, reference, lifecycle)"
    " INSERT INTO {tenant}.audit_events (occurred_at, actor_user_id, actor_token_id, action,"
    " target_type, target_id, client_addr, details) SELECT " SQL_MICROS("$3") ", $4::bigint,"
    " $5::bigint, gone.lifecycle || '.removed', 'customer', gone.id::text, $6,"
    " jsonb_build_object('code', gone.code, 'reference', gone.reference, 'import_id', $1::bigint)"
    " FROM gone");

/* Binds the acting user, or NULL without one. */
static void
bind_actor(struct db_params *p, const struct scope *s)
{
    if (s->actor != NULL && s->actor->user_id > 0)
        db_param_int(p, s->actor->user_id);
    else
        db_param_text(p, NULL);
}

static void
bind_token(struct db_params *p, const struct scope *s)
{
    if (s->actor != NULL && s->actor->token_id > 0)
        db_param_int(p, s->actor->token_id);
    else
        db_param_text(p, NULL);
}

static enum result
query_rows(struct scope *s, struct sql *q, struct db_params *p, json_t **rows)
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

enum result
import_store_insert(struct scope *s, const json_t *columns, int64_t *id)
{
    struct db_params p;
    PGresult *res;
    enum result r;

    db_params_init(&p, s->arena);
    db_param_text(&p, json_str(columns, "target"));
    db_param_json(&p, json_object_get(columns, "options"));
    db_param_text(&p, json_str(columns, "file_name"));
    db_param_text(&p, json_str(columns, "status"));
    db_param_json(&p, json_object_get(columns, "header"));
    db_param_json(&p, json_object_get(columns, "mapping"));
    db_param_json(&p, json_object_get(columns, "unmapped_columns"));
    db_param_int(&p, json_int(columns, "rows_total", 0));
    bind_actor(&p, s);
    db_param_int(&p, s->now_us);
    if ((r = db_query(s->db, scope_schema(s), &insert_import, &p, &res)) != RESULT_OK)
        return r;
    *id = db_value_int(res, 0, 0);
    PQclear(res);
    return RESULT_OK;
}

enum result
import_store_get(struct scope *s, int64_t id, bool lock, json_t **row)
{
    struct db_params p;
    json_t *rows;
    enum result r;

    db_params_init(&p, s->arena);
    db_param_int(&p, id);
    if ((r = query_rows(s, lock ? &lock_import : &get_import, &p, &rows)) != RESULT_OK)
        return r;
    *row = json_array_get(rows, 0);
    return *row != NULL ? RESULT_OK : RESULT_NOT_FOUND;
}

enum result
import_store_list(struct scope *s, int64_t before_id, int limit, json_t **rows)
{
    struct db_params p;

    db_params_init(&p, s->arena);
    if (before_id > 0)
        db_param_int(&p, before_id);
    else
        db_param_text(&p, NULL);
    db_param_int(&p, limit);
    return query_rows(s, &list_imports, &p, rows);
}

enum result
import_store_progress(struct scope *s, int64_t id, const struct import_progress *pr,
                      bool *finished)
{
    struct db_params p;
    PGresult *res;
    enum result r;

    db_params_init(&p, s->arena);
    db_param_int(&p, id);
    db_param_int(&p, pr->rows);
    db_param_int(&p, pr->created);
    db_param_int(&p, pr->updated);
    db_param_int(&p, pr->duplicates);
    db_param_int(&p, pr->invalid);
    db_param_json(&p, pr->report != NULL ? pr->report : json_array());
    db_param_int(&p, pr->omitted);
    db_param_int(&p, pr->chunk_done ? 1 : 0);
    db_param_int(&p, s->now_us);
    db_param_int(&p, IMPORT_STORE_REPORT_MAX);
    if ((r = db_query(s->db, scope_schema(s), &progress, &p, &res)) != RESULT_OK)
        return r;
    r = PQntuples(res) == 1 ? RESULT_OK : RESULT_CONFLICT;
    if (r == RESULT_OK && finished != NULL)
        *finished = db_value_int(res, 0, 0) >= db_value_int(res, 0, 1);
    PQclear(res);
    return r;
}

enum result
import_store_finish(struct scope *s, int64_t id, const char *status, const char *failure)
{
    struct db_params p;

    db_params_init(&p, s->arena);
    db_param_int(&p, id);
    db_param_text(&p, status);
    db_param_text(&p, failure);
    db_param_int(&p, s->now_us);
    return db_query(s->db, scope_schema(s), &finish, &p, NULL);
}

enum result
import_store_chunk_insert(struct scope *s, int64_t id, int position, int rows,
                          const char *data_json)
{
    struct db_params p;

    db_params_init(&p, s->arena);
    db_param_int(&p, id);
    db_param_int(&p, position);
    db_param_int(&p, rows);
    db_param_text(&p, data_json);
    return db_query(s->db, scope_schema(s), &chunk_insert, &p, NULL);
}

enum result
import_store_chunk_claim(struct scope *s, int64_t id, json_t **rows)
{
    struct db_params p;
    json_t *found;
    enum result r;

    db_params_init(&p, s->arena);
    db_param_int(&p, id);
    if ((r = query_rows(s, &chunk_claim, &p, &found)) != RESULT_OK)
        return r;
    *rows = json_object_get(json_array_get(found, 0), "data");
    return *rows != NULL ? RESULT_OK : RESULT_NOT_FOUND;
}

enum result
import_store_chunks_delete(struct scope *s, int64_t id)
{
    struct db_params p;

    db_params_init(&p, s->arena);
    db_param_int(&p, id);
    return db_query(s->db, scope_schema(s), &chunks_delete, &p, NULL);
}

enum result
import_store_users_by_name(struct scope *s, const json_t *names, json_t **rows)
{
    struct db_params p;

    db_params_init(&p, s->arena);
    db_param_json(&p, names);
    return query_rows(s, &users_by_name, &p, rows);
}

enum result
import_store_duplicates(struct scope *s, const json_t *email_keys, const json_t *phone_keys,
                        const json_t *registration_keys, const json_t *external_refs,
                        const struct customer_visibility *v, bool in_transaction,
                        json_t **rows)
{
    struct db_params p;
    enum result r;

    db_params_init(&p, s->arena);
    db_param_json(&p, email_keys);
    db_param_json(&p, phone_keys);
    db_param_json(&p, registration_keys);
    db_param_json(&p, external_refs);
    customer_store_bind_visibility(&p, v);
    /*
     * While an import fills an empty table, the planner's statistics still
     * describe it as empty, so it scanned the whole table with every key. In a
     * table of 10,000 records just imported, a batch of 500 took 800 ms that
     * way instead of 7 ms. The indexes serve the lookup at any size.
     */
    if (!in_transaction)
        r = db_begin(s->db);
    else
        r = RESULT_OK;
    if (r == RESULT_OK)
        r = db_exec(s->db, "SET LOCAL enable_seqscan = off");
    if (r == RESULT_OK)
        r = query_rows(s, &duplicates, &p, rows);
    if (r == RESULT_OK)
        r = db_exec(s->db, "SET LOCAL enable_seqscan TO DEFAULT");
    if (!in_transaction)
        db_rollback(s->db);
    return r;
}

enum result
import_store_numbers(struct scope *s, bool code, int count, int64_t *numbers)
{
    struct db_params p;
    PGresult *res;
    enum result r;

    db_params_init(&p, s->arena);
    db_param_int(&p, count);
    r = db_query(s->db, scope_schema(s), code ? &next_codes : &next_references, &p, &res);
    if (r != RESULT_OK)
        return r;
    if (PQntuples(res) != count) {
        PQclear(res);
        return RESULT_INTERNAL;
    }
    for (int i = 0; i < count; i++)
        numbers[i] = db_value_int(res, i, 0);
    PQclear(res);
    return RESULT_OK;
}

enum result
import_store_insert_customers(struct scope *s, const json_t *columns, json_t **rows)
{
    struct db_params p;

    db_params_init(&p, s->arena);
    db_param_json(&p, columns);
    bind_actor(&p, s);
    db_param_int(&p, s->now_us);
    return query_rows(s, &insert_customers, &p, rows);
}

enum result
import_store_audit(struct scope *s, const json_t *entries)
{
    struct db_params p;

    if (json_array_size(entries) == 0)
        return RESULT_OK;
    db_params_init(&p, s->arena);
    db_param_int(&p, s->now_us);
    bind_actor(&p, s);
    bind_token(&p, s);
    db_param_text(&p, s->client_addr);
    db_param_json(&p, entries);
    return db_query(s->db, scope_schema(s), &audit_batch, &p, NULL);
}

enum result
import_store_records(struct scope *s, int64_t id, const json_t *entries)
{
    struct db_params p;

    if (json_array_size(entries) == 0)
        return RESULT_OK;
    db_params_init(&p, s->arena);
    db_param_int(&p, id);
    db_param_json(&p, entries);
    return db_query(s->db, scope_schema(s), &records_batch, &p, NULL);
}

enum result
import_store_written(struct scope *s, int64_t id, json_t **rows)
{
    struct db_params p;

    db_params_init(&p, s->arena);
    db_param_int(&p, id);
    return query_rows(s, &written, &p, rows);
}

enum result
import_store_linked(struct scope *s, const json_t *ids, json_t **rows)
{
    struct db_params p;

    db_params_init(&p, s->arena);
    db_param_json(&p, ids);
    return query_rows(s, &linked, &p, rows);
}

enum result
import_store_remove(struct scope *s, int64_t id, const json_t *ids)
{
    struct db_params p;

    if (json_array_size(ids) == 0)
        return RESULT_OK;
    db_params_init(&p, s->arena);
    db_param_int(&p, id);
    db_param_json(&p, ids);
    db_param_int(&p, s->now_us);
    bind_actor(&p, s);
    bind_token(&p, s);
    db_param_text(&p, s->client_addr);
    return db_query(s->db, scope_schema(s), &remove_customers, &p, NULL);
}

enum result
import_store_set_undone(struct scope *s, int64_t id)
{
    struct db_params p;

    db_params_init(&p, s->arena);
    db_param_int(&p, id);
    db_param_int(&p, s->now_us);
    bind_actor(&p, s);
    return db_query(s->db, scope_schema(s), &set_undone, &p, NULL);
}
