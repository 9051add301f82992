/*
  features.h
    How a feature plugs into the background thread (worker.c) without
    the worker, or any other file, naming it.

  A feature declares one entry, in its own file, with UPKEEP_FEATURE():

    UPKEEP_FEATURE(deadlock_feature)=
    { "deadlock", 50, upkeep_deadlock_bootstrap, upkeep_deadlock_work,
      1, NULL, NULL, NULL };

  The entry's address lands in the linker section "upkeep_features"; the
  linker brackets that section with __start_upkeep_features and
  __stop_upkeep_features, and upkeep_features_begin()/_end() walk it.
  Adding a feature means adding its file (and the entry in it): no table
  to edit, no include of every feature anywhere.

  The worker calls, for each entry in the order of its `order` field
  (lowest first; equal orders are not allowed):

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

  Any of the functions may be NULL.  Everything but
  needs_statement_events runs on the worker thread.

  The orders in use: maintenance 10 (it creates the schema the others'
  tables live in), patch log 20 (its work runs first, even after a job
  lost the connection), window 30, ha 40 (after window: the row names its
  runner), deadlock 50, advisor 60.
*/

#ifndef UPKEEP_FEATURES_H
#define UPKEEP_FEATURES_H

#include "upkeep.h"

typedef struct upkeep_feature
{
  const char *name;
  int order;
  int (*bootstrap)(upkeep_sql *sql);
  long (*work)(upkeep_sql *sql);
  int serve_in_long_task;
  void (*idle)(void);
  void (*run_job)(upkeep_sql *sql, upkeep_job *job);
  int (*needs_statement_events)(void);
} upkeep_feature;

/*
  Declares the entry `var` (static) and puts its address in the section.
  Pointers, not the entries themselves, go there: every pointer has the
  same size and alignment, so the section is a plain array of them.
*/
#define UPKEEP_FEATURE(var) \
  static const upkeep_feature var; \
  static const upkeep_feature *const var##_entry \
    __attribute__((used, section("upkeep_features"))) = &var; \
  static const upkeep_feature var

/* Set by the linker around the section (hidden: they are this module's). */
extern const upkeep_feature *const __start_upkeep_features[]
  __attribute__((visibility("hidden")));
extern const upkeep_feature *const __stop_upkeep_features[]
  __attribute__((visibility("hidden")));

static inline const upkeep_feature *const *upkeep_features_begin(void)
{
  return __start_upkeep_features;
}

static inline const upkeep_feature *const *upkeep_features_end(void)
{
  return __stop_upkeep_features;
}

#endif /* UPKEEP_FEATURES_H */
