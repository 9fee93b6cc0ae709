/*
 * Sales pipelines and their stages. A tenant has one or more pipelines, one
 * of them the default; each has stages in order, each stage with a win
 * probability in whole percent and a kind (open, won or lost) from which the
 * status of its deals follows. A pipeline keeps at least one live stage of
 * each kind, and a stage that holds deals is removed only by moving its deals
 * to another stage of the pipeline and of the same kind, so no deal changes
 * status behind its owner's back. For the same reason the kind of a stage
 * that holds deals cannot change.
 *
 * Functions that write run inside the caller's transaction and lock the
 * pipeline's row, so changes to one pipeline's stages are made one at a
 * time. Failures fill s->problem with the field and the rule. Every function
 * blocks on PostgreSQL.
 *
 * A pipeline comes back as {id, name, is_default, created_at, updated_at,
 * stages: [{id, name, position, probability, kind}]}, with its live stages in
 * order.
 */
#ifndef LENDASTACK_DOMAIN_PIPELINE_H
#define LENDASTACK_DOMAIN_PIPELINE_H

#include <stdint.h>

#include "core/json.h"
#include "core/result.h"
#include "core/scope.h"

#define PIPELINE_STAGES_MAX 50 /* live stages of one pipeline */

/* The kinds of stage, and so the statuses of deals; NULL-terminated. */
extern const char *const pipeline_stage_kinds[];

/* Reads every pipeline, the default first. */
enum result pipeline_list(struct scope *s, json_t **items);

/* Reads one pipeline; RESULT_NOT_FOUND when there is none with id. */
enum result pipeline_get(struct scope *s, int64_t id, json_t **pipeline);

/*
 * Creates a pipeline from {name, stages?}. Without stages it gets three: Open
 * (10 %, open), Won (100 %, won) and Lost (0 %, lost). Stages must include
 * one of each kind (RESULT_INVALID naming "stages", rule "kinds"). A name in
 * use is RESULT_INVALID naming "name", rule "unique".
 */
enum result pipeline_create(struct scope *s, json_t *body, json_t **pipeline);

/* Renames a pipeline or makes it the default: {name?, is_default?: true}. */
enum result pipeline_update(struct scope *s, int64_t id, json_t *body, json_t **pipeline);

/*
 * Adds a stage {name, probability, kind?, position?} to a pipeline: at the
 * end, or at position (1 is first). *pipeline is the pipeline afterwards.
 */
enum result pipeline_add_stage(struct scope *s, int64_t id, json_t *body, json_t **pipeline);

/*
 * Changes a stage's name, probability, kind or position. RESULT_CONFLICT
 * ("stage_has_deals") for a new kind of a stage that holds deals, and
 * RESULT_CONFLICT ("stage_kinds_required") when the pipeline would lose its
 * last stage of a kind. RESULT_NOT_FOUND for a stage not live in the pipeline.
 */
enum result pipeline_update_stage(struct scope *s, int64_t id, int64_t stage_id, json_t *body,
                                  json_t **pipeline);

/*
 * Removes a stage. A stage that holds deals needs move_to, a live stage of
 * the same pipeline and kind that takes them (RESULT_CONFLICT
 * "stage_has_deals" without it, RESULT_INVALID naming move_to for an
 * unsuitable one); each moved deal gets a stage change. RESULT_CONFLICT
 * ("stage_kinds_required") when the pipeline would lose its last stage of a
 * kind. *moved counts the deals moved.
 */
enum result pipeline_remove_stage(struct scope *s, int64_t id, int64_t stage_id,
                                  int64_t move_to, json_t **pipeline, int64_t *moved);

#endif
