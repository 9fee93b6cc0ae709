/*
 * Authentication of a request (session cookie or API token), the CSRF check for
 * cookie-authenticated changes, and the permission check. Everything that
 * authenticates reads Redis in one round trip: the session or token entry, the
 * user entry and the tenant generation. Without Redis it reads PostgreSQL.
 */
#ifndef LENDASTACK_AUTH_AUTH_H
#define LENDASTACK_AUTH_AUTH_H

#include <stdbool.h>

#include "core/permission.h"
#include "core/result.h"
#include "http/request.h"

#define TOKEN_PREFIX "lst_"

/*
 * Authenticates req and sets req->scope.actor. With optional set, a request
 * without credentials passes with no actor (public routes); with credentials it
 * must still present valid ones. *generation receives the tenant generation read
 * from Redis, or NULL when Redis was not usable.
 * RESULT_UNAUTHENTICATED for missing, expired or revoked credentials.
 */
enum result auth_authenticate(struct request *req, bool optional, const char **generation);

/* Checks the X-CSRF-Token header of a cookie-authenticated change. */
enum result auth_check_csrf(struct request *req);

/*
 * Returns the CSRF token of the request's session, or NULL when the request was
 * not authenticated by a session cookie. The token is an HMAC of the session
 * secret, computed at the first call because only changes and /auth/me need it.
 * The string lives in the request's arena.
 */
const char *auth_csrf_token(struct request *req);

/* RESULT_DENIED, naming the permission, unless the actor holds p. */
enum result auth_require(struct request *req, enum permission p);

#endif
