/* The JSON forms of a deal and of its stage history, built from store rows. */
#ifndef LENDASTACK_DOMAIN_DEAL_RECORD_H
#define LENDASTACK_DOMAIN_DEAL_RECORD_H

#include "core/json.h"

/* Returns a deal in the API's shape from a deal_store_get() row. */
json_t *deal_record_from_row(const json_t *row);

/* Returns a history entry in the API's shape from a deal_store_history() row. */
json_t *deal_record_history_entry(const json_t *row);

#endif
