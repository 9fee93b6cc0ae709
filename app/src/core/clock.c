#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/validate.h"

bool
clock_parse_rfc3339(const char *text, int64_t *micros)
{
    struct tm tm = {0};
    int year, month, day, hour, minute, second;
    int64_t fraction = 0, offset = 0;
    const char *p;
    time_t seconds;

    if (text == NULL || !validate_timestamp(text))
        return false;
    if (sscanf(text, "%4d-%2d-%2d%*c%2d:%2d:%2d", &year, &month, &day, &hour, &minute,
               &second) != 6)
        return false;
    p = text + 19;
    if (*p == '.') {
        int digits = 0;

        for (p++; *p >= '0' && *p <= '9'; p++, digits++) {
            if (digits < 6)
                fraction = fraction * 10 + (*p - '0');
        }
        for (; digits < 6; digits++)
            fraction *= 10;
    }
    if (*p == '+' || *p == '-') {
        int offset_hours, offset_minutes;

        if (sscanf(p + 1, "%2d:%2d", &offset_hours, &offset_minutes) != 2)
            return false;
        offset = (int64_t)(offset_hours * 3600 + offset_minutes * 60) * (*p == '-' ? -1 : 1);
    }
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
    seconds = timegm(&tm);
    *micros = ((int64_t)seconds - offset) * 1000000 + fraction;
    return true;
}

char *
clock_format_rfc3339(struct arena *a, int64_t micros)
{
    int64_t fraction = micros % 1000000;
    time_t seconds = (time_t)(micros / 1000000);
    struct tm tm;

    if (fraction < 0) {
        fraction += 1000000;
        seconds--;
    }
    gmtime_r(&seconds, &tm);
    return arena_printf(a, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900,
                        tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                        (long long)fraction);
}

bool
clock_apply_test_header(bool enabled, const char *header, int64_t *now_us)
{
    int64_t pinned;

    if (!enabled || header == NULL || *header == '\0')
        return true;
    if (!clock_parse_rfc3339(header, &pinned))
        return false;
    *now_us = pinned;
    return true;
}
