/*
  upkeep.h
    Declarations shared by the files of the MariaDB plugin upkeep.so.

  The plugin has these parts:

    upkeep_plugin.c  the plugin declaration: system variables (validated
                     in check callbacks), the audit hook, init and deinit.
                     Nothing else.  upkeep_plugin_checks.c holds the
                     callbacks that only validate or hand on a value,
                     upkeep_plugin_status.c the status variables.
    maintenance_*.c  maintenance mode: its state (memory and durable file),
                     entering with a drain, exiting, re-applying the mode
                     when the server starts.
    worker.c         the one background thread.  It owns the plugin's only
                     SQL connection (MariaDB's SQL service) and runs every
                     statement the plugin needs, one job at a time, from a
                     bounded queue.  It walks the features' entries
                     (features.h) and names no feature.
    worker_queue.c   below the features: the worker's job queue, stop
                     flag, sleep and wake, and the thread's lifetime.
    worker_sql.c     below the features: the statements of the worker's
                     connection (upkeep_sql_*).
    features.h       how a feature plugs in: one entry (bootstrap,
                     periodic work, idle step, jobs) in its own file.
    patchlog_*.c     patch runs: the session's upkeep_patch brackets a
                     run; the audit hook times its statements into records
                     that the worker writes to upkeep.patch_runs and
                     upkeep.slow_statements.
    deadlock_*.c     InnoDB deadlocks: the worker polls InnoDB's deadlock
                     counter (woken at once by a 1213 seen in the audit
                     hook) and stores each deadlock, parsed by libcommon,
                     in upkeep.deadlocks and upkeep.deadlock_participants.
    advisor_*.c      the index advisor: the audit hook counts statement
                     shapes while upkeep_advise_capture is ON; the worker
                     turns them into upkeep.index_advice on request; the
                     index hygiene views.
    ha_*.c           the window across a failover: the row
                     upkeep.window_state, the only write of the plugin
                     with binary logging on; a replica mirrors it, a
                     promoted replica takes the window over
                     (maintenance_takeover.c).
    udf.c            the read-only UDF upkeep_status() (JSON).
    definers.c       what would write through read_only with a definer's
                     privileges: the event scheduler is stopped for the
                     window, definer procedures are refused or reported
                     when entering.
    util.c           time and error-log helpers.

  Threads and locks.  Connection threads run the check callbacks, the audit
  hook and the UDF; the worker runs all SQL.  upkeep_lock (maintenance_state.c)
  protects the maintenance state; the worker's queue has its own mutex.
  Neither is ever held while SQL runs or while waiting for the worker.  The
  audit hook of a connection outside any patch run takes no lock: it
  reads one atomic flag, increments one atomic counter, and reads one
  session variable; patchlog_int.h describes the patch log's own locks.

  SQL is never run inside a system variable's update callback (which holds
  the server's global variables lock: SET GLOBAL read_only from there
  deadlocks the server) nor inside the audit hook.
*/

#ifndef UPKEEP_H
#define UPKEEP_H

#include <stdint.h>
#include <mysql/plugin.h>

#include "uk_account.h"
#include "uk_error.h"
#include "uk_patch.h"
#include "uk_state.h"
#include "uk_validate.h"
#include "uk_winlog.h"

/* my_sys.h's flag wrapper, which the public plugin headers lack */
#ifndef MYF
#define MYF(v) ((unsigned long) (v))
#endif

#define UPKEEP_SONAME "upkeep.so"
/*
  Relative to the data directory, which is mariadbd's working directory.
  Not in a subdirectory: every directory there is a database to MariaDB
  (and "upkeep/" is the plugin's schema, whose DROP DATABASE a foreign file
  would break).
*/
#define UPKEEP_STATE_FILE "upkeep_maintenance.state"

/* How long a SET statement waits for the worker beyond the drain timeout. */
#define UPKEEP_WAIT_MARGIN_SEC 60

/*
  Settings, defined in maintenance_jobs.c, which reads them; system
  variables of upkeep_plugin.c (plain reads; the server writes them).
*/
extern long long upkeep_expected_duration;    /* seconds, 0 = unknown */
extern long long upkeep_drain_timeout;        /* seconds */
extern unsigned long upkeep_drain_action;     /* 0 = fail, 1 = kill */

/* The phase of maintenance mode. */
typedef enum
{
  UPKEEP_OFF= 0,
  UPKEEP_DRAINING,      /* entering: waiting for writers */
  UPKEEP_ACTIVE         /* on (read_only is on, or about to be re-applied) */
} upkeep_phase;

/* Counters and flags the audit hook and SHOW STATUS read without a lock. */
typedef struct
{
  int active;                       /* read_only applied by upkeep */
  unsigned long long refused_writes;/* error 1290 seen in this window */
  unsigned long long windows;       /* windows entered since start */
  long long drain_last_ms;          /* -1: no drain since start */
  int worker_ready;                 /* connected, schema and UDF in place */
} upkeep_counters;

extern upkeep_counters upkeep_stats;

/* ---- maintenance_*.c (maintenance_int.h says which) ---- */

/* Reset the state, read the state file (plugin init).  0 or 1 (failed). */
int upkeep_maintenance_init(void);
/* Keep the refused-writes count in the state file (plugin deinit). */
void upkeep_maintenance_deinit(void);

/*
  SET GLOBAL upkeep_maintenance = ON / OFF, from the variable's check
  callback.  reason is the current upkeep_maintenance_reason.  Returns 0
  when the mode is now as asked (or nothing needed doing), 1 after
  reporting an error to the statement with my_printf_error().
*/
int upkeep_maintenance_request(MYSQL_THD thd, int on, const char *reason);

/* The value upkeep_maintenance must show. */
int upkeep_maintenance_is_on(void);
extern my_bool upkeep_maintenance_shown;  /* @@upkeep_maintenance */

/*
  Audit hook, LOG event of connection id: while a drain runs, holds a
  statement that may write until the connection may write or the drain
  ends (see maintenance_drain.c).  Cheap when no drain runs.
*/
void upkeep_drain_gate(MYSQL_THD thd, unsigned long id, const char *query,
                       size_t len);

/* The current maintenance reason setting (copied by the update callback). */
void upkeep_set_reason_setting(const char *reason);

/*
  A snapshot of the state for upkeep_status() and SHOW STATUS.  phase is
  "off", "draining", "active" or "starting" (active, read_only not yet
  re-applied after a restart).
*/
typedef struct
{
  const char *phase;
  UkMaintState st;
  unsigned long long windows;
  long long drain_last_ms;          /* -1: none since start */
  char drain_last_outcome[16];
  char state_file_error[512];
} upkeep_snapshot;
void upkeep_maintenance_snapshot(upkeep_snapshot *out);

/* ---- udf.c ---- */

/* Set while the plugin is initialized (the UDF may outlive it). */
extern int upkeep_plugin_running;

/*
  ---- the background thread and its connection: worker.c (start),
  worker_queue.c (jobs, stop, gone, sleep, wake), worker_sql.c (SQL) ----
*/

typedef struct upkeep_sql upkeep_sql;   /* the worker's connection */

/*
  upkeep_worker_gone() waits (at most a few seconds) until the worker of
  an earlier instance of the plugin has finished its teardown; 1 if it
  has not.  upkeep_worker_stop() stops the worker, then runs teardown
  (may be NULL); when the server calls it from the worker thread itself,
  the worker runs teardown as it exits instead.
*/
int upkeep_worker_gone(void);
int upkeep_worker_start(void);
void upkeep_worker_stop(void (*teardown)(void));

/* A job for the worker.  Created and released with the functions below. */
typedef enum
{
  UPKEEP_JOB_ENTER, UPKEEP_JOB_EXIT,
  UPKEEP_JOB_WINDOW_REFRESH,        /* re-read the maintainer accounts */
  UPKEEP_JOB_WINDOW_ACCOUNT         /* register job->account */
} upkeep_job_type;

typedef struct upkeep_job
{
  upkeep_job_type type;
  /* input */
  unsigned long thread_id;          /* the connection that asked */
  char reason[UK_REASON_MAX + 1];
  int64_t expected_us;
  int64_t drain_timeout_us;
  UkDrainAction action;
  UkAccount account;                /* UPKEEP_JOB_WINDOW_ACCOUNT */
  /* output, written by the worker before it marks the job done */
  unsigned int error_code;          /* 0 = success */
  int is_note;                      /* message is a note, not an error */
  char message[1024];
  char warning[1024];               /* a warning for a job that succeeded */
  /* bookkeeping: worker.c only */
  int done;
  int abandoned;                    /* the waiter gave up (KILL, timeout) */
  int refs;
  struct upkeep_job *next;
} upkeep_job;

upkeep_job *upkeep_job_new(upkeep_job_type type);
/*
  Queue job and wait for it, at most wait_sec seconds, or until thd is
  killed.  Returns 0 when the job ran (its result is in the job), 1 after
  reporting an error to the statement.  The caller releases the job.
*/
int upkeep_job_run(MYSQL_THD thd, upkeep_job *job, long long wait_sec);
void upkeep_job_release(upkeep_job *job);
/* For the worker: has the waiter gone? */
int upkeep_job_abandoned(upkeep_job *job);

/* worker_sql.c: for the features, on the worker thread only. */
int upkeep_sql_exec(upkeep_sql *sql, const char *fmt, ...)
  __attribute__((format(printf, 2, 3)));
/* First column of the first row into out ("" and 1 if none); 0 on success. */
int upkeep_sql_value(upkeep_sql *sql, char *out, size_t cap,
                     const char *fmt, ...)
  __attribute__((format(printf, 4, 5)));
/*
  Run a query and call row() for each row (columns as NUL-terminated
  strings, NULL for SQL NULL).  0 on success.
*/
typedef void (*upkeep_row_fn)(void *arg, unsigned int ncols, char **cols);
int upkeep_sql_rows(upkeep_sql *sql, upkeep_row_fn row, void *arg,
                    const char *fmt, ...)
  __attribute__((format(printf, 4, 5)));
/* The last error of the connection, "errno: message". */
const char *upkeep_sql_error(upkeep_sql *sql);
unsigned int upkeep_sql_errno(upkeep_sql *sql);
/* Run stmt, keeping the error of the caller's failure (clean-up paths). */
void upkeep_sql_cleanup(upkeep_sql *sql, const char *stmt);
/* s as a quoted SQL string literal (or NULL), in a buffer valid until the
   next call with the same slot (0..3). */
const char *upkeep_sql_quote(upkeep_sql *sql, int slot, const char *s);
/* Should the worker stop (plugin deinit)? */
int upkeep_worker_stopping(void);
/* Sleep ms on the worker, waking early when the plugin stops. */
void upkeep_worker_sleep_ms(long ms);

/* ---- maintenance_*.c, called by the worker (its feature entry) ---- */

/* After each (re)connection: schema, table, UDF, re-apply the mode. */
int upkeep_maintenance_bootstrap(upkeep_sql *sql);
void upkeep_maintenance_run_job(upkeep_sql *sql, upkeep_job *job);
/* Persist the refused-writes counter if it changed (worker idle, deinit). */
void upkeep_maintenance_idle(void);

/*
  ---- ha_*.c: the window travels in the binary log (ha_int.h says which);
  maintenance_takeover.c: a promoted replica takes the window over ----
*/

#define UPKEEP_STANDBY_FILE "upkeep_standby.state"

/* Worker (maintenance_jobs.c): the window changed; replicas get it. */
void upkeep_ha_publish(upkeep_sql *sql);
/* Worker (its feature entry): the table, the standby file; the poll. */
int upkeep_ha_bootstrap(upkeep_sql *sql);
long upkeep_ha_work(upkeep_sql *sql);
/*
  The window this replica mirrors from its primary: 1 and the window in
  *st, the primary's server_id in *origin; 0 when none is active.  Any
  thread (its own lock).
*/
int upkeep_ha_standby(UkMaintState *st, unsigned long *origin);
/*
  Worker: make win (a mirrored window) this server's own window: read_only
  on, the state file, the log row 'takeover' (maintenance_takeover.c).
  in_job: called from the enter job, which holds transition_busy.
  0, or 1 with the reason in msg.
*/
int upkeep_maintenance_take_over(upkeep_sql *sql, const UkMaintState *win,
                                 unsigned long origin, int in_job,
                                 char *msg, size_t cap);
/*
  Worker: this server's own window (window_id, begun at started_at_us:
  ids are per server, so both name it) was taken over by server_id to,
  which it now replicates from: end it here, leaving read_only ON
  (maintenance_takeover.c).  0, or 1 when nothing was done.
*/
int upkeep_maintenance_hand_over(upkeep_sql *sql, uint64_t window_id,
                                 int64_t started_at_us, unsigned long to);
/*
  Worker, the enter job (SET GLOBAL upkeep_maintenance = ON) while this
  server shows a replicated window: take it over now (a note in the job),
  or an error in the job when this server still replicates.
*/
void upkeep_ha_take_over_job(upkeep_sql *sql, upkeep_job *job);

/* ---- definers.c: definer procedures and events (worker thread) ---- */

#define UPKEEP_DEFINERS_REFUSE 0
#define UPKEEP_DEFINERS_REPORT 1
#define UPKEEP_DEFINERS_IGNORE 2
extern unsigned long upkeep_definer_routines;   /* the setting */
extern unsigned long long upkeep_definer_routines_found; /* last ON (atomic) */

/*
  Entering: procedures with SQL SECURITY DEFINER whose definer holds
  READ_ONLY ADMIN.  0: go on (with upkeep_definer_routines = report, a
  warning naming them in job->warning); 1: do not enter, the error is in
  the job.
*/
int upkeep_definers_check(upkeep_sql *sql, upkeep_job *job);
/* @@global.event_scheduler as ON, OFF or DISABLED.  0 on success. */
int upkeep_events_get(upkeep_sql *sql, char *out, size_t cap);
/* The event_scheduler value recorded in engine_restore ("" if none). */
void upkeep_restore_events(const char *restore, char *out, size_t cap);
/* Scheduler off if before is "ON".  0 on success. */
int upkeep_events_off(upkeep_sql *sql, const char *before);
/* Scheduler back ON if engine_restore says it was ON.  0 on success. */
int upkeep_events_restore(upkeep_sql *sql, const char *restore);
/*
  After the scheduler stopped: wait until deadline_ms for event executions
  still running, then fail (1, error in the job) or kill them (0) as
  job->action says.  detail: for the log, "" if nothing happened.
*/
int upkeep_events_wait(upkeep_sql *sql, upkeep_job *job, int64_t deadline_ms,
                       char *detail, size_t cap);

/* ---- patchlog_*.c: patch runs and slow statements ---- */

struct mysql_event_general;

extern long long upkeep_slow_statement_ms;    /* -1 off, 0 every statement */
extern long long upkeep_patch_log_max_rows;   /* per table */
extern my_bool upkeep_audit_on_demand;

typedef struct
{
  unsigned long long runs_started;    /* reg_lock */
  unsigned long long records_written; /* atomic */
  unsigned long long records_dropped; /* atomic */
  unsigned long long lock_wait_samples; /* atomic; statements sampled */
} upkeep_patch_counters;
extern upkeep_patch_counters upkeep_patch_stats;

typedef struct upkeep_run upkeep_run;   /* a connection's active run */

/*
  The counters of a window run (window_runs.c), which the connections
  attributed to it add to: static storage, never freed; gen says which
  run they are for (an attributed connection adds only while it is the
  gen it attached with).  All atomic.
*/
typedef struct
{
  uint64_t gen;
  uint64_t statements;
  uint64_t slow_statements;
  int64_t lock_wait_us;
  int lock_wait_measured;
} upkeep_run_shared;

/* GLOBAL upkeep_window_slow_ms: -1 = upkeep_slow_statement_ms */
extern long long upkeep_window_slow_ms;

int upkeep_patchlog_init(void);
void upkeep_patchlog_deinit(void);

/*
  Connection thread.  upkeep_run_start() registers a run of this
  connection (NULL when out of memory); the caller keeps the pointer and
  gives it back to upkeep_run_general() for each GENERAL event and to
  upkeep_run_end(), which queues END and frees it (unlinked: the caller
  already removed it from the registry; only patchlog_capture.c does).
*/
upkeep_run *upkeep_run_start(MYSQL_THD thd, unsigned long thread_id,
                             const char *name, const char *app);
void upkeep_run_general(MYSQL_THD thd, upkeep_run *run,
                        const struct mysql_event_general *ev);
void upkeep_run_end(upkeep_run *run, UkRunStatus status, int unlinked);
const char *upkeep_run_name(const upkeep_run *run);
/*
  Window runs (window_runs.c).  _start_window() registers a run owned by
  no connection (thread id 0) and queues its BEGIN at once (pid: the
  connection that opened it; parent_token: the outer run of a step, or
  0); its END (upkeep_run_end()) carries shared's counters.
  _attach() registers the run a connection uses while it is attributed
  to the window run token: its statements are timed and recorded like a
  session run's, counted in shared; it queues no BEGIN or END, and
  upkeep_run_end() of it only unlinks and frees it.
*/
upkeep_run *upkeep_run_start_window(const char *name, const char *app,
                                    unsigned long pid, uint64_t window_id,
                                    uint64_t parent_token,
                                    upkeep_run_shared *shared);
upkeep_run *upkeep_run_attach(unsigned long thread_id, uint64_t token,
                              const char *name, upkeep_run_shared *shared,
                              uint64_t gen);
uint64_t upkeep_run_token(const upkeep_run *run);
/* upkeep_run_end() with the message the runner gave (window runs). */
void upkeep_run_end_window(upkeep_run *run, UkRunStatus status, int unlinked,
                           const char *message);
/* A connection's part in a window run goes (statements under way are
   not the window run's). */
void upkeep_run_detach(upkeep_run *run);
/* 1 while a statement of the run's connection is under way. */
int upkeep_run_busy(const upkeep_run *run);
/* The run id of a token (0 until the worker knows the base). */
uint64_t upkeep_run_id_of(uint64_t token);
/* The plugin was stopped since the run started: forget it. */
int upkeep_run_dead(const upkeep_run *run);
/* The connection ended or was reset: its run, if any, is aborted. */
void upkeep_run_connection_gone(unsigned long thread_id);
int upkeep_runs_active(void);
/* Records not yet written (queued, or being written). */
long upkeep_patch_records_queued(void);

/*
  The GENERAL bit of the server's audit mask (see patchlog_audit_mask.c):
  _need() sets it now (any thread, cheap); _refresh() clears it when
  nothing needs it (worker).  _enabled(): 1, 0, or -1 when the server does not
  export the mask.
*/
void upkeep_audit_mask_need(void);
void upkeep_audit_mask_refresh(void);
int upkeep_audit_general_enabled(void);

/* Worker: tables, base of run ids, runs left by a previous life. */
int upkeep_patchlog_bootstrap(upkeep_sql *sql);
/* Worker: write records, sample lock waits, retention.  Returns how many
   ms the worker may sleep before calling it again. */
long upkeep_patchlog_work(upkeep_sql *sql);
/* worker_queue.c: wake the worker (records are waiting). */
void upkeep_worker_wake(void);
/*
  Worker: the patch connection thread_id was running at some moment
  between from_us and to_us (monotonic microseconds): an active run
  started by to_us, or one of the last runs that ended, if it ended at or
  after from_us.  1 and its name in out, or 0 ("" in out).
*/
int upkeep_patch_at(unsigned long thread_id, int64_t from_us, int64_t to_us,
                    char *out, size_t cap);

/* ---- window_*.c: window patches (window_int.h says which) ---- */

/*
  The window's attribution generation: 0 while no window is active (the
  audit hook then does nothing for windows), otherwise a number that
  changes whenever what a connection is attributed to may change (a
  window run begins or ends, the maintainer accounts or the runner
  connections change).  Read by the audit hook without a lock.
*/
extern uint64_t upkeep_window_gen;
static inline uint64_t upkeep_window_generation(void)
{
  return __atomic_load_n(&upkeep_window_gen, __ATOMIC_ACQUIRE);
}

/* A connection's window state: its hidden session variables. */
#define UPKEEP_WCONN_COUNT 1        /* a maintainer with no window run open */
#define UPKEEP_WCONN_ATTR_OFF 2     /* decided with attribution off */
typedef struct
{
  unsigned long long *gen;          /* the generation decided for */
  unsigned long long *run;          /* its part in a window run, or 0 */
  unsigned long long *flags;        /* UPKEEP_WCONN_* */
  int attribution;                  /* upkeep_window_attribution */
} upkeep_window_conn;

int upkeep_window_init(void);
void upkeep_window_deinit(void);
/*
  Audit hook, GENERAL event of a connection outside any run of its own,
  while gen (upkeep_window_generation()) is not 0 or the connection still
  has a part in a window run: attribute the statement to the innermost
  open window run, or count it as unattributed.
*/
void upkeep_window_general(MYSQL_THD thd, const struct mysql_event_general *ev,
                           uint64_t gen, upkeep_window_conn *c);
/* The connection's part in a window run goes (it starts a patch of its
   own, or changes user). */
void upkeep_window_forget(upkeep_window_conn *c);

/* For upkeep_status() and SHOW STATUS. */
typedef struct
{
  uint64_t window_id;               /* 0: no window active */
  char patch[UK_PATCH_NAME_MAX + 1];  /* innermost open window run, or "" */
  uint64_t run_id;                  /* its run id, 0 if none (or unknown) */
  unsigned long long unattributed;  /* statements of this (or the last)
                                       window not attributed */
} upkeep_window_snap;
void upkeep_window_snapshot(upkeep_window_snap *out);
unsigned long long upkeep_window_unattributed(void);
extern unsigned long long upkeep_window_accounts_dropped;   /* atomic */

/* Worker (maintenance_jobs.c): the window began / ended. */
void upkeep_window_entered(upkeep_sql *sql, uint64_t window_id,
                           unsigned long entered_by);
void upkeep_window_exited(upkeep_sql *sql);
void upkeep_window_run_job(upkeep_sql *sql, upkeep_job *job);
/* Worker (its feature entry): the accounts table, accounts left over; the
   window after a restart, the maintainer accounts now and then. */
int upkeep_window_bootstrap(upkeep_sql *sql);
long upkeep_window_work(upkeep_sql *sql);

/* ---- deadlock_*.c: InnoDB deadlocks ---- */

extern long long upkeep_deadlock_poll_ms;
extern long long upkeep_deadlock_log_max_rows;

typedef struct
{
  unsigned long long captured;      /* rows written (atomic) */
  unsigned long long reports_lost;  /* of those, 'lost' (atomic) */
  unsigned long long polls;         /* counter reads (atomic) */
  unsigned long long victim_events; /* 1213 seen by the audit hook */
} upkeep_deadlock_counters;
extern upkeep_deadlock_counters upkeep_deadlock_stats;

int upkeep_deadlock_init(void);
/*
  Audit hook: the statement of thread_id ended with ER_LOCK_DEADLOCK;
  patch is its run's name, or NULL.  Wakes the worker.
*/
void upkeep_deadlock_victim(unsigned long thread_id, const char *patch);
/* Worker: tables and view; the counter's starting point. */
int upkeep_deadlock_bootstrap(upkeep_sql *sql);
/* Worker: poll, capture, retention.  Returns the ms until the next poll. */
long upkeep_deadlock_work(upkeep_sql *sql);

/* ---- advisor_*.c: the index advisor ---- */

extern my_bool upkeep_advise_capture;       /* the setting */
extern my_bool upkeep_advise_value;         /* upkeep_advise: ON while a run
                                               is asked for or running */
extern long long upkeep_advise_max_statements;
extern double upkeep_advise_min_improvement_pct;
extern long long upkeep_advise_max_indexes;

typedef struct
{
  unsigned long long statements;    /* shapes held (written under a lock) */
  unsigned long long dropped;       /* new shapes not kept: full (atomic) */
  unsigned long long captured;      /* executions counted (atomic) */
  unsigned long long runs;          /* advise runs done (atomic) */
  long long last_run_ms;            /* -1: none yet */
  unsigned long long last_parsed;
  unsigned long long last_skipped;
  unsigned long long last_advised;
} upkeep_advise_counters;
extern upkeep_advise_counters upkeep_advise_stats;

int upkeep_advisor_init(void);
void upkeep_advisor_deinit(void);
/* Update callback of upkeep_advise_capture: ON (from OFF) starts afresh. */
void upkeep_advise_capture_set(int on);
int upkeep_advise_capture_on(void);
/*
  Audit hook, at a statement's STATUS event while capture is on;
  duration_us is the time since its LOG event (0 if unknown).
*/
void upkeep_advise_statement(const struct mysql_event_general *ev,
                             int64_t duration_us);
/* Ask the worker for an advise run: 0, or 1 when one is already under way. */
int upkeep_advise_request(void);
int upkeep_advise_busy(void);
/* Worker: tables and views. */
int upkeep_advisor_bootstrap(upkeep_sql *sql);
/* Worker: a run when asked.  Returns the ms it may sleep. */
long upkeep_advisor_work(upkeep_sql *sql);
/* worker.c: jobs, patch log and deadlock poll served during a long task */
void upkeep_worker_serve(upkeep_sql *sql);
/* worker_sql.c: ROLLBACK that keeps the error which caused it */
void upkeep_sql_rollback(upkeep_sql *sql);

/* ---- util.c: shared helpers ---- */

int64_t upkeep_now_us(void);
int64_t upkeep_monotonic_ms(void);
int64_t upkeep_monotonic_us(void);
/* Unix microseconds as "2026-11-21T20:58:50Z" (UTC). */
void upkeep_format_utc(int64_t unix_us, char *buf, size_t cap);
/* Write a message to the server's error log ("upkeep: ..."). */
void upkeep_log(int level, const char *fmt, ...)
  __attribute__((format(printf, 2, 3)));
#define UPKEEP_LOG_ERROR 0
#define UPKEEP_LOG_WARNING 1
#define UPKEEP_LOG_INFO 2

#endif /* UPKEEP_H */
