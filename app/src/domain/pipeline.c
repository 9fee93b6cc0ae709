#include <assert.h>
#include <string.h>

#include "core/validate.h"
#include "domain/pipeline.h"
#include "store/audit.h"
#include "store/pipeline.h"

const char *const pipeline_stage_kinds[] = {"open", "won", "lost", NULL};

#define FIELD(name, type, flags, max, low, high, choices)                                      \
    {name, type, flags, max, low, high, choices, NULL, NULL}
#define END {NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL}

/* On a create FIELD_REQUIRED means present; on an update it only rejects null and "". */
static const struct field stage_fields[] = {
    FIELD("name", FIELD_STRING, FIELD_REQUIRED, 80, 0, 0, NULL),
    FIELD("probability", FIELD_INTEGER, FIELD_REQUIRED, 0, 0, 100, NULL),
    FIELD("kind", FIELD_ENUM, 0, 0, 0, 0, pipeline_stage_kinds),
    FIELD("position", FIELD_INTEGER, 0, 0, 1, PIPELINE_STAGES_MAX, NULL),
    END,
};

static const struct field new_stage_fields[] = {
    FIELD("name", FIELD_STRING, FIELD_REQUIRED, 80, 0, 0, NULL),
    FIELD("probability", FIELD_INTEGER, FIELD_REQUIRED, 0, 0, 100, NULL),
    FIELD("kind", FIELD_ENUM, FIELD_REQUIRED, 0, 0, 0, pipeline_stage_kinds),
    END,
};

static const struct field stage_item = {"stage", FIELD_OBJECT, 0,    0, 0, 0, NULL,
                                        new_stage_fields,         NULL};

static const struct field create_fields[] = {
    FIELD("name", FIELD_STRING, FIELD_REQUIRED, 80, 0, 0, NULL),
    {"stages", FIELD_ARRAY, 0, PIPELINE_STAGES_MAX, 0, 0, NULL, NULL, &stage_item},
    END,
};

static const struct field update_fields[] = {
    FIELD("name", FIELD_STRING, FIELD_REQUIRED, 80, 0, 0, NULL),
    FIELD("is_default", FIELD_BOOLEAN, 0, 0, 0, 0, NULL),
    END,
};

/* The stages of a pipeline without stages in its create body. */
static const struct {
    const char *name;
    int probability;
    const char *kind;
} default_stages[] = {
    {"Open", 10, "open"},
    {"Won", 100, "won"},
    {"Lost", 0, "lost"},
};

enum result
pipeline_list(struct scope *s, json_t **items)
{
    return pipeline_store_list(s, 0, items);
}

enum result
pipeline_get(struct scope *s, int64_t id, json_t **pipeline)
{
    json_t *rows;
    enum result r;

    if ((r = pipeline_store_list(s, id, &rows)) != RESULT_OK)
        return r;
    if (json_array_size(rows) != 1)
        return RESULT_NOT_FOUND;
    *pipeline = json_array_get(rows, 0);
    return RESULT_OK;
}

/* Writes an audit entry of a pipeline with details. */
static enum result
pipeline_audit(struct scope *s, const char *action, int64_t id, json_t *details)
{
    return audit_record(s, action, "pipeline", arena_printf(s->arena, "%lld", (long long)id),
                        details);
}

/* Turns a unique violation of a name into a field error. */
static enum result
pipeline_name_taken(struct scope *s, enum result r, const char *field, const char *what)
{
    if (r != RESULT_CONFLICT)
        return r;
    problem_field(s->problem, field, "unique", "Another %s has this name.", what);
    return RESULT_INVALID;
}

/* RESULT_CONFLICT ("stage_kinds_required") unless stages has a stage of every kind. */
static enum result
pipeline_check_kinds(struct scope *s, const json_t *stages, const char *field)
{
    for (const char *const *kind = pipeline_stage_kinds; *kind != NULL; kind++) {
        const json_t *stage;
        size_t i;
        bool found = false;

        json_array_foreach(stages, i, stage)
            found = found || strcmp(json_str(stage, "kind"), *kind) == 0;
        if (found)
            continue;
        if (field != NULL) {
            problem_field(s->problem, field, "kinds",
                          "A pipeline needs at least one open, one won and one lost stage; "
                          "there is no %s stage.",
                          *kind);
            return RESULT_INVALID;
        }
        problem_set(s->problem, "stage_kinds_required", "Stage kinds required",
                    "A pipeline keeps at least one open, one won and one lost stage; this "
                    "change would leave it without a %s stage.",
                    *kind);
        problem_extra(s->problem, "kind", json_string(*kind));
        return RESULT_CONFLICT;
    }
    return RESULT_OK;
}

/* Locks a pipeline and reads it. */
static enum result
pipeline_lock(struct scope *s, int64_t id, json_t **pipeline)
{
    enum result r;

    assert(db_in_transaction(s->db));
    if ((r = pipeline_store_lock(s, id)) != RESULT_OK)
        return r;
    return pipeline_get(s, id, pipeline);
}

/* Finds a stage in an array of live stages; *index is its place there. */
static json_t *
pipeline_stage_of(const json_t *stages, int64_t stage_id, size_t *index)
{
    json_t *stage;
    size_t i;

    json_array_foreach(stages, i, stage)
    {
        if (json_int(stage, "id", 0) == stage_id) {
            if (index != NULL)
                *index = i;
            return stage;
        }
    }
    return NULL;
}

/* Numbers the stages of order 1, 2, 3... after moving stage_id to position (1 is first). */
static enum result
pipeline_place(struct scope *s, const json_t *stages, int64_t stage_id, int64_t position)
{
    json_t *ids = json_array(), *stage;
    size_t i;

    json_array_foreach(stages, i, stage)
    {
        if (json_int(stage, "id", 0) != stage_id)
            json_array_append_new(ids, json_integer(json_int(stage, "id", 0)));
    }
    if (stage_id > 0) {
        if (position < 1 || (size_t)position > json_array_size(ids) + 1)
            position = (int64_t)json_array_size(ids) + 1;
        json_array_insert_new(ids, (size_t)position - 1, json_integer(stage_id));
    }
    return pipeline_store_stage_positions(s, ids);
}

enum result
pipeline_create(struct scope *s, json_t *body, json_t **pipeline)
{
    json_t *stages, *stage;
    int64_t id, stage_id;
    size_t i;
    enum result r;

    assert(db_in_transaction(s->db));
    if ((r = validate_object(s->problem, s->arena, body, create_fields, "", false)) !=
        RESULT_OK)
        return r;
    stages = json_object_get(body, "stages");
    if (stages == NULL) {
        stages = json_array();
        for (i = 0; i < sizeof(default_stages) / sizeof(default_stages[0]); i++)
            json_array_append_new(stages, json_pack("{s:s, s:i, s:s}", "name",
                                                    default_stages[i].name, "probability",
                                                    default_stages[i].probability, "kind",
                                                    default_stages[i].kind));
    }
    if ((r = pipeline_check_kinds(s, stages, "stages")) != RESULT_OK)
        return r;
    r = pipeline_store_insert(s, json_str(body, "name"), &id);
    if (r != RESULT_OK)
        return pipeline_name_taken(s, r, "name", "pipeline");
    json_array_foreach(stages, i, stage)
    {
        r = pipeline_store_stage_insert(s, id, json_str(stage, "name"),
                                        (int)json_int(stage, "probability", 0),
                                        json_str(stage, "kind"), &stage_id);
        if (r != RESULT_OK)
            return pipeline_name_taken(s, r, arena_printf(s->arena, "stages[%zu].name", i),
                                       "stage of this pipeline");
    }
    if ((r = pipeline_get(s, id, pipeline)) != RESULT_OK)
        return r;
    return pipeline_audit(s, "pipeline.created", id, json_deep_copy(*pipeline));
}

enum result
pipeline_update(struct scope *s, int64_t id, json_t *body, json_t **pipeline)
{
    json_t *current, *details;
    json_t *make_default = json_object_get(body, "is_default");
    enum result r;

    if ((r = validate_object(s->problem, s->arena, body, update_fields, "", true)) !=
            RESULT_OK ||
        (r = pipeline_lock(s, id, &current)) != RESULT_OK)
        return r;
    if (json_is_false(make_default)) {
        problem_field(s->problem, "is_default", "choice",
                      "Make another pipeline the default instead; a tenant always has one.");
        return RESULT_INVALID;
    }
    r = pipeline_store_update(s, id, json_str(body, "name"), json_is_true(make_default));
    if (r != RESULT_OK)
        return pipeline_name_taken(s, r, "name", "pipeline");
    if ((r = pipeline_get(s, id, pipeline)) != RESULT_OK)
        return r;
    details = json_object();
    json_object_set(details, "before", json_pack("{s:O, s:O}", "name",
                                                 json_object_get(current, "name"), "is_default",
                                                 json_object_get(current, "is_default")));
    json_object_set(details, "after", json_pack("{s:O, s:O}", "name",
                                                json_object_get(*pipeline, "name"), "is_default",
                                                json_object_get(*pipeline, "is_default")));
    return pipeline_audit(s, "pipeline.updated", id, details);
}

enum result
pipeline_add_stage(struct scope *s, int64_t id, json_t *body, json_t **pipeline)
{
    json_t *current;
    const char *kind;
    int64_t stage_id;
    enum result r;

    if ((r = validate_object(s->problem, s->arena, body, stage_fields, "", false)) !=
            RESULT_OK ||
        (r = pipeline_lock(s, id, &current)) != RESULT_OK)
        return r;
    if (json_array_size(json_object_get(current, "stages")) >= PIPELINE_STAGES_MAX) {
        problem_set(s->problem, "too_many_stages", "Too many stages",
                    "A pipeline has at most %d stages; remove one first.", PIPELINE_STAGES_MAX);
        return RESULT_CONFLICT;
    }
    kind = json_str(body, "kind");
    r = pipeline_store_stage_insert(s, id, json_str(body, "name"),
                                    (int)json_int(body, "probability", 0),
                                    kind != NULL ? kind : "open", &stage_id);
    if (r != RESULT_OK)
        return pipeline_name_taken(s, r, "name", "stage of this pipeline");
    if (json_is_integer(json_object_get(body, "position"))) {
        json_t *after;

        if ((r = pipeline_get(s, id, &after)) != RESULT_OK ||
            (r = pipeline_place(s, json_object_get(after, "stages"), stage_id,
                                json_int(body, "position", 0))) != RESULT_OK)
            return r;
    }
    if ((r = pipeline_get(s, id, pipeline)) != RESULT_OK)
        return r;
    return pipeline_audit(s, "pipeline.stage_added", id,
                          json_pack("{s:I, s:O}", "stage_id", (json_int_t)stage_id, "stage", body));
}

enum result
pipeline_update_stage(struct scope *s, int64_t id, int64_t stage_id, json_t *body,
                      json_t **pipeline)
{
    json_t *current, *stage, *after, *stages, *changed;
    const char *name, *kind;
    int64_t probability, deals;
    enum result r;

    if ((r = validate_object(s->problem, s->arena, body, stage_fields, "", true)) !=
            RESULT_OK ||
        (r = pipeline_lock(s, id, &current)) != RESULT_OK)
        return r;
    stages = json_object_get(current, "stages");
    if ((stage = pipeline_stage_of(stages, stage_id, NULL)) == NULL)
        return RESULT_NOT_FOUND;
    name = json_str(body, "name") != NULL ? json_str(body, "name") : json_str(stage, "name");
    kind = json_str(body, "kind") != NULL ? json_str(body, "kind") : json_str(stage, "kind");
    probability = json_int(body, "probability", json_int(stage, "probability", 0));

    if (strcmp(kind, json_str(stage, "kind")) != 0) {
        if ((r = pipeline_store_stage_deals(s, stage_id, &deals)) != RESULT_OK)
            return r;
        if (deals > 0) {
            problem_set(s->problem, "stage_has_deals", "Stage holds deals",
                        "The stage %s holds %lld deals, whose status its kind decides; move "
                        "them to another stage before changing its kind.",
                        json_str(stage, "name"), (long long)deals);
            problem_extra(s->problem, "deals", json_integer(deals));
            return RESULT_CONFLICT;
        }
        changed = json_deep_copy(json_object_get(current, "stages"));
        json_object_set_new(pipeline_stage_of(changed, stage_id, NULL), "kind",
                            json_string(kind));
        if ((r = pipeline_check_kinds(s, changed, NULL)) != RESULT_OK)
            return r;
    }
    r = pipeline_store_stage_update(s, stage_id, name, (int)probability, kind);
    if (r != RESULT_OK)
        return pipeline_name_taken(s, r, "name", "stage of this pipeline");
    if (json_is_integer(json_object_get(body, "position")) &&
        (r = pipeline_place(s, stages, stage_id, json_int(body, "position", 0))) != RESULT_OK)
        return r;
    if ((r = pipeline_get(s, id, pipeline)) != RESULT_OK)
        return r;
    after = pipeline_stage_of(json_object_get(*pipeline, "stages"), stage_id, NULL);
    return pipeline_audit(s, "pipeline.stage_updated", id,
                          json_pack("{s:O, s:O}", "before", stage, "after",
                                    after != NULL ? after : json_null()));
}

/* Checks move_to: a live stage of the pipeline other than the removed one, of its kind. */
static enum result
pipeline_check_target(struct scope *s, const json_t *pipeline, const json_t *stage,
                      int64_t move_to)
{
    const json_t *target = pipeline_stage_of(json_object_get(pipeline, "stages"), move_to, NULL);

    if (target == NULL || move_to == json_int(stage, "id", 0)) {
        problem_field(s->problem, "move_to", "exists",
                      "Name another live stage of this pipeline to take the deals.");
        return RESULT_INVALID;
    }
    if (strcmp(json_str(target, "kind"), json_str(stage, "kind")) != 0) {
        problem_field(s->problem, "move_to", "kind",
                      "The deals of a %s stage move to another %s stage, so that their "
                      "status stays; %s is %s.",
                      json_str(stage, "kind"), json_str(stage, "kind"), json_str(target, "name"),
                      json_str(target, "kind"));
        return RESULT_INVALID;
    }
    return RESULT_OK;
}

enum result
pipeline_remove_stage(struct scope *s, int64_t id, int64_t stage_id, int64_t move_to,
                      json_t **pipeline, int64_t *moved)
{
    json_t *current, *stage, *rest;
    size_t index;
    int64_t deals;
    enum result r;

    *moved = 0;
    if ((r = pipeline_lock(s, id, &current)) != RESULT_OK)
        return r;
    if ((stage = pipeline_stage_of(json_object_get(current, "stages"), stage_id, &index)) ==
        NULL)
        return RESULT_NOT_FOUND;
    rest = json_deep_copy(json_object_get(current, "stages"));
    json_array_remove(rest, index);
    if ((r = pipeline_check_kinds(s, rest, NULL)) != RESULT_OK ||
        (r = pipeline_store_stage_deals(s, stage_id, &deals)) != RESULT_OK)
        return r;
    if (deals > 0 && move_to == 0) {
        problem_set(s->problem, "stage_has_deals", "Stage holds deals",
                    "The stage %s holds %lld deals; name the stage that takes them with "
                    "?move_to={stage_id}.",
                    json_str(stage, "name"), (long long)deals);
        problem_extra(s->problem, "deals", json_integer(deals));
        return RESULT_CONFLICT;
    }
    if (move_to != 0 && (r = pipeline_check_target(s, current, stage, move_to)) != RESULT_OK)
        return r;
    if (deals > 0 && (r = pipeline_store_move_deals(s, stage_id, move_to, moved)) != RESULT_OK)
        return r;
    if ((r = pipeline_store_stage_remove(s, stage_id)) != RESULT_OK ||
        (r = pipeline_place(s, rest, 0, 0)) != RESULT_OK ||
        (r = pipeline_get(s, id, pipeline)) != RESULT_OK)
        return r;
    return pipeline_audit(s, "pipeline.stage_removed", id,
                          json_pack("{s:O, s:I, s:I}", "stage", stage, "move_to",
                                    (json_int_t)move_to, "moved", (json_int_t)*moved));
}
