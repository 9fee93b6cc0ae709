/*
 * Inputs that made a fuzz target in tests/fuzz fail, each kept as a test of the
 * rule its fix enforces. The comment above each test names the target.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "core/arena.h"
#include "core/json.h"
#include "core/validate.h"
#include "tenant/host.h"
#include "tenant/tenant.h"
#include "tests/unit/fixture.h"

TestSuite(fuzz_regressions, .init = fixture_arena_setup, .fini = fixture_arena_teardown);

/*
 * host: "12me.." lost one trailing dot and came out as "12me.", which is not
 * canonical, because normalising it again gives "12me".
 */
Test(fuzz_regressions, host_two_trailing_dots_rejected)
{
    char out[HOST_MAX + 1];

    cr_assert_not(host_normalize("12me..", out, sizeof(out)));
    cr_assert_not(host_normalize("acme.example.com..:443", out, sizeof(out)));
    cr_assert(host_normalize("acme.example.com.:443", out, sizeof(out)));
    cr_assert_str_eq(out, "acme.example.com");
}

/*
 * text: "2023-02-04T 9:30:00Z" passed as a timestamp because sscanf's %2d skips
 * a space, and "-1" passed as an hour because it takes a sign.
 */
Test(fuzz_regressions, timestamp_time_needs_digits)
{
    cr_assert_not(validate_timestamp("2023-02-04T 9:30:00Z"));
    cr_assert_not(validate_timestamp("2026-12-04T-1:-1:-1Z"));
    cr_assert_not(validate_timestamp("2026-12-04T09:+3:00Z"));
    cr_assert_not(validate_timestamp("2026-12-04T09:30: 0+02:00"));
    cr_assert(validate_timestamp("2026-12-04T09:30:00Z"));
    cr_assert(validate_timestamp("2026-12-04t23:59:60.5-01:30"));
}

/* text: the offset "+02:0:" passed because only its characters were checked. */
Test(fuzz_regressions, timestamp_offset_needs_digits)
{
    cr_assert_not(validate_timestamp("2036-12-04T09:30:00.1+02:0:"));
    cr_assert_not(validate_timestamp("2036-12-04T09:30:00+0::00"));
    cr_assert_not(validate_timestamp("2036-12-04T09:30:00+02:+1"));
    cr_assert(validate_timestamp("2036-12-04T09:30:00.1+02:00"));
}

/* Builds a tenant's Redis entry with the given name and time zone. */
static char *
tenant_entry(const char *name, const char *time_zone)
{
    return arena_printf(&fixture_arena,
                        "{\"id\":13,\"slug\":\"tokyo\",\"name\":\"%s\","
                        "\"schema\":\"tenant_000013\",\"status\":\"active\","
                        "\"code_prefix\":\"CUS-\",\"prospect_prefix\":\"PRO-\","
                        "\"case_prefix\":\"CASE-\",\"time_zone\":\"%s\","
                        "\"currency\":\"JPY\",\"country\":\"JP\",\"version\":1}",
                        name, time_zone);
}

/*
 * cache_entries: a display name of 199 characters (595 bytes of UTF-8, within
 * the 200 characters control.tenants allows) was cut at 255 bytes inside a
 * character. Encoding the tenant again then dropped the name, because the cut
 * text is not UTF-8.
 */
Test(fuzz_regressions, tenant_long_name_kept_whole)
{
    struct buf name;
    struct tenant t, again;
    char *entry, *text;
    size_t len;

    buf_init(&name, &fixture_arena, 1024);
    buf_puts(&name, "A");
    for (int i = 0; i < 99; i++)
        buf_puts(&name, "\xe6\x9d\xb1\xe4\xba\xac"); /* 東京 */
    entry = tenant_entry(name.data, "Asia/Tokyo");

    cr_assert(tenant_decode(&fixture_arena, entry, strlen(entry), &t));
    cr_assert_str_eq(t.display_name, name.data);
    text = tenant_encode(&fixture_arena, &t, &len);
    cr_assert(tenant_decode(&fixture_arena, text, len, &again));
    cr_assert_str_eq(again.display_name, name.data);
}

/* cache_entries: a corrupt entry whose text does not fit the tenant is not used. */
Test(fuzz_regressions, tenant_oversized_field_rejected)
{
    struct buf zone;
    struct tenant t;
    char *entry;

    /* 80 bytes for a field of 63, so a cut would also split a character. */
    buf_init(&zone, &fixture_arena, 256);
    for (int i = 0; i < 40; i++)
        buf_puts(&zone, "\xc3\xa9"); /* é */
    entry = tenant_entry("Tokyo", zone.data);

    cr_assert_not(tenant_decode(&fixture_arena, entry, strlen(entry), &t));
}
