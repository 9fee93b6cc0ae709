/* The user entry that Redis caches: the line form and the JSON form before it. */
#include <criterion/criterion.h>
#include <string.h>

#include "auth/principal.h"
#include "tests/unit/fixture.h"

TestSuite(principal, .init = fixture_arena_setup, .fini = fixture_arena_teardown);

static bool
decode(const char *text, struct principal_user *u)
{
    memset(u, 0, sizeof(*u));
    return principal_user_decode(&fixture_arena, text, strlen(text), u);
}

Test(principal, entry_round_trip)
{
    struct principal_user u = {true, 7, 42, "Sales: \"own\" records", UINT64_MAX, 5,
                               "ann@example.com", "Ann  Lee 3:x"};
    struct principal_user again;
    size_t len;
    char *text = principal_user_encode(&fixture_arena, &u, &len);

    cr_assert_eq(strlen(text), len);
    cr_assert(principal_user_decode(&fixture_arena, text, len, &again), "entry: %s", text);
    cr_assert_eq(again.active, true);
    cr_assert_eq(again.credential_version, 7);
    cr_assert_eq(again.role_id, 42);
    cr_assert_eq(again.granted, UINT64_MAX);
    cr_assert_eq(again.own_only, 5);
    cr_assert_str_eq(again.role_name, u.role_name);
    cr_assert_str_eq(again.email, u.email);
    cr_assert_str_eq(again.display_name, u.display_name);
}

Test(principal, entry_keeps_extreme_role_ids)
{
    static const int64_t ids[] = {0, -1, INT64_MAX, INT64_MIN};

    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        struct principal_user u = {false, 0, ids[i], "", 0, 0, "", ""};
        struct principal_user again;
        size_t len;
        char *text = principal_user_encode(&fixture_arena, &u, &len);

        cr_assert(principal_user_decode(&fixture_arena, text, len, &again), "entry: %s", text);
        cr_assert_eq(again.role_id, ids[i]);
        cr_assert_eq(again.active, false);
        cr_assert_str_eq(again.display_name, "");
    }
}

Test(principal, json_entry_still_read)
{
    struct principal_user u;

    cr_assert(decode("{\"a\":true,\"cv\":3,\"rid\":2,\"rn\":\"Administrator\",\"g\":\"12\","
                     "\"o\":\"4\",\"e\":\"a@example.com\",\"n\":\"Ann\"}",
                     &u));
    cr_assert_eq(u.active, true);
    cr_assert_eq(u.credential_version, 3);
    cr_assert_eq(u.role_id, 2);
    cr_assert_eq(u.granted, 12);
    cr_assert_eq(u.own_only, 4);
    cr_assert_str_eq(u.role_name, "Administrator");
    cr_assert_str_eq(u.email, "a@example.com");
    cr_assert_str_eq(u.display_name, "Ann");
}

Test(principal, malformed_entries_rejected)
{
    static const char *const texts[] = {
        "",
        "U1 ",
        "U1 1 3 2 12 4 3:abc 1:e",             /* a text missing */
        "U1 1 3 2 12 4 3:abc 1:e 1:n extra",  /* text after the last field */
        "U1 2 3 2 12 4 3:abc 1:e 1:n",         /* active neither 0 nor 1 */
        "U1 1 -3 2 12 4 3:abc 1:e 1:n",        /* negative credential version */
        "U1 1 2147483648 2 12 4 3:abc 1:e 1:n", /* credential version beyond int */
        "U1 1 3 2 18446744073709551616 4 3:abc 1:e 1:n",
        "U1 1 3 2 12 4 4:abc 1:e 1:n",         /* length past its text */
        "U1 1 3 2 12 4 3:abc 1:e 2:n",
        "U1 1 3 2 12 4 - 1:e 1:n",             /* no role name */
        "U1 1 3 2 12 4 3:abc - 1:n",
        "U1 1 3 2 12 4 3:abc 1:e -",
        "U1 1 3 x 12 4 3:abc 1:e 1:n",
        "{\"a\":true}",
    };
    struct principal_user u;

    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
        cr_assert_not(decode(texts[i], &u), "entry: %s", texts[i]);
}
