/*
  maintenance_jobs.c
    SET GLOBAL upkeep_maintenance = ON / OFF: the request, in the
    variable's check callback (upkeep_maintenance_request(): validate the
    settings, hand a job to the worker, wait, report), and the jobs, on
    the worker thread (upkeep_maintenance_run_job(): enter, exit).

  Entering, on the worker: remember @@global.read_only, write the state
  file active (read_only and event_scheduler to restore in
  engine_restore) and a log row 'running', switch the event scheduler off
  and wait for running events (definers.c), drain and switch over
  (maintenance_drain.c), then the phase is active.  Exiting sets
  read_only (and the event scheduler) back to what the state file says,
  writes it inactive and completes the log row.  The window patches
  (window_accounts.c) are told when a window began and ended; their jobs
  (SET GLOBAL upkeep_window_*) come through here too.

  Locking: upkeep_lock (maintenance_state.c) around every read or write of
  upkeep_maint; never held while SQL runs or while waiting for the worker.
*/

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysql/plugin.h>
#include <mysql/service_my_print_error.h>
#include <mysqld_error.h>

#include "maintenance_int.h"
#include "features.h"

/* The settings (upkeep_plugin.c defines them as system variables). */
long long upkeep_expected_duration= 0;
long long upkeep_drain_timeout= 30;
unsigned long upkeep_drain_action= 0;

/* --------------------------------------------------- requests (callers) */

/* Report a libcommon validation error to the SET statement. */
static int report_invalid(UkError *err, const char *hint)
{
  my_printf_error(ER_WRONG_VALUE_FOR_VAR,
                  "upkeep: cannot enter maintenance mode: %s%s", MYF(0),
                  err ? err->message : "invalid setting", hint ? hint : "");
  uk_error_free(err);
  return 1;
}

int upkeep_maintenance_request(MYSQL_THD thd, int on, const char *reason_arg)
{
  upkeep_job *job;
  UkError *err= NULL;
  long long wait_sec;
  int rc;
  char reason[UK_REASON_MAX + 1];

  (void) reason_arg;
  pthread_mutex_lock(&upkeep_lock);
  snprintf(reason, sizeof(reason), "%s", upkeep_maint.reason_setting);
  if (upkeep_maint.transition_busy)
  {
    pthread_mutex_unlock(&upkeep_lock);
    my_printf_error(ER_WRONG_VALUE_FOR_VAR,
                    "upkeep: another change of maintenance mode is under way",
                    MYF(0));
    return 1;
  }
  if (on && upkeep_maint.phase != UPKEEP_OFF)
  {
    char who[UK_NAME_MAX + 1];
    snprintf(who, sizeof(who), "%s", upkeep_maint.cur.entered_by);
    pthread_mutex_unlock(&upkeep_lock);
    my_printf_error(ER_WRONG_VALUE_FOR_VAR,
                    "upkeep: maintenance mode is already active (entered by "
                    "%s); SET GLOBAL upkeep_maintenance = OFF ends it",
                    MYF(0), who[0] ? who : "unknown");
    return 1;
  }
  if (!on && upkeep_maint.phase == UPKEEP_OFF)
  {
    UkMaintState standby;
    unsigned long origin;

    pthread_mutex_unlock(&upkeep_lock);
    if (upkeep_ha_standby(&standby, &origin))
      my_printf_error(ER_UNKNOWN_ERROR,
                      "upkeep: maintenance mode is not active on this "
                      "server; the window it shows is replicated from its "
                      "primary (server_id %lu): end it there; nothing was "
                      "changed", MYF(ME_NOTE), origin);
    else
      my_printf_error(ER_UNKNOWN_ERROR,
                      "upkeep: maintenance mode is not active; nothing was "
                      "changed", MYF(ME_NOTE));
    return 0;
  }
  pthread_mutex_unlock(&upkeep_lock);

  job= upkeep_job_new(on ? UPKEEP_JOB_ENTER : UPKEEP_JOB_EXIT);
  if (!job)
  {
    my_printf_error(ER_UNKNOWN_ERROR, "upkeep: out of memory", MYF(0));
    return 1;
  }
  job->thread_id= thd_get_thread_id(thd);

  if (on)
  {
    UkMaintState standby;
    unsigned long origin;

    /* a replicated window is taken over with its own reason */
    if (!upkeep_ha_standby(&standby, &origin) &&
        uk_reason_validate(reason, &err) != UK_OK)
    {
      upkeep_job_release(job);
      return report_invalid(err, reason[0] == '\0' ?
                            "; SET GLOBAL upkeep_maintenance_reason = '...' "
                            "first" : NULL);
    }
    job->expected_us= upkeep_expected_duration * 1000000LL;
    job->drain_timeout_us= upkeep_drain_timeout * 1000000LL;
    if (uk_duration_validate("upkeep_expected_duration", job->expected_us,
                             UK_DURATION_MAX_US, &err) != UK_OK ||
        uk_duration_validate("upkeep_drain_timeout", job->drain_timeout_us,
                             UK_DRAIN_TIMEOUT_MAX_US, &err) != UK_OK)
    {
      upkeep_job_release(job);
      return report_invalid(err, NULL);
    }
    job->action= upkeep_drain_action ? UK_DRAIN_TERMINATE : UK_DRAIN_FAIL;
    snprintf(job->reason, sizeof(job->reason), "%s", reason);
  }

  pthread_mutex_lock(&upkeep_lock);
  if (upkeep_maint.transition_busy)
  {
    pthread_mutex_unlock(&upkeep_lock);
    upkeep_job_release(job);
    my_printf_error(ER_WRONG_VALUE_FOR_VAR,
                    "upkeep: another change of maintenance mode is under way",
                    MYF(0));
    return 1;
  }
  upkeep_maint.transition_busy= 1;
  pthread_mutex_unlock(&upkeep_lock);

  /* running events, then the writers: each may take the drain timeout */
  wait_sec= (on ? 2 * upkeep_drain_timeout : 0) + UPKEEP_WAIT_MARGIN_SEC;
  rc= upkeep_job_run(thd, job, wait_sec);
  if (rc == 0 && job->warning[0])
    my_printf_error(ER_UNKNOWN_ERROR, "%s", MYF(ME_WARNING), job->warning);
  if (rc == 0 && job->error_code)
  {
    if (job->is_note)
      my_printf_error(job->error_code, "%s", MYF(ME_NOTE), job->message);
    else
    {
      my_printf_error(job->error_code, "%s", MYF(0), job->message);
      rc= 1;
    }
  }
  upkeep_job_release(job);

  pthread_mutex_lock(&upkeep_lock);
  upkeep_maint.transition_busy= 0;
  pthread_mutex_unlock(&upkeep_lock);
  return rc;
}

/* ------------------------------------------ worker: events (definers.c) */

/*
  Before the drain: the event scheduler off (if it was ON), then wait for
  event executions still running, up to the drain's timeout (the drain
  then has its own).  0 on success; 1 with the error in the job and r filled in.
*/
static int stop_events(upkeep_sql *sql, upkeep_job *job, const char *before,
                       drain_result *r, char *detail, size_t cap)
{
  int64_t start= upkeep_monotonic_ms();

  memset(r, 0, sizeof(*r));
  r->outcome= UK_DRAIN_FAILED;
  if (upkeep_events_off(sql, before))
  {
    upkeep_maint_job_error(job, ER_UNKNOWN_ERROR,
              "could not enter maintenance mode: "
              "switching the event scheduler off: %s; maintenance mode is "
              "off", upkeep_sql_error(sql));
    snprintf(r->detail, sizeof(r->detail), "error: %s",
             upkeep_sql_error(sql));
    return 1;
  }
  if (upkeep_events_wait(sql, job, start + job->drain_timeout_us / 1000,
                         detail, cap))
  {
    snprintf(r->detail, sizeof(r->detail), "%s", detail);
    r->elapsed_ms= upkeep_monotonic_ms() - start;
    return 1;
  }
  return 0;
}

/* ----------------------------------------------------- worker: the jobs */

static void finish_transition_state(upkeep_phase ph, const UkMaintState *st)
{
  pthread_mutex_lock(&upkeep_lock);
  upkeep_maint.phase= ph;
  upkeep_maint.cur= *st;
  pthread_mutex_unlock(&upkeep_lock);
}

static void run_enter(upkeep_sql *sql, upkeep_job *job)
{
  UkMaintState st;
  UkMaintState last;
  drain_result r;
  int ro_before;
  char ev_before[16];
  char ev_detail[UK_DRAIN_DETAIL_MAX + 1];
  char msg[700];
  unsigned long origin;

  /* this server shows its primary's window: take that one over */
  if (upkeep_ha_standby(&st, &origin))
  {
    upkeep_ha_take_over_job(sql, job);
    return;
  }

  pthread_mutex_lock(&upkeep_lock);
  if (upkeep_maint.phase != UPKEEP_OFF)
  {
    pthread_mutex_unlock(&upkeep_lock);
    upkeep_maint_job_error(job, ER_WRONG_VALUE_FOR_VAR,
              "maintenance mode is already active");
    return;
  }
  last= upkeep_maint.cur;
  upkeep_maint.phase= UPKEEP_DRAINING;
  pthread_mutex_unlock(&upkeep_lock);
  upkeep_audit_mask_need();       /* refused writes are counted from now */
  /* from the moment the phase says draining, new writes wait */
  upkeep_gate_close(job->thread_id, upkeep_monotonic_ms() +
             job->drain_timeout_us / 1000 + GATE_MARGIN_MS);

  if (upkeep_maint_read_only_get(sql, &ro_before))
  {
    upkeep_maint_job_error(job, ER_UNKNOWN_ERROR,
              "could not enter maintenance mode: reading read_only: %s",
              upkeep_sql_error(sql));
    upkeep_gate_open();
    finish_transition_state(UPKEEP_OFF, &last);
    return;
  }
  /* definer procedures that would write through read_only (definers.c) */
  if (upkeep_definers_check(sql, job))
  {
    finish_transition_state(UPKEEP_OFF, &last);
    return;
  }
  if (upkeep_events_get(sql, ev_before, sizeof(ev_before)))
  {
    upkeep_maint_job_error(job, ER_UNKNOWN_ERROR,
              "could not enter maintenance mode: reading event_scheduler: %s",
              upkeep_sql_error(sql));
    finish_transition_state(UPKEEP_OFF, &last);
    return;
  }

  uk_state_init(&st);
  st.active= true;
  st.window_id= upkeep_maint_next_window_id(sql, last.window_id);
  st.started_at_us= upkeep_now_us();
  st.expected_end_us= job->expected_us ? st.started_at_us + job->expected_us
                                       : 0;
  upkeep_maint_account_of(sql, job->thread_id, st.entered_by,
                          sizeof(st.entered_by));
  snprintf(st.reason, sizeof(st.reason), "%s", job->reason);
  snprintf(st.engine_restore, sizeof(st.engine_restore),
           "read_only=%s event_scheduler=%s", ro_before ? "ON" : "OFF",
           ev_before);
  if (upkeep_maint_state_save(&st, msg, sizeof(msg)))
  {
    upkeep_maint_job_error(job, ER_UNKNOWN_ERROR,
              "could not enter maintenance mode: %s", msg);
    upkeep_gate_open();
    finish_transition_state(UPKEEP_OFF, &last);
    return;
  }
  pthread_mutex_lock(&upkeep_lock);
  upkeep_maint.cur= st;
  pthread_mutex_unlock(&upkeep_lock);
  upkeep_maint_log_insert(sql, &st, "running", ro_before);

  if (stop_events(sql, job, ev_before, &r, ev_detail, sizeof(ev_detail)) ||
      upkeep_drain_and_apply(sql, job, ro_before, &r))
  {
    /* not entered: the state file back to inactive, the window logged */
    if (upkeep_events_restore(sql, st.engine_restore))
      upkeep_log(UPKEEP_LOG_ERROR, "could not turn the event scheduler back "
                 "ON after a failed drain: %s", upkeep_sql_error(sql));
    st.active= false;
    if (upkeep_maint_state_save(&st, msg, sizeof(msg)))
      upkeep_log(UPKEEP_LOG_ERROR, "%s; the server will come back in "
                 "maintenance mode after a restart", msg);
    upkeep_maint_log_drain(sql, st.window_id, &r);
    upkeep_maint_log_exit(sql, st.window_id, st.entered_by, upkeep_now_us(),
                          0, 0);
    pthread_mutex_lock(&upkeep_lock);
    upkeep_stats.drain_last_ms= r.elapsed_ms;
    snprintf(upkeep_maint.drain_last_outcome,
             sizeof(upkeep_maint.drain_last_outcome), "%s",
             uk_drain_outcome_name(r.outcome));
    pthread_mutex_unlock(&upkeep_lock);
    finish_transition_state(UPKEEP_OFF, &st);
    return;
  }

  if (ev_detail[0] && !r.detail[0])   /* running events were killed */
    snprintf(r.detail, sizeof(r.detail), "%s", ev_detail);
  pthread_mutex_lock(&upkeep_lock);
  upkeep_maint.phase= UPKEEP_ACTIVE;
  upkeep_maint.cur= st;
  upkeep_maint.readonly_applied= 1;
  upkeep_maint.state_unreadable= 0;
  upkeep_stats.windows++;
  upkeep_stats.drain_last_ms= r.elapsed_ms;
  snprintf(upkeep_maint.drain_last_outcome,
           sizeof(upkeep_maint.drain_last_outcome), "%s",
           uk_drain_outcome_name(r.outcome));
  __atomic_store_n(&upkeep_stats.refused_writes, 0, __ATOMIC_RELAXED);
  upkeep_maint_set_active_flag(1);
  pthread_mutex_unlock(&upkeep_lock);
  upkeep_gate_open();                    /* held writes now fail with 1290 */
  upkeep_maint_log_drain(sql, st.window_id, &r);
  upkeep_window_entered(sql, st.window_id, job->thread_id);
  upkeep_ha_publish(sql);                /* replicas get the window */

  if (r.terminated > 0)
  {
    job->error_code= ER_UNKNOWN_ERROR;
    job->is_note= 1;
    snprintf(job->message, sizeof(job->message),
             "upkeep: the drain killed %d connection%s still writing after "
             "upkeep_drain_timeout (%s)", r.terminated,
             r.terminated == 1 ? "" : "s", r.detail);
  }
}

static void run_exit(upkeep_sql *sql, upkeep_job *job)
{
  UkMaintState st;
  int ro_restore= 0;
  int unreadable;
  char who[UK_NAME_MAX + 1];
  char msg[700];
  unsigned long long refused;
  int64_t now;

  pthread_mutex_lock(&upkeep_lock);
  if (upkeep_maint.phase != UPKEEP_ACTIVE)
  {
    pthread_mutex_unlock(&upkeep_lock);
    job->error_code= ER_UNKNOWN_ERROR;
    job->is_note= 1;
    snprintf(job->message, sizeof(job->message),
             "upkeep: maintenance mode is not active; nothing was changed");
    return;
  }
  st= upkeep_maint.cur;
  unreadable= upkeep_maint.state_unreadable;
  pthread_mutex_unlock(&upkeep_lock);

  if (upkeep_maint_restore_parse(st.engine_restore, &ro_restore))
  {
    upkeep_log(UPKEEP_LOG_WARNING, "the state file does not say what "
               "read_only was before maintenance (\"%s\"); setting it OFF",
               st.engine_restore);
    ro_restore= 0;
  }
  if (upkeep_maint_read_only_set(sql, ro_restore))
  {
    upkeep_maint_job_error(job, ER_UNKNOWN_ERROR,
              "could not exit maintenance mode: setting read_only back to "
              "%s: %s; still in maintenance", ro_restore ? "ON" : "OFF",
              upkeep_sql_error(sql));
    return;
  }
  if (upkeep_events_restore(sql, st.engine_restore))
  {
    snprintf(job->warning, sizeof(job->warning), "upkeep: could not turn "
             "the event scheduler back ON: %s; SET GLOBAL event_scheduler = "
             "ON", upkeep_sql_error(sql));
    upkeep_log(UPKEEP_LOG_ERROR, "%s", job->warning + strlen("upkeep: "));
  }

  refused= __atomic_load_n(&upkeep_stats.refused_writes, __ATOMIC_RELAXED);
  st.active= false;
  st.refused_writes= refused;
  if (unreadable && st.window_id == 0)
  {
    /* give the fail-safe window an id and a log row of its own */
    st.window_id= upkeep_maint_next_window_id(sql, 0);
    upkeep_maint_log_insert(sql, &st, "interrupted", ro_restore);
  }
  if (upkeep_maint_state_save(&st, msg, sizeof(msg)))
  {
    if (!ro_restore)
      upkeep_maint_read_only_set(sql, 1);
    upkeep_maint_job_error(job, ER_UNKNOWN_ERROR,
              "could not exit maintenance mode: %s; still in maintenance",
              msg);
    return;
  }

  pthread_mutex_lock(&upkeep_lock);
  upkeep_maint_went_off_locked(&st);
  pthread_mutex_unlock(&upkeep_lock);

  now= upkeep_now_us();
  upkeep_maint_account_of(sql, job->thread_id, who, sizeof(who));
  upkeep_maint_log_exit(sql, st.window_id, who, now, refused,
                        upkeep_window_unattributed());
  /* open window runs end 'aborted', the ephemeral accounts go */
  upkeep_window_exited(sql);
  upkeep_ha_publish(sql);                /* replicas see it end */
}

void upkeep_maintenance_run_job(upkeep_sql *sql, upkeep_job *job)
{
  if (job->type == UPKEEP_JOB_ENTER)
    run_enter(sql, job);
  else if (job->type == UPKEEP_JOB_EXIT)
    run_exit(sql, job);
  else
  {
    upkeep_window_run_job(sql, job);    /* window patches (window_*.c) */
    if (job->type == UPKEEP_JOB_WINDOW_ACCOUNT && !job->error_code)
      upkeep_ha_publish(sql);           /* the row names the runner */
  }
}

/* The feature (features.h): first, it creates the schema of every table. */
UPKEEP_FEATURE(maintenance_feature)=
{ "maintenance", 10, upkeep_maintenance_bootstrap, NULL,
  0, upkeep_maintenance_idle, upkeep_maintenance_run_job,
  upkeep_maintenance_is_on };
