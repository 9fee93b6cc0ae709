/*
 * Moving a tenant between installations: `export` writes a gzip file of the
 * tenant's control-plane rows and every table of its schema; `import` creates a
 * new tenant (optionally under another slug) at the same schema version and
 * loads the rows back.
 */
#ifndef LENDASTACK_TENANTS_ARCHIVE_H
#define LENDASTACK_TENANTS_ARCHIVE_H

#include "tenants/tool.h"

int archive_export(struct tool *t, int argc, char **argv);
int archive_import(struct tool *t, int argc, char **argv);

#endif
