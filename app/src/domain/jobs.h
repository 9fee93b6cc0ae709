/*
 * Background jobs: work too long for one request, done in bounded steps by a job
 * runner process. A job kind is a name and a step function; the job's own row,
 * with its input and progress, lives in the tenant schema and is found by ref_id.
 */
#ifndef LENDASTACK_DOMAIN_JOBS_H
#define LENDASTACK_DOMAIN_JOBS_H

#include <stdint.h>

#include "core/result.h"
#include "core/scope.h"

/* The channel a NOTIFY wakes runners on. */
#define JOBS_CHANNEL "lendastack_jobs"

enum job_step {
    JOB_MORE,   /* a step finished and work remains */
    JOB_DONE,   /* the job is complete */
    JOB_FAILED, /* the job cannot complete; its row says why */
    JOB_RETRY   /* a passing failure (PostgreSQL unavailable): try the step again later */
};

struct job_kind {
    const char *name;
    /*
     * Does one step of the job ref_id, bounded to a few seconds, committing its own
     * transactions, so that a runner stopped between steps loses nothing. The scope
     * has the tenant, connections, arena and clock, and no actor.
     */
    enum job_step (*step)(struct scope *s, int64_t ref_id);
};

/* Finds a job kind by name; NULL when this build knows none by that name. */
const struct job_kind *job_kind_find(const char *name);

/*
 * Queues a job in the caller's transaction and wakes the runners when it commits.
 * Blocks on PostgreSQL.
 */
enum result jobs_enqueue(struct scope *s, const char *kind, int64_t ref_id);

#endif
