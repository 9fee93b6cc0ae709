/*
 * Instants as microseconds since the Unix epoch, the unit of scope->now_us and
 * SQL_MICROS(): parsing RFC 3339 text, and the test clock that lets a request
 * of the test suites pin its own time.
 */
#ifndef LENDASTACK_CORE_CLOCK_H
#define LENDASTACK_CORE_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"

/* The request header that pins a request's clock when the test clock is on. */
#define CLOCK_TEST_HEADER "X-Lendastack-Test-Now"

/*
 * Parses an RFC 3339 timestamp such as 2026-12-04T09:30:00.25+13:00 (the
 * syntax validate_timestamp() accepts) into microseconds since the epoch.
 * Digits of a fraction beyond microseconds are dropped. Returns false for
 * anything else.
 */
bool clock_parse_rfc3339(const char *text, int64_t *micros);

/* Formats microseconds since the epoch as RFC 3339 UTC with six decimals, in a. */
char *clock_format_rfc3339(struct arena *a, int64_t micros);

/*
 * Applies the test clock header to a request's clock. When enabled is false
 * (production, or LENDASTACK_TEST_CLOCK unset) the header is ignored and
 * *now_us keeps the real time, as it does for an absent or empty header.
 * When enabled and header is an RFC 3339 timestamp, *now_us becomes that
 * instant.
 * Returns false, leaving *now_us unchanged, only when enabled and the header
 * is present but malformed.
 */
bool clock_apply_test_header(bool enabled, const char *header, int64_t *now_us);

#endif
