/*
  patchlog_window.c
    The patch log's part of window patches (window_runs.c owns them): a
    run owned by no connection, opened and ended by the runner's SET
    GLOBAL statements, and the per-connection runs that attribute a
    maintainer connection's statements to it, sharing its id and
    counters (upkeep_run_shared).  The statements themselves are timed
    by patchlog_capture.c like any run's; the records go through its
    queue.

  Locking: as patchlog_capture.c (plog_reg_lock for the list of runs).
*/

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "upkeep.h"
#include "patchlog_int.h"

/* A run with nothing queued yet, not registered (window runs). */
static upkeep_run *run_new(unsigned long thread_id, const char *name,
                           const char *app, upkeep_run_shared *shared,
                           uint64_t gen)
{
  upkeep_run *run= calloc(1, sizeof(*run));

  if (!run)
    return NULL;
  run->thread_id= thread_id;
  run->started_us= upkeep_now_us();
  run->started_mono_us= mono_us();
  run->clock_offset_us= run->started_us - run->started_mono_us;
  snprintf(run->name, sizeof(run->name), "%s", name);
  snprintf(run->app, sizeof(run->app), "%s", app ? app : "");
  run->shared= shared;
  run->shared_gen= gen;
  pthread_mutex_init(&run->lw_lock, NULL);
  return run;
}

upkeep_run *upkeep_run_start_window(const char *name, const char *app,
                                    unsigned long pid, uint64_t window_id,
                                    uint64_t parent_token,
                                    upkeep_run_shared *shared)
{
  upkeep_run *run= run_new(0, name, app, shared,
                           __atomic_load_n(&shared->gen, __ATOMIC_ACQUIRE));
  upkeep_rec *rec;

  if (!run)
    return NULL;
  run->owner= 1;
  run->window_id= window_id;
  run->parent_token= parent_token;
  pthread_mutex_lock(&plog_reg_lock);
  run->token= ++plog_next_token;
  run->next= plog_runs;
  plog_runs= run;
  plog_general_events_on();
  upkeep_patch_stats.runs_started++;
  pthread_mutex_unlock(&plog_reg_lock);
  rec= plog_rec_new(UK_REC_BEGIN, run, "", "", run->name, run->app);
  if (rec)
  {
    rec->r.at_us= run->started_us;
    rec->r.pid= (int64_t) pid;
    rec->window_id= window_id;
    rec->parent_token= parent_token;
  }
  plog_rec_push(rec);
  run->begun= 1;
  return run;
}

upkeep_run *upkeep_run_attach(unsigned long thread_id, uint64_t token,
                              const char *name, upkeep_run_shared *shared,
                              uint64_t gen)
{
  upkeep_run *run= run_new(thread_id, name, NULL, shared, gen);

  if (!run)
    return NULL;
  run->token= token;
  run->begun= 1;
  pthread_mutex_lock(&plog_reg_lock);
  run->next= plog_runs;
  plog_runs= run;
  plog_general_events_on();
  pthread_mutex_unlock(&plog_reg_lock);
  return run;
}

uint64_t upkeep_run_token(const upkeep_run *run)
{
  return run->token;
}

int upkeep_run_busy(const upkeep_run *run)
{
  return run->depth > 0;
}

void upkeep_run_detach(upkeep_run *run)
{
  /* statements under way were counted at their start: not the run's now */
  if (run->depth > 0)
    plog_shared_add(run, &run->shared->statements,
               (uint64_t) -(int64_t) (run->depth < STACK_MAX ? run->depth
                                                             : STACK_MAX));
  upkeep_run_end(run, UK_RUN_ABORTED, 0);   /* only unlinks and frees */
}
