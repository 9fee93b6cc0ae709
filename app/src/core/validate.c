#include <stdio.h>
#include <string.h>

#include "core/text.h"
#include "core/validate.h"

static const char *
field_path(struct arena *a, const char *prefix, const char *name)
{
    if (prefix == NULL || *prefix == '\0')
        return name;
    if (name[0] == '[')
        return arena_printf(a, "%s%s", prefix, name);
    return arena_printf(a, "%s.%s", prefix, name);
}

static const char *
field_type_name(enum field_type t)
{
    switch (t) {
    case FIELD_STRING:
    case FIELD_TEXT:
    case FIELD_ENUM:
    case FIELD_EMAIL:
    case FIELD_DATE:
    case FIELD_TIMESTAMP:
        return "a string";
    case FIELD_INTEGER:
    case FIELD_ID:
        return "an integer";
    case FIELD_BOOLEAN:
        return "true or false";
    case FIELD_OBJECT:
        return "an object";
    case FIELD_ARRAY:
        return "an array";
    }
    return "a value";
}

bool
validate_email(const char *s)
{
    const char *at = strrchr(s, '@');
    size_t local_len, domain_len;
    const char *domain, *label;
    bool has_dot = false;

    if (at == NULL || strlen(s) > 254)
        return false;
    local_len = (size_t)(at - s);
    domain = at + 1;
    domain_len = strlen(domain);
    if (local_len == 0 || local_len > 64 || domain_len < 3 || domain_len > 253)
        return false;
    if (s[0] == '.' || at[-1] == '.' || strstr(s, "..") != NULL)
        return false;
    for (const char *p = s; p < at; p++) {
        unsigned char c = (unsigned char)*p;

        if (c <= ' ' || c == '@' || c == '"' || c == '(' || c == ')' || c == ',' || c == ':' ||
            c == ';' || c == '<' || c == '>' || c == '[' || c == ']' || c == '\\' || c == 0x7f)
            return false;
    }
    /* Domain: dot-separated labels of letters (any script), digits and inner hyphens. */
    label = domain;
    for (const char *p = domain;; p++) {
        unsigned char c = (unsigned char)*p;

        if (c == '.' || c == '\0') {
            size_t len = (size_t)(p - label);

            if (len == 0 || len > 63 || label[0] == '-' || p[-1] == '-')
                return false;
            if (c == '\0')
                break;
            has_dot = true;
            label = p + 1;
            continue;
        }
        if (c < 0x80 && !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                          (c >= '0' && c <= '9') || c == '-'))
            return false;
    }
    /* The last label (the top-level domain) has at least two characters. */
    return has_dot && strlen(label) >= 2;
}

static int
days_in_month(int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

    return month == 2 && leap ? 29 : days[month - 1];
}

bool
validate_date(const char *s)
{
    int y, m, d, n = 0;

    if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10)
        return false;
    if (s[4] != '-' || s[7] != '-' || strspn(s, "0123456789-") != 10)
        return false;
    return y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

/*
 * True when s starts with layout, where 'd' stands for a digit and every other
 * character for itself. sscanf's %2d also takes a sign or a leading space, so
 * the digits are checked with this before sscanf reads the numbers.
 */
static bool
matches_layout(const char *s, const char *layout)
{
    for (; *layout != '\0'; s++, layout++) {
        if (*layout == 'd' ? !(*s >= '0' && *s <= '9') : *s != *layout)
            return false;
    }
    return true;
}

bool
validate_timestamp(const char *s)
{
    char date[11];
    int hh, mm, ss, n = 0;
    const char *p;

    if (strlen(s) < 20 || strlen(s) > 35)
        return false;
    memcpy(date, s, 10);
    date[10] = '\0';
    if (!validate_date(date) || (s[10] != 'T' && s[10] != 't'))
        return false;
    if (!matches_layout(s + 11, "dd:dd:dd"))
        return false;
    if (sscanf(s + 11, "%2d:%2d:%2d%n", &hh, &mm, &ss, &n) != 3 || n != 8)
        return false;
    if (hh > 23 || mm > 59 || ss > 60 || s[13] != ':' || s[16] != ':')
        return false;
    p = s + 19;
    if (*p == '.') {
        size_t digits = strspn(p + 1, "0123456789");

        if (digits == 0 || digits > 9)
            return false;
        p += 1 + digits;
    }
    if (*p == 'Z' || *p == 'z')
        return p[1] == '\0';
    if ((*p == '+' || *p == '-') && strlen(p) == 6 && matches_layout(p + 1, "dd:dd")) {
        int oh, om;

        /*
         * RFC 3339 allows offsets up to 23:59, but PostgreSQL 15 rejects 16 hours or
         * more ("time zone displacement out of range"). Real offsets lie within
         * -12:00 and +14:00.
         */
        return sscanf(p + 1, "%2d:%2d", &oh, &om) == 2 && oh <= 15 && om <= 59;
    }
    return false;
}

static bool validate_value(struct problem *p, struct arena *a, json_t *parent, const char *key,
                           size_t index, json_t *value, const struct field *f, const char *path);

/* Normalises a string value in place and checks its length and format. */
static bool
validate_text(struct problem *p, struct arena *a, json_t *parent, const char *key, size_t index,
              json_t *value, const struct field *f, const char *path)
{
    const char *raw = json_string_value(value);
    size_t raw_len = json_string_length(value);
    char *normal;
    size_t chars;
    enum text_error e;

    e = text_normalize(a, raw, raw_len, f->type == FIELD_TEXT ? TEXT_MULTI_LINE : TEXT_SINGLE_LINE,
                       &normal, &chars);
    if (e == TEXT_INVALID_UTF8) {
        problem_field(p, path, "encoding", "Must be valid UTF-8 text.");
        return false;
    }
    if (e == TEXT_CONTROL) {
        problem_field(p, path, "format", f->type == FIELD_TEXT
                                              ? "Must not contain control characters."
                                              : "Must be one line without control characters.");
        return false;
    }
    if (f->max > 0 && chars > f->max) {
        problem_field(p, path, "max_length", "Must be at most %zu characters; it has %zu.", f->max, chars);
        return false;
    }
    if (chars == 0 && (f->flags & FIELD_REQUIRED)) {
        problem_field(p, path, "required", "Must not be empty.");
        return false;
    }
    if (f->min_value > 0 && chars < (size_t)f->min_value) {
        problem_field(p, path, "min_length", "Must be at least %lld characters.", (long long)f->min_value);
        return false;
    }
    switch (f->type) {
    case FIELD_ENUM: {
        bool known = false;
        struct buf list;

        for (size_t i = 0; f->choices[i] != NULL; i++)
            known = known || strcmp(f->choices[i], normal) == 0;
        if (!known) {
            buf_init(&list, a, 128);
            for (size_t i = 0; f->choices[i] != NULL; i++)
                buf_printf(&list, "%s%s", i > 0 ? ", " : "", f->choices[i]);
            problem_field(p, path, "choice", "Must be one of: %s.", list.data);
            return false;
        }
        break;
    }
    case FIELD_EMAIL:
        if (chars > 0 && !validate_email(normal)) {
            problem_field(p, path, "format", "Must be an email address such as name@example.com.");
            return false;
        }
        break;
    case FIELD_DATE:
        if (chars > 0 && !validate_date(normal)) {
            problem_field(p, path, "format", "Must be a date as YYYY-MM-DD.");
            return false;
        }
        break;
    case FIELD_TIMESTAMP:
        if (chars > 0 && !validate_timestamp(normal)) {
            problem_field(p, path, "format",
                          "Must be a date and time as in RFC 3339, e.g. 2026-12-04T09:30:00Z.");
            return false;
        }
        break;
    default:
        break;
    }
    /* Optional text sent empty is stored as absent. */
    if (chars == 0 && !(f->flags & FIELD_REQUIRED)) {
        if (parent != NULL && json_is_object(parent))
            json_object_set_new(parent, key, json_null());
        else if (parent != NULL)
            json_array_set_new(parent, index, json_null());
        return true;
    }
    if (parent != NULL && json_is_object(parent))
        json_object_set_new(parent, key, json_string(normal));
    else if (parent != NULL)
        json_array_set_new(parent, index, json_string(normal));
    return true;
}

static bool
validate_value(struct problem *p, struct arena *a, json_t *parent, const char *key, size_t index,
               json_t *value, const struct field *f, const char *path)
{
    if (json_is_null(value)) {
        if (f->flags & FIELD_NULLABLE)
            return true;
        problem_field(p, path, (f->flags & FIELD_REQUIRED) ? "required" : "type",
                      "Must be %s, not null.", field_type_name(f->type));
        return false;
    }
    switch (f->type) {
    case FIELD_STRING:
    case FIELD_TEXT:
    case FIELD_ENUM:
    case FIELD_EMAIL:
    case FIELD_DATE:
    case FIELD_TIMESTAMP:
        if (!json_is_string(value))
            break;
        return validate_text(p, a, parent, key, index, value, f, path);
    case FIELD_INTEGER:
    case FIELD_ID:
        if (!json_is_integer(value))
            break;
        {
            json_int_t n = json_integer_value(value);
            int64_t min = f->type == FIELD_ID ? 1 : f->min_value;
            int64_t max = f->type == FIELD_ID && f->max_value == 0 ? INT64_MAX : f->max_value;

            if (n < min || n > max) {
                problem_field(p, path, "range", "Must be from %lld to %lld.", (long long)min,
                              (long long)max);
                return false;
            }
        }
        return true;
    case FIELD_BOOLEAN:
        if (!json_is_boolean(value))
            break;
        return true;
    case FIELD_OBJECT:
        if (!json_is_object(value))
            break;
        return validate_object(p, a, value, f->children, path, false) == RESULT_OK;
    case FIELD_ARRAY: {
        size_t i;
        json_t *item;
        bool ok = true;

        if (!json_is_array(value))
            break;
        if (f->max > 0 && json_array_size(value) > f->max) {
            problem_field(p, path, "max_items", "Must hold at most %zu items.", f->max);
            return false;
        }
        json_array_foreach(value, i, item) {
            const char *item_path = arena_printf(a, "%s[%zu]", path, i);

            ok = validate_value(p, a, value, NULL, i, item, f->item, item_path) && ok;
        }
        return ok;
    }
    }
    problem_field(p, path, "type", "Must be %s.", field_type_name(f->type));
    return false;
}

enum result
validate_object(struct problem *p, struct arena *a, json_t *body, const struct field *fields,
                const char *prefix, bool partial)
{
    const char *key;
    json_t *value;
    void *iter;
    bool ok = true;

    if (!json_is_object(body)) {
        problem_field(p, prefix != NULL && *prefix != '\0' ? prefix : "$", "type", "Must be a JSON object.");
        return RESULT_INVALID;
    }
    /* Unknown fields are rejected, not ignored: a typo must not pass silently. */
    for (iter = json_object_iter(body); iter != NULL; iter = json_object_iter_next(body, iter)) {
        const struct field *f = NULL;

        key = json_object_iter_key(iter);
        for (const struct field *c = fields; c->name != NULL; c++) {
            if (strcmp(c->name, key) == 0) {
                f = c;
                break;
            }
        }
        if (f == NULL) {
            problem_field(p, field_path(a, prefix, key), "unknown", "This field is not accepted here.");
            ok = false;
        }
    }
    for (const struct field *f = fields; f->name != NULL; f++) {
        const char *path = field_path(a, prefix, f->name);

        value = json_object_get(body, f->name);
        if (value == NULL) {
            if ((f->flags & FIELD_REQUIRED) && !partial) {
                problem_field(p, path, "required", "This field is required.");
                ok = false;
            }
            continue;
        }
        ok = validate_value(p, a, body, f->name, 0, value, f, path) && ok;
    }
    return ok ? RESULT_OK : RESULT_INVALID;
}
