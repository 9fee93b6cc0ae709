/*
 * Tenants as the server sees them: resolved from the Host header through an
 * in-process cache, checked against a generation counter in Redis, and loaded
 * from the control plane on a miss.
 *
 * A change to a tenant (suspend, resume, delete, domains) bumps the generation
 * key, and every worker reloads its entry on the next request that sees the new
 * value. Without Redis a worker trusts its entry for tenant_cache_seconds, which
 * is therefore the longest delay before a suspension takes effect.
 */
#ifndef LENDASTACK_TENANT_TENANT_H
#define LENDASTACK_TENANT_TENANT_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "cache/cache.h"
#include "core/result.h"
#include "core/tenant.h"
#include "db/db.h"

/*
 * Finds the tenant for a Host header: from this process's cache while the entry
 * is younger than ttl_seconds, else from Redis, else from the control plane.
 * RESULT_OK sets *out to an entry valid until the next call; RESULT_NOT_FOUND for
 * an unknown or malformed host; RESULT_UNAVAILABLE when PostgreSQL cannot be
 * asked. The caller checks the status (suspended, deleted).
 */
enum result tenant_resolve(struct db *db, struct cache *cache, const char *host, long ttl_seconds,
                           const struct tenant **out);

/*
 * Compares the generation read from Redis with the last one seen. On a change
 * every cached entry is dropped and true is returned: the caller resolves the
 * tenant again. A NULL generation (Redis not available) changes nothing.
 */
bool tenant_generation_changed(const char *generation);

/* Drops every cached entry. */
void tenant_cache_clear(void);

/* Returns the Redis key caching the tenant of a normalised host. */
char *tenant_host_key(struct arena *a, const char *host);

/*
 * Serialises a tenant as JSON for its Redis entry, into a. Returns the text and
 * sets *len to its length.
 */
char *tenant_encode(struct arena *a, const struct tenant *t, size_t *len);

/*
 * Parses a tenant's Redis entry into *t, allocating from a. Returns false for an
 * entry that is not such JSON, lacks the status or schema, has no positive id or
 * has text too long for struct tenant, and the caller then reads the control
 * plane. Entries can be corrupt, so any
 * bytes are valid input.
 */
bool tenant_decode(struct arena *a, const char *text, size_t len, struct tenant *t);

/* Reads a tenant's row from the control plane by slug into *out. */
enum result tenant_load_by_slug(struct db *db, const char *slug, struct tenant *out);

/* Reads a tenant's row from the control plane by id into *out. */
enum result tenant_load_by_id(struct db *db, int64_t id, struct tenant *out);

/* Fills a tenant from a control-plane row selected with TENANT_COLUMNS. */
void tenant_from_row(const PGresult *res, int row, struct tenant *out);

#define TENANT_COLUMNS                                                                        \
    "t.id, t.slug, t.display_name, t.schema_name, t.status, t.code_prefix, "                  \
    "t.prospect_prefix, t.case_prefix, t.time_zone, t.currency, t.country, t.schema_version"

/* The same columns without the table alias, for RETURNING lists. */
#define TENANT_COLUMNS_BARE                                                                   \
    "id, slug, display_name, schema_name, status, code_prefix, prospect_prefix, case_prefix, " \
    "time_zone, currency, country, schema_version"

#endif
