/*
 * The JSON writer (core/json_writer.h) against jansson. Copying JSON text must
 * make what json_dump(json_loadb()) makes of it, or null when jansson rejects
 * it, whatever the one-pass copy accepted. A string of valid UTF-8 must be
 * written as json_dump() writes it.
 */
#include "core/json_writer.h"
#include "core/text.h"
#include "fuzz.h"

static void
check_copy(struct arena *a, const char *data, size_t size, bool arrays_only)
{
    struct json_writer w;
    json_t *parsed = json_loadb(data, size, JSON_DECODE_ANY, NULL);
    const char *expected, *written;
    size_t len, expected_len;

    json_writer_init(&w, a, 16);
    if (arrays_only)
        json_write_json_array(&w, data, size);
    else
        json_write_json(&w, data, size);
    written = json_writer_finish(&w, &len);
    if (arrays_only && !json_is_array(parsed))
        expected = "[]";
    else
        expected = parsed != NULL ? json_dump(parsed, &expected_len) : "null";
    FUZZ_CHECK(expected != NULL);
    FUZZ_CHECK(strlen(written) == len);
    FUZZ_CHECK(strcmp(written, expected) == 0);
}

static void
check_string(struct arena *a, const char *data, size_t size)
{
    struct json_writer w;
    size_t len, expected_len;
    const char *expected;

    if (!text_is_utf8(data, size))
        return;
    json_writer_init(&w, a, 16);
    json_write_string(&w, data, size);
    expected = json_dump(json_stringn(data, size), &expected_len);
    FUZZ_CHECK(expected != NULL);
    FUZZ_CHECK(strcmp(json_writer_finish(&w, &len), expected) == 0);
    FUZZ_CHECK(len == expected_len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *a = fuzz_arena();

    check_copy(a, (const char *)data, size, false);
    check_copy(a, (const char *)data, size, true);
    check_string(a, (const char *)data, size);
    return 0;
}
