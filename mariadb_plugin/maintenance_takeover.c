/*
  maintenance_takeover.c
    Maintenance mode taken over after a failover: a replica that mirrored
    its primary's window (ha_standby.c) was promoted, and its plugin makes
    the window its own, as if it had been entered here.

  The window keeps its id, reason, times and entering account, so the
  upgrade's history (maintenance_log, patch runs) continues under the same
  window.  Unlike entering, there is no drain: the failover tool has just
  turned read_only off, and a transaction that wrote since fails at COMMIT
  (error 1290) once read_only is back on, as during the drain's
  switch-over.  The steps: remember read_only (what OFF restores: the
  value the failover tool chose; OFF when SET GLOBAL upkeep_maintenance =
  ON asked for the takeover, which promotes the server) and the event
  scheduler, write the state
  file active (from here on a restart re-applies the window as usual),
  read_only = ON, the event scheduler off, the phase active, and a row in
  upkeep.maintenance_log with drain_outcome 'takeover', took_over_at and
  took_over_from (the primary's server_id).  The maintainer accounts are
  read from the grants, which replicate themselves.

  It runs from the replica side's poll, or at once from the enter job of
  SET GLOBAL upkeep_maintenance = ON on a promoted server that shows a
  replicated window (a promotion script that wants no gap).

  Worker thread only.  Locking: upkeep_lock (maintenance_state.c), never
  held while SQL runs; transition_busy keeps a SET GLOBAL
  upkeep_maintenance out while the takeover runs (the enter job holds it
  already).
*/

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <mysql/plugin.h>

#include "maintenance_int.h"

/* FROM_UNIXTIME(...) of Unix microseconds, or NULL for 0. */
static void time_sql(int64_t us, char *buf, size_t cap)
{
  if (us == 0)
    snprintf(buf, cap, "NULL");
  else
    snprintf(buf, cap, "FROM_UNIXTIME(%" PRId64 ".%06" PRId64 ")",
             us / 1000000, us % 1000000);
}

static void log_takeover(upkeep_sql *sql, const UkMaintState *st,
                         unsigned long origin, int ro_before)
{
  char entered[64], expected[64], now[64];

  time_sql(st->started_at_us, entered, sizeof(entered));
  time_sql(st->expected_end_us, expected, sizeof(expected));
  time_sql(upkeep_now_us(), now, sizeof(now));
  if (upkeep_sql_exec(sql,
        "INSERT INTO upkeep.maintenance_log (window_id, reason, entered_by,"
        " entered_at, expected_end, drain_outcome, drain_detail,"
        " read_only_before, took_over_at, took_over_from)"
        " VALUES (%" PRIu64 ", %s, %s, %s, %s, 'takeover', %s, '%s', %s, %lu)"
        " ON DUPLICATE KEY UPDATE took_over_at = VALUES(took_over_at),"
        " took_over_from = VALUES(took_over_from), exited_at = NULL,"
        " exited_by = NULL",
        st->window_id, upkeep_sql_quote(sql, 0, st->reason),
        st->entered_by[0] ? upkeep_sql_quote(sql, 1, st->entered_by) : "NULL",
        entered, expected,
        upkeep_sql_quote(sql, 2, "taken over after a failover: this server "
                         "was promoted while its primary's window was "
                         "active"),
        ro_before ? "ON" : "OFF", now, origin))
    upkeep_log(UPKEEP_LOG_WARNING, "could not record the takeover in "
               "upkeep.maintenance_log: %s", upkeep_sql_error(sql));
}

int upkeep_maintenance_take_over(upkeep_sql *sql, const UkMaintState *win,
                                 unsigned long origin, int in_job,
                                 char *msg, size_t cap)
{
  UkMaintState st;
  int ro_before;
  char events[16];

  pthread_mutex_lock(&upkeep_lock);
  if (upkeep_maint.phase != UPKEEP_OFF ||
      (upkeep_maint.transition_busy && !in_job))
  {
    pthread_mutex_unlock(&upkeep_lock);
    snprintf(msg, cap, "a change of maintenance mode is under way");
    return 1;
  }
  if (!in_job)
    upkeep_maint.transition_busy= 1;   /* the enter job has it already */
  pthread_mutex_unlock(&upkeep_lock);

  st= *win;
  st.active= true;
  st.refused_writes= 0;
  if (upkeep_maint_read_only_get(sql, &ro_before) ||
      upkeep_events_get(sql, events, sizeof(events)))
  {
    snprintf(msg, cap, "reading read_only and event_scheduler: %s",
             upkeep_sql_error(sql));
    goto failed;
  }
  /* promoted by SET GLOBAL upkeep_maintenance = ON: writable after OFF */
  snprintf(st.engine_restore, sizeof(st.engine_restore),
           "read_only=%s event_scheduler=%s",
           ro_before && !in_job ? "ON" : "OFF", events);
  if (upkeep_maint_state_save(&st, msg, cap))
    goto failed;
  upkeep_audit_mask_need();         /* refused writes are counted */
  if (upkeep_maint_read_only_set(sql, 1))
  {
    snprintf(msg, cap, "SET GLOBAL read_only = ON: %s", upkeep_sql_error(sql));
    st.active= false;
    (void) upkeep_maint_state_save(&st, msg + strlen(msg),
                                   cap - strlen(msg));
    goto failed;
  }
  if (upkeep_events_off(sql, events))
    upkeep_log(UPKEEP_LOG_WARNING, "could not switch the event scheduler "
               "off for the window taken over: %s", upkeep_sql_error(sql));

  pthread_mutex_lock(&upkeep_lock);
  upkeep_maint.phase= UPKEEP_ACTIVE;
  upkeep_maint.cur= st;
  upkeep_maint.readonly_applied= 1;
  upkeep_maint.state_unreadable= 0;
  if (!in_job)
    upkeep_maint.transition_busy= 0;
  upkeep_stats.windows++;
  __atomic_store_n(&upkeep_stats.refused_writes, 0, __ATOMIC_RELAXED);
  upkeep_maint_set_active_flag(1);
  upkeep_maintenance_shown= 1;
  pthread_mutex_unlock(&upkeep_lock);

  log_takeover(sql, &st, origin, ro_before);
  upkeep_window_entered(sql, st.window_id, 0);
  return 0;

failed:
  if (!in_job)
  {
    pthread_mutex_lock(&upkeep_lock);
    upkeep_maint.transition_busy= 0;
    pthread_mutex_unlock(&upkeep_lock);
  }
  return 1;
}

/*
  The other way round: this server's own window was taken over by the
  server it now replicates from (the old primary came back as a replica of
  the promoted one).  Its window is the new primary's now, so here it
  ends: the state file inactive (a restart re-applies nothing), the phase
  off, maintenance_log's row exited "taken over by server_id N", open
  window runs aborted.  What a window restores at its end stays as it is:
  read_only stays ON and the event scheduler as the window left it,
  because this server is a replica now (an application write here would
  break replication); the warning says so.  The runner's ephemeral
  account is dropped here as at any window's end (unlogged, like every
  write of the worker; what replicates later drops it with IF EXISTS).
  The server then shows the new primary's window as a standby.
  0, or 1 when nothing was done (another change under way, another
  window, or the state file could not be written: the next poll retries).
*/
int upkeep_maintenance_hand_over(upkeep_sql *sql, uint64_t window_id,
                                 int64_t started_at_us, unsigned long to)
{
  UkMaintState st;
  unsigned long long refused;
  char msg[700], who[64];

  pthread_mutex_lock(&upkeep_lock);
  if (upkeep_maint.phase != UPKEEP_ACTIVE || upkeep_maint.transition_busy ||
      upkeep_maint.cur.window_id != window_id ||
      upkeep_maint.cur.started_at_us != started_at_us)
  {
    pthread_mutex_unlock(&upkeep_lock);
    return 1;
  }
  upkeep_maint.transition_busy= 1;
  st= upkeep_maint.cur;
  pthread_mutex_unlock(&upkeep_lock);

  refused= __atomic_load_n(&upkeep_stats.refused_writes, __ATOMIC_RELAXED);
  st.active= false;
  st.refused_writes= refused;
  if (upkeep_maint_state_save(&st, msg, sizeof(msg)))
  {
    static uint64_t warned;         /* worker only: once per window */

    if (warned != window_id)
      upkeep_log(UPKEEP_LOG_WARNING, "window %" PRIu64 " was taken over by "
                 "server_id %lu, but could not be ended here: %s; retrying",
                 window_id, to, msg);
    warned= window_id;
    pthread_mutex_lock(&upkeep_lock);
    upkeep_maint.transition_busy= 0;
    pthread_mutex_unlock(&upkeep_lock);
    return 1;
  }

  pthread_mutex_lock(&upkeep_lock);
  upkeep_maint_went_off_locked(&st);
  upkeep_maint.transition_busy= 0;
  pthread_mutex_unlock(&upkeep_lock);

  snprintf(who, sizeof(who), "upkeep: taken over by server_id %lu", to);
  upkeep_maint_log_exit(sql, window_id, who, upkeep_now_us(), refused,
                        upkeep_window_unattributed());
  upkeep_window_exited(sql);
  upkeep_log(UPKEEP_LOG_WARNING, "window %" PRIu64 " of this server was "
             "taken over by server_id %lu, which this server now replicates "
             "from: ended here; read_only stays ON and the event scheduler "
             "as the window left it, as a replica needs", window_id, to);
  return 0;
}
