/*
 * Exact money arithmetic. Amounts are int64 counts of a currency's minor unit
 * (cents of EUR, yen of JPY, fils of KWD) and never pass through floating
 * point. Sums of many amounts can outgrow int64, so the SQL sums them as
 * numeric and sends the result as text; this module checks single amounts and
 * formats exact quotients such as averages and rates.
 */
#ifndef LENDASTACK_CORE_MONEY_H
#define LENDASTACK_CORE_MONEY_H

#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"

/* Whole major units an amount may reach in any currency: 999,999,999,999. */
#define MONEY_MAJOR_MAX INT64_C(999999999999)

/*
 * The largest amount of any currency in minor units, that of a currency with
 * three decimal digits. It is below 2^53, so a JavaScript number holds it
 * exactly.
 */
#define MONEY_AMOUNT_MAX INT64_C(999999999999999)

/* Decimal digits this module handles; currencies with more are capped here. */
#define MONEY_DIGITS_MAX 3

/*
 * Returns the largest amount in minor units of a currency with digits decimal
 * digits: MONEY_MAJOR_MAX major units and every minor unit below the next
 * one, e.g. 99,999,999,999,999 for 2 digits and 999,999,999,999 for 0.
 * digits is clamped to 0..MONEY_DIGITS_MAX.
 */
int64_t money_amount_max(int digits);

/*
 * Formats an amount of minor units as a decimal number of major units with
 * digits decimals and no grouping: 12345 with 2 digits is "123.45". Returns
 * text in a; a negative amount gets a leading minus sign.
 */
char *money_format(struct arena *a, int64_t minor, int digits);

/*
 * Formats numerator / denominator rounded half up to places decimals
 * (0 to 6), exactly, with integer arithmetic: (7, 2, 1) is "3.5" and
 * (2, 3, 1) is "0.7". Both must be non-negative and denominator positive;
 * returns NULL otherwise.
 */
char *money_quotient(struct arena *a, int64_t numerator, int64_t denominator, int places);

#endif
