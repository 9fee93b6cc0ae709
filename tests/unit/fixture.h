/*
 * The arena a unit test suite allocates from. fixture_arena_setup() makes it and
 * points jansson's allocations at it; fixture_arena_teardown() frees both.
 */
#ifndef LENDASTACK_TESTS_UNIT_FIXTURE_H
#define LENDASTACK_TESTS_UNIT_FIXTURE_H

#include "core/arena.h"

extern struct arena fixture_arena;

void fixture_arena_setup(void);
void fixture_arena_teardown(void);

#endif
