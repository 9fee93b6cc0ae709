/* Creating a tenant: its control-plane rows, schema, defaults and first administrator. */
#ifndef LENDASTACK_TENANTS_PROVISION_H
#define LENDASTACK_TENANTS_PROVISION_H

#include "core/tenant.h"
#include "tenants/tool.h"

/* What a new tenant's control-plane row holds. */
struct provision_spec {
    const char *slug;
    const char *name;
    const char *code_prefix;
    const char *time_zone;
    const char *currency;
    const char *country;
    const char *domain;  /* a normalised custom host, or NULL or "" for none */
};

/*
 * Inside the caller's transaction, inserts the tenant and its host names and
 * creates its empty schema, readable by the server's role. Prints the reason and
 * returns false on failure; the caller rolls back.
 */
bool provision_begin(struct tool *t, const struct provision_spec *spec, struct tenant *out);

/* The `create` subcommand. Returns an exit status. */
int provision_command(struct tool *t, int argc, char **argv);

/* The `set-password SLUG EMAIL` subcommand: the password is read from standard input. */
int provision_set_password(struct tool *t, int argc, char **argv);

/* Loads a tenant by slug for a subcommand, printing an error when there is none. */
bool provision_find(struct tool *t, const char *slug, struct tenant *out);

#endif
