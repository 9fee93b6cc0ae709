/*
 * Tenant settings: a fixed list of keys, each with a type, limits and default.
 * Stored rows override defaults; a key a tenant never set reads as its default.
 */
#ifndef LENDASTACK_DOMAIN_SETTINGS_H
#define LENDASTACK_DOMAIN_SETTINGS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/json.h"
#include "core/result.h"
#include "core/scope.h"

enum setting_id {
    SETTING_SESSION_IDLE_MINUTES,
    SETTING_SESSION_LIFETIME_HOURS,
    SETTING_CASE_HOURS_LOW,
    SETTING_CASE_HOURS_NORMAL,
    SETTING_CASE_HOURS_HIGH,
    SETTING_CASE_HOURS_URGENT,
    SETTING_CASE_CATEGORIES,
    SETTING_DEAL_WIN_CONVERTS,
    SETTING_COUNT
};

struct settings {
    json_t *values[SETTING_COUNT];
};

/* Reads the tenant's settings, defaults filled in. Blocks on PostgreSQL. */
enum result settings_load(struct scope *s, struct settings *out);

int64_t settings_int(const struct settings *st, enum setting_id id);
bool settings_bool(const struct settings *st, enum setting_id id);
const json_t *settings_value(const struct settings *st, enum setting_id id);

/* Returns every setting as one JSON object, key to value. */
json_t *settings_to_json(const struct settings *st);

/*
 * Validates and stores the keys present in patch, in the caller's transaction,
 * and audits each key's value before and after.
 * Unknown keys and values of the wrong type or out of range are field errors in
 * s->problem (RESULT_INVALID) and nothing is written.
 */
enum result settings_update(struct scope *s, const json_t *patch);

#endif
