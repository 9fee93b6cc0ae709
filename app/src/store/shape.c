#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "store/shape.h"

/* Open addressing over texts. Twice SHAPE_TEXTS_MAX slots keep probes short. */
#define SHAPE_SLOTS (2 * SHAPE_TEXTS_MAX)

static struct sql *shape_table[SHAPE_SLOTS];
static size_t shape_count;

static uint64_t
shape_hash(const char *text)
{
    uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */

    for (const unsigned char *p = (const unsigned char *)text; *p != '\0'; p++)
        h = (h ^ *p) * 0x100000001b3ULL;
    return h;
}

/* Returns the statement of a text, adding it at first use, or NULL when the table is full. */
static struct sql *
shape_sql(const char *text)
{
    size_t slot = shape_hash(text) & (SHAPE_SLOTS - 1);
    struct sql *q;

    while (shape_table[slot] != NULL) {
        if (strcmp(shape_table[slot]->text, text) == 0)
            return shape_table[slot];
        slot = (slot + 1) & (SHAPE_SLOTS - 1);
    }
    if (shape_count >= SHAPE_TEXTS_MAX)
        return NULL;
    q = calloc(1, sizeof(*q));
    if (q == NULL || (q->text = strdup(text)) == NULL)
        abort();
    shape_table[slot] = q;
    shape_count++;
    return q;
}

void
shape_init(struct shape *q, struct arena *a)
{
    buf_init(&q->text, a, 2048);
    db_params_init(&q->params, a);
}

const char *
shape_param(struct shape *q, const char *value)
{
    db_param_text(&q->params, value);
    return arena_printf(q->params.arena, "$%d", q->params.count);
}

const char *
shape_param_int(struct shape *q, int64_t value)
{
    db_param_int(&q->params, value);
    return arena_printf(q->params.arena, "$%d", q->params.count);
}

enum result
shape_query(struct scope *s, struct shape *q, PGresult **res)
{
    struct sql *statement = shape_sql(q->text.data);

    if (statement == NULL) {
        log_error("shape_table_full", "texts=%zu", shape_count);
        return RESULT_INTERNAL;
    }
    return db_query(s->db, scope_schema(s), statement, &q->params, res);
}

enum result
shape_rows(struct scope *s, struct shape *q, json_t **rows)
{
    PGresult *res;
    enum result r;

    if ((r = shape_query(s, q, &res)) != RESULT_OK)
        return r;
    *rows = json_array();
    for (int i = 0; i < PQntuples(res); i++)
        json_array_append_new(*rows, db_row_json(res, i));
    PQclear(res);
    return RESULT_OK;
}
