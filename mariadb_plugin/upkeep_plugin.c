/*
  upkeep_plugin.c
    The declaration of the MariaDB plugin "upkeep": its system variables
    (validated in their check callbacks), the audit hook, and
    init/deinit.  The check and update callbacks that only validate or
    hand on a value are in upkeep_plugin_checks.c, the status variables in
    upkeep_plugin_status.c (upkeep_plugin_int.h).  The work is done in
    maintenance_*.c (the mode), worker.c (the background thread that runs
    all SQL), the feature files and udf.c.

  System variables (all GLOBAL; setting them needs what SET GLOBAL needs):

    upkeep_maintenance         ON / OFF.  Its check callback enters or exits
                               maintenance mode (drain included) and returns
                               the outcome to the SET statement.  It is not
                               a command-line option: the mode is restored
                               from the state file, not from the config.
    upkeep_maintenance_reason  why; required for ON (1..1000 bytes of UTF-8)
    upkeep_expected_duration   seconds, 0 = unknown
    upkeep_drain_timeout       seconds to wait for open writers (default 30)
    upkeep_drain_action        fail | kill: what to do with writers still
                               open at the timeout
    upkeep_definer_routines    refuse | report | ignore: what entering does
                               about definer procedures that would write
                               through read_only (definers.c)

  The last four are read when maintenance is entered.  Bad values are
  refused by the check callbacks with nothing changed.  No update callback
  runs SQL: they only copy values (the server holds its global variables
  lock while they run).

  Patch runs (patchlog.c), all SESSION unless said otherwise:

    upkeep_patch               a patch name starts a run in this session,
                               '' ends it; starting while a run is active is
                               refused, ending when none is active is a note
    upkeep_patch_status        succeeded (default) | failed | skipped: how
                               the run ends; back to succeeded after each run
    upkeep_patch_app           the app the patches belong to (optional)
    upkeep_slow_statement_ms   GLOBAL: statements of a run this long or
                               longer are logged; 0 = every one, -1 = none
    upkeep_patch_log_max_rows  GLOBAL: rows kept in each of the two tables
    upkeep_audit_on_demand     GLOBAL: let the server skip building
                               statement events while nothing needs them

  Window patches (window_*.c), GLOBAL, set by upkeep run inside a window
  (callbacks in window_sysvars.c): upkeep_window_patch, _step,
  _patch_app, _patch_status, _patch_error, _account, _slow_ms; SESSION
  upkeep_window_attribution = OFF keeps a connection out of them.

  Deadlocks (deadlock.c), GLOBAL:

    upkeep_deadlock_poll_ms    how often the worker reads InnoDB's
                               deadlock counter (a 1213 seen by the audit
                               hook wakes it sooner)
    upkeep_deadlock_log_max_rows  rows kept in upkeep.deadlocks

  Index advisor (advisor.c), GLOBAL:

    upkeep_advise_capture      ON: the audit hook counts the shapes of
                               SELECT, UPDATE, DELETE and INSERT ... SELECT
                               statements (needs statement events)
    upkeep_advise_max_statements  shapes held at most
    upkeep_advise              ON asks the background thread for an
                               advise run; it goes back to OFF when done
    upkeep_advise_min_improvement_pct, upkeep_advise_max_indexes
                               the advisor's thresholds

  The audit hook counts the writes that read_only refused (error 1290) while
  maintenance mode is on (one atomic increment), tells deadlock.c about a
  statement that ended with a deadlock (error 1213), hands the events
  of a connection inside a patch run to patchlog.c, and, while the index
  advisor captures, each finished statement to advisor.c.  A connection
  outside any run costs it one session variable read (and one atomic read).
*/

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysql/plugin.h>
#include <mysql/plugin_audit.h>
#include <mysql/service_my_print_error.h>
#include <mysql/service_thd_alloc.h>
#include <mysqld_error.h>

#include "upkeep_plugin_int.h"

#define UPKEEP_VERSION 0x0100
#define UPKEEP_VERSION_TEXT "1.0"

static char *reason_value;
static char reason_shown[UK_REASON_MAX + 1];

/* ------------------------------------------------ upkeep_maintenance */

static int maintenance_check(MYSQL_THD thd, struct st_mysql_sys_var *var,
                             void *save, struct st_mysql_value *value)
{
  int on;

  if (parse_bool(value, &on))
    return refuse(var, "upkeep: upkeep_maintenance must be ON or OFF%s", "");
  if (upkeep_maintenance_request(thd, on, NULL))
    return 1;
  *(my_bool *) save= (my_bool) upkeep_maintenance_is_on();
  upkeep_maintenance_shown= *(my_bool *) save;
  return 0;
}

/*
  Shows the real state, whatever was asked.  SET ... = DEFAULT skips the
  check callback, so it cannot enter or exit: say so.
*/
static void maintenance_update(MYSQL_THD thd, struct st_mysql_sys_var *var,
                               void *var_ptr, const void *save)
{
  my_bool on= (my_bool) upkeep_maintenance_is_on();
  (void) thd;
  (void) var;
  if (*(const my_bool *) save != on)
    my_printf_error(ER_UNKNOWN_ERROR, "upkeep: SET GLOBAL upkeep_maintenance "
                    "= DEFAULT changes nothing; use ON or OFF", MYF(ME_NOTE));
  *(my_bool *) var_ptr= on;
}

static MYSQL_SYSVAR_BOOL(maintenance, upkeep_maintenance_shown,
  PLUGIN_VAR_OPCMDARG | PLUGIN_VAR_NOCMDOPT,
  "Maintenance mode: ON drains open write transactions, then makes the "
  "server read-only for every account without READ_ONLY ADMIN; OFF "
  "restores read_only as it was",
  maintenance_check, maintenance_update, 0);

/* ------------------------------------------ upkeep_maintenance_reason */

static void reason_update(MYSQL_THD thd, struct st_mysql_sys_var *var,
                          void *var_ptr, const void *save)
{
  const char *s= *(char *const *) save;
  (void) thd;
  (void) var;
  snprintf(reason_shown, sizeof(reason_shown), "%s", s ? s : "");
  *(char **) var_ptr= reason_shown;
  upkeep_set_reason_setting(reason_shown);
}

static MYSQL_SYSVAR_STR(maintenance_reason, reason_value,
  PLUGIN_VAR_RQCMDARG,
  "Why the server is in maintenance (shown by upkeep_status() and logged); "
  "required before SET GLOBAL upkeep_maintenance = ON",
  upkeep_sysvar_reason_check, reason_update, "");

/* ------------------------------------------ durations (seconds) */

static MYSQL_SYSVAR_LONGLONG(expected_duration, upkeep_expected_duration,
  PLUGIN_VAR_RQCMDARG,
  "Expected length of the next maintenance window in seconds, shown as its "
  "expected end; 0 = unknown",
  upkeep_sysvar_expected_check, NULL, 0, 0, UK_DURATION_MAX_US / 1000000, 0);

static MYSQL_SYSVAR_LONGLONG(drain_timeout, upkeep_drain_timeout,
  PLUGIN_VAR_RQCMDARG,
  "Seconds that entering maintenance waits for open transactions that "
  "modified rows",
  upkeep_sysvar_timeout_check, NULL, 30, 0,
  UK_DRAIN_TIMEOUT_MAX_US / 1000000, 0);

/* ------------------------------------------ upkeep_drain_action */

static const char *drain_action_names[]= { "fail", "kill", NULL };
static TYPELIB drain_action_typelib=
{
  2, "drain_action_typelib", drain_action_names, NULL
};

static MYSQL_SYSVAR_ENUM(drain_action, upkeep_drain_action,
  PLUGIN_VAR_RQCMDARG,
  "What entering maintenance does with transactions still writing at "
  "upkeep_drain_timeout: fail (stay out of maintenance, report them) or "
  "kill (KILL CONNECTION each, then enter)",
  upkeep_sysvar_action_check, NULL, 0, &drain_action_typelib);

/* ------------------------------------------ upkeep_definer_routines */

static const char *definers_names[]= { "refuse", "report", "ignore", NULL };
static TYPELIB definers_typelib=
{
  3, "definers_typelib", definers_names, NULL
};

static MYSQL_SYSVAR_ENUM(definer_routines, upkeep_definer_routines,
  PLUGIN_VAR_RQCMDARG,
  "What entering maintenance does when stored procedures run with the "
  "privileges of a definer that holds READ_ONLY ADMIN (they would write "
  "through read_only): refuse (do not enter, name them), report (enter, "
  "with a warning naming them) or ignore (do not look)",
  NULL, NULL, UPKEEP_DEFINERS_REFUSE, &definers_typelib);

/* ------------------------------------------------ patch runs */

/*
  The run of this session, if any: a pointer kept in a session variable
  that is neither shown nor settable (PLUGIN_VAR_NOSYSVAR).  The audit
  hook reads it first; zero means "not in a patch run".
*/
static MYSQL_THDVAR_ULONGLONG(run, PLUGIN_VAR_NOSYSVAR | PLUGIN_VAR_NOCMDOPT,
  "internal: the session's patch run", NULL, NULL, 0, 0, ULLONG_MAX, 0);

static int patch_check(MYSQL_THD thd, struct st_mysql_sys_var *var,
                       void *save, struct st_mysql_value *value);
static void patch_update(MYSQL_THD thd, struct st_mysql_sys_var *var,
                         void *var_ptr, const void *save);
static int status_check(MYSQL_THD thd, struct st_mysql_sys_var *var,
                        void *save, struct st_mysql_value *value);
static void status_update(MYSQL_THD thd, struct st_mysql_sys_var *var,
                          void *var_ptr, const void *save);

static MYSQL_THDVAR_STR(patch, PLUGIN_VAR_RQCMDARG | PLUGIN_VAR_NOCMDOPT,
  "The patch this session is running: a name starts a patch run, '' ends "
  "it (with upkeep_patch_status)",
  patch_check, patch_update, "");

static MYSQL_THDVAR_STR(patch_status, PLUGIN_VAR_RQCMDARG | PLUGIN_VAR_NOCMDOPT,
  "How the session's patch run ends when upkeep_patch is set to '': "
  "succeeded, failed or skipped; back to succeeded after each run",
  status_check, status_update, "succeeded");

static MYSQL_THDVAR_STR(patch_app, PLUGIN_VAR_RQCMDARG | PLUGIN_VAR_NOCMDOPT |
  PLUGIN_VAR_MEMALLOC,
  "The app the next patch runs of this session belong to (optional)",
  upkeep_sysvar_app_check, NULL, "");

static char empty_patch[]= "";

/* ------------------------------------------------ window patches */

/* A connection's window state (window_runs.c): hidden, like run. */
static MYSQL_THDVAR_ULONGLONG(win_gen, PLUGIN_VAR_NOSYSVAR | PLUGIN_VAR_NOCMDOPT,
  "internal: the window generation decided for", NULL, NULL, 0, 0,
  ULLONG_MAX, 0);
static MYSQL_THDVAR_ULONGLONG(win_run, PLUGIN_VAR_NOSYSVAR | PLUGIN_VAR_NOCMDOPT,
  "internal: the session's part in a window run", NULL, NULL, 0, 0,
  ULLONG_MAX, 0);
static MYSQL_THDVAR_ULONGLONG(win_flags,
  PLUGIN_VAR_NOSYSVAR | PLUGIN_VAR_NOCMDOPT,
  "internal: the session's window decision", NULL, NULL, 0, 0, ULLONG_MAX, 0);

static MYSQL_THDVAR_BOOL(window_attribution, PLUGIN_VAR_OPCMDARG,
  "OFF keeps this session's statements out of window patch runs (and "
  "out of the unattributed count)", NULL, NULL, 1);

static upkeep_window_conn window_conn(MYSQL_THD thd)
{
  upkeep_window_conn c;
  c.gen= &THDVAR(thd, win_gen);
  c.run= &THDVAR(thd, win_run);
  c.flags= &THDVAR(thd, win_flags);
  c.attribution= THDVAR(thd, window_attribution);
  return c;
}

static MYSQL_SYSVAR_STR(window_patch, upkeep_window_patch_value,
  PLUGIN_VAR_RQCMDARG | PLUGIN_VAR_NOCMDOPT,
  "Window patches (set by upkeep run): a name opens the window's outer "
  "patch run, to which the statements of every maintainer connection "
  "without a patch of its own are attributed; '' ends the innermost open "
  "run",
  upkeep_sysvar_window_patch_check, upkeep_sysvar_window_patch_update, "");

static MYSQL_SYSVAR_STR(window_step, upkeep_window_step_value,
  PLUGIN_VAR_RQCMDARG | PLUGIN_VAR_NOCMDOPT,
  "A name opens a step (a nested window run) in the open window patch; "
  "'' ends it",
  upkeep_sysvar_window_step_check, upkeep_sysvar_window_step_update, "");

static MYSQL_SYSVAR_STR(window_patch_app, upkeep_window_patch_app_value,
  PLUGIN_VAR_RQCMDARG | PLUGIN_VAR_NOCMDOPT,
  "The app of the window runs opened next (optional)",
  upkeep_sysvar_window_app_check, upkeep_sysvar_window_app_update, "");

static MYSQL_SYSVAR_STR(window_patch_status, upkeep_window_patch_status_value,
  PLUGIN_VAR_RQCMDARG | PLUGIN_VAR_NOCMDOPT,
  "How the next window run to end ends: succeeded, failed or skipped; "
  "back to succeeded after each",
  upkeep_sysvar_window_status_check, upkeep_sysvar_window_status_update,
  "succeeded");

static MYSQL_SYSVAR_STR(window_patch_error, upkeep_window_patch_error_value,
  PLUGIN_VAR_RQCMDARG | PLUGIN_VAR_NOCMDOPT,
  "The runner's error text for the next window run to end (kept in "
  "error_message when no statement error was recorded); then ''",
  upkeep_sysvar_window_error_check, upkeep_sysvar_window_error_update, "");

static MYSQL_SYSVAR_STR(window_account, upkeep_window_account_value,
  PLUGIN_VAR_RQCMDARG | PLUGIN_VAR_NOCMDOPT,
  "'user@host' of an ephemeral account of upkeep run (user name "
  "upkeep_run_...): the plugin drops it when the window ends, or at the "
  "next start with no window",
  upkeep_sysvar_window_account_check, upkeep_sysvar_window_account_update,
  "");

static MYSQL_SYSVAR_LONGLONG(window_slow_ms, upkeep_window_slow_ms,
  PLUGIN_VAR_RQCMDARG,
  "Statements attributed to window runs that take this many milliseconds "
  "or more are logged in upkeep.slow_statements; -1 = as "
  "upkeep_slow_statement_ms",
  NULL, NULL, -1, -1, 86400000LL * 365, 0);

static upkeep_run *session_run(MYSQL_THD thd)
{
  upkeep_run *run= (upkeep_run *) (uintptr_t) THDVAR(thd, run);
  if (run && upkeep_run_dead(run))
  {
    /* from before the plugin was last stopped */
    THDVAR(thd, run)= 0;
    THDVAR(thd, patch)= empty_patch;
    run= NULL;
  }
  return run;
}

/* The three statuses a script may end a run with (static strings). */
static const char *status_value(UkRunStatus st)
{
  return uk_run_status_name(st);
}


static int patch_check(MYSQL_THD thd, struct st_mysql_sys_var *var,
                       void *save, struct st_mysql_value *value)
{
  char buf[512];
  int len= 0;
  const char *s;
  char *copy;
  UkError *err= NULL;

  if (value->value_type(value) != MYSQL_VALUE_TYPE_STRING)
  {
    my_printf_error(ER_WRONG_TYPE_FOR_VAR,
                    "upkeep: upkeep_patch must be a string (a patch name to "
                    "start a run, '' to end it)", MYF(0));
    return 1;
  }
  s= value_string(value, buf, &len);
  if (!s)
    s= "";
  if (len > UK_PATCH_NAME_MAX)
  {
    char detail[96];
    snprintf(detail, sizeof(detail), "%d bytes, at most %d allowed", len,
             UK_PATCH_NAME_MAX);
    return refuse(var, "upkeep: upkeep_patch is too long: %s", detail);
  }
  copy= thd_strmake(thd, s, (size_t) len);
  if (!copy)
    return 1;
  if (len > 0)
  {
    upkeep_run *run= session_run(thd);
    if (strlen(copy) != (size_t) len ||
        uk_patch_name_validate(copy, &err) != UK_OK)
    {
      char detail[600];
      snprintf(detail, sizeof(detail), "%s",
               err ? err->message : "a patch name must not contain NUL");
      uk_error_free(err);
      return refuse(var, "upkeep: upkeep_patch: %s", detail);
    }
    if (run)
    {
      char detail[UK_PATCH_NAME_MAX + 1];
      snprintf(detail, sizeof(detail), "%s", upkeep_run_name(run));
      return refuse(var, "upkeep: patch run '%s' is still active in this "
                    "session; end it first with SET SESSION upkeep_patch = ''",
                    detail);
    }
  }
  *(char **) save= copy;
  return 0;
}

static int status_check(MYSQL_THD thd, struct st_mysql_sys_var *var,
                        void *save, struct st_mysql_value *value)
{
  char buf[64];
  char name[64];
  int len= 0;
  const char *s;
  UkRunStatus st;
  UkError *err= NULL;

  (void) thd;
  s= value_string(value, buf, &len);
  if (!s || len >= (int) sizeof(name))
    return refuse(var, "upkeep: invalid patch status: use succeeded, failed "
                  "or skipped%s", "");
  snprintf(name, sizeof(name), "%.*s", len, s);
  if (strlen(name) != (size_t) len ||
      uk_run_status_parse(name, &st, &err) != UK_OK)
  {
    char detail[600];
    snprintf(detail, sizeof(detail), "%s",
             err ? err->message : "invalid patch status");
    uk_error_free(err);
    return refuse(var, "upkeep: %s", detail);
  }
  *(const char **) save= status_value(st);
  return 0;
}

static void status_update(MYSQL_THD thd, struct st_mysql_sys_var *var,
                          void *var_ptr, const void *save)
{
  UkRunStatus st= UK_RUN_SUCCEEDED;
  const char *v= *(char *const *) save;
  (void) var;
  /* DEFAULT skips the check callback: it is "succeeded" */
  if (v)
    uk_run_status_parse(v, &st, NULL);
  if (var_ptr != (void *) &THDVAR(thd, patch_status))
  {
    *(const char **) var_ptr= status_value(UK_RUN_SUCCEEDED);
    my_printf_error(ER_UNKNOWN_ERROR, "upkeep: upkeep_patch_status is per "
                    "session; SET GLOBAL changes nothing", MYF(ME_WARNING));
    return;
  }
  *(const char **) var_ptr= status_value(st);
  if (!session_run(thd))
    my_printf_error(ER_UNKNOWN_ERROR, "upkeep: no patch run is active in "
                    "this session; the status applies to none",
                    MYF(ME_NOTE));
}


static void patch_update(MYSQL_THD thd, struct st_mysql_sys_var *var,
                         void *var_ptr, const void *save)
{
  const char *name= *(char *const *) save;
  upkeep_run *run= session_run(thd);
  (void) var;

  if (var_ptr != (void *) &THDVAR(thd, patch))
  {
    /* SET GLOBAL: a default for new sessions would start no run */
    *(char **) var_ptr= empty_patch;
    my_printf_error(ER_UNKNOWN_ERROR, "upkeep: upkeep_patch is per session; "
                    "SET GLOBAL changes nothing", MYF(ME_WARNING));
    return;
  }
  if (name && name[0])
  {
    upkeep_window_conn wc;
    if (run)                      /* refused by the check callback */
      return;
    wc= window_conn(thd);
    upkeep_window_forget(&wc);    /* a patch of its own: not attributed */
    run= upkeep_run_start(thd, thd_get_thread_id(thd), name,
                          THDVAR(thd, patch_app));
    if (!run)
    {
      my_printf_error(ER_UNKNOWN_ERROR, "upkeep: out of memory; no patch "
                      "run was started", MYF(ME_WARNING));
      *(char **) var_ptr= empty_patch;
      return;
    }
    THDVAR(thd, run)= (unsigned long long) (uintptr_t) run;
    *(const char **) var_ptr= upkeep_run_name(run);
    THDVAR(thd, patch_status)= (char *) status_value(UK_RUN_SUCCEEDED);
    return;
  }

  if (run)
  {
    UkRunStatus st= UK_RUN_SUCCEEDED;
    const char *v= THDVAR(thd, patch_status);
    if (v && uk_run_status_parse(v, &st, NULL) != UK_OK)
      st= UK_RUN_SUCCEEDED;
    THDVAR(thd, run)= 0;
    upkeep_run_end(run, st, 0);
  }
  else
    my_printf_error(ER_UNKNOWN_ERROR, "upkeep: no patch run is active in "
                    "this session; nothing was changed", MYF(ME_NOTE));
  *(char **) var_ptr= empty_patch;
  THDVAR(thd, patch_status)= (char *) status_value(UK_RUN_SUCCEEDED);
}


static MYSQL_SYSVAR_LONGLONG(slow_statement_ms, upkeep_slow_statement_ms,
  PLUGIN_VAR_RQCMDARG,
  "Statements of a patch run that take this many milliseconds or more are "
  "logged in upkeep.slow_statements; 0 logs every statement, -1 none",
  upkeep_sysvar_slow_check, NULL, 1000, -1, 86400000LL * 365, 0);

static MYSQL_SYSVAR_LONGLONG(patch_log_max_rows, upkeep_patch_log_max_rows,
  PLUGIN_VAR_RQCMDARG,
  "Rows kept in upkeep.patch_runs and in upkeep.slow_statements (each); "
  "the oldest are deleted first, runs still running are kept",
  NULL, NULL, 100000, 100, 1000000000LL, 0);

static MYSQL_SYSVAR_BOOL(audit_on_demand, upkeep_audit_on_demand,
  PLUGIN_VAR_OPCMDARG,
  "Let the server skip building statement events while no patch run is "
  "active, maintenance mode is off and no other audit plugin is loaded "
  "(see the documentation)",
  NULL, upkeep_sysvar_on_demand_update, 1);

static MYSQL_SYSVAR_LONGLONG(deadlock_poll_ms, upkeep_deadlock_poll_ms,
  PLUGIN_VAR_RQCMDARG,
  "Milliseconds between two reads of InnoDB's deadlock counter by the "
  "background thread, which stores each new deadlock in upkeep.deadlocks; "
  "a deadlock error seen while statement events are on wakes it at once",
  NULL, NULL, 200, 10, 60000, 0);

/* ------------------------------------------------ index advisor */

/* When the session's current statement began (monotonic us), for capture. */
static MYSQL_THDVAR_ULONGLONG(adv_start,
  PLUGIN_VAR_NOSYSVAR | PLUGIN_VAR_NOCMDOPT,
  "internal: start of the session's statement", NULL, NULL, 0, 0,
  ULLONG_MAX, 0);

static MYSQL_SYSVAR_BOOL(advise_capture, upkeep_advise_capture,
  PLUGIN_VAR_OPCMDARG,
  "Count the shapes of the SELECT, UPDATE, DELETE and INSERT ... SELECT "
  "statements of every session for the index advisor; ON after OFF starts "
  "afresh.  Makes the server build statement events for every statement",
  NULL, upkeep_sysvar_capture_update, 0);

static MYSQL_SYSVAR_LONGLONG(advise_max_statements,
  upkeep_advise_max_statements, PLUGIN_VAR_RQCMDARG,
  "Statement shapes the index advisor's capture holds at most (each keeps "
  "its first text, up to 8 KB); new shapes beyond are counted in "
  "upkeep_advise_statements_dropped",
  upkeep_sysvar_max_statements_check, NULL, 5000, 10, 100000, 0);

static MYSQL_SYSVAR_LONGLONG(advise_max_indexes, upkeep_advise_max_indexes,
  PLUGIN_VAR_RQCMDARG,
  "Indexes an advise run proposes at most",
  upkeep_sysvar_max_indexes_check, NULL, 10, 1, 100, 0);

static MYSQL_SYSVAR_DOUBLE(advise_min_improvement_pct,
  upkeep_advise_min_improvement_pct, PLUGIN_VAR_RQCMDARG,
  "An advised index must cut the estimated cost of the statements it helps "
  "by at least this many percent",
  upkeep_sysvar_min_improvement_check, NULL, 10, 0, 100, 0);

static MYSQL_SYSVAR_BOOL(advise, upkeep_advise_value,
  PLUGIN_VAR_OPCMDARG | PLUGIN_VAR_NOCMDOPT,
  "ON runs the index advisor on the captured statements in the background "
  "and writes upkeep.index_advice; it turns OFF again when the run is done",
  upkeep_sysvar_advise_check, upkeep_sysvar_advise_update, 0);

static MYSQL_SYSVAR_LONGLONG(deadlock_log_max_rows,
  upkeep_deadlock_log_max_rows, PLUGIN_VAR_RQCMDARG,
  "Rows kept in upkeep.deadlocks (with their members in "
  "upkeep.deadlock_participants); the oldest are deleted first",
  NULL, NULL, 10000, 10, 1000000000LL, 0);

static struct st_mysql_sys_var *upkeep_system_variables[]=
{
  MYSQL_SYSVAR(maintenance),
  MYSQL_SYSVAR(maintenance_reason),
  MYSQL_SYSVAR(expected_duration),
  MYSQL_SYSVAR(drain_timeout),
  MYSQL_SYSVAR(drain_action),
  MYSQL_SYSVAR(definer_routines),
  MYSQL_SYSVAR(run),
  MYSQL_SYSVAR(patch),
  MYSQL_SYSVAR(patch_status),
  MYSQL_SYSVAR(patch_app),
  MYSQL_SYSVAR(slow_statement_ms),
  MYSQL_SYSVAR(patch_log_max_rows),
  MYSQL_SYSVAR(audit_on_demand),
  MYSQL_SYSVAR(deadlock_poll_ms),
  MYSQL_SYSVAR(deadlock_log_max_rows),
  MYSQL_SYSVAR(adv_start),
  MYSQL_SYSVAR(win_gen),
  MYSQL_SYSVAR(win_run),
  MYSQL_SYSVAR(win_flags),
  MYSQL_SYSVAR(window_attribution),
  MYSQL_SYSVAR(window_patch),
  MYSQL_SYSVAR(window_step),
  MYSQL_SYSVAR(window_patch_app),
  MYSQL_SYSVAR(window_patch_status),
  MYSQL_SYSVAR(window_patch_error),
  MYSQL_SYSVAR(window_account),
  MYSQL_SYSVAR(window_slow_ms),
  MYSQL_SYSVAR(advise_capture),
  MYSQL_SYSVAR(advise_max_statements),
  MYSQL_SYSVAR(advise),
  MYSQL_SYSVAR(advise_min_improvement_pct),
  MYSQL_SYSVAR(advise_max_indexes),
  NULL
};

/* ------------------------------------------------ audit hook */

/*
  Called for every statement of every connection (while the server builds
  the events: see upkeep_audit_on_demand): keep it cheap.  Counts writes
  refused by read_only (1290) while upkeep's maintenance mode is on, and
  hands the events of a connection inside a patch run to patchlog.c, and,
  while the index advisor captures, each finished statement to advisor.c.
  upkeep's own connection (thread id 0) is ignored.
*/
static void upkeep_notify(MYSQL_THD thd, unsigned int event_class,
                          const void *event)
{
  upkeep_run *run;

  if (event_class == MYSQL_AUDIT_GENERAL_CLASS)
  {
    const struct mysql_event_general *ev= event;

    if (ev->general_thread_id == 0 || !thd)
      return;
    if (ev->event_subclass == MYSQL_AUDIT_GENERAL_LOG)
      upkeep_drain_gate(thd, ev->general_thread_id, ev->general_query,
                        ev->general_query_length);
    run= session_run(thd);
    if (upkeep_advise_capture_on())
    {
      if (ev->event_subclass == MYSQL_AUDIT_GENERAL_LOG)
        THDVAR(thd, adv_start)= (unsigned long long) upkeep_monotonic_us();
      else if (ev->event_subclass == MYSQL_AUDIT_GENERAL_STATUS)
      {
        unsigned long long t0= THDVAR(thd, adv_start);
        THDVAR(thd, adv_start)= 0;
        upkeep_advise_statement(ev, t0 ? upkeep_monotonic_us() -
                                         (int64_t) t0 : 0);
      }
    }
    if (ev->event_subclass == MYSQL_AUDIT_GENERAL_STATUS &&
        ev->general_error_code)
    {
      if (ev->general_error_code == ER_OPTION_PREVENTS_STATEMENT &&
          __atomic_load_n(&upkeep_stats.active, __ATOMIC_ACQUIRE))
        __atomic_fetch_add(&upkeep_stats.refused_writes, 1,
                           __ATOMIC_RELAXED);
      else if (ev->general_error_code == ER_LOCK_DEADLOCK)
        upkeep_deadlock_victim(ev->general_thread_id,
                               run ? upkeep_run_name(run) : NULL);
    }
    if (run)
      upkeep_run_general(thd, run, ev);
    else
    {
      /* window patches: one atomic read when no window is active */
      uint64_t gen= upkeep_window_generation();
      if (gen || THDVAR(thd, win_run))
      {
        upkeep_window_conn wc= window_conn(thd);
        upkeep_window_general(thd, ev, gen, &wc);
      }
    }
    return;
  }
  if (event_class == MYSQL_AUDIT_CONNECTION_CLASS)
  {
    const struct mysql_event_connection *ev= event;

    if (ev->event_subclass != MYSQL_AUDIT_CONNECTION_DISCONNECT &&
        ev->event_subclass != MYSQL_AUDIT_CONNECTION_CHANGE_USER)
      return;
    if (thd && session_run(thd))
    {
      /* a new user or the end: the session's run is aborted */
      THDVAR(thd, run)= 0;
      THDVAR(thd, patch)= empty_patch;
    }
    if (thd)
    {
      /* its part in a window run goes with it (freed below) */
      THDVAR(thd, win_run)= 0;
      THDVAR(thd, win_gen)= 0;
      THDVAR(thd, win_flags)= 0;
    }
    if (upkeep_runs_active())
      upkeep_run_connection_gone(ev->thread_id);
  }
}

static struct st_mysql_audit upkeep_audit_descriptor=
{
  MYSQL_AUDIT_INTERFACE_VERSION,
  NULL,
  upkeep_notify,
  { MYSQL_AUDIT_GENERAL_CLASSMASK | MYSQL_AUDIT_CONNECTION_CLASSMASK }
};

/* ------------------------------------------------ init / deinit */

static int upkeep_init(void *p)
{
  (void) p;
  /* an earlier instance, uninstalled while busy, may still be stopping */
  if (upkeep_worker_gone())
    return 1;
  /* the reason given in the configuration, if valid */
  reason_shown[0]= '\0';
  if (reason_value && reason_value[0])
  {
    UkError *err= NULL;
    if (strlen(reason_value) <= UK_REASON_MAX &&
        uk_reason_validate(reason_value, &err) == UK_OK)
      snprintf(reason_shown, sizeof(reason_shown), "%s", reason_value);
    else
      upkeep_log(UPKEEP_LOG_WARNING, "ignoring upkeep_maintenance_reason "
                 "from the configuration: %s",
                 err ? err->message : "too long");
    uk_error_free(err);
  }
  reason_value= reason_shown;
  upkeep_set_reason_setting(reason_shown);

  if (upkeep_maintenance_init() || upkeep_patchlog_init() ||
      upkeep_window_init() || upkeep_deadlock_init() || upkeep_advisor_init())
    return 1;
  upkeep_maintenance_shown= (my_bool) upkeep_maintenance_is_on();
  if (upkeep_worker_start())
    return 1;
  upkeep_plugin_running= 1;
  return 0;
}

/* What deinit frees, once the worker has stopped. */
static void upkeep_teardown(void)
{
  upkeep_advisor_deinit();
  upkeep_patchlog_deinit();
  upkeep_window_deinit();
  upkeep_maintenance_deinit();
}

static int upkeep_deinit(void *p)
{
  (void) p;
  upkeep_plugin_running= 0;
  upkeep_worker_stop(upkeep_teardown);
  return 0;
}

maria_declare_plugin(upkeep)
{
  MYSQL_AUDIT_PLUGIN,
  &upkeep_audit_descriptor,
  "upkeep",
  "upkeep authors",
  "Maintenance mode for ERP databases (drain, read-only, durable), "
  "patch runs with their slow statements, InnoDB deadlocks, and an index "
  "advisor",
  PLUGIN_LICENSE_GPL,
  upkeep_init,
  upkeep_deinit,
  UPKEEP_VERSION,
  upkeep_status_variables,
  upkeep_system_variables,
  UPKEEP_VERSION_TEXT,
  MariaDB_PLUGIN_MATURITY_STABLE
}
maria_declare_plugin_end;
