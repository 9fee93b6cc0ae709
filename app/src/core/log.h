/*
 * Structured logging: one line per event on stderr, as key=value fields.
 *
 *   time=2026-12-04T20:07:01.123Z level=info pid=41 event=request request_id=ab12
 *   tenant=acme method=GET path=/api/v1/customers status=200 duration_ms=1.9
 *
 * The format string accepts only key=value text with the conversions %s, %d, %u,
 * %ld, %lu, %lld, %llu, %zu, %f (with an optional precision such as %.2f) and %%.
 * String values are quoted when needed, control characters are escaped, and long
 * values are cut, so no client input can forge a log line. Never pass a password,
 * token or cookie.
 */
#ifndef LENDASTACK_CORE_LOG_H
#define LENDASTACK_CORE_LOG_H

#include <stdbool.h>
#include <time.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR, LOG_FATAL };

/* Sets the lowest level written. */
void log_set_level(enum log_level level);

/* Parses "debug", "info", "warn", "error"; returns false for anything else. */
bool log_level_parse(const char *name, enum log_level *out);

/* Sets the request id and tenant slug added to every line until cleared. */
void log_set_request(const char *request_id, const char *tenant);
void log_clear_request(void);

/* Writes one event line. */
void log_event(enum log_level level, const char *event, const char *fmt, ...);

#define log_debug(event, ...) log_event(LOG_DEBUG, event, __VA_ARGS__)
#define log_info(event, ...) log_event(LOG_INFO, event, __VA_ARGS__)
#define log_warn(event, ...) log_event(LOG_WARN, event, __VA_ARGS__)
#define log_error(event, ...) log_event(LOG_ERROR, event, __VA_ARGS__)

/*
 * A limiter for events that can repeat on every request, such as "Redis is down".
 * log_limit_allow() returns true at most once per interval and reports in
 * *suppressed how many calls it swallowed since the last time it returned true.
 */
struct log_limit {
    time_t last;
    unsigned long suppressed;
};

bool log_limit_allow(struct log_limit *limit, int interval_seconds, unsigned long *suppressed);

#endif
