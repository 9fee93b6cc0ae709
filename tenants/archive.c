#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "core/json.h"
#include "tenant/host.h"
#include "tenants/archive.h"
#include "tenants/migrate.h"
#include "tenants/provision.h"
#include "tenants/slug.h"

#define ARCHIVE_MAGIC "LENDASTACK-TENANT-EXPORT 1"
#define ARCHIVE_LINE_MAX (1 << 24)

/* Rows that belong to one installation's running state, not to the tenant's data:
 * sign-in sessions, one-time links and remembered create responses. */
static const char *const archive_skipped[] = {"sessions", "one_time_tokens", "idempotency_keys", NULL};

static struct sql schema_tables = SQL_STATEMENT(
    "SELECT c.relname FROM pg_catalog.pg_class c"
    " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
    " WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') ORDER BY c.relname");
static struct sql schema_references = SQL_STATEMENT(
    "SELECT src.relname, dst.relname FROM pg_catalog.pg_constraint k"
    " JOIN pg_catalog.pg_class src ON src.oid = k.conrelid"
    " JOIN pg_catalog.pg_class dst ON dst.oid = k.confrelid"
    " JOIN pg_catalog.pg_namespace n ON n.oid = src.relnamespace"
    " WHERE k.contype = 'f' AND n.nspname = $1 AND dst.relnamespace = src.relnamespace"
    " AND src.oid <> dst.oid");
static struct sql schema_sequences = SQL_STATEMENT(
    "SELECT sequencename, last_value FROM pg_catalog.pg_sequences"
    " WHERE schemaname = $1 AND last_value IS NOT NULL ORDER BY sequencename");
static struct sql tenant_domains = SQL_STATEMENT(
    "SELECT hostname FROM control.domains WHERE tenant_id = $1 AND kind = 'custom' ORDER BY hostname");
static struct sql tenant_prefixes = SQL_STATEMENT(
    "UPDATE control.tenants SET prospect_prefix = $2, case_prefix = $3 WHERE id = $1");

static bool
archive_skip(const char *table)
{
    for (size_t i = 0; archive_skipped[i] != NULL; i++) {
        if (strcmp(archive_skipped[i], table) == 0)
            return true;
    }
    return false;
}

/*
 * Orders tables so that every table comes after the tables it references, so the
 * rows load with foreign keys checked. Returns a JSON array of names.
 */
static json_t *
archive_table_order(PGresult *tables, PGresult *refs)
{
    int n = PQntuples(tables);
    json_t *order = json_array();
    bool *placed = calloc((size_t)n, sizeof(bool));
    int count = 0;

    while (count < n) {
        bool progress = false;

        for (int i = 0; i < n; i++) {
            const char *name = PQgetvalue(tables, i, 0);
            bool ready = true;

            if (placed[i])
                continue;
            for (int r = 0; r < PQntuples(refs) && ready; r++) {
                if (strcmp(PQgetvalue(refs, r, 0), name) != 0)
                    continue;
                for (int k = 0; k < n; k++) {
                    if (!placed[k] && strcmp(PQgetvalue(tables, k, 0), PQgetvalue(refs, r, 1)) == 0)
                        ready = false;
                }
            }
            if (ready) {
                placed[i] = true;
                count++;
                progress = true;
                json_array_append_new(order, json_string(name));
            }
        }
        if (!progress)
            break; /* a reference cycle: the caller reports it */
    }
    free(placed);
    return count == n ? order : NULL;
}

static bool
archive_copy_out(struct tool *t, gzFile out, const char *schema_ident, const char *table,
                 long long *rows)
{
    PGconn *conn = db_conn(t->db);
    char *sql = arena_printf(&t->arena, "COPY %s.\"%s\" TO STDOUT", schema_ident, table);
    PGresult *res = PQexec(conn, sql);
    char *data;
    int len;

    if (PQresultStatus(res) != PGRES_COPY_OUT) {
        fprintf(stderr, "error: cannot read table %s: %s", table, PQerrorMessage(conn));
        PQclear(res);
        return false;
    }
    PQclear(res);
    gzprintf(out, "TABLE %s\n", table);
    while ((len = PQgetCopyData(conn, &data, 0)) > 0) {
        gzwrite(out, data, (unsigned)len);
        PQfreemem(data);
        (*rows)++;
    }
    gzputs(out, "\\.\n");
    res = PQgetResult(conn);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        fprintf(stderr, "error: reading table %s failed: %s", table, PQerrorMessage(conn));
        PQclear(res);
        return false;
    }
    PQclear(res);
    return true;
}

int
archive_export(struct tool *t, int argc, char **argv)
{
    struct tenant tenant;
    struct db_params p;
    PGresult *tables = NULL, *refs = NULL, *sequences = NULL, *domains = NULL;
    json_t *manifest, *order, *list;
    const char *path;
    long long rows = 0;
    gzFile out;
    size_t i;
    json_t *name;

    if (argc < 1 || argc > 2) {
        fprintf(stderr, "usage: tenant export SLUG [FILE]   (FILE defaults to SLUG.tenant.gz)\n");
        return 2;
    }
    if (!provision_find(t, argv[0], &tenant))
        return 1;
    path = argc == 2 ? argv[1] : arena_printf(&t->arena, "%s.tenant.gz", tenant.slug);

    /* One snapshot for every table, so the file is consistent while the tenant works. */
    if (db_exec(t->db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") != RESULT_OK)
        return tool_fail("cannot start a snapshot: %s", db_error_message(t->db));
    db_params_init(&p, &t->arena);
    db_param_text(&p, tenant.schema_name);
    if (db_query(t->db, NULL, &schema_tables, &p, &tables) != RESULT_OK ||
        db_query(t->db, NULL, &schema_references, &p, &refs) != RESULT_OK ||
        db_query(t->db, NULL, &schema_sequences, &p, &sequences) != RESULT_OK) {
        db_exec(t->db, "ROLLBACK");
        return tool_fail("cannot read the schema: %s", db_error_message(t->db));
    }
    db_params_init(&p, &t->arena);
    db_param_int(&p, tenant.id);
    if (db_query(t->db, NULL, &tenant_domains, &p, &domains) != RESULT_OK) {
        db_exec(t->db, "ROLLBACK");
        return tool_fail("cannot read the domains: %s", db_error_message(t->db));
    }
    order = archive_table_order(tables, refs);
    if (order == NULL) {
        db_exec(t->db, "ROLLBACK");
        return tool_fail("the tables of %s reference each other in a cycle; cannot order them",
                         tenant.schema_name);
    }

    manifest = json_object();
    json_object_set_new(manifest, "slug", json_string(tenant.slug));
    json_object_set_new(manifest, "name", json_string(tenant.display_name));
    json_object_set_new(manifest, "code_prefix", json_string(tenant.code_prefix));
    json_object_set_new(manifest, "prospect_prefix", json_string(tenant.prospect_prefix));
    json_object_set_new(manifest, "case_prefix", json_string(tenant.case_prefix));
    json_object_set_new(manifest, "time_zone", json_string(tenant.time_zone));
    json_object_set_new(manifest, "currency", json_string(tenant.currency));
    json_object_set_new(manifest, "country", json_string(tenant.country));
    json_object_set_new(manifest, "schema_version", json_integer(tenant.schema.version));
    list = json_array();
    for (int r = 0; r < PQntuples(domains); r++)
        json_array_append_new(list, json_string(PQgetvalue(domains, r, 0)));
    json_object_set_new(manifest, "domains", list);
    list = json_object();
    for (int r = 0; r < PQntuples(sequences); r++)
        json_object_set_new(list, PQgetvalue(sequences, r, 0),
                            json_integer(atoll(PQgetvalue(sequences, r, 1))));
    json_object_set_new(manifest, "sequences", list);
    json_object_set_new(manifest, "tables", order);
    PQclear(tables);
    PQclear(refs);
    PQclear(sequences);
    PQclear(domains);

    out = strcmp(path, "-") == 0 ? gzdopen(1, "wb6") : gzopen(path, "wb6");
    if (out == NULL) {
        db_exec(t->db, "ROLLBACK");
        return tool_fail("cannot write %s", path);
    }
    gzprintf(out, "%s\n%s\n", ARCHIVE_MAGIC, json_dumps(manifest, JSON_COMPACT));
    json_array_foreach(order, i, name) {
        if (archive_skip(json_string_value(name)))
            continue;
        if (!archive_copy_out(t, out, tenant.schema_ident, json_string_value(name), &rows)) {
            gzclose(out);
            db_exec(t->db, "ROLLBACK");
            return 1;
        }
    }
    db_exec(t->db, "COMMIT");
    if (gzclose(out) != Z_OK)
        return tool_fail("writing %s failed", path);
    if (strcmp(path, "-") != 0)
        fprintf(stderr, "exported tenant %s (schema version %d): %lld rows to %s\n", tenant.slug,
                tenant.schema.version, rows, path);
    return 0;
}

/* Reads one line of any length up to ARCHIVE_LINE_MAX; NULL at the end. */
static char *
archive_line(struct arena *a, gzFile in, size_t *len)
{
    struct buf b;
    char chunk[65536];

    buf_init(&b, a, 256);
    while (gzgets(in, chunk, sizeof(chunk)) != NULL) {
        buf_puts(&b, chunk);
        if (b.len > 0 && b.data[b.len - 1] == '\n')
            break;
        if (b.len > ARCHIVE_LINE_MAX)
            return NULL;
    }
    *len = b.len;
    return b.len > 0 ? b.data : NULL;
}

static bool
archive_copy_in(struct tool *t, gzFile in, const char *schema_ident, const char *table,
                long long *rows)
{
    PGconn *conn = db_conn(t->db);
    char *sql = arena_printf(&t->scratch, "COPY %s.\"%s\" FROM STDIN", schema_ident, table);
    PGresult *res = PQexec(conn, sql);
    char line[65536];
    bool line_start = true, ok = true;

    if (PQresultStatus(res) != PGRES_COPY_IN) {
        fprintf(stderr, "error: cannot load table %s: %s", table, PQerrorMessage(conn));
        PQclear(res);
        return false;
    }
    PQclear(res);
    for (;;) {
        size_t n;

        if (gzgets(in, line, sizeof(line)) == NULL) {
            fprintf(stderr, "error: the file ends inside table %s\n", table);
            ok = false;
            break;
        }
        n = strlen(line);
        if (line_start && strcmp(line, "\\.\n") == 0)
            break;
        if (line_start)
            (*rows)++;
        line_start = n > 0 && line[n - 1] == '\n';
        if (PQputCopyData(conn, line, (int)n) != 1) {
            ok = false;
            break;
        }
    }
    PQputCopyEnd(conn, ok ? NULL : "archive ended early");
    res = PQgetResult(conn);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        fprintf(stderr, "error: loading table %s failed: %s", table, PQerrorMessage(conn));
        ok = false;
    }
    PQclear(res);
    return ok;
}

/* Empties every table of a freshly migrated schema: seeds give way to the archive's rows. */
static bool
archive_truncate(struct tool *t, const struct tenant *tenant, json_t *order)
{
    struct buf b;
    size_t i;
    json_t *name;

    buf_init(&b, &t->arena, 1024);
    buf_puts(&b, "TRUNCATE ");
    json_array_foreach(order, i, name) {
        buf_printf(&b, "%s%s.\"%s\"", i > 0 ? ", " : "", tenant->schema_ident, json_string_value(name));
    }
    buf_puts(&b, " RESTART IDENTITY CASCADE");
    return db_exec(t->db, b.data) == RESULT_OK;
}

static bool
archive_set_sequences(struct tool *t, const struct tenant *tenant, json_t *sequences)
{
    const char *name;
    json_t *value;

    json_object_foreach(sequences, name, value) {
        char *sql = arena_printf(&t->arena, "SELECT pg_catalog.setval('%s.\"%s\"', %lld, true)",
                                 tenant->schema_ident, name, (long long)json_integer_value(value));

        if (strchr(name, '"') != NULL || strchr(name, '\'') != NULL || db_exec(t->db, sql) != RESULT_OK)
            return false;
    }
    return true;
}

int
archive_import(struct tool *t, int argc, char **argv)
{
    const char *path = NULL, *slug = NULL;
    struct provision_spec spec;
    struct migration_set set;
    struct tenant tenant;
    struct db_params p;
    json_t *manifest, *order;
    char *line;
    char why[256];
    size_t len;
    long long rows = 0;
    int version;
    gzFile in;

    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--slug") == 0 && i + 1 < argc)
            slug = argv[++i];
        else if (path == NULL && argv[i][0] != '-')
            path = argv[i];
        else {
            fprintf(stderr, "usage: tenant import FILE [--slug NEW]\n");
            return 2;
        }
    }
    if (path == NULL) {
        fprintf(stderr, "usage: tenant import FILE [--slug NEW]\n");
        return 2;
    }
    if ((in = gzopen(path, "rb")) == NULL)
        return tool_fail("cannot open %s", path);
    line = archive_line(&t->arena, in, &len);
    if (line == NULL || strcmp(line, ARCHIVE_MAGIC "\n") != 0) {
        gzclose(in);
        return tool_fail("%s is not a tenant export (the first line is not \"%s\")", path, ARCHIVE_MAGIC);
    }
    line = archive_line(&t->arena, in, &len);
    manifest = line != NULL ? json_loads(line, 0, NULL) : NULL;
    if (!json_is_object(manifest) || json_str(manifest, "slug") == NULL ||
        !json_is_array(json_object_get(manifest, "tables"))) {
        gzclose(in);
        return tool_fail("%s has no readable manifest on its second line", path);
    }
    if (slug == NULL)
        slug = json_str(manifest, "slug");
    if (!slug_valid(slug, why, sizeof(why))) {
        gzclose(in);
        return tool_fail("%s", why);
    }
    version = (int)json_int(manifest, "schema_version", 0);
    if (!migration_load(&t->arena, arena_printf(&t->arena, "%s/tenant", t->migrations), &set)) {
        gzclose(in);
        return 1;
    }
    if (set.count == 0 || set.items[set.count - 1].version < version) {
        gzclose(in);
        return tool_fail("the export is at schema version %d, newer than this installation's "
                         "migrations; upgrade first", version);
    }

    spec.slug = slug;
    spec.name = json_str(manifest, "name");
    spec.code_prefix = json_str(manifest, "code_prefix");
    spec.time_zone = json_str(manifest, "time_zone");
    spec.currency = json_str(manifest, "currency");
    spec.country = json_str(manifest, "country");
    spec.domain = NULL; /* custom domains stay with the original tenant */
    order = json_object_get(manifest, "tables");

    if (db_begin(t->db) != RESULT_OK) {
        gzclose(in);
        return tool_fail("cannot start a transaction: %s", db_error_message(t->db));
    }
    if (!provision_begin(t, &spec, &tenant) ||
        !migrate_new_tenant_range(t, &set, tenant.id, tenant.schema_ident, 0, version) ||
        !archive_truncate(t, &tenant, order))
        goto fail;
    while ((line = archive_line(&t->scratch, in, &len)) != NULL) {
        char *table;

        if (strncmp(line, "TABLE ", 6) != 0 || len < 8) {
            fprintf(stderr, "error: unexpected line in %s: %.40s\n", path, line);
            goto fail;
        }
        line[len - 1] = '\0';
        table = line + 6;
        if (strchr(table, '"') != NULL || archive_skip(table)) {
            fprintf(stderr, "error: %s names a table that cannot be loaded: %s\n", path, table);
            goto fail;
        }
        if (!archive_copy_in(t, in, tenant.schema_ident, table, &rows))
            goto fail;
        arena_reset(&t->scratch);
    }
    db_params_init(&p, &t->arena);
    db_param_int(&p, tenant.id);
    db_param_text(&p, json_str(manifest, "prospect_prefix"));
    db_param_text(&p, json_str(manifest, "case_prefix"));
    if (!archive_set_sequences(t, &tenant, json_object_get(manifest, "sequences")) ||
        db_query(t->db, NULL, &tenant_prefixes, &p, NULL) != RESULT_OK ||
        !migrate_new_tenant_range(t, &set, tenant.id, tenant.schema_ident, version, 0) ||
        db_commit(t->db) != RESULT_OK)
        goto fail;
    gzclose(in);
    {
        char host[HOST_MAX + 1];
        const char *hosts[1] = {host};

        snprintf(host, sizeof(host), "%s.%s", slug, t->base_domain);
        tool_tenants_changed(t, hosts, 1);
    }
    printf("imported tenant %s into schema %s: %lld rows\n", slug, tenant.schema_name, rows);
    return 0;

fail:
    if (db_error_message(t->db)[0] != '\0')
        fprintf(stderr, "error: %s\n", db_error_message(t->db));
    db_rollback(t->db);
    gzclose(in);
    fprintf(stderr, "nothing was imported\n");
    return 1;
}
