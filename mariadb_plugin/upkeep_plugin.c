/*
  upkeep_plugin.c
    The declaration of the MariaDB plugin "upkeep": its system variables
    (validated in their check callbacks), its status variables, the audit
    hook, and init/deinit.  The work is done in maintenance.c (the mode),
    worker.c (the background thread that runs all SQL) and udf.c.

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

#include "upkeep.h"

#define UPKEEP_VERSION 0x0100
#define UPKEEP_VERSION_TEXT "1.0"

long long upkeep_expected_duration= 0;
long long upkeep_drain_timeout= 30;
unsigned long upkeep_drain_action= 0;

static my_bool maintenance_value= 0;
static char *reason_value;
static char reason_shown[UK_REASON_MAX + 1];

/* ------------------------------------------------ value helpers */

/* The value as a string (NULL for SQL NULL); *len its length. */
static const char *value_string(struct st_mysql_value *value, char *buf,
                                int *len)
{
  *len= 0;
  if (value->value_type(value) != MYSQL_VALUE_TYPE_STRING)
    return NULL;
  return value->val_str(value, buf, len);
}

static int refuse(struct st_mysql_sys_var *var, const char *fmt,
                  const char *detail)
{
  (void) var;
  my_printf_error(ER_WRONG_VALUE_FOR_VAR, fmt, MYF(0), detail);
  return 1;
}

/* ------------------------------------------------ upkeep_maintenance */

static int parse_bool(struct st_mysql_value *value, int *out)
{
  char buf[16];
  int len;
  long long n;

  if (value->value_type(value) == MYSQL_VALUE_TYPE_STRING)
  {
    const char *s= value->val_str(value, buf, &len);
    if (!s)
      return 1;
    if ((len == 2 && strncasecmp(s, "on", 2) == 0) ||
        (len == 4 && strncasecmp(s, "true", 4) == 0) ||
        (len == 1 && s[0] == '1'))
      *out= 1;
    else if ((len == 3 && strncasecmp(s, "off", 3) == 0) ||
             (len == 5 && strncasecmp(s, "false", 5) == 0) ||
             (len == 1 && s[0] == '0'))
      *out= 0;
    else
      return 1;
    return 0;
  }
  if (value->value_type(value) != MYSQL_VALUE_TYPE_INT ||
      value->val_int(value, &n) || (n != 0 && n != 1))
    return 1;
  *out= (int) n;
  return 0;
}

static int maintenance_check(MYSQL_THD thd, struct st_mysql_sys_var *var,
                             void *save, struct st_mysql_value *value)
{
  int on;

  if (parse_bool(value, &on))
    return refuse(var, "upkeep: upkeep_maintenance must be ON or OFF%s", "");
  if (upkeep_maintenance_request(thd, on, NULL))
    return 1;
  *(my_bool *) save= (my_bool) upkeep_maintenance_is_on();
  maintenance_value= *(my_bool *) save;
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

static MYSQL_SYSVAR_BOOL(maintenance, maintenance_value,
  PLUGIN_VAR_OPCMDARG | PLUGIN_VAR_NOCMDOPT,
  "Maintenance mode: ON drains open write transactions, then makes the "
  "server read-only for every account without READ_ONLY ADMIN; OFF "
  "restores read_only as it was",
  maintenance_check, maintenance_update, 0);

/* ------------------------------------------ upkeep_maintenance_reason */

static int reason_check(MYSQL_THD thd, struct st_mysql_sys_var *var,
                        void *save, struct st_mysql_value *value)
{
  char buf[256];
  int len= 0;
  const char *s;
  UkError *err= NULL;
  char *copy;

  if (value->value_type(value) != MYSQL_VALUE_TYPE_STRING)
  {
    my_printf_error(ER_WRONG_TYPE_FOR_VAR,
                    "upkeep: upkeep_maintenance_reason must be a string",
                    MYF(0));
    return 1;
  }
  s= value_string(value, buf, &len);
  if (!s)
    s= "";
  if (len > UK_REASON_MAX)
  {
    char detail[96];
    snprintf(detail, sizeof(detail), "%d bytes, at most %d allowed", len,
             UK_REASON_MAX);
    return refuse(var, "upkeep: upkeep_maintenance_reason is too long: %s",
                  detail);
  }
  /* the value's own length: a NUL inside it must not cut it short */
  if (len > 0 && uk_reason_validate_len(s, (size_t) len, &err) != UK_OK)
  {
    char detail[600];
    snprintf(detail, sizeof(detail), "%s", err ? err->message : "invalid");
    uk_error_free(err);
    return refuse(var, "upkeep: %s", detail);
  }
  copy= thd_strmake(thd, s, (size_t) len);
  if (!copy)
    return 1;
  *(char **) save= copy;
  return 0;
}

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
  reason_check, reason_update, "");

/* ------------------------------------------ durations (seconds) */

static int seconds_check(struct st_mysql_sys_var *var, const char *name,
                         int64_t max_us, void *save,
                         struct st_mysql_value *value)
{
  long long n;
  UkError *err= NULL;

  if (value->value_type(value) != MYSQL_VALUE_TYPE_INT ||
      value->val_int(value, &n))
  {
    my_printf_error(ER_WRONG_TYPE_FOR_VAR,
                    "upkeep: %s must be a whole number of seconds", MYF(0),
                    name);
    return 1;
  }
  if ((value->is_unsigned(value) && n < 0) || n > max_us / 1000000)
  {
    /* too large, and maybe too large to count in microseconds */
    char detail[160];
    snprintf(detail, sizeof(detail),
             "%s is too large: %llu seconds, at most %lld allowed", name,
             (unsigned long long) n, (long long) (max_us / 1000000));
    return refuse(var, "upkeep: %s", detail);
  }
  if (n < -(LLONG_MAX / 1000000))
    n= -(LLONG_MAX / 1000000);
  if (uk_duration_validate(name, n * 1000000, max_us, &err) != UK_OK)
  {
    char detail[600];
    snprintf(detail, sizeof(detail), "%s", err ? err->message : "invalid");
    uk_error_free(err);
    return refuse(var, "upkeep: %s", detail);
  }
  *(long long *) save= n;
  return 0;
}

static int expected_check(MYSQL_THD thd, struct st_mysql_sys_var *var,
                          void *save, struct st_mysql_value *value)
{
  (void) thd;
  return seconds_check(var, "upkeep_expected_duration", UK_DURATION_MAX_US,
                       save, value);
}

static int timeout_check(MYSQL_THD thd, struct st_mysql_sys_var *var,
                         void *save, struct st_mysql_value *value)
{
  (void) thd;
  return seconds_check(var, "upkeep_drain_timeout", UK_DRAIN_TIMEOUT_MAX_US,
                       save, value);
}

static MYSQL_SYSVAR_LONGLONG(expected_duration, upkeep_expected_duration,
  PLUGIN_VAR_RQCMDARG,
  "Expected length of the next maintenance window in seconds, shown as its "
  "expected end; 0 = unknown",
  expected_check, NULL, 0, 0, UK_DURATION_MAX_US / 1000000, 0);

static MYSQL_SYSVAR_LONGLONG(drain_timeout, upkeep_drain_timeout,
  PLUGIN_VAR_RQCMDARG,
  "Seconds that entering maintenance waits for open transactions that "
  "modified rows",
  timeout_check, NULL, 30, 0, UK_DRAIN_TIMEOUT_MAX_US / 1000000, 0);

/* ------------------------------------------ upkeep_drain_action */

static const char *drain_action_names[]= { "fail", "kill", NULL };
static TYPELIB drain_action_typelib=
{
  2, "drain_action_typelib", drain_action_names, NULL
};

static int action_check(MYSQL_THD thd, struct st_mysql_sys_var *var,
                        void *save, struct st_mysql_value *value)
{
  char buf[64];
  int len;
  const char *s;
  char name[64];
  UkDrainAction action;
  UkError *err= NULL;
  long long n;

  (void) thd;
  if (value->value_type(value) == MYSQL_VALUE_TYPE_INT)
  {
    if (value->val_int(value, &n) || n < 0 || n > 1)
      return refuse(var, "upkeep: upkeep_drain_action must be 'fail' or "
                    "'kill'%s", "");
    *(unsigned long *) save= (unsigned long) n;
    return 0;
  }
  s= value_string(value, buf, &len);
  if (!s)
    return refuse(var, "upkeep: upkeep_drain_action must be 'fail' or "
                  "'kill'%s", "");
  snprintf(name, sizeof(name), "%.*s", len, s);
  if ((size_t) len >= sizeof(name) || strlen(name) != (size_t) len ||
      uk_drain_action_parse(name, &action, &err) != UK_OK)
  {
    char detail[600];
    snprintf(detail, sizeof(detail), "%s", err ? err->message : "too long");
    uk_error_free(err);
    return refuse(var, "upkeep: upkeep_drain_action: %s; use 'fail' or "
                  "'kill'", detail);
  }
  *(unsigned long *) save= action == UK_DRAIN_TERMINATE ? 1 : 0;
  return 0;
}

static MYSQL_SYSVAR_ENUM(drain_action, upkeep_drain_action,
  PLUGIN_VAR_RQCMDARG,
  "What entering maintenance does with transactions still writing at "
  "upkeep_drain_timeout: fail (stay out of maintenance, report them) or "
  "kill (KILL CONNECTION each, then enter)",
  action_check, NULL, 0, &drain_action_typelib);

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
static int app_check(MYSQL_THD thd, struct st_mysql_sys_var *var,
                     void *save, struct st_mysql_value *value);

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
  app_check, NULL, "");

static char empty_patch[]= "";

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
    if (run)                      /* refused by the check callback */
      return;
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


static int app_check(MYSQL_THD thd, struct st_mysql_sys_var *var,
                     void *save, struct st_mysql_value *value)
{
  char buf[128];
  int len= 0;
  const char *s;
  char *copy;
  UkError *err= NULL;

  s= value_string(value, buf, &len);
  if (!s)
    s= "";
  copy= thd_strmake(thd, s, (size_t) len);
  if (!copy)
    return 1;
  if (strlen(copy) != (size_t) len ||
      uk_patch_app_validate(copy, &err) != UK_OK)
  {
    char detail[600];
    snprintf(detail, sizeof(detail), "%s",
             err ? err->message : "an app name must not contain NUL");
    uk_error_free(err);
    return refuse(var, "upkeep: upkeep_patch_app: %s", detail);
  }
  *(char **) save= copy;
  return 0;
}

static int slow_check(MYSQL_THD thd, struct st_mysql_sys_var *var,
                      void *save, struct st_mysql_value *value)
{
  long long n;
  (void) thd;
  if (value->value_type(value) != MYSQL_VALUE_TYPE_INT ||
      value->val_int(value, &n) || (value->is_unsigned(value) && n < 0) ||
      n < -1 || n > 86400000LL * 365)
    return refuse(var, "upkeep: upkeep_slow_statement_ms must be a whole "
                  "number of milliseconds, 0 (every statement) or -1 "
                  "(none)%s", "");
  *(long long *) save= n;
  return 0;
}

static MYSQL_SYSVAR_LONGLONG(slow_statement_ms, upkeep_slow_statement_ms,
  PLUGIN_VAR_RQCMDARG,
  "Statements of a patch run that take this many milliseconds or more are "
  "logged in upkeep.slow_statements; 0 logs every statement, -1 none",
  slow_check, NULL, 1000, -1, 86400000LL * 365, 0);

static MYSQL_SYSVAR_LONGLONG(patch_log_max_rows, upkeep_patch_log_max_rows,
  PLUGIN_VAR_RQCMDARG,
  "Rows kept in upkeep.patch_runs and in upkeep.slow_statements (each); "
  "the oldest are deleted first, runs still running are kept",
  NULL, NULL, 100000, 100, 1000000000LL, 0);

static void on_demand_update(MYSQL_THD thd, struct st_mysql_sys_var *var,
                             void *var_ptr, const void *save)
{
  (void) thd;
  (void) var;
  *(my_bool *) var_ptr= *(const my_bool *) save;
  upkeep_audit_mask_need();      /* the worker clears it again if it may */
}

static MYSQL_SYSVAR_BOOL(audit_on_demand, upkeep_audit_on_demand,
  PLUGIN_VAR_OPCMDARG,
  "Let the server skip building statement events while no patch run is "
  "active, maintenance mode is off and no other audit plugin is loaded "
  "(see the documentation)",
  NULL, on_demand_update, 1);

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

static void capture_update(MYSQL_THD thd, struct st_mysql_sys_var *var,
                           void *var_ptr, const void *save)
{
  (void) thd;
  (void) var;
  *(my_bool *) var_ptr= *(const my_bool *) save;
  upkeep_advise_capture_set(*(const my_bool *) save);
}

static MYSQL_SYSVAR_BOOL(advise_capture, upkeep_advise_capture,
  PLUGIN_VAR_OPCMDARG,
  "Count the shapes of the SELECT, UPDATE, DELETE and INSERT ... SELECT "
  "statements of every session for the index advisor; ON after OFF starts "
  "afresh.  Makes the server build statement events for every statement",
  NULL, capture_update, 0);

/* A whole number in [min, max], or refuse with the variable's name. */
static int range_check(struct st_mysql_sys_var *var, const char *name,
                       long long min, long long max, void *save,
                       struct st_mysql_value *value)
{
  long long n;
  char detail[200];

  if (value->value_type(value) != MYSQL_VALUE_TYPE_INT ||
      value->val_int(value, &n) || (value->is_unsigned(value) && n < 0) ||
      n < min || n > max)
  {
    snprintf(detail, sizeof(detail), "%s must be a whole number from %lld "
             "to %lld", name, min, max);
    return refuse(var, "upkeep: %s", detail);
  }
  *(long long *) save= n;
  return 0;
}

static int max_statements_check(MYSQL_THD thd, struct st_mysql_sys_var *var,
                                void *save, struct st_mysql_value *value)
{
  (void) thd;
  return range_check(var, "upkeep_advise_max_statements", 10, 100000, save,
                     value);
}

static MYSQL_SYSVAR_LONGLONG(advise_max_statements,
  upkeep_advise_max_statements, PLUGIN_VAR_RQCMDARG,
  "Statement shapes the index advisor's capture holds at most (each keeps "
  "its first text, up to 8 KB); new shapes beyond are counted in "
  "upkeep_advise_statements_dropped",
  max_statements_check, NULL, 5000, 10, 100000, 0);

static int max_indexes_check(MYSQL_THD thd, struct st_mysql_sys_var *var,
                             void *save, struct st_mysql_value *value)
{
  (void) thd;
  return range_check(var, "upkeep_advise_max_indexes", 1, 100, save, value);
}

static MYSQL_SYSVAR_LONGLONG(advise_max_indexes, upkeep_advise_max_indexes,
  PLUGIN_VAR_RQCMDARG,
  "Indexes an advise run proposes at most",
  max_indexes_check, NULL, 10, 1, 100, 0);

static int min_improvement_check(MYSQL_THD thd, struct st_mysql_sys_var *var,
                                 void *save, struct st_mysql_value *value)
{
  double d= -1;
  (void) thd;
  if (value->value_type(value) == MYSQL_VALUE_TYPE_STRING)
  {
    /* a DECIMAL literal (12.5) arrives as a string too */
    char buf[64], text[64], *end;
    int len= 0;
    const char *v= value_string(value, buf, &len);
    if (v && len > 0 && (size_t) len < sizeof(text))
    {
      memcpy(text, v, (size_t) len);
      text[len]= '\0';
      d= strtod(text, &end);
      if (end == text || *end)
        d= -1;
    }
  }
  else if (value->val_real(value, &d))
    d= -1;
  if (!(d >= 0 && d <= 100))
    return refuse(var, "upkeep: upkeep_advise_min_improvement_pct must be a "
                  "number from 0 to 100%s", "");
  *(double *) save= d;
  return 0;
}

static MYSQL_SYSVAR_DOUBLE(advise_min_improvement_pct,
  upkeep_advise_min_improvement_pct, PLUGIN_VAR_RQCMDARG,
  "An advised index must cut the estimated cost of the statements it helps "
  "by at least this many percent",
  min_improvement_check, NULL, 10, 0, 100, 0);

static int advise_check(MYSQL_THD thd, struct st_mysql_sys_var *var,
                        void *save, struct st_mysql_value *value)
{
  int on;
  (void) thd;
  if (parse_bool(value, &on))
    return refuse(var, "upkeep: upkeep_advise must be ON or OFF%s", "");
  if (on && upkeep_advise_busy())
  {
    my_printf_error(ER_UNKNOWN_ERROR, "upkeep: an advise run is already "
                    "under way; wait until upkeep_advise is OFF again",
                    MYF(0));
    return 1;
  }
  *(my_bool *) save= (my_bool) on;
  return 0;
}

/*
  ON asks the background thread for a run; it sets the variable back to
  OFF when the run is over.  OFF changes nothing while a run is under way.
*/
static void advise_update(MYSQL_THD thd, struct st_mysql_sys_var *var,
                          void *var_ptr, const void *save)
{
  (void) thd;
  (void) var;
  if (*(const my_bool *) save)
  {
    *(my_bool *) var_ptr= 1;
    upkeep_advise_request();
    return;
  }
  if (upkeep_advise_busy())
  {
    my_printf_error(ER_UNKNOWN_ERROR, "upkeep: the advise run under way "
                    "goes on; upkeep_advise turns OFF when it is done",
                    MYF(ME_NOTE));
    return;
  }
  *(my_bool *) var_ptr= 0;
}

static MYSQL_SYSVAR_BOOL(advise, upkeep_advise_value,
  PLUGIN_VAR_OPCMDARG | PLUGIN_VAR_NOCMDOPT,
  "ON runs the index advisor on the captured statements in the background "
  "and writes upkeep.index_advice; it turns OFF again when the run is done",
  advise_check, advise_update, 0);

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
  MYSQL_SYSVAR(advise_capture),
  MYSQL_SYSVAR(advise_max_statements),
  MYSQL_SYSVAR(advise),
  MYSQL_SYSVAR(advise_min_improvement_pct),
  MYSQL_SYSVAR(advise_max_indexes),
  NULL
};

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

static struct st_mysql_show_var upkeep_status_variables[]=
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
      upkeep_deadlock_init() || upkeep_advisor_init())
    return 1;
  maintenance_value= (my_bool) upkeep_maintenance_is_on();
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
