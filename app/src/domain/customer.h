/*
 * Customer and prospect records: one record type, a person or a business, a
 * prospect or a customer. This module holds the rules: which fields each kind
 * and lifecycle accepts, normalised emails and phones, codes and references,
 * duplicate detection, visibility, optimistic concurrency, archiving,
 * conversion and the change history.
 *
 * Functions that write run inside the caller's transaction (db_begin() before,
 * db_commit() after), so an importer can call them without HTTP and batch them
 * as it likes. Failures fill s->problem with the field and the rule. Every
 * function blocks on PostgreSQL.
 *
 * Records come back as JSON in the shape of the API: kind-specific fields only
 * for their kind, phones with what was typed and the E.164 form, the address as
 * an object, the owner as {id, display_name}, timestamps in RFC 3339 UTC.
 */
#ifndef LENDASTACK_DOMAIN_CUSTOMER_H
#define LENDASTACK_DOMAIN_CUSTOMER_H

#include <stdbool.h>
#include <stdint.h>

#include "core/json.h"
#include "core/json_writer.h"
#include "core/result.h"
#include "core/scope.h"
#include "store/customer.h"

enum customer_lifecycle { CUSTOMER_LIFECYCLE_PROSPECT, CUSTOMER_LIFECYCLE_CUSTOMER };

/* Whether the actor wants to read records or change them. */
enum customer_access { CUSTOMER_READ, CUSTOMER_WRITE };

/* Characters of a code or reference number before it grows wider. */
#define CUSTOMER_CODE_DIGITS 6
#define CUSTOMER_SEARCH_MAX 200 /* characters of a search query */

/*
 * The visibility rule, computed in this one place for every read and write:
 * a record of lifecycle customer needs customers.view, a prospect needs
 * prospects.view, and a role that grants the permission for "own" records
 * only shows records the actor owns. Writes need the update permission of the
 * lifecycle as well, limited the same way. Without an actor (system work such
 * as an import run by an operator) every record is visible.
 */
struct customer_visibility customer_visibility(const struct actor *actor,
                                               enum customer_access access,
                                               enum customer_archived archived);

/* True when the actor may ask for archived records, because it has customers.archive. */
bool customer_may_see_archived(const struct actor *actor);

/* Formats a code: prefix and the number zero-padded to CUSTOMER_CODE_DIGITS, or wider. */
char *customer_code_format(struct arena *a, const char *prefix, int64_t number);

/*
 * Returns the LIKE pattern that finds query anywhere in search_text: folded
 * like the stored text (case and accents removed), with %, _ and \ escaped so
 * they match only themselves. A query that looks like a phone number (digits
 * and + - ( ) . and spaces, at least three digits) becomes its digits. Returns
 * NULL for a query that is empty once trimmed.
 */
char *customer_search_pattern(struct arena *a, const char *query);

/*
 * Validates a create body (partial false) or an update body (partial true)
 * against the fields of its kind and lifecycle, in place: unknown fields and
 * wrong types are rejected, text is trimmed and NFC-normalised. For a create,
 * kind is NULL and read from the body. RESULT_INVALID with field errors.
 */
enum result customer_validate(struct scope *s, enum customer_lifecycle lifecycle,
                              const char *kind, json_t *body, bool partial);

/*
 * Creates a record from a body that customer_validate() accepted. A customer
 * gets the next customer code, a prospect the next reference. The owner
 * defaults to the actor; a prospect's lead_owner_name that names exactly one
 * active user makes that user the owner.
 *
 * Unless the body has "allow_duplicate": true, a record sharing the email, a
 * phone number or a business registration number with another record of the
 * tenant is RESULT_CONFLICT with problem "possible_duplicate" and the matches
 * the actor may see. Concurrent creates with a shared key are serialised, so
 * they cannot both pass the check.
 *
 * *record is the new record. RESULT_INVALID for rules that need the database
 * (an unknown owner or contact); RESULT_DENIED when allow_duplicate is sent
 * without the create permission of the lifecycle.
 */
enum result customer_create(struct scope *s, enum customer_lifecycle lifecycle, json_t *body,
                            json_t **record);

/* Reads one record visible under v; RESULT_NOT_FOUND otherwise. One statement, no transaction.
 */
enum result customer_get(struct scope *s, enum customer_key by, const char *key,
                         const struct customer_visibility *v, json_t **record);

/*
 * Writes the record customer_get() reads, in its API form, to w and sets
 * *version to its version. Nothing is written unless the result is RESULT_OK.
 */
enum result customer_get_write(struct scope *s, enum customer_key by, const char *key,
                               const struct customer_visibility *v, struct json_writer *w,
                               int64_t *version);

/*
 * Applies a PATCH body to a record that v lets the actor change: absent fields
 * stay, null clears an optional field, objects (address, identification) merge
 * field by field and arrays are replaced. The body is validated here against
 * the record's kind and lifecycle. RESULT_PRECONDITION_FAILED when the record's
 * version is not expected_version; RESULT_CONFLICT ("record_archived") for an
 * archived record. A body that changes nothing leaves the version as it is.
 */
enum result customer_update(struct scope *s, enum customer_key by, const char *key,
                            const struct customer_visibility *v, int expected_version,
                            json_t *body, json_t **record);

/*
 * Archives (archived true) or restores a record that v shows. RESULT_CONFLICT
 * ("already_archived", "not_archived") when there is nothing to do.
 */
enum result customer_set_archived(struct scope *s, enum customer_key by, const char *key,
                                  const struct customer_visibility *v, bool archived,
                                  json_t **record);

/*
 * Converts the prospect with id into a customer with a new customer code and
 * status active. The record keeps its id and reference, so its history and
 * whatever points at the id carries over; *carried_over counts the linked
 * activities, cases and deals (of the tables that exist) and history entries.
 * Two conversions of one prospect, even at the same time, convert it once: the
 * second gets RESULT_CONFLICT ("already_converted"). A disqualified or archived
 * prospect is RESULT_CONFLICT as well. The caller checks permissions and
 * visibility first; winning a deal calls this too.
 */
enum result customer_convert(struct scope *s, int64_t id, json_t **record,
                             json_t **carried_over);

/* Finds the id of a record visible under v. */
enum result customer_find_id(struct scope *s, enum customer_key by, const char *key,
                             const struct customer_visibility *v, int64_t *id);

/*
 * Reads one page of a list. q's visibility fields come from the caller's
 * customer_visibility(); the owner filter is combined with "own" visibility
 * here. *items gets the records, and *last_key and *last_id the sort key and
 * id of the last one when there are more rows (*last_key NULL otherwise).
 */
enum result customer_list(struct scope *s, struct customer_list_query *q, json_t **items,
                          const char **last_key, int64_t *last_id);

/*
 * Writes the page customer_list() reads as a JSON array of records to w, with
 * *last_key (in s's arena) and *last_id as customer_list() sets them. Nothing is
 * written unless the result is RESULT_OK.
 */
enum result customer_list_write(struct scope *s, struct customer_list_query *q,
                                struct json_writer *w, const char **last_key,
                                int64_t *last_id);

/* Counts what customer_list() would show over all pages. */
enum result customer_count(struct scope *s, struct customer_list_query *q, int64_t *count);

/*
 * Reads one page of a record's history: who changed what and when, each entry
 * with action, occurred_at, actor {id, display_name} and changes
 * {field: {before, after}}. Paging as customer_list().
 */
enum result customer_history(struct scope *s, int64_t id, bool ascending, bool has_after,
                             const char *after_key, int64_t after_id, int limit, json_t **items,
                             const char **last_key, int64_t *last_id);

#endif
