/*
 * State shared by the subcommands of lendastack-tenant: the owner connection,
 * Redis, and the settings the operator's environment gives.
 */
#ifndef LENDASTACK_TENANTS_TOOL_H
#define LENDASTACK_TENANTS_TOOL_H

#include <stdbool.h>
#include <stdio.h>

#include "cache/cache.h"
#include "core/arena.h"
#include "db/db.h"

struct tool {
    struct arena arena;        /* lives as long as the command */
    struct arena scratch;      /* per step, e.g. per tenant migrated; reset freely */
    struct db *db;             /* owner role: runs migrations and provisioning */
    struct cache *cache;       /* to invalidate what servers cached */
    const char *owner_conninfo;
    const char *app_role;      /* the server's role, granted access to tenant schemas */
    const char *migrations;    /* folder holding control/ and tenant/ */
    const char *base_domain;
    const char *public_url;    /* scheme://host-suffix for links, e.g. http://%s.localhost:8080 */
    bool json;                 /* --json output where supported */
};

/* Tells every server that tenants changed: they drop their cached copies. */
void tool_tenants_changed(struct tool *t, const char *const *hosts, size_t count);

/* Returns the server's role name quoted as an SQL identifier. */
char *tool_role_ident(struct tool *t);

/* Prints "error: ..." to stderr; returns 1 for use as an exit status. */
int tool_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
