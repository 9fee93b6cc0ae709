/*
 * Fixtures of the case, timeline and dashboard suites, over the harness: a
 * tenant with its administrator signed in, records, cases and users with a
 * role of given permissions, and requests at a pinned time through the test
 * clock header. Functions fail the test when the stack does not respond as
 * expected.
 */
#ifndef LENDASTACK_TESTS_FIXTURES_H
#define LENDASTACK_TESTS_FIXTURES_H

#include <jansson.h>

#include "tests/support/harness.h"

/* A tenant with its administrator signed in. */
struct fx_tenant {
    struct th_tenant tenant;
    struct th_client admin;
};

/* Creates a tenant (extra as for th_tenant_create) and signs its administrator in. */
void fx_init(struct fx_tenant *f, const char *prefix, const char *extra);

/*
 * Sends body (a JSON value, or NULL; freed here) as of the instant now (RFC
 * 3339, sent as X-Lendastack-Test-Now), or on the real clock when now is NULL.
 */
struct th_response fx_send(struct th_client *c, const char *method, const char *path,
                           json_t *body, const char *now);

/* Sends a PATCH with If-Match "version"; the client's If-Match is cleared afterwards. */
struct th_response fx_patch(struct th_client *c, const char *path, long long version,
                            json_t *body, const char *now);

/* Creates a person customer and returns its code (malloc'd). */
char *fx_customer(struct th_client *c, const char *first, const char *last);

/* Creates a person prospect and returns its reference (malloc'd). */
char *fx_prospect(struct th_client *c, const char *first, const char *last);

/*
 * Creates a case for the record named by field ("customer" or "prospect") and
 * key, with a priority, at now (NULL for the real clock). Returns the case
 * number (malloc'd).
 */
char *fx_case(struct th_client *c, const char *field, const char *key, const char *subject,
              const char *priority, const char *now);

/*
 * Adds a signed-in user with a new role granting permissions (JSON text such
 * as {"cases.view": "own"}) and returns the user's id; c is the user's client.
 */
long long fx_user(struct fx_tenant *f, const char *name, const char *permissions,
                  struct th_client *c);

/* Adds a signed-in user holding the built-in role role (e.g. "Viewer"); returns the user's id. */
long long fx_user_in_role(struct fx_tenant *f, const char *name, const char *role,
                          struct th_client *c);

/* Returns the value at a dotted path such as "items.0.number", or NULL when absent. */
json_t *fx_path(json_t *v, const char *path);

/* True when the array at path of the response has an item whose member key equals value. */
bool fx_has(const struct th_response *r, const char *path, const char *key, const char *value);

#endif
