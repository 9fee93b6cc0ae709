/* Listing tenants and changing their state: suspend, resume, delete, purge, domains. */
#ifndef LENDASTACK_TENANTS_LIFECYCLE_H
#define LENDASTACK_TENANTS_LIFECYCLE_H

#include "tenants/tool.h"

int lifecycle_list(struct tool *t, int argc, char **argv);
int lifecycle_show(struct tool *t, int argc, char **argv);
int lifecycle_suspend(struct tool *t, int argc, char **argv);
int lifecycle_resume(struct tool *t, int argc, char **argv);
int lifecycle_delete(struct tool *t, int argc, char **argv);
int lifecycle_purge(struct tool *t, int argc, char **argv);
int lifecycle_add_domain(struct tool *t, int argc, char **argv);
int lifecycle_remove_domain(struct tool *t, int argc, char **argv);

#endif
