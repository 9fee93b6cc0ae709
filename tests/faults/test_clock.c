/*
 * The test clock is a setting of the server: restarted without
 * LENDASTACK_TEST_CLOCK, it ignores X-Lendastack-Test-Now, well formed or not.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/support/fixtures.h"

/* Rewrites the stack's setting of the test clock and restarts the server with it. */
static void
set_test_clock(const char *value)
{
    const char *path = th_env("LENDASTACK_STACK_ENV");
    char line[512], *text = NULL;
    size_t length = 0;
    FILE *in = fopen(path, "r"), *out;

    cr_assert(in != NULL, "cannot read %s", path);
    out = open_memstream(&text, &length);
    while (fgets(line, sizeof(line), in) != NULL) {
        if (strncmp(line, "export LENDASTACK_TEST_CLOCK=", 29) == 0)
            fprintf(out, "export LENDASTACK_TEST_CLOCK='%s'\n", value);
        else
            fputs(line, out);
    }
    fclose(in);
    fclose(out);
    in = fopen(path, "w");
    cr_assert(in != NULL, "cannot write %s", path);
    fputs(text, in);
    fclose(in);
    free(text);
    cr_assert_eq(th_stack("restart app"), 0);
    cr_assert(th_wait_status(NULL, "/healthz", 200, 10000), "the server did not come back");
}

static void
restore_test_clock(void)
{
    set_test_clock("true");
}

Test(clock, header_ignored_without_test_clock, .timeout = 120, .fini = restore_test_clock)
{
    struct fx_tenant f;
    struct th_response r;

    fx_init(&f, "clock-off", NULL);
    set_test_clock("false");

    r = fx_send(&f.admin, "POST", "/api/v1/customers",
                json_pack("{s:s, s:s, s:s, s:s}", "kind", "person", "first_name", "Real",
                          "last_name", "Clock", "email", "real.clock@example.com"),
                "2001-02-03T04:05:06Z");
    cr_assert_eq(r.status, 201, "%s", r.body);
    cr_assert(strncmp(th_json_str(&r, "created_at"), "2001-", 5) != 0,
              "the pinned time was used: %s", th_json_str(&r, "created_at"));
    th_response_free(&r);
    cr_assert_eq(th_sql_int(th_fmt("SELECT count(*) FROM \"%s\".customers"
                                   " WHERE created_at > now() - interval '10 minutes'",
                                   f.tenant.schema),
                            NULL),
                 1, "the record carries the real time");

    r = fx_send(&f.admin, "GET", "/api/v1/customers", NULL, "not a time at all");
    cr_assert_eq(r.status, 200, "a malformed header is ignored too: %s", r.body);
    th_response_free(&r);
}
