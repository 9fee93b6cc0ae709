/*
 * Helpers shared by the fuzz targets in this folder. Each target is one file with
 * LLVMFuzzerTestOneInput, and tests/fuzz/README.md describes how to build and run
 * them.
 */
#ifndef LENDASTACK_TESTS_FUZZ_H
#define LENDASTACK_TESTS_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/json.h"

/*
 * Aborts with the failed condition when an invariant does not hold. libFuzzer
 * treats the abort as a crash and saves the input that caused it.
 */
#define FUZZ_CHECK(cond)                                                                      \
    do {                                                                                      \
        if (!(cond)) {                                                                        \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond);      \
            abort();                                                                          \
        }                                                                                     \
    } while (0)

/*
 * Empties the target's arena for a new input, makes jansson allocate from it and
 * returns it. The first chunk is kept across inputs, so memory does not grow.
 */
static inline struct arena *
fuzz_arena(void)
{
    static struct arena arena;
    static int ready;

    if (!ready) {
        arena_init(&arena, 64 * 1024);
        ready = 1;
    }
    arena_reset(&arena);
    json_use_arena(&arena);
    return &arena;
}

/*
 * Copies the input into a buffer of exactly size + 1 bytes with a NUL at the end,
 * so AddressSanitizer catches a read past the terminator. An embedded NUL ends the
 * string early, as it does for every C string the server receives. The caller
 * frees the copy.
 */
static inline char *
fuzz_cstring(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);

    if (s == NULL)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* True for the bytes that never need percent-encoding (RFC 3986 unreserved). */
static inline int
fuzz_is_unreserved(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~';
}

/* Appends s to b with every byte outside the unreserved set percent-encoded. */
static inline void
fuzz_percent_encode(struct buf *b, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if (fuzz_is_unreserved(*p))
            buf_putc(b, (char)*p);
        else
            buf_printf(b, "%%%02X", *p);
    }
}

#endif
