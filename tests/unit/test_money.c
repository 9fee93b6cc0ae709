/* Exact money limits, formatting and rounded quotients. */
#include <criterion/criterion.h>

#include "core/arena.h"
#include "core/money.h"

Test(money, limits_follow_the_digits)
{
    cr_assert_eq(money_amount_max(2), INT64_C(99999999999999));
    cr_assert_eq(money_amount_max(0), INT64_C(999999999999));
    cr_assert_eq(money_amount_max(3), INT64_C(999999999999999));
    cr_assert_eq(money_amount_max(4), MONEY_AMOUNT_MAX, "more digits are capped");
    cr_assert_eq(money_amount_max(-1), money_amount_max(0));
    cr_assert(MONEY_AMOUNT_MAX < (INT64_C(1) << 53), "every amount is exact in JavaScript");
}

Test(money, formats_major_units)
{
    struct arena a;

    arena_init(&a, 1024);
    cr_assert_str_eq(money_format(&a, INT64_C(99999999999999), 2), "999999999999.99");
    cr_assert_str_eq(money_format(&a, 5, 2), "0.05");
    cr_assert_str_eq(money_format(&a, 0, 2), "0.00");
    cr_assert_str_eq(money_format(&a, 1234, 0), "1234");
    cr_assert_str_eq(money_format(&a, 1, 3), "0.001");
    cr_assert_str_eq(money_format(&a, -150, 2), "-1.50");
    cr_assert_str_eq(money_format(&a, INT64_MIN, 2), "-92233720368547758.08");
    arena_destroy(&a);
}

Test(money, quotients_round_half_up)
{
    struct arena a;

    arena_init(&a, 1024);
    cr_assert_str_eq(money_quotient(&a, 7, 2, 1), "3.5");
    cr_assert_str_eq(money_quotient(&a, 2, 3, 1), "0.7");
    cr_assert_str_eq(money_quotient(&a, 1, 3, 1), "0.3");
    cr_assert_str_eq(money_quotient(&a, 300, 4, 1), "75.0");
    cr_assert_str_eq(money_quotient(&a, 200, 3, 1), "66.7");
    cr_assert_str_eq(money_quotient(&a, 1, 2, 0), "1", "a half rounds up");
    cr_assert_str_eq(money_quotient(&a, 648000, 4 * 86400, 1), "1.9");
    cr_assert_str_eq(money_quotient(&a, 0, 5, 2), "0.00");
    cr_assert_str_eq(money_quotient(&a, INT64_MAX, 1, 6), "9223372036854775807.000000",
                     "no overflow at the largest numerator");
    cr_assert_str_eq(money_quotient(&a, 5, INT64_MAX, 1), "0.0");
    cr_assert_null(money_quotient(&a, 1, 0, 1));
    cr_assert_null(money_quotient(&a, -1, 2, 1));
    cr_assert_null(money_quotient(&a, 1, 2, 7));
    arena_destroy(&a);
}
