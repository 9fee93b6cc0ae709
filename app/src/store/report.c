#include "store/case.h"
#include "store/report.h"

/*
 * Appends the group key columns of table t ("d" or "c") to the select list.
 * name_column is t's column for an owner no user matched.
 */
static void
report_group_columns(struct shape *q, const struct report_query *r, const char *t,
                     const char *name_column)
{
    if (r->group == REPORT_BY_OWNER)
        buf_printf(&q->text,
                   ", %s.owner_id, o.display_name AS owner_display_name,"
                   " CASE WHEN %s.owner_id IS NULL THEN %s.%s END AS owner_name",
                   t, t, t, name_column);
    else if (r->group == REPORT_BY_SOURCE)
        buf_printf(&q->text, ", %s.source", t);
}

static void
report_group_by(struct shape *q, const struct report_query *r, const char *t,
                const char *name_column, bool more)
{
    if (r->group == REPORT_BY_OWNER)
        buf_printf(&q->text, " GROUP BY %s.owner_id, o.display_name, %s.%s%s", t, t,
                   name_column, more ? ", " : "");
    else if (r->group == REPORT_BY_SOURCE)
        buf_printf(&q->text, " GROUP BY %s.source%s", t, more ? ", " : "");
    else if (more)
        buf_puts(&q->text, " GROUP BY ");
}

/* Appends the condition that column falls in the period, whose days are in the tenant's zone. */
static void
report_period(struct shape *q, struct scope *s, const struct report_query *r,
              const char *column)
{
    const char *tz = shape_param(q, s->tenant->time_zone);

    buf_printf(&q->text,
               " AND %s >= (%s::date::timestamp AT TIME ZONE %s)"
               " AND %s < ((%s::date + 1)::timestamp AT TIME ZONE %s)",
               column, shape_param(q, r->from), tz, column, shape_param(q, r->to), tz);
}

enum result
report_store_funnel(struct scope *s, const struct report_query *r, json_t **rows)
{
    struct shape q;

    shape_init(&q, s->arena);
    buf_puts(&q.text, "SELECT st.pipeline_id, h.to_stage_id AS stage_id");
    report_group_columns(&q, r, "d", "owner_name");
    buf_puts(&q.text, ", count(DISTINCT h.deal_id) AS deals"
                      " FROM {tenant}.deal_stage_changes h"
                      " JOIN {tenant}.deals d ON d.id = h.deal_id"
                      " JOIN {tenant}.customers c ON c.id = d.customer_id"
                      " JOIN {tenant}.pipeline_stages st ON st.id = h.to_stage_id"
                      " LEFT JOIN {tenant}.users o ON o.id = d.owner_id WHERE true");
    report_period(&q, s, r, "h.changed_at");
    if (r->pipeline_id > 0)
        buf_printf(&q.text, " AND st.pipeline_id = %s::bigint",
                   shape_param_int(&q, r->pipeline_id));
    deal_store_where_visible(&q, r->visibility);
    report_group_by(&q, r, "d", "owner_name", true);
    buf_puts(&q.text, "st.pipeline_id, h.to_stage_id");
    return shape_rows(s, &q, rows);
}

enum result
report_store_closed(struct scope *s, const struct report_query *r, json_t **rows)
{
    struct shape q;

    shape_init(&q, s->arena);
    buf_puts(&q.text,
             "SELECT count(*) FILTER (WHERE d.status = 'won') AS won,"
             " count(*) FILTER (WHERE d.status = 'lost') AS lost,"
             " coalesce(sum(greatest(0, floor(extract(epoch FROM d.closed_at - d.created_at)))"
             "::bigint), 0)::text AS cycle_seconds");
    report_group_columns(&q, r, "d", "owner_name");
    buf_puts(&q.text, " FROM {tenant}.deals d JOIN {tenant}.customers c ON c.id = d.customer_id"
                      " LEFT JOIN {tenant}.users o ON o.id = d.owner_id"
                      " WHERE d.closed_at IS NOT NULL");
    report_period(&q, s, r, "d.closed_at");
    deal_store_where_visible(&q, r->visibility);
    report_group_by(&q, r, "d", "owner_name", false);
    return shape_rows(s, &q, rows);
}

enum result
report_store_won(struct scope *s, const struct report_query *r, json_t **rows)
{
    struct shape q;

    shape_init(&q, s->arena);
    buf_puts(&q.text, "SELECT d.currency, count(*) AS deals, sum(d.amount)::text AS amount,"
                      " round(sum(d.amount)::numeric / count(*))::text AS average");
    report_group_columns(&q, r, "d", "owner_name");
    buf_puts(&q.text, " FROM {tenant}.deals d JOIN {tenant}.customers c ON c.id = d.customer_id"
                      " LEFT JOIN {tenant}.users o ON o.id = d.owner_id"
                      " WHERE d.status = 'won'");
    report_period(&q, s, r, "d.closed_at");
    deal_store_where_visible(&q, r->visibility);
    report_group_by(&q, r, "d", "owner_name", true);
    buf_puts(&q.text, "d.currency ORDER BY d.currency");
    return shape_rows(s, &q, rows);
}

enum result
report_store_prospects(struct scope *s, const struct report_query *r, json_t **rows)
{
    struct shape q;

    shape_init(&q, s->arena);
    buf_puts(&q.text, "SELECT count(*) AS created,"
                      " count(*) FILTER (WHERE c.converted_at IS NOT NULL) AS converted");
    report_group_columns(&q, r, "c", "lead_owner_name");
    buf_puts(&q.text, " FROM {tenant}.customers c LEFT JOIN {tenant}.users o"
                      " ON o.id = c.owner_id WHERE c.reference_number IS NOT NULL");
    report_period(&q, s, r, "c.created_at");
    case_store_where_record_visible(&q, &r->visibility->records);
    report_group_by(&q, r, "c", "lead_owner_name", false);
    return shape_rows(s, &q, rows);
}
