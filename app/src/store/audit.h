/* Audit entries: who did what to which record, when, and from where. */
#ifndef LENDASTACK_STORE_AUDIT_H
#define LENDASTACK_STORE_AUDIT_H

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

#endif
