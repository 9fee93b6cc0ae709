/*
 * SQL of customer and prospect records (customers, customer_contacts, the code
 * sequences) and of their history in audit_events. Every function runs in the
 * scope's tenant schema and blocks on PostgreSQL; writes belong in the caller's
 * transaction. Rows come back as JSON objects keyed by column name (see
 * db_row_json), living in jansson's current arena.
 */
#ifndef LENDASTACK_STORE_CUSTOMER_H
#define LENDASTACK_STORE_CUSTOMER_H

#include <stdbool.h>
#include <stdint.h>

#include "core/json.h"
#include "core/result.h"
#include "core/scope.h"

/* The archived records a read includes. */
enum customer_archived {
    CUSTOMER_LIVE,          /* only records that are not archived */
    CUSTOMER_WITH_ARCHIVED, /* both */
    CUSTOMER_ONLY_ARCHIVED,
};

/*
 * The records an actor may see or change, as the domain computes it from the
 * actor's permissions. Every read and write of records applies it.
 */
struct customer_visibility {
    bool customers;          /* records whose lifecycle is customer */
    int64_t customers_owner; /* 0: every owner's; else only this owner's */
    bool prospects;          /* records whose lifecycle is prospect */
    int64_t prospects_owner;
    enum customer_archived archived;
};

/*
 * The visibility rule as SQL over the record alias t: the record's lifecycle must
 * be visible and, when that visibility is limited to an owner, owned by them.
 * The parameters are (customers, customers_owner, prospects, prospects_owner),
 * and an owner of NULL means every owner.
 */
#define CUSTOMER_VISIBLE_LIFECYCLE(t, cust, cust_owner, pros, pros_owner)                      \
    "CASE " t ".lifecycle WHEN 'customer' THEN " cust "::boolean AND (" cust_owner            \
    "::bigint IS NULL OR " t ".owner_id = " cust_owner "::bigint) ELSE " pros                  \
    "::boolean AND (" pros_owner "::bigint IS NULL OR " t ".owner_id = " pros_owner             \
    "::bigint) END"

/* The same with the archived mode ('live', 'all' or 'archived') as a further parameter. */
#define CUSTOMER_VISIBLE(t, cust, cust_owner, pros, pros_owner, archived)                      \
    "(" CUSTOMER_VISIBLE_LIFECYCLE(t, cust, cust_owner, pros, pros_owner) " AND CASE "         \
    archived "::text WHEN 'live' THEN " t ".archived_at IS NULL WHEN 'archived' THEN " t        \
    ".archived_at IS NOT NULL ELSE true END)"

/*
 * Binds the five parameters of CUSTOMER_VISIBLE in its order: customers,
 * customers_owner, prospects, prospects_owner and the archived mode.
 */
void customer_store_bind_visibility(struct db_params *p, const struct customer_visibility *v);

/* The key that names a single record. */
enum customer_key { CUSTOMER_BY_ID, CUSTOMER_BY_CODE, CUSTOMER_BY_REFERENCE };

/* The rows a list shows. */
enum customer_population {
    CUSTOMER_POPULATION_CUSTOMERS, /* lifecycle customer */
    CUSTOMER_POPULATION_PROSPECTS, /* lifecycle prospect */
    CUSTOMER_POPULATION_CONVERTED, /* former prospects, now customers */
};

enum customer_sort {
    CUSTOMER_SORT_NAME,
    CUSTOMER_SORT_CODE,
    CUSTOMER_SORT_CREATED,
    CUSTOMER_SORT_UPDATED
};

/* A list or count request after validation. Strings are NULL when not filtered on. */
struct customer_list_query {
    enum customer_population population;
    enum customer_archived archived;
    int64_t owner; /* 0: any owner */
    const char *kind;
    const char *status;
    const char *tag;
    const char *created_from_date;    /* YYYY-MM-DD in the tenant's time zone */
    const char *created_from_instant; /* RFC 3339 */
    const char *created_to_date;      /* the whole day is included */
    const char *created_to_instant;   /* excluded */
    const char *search_pattern;       /* a LIKE pattern over search_text, escaped */
    enum customer_sort sort;
    bool descending;
    bool has_after;
    const char *after_key; /* text, or decimal microseconds or number */
    int64_t after_id;
    int limit;
    const struct customer_visibility *visibility; /* for contacts inside rows */
};

/*
 * Reads one record visible under v. The row has every public column, owner_name,
 * contacts (visible persons only, for businesses) and, with lock set, takes a
 * row lock for update inside the caller's transaction. RESULT_NOT_FOUND when no
 * such record is visible.
 */
enum result customer_store_get(struct scope *s, enum customer_key by, const char *key,
                               const struct customer_visibility *v, bool lock, json_t **row);

/*
 * Reads one record as customer_store_get() does without a lock, leaving the row
 * in *res for customer_record_write(); the caller frees *res with PQclear.
 * RESULT_NOT_FOUND (and *res NULL) when no such record is visible.
 */
enum result customer_store_get_result(struct scope *s, enum customer_key by, const char *key,
                                      const struct customer_visibility *v, PGresult **res);

/* Draws the next number of the customer code (code true) or prospect reference sequence. */
enum result customer_store_next_number(struct scope *s, bool code, int64_t *number);

/*
 * Takes transaction-level advisory locks on the matching keys of a new record
 * (normalised email, phones, registration number) in a fixed order, so two
 * creates with a shared key run one after the other and the second finds the
 * first.
 */
enum result customer_store_lock_keys(struct scope *s, json_t *keys);

/*
 * Finds records sharing the email key, any phone key or the registration key.
 * Each row has id, code, reference, by_email, by_phone, by_registration and
 * visible (under v). At most 20 rows, oldest first.
 */
enum result customer_store_duplicates(struct scope *s, const char *email_key,
                                      json_t *phone_keys, const char *registration_key,
                                      const struct customer_visibility *v, json_t **rows);

/*
 * Inserts a record from columns (a JSON object keyed by column name; absent
 * keys are NULL) and returns its id. created_by, updated_by and the timestamps
 * come from the scope.
 */
enum result customer_store_insert(struct scope *s, json_t *columns, int64_t *id);

/*
 * Writes the changeable columns of a record at version and raises the version.
 * RESULT_PRECONDITION_FAILED when the version moved on meanwhile.
 */
enum result customer_store_update(struct scope *s, int64_t id, int version, json_t *columns);

/* Replaces the contact persons of a business with contacts: [{person_id, role}]. */
enum result customer_store_set_contacts(struct scope *s, int64_t business_id, json_t *contacts);

/* Sets or clears archived_at and raises the version. */
enum result customer_store_set_archived(struct scope *s, int64_t id, bool archived);

/*
 * Turns a prospect into a customer with a code; the search text gains the
 * folded code. RESULT_CONFLICT when the record is no prospect any more.
 */
enum result customer_store_convert(struct scope *s, int64_t id, const char *code,
                                   int64_t code_number, const char *status,
                                   const char *code_folded);

/*
 * Counts rows of activities, cases and deals that point at a record, for the
 * tables that exist, have a customer_id column and may be read, and the
 * record's audit entries. Returns an object such as
 * {"activities": 3, "cases": 0, "history_entries": 4}.
 */
enum result customer_store_linked_counts(struct scope *s, int64_t id, json_t **counts);

/* Reads a user's status ("invited", "active", "deactivated"); RESULT_NOT_FOUND for no user. */
enum result customer_store_user_status(struct scope *s, int64_t id, const char **status);

/* Finds the one active user with a display name, compared case-insensitively. */
enum result customer_store_user_by_name(struct scope *s, const char *name, int64_t *id);

/* One page of a list; each row also has sort_key, the cursor key as text. */
enum result customer_store_list(struct scope *s, const struct customer_list_query *q,
                                json_t **rows);

/* The same page as customer_store_list() as a result; the caller frees *res with PQclear. */
enum result customer_store_list_result(struct scope *s, const struct customer_list_query *q,
                                       PGresult **res);

/* Counts the rows a list shows, without paging. */
enum result customer_store_count(struct scope *s, const struct customer_list_query *q,
                                 int64_t *count);

/*
 * One page of a record's audit entries, newest first unless ascending: id,
 * occurred_at, action, details, actor_user_id, actor_name and sort_key.
 */
enum result customer_store_history(struct scope *s, int64_t id, bool ascending, bool has_after,
                                   const char *after_key, int64_t after_id, int limit,
                                   json_t **rows);

#endif
