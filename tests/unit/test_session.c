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
