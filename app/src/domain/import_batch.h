/*
 * The per-row work of an import, a batch of rows at a time. Rows are validated
 * by the rules of customer_validate() and customer_columns_build(). The whole
 * batch takes one advisory lock and one duplicate lookup, and then one
 * statement each draws the numbers, inserts the new records, audits them and
 * lists them with the import. Updates go through customer_update() one by one.
 * Used by domain/import.c only.
 */
#ifndef LENDASTACK_DOMAIN_IMPORT_BATCH_H
#define LENDASTACK_DOMAIN_IMPORT_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/csvfile.h"
#include "core/scope.h"
#include "domain/customer.h"
#include "domain/import.h"
#include "store/import.h"

/* The matching keys of the rows read so far, for duplicates within one file. */
struct import_keyset;

struct import_keyset *import_keyset_new(void);
void import_keyset_free(struct import_keyset *k);

enum import_batch_mode {
    IMPORT_BATCH_WRITE,    /* a real run, inside the caller's transaction */
    IMPORT_BATCH_CHECK,    /* a dry run: reads, writes nothing */
    IMPORT_BATCH_VALIDATE, /* the rules of each row, and the stage names that leads use */
};

struct import_run {
    struct scope *s;
    const struct import_options *o;
    const struct import_mapping *m;
    enum import_batch_mode mode;
    int64_t import_id;          /* the import a real run writes for */
    struct import_keyset *seen; /* keys of earlier rows of the file */
    int report_room;            /* entries the report may still take */
    struct import_progress progress;
    bool aborted;               /* on_invalid abort met an invalid row; roll back */
    json_t *hook_cache;         /* the import hooks' state of the current batch */
};

/*
 * Imports count rows. Counts and report entries are added to run->progress
 * (report entries in jansson's current arena). RESULT_OK also when rows were
 * invalid; other results are failures of the database and end the batch.
 */
enum result import_batch(struct import_run *run, const struct csvfile_row *rows, size_t count);

#endif
