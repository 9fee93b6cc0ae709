/*
 * The JSON shapes of a customer record inside the domain: the API form built
 * from a database row, the input form a PATCH merges into, and the changes
 * between two versions that history shows. Pure functions over jansson's
 * current arena; no I/O.
 */
#ifndef LENDASTACK_DOMAIN_CUSTOMER_RECORD_H
#define LENDASTACK_DOMAIN_CUSTOMER_RECORD_H

#include <stdbool.h>

#include "core/json.h"

/* Builds the API form of a record from a row of customer_store_get() or _list(). */
json_t *customer_record_from_row(const json_t *row);

/*
 * Returns the fields of a record (API form) as a create body would send them:
 * phones as {label, number}, owner as owner_id, contacts as {customer_id, role}.
 * Fields of a prospect's lead are included for prospects only.
 */
json_t *customer_record_input(const json_t *record);

/*
 * Returns what history compares: the input form plus kind, lifecycle, code,
 * reference, converted_at, archived_at and the lead fields.
 */
json_t *customer_record_tracked(const json_t *record);

/*
 * Merges a PATCH body into an input form (RFC 7396, JSON Merge Patch): members
 * of objects merge recursively, null clears, anything else replaces. Returns
 * target, changed in place.
 */
json_t *customer_record_merge(json_t *target, const json_t *patch);

/*
 * Returns {field: {before, after}} for every top-level field whose value
 * differs between before and after. Empty text, empty lists, objects without
 * values and null all count as "no value" and show as null.
 */
json_t *customer_record_changes(const json_t *before, const json_t *after);

#endif
