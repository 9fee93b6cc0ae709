/*
 * Deals for imported leads, run by the hooks of domain/import_hooks.c in the
 * import's transaction. A lead row names its stage of the default pipeline in
 * its lead stage column ("Deal Stage"), matched without regard to case; an
 * unknown name is an error of the row. Each imported prospect with a stage
 * gets one deal there: titled by the lead's company (or the person's name),
 * with the row's source, owned by the user the lead owner matched or else
 * keeping the owner's name as text, an amount of 0 in the tenant's currency,
 * and the row's "Notes" cell as a note activity of the prospect.
 *
 * A deal imported in a won stage converts nothing: importing history is not
 * winning a deal now, so the prospect stays a prospect until someone converts
 * it. A deal imported in a lost stage may lack a lost reason.
 *
 * Every function blocks on PostgreSQL. cache is the per-batch state the
 * importer keeps for the hooks, NULL at the start of each batch.
 */
#ifndef LENDASTACK_DOMAIN_DEAL_IMPORT_H
#define LENDASTACK_DOMAIN_DEAL_IMPORT_H

#include <stdint.h>

#include "core/json.h"
#include "core/result.h"
#include "core/scope.h"
#include "domain/import.h"

/*
 * Checks the lead stage of a prospect's create body before the prospect is
 * created: RESULT_INVALID with a field error on lead_stage (rule "choice")
 * when no live stage of the default pipeline has the name.
 */
enum result deal_import_check(struct scope *s, json_t **cache, const json_t *body);

/* Creates the deal and the note of an imported prospect; p->cache is the batch's state. */
enum result deal_import_lead(struct scope *s, const struct import_prospect *p);

/*
 * Removes the deals, stage changes and notes an import made, before undo
 * removes its records. RESULT_CONFLICT ("records_changed", naming the deals)
 * when one of its deals changed since.
 */
enum result deal_import_undo(struct scope *s, int64_t import_id);

#endif
