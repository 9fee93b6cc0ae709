#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "tenant/host.h"
#include "tenant/tenant.h"
#include "tenants/lifecycle.h"
#include "tenants/provision.h"

/* Deleted tenants keep their data this long before `purge` may remove it. */
#define DELETE_GRACE_DAYS 30

static struct sql tenants_listed = SQL_STATEMENT(
    "SELECT t.id, t.slug, t.display_name, t.status, t.schema_name, t.schema_version,"
    " to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
    " coalesce(string_agg(d.hostname, ',' ORDER BY d.kind DESC, d.hostname), ''),"
    " t.code_prefix, t.time_zone, t.currency, t.country,"
    " coalesce(to_char(t.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '')"
    " FROM control.tenants t LEFT JOIN control.domains d ON d.tenant_id = t.id"
    " WHERE $1::text IS NULL OR t.slug = $1"
    " GROUP BY t.id ORDER BY t.slug");
static struct sql tenant_set_status = SQL_STATEMENT(
    "UPDATE control.tenants SET status = $2, updated_at = now(),"
    " deleted_at = CASE WHEN $2 = 'deleted' THEN now() END WHERE slug = $1 RETURNING id");
static struct sql tenant_hosts = SQL_STATEMENT(
    "SELECT hostname FROM control.domains WHERE tenant_id = $1");
static struct sql tenant_purgeable = SQL_STATEMENT(
    "SELECT id, schema_name, deleted_at < now() - make_interval(days => $2)"
    " FROM control.tenants WHERE slug = $1 AND status = 'deleted' FOR UPDATE");
static struct sql tenant_remove = SQL_STATEMENT("DELETE FROM control.tenants WHERE id = $1");
static struct sql domain_add = SQL_STATEMENT(
    "INSERT INTO control.domains (hostname, tenant_id, kind) VALUES ($1, $2, 'custom')");
static struct sql domain_remove = SQL_STATEMENT(
    "DELETE FROM control.domains WHERE hostname = $1 AND tenant_id = $2 AND kind = 'custom'"
    " RETURNING hostname");

static const char **
hosts_of(struct tool *t, long long tenant_id, size_t *count)
{
    struct db_params p;
    PGresult *res;
    const char **hosts;

    *count = 0;
    db_params_init(&p, &t->arena);
    db_param_int(&p, tenant_id);
    if (db_query(t->db, NULL, &tenant_hosts, &p, &res) != RESULT_OK)
        return NULL;
    hosts = arena_calloc(&t->arena, (size_t)PQntuples(res) + 1, sizeof(*hosts));
    for (int i = 0; i < PQntuples(res); i++)
        hosts[(*count)++] = arena_strdup(&t->arena, PQgetvalue(res, i, 0));
    PQclear(res);
    return hosts;
}

static json_t *
tenant_row_json(PGresult *res, int i)
{
    json_t *o = json_object();
    json_t *domains = json_array();
    char *list = strdup(PQgetvalue(res, i, 7));
    char *save = NULL;

    for (char *d = strtok_r(list, ",", &save); d != NULL; d = strtok_r(NULL, ",", &save))
        json_array_append_new(domains, json_string(d));
    free(list);
    json_object_set_new(o, "id", json_integer(atoll(PQgetvalue(res, i, 0))));
    json_object_set_new(o, "slug", json_string(PQgetvalue(res, i, 1)));
    json_object_set_new(o, "name", json_string(PQgetvalue(res, i, 2)));
    json_object_set_new(o, "status", json_string(PQgetvalue(res, i, 3)));
    json_object_set_new(o, "schema", json_string(PQgetvalue(res, i, 4)));
    json_object_set_new(o, "schema_version", json_integer(atoi(PQgetvalue(res, i, 5))));
    json_object_set_new(o, "created_at", json_string(PQgetvalue(res, i, 6)));
    json_object_set_new(o, "domains", domains);
    json_object_set_new(o, "code_prefix", json_string(PQgetvalue(res, i, 8)));
    json_object_set_new(o, "time_zone", json_string(PQgetvalue(res, i, 9)));
    json_object_set_new(o, "currency", json_string(PQgetvalue(res, i, 10)));
    json_object_set_new(o, "country", json_string(PQgetvalue(res, i, 11)));
    json_object_set_new(o, "deleted_at", PQgetvalue(res, i, 12)[0] != '\0'
                                             ? json_string(PQgetvalue(res, i, 12))
                                             : json_null());
    return o;
}

static PGresult *
tenants_query(struct tool *t, const char *slug)
{
    struct db_params p;
    PGresult *res;

    db_params_init(&p, &t->arena);
    db_param_text(&p, slug);
    if (db_query(t->db, NULL, &tenants_listed, &p, &res) != RESULT_OK) {
        tool_fail("cannot list tenants: %s", db_error_message(t->db));
        return NULL;
    }
    return res;
}

int
lifecycle_list(struct tool *t, int argc, char **argv)
{
    PGresult *res;

    (void)argv;
    if (argc > 0) {
        fprintf(stderr, "usage: tenant list [--json]\n");
        return 2;
    }
    if ((res = tenants_query(t, NULL)) == NULL)
        return 1;
    if (t->json) {
        json_t *list = json_array();

        for (int i = 0; i < PQntuples(res); i++)
            json_array_append_new(list, tenant_row_json(res, i));
        printf("%s\n", json_dumps(list, JSON_INDENT(2)));
    } else {
        printf("%-24s %-10s %-15s %-7s %-20s %s\n", "SLUG", "STATUS", "SCHEMA", "VERSION",
               "CREATED", "NAME");
        for (int i = 0; i < PQntuples(res); i++)
            printf("%-24s %-10s %-15s %-7s %-20s %s\n", PQgetvalue(res, i, 1), PQgetvalue(res, i, 3),
                   PQgetvalue(res, i, 4), PQgetvalue(res, i, 5), PQgetvalue(res, i, 6),
                   PQgetvalue(res, i, 2));
        printf("%d tenant%s\n", PQntuples(res), PQntuples(res) == 1 ? "" : "s");
    }
    PQclear(res);
    return 0;
}

int
lifecycle_show(struct tool *t, int argc, char **argv)
{
    PGresult *res;
    json_t *o;

    if (argc != 1) {
        fprintf(stderr, "usage: tenant show SLUG [--json]\n");
        return 2;
    }
    if ((res = tenants_query(t, argv[0])) == NULL)
        return 1;
    if (PQntuples(res) == 0) {
        PQclear(res);
        return tool_fail("no tenant has the slug %s; see `tenant list`", argv[0]);
    }
    o = tenant_row_json(res, 0);
    PQclear(res);
    if (t->json) {
        printf("%s\n", json_dumps(o, JSON_INDENT(2)));
    } else {
        const char *key;
        json_t *value;

        json_object_foreach(o, key, value) {
            char *text = json_is_string(value) ? strdup(json_string_value(value))
                                               : json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY);

            printf("%-15s %s\n", key, text);
            if (json_is_string(value))
                free(text);
        }
    }
    return 0;
}

/* Sets a status and makes servers notice at once. */
static int
lifecycle_set_status(struct tool *t, const char *slug, const char *status, const char *verb)
{
    struct db_params p;
    PGresult *res;
    long long id;
    const char **hosts;
    size_t count;

    db_params_init(&p, &t->arena);
    db_param_text(&p, slug);
    db_param_text(&p, status);
    if (db_query(t->db, NULL, &tenant_set_status, &p, &res) != RESULT_OK)
        return tool_fail("cannot change the tenant: %s", db_error_message(t->db));
    if (PQntuples(res) == 0) {
        PQclear(res);
        return tool_fail("no tenant has the slug %s; see `tenant list`", slug);
    }
    id = atoll(PQgetvalue(res, 0, 0));
    PQclear(res);
    hosts = hosts_of(t, id, &count);
    tool_tenants_changed(t, hosts, count);
    printf("tenant %s %s\n", slug, verb);
    return 0;
}

int
lifecycle_suspend(struct tool *t, int argc, char **argv)
{
    if (argc != 1) {
        fprintf(stderr, "usage: tenant suspend SLUG\n");
        return 2;
    }
    return lifecycle_set_status(t, argv[0], "suspended", "suspended: its users get 403 from now on");
}

int
lifecycle_resume(struct tool *t, int argc, char **argv)
{
    if (argc != 1) {
        fprintf(stderr, "usage: tenant resume SLUG\n");
        return 2;
    }
    return lifecycle_set_status(t, argv[0], "active", "active again");
}

int
lifecycle_delete(struct tool *t, int argc, char **argv)
{
    if (argc != 1) {
        fprintf(stderr, "usage: tenant delete SLUG\n");
        return 2;
    }
    return lifecycle_set_status(t, argv[0], "deleted",
                                "deleted: it answers 404 from now on; its data stays for "
                                "30 days until `tenant purge`, and `tenant resume` restores it");
}

int
lifecycle_purge(struct tool *t, int argc, char **argv)
{
    struct db_params p;
    PGresult *res;
    long long id;
    const char **hosts;
    size_t count;
    bool force = argc == 2 && strcmp(argv[1], "--now") == 0;
    char *schema, *drop;

    if (argc < 1 || argc > 2 || (argc == 2 && !force)) {
        fprintf(stderr, "usage: tenant purge SLUG [--now]\n"
                        "  removes a deleted tenant's schema and rows for good; --now skips the\n"
                        "  %d-day grace period\n",
                DELETE_GRACE_DAYS);
        return 2;
    }
    if (db_begin(t->db) != RESULT_OK)
        return tool_fail("cannot start a transaction: %s", db_error_message(t->db));
    db_params_init(&p, &t->arena);
    db_param_text(&p, argv[0]);
    db_param_int(&p, DELETE_GRACE_DAYS);
    if (db_query(t->db, NULL, &tenant_purgeable, &p, &res) != RESULT_OK) {
        db_rollback(t->db);
        return tool_fail("cannot read the tenant: %s", db_error_message(t->db));
    }
    if (PQntuples(res) == 0) {
        PQclear(res);
        db_rollback(t->db);
        return tool_fail("tenant %s does not exist or is not deleted; run `tenant delete %s` first",
                         argv[0], argv[0]);
    }
    if (PQgetvalue(res, 0, 2)[0] != 't' && !force) {
        PQclear(res);
        db_rollback(t->db);
        return tool_fail("tenant %s was deleted less than %d days ago; add --now to purge anyway",
                         argv[0], DELETE_GRACE_DAYS);
    }
    id = atoll(PQgetvalue(res, 0, 0));
    schema = arena_strdup(&t->arena, PQgetvalue(res, 0, 1));
    PQclear(res);
    hosts = hosts_of(t, id, &count);
    drop = arena_printf(&t->arena, "DROP SCHEMA \"%s\" CASCADE", schema);
    db_params_init(&p, &t->arena);
    db_param_int(&p, id);
    if (db_exec(t->db, drop) != RESULT_OK || db_query(t->db, NULL, &tenant_remove, &p, NULL) != RESULT_OK ||
        db_commit(t->db) != RESULT_OK) {
        db_rollback(t->db);
        return tool_fail("cannot purge %s: %s", argv[0], db_error_message(t->db));
    }
    tool_tenants_changed(t, hosts, count);
    if (t->cache != NULL)
        cache_delete_prefix(t->cache, arena_printf(&t->arena, "t:%lld:", id));
    printf("tenant %s purged: schema %s and its control-plane rows are gone\n", argv[0], schema);
    return 0;
}

int
lifecycle_add_domain(struct tool *t, int argc, char **argv)
{
    struct tenant tenant;
    struct db_params p;
    char host[HOST_MAX + 1];
    const char *hosts[1] = {host};

    if (argc != 2) {
        fprintf(stderr, "usage: tenant add-domain SLUG HOST\n");
        return 2;
    }
    if (!host_normalize(argv[1], host, sizeof(host)) || strchr(host, '.') == NULL)
        return tool_fail("\"%s\" is not a host name such as crm.example.com", argv[1]);
    if (!provision_find(t, argv[0], &tenant))
        return 1;
    db_params_init(&p, &t->arena);
    db_param_text(&p, host);
    db_param_int(&p, tenant.id);
    if (db_query(t->db, NULL, &domain_add, &p, NULL) != RESULT_OK) {
        if (strcmp(db_error_state(t->db), "23505") == 0)
            return tool_fail("the host %s already belongs to a tenant", host);
        return tool_fail("cannot add the host: %s", db_error_message(t->db));
    }
    tool_tenants_changed(t, hosts, 1);
    printf("tenant %s now also answers at %s\n", argv[0], host);
    return 0;
}

int
lifecycle_remove_domain(struct tool *t, int argc, char **argv)
{
    struct tenant tenant;
    struct db_params p;
    PGresult *res;
    char host[HOST_MAX + 1];
    const char *hosts[1] = {host};

    if (argc != 2) {
        fprintf(stderr, "usage: tenant remove-domain SLUG HOST\n");
        return 2;
    }
    if (!host_normalize(argv[1], host, sizeof(host)))
        return tool_fail("\"%s\" is not a host name", argv[1]);
    if (!provision_find(t, argv[0], &tenant))
        return 1;
    db_params_init(&p, &t->arena);
    db_param_text(&p, host);
    db_param_int(&p, tenant.id);
    if (db_query(t->db, NULL, &domain_remove, &p, &res) != RESULT_OK)
        return tool_fail("cannot remove the host: %s", db_error_message(t->db));
    if (PQntuples(res) == 0) {
        PQclear(res);
        return tool_fail("%s is not a custom domain of tenant %s (the subdomain cannot be removed)",
                         host, argv[0]);
    }
    PQclear(res);
    tool_tenants_changed(t, hosts, 1);
    printf("tenant %s no longer answers at %s\n", argv[0], host);
    return 0;
}
