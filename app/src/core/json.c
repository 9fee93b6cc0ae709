#include <string.h>

#include "core/json.h"

static struct arena *json_arena;

static void *
json_arena_malloc(size_t size)
{
    return arena_alloc(json_arena, size);
}

static void
json_arena_free(void *p)
{
    (void)p; /* released with the arena */
}

struct arena *
json_use_arena(struct arena *a)
{
    struct arena *previous = json_arena;

    json_arena = a;
    json_set_alloc_funcs(json_arena_malloc, json_arena_free);
    return previous;
}

struct arena *
json_current_arena(void)
{
    return json_arena;
}

json_t *
json_parse(const char *data, size_t len, json_error_t *err)
{
    return json_loadb(data, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, err);
}

char *
json_dump(const json_t *value, size_t *len)
{
    char *text = json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(6));

    if (text == NULL) {
        *len = 0;
        return NULL;
    }
    *len = strlen(text);
    return text;
}

const char *
json_str(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);

    return json_is_string(v) ? json_string_value(v) : NULL;
}

int64_t
json_int(const json_t *obj, const char *key, int64_t fallback)
{
    const json_t *v = json_object_get(obj, key);

    return json_is_integer(v) ? (int64_t)json_integer_value(v) : fallback;
}

json_t *
json_string_or_null(const char *s)
{
    return s == NULL ? json_null() : json_string(s);
}
