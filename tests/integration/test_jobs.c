/* The job runner claims queued jobs; a kind it does not know fails cleanly. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/support/harness.h"

Test(jobs, unknown_kind_fails_with_a_reason, .timeout = 150)
{
    struct th_tenant t;
    char id[32];
    char *state = NULL, *error = NULL;

    th_tenant_create(&t, "jobs", NULL);
    snprintf(id, sizeof(id), "%lld", t.id);
    th_sql_exec(th_fmt("INSERT INTO control.jobs (tenant_id, kind, ref_id) VALUES (%s, 'no-such-kind', 1);"
                       " NOTIFY lendastack_jobs", id));
    /* Runners take jobs in order, so a large import of another test may come first. */
    for (int i = 0; i < 2400; i++) {
        free(state);
        state = th_sql_text("SELECT state FROM control.jobs WHERE tenant_id = $1 AND kind = 'no-such-kind'",
                            id, NULL);
        if (state != NULL && strcmp(state, "failed") == 0)
            break;
        usleep(50000);
    }
    cr_assert_str_eq(state, "failed");
    error = th_sql_text("SELECT last_error FROM control.jobs WHERE tenant_id = $1", id, NULL);
    cr_assert(error != NULL && strstr(error, "does not know") != NULL, "last_error: %s", error);
    free(state);
    free(error);
}
