/* Tenant slugs (slug_valid in tenants/slug.h), as an operator types them. */
#include <stdbool.h>

#include "fuzz.h"
#include "tenant/host.h"
#include "tenants/slug.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *slug = fuzz_cstring(data, size);
    char why[256];
    char small[8];
    char host[HOST_MAX + 1];
    size_t len = strlen(slug);
    bool valid;

    memset(why, 0, sizeof(why));
    valid = slug_valid(slug, why, sizeof(why));
    FUZZ_CHECK(memchr(why, '\0', sizeof(why)) != NULL);
    if (!valid) {
        FUZZ_CHECK(why[0] != '\0');
        /* A short buffer gets a truncated reason, still terminated. */
        memset(small, 'x', sizeof(small));
        FUZZ_CHECK(!slug_valid(slug, small, sizeof(small)));
        FUZZ_CHECK(memchr(small, '\0', sizeof(small)) != NULL);
        goto out;
    }

    FUZZ_CHECK(len >= 3 && len <= 63);
    FUZZ_CHECK(strspn(slug, "abcdefghijklmnopqrstuvwxyz0123456789-") == len);
    FUZZ_CHECK(slug[0] != '-' && slug[len - 1] != '-' && strstr(slug, "--") == NULL);
    FUZZ_CHECK(!slug_reserved(slug));

    /* A valid slug is a host label in canonical form. */
    FUZZ_CHECK(host_normalize(slug, host, sizeof(host)));
    FUZZ_CHECK(strcmp(host, slug) == 0);

out:
    free(slug);
    return 0;
}
