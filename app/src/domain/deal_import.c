#include <string.h>

#include "core/clock.h"
#include "core/text.h"
#include "domain/deal_import.h"
#include "store/deal.h"
#include "store/pipeline.h"

#define NOTE_SUMMARY_MAX 200 /* characters of an activity's summary */

/* Headers of the column whose cell becomes the lead's note, compared folded. */
static const char *const note_headers[] = {"notes", "note", "comments", NULL};

/*
 * Reads the default pipeline's live stages into *cache once per batch:
 * {"pipeline_id", "stages": {folded name: stage}, "names": "New Lead, ..."}.
 */
static enum result
deal_import_stages(struct scope *s, json_t **cache)
{
    json_t *rows, *stage, *by_name = json_object();
    struct buf names;
    int64_t pipeline_id;
    size_t i;
    enum result r;

    if (*cache != NULL)
        return RESULT_OK;
    if ((r = pipeline_store_default(s, &pipeline_id)) != RESULT_OK ||
        (r = pipeline_store_list(s, pipeline_id, &rows)) != RESULT_OK)
        return r;
    buf_init(&names, s->arena, 256);
    json_array_foreach(json_object_get(json_array_get(rows, 0), "stages"), i, stage)
    {
        json_object_set_new(stage, "pipeline_id", json_integer(pipeline_id));
        json_object_set(by_name, text_casefold(s->arena, json_str(stage, "name")), stage);
        buf_printf(&names, "%s%s", i > 0 ? ", " : "", json_str(stage, "name"));
    }
    *cache = json_pack("{s:I, s:o, s:s}", "pipeline_id", (json_int_t)pipeline_id, "stages",
                       by_name, "names", names.data);
    return RESULT_OK;
}

static const json_t *
deal_import_stage(struct scope *s, const json_t *cache, const char *name)
{
    return json_object_get(json_object_get(cache, "stages"), text_casefold(s->arena, name));
}

enum result
deal_import_check(struct scope *s, json_t **cache, const json_t *body)
{
    const char *name = json_str(body, "lead_stage");
    enum result r;

    if (name == NULL)
        return RESULT_OK;
    if ((r = deal_import_stages(s, cache)) != RESULT_OK)
        return r;
    if (deal_import_stage(s, *cache, name) != NULL)
        return RESULT_OK;
    problem_field(s->problem, "lead_stage", "choice",
                  "No stage of the default pipeline is named \"%s\"; the stages are: %s.", name,
                  json_str(*cache, "names"));
    return RESULT_INVALID;
}

/* Returns the first line of text, cut to NOTE_SUMMARY_MAX characters with "…". */
static const char *
deal_import_summary(struct scope *s, const char *text)
{
    size_t line = strcspn(text, "\r\n"), chars = 0, cut = line, i;

    for (i = 0; i < line; i++) {
        if (((unsigned char)text[i] & 0xC0) == 0x80)
            continue;
        if (++chars == NOTE_SUMMARY_MAX)
            cut = i; /* the 200th character's start: 199 and "…" fit */
    }
    if (chars <= NOTE_SUMMARY_MAX)
        return arena_printf(s->arena, "%.*s", (int)line, text);
    return arena_printf(s->arena, "%.*s…", (int)cut, text);
}

/* Records the row's note cell as a note activity of the prospect. */
static enum result
deal_import_note(struct scope *s, const struct import_prospect *p)
{
    const char *header, *cell = NULL;
    json_t *value;
    char *note;
    size_t chars;

    json_object_foreach((json_t *)p->raw, header, value)
    {
        const char *folded = text_fold(s->arena, header);

        for (const char *const *h = note_headers; cell == NULL && *h != NULL; h++) {
            if (strcmp(folded, *h) == 0)
                cell = json_string_value(value);
        }
    }
    if (cell == NULL ||
        text_normalize(s->arena, cell, strlen(cell), TEXT_MULTI_LINE, &note, &chars) !=
            TEXT_OK ||
        chars == 0 || chars > 10000)
        return RESULT_OK;
    return deal_store_import_note(s, json_int(p->record, "id", 0), p->import_id,
                                  deal_import_summary(s, note), note);
}

/* Returns the deal's title: the lead's company, or the record's name. */
static const char *
deal_import_title(const json_t *record)
{
    const char *company = json_str(record, "employer");

    return company != NULL ? company : json_str(record, "display_name");
}

enum result
deal_import_lead(struct scope *s, const struct import_prospect *p)
{
    json_t **cache = p->cache;
    const char *name = json_str(p->record, "lead_stage");
    const char *now = clock_format_rfc3339(s->arena, s->now_us);
    const char *kind, *title = deal_import_title(p->record);
    const json_t *stage;
    json_t *columns, *owner = json_object_get(p->record, "owner");
    int64_t id;
    enum result r;

    if (name == NULL)
        return RESULT_OK;
    if ((r = deal_import_stages(s, cache)) != RESULT_OK)
        return r;
    /* deal_import_check() passed the row against the same cache. */
    if ((stage = deal_import_stage(s, *cache, name)) == NULL)
        return RESULT_INTERNAL;
    kind = json_str(stage, "kind");

    columns = json_object();
    json_object_set_new(columns, "title", json_string(title));
    json_object_set(columns, "customer_id", json_object_get(p->record, "id"));
    json_object_set(columns, "pipeline_id", json_object_get(*cache, "pipeline_id"));
    json_object_set(columns, "stage_id", json_object_get(stage, "id"));
    json_object_set_new(columns, "status", json_string(kind));
    json_object_set_new(columns, "amount", json_integer(0));
    json_object_set_new(columns, "currency", json_string(s->tenant->currency));
    json_object_set_new(columns, "priority", json_string("medium"));
    json_object_set(columns, "source", json_object_get(p->record, "source"));
    if (json_str(p->record, "lead_owner_name") != NULL)
        json_object_set(columns, "owner_name", json_object_get(p->record, "lead_owner_name"));
    else if (json_is_object(owner))
        json_object_set(columns, "owner_id", json_object_get(owner, "id"));
    if (strcmp(kind, "won") == 0)
        json_object_set_new(columns, "won_at", json_string(now));
    if (strcmp(kind, "lost") == 0)
        json_object_set_new(columns, "lost_at", json_string(now));
    if (strcmp(kind, "open") != 0)
        json_object_set_new(columns, "closed_at", json_string(now));
    json_object_set_new(columns, "import_id", json_integer(p->import_id));
    json_object_set_new(columns, "search_text", json_string(text_fold(s->arena, title)));
    if ((r = deal_store_insert(s, columns, &id)) != RESULT_OK)
        return r;
    return deal_import_note(s, p);
}

enum result
deal_import_undo(struct scope *s, int64_t import_id)
{
    json_t *changed, *row, *ids;
    struct buf text;
    size_t i;
    enum result r;

    if ((r = deal_store_import_changed(s, import_id, &changed)) != RESULT_OK)
        return r;
    if (json_array_size(changed) > 0) {
        ids = json_array();
        buf_init(&text, s->arena, 256);
        json_array_foreach(changed, i, row)
        {
            json_array_append(ids, json_object_get(row, "id"));
            if (i < 10)
                buf_printf(&text, "%s%lld (%s)", i > 0 ? ", " : "",
                           (long long)json_int(row, "id", 0), json_str(row, "title"));
        }
        problem_set(s->problem, "records_changed", "Records changed",
                    "%zu deal%s the import made changed since: %s%s. The import cannot be "
                    "undone.",
                    json_array_size(changed), json_array_size(changed) == 1 ? "" : "s",
                    text.data, json_array_size(changed) > 10 ? ", ..." : "");
        problem_extra(s->problem, "deals", ids);
        return RESULT_CONFLICT;
    }
    return deal_store_import_remove(s, import_id);
}
