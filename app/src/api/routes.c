#include "api/routes.h"

void
routes_register(void)
{
    router_reset();
    router_add(health_routes);
    router_add(auth_routes);
    router_add(customer_routes);
    router_add(prospect_routes);
}
