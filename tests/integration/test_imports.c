/*
 * CSV imports and exports through the API. The tests cover the sample files,
 * dry runs and the policies, byte-order marks and delimiters, RFC 4180 quoting
 * and invalid UTF-8. A large file is imported by the job runner while the
 * runner is stopped and restarted. Undo and exports read back with libcsv
 * complete the suite.
 */
#include <criterion/criterion.h>
#include <csv.h>
#include <ctype.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/support/harness.h"

/* A tenant with its administrator signed in. */
struct fixture {
    struct th_tenant tenant;
    struct th_client admin;
};

/* A file's bytes, NUL-terminated. */
struct blob {
    char *data;
    size_t len;
};

static void
fixture_init(struct fixture *f, const char *prefix)
{
    th_tenant_create(&f->tenant, prefix, NULL);
    th_client_init(&f->admin, &f->tenant);
    th_login_admin(&f->admin, &f->tenant);
}

static void
blob_append(struct blob *b, const void *data, size_t len)
{
    b->data = realloc(b->data, b->len + len + 1);
    cr_assert(b->data != NULL);
    memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
}

/* Reads a file of tests/data. */
static struct blob
sample(const char *name)
{
    const char *path = th_fmt("%s/tests/data/%s", th_env("LENDASTACK_REPO"), name);
    struct blob b = {NULL, 0};
    char chunk[8192];
    size_t n;
    FILE *f = fopen(path, "rb");

    cr_assert(f != NULL, "cannot open %s", path);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        blob_append(&b, chunk, n);
    fclose(f);
    return b;
}

/* Runs tests/data/generate-customers for count rows numbered from first. */
static struct blob
generated(int count, int first)
{
    struct blob b = {NULL, 0};
    char chunk[65536];
    size_t n;
    FILE *p = popen(th_fmt("%s/tests/data/generate-customers %d %d", th_env("LENDASTACK_REPO"),
                           count, first),
                    "r");

    cr_assert(p != NULL);
    while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
        blob_append(&b, chunk, n);
    cr_assert_eq(pclose(p), 0, "generate-customers failed");
    return b;
}

/* Posts a CSV body to /api/v1/imports with the query string. */
static struct th_response
import_csv(struct th_client *c, const char *query, const char *data, size_t len)
{
    return th_request_typed(c, "POST", th_fmt("/api/v1/imports?%s", query), data, len,
                            "text/csv", NULL);
}

/* Imports a body that must be imported within the request, and returns the response. */
static struct th_response
import_ok(struct th_client *c, const char *query, const struct blob *b)
{
    struct th_response r = import_csv(c, query, b->data, b->len);

    cr_assert_eq(r.status, 201, "%s: %s", query, r.body);
    cr_assert_str_eq(th_json_str(&r, "status"), "done");
    return r;
}

static long long
count_of(struct th_client *c, const char *path)
{
    struct th_response r = th_request(c, "GET", path, NULL);
    long long n;

    cr_assert_eq(r.status, 200, "%s: %s", path, r.body);
    n = th_json_int(&r, "count");
    th_response_free(&r);
    return n;
}

/* Reads one record; fails the test unless it exists. */
static struct th_response
record(struct th_client *c, const char *path)
{
    struct th_response r = th_request(c, "GET", path, NULL);

    cr_assert_eq(r.status, 200, "%s: %s", path, r.body);
    return r;
}

/* Counts the report entries of a response that have the rule. */
static size_t
report_count(const struct th_response *r, const char *rule)
{
    json_t *entry;
    size_t i, n = 0;

    json_array_foreach(json_object_get(r->json, "report"), i, entry) {
        const char *got = json_string_value(json_object_get(entry, "rule"));

        n += got != NULL && strcmp(got, rule) == 0;
    }
    return n;
}

/* Finds the report entry of a row, or NULL. */
static json_t *
report_row(const struct th_response *r, long long row)
{
    json_t *entry;
    size_t i;

    json_array_foreach(json_object_get(r->json, "report"), i, entry) {
        if (json_integer_value(json_object_get(entry, "row")) == row)
            return entry;
    }
    return NULL;
}

static const char *
entry_str(const json_t *entry, const char *key)
{
    return json_string_value(json_object_get(entry, key));
}

Test(imports, sample_files_import_once, .timeout = 300)
{
    struct fixture f;
    struct blob people = sample("customers-100.csv");
    struct blob organizations = sample("organizations-100.csv");
    struct th_response r;

    fixture_init(&f, "imp-samples");
    r = import_csv(&f.admin, "target=person_customers&dry_run=true", people.data, people.len);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_eq(th_json_int(&r, "counts.would_create"), 100);
    cr_assert_eq(th_json_int(&r, "counts.would_update"), 0);
    cr_assert_eq(th_json_int(&r, "counts.duplicates"), 0);
    cr_assert_eq(th_json_int(&r, "counts.invalid"), 0, "%s", r.body);
    cr_assert_eq(json_array_size(json_object_get(r.json, "unmapped_columns")), 0, "%s", r.body);
    th_response_free(&r);
    cr_assert_eq(count_of(&f.admin, "/api/v1/customers/count"), 0, "a dry run writes nothing");

    r = import_ok(&f.admin, "target=person_customers&file_name=customers-100.csv", &people);
    cr_assert_eq(th_json_int(&r, "counts.created"), 100, "%s", r.body);
    cr_assert_eq(th_json_int(&r, "progress.rows_done"), 100);
    cr_assert_str_eq(th_json_str(&r, "file_name"), "customers-100.csv");
    th_response_free(&r);

    r = record(&f.admin, "/api/v1/customers/CUS-000001");
    cr_assert_str_eq(th_json_str(&r, "first_name"), "Sheryl");
    cr_assert_str_eq(th_json_str(&r, "external_ref"), "DD37Cf93aecA6Dc");
    th_response_free(&r);
    r = record(&f.admin, "/api/v1/customers/CUS-000004");
    cr_assert_str_eq(th_json_str(&r, "employer"), "Dominguez, Mcmillan and Donovan");
    cr_assert_str_eq(th_json_str(&r, "phones.0.e164"), "+18086176467");
    cr_assert_str_eq(th_json_str(&r, "phones.0.label"), "Phone 1");
    cr_assert_str_eq(th_json_str(&r, "address.country"), "DO");
    cr_assert(strstr(th_json_str(&r, "notes"), "Website: http://www.good-lyons.com/") != NULL,
              "%s", th_json_str(&r, "notes"));
    cr_assert(strstr(th_json_str(&r, "notes"), "Subscription Date: 2020-06-02") != NULL);
    th_response_free(&r);

    r = import_csv(&f.admin, "target=business_customers&dry_run=true", organizations.data,
                   organizations.len);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_eq(th_json_int(&r, "counts.would_create"), 100, "%s", r.body);
    th_response_free(&r);
    r = import_ok(&f.admin, "target=business_customers", &organizations);
    cr_assert_eq(th_json_int(&r, "counts.created"), 100, "%s", r.body);
    th_response_free(&r);
    r = record(&f.admin, "/api/v1/customers/CUS-000101");
    cr_assert_str_eq(th_json_str(&r, "kind"), "business");
    cr_assert_str_eq(th_json_str(&r, "legal_name"), "Ferrell LLC");
    cr_assert_eq(th_json_int(&r, "number_of_employees"), 3498);
    cr_assert_str_eq(th_json_str(&r, "industry"), "Plastics");
    cr_assert(strstr(th_json_str(&r, "notes"), "Founded: 1990") != NULL);
    th_response_free(&r);
    r = record(&f.admin, "/api/v1/customers/CUS-000200");
    th_response_free(&r);
    r = th_request(&f.admin, "GET", "/api/v1/customers/CUS-000201", NULL);
    cr_assert_eq(r.status, 404, "exactly 200 codes were drawn");
    th_response_free(&r);

    r = import_ok(&f.admin, "target=person_customers", &people);
    cr_assert_eq(th_json_int(&r, "counts.created"), 0, "%s", r.body);
    cr_assert_eq(th_json_int(&r, "counts.duplicates"), 100);
    cr_assert_eq(report_count(&r, "duplicate"), 100);
    cr_assert_str_eq(json_string_value(json_array_get(json_object_get(report_row(&r, 2), "matches"), 0)),
                     "CUS-000001", "%s", r.body);
    th_response_free(&r);
    r = import_ok(&f.admin, "target=business_customers", &organizations);
    cr_assert_eq(th_json_int(&r, "counts.created"), 0, "%s", r.body);
    cr_assert_eq(th_json_int(&r, "counts.duplicates"), 100);
    th_response_free(&r);
    cr_assert_eq(count_of(&f.admin, "/api/v1/customers/count"), 200);
    free(people.data);
    free(organizations.data);
}

Test(imports, leads_keep_owner_source_stage_notes, .timeout = 180)
{
    struct fixture f;
    struct blob leads = sample("leads-100.csv");
    struct th_response r;
    long long role, bethany;

    fixture_init(&f, "imp-leads");
    role = th_sql_int(th_fmt("SELECT id FROM \"%s\".roles ORDER BY id LIMIT 1", f.tenant.schema), NULL);
    bethany = th_sql_int(th_fmt("INSERT INTO \"%s\".users (email, email_key, display_name, role_id,"
                                " status, password_hash) VALUES ($1, $1, $2, $3, 'active', 'unusable')"
                                " RETURNING id", f.tenant.schema),
                         th_fmt("bethany@%s.test", f.tenant.slug), "Bethany Dixon",
                         th_fmt("%lld", role), NULL);

    r = import_ok(&f.admin, "target=prospects", &leads);
    cr_assert_eq(th_json_int(&r, "counts.created"), 100, "%s", r.body);
    th_response_free(&r);
    cr_assert_eq(count_of(&f.admin, "/api/v1/prospects/count"), 100);

    r = record(&f.admin, "/api/v1/prospects/PRO-000001");
    cr_assert_eq(th_json_int(&r, "owner.id"), bethany, "the lead owner is a user: %s", r.body);
    cr_assert(json_is_null(json_object_get(r.json, "lead_owner_name")));
    cr_assert_str_eq(th_json_str(&r, "source"), "Retargeting Ads");
    cr_assert_str_eq(th_json_str(&r, "lead_stage"), "New Lead");
    cr_assert_str_eq(th_json_str(&r, "employer"), "Grimes, Madden and Huff");
    cr_assert_str_eq(th_json_str(&r, "email"), "hatkinson@mclaughlin.com");
    cr_assert(strncmp(th_json_str(&r, "notes"), "Speak own such.", 15) == 0, "%s",
              th_json_str(&r, "notes"));
    cr_assert(strstr(th_json_str(&r, "notes"), "Email 2: ygibbs@guzman.com") != NULL);
    th_response_free(&r);

    r = record(&f.admin, "/api/v1/prospects/PRO-000002");
    cr_assert_str_eq(th_json_str(&r, "lead_owner_name"), "Andres Callahan",
                     "a name no user has is kept as text");
    cr_assert_str_eq(th_json_str(&r, "owner.display_name"), "Administrator");
    cr_assert_str_eq(th_json_str(&r, "lead_stage"), "Closed Won");
    cr_assert_str_eq(th_json_str(&r, "source"), "Google Ads");
    th_response_free(&r);
    free(leads.data);
}

/* Cells of a CSV text read with libcsv: an array of rows, each an array of strings. */
struct csv_table {
    json_t *rows;
    json_t *row;
};

static void
table_cell(void *data, size_t len, void *user)
{
    struct csv_table *t = user;

    if (t->row == NULL)
        t->row = json_array();
    json_array_append_new(t->row, json_stringn((const char *)data, len));
}

static void
table_row_end(int c, void *user)
{
    struct csv_table *t = user;

    (void)c;
    if (t->row != NULL)
        json_array_append_new(t->rows, t->row);
    t->row = NULL;
}

/* Parses CSV text strictly with the delimiter; fails the test on a syntax error. */
static json_t *
csv_table(const char *data, size_t len, unsigned char delimiter)
{
    struct csv_table t = {json_array(), NULL};
    struct csv_parser parser;

    cr_assert_eq(csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI), 0);
    csv_set_delim(&parser, delimiter);
    cr_assert_eq(csv_parse(&parser, data, len, table_cell, table_row_end, &t), len, "CSV: %s",
                 csv_strerror(csv_error(&parser)));
    cr_assert_eq(csv_fini(&parser, table_cell, table_row_end, &t), 0);
    csv_free(&parser);
    return t.rows;
}

/* Writes a table as CSV with the delimiter, quoting every cell. */
static struct blob
csv_text(json_t *table, char delimiter)
{
    struct blob b = {NULL, 0};
    json_t *row, *cell;
    size_t i, k;

    json_array_foreach(table, i, row) {
        json_array_foreach(row, k, cell) {
            const char *value = json_string_value(cell);
            size_t size = 2 * strlen(value) + 2;
            char *quoted = malloc(size);

            if (k > 0)
                blob_append(&b, &delimiter, 1);
            blob_append(&b, quoted, csv_write(quoted, size, value, strlen(value)));
            free(quoted);
        }
        blob_append(&b, "\r\n", 2);
    }
    return b;
}

/* Lists a tenant's customers in code order without the members that differ between tenants. */
static json_t *
comparable_customers(struct th_client *c)
{
    struct th_response r = th_request(c, "GET", "/api/v1/customers?sort=code&limit=200", NULL);
    json_t *items = json_deep_copy(json_object_get(r.json, "items")), *item;
    size_t i;

    cr_assert_eq(r.status, 200, "%s", r.body);
    json_array_foreach(items, i, item) {
        json_object_del(item, "created_at");
        json_object_del(item, "updated_at");
    }
    th_response_free(&r);
    return items;
}

Test(imports, bom_and_semicolons_import_identically, .timeout = 300)
{
    struct fixture plain, bom, semicolon;
    struct blob people = sample("customers-100.csv");
    struct blob with_bom = {NULL, 0}, with_semicolons;
    json_t *table = csv_table(people.data, people.len, ',');
    json_t *expected, *got;
    struct th_response r;

    blob_append(&with_bom, "\xEF\xBB\xBF", 3);
    blob_append(&with_bom, people.data, people.len);
    with_semicolons = csv_text(table, ';');
    cr_assert(strchr(with_semicolons.data, ';') != NULL);

    fixture_init(&plain, "imp-plain");
    fixture_init(&bom, "imp-bom");
    fixture_init(&semicolon, "imp-semi");
    r = import_ok(&plain.admin, "target=person_customers", &people);
    th_response_free(&r);
    r = import_ok(&bom.admin, "target=person_customers", &with_bom);
    cr_assert_eq(th_json_int(&r, "counts.created"), 100, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "mapping.0.column"), "Index", "the BOM is not part of a header");
    th_response_free(&r);
    r = import_ok(&semicolon.admin, "target=person_customers", &with_semicolons);
    cr_assert_eq(th_json_int(&r, "counts.created"), 100, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "options.delimiter"), "semicolon", "the delimiter is detected");
    th_response_free(&r);

    expected = comparable_customers(&plain.admin);
    cr_assert_eq(json_array_size(expected), 100);
    got = comparable_customers(&bom.admin);
    cr_assert(json_equal(expected, got), "the file with a BOM imports differently");
    json_decref(got);
    got = comparable_customers(&semicolon.admin);
    cr_assert(json_equal(expected, got), "the file with semicolons imports differently");
    json_decref(got);
    json_decref(expected);
    json_decref(table);
    free(people.data);
    free(with_bom.data);
    free(with_semicolons.data);
}

static const char edge_file[] =
    "Index,First Name,Last Name,Email,Notes,Favourite Colour\r\n"
    "1,Anna,\"Smith, Jr.\",anna@edge.test,\"Said \"\"hi\"\"\nthen left; ok\",blue\r\n"
    "2,Bad,\xff\xfeName,bad@edge.test,,green\r\n"
    "3,Carl,Jones,not-an-email,,red\r\n"
    "4,Dora,Diaz,dora@edge.test,,\r\n";

Test(imports, quoting_encoding_and_policies, .timeout = 120)
{
    struct fixture f;
    struct th_response r;
    const char *text;
    json_t *entry;

    fixture_init(&f, "imp-edge");
    r = import_csv(&f.admin, "target=person_customers&dry_run=true", edge_file,
                   sizeof(edge_file) - 1);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_eq(th_json_int(&r, "counts.would_create"), 2, "%s", r.body);
    cr_assert_eq(th_json_int(&r, "counts.invalid"), 2);
    cr_assert_str_eq(th_json_str(&r, "unmapped_columns.0"), "Favourite Colour");
    entry = report_row(&r, 3);
    cr_assert(entry != NULL, "row 3 (invalid UTF-8) is reported: %s", r.body);
    cr_assert_str_eq(entry_str(entry, "rule"), "encoding");
    cr_assert_str_eq(entry_str(entry, "column"), "Last Name");
    entry = report_row(&r, 4);
    cr_assert(entry != NULL, "row 4 (bad email) is reported: %s", r.body);
    cr_assert_str_eq(entry_str(entry, "field"), "email");
    cr_assert_str_eq(entry_str(entry, "column"), "Email");
    cr_assert_str_eq(entry_str(entry, "rule"), "format");
    th_response_free(&r);

    r = import_csv(&f.admin, "target=person_customers&on_invalid=abort", edge_file,
                   sizeof(edge_file) - 1);
    cr_assert_eq(r.status, 422, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "code"), "import_rejected");
    cr_assert_str_eq(th_json_str(&r, "import.status"), "failed");
    cr_assert_eq(th_json_int(&r, "import.counts.invalid"), 2);
    th_response_free(&r);
    cr_assert_eq(count_of(&f.admin, "/api/v1/customers/count"), 0, "abort writes nothing");

    r = import_ok(&f.admin, "target=person_customers",
                  &(struct blob){(char *)edge_file, sizeof(edge_file) - 1});
    cr_assert_eq(th_json_int(&r, "counts.created"), 2, "%s", r.body);
    cr_assert_eq(th_json_int(&r, "counts.invalid"), 2);
    th_response_free(&r);
    r = record(&f.admin, "/api/v1/customers/CUS-000001");
    cr_assert_str_eq(th_json_str(&r, "last_name"), "Smith, Jr.");
    cr_assert_str_eq(th_json_str(&r, "notes"), "Said \"hi\"\nthen left; ok");
    th_response_free(&r);
    r = record(&f.admin, "/api/v1/customers/CUS-000002");
    cr_assert_str_eq(th_json_str(&r, "first_name"), "Dora");
    th_response_free(&r);

    text = "First\xff,Last Name\r\nA,B\r\n";
    r = import_csv(&f.admin, "target=person_customers", text, strlen(text));
    cr_assert_eq(r.status, 422, "a header that is not UTF-8: %s", r.body);
    cr_assert_str_eq(th_json_str(&r, "errors.0.rule"), "encoding");
    th_response_free(&r);
    text = "Surname,Email\r\nB,b@edge.test\r\n";
    r = import_csv(&f.admin, "target=person_customers", text, strlen(text));
    cr_assert_eq(r.status, 422, "no column gives first_name: %s", r.body);
    th_response_free(&r);
    r = import_csv(&f.admin,
                   "target=person_customers&dry_run=true&mapping=%7B%22Surname%22%3A%22last_name%22"
                   "%2C%22Given%22%3A%22first_name%22%7D",
                   "Given,Surname,Email\r\nB,C,b@edge.test\r\n",
                   strlen("Given,Surname,Email\r\nB,C,b@edge.test\r\n"));
    cr_assert_eq(r.status, 200, "an explicit mapping: %s", r.body);
    cr_assert_eq(th_json_int(&r, "counts.would_create"), 1);
    th_response_free(&r);
}

/* Returns the pid of the server's job runner: the master's child started with --jobs. */
static int
runner_pid(void)
{
    int pids[64];
    int n = th_worker_pids(pids, 64);

    for (int i = 0; i < n; i++) {
        char cmdline[512] = {0};
        FILE *f = fopen(th_fmt("/proc/%d/cmdline", pids[i]), "r");
        size_t len;

        if (f == NULL)
            continue;
        len = fread(cmdline, 1, sizeof(cmdline) - 1, f);
        fclose(f);
        for (size_t k = 0; k < len; k++)
            cmdline[k] = cmdline[k] == '\0' ? ' ' : cmdline[k];
        if (strstr(cmdline, "--jobs") != NULL)
            return pids[i];
    }
    return 0;
}

Test(imports, large_file_survives_runner_restarts, .timeout = 600)
{
    struct fixture f;
    struct blob file = generated(20000, 1);
    struct th_response r;
    char *location;
    const char *status = NULL;
    long long done = 0, done_at_stop = -1, total;
    bool hung_up = false;
    time_t start = time(NULL);

    fixture_init(&f, "imp-large");
    r = import_csv(&f.admin, "target=person_customers", file.data, file.len);
    cr_assert_eq(r.status, 202, "%s", r.body);
    cr_assert_eq(th_json_int(&r, "progress.rows_total"), 20000);
    location = th_header(&r, "Location");
    cr_assert(location != NULL);
    th_response_free(&r);

    for (;;) {
        r = th_request(&f.admin, "GET", location, NULL);
        cr_assert_eq(r.status, 200, "%s", r.body);
        status = th_json_str(&r, "status");
        done = th_json_int(&r, "progress.rows_done");
        if (strcmp(status, "done") == 0 || strcmp(status, "failed") == 0)
            break;
        th_response_free(&r);
        if (done_at_stop < 0 && done >= 500 && done < 15000) {
            int pid = runner_pid();

            cr_assert(pid > 0, "no job runner found");
            cr_assert_eq(kill(pid, SIGTERM), 0);
            done_at_stop = done;
        } else if (done_at_stop >= 0 && !hung_up && done > done_at_stop + 1000 && done < 19000) {
            /* A rolling restart replaces the runner too. */
            cr_assert_eq(kill(th_master_pid(), SIGHUP), 0);
            hung_up = true;
        }
        cr_assert(time(NULL) - start < 540, "the import did not finish: %lld rows done", done);
        usleep(20000);
    }
    cr_assert_str_eq(status, "done", "%s", r.body);
    cr_assert_geq(done_at_stop, 500, "the runner was stopped while it worked");
    total = th_json_int(&r, "counts.created");
    cr_assert_eq(total, 20000, "%s", r.body);
    cr_assert_eq(th_json_int(&r, "counts.duplicates"), 0);
    cr_assert_eq(th_json_int(&r, "counts.invalid"), 0, "%s", r.body);
    cr_assert_eq(done, 20000);
    th_response_free(&r);

    cr_assert_eq(count_of(&f.admin, "/api/v1/customers/count"), 20000);
    cr_assert_eq(th_sql_int(th_fmt("SELECT count(DISTINCT email_key) FROM \"%s\".customers",
                                   f.tenant.schema), NULL),
                 20000, "nothing was created twice");
    cr_assert_eq(th_sql_int(th_fmt("SELECT count(*) FROM \"%s\".import_records", f.tenant.schema),
                            NULL),
                 20000);
    cr_assert_eq(th_sql_int(th_fmt("SELECT count(*) FROM \"%s\".import_chunks", f.tenant.schema),
                            NULL),
                 0, "a finished import keeps no chunks");
    free(location);
    free(file.data);
}

/* Changes a customer's notes through PATCH with the current ETag. */
static void
patch_notes(struct th_client *c, const char *path, const char *notes)
{
    struct th_response r = record(c, path);
    char *etag = th_header(&r, "ETag");

    th_response_free(&r);
    snprintf(c->if_match, sizeof(c->if_match), "%s", etag);
    r = th_request(c, "PATCH", path, th_fmt("{\"notes\": \"%s\"}", notes));
    c->if_match[0] = '\0';
    cr_assert_eq(r.status, 200, "%s", r.body);
    th_response_free(&r);
    free(etag);
}

static struct th_response
undo(struct th_client *c, long long id)
{
    return th_request(c, "POST", th_fmt("/api/v1/imports/%lld/undo", id), "");
}

Test(imports, undo_until_a_record_changes, .timeout = 180)
{
    struct fixture f;
    struct blob people = sample("customers-100.csv");
    struct blob changed = {NULL, 0};
    struct th_response r;
    const char *line;
    long long first, second, third;

    fixture_init(&f, "imp-undo");
    r = import_ok(&f.admin, "target=person_customers", &people);
    first = th_json_int(&r, "id");
    th_response_free(&r);
    cr_assert_eq(count_of(&f.admin, "/api/v1/customers/count"), 100);

    r = undo(&f.admin, first);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "status"), "undone");
    cr_assert_str_eq(th_json_str(&r, "undone_by.display_name"), "Administrator");
    th_response_free(&r);
    cr_assert_eq(count_of(&f.admin, "/api/v1/customers/count"), 0, "created records are removed");
    cr_assert_eq(th_sql_int(th_fmt("SELECT count(*) FROM \"%s\".audit_events WHERE action ="
                                   " 'customer.removed'", f.tenant.schema), NULL),
                 100);
    r = undo(&f.admin, first);
    cr_assert_eq(r.status, 409, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "code"), "import_undone");
    th_response_free(&r);

    r = import_ok(&f.admin, "target=person_customers", &people);
    second = th_json_int(&r, "id");
    cr_assert_eq(th_json_int(&r, "counts.created"), 100);
    th_response_free(&r);

    /* The first two rows again, in another city: on_duplicate=update changes the records. */
    blob_append(&changed, people.data, strcspn(people.data, "\n") + 1);
    line = "1,DD37Cf93aecA6Dc,Sheryl,Baxter,Rasmussen Group,Updated City,Chile,229.077.5154,"
           "397.884.0519x718,zunigavanessa@smith.info,2020-08-24,http://www.stephenson.com/\n";
    blob_append(&changed, line, strlen(line));
    r = import_ok(&f.admin, "target=person_customers&on_duplicate=update", &changed);
    third = th_json_int(&r, "id");
    cr_assert_eq(th_json_int(&r, "counts.updated"), 1, "%s", r.body);
    th_response_free(&r);
    r = record(&f.admin, "/api/v1/customers/CUS-000101");
    cr_assert_str_eq(th_json_str(&r, "address.city"), "Updated City");
    th_response_free(&r);
    r = undo(&f.admin, third);
    cr_assert_eq(r.status, 200, "%s", r.body);
    th_response_free(&r);
    r = record(&f.admin, "/api/v1/customers/CUS-000101");
    cr_assert_str_eq(th_json_str(&r, "address.city"), "East Leonard", "the update is undone");
    th_response_free(&r);

    /* CUS-000101 changed since the second import (its update was undone), and so does CUS-000102. */
    patch_notes(&f.admin, "/api/v1/customers/CUS-000102", "changed by hand");
    r = undo(&f.admin, second);
    cr_assert_eq(r.status, 409, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "code"), "records_changed");
    cr_assert(strstr(r.body, "CUS-000102") != NULL, "the changed record is named: %s", r.body);
    th_response_free(&r);
    cr_assert_eq(count_of(&f.admin, "/api/v1/customers/count"), 100, "a refused undo removes nothing");
    free(people.data);
    free(changed.data);
}

static const char export_file[] =
    "First Name,Last Name,Email,Phone 1,City\r\n"
    "=HYPERLINK(\"x\"),Formula,formula@export.test,,\"Oslo, Norway\"\r\n"
    "-minus,Dash,dash@export.test,,\r\n"
    "@at,Sign,at@export.test,,\r\n"
    "Lena,\"Voss \"\"Quoted\"\"\",lena@export.test,+44 20 7946 0123,\r\n"
    "Archie,Ved,archie@export.test,,\r\n";

/* What an export cell holds for a value: a single quote before a formula. */
static const char *
neutralised(const char *value)
{
    if (value == NULL)
        return "";
    if (value[0] != '\0' && strchr("=+-@\t\r", value[0]) != NULL)
        return th_fmt("'%s", value);
    return value;
}

static json_t *
export_table(struct th_client *c, const char *path, long status)
{
    struct th_response r = th_request(c, "GET", path, NULL);
    json_t *table;

    cr_assert_eq(r.status, status, "%s: %s", path, r.body);
    table = csv_table(r.body, r.length, ',');
    th_response_free(&r);
    return table;
}

static int
column_index(json_t *table, const char *name)
{
    json_t *header = json_array_get(table, 0), *cell;
    size_t i;

    json_array_foreach(header, i, cell) {
        if (strcmp(json_string_value(cell), name) == 0)
            return (int)i;
    }
    cr_assert_fail("no column %s", name);
    return -1;
}

static const char *
cell(json_t *table, size_t row, const char *column)
{
    return json_string_value(json_array_get(json_array_get(table, row), (size_t)column_index(table, column)));
}

Test(imports, export_filters_neutralises_round_trips, .timeout = 120)
{
    struct fixture f;
    struct th_response r;
    json_t *table;
    char *type;

    fixture_init(&f, "imp-export");
    r = import_ok(&f.admin, "target=person_customers",
                  &(struct blob){(char *)export_file, sizeof(export_file) - 1});
    cr_assert_eq(th_json_int(&r, "counts.created"), 5, "%s", r.body);
    th_response_free(&r);
    r = th_request(&f.admin, "POST", "/api/v1/customers/CUS-000005/archive", "");
    cr_assert_eq(r.status, 200, "%s", r.body);
    th_response_free(&r);

    r = th_request(&f.admin, "GET", "/api/v1/customers/export.csv", NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    type = th_header(&r, "Content-Type");
    cr_assert(type != NULL && strncmp(type, "text/csv", 8) == 0, "%s", type);
    cr_assert(strncmp(r.body, "\xEF\xBB\xBF", 3) != 0, "no BOM unless asked");
    free(type);
    th_response_free(&r);

    table = export_table(&f.admin, "/api/v1/customers/export.csv", 200);
    cr_assert_eq(json_array_size(table), 5, "a header and four records; the archived one is left out");
    for (size_t row = 1; row < json_array_size(table); row++) {
        struct th_response rec = record(&f.admin, th_fmt("/api/v1/customers/%s", cell(table, row, "Code")));

        cr_assert_str_eq(cell(table, row, "Code"), th_fmt("CUS-%06zu", row), "code order");
        cr_assert_str_eq(cell(table, row, "First Name"), neutralised(th_json_str(&rec, "first_name")));
        cr_assert_str_eq(cell(table, row, "Last Name"), neutralised(th_json_str(&rec, "last_name")));
        cr_assert_str_eq(cell(table, row, "Name"), neutralised(th_json_str(&rec, "display_name")));
        cr_assert_str_eq(cell(table, row, "Email"), neutralised(th_json_str(&rec, "email")));
        cr_assert_str_eq(cell(table, row, "Phone 1"), neutralised(th_json_str(&rec, "phones.0.number")));
        cr_assert_str_eq(cell(table, row, "City"), neutralised(th_json_str(&rec, "address.city")));
        cr_assert_str_eq(cell(table, row, "Owner"), "Administrator");
        cr_assert_str_eq(cell(table, row, "Created At"), th_json_str(&rec, "created_at"));
        th_response_free(&rec);
    }
    cr_assert_str_eq(cell(table, 1, "First Name"), "'=HYPERLINK(\"x\")");
    cr_assert_str_eq(cell(table, 1, "City"), "Oslo, Norway");
    cr_assert_str_eq(cell(table, 2, "First Name"), "'-minus");
    cr_assert_str_eq(cell(table, 3, "First Name"), "'@at");
    cr_assert_str_eq(cell(table, 4, "Last Name"), "Voss \"Quoted\"");
    cr_assert_str_eq(cell(table, 4, "Phone 1"), "'+44 20 7946 0123");
    json_decref(table);

    table = export_table(&f.admin, "/api/v1/customers/export.csv?q=voss", 200);
    cr_assert_eq(json_array_size(table), 2, "the search filter applies");
    cr_assert_str_eq(cell(table, 1, "Code"), "CUS-000004");
    json_decref(table);
    table = export_table(&f.admin, "/api/v1/customers/export.csv?kind=business", 200);
    cr_assert_eq(json_array_size(table), 1, "the kind filter applies");
    json_decref(table);
    table = export_table(&f.admin, "/api/v1/customers/export.csv?include_archived=true", 200);
    cr_assert_eq(json_array_size(table), 6, "include_archived brings the archived record");
    cr_assert_str_eq(cell(table, 5, "Code"), "CUS-000005");
    cr_assert(strlen(cell(table, 5, "Archived At")) > 0);
    json_decref(table);

    r = th_request(&f.admin, "GET", "/api/v1/customers/export.csv?bom=true", NULL);
    cr_assert_eq(r.status, 200);
    cr_assert(strncmp(r.body, "\xEF\xBB\xBF\"Code\"", 9) == 0, "a BOM when asked");
    th_response_free(&r);
    r = th_request(&f.admin, "GET", "/api/v1/customers/export.csv?sort=name", NULL);
    cr_assert_eq(r.status, 400, "unknown parameters are rejected: %s", r.body);
    th_response_free(&r);
    table = export_table(&f.admin, "/api/v1/prospects/export.csv", 200);
    cr_assert_eq(json_array_size(table), 1, "no prospects: the header only");
    json_decref(table);
}
