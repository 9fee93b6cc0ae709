/* Tenant slugs: the name in a tenant's subdomain. */
#ifndef LENDASTACK_TENANTS_SLUG_H
#define LENDASTACK_TENANTS_SLUG_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Checks a slug: 3 to 63 lower-case letters, digits and inner hyphens (no leading,
 * trailing or doubled hyphen), and not a reserved name such as www or api. On
 * failure writes a sentence saying what is wrong and how to fix it.
 */
bool slug_valid(const char *slug, char *why, size_t why_size);

/* True for names kept for the product's own hosts. */
bool slug_reserved(const char *slug);

#endif
