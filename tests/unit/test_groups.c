/* Worker groups: how many, which worker joins which, and each group's socket address. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/groups.h"

Test(groups, worker_count_defaults_to_twice_the_cores)
{
    cr_assert_eq(groups_worker_count(0, 2, 510), 4);
    cr_assert_eq(groups_worker_count(0, 0, 510), 2);
    cr_assert_eq(groups_worker_count(6, 2, 510), 6);
    cr_assert_eq(groups_worker_count(600, 2, 510), 510);
}

Test(groups, count_defaults_to_half_the_workers)
{
    cr_assert_eq(groups_count(1, 0), 1);
    cr_assert_eq(groups_count(3, 0), 1);
    cr_assert_eq(groups_count(4, 0), 2);
    cr_assert_eq(groups_count(9, 0), 4);
    cr_assert_eq(groups_count(500, 0), GROUPS_MAX);
}

Test(groups, count_configured_is_kept_within_workers)
{
    cr_assert_eq(groups_count(4, 1), 1);
    cr_assert_eq(groups_count(4, 3), 3);
    cr_assert_eq(groups_count(4, 4), 4);
    cr_assert_eq(groups_count(4, 8), 4, "a group without a worker would leave its tenants unserved");
}

Test(groups, workers_fill_groups_evenly)
{
    long sizes[GROUPS_MAX] = {0};
    long workers = 7, groups = 3;

    for (long i = 0; i < workers; i++) {
        long g = groups_of_worker(i, groups);

        cr_assert(g >= 0 && g < groups, "worker %ld got group %ld of %ld", i, g, groups);
        sizes[g]++;
    }
    cr_assert_eq(sizes[0], 3);
    cr_assert_eq(sizes[1], 2);
    cr_assert_eq(sizes[2], 2);
}

Test(groups, unix_address_gets_number_before_extension)
{
    char out[GROUPS_ADDRESS_MAX];
    FILE *err = fopen("/dev/null", "w");

    cr_assert(groups_address("unix:/run/lendastack/app.sock", 0, out, sizeof(out), err));
    cr_assert_str_eq(out, "unix:/run/lendastack/app.sock");
    cr_assert(groups_address("unix:/run/lendastack/app.sock", 1, out, sizeof(out), err));
    cr_assert_str_eq(out, "unix:/run/lendastack/app-1.sock");
    cr_assert(groups_address("unix:/run/lendastack/app.sock", 12, out, sizeof(out), err));
    cr_assert_str_eq(out, "unix:/run/lendastack/app-12.sock");
    cr_assert(groups_address("unix:/run/lendastack.d/socket", 2, out, sizeof(out), err));
    cr_assert_str_eq(out, "unix:/run/lendastack.d/socket-2");
    cr_assert(groups_address("unix:/run/x/.app", 1, out, sizeof(out), err));
    cr_assert_str_eq(out, "unix:/run/x/.app-1");
    cr_assert(groups_address("unix:app.sock", 3, out, sizeof(out), err));
    cr_assert_str_eq(out, "unix:app-3.sock");
    fclose(err);
}

Test(groups, tcp_address_gets_consecutive_ports)
{
    char out[GROUPS_ADDRESS_MAX];
    FILE *err = fopen("/dev/null", "w");

    cr_assert(groups_address("tcp:10.0.0.11:9000", 0, out, sizeof(out), err));
    cr_assert_str_eq(out, "tcp:10.0.0.11:9000");
    cr_assert(groups_address("tcp:10.0.0.11:9000", 3, out, sizeof(out), err));
    cr_assert_str_eq(out, "tcp:10.0.0.11:9003");
    cr_assert(groups_address("tcp:127.0.0.1:65535", 0, out, sizeof(out), err));
    fclose(err);
}

Test(groups, address_errors_are_reported)
{
    char out[GROUPS_ADDRESS_MAX], small[24];
    char *message = NULL;
    size_t size = 0;
    FILE *err = open_memstream(&message, &size);

    cr_assert_not(groups_address("tcp:127.0.0.1:65535", 1, out, sizeof(out), err));
    cr_assert_not(groups_address("tcp:127.0.0.1", 1, out, sizeof(out), err));
    cr_assert_not(groups_address("tcp:127.0.0.1:90x", 1, out, sizeof(out), err));
    cr_assert_not(groups_address("http://x", 1, out, sizeof(out), err));
    cr_assert_not(groups_address("unix:/run/lendastack/app.sock", 1, small, sizeof(small), err));
    fclose(err);
    cr_assert(strstr(message, "above 65535") != NULL, "%s", message);
    cr_assert(strstr(message, "must be tcp:ADDRESS:PORT") != NULL, "%s", message);
    cr_assert(strstr(message, "must start with unix: or tcp:") != NULL, "%s", message);
    cr_assert(strstr(message, "longer than 23 bytes") != NULL, "%s", message);
    free(message);
}
