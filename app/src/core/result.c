#include "core/result.h"

const char *
result_name(enum result r)
{
    switch (r) {
    case RESULT_OK:
        return "ok";
    case RESULT_NOT_FOUND:
        return "not_found";
    case RESULT_MALFORMED:
        return "malformed";
    case RESULT_INVALID:
        return "invalid";
    case RESULT_CONFLICT:
        return "conflict";
    case RESULT_GONE:
        return "gone";
    case RESULT_UNAUTHENTICATED:
        return "unauthenticated";
    case RESULT_DENIED:
        return "denied";
    case RESULT_PRECONDITION_FAILED:
        return "precondition_failed";
    case RESULT_PRECONDITION_REQUIRED:
        return "precondition_required";
    case RESULT_TOO_MANY:
        return "too_many_requests";
    case RESULT_TOO_LARGE:
        return "payload_too_large";
    case RESULT_UNSUPPORTED_MEDIA:
        return "unsupported_media_type";
    case RESULT_METHOD_NOT_ALLOWED:
        return "method_not_allowed";
    case RESULT_UNAVAILABLE:
        return "unavailable";
    case RESULT_INTERNAL:
        return "internal";
    }
    return "unknown";
}
