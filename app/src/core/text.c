#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "core/text.h"

static bool
text_is_space(utf8proc_int32_t c)
{
    if (c == ' ' || (c >= 0x09 && c <= 0x0d) || c == 0x85 || c == 0xa0 || c == 0xfeff)
        return true;
    switch (utf8proc_category(c)) {
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
        return true;
    default:
        return false;
    }
}

static bool
text_is_forbidden_control(utf8proc_int32_t c, enum text_lines lines)
{
    if (lines == TEXT_MULTI_LINE && (c == '\n' || c == '\r' || c == '\t'))
        return false;
    return c < 0x20 || (c >= 0x7f && c < 0xa0);
}

bool
text_is_utf8(const char *s, size_t len)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    size_t i = 0;

    while (i < len) {
        utf8proc_int32_t c;
        utf8proc_ssize_t n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &c);

        if (n <= 0 || c == 0)
            return false;
        i += (size_t)n;
    }
    return true;
}

enum text_error
text_normalize(struct arena *a, const char *in, size_t len, enum text_lines lines, char **out,
               size_t *chars)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)in;
    size_t start = len, end = 0, i = 0;
    utf8proc_uint8_t *nfc = NULL;
    utf8proc_ssize_t nfc_len;

    /* One pass validates, rejects control characters and finds the trimmed span. */
    while (i < len) {
        utf8proc_int32_t c;
        utf8proc_ssize_t n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &c);

        if (n <= 0 || c == 0)
            return TEXT_INVALID_UTF8;
        if (!text_is_space(c)) {
            if (text_is_forbidden_control(c, lines))
                return TEXT_CONTROL;
            if (start == len)
                start = i;
            end = i + (size_t)n;
        }
        i += (size_t)n;
    }
    if (start == len) {
        *out = arena_strdup(a, "");
        *chars = 0;
        return TEXT_OK;
    }

    /* Inner white space of a single-line field may not contain line breaks or tabs. */
    if (lines == TEXT_SINGLE_LINE) {
        for (i = start; i < end; i++) {
            unsigned char c = p[i];

            if (c < 0x20)
                return TEXT_CONTROL;
        }
    }

    nfc_len = utf8proc_map(p + start, (utf8proc_ssize_t)(end - start), &nfc,
                           UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    if (nfc_len < 0)
        return TEXT_INVALID_UTF8;
    *out = arena_strndup(a, (const char *)nfc, (size_t)nfc_len);
    free(nfc);
    *chars = text_chars(*out);
    return TEXT_OK;
}

size_t
text_chars(const char *s)
{
    size_t n = 0;

    for (; *s != '\0'; s++) {
        if (((unsigned char)*s & 0xc0) != 0x80)
            n++;
    }
    return n;
}

char *
text_fold(struct arena *a, const char *s)
{
    utf8proc_uint8_t *folded = NULL;
    utf8proc_ssize_t n;
    char *copy;

    n = utf8proc_map((const utf8proc_uint8_t *)s, 0, &folded,
                     UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
                         UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK | UTF8PROC_IGNORE);
    if (n < 0)
        return text_ascii_lower(a, s);
    copy = arena_strndup(a, (const char *)folded, (size_t)n);
    free(folded);
    return copy;
}

char *
text_casefold(struct arena *a, const char *s)
{
    utf8proc_uint8_t *folded = NULL;
    utf8proc_ssize_t n;
    char *copy;

    n = utf8proc_map((const utf8proc_uint8_t *)s, 0, &folded,
                     UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
    if (n < 0)
        return text_ascii_lower(a, s);
    copy = arena_strndup(a, (const char *)folded, (size_t)n);
    free(folded);
    return copy;
}

char *
text_ascii_lower(struct arena *a, const char *s)
{
    char *copy = arena_strdup(a, s);

    for (char *p = copy; *p != '\0'; p++) {
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    }
    return copy;
}

bool
text_read_decimal(const char **p, const char *end, uint64_t max, uint64_t *out)
{
    const char *start = *p;
    uint64_t n = 0;

    for (; *p < end && **p >= '0' && **p <= '9'; (*p)++) {
        unsigned digit = (unsigned)(**p - '0');

        if (digit > max || n > (max - digit) / 10)
            return false;
        n = n * 10 + digit;
    }
    if (*p == start || (*p < end && **p != ' '))
        return false;
    if (*p < end)
        (*p)++;
    *out = n;
    return true;
}

bool
text_read_integer(const char **p, const char *end, int64_t min, int64_t max, int64_t *out)
{
    bool negative = *p < end && **p == '-';
    uint64_t magnitude;

    if (negative)
        (*p)++;
    /* The magnitude of INT64_MIN is one more than INT64_MAX, so it is read unsigned. */
    if (!text_read_decimal(p, end, negative ? 0 - (uint64_t)min : (uint64_t)max, &magnitude))
        return false;
    *out = negative ? (int64_t)(0 - magnitude) : (int64_t)magnitude;
    return true;
}
