#include <string.h>

#include "core/crypto.h"
#include "core/text.h"
#include "domain/staff.h"
#include "store/audit.h"
#include "store/identity.h"

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
    json_t *details;
    enum result r;

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
