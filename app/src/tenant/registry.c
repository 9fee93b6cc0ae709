#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/json.h"
#include "core/log.h"
#include "tenant/host.h"
#include "tenant/tenant.h"

/*
 * Power of two. The cache starts over when half the slots are used, so a worker
 * keeps up to 2,048 host names. With 1,024 slots, a worker serving 1,000
 * tenants started over after every 512 of them, so most of its requests read
 * their tenant from Redis again.
 */
#define REGISTRY_SLOTS 4096
#define REGISTRY_REDIS_TTL 300   /* seconds; changes delete the key at once */

struct registry_entry {
    char host[HOST_MAX + 1];     /* "" marks a free slot */
    bool found;                  /* false: a cached "no such host" */
    time_t loaded_at;
    struct tenant tenant;
};

static struct registry_entry registry[REGISTRY_SLOTS];
static size_t registry_used;
static char registry_generation[32];

static struct sql tenant_by_host = SQL_STATEMENT(
    "SELECT " TENANT_COLUMNS " FROM control.domains d JOIN control.tenants t ON t.id = d.tenant_id"
    " WHERE d.hostname = $1");
static struct sql tenant_by_slug = SQL_STATEMENT(
    "SELECT " TENANT_COLUMNS " FROM control.tenants t WHERE t.slug = $1");
static struct sql tenant_by_id = SQL_STATEMENT(
    "SELECT " TENANT_COLUMNS " FROM control.tenants t WHERE t.id = $1");

static uint64_t
registry_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;

    for (; *s != '\0'; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

static struct registry_entry *
registry_slot(const char *host)
{
    size_t i = registry_hash(host) & (REGISTRY_SLOTS - 1);

    for (size_t probes = 0; probes < REGISTRY_SLOTS; probes++, i = (i + 1) & (REGISTRY_SLOTS - 1)) {
        if (registry[i].host[0] == '\0' || strcmp(registry[i].host, host) == 0)
            return &registry[i];
    }
    return NULL;
}

void
tenant_cache_clear(void)
{
    /* Only slots in use are written, so slots never used cost no resident memory. */
    for (size_t i = 0; i < REGISTRY_SLOTS; i++) {
        if (registry[i].host[0] != '\0')
            memset(&registry[i], 0, sizeof(registry[i]));
    }
    registry_used = 0;
}

bool
tenant_generation_changed(const char *generation)
{
    if (generation == NULL)
        return false;
    if (strcmp(generation, registry_generation) == 0)
        return false;
    /* The first value seen also clears: entries loaded before it may be older. */
    snprintf(registry_generation, sizeof(registry_generation), "%s", generation);
    tenant_cache_clear();
    return true;
}

char *
tenant_host_key(struct arena *a, const char *host)
{
    return arena_printf(a, "ctl:host:%s", host);
}

/* Copies src, or "" for NULL, into dst. Returns false when src was cut to fit. */
static bool
copy_field(char *dst, size_t size, const char *src)
{
    int n = snprintf(dst, size, "%s", src != NULL ? src : "");

    return n >= 0 && (size_t)n < size;
}

static void
tenant_finish(struct tenant *t, int version)
{
    snprintf(t->schema_ident, sizeof(t->schema_ident), "\"%s\"", t->schema_name);
    t->schema.tenant_id = t->id;
    t->schema.ident = t->schema_ident;
    t->schema.version = version;
}

void
tenant_from_row(const PGresult *res, int row, struct tenant *out)
{
    memset(out, 0, sizeof(*out));
    out->id = db_value_int(res, row, 0);
    copy_field(out->slug, sizeof(out->slug), db_value(res, row, 1));
    copy_field(out->display_name, sizeof(out->display_name), db_value(res, row, 2));
    copy_field(out->schema_name, sizeof(out->schema_name), db_value(res, row, 3));
    if (!tenant_status_parse(db_value(res, row, 4), &out->status))
        out->status = TENANT_SUSPENDED; /* fail closed on a status this build does not know */
    copy_field(out->code_prefix, sizeof(out->code_prefix), db_value(res, row, 5));
    copy_field(out->prospect_prefix, sizeof(out->prospect_prefix), db_value(res, row, 6));
    copy_field(out->case_prefix, sizeof(out->case_prefix), db_value(res, row, 7));
    copy_field(out->time_zone, sizeof(out->time_zone), db_value(res, row, 8));
    copy_field(out->currency, sizeof(out->currency), db_value(res, row, 9));
    copy_field(out->country, sizeof(out->country), db_value(res, row, 10));
    tenant_finish(out, (int)db_value_int(res, row, 11));
}

char *
tenant_encode(struct arena *a, const struct tenant *t, size_t *len)
{
    struct arena *previous = json_use_arena(a);
    json_t *o = json_object();
    char *text;

    json_object_set_new(o, "id", json_integer(t->id));
    json_object_set_new(o, "slug", json_string(t->slug));
    json_object_set_new(o, "name", json_string(t->display_name));
    json_object_set_new(o, "schema", json_string(t->schema_name));
    json_object_set_new(o, "status", json_string(tenant_status_name(t->status)));
    json_object_set_new(o, "code_prefix", json_string(t->code_prefix));
    json_object_set_new(o, "prospect_prefix", json_string(t->prospect_prefix));
    json_object_set_new(o, "case_prefix", json_string(t->case_prefix));
    json_object_set_new(o, "time_zone", json_string(t->time_zone));
    json_object_set_new(o, "currency", json_string(t->currency));
    json_object_set_new(o, "country", json_string(t->country));
    json_object_set_new(o, "version", json_integer(t->schema.version));
    text = json_dump(o, len);
    json_use_arena(previous);
    return text;
}

bool
tenant_decode(struct arena *a, const char *text, size_t len, struct tenant *t)
{
    struct arena *previous = json_use_arena(a);
    json_t *o = json_parse(text, len, NULL);
    const char *status;
    bool ok = false;

    memset(t, 0, sizeof(*t));
    if (json_is_object(o) && (status = json_str(o, "status")) != NULL &&
        tenant_status_parse(status, &t->status) && json_str(o, "schema") != NULL) {
        t->id = json_int(o, "id", 0);
        /* Text that does not fit is corrupt, and cutting it could split a character. */
        ok = copy_field(t->slug, sizeof(t->slug), json_str(o, "slug")) &&
             copy_field(t->display_name, sizeof(t->display_name), json_str(o, "name")) &&
             copy_field(t->schema_name, sizeof(t->schema_name), json_str(o, "schema")) &&
             copy_field(t->code_prefix, sizeof(t->code_prefix), json_str(o, "code_prefix")) &&
             copy_field(t->prospect_prefix, sizeof(t->prospect_prefix),
                        json_str(o, "prospect_prefix")) &&
             copy_field(t->case_prefix, sizeof(t->case_prefix), json_str(o, "case_prefix")) &&
             copy_field(t->time_zone, sizeof(t->time_zone), json_str(o, "time_zone")) &&
             copy_field(t->currency, sizeof(t->currency), json_str(o, "currency")) &&
             copy_field(t->country, sizeof(t->country), json_str(o, "country"));
        tenant_finish(t, (int)json_int(o, "version", 0));
        ok = ok && t->id > 0;
    }
    json_use_arena(previous);
    return ok;
}

static enum result
tenant_fetch(struct db *db, struct cache *cache, struct arena *a, const char *host,
             struct registry_entry *e)
{
    char *key = tenant_host_key(a, host);
    char *cached = NULL;
    size_t cached_len = 0;
    struct db_params p;
    PGresult *res;
    enum result r;

    if (cache != NULL && cache_get(cache, a, key, &cached, &cached_len) == RESULT_OK) {
        if (strcmp(cached, "none") == 0) {
            e->found = false;
            return RESULT_OK;
        }
        if (tenant_decode(a, cached, cached_len, &e->tenant)) {
            e->found = true;
            return RESULT_OK;
        }
    }

    db_params_init(&p, a);
    db_param_text(&p, host);
    r = db_query(db, NULL, &tenant_by_host, &p, &res);
    if (r != RESULT_OK)
        return r;
    e->found = PQntuples(res) == 1;
    if (e->found)
        tenant_from_row(res, 0, &e->tenant);
    PQclear(res);

    if (cache != NULL) {
        size_t len = 4;
        const char *text = e->found ? tenant_encode(a, &e->tenant, &len) : "none";

        cache_set(cache, key, text, len, e->found ? REGISTRY_REDIS_TTL : 30);
    }
    return RESULT_OK;
}

enum result
tenant_resolve(struct db *db, struct cache *cache, const char *host, long ttl_seconds,
               const struct tenant **out)
{
    char canonical[HOST_MAX + 1];
    struct registry_entry *e;
    struct arena scratch;
    time_t now = time(NULL);
    enum result r;

    if (!host_normalize(host, canonical, sizeof(canonical)))
        return RESULT_NOT_FOUND;

    e = registry_slot(canonical);
    if (e == NULL || (e->host[0] == '\0' && registry_used >= REGISTRY_SLOTS / 2)) {
        /* Full: start over rather than let probing grow long. */
        tenant_cache_clear();
        e = registry_slot(canonical);
    }
    if (e->host[0] != '\0' && now - e->loaded_at < ttl_seconds) {
        if (!e->found)
            return RESULT_NOT_FOUND;
        *out = &e->tenant;
        return RESULT_OK;
    }

    arena_init(&scratch, 4096);
    r = tenant_fetch(db, cache, &scratch, canonical, e);
    arena_destroy(&scratch);
    if (r != RESULT_OK)
        return r;
    if (e->host[0] == '\0')
        registry_used++;
    snprintf(e->host, sizeof(e->host), "%s", canonical);
    e->loaded_at = now;
    if (!e->found)
        return RESULT_NOT_FOUND;
    *out = &e->tenant;
    return RESULT_OK;
}

static enum result
tenant_load(struct db *db, struct sql *q, const char *key, struct tenant *out)
{
    struct arena scratch;
    struct db_params p;
    PGresult *res;
    enum result r;

    arena_init(&scratch, 1024);
    db_params_init(&p, &scratch);
    db_param_text(&p, key);
    r = db_query(db, NULL, q, &p, &res);
    arena_destroy(&scratch);
    if (r != RESULT_OK)
        return r;
    if (PQntuples(res) != 1) {
        PQclear(res);
        return RESULT_NOT_FOUND;
    }
    tenant_from_row(res, 0, out);
    PQclear(res);
    return RESULT_OK;
}

enum result
tenant_load_by_slug(struct db *db, const char *slug, struct tenant *out)
{
    return tenant_load(db, &tenant_by_slug, slug, out);
}

enum result
tenant_load_by_id(struct db *db, int64_t id, struct tenant *out)
{
    char text[32];

    snprintf(text, sizeof(text), "%lld", (long long)id);
    return tenant_load(db, &tenant_by_id, text, out);
}
