/*
 * Pipelines and their stages under /api/v1/pipelines, and the board of a
 * pipeline: its stages with their counts and amounts and the first deals of
 * each, with a cursor per stage that GET /api/v1/deals?stage=...&sort=board
 * takes for the next deals.
 */
#include <string.h>

#include "api/paging.h"
#include "api/routes.h"
#include "domain/deal.h"
#include "domain/pipeline.h"
#include "http/response.h"

#define BOARD_LIMIT_DEFAULT 20 /* deals per stage on the board */

static const struct paging_sort board_sort[] = {
    {"board", PAGING_KEY_INTEGER},
    {NULL, PAGING_KEY_TEXT},
};

static enum result
pipeline_not_found(struct request *req)
{
    return response_fail(req, RESULT_NOT_FOUND, "not_found",
                         "No pipeline with the id %s exists.",
                         request_param(req, 0) != NULL ? request_param(req, 0) : "given");
}

static enum result
stage_not_found(struct request *req)
{
    return response_fail(req, RESULT_NOT_FOUND, "not_found",
                         "Pipeline %s has no live stage with the id %s.", request_param(req, 0),
                         request_param(req, 1) != NULL ? request_param(req, 1) : "given");
}

/* Reads the pipeline id of the path, and the stage id when with_stage is set. */
static bool
path_ids(struct request *req, bool with_stage, int64_t *id, int64_t *stage_id)
{
    return request_param_id(req, 0, id) && (!with_stage || request_param_id(req, 1, stage_id));
}

/* Commits and responds with a pipeline, or maps a missing one to 404. */
static enum result
finish(struct request *req, enum result r, int status, json_t *pipeline, bool stage)
{
    if (r == RESULT_NOT_FOUND)
        return stage ? stage_not_found(req) : pipeline_not_found(req);
    if (r != RESULT_OK || (r = db_commit(req->scope.db)) != RESULT_OK)
        return r;
    if (status == 201 && !stage)
        response_header(req, "Location",
                        arena_printf(req->arena, "/api/v1/pipelines/%lld",
                                     (long long)json_int(pipeline, "id", 0)));
    response_json(req, status, pipeline);
    return RESULT_OK;
}

static enum result
pipelines_list(struct request *req)
{
    json_t *items, *body;
    enum result r;

    if ((r = paging_check_parameters(req, (const char *const[]){NULL})) != RESULT_OK ||
        (r = pipeline_list(&req->scope, &items)) != RESULT_OK)
        return r;
    body = json_object();
    json_object_set_new(body, "items", items);
    response_json(req, 200, body);
    return RESULT_OK;
}

static enum result
pipelines_create(struct request *req)
{
    json_t *pipeline = NULL;
    enum result r;

    if ((r = paging_check_parameters(req, (const char *const[]){NULL})) != RESULT_OK ||
        (r = db_begin(req->scope.db)) != RESULT_OK)
        return r;
    r = pipeline_create(&req->scope, req->json, &pipeline);
    return finish(req, r, 201, pipeline, false);
}

static enum result
pipelines_update(struct request *req)
{
    json_t *pipeline = NULL;
    int64_t id;
    enum result r;

    if ((r = paging_check_parameters(req, (const char *const[]){NULL})) != RESULT_OK)
        return r;
    if (!path_ids(req, false, &id, NULL))
        return pipeline_not_found(req);
    if ((r = db_begin(req->scope.db)) != RESULT_OK)
        return r;
    r = pipeline_update(&req->scope, id, req->json, &pipeline);
    return finish(req, r, 200, pipeline, false);
}

static enum result
stages_create(struct request *req)
{
    json_t *pipeline = NULL;
    int64_t id;
    enum result r;

    if ((r = paging_check_parameters(req, (const char *const[]){NULL})) != RESULT_OK)
        return r;
    if (!path_ids(req, false, &id, NULL))
        return pipeline_not_found(req);
    if ((r = db_begin(req->scope.db)) != RESULT_OK)
        return r;
    r = pipeline_add_stage(&req->scope, id, req->json, &pipeline);
    return finish(req, r, 201, pipeline, false);
}

static enum result
stages_update(struct request *req)
{
    json_t *pipeline = NULL;
    int64_t id, stage_id;
    enum result r;

    if ((r = paging_check_parameters(req, (const char *const[]){NULL})) != RESULT_OK)
        return r;
    if (!path_ids(req, true, &id, &stage_id))
        return stage_not_found(req);
    if ((r = db_begin(req->scope.db)) != RESULT_OK)
        return r;
    r = pipeline_update_stage(&req->scope, id, stage_id, req->json, &pipeline);
    return finish(req, r, 200, pipeline, true);
}

static enum result
stages_remove(struct request *req)
{
    static const char *const known[] = {"move_to", NULL};
    json_t *pipeline = NULL;
    int64_t id, stage_id, move_to = 0, moved = 0;
    bool present;
    enum result r;

    if ((r = paging_check_parameters(req, known)) != RESULT_OK ||
        (r = paging_query_int(req, "move_to", 1, INT64_MAX, &move_to, &present)) != RESULT_OK)
        return r;
    if (!path_ids(req, true, &id, &stage_id))
        return stage_not_found(req);
    if ((r = db_begin(req->scope.db)) != RESULT_OK)
        return r;
    r = pipeline_remove_stage(&req->scope, id, stage_id, present ? move_to : 0, &pipeline,
                              &moved);
    if (r == RESULT_OK)
        json_object_set_new(pipeline, "moved_deals", json_integer(moved));
    return finish(req, r, 200, pipeline, true);
}

/* Turns a stage's next_after into next_cursor and next_page, the deals list's next page. */
static void
board_cursor(struct request *req, json_t *stage, int limit)
{
    struct paging page = {limit, board_sort, false, false, NULL, 0};
    json_t *after = json_object_get(stage, "next_after");
    const char *cursor = NULL;

    if (after != NULL)
        cursor = paging_next_cursor(req->arena, &page, json_str(after, "key"),
                                    json_int(after, "id", 0));
    json_object_set_new(stage, "next_cursor", json_string_or_null(cursor));
    json_object_set_new(
        stage, "next_page",
        json_string_or_null(
            cursor != NULL
                ? arena_printf(req->arena,
                               "/api/v1/deals?stage=%lld&sort=board&limit=%d&cursor=%s",
                               (long long)json_int(stage, "id", 0), limit, cursor)
                : NULL));
    json_object_del(stage, "next_after");
}

static enum result
pipelines_board(struct request *req)
{
    static const char *const known[] = {NULL};
    json_t *board, *stage;
    int64_t id, limit = BOARD_LIMIT_DEFAULT;
    bool present;
    size_t i;
    enum result r;

    if ((r = paging_check_parameters(req, known)) != RESULT_OK ||
        (r = paging_query_int(req, "limit", 1, PAGING_LIMIT_MAX, &limit, &present)) != RESULT_OK)
        return r;
    if (!path_ids(req, false, &id, NULL))
        return pipeline_not_found(req);
    r = deal_board(&req->scope, id, (int)limit, &board);
    if (r == RESULT_NOT_FOUND)
        return pipeline_not_found(req);
    if (r != RESULT_OK)
        return r;
    json_array_foreach(json_object_get(board, "stages"), i, stage)
        board_cursor(req, stage, (int)limit);
    response_json(req, 200, board);
    return RESULT_OK;
}

const struct route pipeline_routes[] = {
    {HTTP_GET, "/api/v1/pipelines", pipelines_list, PERM_DEALS_VIEW, 0},
    {HTTP_POST, "/api/v1/pipelines", pipelines_create, PERM_PIPELINE_MANAGE, ROUTE_BODY_JSON},
    {HTTP_PATCH, "/api/v1/pipelines/{id}", pipelines_update, PERM_PIPELINE_MANAGE,
     ROUTE_BODY_JSON},
    {HTTP_POST, "/api/v1/pipelines/{id}/stages", stages_create, PERM_PIPELINE_MANAGE,
     ROUTE_BODY_JSON},
    {HTTP_PATCH, "/api/v1/pipelines/{id}/stages/{stage_id}", stages_update,
     PERM_PIPELINE_MANAGE, ROUTE_BODY_JSON},
    {HTTP_DELETE, "/api/v1/pipelines/{id}/stages/{stage_id}", stages_remove,
     PERM_PIPELINE_MANAGE, 0},
    {HTTP_GET, "/api/v1/pipelines/{id}/board", pipelines_board, PERM_DEALS_VIEW, 0},
    {0, NULL, NULL, PERM_NONE, 0},
};
