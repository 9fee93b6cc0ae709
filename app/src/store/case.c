#include <stdlib.h>
#include <string.h>

#include "store/case.h"

/*
 * Every public column of a case row, with its record c and the users a
 * (assignee), rb (resolver) and u (creator).
 */
#define CASE_COLUMNS                                                                           \
    "k.id, k.number, k.number_value, k.customer_id, c.code AS customer_code,"                  \
    " c.reference AS customer_reference, c.display_name AS customer_name,"                     \
    " c.lifecycle AS customer_lifecycle, c.owner_id AS customer_owner_id, k.subject,"          \
    " k.description, k.category, k.priority, k.channel, k.status, k.assignee_id,"              \
    " a.display_name AS assignee_name, k.due_at, k.resolution_note, k.first_response_at,"      \
    " k.resolved_at, k.resolved_by, rb.display_name AS resolved_by_name, k.closed_at,"         \
    " k.created_by, u.display_name AS created_by_name,"                                        \
    " k.created_at, k.updated_at, k.version"

#define CASE_JOINS                                                                             \
    " JOIN {tenant}.customers c ON c.id = k.customer_id"                                       \
    " LEFT JOIN {tenant}.users a ON a.id = k.assignee_id"                                      \
    " LEFT JOIN {tenant}.users rb ON rb.id = k.resolved_by"                                    \
    " LEFT JOIN {tenant}.users u ON u.id = k.created_by"

#define CASE_OPEN_STATUSES "('new', 'open', 'pending')"

/* A column a create writes and how its parameter becomes the column's type. */
struct case_column {
    const char *name;
    const char *cast;
};

/* Columns a create writes; those from CASE_UPDATE_FROM on may change in an update. */
static const struct case_column case_columns[] = {
    {"number", ""},
    {"number_value", "::bigint"},
    {"customer_id", "::bigint"},
    /* CASE_UPDATE_FROM: */
    {"subject", ""},
    {"description", ""},
    {"category", ""},
    {"priority", ""},
    {"channel", ""},
    {"status", ""},
    {"assignee_id", "::bigint"},
    {"due_at", "::timestamptz"},
    {"resolution_note", ""},
    {"first_response_at", "::timestamptz"},
    {"resolved_at", "::timestamptz"},
    {"resolved_by", "::bigint"},
    {"closed_at", "::timestamptz"},
    {"search_text", ""},
};

#define CASE_UPDATE_FROM 3
#define CASE_COLUMN_COUNT (sizeof(case_columns) / sizeof(case_columns[0]))

static struct sql next_number = SQL_STATEMENT("SELECT nextval('{tenant}.case_number_seq')");

/*
 * A whole number of days is added to the local time in the tenant's zone and
 * converted back, so 10:00 stays 10:00 across a daylight saving change. Hours
 * are added to the instant. A local time that the change skips (02:30 on the
 * night clocks go forward) is read with the offset before the change, which
 * puts the due time an hour later on the clock.
 */
static struct sql due_at = SQL_STATEMENT(
    "SELECT CASE WHEN $2::integer > 0"
    " THEN (($1::timestamptz AT TIME ZONE $4) + make_interval(days => $2::integer))"
    " AT TIME ZONE $4"
    " ELSE $1::timestamptz + make_interval(hours => $3::integer) END");

static struct sql add_note = SQL_STATEMENT(
    "INSERT INTO {tenant}.case_notes (case_id, author_id, visibility, body, created_at)"
    " VALUES ($1, $2, $3, $4, " SQL_MICROS("$5") ")"
    " RETURNING id, visibility, body, created_at");

static struct sql notes = SQL_STATEMENT(
    "SELECT n.id, n.visibility, n.body, n.created_at, n.author_id,"
    " u.display_name AS author_name"
    " FROM {tenant}.case_notes n LEFT JOIN {tenant}.users u ON u.id = n.author_id"
    " WHERE n.case_id = $1 AND n.id > $2 ORDER BY n.id LIMIT $3");

#define HISTORY(cursor, order)                                                                 \
    "SELECT a.id, a.occurred_at, a.action, a.details, a.actor_user_id,"                        \
    " u.display_name AS actor_name,"                                                           \
    " ((extract(epoch FROM a.occurred_at) * 1000000)::bigint)::text AS sort_key"               \
    " FROM {tenant}.audit_events a LEFT JOIN {tenant}.users u ON u.id = a.actor_user_id"       \
    " WHERE a.target_type = 'case' AND a.target_id = $1" cursor                                \
    " ORDER BY a.occurred_at " order ", a.id " order " LIMIT $2"

static struct sql history_desc = SQL_STATEMENT(HISTORY("", "DESC"));
static struct sql history_asc = SQL_STATEMENT(HISTORY("", "ASC"));
static struct sql history_desc_after = SQL_STATEMENT(
    HISTORY(" AND (a.occurred_at, a.id) < (" SQL_MICROS("$3") ", $4::bigint)", "DESC"));
static struct sql history_asc_after = SQL_STATEMENT(
    HISTORY(" AND (a.occurred_at, a.id) > (" SQL_MICROS("$3") ", $4::bigint)", "ASC"));

static struct sql insert_statement;
static struct sql update_statement;

/*
 * Builds the INSERT and UPDATE texts from case_columns once per process; they
 * live as long as the process. The UPDATE numbers its parameters from the
 * first changeable column.
 */
static void
case_write_statements(void)
{
    static struct arena texts;
    struct buf insert, update;
    size_t n = CASE_COLUMN_COUNT;
    size_t changeable = n - CASE_UPDATE_FROM;

    if (insert_statement.text != NULL)
        return;
    arena_init(&texts, 4096);
    buf_init(&insert, &texts, 2048);
    buf_init(&update, &texts, 2048);

    buf_puts(&insert, "INSERT INTO {tenant}.cases (");
    for (size_t i = 0; i < n; i++)
        buf_printf(&insert, "%s, ", case_columns[i].name);
    buf_puts(&insert, "created_by, updated_by, created_at, updated_at) VALUES (");
    for (size_t i = 0; i < n; i++)
        buf_printf(&insert, "$%zu%s, ", i + 1, case_columns[i].cast);
    buf_printf(&insert,
               "$%zu::bigint, $%zu::bigint, " SQL_MICROS("$%zu") ", " SQL_MICROS(
                   "$%zu") ") RETURNING id",
               n + 1, n + 1, n + 2, n + 2);

    buf_puts(&update, "UPDATE {tenant}.cases SET ");
    for (size_t i = CASE_UPDATE_FROM; i < n; i++)
        buf_printf(&update, "%s = $%zu%s, ", case_columns[i].name, i - CASE_UPDATE_FROM + 1,
                   case_columns[i].cast);
    buf_printf(&update, "updated_by = $%zu::bigint, updated_at = " SQL_MICROS("$%zu"),
               changeable + 1, changeable + 2);
    buf_printf(&update, ", version = version + 1 WHERE id = $%zu AND version = $%zu",
               changeable + 3, changeable + 4);

    insert_statement.text = insert.data;
    update_statement.text = update.data;
}

static void
case_bind_actor(struct db_params *p, const struct scope *s)
{
    if (s->actor != NULL)
        db_param_int(p, s->actor->user_id);
    else
        db_param_text(p, NULL);
}

/* Appends the condition for the records of one lifecycle: none, all, or one owner's. */
static void
case_lifecycle_condition(struct shape *q, const char *lifecycle, bool visible, int64_t owner)
{
    if (!visible)
        buf_puts(&q->text, "false");
    else if (owner > 0)
        buf_printf(&q->text, "(c.lifecycle = '%s' AND c.owner_id = %s)", lifecycle,
                   shape_param_int(q, owner));
    else
        buf_printf(&q->text, "c.lifecycle = '%s'", lifecycle);
}

void
case_store_where_visible(struct shape *q, const struct case_visibility *v)
{
    if (!v->cases) {
        buf_puts(&q->text, " AND false");
        return;
    }
    case_store_where_record_visible(q, &v->records);
    if (v->cases_owner > 0) {
        const char *owner = shape_param_int(q, v->cases_owner);

        buf_printf(&q->text, " AND (k.assignee_id = %s OR c.owner_id = %s)", owner, owner);
    }
}

/* True when every lifecycle v shows is limited to records of owner, so owning is implied. */
static bool
case_records_owned_by(const struct customer_visibility *r, int64_t owner)
{
    return (!r->customers || r->customers_owner == owner) &&
           (!r->prospects || r->prospects_owner == owner);
}

/* Appends " AND " and a condition that the record of case k is visible under r. */
static void
case_where_record_of(struct shape *q, const struct customer_visibility *r)
{
    /* With every record visible, only the few archived ones matter. */
    if (r->customers && r->customers_owner == 0 && r->prospects && r->prospects_owner == 0) {
        if (r->archived == CUSTOMER_LIVE)
            buf_puts(&q->text, " AND NOT EXISTS (SELECT 1 FROM {tenant}.customers x"
                               " WHERE x.id = k.customer_id AND x.archived_at IS NOT NULL)");
        else if (r->archived == CUSTOMER_ONLY_ARCHIVED)
            buf_puts(&q->text, " AND EXISTS (SELECT 1 FROM {tenant}.customers x"
                               " WHERE x.id = k.customer_id AND x.archived_at IS NOT NULL)");
        return;
    }
    buf_puts(&q->text,
             " AND k.customer_id IN (SELECT c.id FROM {tenant}.customers c WHERE true");
    case_store_where_record_visible(q, r);
    buf_puts(&q->text, ")");
}

void
case_store_where_visible_alone(struct shape *q, const struct case_visibility *v)
{
    const struct customer_visibility *r = &v->records;
    const char *owner;

    if (!v->cases || (!r->customers && !r->prospects)) {
        buf_puts(&q->text, " AND false");
        return;
    }
    if (v->cases_owner == 0 || case_records_owned_by(r, v->cases_owner)) {
        case_where_record_of(q, r);
        return;
    }

    /* Cases of the user's own visible records, or assigned to the user on any visible one. */
    owner = shape_param_int(q, v->cases_owner);
    buf_printf(&q->text,
               " AND (k.customer_id IN (SELECT c.id FROM {tenant}.customers c"
               " WHERE c.owner_id = %s",
               owner);
    case_store_where_record_visible(q, r);
    buf_printf(&q->text, ") OR (k.assignee_id = %s", owner);
    case_where_record_of(q, r);
    buf_puts(&q->text, "))");
}

void
case_store_where_record_visible(struct shape *q, const struct customer_visibility *r)
{
    if (!r->customers && !r->prospects) {
        buf_puts(&q->text, " AND false");
        return;
    }
    if (!r->customers || r->customers_owner > 0 || !r->prospects || r->prospects_owner > 0) {
        buf_puts(&q->text, " AND (");
        case_lifecycle_condition(q, "customer", r->customers, r->customers_owner);
        buf_puts(&q->text, " OR ");
        case_lifecycle_condition(q, "prospect", r->prospects, r->prospects_owner);
        buf_puts(&q->text, ")");
    }
    if (r->archived == CUSTOMER_LIVE)
        buf_puts(&q->text, " AND c.archived_at IS NULL");
    else if (r->archived == CUSTOMER_ONLY_ARCHIVED)
        buf_puts(&q->text, " AND c.archived_at IS NOT NULL");
}

/* Appends the select list of a full case row, with overdue against the scope's clock. */
static void
case_select(struct shape *q, const struct scope *s)
{
    buf_printf(&q->text,
               "SELECT " CASE_COLUMNS ", (k.status IN " CASE_OPEN_STATUSES
               " AND k.due_at < " SQL_MICROS("%s") ") AS overdue",
               shape_param_int(q, s->now_us));
}

enum result
case_store_next_number(struct scope *s, int64_t *number)
{
    PGresult *res;
    enum result r;

    if ((r = db_query(s->db, scope_schema(s), &next_number, NULL, &res)) != RESULT_OK)
        return r;
    *number = db_value_int(res, 0, 0);
    PQclear(res);
    return RESULT_OK;
}

enum result
case_store_due_at(struct scope *s, const char *created_at, int64_t days, int64_t elapsed_hours,
                  const char **due)
{
    struct db_params p;
    PGresult *res;
    enum result r;

    db_params_init(&p, s->arena);
    db_param_text(&p, created_at);
    db_param_int(&p, days);
    db_param_int(&p, elapsed_hours);
    db_param_text(&p, s->tenant->time_zone);
    if ((r = db_query(s->db, scope_schema(s), &due_at, &p, &res)) != RESULT_OK)
        return r;
    *due = db_timestamp_rfc3339(s->arena, db_value(res, 0, 0));
    PQclear(res);
    return RESULT_OK;
}

enum result
case_store_insert(struct scope *s, json_t *columns, int64_t *id)
{
    struct db_params p;
    PGresult *res;
    enum result r;

    case_write_statements();
    db_params_init(&p, s->arena);
    for (size_t i = 0; i < CASE_COLUMN_COUNT; i++)
        db_param_value(&p, json_object_get(columns, case_columns[i].name));
    case_bind_actor(&p, s);
    db_param_int(&p, s->now_us);
    if ((r = db_query(s->db, scope_schema(s), &insert_statement, &p, &res)) != RESULT_OK)
        return r;
    *id = db_value_int(res, 0, 0);
    PQclear(res);
    return RESULT_OK;
}

enum result
case_store_get(struct scope *s, enum case_key by, const char *key,
               const struct case_visibility *v, bool lock, json_t **row)
{
    struct shape q;
    json_t *rows;
    enum result r;

    shape_init(&q, s->arena);
    case_select(&q, s);
    buf_puts(&q.text, " FROM {tenant}.cases k" CASE_JOINS);
    if (by == CASE_BY_NUMBER)
        buf_printf(&q.text, " WHERE k.number = %s", shape_param(&q, key));
    else
        buf_printf(&q.text, " WHERE k.id = %s::bigint", shape_param(&q, key));
    case_store_where_visible(&q, v);
    if (lock)
        buf_puts(&q.text, " FOR UPDATE OF k");
    if ((r = shape_rows(s, &q, &rows)) != RESULT_OK)
        return r;
    if (json_array_size(rows) != 1)
        return RESULT_NOT_FOUND;
    *row = json_array_get(rows, 0);
    return RESULT_OK;
}

enum result
case_store_update(struct scope *s, int64_t id, int version, json_t *columns)
{
    struct db_params p;
    PGresult *res;
    enum result r;
    bool updated;

    case_write_statements();
    db_params_init(&p, s->arena);
    for (size_t i = CASE_UPDATE_FROM; i < CASE_COLUMN_COUNT; i++)
        db_param_value(&p, json_object_get(columns, case_columns[i].name));
    case_bind_actor(&p, s);
    db_param_int(&p, s->now_us);
    db_param_int(&p, id);
    db_param_int(&p, version);
    if ((r = db_query(s->db, scope_schema(s), &update_statement, &p, &res)) != RESULT_OK)
        return r;
    updated = strcmp(PQcmdTuples(res), "1") == 0;
    PQclear(res);
    return updated ? RESULT_OK : RESULT_PRECONDITION_FAILED;
}

enum result
case_store_add_note(struct scope *s, int64_t case_id, const char *visibility, const char *body,
                    json_t **row)
{
    struct db_params p;
    PGresult *res;
    enum result r;

    db_params_init(&p, s->arena);
    db_param_int(&p, case_id);
    case_bind_actor(&p, s);
    db_param_text(&p, visibility);
    db_param_text(&p, body);
    db_param_int(&p, s->now_us);
    if ((r = db_query(s->db, scope_schema(s), &add_note, &p, &res)) != RESULT_OK)
        return r;
    *row = db_row_json(res, 0);
    PQclear(res);
    return RESULT_OK;
}

enum result
case_store_notes(struct scope *s, int64_t case_id, int64_t after_id, int limit, json_t **rows)
{
    struct db_params p;
    PGresult *res;
    enum result r;

    db_params_init(&p, s->arena);
    db_param_int(&p, case_id);
    db_param_int(&p, after_id);
    db_param_int(&p, limit);
    if ((r = db_query(s->db, scope_schema(s), &notes, &p, &res)) != RESULT_OK)
        return r;
    *rows = json_array();
    for (int i = 0; i < PQntuples(res); i++)
        json_array_append_new(*rows, db_row_json(res, i));
    PQclear(res);
    return RESULT_OK;
}

/* The column a sort orders by and the cursor key it writes, as text. */
struct case_sort_sql {
    const char *column;
    const char *key_cast; /* turns the cursor's key parameter into the column's type */
    const char *output;
};

static const struct case_sort_sql *
case_sort_sql(enum case_sort sort)
{
    static const struct case_sort_sql sorts[] = {
        [CASE_SORT_CREATED] = {"k.created_at", "micros",
                               "((extract(epoch FROM k.created_at) * 1000000)::bigint)::text"},
        [CASE_SORT_UPDATED] = {"k.updated_at", "micros",
                               "((extract(epoch FROM k.updated_at) * 1000000)::bigint)::text"},
        [CASE_SORT_DUE] = {"k.due_at", "micros",
                           "((extract(epoch FROM k.due_at) * 1000000)::bigint)::text"},
        [CASE_SORT_NUMBER] = {"k.number_value", "bigint", "k.number_value::text"},
    };

    return &sorts[sort <= CASE_SORT_NUMBER ? sort : CASE_SORT_CREATED];
}

/* Appends the filters of a list to a query over cases k alone. */
static void
case_list_where(struct shape *q, struct scope *s, const struct case_list_query *l)
{
    const char *tz = NULL;

    buf_puts(&q->text, " WHERE true");
    case_store_where_visible_alone(q, l->visibility);
    if (l->customer_id > 0)
        buf_printf(&q->text, " AND k.customer_id = %s::bigint",
                   shape_param_int(q, l->customer_id));
    if (l->status != NULL)
        buf_printf(&q->text, " AND k.status = %s", shape_param(q, l->status));
    if (l->priority != NULL)
        buf_printf(&q->text, " AND k.priority = %s", shape_param(q, l->priority));
    if (l->assignee_id > 0)
        buf_printf(&q->text, " AND k.assignee_id = %s::bigint",
                   shape_param_int(q, l->assignee_id));
    if (l->category != NULL)
        buf_printf(&q->text, " AND k.category = %s", shape_param(q, l->category));
    if (l->overdue >= 0)
        buf_printf(&q->text,
                   " AND %s(k.status IN " CASE_OPEN_STATUSES " AND k.due_at < " SQL_MICROS("%s")
                   ")",
                   l->overdue ? "" : "NOT ", shape_param_int(q, s->now_us));
    if (l->created_from_date != NULL || l->created_from_instant != NULL ||
        l->created_to_date != NULL || l->created_to_instant != NULL)
        tz = shape_param(q, s->tenant->time_zone);
    if (l->created_from_date != NULL)
        buf_printf(&q->text, " AND k.created_at >= (%s::date::timestamp AT TIME ZONE %s)",
                   shape_param(q, l->created_from_date), tz);
    if (l->created_from_instant != NULL)
        buf_printf(&q->text, " AND k.created_at >= %s::timestamptz",
                   shape_param(q, l->created_from_instant));
    if (l->created_to_date != NULL)
        buf_printf(&q->text,
                   " AND k.created_at < ((%s::date + 1)::timestamp AT TIME ZONE %s)",
                   shape_param(q, l->created_to_date), tz);
    if (l->created_to_instant != NULL)
        buf_printf(&q->text, " AND k.created_at < %s::timestamptz",
                   shape_param(q, l->created_to_instant));
    if (l->search_pattern != NULL)
        buf_printf(&q->text, " AND k.search_text LIKE %s ESCAPE '\\'",
                   shape_param(q, l->search_pattern));
}

enum result
case_store_list(struct scope *s, const struct case_list_query *l, json_t **rows)
{
    const struct case_sort_sql *sort = case_sort_sql(l->sort);
    const char *direction = l->descending ? "DESC" : "ASC";
    struct shape q;

    /* The inner query finds the page's ids through the indexes; only they are read in full. */
    shape_init(&q, s->arena);
    case_select(&q, s);
    buf_printf(&q.text, ", %s AS sort_key FROM (SELECT k.id FROM {tenant}.cases k",
               sort->output);
    case_list_where(&q, s, l);
    if (l->has_after) {
        const char *key = shape_param(&q, l->after_key);
        const char *id = shape_param_int(&q, l->after_id);

        if (strcmp(sort->key_cast, "micros") == 0)
            buf_printf(&q.text, " AND (%s, k.id) %s (" SQL_MICROS("%s") ", %s::bigint)",
                       sort->column, l->descending ? "<" : ">", key, id);
        else
            buf_printf(&q.text, " AND (%s, k.id) %s (%s::bigint, %s::bigint)", sort->column,
                       l->descending ? "<" : ">", key, id);
    }
    buf_printf(&q.text, " ORDER BY %s %s, k.id %s LIMIT %s) page", sort->column, direction,
               direction, shape_param_int(&q, l->limit));
    buf_printf(&q.text,
               " JOIN {tenant}.cases k ON k.id = page.id" CASE_JOINS " ORDER BY %s %s, k.id %s",
               sort->column, direction, direction);
    return shape_rows(s, &q, rows);
}

enum result
case_store_history(struct scope *s, int64_t id, bool ascending, bool has_after,
                   const char *after_key, int64_t after_id, int limit, json_t **rows)
{
    struct sql *q = ascending ? (has_after ? &history_asc_after : &history_asc)
                              : (has_after ? &history_desc_after : &history_desc);
    struct db_params p;
    PGresult *res;
    enum result r;

    db_params_init(&p, s->arena);
    db_param_text(&p, arena_printf(s->arena, "%lld", (long long)id));
    db_param_int(&p, limit);
    if (has_after) {
        db_param_text(&p, after_key);
        db_param_int(&p, after_id);
    }
    if ((r = db_query(s->db, scope_schema(s), q, &p, &res)) != RESULT_OK)
        return r;
    *rows = json_array();
    for (int i = 0; i < PQntuples(res); i++)
        json_array_append_new(*rows, db_row_json(res, i));
    PQclear(res);
    return RESULT_OK;
}
