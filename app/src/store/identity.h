/*
 * SQL for staff identity: users with their roles, sessions, API tokens and
 * one-time tokens. Every function runs in the scope's tenant schema and blocks on
 * PostgreSQL. Strings in returned rows live in the scope's arena.
 */
#ifndef LENDASTACK_STORE_IDENTITY_H
#define LENDASTACK_STORE_IDENTITY_H

#include <stdbool.h>
#include <stdint.h>

#include "core/json.h"
#include "core/result.h"
#include "core/scope.h"

struct user_row {
    int64_t id;
    const char *email;
    const char *display_name;
    const char *status;
    const char *password_hash;   /* NULL until a password is set */
    int credential_version;
    int64_t role_id;
    const char *role_name;
    bool role_built_in;
    const char *permissions;     /* the role's permissions as JSON text */
    int version;
};

struct session_row {
    int64_t id;
    int64_t user_id;
    int credential_version;
    int64_t expires_at;          /* seconds since the epoch */
    int64_t last_seen_at;
};

struct token_row {
    int64_t id;
    int64_t user_id;
    int credential_version;
    int64_t role_id;
    const char *role_name;
    const char *permissions;
    int64_t expires_at;          /* 0 for never */
    int64_t last_used_at;        /* 0 for never */
};

/* RESULT_NOT_FOUND when no such user. */
enum result identity_user_by_id(struct scope *s, int64_t id, struct user_row *out);
enum result identity_user_by_email(struct scope *s, const char *email_key, struct user_row *out);

/* Locks the row for update inside the caller's transaction. */
enum result identity_user_lock(struct scope *s, int64_t id, struct user_row *out);

enum result identity_user_set_password(struct scope *s, int64_t id, const char *hash,
                                       bool raise_credential_version, int *credential_version);
enum result identity_user_record_login(struct scope *s, int64_t id);

/* A live (not revoked) session by token hash; RESULT_NOT_FOUND otherwise. */
enum result identity_session_by_hash(struct scope *s, const char *token_hash,
                                     struct session_row *out);
enum result identity_session_insert(struct scope *s, int64_t user_id, const char *token_hash,
                                    int credential_version, int64_t expires_at_us,
                                    const char *user_agent, int64_t *id);
enum result identity_session_touch(struct scope *s, int64_t id);
enum result identity_session_set_version(struct scope *s, int64_t id, int credential_version);

/*
 * Revokes one session (session_id > 0) or every live session of a user except
 * keep_session_id, returning the revoked token hashes so their cache entries can
 * be deleted. *hashes is an arena array of *count strings.
 */
enum result identity_session_revoke(struct scope *s, int64_t session_id, int64_t user_id,
                                    int64_t keep_session_id, char ***hashes, int *count);

/* RESULT_CONFLICT when the email is taken. */
enum result identity_user_insert(struct scope *s, const char *email, const char *email_key,
                                 const char *display_name, int64_t role_id, const char *status,
                                 int64_t *id);

/* Finds a role by name, case-insensitively. */
enum result identity_role_by_name(struct scope *s, const char *name, int64_t *id);

enum result identity_one_time_insert(struct scope *s, int64_t user_id, const char *purpose,
                                     const char *token_hash, int64_t expires_at_us);

/*
 * Marks an unused, unexpired one-time token as used and returns its user. A token
 * can be consumed once; RESULT_NOT_FOUND otherwise.
 */
enum result identity_one_time_consume(struct scope *s, const char *token_hash, const char *purpose,
                                      int64_t *user_id);

/* Ends every unused one-time token of a user for a purpose, or of every purpose when NULL. */
enum result identity_one_time_cancel(struct scope *s, int64_t user_id, const char *purpose);

enum result identity_user_activate(struct scope *s, int64_t id, const char *display_name,
                                   const char *password_hash, int *credential_version);

enum result identity_token_by_hash(struct scope *s, const char *token_hash, struct token_row *out);
enum result identity_token_touch(struct scope *s, int64_t id);

/* Filters of a user list. NULL or 0 matches every user. */
struct identity_user_filter {
    const char *status;
    int64_t role_id;
    int64_t after_id;  /* keyset pagination: only ids above this one */
    int limit;
};

/*
 * Returns a user as the API shows it: id, email, display_name, status,
 * role {id, name}, last_login_at, created_at, updated_at and version. Never the
 * password hash or credential version. RESULT_NOT_FOUND when no such user.
 */
enum result identity_user_json(struct scope *s, int64_t id, json_t **out);

/* Returns up to f->limit users in id order, each as identity_user_json() shows it. */
enum result identity_user_list(struct scope *s, const struct identity_user_filter *f, json_t **out);

/*
 * Returns the active staff as [{id, display_name}] ordered by name, for the owner
 * and assignee pickers every signed-in user needs. No emails or roles.
 */
enum result identity_user_directory(struct scope *s, json_t **out);

/*
 * Locks the rows of every active user holding the built-in Administrator role,
 * in id order, inside the caller's transaction, and returns their ids in an
 * arena array. Every change that can remove an administrator takes these locks
 * before any other user row. Two such changes then wait for each other instead
 * of both counting the same administrators, and do not deadlock each other.
 */
enum result identity_admins_lock(struct scope *s, int64_t **ids, int *count);

/*
 * Writes a user's display name, role and status, raises its version and returns
 * the new version. With end_credentials it also raises the credential version,
 * which ends every session and API token of the user.
 */
enum result identity_user_update(struct scope *s, int64_t id, const char *display_name,
                                 int64_t role_id, const char *status, bool end_credentials,
                                 int *version);

#endif
