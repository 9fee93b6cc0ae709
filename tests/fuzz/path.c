/*
 * Request paths (http_parse_path in http/params.h). The input is the path part of
 * REQUEST_URI, which nginx passes undecoded.
 */
#include "core/text.h"
#include "fuzz.h"
#include "http/params.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *a = fuzz_arena();
    char **segments, **segments_again;
    size_t count, count_again;
    struct buf encoded;

    /* The parser takes a length, so the input is passed as is, NUL bytes included. */
    if (!http_parse_path(a, (const char *)data, size, &segments, &count))
        return 0;
    FUZZ_CHECK(size > 0 && data[0] == '/');
    FUZZ_CHECK(count <= HTTP_SEGMENTS_MAX);
    for (size_t i = 0; i < count; i++) {
        size_t len = strlen(segments[i]);

        FUZZ_CHECK(len > 0);
        FUZZ_CHECK(text_is_utf8(segments[i], len));
        FUZZ_CHECK(strcmp(segments[i], ".") != 0 && strcmp(segments[i], "..") != 0);
    }

    /* The segments, encoded again, parse to the same segments. */
    buf_init(&encoded, a, size * 3 + 2);
    for (size_t i = 0; i < count; i++) {
        buf_putc(&encoded, '/');
        fuzz_percent_encode(&encoded, segments[i]);
    }
    if (count == 0)
        buf_putc(&encoded, '/');
    FUZZ_CHECK(http_parse_path(a, encoded.data, encoded.len, &segments_again, &count_again));
    FUZZ_CHECK(count_again == count);
    for (size_t i = 0; i < count; i++)
        FUZZ_CHECK(strcmp(segments_again[i], segments[i]) == 0);
    return 0;
}
