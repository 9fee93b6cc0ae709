/*
 * SQL of CSV imports: the imports table with progress and report, the queued
 * chunks of a large file and the records an import wrote. Batch statements
 * let an import create a few hundred records in a handful of round trips.
 * Every function runs in the scope's tenant schema and blocks on PostgreSQL,
 * and writes belong in the caller's transaction. Rows come back as JSON
 * objects keyed by column name (see db_row_json).
 */
#ifndef LENDASTACK_STORE_IMPORT_H
#define LENDASTACK_STORE_IMPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/json.h"
#include "core/result.h"
#include "core/scope.h"
#include "store/customer.h"

/* Counts and report entries one step adds to an import. */
struct import_progress {
    int rows;
    int created;
    int updated;
    int duplicates;
    int invalid;
    json_t *report;  /* entries to append */
    int omitted;     /* entries left out because the report is full */
    bool chunk_done; /* the step worked through one chunk */
};

/*
 * Inserts an import from columns: target, options, file_name, status, header,
 * mapping, unmapped_columns and rows_total. created_by and created_at come
 * from the scope.
 */
enum result import_store_insert(struct scope *s, const json_t *columns, int64_t *id);

/*
 * Reads an import with its creator's and undoer's names; with lock set, locks
 * the row for the caller's transaction. RESULT_NOT_FOUND when there is none.
 */
enum result import_store_get(struct scope *s, int64_t id, bool lock, json_t **row);

/* Reads up to limit imports, newest first, with ids below before_id when it is not 0. */
enum result import_store_list(struct scope *s, int64_t before_id, int limit, json_t **rows);

/* Report entries an import keeps; further ones are only counted in report_omitted. */
#define IMPORT_STORE_REPORT_MAX 1000

/*
 * Adds a step's counts and report entries, and sets started_at and status
 * running when queued. *finished (unless NULL) tells whether every row is done
 * now. RESULT_CONFLICT when the import is neither queued nor running any more.
 */
enum result import_store_progress(struct scope *s, int64_t id, const struct import_progress *p,
                                  bool *finished);

/* Sets a final status (done or failed) and finished_at; failure may be NULL. */
enum result import_store_finish(struct scope *s, int64_t id, const char *status,
                                const char *failure);

/* Stores the rows of a chunk, as JSON, at position. */
enum result import_store_chunk_insert(struct scope *s, int64_t id, int position, int rows,
                                      const char *data_json);

/*
 * Takes the first chunk no other transaction holds and deletes it in the
 * caller's transaction, so it comes back if the transaction rolls back.
 * RESULT_NOT_FOUND when no chunk is free.
 */
enum result import_store_chunk_claim(struct scope *s, int64_t id, json_t **rows);

/* Deletes the chunks of an import. */
enum result import_store_chunks_delete(struct scope *s, int64_t id);

/*
 * For each name of names (a JSON array), the ids of the active users with that
 * display name, compared as lower case: rows {name, ids}.
 */
enum result import_store_users_by_name(struct scope *s, const json_t *names, json_t **rows);

/*
 * Finds every record sharing one of the keys, as customer_store_duplicates()
 * compares them, or with one of the external references: rows {id, code,
 * reference, kind, lifecycle, version, email_key, phone_keys,
 * registration_key, external_ref, visible}. Each key array is JSON. With
 * in_transaction set, the lookup runs inside the caller's transaction.
 */
enum result import_store_duplicates(struct scope *s, const json_t *email_keys,
                                    const json_t *phone_keys, const json_t *registration_keys,
                                    const json_t *external_refs,
                                    const struct customer_visibility *v, bool in_transaction,
                                    json_t **rows);

/* Draws count numbers of the customer code (code true) or prospect reference sequence, ascending. */
enum result import_store_numbers(struct scope *s, bool code, int count, int64_t *numbers);

/*
 * Inserts records from an array of column objects (as customer_columns_build()
 * makes them, with the code or reference set), in one statement. rows gets
 * {id, number} with the code or reference number of each.
 */
enum result import_store_insert_customers(struct scope *s, const json_t *columns,
                                          json_t **rows);

/* Adds audit entries [{action, target_id, details}] on customers, in one statement. */
enum result import_store_audit(struct scope *s, const json_t *entries);

/*
 * Records what an import wrote: [{customer_id, row, action, version, previous}].
 * A record written twice keeps its first previous value and the last version.
 */
enum result import_store_records(struct scope *s, int64_t id, const json_t *entries);

/*
 * Locks the records an import wrote and returns them: {customer_id, action,
 * version, previous, current_version, code, reference, lifecycle}.
 */
enum result import_store_written(struct scope *s, int64_t id, json_t **rows);

/* Returns the codes or references of records linked as contacts to one of ids (JSON array). */
enum result import_store_linked(struct scope *s, const json_t *ids, json_t **rows);

/*
 * Deletes the records ids (JSON array) with an audit entry each naming the
 * import. RESULT_INVALID when another table still references one of them.
 */
enum result import_store_remove(struct scope *s, int64_t id, const json_t *ids);

/* Marks an import undone by the scope's actor. */
enum result import_store_set_undone(struct scope *s, int64_t id);

#endif
