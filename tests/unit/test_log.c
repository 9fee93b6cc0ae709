/* The fields of a log line, formatted without printf. */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"

/* Runs one log_info call with stderr sent to a file and returns the line. */
#define CAPTURE(line, ...)                                                                    \
    do {                                                                                      \
        FILE *file_ = tmpfile();                                                              \
        int saved_ = dup(STDERR_FILENO);                                                      \
        size_t n_;                                                                            \
                                                                                              \
        cr_assert_not_null(file_);                                                            \
        dup2(fileno(file_), STDERR_FILENO);                                                   \
        log_info(__VA_ARGS__);                                                                \
        dup2(saved_, STDERR_FILENO);                                                          \
        close(saved_);                                                                        \
        rewind(file_);                                                                        \
        n_ = fread(line, 1, sizeof(line) - 1, file_);                                         \
        line[n_] = '\0';                                                                      \
        fclose(file_);                                                                        \
    } while (0)

Test(log, head_has_time_level_pid_and_event)
{
    char line[512], pid[32];

    log_clear_request();
    CAPTURE(line, "started", "");
    snprintf(pid, sizeof(pid), " pid=%ld event=started\n", (long)getpid());
    cr_assert_eq(strncmp(line, "time=", 5), 0, "line: %s", line);
    cr_assert_eq(line[9], '-');
    cr_assert_eq(line[15], 'T');
    cr_assert_eq(line[24], '.');
    cr_assert_eq(line[28], 'Z');
    cr_assert_eq(strncmp(line + 29, " level=info", 11), 0, "line: %s", line);
    cr_assert_str_eq(line + 40, pid);
}

Test(log, integers_printed_as_printf_does)
{
    char line[512];

    CAPTURE(line, "numbers", "a=%d b=%ld c=%lld d=%u e=%lu f=%llu g=%zu", INT_MIN, -1L,
            LLONG_MIN, UINT_MAX, 0UL, ULLONG_MAX, (size_t)42);
    cr_assert(strstr(line, " a=-2147483648 b=-1 c=-9223372036854775808 d=4294967295 e=0 "
                           "f=18446744073709551615 g=42\n") != NULL,
              "line: %s", line);
}

Test(log, fractions_rounded_to_precision)
{
    char line[512];

    CAPTURE(line, "timing", "a=%.2f b=%f c=%.0f d=%.2f e=%.3f f=%.2f", 12.345678, 1.23456, 2.6,
            -0.004, 1e13, 0.999);
    cr_assert(strstr(line, " a=12.35 b=1.235 c=3 d=-0.00 e=10000000000000.000 f=1.00\n") !=
                  NULL,
              "line: %s", line);
}

Test(log, request_context_added)
{
    char line[512];

    log_set_request("abc123", "acme");
    CAPTURE(line, "request", "status=%d", 200);
    log_clear_request();
    cr_assert(strstr(line, " event=request request_id=abc123 tenant=acme status=200\n") !=
                  NULL,
              "line: %s", line);
}
