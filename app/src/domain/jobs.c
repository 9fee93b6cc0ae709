#include <string.h>

#include "domain/import.h"
#include "domain/jobs.h"

/*
 * Every job kind this build runs. A kind added here must keep working when a
 * runner stops between two steps and another runner continues the job.
 */
static const struct job_kind job_kinds[] = {
    {IMPORT_JOB_KIND, import_job_step},
    {NULL, NULL},
};

static struct sql job_insert = SQL_STATEMENT(
    "INSERT INTO control.jobs (tenant_id, kind, ref_id, created_at)"
    " VALUES ($1, $2, $3, " SQL_MICROS("$4") ")");
static struct sql job_notify = SQL_STATEMENT("SELECT pg_notify('" JOBS_CHANNEL "', $1)");

const struct job_kind *
job_kind_find(const char *name)
{
    for (const struct job_kind *k = job_kinds; k->name != NULL; k++) {
        if (strcmp(k->name, name) == 0)
            return k;
    }
    return NULL;
}

enum result
jobs_enqueue(struct scope *s, const char *kind, int64_t ref_id)
{
    struct db_params p;
    enum result r;

    db_params_init(&p, s->arena);
    db_param_int(&p, s->tenant->id);
    db_param_text(&p, kind);
    db_param_int(&p, ref_id);
    db_param_int(&p, s->now_us);
    if ((r = db_query(s->db, NULL, &job_insert, &p, NULL)) != RESULT_OK)
        return r;
    db_params_init(&p, s->arena);
    db_param_text(&p, kind);
    return db_query(s->db, NULL, &job_notify, &p, NULL);
}
