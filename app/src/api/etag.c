#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "api/etag.h"
#include "http/response.h"

enum result
etag_if_match(struct request *req, int *version)
{
    const char *value = req->if_match;
    size_t len;
    char *end;
    long n;

    if (value == NULL || *value == '\0') {
        problem_field(&req->problem, "If-Match", "required",
                      "Send the ETag of the version you read, such as \"3\".");
        return response_fail(req, RESULT_PRECONDITION_REQUIRED, "if_match_required",
                             "This change needs an If-Match header with the record's ETag.");
    }
    if (strcmp(value, "*") == 0) {
        *version = 0;
        return RESULT_OK;
    }
    len = strlen(value);
    if (len >= 3 && value[0] == '"' && value[len - 1] == '"' && value[1] >= '1' && value[1] <= '9') {
        errno = 0;
        n = strtol(value + 1, &end, 10);
        if (errno == 0 && end == value + len - 1 && n <= INT_MAX) {
            *version = (int)n;
            return RESULT_OK;
        }
    }
    problem_field(&req->problem, "If-Match", "format",
                  "Must be one ETag as the server sent it, such as \"3\".");
    return response_fail(req, RESULT_PRECONDITION_FAILED, "version_mismatch",
                         "The If-Match header names no version of this record.");
}
