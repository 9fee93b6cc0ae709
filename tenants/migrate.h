/*
 * Numbered SQL migrations: migrations/control/NNNN_name.sql for the shared
 * control plane and migrations/tenant/NNNN_name.sql for every tenant schema.
 * Each file runs in its own transaction and is recorded with its SHA-256; a file
 * changed after it was applied stops the run.
 *
 * In tenant files {tenant} stands for the tenant's quoted schema; in both kinds
 * {app_role} stands for the server's quoted role name.
 */
#ifndef LENDASTACK_TENANTS_MIGRATE_H
#define LENDASTACK_TENANTS_MIGRATE_H

#include <stdbool.h>
#include <stddef.h>

#include "tenants/tool.h"

struct migration {
    int version;
    char *name;       /* file name */
    char *sql;
    char *checksum;   /* hex SHA-256 of the file */
};

struct migration_set {
    struct migration *items;
    size_t count;
};

/* Reads NNNN_*.sql files of a folder in version order; false (with a message) on error. */
bool migration_load(struct arena *a, const char *folder, struct migration_set *out);

/* Replaces {tenant} and {app_role} in a migration's SQL. */
char *migration_expand(struct arena *a, const char *sql, const char *schema_ident,
                       const char *role_ident);

/* Applies pending control-plane migrations. Returns an exit status. */
int migrate_control(struct tool *t);

/*
 * Applies migrations to a new tenant on the tool's connection, inside the
 * caller's transaction, without locking: for a schema being provisioned. Only
 * versions above from_version, and up to to_version unless that is 0, are applied.
 */
bool migrate_new_tenant(struct tool *t, const struct migration_set *set, long long tenant_id,
                        const char *schema_ident, int from_version);
bool migrate_new_tenant_range(struct tool *t, const struct migration_set *set, long long tenant_id,
                              const char *schema_ident, int from_version, int to_version);

/*
 * Migrates one tenant (slug) or all (slug NULL) with jobs parallel workers.
 * Returns an exit status: 0 when every tenant is at the latest version.
 */
int migrate_tenants(struct tool *t, const char *slug, int jobs);

/* The `migrate` subcommand: [--control] [SLUG | --all] [-j N]. */
int migrate_command(struct tool *t, int argc, char **argv);

#endif
