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

static struct arena arena;

static void
setup(void)
{
    arena_init(&arena, 4096);
    json_use_arena(&arena);
}

static void
teardown(void)
{
    json_use_arena(NULL);
    arena_destroy(&arena);
}

TestSuite(fuzz_regressions, .init = setup, .fini = teardown);

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
