/* The JSON writer: its text must be what json_dump() makes of the same values. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/json_writer.h"

static struct arena arena;
static struct json_writer w;

static void
setup(void)
{
    arena_init(&arena, 4096);
    json_use_arena(&arena);
    json_writer_init(&w, &arena, 16);
}

static void
teardown(void)
{
    json_use_arena(NULL);
    arena_destroy(&arena);
}

TestSuite(json_writer, .init = setup, .fini = teardown);

static const char *
written(void)
{
    size_t len;
    char *text = json_writer_finish(&w, &len);

    cr_assert_eq(strlen(text), len);
    return text;
}

/* The text json_dump() makes of a value, for comparison. */
static const char *
dumped(json_t *value)
{
    size_t len;

    return json_dump(value, &len);
}

/* Writes len bytes as a string both ways and checks the texts are equal. */
static void
assert_string_like_jansson(const char *s, size_t len)
{
    json_writer_init(&w, &arena, 16);
    json_write_string(&w, s, len);
    cr_assert_str_eq(written(), dumped(json_stringn(s, len)), "string of %zu bytes", len);
}

/* Copies JSON text and checks the result equals json_dump(json_loads(text)). */
static void
assert_copy_like_jansson(const char *text)
{
    json_t *parsed = json_loads(text, JSON_DECODE_ANY, NULL);

    json_writer_init(&w, &arena, 16);
    json_write_json(&w, text, strlen(text));
    cr_assert_str_eq(written(), parsed != NULL ? dumped(parsed) : "null", "text: %s", text);
}

Test(json_writer, escapes_quote_backslash_and_short_forms)
{
    json_write_cstring(&w, "a\"b\\c/d\b\f\n\r\t");
    cr_assert_str_eq(written(), "\"a\\\"b\\\\c/d\\b\\f\\n\\r\\t\"");
}

Test(json_writer, escapes_other_controls_with_capital_hex)
{
    json_write_string(&w, "\x01\x1f\x7f", 3);
    cr_assert_str_eq(written(), "\"\\u0001\\u001F\x7f\"");
}

Test(json_writer, strings_match_jansson_for_every_control_character)
{
    for (int c = 1; c < 0x20; c++) {
        char s[3] = {'x', (char)c, 'y'};

        assert_string_like_jansson(s, sizeof(s));
    }
}

Test(json_writer, copies_line_separators_and_emoji_unescaped)
{
    const char *s = "\xe2\x80\xa8 \xe2\x80\xa9 \xf0\x9f\x98\x80 \xc3\xa9";

    json_write_cstring(&w, s);
    cr_assert_str_eq(written(), "\"\xe2\x80\xa8 \xe2\x80\xa9 \xf0\x9f\x98\x80 \xc3\xa9\"");
    assert_string_like_jansson(s, strlen(s));
}

Test(json_writer, empty_string_and_null)
{
    json_write_array_begin(&w);
    json_write_cstring(&w, "");
    json_write_cstring(&w, NULL);
    json_write_null(&w);
    json_write_array_end(&w);
    cr_assert_str_eq(written(), "[\"\",null,null]");
}

Test(json_writer, integers_at_the_limits)
{
    json_write_array_begin(&w);
    json_write_int(&w, 0);
    json_write_int(&w, -7);
    json_write_int(&w, INT64_MAX);
    json_write_int(&w, INT64_MIN);
    json_write_array_end(&w);
    cr_assert_str_eq(written(), "[0,-7,9223372036854775807,-9223372036854775808]");
}

Test(json_writer, objects_and_arrays_nest_with_commas)
{
    json_write_object_begin(&w);
    json_write_key(&w, "a");
    json_write_bool(&w, true);
    json_write_key(&w, "b");
    json_write_array_begin(&w);
    json_write_object_begin(&w);
    json_write_object_end(&w);
    json_write_array_begin(&w);
    json_write_array_end(&w);
    json_write_bool(&w, false);
    json_write_array_end(&w);
    json_write_key(&w, "q\"");
    json_write_int(&w, 1);
    json_write_object_end(&w);
    cr_assert_str_eq(written(), "{\"a\":true,\"b\":[{},[],false],\"q\\\"\":1}");
}

Test(json_writer, jansson_value_written_as_json_dump)
{
    json_t *v = json_pack("{s:f,s:[i,s]}", "x", 2.5, "y", 3, "z\n");

    json_write_array_begin(&w);
    json_write_value(&w, v);
    json_write_value(&w, NULL);
    json_write_array_end(&w);
    cr_assert_str_eq(written(), "[{\"x\":2.5,\"y\":[3,\"z\\n\"]},null]");
}

Test(json_writer, copies_postgresql_jsonb_text_compactly)
{
    const char *text = "[{\"kind\": \"mobile\", \"label\": \"Work\", \"number\": \"+15323441362\"},"
                       " {\"n\": -12, \"ok\": true, \"no\": false, \"none\": null}]";

    json_write_json(&w, text, strlen(text));
    cr_assert_str_eq(written(), "[{\"kind\":\"mobile\",\"label\":\"Work\",\"number\":"
                                "\"+15323441362\"},{\"n\":-12,\"ok\":true,\"no\":false,"
                                "\"none\":null}]");
}

Test(json_writer, copy_matches_jansson_round_trip)
{
    static const char *const texts[] = {
        "{}",
        "[]",
        " [ 1 , 2 ] ",
        "\"\"",
        "\"caf\\u00e9 \\u001f \\/ \\\" \\\\ \\b\\f\\n\\r\\t\"",
        "\"\\ud83d\\ude00 \\u2028\"",
        "\"\xe2\x80\xa8\"",
        "{\"a\": {\"b\": {\"c\": [[[]]]}}}",
        "{\"a\": 1, \"a\": 2, \"b\": 3}",
        "[1.5, 2e3, -0.0, 0.1]",
        "-0",
        "123456789012345678",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "[01]",
        "\"\\u0000\"",
        "\"\\ud800\"",
        "\"\\udc00x\"",
        "\"\\x\"",
        "\"unterminated",
        "[1,]",
        "{\"a\" 1}",
        "[true false]",
        "truex",
        "nul",
        "1 2",
        "",
        "   ",
        "\"\xff\"",
        "\"\xc0\xaf\"",
        "\"\xed\xa0\x80\"",
    };

    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
        assert_copy_like_jansson(texts[i]);
}

Test(json_writer, copy_falls_back_beyond_depth_limit)
{
    char text[2 * 40 + 1];

    memset(text, '[', 40);
    memset(text + 40, ']', 40);
    text[80] = '\0';
    assert_copy_like_jansson(text);
}

Test(json_writer, copy_undoes_partial_text_before_falling_back)
{
    const char *text = "{\"a\": [1, 2, 3.5]}";

    json_write_array_begin(&w);
    json_write_int(&w, 7);
    json_write_json(&w, text, strlen(text));
    json_write_int(&w, 8);
    json_write_array_end(&w);
    cr_assert_str_eq(written(), "[7,{\"a\":[1,2,3.5]},8]");
}

Test(json_writer, array_copy_writes_empty_array_for_other_values)
{
    static const char *const texts[] = {"{\"a\": 1}", "\"x\"", "null", "[1,", "", "[2.5]"};
    static const char *const expected[] = {"[]", "[]", "[]", "[]", "[]", "[2.5]"};

    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        json_writer_init(&w, &arena, 16);
        json_write_json_array(&w, texts[i], strlen(texts[i]));
        cr_assert_str_eq(written(), expected[i], "text: %s", texts[i]);
    }
}
