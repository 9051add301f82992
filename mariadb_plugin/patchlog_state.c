/*
  patchlog_state.c
    The patch log's shared state, and nothing else: the list of runs and
    the record queue with their locks, the writer's run id base and
    retention clock, the counters and the row limit.

  The connection side (patchlog_capture.c), the worker side
  (patchlog_writer.c), the audit mask (patchlog_audit_mask.c) and window
  runs (patchlog_window.c) all use it; it calls none of them, so that the
  patch log's files depend on each other in one direction only.
  upkeep_patchlog_init() (patchlog_capture.c) resets it.

  Locking: plog_reg_lock protects the list of runs and the statistics
  that are not atomic; plog_rec_lock protects the record queue (the rules
  in full: the header of patchlog_capture.c).  The run id base and the
  retention clock belong to the worker thread.
*/

#include <pthread.h>
#include <stdint.h>

#include "upkeep.h"
#include "patchlog_int.h"

long long upkeep_patch_log_max_rows= 100000;
upkeep_patch_counters upkeep_patch_stats;

/* ------------------------------------------------------------ the runs */

pthread_mutex_t plog_reg_lock= PTHREAD_MUTEX_INITIALIZER;
upkeep_run *plog_runs;
uint64_t plog_next_token;         /* plog_reg_lock */

int upkeep_runs_active(void)
{
  int any;

  pthread_mutex_lock(&plog_reg_lock);
  any= plog_runs != NULL;
  pthread_mutex_unlock(&plog_reg_lock);
  return any;
}

/* ------------------------------------------------------------ records */

pthread_mutex_t plog_rec_lock= PTHREAD_MUTEX_INITIALIZER;
upkeep_rec *plog_rec_head, *plog_rec_tail;
long plog_rec_count;
long plog_rec_inflight;    /* taken by the worker, not yet written */

/* ------------------------------------------------------ worker's clocks */

uint64_t plog_run_id_base;        /* set at the first bootstrap */
int plog_base_known;
int64_t plog_last_retention_ms;
long plog_since_retention;
