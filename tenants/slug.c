#include <stdio.h>
#include <string.h>

#include "tenants/slug.h"

/* Host names the product or common infrastructure may need for itself. */
static const char *const reserved[] = {
    "admin", "api", "app", "apps", "assets", "auth", "billing", "blog", "cdn", "console",
    "control", "dashboard", "dev", "dns", "docs", "email", "files", "ftp", "help", "imap",
    "internal", "lendastack", "localhost", "login", "mail", "media", "mx", "ns1", "ns2",
    "pop", "pop3", "portal", "public", "root", "secure", "smtp", "sso", "staging", "static",
    "status", "support", "system", "tenant", "tenants", "test", "www", "www1", "www2", NULL,
};

bool
slug_reserved(const char *slug)
{
    for (size_t i = 0; reserved[i] != NULL; i++) {
        if (strcmp(reserved[i], slug) == 0)
            return true;
    }
    return false;
}

bool
slug_valid(const char *slug, char *why, size_t why_size)
{
    size_t len = strlen(slug);

    if (len < 3 || len > 63) {
        snprintf(why, why_size, "slug \"%s\" has %zu characters; use 3 to 63", slug, len);
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        char c = slug[i];

        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
            snprintf(why, why_size,
                     "slug \"%s\" contains '%c'; use lower-case letters, digits and hyphens", slug,
                     c);
            return false;
        }
    }
    if (slug[0] == '-' || slug[len - 1] == '-' || strstr(slug, "--") != NULL) {
        snprintf(why, why_size,
                 "slug \"%s\" starts or ends with a hyphen or doubles one; hyphens go between "
                 "letters or digits",
                 slug);
        return false;
    }
    if (slug_reserved(slug)) {
        snprintf(why, why_size, "slug \"%s\" is reserved for the product's own use; choose another",
                 slug);
        return false;
    }
    return true;
}
