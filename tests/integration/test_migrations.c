/* migrate --all over many tenants: a failure stays in its tenant, a rerun resumes. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/support/harness.h"

#define TENANTS 200

static char folder[] = "/tmp/lendastack-migrations-XXXXXX";

static void
write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    cr_assert(f != NULL, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

Test(migrations, failure_in_one_tenant_then_rerun_completes, .timeout = 900)
{
    char slug[TENANTS][40];
    char *out;
    char *schema;
    char copy_cmd[512];
    int status;

    cr_assert(mkdtemp(folder) != NULL);
    snprintf(copy_cmd, sizeof(copy_cmd), "cp -r %s/migrations/. %s/", th_env("LENDASTACK_REPO"), folder);
    cr_assert_eq(system(copy_cmd), 0);
    setenv("LENDASTACK_MIGRATIONS", folder, 1);

    for (int i = 0; i < TENANTS; i++) {
        snprintf(slug[i], sizeof(slug[i]), "mig%d-%d", i, (int)getpid());
        status = th_tenant_cmd(th_fmt("create %s --name 'Migration %d' --admin-email a@m%d.test",
                                      slug[i], i, i), &out);
        cr_assert_eq(status, 0, "create %s: %s", slug[i], out);
        free(out);
    }

    /* One tenant already has the table the new migration creates, so it fails there. */
    schema = th_sql_text("SELECT schema_name FROM control.tenants WHERE slug = $1", slug[77], NULL);
    th_sql_exec(th_fmt("CREATE TABLE \"%s\".migration_probe (id integer)", schema));
    write_file(th_fmt("%s/tenant/9000_migration_probe.sql", folder),
               "-- A table that exists only to test the migration runner.\n"
               "CREATE TABLE {tenant}.migration_probe (id integer);\n");

    status = th_tenant_cmd("migrate --all -j 4", &out);
    cr_assert_neq(status, 0, "a failed tenant must make the run fail:\n%s", out);
    cr_assert(strstr(out, slug[77]) != NULL, "the summary must name %s:\n%s", slug[77], out);
    cr_assert_eq(th_sql_int("SELECT count(*) FROM control.tenant_migrations m JOIN control.tenants t"
                            " ON t.id = m.tenant_id WHERE m.version = 9000 AND t.slug LIKE $1",
                            th_fmt("mig%%-%d", (int)getpid()), NULL),
                 TENANTS - 1, "%s", out);
    free(out);
    cr_assert_eq(th_sql_int("SELECT schema_version FROM control.tenants WHERE slug = $1", slug[77], NULL),
                 th_sql_int("SELECT max(version) FROM control.tenant_migrations WHERE version < 9000", NULL),
                 "the failed tenant keeps its old version");

    /* Fix the cause; the rerun migrates only what is left. */
    th_sql_exec(th_fmt("DROP TABLE \"%s\".migration_probe", schema));
    status = th_tenant_cmd("migrate --all -j 4", &out);
    cr_assert_eq(status, 0, "%s", out);
    free(out);
    cr_assert_eq(th_sql_int("SELECT count(*) FROM control.tenants t WHERE t.slug LIKE $1"
                            " AND t.schema_version = 9000", th_fmt("mig%%-%d", (int)getpid()), NULL),
                 TENANTS);

    status = th_tenant_cmd("migrate --all", &out);
    cr_assert_eq(status, 0);
    cr_assert(strstr(out, "nothing to do") != NULL, "%s", out);
    free(out);

    /* A changed file that was applied stops the run. */
    write_file(th_fmt("%s/tenant/9000_migration_probe.sql", folder),
               "CREATE TABLE {tenant}.migration_probe (id bigint);\n");
    status = th_tenant_cmd("migrate --all", &out);
    cr_assert_neq(status, 0);
    cr_assert(strstr(out, "changed after it was applied") != NULL, "%s", out);
    free(out);

    /* Leave the shared database as the real migrations describe it. */
    for (int i = 0; i < TENANTS; i++) {
        th_tenant_cmd(th_fmt("delete %s", slug[i]), NULL);
        th_tenant_cmd(th_fmt("purge %s --now", slug[i]), NULL);
    }
    free(schema);
    snprintf(copy_cmd, sizeof(copy_cmd), "rm -rf %s", folder);
    system(copy_cmd);
}
