#include <string.h>

#include "core/problem.h"

void
problem_init(struct problem *p, struct arena *a)
{
    memset(p, 0, sizeof(*p));
    p->arena = a;
}

void
problem_set(struct problem *p, const char *type, const char *title, const char *detail_fmt, ...)
{
    va_list ap;

    p->type = type;
    p->title = title;
    if (detail_fmt == NULL) {
        p->detail = NULL;
        return;
    }
    va_start(ap, detail_fmt);
    p->detail = arena_vprintf(p->arena, detail_fmt, ap);
    va_end(ap);
}

void
problem_field(struct problem *p, const char *field, const char *rule, const char *fmt, ...)
{
    va_list ap;

    if (p->error_count == p->error_cap) {
        size_t cap_new = p->error_cap == 0 ? 8 : p->error_cap * 2;
        struct problem_error *grown = arena_calloc(p->arena, cap_new, sizeof(*grown));

        if (p->error_count > 0)
            memcpy(grown, p->errors, p->error_count * sizeof(*grown));
        p->errors = grown;
        p->error_cap = cap_new;
    }
    va_start(ap, fmt);
    p->errors[p->error_count].message = arena_vprintf(p->arena, fmt, ap);
    va_end(ap);
    p->errors[p->error_count].field = arena_strdup(p->arena, field);
    p->errors[p->error_count].rule = rule;
    p->error_count++;
}

void
problem_extra(struct problem *p, const char *key, json_t *value)
{
    if (p->extra == NULL)
        p->extra = json_object();
    json_object_set_new(p->extra, key, value);
}
