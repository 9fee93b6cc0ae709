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
    if (src == NULL) {
        dst[0] = '\0';
        return;
    }
    snprintf(dst, LOG_CONTEXT_MAX, "%s", src);
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
    char num[64];

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
            snprintf(num, sizeof(num), "%zu", va_arg(ap, size_t));
            line_puts(line, num);
            fmt += 2;
            continue;
        }
        switch (*fmt) {
        case 's':
            line_put_value(line, va_arg(ap, const char *));
            break;
        case 'd':
            if (longs == 0)
                snprintf(num, sizeof(num), "%d", va_arg(ap, int));
            else if (longs == 1)
                snprintf(num, sizeof(num), "%ld", va_arg(ap, long));
            else
                snprintf(num, sizeof(num), "%lld", va_arg(ap, long long));
            line_puts(line, num);
            break;
        case 'u':
            if (longs == 0)
                snprintf(num, sizeof(num), "%u", va_arg(ap, unsigned));
            else if (longs == 1)
                snprintf(num, sizeof(num), "%lu", va_arg(ap, unsigned long));
            else
                snprintf(num, sizeof(num), "%llu", va_arg(ap, unsigned long long));
            line_puts(line, num);
            break;
        case 'f':
            snprintf(num, sizeof(num), "%.*f", precision < 0 ? 3 : precision,
                     va_arg(ap, double));
            line_puts(line, num);
            break;
        default:
            line_puts(line, "%");
            continue;
        }
        fmt++;
    }
}

void
log_event(enum log_level level, const char *event, const char *fmt, ...)
{
    struct log_line line = {.len = 0};
    struct timeval tv;
    struct tm tm;
    char head[128];
    va_list ap;

    if (level < log_level_min)
        return;

    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    snprintf(head, sizeof(head), "time=%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ level=%s pid=%ld event=",
             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
             (long)(tv.tv_usec / 1000), log_level_names[level], (long)getpid());
    line_puts(&line, head);
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
