#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"

#define LOG_LINE_MAX 4096
#define LOG_VALUE_MAX 512
#define LOG_CONTEXT_MAX 128

struct log_line {
    char data[LOG_LINE_MAX];
    size_t len;
};

static enum log_level log_level_min = LOG_INFO;
static char log_request_id[LOG_CONTEXT_MAX];
static char log_tenant[LOG_CONTEXT_MAX];

static const char *const log_level_names[] = {"debug", "info", "warn", "error", "fatal"};

void
log_set_level(enum log_level level)
{
    log_level_min = level;
}

bool
log_level_parse(const char *name, enum log_level *out)
{
    for (size_t i = 0; i <= LOG_ERROR; i++) {
        if (strcmp(name, log_level_names[i]) == 0) {
            *out = (enum log_level)i;
            return true;
        }
    }
    return false;
}

static void
log_copy_context(char *dst, const char *src)
{
    size_t len = src != NULL ? strnlen(src, LOG_CONTEXT_MAX - 1) : 0;

    memcpy(dst, src != NULL ? src : "", len);
    dst[len] = '\0';
}

void
log_set_request(const char *request_id, const char *tenant)
{
    log_copy_context(log_request_id, request_id);
    log_copy_context(log_tenant, tenant);
}

void
log_clear_request(void)
{
    log_request_id[0] = '\0';
    log_tenant[0] = '\0';
}

static void
line_put(struct log_line *line, const char *s, size_t n)
{
    size_t room = sizeof(line->data) - 1 - line->len; /* keep one byte for '\n' */

    if (n > room)
        n = room;
    memcpy(line->data + line->len, s, n);
    line->len += n;
}

static void
line_puts(struct log_line *line, const char *s)
{
    line_put(line, s, strlen(s));
}

/* Appends an integer in decimal, as %lld and %llu print it. */
static void
line_put_integer(struct log_line *line, unsigned long long magnitude, bool negative)
{
    char digits[24];
    char *p = digits + sizeof(digits);

    do {
        *--p = (char)('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude != 0);
    if (negative)
        *--p = '-';
    line_put(line, p, (size_t)(digits + sizeof(digits) - p));
}

static void
line_put_signed(struct log_line *line, long long value)
{
    line_put_integer(line, value < 0 ? 0 - (unsigned long long)value : (unsigned long long)value,
                     value < 0);
}

/*
 * Appends a number with precision decimals. Values that fit are printed with
 * integers, rounded half away from zero where printf rounds an exact tie to
 * even, so the last digit of such a tie may differ from %f.
 */
static void
line_put_fixed(struct log_line *line, double value, int precision)
{
    static const long long scales[] = {1, 10, 100, 1000, 10000, 100000, 1000000};
    char num[64];
    long long scaled, scale;
    double magnitude = value < 0 ? -value : value;

    if (precision > 6 || !(magnitude < 1e12)) {
        snprintf(num, sizeof(num), "%.*f", precision, value);
        line_puts(line, num);
        return;
    }
    scale = scales[precision];
    scaled = (long long)(magnitude * (double)scale + 0.5);
    if (signbit(value))
        line_puts(line, "-"); /* as printf, which prints -0.00 for -0.004 */
    line_put_integer(line, (unsigned long long)(scaled / scale), false);
    if (precision > 0) {
        char fraction[8];

        for (int i = precision - 1; i >= 0; i--, scaled /= 10)
            fraction[i] = (char)('0' + scaled % 10);
        line_puts(line, ".");
        line_put(line, fraction, (size_t)precision);
    }
}

static bool
log_value_needs_quotes(const char *s)
{
    if (*s == '\0')
        return true;
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;

        if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c == 0x7f)
            return true;
    }
    return false;
}

/* Appends a string value, quoted and escaped where needed, cut at LOG_VALUE_MAX. */
static void
line_put_value(struct log_line *line, const char *s)
{
    bool quote;
    size_t n = 0;

    if (s == NULL) {
        line_puts(line, "-");
        return;
    }
    quote = log_value_needs_quotes(s);
    if (quote)
        line_puts(line, "\"");
    for (; *s != '\0' && n < LOG_VALUE_MAX; s++, n++) {
        unsigned char c = (unsigned char)*s;
        char esc[8];

        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            line_put(line, esc, 2);
        } else if (c == '\n') {
            line_puts(line, "\\n");
        } else if (c == '\t') {
            line_puts(line, "\\t");
        } else if (c < 0x20 || c == 0x7f) {
            snprintf(esc, sizeof(esc), "\\x%02x", c);
            line_puts(line, esc);
        } else {
            line_put(line, (const char *)&c, 1);
        }
    }
    if (*s != '\0')
        line_puts(line, "...");
    if (quote)
        line_puts(line, "\"");
}

/*
 * Formats the caller's fields. Only the conversions listed in log.h are known;
 * any other '%' sequence is copied literally so a mistake cannot read stray
 * arguments beyond the ones it consumed.
 */
static void
line_put_fields(struct log_line *line, const char *fmt, va_list ap)
{
    while (*fmt != '\0') {
        const char *pct = strchr(fmt, '%');
        int precision = -1;
        int longs = 0;

        if (pct == NULL) {
            line_puts(line, fmt);
            return;
        }
        line_put(line, fmt, (size_t)(pct - fmt));
        fmt = pct + 1;
        if (*fmt == '%') {
            line_puts(line, "%");
            fmt++;
            continue;
        }
        if (*fmt == '.') {
            precision = 0;
            for (fmt++; *fmt >= '0' && *fmt <= '9'; fmt++)
                precision = precision * 10 + (*fmt - '0');
        }
        while (*fmt == 'l') {
            longs++;
            fmt++;
        }
        if (*fmt == 'z' && fmt[1] == 'u') {
            line_put_integer(line, va_arg(ap, size_t), false);
            fmt += 2;
            continue;
        }
        switch (*fmt) {
        case 's':
            line_put_value(line, va_arg(ap, const char *));
            break;
        case 'd':
            if (longs == 0)
                line_put_signed(line, va_arg(ap, int));
            else if (longs == 1)
                line_put_signed(line, va_arg(ap, long));
            else
                line_put_signed(line, va_arg(ap, long long));
            break;
        case 'u':
            if (longs == 0)
                line_put_integer(line, va_arg(ap, unsigned), false);
            else if (longs == 1)
                line_put_integer(line, va_arg(ap, unsigned long), false);
            else
                line_put_integer(line, va_arg(ap, unsigned long long), false);
            break;
        case 'f':
            line_put_fixed(line, va_arg(ap, double), precision < 0 ? 3 : precision);
            break;
        default:
            line_puts(line, "%");
            continue;
        }
        fmt++;
    }
}

/*
 * Appends "time=2026-12-04T09:30:00.123Z". The text up to the seconds is made
 * once per second, since most lines of a busy worker share it.
 */
static void
line_put_time(struct log_line *line)
{
    static time_t cached_second = -1;
    static char cached[32];
    static size_t cached_len;
    struct timeval tv;
    char millis[5];
    long ms;

    gettimeofday(&tv, NULL);
    if (tv.tv_sec != cached_second) {
        struct tm tm;

        gmtime_r(&tv.tv_sec, &tm);
        cached_len = (size_t)snprintf(cached, sizeof(cached), "time=%04d-%02d-%02dT%02d:%02d:%02d",
                                      tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                                      tm.tm_min, tm.tm_sec);
        if (cached_len >= sizeof(cached))
            cached_len = sizeof(cached) - 1;
        cached_second = tv.tv_sec;
    }
    line_put(line, cached, cached_len);
    ms = (long)(tv.tv_usec / 1000);
    millis[0] = '.';
    millis[1] = (char)('0' + ms / 100);
    millis[2] = (char)('0' + ms / 10 % 10);
    millis[3] = (char)('0' + ms % 10);
    millis[4] = 'Z';
    line_put(line, millis, sizeof(millis));
}

void
log_event(enum log_level level, const char *event, const char *fmt, ...)
{
    struct log_line line = {.len = 0};
    va_list ap;

    if (level < log_level_min)
        return;

    line_put_time(&line);
    line_puts(&line, " level=");
    line_puts(&line, log_level_names[level]);
    line_puts(&line, " pid=");
    line_put_signed(&line, (long long)getpid());
    line_puts(&line, " event=");
    line_put_value(&line, event);
    if (log_request_id[0] != '\0') {
        line_puts(&line, " request_id=");
        line_put_value(&line, log_request_id);
    }
    if (log_tenant[0] != '\0') {
        line_puts(&line, " tenant=");
        line_put_value(&line, log_tenant);
    }
    if (fmt != NULL && *fmt != '\0') {
        line_puts(&line, " ");
        va_start(ap, fmt);
        line_put_fields(&line, fmt, ap);
        va_end(ap);
    }
    line.data[line.len++] = '\n';

    /* One write per line keeps lines whole when several workers share the file. */
    ssize_t ignored = write(STDERR_FILENO, line.data, line.len);
    (void)ignored;
}

bool
log_limit_allow(struct log_limit *limit, int interval_seconds, unsigned long *suppressed)
{
    time_t now = time(NULL);

    if (limit->last != 0 && now - limit->last < interval_seconds) {
        limit->suppressed++;
        return false;
    }
    *suppressed = limit->suppressed;
    limit->suppressed = 0;
    limit->last = now;
    return true;
}
