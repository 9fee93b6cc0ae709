/*
 * Query strings and percent-decoding (http/params.h). The input is the raw query
 * string after '?', as nginx passes it in REQUEST_URI.
 */
#include <stdbool.h>

#include "core/text.h"
#include "fuzz.h"
#include "http/params.h"

/* Decodes the raw bytes both ways and checks what a successful decode returns. */
static void
check_decode(struct arena *a, const uint8_t *data, size_t size, bool plus_is_space)
{
    char *decoded = http_percent_decode(a, (const char *)data, size, plus_is_space);
    struct buf encoded;
    char *again;

    if (decoded == NULL)
        return;
    FUZZ_CHECK(strlen(decoded) <= size);
    FUZZ_CHECK(text_is_utf8(decoded, strlen(decoded)));

    /* Encoding the result again and decoding that gives the same text back. */
    buf_init(&encoded, a, size * 3 + 1);
    fuzz_percent_encode(&encoded, decoded);
    again = http_percent_decode(a, encoded.data, encoded.len, plus_is_space);
    FUZZ_CHECK(again != NULL);
    FUZZ_CHECK(strcmp(again, decoded) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *a = fuzz_arena();
    char *query = fuzz_cstring(data, size);
    struct http_param *params, *params_again;
    size_t count, count_again;
    struct buf encoded;

    check_decode(a, data, size, true);
    check_decode(a, data, size, false);

    if (!http_parse_query(a, query, &params, &count))
        goto out;
    FUZZ_CHECK(count <= HTTP_QUERY_MAX);
    for (size_t i = 0; i < count; i++) {
        FUZZ_CHECK(params[i].name != NULL && params[i].value != NULL);
        FUZZ_CHECK(text_is_utf8(params[i].name, strlen(params[i].name)));
        FUZZ_CHECK(text_is_utf8(params[i].value, strlen(params[i].value)));
        FUZZ_CHECK(http_param_find(params, count, params[i].name) != NULL);
    }

    /* The pairs, encoded again, parse to the same pairs in the same order. */
    buf_init(&encoded, a, strlen(query) * 3 + 1);
    for (size_t i = 0; i < count; i++) {
        if (i > 0)
            buf_putc(&encoded, '&');
        fuzz_percent_encode(&encoded, params[i].name);
        buf_putc(&encoded, '=');
        fuzz_percent_encode(&encoded, params[i].value);
    }
    FUZZ_CHECK(http_parse_query(a, encoded.data, &params_again, &count_again));
    FUZZ_CHECK(count_again == count);
    for (size_t i = 0; i < count; i++) {
        FUZZ_CHECK(strcmp(params_again[i].name, params[i].name) == 0);
        FUZZ_CHECK(strcmp(params_again[i].value, params[i].value) == 0);
    }

out:
    free(query);
    return 0;
}
