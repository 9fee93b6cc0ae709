#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"

struct config config;

enum setting_type { SETTING_STRING, SETTING_LONG, SETTING_MODE, SETTING_BOOL, SETTING_ENV, SETTING_LEVEL };

struct setting {
    const char *section; /* INI section */
    const char *key;     /* INI key */
    const char *env;     /* environment variable */
    enum setting_type type;
    size_t offset;
    const char *fallback;
    long min;            /* for SETTING_LONG */
    long max;
    const char *unit;
    const char *help;
};

#define FIELD(name) offsetof(struct config, name)

static const struct setting settings[] = {
    {"server", "listen", "LENDASTACK_LISTEN", SETTING_STRING, FIELD(listen),
     "unix:/run/lendastack/app.sock", 0, 0, "",
     "FastCGI listen address: unix:PATH, or tcp:ADDRESS:PORT with an explicit address"},
    {"server", "socket_mode", "LENDASTACK_SOCKET_MODE", SETTING_MODE, FIELD(socket_mode), "0660", 0,
     0, "octal", "permission bits of the unix socket"},
    {"server", "user", "LENDASTACK_USER", SETTING_STRING, FIELD(user), "", 0, 0, "",
     "account the workers switch to when the server starts as root (required then)"},
    {"server", "pid_file", "LENDASTACK_PID_FILE", SETTING_STRING, FIELD(pid_file),
     "/run/lendastack/app.pid", 0, 0, "", "pid file, locked while the server runs"},
    {"server", "workers", "LENDASTACK_WORKERS", SETTING_LONG, FIELD(workers), "0", 0, 512,
     "processes", "worker processes; 0 means twice the CPU cores"},
    /*
     * Measured with 4 workers: two workers per group ran GET by code over 1,000 tenants at
     * 68% of one tenant's rate, against 15% with one group. One worker per group reached
     * 91%, but then a tenant's requests wait for each other and one slow request stalls
     * its group.
     */
    {"server", "groups", "LENDASTACK_GROUPS", SETTING_LONG, FIELD(groups), "0", 0, 64, "groups",
     "worker groups, each with its own socket, for tenant affinity: nginx hashes the Host over the "
     "sockets, so a tenant always reaches the same workers; 0 means half the workers, at least 1"},
    {"server", "drain_seconds", "LENDASTACK_DRAIN_SECONDS", SETTING_LONG, FIELD(drain_seconds),
     "10", 1, 3600, "seconds", "how long SIGTERM and SIGHUP wait for requests in flight"},
    {"server", "fcgi_allow", "LENDASTACK_FCGI_ALLOW", SETTING_STRING, FIELD(fcgi_allow), "", 0, 0,
     "", "comma-separated IPv4 addresses allowed to connect over TCP; empty allows any"},
    /* Two runners share one large import, which on 2 cores nearly doubled its rows per second. */
    {"server", "job_runners", "LENDASTACK_JOB_RUNNERS", SETTING_LONG, FIELD(job_runners), "2", 0, 16,
     "processes", "background job runners (imports); 0 leaves jobs to other hosts"},
    {"postgres", "conninfo", "LENDASTACK_PG", SETTING_STRING, FIELD(pg_conninfo),
     "dbname=lendastack user=lendastack_app", 0, 0, "", "libpq connection string of the application role"},
    {"postgres", "pooler", "LENDASTACK_PG_POOLER", SETTING_BOOL, FIELD(pg_pooler), "false", 0, 0,
     "boolean",
     "true when a transaction-pooling pgbouncer sits in between: unnamed statements only, and the "
     "role's settings apply"},
    {"postgres", "statement_timeout_ms", "LENDASTACK_PG_STATEMENT_TIMEOUT_MS", SETTING_LONG,
     FIELD(pg_statement_timeout_ms), "5000", 10, 600000, "ms",
     "statement_timeout of every query; behind a pooler, set it on the role instead"},
    /*
     * A backend grew by about 0.6 MiB per tenant that GET by code read (292 MiB after
     * about 500 tenants), so 600 tenants bound it near 360 MiB and hold a backend's share
     * of 1,000 tenants over 2 groups. With 100, backends reconnected before they were warm.
     */
    {"postgres", "recycle_tenants", "LENDASTACK_PG_RECYCLE_TENANTS", SETTING_LONG,
     FIELD(pg_recycle_tenants), "600", 1, 1000000, "tenants",
     "reconnect after serving this many distinct tenants, to release the backend's catalog cache"},
    {"postgres", "recycle_requests", "LENDASTACK_PG_RECYCLE_REQUESTS", SETTING_LONG,
     FIELD(pg_recycle_requests), "100000", 1, 100000000, "requests", "reconnect after this many requests"},
    {"redis", "address", "LENDASTACK_REDIS", SETTING_STRING, FIELD(redis), "127.0.0.1:6379", 0, 0,
     "", "Redis address: unix:PATH or HOST:PORT"},
    {"redis", "sentinels", "LENDASTACK_REDIS_SENTINELS", SETTING_STRING, FIELD(redis_sentinels), "",
     0, 0, "", "comma-separated Sentinel HOST:PORT list; when set, the primary is asked from them"},
    {"redis", "master", "LENDASTACK_REDIS_MASTER", SETTING_STRING, FIELD(redis_master), "lendastack",
     0, 0, "", "primary name known to Sentinel"},
    {"redis", "user", "LENDASTACK_REDIS_USER", SETTING_STRING, FIELD(redis_user), "", 0, 0, "",
     "ACL user of the Redis nodes; empty means the default user"},
    {"redis", "password", "LENDASTACK_REDIS_PASSWORD", SETTING_STRING, FIELD(redis_password), "",
     0, 0, "", "password of that user (AUTH); empty sends no AUTH"},
    {"redis", "sentinel_password", "LENDASTACK_REDIS_SENTINEL_PASSWORD", SETTING_STRING,
     FIELD(redis_sentinel_password), "", 0, 0, "", "the Sentinels' password; empty sends no AUTH"},
    {"redis", "timeout_ms", "LENDASTACK_REDIS_TIMEOUT_MS", SETTING_LONG, FIELD(redis_timeout_ms),
     "200", 1, 60000, "ms", "connect and command timeout"},
    {"redis", "retry_ms", "LENDASTACK_REDIS_RETRY_MS", SETTING_LONG, FIELD(redis_retry_ms), "1000", 0,
     600000, "ms", "after a Redis failure, a worker uses PostgreSQL alone for this long"},
    {"http", "base_domain", "LENDASTACK_BASE_DOMAIN", SETTING_STRING, FIELD(base_domain), "localhost",
     0, 0, "", "tenants are reached at SLUG.BASE_DOMAIN"},
    {"http", "env", "LENDASTACK_ENV", SETTING_ENV, FIELD(env), "production", 0, 0,
     "development or production", "development drops the Secure flag from cookies for plain-HTTP use"},
    {"http", "log_level", "LENDASTACK_LOG_LEVEL", SETTING_LEVEL, FIELD(log_level), "info", 0, 0,
     "debug, info, warn or error", "lowest level logged"},
    {"http", "tenant_cache_seconds", "LENDASTACK_TENANT_CACHE_SECONDS", SETTING_LONG,
     FIELD(tenant_cache_seconds), "5", 0, 3600, "seconds",
     "longest a worker trusts its in-process copy of a tenant's state"},
    {"http", "max_body_bytes", "LENDASTACK_MAX_BODY_BYTES", SETTING_LONG, FIELD(max_body_bytes),
     "1048576", 1024, 1073741824L, "bytes", "largest JSON request body"},
    {"http", "max_import_bytes", "LENDASTACK_MAX_IMPORT_BYTES", SETTING_LONG, FIELD(max_import_bytes),
     "33554432", 1024, 1073741824L, "bytes", "largest CSV import body"},
    {"http", "public_scheme", "LENDASTACK_PUBLIC_SCHEME", SETTING_STRING, FIELD(public_scheme), "",
     0, 0, "http or https", "scheme of links in invitations; empty means http in development, https otherwise"},
    {"http", "test_clock", "LENDASTACK_TEST_CLOCK", SETTING_BOOL, FIELD(test_clock), "false", 0, 0,
     "boolean", "true lets a request set its clock with the X-Lendastack-Test-Now header, for tests; allowed only when env is development"},
};

static bool
setting_apply(const struct setting *s, const char *value, FILE *err)
{
    char *base = (char *)&config + s->offset;
    char *end;
    long n;

    switch (s->type) {
    case SETTING_STRING: {
        char **dst = (char **)base;
        char *copy = strdup(value);

        if (copy == NULL)
            abort();
        free(*dst);
        *dst = copy;
        return true;
    }
    case SETTING_LONG:
        errno = 0;
        n = strtol(value, &end, 10);
        if (errno != 0 || end == value || *end != '\0' || n < s->min || n > s->max) {
            fprintf(err, "invalid %s=\"%s\": expected an integer from %ld to %ld\n", s->env, value,
                    s->min, s->max);
            return false;
        }
        *(long *)base = n;
        return true;
    case SETTING_MODE:
        errno = 0;
        n = strtol(value, &end, 8);
        if (errno != 0 || end == value || *end != '\0' || n < 0 || n > 0777) {
            fprintf(err, "invalid %s=\"%s\": expected octal permission bits such as 0660\n", s->env,
                    value);
            return false;
        }
        *(unsigned *)base = (unsigned)n;
        return true;
    case SETTING_BOOL:
        if (strcmp(value, "true") == 0 || strcmp(value, "1") == 0 || strcmp(value, "yes") == 0) {
            *(bool *)base = true;
        } else if (strcmp(value, "false") == 0 || strcmp(value, "0") == 0 ||
                   strcmp(value, "no") == 0) {
            *(bool *)base = false;
        } else {
            fprintf(err, "invalid %s=\"%s\": expected true or false\n", s->env, value);
            return false;
        }
        return true;
    case SETTING_ENV:
        if (strcmp(value, "development") == 0) {
            *(enum config_env *)base = CONFIG_ENV_DEVELOPMENT;
        } else if (strcmp(value, "production") == 0) {
            *(enum config_env *)base = CONFIG_ENV_PRODUCTION;
        } else {
            fprintf(err, "invalid %s=\"%s\": expected development or production\n", s->env, value);
            return false;
        }
        return true;
    case SETTING_LEVEL:
        if (!log_level_parse(value, (enum log_level *)base)) {
            fprintf(err, "invalid %s=\"%s\": expected debug, info, warn or error\n", s->env, value);
            return false;
        }
        return true;
    }
    return false;
}

struct ini_state {
    FILE *err;
    bool ok;
};

static int
config_ini_entry(void *user, const char *section, const char *key, const char *value)
{
    struct ini_state *state = user;

    for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
        if (strcmp(settings[i].section, section) == 0 && strcmp(settings[i].key, key) == 0) {
            if (!setting_apply(&settings[i], value, state->err))
                state->ok = false;
            return 1;
        }
    }
    fprintf(state->err, "unknown setting [%s] %s in the configuration file\n", section, key);
    state->ok = false;
    return 1;
}

bool
config_load(FILE *err)
{
    const char *path = getenv("LENDASTACK_CONFIG");
    bool ok = true;

    for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]); i++)
        ok = setting_apply(&settings[i], settings[i].fallback, err) && ok;

    if (path != NULL && *path != '\0') {
        struct ini_state state = {err, true};
        int rc = ini_parse(path, config_ini_entry, &state);

        if (rc < 0) {
            fprintf(err, "cannot read configuration file %s\n", path);
            return false;
        }
        if (rc > 0) {
            fprintf(err, "configuration file %s: syntax error on line %d\n", path, rc);
            return false;
        }
        ok = state.ok && ok;
    }

    for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
        const char *value = getenv(settings[i].env);

        if (value != NULL)
            ok = setting_apply(&settings[i], value, err) && ok;
    }

    /* A pinned clock would let any client backdate records, so production never allows it. */
    if (config.test_clock && config.env != CONFIG_ENV_DEVELOPMENT) {
        fprintf(err, "invalid LENDASTACK_TEST_CLOCK=true: the test clock is allowed only with "
                     "LENDASTACK_ENV=development; set it to false in production\n");
        ok = false;
    }
    return ok;
}

void
config_print_table(FILE *out)
{
    fprintf(out, "| variable | INI key | default | unit | meaning |\n");
    fprintf(out, "| --- | --- | --- | --- | --- |\n");
    for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
        const struct setting *s = &settings[i];

        fprintf(out, "| `%s` | `[%s] %s` | `%s` | %s | %s |\n", s->env, s->section, s->key,
                s->fallback, s->unit, s->help);
    }
}
