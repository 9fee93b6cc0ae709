#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/password.h"
#include "core/iso.h"
#include "core/json.h"
#include "core/problem.h"
#include "core/scope.h"
#include "core/text.h"
#include "core/validate.h"
#include "domain/staff.h"
#include "store/identity.h"
#include "tenant/host.h"
#include "tenant/tenant.h"
#include "tenants/migrate.h"
#include "tenants/provision.h"
#include "tenants/slug.h"

struct create_options {
    const char *slug;
    const char *name;
    const char *admin_email;
    const char *admin_name;
    const char *code_prefix;
    const char *domain;
    const char *time_zone;
    const char *currency;
    const char *country;
};

static struct sql tenant_insert = SQL_STATEMENT(
    "WITH n AS (SELECT nextval(pg_get_serial_sequence('control.tenants', 'id')) AS id)"
    " INSERT INTO control.tenants (id, slug, display_name, schema_name, code_prefix, time_zone,"
    " currency, country) OVERRIDING SYSTEM VALUE"
    " SELECT n.id, $1, $2, 'tenant_' || lpad(n.id::text, 6, '0'), $3, $4, $5, $6 FROM n"
    " RETURNING " TENANT_COLUMNS_BARE);
static struct sql domain_insert = SQL_STATEMENT(
    "INSERT INTO control.domains (hostname, tenant_id, kind) VALUES ($1, $2, $3)");
static struct sql time_zone_known = SQL_STATEMENT(
    "SELECT 1 FROM pg_catalog.pg_timezone_names WHERE name = $1");

static int
create_usage(void)
{
    fprintf(stderr,
            "usage: tenant create SLUG --name NAME --admin-email EMAIL [--admin-name NAME]\n"
            "                     [--code-prefix PREFIX] [--domain HOST] [--timezone TZ]\n"
            "                     [--currency CODE] [--country CODE] [--json]\n"
            "  SLUG           3 to 63 lower-case letters, digits and inner hyphens;\n"
            "                 the tenant is served at SLUG.<base domain>\n"
            "  --code-prefix  customer codes start with it (default CUS-)\n"
            "  --timezone     IANA time zone of the business (default UTC)\n"
            "  --currency     ISO 4217 code of deal amounts (default USD)\n"
            "  --country      ISO 3166 code for phone numbers without a country code (default US)\n");
    return 2;
}

static bool
create_parse(int argc, char **argv, struct create_options *o)
{
    memset(o, 0, sizeof(*o));
    o->code_prefix = "CUS-";
    o->time_zone = "UTC";
    o->currency = "USD";
    o->country = "US";
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        const char **target = NULL;

        if (strcmp(arg, "--json") == 0)
            continue;
        if (strcmp(arg, "--name") == 0)
            target = &o->name;
        else if (strcmp(arg, "--admin-email") == 0)
            target = &o->admin_email;
        else if (strcmp(arg, "--admin-name") == 0)
            target = &o->admin_name;
        else if (strcmp(arg, "--code-prefix") == 0)
            target = &o->code_prefix;
        else if (strcmp(arg, "--domain") == 0)
            target = &o->domain;
        else if (strcmp(arg, "--timezone") == 0)
            target = &o->time_zone;
        else if (strcmp(arg, "--currency") == 0)
            target = &o->currency;
        else if (strcmp(arg, "--country") == 0)
            target = &o->country;
        else if (arg[0] != '-' && o->slug == NULL) {
            o->slug = arg;
            continue;
        } else {
            fprintf(stderr, "error: unknown option %s\n", arg);
            return false;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "error: %s needs a value\n", arg);
            return false;
        }
        *target = argv[++i];
    }
    if (o->slug == NULL || o->name == NULL || o->admin_email == NULL) {
        fprintf(stderr, "error: SLUG, --name and --admin-email are required\n");
        return false;
    }
    if (o->admin_name == NULL)
        o->admin_name = "Administrator";
    return true;
}

/* Checks every option before anything is written. */
static bool
create_validate(struct tool *t, struct create_options *o, char *host, char *custom)
{
    char why[256];
    struct db_params p;
    PGresult *res;
    size_t chars;
    char *name;
    bool ok = true;

    if (!slug_valid(o->slug, why, sizeof(why))) {
        fprintf(stderr, "error: %s\n", why);
        ok = false;
    }
    if (text_normalize(&t->arena, o->name, strlen(o->name), TEXT_SINGLE_LINE, &name, &chars) != TEXT_OK ||
        chars == 0 || chars > 200) {
        fprintf(stderr, "error: --name must be 1 to 200 characters of one-line text\n");
        ok = false;
    } else {
        o->name = name;
    }
    if (!validate_email(o->admin_email)) {
        fprintf(stderr, "error: --admin-email \"%s\" is not an email address\n", o->admin_email);
        ok = false;
    }
    if (text_chars(o->admin_name) < 1 || text_chars(o->admin_name) > 120) {
        fprintf(stderr, "error: --admin-name must be 1 to 120 characters\n");
        ok = false;
    }
    if (strlen(o->code_prefix) > 12 || strspn(o->code_prefix, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") !=
                                           strlen(o->code_prefix)) {
        fprintf(stderr, "error: --code-prefix \"%s\" must be up to 12 upper-case letters, digits "
                        "or hyphens, such as CUS-\n",
                o->code_prefix);
        ok = false;
    }
    if (!iso_currency_valid(o->currency)) {
        fprintf(stderr, "error: --currency \"%s\" is not an ISO 4217 code such as USD or EUR\n",
                o->currency);
        ok = false;
    }
    if (!iso_country_valid(o->country)) {
        fprintf(stderr, "error: --country \"%s\" is not an ISO 3166 code such as US or DE\n",
                o->country);
        ok = false;
    }
    db_params_init(&p, &t->arena);
    db_param_text(&p, o->time_zone);
    if (db_query(t->db, NULL, &time_zone_known, &p, &res) != RESULT_OK) {
        fprintf(stderr, "error: cannot check the time zone: %s\n", db_error_message(t->db));
        return false;
    }
    if (PQntuples(res) == 0) {
        fprintf(stderr, "error: --timezone \"%s\" is not an IANA time zone such as Europe/Berlin\n",
                o->time_zone);
        ok = false;
    }
    PQclear(res);

    snprintf(host, HOST_MAX + 1, "%s.%s", o->slug, t->base_domain);
    if (!host_normalize(host, host, HOST_MAX + 1)) {
        fprintf(stderr, "error: %s.%s is not a valid host name\n", o->slug, t->base_domain);
        ok = false;
    }
    custom[0] = '\0';
    if (o->domain != NULL && !host_normalize(o->domain, custom, HOST_MAX + 1)) {
        fprintf(stderr, "error: --domain \"%s\" is not a host name\n", o->domain);
        ok = false;
    }
    return ok;
}

static bool
create_domain(struct tool *t, const char *host, long long tenant_id, const char *kind)
{
    struct db_params p;

    db_params_init(&p, &t->arena);
    db_param_text(&p, host);
    db_param_int(&p, tenant_id);
    db_param_text(&p, kind);
    if (db_query(t->db, NULL, &domain_insert, &p, NULL) == RESULT_OK)
        return true;
    if (strcmp(db_error_state(t->db), "23505") == 0)
        fprintf(stderr, "error: the host %s already belongs to another tenant\n", host);
    else
        fprintf(stderr, "error: cannot add the host %s: %s\n", host, db_error_message(t->db));
    return false;
}

/* Creates the first administrator and returns the invitation token. */
static char *
create_admin(struct tool *t, struct tenant *tenant, const struct create_options *o)
{
    struct problem problem;
    struct scope s = {0};
    int64_t role_id, user_id;
    char *token = NULL;

    problem_init(&problem, &t->arena);
    s.arena = &t->arena;
    s.db = t->db;
    s.tenant = tenant;
    s.now_us = (int64_t)time(NULL) * 1000000;
    s.problem = &problem;
    if (identity_role_by_name(&s, "Administrator", &role_id) != RESULT_OK) {
        fprintf(stderr, "error: the Administrator role is missing after migration\n");
        return NULL;
    }
    if (staff_invite(&s, o->admin_email, o->admin_name, role_id, &user_id, &token) != RESULT_OK) {
        fprintf(stderr, "error: cannot create the administrator: %s\n",
                problem.detail != NULL ? problem.detail : db_error_message(t->db));
        return NULL;
    }
    return token;
}

bool
provision_begin(struct tool *t, const struct provision_spec *spec, struct tenant *out)
{
    char host[HOST_MAX + 1];
    struct db_params p;
    PGresult *res;
    char *grant;

    snprintf(host, sizeof(host), "%s.%s", spec->slug, t->base_domain);
    db_params_init(&p, &t->arena);
    db_param_text(&p, spec->slug);
    db_param_text(&p, spec->name);
    db_param_text(&p, spec->code_prefix);
    db_param_text(&p, spec->time_zone);
    db_param_text(&p, spec->currency);
    db_param_text(&p, spec->country);
    if (db_query(t->db, NULL, &tenant_insert, &p, &res) != RESULT_OK) {
        if (strcmp(db_error_state(t->db), "23505") == 0)
            fprintf(stderr, "error: a tenant with the slug %s exists already; choose another\n", spec->slug);
        else
            fprintf(stderr, "error: cannot create the tenant: %s\n", db_error_message(t->db));
        return false;
    }
    tenant_from_row(res, 0, out);
    PQclear(res);

    if (!create_domain(t, host, out->id, "subdomain"))
        return false;
    if (spec->domain != NULL && spec->domain[0] != '\0' &&
        !create_domain(t, spec->domain, out->id, "custom"))
        return false;
    grant = arena_printf(&t->arena, "CREATE SCHEMA %s; GRANT USAGE ON SCHEMA %s TO %s",
                         out->schema_ident, out->schema_ident, tool_role_ident(t));
    if (db_exec(t->db, grant) != RESULT_OK) {
        fprintf(stderr, "error: cannot create schema %s: %s\n", out->schema_name,
                db_error_message(t->db));
        return false;
    }
    return true;
}

static int
create_run(struct tool *t, struct create_options *o, bool json)
{
    char host[HOST_MAX + 1], custom[HOST_MAX + 1];
    struct provision_spec spec;
    struct migration_set set;
    struct tenant tenant;
    char *token;
    const char *hosts[2];
    struct timespec t0, t1;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (!create_validate(t, o, host, custom))
        return 1;
    if (!migration_load(&t->arena, arena_printf(&t->arena, "%s/tenant", t->migrations), &set))
        return 1;
    spec.slug = o->slug;
    spec.name = o->name;
    spec.code_prefix = o->code_prefix;
    spec.time_zone = o->time_zone;
    spec.currency = o->currency;
    spec.country = o->country;
    spec.domain = custom;

    /* One transaction: a failure at any step leaves no row, schema or user behind. */
    if (db_begin(t->db) != RESULT_OK)
        return tool_fail("cannot start a transaction: %s", db_error_message(t->db));
    if (!provision_begin(t, &spec, &tenant))
        goto fail;
    if (!migrate_new_tenant(t, &set, tenant.id, tenant.schema_ident, 0))
        goto fail;
    tenant.schema.version = set.count > 0 ? set.items[set.count - 1].version : 0;
    if ((token = create_admin(t, &tenant, o)) == NULL)
        goto fail;
    if (db_commit(t->db) != RESULT_OK) {
        fprintf(stderr, "error: cannot commit: %s\n", db_error_message(t->db));
        goto fail;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);

    hosts[0] = host;
    hosts[1] = custom;
    tool_tenants_changed(t, hosts, custom[0] != '\0' ? 2 : 1);
    {
        char *url = arena_printf(&t->arena, t->public_url, o->slug);
        char *link = arena_printf(&t->arena, "%s%s", url, staff_link_path(&t->arena, "invitation", token));
        double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;

        if (json) {
            json_t *o_json = json_object();

            json_object_set_new(o_json, "id", json_integer(tenant.id));
            json_object_set_new(o_json, "slug", json_string(tenant.slug));
            json_object_set_new(o_json, "schema", json_string(tenant.schema_name));
            json_object_set_new(o_json, "url", json_string(url));
            json_object_set_new(o_json, "setup_link", json_string(link));
            json_object_set_new(o_json, "setup_token", json_string(token));
            json_object_set_new(o_json, "duration_ms", json_real(ms));
            printf("%s\n", json_dumps(o_json, JSON_COMPACT));
        } else {
            printf("created tenant %s (%s) in schema %s in %.0f ms\n", tenant.slug, tenant.display_name,
                   tenant.schema_name, ms);
            printf("url: %s\n", url);
            printf("set-up link for %s (valid %d hours, usable once):\n  %s\n", o->admin_email,
                   STAFF_INVITATION_HOURS, link);
        }
    }
    return 0;

fail:
    db_rollback(t->db);
    fprintf(stderr, "nothing was created\n");
    return 1;
}

int
provision_command(struct tool *t, int argc, char **argv)
{
    struct create_options o;

    if (!create_parse(argc, argv, &o))
        return create_usage();
    return create_run(t, &o, t->json);
}

bool
provision_find(struct tool *t, const char *slug, struct tenant *out)
{
    enum result r = tenant_load_by_slug(t->db, slug, out);

    if (r == RESULT_NOT_FOUND) {
        fprintf(stderr, "error: no tenant has the slug %s; see `tenant list`\n", slug);
        return false;
    }
    if (r != RESULT_OK) {
        fprintf(stderr, "error: cannot read the tenant: %s\n", db_error_message(t->db));
        return false;
    }
    return true;
}

int
provision_set_password(struct tool *t, int argc, char **argv)
{
    struct tenant tenant;
    struct problem problem;
    struct scope s = {0};
    struct user_row user;
    char password[PASSWORD_MAX_CHARS * 4 + 2];
    char *hash;
    size_t len;

    if (argc != 2) {
        fprintf(stderr, "usage: tenant set-password SLUG EMAIL < password-file\n");
        return 2;
    }
    if (!provision_find(t, argv[0], &tenant))
        return 1;
    if (fgets(password, sizeof(password), stdin) == NULL)
        return tool_fail("no password on standard input");
    len = strcspn(password, "\r\n");
    password[len] = '\0';
    if (!text_is_utf8(password, len) || text_chars(password) < PASSWORD_MIN_CHARS ||
        text_chars(password) > PASSWORD_MAX_CHARS)
        return tool_fail("the password must be %d to %d characters of UTF-8 text", PASSWORD_MIN_CHARS,
                         PASSWORD_MAX_CHARS);

    problem_init(&problem, &t->arena);
    s.arena = &t->arena;
    s.db = t->db;
    s.tenant = &tenant;
    s.now_us = (int64_t)time(NULL) * 1000000;
    s.problem = &problem;
    if (identity_user_by_email(&s, staff_email_key(&t->arena, argv[1]), &user) != RESULT_OK)
        return tool_fail("tenant %s has no staff member with the email %s", argv[0], argv[1]);
    if (strcmp(user.status, "deactivated") == 0)
        return tool_fail("%s is deactivated; reactivate the account first", argv[1]);
    if ((hash = password_hash(&t->arena, password)) == NULL)
        return tool_fail("cannot hash the password");
    if (db_begin(t->db) != RESULT_OK ||
        identity_user_activate(&s, user.id, NULL, hash, NULL) != RESULT_OK ||
        identity_one_time_cancel(&s, user.id, "invitation") != RESULT_OK ||
        db_commit(t->db) != RESULT_OK) {
        db_rollback(t->db);
        return tool_fail("cannot set the password: %s", db_error_message(t->db));
    }
    tool_tenants_changed(t, NULL, 0);
    if (t->cache != NULL) {
        const char *key = arena_printf(&t->arena, "t:%lld:user:%lld", (long long)tenant.id, (long long)user.id);

        cache_del(t->cache, 1, &key);
    }
    printf("password set for %s in tenant %s; existing sessions of this user ended\n", argv[1], argv[0]);
    return 0;
}
