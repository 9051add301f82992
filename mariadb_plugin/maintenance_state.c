/*
  maintenance_state.c
    Maintenance mode on MariaDB: the server read-only for every account but
    the maintainers, entered after a drain of in-flight writers, durable
    across restarts and crashes.  This file holds its state (in memory and
    in the durable state file), plugin init/deinit, the snapshot SHOW
    STATUS and upkeep_status() read, the worker's idle step and its
    bootstrap (re-applying the mode after a restart).  The request and the
    enter/exit jobs are in maintenance_jobs.c, the drain and its gate in
    maintenance_drain.c, the worker's SQL helpers in maintenance_sql.c
    (maintenance_int.h lists them).

  MariaDB's audit API cannot refuse a statement, so upkeep drives the
  server's own read_only: accounts without READ_ONLY ADMIN get error 1290
  (ER_OPTION_PREVENTS_STATEMENT) on every write, and maintainers (accounts
  with READ_ONLY ADMIN) keep writing.

  Entering (SET GLOBAL upkeep_maintenance = ON).  The variable's check
  callback calls upkeep_maintenance_request(), which validates the settings
  and hands an "enter" job to the worker (worker_queue.c), then waits for it.
  The worker:
    1. remembers @@global.read_only,
    2. writes the state file (<datadir>/upkeep_maintenance.state), active,
       with "read_only=<before>" in
       engine_restore (libcommon's uk_state: atomic, fsync'd, checksummed),
       and a row in upkeep.maintenance_log (drain_outcome 'running'),
    3. drains: closes the gate (new write statements of other
       connections are held, see "the drain's gate" in
       maintenance_drain.c), then polls information_schema.INNODB_TRX for open transactions that have
       modified rows of base tables, other than the entering connection's,
       upkeep's own (thread id 0), and those of accounts that hold
       READ_ONLY ADMIN (they may commit during maintenance), until none
       sits idle or upkeep_drain_timeout passes,
    4. switches over (switch_over() in maintenance_drain.c): under FLUSH
       TABLES WITH READ LOCK, a fresh look at INNODB_TRX; read_only = ON only if no such
       transaction is open, else the lock goes and the drain goes on,
    5. at the timeout, with upkeep_drain_action = fail: read_only as it was,
       the state file inactive, and an error to the SET statement naming
       the blocking thread ids; with kill: KILL CONNECTION each (their
       transactions roll back), then the switch-over, killing under its
       lock what is still open.
  InnoDB refreshes what INNODB_TRX shows only when nobody read it during
  the last 100 ms, so the drain polls every 110 ms (a faster poll would
  keep reading the same stale copy), and waits as long before each check
  that must see fresh data.

  Exiting (OFF) sets read_only back to the value saved in the state file,
  writes the state file inactive and completes the log row.  Nothing else
  of the server's configuration is touched, ever.

  Restart.  upkeep_maintenance_init() (plugin init) reads the state file;
  when it says active, the worker sets read_only = ON as soon as the server
  accepts its local connection.  Until then (the server's last steps of
  startup) writes are not refused.  An unreadable state file (damaged, or
  not a regular file) fails safe: the server comes up in maintenance, and
  the read_only to restore on exit is the one the server started with.  So
  does a missing state file while upkeep.maintenance_log shows its newest
  window still open (checked at the worker's first connection, the table
  being InnoDB's).

  Locking: upkeep_lock protects upkeep_maint (below) and upkeep_stats'
  non-atomic fields; it is never held while SQL runs or while waiting for
  the worker.  upkeep_stats.active and refused_writes are atomics (the
  audit hook reads them without a lock).
*/

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysql/plugin.h>

#include "uk_file.h"
#include "maintenance_int.h"

pthread_mutex_t upkeep_lock= PTHREAD_MUTEX_INITIALIZER;
upkeep_maint_state upkeep_maint;

/* ------------------------------------------------------------ counters */

/*
  The storage of the system variable upkeep_maintenance (upkeep_plugin.c):
  also set where the mode begins outside a SET, so that
  @@upkeep_maintenance shows ON when the plugin fails safe.
*/
my_bool upkeep_maintenance_shown= 0;

void upkeep_maint_set_active_flag(int on)
{
  __atomic_store_n(&upkeep_stats.active, on, __ATOMIC_RELEASE);
}

/*
  The window ended (exit, or handed over to another server): st, already
  in the state file, becomes the current state, phase off.  Caller holds
  upkeep_lock.
*/
void upkeep_maint_went_off_locked(const UkMaintState *st)
{
  upkeep_maint.phase= UPKEEP_OFF;
  upkeep_maint.cur= *st;
  upkeep_maint.state_unreadable= 0;
  upkeep_maint.state_error[0]= '\0';
  upkeep_maint.readonly_applied= 0;
  upkeep_maint_set_active_flag(0);
  upkeep_maintenance_shown= 0;        /* also when no SET ended it */
}

int upkeep_maintenance_is_on(void)
{
  int on;
  pthread_mutex_lock(&upkeep_lock);
  on= upkeep_maint.phase != UPKEEP_OFF;
  pthread_mutex_unlock(&upkeep_lock);
  return on;
}

void upkeep_set_reason_setting(const char *reason)
{
  pthread_mutex_lock(&upkeep_lock);
  snprintf(upkeep_maint.reason_setting, sizeof(upkeep_maint.reason_setting),
           "%s", reason ? reason : "");
  pthread_mutex_unlock(&upkeep_lock);
}

void upkeep_maintenance_snapshot(upkeep_snapshot *out)
{
  memset(out, 0, sizeof(*out));
  pthread_mutex_lock(&upkeep_lock);
  out->st= upkeep_maint.cur;
  switch (upkeep_maint.phase)
  {
  case UPKEEP_OFF:
    out->phase= "off";
    break;
  case UPKEEP_DRAINING:
    out->phase= "draining";
    break;
  case UPKEEP_ACTIVE:
    out->phase= upkeep_maint.readonly_applied ? "active" : "starting";
    break;
  }
  out->windows= upkeep_stats.windows;
  out->drain_last_ms= upkeep_stats.drain_last_ms;
  snprintf(out->drain_last_outcome, sizeof(out->drain_last_outcome), "%s",
           upkeep_maint.drain_last_outcome);
  if (upkeep_maint.state_unreadable)
    snprintf(out->state_file_error, sizeof(out->state_file_error), "%s",
             upkeep_maint.state_error);
  pthread_mutex_unlock(&upkeep_lock);
  out->st.refused_writes=
    __atomic_load_n(&upkeep_stats.refused_writes, __ATOMIC_RELAXED);
}

/* ----------------------------------------------------------- state file */

/* Write st durably; on failure a message into msg (cap bytes), 1. */
int upkeep_maint_state_save(const UkMaintState *st, char *msg, size_t cap)
{
  UkError *err= NULL;

  if (uk_state_write(UPKEEP_STATE_FILE, st, &err) != UK_OK)
  {
    snprintf(msg, cap, "could not write the state file %s in the data "
             "directory: %s", UPKEEP_STATE_FILE,
             err ? err->message : "unknown error");
    uk_error_free(err);
    return 1;
  }
  return 0;
}

int upkeep_maintenance_init(void)
{
  UkError *err= NULL;
  UkStatus rc;

  pthread_mutex_lock(&upkeep_lock);
  upkeep_maint.phase= UPKEEP_OFF;
  upkeep_maint.readonly_applied= 0;
  upkeep_maint.transition_busy= 0;
  upkeep_maint.state_unreadable= 0;
  upkeep_maint.state_error[0]= '\0';
  upkeep_maint.drain_last_outcome[0]= '\0';
  uk_state_init(&upkeep_maint.cur);
  upkeep_stats.windows= 0;
  upkeep_stats.drain_last_ms= -1;
  upkeep_stats.worker_ready= 0;
  __atomic_store_n(&upkeep_stats.refused_writes, 0, __ATOMIC_RELAXED);
  upkeep_maint_set_active_flag(0);

  upkeep_maint.state_missing= 0;
  rc= uk_state_read(UPKEEP_STATE_FILE, &upkeep_maint.cur, &err);
  if (rc == UK_ERR_NOT_FOUND)
  {
    uk_state_init(&upkeep_maint.cur);
    upkeep_maint.state_missing= 1;  /* upkeep_maintenance_bootstrap() checks
                                       the log */
  }
  else if (rc != UK_OK)
  {
    /* fail safe: in maintenance until a DBA ends it */
    upkeep_maint.state_unreadable= 1;
    snprintf(upkeep_maint.state_error, sizeof(upkeep_maint.state_error), "%s",
             err ? err->message : "unknown error");
    uk_state_init(&upkeep_maint.cur);
    upkeep_maint.cur.active= true;
    upkeep_maint.cur.window_id= 0;  /* the worker picks a fresh id */
    upkeep_maint.cur.started_at_us= upkeep_now_us();
    snprintf(upkeep_maint.cur.reason, sizeof(upkeep_maint.cur.reason),
             "the upkeep state file is unreadable (%s); read-only for safety "
             "until a DBA sets upkeep_maintenance = OFF",
             upkeep_maint.state_error);
    upkeep_log(UPKEEP_LOG_ERROR,
               "could not read the state file %s: %s; the server stays in "
               "maintenance mode (read-only) for safety; check the file, then "
               "SET GLOBAL upkeep_maintenance = OFF", UPKEEP_STATE_FILE,
               upkeep_maint.state_error);
  }
  uk_error_free(err);

  if (upkeep_maint.cur.active)
  {
    upkeep_maint.phase= UPKEEP_ACTIVE;
    __atomic_store_n(&upkeep_stats.refused_writes,
                     upkeep_maint.cur.refused_writes,
                     __ATOMIC_RELAXED);
    if (!upkeep_maint.state_unreadable)
      upkeep_log(UPKEEP_LOG_INFO,
                 "the server is in maintenance mode (window %" PRIu64 "): %s; "
                 "read_only is re-applied as soon as the server accepts "
                 "connections", upkeep_maint.cur.window_id,
                 upkeep_maint.cur.reason);
  }
  pthread_mutex_unlock(&upkeep_lock);
  return 0;
}

void upkeep_maintenance_deinit(void)
{
  upkeep_maintenance_idle();        /* the worker has stopped: no race */
  upkeep_maint_set_active_flag(0);
  upkeep_gate_open();                      /* nothing stays held */
}

/*
  Between jobs (the worker is idle) and at plugin deinit: keep the
  refused-writes counter of the current window in the state file, so that
  a crash loses at most a second of it.  Only the counter changes, in a
  file of the same window.  On the worker thread, or after it stopped.
*/
void upkeep_maintenance_idle(void)
{
  UkMaintState st;
  UkError *err= NULL;
  unsigned long long refused=
    __atomic_load_n(&upkeep_stats.refused_writes, __ATOMIC_RELAXED);

  pthread_mutex_lock(&upkeep_lock);
  if (upkeep_maint.phase != UPKEEP_ACTIVE || !upkeep_maint.readonly_applied ||
      upkeep_maint.state_unreadable ||
      upkeep_maint.cur.refused_writes == refused)
  {
    pthread_mutex_unlock(&upkeep_lock);
    return;
  }
  st= upkeep_maint.cur;
  pthread_mutex_unlock(&upkeep_lock);

  st.refused_writes= refused;
  if (uk_state_write(UPKEEP_STATE_FILE, &st, &err) != UK_OK)
  {
    uk_error_free(err);
    return;
  }
  pthread_mutex_lock(&upkeep_lock);
  if (upkeep_maint.cur.window_id == st.window_id &&
      upkeep_maint.phase == UPKEEP_ACTIVE)
    upkeep_maint.cur.refused_writes= refused;
  pthread_mutex_unlock(&upkeep_lock);
}

/* ------------------------------------------------- worker: (re)connect */

/*
  The plugin starts inside a window (a restart, INSTALL SONAME): the server
  started with its configured event_scheduler, so switch it off again.  On
  exit it goes back ON if it was ON when the window began or when the
  server started now; st->engine_restore and the state file say so.
*/
static int events_reapply(upkeep_sql *sql, UkMaintState *st, int unreadable)
{
  char now[16], recorded[16], msg[700];
  size_t ro_len;

  if (upkeep_events_get(sql, now, sizeof(now)))
    return 1;
  if (strcmp(now, "ON") != 0)
    return 0;
  if (upkeep_events_off(sql, now))
    return 1;
  upkeep_restore_events(st->engine_restore, recorded, sizeof(recorded));
  if (strcmp(recorded, "ON") == 0)
    return 0;
  ro_len= strcspn(st->engine_restore, " ");
  snprintf(st->engine_restore + ro_len, sizeof(st->engine_restore) - ro_len,
           " event_scheduler=ON");
  if (!unreadable && upkeep_maint_state_save(st, msg, sizeof(msg)))
    upkeep_log(UPKEEP_LOG_WARNING, "%s", msg);
  return 0;
}

/*
  No state file at start, but upkeep.maintenance_log shows its newest
  window still open (exited_at NULL): the file was lost (deleted, or a
  copy of the data directory without it).  Fail safe as for an unreadable
  file, in that same window, so that OFF closes its row.  Checked once,
  at the first bootstrap; 1 if the log could not be read (retried).
*/
static int restore_open_window_of_log(upkeep_sql *sql)
{
  char v[32];
  uint64_t open_id;

  pthread_mutex_lock(&upkeep_lock);
  if (!upkeep_maint.state_missing || upkeep_maint.phase != UPKEEP_OFF ||
      upkeep_maint.transition_busy)
  {
    upkeep_maint.state_missing= 0;
    pthread_mutex_unlock(&upkeep_lock);
    return 0;
  }
  pthread_mutex_unlock(&upkeep_lock);

  if (upkeep_sql_value(sql, v, sizeof(v),
        "SELECT COALESCE((SELECT window_id FROM upkeep.maintenance_log"
        " WHERE exited_at IS NULL AND window_id ="
        " (SELECT MAX(window_id) FROM upkeep.maintenance_log)), 0)"))
    return 1;
  open_id= strtoull(v, NULL, 10);

  pthread_mutex_lock(&upkeep_lock);
  if (upkeep_maint.state_missing && open_id != 0 &&
      upkeep_maint.phase == UPKEEP_OFF && !upkeep_maint.transition_busy)
  {
    upkeep_maint.state_unreadable= 1;
    snprintf(upkeep_maint.state_error, sizeof(upkeep_maint.state_error),
             "the state file %s is "
             "missing, but upkeep.maintenance_log shows window %" PRIu64
             " still open", UPKEEP_STATE_FILE, open_id);
    uk_state_init(&upkeep_maint.cur);
    upkeep_maint.cur.active= true;
    upkeep_maint.cur.window_id= open_id;       /* OFF closes this row */
    upkeep_maint.cur.started_at_us= upkeep_now_us();
    snprintf(upkeep_maint.cur.reason, sizeof(upkeep_maint.cur.reason),
             "the upkeep state file is unreadable (%s); read-only for safety "
             "until a DBA sets upkeep_maintenance = OFF",
             upkeep_maint.state_error);
    upkeep_maint.phase= UPKEEP_ACTIVE;
    upkeep_maintenance_shown= 1;
    upkeep_log(UPKEEP_LOG_ERROR, "%s; the server stays in maintenance mode "
               "(read-only) for safety; check the data directory, then "
               "SET GLOBAL upkeep_maintenance = OFF",
               upkeep_maint.state_error);
  }
  upkeep_maint.state_missing= 0;
  pthread_mutex_unlock(&upkeep_lock);
  return 0;
}

int upkeep_maintenance_bootstrap(upkeep_sql *sql)
{
  UkMaintState st;
  int apply;
  int unreadable;

  if (upkeep_sql_exec(sql, "SET NAMES utf8mb4") ||
      upkeep_sql_exec(sql, "SET SESSION time_zone = '+00:00'") ||
      upkeep_sql_exec(sql, "CREATE DATABASE IF NOT EXISTS upkeep"
                      " DEFAULT CHARACTER SET utf8mb4") ||
      upkeep_sql_exec(sql, "%s", upkeep_maint_log_ddl) ||
      upkeep_sql_exec(sql, "%s", upkeep_maint_log_upgrade_ddl))
    return 1;
  if (upkeep_sql_exec(sql, "CREATE FUNCTION IF NOT EXISTS upkeep_status"
                      " RETURNS STRING SONAME '" UPKEEP_SONAME "'"))
  {
    if (upkeep_worker_stopping())
      return 1;                     /* stopped mid-setup: no fault */
    upkeep_log(UPKEEP_LOG_WARNING, "could not create the function "
               "upkeep_status(): %s", upkeep_sql_error(sql));
  }

  if (restore_open_window_of_log(sql))
    return 1;

  pthread_mutex_lock(&upkeep_lock);
  apply= upkeep_maint.phase == UPKEEP_ACTIVE && !upkeep_maint.readonly_applied;
  unreadable= upkeep_maint.state_unreadable;
  st= upkeep_maint.cur;
  pthread_mutex_unlock(&upkeep_lock);
  if (!apply)
    return 0;

  if (unreadable)
  {
    /* restore on exit what the server started with */
    int ro= 0;
    if (upkeep_maint_read_only_get(sql, &ro))
      return 1;
    snprintf(st.engine_restore, sizeof(st.engine_restore), "read_only=%s",
             ro ? "ON" : "OFF");
  }
  upkeep_audit_mask_need();
  if (upkeep_maint_read_only_set(sql, 1))
    return 1;
  if (events_reapply(sql, &st, unreadable))
    return 1;
  if (!unreadable)
    upkeep_sql_exec(sql,
      "UPDATE upkeep.maintenance_log SET drain_outcome = 'interrupted',"
      " drain_detail = 'the server restarted during the drain'"
      " WHERE window_id = %" PRIu64 " AND drain_outcome = 'running'",
      st.window_id);

  pthread_mutex_lock(&upkeep_lock);
  snprintf(upkeep_maint.cur.engine_restore,
           sizeof(upkeep_maint.cur.engine_restore), "%s",
           st.engine_restore);
  upkeep_maint.readonly_applied= 1;
  upkeep_maint_set_active_flag(1);
  pthread_mutex_unlock(&upkeep_lock);
  upkeep_log(UPKEEP_LOG_INFO, "maintenance mode re-applied: read_only is ON");
  return 0;
}
