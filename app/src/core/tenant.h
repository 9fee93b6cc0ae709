/*
 * A tenant's control-plane row, as every layer needs it: the schema its data
 * lives in and the defaults it sets (code prefixes, time zone, currency,
 * country for phone numbers).
 */
#ifndef LENDASTACK_CORE_TENANT_H
#define LENDASTACK_CORE_TENANT_H

#include <stdint.h>

#include "db/db.h"

/*
 * Redis key counting changes to tenants. Whoever suspends, resumes, deletes or
 * re-domains a tenant increments it; workers drop their tenant cache on a change.
 */
#define TENANT_GENERATION_KEY "ctl:generation"

enum tenant_status { TENANT_ACTIVE, TENANT_SUSPENDED, TENANT_DELETED };

struct tenant {
    int64_t id;
    char slug[64];
    char display_name[801];  /* 200 characters (control.tenants), 4 bytes each at most */
    char schema_name[32];
    char schema_ident[40];   /* schema_name in double quotes */
    enum tenant_status status;
    char code_prefix[16];
    char prospect_prefix[16];
    char case_prefix[16];
    char time_zone[64];
    char currency[4];
    char country[3];
    struct db_schema schema; /* what db_query needs; points into this struct */
};

/* Returns "active", "suspended" or "deleted". */
const char *tenant_status_name(enum tenant_status s);

/* Parses a status name; returns false for an unknown one. */
int tenant_status_parse(const char *name, enum tenant_status *out);

#endif
