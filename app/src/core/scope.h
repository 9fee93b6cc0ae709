/*
 * What a domain or store call runs under: the tenant, the acting user, the
 * connections, the clock and the arena. The API layer builds one per request;
 * the tenant command builds one per tenant it works on.
 */
#ifndef LENDASTACK_CORE_SCOPE_H
#define LENDASTACK_CORE_SCOPE_H

#include <stdint.h>

#include "cache/cache.h"
#include "core/arena.h"
#include "core/permission.h"
#include "core/problem.h"
#include "core/tenant.h"
#include "db/db.h"

struct scope {
    struct arena *arena;
    struct db *db;
    struct cache *cache;          /* may be NULL: everything works without Redis */
    const struct tenant *tenant;
    const struct actor *actor;    /* NULL for system work such as provisioning */
    const char *client_addr;      /* for audit entries; may be NULL */
    int64_t now_us;               /* microseconds since the epoch, fixed per request */
    struct problem *problem;      /* where validation errors go */
};

/* Returns the tenant's schema for db_query. */
static inline const struct db_schema *
scope_schema(const struct scope *s)
{
    return &s->tenant->schema;
}

#endif
