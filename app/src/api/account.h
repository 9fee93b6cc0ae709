/* Helpers the sign-in and staff APIs share. */
#ifndef LENDASTACK_API_ACCOUNT_H
#define LENDASTACK_API_ACCOUNT_H

#include <stdbool.h>

#include "auth/session.h"
#include "http/request.h"
#include "store/identity.h"

/* A session written by auth_session_open(), to send once the transaction commits. */
struct auth_session_started {
    struct session_entry entry;
    char *cookie;
    char *csrf;
    char *hash;
};

/*
 * Starts a session for user inside the caller's transaction: the session row, the
 * last sign-in time and the audit entry. Nothing reaches Redis or the client
 * until auth_session_send().
 */
enum result auth_session_open(struct request *req, const struct user_row *user,
                              struct auth_session_started *started);

/* After commit: caches the session, sets the cookie and responds with status and the user. */
void auth_session_send(struct request *req, const struct user_row *user,
                       const struct auth_session_started *started, int status);

/* Starts a session for user in its own transaction and responds as auth_session_send(). */
enum result auth_start_session(struct request *req, const struct user_row *user, int status);

/* Checks a new password's rules; adds a field error and returns false when broken. */
bool auth_password_acceptable(struct request *req, const char *field, const char *password,
                              const char *email);

#endif
