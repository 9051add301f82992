/*
  maintenance_int.h
    Internals shared by the files of maintenance mode:

      maintenance_state.c  the state (memory and the durable state file),
                           init/deinit, SHOW STATUS snapshot, the idle
                           step, and the worker's bootstrap (re-applying
                           the mode after a restart)
      maintenance_jobs.c   SET GLOBAL upkeep_maintenance: the request from
                           the check callback, the enter and exit jobs
      maintenance_drain.c  the drain, its gate (the audit hook's part) and
                           the switch-over
      maintenance_sql.c    the worker's SQL helpers: read_only, the
                           connection's account, upkeep.maintenance_log

  Locking: upkeep_lock protects upkeep_maint and upkeep_stats' non-atomic
  fields; it is never held while SQL runs or while waiting for the worker.
*/

#ifndef UPKEEP_MAINTENANCE_INT_H
#define UPKEEP_MAINTENANCE_INT_H

#include <pthread.h>
#include <stdint.h>

#include "upkeep.h"

/* > InnoDB's 100 ms minimum idle time before INNODB_TRX is refreshed */
#define DRAIN_POLL_MS 110
#define GATE_MARGIN_MS 10000            /* a held statement's extra patience */

/* ---- maintenance_state.c ---- */

/* The state of maintenance mode (upkeep_lock). */
typedef struct
{
  upkeep_phase phase;
  UkMaintState cur;                 /* the window, or the last one */
  int readonly_applied;             /* read_only set for cur (after start) */
  int transition_busy;              /* an enter or exit is under way */
  int state_unreadable;
  int state_missing;                /* no state file at start: check the log */
  char state_error[512];
  char reason_setting[UK_REASON_MAX + 1];
  char drain_last_outcome[16];
} upkeep_maint_state;

extern pthread_mutex_t upkeep_lock;
extern upkeep_maint_state upkeep_maint;

/* upkeep_stats.active, which the audit hook reads without a lock. */
void upkeep_maint_set_active_flag(int on);
/* The window ended: st (saved already) is current, phase off.  Caller
   holds upkeep_lock. */
void upkeep_maint_went_off_locked(const UkMaintState *st);
/* Write st durably; on failure a message into msg (cap bytes), 1. */
int upkeep_maint_state_save(const UkMaintState *st, char *msg, size_t cap);

/* ---- maintenance_sql.c (worker thread) ---- */

extern const char *upkeep_maint_log_ddl;    /* upkeep.maintenance_log */
/* ALTER TABLE adding the newer columns (takeovers, unattributed statements)
   to an older maintenance_log, in the order a new table has them */
extern const char *upkeep_maint_log_upgrade_ddl;

/* The outcome of a drain, for the log and SHOW STATUS. */
typedef struct
{
  UkDrainOutcome outcome;
  int64_t elapsed_ms;
  int waited;                 /* distinct writing transactions seen */
  int terminated;
  char detail[UK_DRAIN_DETAIL_MAX + 1];
} drain_result;

/* The job's error: code and "upkeep: " + the message. */
void upkeep_maint_job_error(upkeep_job *job, unsigned int code,
                            const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));
/* "user@host" of a connection (host without the port), or "". */
void upkeep_maint_account_of(upkeep_sql *sql, unsigned long thread_id,
                             char *out, size_t cap);
/* 0 when @@global.read_only is read into *on. */
int upkeep_maint_read_only_get(upkeep_sql *sql, int *on);
int upkeep_maint_read_only_set(upkeep_sql *sql, int on);
/* engine_restore's read_only into *on; 1 if it does not start with it. */
int upkeep_maint_restore_parse(const char *restore, int *on);
/* Rows of upkeep.maintenance_log (a failure is logged, not returned). */
void upkeep_maint_log_insert(upkeep_sql *sql, const UkMaintState *st,
                             const char *outcome, int ro_before);
void upkeep_maint_log_drain(upkeep_sql *sql, uint64_t window,
                            const drain_result *r);
void upkeep_maint_log_exit(upkeep_sql *sql, uint64_t window, const char *who,
                           int64_t at_us, unsigned long long refused,
                           unsigned long long unattributed);
/* The next window id: above the state file's and every logged one. */
uint64_t upkeep_maint_next_window_id(upkeep_sql *sql, uint64_t state_id);

/* ---- maintenance_drain.c ---- */

/*
  The gate: _close() holds the write statements of every connection but
  self (and the exempt and granted ones the drain adds) until until_ms;
  _open() lets them all go.  Any thread.
*/
void upkeep_gate_close(unsigned long self, int64_t until_ms);
void upkeep_gate_open(void);
/*
  Worker: the drain, then read_only = ON; the caller has closed the gate.
  0 with read_only on and the gate still closed; 1 with read_only as
  before, the gate open and an error in the job.
*/
int upkeep_drain_and_apply(upkeep_sql *sql, upkeep_job *job, int ro_before,
                           drain_result *r);

#endif /* UPKEEP_MAINTENANCE_INT_H */
