#include <stdlib.h>

#include "store/dashboard.h"

#define OPEN_STATUSES "('new', 'open', 'pending')"

enum result
dashboard_store_records(struct scope *s, const struct customer_visibility *v, json_t **rows)
{
    struct shape q;

    shape_init(&q, s->arena);
    buf_puts(&q.text, "SELECT c.lifecycle, c.status, count(*) AS n FROM {tenant}.customers c"
                      " WHERE true");
    case_store_where_record_visible(&q, v);
    buf_puts(&q.text, " GROUP BY c.lifecycle, c.status");
    return shape_rows(s, &q, rows);
}

enum result
dashboard_store_open_cases(struct scope *s, const struct case_visibility *v, json_t **rows)
{
    struct shape q;

    shape_init(&q, s->arena);
    buf_printf(&q.text,
               "SELECT k.status, k.priority, count(*) AS n,"
               " count(*) FILTER (WHERE k.due_at < " SQL_MICROS("%s") ") AS overdue"
               " FROM {tenant}.cases k WHERE k.status IN " OPEN_STATUSES,
               shape_param_int(&q, s->now_us));
    case_store_where_visible_alone(&q, v);
    buf_puts(&q.text, " GROUP BY k.status, k.priority");
    return shape_rows(s, &q, rows);
}

/*
 * Appends the weekly counts of one event: cases whose column falls between
 * the first week's start and the clock, counted per week by width_bucket()
 * over the week starts, so no row needs a time zone conversion.
 */
static void
dashboard_weekly_event(struct shape *q, const struct case_visibility *v, const char *event,
                       const char *column, const char *now, const char *recent)
{
    buf_printf(&q->text,
               "SELECT '%s'::text AS event, width_bucket(k.%s, (SELECT starts FROM bounds)) AS"
               " bucket, count(*) AS n, count(*) FILTER (WHERE k.%s > %s - %s) AS recent"
               " FROM {tenant}.cases k WHERE k.%s >= (SELECT starts[1] FROM bounds)"
               " AND k.%s <= %s",
               event, column, column, now, recent, column, column, now);
    case_store_where_visible_alone(q, v);
    buf_puts(&q->text, " GROUP BY 2");
}

enum result
dashboard_store_weekly(struct scope *s, const struct case_visibility *v, int weeks,
                       int recent_days, json_t **rows)
{
    struct shape q;
    const char *now, *tz, *count, *recent;

    shape_init(&q, s->arena);
    now = arena_printf(s->arena, SQL_MICROS("%s"), shape_param_int(&q, s->now_us));
    tz = shape_param(&q, s->tenant->time_zone);
    count = shape_param_int(&q, weeks);
    recent = arena_printf(s->arena, "make_interval(days => %s)",
                          shape_param_int(&q, recent_days));
    /* The instants the weeks start at: Monday 00:00 in the tenant's zone, oldest first. */
    buf_printf(&q.text,
               "WITH bounds AS (SELECT ARRAY(SELECT (date_trunc('week', %s AT TIME ZONE %s)"
               " - make_interval(weeks => w)) AT TIME ZONE %s"
               " FROM generate_series(%s::integer - 1, 0, -1) w) AS starts), counts AS (",
               now, tz, tz, count);
    dashboard_weekly_event(&q, v, "opened", "created_at", now, recent);
    buf_puts(&q.text, " UNION ALL ");
    dashboard_weekly_event(&q, v, "resolved", "resolved_at", now, recent);
    buf_printf(&q.text,
               ") SELECT to_char((SELECT starts[w] FROM bounds) AT TIME ZONE %s, 'YYYY-MM-DD')"
               " AS week,"
               " coalesce(sum(c.n) FILTER (WHERE c.event = 'opened'), 0)::bigint AS opened,"
               " coalesce(sum(c.n) FILTER (WHERE c.event = 'resolved'), 0)::bigint AS resolved,"
               " coalesce(sum(c.recent) FILTER (WHERE c.event = 'opened'), 0)::bigint"
               " AS opened_recent,"
               " coalesce(sum(c.recent) FILTER (WHERE c.event = 'resolved'), 0)::bigint"
               " AS resolved_recent"
               " FROM generate_series(1, %s::integer) w LEFT JOIN counts c ON c.bucket = w"
               " GROUP BY w ORDER BY w",
               tz, count);
    return shape_rows(s, &q, rows);
}

enum result
dashboard_store_median_resolution(struct scope *s, const struct case_visibility *v, int days,
                                  double *median)
{
    struct shape q;
    PGresult *res;
    const char *now;
    enum result r;

    shape_init(&q, s->arena);
    now = arena_printf(s->arena, SQL_MICROS("%s"), shape_param_int(&q, s->now_us));
    buf_printf(&q.text,
               "SELECT percentile_cont(0.5) WITHIN GROUP"
               " (ORDER BY extract(epoch FROM k.resolved_at - k.created_at))"
               " FROM {tenant}.cases k"
               " WHERE k.resolved_at > %s - make_interval(days => %s) AND k.resolved_at <= %s",
               now, shape_param_int(&q, days), now);
    case_store_where_visible_alone(&q, v);
    if ((r = shape_query(s, &q, &res)) != RESULT_OK)
        return r;
    *median = db_value(res, 0, 0) != NULL ? strtod(db_value(res, 0, 0), NULL) : -1;
    PQclear(res);
    return RESULT_OK;
}

enum result
dashboard_store_cases(struct scope *s, const struct case_visibility *v, int64_t assignee_id,
                      int limit, json_t **rows)
{
    struct shape q;

    shape_init(&q, s->arena);
    buf_puts(&q.text,
             "SELECT k.number, k.subject, k.status, k.priority, k.due_at,"
             " c.code AS customer_code, c.reference AS customer_reference,"
             " c.display_name AS customer_name, k.assignee_id, a.display_name AS assignee_name"
             " FROM {tenant}.cases k JOIN {tenant}.customers c ON c.id = k.customer_id"
             " LEFT JOIN {tenant}.users a ON a.id = k.assignee_id"
             " WHERE k.status IN " OPEN_STATUSES);
    if (assignee_id > 0)
        buf_printf(&q.text, " AND k.assignee_id = %s::bigint",
                   shape_param_int(&q, assignee_id));
    else
        buf_printf(&q.text, " AND k.due_at < " SQL_MICROS("%s"),
                   shape_param_int(&q, s->now_us));
    case_store_where_visible_alone(&q, v);
    buf_printf(&q.text, " ORDER BY k.due_at %s, k.id %s LIMIT %s",
               assignee_id > 0 ? "ASC" : "DESC", assignee_id > 0 ? "ASC" : "DESC",
               shape_param_int(&q, limit));
    return shape_rows(s, &q, rows);
}
