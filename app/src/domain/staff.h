/*
 * Onboarding staff: invitations and password-reset links. Links carry a one-time
 * token of 32 random bytes; only its SHA-256 is stored.
 */
#ifndef LENDASTACK_DOMAIN_STAFF_H
#define LENDASTACK_DOMAIN_STAFF_H

#include <stdint.h>

#include "core/result.h"
#include "core/scope.h"

#define STAFF_INVITATION_HOURS 72
#define STAFF_RESET_HOURS 24

/* The comparison form of an email address: case-folded (it is already trimmed). */
char *staff_email_key(struct arena *a, const char *email);

/*
 * Creates an invited user and an invitation token valid STAFF_INVITATION_HOURS,
 * in the caller's transaction. *token is the secret for the link.
 * RESULT_CONFLICT (problem "email_taken") when a user has the email already.
 */
enum result staff_invite(struct scope *s, const char *email, const char *display_name,
                         int64_t role_id, int64_t *user_id, char **token);

/* Creates a new one-time token of a purpose for a user, cancelling older ones. */
enum result staff_issue_token(struct scope *s, int64_t user_id, const char *purpose, int hours,
                              char **token);

/* Returns the path of the browser page that uses a one-time token. */
char *staff_link_path(struct arena *a, const char *purpose, const char *token);

#endif
