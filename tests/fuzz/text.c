/*
 * Unicode text (core/text.h) and the string formats of core/validate.h: email
 * addresses, dates and timestamps. The input is any byte string.
 */
#include <stdbool.h>

#include "core/text.h"
#include "core/validate.h"
#include "fuzz.h"

static bool
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Counts code points the slow way, to check text_chars. */
static size_t
count_code_points(const char *s)
{
    size_t n = 0;

    for (; *s != '\0'; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

static void
check_normalize(struct arena *a, const uint8_t *data, size_t size, enum text_lines lines)
{
    char *out, *again;
    size_t chars, chars_again;
    enum text_error e = text_normalize(a, (const char *)data, size, lines, &out, &chars);
    bool utf8 = text_is_utf8((const char *)data, size);

    if (e == TEXT_INVALID_UTF8) {
        FUZZ_CHECK(!utf8);
        return;
    }
    if (e == TEXT_CONTROL)
        return;
    FUZZ_CHECK(e == TEXT_OK);
    FUZZ_CHECK(utf8);
    FUZZ_CHECK(text_is_utf8(out, strlen(out)));
    FUZZ_CHECK(chars == count_code_points(out));
    FUZZ_CHECK(chars == text_chars(out));
    if (lines == TEXT_SINGLE_LINE)
        FUZZ_CHECK(strpbrk(out, "\n\r\t") == NULL);

    /* Normalised text is stable: trimming and NFC again change nothing. */
    FUZZ_CHECK(text_normalize(a, out, strlen(out), lines, &again, &chars_again) == TEXT_OK);
    FUZZ_CHECK(strcmp(again, out) == 0);
    FUZZ_CHECK(chars_again == chars);
}

/* Checks the form of what validate_date, validate_timestamp and validate_email accept. */
static void
check_formats(const char *s)
{
    if (validate_date(s)) {
        FUZZ_CHECK(strlen(s) == 10);
        for (size_t i = 0; i < 10; i++)
            FUZZ_CHECK(i == 4 || i == 7 ? s[i] == '-' : is_digit(s[i]));
    }
    if (validate_timestamp(s)) {
        char date[11];
        size_t len = strlen(s);

        FUZZ_CHECK(len >= 20);
        memcpy(date, s, 10);
        date[10] = '\0';
        FUZZ_CHECK(validate_date(date));
        FUZZ_CHECK(s[10] == 'T' || s[10] == 't');
        FUZZ_CHECK(is_digit(s[11]) && is_digit(s[12]) && s[13] == ':');
        FUZZ_CHECK(is_digit(s[14]) && is_digit(s[15]) && s[16] == ':');
        FUZZ_CHECK(is_digit(s[17]) && is_digit(s[18]));
        FUZZ_CHECK(s[len - 1] == 'Z' || s[len - 1] == 'z' || is_digit(s[len - 1]));
    }
    if (validate_email(s)) {
        const char *at = strrchr(s, '@');

        FUZZ_CHECK(at != NULL && at > s);
        FUZZ_CHECK(strlen(s) <= 254);
        FUZZ_CHECK(strchr(at + 1, '.') != NULL);
        for (const char *p = s; *p != '\0'; p++)
            FUZZ_CHECK((unsigned char)*p > ' ' && *p != 0x7f);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *a = fuzz_arena();
    char *s = fuzz_cstring(data, size);
    char *folded, *casefolded;

    check_normalize(a, data, size, TEXT_SINGLE_LINE);
    check_normalize(a, data, size, TEXT_MULTI_LINE);
    check_formats(s);

    /* Folding takes valid UTF-8 only, as callers validate first. */
    if (text_is_utf8(s, strlen(s))) {
        folded = text_fold(a, s);
        casefolded = text_casefold(a, s);
        FUZZ_CHECK(folded != NULL && text_is_utf8(folded, strlen(folded)));
        FUZZ_CHECK(casefolded != NULL && text_is_utf8(casefolded, strlen(casefolded)));
        FUZZ_CHECK(count_code_points(s) == text_chars(s));
    }
    free(s);
    return 0;
}
