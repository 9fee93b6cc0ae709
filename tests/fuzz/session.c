/*
 * The session cookie value (session_cookie_parse in auth/session.h) and the
 * CONTENT_LENGTH parameter (transport_parse_length in http/transport.h). Both
 * parse the same NUL-terminated input.
 */
#include <inttypes.h>

#include "auth/session.h"
#include "fuzz.h"
#include "http/transport.h"

#define BASE64URL "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

static void
check_cookie(const char *value)
{
    int64_t user_id = 0;
    const char *secret = NULL;
    char printed[32];
    size_t digits;

    if (!session_cookie_parse(value, &user_id, &secret))
        return;
    FUZZ_CHECK(user_id > 0);
    FUZZ_CHECK(secret != NULL && secret > value && secret[-1] == '.');
    FUZZ_CHECK(strlen(secret) >= 40 && strlen(secret) <= 64);
    FUZZ_CHECK(strspn(secret, BASE64URL) == strlen(secret));

    /* The part before the dot is the user id in decimal, perhaps with leading zeros. */
    digits = (size_t)(secret - 1 - value);
    snprintf(printed, sizeof(printed), "%" PRId64, user_id);
    FUZZ_CHECK(strspn(value, "0123456789") == digits);
    FUZZ_CHECK(digits >= strlen(printed));
    FUZZ_CHECK(strncmp(value + digits - strlen(printed), printed, strlen(printed)) == 0);
    FUZZ_CHECK(strspn(value, "0") == digits - strlen(printed));
}

static void
check_length(const char *value)
{
    long long n = transport_parse_length(value);
    char printed[32];

    if (n < 0) {
        FUZZ_CHECK(n == -1);
        return;
    }
    FUZZ_CHECK(value[0] != '\0' && strspn(value, "0123456789") == strlen(value));

    /* Printed again without leading zeros, the value reads back the same. */
    snprintf(printed, sizeof(printed), "%lld", n);
    FUZZ_CHECK(transport_parse_length(printed) == n);
    FUZZ_CHECK(strcmp(value + strspn(value, "0"), n == 0 ? "" : printed) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *value = fuzz_cstring(data, size);

    check_cookie(value);
    check_length(value);
    free(value);
    return 0;
}
