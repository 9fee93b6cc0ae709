/*
 * The request path, top to bottom: read the FastCGI request, route it, resolve
 * the tenant, authenticate, check the permission and CSRF token, read and parse
 * the body, call the handler, and write the response or problem document.
 */
#ifndef LENDASTACK_SERVER_DISPATCH_H
#define LENDASTACK_SERVER_DISPATCH_H

#include "cache/cache.h"
#include "core/arena.h"
#include "db/db.h"

/* Registers every route; called once per worker. */
void dispatch_init(void);

/* Serves one accepted FastCGI request (an FCGX_Request). */
void dispatch_request(void *transport, struct arena *arena, struct db *db, struct cache *cache);

#endif
