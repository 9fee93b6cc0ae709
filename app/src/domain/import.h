/*
 * CSV imports of customers and prospects. A file is read with core/csvfile.h,
 * its columns mapped with domain/import_mapping.h, and each row validated and
 * checked for duplicates by the rules of customer_create(). A dry run reports
 * what a real run would do and writes nothing. A real run records an import
 * with its counts, its report and the records it wrote, so that it can be
 * undone while none of them has changed since.
 *
 * Policies of a real run:
 *   on_invalid   skip: import the valid rows and report the rest;
 *                abort: write nothing when any row is invalid.
 *   on_duplicate skip: leave a row sharing the email, a phone number, the
 *                registration number or the external reference with a record
 *                (or an earlier row) out;
 *                update: update the one matching record, and report a row
 *                matching several as ambiguous;
 *                create: create the record anyway, as allow_duplicate does.
 *
 * A file of up to IMPORT_INLINE_ROWS_MAX rows runs within the request. A larger
 * one is stored in chunks of IMPORT_CHUNK_ROWS rows and imported by the job
 * runners, one chunk per step and transaction. IMPORT_JOBS jobs are queued for
 * it, so that as many runners can import its chunks side by side. Their
 * advisory locks on the duplicate keys keep the duplicate checks exact, but the
 * numbers of the records then follow the file's order only chunk by chunk.
 * Every function blocks on PostgreSQL.
 */
#ifndef LENDASTACK_DOMAIN_IMPORT_H
#define LENDASTACK_DOMAIN_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/json.h"
#include "core/result.h"
#include "core/scope.h"
#include "domain/import_mapping.h"
#include "domain/jobs.h"
#include "store/import.h"

#define IMPORT_INLINE_ROWS_MAX 500 /* data rows imported within the request */
#define IMPORT_CHUNK_ROWS 500      /* data rows per chunk and job step */
#define IMPORT_REPORT_MAX IMPORT_STORE_REPORT_MAX /* report entries kept; more are counted */
#define IMPORT_JOBS 2              /* jobs queued per file, so that two runners can share it */
#define IMPORT_JOB_KIND "customer_import"

enum import_on_invalid { IMPORT_INVALID_SKIP, IMPORT_INVALID_ABORT };
enum import_on_duplicate { IMPORT_DUPLICATE_SKIP, IMPORT_DUPLICATE_UPDATE, IMPORT_DUPLICATE_CREATE };

struct import_options {
    enum import_target target;
    bool dry_run;
    char delimiter;        /* ',', ';' or '\t'; 0 detects it from the header */
    const json_t *mapping; /* header -> field, or NULL */
    enum import_on_invalid on_invalid;
    enum import_on_duplicate on_duplicate;
    const char *file_name; /* may be NULL */
};

/* The outcome of import_start(). */
enum import_outcome {
    IMPORT_CHECKED,  /* a dry run, which returns the report */
    IMPORT_FINISHED, /* imported within the request */
    IMPORT_QUEUED,   /* stored for the job runner */
    IMPORT_REJECTED, /* on_invalid abort and invalid rows: nothing written, import failed */
};

/* A prospect an import created, as the hooks of domain/import_hooks.c see it. */
struct import_prospect {
    int64_t import_id;
    int row;             /* row number in the file; the header is row 1 */
    const json_t *record; /* the prospect in the API form */
    const json_t *raw;    /* header -> cell text of the row, non-empty cells only */
    json_t **cache;       /* the hooks' state of the batch, NULL at its start */
};

/*
 * Runs every check hook on the create body of a prospect's row before the
 * prospect is created. RESULT_INVALID with field errors in s->problem makes
 * the row invalid under the import's on_invalid policy; other failures end
 * the step. cache is the hooks' state of the batch, NULL at its start.
 */
enum result import_check_prospect(struct scope *s, json_t **cache, const json_t *body);

/*
 * Runs every hook after an imported prospect was created, in the import's
 * transaction. A failure makes the row's step fail. Deals for imported leads
 * are made here.
 */
enum result import_after_prospect(struct scope *s, const struct import_prospect *p);

/*
 * Runs every undo hook of an import in the undo's transaction, before the
 * records it created are removed, so that what the hooks made goes first.
 * RESULT_CONFLICT with the problem set stops the undo.
 */
enum result import_before_undo(struct scope *s, int64_t import_id);

/*
 * Imports len bytes of CSV under o, with its own transactions. *answer is the
 * dry-run report or the import (see import_get()). RESULT_INVALID with field
 * errors for a file whose header cannot be mapped, RESULT_MALFORMED for an
 * empty file, RESULT_DENIED when the actor lacks a permission the options need.
 */
enum result import_start(struct scope *s, const struct import_options *o, const char *data,
                         size_t len, enum import_outcome *outcome, json_t **answer);

/* Reads an import: status, progress, counts, mapping and report. RESULT_NOT_FOUND if none. */
enum result import_get(struct scope *s, int64_t id, json_t **import);

/* Reads up to limit imports newest first, before before_id unless 0, without their reports. */
enum result import_list(struct scope *s, int64_t before_id, int limit, json_t **imports);

/*
 * Undoes a finished import in the caller's transaction: removes the records it
 * created and writes back the previous values of those it updated, each with
 * an audit entry. RESULT_CONFLICT when the import is not done
 * ("import_not_finished", "import_undone") or when one of its records changed
 * since ("records_changed", naming them in "records").
 */
enum result import_undo(struct scope *s, int64_t id, json_t **import);

/* Does one step of the queued import id: a chunk of rows in one transaction. */
enum job_step import_job_step(struct scope *s, int64_t id);

#endif
