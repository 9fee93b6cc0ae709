/* Helpers the sign-in and staff APIs share. */
#ifndef LENDASTACK_API_ACCOUNT_H
#define LENDASTACK_API_ACCOUNT_H

#include <stdbool.h>

#include "http/request.h"
#include "store/identity.h"

/* Starts a session for user, sets the cookie and answers with status and the user. */
enum result auth_start_session(struct request *req, const struct user_row *user, int status);

/* Checks a new password's rules; adds a field error and returns false when broken. */
bool auth_password_acceptable(struct request *req, const char *field, const char *password,
                              const char *email);

#endif
