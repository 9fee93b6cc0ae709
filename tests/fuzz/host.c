/* Host headers (host_normalize in tenant/host.h), as nginx passes HTTP_HOST. */
#include <strings.h>

#include "fuzz.h"
#include "tenant/host.h"

/* True when s contains only the bytes a canonical host name may contain. */
static int
host_chars_valid(const char *s)
{
    return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789.-") == strlen(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *host = fuzz_cstring(data, size);
    char canonical[HOST_MAX + 1];
    char again[HOST_MAX + 1];
    size_t len;

    if (!host_normalize(host, canonical, sizeof(canonical)))
        goto out;
    len = strlen(canonical);
    FUZZ_CHECK(len > 0 && len <= HOST_MAX);
    FUZZ_CHECK(host_chars_valid(canonical));
    FUZZ_CHECK(canonical[0] != '.' && canonical[0] != '-');
    FUZZ_CHECK(canonical[len - 1] != '.');
    FUZZ_CHECK(strstr(canonical, "..") == NULL);

    /* The canonical form is its own canonical form, and so is it with a port. */
    FUZZ_CHECK(host_normalize(canonical, again, sizeof(again)));
    FUZZ_CHECK(strcmp(again, canonical) == 0);
    FUZZ_CHECK(strncasecmp(host, canonical, len) == 0);

out:
    free(host);
    return 0;
}
