#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/json_writer.h"

/* Nesting the one-pass copy of JSON text handles; deeper text goes through jansson. */
#define JSON_COPY_DEPTH_MAX 32
/* Members per object whose names the one-pass copy compares for duplicates. */
#define JSON_COPY_KEYS_MAX 32
/* Digits of an integer that surely fits in int64; longer ones go through jansson. */
#define JSON_COPY_DIGITS_MAX 18

/* The text json_write_json copies and the position the copy has reached. */
struct json_copy {
    struct json_writer *w;
    const char *p;
    const char *end;
    int depth;
};

static bool json_copy_value(struct json_copy *c);

void
json_writer_init(struct json_writer *w, struct arena *a, size_t capacity)
{
    buf_init(&w->out, a, capacity);
    w->comma = false;
}

char *
json_writer_finish(struct json_writer *w, size_t *len)
{
    w->out.data[w->out.len] = '\0';
    *len = w->out.len;
    return w->out.data;
}

/* Makes room for n more bytes and a NUL after them, and returns where they go. */
static char *
json_reserve(struct json_writer *w, size_t n)
{
    struct buf *b = &w->out;
    size_t cap_new;
    char *data_new;

    if (n < b->cap - b->len)
        return b->data + b->len;
    if (n > SIZE_MAX / 4 - b->len)
        abort(); /* more than the address space; arena_alloc aborts likewise */
    cap_new = b->cap * 2;
    while (cap_new <= b->len + n)
        cap_new *= 2;
    data_new = arena_alloc(b->arena, cap_new);
    memcpy(data_new, b->data, b->len);
    b->data = data_new;
    b->cap = cap_new;
    return b->data + b->len;
}

static void
json_put(struct json_writer *w, const char *s, size_t n)
{
    memcpy(json_reserve(w, n), s, n);
    w->out.len += n;
}

static void
json_put_char(struct json_writer *w, char c)
{
    *json_reserve(w, 1) = c;
    w->out.len++;
}

/* Puts the comma between two values of an array or two members of an object. */
static void
json_write_separator(struct json_writer *w)
{
    if (w->comma)
        json_put_char(w, ',');
}

void
json_write_object_begin(struct json_writer *w)
{
    json_write_separator(w);
    json_put_char(w, '{');
    w->comma = false;
}

void
json_write_object_end(struct json_writer *w)
{
    json_put_char(w, '}');
    w->comma = true;
}

void
json_write_array_begin(struct json_writer *w)
{
    json_write_separator(w);
    json_put_char(w, '[');
    w->comma = false;
}

void
json_write_array_end(struct json_writer *w)
{
    json_put_char(w, ']');
    w->comma = true;
}

/* Puts the escape sequence of a character that JSON strings must not hold as it is. */
static void
json_put_escape(struct json_writer *w, unsigned char ch)
{
    static const char hex[] = "0123456789ABCDEF";
    char esc[6] = {'\\', 'u', '0', '0', 0, 0};
    size_t n = 2;

    switch (ch) {
    case '"':
    case '\\':
        esc[1] = (char)ch;
        break;
    case '\b':
        esc[1] = 'b';
        break;
    case '\f':
        esc[1] = 'f';
        break;
    case '\n':
        esc[1] = 'n';
        break;
    case '\r':
        esc[1] = 'r';
        break;
    case '\t':
        esc[1] = 't';
        break;
    default:
        esc[4] = hex[ch >> 4];
        esc[5] = hex[ch & 0xf];
        n = 6;
        break;
    }
    json_put(w, esc, n);
}

/*
 * Puts s as a quoted, escaped string. Room for the string without escapes is
 * made once, and bytes are copied while they need none.
 */
static void
json_put_string(struct json_writer *w, const char *s, size_t len)
{
    const char *end = s + len;
    char *out = json_reserve(w, len + 2);

    *out++ = '"';
    for (; s < end; s++) {
        unsigned char ch = (unsigned char)*s;

        if (ch < 0x20 || ch == '"' || ch == '\\') {
            w->out.len = (size_t)(out - w->out.data);
            json_put_escape(w, ch);
            out = json_reserve(w, (size_t)(end - s) + 1);
            continue;
        }
        *out++ = (char)ch;
    }
    *out++ = '"';
    w->out.len = (size_t)(out - w->out.data);
}

void
json_write_key(struct json_writer *w, const char *key)
{
    json_write_separator(w);
    json_put_string(w, key, strlen(key));
    json_put_char(w, ':');
    w->comma = false;
}

void
json_write_raw(struct json_writer *w, const char *text, size_t len)
{
    json_write_separator(w);
    json_put(w, text, len);
    w->comma = true;
}

void
json_write_string(struct json_writer *w, const char *s, size_t len)
{
    json_write_separator(w);
    json_put_string(w, s, len);
    w->comma = true;
}

void
json_write_cstring(struct json_writer *w, const char *s)
{
    if (s == NULL)
        json_write_null(w);
    else
        json_write_string(w, s, strlen(s));
}

void
json_write_null(struct json_writer *w)
{
    json_write_raw(w, "null", 4);
}

void
json_write_bool(struct json_writer *w, bool value)
{
    if (value)
        json_write_raw(w, "true", 4);
    else
        json_write_raw(w, "false", 5);
}

void
json_write_int(struct json_writer *w, int64_t value)
{
    char digits[24];
    char *p = digits + sizeof(digits);
    /* The magnitude as unsigned, so INT64_MIN does not overflow. */
    uint64_t n = value < 0 ? 0 - (uint64_t)value : (uint64_t)value;

    do {
        *--p = (char)('0' + n % 10);
        n /= 10;
    } while (n != 0);
    if (value < 0)
        *--p = '-';
    json_write_raw(w, p, (size_t)(digits + sizeof(digits) - p));
}

static int
json_write_callback(const char *data, size_t size, void *w)
{
    json_put(w, data, size);
    return 0;
}

void
json_write_value(struct json_writer *w, const json_t *value)
{
    if (value == NULL) {
        json_write_null(w);
        return;
    }
    /* The flags of json_dump(), so both paths print numbers alike. */
    json_write_separator(w);
    json_dump_callback(value, json_write_callback, w,
                       JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(6));
    w->comma = true;
}

/* ------------------------------------------------------------------------------------- */
/* Copying JSON text */

static void
json_copy_space(struct json_copy *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\n' || *c->p == '\r' || *c->p == '\t'))
        c->p++;
}

static bool
json_copy_literal(struct json_copy *c, const char *word, size_t len)
{
    if ((size_t)(c->end - c->p) < len || memcmp(c->p, word, len) != 0)
        return false;
    json_write_raw(c->w, word, len);
    c->p += len;
    return true;
}

/* Copies an integer; false for fractions, exponents, "-0" and long numbers. */
static bool
json_copy_number(struct json_copy *c)
{
    const char *start = c->p, *digits;

    if (c->p < c->end && *c->p == '-')
        c->p++;
    digits = c->p;
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
        c->p++;
    if (c->p == digits || c->p - digits > JSON_COPY_DIGITS_MAX)
        return false;
    if (*digits == '0' && (c->p - digits > 1 || digits != start))
        return false; /* a leading zero, or -0, which jansson prints as 0 */
    if (c->p < c->end && (*c->p == '.' || *c->p == 'e' || *c->p == 'E'))
        return false;
    json_write_raw(c->w, start, (size_t)(c->p - start));
    return true;
}

static int
json_copy_hex4(const char *p)
{
    int v = 0;

    for (int i = 0; i < 4; i++) {
        char h = p[i];

        v <<= 4;
        if (h >= '0' && h <= '9')
            v |= h - '0';
        else if (h >= 'a' && h <= 'f')
            v |= h - 'a' + 10;
        else if (h >= 'A' && h <= 'F')
            v |= h - 'A' + 10;
        else
            return -1;
    }
    return v;
}

/* Appends the UTF-8 form of a code point that is not a surrogate. */
static size_t
json_copy_utf8(unsigned cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/*
 * Decodes \uXXXX (and its low surrogate when it is a high one) at c->p, which
 * points after the "\u". False for U+0000, which jansson rejects, and for
 * surrogates that do not pair.
 */
static bool
json_copy_unicode(struct json_copy *c, struct buf *text)
{
    char utf8[4];
    int cp, low;

    if (c->end - c->p < 4 || (cp = json_copy_hex4(c->p)) <= 0)
        return false;
    c->p += 4;
    if (cp >= 0xdc00 && cp <= 0xdfff)
        return false;
    if (cp >= 0xd800 && cp <= 0xdbff) {
        if (c->end - c->p < 6 || c->p[0] != '\\' || c->p[1] != 'u')
            return false;
        low = json_copy_hex4(c->p + 2);
        if (low < 0xdc00 || low > 0xdfff)
            return false;
        c->p += 6;
        cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
    }
    buf_append(text, utf8, json_copy_utf8((unsigned)cp, utf8));
    return true;
}

/* Returns the length of the UTF-8 sequence at p, or 0 when it is not valid. */
static size_t
json_copy_utf8_length(const unsigned char *p, const unsigned char *end)
{
    size_t n;
    unsigned cp;

    if (p[0] < 0xc2 || p[0] > 0xf4)
        return 0;
    if (p[0] < 0xe0)
        n = 2;
    else if (p[0] < 0xf0)
        n = 3;
    else
        n = 4;
    if ((size_t)(end - p) < n)
        return 0;
    cp = p[0] & (0x3f >> (n - 1));
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

/*
 * Reads a string at c->p (after its opening quote) and writes it escaped again.
 * Without escapes in the input, the bytes are escaped straight from the text;
 * with them, the string is decoded into a scratch buffer first.
 */
static bool
json_copy_string(struct json_copy *c)
{
    const char *start = c->p;
    struct buf decoded;
    bool escapes = false;

    while (c->p < c->end && *c->p != '"') {
        unsigned char ch = (unsigned char)*c->p;
        size_t n;

        if (ch < 0x20)
            return false;
        if (ch == '\\') {
            escapes = true;
            c->p += c->p + 1 < c->end ? 2 : 1;
            continue;
        }
        if (ch < 0x80) {
            c->p++;
            continue;
        }
        if ((n = json_copy_utf8_length((const unsigned char *)c->p,
                                       (const unsigned char *)c->end)) == 0)
            return false;
        c->p += n;
    }
    if (c->p >= c->end)
        return false;
    if (!escapes) {
        json_write_string(c->w, start, (size_t)(c->p - start));
        c->p++;
        return true;
    }

    buf_init(&decoded, c->w->out.arena, (size_t)(c->p - start));
    for (c->p = start; *c->p != '"';) {
        const char *run = c->p;

        while (*c->p != '"' && *c->p != '\\')
            c->p++;
        buf_append(&decoded, run, (size_t)(c->p - run));
        if (*c->p == '"')
            break;
        c->p += 2;
        switch (c->p[-1]) {
        case '"':
        case '\\':
        case '/':
            buf_putc(&decoded, c->p[-1]);
            break;
        case 'b':
            buf_putc(&decoded, '\b');
            break;
        case 'f':
            buf_putc(&decoded, '\f');
            break;
        case 'n':
            buf_putc(&decoded, '\n');
            break;
        case 'r':
            buf_putc(&decoded, '\r');
            break;
        case 't':
            buf_putc(&decoded, '\t');
            break;
        case 'u':
            if (!json_copy_unicode(c, &decoded))
                return false;
            break;
        default:
            return false;
        }
    }
    json_write_string(c->w, decoded.data, decoded.len);
    c->p++;
    return true;
}

/*
 * Copies an object's members. Equal names have the same written form, so names
 * are compared as written. An object with a duplicate name goes through
 * jansson, which keeps the last value at the first name's place.
 */
static bool
json_copy_object(struct json_copy *c)
{
    struct {
        size_t at, len;
    } names[JSON_COPY_KEYS_MAX];
    size_t count = 0;

    json_write_object_begin(c->w);
    json_copy_space(c);
    if (c->p < c->end && *c->p == '}') {
        c->p++;
        json_write_object_end(c->w);
        return true;
    }
    for (;;) {
        size_t at;

        if (c->p >= c->end || *c->p != '"' || count == JSON_COPY_KEYS_MAX)
            return false;
        c->p++;
        at = c->w->out.len + (c->w->comma ? 1 : 0);
        if (!json_copy_string(c))
            return false;
        names[count].at = at;
        names[count].len = c->w->out.len - at;
        for (size_t i = 0; i < count; i++) {
            if (names[i].len == names[count].len &&
                memcmp(c->w->out.data + names[i].at, c->w->out.data + at, names[i].len) == 0)
                return false;
        }
        count++;
        json_copy_space(c);
        if (c->p >= c->end || *c->p != ':')
            return false;
        c->p++;
        json_put_char(c->w, ':');
        c->w->comma = false;
        if (!json_copy_value(c))
            return false;
        json_copy_space(c);
        if (c->p < c->end && *c->p == ',') {
            c->p++;
            json_copy_space(c);
            continue;
        }
        if (c->p < c->end && *c->p == '}') {
            c->p++;
            json_write_object_end(c->w);
            return true;
        }
        return false;
    }
}

static bool
json_copy_array(struct json_copy *c)
{
    json_write_array_begin(c->w);
    json_copy_space(c);
    if (c->p < c->end && *c->p == ']') {
        c->p++;
        json_write_array_end(c->w);
        return true;
    }
    for (;;) {
        if (!json_copy_value(c))
            return false;
        json_copy_space(c);
        if (c->p < c->end && *c->p == ',') {
            c->p++;
            continue;
        }
        if (c->p < c->end && *c->p == ']') {
            c->p++;
            json_write_array_end(c->w);
            return true;
        }
        return false;
    }
}

static bool
json_copy_value(struct json_copy *c)
{
    bool ok;

    json_copy_space(c);
    if (c->p >= c->end)
        return false;
    switch (*c->p) {
    case '{':
    case '[':
        if (c->depth == JSON_COPY_DEPTH_MAX)
            return false;
        c->depth++;
        c->p++;
        ok = c->p[-1] == '{' ? json_copy_object(c) : json_copy_array(c);
        c->depth--;
        return ok;
    case '"':
        c->p++;
        return json_copy_string(c);
    case 't':
        return json_copy_literal(c, "true", 4);
    case 'f':
        return json_copy_literal(c, "false", 5);
    case 'n':
        return json_copy_literal(c, "null", 4);
    default:
        return json_copy_number(c);
    }
}

/*
 * Copies text in one pass or, when that fails, writes what jansson parses from
 * it. With arrays_only, anything but an array writes [].
 */
static void
json_write_text(struct json_writer *w, const char *text, size_t len, bool arrays_only)
{
    struct json_copy c = {w, text, text + len, 0};
    size_t mark = w->out.len;
    bool comma = w->comma;
    json_t *parsed;

    json_copy_space(&c);
    if (arrays_only && (c.p == c.end || *c.p != '[')) {
        json_write_raw(w, "[]", 2);
        return;
    }
    if (json_copy_value(&c)) {
        json_copy_space(&c);
        if (c.p == c.end)
            return;
    }

    /* Uncommon or invalid text: undo the partial copy and let jansson decide. */
    w->out.len = mark;
    w->comma = comma;
    parsed = json_loadb(text, len, JSON_DECODE_ANY, NULL);
    if (arrays_only && !json_is_array(parsed))
        json_write_raw(w, "[]", 2);
    else
        json_write_value(w, parsed);
    if (parsed != NULL)
        json_decref(parsed);
}

void
json_write_json(struct json_writer *w, const char *text, size_t len)
{
    json_write_text(w, text, len, false);
}

void
json_write_json_array(struct json_writer *w, const char *text, size_t len)
{
    json_write_text(w, text, len, true);
}
