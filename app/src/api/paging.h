/*
 * Keyset pagination for list endpoints. A list is ordered by one sort key and
 * then by record id, so the order is total even when many rows share a key.
 * The next page starts after the (key, id) of the previous page's last row,
 * which the client carries back as an opaque cursor: base64url of a JSON array
 * naming the sort, its direction, the key and the id. Pages therefore neither
 * repeat nor skip a row when rows share a sort key or are inserted between
 * requests.
 *
 * Query parameters: limit (1 to PAGING_LIMIT_MAX, default PAGING_LIMIT_DEFAULT),
 * sort (a name from the endpoint's list, "-" in front for descending) and cursor.
 */
#ifndef LENDASTACK_API_PAGING_H
#define LENDASTACK_API_PAGING_H

#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/json.h"
#include "http/request.h"

#define PAGING_LIMIT_DEFAULT 50
#define PAGING_LIMIT_MAX 200
#define PAGING_CURSOR_MAX 1024 /* characters of a cursor parameter */
#define PAGING_KEY_MAX 512     /* characters of a sort key inside a cursor */

/* The type of a sort key, as written in a cursor and bound in SQL. */
enum paging_key_type {
    PAGING_KEY_TEXT,    /* compared as text, e.g. a folded name */
    PAGING_KEY_INTEGER, /* a decimal integer, e.g. microseconds since the epoch */
};

/* One sort an endpoint offers; an array of them ends with a NULL name. */
struct paging_sort {
    const char *name; /* the value of ?sort=, e.g. "created_at" */
    enum paging_key_type type;
};

/* The decoded content of a cursor. */
struct paging_cursor {
    const char *sort;
    bool descending;
    const char *key;
    int64_t id;
};

/* A page request as read from the query string. */
struct paging {
    int limit;
    const struct paging_sort *sort;
    bool descending;
    bool has_cursor;
    const char *after_key; /* sort key of the last row of the previous page */
    int64_t after_id;      /* id of that row */
};

/* Encodes a cursor. Returns a string in a, or NULL if the key is too long. */
char *paging_cursor_encode(struct arena *a, const struct paging_cursor *c);

/*
 * Decodes a cursor and checks its shape: a known direction, a key of at most
 * PAGING_KEY_MAX characters and a positive id. Returns false for anything else.
 * Strings in out live in a and in jansson's current arena.
 */
bool paging_cursor_decode(struct arena *a, const char *text, struct paging_cursor *out);

/*
 * Reads limit, sort and cursor from req's query string. sorts lists the sorts
 * the endpoint offers and default_sort is used without ?sort= ("-created_at").
 * A cursor must have been made for the same sort and direction, and an integer
 * key must be a decimal integer. On a bad value returns RESULT_MALFORMED with a
 * field error naming the parameter and the rule.
 */
enum result paging_parse(struct request *req, const struct paging_sort *sorts,
                         const char *default_sort, struct paging *out);

/* Returns the cursor of the page after a row with sort key key and id id. */
char *paging_next_cursor(struct arena *a, const struct paging *page, const char *key,
                         int64_t id);

/*
 * Rejects every query parameter other than limit, cursor and the names in known
 * (a NULL-terminated list that names "sort" when the list offers several
 * orders), so a misspelt filter is reported instead of returning everything:
 * RESULT_MALFORMED naming the first unknown parameter.
 */
enum result paging_check_parameters(struct request *req, const char *const *known);

/*
 * Reads an optional integer query parameter from min to max; *present tells
 * whether it was given. RESULT_MALFORMED naming the parameter when it is not an
 * integer in range.
 */
enum result paging_query_int(struct request *req, const char *name, int64_t min, int64_t max,
                             int64_t *value, bool *present);

/*
 * Builds {"items", "next_cursor"} from up to limit + 1 rows fetched in page
 * order (the store asks for page->limit + 1: the extra row only shows that
 * another page exists and is dropped). Each row has an integer "id" and the
 * member key_member holding its sort key, integer or text; a key_member other
 * than "id" is a helper column and is removed from every item. Takes rows.
 */
json_t *paging_page(struct arena *a, const struct paging *page, json_t *rows,
                    const char *key_member);

/* Returns the cursor's sort key as an integer (for PAGING_KEY_INTEGER sorts). */
int64_t paging_after_integer(const struct paging *page);

#endif
