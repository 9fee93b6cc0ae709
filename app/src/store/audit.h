/* Audit entries: who did what to which record, when, and from where. */
#ifndef LENDASTACK_STORE_AUDIT_H
#define LENDASTACK_STORE_AUDIT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/json.h"
#include "core/result.h"
#include "core/scope.h"

/*
 * Adds an entry in the tenant's audit log, inside the caller's transaction when
 * one is open. The actor and client address come from the scope; details may be
 * NULL. Blocks on PostgreSQL.
 */
enum result audit_record(struct scope *s, const char *action, const char *target_type,
                         const char *target_id, json_t *details);

/* The same, with an explicit actor for events before sign-in (a failed login). */
enum result audit_record_as(struct scope *s, int64_t actor_user_id, const char *action,
                            const char *target_type, const char *target_id, json_t *details);

/* Filters of an audit listing. NULL or 0 matches every entry. */
struct audit_filter {
    const char *action;
    const char *target_type;
    const char *target_id;
    int64_t actor_user_id;
    const char *from;          /* RFC 3339; entries at or after it */
    const char *to;            /* RFC 3339; entries before it */
    bool after;                /* keyset pagination: only entries older than this position */
    int64_t after_micros;      /* occurred_at of the last entry seen, microseconds since the epoch */
    int64_t after_id;
    int limit;
};

/*
 * Returns up to f->limit entries, newest first (occurred_at, then id), each as
 * {id, occurred_at, action, target_type, target_id, actor, client_addr,
 * details, position}. actor is {user_id, display_name, token_id} or null, and
 * position is occurred_at in microseconds since the epoch, for the cursor.
 */
enum result audit_list(struct scope *s, const struct audit_filter *f, json_t **out);

#endif
