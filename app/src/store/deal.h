/*
 * SQL of deals (deals, deal_stage_changes). Every function runs in the
 * scope's tenant schema and blocks on PostgreSQL; writes belong in the
 * caller's transaction. Rows come back as JSON objects keyed by column name
 * (see db_row_json).
 */
#ifndef LENDASTACK_STORE_DEAL_H
#define LENDASTACK_STORE_DEAL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/json.h"
#include "core/result.h"
#include "core/scope.h"
#include "store/customer.h"
#include "store/shape.h"

/*
 * The deals an actor may see or change, as the domain computes it. A deal of
 * a record the actor may not see never shows. "Own" deal permissions show
 * only deals owned by the actor or of records the actor owns.
 */
struct deal_visibility {
    struct customer_visibility records;
    bool deals;          /* the deal permission is granted at all */
    int64_t deals_owner; /* 0: every deal; else only this user's deals as above */
};

enum deal_sort { DEAL_SORT_CREATED, DEAL_SORT_UPDATED, DEAL_SORT_AMOUNT, DEAL_SORT_BOARD };

/* A list request after validation. Strings are NULL and ids 0 when not filtered on. */
struct deal_list_query {
    const struct deal_visibility *visibility;
    int64_t pipeline_id;
    int64_t stage_id;
    const char *status;
    int64_t owner_id;
    int64_t customer_id;
    const char *priority;
    const char *search_pattern; /* a LIKE pattern over search_text, escaped */
    const char *close_from;     /* expected close dates, YYYY-MM-DD, both included */
    const char *close_to;
    enum deal_sort sort;
    bool descending;
    bool has_after;
    const char *after_key; /* decimal microseconds, amount or board rank */
    int64_t after_id;
    int limit;             /* rows to read, one more than the page shows */
};

/*
 * Appends " AND ..." conditions that keep only deals visible under v, for a
 * query over deals d joined to their record c, binding parameters to q.
 */
void deal_store_where_visible(struct shape *q, const struct deal_visibility *v);

/*
 * Inserts a deal from columns keyed by column name (absent keys are NULL),
 * with created_by, updated_by and the timestamps from the scope, and records
 * its entry into its first stage. Returns its id.
 */
enum result deal_store_insert(struct scope *s, json_t *columns, int64_t *id);

/*
 * Reads one deal visible under v with its record, pipeline, stage and users.
 * With lock set, takes a row lock on the deal inside the caller's
 * transaction. RESULT_NOT_FOUND when no such deal is visible.
 */
enum result deal_store_get(struct scope *s, int64_t id, const struct deal_visibility *v,
                           bool lock, json_t **row);

/*
 * Writes the changeable columns of a deal at version and raises the version;
 * when the stage changes (from_stage_id > 0), records the change as made by
 * the scope's actor at its clock. RESULT_PRECONDITION_FAILED when the version
 * moved on meanwhile.
 */
enum result deal_store_update(struct scope *s, int64_t id, int version, json_t *columns,
                              int64_t from_stage_id);

/* One page of a list in the shape of deal_store_get() rows, plus sort_key as text. */
enum result deal_store_list(struct scope *s, const struct deal_list_query *q, json_t **rows);

/*
 * Reads the first limit deals of every live stage of a pipeline visible under
 * v, in board order (priority high first, then the expected close date,
 * earliest first and none last, then id): rows of deal_store_get() plus
 * sort_key, the board rank as text.
 */
enum result deal_store_board(struct scope *s, int64_t pipeline_id,
                             const struct deal_visibility *v, int limit, json_t **rows);

/*
 * One page of a deal's stage changes, oldest first after the change with id
 * after_id (0 for the first page): id, from_stage_id, from_stage_name,
 * to_stage_id, to_stage_name, to_stage_kind, changed_at, changed_by,
 * changed_by_name, left_at (the next change, or NULL for the current stage)
 * and seconds_in_stage (until left_at, or until the scope's clock).
 */
enum result deal_store_history(struct scope *s, int64_t deal_id, int64_t after_id, int limit,
                               json_t **rows);

/*
 * Inserts an activity of kind note for a record on behalf of an import:
 * summary, details and the import's id.
 */
enum result deal_store_import_note(struct scope *s, int64_t customer_id, int64_t import_id,
                                   const char *summary, const char *details);

/*
 * Reads the deals an import made that changed since: rows {id, title}, the
 * deals whose version is above 1.
 */
enum result deal_store_import_changed(struct scope *s, int64_t import_id, json_t **rows);

/* Removes the deals, their stage changes and the notes an import made. */
enum result deal_store_import_remove(struct scope *s, int64_t import_id);

#endif
