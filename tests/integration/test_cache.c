/*
 * The cache client against the stack's Redis, which requires a password. Without
 * it, or with a wrong one, the cache is unavailable and callers fall back to
 * PostgreSQL. With it, keys are written and read.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cache/cache.h"
#include "core/arena.h"
#include "tests/support/harness.h"

static enum result
probe(struct cache *c, struct arena *a)
{
    char *value = NULL;
    size_t length = 0;

    return cache_get(c, a, "t:0:probe", &value, &length);
}

Test(cache, redis_refuses_a_client_without_the_password)
{
    struct cache *c = cache_new(th_env("LENDASTACK_REDIS"), "", "lendastack", 500, 0);
    struct arena a;

    arena_init(&a, 4096);
    cr_assert_eq(probe(c, &a), RESULT_UNAVAILABLE, "Redis answered a client that sent no AUTH");
    cache_set_auth(c, NULL, "not-the-password", NULL);
    cr_assert_eq(probe(c, &a), RESULT_UNAVAILABLE, "Redis answered a client with a wrong password");
    arena_destroy(&a);
    cache_free(c);
}

Test(cache, the_password_opens_redis)
{
    struct cache *c = cache_new(th_env("LENDASTACK_REDIS"), "", "lendastack", 500, 0);
    struct arena a;
    char key[64], *value = NULL;
    size_t length = 0;

    snprintf(key, sizeof(key), "t:0:probe:%ld", (long)getpid());
    arena_init(&a, 4096);
    cache_set_auth(c, NULL, th_env("LENDASTACK_REDIS_PASSWORD"), NULL);
    cr_assert_eq(cache_set(c, key, "stored", 6, 60), RESULT_OK);
    cr_assert_eq(cache_get(c, &a, key, &value, &length), RESULT_OK);
    cr_assert(value != NULL && length == 6 && memcmp(value, "stored", 6) == 0,
              "read back %.*s", (int)length, value != NULL ? value : "");
    arena_destroy(&a);
    cache_free(c);
}
