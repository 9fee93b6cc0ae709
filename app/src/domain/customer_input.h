/*
 * From a validated body to the columns of a customer record. This file has the
 * field tables of each kind and lifecycle. It also makes the normalised forms
 * the database keeps for matching, sorting and search: email key, E.164 phones,
 * registration key, display and sort names, search text.
 */
#ifndef LENDASTACK_DOMAIN_CUSTOMER_INPUT_H
#define LENDASTACK_DOMAIN_CUSTOMER_INPUT_H

#include <stdbool.h>

#include "core/json.h"
#include "core/result.h"
#include "core/scope.h"
#include "domain/customer.h"

/* The columns of a record and its keys for duplicate detection. */
struct customer_columns {
    json_t *columns;              /* keyed by column name, for customer_store_insert/_update */
    json_t *lock_keys;            /* ["email:<key>", "phone:<e164>", "registration:<key>"] */
    const char *email_key;        /* NULL without email */
    json_t *phone_keys;           /* array of E.164 forms, with ";ext=" for extensions */
    const char *registration_key; /* NULL without registration number */
};

/* Returns the field table of a kind ("person" or "business"), lifecycle and operation. */
const struct field *customer_fields(enum customer_lifecycle lifecycle, bool person,
                                    bool create);

/*
 * Builds the columns of a record from its complete input form: a create body,
 * or the current record merged with a PATCH body. current is the record (API
 * form) being changed, or NULL for a create. It supplies what the input form
 * lacks, such as a converted customer's lead fields. Checks what the
 * field tables cannot: phone numbers (rule "phone"), the country code, dates
 * in the past, the website, and that some contact channel is given. Field errors
 * go to s->problem with RESULT_INVALID. Does no I/O.
 */
enum result customer_columns_build(struct scope *s, enum customer_lifecycle lifecycle,
                                   const char *kind, const json_t *input, const json_t *current,
                                   struct customer_columns *out);

/* Sets search_text from the other columns and the record's code and reference. */
void customer_columns_search_text(struct scope *s, json_t *columns, const char *code,
                                  const char *reference);

#endif
