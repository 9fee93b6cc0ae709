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
#include "core/json_writer.h"
#include "db/db.h"

/* Builds the API form of a record from a row of customer_store_get() or _list(). */
json_t *customer_record_from_row(const json_t *row);

/*
 * The columns of a record row that customer_record_write() reads, in the order
 * the store selects them.
 */
enum customer_column {
    CUSTOMER_COL_ID,
    CUSTOMER_COL_KIND,
    CUSTOMER_COL_LIFECYCLE,
    CUSTOMER_COL_STATUS,
    CUSTOMER_COL_CODE,
    CUSTOMER_COL_REFERENCE,
    CUSTOMER_COL_DISPLAY_NAME,
    CUSTOMER_COL_TITLE,
    CUSTOMER_COL_FIRST_NAME,
    CUSTOMER_COL_MIDDLE_NAME,
    CUSTOMER_COL_LAST_NAME,
    CUSTOMER_COL_GENDER,
    CUSTOMER_COL_DATE_OF_BIRTH,
    CUSTOMER_COL_OCCUPATION,
    CUSTOMER_COL_EMPLOYER,
    CUSTOMER_COL_IDENTIFICATION_TYPE,
    CUSTOMER_COL_IDENTIFICATION_NUMBER,
    CUSTOMER_COL_LEGAL_NAME,
    CUSTOMER_COL_TRADING_NAME,
    CUSTOMER_COL_REGISTRATION_NUMBER,
    CUSTOMER_COL_INDUSTRY,
    CUSTOMER_COL_WEBSITE,
    CUSTOMER_COL_DATE_OF_INCORPORATION,
    CUSTOMER_COL_NUMBER_OF_EMPLOYEES,
    CUSTOMER_COL_EMAIL,
    CUSTOMER_COL_PHONES,
    CUSTOMER_COL_ADDRESS_LINES,
    CUSTOMER_COL_CITY,
    CUSTOMER_COL_REGION,
    CUSTOMER_COL_POSTAL_CODE,
    CUSTOMER_COL_COUNTRY,
    CUSTOMER_COL_NOTES,
    CUSTOMER_COL_OWNER_ID,
    CUSTOMER_COL_OWNER_NAME,
    CUSTOMER_COL_SOURCE,
    CUSTOMER_COL_TAGS,
    CUSTOMER_COL_EXTERNAL_REF,
    CUSTOMER_COL_LEAD_STAGE,
    CUSTOMER_COL_LEAD_OWNER_NAME,
    CUSTOMER_COL_CREATED_BY,
    CUSTOMER_COL_UPDATED_BY,
    CUSTOMER_COL_CREATED_AT,
    CUSTOMER_COL_UPDATED_AT,
    CUSTOMER_COL_CONVERTED_AT,
    CUSTOMER_COL_ARCHIVED_AT,
    CUSTOMER_COL_VERSION,
    CUSTOMER_COL_CONTACTS,
    CUSTOMER_COL_COUNT
};

/* Finds the columns of customer_column in a result of customer_store_get() or _list(). */
void customer_record_columns(const PGresult *res, int columns[CUSTOMER_COL_COUNT]);

/*
 * Writes the API form of the record at row, the same text as
 * json_dump(customer_record_from_row(db_row_json(res, row))), without building
 * either object. A column the result lacks is written as null.
 */
void customer_record_write(struct json_writer *w, const PGresult *res, int row,
                           const int columns[CUSTOMER_COL_COUNT]);

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
