/* Tenant settings: every signed-in user reads them, and settings.manage changes them. */
#include "api/routes.h"
#include "domain/settings.h"
#include "http/response.h"

static enum result
settings_send(struct request *req)
{
    struct settings settings;
    enum result r;

    if ((r = settings_load(&req->scope, &settings)) != RESULT_OK)
        return r;
    response_json(req, 200, settings_to_json(&settings));
    return RESULT_OK;
}

static enum result
settings_show(struct request *req)
{
    return settings_send(req);
}

/* Changes the keys present in the body. A key left out keeps its value. */
static enum result
settings_change(struct request *req)
{
    struct scope *s = &req->scope;
    enum result r;

    if ((r = db_begin(s->db)) != RESULT_OK)
        return r;
    r = settings_update(s, req->json);
    if (r == RESULT_OK)
        r = db_commit(s->db);
    if (r != RESULT_OK)
        return r;
    return settings_send(req);
}

const struct route settings_routes[] = {
    {HTTP_GET, "/api/v1/settings", settings_show, PERM_NONE, 0},
    {HTTP_PATCH, "/api/v1/settings", settings_change, PERM_SETTINGS_MANAGE, ROUTE_BODY_JSON},
    {0, NULL, NULL, PERM_NONE, 0},
};
