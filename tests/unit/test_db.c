/* Conversion of PostgreSQL's timestamptz text to RFC 3339. */
#include <criterion/criterion.h>

#include "db/db.h"
#include "tests/unit/fixture.h"

TestSuite(db, .init = fixture_arena_setup, .fini = fixture_arena_teardown);

Test(db, timestamp_utc_seconds)
{
    cr_assert_str_eq(db_timestamp_rfc3339(&fixture_arena, "2026-12-04 09:30:00+00"), "2026-12-04T09:30:00Z");
}

Test(db, timestamp_utc_fraction_kept)
{
    cr_assert_str_eq(db_timestamp_rfc3339(&fixture_arena, "2026-12-04 09:30:00.123456+00"),
                     "2026-12-04T09:30:00.123456Z");
    cr_assert_str_eq(db_timestamp_rfc3339(&fixture_arena, "2026-01-01 00:00:00.5+00"),
                     "2026-01-01T00:00:00.5Z");
}

Test(db, timestamp_offset_converted_to_utc)
{
    cr_assert_str_eq(db_timestamp_rfc3339(&fixture_arena, "2026-12-04 10:30:00+01"), "2026-12-04T09:30:00Z");
    cr_assert_str_eq(db_timestamp_rfc3339(&fixture_arena, "2026-12-31 20:15:00.25-05:30"),
                     "2027-01-01T01:45:00.25Z");
}

Test(db, timestamp_unknown_form_returned_unchanged)
{
    cr_assert_str_eq(db_timestamp_rfc3339(&fixture_arena, "infinity"), "infinity");
    cr_assert_str_eq(db_timestamp_rfc3339(&fixture_arena, "2026-12-04"), "2026-12-04");
}

Test(db, timestamp_utc_suffix_must_end_text)
{
    cr_assert_str_eq(db_timestamp_rfc3339(&fixture_arena, "2026-12-04 09:30:00+00:30"), "2026-12-04T09:00:00Z");
}
