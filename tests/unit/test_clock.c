/* Instants in RFC 3339 and the test clock: parsing, formatting, and when the header counts. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/config.h"

Test(clock, parses_utc_and_offsets)
{
    int64_t micros = 0;

    cr_assert(clock_parse_rfc3339("1970-01-01T00:00:00Z", &micros));
    cr_assert_eq(micros, 0);
    cr_assert(clock_parse_rfc3339("2026-09-26T10:00:00+12:00", &micros));
    cr_assert_eq(micros, INT64_C(1790373600) * 1000000, "10:00 at +12:00 is 22:00 UTC the day before");
    cr_assert(clock_parse_rfc3339("2026-09-25T22:00:00.5Z", &micros));
    cr_assert_eq(micros, INT64_C(1790373600) * 1000000 + 500000);
    cr_assert(clock_parse_rfc3339("2026-09-25T19:30:00.123456789-02:30", &micros));
    cr_assert_eq(micros, INT64_C(1790373600) * 1000000 + 123456, "digits beyond microseconds are dropped");
}

Test(clock, rejects_malformed_text)
{
    const char *const bad[] = {"", "2026-09-26", "2026-09-26 10:00:00Z", "2026-02-30T10:00:00Z",
                               "2026-09-26T10:00:00", "2026-09-26T24:00:00Z", "tomorrow",
                               "2026-09-26T10:00:00+1200", NULL};
    int64_t micros = 42;

    for (const char *const *b = bad; *b != NULL; b++) {
        cr_expect_not(clock_parse_rfc3339(*b, &micros), "accepted %s", *b);
        cr_expect_eq(micros, 42, "%s changed the output", *b);
    }
}

Test(clock, formats_utc_with_microseconds)
{
    struct arena a;

    arena_init(&a, 1024);
    cr_assert_str_eq(clock_format_rfc3339(&a, INT64_C(1790373600) * 1000000 + 5),
                     "2026-09-25T22:00:00.000005Z");
    cr_assert_str_eq(clock_format_rfc3339(&a, -1), "1969-12-31T23:59:59.999999Z");
    arena_destroy(&a);
}

Test(clock, header_ignored_when_disabled)
{
    int64_t now = 1234;

    cr_assert(clock_apply_test_header(false, "2026-09-26T10:00:00Z", &now));
    cr_assert_eq(now, 1234, "the real clock stays without the test clock");
    cr_assert(clock_apply_test_header(false, "not a time", &now));
    cr_assert_eq(now, 1234, "a malformed header is ignored without the test clock");
}

Test(clock, header_pins_when_enabled)
{
    int64_t now = 1234;

    cr_assert(clock_apply_test_header(true, NULL, &now));
    cr_assert_eq(now, 1234, "no header keeps the real clock");
    cr_assert(clock_apply_test_header(true, "", &now));
    cr_assert_eq(now, 1234, "an empty header keeps the real clock");
    cr_assert_not(clock_apply_test_header(true, "yesterday", &now));
    cr_assert_eq(now, 1234);
    cr_assert(clock_apply_test_header(true, "1970-01-01T00:00:01Z", &now));
    cr_assert_eq(now, 1000000);
}

Test(clock, test_clock_refused_in_production)
{
    char *message = NULL;
    size_t size = 0;
    FILE *err = open_memstream(&message, &size);

    unsetenv("LENDASTACK_CONFIG");
    setenv("LENDASTACK_TEST_CLOCK", "true", 1);
    setenv("LENDASTACK_ENV", "production", 1);
    cr_assert_not(config_load(err), "production must refuse the test clock");
    fclose(err);
    cr_assert(strstr(message, "LENDASTACK_TEST_CLOCK") != NULL, "%s", message);
    free(message);

    err = fopen("/dev/null", "w");
    unsetenv("LENDASTACK_ENV");
    cr_assert_not(config_load(err), "the default environment is production");
    setenv("LENDASTACK_ENV", "development", 1);
    cr_assert(config_load(err));
    cr_assert(config.test_clock);
    unsetenv("LENDASTACK_TEST_CLOCK");
    cr_assert(config_load(err));
    cr_assert_not(config.test_clock, "the test clock is off by default");
    unsetenv("LENDASTACK_ENV");
    fclose(err);
}
