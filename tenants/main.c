/*
 * lendastack-tenant: the operator's command for tenants. It connects as the
 * owner role (LENDASTACK_PG_OWNER), which owns the control plane and every
 * tenant schema, and tells running servers about changes through Redis.
 */
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"
#include "core/crypto.h"
#include "core/json.h"
#include "core/tenant.h"
#include "tenants/archive.h"
#include "tenants/lifecycle.h"
#include "tenants/migrate.h"
#include "tenants/provision.h"
#include "tenants/tool.h"

struct command {
    const char *name;
    int (*run)(struct tool *t, int argc, char **argv);
    const char *help;
};

static const struct command commands[] = {
    {"create", provision_command, "create SLUG --name NAME --admin-email EMAIL [options]"},
    {"list", lifecycle_list, "list [--json]"},
    {"show", lifecycle_show, "show SLUG [--json]"},
    {"suspend", lifecycle_suspend, "suspend SLUG"},
    {"resume", lifecycle_resume, "resume SLUG            (also restores a deleted tenant)"},
    {"delete", lifecycle_delete, "delete SLUG            (blocks at once, keeps data 30 days)"},
    {"purge", lifecycle_purge, "purge SLUG [--now]     (removes a deleted tenant's data)"},
    {"add-domain", lifecycle_add_domain, "add-domain SLUG HOST"},
    {"remove-domain", lifecycle_remove_domain, "remove-domain SLUG HOST"},
    {"migrate", migrate_command, "migrate --control | SLUG | --all [-j JOBS]"},
    {"export", archive_export, "export SLUG [FILE]     (gzip of the schema's rows and control rows)"},
    {"import", archive_import, "import FILE [--slug NEW]"},
    {"set-password", provision_set_password, "set-password SLUG EMAIL < file"},
};

static void
usage(FILE *out)
{
    fprintf(out, "usage: tenant COMMAND [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(out, "  %s\n", commands[i].help);
    fprintf(out, "\nenvironment: LENDASTACK_PG_OWNER (owner connection), LENDASTACK_APP_ROLE,\n"
                 "LENDASTACK_MIGRATIONS, LENDASTACK_REDIS, LENDASTACK_BASE_DOMAIN,\n"
                 "LENDASTACK_HTTP_PORT (port in printed links)\n");
}

static const char *
env_or(const char *name, const char *fallback)
{
    const char *value = getenv(name);

    return value != NULL && *value != '\0' ? value : fallback;
}

/* The migrations folder: LENDASTACK_MIGRATIONS, else ../../migrations from the binary. */
static const char *
find_migrations(struct arena *a)
{
    char self[PATH_MAX];
    ssize_t n;

    if (getenv("LENDASTACK_MIGRATIONS") != NULL)
        return getenv("LENDASTACK_MIGRATIONS");
    n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n > 0) {
        self[n] = '\0';
        return arena_printf(a, "%s/../../migrations", dirname(self));
    }
    return "migrations";
}

static const char *
public_url(struct arena *a)
{
    const char *scheme = config.public_scheme != NULL && *config.public_scheme != '\0'
                             ? config.public_scheme
                             : (config.env == CONFIG_ENV_DEVELOPMENT ? "http" : "https");
    const char *port = env_or("LENDASTACK_HTTP_PORT", "");
    bool default_port = *port == '\0' || (strcmp(scheme, "http") == 0 && strcmp(port, "80") == 0) ||
                        (strcmp(scheme, "https") == 0 && strcmp(port, "443") == 0);

    return arena_printf(a, "%s://%%s.%s%s%s", scheme, config.base_domain, default_port ? "" : ":",
                        default_port ? "" : port);
}

int
main(int argc, char **argv)
{
    struct tool t;
    int status = 2;
    int first = 1;

    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!config_load(stderr))
        return 2;
    log_set_level(LOG_WARN);
    memset(&t, 0, sizeof(t));
    arena_init(&t.arena, 1 << 16);
    arena_init(&t.scratch, 1 << 16);
    json_use_arena(&t.arena);
    crypto_random_init();

    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            t.json = true;
    }
    t.owner_conninfo = env_or("LENDASTACK_PG_OWNER", "dbname=lendastack user=lendastack_owner");
    t.app_role = env_or("LENDASTACK_APP_ROLE", "lendastack_app");
    t.migrations = find_migrations(&t.arena);
    t.base_domain = config.base_domain;
    t.public_url = public_url(&t.arena);
    t.db = db_new(t.owner_conninfo, false, 0, 1000000, 100000000);
    t.cache = cache_new(config.redis, config.redis_sentinels, config.redis_master,
                        config.redis_timeout_ms, 0);
    cache_set_auth(t.cache, config.redis_user, config.redis_password, config.redis_sentinel_password);
    if (db_connect(t.db) != RESULT_OK) {
        fprintf(stderr, "error: cannot connect to PostgreSQL as the owner role: %s\n"
                        "set LENDASTACK_PG_OWNER, or start the stack with scripts/stack start\n",
                db_error_message(t.db));
        return 1;
    }
    /* "already exists, skipping" notices of idempotent DDL are noise on an operator's terminal. */
    db_exec(t.db, "SET client_min_messages = warning");

    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (strcmp(argv[first], commands[i].name) == 0) {
            /* Drop --json from the arguments the command sees. */
            char **rest = calloc((size_t)argc, sizeof(char *));
            int n = 0;

            for (int k = first + 1; k < argc; k++) {
                if (strcmp(argv[k], "--json") != 0)
                    rest[n++] = argv[k];
            }
            status = commands[i].run(&t, n, rest);
            free(rest);
            goto out;
        }
    }
    fprintf(stderr, "error: unknown command %s\n\n", argv[first]);
    usage(stderr);
out:
    db_free(t.db);
    cache_free(t.cache);
    return status;
}
