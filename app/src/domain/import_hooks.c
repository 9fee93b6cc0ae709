/*
 * Hooks that run around each prospect an import creates. A check hook sees
 * the row's create body before the prospect exists and may make the row
 * invalid; an after hook gets the new prospect and the raw cells of its row
 * ("Deal Stage", "Lead Owner", "Notes" and the rest) and runs in the import's
 * transaction; an undo hook removes what an after hook made. Work such as
 * opening a deal for a lead is added here without changing the importer.
 */
#include <stddef.h>

#include "domain/deal_import.h"
#include "domain/import.h"

typedef enum result (*import_check_hook)(struct scope *s, json_t **cache, const json_t *body);
typedef enum result (*import_prospect_hook)(struct scope *s, const struct import_prospect *p);
typedef enum result (*import_undo_hook)(struct scope *s, int64_t import_id);

/* Every hook of each kind, in the order they run; NULL ends each list. */
static const import_check_hook import_check_hooks[] = {
    deal_import_check,
    NULL,
};

static const import_prospect_hook import_prospect_hooks[] = {
    deal_import_lead,
    NULL,
};

static const import_undo_hook import_undo_hooks[] = {
    deal_import_undo,
    NULL,
};

enum result
import_check_prospect(struct scope *s, json_t **cache, const json_t *body)
{
    for (const import_check_hook *hook = import_check_hooks; *hook != NULL; hook++) {
        enum result r = (*hook)(s, cache, body);

        if (r != RESULT_OK)
            return r;
    }
    return RESULT_OK;
}

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

enum result
import_before_undo(struct scope *s, int64_t import_id)
{
    for (const import_undo_hook *hook = import_undo_hooks; *hook != NULL; hook++) {
        enum result r = (*hook)(s, import_id);

        if (r != RESULT_OK)
            return r;
    }
    return RESULT_OK;
}
