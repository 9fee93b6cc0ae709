/*
 * Phone numbers over libphonenumber (C++), behind a C interface. Callers keep
 * what a person typed for display. This module finds the number it names: the
 * E.164 form for matching, the extension, and the digits people search by.
 */
#ifndef LENDASTACK_CORE_PHONE_H
#define LENDASTACK_CORE_PHONE_H

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Maximum input length in bytes. Longer text is not taken for a phone number. */
#define PHONE_INPUT_MAX 64

struct phone_number {
    char e164[24];      /* "+442079460123" */
    char extension[24]; /* "12895", or "" when the number has none */
    char national[40];  /* digits of the national format, "02079460123" */
};

/*
 * Parses what a person typed as a phone number. National numbers are read as
 * numbers of region, an ISO 3166 alpha-2 code such as "US". When that gives no
 * possible number and the input starts with "00", the ITU international prefix,
 * it is parsed again as "+" and the rest, because many data sources write
 * international numbers that way (001-808-617-6467). Returns true when
 * libphonenumber finds a possible number (IsPossibleNumber) and fills out.
 * Does no I/O.
 */
bool phone_parse(const char *input, const char *region, struct phone_number *out);

#ifdef __cplusplus
}
#endif

#endif
