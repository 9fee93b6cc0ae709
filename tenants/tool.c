/* Helpers shared by the subcommands. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/tenant.h"
#include "tenants/tool.h"

int
tool_fail(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "error: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    return 1;
}

char *
tool_role_ident(struct tool *t)
{
    char *quoted;
    char *copy;

    if (db_connect(t->db) != RESULT_OK)
        return arena_printf(&t->arena, "\"%s\"", t->app_role);
    quoted = PQescapeIdentifier(db_conn(t->db), t->app_role, strlen(t->app_role));
    copy = arena_strdup(&t->arena, quoted);
    PQfreemem(quoted);
    return copy;
}

void
tool_tenants_changed(struct tool *t, const char *const *hosts, size_t count)
{
    bool ok = t->cache != NULL;

    for (size_t i = 0; ok && i < count; i++) {
        const char *key = arena_printf(&t->arena, "ctl:host:%s", hosts[i]);

        ok = cache_del(t->cache, 1, &key) == RESULT_OK;
    }
    if (ok)
        ok = cache_bump(t->cache, TENANT_GENERATION_KEY) == RESULT_OK;
    if (!ok)
        fprintf(stderr, "warning: Redis is not reachable; servers notice the change within "
                        "LENDASTACK_TENANT_CACHE_SECONDS (default 5 s)\n");
}
