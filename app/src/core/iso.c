#include <stdio.h>
#include <string.h>
#include <unicode/uenum.h>
#include <unicode/uloc.h>
#include <unicode/ucurr.h>
#include <unicode/ures.h>
#include <unicode/ustring.h>

#include "core/iso.h"
#include "core/text.h"

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

/* Official or former names that ICU's English names do not cover. */
static const struct {
    const char *name;
    const char *code;
} iso_country_aliases[] = {
    {"Brunei Darussalam", "BN"},
    {"Democratic People's Republic of Korea", "KP"},
    {"Heard Island and McDonald Islands", "HM"},
    {"Holy See", "VA"},
    {"Iran, Islamic Republic of", "IR"},
    /* Data sources that write plain "Korea" mean the Republic of Korea. */
    {"Korea", "KR"},
    {"Korea, Republic of", "KR"},
    {"Kyrgyz Republic", "KG"},
    {"Lao People's Democratic Republic", "LA"},
    {"Libyan Arab Jamahiriya", "LY"},
    {"Macedonia", "MK"},
    {"Micronesia, Federated States of", "FM"},
    {"Moldova, Republic of", "MD"},
    {"Palestinian Territory", "PS"},
    {"Palestinian Territory, Occupied", "PS"},
    {"Republic of Korea", "KR"},
    {"Russian Federation", "RU"},
    {"Svalbard and Jan Mayen Islands", "SJ"},
    {"Syrian Arab Republic", "SY"},
    {"Tanzania, United Republic of", "TZ"},
    {"United States Minor Outlying Islands", "UM"},
    {"United States of America", "US"},
    {"United States Virgin Islands", "VI"},
    {"Viet Nam", "VN"},
    {"Virgin Islands, British", "VG"},
    {"Virgin Islands, U.S.", "VI"},
};

#define ISO_NAMES_MAX 1024
#define ISO_NAME_BYTES 96

struct iso_name {
    char key[ISO_NAME_BYTES]; /* the name as iso_name_key() returns it */
    char code[3];
};

static struct iso_name iso_names[ISO_NAMES_MAX];
static size_t iso_name_count;
static bool iso_names_loaded;

/*
 * Writes the comparison form of a name into key: folded (lower case, accents
 * removed), "&" as "and", apostrophes, dots and commas dropped, hyphens as
 * spaces, "st" as "saint", the word "the" dropped, single spaces. With
 * drop_brackets, text in brackets is left out.
 */
static void
iso_name_key(const char *name, bool drop_brackets, char key[ISO_NAME_BYTES])
{
    struct arena a;
    const char *folded;
    char spaced[ISO_NAME_BYTES * 2];
    size_t n = 0, k = 0;
    int depth = 0;
    char *word, *save = NULL;

    arena_init(&a, 512);
    folded = text_fold(&a, name);
    for (const char *p = folded; *p != '\0' && n + 6 < sizeof(spaced); p++) {
        if (*p == '(') {
            depth++;
            if (drop_brackets)
                continue;
        }
        if (*p == ')') {
            depth--;
            if (drop_brackets)
                continue;
        }
        if (drop_brackets && depth > 0)
            continue;
        if (*p == '&') {
            memcpy(spaced + n, " and ", 5);
            n += 5;
        } else if (*p == '\'' || *p == '.' || *p == ',' || *p == '(' || *p == ')') {
            continue;
        } else if (strncmp(p, "\xe2\x80\x99", 3) == 0) { /* U+2019, the typographic apostrophe */
            p += 2;
        } else {
            spaced[n++] = *p == '-' ? ' ' : *p;
        }
    }
    spaced[n] = '\0';
    arena_destroy(&a);

    key[0] = '\0';
    for (word = strtok_r(spaced, " \t", &save); word != NULL; word = strtok_r(NULL, " \t", &save)) {
        const char *w = strcmp(word, "st") == 0 ? "saint" : word;
        int written;

        if (strcmp(w, "the") == 0)
            continue;
        written = snprintf(key + k, ISO_NAME_BYTES - k, "%s%s", k > 0 ? " " : "", w);
        if (written < 0 || (size_t)written >= ISO_NAME_BYTES - k)
            break;
        k += (size_t)written;
    }
}

static void
iso_name_add(const char *name, const char *code)
{
    for (int pass = 0; pass < 2; pass++) {
        struct iso_name *e;

        if (iso_name_count == ISO_NAMES_MAX)
            return;
        e = &iso_names[iso_name_count];
        iso_name_key(name, pass == 1, e->key);
        if (e->key[0] == '\0')
            continue;
        snprintf(e->code, sizeof(e->code), "%s", code);
        iso_name_count++;
    }
}

/* Adds ICU's English names of one table of the region bundle ("Countries%variant"). */
static void
iso_names_add_table(UResourceBundle *region, const char *table)
{
    UErrorCode status = U_ZERO_ERROR;
    UResourceBundle *names = ures_getByKey(region, table, NULL, &status);

    if (U_FAILURE(status))
        return;
    for (int32_t i = 0; i < ures_getSize(names); i++) {
        UResourceBundle *item;
        const UChar *text;
        int32_t len;
        char utf8[ISO_NAME_BYTES * 2];

        status = U_ZERO_ERROR;
        item = ures_getByIndex(names, i, NULL, &status);
        if (U_FAILURE(status))
            continue;
        text = ures_getString(item, &len, &status);
        u_strToUTF8(utf8, sizeof(utf8), NULL, text, len, &status);
        if (U_SUCCESS(status) && iso_country_valid(ures_getKey(item)))
            iso_name_add(utf8, ures_getKey(item));
        ures_close(item);
    }
    ures_close(names);
}

static void
iso_names_load(void)
{
    UErrorCode status = U_ZERO_ERROR;
    UResourceBundle *region;

    iso_names_loaded = true;
    for (const char *const *list = uloc_getISOCountries(); *list != NULL; list++) {
        UChar name[128];
        char locale[8], utf8[ISO_NAME_BYTES * 2];
        int32_t len;

        status = U_ZERO_ERROR;
        snprintf(locale, sizeof(locale), "_%s", *list);
        len = uloc_getDisplayCountry(locale, "en", name, 128, &status);
        u_strToUTF8(utf8, sizeof(utf8), NULL, name, len, &status);
        if (U_SUCCESS(status))
            iso_name_add(utf8, *list);
    }
    status = U_ZERO_ERROR;
    region = ures_open(U_ICUDATA_NAME "-region", "en", &status);
    if (U_SUCCESS(status)) {
        iso_names_add_table(region, "Countries%variant");
        iso_names_add_table(region, "Countries%short");
    }
    ures_close(region);
    for (size_t i = 0; i < sizeof(iso_country_aliases) / sizeof(iso_country_aliases[0]); i++)
        iso_name_add(iso_country_aliases[i].name, iso_country_aliases[i].code);
}

bool
iso_country_from_name(const char *name, char code[3])
{
    char key[ISO_NAME_BYTES];

    if (name == NULL || !text_is_utf8(name, strlen(name)))
        return false;
    if (!iso_names_loaded)
        iso_names_load();
    for (int pass = 0; pass < 2; pass++) {
        iso_name_key(name, pass == 1, key);
        if (key[0] == '\0')
            return false;
        for (size_t i = 0; i < iso_name_count; i++) {
            if (strcmp(iso_names[i].key, key) == 0) {
                memcpy(code, iso_names[i].code, 3);
                return true;
            }
        }
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
