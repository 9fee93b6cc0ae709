/* Every route array of the API, registered in one place. */
#ifndef LENDASTACK_API_ROUTES_H
#define LENDASTACK_API_ROUTES_H

#include "http/router.h"

extern const struct route health_routes[];
extern const struct route auth_routes[];
extern const struct route users_routes[];
extern const struct route roles_routes[];
extern const struct route tokens_routes[];
extern const struct route settings_routes[];
extern const struct route audit_routes[];
extern const struct route customer_routes[];
extern const struct route prospect_routes[];
extern const struct route case_routes[];
extern const struct route activity_routes[];
extern const struct route dashboard_routes[];
extern const struct route import_routes[];
extern const struct route export_routes[];
extern const struct route pipeline_routes[];
extern const struct route deal_routes[];
extern const struct route report_routes[];

/* Registers every route array with the router. */
void routes_register(void);

#endif
