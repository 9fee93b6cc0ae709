/*
 * Limits on failed sign-ins: LOGIN_ACCOUNT_LIMIT failures per account and
 * LOGIN_ADDRESS_LIMIT per client address within LOGIN_WINDOW_SECONDS, counted in
 * Redis. Without Redis the same limits are counted from the audit log in
 * PostgreSQL, so they hold, at the cost of one more query per sign-in.
 */
#ifndef LENDASTACK_AUTH_THROTTLE_H
#define LENDASTACK_AUTH_THROTTLE_H

#include "core/result.h"
#include "core/scope.h"

#define LOGIN_ACCOUNT_LIMIT 5
#define LOGIN_ADDRESS_LIMIT 50
#define LOGIN_WINDOW_SECONDS 900

/* RESULT_TOO_MANY, with *retry_after in seconds, when either limit is reached. */
enum result throttle_login_check(struct scope *s, const char *email_key, int *retry_after);

/* Counts a failure (the audit entry is written by the caller). */
void throttle_login_failed(struct scope *s, const char *email_key);

/* Clears the account's count after a successful sign-in. */
void throttle_login_succeeded(struct scope *s, const char *email_key);

#endif
