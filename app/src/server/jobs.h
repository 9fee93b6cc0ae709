/*
 * A job runner process: claims queued background jobs from control.jobs, runs
 * them in steps, and stops between steps on SIGTERM or SIGHUP, handing an
 * unfinished job back to the queue for the next runner.
 */
#ifndef LENDASTACK_SERVER_JOBS_H
#define LENDASTACK_SERVER_JOBS_H

/* Runs jobs until asked to stop; returns the process exit status. */
int jobs_run(void);

#endif
