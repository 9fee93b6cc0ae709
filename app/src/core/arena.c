#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"

/*
 * With ARENA_POISON and AddressSanitizer, free chunk space is poisoned and a
 * poisoned gap follows each allocation. ASan then reports a read or write past
 * an allocation, or after arena_reset, as it would for malloc and free. The
 * sanitize and fuzz builds set ARENA_POISON.
 */
#ifdef ARENA_POISON
#include <sanitizer/asan_interface.h>
#define ARENA_REDZONE 16
#else
#define ARENA_REDZONE 0
#define ASAN_POISON_MEMORY_REGION(addr, size) ((void)(addr), (void)(size))
#define ASAN_UNPOISON_MEMORY_REGION(addr, size) ((void)(addr), (void)(size))
#endif

#define ARENA_ALIGN 16

struct arena_chunk {
    struct arena_chunk *next;
    size_t size; /* usable bytes after the header */
    size_t used;
    _Alignas(ARENA_ALIGN) unsigned char data[];
};

static void
arena_out_of_memory(size_t size)
{
    fprintf(stderr, "level=fatal event=out_of_memory size=%zu\n", size);
    abort();
}

static struct arena_chunk *
arena_chunk_new(size_t size)
{
    struct arena_chunk *c;

    if (size > SIZE_MAX - sizeof(*c))
        arena_out_of_memory(size);
    c = malloc(sizeof(*c) + size);
    if (c == NULL)
        arena_out_of_memory(size);
    c->next = NULL;
    c->size = size;
    c->used = 0;
    ASAN_POISON_MEMORY_REGION(c->data, size);
    return c;
}

void
arena_init(struct arena *a, size_t chunk_size)
{
    a->chunk_size = chunk_size < 1024 ? 1024 : chunk_size;
    a->first = arena_chunk_new(a->chunk_size);
    a->head = a->first;
    a->total = a->chunk_size;
}

void
arena_reset(struct arena *a)
{
    struct arena_chunk *c = a->first->next;

    while (c != NULL) {
        struct arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->first->next = NULL;
    a->first->used = 0;
    ASAN_POISON_MEMORY_REGION(a->first->data, a->first->size);
    a->head = a->first;
    a->total = a->first->size;
}

void
arena_destroy(struct arena *a)
{
    arena_reset(a);
    free(a->first);
    a->first = NULL;
    a->head = NULL;
    a->total = 0;
}

void *
arena_alloc(struct arena *a, size_t size)
{
    struct arena_chunk *c = a->head;
    size_t need;
    void *p;

    if (size > SIZE_MAX - ARENA_ALIGN - ARENA_REDZONE)
        arena_out_of_memory(size);
    need = (size + ARENA_REDZONE + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (need == 0)
        need = ARENA_ALIGN;

    if (c->size - c->used < need) {
        size_t size_new = need > a->chunk_size ? need : a->chunk_size;

        c = arena_chunk_new(size_new);
        c->next = a->head->next;
        a->head->next = c;
        a->head = c;
        a->total += size_new;
    }
    c->used += need;
    p = c->data + c->used - need;
    ASAN_UNPOISON_MEMORY_REGION(p, size);
    return p;
}

void *
arena_calloc(struct arena *a, size_t n, size_t size)
{
    void *p;

    if (size != 0 && n > SIZE_MAX / size)
        arena_out_of_memory(SIZE_MAX);
    p = arena_alloc(a, n * size);
    memset(p, 0, n * size);
    return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t len)
{
    char *p;

    if (len == SIZE_MAX)
        arena_out_of_memory(len);
    p = arena_alloc(a, len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
    if (s == NULL)
        return NULL;
    return arena_strndup(a, s, strlen(s));
}

char *
arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
    va_list copy;
    int n;
    char *p;

    va_copy(copy, ap);
    n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        arena_out_of_memory(0);
    p = arena_alloc(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    char *p;

    va_start(ap, fmt);
    p = arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}

void
buf_init(struct buf *b, struct arena *a, size_t initial)
{
    b->arena = a;
    b->cap = initial < 64 ? 64 : initial;
    b->data = arena_alloc(a, b->cap);
    b->len = 0;
    b->data[0] = '\0';
}

static void
buf_reserve(struct buf *b, size_t extra)
{
    size_t cap_new;
    char *data_new;

    if (extra > SIZE_MAX - b->len - 1)
        arena_out_of_memory(SIZE_MAX);
    if (b->len + extra + 1 <= b->cap)
        return;
    cap_new = b->cap;
    while (cap_new < b->len + extra + 1) {
        if (cap_new > SIZE_MAX / 2)
            arena_out_of_memory(SIZE_MAX);
        cap_new *= 2;
    }
    data_new = arena_alloc(b->arena, cap_new);
    memcpy(data_new, b->data, b->len + 1);
    b->data = data_new;
    b->cap = cap_new;
}

void
buf_append(struct buf *b, const void *data, size_t len)
{
    buf_reserve(b, len);
    memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void
buf_puts(struct buf *b, const char *s)
{
    buf_append(b, s, strlen(s));
}

void
buf_putc(struct buf *b, char c)
{
    buf_append(b, &c, 1);
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    buf_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}
