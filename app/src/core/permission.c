#include <string.h>

#include "core/permission.h"

static const char *const permission_names[PERM_COUNT] = {
    [PERM_CUSTOMERS_VIEW] = "customers.view",
    [PERM_CUSTOMERS_CREATE] = "customers.create",
    [PERM_CUSTOMERS_UPDATE] = "customers.update",
    [PERM_CUSTOMERS_ARCHIVE] = "customers.archive",
    [PERM_CUSTOMERS_IMPORT] = "customers.import",
    [PERM_CUSTOMERS_EXPORT] = "customers.export",
    [PERM_PROSPECTS_VIEW] = "prospects.view",
    [PERM_PROSPECTS_CREATE] = "prospects.create",
    [PERM_PROSPECTS_UPDATE] = "prospects.update",
    [PERM_PROSPECTS_CONVERT] = "prospects.convert",
    [PERM_ACTIVITIES_CREATE] = "activities.create",
    [PERM_CASES_VIEW] = "cases.view",
    [PERM_CASES_CREATE] = "cases.create",
    [PERM_CASES_UPDATE] = "cases.update",
    [PERM_CASES_ASSIGN] = "cases.assign",
    [PERM_CASES_CLOSE] = "cases.close",
    [PERM_DEALS_VIEW] = "deals.view",
    [PERM_DEALS_CREATE] = "deals.create",
    [PERM_DEALS_UPDATE] = "deals.update",
    [PERM_PIPELINE_MANAGE] = "pipeline.manage",
    [PERM_REPORTS_VIEW] = "reports.view",
    [PERM_USERS_MANAGE] = "users.manage",
    [PERM_ROLES_MANAGE] = "roles.manage",
    [PERM_SETTINGS_MANAGE] = "settings.manage",
    [PERM_AUDIT_VIEW] = "audit.view",
};

const char *
permission_name(enum permission p)
{
    if (p < 0 || p >= PERM_COUNT)
        return "none";
    return permission_names[p];
}

bool
permission_parse(const char *name, enum permission *out)
{
    for (int i = 0; i < PERM_COUNT; i++) {
        if (strcmp(permission_names[i], name) == 0) {
            *out = (enum permission)i;
            return true;
        }
    }
    return false;
}

bool
permission_is_scoped(enum permission p)
{
    const char *name = permission_name(p);
    const char *dot = strchr(name, '.');

    return dot != NULL && (strcmp(dot, ".view") == 0 || strcmp(dot, ".update") == 0);
}

bool
actor_can(const struct actor *a, enum permission p)
{
    if (a == NULL || p < 0 || p >= PERM_COUNT)
        return false;
    return (a->granted >> p) & 1u;
}

bool
actor_sees_all(const struct actor *a, enum permission p)
{
    return actor_can(a, p) && !((a->own_only >> p) & 1u);
}
