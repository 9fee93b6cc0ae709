#include "api/routes.h"

void
routes_register(void)
{
    router_reset();
    router_add(health_routes);
    router_add(auth_routes);
    router_add(users_routes);
    router_add(roles_routes);
    router_add(tokens_routes);
    router_add(settings_routes);
    router_add(audit_routes);
    router_add(customer_routes);
    router_add(prospect_routes);
    router_add(case_routes);
    router_add(activity_routes);
    router_add(dashboard_routes);
    router_add(import_routes);
    router_add(export_routes);
    router_add(pipeline_routes);
    router_add(deal_routes);
    router_add(report_routes);
}
