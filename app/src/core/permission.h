/*
 * Named permissions and the actor a request runs as. A role grants each
 * permission either for all records or, for view and update permissions, for
 * the actor's own records only: records the actor owns or is assigned to.
 */
#ifndef LENDASTACK_CORE_PERMISSION_H
#define LENDASTACK_CORE_PERMISSION_H

#include <stdbool.h>
#include <stdint.h>

enum permission {
    PERM_CUSTOMERS_VIEW,
    PERM_CUSTOMERS_CREATE,
    PERM_CUSTOMERS_UPDATE,
    PERM_CUSTOMERS_ARCHIVE,
    PERM_CUSTOMERS_IMPORT,
    PERM_CUSTOMERS_EXPORT,
    PERM_PROSPECTS_VIEW,
    PERM_PROSPECTS_CREATE,
    PERM_PROSPECTS_UPDATE,
    PERM_PROSPECTS_CONVERT,
    PERM_ACTIVITIES_CREATE,
    PERM_CASES_VIEW,
    PERM_CASES_CREATE,
    PERM_CASES_UPDATE,
    PERM_CASES_ASSIGN,
    PERM_CASES_CLOSE,
    PERM_DEALS_VIEW,
    PERM_DEALS_CREATE,
    PERM_DEALS_UPDATE,
    PERM_PIPELINE_MANAGE,
    PERM_REPORTS_VIEW,
    PERM_USERS_MANAGE,
    PERM_ROLES_MANAGE,
    PERM_SETTINGS_MANAGE,
    PERM_AUDIT_VIEW,
    PERM_COUNT,
    PERM_NONE = -1 /* a route that needs only a signed-in actor */
};

/* Returns "customers.view" and so on. */
const char *permission_name(enum permission p);

/* Finds a permission by name; false when unknown. */
bool permission_parse(const char *name, enum permission *out);

/* True for the view and update permissions, which a role may limit to own records. */
bool permission_is_scoped(enum permission p);

/* Who a request runs as: a signed-in user or an API token acting for one. */
struct actor {
    int64_t user_id;
    int64_t role_id;
    int64_t token_id;      /* 0 for a browser session */
    int64_t session_id;    /* 0 for a token */
    uint64_t granted;      /* bit p set: permission p granted */
    uint64_t own_only;     /* bit p set: granted for own records only */
    const char *email;
    const char *display_name;
    const char *role_name;
};

bool actor_can(const struct actor *a, enum permission p);

/* True when the actor holds p for all records, false when only for its own. */
bool actor_sees_all(const struct actor *a, enum permission p);

#endif
