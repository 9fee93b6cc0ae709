#include <string.h>

#include "core/tenant.h"

static const char *const tenant_status_names[] = {"active", "suspended", "deleted"};

const char *
tenant_status_name(enum tenant_status s)
{
    return tenant_status_names[s];
}

int
tenant_status_parse(const char *name, enum tenant_status *out)
{
    for (int i = 0; i < 3; i++) {
        if (strcmp(name, tenant_status_names[i]) == 0) {
            *out = (enum tenant_status)i;
            return 1;
        }
    }
    return 0;
}
