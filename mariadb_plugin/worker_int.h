/*
  worker_int.h
    Internals shared by the files of the background thread: worker.c (the
    thread and its loop), worker_queue.c (its lock, stop flag and job
    queue) and worker_sql.c (its SQL connection).  Features do not include
    it: what they call is in upkeep.h.

  Layering: worker_queue.c and worker_sql.c are below the features (which
  call them).  worker.c calls the features only through their entries
  (features.h), found in a linker section, never by name; a feature may
  call upkeep_worker_serve() in it.
*/

#ifndef UPKEEP_WORKER_INT_H
#define UPKEEP_WORKER_INT_H

#include <pthread.h>

#include "upkeep.h"

/* The worker's connection (worker_sql.c runs its statements; worker.c
   connects and disconnects it). */

struct upkeep_sql
{
  MYSQL *mysql;
  char error[640];
  unsigned int err_no;
  unsigned long queries;          /* run on this connection */
  char *quoted[4];
  size_t quoted_cap[4];
};

/* ---- worker_queue.c, for worker.c ---- */

/*
  Take the next job, or NULL when stopping.  Waits at most wait_ms, less
  when upkeep_worker_wake() is called.
*/
upkeep_job *upkeep_queue_take(long wait_ms);
/* Mark job done, wake its waiter, drop the queue's reference. */
void upkeep_job_finish(upkeep_job *job);
/* Fail every queued job (the plugin is stopping). */
void upkeep_queue_drain_on_stop(void);

/*
  The thread's lifetime, for upkeep_worker_start(): _begin() resets the
  queue and marks a worker alive (1, logged, if the previous one still
  runs); _began() records the created thread, or, when rc (pthread_create's
  result) is not 0, logs it and marks the worker gone again (then 1).
*/
int upkeep_worker_begin(void);
int upkeep_worker_began(pthread_t thread, int rc);
/*
  For the thread on its way out: the teardown a deinit that ran in the
  worker thread left to it (NULL if none), then _exited() marks the
  thread finished (upkeep_worker_gone() waits for that).
*/
typedef void (*upkeep_teardown_fn)(void);
upkeep_teardown_fn upkeep_worker_exit_teardown(void);
void upkeep_worker_exited(void);

#endif /* UPKEEP_WORKER_INT_H */
