#include <inttypes.h>
#include <string.h>

#include "core/crypto.h"
#include "core/text.h"
#include "domain/access.h"
#include "domain/staff.h"
#include "store/audit.h"
#include "store/identity.h"
#include "store/roles.h"

static char *
staff_id_text(struct scope *s, int64_t id)
{
    return arena_printf(s->arena, "%" PRId64, id);
}

static enum result
staff_not_found(struct scope *s)
{
    problem_field(s->problem, "id", "exists", "No staff member has this id.");
    return RESULT_NOT_FOUND;
}

char *
staff_email_key(struct arena *a, const char *email)
{
    return text_casefold(a, email);
}

enum result
staff_issue_token(struct scope *s, int64_t user_id, const char *purpose, int hours, char **token)
{
    char *secret = crypto_random_token(s->arena, 32);
    enum result r;

    if (secret == NULL)
        return RESULT_INTERNAL;
    if ((r = identity_one_time_cancel(s, user_id, purpose)) != RESULT_OK)
        return r;
    r = identity_one_time_insert(s, user_id, purpose, crypto_sha256_hex(s->arena, secret),
                                 s->now_us + (int64_t)hours * 3600 * 1000000);
    if (r == RESULT_OK)
        *token = secret;
    return r;
}

enum result
staff_invite(struct scope *s, const char *email, const char *display_name, int64_t role_id,
             int64_t *user_id, char **token)
{
    struct role_row role;
    json_t *details;
    enum result r;

    if ((r = roles_get(s, role_id, false, &role)) == RESULT_NOT_FOUND) {
        problem_field(s->problem, "role_id", "exists", "No role has this id.");
        return RESULT_INVALID;
    }
    if (r != RESULT_OK)
        return r;
    if ((r = access_check_role(s, role.permissions, "role_id")) != RESULT_OK)
        return r;
    r = identity_user_insert(s, email, staff_email_key(s->arena, email), display_name, role_id,
                             "invited", user_id);
    if (r == RESULT_CONFLICT) {
        problem_set(s->problem, "email_taken", "Email already in use",
                    "A staff member with the email %s exists already.", email);
        problem_field(s->problem, "email", "unique", "Another staff member has this email.");
        return r;
    }
    if (r == RESULT_INVALID && strcmp(db_error_state(s->db), "23503") == 0) {
        problem_field(s->problem, "role_id", "exists", "No role has this id.");
        return r;
    }
    if (r != RESULT_OK)
        return r;
    if ((r = staff_issue_token(s, *user_id, "invitation", STAFF_INVITATION_HOURS, token)) != RESULT_OK)
        return r;
    details = json_object();
    json_object_set_new(details, "email", json_string(email));
    json_object_set_new(details, "role_id", json_integer(role_id));
    return audit_record(s, "user.invited", "user", arena_printf(s->arena, "%lld", (long long)*user_id),
                        details);
}

char *
staff_link_path(struct arena *a, const char *purpose, const char *token)
{
    const char *page = strcmp(purpose, "invitation") == 0 ? "accept-invitation" : "reset-password";

    return arena_printf(a, "/#/%s?token=%s", page, token);
}

/* Locks a user and checks that the actor may act on them (see domain/access.h). */
static enum result
staff_lock_managed(struct scope *s, int64_t user_id, struct user_row *user)
{
    enum result r = identity_user_lock(s, user_id, user);

    if (r == RESULT_NOT_FOUND)
        return staff_not_found(s);
    if (r != RESULT_OK)
        return r;
    return access_check_role(s, user->permissions, "id");
}

enum result
staff_reinvite(struct scope *s, int64_t user_id, char **token)
{
    struct user_row user;
    enum result r;

    if ((r = staff_lock_managed(s, user_id, &user)) != RESULT_OK)
        return r;
    if (strcmp(user.status, "invited") != 0) {
        problem_set(s->problem, "user_not_invited", "Not invited",
                    "%s is %s; only invited staff members get a new invitation.", user.email,
                    user.status);
        problem_field(s->problem, "status", "invited", "The user must be invited.");
        return RESULT_CONFLICT;
    }
    if ((r = staff_issue_token(s, user.id, "invitation", STAFF_INVITATION_HOURS, token)) != RESULT_OK)
        return r;
    return audit_record(s, "user.invitation_sent", "user", staff_id_text(s, user.id), NULL);
}

enum result
staff_issue_reset(struct scope *s, int64_t user_id, char **token)
{
    struct user_row user;
    enum result r;

    if ((r = staff_lock_managed(s, user_id, &user)) != RESULT_OK)
        return r;
    if (strcmp(user.status, "active") != 0) {
        problem_set(s->problem, "user_not_active", "Not active",
                    "%s is %s; only active staff members can reset a password. An invited user "
                    "needs a new invitation.", user.email, user.status);
        problem_field(s->problem, "status", "active", "The user must be active.");
        return RESULT_CONFLICT;
    }
    if ((r = staff_issue_token(s, user.id, "password_reset", STAFF_RESET_HOURS, token)) != RESULT_OK)
        return r;
    return audit_record(s, "user.password_reset_requested", "user", staff_id_text(s, user.id), NULL);
}

enum result
staff_redeem(struct scope *s, const char *purpose, const char *token, struct user_row *user)
{
    const char *required_status = strcmp(purpose, "invitation") == 0 ? "invited" : "active";
    int64_t user_id = 0;
    enum result r;

    r = identity_one_time_consume(s, crypto_sha256_hex(s->arena, token), purpose, &user_id);
    if (r == RESULT_OK)
        r = identity_user_lock(s, user_id, user);
    if (r == RESULT_OK && strcmp(user->status, required_status) != 0)
        r = RESULT_NOT_FOUND;
    if (r != RESULT_NOT_FOUND)
        return r;
    /* The same response for unknown, used and expired links, so a client cannot distinguish them. */
    problem_set(s->problem, "link_unusable", "Link no longer valid",
                "This link is unknown, used or expired. Ask for a new one.");
    problem_field(s->problem, "token", "usable", "Must be a link that is unused and not expired.");
    return RESULT_GONE;
}

enum result
staff_activate(struct scope *s, struct user_row *user, const char *display_name,
               const char *password_hash)
{
    json_t *details = json_object();
    enum result r;

    r = identity_user_activate(s, user->id, display_name, password_hash, &user->credential_version);
    if (r == RESULT_OK)
        r = identity_one_time_cancel(s, user->id, "invitation");
    if (r != RESULT_OK)
        return r;
    if (display_name != NULL && strcmp(display_name, user->display_name) != 0) {
        json_t *before = json_object();
        json_t *after = json_object();

        json_object_set_new(before, "display_name", json_string(user->display_name));
        json_object_set_new(after, "display_name", json_string(display_name));
        json_object_set_new(details, "before", before);
        json_object_set_new(details, "after", after);
        user->display_name = display_name;
    }
    user->status = "active";
    user->password_hash = password_hash;
    return audit_record_as(s, user->id, "user.invitation_accepted", "user", staff_id_text(s, user->id),
                           details);
}

enum result
staff_reset_password(struct scope *s, const struct user_row *user, const char *password_hash,
                     char ***hashes, int *count)
{
    enum result r;

    r = identity_user_set_password(s, user->id, password_hash, true, NULL);
    if (r == RESULT_OK)
        r = identity_session_revoke(s, 0, user->id, 0, hashes, count);
    if (r == RESULT_OK)
        r = identity_one_time_cancel(s, user->id, "password_reset");
    if (r != RESULT_OK)
        return r;
    return audit_record_as(s, user->id, "user.password_reset", "user", staff_id_text(s, user->id), NULL);
}

static bool
staff_contains(const int64_t *ids, int count, int64_t id)
{
    for (int i = 0; i < count; i++) {
        if (ids[i] == id)
            return true;
    }
    return false;
}

/* Works out the status that a requested one leads to. RESULT_CONFLICT for a move not allowed. */
static enum result
staff_next_status(struct scope *s, const struct user_row *user, const char *requested,
                  const char **next)
{
    *next = user->status;
    if (requested == NULL || strcmp(requested, user->status) == 0)
        return RESULT_OK;
    if (strcmp(requested, "deactivated") == 0) {
        *next = "deactivated";
        return RESULT_OK;
    }
    if (strcmp(user->status, "invited") == 0) {
        problem_set(s->problem, "user_not_accepted", "Invitation not accepted",
                    "%s becomes active by accepting the invitation.", user->email);
        problem_field(s->problem, "status", "transition",
                      "An invited user cannot be made active; send a new invitation instead.");
        return RESULT_CONFLICT;
    }
    /* Reactivation: a user who never set a password needs an invitation again. */
    *next = user->password_hash != NULL ? "active" : "invited";
    return RESULT_OK;
}

static json_t *
staff_role_json(int64_t id, const char *name)
{
    json_t *role = json_object();

    json_object_set_new(role, "id", json_integer(id));
    json_object_set_new(role, "name", json_string(name));
    return role;
}

static const char *
staff_update_action(const struct user_row *user, const char *next_status)
{
    if (strcmp(next_status, user->status) == 0)
        return "user.updated";
    if (strcmp(next_status, "deactivated") == 0)
        return "user.deactivated";
    return "user.reactivated";
}

enum result
staff_update(struct scope *s, int64_t user_id, int expected_version,
             const struct staff_change *change, struct staff_changed *out)
{
    struct user_row user;
    struct role_row role = {0};
    const char *next_status, *display_name;
    int64_t *admins = NULL;
    int admin_count = 0;
    bool role_changes, was_admin, stays_admin, ends;
    json_t *before, *after, *details;
    enum result r;

    memset(out, 0, sizeof(*out));
    /* The administrators first, then the user: the same order in every transaction. */
    if ((change->status != NULL || change->role_id != 0) &&
        (r = identity_admins_lock(s, &admins, &admin_count)) != RESULT_OK)
        return r;
    if ((r = identity_user_lock(s, user_id, &user)) == RESULT_NOT_FOUND)
        return staff_not_found(s);
    if (r != RESULT_OK)
        return r;
    if (expected_version != 0 && expected_version != user.version) {
        problem_set(s->problem, "version_mismatch", "Version mismatch",
                    "The user changed since you read it; it is at version %d now. Read it again.",
                    user.version);
        problem_field(s->problem, "If-Match", "current", "Must name version %d.", user.version);
        return RESULT_PRECONDITION_FAILED;
    }
    if ((r = access_check_role(s, user.permissions, "id")) != RESULT_OK)
        return r;

    role_changes = change->role_id != 0 && change->role_id != user.role_id;
    role.id = user.role_id;
    role.name = user.role_name;
    role.built_in = user.role_built_in;
    if (role_changes) {
        if ((r = roles_get(s, change->role_id, false, &role)) == RESULT_NOT_FOUND) {
            problem_field(s->problem, "role_id", "exists", "No role has this id.");
            return RESULT_INVALID;
        }
        if (r != RESULT_OK)
            return r;
        if ((r = access_check_role(s, role.permissions, "role_id")) != RESULT_OK)
            return r;
    }
    if ((r = staff_next_status(s, &user, change->status, &next_status)) != RESULT_OK)
        return r;

    was_admin = staff_contains(admins, admin_count, user.id);
    stays_admin = strcmp(next_status, "active") == 0 && access_is_administrator(role.built_in, role.name);
    if (was_admin && !stays_admin && admin_count <= 1) {
        bool deactivating = strcmp(next_status, "active") != 0;

        problem_set(s->problem, "last_administrator", "Last administrator",
                    "%s is the last active administrator; make another user an administrator "
                    "first.", user.email);
        problem_field(s->problem, deactivating ? "status" : "role_id", "last_administrator",
                      "At least one active user must keep the Administrator role.");
        return RESULT_CONFLICT;
    }

    display_name = change->display_name != NULL ? change->display_name : user.display_name;
    ends = strcmp(next_status, "deactivated") == 0 && strcmp(user.status, "deactivated") != 0;
    if (!role_changes && strcmp(next_status, user.status) == 0 &&
        strcmp(display_name, user.display_name) == 0) {
        out->version = user.version; /* nothing to change */
        return RESULT_OK;
    }
    r = identity_user_update(s, user.id, display_name, role.id, next_status, ends, &out->version);
    if (r == RESULT_OK && ends)
        r = identity_session_revoke(s, 0, user.id, 0, &out->session_hashes, &out->session_count);
    if (r == RESULT_OK && ends)
        r = identity_one_time_cancel(s, user.id, NULL);
    if (r != RESULT_OK)
        return r;

    before = json_object();
    after = json_object();
    if (strcmp(display_name, user.display_name) != 0) {
        json_object_set_new(before, "display_name", json_string(user.display_name));
        json_object_set_new(after, "display_name", json_string(display_name));
    }
    if (role_changes) {
        json_object_set_new(before, "role", staff_role_json(user.role_id, user.role_name));
        json_object_set_new(after, "role", staff_role_json(role.id, role.name));
    }
    if (strcmp(next_status, user.status) != 0) {
        json_object_set_new(before, "status", json_string(user.status));
        json_object_set_new(after, "status", json_string(next_status));
    }
    details = json_object();
    json_object_set_new(details, "before", before);
    json_object_set_new(details, "after", after);
    return audit_record(s, staff_update_action(&user, next_status), "user", staff_id_text(s, user.id),
                        details);
}
