/*
 * A description of why a request failed, independent of HTTP: a machine-readable
 * type, a title, a detail sentence, and for validation failures one entry per
 * field naming the rule that was broken. The HTTP layer renders it as an RFC 9457
 * problem document.
 */
#ifndef LENDASTACK_CORE_PROBLEM_H
#define LENDASTACK_CORE_PROBLEM_H

#include <stddef.h>

#include "core/arena.h"
#include "core/json.h"

struct problem_error {
    const char *field;   /* JSON path of the field, e.g. "phones[1].number" */
    const char *rule;    /* e.g. "required", "max_length", "format" */
    const char *message; /* a sentence for people */
};

struct problem {
    struct arena *arena;
    const char *type;    /* e.g. "validation_failed"; NULL means derived from the result */
    const char *title;
    const char *detail;
    struct problem_error *errors;
    size_t error_count;
    size_t error_cap;
    json_t *extra;       /* further members, e.g. matching codes of a duplicate */
    int retry_after;     /* seconds; 0 for none */
};

void problem_init(struct problem *p, struct arena *a);

/* Sets type, title and a formatted detail, replacing earlier values. */
void problem_set(struct problem *p, const char *type, const char *title, const char *detail_fmt,
                 ...) __attribute__((format(printf, 4, 5)));

/* Adds a field error with a formatted message. */
void problem_field(struct problem *p, const char *field, const char *rule, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Adds a member to the problem document, e.g. "allowed": [...]. */
void problem_extra(struct problem *p, const char *key, json_t *value);

#endif
