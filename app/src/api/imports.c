/*
 * CSV imports: /api/v1/imports takes a CSV file as the body and its options as
 * query parameters. It responds with the report of a dry run (200), a finished
 * import (201) or a queued one (202). Imports are listed, read and undone by id.
 */
#include <string.h>

#include "api/customer_list.h"
#include "api/paging.h"
#include "api/routes.h"
#include "core/text.h"
#include "domain/import.h"
#include "http/response.h"

#define FILE_NAME_MAX 200 /* characters of the file_name parameter */

static const char *const import_parameters[] = {
    "target", "dry_run", "delimiter", "mapping", "on_invalid", "on_duplicate", "file_name", NULL,
};

static const struct paging_sort import_order[] = {{"id", PAGING_KEY_INTEGER}, {NULL, 0}};

static enum result
bad_parameter(struct request *req, const char *name, const char *rule, const char *message)
{
    problem_field(&req->problem, name, rule, "%s", message);
    return response_fail(req, RESULT_MALFORMED, "invalid_parameter",
                         "The query parameter %s is not valid. %s", name, message);
}

/* Finds value in names; returns its index, or -1 when absent or unknown. */
static int
choice(const char *value, const char *const *names)
{
    for (int i = 0; value != NULL && names[i] != NULL; i++) {
        if (strcmp(names[i], value) == 0)
            return i;
    }
    return -1;
}

/* Reads the mapping parameter: a JSON object of header -> field name or null. */
static enum result
read_mapping(struct request *req, const json_t **mapping)
{
    const char *text = request_query(req, "mapping");
    json_error_t error;
    json_t *parsed, *value;
    const char *key;

    *mapping = NULL;
    if (text == NULL)
        return RESULT_OK;
    parsed = json_parse(text, strlen(text), &error);
    if (!json_is_object(parsed))
        return bad_parameter(req, "mapping", "format",
                             "Must be a JSON object of CSV header to field name, such as "
                             "{\"Surname\": \"last_name\", \"Fax\": null}.");
    json_object_foreach(parsed, key, value)
    {
        if (!json_is_string(value) && !json_is_null(value))
            return bad_parameter(req, "mapping", "format",
                                 "Each value must be a field name or null.");
    }
    *mapping = parsed;
    return RESULT_OK;
}

/* Reads the options of an import from the query string. */
static enum result
read_options(struct request *req, struct import_options *o)
{
    static const char *const booleans[] = {"false", "true", NULL};
    static const char *const delimiters[] = {"comma", "semicolon", "tab", NULL};
    static const char *const on_invalid[] = {"skip", "abort", NULL};
    static const char *const on_duplicate[] = {"skip", "update", "create", NULL};
    const char *target = request_query(req, "target");
    const char *dry_run = request_query(req, "dry_run");
    const char *delimiter = request_query(req, "delimiter");
    const char *invalid = request_query(req, "on_invalid");
    const char *duplicate = request_query(req, "on_duplicate");
    const char *file_name = request_query(req, "file_name");
    char *trimmed;
    size_t chars;

    memset(o, 0, sizeof(*o));
    if (target == NULL)
        return bad_parameter(req, "target", "required",
                             "Name what the file holds: person_customers, business_customers "
                             "or prospects.");
    if (!import_target_parse(target, &o->target))
        return bad_parameter(req, "target", "choice",
                             "Must be one of: person_customers, business_customers, prospects.");
    if (dry_run != NULL && choice(dry_run, booleans) < 0)
        return bad_parameter(req, "dry_run", "type", "Must be true or false.");
    o->dry_run = choice(dry_run, booleans) == 1;
    if (delimiter != NULL && choice(delimiter, delimiters) < 0)
        return bad_parameter(req, "delimiter", "choice", "Must be one of: comma, semicolon, tab.");
    o->delimiter = delimiter == NULL ? 0 : ",;\t"[choice(delimiter, delimiters)];
    if (invalid != NULL && choice(invalid, on_invalid) < 0)
        return bad_parameter(req, "on_invalid", "choice", "Must be one of: skip, abort.");
    o->on_invalid = invalid != NULL && choice(invalid, on_invalid) == 1 ? IMPORT_INVALID_ABORT
                                                                        : IMPORT_INVALID_SKIP;
    if (duplicate != NULL && choice(duplicate, on_duplicate) < 0)
        return bad_parameter(req, "on_duplicate", "choice",
                             "Must be one of: skip, update, create.");
    o->on_duplicate = duplicate == NULL ? IMPORT_DUPLICATE_SKIP
                                        : (enum import_on_duplicate)choice(duplicate, on_duplicate);
    if (file_name != NULL) {
        if (text_normalize(req->arena, file_name, strlen(file_name), TEXT_SINGLE_LINE, &trimmed,
                           &chars) != TEXT_OK ||
            chars == 0 || chars > FILE_NAME_MAX)
            return bad_parameter(req, "file_name", "format",
                                 "Must be a file name of 1 to 200 characters on one line.");
        o->file_name = trimmed;
    }
    return read_mapping(req, &o->mapping);
}

static void
respond_import(struct request *req, int status, json_t *import)
{
    response_header(req, "Location",
                    arena_printf(req->arena, "/api/v1/imports/%lld",
                                 (long long)json_int(import, "id", 0)));
    response_json(req, status, import);
}

static enum result
imports_create(struct request *req)
{
    struct import_options o;
    enum import_outcome outcome;
    json_t *answer;
    enum result r;

    if ((r = customers_check_query(req, import_parameters)) != RESULT_OK ||
        (r = read_options(req, &o)) != RESULT_OK)
        return r;
    if (req->json != NULL)
        return response_fail(req, RESULT_UNSUPPORTED_MEDIA, "unsupported_media_type",
                             "An import needs the CSV file as a body of type text/csv.");
    r = import_start(&req->scope, &o, req->body != NULL ? req->body : "", req->body_len,
                     &outcome, &answer);
    if (r == RESULT_INVALID && req->problem.type == NULL)
        problem_set(&req->problem, "invalid_header", "Invalid header",
                    "The columns of the file cannot be mapped to fields; see errors.");
    if (r != RESULT_OK)
        return r;
    switch (outcome) {
    case IMPORT_CHECKED:
        response_json(req, 200, answer);
        break;
    case IMPORT_FINISHED:
        respond_import(req, 201, answer);
        break;
    case IMPORT_QUEUED:
        respond_import(req, 202, answer);
        break;
    case IMPORT_REJECTED:
        problem_extra(&req->problem, "import", answer);
        return response_fail(req, RESULT_INVALID, "import_rejected",
                             "%lld row%s invalid and on_invalid is abort, so nothing was "
                             "imported. The import's report names each row.",
                             (long long)json_int(json_object_get(answer, "counts"), "invalid", 0),
                             json_int(json_object_get(answer, "counts"), "invalid", 0) == 1
                                 ? " is"
                                 : "s are");
    }
    return RESULT_OK;
}

static enum result
imports_index(struct request *req)
{
    static const char *const known[] = {NULL};
    struct paging paging;
    json_t *rows;
    enum result r;

    if ((r = paging_check_parameters(req, known)) != RESULT_OK ||
        (r = paging_parse(req, import_order, "-id", &paging)) != RESULT_OK)
        return r;
    if ((r = import_list(&req->scope, paging.has_cursor ? paging.after_id : 0, paging.limit + 1,
                         &rows)) != RESULT_OK)
        return r;
    response_json(req, 200, paging_page(req->arena, &paging, rows, "id"));
    return RESULT_OK;
}

/* Reads the import of the path; 404 when there is none. */
static enum result
path_import(struct request *req, int64_t *id, json_t **import)
{
    enum result r;

    if (!request_param_id(req, 0, id))
        return response_fail(req, RESULT_NOT_FOUND, "not_found", "No import has this id.");
    r = import_get(&req->scope, *id, import);
    if (r == RESULT_NOT_FOUND)
        return response_fail(req, r, "not_found", "No import has this id.");
    return r;
}

static enum result
imports_get(struct request *req)
{
    static const char *const known[] = {NULL};
    json_t *import;
    int64_t id;
    enum result r;

    if ((r = customers_check_query(req, known)) != RESULT_OK ||
        (r = path_import(req, &id, &import)) != RESULT_OK)
        return r;
    response_json(req, 200, import);
    return RESULT_OK;
}

static enum result
imports_undo(struct request *req)
{
    static const char *const known[] = {NULL};
    struct scope *s = &req->scope;
    json_t *import;
    int64_t id;
    enum result r;

    if ((r = customers_check_query(req, known)) != RESULT_OK ||
        (r = path_import(req, &id, &import)) != RESULT_OK)
        return r;
    if (strcmp(json_str(import, "target"), "prospects") == 0 &&
        !actor_can(s->actor, PERM_PROSPECTS_CREATE)) {
        problem_extra(&req->problem, "permission",
                      json_string(permission_name(PERM_PROSPECTS_CREATE)));
        return response_fail(req, RESULT_DENIED, "permission_denied",
                             "Undoing an import of prospects needs the permission %s.",
                             permission_name(PERM_PROSPECTS_CREATE));
    }
    if ((r = db_begin(s->db)) != RESULT_OK || (r = import_undo(s, id, &import)) != RESULT_OK ||
        (r = db_commit(s->db)) != RESULT_OK)
        return r;
    response_json(req, 200, import);
    return RESULT_OK;
}

const struct route import_routes[] = {
    {HTTP_POST, "/api/v1/imports", imports_create, PERM_CUSTOMERS_IMPORT, ROUTE_BODY_CSV},
    {HTTP_GET, "/api/v1/imports", imports_index, PERM_CUSTOMERS_IMPORT, 0},
    {HTTP_GET, "/api/v1/imports/{id}", imports_get, PERM_CUSTOMERS_IMPORT, 0},
    {HTTP_POST, "/api/v1/imports/{id}/undo", imports_undo, PERM_CUSTOMERS_IMPORT, 0},
    {0, NULL, NULL, PERM_NONE, 0},
};
