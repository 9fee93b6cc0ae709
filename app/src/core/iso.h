/* ISO 3166 country codes and ISO 4217 currency codes, from ICU's tables. */
#ifndef LENDASTACK_CORE_ISO_H
#define LENDASTACK_CORE_ISO_H

#include <stdbool.h>

/* True for an assigned two-letter ISO 3166-1 code in upper case, e.g. "DE". */
bool iso_country_valid(const char *code);

/*
 * Finds the ISO 3166-1 alpha-2 code of an English country name, as data sources
 * write them: "Germany", "Côte d'Ivoire", "Bosnia and Herzegovina", "Russian
 * Federation". Names are compared case- and accent-insensitively, with "&" read
 * as "and", "St." as "Saint", and a trailing part in brackets ignored. Known
 * names are ICU's English display names, ICU's variant and short names, and a
 * few official names that ICU does not list. Returns false for an unknown name
 * and for former countries without a current code (Netherlands Antilles).
 */
bool iso_country_from_name(const char *name, char code[3]);

/* True for a current three-letter ISO 4217 code in upper case, e.g. "EUR". */
bool iso_currency_valid(const char *code);

/* Digits after the decimal point of a currency's minor unit (2 for EUR, 0 for JPY). */
int iso_currency_digits(const char *code);

#endif
