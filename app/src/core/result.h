/*
 * Result codes shared by every layer. Functions that can fail return one of
 * these; the HTTP layer maps each to a status code in one place.
 */
#ifndef LENDASTACK_CORE_RESULT_H
#define LENDASTACK_CORE_RESULT_H

enum result {
    RESULT_OK = 0,
    RESULT_NOT_FOUND,             /* the record does not exist or is not visible */
    RESULT_MALFORMED,             /* the request itself cannot be read: syntax, encoding */
    RESULT_INVALID,               /* input broke a rule; details in the problem */
    RESULT_CONFLICT,              /* the request clashes with the current state */
    RESULT_GONE,                  /* a one-time link that is unknown, used or expired */
    RESULT_UNAUTHENTICATED,       /* no valid session or token */
    RESULT_DENIED,                /* authenticated, but not allowed */
    RESULT_PRECONDITION_FAILED,   /* If-Match names an older version */
    RESULT_PRECONDITION_REQUIRED, /* If-Match missing on an update */
    RESULT_TOO_MANY,              /* rate limit reached */
    RESULT_TOO_LARGE,             /* the body exceeds the limit */
    RESULT_UNSUPPORTED_MEDIA,     /* the body has the wrong content type */
    RESULT_METHOD_NOT_ALLOWED,    /* the path exists, the method does not */
    RESULT_UNAVAILABLE,           /* PostgreSQL unreachable or overloaded */
    RESULT_INTERNAL               /* a bug or an unexpected failure */
};

/* Returns a stable lower-case name for a result, e.g. "not_found". */
const char *result_name(enum result r);

#endif
