#include <stdlib.h>
#include <string.h>

#include "core/money.h"
#include "domain/report.h"
#include "store/pipeline.h"

#define SECONDS_PER_DAY 86400

const char *
report_group_name(enum report_group group)
{
    if (group == REPORT_BY_OWNER)
        return "owner";
    if (group == REPORT_BY_SOURCE)
        return "source";
    return NULL;
}

/* Returns the members that name a row's group, and in *key a text unique to the group. */
static json_t *
report_group_of(struct scope *s, const struct report_query *q, const json_t *row,
                const char **key)
{
    json_t *group = json_object();

    if (q->group == REPORT_BY_SOURCE) {
        json_t *source = json_object_get(row, "source");

        json_object_set(group, "source", source != NULL ? source : json_null());
        *key = json_str(row, "source") != NULL ? arena_printf(s->arena, "s:%s",
                                                              json_str(row, "source"))
                                               : "none";
    } else {
        json_t *owner = json_null();

        if (json_is_integer(json_object_get(row, "owner_id")))
            owner = json_pack("{s:O, s:O}", "id", json_object_get(row, "owner_id"),
                              "display_name", json_object_get(row, "owner_display_name"));
        json_object_set_new(group, "owner", owner);
        json_object_set_new(group, "owner_name",
                            json_string_or_null(json_str(row, "owner_name")));
        *key = json_is_object(owner) ? arena_printf(s->arena, "u:%lld",
                                                    (long long)json_int(row, "owner_id", 0))
               : json_str(row, "owner_name") != NULL
                   ? arena_printf(s->arena, "n:%s", json_str(row, "owner_name"))
                   : "none";
    }
    return group;
}

/* Finds or adds the entry of a row's group in groups (an object by key, and list in order). */
static json_t *
report_group_entry(struct scope *s, const struct report_query *q, json_t *by_key, json_t *list,
                   const json_t *row, json_t *(*make)(void))
{
    const char *key;
    json_t *group = report_group_of(s, q, row, &key);
    json_t *entry = json_object_get(by_key, key);

    if (entry != NULL)
        return entry;
    entry = make();
    json_object_update(entry, group);
    json_object_set(by_key, key, entry);
    json_array_append(list, entry);
    return entry;
}

static json_t *
report_head(struct scope *s, const struct report_query *q)
{
    json_t *report = json_object();

    json_object_set_new(report, "from", json_string(q->from));
    json_object_set_new(report, "to", json_string(q->to));
    json_object_set_new(report, "time_zone", json_string(s->tenant->time_zone));
    json_object_set_new(report, "group_by", json_string_or_null(report_group_name(q->group)));
    return report;
}

static json_t *
report_funnel_group(void)
{
    return json_pack("{s:i}", "deals", 0);
}

/* Returns the funnel stage of stage_id in pipelines, adding a removed stage when needed. */
static json_t *
report_funnel_stage(struct scope *s, json_t *by_id, json_t *pipelines, int64_t pipeline_id,
                    int64_t stage_id)
{
    const char *key = arena_printf(s->arena, "%lld", (long long)stage_id);
    json_t *stage = json_object_get(by_id, key), *pipeline, *row;
    size_t i;

    if (stage != NULL)
        return stage;
    if (pipeline_store_stage(s, stage_id, &row) != RESULT_OK)
        return NULL;
    json_array_foreach(pipelines, i, pipeline)
    {
        if (json_int(pipeline, "id", 0) != pipeline_id)
            continue;
        stage = json_pack("{s:I, s:O, s:O, s:O, s:O, s:b, s:i}", "id", (json_int_t)stage_id,
                          "name", json_object_get(row, "name"), "position",
                          json_object_get(row, "position"), "probability",
                          json_object_get(row, "probability"), "kind",
                          json_object_get(row, "kind"), "removed", 1, "deals", 0);
        json_array_append_new(json_object_get(pipeline, "stages"), stage);
        json_object_set(by_id, key, stage);
        return stage;
    }
    return NULL;
}

enum result
report_funnel(struct scope *s, const struct report_query *q, json_t **report)
{
    json_t *pipelines, *pipeline, *stage, *rows, *row, *by_id = json_object();
    size_t i, k;
    enum result r;

    if ((r = pipeline_store_list(s, q->pipeline_id, &pipelines)) != RESULT_OK ||
        (r = report_store_funnel(s, q, &rows)) != RESULT_OK)
        return r;
    if (q->pipeline_id > 0 && json_array_size(pipelines) == 0)
        return RESULT_NOT_FOUND;
    json_array_foreach(pipelines, i, pipeline)
    {
        json_object_del(pipeline, "created_at");
        json_object_del(pipeline, "updated_at");
        json_array_foreach(json_object_get(pipeline, "stages"), k, stage)
        {
            json_object_set_new(stage, "removed", json_false());
            json_object_set_new(stage, "deals", json_integer(0));
            if (q->group != REPORT_UNGROUPED)
                json_object_set_new(stage, "groups", json_array());
            json_object_set(by_id, arena_printf(s->arena, "%lld",
                                                (long long)json_int(stage, "id", 0)),
                            stage);
        }
    }
    json_array_foreach(rows, i, row)
    {
        int64_t n = json_int(row, "deals", 0);

        stage = report_funnel_stage(s, by_id, pipelines, json_int(row, "pipeline_id", 0),
                                    json_int(row, "stage_id", 0));
        if (stage == NULL)
            continue;
        json_object_set_new(stage, "deals", json_integer(json_int(stage, "deals", 0) + n));
        if (q->group != REPORT_UNGROUPED) {
            json_t *groups = json_object_get(stage, "groups"), *entry;

            if (groups == NULL) {
                groups = json_array();
                json_object_set_new(stage, "groups", groups);
            }
            /* Within one stage every group appears once, so no index by key is needed. */
            entry = report_group_entry(s, q, json_object(), groups, row, report_funnel_group);
            json_object_set_new(entry, "deals", json_integer(n));
        }
    }
    *report = report_head(s, q);
    json_object_set(*report, "pipelines", pipelines);
    return RESULT_OK;
}

/* Returns {numerator, denominator, percent}, percent null without a denominator. */
static json_t *
report_rate(struct scope *s, int64_t numerator, int64_t denominator)
{
    json_t *rate = json_object();

    json_object_set_new(rate, "numerator", json_integer(numerator));
    json_object_set_new(rate, "denominator", json_integer(denominator));
    json_object_set_new(rate, "percent",
                        json_string_or_null(denominator > 0 ? money_quotient(s->arena,
                                                                             numerator * 100,
                                                                             denominator, 1)
                                                            : NULL));
    return rate;
}

static json_t *
report_metrics_new(void)
{
    return json_pack("{s:[]}", "average_deal_size");
}

/* Fills the win rate and cycle time of metrics from a report_store_closed() row. */
static void
report_closed(struct scope *s, json_t *metrics, const json_t *row)
{
    int64_t won = row != NULL ? json_int(row, "won", 0) : 0;
    int64_t lost = row != NULL ? json_int(row, "lost", 0) : 0;
    const char *seconds_text = row != NULL ? json_str(row, "cycle_seconds") : NULL;
    int64_t seconds = seconds_text != NULL ? strtoll(seconds_text, NULL, 10) : 0;
    json_t *rate = report_rate(s, won, won + lost), *cycle = json_object();

    json_object_set_new(rate, "won", json_integer(won));
    json_object_set_new(rate, "lost", json_integer(lost));
    json_object_set_new(metrics, "win_rate", rate);
    json_object_set_new(cycle, "deals", json_integer(won + lost));
    json_object_set_new(cycle, "seconds_total", json_integer(seconds));
    json_object_set_new(
        cycle, "days",
        json_string_or_null(won + lost > 0 ? money_quotient(s->arena, seconds,
                                                            (won + lost) * SECONDS_PER_DAY, 1)
                                           : NULL));
    json_object_set_new(metrics, "average_cycle_time", cycle);
}

/* Fills the conversion rate of metrics from a report_store_prospects() row. */
static void
report_prospects(struct scope *s, json_t *metrics, const json_t *row)
{
    int64_t created = row != NULL ? json_int(row, "created", 0) : 0;
    int64_t converted = row != NULL ? json_int(row, "converted", 0) : 0;
    json_t *rate = report_rate(s, converted, created);

    json_object_set_new(rate, "prospects_created", json_integer(created));
    json_object_set_new(rate, "converted", json_integer(converted));
    json_object_set_new(metrics, "conversion_rate", rate);
}

/* Adds a report_store_won() row to the average deal sizes of metrics. */
static void
report_won(json_t *metrics, const json_t *row)
{
    json_array_append_new(json_object_get(metrics, "average_deal_size"),
                          json_pack("{s:O, s:O, s:O, s:O}", "currency",
                                    json_object_get(row, "currency"), "deals",
                                    json_object_get(row, "deals"), "total",
                                    json_object_get(row, "amount"), "average",
                                    json_object_get(row, "average")));
}

/* Runs the three statements of the sales figures for q. */
static enum result
report_sales_rows(struct scope *s, const struct report_query *q, json_t **closed, json_t **won,
                  json_t **prospects)
{
    enum result r;

    if ((r = report_store_closed(s, q, closed)) != RESULT_OK ||
        (r = report_store_won(s, q, won)) != RESULT_OK)
        return r;
    return report_store_prospects(s, q, prospects);
}

/* Fills the group entries of a grouped report; a group missing from a statement gets zeros. */
static void
report_sales_groups(struct scope *s, const struct report_query *q, json_t *closed, json_t *won,
                    json_t *prospects, json_t *groups)
{
    json_t *by_key = json_object(), *row, *entry;
    size_t i;

    json_array_foreach(closed, i, row)
        report_closed(s, report_group_entry(s, q, by_key, groups, row, report_metrics_new), row);
    json_array_foreach(won, i, row)
        report_won(report_group_entry(s, q, by_key, groups, row, report_metrics_new), row);
    json_array_foreach(prospects, i, row)
        report_prospects(s, report_group_entry(s, q, by_key, groups, row, report_metrics_new),
                         row);
    json_array_foreach(groups, i, entry)
    {
        if (json_object_get(entry, "win_rate") == NULL)
            report_closed(s, entry, NULL);
        if (json_object_get(entry, "conversion_rate") == NULL)
            report_prospects(s, entry, NULL);
    }
}

enum result
report_sales(struct scope *s, const struct report_query *q, json_t **report)
{
    struct report_query total = *q;
    json_t *closed, *won, *prospects, *metrics = report_metrics_new(), *row;
    size_t i;
    enum result r;

    /* The total runs ungrouped, so that its sums stay exact numeric sums of SQL. */
    total.group = REPORT_UNGROUPED;
    if ((r = report_sales_rows(s, &total, &closed, &won, &prospects)) != RESULT_OK)
        return r;
    report_closed(s, metrics, json_array_get(closed, 0));
    json_array_foreach(won, i, row)
        report_won(metrics, row);
    report_prospects(s, metrics, json_array_get(prospects, 0));
    *report = report_head(s, q);
    json_object_set_new(*report, "total", metrics);
    if (q->group == REPORT_UNGROUPED)
        return RESULT_OK;

    if ((r = report_sales_rows(s, q, &closed, &won, &prospects)) != RESULT_OK)
        return r;
    json_object_set_new(*report, "groups", json_array());
    report_sales_groups(s, q, closed, won, prospects, json_object_get(*report, "groups"));
    return RESULT_OK;
}
