/* The dashboard: GET /api/v1/dashboard, for any signed-in user, with what they may see. */
#include "api/paging.h"
#include "api/routes.h"
#include "domain/dashboard.h"
#include "http/response.h"

static enum result
dashboard_get(struct request *req)
{
    json_t *dashboard;
    enum result r;

    if ((r = paging_check_parameters(req, (const char *const[]){NULL})) != RESULT_OK ||
        (r = dashboard_build(&req->scope, &dashboard)) != RESULT_OK)
        return r;
    response_json(req, 200, dashboard);
    return RESULT_OK;
}

const struct route dashboard_routes[] = {
    {HTTP_GET, "/api/v1/dashboard", dashboard_get, PERM_NONE, 0},
    {0, NULL, NULL, PERM_NONE, 0},
};
