/*
  patchlog_int.h
    Internals shared by the patch log's files; the rest of the plugin sees
    the patch log through upkeep.h only.

      patchlog_state.c       the shared state below (the runs, the
                             record queue, the writer's clocks); it calls
                             none of the others
      patchlog_capture.c     connection side: the runs, their statements
                             timed from audit events into records on a
                             queue; init and deinit
      patchlog_writer.c      worker side: the tables, writing the records,
                             lock wait sampling, retention
      patchlog_audit_mask.c  the GENERAL audit class on demand
      patchlog_window.c      window runs (window_runs.c's): a run owned
                             by no connection, and each connection's part
                             in it

    Calls go one way: everything -> state; capture, writer and window ->
    audit_mask; window -> capture (the record queue, ending).  The mask's
    fields are defined in patchlog_audit_mask.c; upkeep_patchlog_init()
    resets them and the state.  Locking rules: the header of
    patchlog_capture.c.
*/

#ifndef UPKEEP_PATCHLOG_INT_H
#define UPKEEP_PATCHLOG_INT_H

#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include "uk_patch.h"
#include "upkeep.h"

/* internal to upkeep.so: not exported, no interposition */
#pragma GCC visibility push(hidden)

#define STACK_MAX 32              /* nested statements timed */

/* ---- patchlog_state.c: the runs ---- */

typedef struct
{
  int64_t start_us;               /* monotonic */
  int64_t lw_at_start_us;         /* the run's lock wait clock then */
  uint64_t samples_at_start;
} stmt_frame;

struct upkeep_run
{
  uint64_t token;
  unsigned long thread_id;
  int64_t started_us;             /* Unix time */
  int64_t clock_offset_us;        /* Unix time - monotonic time */
  int64_t started_mono_us;
  char name[UK_PATCH_NAME_MAX + 1];
  char app[UK_PATCH_APP_MAX + 1];
  int begun;                      /* BEGIN queued */
  int skip_status;                /* the STATUS of the SET that started it */
  uint64_t statements;
  uint64_t slow_statements;
  int64_t lock_wait_us;           /* over top-level statements measured */
  int lock_wait_measured;
  int depth;                      /* may exceed STACK_MAX */
  stmt_frame stack[STACK_MAX];
  int64_t last_top_end_us;        /* monotonic; 0 = none yet */
  /* the innermost failure of the current top-level statement */
  int32_t pending_code;
  char *pending_message;
  char *pending_query;

  /* shared with the worker */
  int64_t top_start_us;           /* atomic; monotonic, 0 = no statement */
  uint64_t samples;               /* atomic; lock wait samples taken */
  int lw_ever;                    /* atomic; a wait was ever seen */
  pthread_mutex_t lw_lock;
  int64_t lw_total_us;            /* closed waits */
  int64_t lw_open_start_us;       /* 0 = not waiting at the last sample */
  int64_t lw_stmt_us;             /* top_start_us the fields below are for */
  int64_t lw_last_sample_us;
  int dead;                       /* atomic; the plugin was stopped */
  struct upkeep_run *next;        /* plog_reg_lock */

  /* window runs (window_runs.c); all zero for a session's own run */
  upkeep_run_shared *shared;      /* the window run's counters */
  uint64_t shared_gen;            /* shared->gen they are for */
  int owner;                      /* 1: the window run itself (no
                                     connection); 0: a connection
                                     attributed to it (no BEGIN, no END) */
  uint64_t window_id;             /* owner: for BEGIN */
  uint64_t parent_token;          /* owner: the outer run of a step */
};

extern pthread_mutex_t plog_reg_lock;
extern upkeep_run *plog_runs;          /* plog_reg_lock */
extern uint64_t plog_next_token;       /* plog_reg_lock */

/* Add n to a counter of the window run a connection is attributed to
   (patchlog_window.c), while it is the run the connection attached to. */
static inline void plog_shared_add(const upkeep_run *run, uint64_t *counter,
                                   uint64_t n)
{
  if (__atomic_load_n(&run->shared->gen, __ATOMIC_ACQUIRE) == run->shared_gen)
    __atomic_fetch_add(counter, n, __ATOMIC_RELAXED);
}

/* ---- patchlog_state.c: the record queue (plog_rec_lock) ---- */

typedef struct upkeep_rec
{
  struct upkeep_rec *next;
  UkPatchRec r;                   /* strings point into text[] */
  int32_t stmt_error;             /* STMT: the statement's error, 0 = none */
  uint64_t window_id;             /* BEGIN of a window run, else 0 */
  uint64_t parent_token;          /* BEGIN of a window step, else 0 */
  int shared;                     /* STMT, END of a window run (below) */
  char text[];
} upkeep_rec;

extern pthread_mutex_t plog_rec_lock;
extern upkeep_rec *plog_rec_head, *plog_rec_tail;
extern long plog_rec_count;
extern long plog_rec_inflight;         /* taken by the worker, not written */

/*
  patchlog_capture.c: a record of run with room for the given strings (any may be NULL),
  copied; NULL when out of memory.  _push() queues it (NULL counts as
  dropped) and wakes the worker.
*/
upkeep_rec *plog_rec_new(UkPatchRecKind kind, const upkeep_run *run,
                         const char *s1, const char *s2, const char *s3,
                         const char *s4);
void plog_rec_push(upkeep_rec *rec);

/* Monotonic microseconds (inline: the audit hook's per-statement path). */
static inline int64_t mono_us(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---- patchlog_state.c: the writer's, worker only ---- */

extern uint64_t plog_run_id_base;      /* the base of run ids */
extern int plog_base_known;            /* set at the first bootstrap */
extern int64_t plog_last_retention_ms;
extern long plog_since_retention;

/* ---- patchlog_audit_mask.c ---- */

extern unsigned long *plog_global_audit_mask;
extern const int *plog_global_plugin_version;
extern int plog_other_audit_plugins;   /* plog_reg_lock */
extern int plog_other_audit_version;   /* plog_reg_lock */

/* Set the GENERAL bit of the server's global audit mask. */
void plog_general_events_on(void);
/* Worker: are other audit plugins loaded?  Looked at when plugins change. */
void plog_audit_plugins_check(upkeep_sql *sql);

#pragma GCC visibility pop

#endif /* UPKEEP_PATCHLOG_INT_H */
