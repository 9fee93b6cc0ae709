#include <string.h>

#include "core/text.h"
#include "http/params.h"

static int
hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

char *
http_percent_decode(struct arena *a, const char *s, size_t len, bool plus_is_space)
{
    char *out = arena_alloc(a, len + 1);
    size_t n = 0;

    for (size_t i = 0; i < len; i++) {
        char c = s[i];

        if (c == '%') {
            int hi, lo;

            if (i + 2 >= len)
                return NULL;
            hi = hex_value(s[i + 1]);
            lo = hex_value(s[i + 2]);
            if (hi < 0 || lo < 0)
                return NULL;
            c = (char)(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plus_is_space) {
            c = ' ';
        }
        if (c == '\0')
            return NULL;
        out[n++] = c;
    }
    out[n] = '\0';
    if (!text_is_utf8(out, n))
        return NULL;
    return out;
}

bool
http_parse_query(struct arena *a, const char *query, struct http_param **out, size_t *count)
{
    struct http_param *params = arena_calloc(a, HTTP_QUERY_MAX, sizeof(*params));
    const char *p = query != NULL ? query : "";
    size_t n = 0;

    while (*p != '\0') {
        const char *amp = strchr(p, '&');
        size_t len = amp != NULL ? (size_t)(amp - p) : strlen(p);
        const char *eq = memchr(p, '=', len);

        if (len > 0) {
            size_t name_len = eq != NULL ? (size_t)(eq - p) : len;

            if (n == HTTP_QUERY_MAX)
                return false;
            params[n].name = http_percent_decode(a, p, name_len, true);
            params[n].value = eq != NULL ? http_percent_decode(a, eq + 1, len - name_len - 1, true)
                                         : arena_strdup(a, "");
            if (params[n].name == NULL || params[n].value == NULL)
                return false;
            n++;
        }
        p += len;
        if (*p == '&')
            p++;
    }
    *out = params;
    *count = n;
    return true;
}

bool
http_parse_path(struct arena *a, const char *path, size_t len, char ***segments, size_t *count)
{
    char **list = arena_calloc(a, HTTP_SEGMENTS_MAX, sizeof(*list));
    size_t n = 0, i = 1;

    if (len == 0 || path[0] != '/')
        return false;
    if (len == 1) {
        *segments = list;
        *count = 0;
        return true;
    }
    while (i <= len) {
        const char *start = path + i;
        const char *slash = memchr(start, '/', len - i);
        size_t seg_len = slash != NULL ? (size_t)(slash - start) : len - i;
        char *decoded;

        if (seg_len == 0 || n == HTTP_SEGMENTS_MAX)
            return false;
        decoded = http_percent_decode(a, start, seg_len, false);
        if (decoded == NULL || strcmp(decoded, ".") == 0 || strcmp(decoded, "..") == 0)
            return false;
        list[n++] = decoded;
        i += seg_len + 1;
        if (slash == NULL)
            break;
    }
    *segments = list;
    *count = n;
    return true;
}

bool
http_parse_cookies(struct arena *a, const char *header, struct http_param **out, size_t *count)
{
    struct http_param *cookies = arena_calloc(a, HTTP_COOKIES_MAX, sizeof(*cookies));
    const char *p = header != NULL ? header : "";
    size_t n = 0;

    while (*p != '\0') {
        const char *semi = strchr(p, ';');
        size_t len = semi != NULL ? (size_t)(semi - p) : strlen(p);
        const char *eq;
        size_t name_start = 0, name_end, value_start, value_end;

        while (name_start < len && (p[name_start] == ' ' || p[name_start] == '\t'))
            name_start++;
        eq = memchr(p + name_start, '=', len - name_start);
        if (eq != NULL && eq > p + name_start) {
            name_end = (size_t)(eq - p);
            value_start = name_end + 1;
            value_end = len;
            while (value_end > value_start && (p[value_end - 1] == ' ' || p[value_end - 1] == '\t'))
                value_end--;
            if (value_end - value_start >= 2 && p[value_start] == '"' && p[value_end - 1] == '"') {
                value_start++;
                value_end--;
            }
            if (n == HTTP_COOKIES_MAX)
                return false;
            cookies[n].name = arena_strndup(a, p + name_start, name_end - name_start);
            cookies[n].value = http_percent_decode(a, p + value_start, value_end - value_start, false);
            if (cookies[n].value != NULL)
                n++;
        }
        p += len;
        if (*p == ';')
            p++;
    }
    *out = cookies;
    *count = n;
    return true;
}

const char *
http_param_find(const struct http_param *params, size_t count, const char *name)
{
    for (size_t i = 0; i < count; i++) {
        if (strcmp(params[i].name, name) == 0)
            return params[i].value;
    }
    return NULL;
}
