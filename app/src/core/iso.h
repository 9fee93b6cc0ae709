/* ISO 3166 country codes and ISO 4217 currency codes, from ICU's tables. */
#ifndef LENDASTACK_CORE_ISO_H
#define LENDASTACK_CORE_ISO_H

#include <stdbool.h>

/* True for an assigned two-letter ISO 3166-1 code in upper case, e.g. "DE". */
bool iso_country_valid(const char *code);

/* True for a current three-letter ISO 4217 code in upper case, e.g. "EUR". */
bool iso_currency_valid(const char *code);

/* Digits after the decimal point of a currency's minor unit (2 for EUR, 0 for JPY). */
int iso_currency_digits(const char *code);

#endif
