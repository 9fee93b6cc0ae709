/*
 * Hooks that run after each prospect an import creates. A hook gets the new
 * prospect and the raw cells of its row ("Deal Stage", "Lead Owner", "Notes"
 * and the rest) and runs in the import's transaction. Work such as opening a
 * deal for a lead is added here without changing the importer.
 */
#include <stddef.h>

#include "domain/import.h"

typedef enum result (*import_prospect_hook)(struct scope *s, const struct import_prospect *p);

/* Every hook, in the order they run; NULL ends the list. */
static const import_prospect_hook import_prospect_hooks[] = {
    NULL,
};

enum result
import_after_prospect(struct scope *s, const struct import_prospect *p)
{
    for (const import_prospect_hook *hook = import_prospect_hooks; *hook != NULL; hook++) {
        enum result r = (*hook)(s, p);

        if (r != RESULT_OK)
            return r;
    }
    return RESULT_OK;
}
