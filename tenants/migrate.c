#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/crypto.h"
#include "tenants/migrate.h"

/* First key of the advisory locks this tool takes; the second is a tenant id, or 0. */
#define MIGRATE_LOCK_CLASS 741001
#define MIGRATE_JOBS_MAX 64

struct target {
    long long id;
    char *slug;
    char *schema_ident;
};

static struct sql control_applied = SQL_STATEMENT(
    "SELECT version, checksum FROM control.schema_migrations ORDER BY version");
static struct sql control_record = SQL_STATEMENT(
    "INSERT INTO control.schema_migrations (version, name, checksum) VALUES ($1, $2, $3)");
static struct sql tenants_all = SQL_STATEMENT(
    "SELECT id, slug, schema_name FROM control.tenants ORDER BY id");
static struct sql tenant_one = SQL_STATEMENT(
    "SELECT id, slug, schema_name FROM control.tenants WHERE slug = $1");
static struct sql applied_all = SQL_STATEMENT(
    "SELECT tenant_id, version, checksum FROM control.tenant_migrations ORDER BY tenant_id, version");
static struct sql applied_one = SQL_STATEMENT(
    "SELECT tenant_id, version, checksum FROM control.tenant_migrations WHERE tenant_id = $1"
    " ORDER BY version");
static struct sql applied_versions = SQL_STATEMENT(
    "SELECT version, checksum FROM control.tenant_migrations WHERE tenant_id = $1 ORDER BY version");
static struct sql tenant_record = SQL_STATEMENT(
    "INSERT INTO control.tenant_migrations (tenant_id, version, name, checksum, duration_ms)"
    " VALUES ($1, $2, $3, $4, $5)");
static struct sql tenant_version = SQL_STATEMENT(
    "UPDATE control.tenants SET schema_version = $2, updated_at = now() WHERE id = $1");
static struct sql lock_take = SQL_STATEMENT("SELECT pg_advisory_lock($1::int, $2::int)");
static struct sql lock_release = SQL_STATEMENT("SELECT pg_advisory_unlock($1::int, $2::int)");

static int
migration_compare(const void *a, const void *b)
{
    const struct migration *x = a, *y = b;

    return (x->version > y->version) - (x->version < y->version);
}

static bool
migration_name_valid(const char *name)
{
    size_t len = strlen(name);

    if (len < 10 || strcmp(name + len - 4, ".sql") != 0)
        return false;
    for (int i = 0; i < 4; i++) {
        if (name[i] < '0' || name[i] > '9')
            return false;
    }
    return name[4] == '_';
}

static char *
migration_read(struct arena *a, const char *path)
{
    FILE *f = fopen(path, "rb");
    struct buf b;
    char chunk[8192];
    size_t n;

    if (f == NULL)
        return NULL;
    buf_init(&b, a, 8192);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    return b.data;
}

bool
migration_load(struct arena *a, const char *folder, struct migration_set *out)
{
    DIR *dir = opendir(folder);
    struct dirent *e;
    size_t cap = 64;

    if (dir == NULL) {
        fprintf(stderr, "error: cannot read migrations folder %s: %s\n", folder, strerror(errno));
        return false;
    }
    out->items = arena_calloc(a, cap, sizeof(*out->items));
    out->count = 0;
    while ((e = readdir(dir)) != NULL) {
        struct migration *m;
        char *path;

        if (!migration_name_valid(e->d_name))
            continue;
        if (out->count == cap) {
            struct migration *grown = arena_calloc(a, cap * 2, sizeof(*grown));

            memcpy(grown, out->items, cap * sizeof(*grown));
            out->items = grown;
            cap *= 2;
        }
        m = &out->items[out->count++];
        m->version = atoi(e->d_name);
        m->name = arena_strdup(a, e->d_name);
        path = arena_printf(a, "%s/%s", folder, e->d_name);
        m->sql = migration_read(a, path);
        if (m->sql == NULL) {
            fprintf(stderr, "error: cannot read %s: %s\n", path, strerror(errno));
            closedir(dir);
            return false;
        }
        m->checksum = crypto_sha256_hex(a, m->sql);
    }
    closedir(dir);
    qsort(out->items, out->count, sizeof(*out->items), migration_compare);
    for (size_t i = 1; i < out->count; i++) {
        if (out->items[i].version == out->items[i - 1].version) {
            fprintf(stderr, "error: %s and %s share version %d; give one a new number\n",
                    out->items[i - 1].name, out->items[i].name, out->items[i].version);
            return false;
        }
    }
    return true;
}

char *
migration_expand(struct arena *a, const char *sql, const char *schema_ident, const char *role_ident)
{
    struct buf b;
    const char *p = sql;

    buf_init(&b, a, strlen(sql) + 256);
    while (*p != '\0') {
        if (strncmp(p, "{tenant}", 8) == 0 && schema_ident != NULL) {
            buf_puts(&b, schema_ident);
            p += 8;
        } else if (strncmp(p, "{app_role}", 10) == 0) {
            buf_puts(&b, role_ident);
            p += 10;
        } else {
            buf_putc(&b, *p++);
        }
    }
    return b.data;
}

static bool
lock(struct tool *t, long long tenant_id, bool take)
{
    struct db_params p;

    db_params_init(&p, &t->arena);
    db_param_int(&p, MIGRATE_LOCK_CLASS);
    db_param_int(&p, tenant_id);
    return db_query(t->db, NULL, take ? &lock_take : &lock_release, &p, NULL) == RESULT_OK;
}

/* Finds a version in rows of (version, checksum); returns its checksum or NULL. */
static const char *
applied_checksum(PGresult *res, int version)
{
    for (int i = 0; i < PQntuples(res); i++) {
        if (atoi(PQgetvalue(res, i, 0)) == version)
            return PQgetvalue(res, i, 1);
    }
    return NULL;
}

int
migrate_control(struct tool *t)
{
    struct migration_set set;
    PGresult *applied;
    char *role;
    int done = 0;

    if (!migration_load(&t->arena, arena_printf(&t->arena, "%s/control", t->migrations), &set))
        return 1;
    if (db_exec(t->db, "CREATE SCHEMA IF NOT EXISTS control;"
                       "CREATE TABLE IF NOT EXISTS control.schema_migrations ("
                       " version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,"
                       " applied_at timestamptz NOT NULL DEFAULT now())") != RESULT_OK)
        return tool_fail("cannot prepare the control schema: %s", db_error_message(t->db));
    role = tool_role_ident(t);
    if (!lock(t, 0, true))
        return tool_fail("cannot take the migration lock: %s", db_error_message(t->db));
    if (db_query(t->db, NULL, &control_applied, NULL, &applied) != RESULT_OK) {
        lock(t, 0, false);
        return tool_fail("cannot read applied migrations: %s", db_error_message(t->db));
    }
    for (size_t i = 0; i < set.count; i++) {
        struct migration *m = &set.items[i];
        const char *checksum = applied_checksum(applied, m->version);
        struct db_params p;

        if (checksum != NULL) {
            if (strcmp(checksum, m->checksum) != 0) {
                PQclear(applied);
                lock(t, 0, false);
                return tool_fail("control migration %s was changed after it was applied "
                                 "(checksum %.12s..., applied %.12s...); restore the file and "
                                 "put the change in a new migration",
                                 m->name, m->checksum, checksum);
            }
            continue;
        }
        db_params_init(&p, &t->arena);
        db_param_int(&p, m->version);
        db_param_text(&p, m->name);
        db_param_text(&p, m->checksum);
        if (db_begin(t->db) != RESULT_OK ||
            db_exec(t->db, migration_expand(&t->arena, m->sql, NULL, role)) != RESULT_OK ||
            db_query(t->db, NULL, &control_record, &p, NULL) != RESULT_OK ||
            db_commit(t->db) != RESULT_OK) {
            const char *message = arena_strdup(&t->arena, db_error_message(t->db));

            db_rollback(t->db);
            PQclear(applied);
            lock(t, 0, false);
            return tool_fail("control migration %s failed: %s", m->name, message);
        }
        done++;
    }
    PQclear(applied);
    lock(t, 0, false);
    if (done > 0)
        fprintf(stderr, "applied %d control migration%s\n", done, done == 1 ? "" : "s");
    return 0;
}

/* Runs one migration in its own transaction and records it. */
static bool
migrate_apply(struct tool *t, const struct migration *m, long long tenant_id,
              const char *schema_ident, const char *role, bool own_transaction)
{
    struct db_params p;
    struct timespec t0, t1;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (own_transaction && (db_begin(t->db) != RESULT_OK ||
                            db_exec(t->db, "SET LOCAL lock_timeout = '10s'") != RESULT_OK))
        return false;
    if (db_exec(t->db, migration_expand(&t->arena, m->sql, schema_ident, role)) != RESULT_OK)
        return false;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    db_params_init(&p, &t->arena);
    db_param_int(&p, tenant_id);
    db_param_int(&p, m->version);
    db_param_text(&p, m->name);
    db_param_text(&p, m->checksum);
    db_param_int(&p, (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000);
    if (db_query(t->db, NULL, &tenant_record, &p, NULL) != RESULT_OK)
        return false;
    db_params_init(&p, &t->arena);
    db_param_int(&p, tenant_id);
    db_param_int(&p, m->version);
    if (db_query(t->db, NULL, &tenant_version, &p, NULL) != RESULT_OK)
        return false;
    return !own_transaction || db_commit(t->db) == RESULT_OK;
}

bool
migrate_new_tenant(struct tool *t, const struct migration_set *set, long long tenant_id,
                   const char *schema_ident, int from_version)
{
    return migrate_new_tenant_range(t, set, tenant_id, schema_ident, from_version, 0);
}

bool
migrate_new_tenant_range(struct tool *t, const struct migration_set *set, long long tenant_id,
                         const char *schema_ident, int from_version, int to_version)
{
    char *role = tool_role_ident(t);

    for (size_t i = 0; i < set->count; i++) {
        if (set->items[i].version <= from_version ||
            (to_version > 0 && set->items[i].version > to_version))
            continue;
        if (!migrate_apply(t, &set->items[i], tenant_id, schema_ident, role, false)) {
            fprintf(stderr, "error: migration %s failed: %s\n", set->items[i].name,
                    db_error_message(t->db));
            return false;
        }
    }
    return true;
}

/*
 * Brings one tenant to the latest version under its advisory lock, so a second
 * run waits and then finds nothing left to do. Writes a result line to out:
 * "ok INDEX APPLIED" or "fail INDEX MIGRATION MESSAGE".
 */
static void
migrate_tenant(struct tool *t, const struct migration_set *set, const struct target *tg,
               size_t index, const char *role, FILE *out)
{
    struct db_params p;
    PGresult *applied;
    int count = 0;

    if (!lock(t, tg->id, true)) {
        fprintf(out, "fail %zu - cannot take the lock: %s\n", index, db_error_message(t->db));
        return;
    }
    db_params_init(&p, &t->arena);
    db_param_int(&p, tg->id);
    if (db_query(t->db, NULL, &applied_versions, &p, &applied) != RESULT_OK) {
        fprintf(out, "fail %zu - %s\n", index, db_error_message(t->db));
        lock(t, tg->id, false);
        return;
    }
    for (size_t i = 0; i < set->count; i++) {
        const struct migration *m = &set->items[i];
        const char *checksum = applied_checksum(applied, m->version);

        if (checksum != NULL) {
            if (strcmp(checksum, m->checksum) != 0) {
                fprintf(out, "fail %zu %s changed after it was applied; restore the file\n", index,
                        m->name);
                break;
            }
            continue;
        }
        if (!migrate_apply(t, m, tg->id, tg->schema_ident, role, true)) {
            char message[300];

            snprintf(message, sizeof(message), "%s", db_error_message(t->db));
            for (char *c = message; *c != '\0'; c++) {
                if (*c == '\n')
                    *c = ' ';
            }
            db_rollback(t->db);
            fprintf(out, "fail %zu %s %s\n", index, m->name, message);
            break;
        }
        count++;
    }
    PQclear(applied);
    if (!lock(t, tg->id, false))
        fprintf(out, "fail %zu - cannot release the lock\n", index);
    else if (ferror(out) == 0)
        fprintf(out, "ok %zu %d\n", index, count);
    fflush(out);
}

/* True when some tenant lacks a migration; also checks applied checksums. */
static bool
migrate_plan(const struct migration_set *set, struct target *targets, size_t count,
             PGresult *applied, bool *error)
{
    bool pending = false;
    int row = 0, rows = PQntuples(applied);

    *error = false;
    /* Both lists are ordered by tenant id: walk them together. */
    for (size_t i = 0; i < count; i++) {
        size_t have = 0;

        while (row < rows && atoll(PQgetvalue(applied, row, 0)) < targets[i].id)
            row++;
        for (; row < rows && atoll(PQgetvalue(applied, row, 0)) == targets[i].id; row++) {
            int version = atoi(PQgetvalue(applied, row, 1));

            for (size_t k = 0; k < set->count; k++) {
                if (set->items[k].version != version)
                    continue;
                if (strcmp(set->items[k].checksum, PQgetvalue(applied, row, 2)) != 0) {
                    fprintf(stderr, "error: tenant migration %s was changed after it was applied "
                                    "to tenant %s; restore the file and put the change in a new "
                                    "migration\n",
                            set->items[k].name, targets[i].slug);
                    *error = true;
                    return false;
                }
                have++;
            }
        }
        if (have < set->count)
            pending = true;
    }
    return pending;
}

static void
migrate_progress(size_t done, size_t failed, size_t total, double elapsed)
{
    double left = done > 0 ? elapsed / (double)done * (double)(total - done) : 0;

    fprintf(stderr, "\r  tenants migrated: %zu of %zu, %zu failed, about %.0f s left   ", done,
            total, failed, left);
}

/* Forks jobs workers; each takes every jobs-th tenant and reports lines on a pipe. */
static int
migrate_parallel(struct tool *t, const struct migration_set *set, struct target *targets,
                 size_t count, int jobs)
{
    int pipe_fds[2];
    pid_t pids[MIGRATE_JOBS_MAX];
    char *role = tool_role_ident(t);
    bool tty = isatty(STDERR_FILENO);
    size_t done = 0, failed = 0;
    char **failures = arena_calloc(&t->arena, count + 1, sizeof(char *));
    struct timespec start, now, shown = {0, 0};
    FILE *in;
    char line[1024];

    if (pipe(pipe_fds) != 0)
        return tool_fail("pipe: %s", strerror(errno));
    /* Never fork with an open connection: each worker opens its own. */
    db_disconnect(t->db);
    fflush(stderr);
    for (int w = 0; w < jobs; w++) {
        pids[w] = fork();
        if (pids[w] < 0)
            return tool_fail("fork: %s", strerror(errno));
        if (pids[w] == 0) {
            FILE *out = fdopen(pipe_fds[1], "w");

            /* The set, targets and role live in t->arena: give each tenant a fresh arena. */
            struct arena shared = t->arena;

            close(pipe_fds[0]);
            setvbuf(out, NULL, _IOLBF, 0);
            for (size_t i = (size_t)w; i < count; i += (size_t)jobs) {
                arena_init(&t->arena, 8192);
                migrate_tenant(t, set, &targets[i], i, role, out);
                arena_destroy(&t->arena);
            }
            t->arena = shared;
            fclose(out);
            db_free(t->db);
            _exit(0);
        }
    }
    close(pipe_fds[1]);
    in = fdopen(pipe_fds[0], "r");
    clock_gettime(CLOCK_MONOTONIC, &start);
    while (fgets(line, sizeof(line), in) != NULL) {
        size_t index;
        int consumed = 0;

        if (sscanf(line, "ok %zu", &index) == 1) {
            done++;
        } else if (sscanf(line, "fail %zu %n", &index, &consumed) == 1 && index < count) {
            done++;
            line[strcspn(line, "\n")] = '\0';
            failures[failed++] = arena_printf(&t->arena, "%s: %s", targets[index].slug, line + consumed);
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (tty && (now.tv_sec - shown.tv_sec) * 1000 + (now.tv_nsec - shown.tv_nsec) / 1000000 > 200) {
            migrate_progress(done, failed, count,
                             (double)(now.tv_sec - start.tv_sec) + (double)(now.tv_nsec - start.tv_nsec) / 1e9);
            shown = now;
        }
    }
    fclose(in);
    for (int w = 0; w < jobs; w++) {
        int status;

        waitpid(pids[w], &status, 0);
    }
    if (tty)
        fprintf(stderr, "\r%80s\r", "");
    if (done < count)
        failed += count - done; /* a worker died before reporting */

    tool_tenants_changed(t, NULL, 0);
    if (failed == 0) {
        fprintf(stderr, "all %zu tenant%s at version %d\n", count, count == 1 ? "" : "s",
                set->items[set->count - 1].version);
        return 0;
    }
    fprintf(stderr, "%zu of %zu tenants failed; each kept its previous version:\n", failed, count);
    for (size_t i = 0; i < failed && failures[i] != NULL; i++)
        fprintf(stderr, "  %s\n", failures[i]);
    fprintf(stderr, "fix the cause and run the same command again; it resumes where it stopped\n");
    return 1;
}

int
migrate_tenants(struct tool *t, const char *slug, int jobs)
{
    struct migration_set set;
    struct db_params p;
    PGresult *tenants, *applied;
    struct target *targets;
    size_t count;
    bool pending, error;
    enum result r;

    if (!migration_load(&t->arena, arena_printf(&t->arena, "%s/tenant", t->migrations), &set))
        return 1;
    if (set.count == 0)
        return tool_fail("no tenant migrations found in %s/tenant", t->migrations);
    db_params_init(&p, &t->arena);
    if (slug != NULL) {
        db_param_text(&p, slug);
        r = db_query(t->db, NULL, &tenant_one, &p, &tenants);
    } else {
        r = db_query(t->db, NULL, &tenants_all, NULL, &tenants);
    }
    if (r != RESULT_OK)
        return tool_fail("cannot list tenants: %s", db_error_message(t->db));
    count = (size_t)PQntuples(tenants);
    if (slug != NULL && count == 0) {
        PQclear(tenants);
        return tool_fail("no tenant has the slug %s; see `tenant list`", slug);
    }
    targets = arena_calloc(&t->arena, count + 1, sizeof(*targets));
    for (size_t i = 0; i < count; i++) {
        targets[i].id = atoll(PQgetvalue(tenants, (int)i, 0));
        targets[i].slug = arena_strdup(&t->arena, PQgetvalue(tenants, (int)i, 1));
        targets[i].schema_ident = arena_printf(&t->arena, "\"%s\"", PQgetvalue(tenants, (int)i, 2));
    }
    PQclear(tenants);
    if (count == 0) {
        fprintf(stderr, "no tenants to migrate\n");
        return 0;
    }

    if (slug != NULL) {
        db_params_init(&p, &t->arena);
        db_param_int(&p, targets[0].id);
        r = db_query(t->db, NULL, &applied_one, &p, &applied);
    } else {
        r = db_query(t->db, NULL, &applied_all, NULL, &applied);
    }
    if (r != RESULT_OK)
        return tool_fail("cannot read applied migrations: %s", db_error_message(t->db));
    pending = migrate_plan(&set, targets, count, applied, &error);
    PQclear(applied);
    if (error)
        return 1;
    if (!pending) {
        fprintf(stderr, "all %zu tenant%s at version %d; nothing to do\n", count,
                count == 1 ? "" : "s", set.items[set.count - 1].version);
        return 0;
    }
    if (jobs < 1)
        jobs = 1;
    if (jobs > MIGRATE_JOBS_MAX)
        jobs = MIGRATE_JOBS_MAX;
    if ((size_t)jobs > count)
        jobs = (int)count;
    return migrate_parallel(t, &set, targets, count, jobs);
}

static void
migrate_usage(void)
{
    fprintf(stderr, "usage: tenant migrate --control | SLUG | --all [-j JOBS]\n"
                    "  --control   apply control-plane migrations only\n"
                    "  SLUG        bring one tenant to the latest version\n"
                    "  --all       bring every tenant to the latest version\n"
                    "  -j JOBS     tenants migrated in parallel (default 4, at most 64)\n");
}

int
migrate_command(struct tool *t, int argc, char **argv)
{
    const char *slug = NULL;
    bool all = false, control_only = false;
    int jobs = 4;
    int status;

    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--all") == 0) {
            all = true;
        } else if (strcmp(argv[i], "--control") == 0) {
            control_only = true;
        } else if (strcmp(argv[i], "-j") == 0 && i + 1 < argc) {
            jobs = atoi(argv[++i]);
            if (jobs < 1 || jobs > MIGRATE_JOBS_MAX)
                return tool_fail("-j needs a number from 1 to %d", MIGRATE_JOBS_MAX);
        } else if (argv[i][0] != '-' && slug == NULL) {
            slug = argv[i];
        } else {
            migrate_usage();
            return 2;
        }
    }
    if (!control_only && !all && slug == NULL) {
        migrate_usage();
        return 2;
    }
    if ((status = migrate_control(t)) != 0 || control_only)
        return status;
    return migrate_tenants(t, all ? NULL : slug, jobs);
}
