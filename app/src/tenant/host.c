#include <string.h>

#include "tenant/host.h"

bool
host_normalize(const char *host, char *out, size_t out_size)
{
    size_t len = 0;
    const char *colon;

    if (host == NULL || out_size < HOST_MAX + 1)
        return false;
    colon = strchr(host, ':');
    len = colon != NULL ? (size_t)(colon - host) : strnlen(host, HOST_MAX + 2);
    if (colon != NULL) {
        /* The port must be digits only; anything else is not a host we serve. */
        const char *p = colon + 1;

        if (*p == '\0' || strspn(p, "0123456789") != strlen(p) || strlen(p) > 5)
            return false;
    }
    if (len > 0 && host[len - 1] == '.')
        len--;
    if (len == 0 || len > HOST_MAX)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = host[i];

        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'))
            return false;
        out[i] = c;
    }
    out[len] = '\0';
    /* A dot left at the end means the host ended in two dots: an empty label. */
    if (out[0] == '.' || out[0] == '-' || out[len - 1] == '.' || strstr(out, "..") != NULL)
        return false;
    return true;
}
