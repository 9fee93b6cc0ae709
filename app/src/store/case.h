/*
 * SQL of cases (cases, case_notes, case_number_seq) and of their history in
 * audit_events. Every function runs in the scope's tenant schema and blocks on
 * PostgreSQL; writes belong in the caller's transaction. Rows come back as
 * JSON objects keyed by column name (see db_row_json).
 */
#ifndef LENDASTACK_STORE_CASE_H
#define LENDASTACK_STORE_CASE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/json.h"
#include "core/result.h"
#include "core/scope.h"
#include "store/customer.h"
#include "store/shape.h"

/*
 * The cases an actor may see or change, as the domain computes it. A case of
 * a record the actor may not see never shows. "Own" case permissions show
 * only cases assigned to the actor or of records the actor owns.
 */
struct case_visibility {
    struct customer_visibility records;
    bool cases;          /* the case permission is granted at all */
    int64_t cases_owner; /* 0: every case; else only this user's cases as above */
};

/* The key that names a single case. */
enum case_key { CASE_BY_ID, CASE_BY_NUMBER };

enum case_sort { CASE_SORT_CREATED, CASE_SORT_UPDATED, CASE_SORT_DUE, CASE_SORT_NUMBER };

/* A list request after validation. Strings are NULL and ids 0 when not filtered on. */
struct case_list_query {
    const struct case_visibility *visibility;
    int64_t customer_id;
    const char *status;
    const char *priority;
    int64_t assignee_id;
    const char *category;
    int overdue;                      /* -1: any; 0: not overdue; 1: overdue */
    const char *created_from_date;    /* YYYY-MM-DD in the tenant's time zone */
    const char *created_from_instant; /* RFC 3339 */
    const char *created_to_date;      /* the whole day is included */
    const char *created_to_instant;   /* excluded */
    const char *search_pattern;       /* a LIKE pattern over search_text, escaped */
    enum case_sort sort;
    bool descending;
    bool has_after;
    const char *after_key; /* decimal microseconds, or the number */
    int64_t after_id;
    int limit;             /* rows to read, one more than the page shows */
};

/*
 * Appends " AND ..." conditions that keep only cases visible under v, for a
 * query over cases k joined to their record c, binding parameters to q.
 */
void case_store_where_visible(struct shape *q, const struct case_visibility *v);

/*
 * The same as case_store_where_visible() for a query over cases k alone, with
 * no join to their records. When v shows every live record, as for most
 * roles, the record check is an anti-join with the few archived records, so
 * a count over many cases reads no record rows. Otherwise it is a hashed IN
 * over the ids of the visible records, which "own" roles keep small.
 */
void case_store_where_visible_alone(struct shape *q, const struct case_visibility *v);

/* Appends the conditions that keep only the records c visible under v. */
void case_store_where_record_visible(struct shape *q, const struct customer_visibility *v);

/* Draws the next number of the tenant's case sequence. */
enum result case_store_next_number(struct scope *s, int64_t *number);

/*
 * Computes a due time from created_at (RFC 3339): days are added on the
 * calendar of the tenant's time zone, elapsed hours as they pass (one of the
 * two is 0). *due_at is RFC 3339 UTC text.
 */
enum result case_store_due_at(struct scope *s, const char *created_at, int64_t days,
                              int64_t elapsed_hours, const char **due_at);

/*
 * Inserts a case from columns (a JSON object keyed by column name; absent keys
 * are NULL) and returns its id. created_by, updated_by and the timestamps come
 * from the scope.
 */
enum result case_store_insert(struct scope *s, json_t *columns, int64_t *id);

/*
 * Reads one case visible under v, with its record's code, reference, name,
 * lifecycle and owner, and "overdue" against the scope's clock. With lock set,
 * takes a row lock on the case inside the caller's transaction.
 * RESULT_NOT_FOUND when no such case is visible.
 */
enum result case_store_get(struct scope *s, enum case_key by, const char *key,
                           const struct case_visibility *v, bool lock, json_t **row);

/*
 * Writes the changeable columns of a case at version and raises the version.
 * RESULT_PRECONDITION_FAILED when the version moved on meanwhile.
 */
enum result case_store_update(struct scope *s, int64_t id, int version, json_t *columns);

/* Adds a note to a case and returns the note's row (id, visibility, body, created_at). */
enum result case_store_add_note(struct scope *s, int64_t case_id, const char *visibility,
                                const char *body, json_t **row);

/*
 * One page of a case's notes, oldest first after the note with id after_id
 * (0 for the first page): id, visibility, body, created_at, author_id and
 * author_name. limit rows at most.
 */
enum result case_store_notes(struct scope *s, int64_t case_id, int64_t after_id, int limit,
                             json_t **rows);

/* One page of a list in the shape of case_store_get() rows, plus sort_key as text. */
enum result case_store_list(struct scope *s, const struct case_list_query *q, json_t **rows);

/*
 * One page of a case's audit entries, newest first unless ascending: id,
 * occurred_at, action, details, actor_user_id, actor_name and sort_key.
 */
enum result case_store_history(struct scope *s, int64_t id, bool ascending, bool has_after,
                               const char *after_key, int64_t after_id, int limit,
                               json_t **rows);

#endif
