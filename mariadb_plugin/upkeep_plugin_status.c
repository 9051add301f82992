/*
  upkeep_plugin_status.c
    upkeep's status variables (SHOW GLOBAL STATUS LIKE 'upkeep%'): the
    maintenance state, read from a snapshot taken under its lock, and the
    counters of the patch log, the deadlock capture and the index advisor,
    read without a lock (atomics, or plain numbers only the worker
    writes).  The array is named in the plugin declaration
    (upkeep_plugin.c).
*/

#include <stdio.h>
#include <string.h>

#include <mysql/plugin.h>

#include "upkeep_plugin_int.h"

/* ------------------------------------------------ status variables */

typedef enum
{
  STAT_ACTIVE, STAT_PHASE, STAT_REFUSED, STAT_WINDOWS, STAT_DRAIN_MS,
  STAT_DRAIN_OUTCOME
} upkeep_stat;

/* Fill one status variable from a snapshot of the state. */
static int show_stat(struct st_mysql_show_var *var, void *buff,
                     upkeep_stat which)
{
  upkeep_snapshot snap;

  upkeep_maintenance_snapshot(&snap);
  var->value= buff;
  var->type= SHOW_LONGLONG;
  switch (which)
  {
  case STAT_ACTIVE:
    *(long long *) buff= strcmp(snap.phase, "off") != 0 &&
                         strcmp(snap.phase, "draining") != 0;
    break;
  case STAT_REFUSED:
    *(long long *) buff= (long long) snap.st.refused_writes;
    break;
  case STAT_WINDOWS:
    *(long long *) buff= (long long) snap.windows;
    break;
  case STAT_DRAIN_MS:
    /* -1 until a drain has run: signed, or it would show as 2^64 - 1 */
    var->type= SHOW_SLONGLONG;
    *(long long *) buff= snap.drain_last_ms;
    break;
  case STAT_PHASE:
  case STAT_DRAIN_OUTCOME:
    var->type= SHOW_CHAR;
    snprintf(buff, SHOW_VAR_FUNC_BUFF_SIZE, "%s", which == STAT_PHASE ?
             snap.phase : snap.drain_last_outcome);
    break;
  }
  return 0;
}

#define UPKEEP_SHOW_FUNC(fn, which)                                      \
  static int fn(MYSQL_THD thd, struct st_mysql_show_var *var, void *buff, \
                struct system_status_var *status, enum enum_var_type scope) \
  {                                                                      \
    (void) thd; (void) status; (void) scope;                             \
    return show_stat(var, buff, which);                                  \
  }

UPKEEP_SHOW_FUNC(show_active, STAT_ACTIVE)
UPKEEP_SHOW_FUNC(show_phase, STAT_PHASE)
UPKEEP_SHOW_FUNC(show_refused, STAT_REFUSED)
UPKEEP_SHOW_FUNC(show_windows, STAT_WINDOWS)
UPKEEP_SHOW_FUNC(show_drain_ms, STAT_DRAIN_MS)
UPKEEP_SHOW_FUNC(show_drain_outcome, STAT_DRAIN_OUTCOME)

/* Patch run counters (plain numbers, read without a lock). */
static int show_number(struct st_mysql_show_var *var, void *buff, long long n)
{
  var->value= buff;
  var->type= SHOW_LONGLONG;
  *(long long *) buff= n;
  return 0;
}

#define UPKEEP_SHOW_NUMBER(fn, expr)                                     \
  static int fn(MYSQL_THD thd, struct st_mysql_show_var *var, void *buff, \
                struct system_status_var *status, enum enum_var_type scope) \
  {                                                                      \
    (void) thd; (void) status; (void) scope;                             \
    return show_number(var, buff, (long long) (expr));                   \
  }

UPKEEP_SHOW_NUMBER(show_runs_active, upkeep_runs_active())
UPKEEP_SHOW_NUMBER(show_definer_routines_found,
  __atomic_load_n(&upkeep_definer_routines_found, __ATOMIC_RELAXED))
UPKEEP_SHOW_NUMBER(show_runs_started,
  __atomic_load_n(&upkeep_patch_stats.runs_started, __ATOMIC_RELAXED))
UPKEEP_SHOW_NUMBER(show_records_written,
  __atomic_load_n(&upkeep_patch_stats.records_written, __ATOMIC_RELAXED))
UPKEEP_SHOW_NUMBER(show_records_dropped,
  __atomic_load_n(&upkeep_patch_stats.records_dropped, __ATOMIC_RELAXED))
UPKEEP_SHOW_NUMBER(show_records_queued, upkeep_patch_records_queued())
UPKEEP_SHOW_NUMBER(show_lock_wait_samples,
  __atomic_load_n(&upkeep_patch_stats.lock_wait_samples, __ATOMIC_RELAXED))
/* 1: the server builds statement events now; 0: not; -1: unknown */
UPKEEP_SHOW_NUMBER(show_statement_events, upkeep_audit_general_enabled())
UPKEEP_SHOW_NUMBER(show_deadlocks_captured,
  __atomic_load_n(&upkeep_deadlock_stats.captured, __ATOMIC_RELAXED))
UPKEEP_SHOW_NUMBER(show_deadlock_reports_lost,
  __atomic_load_n(&upkeep_deadlock_stats.reports_lost, __ATOMIC_RELAXED))
UPKEEP_SHOW_NUMBER(show_deadlock_polls,
  __atomic_load_n(&upkeep_deadlock_stats.polls, __ATOMIC_RELAXED))
UPKEEP_SHOW_NUMBER(show_deadlock_victim_events,
  __atomic_load_n(&upkeep_deadlock_stats.victim_events, __ATOMIC_RELAXED))
UPKEEP_SHOW_NUMBER(show_unattributed, upkeep_window_unattributed())
UPKEEP_SHOW_NUMBER(show_window_accounts_dropped,
  __atomic_load_n(&upkeep_window_accounts_dropped, __ATOMIC_RELAXED))
UPKEEP_SHOW_NUMBER(show_advise_statements,
  __atomic_load_n(&upkeep_advise_stats.statements, __ATOMIC_RELAXED))
UPKEEP_SHOW_NUMBER(show_advise_dropped,
  __atomic_load_n(&upkeep_advise_stats.dropped, __ATOMIC_RELAXED))
UPKEEP_SHOW_NUMBER(show_advise_captured,
  __atomic_load_n(&upkeep_advise_stats.captured, __ATOMIC_RELAXED))
UPKEEP_SHOW_NUMBER(show_advise_runs,
  __atomic_load_n(&upkeep_advise_stats.runs, __ATOMIC_ACQUIRE))
UPKEEP_SHOW_NUMBER(show_advise_last_run_ms, upkeep_advise_stats.last_run_ms)
UPKEEP_SHOW_NUMBER(show_advise_last_parsed, upkeep_advise_stats.last_parsed)
UPKEEP_SHOW_NUMBER(show_advise_last_skipped, upkeep_advise_stats.last_skipped)
UPKEEP_SHOW_NUMBER(show_advise_last_advised, upkeep_advise_stats.last_advised)

struct st_mysql_show_var upkeep_status_variables[]=
{
  {"upkeep_maintenance_active", (char *) &show_active, SHOW_SIMPLE_FUNC},
  {"upkeep_maintenance_phase", (char *) &show_phase, SHOW_SIMPLE_FUNC},
  {"upkeep_refused_writes", (char *) &show_refused, SHOW_SIMPLE_FUNC},
  {"upkeep_windows", (char *) &show_windows, SHOW_SIMPLE_FUNC},
  {"upkeep_drain_last_ms", (char *) &show_drain_ms, SHOW_SIMPLE_FUNC},
  {"upkeep_drain_last_outcome", (char *) &show_drain_outcome,
   SHOW_SIMPLE_FUNC},
  {"upkeep_definer_routines_found", (char *) &show_definer_routines_found,
   SHOW_SIMPLE_FUNC},
  {"upkeep_patch_runs_active", (char *) &show_runs_active, SHOW_SIMPLE_FUNC},
  {"upkeep_patch_runs_started", (char *) &show_runs_started,
   SHOW_SIMPLE_FUNC},
  {"upkeep_patch_records_written", (char *) &show_records_written,
   SHOW_SIMPLE_FUNC},
  {"upkeep_patch_records_dropped", (char *) &show_records_dropped,
   SHOW_SIMPLE_FUNC},
  {"upkeep_patch_records_queued", (char *) &show_records_queued,
   SHOW_SIMPLE_FUNC},
  {"upkeep_patch_lock_wait_samples", (char *) &show_lock_wait_samples,
   SHOW_SIMPLE_FUNC},
  {"upkeep_statement_events", (char *) &show_statement_events,
   SHOW_SIMPLE_FUNC},
  {"upkeep_deadlocks_captured", (char *) &show_deadlocks_captured,
   SHOW_SIMPLE_FUNC},
  {"upkeep_deadlock_reports_lost", (char *) &show_deadlock_reports_lost,
   SHOW_SIMPLE_FUNC},
  {"upkeep_deadlock_polls", (char *) &show_deadlock_polls, SHOW_SIMPLE_FUNC},
  {"upkeep_deadlock_victim_events", (char *) &show_deadlock_victim_events,
   SHOW_SIMPLE_FUNC},
  {"upkeep_unattributed_statements", (char *) &show_unattributed,
   SHOW_SIMPLE_FUNC},
  {"upkeep_window_accounts_dropped", (char *) &show_window_accounts_dropped,
   SHOW_SIMPLE_FUNC},
  {"upkeep_advise_statements", (char *) &show_advise_statements,
   SHOW_SIMPLE_FUNC},
  {"upkeep_advise_statements_dropped", (char *) &show_advise_dropped,
   SHOW_SIMPLE_FUNC},
  {"upkeep_advise_statements_captured", (char *) &show_advise_captured,
   SHOW_SIMPLE_FUNC},
  {"upkeep_advise_runs", (char *) &show_advise_runs, SHOW_SIMPLE_FUNC},
  {"upkeep_advise_last_run_ms", (char *) &show_advise_last_run_ms,
   SHOW_SIMPLE_FUNC},
  {"upkeep_advise_last_parsed", (char *) &show_advise_last_parsed,
   SHOW_SIMPLE_FUNC},
  {"upkeep_advise_last_skipped", (char *) &show_advise_last_skipped,
   SHOW_SIMPLE_FUNC},
  {"upkeep_advise_last_advised", (char *) &show_advise_last_advised,
   SHOW_SIMPLE_FUNC},
  {0, 0, 0}
};
