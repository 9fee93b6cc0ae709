/*
 * The query parameters of customer and prospect lists, shared with the CSV
 * exports so that an export selects exactly the records the list shows.
 */
#ifndef LENDASTACK_API_CUSTOMER_LIST_H
#define LENDASTACK_API_CUSTOMER_LIST_H

#include "domain/customer.h"
#include "http/request.h"

/* Rejects query parameters not in allowed (NULL-ended) with RESULT_MALFORMED naming the first. */
enum result customers_check_query(struct request *req, const char *const *allowed);

/*
 * Reads the filters of a list (kind, status, owner, tag, created_from,
 * created_to, q, archived, include_archived) and the actor's visibility for
 * the lifecycle's records. RESULT_MALFORMED or RESULT_DENIED with the problem
 * set on a bad or forbidden value.
 */
enum result customers_list_filters(struct request *req, enum customer_lifecycle lifecycle,
                                   struct customer_list_query *q, struct customer_visibility *v);

#endif
