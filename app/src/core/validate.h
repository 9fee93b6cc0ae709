/*
 * Table-driven validation of JSON input. Each API declares the fields it accepts
 * with their types and limits; validate_object() checks a body against the table,
 * rejects unknown fields and wrong types, trims and NFC-normalises every string in
 * place, and reports each broken rule as a field error naming the field and rule.
 *
 * Rules (the "rule" member of an error): required, type, unknown, max_length,
 * min_length, range, choice, format, max_items, encoding.
 */
#ifndef LENDASTACK_CORE_VALIDATE_H
#define LENDASTACK_CORE_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/json.h"
#include "core/problem.h"
#include "core/result.h"

enum field_type {
    FIELD_STRING,    /* one line of text */
    FIELD_TEXT,      /* text that may hold line breaks, such as notes */
    FIELD_INTEGER,
    FIELD_BOOLEAN,
    FIELD_ENUM,      /* a string from choices */
    FIELD_EMAIL,     /* an email address, syntax checked */
    FIELD_DATE,      /* ISO 8601 calendar date, YYYY-MM-DD */
    FIELD_TIMESTAMP, /* RFC 3339 date and time with an offset */
    FIELD_ID,        /* a positive integer naming a record */
    FIELD_OBJECT,    /* checked against children */
    FIELD_ARRAY,     /* each item checked against item */
};

enum field_flag {
    FIELD_REQUIRED = 1u << 0, /* must be present on create */
    FIELD_NULLABLE = 1u << 1, /* null is accepted (clears the value) */
};

struct field {
    const char *name;
    enum field_type type;
    unsigned flags;
    size_t max;                   /* characters for text, items for arrays; 0: no limit */
    int64_t min_value;            /* integers; also the minimum characters of text */
    int64_t max_value;
    const char *const *choices;   /* FIELD_ENUM: NULL-terminated list */
    const struct field *children; /* FIELD_OBJECT: fields, ended by a NULL name */
    const struct field *item;     /* FIELD_ARRAY: the item's description */
};

/*
 * Validates body against fields. With partial set (a PATCH), required fields may
 * be absent. prefix is prepended to field names in errors ("" at the top).
 * Returns RESULT_OK, or RESULT_INVALID with the errors in p.
 */
enum result validate_object(struct problem *p, struct arena *a, json_t *body,
                            const struct field *fields, const char *prefix, bool partial);

/* Checks the syntax of an email address (already trimmed). */
bool validate_email(const char *s);

/* Checks a YYYY-MM-DD date, including the day of the month. */
bool validate_date(const char *s);

/*
 * Checks an RFC 3339 timestamp such as 2026-12-04T09:30:00Z or ...+02:00, with a
 * UTC offset of at most 15:59, the largest that PostgreSQL accepts.
 */
bool validate_timestamp(const char *s);

#endif
