#include <string.h>
#include <unicode/uenum.h>
#include <unicode/uloc.h>
#include <unicode/ucurr.h>
#include <unicode/ustring.h>

#include "core/iso.h"

bool
iso_country_valid(const char *code)
{
    const char *const *list = uloc_getISOCountries();

    if (code == NULL || strlen(code) != 2)
        return false;
    for (; *list != NULL; list++) {
        if (strcmp(*list, code) == 0)
            return true;
    }
    return false;
}

bool
iso_currency_valid(const char *code)
{
    UErrorCode status = U_ZERO_ERROR;
    UEnumeration *e;
    const char *item;
    bool found = false;

    if (code == NULL || strlen(code) != 3)
        return false;
    for (const char *p = code; *p != '\0'; p++) {
        if (*p < 'A' || *p > 'Z')
            return false;
    }
    e = ucurr_openISOCurrencies(UCURR_COMMON | UCURR_NON_DEPRECATED, &status);
    if (U_FAILURE(status))
        return false;
    while (!found && (item = uenum_next(e, NULL, &status)) != NULL && U_SUCCESS(status))
        found = strcmp(item, code) == 0;
    uenum_close(e);
    return found;
}

int
iso_currency_digits(const char *code)
{
    UChar ucode[4];
    UErrorCode status = U_ZERO_ERROR;
    int32_t digits;

    u_charsToUChars(code, ucode, 3);
    ucode[3] = 0;
    digits = ucurr_getDefaultFractionDigits(ucode, &status);
    return U_FAILURE(status) ? 2 : digits;
}
