/* The session cookie's attributes in production and in development. */
#include <criterion/criterion.h>
#include <string.h>

#include "auth/session.h"
#include "core/arena.h"
#include "core/config.h"

static struct arena arena;

static void
setup(void)
{
    arena_init(&arena, 4096);
}

static void
teardown(void)
{
    arena_destroy(&arena);
    config.env = CONFIG_ENV_PRODUCTION;
}

TestSuite(session, .init = setup, .fini = teardown);

Test(session, production_cookie_is_secure)
{
    char *header;

    config.env = CONFIG_ENV_PRODUCTION;
    header = session_cookie_header(&arena, "7.secret", 3600);
    cr_assert_str_eq(header,
                     "ls_session=7.secret; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax; "
                     "Secure");
    cr_assert_null(strstr(header, "Domain"), "the cookie must stay on the tenant's host");
}

Test(session, development_cookie_is_not_secure)
{
    char *header;

    config.env = CONFIG_ENV_DEVELOPMENT;
    header = session_cookie_header(&arena, "7.secret", 3600);
    cr_assert_str_eq(header,
                     "ls_session=7.secret; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax");
}

Test(session, sign_out_cookie_keeps_flags)
{
    char *header;

    config.env = CONFIG_ENV_PRODUCTION;
    header = session_cookie_header(&arena, "", 0);
    cr_assert_str_eq(header, "ls_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax; Secure");
}

Test(session, entry_round_trip)
{
    struct session_entry e = {INT64_MAX, 42, 2147483647, INT64_MIN, 1800, 1767225600};
    struct session_entry again;
    size_t len;
    char *text = session_entry_encode(&arena, &e, &len);

    cr_assert(session_entry_decode(&arena, text, len, &again), "entry: %s", text);
    cr_assert_eq(again.session_id, e.session_id);
    cr_assert_eq(again.user_id, e.user_id);
    cr_assert_eq(again.credential_version, e.credential_version);
    cr_assert_eq(again.expires_at, e.expires_at);
    cr_assert_eq(again.idle_seconds, e.idle_seconds);
    cr_assert_eq(again.seen_at, e.seen_at);
}

Test(session, malformed_entries_rejected)
{
    static const char *const texts[] = {
        "",
        "1 2 3 4 5",
        "1 2 3 4 5 6 ",
        "1 2 3 4 5 6 7",
        "1  2 3 4 5 6",
        "1 2 2147483648 4 5 6",
        "1 2 3 4 5 9223372036854775808",
        "1 2 3 4 5 x",
        "- 2 3 4 5 6",
    };
    struct session_entry e;

    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
        cr_assert_not(session_entry_decode(&arena, texts[i], strlen(texts[i]), &e), "entry: %s",
                      texts[i]);
}
