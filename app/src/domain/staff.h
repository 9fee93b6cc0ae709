/*
 * Onboarding staff: invitations and password-reset links. Links carry a one-time
 * token of 32 random bytes; only its SHA-256 is stored.
 */
#ifndef LENDASTACK_DOMAIN_STAFF_H
#define LENDASTACK_DOMAIN_STAFF_H

#include <stdbool.h>
#include <stdint.h>

#include "core/result.h"
#include "core/scope.h"
#include "store/identity.h"

#define STAFF_INVITATION_HOURS 72
#define STAFF_RESET_HOURS 24

/* The comparison form of an email address: case-folded (it is already trimmed). */
char *staff_email_key(struct arena *a, const char *email);

/*
 * Creates an invited user and an invitation token valid STAFF_INVITATION_HOURS,
 * in the caller's transaction. *token is the secret for the link.
 * RESULT_CONFLICT (problem "email_taken") when a user has the email already,
 * RESULT_INVALID when no role has role_id, and RESULT_DENIED when the role
 * grants more than the actor has (see domain/access.h).
 */
enum result staff_invite(struct scope *s, const char *email, const char *display_name,
                         int64_t role_id, int64_t *user_id, char **token);

/* Creates a new one-time token of a purpose for a user, cancelling older ones. */
enum result staff_issue_token(struct scope *s, int64_t user_id, const char *purpose, int hours,
                              char **token);

/* Returns the path of the browser page that uses a one-time token. */
char *staff_link_path(struct arena *a, const char *purpose, const char *token);

/*
 * Issues a new invitation link for an invited user, ending the previous one, in
 * the caller's transaction. RESULT_CONFLICT when the user is not invited.
 */
enum result staff_reinvite(struct scope *s, int64_t user_id, char **token);

/*
 * Issues a password-reset link valid STAFF_RESET_HOURS for an active user, in the
 * caller's transaction. RESULT_CONFLICT when the user is not active.
 */
enum result staff_issue_reset(struct scope *s, int64_t user_id, char **token);

/*
 * Consumes a one-time token of a purpose ("invitation" or "password_reset") in
 * the caller's transaction and locks its user, who must be invited for an
 * invitation and active for a reset. RESULT_GONE, with the same problem whether
 * the token is unknown, used or expired, otherwise.
 */
enum result staff_redeem(struct scope *s, const char *purpose, const char *token,
                         struct user_row *user);

/*
 * Activates a user redeemed from an invitation with a password hash and, when
 * not NULL, a new display name, and audits it. *user is updated.
 */
enum result staff_activate(struct scope *s, struct user_row *user, const char *display_name,
                           const char *password_hash);

/*
 * Sets a new password hash for a user redeemed from a reset link and audits it.
 * It raises the credential version and revokes every session, so every session
 * and API token of the user ends. *hashes receives the revoked sessions' hashes.
 */
enum result staff_reset_password(struct scope *s, const struct user_row *user,
                                 const char *password_hash, char ***hashes, int *count);

/* A change to a staff member. Members that are NULL or 0 stay as they are. */
struct staff_change {
    const char *display_name;
    int64_t role_id;
    const char *status;       /* "active" or "deactivated" */
};

/* The outcome of a change, for the response and for deleting cache entries after commit. */
struct staff_changed {
    int version;
    char **session_hashes;    /* sessions revoked by a deactivation, in an arena array */
    int session_count;
};

/*
 * Changes a user in the caller's transaction and audits the values before and
 * after. expected_version is the version the client read, or 0 for any.
 *
 * Reactivating a user who never set a password makes them invited again.
 * Deactivation raises the credential version, which ends every session and API
 * token, revokes the sessions and cancels open links. The last active holder of
 * the Administrator role can be neither deactivated nor given another role: the
 * administrators' rows are locked first, so concurrent changes see each other.
 *
 * Results: RESULT_NOT_FOUND, RESULT_PRECONDITION_FAILED, RESULT_INVALID (no such
 * role), RESULT_CONFLICT ("last_administrator", or activating an invited user)
 * and RESULT_DENIED (see domain/access.h), each with the problem set.
 */
enum result staff_update(struct scope *s, int64_t user_id, int expected_version,
                         const struct staff_change *change, struct staff_changed *out);

#endif
