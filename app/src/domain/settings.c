#include <string.h>

#include "core/text.h"
#include "domain/settings.h"
#include "store/audit.h"

enum setting_type { SETTING_INT, SETTING_BOOL, SETTING_STRING_LIST };

struct setting_def {
    const char *key;
    enum setting_type type;
    int64_t min;
    int64_t max;
    const char *fallback; /* JSON text */
};

static const struct setting_def setting_defs[SETTING_COUNT] = {
    [SETTING_SESSION_IDLE_MINUTES] = {"session_idle_minutes", SETTING_INT, 5, 1440, "30"},
    [SETTING_SESSION_LIFETIME_HOURS] = {"session_lifetime_hours", SETTING_INT, 1, 720, "12"},
    [SETTING_CASE_HOURS_LOW] = {"case_target_hours_low", SETTING_INT, 1, 8760, "120"},
    [SETTING_CASE_HOURS_NORMAL] = {"case_target_hours_normal", SETTING_INT, 1, 8760, "48"},
    [SETTING_CASE_HOURS_HIGH] = {"case_target_hours_high", SETTING_INT, 1, 8760, "24"},
    [SETTING_CASE_HOURS_URGENT] = {"case_target_hours_urgent", SETTING_INT, 1, 8760, "4"},
    [SETTING_CASE_CATEGORIES] = {"case_categories", SETTING_STRING_LIST, 0, 100,
                                 "[\"Account\",\"Billing\",\"Complaint\",\"Loan\",\"Request\",\"Other\"]"},
    [SETTING_DEAL_WIN_CONVERTS] = {"deal_win_converts_prospect", SETTING_BOOL, 0, 0, "true"},
};

static struct sql settings_select = SQL_STATEMENT("SELECT key, value FROM {tenant}.settings");
static struct sql settings_upsert = SQL_STATEMENT(
    "INSERT INTO {tenant}.settings (key, value, updated_at, updated_by)"
    " VALUES ($1, $2::jsonb, " SQL_MICROS("$3") ", $4)"
    " ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at,"
    " updated_by = excluded.updated_by");

static int
setting_find(const char *key)
{
    for (int i = 0; i < SETTING_COUNT; i++) {
        if (strcmp(setting_defs[i].key, key) == 0)
            return i;
    }
    return -1;
}

/* Checks a value against its definition; adds a field error and returns false if wrong. */
static bool
setting_valid(struct scope *s, const struct setting_def *def, const json_t *value)
{
    switch (def->type) {
    case SETTING_INT:
        if (!json_is_integer(value) || json_integer_value(value) < def->min ||
            json_integer_value(value) > def->max) {
            problem_field(s->problem, def->key, "range", "Must be an integer from %lld to %lld.",
                          (long long)def->min, (long long)def->max);
            return false;
        }
        return true;
    case SETTING_BOOL:
        if (!json_is_boolean(value)) {
            problem_field(s->problem, def->key, "type", "Must be true or false.");
            return false;
        }
        return true;
    case SETTING_STRING_LIST: {
        size_t i;
        json_t *item;

        if (!json_is_array(value) || json_array_size(value) > (size_t)def->max) {
            problem_field(s->problem, def->key, "type", "Must be a list of at most %lld names.",
                          (long long)def->max);
            return false;
        }
        json_array_foreach(value, i, item) {
            const char *text = json_string_value(item);

            if (text == NULL || *text == '\0' || text_chars(text) > 80) {
                problem_field(s->problem, def->key, "item",
                              "Item %zu must be a name of 1 to 80 characters.", i);
                return false;
            }
        }
        return true;
    }
    }
    return false;
}

enum result
settings_load(struct scope *s, struct settings *out)
{
    PGresult *res;
    enum result r;

    for (int i = 0; i < SETTING_COUNT; i++)
        out->values[i] = json_loads(setting_defs[i].fallback, JSON_DECODE_ANY, NULL);
    if ((r = db_query(s->db, scope_schema(s), &settings_select, NULL, &res)) != RESULT_OK)
        return r;
    for (int row = 0; row < PQntuples(res); row++) {
        int id = setting_find(db_value(res, row, 0));
        json_t *value;

        if (id < 0)
            continue; /* a key this build no longer knows */
        value = json_loads(db_value(res, row, 1), JSON_DECODE_ANY, NULL);
        if (value != NULL)
            out->values[id] = value;
    }
    PQclear(res);
    return RESULT_OK;
}

int64_t
settings_int(const struct settings *st, enum setting_id id)
{
    return json_integer_value(st->values[id]);
}

bool
settings_bool(const struct settings *st, enum setting_id id)
{
    return json_is_true(st->values[id]);
}

const json_t *
settings_value(const struct settings *st, enum setting_id id)
{
    return st->values[id];
}

json_t *
settings_to_json(const struct settings *st)
{
    json_t *o = json_object();

    for (int i = 0; i < SETTING_COUNT; i++)
        json_object_set(o, setting_defs[i].key, st->values[i]);
    return o;
}

enum result
settings_update(struct scope *s, const json_t *patch)
{
    struct settings current;
    const char *key;
    json_t *value, *before, *after, *details;
    bool ok = true;
    enum result r;

    if (!json_is_object(patch)) {
        problem_field(s->problem, "", "type", "The body must be a JSON object of settings.");
        return RESULT_INVALID;
    }
    json_object_foreach((json_t *)patch, key, value) {
        int id = setting_find(key);

        if (id < 0) {
            problem_field(s->problem, key, "unknown", "No setting has this name.");
            ok = false;
        } else if (!setting_valid(s, &setting_defs[id], value)) {
            ok = false;
        }
    }
    if (!ok)
        return RESULT_INVALID;
    if ((r = settings_load(s, &current)) != RESULT_OK)
        return r;
    before = json_object();
    after = json_object();

    json_object_foreach((json_t *)patch, key, value) {
        struct db_params p;

        json_object_set(before, key, current.values[setting_find(key)]);
        json_object_set(after, key, value);
        db_params_init(&p, s->arena);
        db_param_text(&p, key);
        db_param_json(&p, value);
        db_param_int(&p, s->now_us);
        if (s->actor != NULL)
            db_param_int(&p, s->actor->user_id);
        else
            db_param_text(&p, NULL);
        if ((r = db_query(s->db, scope_schema(s), &settings_upsert, &p, NULL)) != RESULT_OK)
            return r;
    }
    details = json_object();
    json_object_set_new(details, "before", before);
    json_object_set_new(details, "after", after);
    return audit_record(s, "settings.updated", "settings", NULL, details);
}
