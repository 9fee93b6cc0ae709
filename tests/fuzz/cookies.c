/*
 * Cookie headers (http_parse_cookies in http/params.h) and the session cookie
 * found in them, parsed the way authentication parses it.
 */
#include "auth/session.h"
#include "core/text.h"
#include "fuzz.h"
#include "http/params.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *a = fuzz_arena();
    char *header = fuzz_cstring(data, size);
    struct http_param *cookies, *cookies_again;
    size_t count, count_again;
    const char *session;
    int64_t user_id;
    const char *secret;
    struct buf encoded;

    if (!http_parse_cookies(a, header, &cookies, &count)) {
        /* The only failure is too many cookies, and each of them has an '='. */
        size_t pairs = 0;

        for (const char *p = header; (p = strchr(p, '=')) != NULL; p++)
            pairs++;
        FUZZ_CHECK(pairs > HTTP_COOKIES_MAX);
        goto out;
    }
    FUZZ_CHECK(count <= HTTP_COOKIES_MAX);
    for (size_t i = 0; i < count; i++) {
        FUZZ_CHECK(cookies[i].name[0] != '\0');
        FUZZ_CHECK(cookies[i].name[0] != ' ' && cookies[i].name[0] != '\t');
        FUZZ_CHECK(strchr(cookies[i].name, ';') == NULL);
        FUZZ_CHECK(strchr(cookies[i].name, '=') == NULL);
        FUZZ_CHECK(text_is_utf8(cookies[i].value, strlen(cookies[i].value)));
    }

    session = http_param_find(cookies, count, SESSION_COOKIE);
    if (session != NULL && session_cookie_parse(session, &user_id, &secret)) {
        FUZZ_CHECK(user_id > 0);
        FUZZ_CHECK(secret > session && secret[-1] == '.');
    }

    /* The pairs, with values encoded again, parse to the same pairs. */
    buf_init(&encoded, a, size * 3 + 1);
    for (size_t i = 0; i < count; i++) {
        if (i > 0)
            buf_puts(&encoded, "; ");
        buf_puts(&encoded, cookies[i].name);
        buf_putc(&encoded, '=');
        fuzz_percent_encode(&encoded, cookies[i].value);
    }
    FUZZ_CHECK(http_parse_cookies(a, encoded.data, &cookies_again, &count_again));
    FUZZ_CHECK(count_again == count);
    for (size_t i = 0; i < count; i++) {
        FUZZ_CHECK(strcmp(cookies_again[i].name, cookies[i].name) == 0);
        FUZZ_CHECK(strcmp(cookies_again[i].value, cookies[i].value) == 0);
    }

out:
    free(header);
    return 0;
}
