#include "core/json.h"
#include "tests/unit/fixture.h"

struct arena fixture_arena;

void
fixture_arena_setup(void)
{
    arena_init(&fixture_arena, 4096);
    json_use_arena(&fixture_arena);
}

void
fixture_arena_teardown(void)
{
    json_use_arena(NULL);
    arena_destroy(&fixture_arena);
}
