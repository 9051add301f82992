/*
  features.h
    The feature table: what the background thread (worker.c) runs for each
    feature of the plugin, so that the worker names none of them.

  A feature plugs in with one entry in upkeep_features[] (features.c),
  made of the public functions it already has (upkeep.h).  The worker
  calls, for each entry in the table's order:

    bootstrap  after each (re)connection of its SQL connection: tables,
               views, state to re-apply.  0 on success; a failure stops
               the bootstrap there and the worker connects again later.
    work       periodic work between jobs, at least every second; returns
               how many ms the worker may sleep before calling it again
               (it sleeps the least any entry asks, at most 1000 ms).
               There is no per-feature wake condition: a feature that
               needs the worker sooner (records queued by the audit hook,
               a deadlock seen) calls upkeep_worker_wake().
    serve_in_long_task
               1: work also runs between the statements of another
               feature's long task (upkeep_worker_serve(), an advise run).
    idle       at most once a second, no SQL (e.g. persist a counter).
    run_job    the jobs that SET statements queue (upkeep_job_run()) go
               to the first entry that has one.
    needs_statement_events
               1 while the feature needs the server's GENERAL audit events
               (patchlog_audit_mask.c asks every entry before it lets the
               server stop building them); any thread, no lock held but
               the patch log's registry lock.

  Any of the functions may be NULL.  The table ends with an entry whose
  name is NULL.  Everything runs on the worker thread.
*/

#ifndef UPKEEP_FEATURES_H
#define UPKEEP_FEATURES_H

#include "upkeep.h"

typedef struct upkeep_feature
{
  const char *name;
  int (*bootstrap)(upkeep_sql *sql);
  long (*work)(upkeep_sql *sql);
  int serve_in_long_task;
  void (*idle)(void);
  void (*run_job)(upkeep_sql *sql, upkeep_job *job);
  int (*needs_statement_events)(void);
} upkeep_feature;

extern const upkeep_feature upkeep_features[];

#endif /* UPKEEP_FEATURES_H */
