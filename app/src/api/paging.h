/*
 * Keyset pagination for list resources. A page is {"items": [...],
 * "next_cursor": "..." | null}. The cursor is opaque to clients: the base64url
 * form of the last row's sort position and id, "<position>.<id>", so the next
 * page starts strictly after that row, without OFFSET, whatever was added since.
 * The position is the list's sort key as an integer: microseconds since the
 * epoch for a time-ordered list, or the id itself for a list ordered by id.
 */
#ifndef LENDASTACK_API_PAGING_H
#define LENDASTACK_API_PAGING_H

#include <stdbool.h>
#include <stdint.h>

#include "core/json.h"
#include "core/result.h"
#include "http/request.h"

#define PAGING_DEFAULT_LIMIT 50
#define PAGING_MAX_LIMIT 200

struct paging {
    int limit;              /* rows per page, 1 to PAGING_MAX_LIMIT */
    bool after;             /* a cursor was given */
    int64_t after_position; /* the sort position of the cursor's row */
    int64_t after_id;       /* the id of the cursor's row */
};

/*
 * Reads the limit and cursor query parameters and rejects every parameter that
 * is neither of them nor named in filters (a NULL-terminated list), so a
 * misspelt filter is reported instead of returning everything. Returns
 * RESULT_INVALID with one field error per broken rule, naming the parameter.
 */
enum result paging_parse(struct request *req, const char *const *filters, struct paging *out);

/*
 * Reads an optional integer query parameter from min to max. *present tells
 * whether it was given. RESULT_INVALID with a field error when it is not an
 * integer in range.
 */
enum result paging_query_int(struct request *req, const char *name, int64_t min, int64_t max,
                             int64_t *value, bool *present);

/* Returns the cursor of a row in the request's arena. */
char *paging_cursor_encode(struct arena *a, int64_t position, int64_t id);

/* Splits a cursor; false when it is not one that paging_cursor_encode made. */
bool paging_cursor_decode(struct arena *a, const char *cursor, int64_t *position, int64_t *id);

/*
 * Builds the page from up to limit + 1 rows fetched in order with the store's
 * LIMIT set to paging->limit + 1: the extra row only shows that another page
 * exists and is dropped. Each row is an object with an integer "id" and the
 * integer member position_key holding its sort position. A position_key other
 * than "id" is a helper column and is removed from every item. Takes rows.
 */
json_t *paging_page(struct arena *a, const struct paging *paging, json_t *rows,
                    const char *position_key);

#endif
