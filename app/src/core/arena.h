/*
 * Region allocator. Every allocation a request makes comes from its arena and is
 * released at once by arena_reset() when the request finishes. Allocation failure
 * aborts the process: a worker that cannot get memory cannot answer correctly, and
 * the master replaces it.
 */
#ifndef LENDASTACK_CORE_ARENA_H
#define LENDASTACK_CORE_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena_chunk;

struct arena {
    struct arena_chunk *head;  /* chunk being filled */
    struct arena_chunk *first; /* kept across resets */
    size_t chunk_size;
    size_t total;              /* bytes held in chunks, for statistics */
};

/* Initialises an arena whose chunks are at least chunk_size bytes. */
void arena_init(struct arena *a, size_t chunk_size);

/* Frees every allocation but keeps the first chunk for reuse. */
void arena_reset(struct arena *a);

/* Frees every chunk. The arena may be initialised again afterwards. */
void arena_destroy(struct arena *a);

/* Allocates size bytes aligned for any type; never returns NULL. */
void *arena_alloc(struct arena *a, size_t size);

/* Allocates n * size zeroed bytes, aborting on overflow. */
void *arena_calloc(struct arena *a, size_t n, size_t size);

/* Copies len bytes of s and appends a NUL. */
char *arena_strndup(struct arena *a, const char *s, size_t len);

/* Copies a NUL-terminated string; NULL gives NULL. */
char *arena_strdup(struct arena *a, const char *s);

/* Formats like snprintf into a new string. */
char *arena_printf(struct arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);

/*
 * Growable byte buffer whose storage lives in an arena. The contents are always
 * NUL-terminated so they can be used as a string.
 */
struct buf {
    struct arena *arena;
    char *data;
    size_t len;
    size_t cap;
};

void buf_init(struct buf *b, struct arena *a, size_t initial);
void buf_append(struct buf *b, const void *data, size_t len);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
