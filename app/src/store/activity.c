#include <string.h>

#include "store/activity.h"

#define ACTIVITY_COLUMNS                                                                       \
    "a.id, a.kind, a.direction, a.summary, a.details, a.occurred_at, a.duration_minutes,"      \
    " a.recorded_by, u.display_name AS recorded_by_name,"                                      \
    " ((extract(epoch FROM a.occurred_at) * 1000000)::bigint)::text AS sort_key"

static struct sql insert_activity = SQL_STATEMENT(
    "WITH a AS (INSERT INTO {tenant}.activities (customer_id, kind, direction, summary,"
    " details, occurred_at, duration_minutes, recorded_by, created_at)"
    " VALUES ($1, $2, $3, $4, $5, coalesce($6::timestamptz, " SQL_MICROS("$9") "),"
    " $7::integer, $8::bigint, " SQL_MICROS("$9") ") RETURNING *)"
    " SELECT " ACTIVITY_COLUMNS " FROM a LEFT JOIN {tenant}.users u ON u.id = a.recorded_by");

#define ACTIVITY_LIST(cursor)                                                                  \
    "SELECT " ACTIVITY_COLUMNS " FROM {tenant}.activities a"                                   \
    " LEFT JOIN {tenant}.users u ON u.id = a.recorded_by WHERE a.customer_id = $1" cursor      \
    " ORDER BY a.occurred_at DESC, a.id DESC LIMIT $2"

static struct sql list_first = SQL_STATEMENT(ACTIVITY_LIST(""));
static struct sql list_after = SQL_STATEMENT(
    ACTIVITY_LIST(" AND (a.occurred_at, a.id) < (" SQL_MICROS("$3") ", $4::bigint)"));

/* The visibility rule that a timeline source appends to its SELECT. */
enum timeline_rule {
    TIMELINE_RECORD, /* none beyond the record's, which the caller checked */
    TIMELINE_CASES,  /* case_store_where_visible() over cases k and their record c */
    TIMELINE_DEALS,  /* deal_store_where_visible() over deals d and their record c */
};

/*
 * The sources of a timeline. Each is one SELECT of the entries of record $1
 * (its id as text is $2) with the columns kind, id, occurred_at, actor_id,
 * summary and details. A new kind of entry is one more source. Sources over
 * cases and deals get their visibility conditions appended.
 */
struct timeline_source {
    const char *select;
    enum timeline_rule rule;
};

static const struct timeline_source timeline_sources[] = {
    {"SELECT 'activity'::text AS kind, a.id, a.occurred_at, a.recorded_by AS actor_id,"
     " a.summary, jsonb_build_object('activity_kind', a.kind, 'direction', a.direction,"
     " 'details', a.details, 'duration_minutes', a.duration_minutes) AS details"
     " FROM {tenant}.activities a WHERE a.customer_id = $1",
     TIMELINE_RECORD},
    {"SELECT 'case_opened'::text AS kind, k.id, k.created_at AS occurred_at,"
     " k.created_by AS actor_id, k.subject AS summary, jsonb_build_object('number', k.number,"
     " 'priority', k.priority, 'category', k.category, 'status', k.status) AS details"
     " FROM {tenant}.cases k JOIN {tenant}.customers c ON c.id = k.customer_id"
     " WHERE k.customer_id = $1",
     TIMELINE_CASES},
    {"SELECT 'case_resolved'::text AS kind, k.id, k.resolved_at AS occurred_at,"
     " k.resolved_by AS actor_id, k.subject AS summary, jsonb_build_object('number', k.number,"
     " 'resolution_note', k.resolution_note, 'status', k.status) AS details"
     " FROM {tenant}.cases k JOIN {tenant}.customers c ON c.id = k.customer_id"
     " WHERE k.customer_id = $1 AND k.resolved_at IS NOT NULL",
     TIMELINE_CASES},
    {"SELECT CASE e.action WHEN 'prospect.converted' THEN 'conversion' ELSE 'profile_change'"
     " END AS kind, e.id, e.occurred_at, e.actor_user_id AS actor_id, CASE e.action"
     " WHEN 'prospect.converted' THEN 'Converted to customer ' || (e.details->>'code')"
     " WHEN 'customer.created' THEN 'Customer created'"
     " WHEN 'prospect.created' THEN 'Prospect created'"
     " WHEN 'customer.archived' THEN 'Archived' WHEN 'customer.restored' THEN 'Restored'"
     " ELSE 'Profile changed' END AS summary,"
     " jsonb_build_object('action', e.action, 'code', e.details->'code',"
     " 'reference', e.details->'reference', 'changes', e.details->'changes') AS details"
     " FROM {tenant}.audit_events e WHERE e.target_type = 'customer' AND e.target_id = $2",
     TIMELINE_RECORD},
    /* Every stage a deal entered: its creation, each move, and its winning or losing. */
    {"SELECT CASE WHEN h.from_stage_id IS NULL THEN 'deal_created'"
     " WHEN ts.kind = 'won' THEN 'deal_won' WHEN ts.kind = 'lost' THEN 'deal_lost'"
     " ELSE 'deal_stage_changed' END AS kind, h.id, h.changed_at AS occurred_at,"
     " h.changed_by AS actor_id, d.title || ': ' || ts.name AS summary,"
     " jsonb_build_object('deal_id', d.id, 'title', d.title, 'from_stage', fs.name,"
     " 'to_stage', ts.name, 'stage_kind', ts.kind, 'lost_reason', CASE WHEN ts.kind = 'lost'"
     " THEN d.lost_reason END) AS details"
     " FROM {tenant}.deal_stage_changes h JOIN {tenant}.deals d ON d.id = h.deal_id"
     " JOIN {tenant}.customers c ON c.id = d.customer_id"
     " JOIN {tenant}.pipeline_stages ts ON ts.id = h.to_stage_id"
     " LEFT JOIN {tenant}.pipeline_stages fs ON fs.id = h.from_stage_id"
     " WHERE d.customer_id = $1",
     TIMELINE_DEALS},
};

#define TIMELINE_SOURCE_COUNT (sizeof(timeline_sources) / sizeof(timeline_sources[0]))

static void
activity_bind_actor(struct db_params *p, const struct scope *s)
{
    if (s->actor != NULL)
        db_param_int(p, s->actor->user_id);
    else
        db_param_text(p, NULL);
}

static void
activity_bind(struct db_params *p, const json_t *v)
{
    if (json_is_string(v))
        db_param_text(p, json_string_value(v));
    else if (json_is_integer(v))
        db_param_int(p, json_integer_value(v));
    else
        db_param_text(p, NULL);
}

static enum result
activity_rows(struct scope *s, struct sql *q, struct db_params *p, json_t **rows)
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
activity_store_insert(struct scope *s, int64_t customer_id, json_t *columns, json_t **row)
{
    static const char *const names[] = {"kind",        "direction",        "summary", "details",
                                        "occurred_at", "duration_minutes", NULL};
    struct db_params p;
    json_t *rows;
    enum result r;

    db_params_init(&p, s->arena);
    db_param_int(&p, customer_id);
    for (const char *const *n = names; *n != NULL; n++)
        activity_bind(&p, json_object_get(columns, *n));
    activity_bind_actor(&p, s);
    db_param_int(&p, s->now_us);
    if ((r = activity_rows(s, &insert_activity, &p, &rows)) != RESULT_OK)
        return r;
    *row = json_array_get(rows, 0);
    return *row != NULL ? RESULT_OK : RESULT_INTERNAL;
}

enum result
activity_store_list(struct scope *s, int64_t customer_id, bool has_after, int64_t after_micros,
                    int64_t after_id, int limit, json_t **rows)
{
    struct db_params p;

    db_params_init(&p, s->arena);
    db_param_int(&p, customer_id);
    db_param_int(&p, limit);
    if (has_after) {
        db_param_int(&p, after_micros);
        db_param_int(&p, after_id);
    }
    return activity_rows(s, has_after ? &list_after : &list_first, &p, rows);
}

enum result
timeline_store_page(struct scope *s, int64_t customer_id, const struct case_visibility *cases,
                    const struct deal_visibility *deals, const struct timeline_position *after,
                    int limit, json_t **rows)
{
    const char *after_sql = "";
    const char *limit_param;
    struct shape q;

    shape_init(&q, s->arena);
    shape_param_int(&q, customer_id);
    shape_param(&q, arena_printf(s->arena, "%lld", (long long)customer_id));
    limit_param = shape_param_int(&q, limit);
    if (after != NULL)
        after_sql = arena_printf(
            s->arena,
            " WHERE (src.occurred_at, src.kind, src.id) < (" SQL_MICROS("%s")
            ", %s::text, %s::bigint)",
            shape_param_int(&q, after->micros), shape_param(&q, after->kind),
            shape_param_int(&q, after->id));

    /* Each source reads at most a page of its newest rows after the position, through its
     * index, so a late page costs about as much as the first. */
    buf_puts(&q.text,
             "SELECT t.kind, t.id, t.occurred_at, t.actor_id, u.display_name AS actor_name,"
             " t.summary, t.details,"
             " (extract(epoch FROM t.occurred_at) * 1000000)::bigint AS micros FROM (");
    for (size_t i = 0; i < TIMELINE_SOURCE_COUNT; i++) {
        buf_printf(&q.text, "%s(SELECT * FROM (%s", i > 0 ? " UNION ALL " : "",
                   timeline_sources[i].select);
        if (timeline_sources[i].rule == TIMELINE_CASES)
            case_store_where_visible(&q, cases);
        else if (timeline_sources[i].rule == TIMELINE_DEALS)
            deal_store_where_visible(&q, deals);
        buf_printf(&q.text,
                   ") src%s ORDER BY src.occurred_at DESC, src.kind DESC, src.id DESC"
                   " LIMIT %s)",
                   after_sql, limit_param);
    }
    buf_printf(&q.text,
               ") t LEFT JOIN {tenant}.users u ON u.id = t.actor_id"
               " ORDER BY t.occurred_at DESC, t.kind DESC, t.id DESC LIMIT %s",
               limit_param);
    return shape_rows(s, &q, rows);
}
