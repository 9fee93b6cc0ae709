#include <stdlib.h>
#include <string.h>

#include "store/case.h"
#include "store/deal.h"

/*
 * Every public column of a deal row d, with its record c, pipeline dp, stage
 * ds and the users o (owner) and u (creator).
 */
#define DEAL_COLUMNS                                                                           \
    "d.id, d.title, d.customer_id, c.code AS customer_code,"                                   \
    " c.reference AS customer_reference, c.display_name AS customer_name,"                     \
    " c.lifecycle AS customer_lifecycle, c.owner_id AS customer_owner_id, d.pipeline_id,"      \
    " dp.name AS pipeline_name, d.stage_id, ds.name AS stage_name, ds.kind AS stage_kind,"     \
    " ds.probability AS stage_probability, d.status, d.amount, d.currency,"                    \
    " d.expected_close_date, d.owner_id, o.display_name AS owner_display_name, d.owner_name,"  \
    " d.priority, d.source, d.lost_reason, d.notes, d.stage_entered_at, d.won_at, d.lost_at,"  \
    " d.closed_at, d.import_id, d.created_by, u.display_name AS created_by_name,"              \
    " d.created_at, d.updated_at, d.version"

#define DEAL_JOINS                                                                             \
    " JOIN {tenant}.customers c ON c.id = d.customer_id"                                       \
    " JOIN {tenant}.pipelines dp ON dp.id = d.pipeline_id"                                     \
    " JOIN {tenant}.pipeline_stages ds ON ds.id = d.stage_id"                                  \
    " LEFT JOIN {tenant}.users o ON o.id = d.owner_id"                                         \
    " LEFT JOIN {tenant}.users u ON u.id = d.created_by"

/* A column a write binds and how its parameter becomes the column's type. */
struct deal_column {
    const char *name;
    const char *cast;
};

/* The columns an insert writes; the first DEAL_CHANGEABLE of them an update writes too. */
static const struct deal_column deal_columns[] = {
    {"title", ""},
    {"pipeline_id", "::bigint"},
    {"stage_id", "::bigint"},
    {"status", ""},
    {"amount", "::bigint"},
    {"currency", ""},
    {"expected_close_date", "::date"},
    {"owner_id", "::bigint"},
    {"owner_name", ""},
    {"priority", ""},
    {"source", ""},
    {"lost_reason", ""},
    {"notes", ""},
    {"won_at", "::timestamptz"},
    {"lost_at", "::timestamptz"},
    {"closed_at", "::timestamptz"},
    {"search_text", ""},
    /* insert only: */
    {"customer_id", "::bigint"},
    {"import_id", "::bigint"},
};

#define DEAL_CHANGEABLE 17
#define DEAL_STAGE_PARAM 3 /* the parameter of stage_id: its place in deal_columns, from 1 */
#define DEAL_COLUMN_COUNT (sizeof(deal_columns) / sizeof(deal_columns[0]))

static struct sql record_change = SQL_STATEMENT(
    "INSERT INTO {tenant}.deal_stage_changes (deal_id, from_stage_id, to_stage_id, changed_at,"
    " changed_by) VALUES ($1, $2::bigint, $3, " SQL_MICROS("$4") ", $5::bigint)");

static struct sql history = SQL_STATEMENT(
    "SELECT x.*, greatest(0, floor(extract(epoch FROM coalesce(x.left_at, " SQL_MICROS("$4")
    ") - x.changed_at)))::bigint AS seconds_in_stage FROM ("
    "SELECT h.id, h.from_stage_id, fs.name AS from_stage_name, h.to_stage_id,"
    " ts.name AS to_stage_name, ts.kind AS to_stage_kind, h.changed_at, h.changed_by,"
    " u.display_name AS changed_by_name, lead(h.changed_at) OVER (ORDER BY h.id) AS left_at"
    " FROM {tenant}.deal_stage_changes h"
    " JOIN {tenant}.pipeline_stages ts ON ts.id = h.to_stage_id"
    " LEFT JOIN {tenant}.pipeline_stages fs ON fs.id = h.from_stage_id"
    " LEFT JOIN {tenant}.users u ON u.id = h.changed_by WHERE h.deal_id = $1) x"
    " WHERE x.id > $2 ORDER BY x.id LIMIT $3");

static struct sql import_note = SQL_STATEMENT(
    "INSERT INTO {tenant}.activities (customer_id, kind, summary, details, occurred_at,"
    " recorded_by, created_at, import_id) VALUES ($1, 'note', $2, $3, " SQL_MICROS("$5") ","
    " $4::bigint, " SQL_MICROS("$5") ", $6)");

static struct sql import_changed = SQL_STATEMENT(
    "SELECT id, title FROM {tenant}.deals WHERE import_id = $1 AND version > 1 ORDER BY id");

static struct sql import_remove_changes = SQL_STATEMENT(
    "DELETE FROM {tenant}.deal_stage_changes WHERE deal_id IN"
    " (SELECT id FROM {tenant}.deals WHERE import_id = $1)");
static struct sql import_remove_deals =
    SQL_STATEMENT("DELETE FROM {tenant}.deals WHERE import_id = $1");
static struct sql import_remove_notes =
    SQL_STATEMENT("DELETE FROM {tenant}.activities WHERE import_id = $1");

static struct sql insert_statement;
static struct sql update_statement;

/*
 * Builds the INSERT and UPDATE texts from deal_columns once per process; they
 * live as long as the process. The INSERT records the entry into the first
 * stage in the same statement.
 */
static void
deal_write_statements(void)
{
    static struct arena texts;
    struct buf insert, update;
    size_t n = DEAL_COLUMN_COUNT;

    if (insert_statement.text != NULL)
        return;
    arena_init(&texts, 4096);
    buf_init(&insert, &texts, 2048);
    buf_init(&update, &texts, 2048);

    buf_puts(&insert, "WITH d AS (INSERT INTO {tenant}.deals (");
    for (size_t i = 0; i < n; i++)
        buf_printf(&insert, "%s, ", deal_columns[i].name);
    buf_puts(&insert, "stage_entered_at, created_by, updated_by, created_at, updated_at) VALUES (");
    for (size_t i = 0; i < n; i++)
        buf_printf(&insert, "$%zu%s, ", i + 1, deal_columns[i].cast);
    /* $n+1 is the actor and $n+2 the clock. */
    buf_printf(&insert,
               SQL_MICROS("$%zu") ", $%zu::bigint, $%zu::bigint, " SQL_MICROS("$%zu") ", "
               SQL_MICROS("$%zu") ") RETURNING id, stage_id),",
               n + 2, n + 1, n + 1, n + 2, n + 2);
    buf_printf(&insert,
               " entry AS (INSERT INTO {tenant}.deal_stage_changes (deal_id, to_stage_id,"
               " changed_at, changed_by) SELECT id, stage_id, " SQL_MICROS("$%zu")
               ", $%zu::bigint FROM d) SELECT id FROM d",
               n + 2, n + 1);

    buf_puts(&update, "UPDATE {tenant}.deals SET ");
    for (size_t i = 0; i < DEAL_CHANGEABLE; i++)
        buf_printf(&update, "%s = $%zu%s, ", deal_columns[i].name, i + 1, deal_columns[i].cast);
    buf_printf(&update,
               "stage_entered_at = CASE WHEN stage_id = $%d::bigint THEN stage_entered_at"
               " ELSE " SQL_MICROS("$%d") " END, updated_by = $%d::bigint,"
               " updated_at = " SQL_MICROS("$%d") ", version = version + 1"
               " WHERE id = $%d AND version = $%d",
               DEAL_STAGE_PARAM, DEAL_CHANGEABLE + 2, DEAL_CHANGEABLE + 1,
               DEAL_CHANGEABLE + 2, DEAL_CHANGEABLE + 3, DEAL_CHANGEABLE + 4);

    insert_statement.text = insert.data;
    update_statement.text = update.data;
}

static void
deal_bind_actor(struct db_params *p, const struct scope *s)
{
    if (s->actor != NULL && s->actor->user_id > 0)
        db_param_int(p, s->actor->user_id);
    else
        db_param_text(p, NULL);
}

static enum result
deal_rows(struct scope *s, struct sql *q, struct db_params *p, json_t **rows)
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

void
deal_store_where_visible(struct shape *q, const struct deal_visibility *v)
{
    if (!v->deals) {
        buf_puts(&q->text, " AND false");
        return;
    }
    case_store_where_record_visible(q, &v->records);
    if (v->deals_owner > 0) {
        const char *owner = shape_param_int(q, v->deals_owner);

        buf_printf(&q->text, " AND (d.owner_id = %s OR c.owner_id = %s)", owner, owner);
    }
}

enum result
deal_store_insert(struct scope *s, json_t *columns, int64_t *id)
{
    struct db_params p;
    PGresult *res;
    enum result r;

    deal_write_statements();
    db_params_init(&p, s->arena);
    for (size_t i = 0; i < DEAL_COLUMN_COUNT; i++)
        db_param_value(&p, json_object_get(columns, deal_columns[i].name));
    deal_bind_actor(&p, s);
    db_param_int(&p, s->now_us);
    if ((r = db_query(s->db, scope_schema(s), &insert_statement, &p, &res)) != RESULT_OK)
        return r;
    *id = db_value_int(res, 0, 0);
    PQclear(res);
    return RESULT_OK;
}

enum result
deal_store_get(struct scope *s, int64_t id, const struct deal_visibility *v, bool lock,
               json_t **row)
{
    struct shape q;
    json_t *rows;
    enum result r;

    shape_init(&q, s->arena);
    buf_printf(&q.text, "SELECT " DEAL_COLUMNS " FROM {tenant}.deals d" DEAL_JOINS
                        " WHERE d.id = %s::bigint",
               shape_param_int(&q, id));
    deal_store_where_visible(&q, v);
    if (lock)
        buf_puts(&q.text, " FOR UPDATE OF d");
    if ((r = shape_rows(s, &q, &rows)) != RESULT_OK)
        return r;
    if (json_array_size(rows) != 1)
        return RESULT_NOT_FOUND;
    *row = json_array_get(rows, 0);
    return RESULT_OK;
}

enum result
deal_store_update(struct scope *s, int64_t id, int version, json_t *columns,
                  int64_t from_stage_id)
{
    struct db_params p;
    PGresult *res;
    enum result r;
    bool updated;

    deal_write_statements();
    db_params_init(&p, s->arena);
    for (size_t i = 0; i < DEAL_CHANGEABLE; i++)
        db_param_value(&p, json_object_get(columns, deal_columns[i].name));
    deal_bind_actor(&p, s);
    db_param_int(&p, s->now_us);
    db_param_int(&p, id);
    db_param_int(&p, version);
    if ((r = db_query(s->db, scope_schema(s), &update_statement, &p, &res)) != RESULT_OK)
        return r;
    updated = strcmp(PQcmdTuples(res), "1") == 0;
    PQclear(res);
    if (!updated)
        return RESULT_PRECONDITION_FAILED;
    if (from_stage_id <= 0)
        return RESULT_OK;
    db_params_init(&p, s->arena);
    db_param_int(&p, id);
    db_param_int(&p, from_stage_id);
    db_param_int(&p, json_int(columns, "stage_id", 0));
    db_param_int(&p, s->now_us);
    deal_bind_actor(&p, s);
    return db_query(s->db, scope_schema(s), &record_change, &p, NULL);
}

/* The column a sort orders by and the cursor key it writes, as text. */
struct deal_sort_sql {
    const char *column;
    bool micros; /* the cursor's key is microseconds since the epoch */
    const char *output;
};

static const struct deal_sort_sql *
deal_sort_sql(enum deal_sort sort)
{
    static const struct deal_sort_sql sorts[] = {
        [DEAL_SORT_CREATED] = {"d.created_at", true,
                               "((extract(epoch FROM d.created_at) * 1000000)::bigint)::text"},
        [DEAL_SORT_UPDATED] = {"d.updated_at", true,
                               "((extract(epoch FROM d.updated_at) * 1000000)::bigint)::text"},
        [DEAL_SORT_AMOUNT] = {"d.amount", false, "d.amount::text"},
        [DEAL_SORT_BOARD] = {"d.board_rank", false, "d.board_rank::text"},
    };

    return &sorts[sort <= DEAL_SORT_BOARD ? sort : DEAL_SORT_CREATED];
}

/* Appends the filters of a list to a query over deals d joined to their record c. */
static void
deal_list_where(struct shape *q, const struct deal_list_query *l)
{
    buf_puts(&q->text, " WHERE true");
    deal_store_where_visible(q, l->visibility);
    if (l->pipeline_id > 0)
        buf_printf(&q->text, " AND d.pipeline_id = %s::bigint",
                   shape_param_int(q, l->pipeline_id));
    if (l->stage_id > 0)
        buf_printf(&q->text, " AND d.stage_id = %s::bigint", shape_param_int(q, l->stage_id));
    if (l->status != NULL)
        buf_printf(&q->text, " AND d.status = %s", shape_param(q, l->status));
    if (l->owner_id > 0)
        buf_printf(&q->text, " AND d.owner_id = %s::bigint", shape_param_int(q, l->owner_id));
    if (l->customer_id > 0)
        buf_printf(&q->text, " AND d.customer_id = %s::bigint",
                   shape_param_int(q, l->customer_id));
    if (l->priority != NULL)
        buf_printf(&q->text, " AND d.priority = %s", shape_param(q, l->priority));
    if (l->search_pattern != NULL)
        buf_printf(&q->text, " AND d.search_text LIKE %s ESCAPE '\\'",
                   shape_param(q, l->search_pattern));
    if (l->close_from != NULL)
        buf_printf(&q->text, " AND d.expected_close_date >= %s::date",
                   shape_param(q, l->close_from));
    if (l->close_to != NULL)
        buf_printf(&q->text, " AND d.expected_close_date <= %s::date",
                   shape_param(q, l->close_to));
}

enum result
deal_store_list(struct scope *s, const struct deal_list_query *l, json_t **rows)
{
    const struct deal_sort_sql *sort = deal_sort_sql(l->sort);
    const char *direction = l->descending ? "DESC" : "ASC";
    struct shape q;

    shape_init(&q, s->arena);
    buf_printf(&q.text, "SELECT " DEAL_COLUMNS ", %s AS sort_key FROM {tenant}.deals d" DEAL_JOINS,
               sort->output);
    deal_list_where(&q, l);
    if (l->has_after) {
        const char *key = shape_param(&q, l->after_key);
        const char *id = shape_param_int(&q, l->after_id);

        if (sort->micros)
            buf_printf(&q.text, " AND (%s, d.id) %s (" SQL_MICROS("%s") ", %s::bigint)",
                       sort->column, l->descending ? "<" : ">", key, id);
        else
            buf_printf(&q.text, " AND (%s, d.id) %s (%s::bigint, %s::bigint)", sort->column,
                       l->descending ? "<" : ">", key, id);
    }
    buf_printf(&q.text, " ORDER BY %s %s, d.id %s LIMIT %s", sort->column, direction, direction,
               shape_param_int(&q, l->limit));
    return shape_rows(s, &q, rows);
}

enum result
deal_store_board(struct scope *s, int64_t pipeline_id, const struct deal_visibility *v,
                 int limit, json_t **rows)
{
    struct shape q;

    /* Each stage reads at most limit ids through deals_board; only they are read in full. */
    shape_init(&q, s->arena);
    buf_puts(&q.text, "SELECT " DEAL_COLUMNS ", d.board_rank::text AS sort_key"
                      " FROM {tenant}.pipeline_stages bs CROSS JOIN LATERAL (SELECT d.id"
                      " FROM {tenant}.deals d JOIN {tenant}.customers c ON c.id = d.customer_id"
                      " WHERE d.stage_id = bs.id");
    deal_store_where_visible(&q, v);
    buf_printf(&q.text,
               " ORDER BY d.board_rank, d.id LIMIT %s) page"
               " JOIN {tenant}.deals d ON d.id = page.id" DEAL_JOINS
               " WHERE bs.pipeline_id = %s::bigint AND bs.removed_at IS NULL"
               " ORDER BY bs.position, bs.id, d.board_rank, d.id",
               shape_param_int(&q, limit), shape_param_int(&q, pipeline_id));
    return shape_rows(s, &q, rows);
}

enum result
deal_store_history(struct scope *s, int64_t deal_id, int64_t after_id, int limit,
                   json_t **rows)
{
    struct db_params p;

    db_params_init(&p, s->arena);
    db_param_int(&p, deal_id);
    db_param_int(&p, after_id);
    db_param_int(&p, limit);
    db_param_int(&p, s->now_us);
    return deal_rows(s, &history, &p, rows);
}

enum result
deal_store_import_note(struct scope *s, int64_t customer_id, int64_t import_id,
                       const char *summary, const char *details)
{
    struct db_params p;

    db_params_init(&p, s->arena);
    db_param_int(&p, customer_id);
    db_param_text(&p, summary);
    db_param_text(&p, details);
    deal_bind_actor(&p, s);
    db_param_int(&p, s->now_us);
    db_param_int(&p, import_id);
    return db_query(s->db, scope_schema(s), &import_note, &p, NULL);
}

enum result
deal_store_import_changed(struct scope *s, int64_t import_id, json_t **rows)
{
    struct db_params p;

    db_params_init(&p, s->arena);
    db_param_int(&p, import_id);
    return deal_rows(s, &import_changed, &p, rows);
}

enum result
deal_store_import_remove(struct scope *s, int64_t import_id)
{
    struct db_params p;
    enum result r;

    db_params_init(&p, s->arena);
    db_param_int(&p, import_id);
    if ((r = db_query(s->db, scope_schema(s), &import_remove_changes, &p, NULL)) != RESULT_OK ||
        (r = db_query(s->db, scope_schema(s), &import_remove_deals, &p, NULL)) != RESULT_OK)
        return r;
    return db_query(s->db, scope_schema(s), &import_remove_notes, &p, NULL);
}
