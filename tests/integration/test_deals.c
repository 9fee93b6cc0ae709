/*
 * Deals through the API: leads-100.csv imported with a deal per row, stage
 * moves and their history with a pinned clock, exact amounts in currencies of
 * 0, 2 and 3 decimal digits, winning deals that converts a prospect once
 * (also when two wins race), lost reasons, permissions, "own" visibility and
 * tenant isolation.
 */
#include <criterion/criterion.h>
#include <csv.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/support/fixtures.h"

/* The id of a stage of the default pipeline by name. */
static long long
stage_id(struct th_client *c, const char *name)
{
    struct th_response r = th_request(c, "GET", "/api/v1/pipelines", NULL);
    json_t *stage;
    size_t i;
    long long id = 0;

    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert(json_is_true(fx_path(r.json, "items.0.is_default")));
    json_array_foreach(fx_path(r.json, "items.0.stages"), i, stage)
    {
        if (strcmp(json_string_value(json_object_get(stage, "name")), name) == 0)
            id = json_integer_value(json_object_get(stage, "id"));
    }
    th_response_free(&r);
    cr_assert(id > 0, "no stage %s", name);
    return id;
}

/* Creates a deal for the record field ("customer" or "prospect") key at now; returns its id. */
static long long
deal_new(struct th_client *c, const char *field, const char *key, const char *title,
         const char *now)
{
    struct th_response r = fx_send(c, "POST", "/api/v1/deals",
                                   json_pack("{s:s, s:s, s:I, s:s}", field, key, "title", title,
                                             "amount", (json_int_t)150000, "currency", "EUR"),
                                   now);
    long long id;

    cr_assert_eq(r.status, 201, "%s", r.body);
    id = th_json_int(&r, "id");
    th_response_free(&r);
    return id;
}

/* Moves a deal to a stage at now, with a lost reason when reason is not NULL. */
static struct th_response
deal_move(struct th_client *c, long long deal, long long stage, const char *reason,
          const char *now)
{
    json_t *body = json_pack("{s:I}", "stage_id", (json_int_t)stage);

    if (reason != NULL)
        json_object_set_new(body, "lost_reason", json_string(reason));
    return fx_send(c, "POST", th_fmt("/api/v1/deals/%lld/move", deal), body, now);
}

/* Counts the rows of leads-100.csv per Deal Stage, with libcsv. */
struct lead_rows {
    json_t *rows; /* arrays of cells */
    json_t *row;
};

static void
lead_cell(void *data, size_t len, void *user)
{
    struct lead_rows *t = user;

    if (t->row == NULL)
        t->row = json_array();
    json_array_append_new(t->row, json_stringn((const char *)data, len));
}

static void
lead_row_end(int c, void *user)
{
    struct lead_rows *t = user;

    (void)c;
    if (t->row != NULL)
        json_array_append_new(t->rows, t->row);
    t->row = NULL;
}

/* Reads tests/data/leads-100.csv: rows of cells, the header first; *text gets the bytes. */
static json_t *
leads_file(char **text, size_t *len)
{
    const char *path = th_fmt("%s/tests/data/leads-100.csv", th_env("LENDASTACK_REPO"));
    struct lead_rows t = {json_array(), NULL};
    struct csv_parser parser;
    FILE *f = fopen(path, "rb");

    cr_assert(f != NULL, "cannot open %s", path);
    *text = malloc(1 << 20);
    *len = fread(*text, 1, (1 << 20) - 1, f);
    fclose(f);
    cr_assert_eq(csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI), 0);
    cr_assert_eq(csv_parse(&parser, *text, *len, lead_cell, lead_row_end, &t), *len);
    cr_assert_eq(csv_fini(&parser, lead_cell, lead_row_end, &t), 0);
    csv_free(&parser);
    return t.rows;
}

/* The index of a header cell. */
static size_t
column(json_t *rows, const char *header)
{
    json_t *cell;
    size_t i;

    json_array_foreach(json_array_get(rows, 0), i, cell)
    {
        if (strcmp(json_string_value(cell), header) == 0)
            return i;
    }
    cr_assert_fail("no column %s", header);
    return 0;
}

static const char *
cell(json_t *rows, size_t row, size_t col)
{
    return json_string_value(json_array_get(json_array_get(rows, row), col));
}

Test(deals, leads_import_fills_the_board, .timeout = 240)
{
    struct fx_tenant f;
    struct th_client bethany;
    struct th_response r;
    json_t *rows, *counts = json_object(), *stage;
    long long bethany_id, pipeline;
    size_t i, stage_col, source_col, owner_col, notes_col, ref_col, total = 0;
    char *text;
    size_t len;

    fx_init(&f, "deal-leads", NULL);
    bethany_id = fx_user(&f, "bethany", "{\"deals.view\": \"all\"}", &bethany);
    th_sql_exec(th_fmt("UPDATE \"%s\".users SET display_name = 'Bethany Dixon' WHERE id = %lld",
                       f.tenant.schema, bethany_id));
    rows = leads_file(&text, &len);
    stage_col = column(rows, "Deal Stage");
    source_col = column(rows, "Source");
    owner_col = column(rows, "Lead Owner");
    notes_col = column(rows, "Notes");
    ref_col = column(rows, "Account Id");
    for (i = 1; i < json_array_size(rows); i++) {
        const char *name = cell(rows, i, stage_col);

        json_object_set_new(counts, name, json_integer(json_integer_value(
                                              json_object_get(counts, name)) + 1));
    }

    r = th_request_typed(&f.admin, "POST", "/api/v1/imports?target=prospects", text, len,
                         "text/csv", NULL);
    cr_assert_eq(r.status, 201, "%s", r.body);
    cr_assert_eq(th_json_int(&r, "counts.created"), 100, "%s", r.body);
    th_response_free(&r);

    r = th_request(&f.admin, "GET", "/api/v1/pipelines", NULL);
    pipeline = th_json_int(&r, "items.0.id");
    th_response_free(&r);
    r = th_request(&f.admin, "GET", th_fmt("/api/v1/pipelines/%lld/board?limit=5", pipeline),
                   NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_eq(json_array_size(json_object_get(r.json, "stages")), 10);
    json_array_foreach(json_object_get(r.json, "stages"), i, stage)
    {
        const char *name = json_string_value(json_object_get(stage, "name"));
        long long count = json_integer_value(json_object_get(stage, "count"));

        cr_assert_eq(count, json_integer_value(json_object_get(counts, name)),
                     "%s: the board has %lld deals", name, count);
        cr_assert_eq(json_array_size(json_object_get(stage, "deals")),
                     (size_t)(count < 5 ? count : 5));
        cr_assert_eq(json_is_string(json_object_get(stage, "next_cursor")), count > 5, "%s",
                     name);
        total += (size_t)count;
    }
    cr_assert_eq(total, 100);
    th_response_free(&r);

    /* Every deal's stage, source and owner come from its row; its note became an activity. */
    for (i = 1; i < json_array_size(rows); i++) {
        const char *ref = cell(rows, i, ref_col);
        char *stage_name = th_sql_text(
            th_fmt("SELECT s.name FROM \"%s\".deals d JOIN \"%s\".customers c ON c.id ="
                   " d.customer_id JOIN \"%s\".pipeline_stages s ON s.id = d.stage_id"
                   " WHERE c.external_ref = $1",
                   f.tenant.schema, f.tenant.schema, f.tenant.schema),
            ref, NULL);
        char *source = th_sql_text(th_fmt("SELECT d.source FROM \"%s\".deals d JOIN \"%s\".customers"
                                          " c ON c.id = d.customer_id WHERE c.external_ref = $1",
                                          f.tenant.schema, f.tenant.schema),
                                   ref, NULL);
        char *owner = th_sql_text(
            th_fmt("SELECT coalesce(u.display_name, d.owner_name) FROM \"%s\".deals d"
                   " JOIN \"%s\".customers c ON c.id = d.customer_id LEFT JOIN \"%s\".users u"
                   " ON u.id = d.owner_id WHERE c.external_ref = $1",
                   f.tenant.schema, f.tenant.schema, f.tenant.schema),
            ref, NULL);
        char *note = th_sql_text(th_fmt("SELECT a.details FROM \"%s\".activities a JOIN \"%s\".customers"
                                        " c ON c.id = a.customer_id WHERE c.external_ref = $1"
                                        " AND a.kind = 'note'",
                                        f.tenant.schema, f.tenant.schema),
                                 ref, NULL);

        cr_assert_str_eq(stage_name, cell(rows, i, stage_col), "row %zu", i + 1);
        cr_assert_str_eq(source, cell(rows, i, source_col), "row %zu", i + 1);
        cr_assert_str_eq(owner, cell(rows, i, owner_col), "row %zu", i + 1);
        cr_assert_str_eq(note, cell(rows, i, notes_col), "row %zu", i + 1);
        free(stage_name);
        free(source);
        free(owner);
        free(note);
    }
    cr_assert_eq(th_sql_int(th_fmt("SELECT count(*) FROM \"%s\".deals WHERE owner_id = $1",
                                   f.tenant.schema),
                            th_fmt("%lld", bethany_id), NULL),
                 1, "the one lead owner who is a user owns the deal");
    cr_assert_eq(th_sql_int(th_fmt("SELECT count(*) FROM \"%s\".customers WHERE lifecycle ="
                                   " 'customer'", f.tenant.schema), NULL),
                 0, "won leads convert nothing at import time");

    /* Undo removes the deals and notes with the prospects. */
    r = fx_send(&f.admin, "POST",
                th_fmt("/api/v1/imports/%lld/undo",
                       th_sql_int(th_fmt("SELECT max(id) FROM \"%s\".imports", f.tenant.schema),
                                  NULL)),
                NULL, NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    th_response_free(&r);
    cr_assert_eq(th_sql_int(th_fmt("SELECT count(*) FROM \"%s\".deals", f.tenant.schema), NULL),
                 0);
    cr_assert_eq(
        th_sql_int(th_fmt("SELECT count(*) FROM \"%s\".activities", f.tenant.schema), NULL), 0);
    json_decref(rows);
    json_decref(counts);
    free(text);
}

Test(deals, unknown_lead_stage_is_a_row_error)
{
    struct fx_tenant f;
    struct th_response r;
    const char *csv = "First Name,Last Name,Email 1,Deal Stage\r\n"
                      "Ada,Known,ada.known@example.com,negotiation\r\n"
                      "Bob,Unknown,bob.unknown@example.com,Maybe Later\r\n";

    fx_init(&f, "deal-badstage", NULL);
    r = th_request_typed(&f.admin, "POST", "/api/v1/imports?target=prospects", csv, strlen(csv),
                         "text/csv", NULL);
    cr_assert_eq(r.status, 201, "%s", r.body);
    cr_assert_eq(th_json_int(&r, "counts.created"), 1, "%s", r.body);
    cr_assert_eq(th_json_int(&r, "counts.invalid"), 1);
    cr_assert_eq(th_json_int(&r, "report.0.row"), 3);
    cr_assert_str_eq(th_json_str(&r, "report.0.column"), "Deal Stage");
    cr_assert_str_eq(th_json_str(&r, "report.0.rule"), "choice");
    th_response_free(&r);
    cr_assert_eq(th_sql_int(th_fmt("SELECT count(*) FROM \"%s\".deals d JOIN \"%s\".pipeline_stages"
                                   " s ON s.id = d.stage_id WHERE s.name = 'Negotiation'",
                                   f.tenant.schema, f.tenant.schema),
                            NULL),
                 1, "the stage matches without regard to case");

    r = th_request_typed(&f.admin, "POST", "/api/v1/imports?target=prospects&on_invalid=abort",
                         csv, strlen(csv), "text/csv", NULL);
    cr_assert_eq(th_json_str(&r, "status") != NULL &&
                     strcmp(th_json_str(&r, "status"), "done") == 0,
                 0, "on_invalid=abort imports nothing: %s", r.body);
    th_response_free(&r);
    cr_assert_eq(th_sql_int(th_fmt("SELECT count(*) FROM \"%s\".deals", f.tenant.schema), NULL),
                 1);
}

Test(deals, moves_record_history_and_time_in_stage)
{
    struct fx_tenant f;
    struct th_response r;
    char *reference;
    long long deal, contacted = 0, qualified, proposal;

    fx_init(&f, "deal-history", NULL);
    reference = fx_prospect(&f.admin, "Hanna", "History");
    contacted = stage_id(&f.admin, "Contacted");
    qualified = stage_id(&f.admin, "Qualified");
    proposal = stage_id(&f.admin, "Proposal Sent");
    deal = deal_new(&f.admin, "prospect", reference, "Three moves", "2026-03-02T09:00:00Z");

    r = deal_move(&f.admin, deal, contacted, NULL, "2026-03-02T10:00:00Z");
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "stage.name"), "Contacted");
    cr_assert(json_is_null(json_object_get(r.json, "conversion")));
    th_response_free(&r);
    r = deal_move(&f.admin, deal, qualified, NULL, "2026-03-02T12:00:00Z");
    cr_assert_eq(r.status, 200, "%s", r.body);
    th_response_free(&r);
    r = deal_move(&f.admin, deal, proposal, NULL, "2026-03-02T15:00:00Z");
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_eq(th_json_int(&r, "version"), 4);
    th_response_free(&r);

    r = fx_send(&f.admin, "GET", th_fmt("/api/v1/deals/%lld/history", deal), NULL,
                "2026-03-03T15:00:00Z");
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 4);
    cr_assert(json_is_null(fx_path(r.json, "items.0.from_stage")), "creation comes first");
    cr_assert_str_eq(th_json_str(&r, "items.0.to_stage.name"), "New Lead");
    cr_assert_eq(th_json_int(&r, "items.0.seconds_in_stage"), 3600);
    cr_assert_str_eq(th_json_str(&r, "items.1.from_stage.name"), "New Lead");
    cr_assert_str_eq(th_json_str(&r, "items.1.to_stage.name"), "Contacted");
    cr_assert_eq(th_json_int(&r, "items.1.seconds_in_stage"), 7200);
    cr_assert_eq(th_json_int(&r, "items.2.seconds_in_stage"), 10800);
    cr_assert_str_eq(th_json_str(&r, "items.3.to_stage.name"), "Proposal Sent");
    cr_assert_eq(th_json_int(&r, "items.3.seconds_in_stage"), 86400,
                 "the current stage counts up to the clock");
    cr_assert(json_is_true(fx_path(r.json, "items.3.current")));
    cr_assert(json_is_false(fx_path(r.json, "items.2.current")));
    cr_assert_str_eq(th_json_str(&r, "items.1.changed_by.display_name"), "Administrator");
    th_response_free(&r);

    r = fx_send(&f.admin, "GET", th_fmt("/api/v1/deals/%lld/history?limit=3", deal), NULL, NULL);
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 3);
    cr_assert(th_json_str(&r, "next_cursor") != NULL);
    th_response_free(&r);
    free(reference);
}

/* Creates a deal with amount and currency and reads it back; returns the read amount. */
static long long
round_trip(struct fx_tenant *f, const char *code, long long amount, const char *currency)
{
    struct th_response r = fx_send(&f->admin, "POST", "/api/v1/deals",
                                   json_pack("{s:s, s:s, s:I, s:s}", "customer", code, "title",
                                             "Exact", "amount", (json_int_t)amount, "currency",
                                             currency),
                                   NULL);
    long long id, got;

    cr_assert_eq(r.status, 201, "%lld %s: %s", amount, currency, r.body);
    id = th_json_int(&r, "id");
    th_response_free(&r);
    r = th_request(&f->admin, "GET", th_fmt("/api/v1/deals/%lld", id), NULL);
    cr_assert_str_eq(th_json_str(&r, "currency"), currency);
    got = th_json_int(&r, "amount");
    th_response_free(&r);
    return got;
}

/* Sends a create that must fail with 422 naming field and rule. */
static void
create_rejected(struct fx_tenant *f, json_t *body, const char *field, const char *rule)
{
    struct th_response r = fx_send(&f->admin, "POST", "/api/v1/deals", body, NULL);

    cr_assert_eq(r.status, 422, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "errors.0.field"), field, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "errors.0.rule"), rule, "%s", r.body);
    th_response_free(&r);
}

Test(deals, amounts_round_trip_exactly)
{
    struct fx_tenant f;
    struct th_response r;
    char *code, *sum;
    long long pipeline;

    fx_init(&f, "deal-amounts", "--currency EUR");
    code = fx_customer(&f.admin, "Amy", "Amount");
    cr_assert_eq(round_trip(&f, code, 99999999999999LL, "EUR"), 99999999999999LL,
                 "999,999,999,999.99 EUR");
    cr_assert_eq(round_trip(&f, code, 0, "EUR"), 0);
    cr_assert_eq(round_trip(&f, code, 999999999999LL, "JPY"), 999999999999LL);
    cr_assert_eq(round_trip(&f, code, 999999999999999LL, "KWD"), 999999999999999LL,
                 "999,999,999,999.999 KWD");
    cr_assert_eq(round_trip(&f, code, 1, "KWD"), 1);

    create_rejected(&f,
                    json_pack("{s:s, s:s, s:I, s:s}", "customer", code, "title", "Too much",
                              "amount", (json_int_t)100000000000000LL, "currency", "EUR"),
                    "amount", "range");
    create_rejected(&f,
                    json_pack("{s:s, s:s, s:I, s:s}", "customer", code, "title", "Too many yen",
                              "amount", (json_int_t)1000000000000LL, "currency", "JPY"),
                    "amount", "range");
    create_rejected(&f,
                    json_pack("{s:s, s:s, s:I, s:s}", "customer", code, "title", "Bad code",
                              "amount", (json_int_t)1, "currency", "EUX"),
                    "currency", "format");
    create_rejected(&f,
                    json_pack("{s:s, s:s, s:f}", "customer", code, "title", "Float", "amount",
                              1.5),
                    "amount", "type");

    r = fx_send(&f.admin, "POST", "/api/v1/deals",
                json_pack("{s:s, s:s}", "customer", code, "title", "Tenant currency"), NULL);
    cr_assert_str_eq(th_json_str(&r, "currency"), "EUR", "%s", r.body);
    cr_assert_eq(th_json_int(&r, "amount"), 0);
    cr_assert_str_eq(th_json_str(&r, "stage.name"), "New Lead");
    cr_assert_str_eq(th_json_str(&r, "owner.display_name"), "Administrator");
    th_response_free(&r);

    /* The board's EUR total is the exact SQL sum, beyond what a double holds. */
    round_trip(&f, code, 99999999999999LL, "EUR");
    round_trip(&f, code, 1, "EUR");
    r = th_request(&f.admin, "GET", "/api/v1/pipelines", NULL);
    pipeline = th_json_int(&r, "items.0.id");
    th_response_free(&r);
    r = th_request(&f.admin, "GET", th_fmt("/api/v1/pipelines/%lld/board", pipeline), NULL);
    sum = th_sql_text(th_fmt("SELECT sum(amount)::text FROM \"%s\".deals WHERE currency = 'EUR'",
                             f.tenant.schema),
                      NULL);
    cr_assert_str_eq(th_json_str(&r, "stages.0.totals.0.currency"), "EUR", "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "stages.0.totals.0.amount"), sum);
    cr_assert_str_eq(sum, "199999999999999");
    cr_assert_str_eq(th_json_str(&r, "stages.0.totals.0.weighted_amount"), "20000000000000",
                     "10 %% of the sum, rounded half up");
    cr_assert_str_eq(th_json_str(&r, "stages.0.totals.1.currency"), "JPY");
    cr_assert_str_eq(th_json_str(&r, "stages.0.totals.2.currency"), "KWD");
    cr_assert_str_eq(th_json_str(&r, "stages.0.totals.2.amount"), "1000000000000000");
    cr_assert_eq(th_json_int(&r, "stages.0.count"), 8);
    th_response_free(&r);
    free(sum);
    free(code);
}

/* Returns the member at path of the first timeline entry of kind, or "". */
static const char *
first_of_kind(const struct th_response *r, const char *kind, const char *path)
{
    json_t *item;
    size_t i;

    json_array_foreach(json_object_get(r->json, "items"), i, item)
    {
        if (strcmp(json_string_value(json_object_get(item, "kind")), kind) == 0)
            return json_string_value(fx_path(item, path));
    }
    return "";
}

/* A move of one deal by one client, for the race of two wins. */
struct race {
    struct th_client client;
    long long deal;
    long long stage;
    struct th_response response;
};

static void *
race_move(void *arg)
{
    struct race *m = arg;

    m->response = deal_move(&m->client, m->deal, m->stage, NULL, NULL);
    return NULL;
}

Test(deals, winning_converts_a_prospect_once, .timeout = 120)
{
    struct fx_tenant f;
    struct th_response r;
    struct race races[2];
    pthread_t threads[2];
    char *reference, *code;
    long long first, second, won, contacted;
    int converted = 0;

    fx_init(&f, "deal-convert", NULL);
    won = stage_id(&f.admin, "Closed Won");
    contacted = stage_id(&f.admin, "Contacted");
    reference = fx_prospect(&f.admin, "Wendy", "Winner");
    r = fx_send(&f.admin, "POST", th_fmt("/api/v1/prospects/%s/activities", reference),
                json_pack("{s:s, s:s, s:s}", "kind", "call", "direction", "outbound", "summary",
                          "First call"),
                "2026-04-01T09:00:00Z");
    cr_assert_eq(r.status, 201, "%s", r.body);
    th_response_free(&r);
    first = deal_new(&f.admin, "prospect", reference, "First deal", "2026-04-01T10:00:00Z");
    second = deal_new(&f.admin, "prospect", reference, "Second deal", "2026-04-01T10:30:00Z");

    r = deal_move(&f.admin, first, won, NULL, "2026-04-02T10:00:00Z");
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "status"), "won");
    cr_assert(th_json_str(&r, "won_at") != NULL);
    cr_assert(json_is_true(fx_path(r.json, "conversion.converted")), "%s", r.body);
    code = strdup(th_json_str(&r, "conversion.customer_code"));
    cr_assert_str_eq(th_json_str(&r, "customer.code"), code);
    cr_assert_str_eq(th_json_str(&r, "customer.lifecycle"), "customer");
    th_response_free(&r);

    r = deal_move(&f.admin, second, won, NULL, "2026-04-02T11:00:00Z");
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert(json_is_false(fx_path(r.json, "conversion.converted")), "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "conversion.reason"), "already_customer");
    cr_assert_str_eq(th_json_str(&r, "conversion.customer_code"), code);
    th_response_free(&r);
    cr_assert_eq(th_sql_int(th_fmt("SELECT count(*) FROM \"%s\".audit_events WHERE action ="
                                   " 'prospect.converted'", f.tenant.schema), NULL),
                 1, "a second win converts nothing");

    /* The timeline keeps the call before the conversion and the deals' stage changes. */
    r = th_request(&f.admin, "GET", th_fmt("/api/v1/customers/%s/timeline", code), NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert(fx_has(&r, "items", "kind", "conversion"), "%s", r.body);
    cr_assert(fx_has(&r, "items", "kind", "deal_won"));
    cr_assert(fx_has(&r, "items", "kind", "deal_created"));
    cr_assert(fx_has(&r, "items", "summary", "First call"));
    cr_assert_str_eq(first_of_kind(&r, "deal_won", "details.title"), "Second deal",
                     "newest first: %s", r.body);
    cr_assert_str_eq(first_of_kind(&r, "deal_created", "details.title"), "Second deal");
    cr_assert_str_eq(first_of_kind(&r, "conversion", "summary"),
                     th_fmt("Converted to customer %s", code));
    th_response_free(&r);

    /* Two deals of another prospect won at once convert it once. */
    free(reference);
    reference = fx_prospect(&f.admin, "Rachel", "Race");
    for (int i = 0; i < 2; i++) {
        races[i].client = f.admin;
        races[i].stage = won;
        races[i].deal = deal_new(&f.admin, "prospect", reference, i == 0 ? "Race A" : "Race B",
                                 NULL);
    }
    for (int i = 0; i < 2; i++)
        cr_assert_eq(pthread_create(&threads[i], NULL, race_move, &races[i]), 0);
    for (int i = 0; i < 2; i++) {
        pthread_join(threads[i], NULL);
        cr_assert_eq(races[i].response.status, 200, "%s", races[i].response.body);
        converted += json_is_true(fx_path(races[i].response.json, "conversion.converted"));
    }
    cr_assert_eq(converted, 1, "exactly one of the two wins converts: %s | %s",
                 races[0].response.body, races[1].response.body);
    for (int i = 0; i < 2; i++)
        th_response_free(&races[i].response);
    cr_assert_eq(th_sql_int(th_fmt("SELECT count(*) FROM \"%s\".audit_events WHERE action ="
                                   " 'prospect.converted'", f.tenant.schema), NULL),
                 2);

    /* Moving a won deal back and winning it again converts nothing more. */
    r = deal_move(&f.admin, first, contacted, NULL, NULL);
    cr_assert(th_json_str(&r, "won_at") == NULL, "reopening clears won_at: %s", r.body);
    th_response_free(&r);
    r = deal_move(&f.admin, first, won, NULL, NULL);
    cr_assert(json_is_false(fx_path(r.json, "conversion.converted")));
    th_response_free(&r);
    free(code);
    free(reference);
}

Test(deals, conversion_needs_permission_and_setting)
{
    struct fx_tenant f;
    struct th_client seller;
    struct th_response r;
    char *reference;
    long long deal, won;

    fx_init(&f, "deal-noconv", NULL);
    won = stage_id(&f.admin, "Closed Won");
    fx_user(&f, "sam",
            "{\"deals.view\": \"all\", \"deals.update\": \"all\", \"prospects.view\": \"all\","
            " \"customers.view\": \"all\"}",
            &seller);
    reference = fx_prospect(&f.admin, "Pat", "Permission");
    deal = deal_new(&f.admin, "prospect", reference, "Without convert", NULL);
    r = deal_move(&seller, deal, won, NULL, NULL);
    cr_assert_eq(r.status, 200, "the move succeeds: %s", r.body);
    cr_assert_str_eq(th_json_str(&r, "status"), "won");
    cr_assert(json_is_false(fx_path(r.json, "conversion.converted")));
    cr_assert_str_eq(th_json_str(&r, "conversion.reason"), "permission");
    cr_assert_str_eq(th_json_str(&r, "conversion.permission"), "prospects.convert");
    cr_assert_str_eq(th_json_str(&r, "customer.lifecycle"), "prospect");
    th_response_free(&r);

    r = fx_send(&f.admin, "PATCH", "/api/v1/settings",
                json_pack("{s:b}", "deal_win_converts_prospect", 0), NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    th_response_free(&r);
    deal = deal_new(&f.admin, "prospect", reference, "Setting off", NULL);
    r = deal_move(&f.admin, deal, won, NULL, NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "conversion.reason"), "setting_off", "%s", r.body);
    th_response_free(&r);
    free(reference);
}

Test(deals, lost_needs_reason_and_etags_guard)
{
    struct fx_tenant f;
    struct th_response r;
    char *code;
    long long deal, lost;

    fx_init(&f, "deal-lost", NULL);
    lost = stage_id(&f.admin, "Closed Lost");
    code = fx_customer(&f.admin, "Lou", "Loser");
    deal = deal_new(&f.admin, "customer", code, "Slipping away", NULL);

    r = deal_move(&f.admin, deal, lost, NULL, NULL);
    cr_assert_eq(r.status, 422, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "errors.0.field"), "lost_reason");
    cr_assert_str_eq(th_json_str(&r, "errors.0.rule"), "required");
    th_response_free(&r);

    snprintf(f.admin.if_match, sizeof(f.admin.if_match), "\"7\"");
    r = deal_move(&f.admin, deal, lost, "Chose a competitor", NULL);
    cr_assert_eq(r.status, 412, "a stale If-Match: %s", r.body);
    th_response_free(&r);
    snprintf(f.admin.if_match, sizeof(f.admin.if_match), "\"1\"");
    r = deal_move(&f.admin, deal, lost, "Chose a competitor", NULL);
    f.admin.if_match[0] = '\0';
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "status"), "lost");
    cr_assert_str_eq(th_json_str(&r, "lost_reason"), "Chose a competitor");
    cr_assert(th_json_str(&r, "closed_at") != NULL);
    th_response_free(&r);

    r = fx_send(&f.admin, "PATCH", th_fmt("/api/v1/deals/%lld", deal),
                json_pack("{s:s}", "title", "No If-Match"), NULL);
    cr_assert_eq(r.status, 428, "%s", r.body);
    th_response_free(&r);
    r = fx_patch(&f.admin, th_fmt("/api/v1/deals/%lld", deal), 1,
                 json_pack("{s:s}", "title", "Old version"), NULL);
    cr_assert_eq(r.status, 412, "%s", r.body);
    th_response_free(&r);
    r = fx_patch(&f.admin, th_fmt("/api/v1/deals/%lld", deal), 2,
                 json_pack("{s:I, s:s}", "stage_id", (json_int_t)lost, "title", "x"), NULL);
    cr_assert_eq(r.status, 422, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "errors.0.rule"), "move");
    th_response_free(&r);
    r = fx_patch(&f.admin, th_fmt("/api/v1/deals/%lld", deal), 2,
                 json_pack("{s:s, s:s}", "title", "Lost to a competitor", "priority", "high"),
                 NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_eq(th_json_int(&r, "version"), 3);
    cr_assert_str_eq(th_json_str(&r, "priority"), "high");
    th_response_free(&r);

    /* An idempotent create returns the first deal again. */
    snprintf(f.admin.idempotency_key, sizeof(f.admin.idempotency_key), "deal-key-1");
    r = fx_send(&f.admin, "POST", "/api/v1/deals",
                json_pack("{s:s, s:s}", "customer", code, "title", "Once"), NULL);
    deal = th_json_int(&r, "id");
    th_response_free(&r);
    r = fx_send(&f.admin, "POST", "/api/v1/deals",
                json_pack("{s:s, s:s}", "customer", code, "title", "Once"), NULL);
    f.admin.idempotency_key[0] = '\0';
    cr_assert_eq(r.status, 201, "%s", r.body);
    cr_assert_eq(th_json_int(&r, "id"), deal);
    th_response_free(&r);
    free(code);
}

Test(deals, permissions_visibility_and_isolation)
{
    struct fx_tenant f, other;
    struct th_client viewer, owner, outsider;
    struct th_response r;
    char *mine, *theirs, *elsewhere;
    long long owner_id, deal_of_mine, deal_owned, deal_other = 0, hidden;

    fx_init(&f, "deal-perm", NULL);
    fx_init(&other, "deal-other", NULL);
    fx_user_in_role(&f, "vera", "Viewer", &viewer);
    owner_id = fx_user(&f, "olga",
                       "{\"customers.view\": \"all\", \"prospects.view\": \"all\","
                       " \"deals.view\": \"own\", \"deals.create\": \"all\"}",
                       &owner);

    mine = fx_customer(&f.admin, "Mia", "Mine");
    theirs = fx_customer(&f.admin, "Theo", "Theirs");
    r = fx_patch(&f.admin, th_fmt("/api/v1/customers/%s", mine), 1,
                 json_pack("{s:I}", "owner_id", (json_int_t)owner_id), NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    th_response_free(&r);
    deal_of_mine = deal_new(&f.admin, "customer", mine, "Of Olga's record", NULL);
    r = fx_send(&f.admin, "POST", "/api/v1/deals",
                json_pack("{s:s, s:s, s:I}", "customer", theirs, "title", "Owned by Olga",
                          "owner_id", (json_int_t)owner_id),
                NULL);
    deal_owned = th_json_int(&r, "id");
    th_response_free(&r);
    hidden = deal_new(&f.admin, "customer", theirs, "Not Olga's", NULL);

    r = fx_send(&viewer, "POST", "/api/v1/deals",
                json_pack("{s:s, s:s}", "customer", mine, "title", "Viewer's try"), NULL);
    cr_assert_eq(r.status, 403, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "permission"), "deals.create");
    th_response_free(&r);
    r = th_request(&viewer, "GET", "/api/v1/deals", NULL);
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 3, "a Viewer reads all");
    th_response_free(&r);

    r = th_request(&owner, "GET", "/api/v1/deals", NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 2, "%s", r.body);
    th_response_free(&r);
    r = th_request(&owner, "GET", th_fmt("/api/v1/deals/%lld", deal_of_mine), NULL);
    cr_assert_eq(r.status, 200, "a deal of a record Olga owns");
    th_response_free(&r);
    r = th_request(&owner, "GET", th_fmt("/api/v1/deals/%lld", deal_owned), NULL);
    cr_assert_eq(r.status, 200, "a deal Olga owns");
    th_response_free(&r);
    r = th_request(&owner, "GET", th_fmt("/api/v1/deals/%lld", hidden), NULL);
    cr_assert_eq(r.status, 404, "%s", r.body);
    th_response_free(&r);
    r = th_request(&owner, "GET", "/api/v1/deals?owner=me", NULL);
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 1);
    th_response_free(&r);

    /* A record the actor cannot see is a field error; another tenant's deal is 404. */
    fx_user(&f, "nina", "{\"deals.create\": \"all\", \"deals.view\": \"all\"}",
            &outsider);
    r = fx_send(&outsider, "POST", "/api/v1/deals",
                json_pack("{s:s, s:s}", "customer", mine, "title", "Blind"), NULL);
    cr_assert_eq(r.status, 422, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "errors.0.field"), "customer");
    cr_assert_str_eq(th_json_str(&r, "errors.0.rule"), "not_found");
    th_response_free(&r);
    r = th_request(&outsider, "GET", "/api/v1/deals", NULL);
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 0,
                 "deals of records one cannot see never appear");
    th_response_free(&r);

    /* The other tenant's ids run past this one's, so its newest deal has no namesake here. */
    elsewhere = fx_customer(&other.admin, "Ola", "Other");
    for (int i = 0; i < 5; i++)
        deal_other = deal_new(&other.admin, "customer", elsewhere, "Elsewhere", NULL);
    cr_assert(deal_other > hidden);
    r = th_request(&f.admin, "GET", th_fmt("/api/v1/deals/%lld", deal_other), NULL);
    cr_assert_eq(r.status, 404, "%s", r.body);
    th_response_free(&r);
    r = deal_move(&f.admin, deal_other, stage_id(&f.admin, "Contacted"), NULL, NULL);
    cr_assert_eq(r.status, 404, "%s", r.body);
    th_response_free(&r);
    r = th_request(&other.admin, "GET", th_fmt("/api/v1/deals/%lld", deal_other), NULL);
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(th_json_str(&r, "title"), "Elsewhere");
    th_response_free(&r);
    free(mine);
    free(theirs);
    free(elsewhere);
}
