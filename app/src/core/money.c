#include <stdio.h>

#include "core/money.h"

static int64_t
money_power10(int n)
{
    int64_t p = 1;

    while (n-- > 0)
        p *= 10;
    return p;
}

int64_t
money_amount_max(int digits)
{
    if (digits < 0)
        digits = 0;
    if (digits > MONEY_DIGITS_MAX)
        digits = MONEY_DIGITS_MAX;
    return (MONEY_MAJOR_MAX + 1) * money_power10(digits) - 1;
}

char *
money_format(struct arena *a, int64_t minor, int digits)
{
    /* The magnitude as unsigned, so INT64_MIN has one too. */
    uint64_t magnitude = minor < 0 ? (uint64_t)0 - (uint64_t)minor : (uint64_t)minor;
    uint64_t scale;

    if (digits <= 0)
        return arena_printf(a, "%s%llu", minor < 0 ? "-" : "", (unsigned long long)magnitude);
    if (digits > 18)
        digits = 18;
    scale = (uint64_t)money_power10(digits);
    return arena_printf(a, "%s%llu.%0*llu", minor < 0 ? "-" : "",
                        (unsigned long long)(magnitude / scale), digits,
                        (unsigned long long)(magnitude % scale));
}

char *
money_quotient(struct arena *a, int64_t numerator, int64_t denominator, int places)
{
    unsigned __int128 scaled, rounded, scale;

    if (numerator < 0 || denominator <= 0 || places < 0 || places > 6)
        return NULL;
    scale = (unsigned __int128)money_power10(places);
    /* numerator < 2^63 and scale <= 10^6, so the product fits 128 bits. */
    scaled = (unsigned __int128)numerator * scale;
    rounded = (scaled + (unsigned __int128)denominator / 2) / (unsigned __int128)denominator;
    if (places == 0)
        return arena_printf(a, "%llu", (unsigned long long)rounded);
    return arena_printf(a, "%llu.%0*llu", (unsigned long long)(rounded / scale), places,
                        (unsigned long long)(rounded % scale));
}
