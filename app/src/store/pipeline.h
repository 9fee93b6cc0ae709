/*
 * SQL of pipelines and their stages (pipelines, pipeline_stages), and of the
 * board's per-stage figures. Every function runs in the scope's tenant schema
 * and blocks on PostgreSQL; writes belong in the caller's transaction. Rows
 * come back as JSON objects keyed by column name (see db_row_json).
 */
#ifndef LENDASTACK_STORE_PIPELINE_H
#define LENDASTACK_STORE_PIPELINE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/json.h"
#include "core/result.h"
#include "core/scope.h"
#include "store/deal.h"

/*
 * Reads pipelines with their live stages: every pipeline when id is 0, else
 * the one with id (no rows when there is none). Rows: id, name, is_default,
 * created_at, updated_at and stages, an array of {id, name, position,
 * probability, kind} in position order. The default pipeline comes first.
 */
enum result pipeline_store_list(struct scope *s, int64_t id, json_t **rows);

/*
 * Locks a pipeline's row until the transaction ends, so that changes to its
 * stages are made one at a time. RESULT_NOT_FOUND when there is no such
 * pipeline.
 */
enum result pipeline_store_lock(struct scope *s, int64_t id);

/* Returns the id of the default pipeline. */
enum result pipeline_store_default(struct scope *s, int64_t *id);

/* Inserts a pipeline; RESULT_CONFLICT when another has the name (case ignored). */
enum result pipeline_store_insert(struct scope *s, const char *name, int64_t *id);

/*
 * Renames a pipeline (name NULL keeps it) and, with make_default, makes it the
 * default instead of the current one. RESULT_CONFLICT on a name in use.
 */
enum result pipeline_store_update(struct scope *s, int64_t id, const char *name,
                                  bool make_default);

/*
 * Reads one stage by id, removed or not: id, pipeline_id, name, position,
 * probability, kind and removed_at. RESULT_NOT_FOUND when there is none.
 */
enum result pipeline_store_stage(struct scope *s, int64_t stage_id, json_t **row);

/*
 * Finds a live stage of a pipeline by name, case ignored, and returns its row
 * as pipeline_store_stage() does.
 */
enum result pipeline_store_stage_by_name(struct scope *s, int64_t pipeline_id,
                                         const char *name, json_t **row);

/* Inserts a live stage at the end; RESULT_CONFLICT on a name in use in the pipeline. */
enum result pipeline_store_stage_insert(struct scope *s, int64_t pipeline_id, const char *name,
                                        int probability, const char *kind, int64_t *id);

/* Writes a stage's name, probability and kind; RESULT_CONFLICT on a name in use. */
enum result pipeline_store_stage_update(struct scope *s, int64_t stage_id, const char *name,
                                        int probability, const char *kind);

/* Numbers the stages of ids (a JSON array of stage ids) 1, 2, 3... in that order. */
enum result pipeline_store_stage_positions(struct scope *s, const json_t *ids);

/* Marks a stage removed and takes it out of the positions. */
enum result pipeline_store_stage_remove(struct scope *s, int64_t stage_id);

/* Counts the deals in a stage. */
enum result pipeline_store_stage_deals(struct scope *s, int64_t stage_id, int64_t *count);

/*
 * Moves every deal of stage from_id to stage to_id of the same pipeline and
 * kind, records each stage change as made by the scope's actor at its clock,
 * and raises each deal's version. *moved counts them.
 */
enum result pipeline_store_move_deals(struct scope *s, int64_t from_id, int64_t to_id,
                                      int64_t *moved);

/*
 * Sums the deals of a pipeline visible under v per live stage and currency:
 * rows {stage_id, currency, count, amount, weighted_amount}, the two amounts
 * as decimal text of minor units. The weighted amount is the amount times the
 * stage's probability over 100, rounded half up once per stage and currency.
 */
enum result pipeline_store_sums(struct scope *s, int64_t pipeline_id,
                                const struct deal_visibility *v, json_t **rows);

#endif
