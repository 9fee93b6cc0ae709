/* Tenants: provisioning, resolution by host, lifecycle, migrations, isolation. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/support/harness.h"

Test(tenancy, created_tenant_is_listed_and_reachable)
{
    struct th_tenant t;
    struct th_client c;
    struct th_response r;
    char *listed;

    th_tenant_create(&t, "acme", NULL);
    cr_assert_eq(th_tenant_cmd("list", &listed), 0);
    cr_assert(strstr(listed, t.slug) != NULL, "list does not show %s:\n%s", t.slug, listed);
    free(listed);

    th_client_init(&c, &t);
    th_login_admin(&c, &t);
    r = th_request(&c, "GET", "/api/v1/auth/me", NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "tenant.slug"), t.slug);
    th_response_free(&r);
}

Test(tenancy, unknown_host_is_404_json)
{
    struct th_client c = {.host = "nope.localhost"};
    struct th_response r = th_request(&c, "GET", "/api/v1/auth/me", NULL);

    cr_assert_eq(r.status, 404);
    cr_assert_str_eq(th_json_str(&r, "code"), "tenant_not_found");
    th_response_free(&r);
}

Test(tenancy, host_variants_reach_the_same_tenant)
{
    struct th_tenant t;
    struct th_client c;
    const char *variants[] = {"%s", "%s.", "%s:8080"};

    th_tenant_create(&t, "host", NULL);
    th_client_init(&c, &t);
    th_login_admin(&c, &t);
    for (size_t i = 0; i < 3; i++) {
        struct th_response r;
        char upper[160];

        snprintf(upper, sizeof(upper), variants[i], t.host);
        for (char *p = upper; *p != '\0'; p++)
            *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
        snprintf(c.host, sizeof(c.host), "%s", upper);
        r = th_request(&c, "GET", "/api/v1/auth/me", NULL);
        cr_assert_eq(r.status, 200, "Host %s: %s", upper, r.body);
        th_response_free(&r);
    }
}

Test(tenancy, forwarded_host_is_ignored)
{
    struct th_tenant t;
    struct th_client c;
    struct th_response r;
    const char *forwarded[] = {NULL, NULL};
    char header[200];

    th_tenant_create(&t, "fwd", NULL);
    snprintf(header, sizeof(header), "X-Forwarded-Host: %s", t.host);
    forwarded[0] = header;
    memset(&c, 0, sizeof(c));
    snprintf(c.host, sizeof(c.host), "nope.localhost");
    r = th_request_typed(&c, "GET", "/api/v1/auth/me", NULL, 0, NULL, forwarded);
    cr_assert_eq(r.status, 404, "%s", r.body);
    th_response_free(&r);
}

Test(tenancy, suspend_answers_403_and_resume_restores)
{
    struct th_tenant t;
    struct th_client c;
    struct th_response r;

    th_tenant_create(&t, "susp", NULL);
    th_client_init(&c, &t);
    th_login_admin(&c, &t);
    cr_assert_eq(th_tenant_cmd(th_fmt("suspend %s", t.slug), NULL), 0);
    r = th_request(&c, "GET", "/api/v1/auth/me", NULL);
    cr_assert_eq(r.status, 403, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "code"), "tenant_suspended");
    th_response_free(&r);

    cr_assert_eq(th_tenant_cmd(th_fmt("resume %s", t.slug), NULL), 0);
    r = th_request(&c, "GET", "/api/v1/auth/me", NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    th_response_free(&r);
}

Test(tenancy, deleted_tenant_is_404_at_once_and_purge_removes_schema)
{
    struct th_tenant t;
    struct th_client c;
    struct th_response r;

    th_tenant_create(&t, "gone", NULL);
    th_client_init(&c, &t);
    th_login_admin(&c, &t);
    cr_assert_eq(th_tenant_cmd(th_fmt("delete %s", t.slug), NULL), 0);
    r = th_request(&c, "GET", "/api/v1/auth/me", NULL);
    cr_assert_eq(r.status, 404, "%s", r.body);
    th_response_free(&r);
    cr_assert_neq(th_tenant_cmd(th_fmt("purge %s", t.slug), NULL), 0, "purge within the grace period needs --now");
    cr_assert_eq(th_tenant_cmd(th_fmt("purge %s --now", t.slug), NULL), 0);
    cr_assert_eq(th_sql_int("SELECT count(*) FROM pg_namespace WHERE nspname = $1", t.schema, NULL), 0);
    cr_assert_eq(th_sql_int("SELECT count(*) FROM control.tenants WHERE slug = $1", t.slug, NULL), 0);
}

Test(tenancy, invalid_slugs_are_rejected_with_reasons)
{
    char *out;

    cr_assert_eq(th_tenant_cmd("create www --name X --admin-email a@b.cd", &out), 1);
    cr_assert(strstr(out, "reserved") != NULL, "%s", out);
    free(out);
    cr_assert_eq(th_tenant_cmd("create Bad_Slug --name X --admin-email a@b.cd", &out), 1);
    cr_assert(strstr(out, "lower-case") != NULL, "%s", out);
    free(out);
}

Test(tenancy, duplicate_slug_is_rejected)
{
    struct th_tenant t;
    char *out;

    th_tenant_create(&t, "dup", NULL);
    cr_assert_eq(th_tenant_cmd(th_fmt("create %s --name X --admin-email a@b.cd", t.slug), &out), 1);
    cr_assert(strstr(out, "exists already") != NULL, "%s", out);
    free(out);
}

Test(tenancy, failed_create_leaves_nothing)
{
    struct th_tenant t;
    char *out;
    char slug[80];

    /* The custom domain is taken, so create fails after inserting the tenant row. */
    th_tenant_create(&t, "owner", NULL);
    cr_assert_eq(th_tenant_cmd(th_fmt("add-domain %s crm.%s.test", t.slug, t.slug), NULL), 0);
    snprintf(slug, sizeof(slug), "x%s", t.slug);
    cr_assert_eq(th_tenant_cmd(th_fmt("create %s --name X --admin-email a@b.cd --domain crm.%s.test",
                                      slug, t.slug), &out), 1);
    cr_assert(strstr(out, "nothing was created") != NULL, "%s", out);
    free(out);
    /* Other tests create tenants at the same time, so only this slug is counted. */
    cr_assert_eq(th_sql_int("SELECT count(*) FROM control.tenants WHERE slug = $1", slug, NULL), 0);
    cr_assert_eq(th_sql_int("SELECT count(*) FROM control.domains WHERE hostname LIKE $1",
                            th_fmt("%s.%%", slug), NULL), 0);
    cr_assert_eq(th_sql_int("SELECT count(*) FROM pg_namespace n WHERE NOT EXISTS"
                            " (SELECT 1 FROM control.tenants t WHERE t.schema_name = n.nspname)"
                            " AND n.nspname LIKE 'tenant\\_%'", NULL), 0);
}

Test(tenancy, session_cookie_of_one_tenant_is_401_on_another)
{
    struct th_tenant a, b;
    struct th_client ca, cb;
    struct th_response r;

    th_tenant_create(&a, "iso-a", NULL);
    th_tenant_create(&b, "iso-b", NULL);
    th_client_init(&ca, &a);
    th_login_admin(&ca, &a);
    th_client_init(&cb, &b);
    memcpy(cb.cookie, ca.cookie, sizeof(cb.cookie));
    memcpy(cb.csrf, ca.csrf, sizeof(cb.csrf));
    r = th_request(&cb, "GET", "/api/v1/auth/me", NULL);
    cr_assert_eq(r.status, 401, "%s", r.body);
    th_response_free(&r);
}

Test(tenancy, catalog_keeps_tenants_apart)
{
    struct th_tenant a, b;

    th_tenant_create(&a, "cat-a", NULL);
    th_tenant_create(&b, "cat-b", NULL);
    /* No foreign key leaves a tenant schema or points from a shared schema into one. */
    cr_assert_eq(th_sql_int(
        "SELECT count(*) FROM pg_constraint k"
        " JOIN pg_class src ON src.oid = k.conrelid JOIN pg_namespace sn ON sn.oid = src.relnamespace"
        " JOIN pg_class dst ON dst.oid = k.confrelid JOIN pg_namespace dn ON dn.oid = dst.relnamespace"
        " WHERE k.contype = 'f' AND sn.nspname <> dn.nspname"
        " AND (sn.nspname LIKE 'tenant\\_%' OR dn.nspname LIKE 'tenant\\_%')", NULL), 0);
    /* No column default draws from a sequence of another schema. */
    cr_assert_eq(th_sql_int(
        "SELECT count(*) FROM pg_attrdef d JOIN pg_class c ON c.oid = d.adrelid"
        " JOIN pg_namespace n ON n.oid = c.relnamespace"
        " JOIN pg_depend dep ON dep.objid = d.oid AND dep.refclassid = 'pg_class'::regclass"
        " JOIN pg_class s ON s.oid = dep.refobjid AND s.relkind = 'S'"
        " WHERE s.relnamespace <> c.relnamespace", NULL), 0);
    /* The application role can create nothing in shared schemas or tenant schemas. */
    cr_assert_eq(th_sql_int(
        "SELECT count(*) FROM pg_namespace WHERE (nspname IN ('public', 'control', 'ext')"
        " OR nspname LIKE 'tenant\\_%') AND has_schema_privilege('lendastack_app', oid, 'CREATE')",
        NULL), 0);
    cr_assert_eq(th_sql_int("SELECT count(*) FROM pg_roles WHERE rolname = 'lendastack_app'"
                            " AND (rolsuper OR rolcreatedb OR rolcreaterole)", NULL), 0);
    cr_assert_eq(th_sql_int("SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner"
                            " WHERE r.rolname = 'lendastack_app'", NULL), 0);
}

Test(tenancy, export_then_import_copies_rows, .timeout = 120)
{
    struct th_tenant t;
    char path[] = "/tmp/lendastack-export-XXXXXX";
    char copy[80];
    char *out;
    int fd = mkstemp(path);

    close(fd);
    th_tenant_create(&t, "exp", NULL);
    cr_assert_eq(th_tenant_cmd(th_fmt("export %s %s", t.slug, path), &out), 0, "%s", out);
    free(out);
    snprintf(copy, sizeof(copy), "c%s", t.slug);
    cr_assert_eq(th_tenant_cmd(th_fmt("import %s --slug %s", path, copy), &out), 0, "%s", out);
    free(out);
    unlink(path);

    {
        char *schema = th_sql_text("SELECT schema_name FROM control.tenants WHERE slug = $1", copy, NULL);
        const char *tables[] = {"users", "roles", "settings", "audit_events"};

        for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
            long long a = th_sql_int(th_fmt("SELECT count(*) FROM \"%s\".%s", t.schema, tables[i]), NULL);
            long long b = th_sql_int(th_fmt("SELECT count(*) FROM \"%s\".%s", schema, tables[i]), NULL);
            long long diff = th_sql_int(th_fmt("SELECT count(*) FROM (SELECT * FROM \"%s\".%s"
                                               " EXCEPT SELECT * FROM \"%s\".%s) d",
                                               t.schema, tables[i], schema, tables[i]), NULL);

            cr_assert_eq(a, b, "%s: %lld rows, copy has %lld", tables[i], a, b);
            cr_assert_eq(diff, 0, "%s: %lld rows differ", tables[i], diff);
        }
        free(schema);
    }
    {
        /* The copy works: its administrator signs in on its own host. */
        struct th_client c;

        memset(&c, 0, sizeof(c));
        snprintf(c.host, sizeof(c.host), "%s.%s", copy, th_env("LENDASTACK_BASE_DOMAIN"));
        cr_assert(th_login(&c, t.admin_email, t.admin_password));
    }
}
