/*
  window_sysvars.c
    The check and update callbacks of the window patch variables, which
    upkeep_plugin.c declares (all GLOBAL):

      upkeep_window_patch         a name opens the outer window run, ''
                                  ends the innermost open one
      upkeep_window_step          a name opens a step in the open outer
                                  run, '' ends the step
      upkeep_window_patch_app     the app of the runs opened next
      upkeep_window_patch_status  succeeded | failed | skipped: how the
                                  next run ended ends; then succeeded again
      upkeep_window_patch_error   the runner's error text for it; then ''
      upkeep_window_account       'user@host': an ephemeral account of the
                                  runner, dropped when the window ends

  Setting any of them needs what SET GLOBAL needs (SUPER, which the
  server checks before these callbacks run; so the account that gets
  here is a maintainer by the plugin's rule too) and an active window;
  the connection becomes a runner (window_runs.c), never attributed.

  The work is done in the check callbacks, which report its outcome to
  the SET statement: opening and ending runs (no SQL: window_runs.c
  queues records), and jobs for the worker (the maintainer accounts read
  again before a run opens, an account registered).  The update
  callbacks only show the state (the server holds its global variables
  lock while they run).  SET ... = DEFAULT skips the check callback: for
  upkeep_window_patch and _step it opens and ends nothing.
*/

#include <stdio.h>
#include <string.h>

#include <mysql/plugin.h>
#include <mysql/service_my_print_error.h>
#include <mysql/service_thd_alloc.h>
#include <mysqld_error.h>

#include "uk_account.h"
#include "upkeep_plugin_int.h"
#include "window_int.h"

static char app_shown[UK_PATCH_APP_MAX + 1];
static char error_shown[UK_PATCH_MESSAGE_MAX + 1];
static char empty[]= "";
static char succeeded[]= "succeeded";
#define ACCOUNT_TEXT_MAX (2 * (UK_ACCOUNT_USER_MAX + UK_ACCOUNT_HOST_MAX) + 7)

/*
  The storage of the variables (what SELECT @@... shows).  The run names
  and the account point into window_runs.c's buffers, which follow the
  window (they are empty again after it).
*/
char *upkeep_window_patch_value= empty;
char *upkeep_window_step_value= empty;
char *upkeep_window_patch_app_value= app_shown;
char *upkeep_window_patch_status_value= succeeded;
char *upkeep_window_patch_error_value= error_shown;
char *upkeep_window_account_value= empty;

/* What the runner set for the run that ends next (read in a check). */
static UkRunStatus end_status= UK_RUN_SUCCEEDED;

/* The window and the runner's mark; 1 after an error. */
static int window_needed(MYSQL_THD thd, const char *var)
{
  if (!window_active_id())
  {
    my_printf_error(ER_WRONG_VALUE_FOR_VAR, "upkeep: %s needs an active "
                    "maintenance window (SET GLOBAL upkeep_maintenance = ON "
                    "first)", MYF(0), var);
    return 1;
  }
  window_mark_runner(thd_get_thread_id(thd));
  return 0;
}

/* A string value copied to the statement's memory; NULL after an error. */
static char *string_value(MYSQL_THD thd, struct st_mysql_value *value,
                          const char *var, int max, int *len)
{
  char buf[512];
  const char *s;
  char *copy;

  if (value->value_type(value) != MYSQL_VALUE_TYPE_STRING)
  {
    my_printf_error(ER_WRONG_TYPE_FOR_VAR, "upkeep: %s must be a string",
                    MYF(0), var);
    return NULL;
  }
  s= value_string(value, buf, len);
  if (!s)
    s= "";
  if (*len > max)
  {
    my_printf_error(ER_WRONG_VALUE_FOR_VAR, "upkeep: %s is too long: %d "
                    "bytes, at most %d allowed", MYF(0), var, *len, max);
    return NULL;
  }
  copy= thd_strmake(thd, s, (size_t) *len);
  if (copy && strlen(copy) != (size_t) *len)
  {
    my_printf_error(ER_WRONG_VALUE_FOR_VAR, "upkeep: %s must not contain "
                    "NUL", MYF(0), var);
    return NULL;
  }
  return copy;
}

/* The worker reads the maintainer accounts again; 1 after an error. */
static int refresh_maintainers(MYSQL_THD thd)
{
  upkeep_job *job= upkeep_job_new(UPKEEP_JOB_WINDOW_REFRESH);
  int rc;

  if (!job)
  {
    my_printf_error(ER_OUT_OF_RESOURCES, "upkeep: out of memory", MYF(0));
    return 1;
  }
  job->thread_id= thd_get_thread_id(thd);
  rc= upkeep_job_run(thd, job, UPKEEP_WAIT_MARGIN_SEC);
  if (rc == 0 && job->error_code)
  {
    my_printf_error(job->error_code, "%s", MYF(0), job->message);
    rc= 1;
  }
  upkeep_job_release(job);
  return rc;
}

/* upkeep_window_patch (step 0) and upkeep_window_step (step 1). */
static int run_check(MYSQL_THD thd, void *save, struct st_mysql_value *value,
                     int step)
{
  const char *var= step ? "upkeep_window_step" : "upkeep_window_patch";
  int len;
  char *name= string_value(thd, value, var, UK_PATCH_NAME_MAX, &len);
  UkError *err= NULL;

  if (!name)
    return 1;
  if (len > 0 && uk_patch_name_validate(name, &err) != UK_OK)
  {
    my_printf_error(ER_WRONG_VALUE_FOR_VAR, "upkeep: %s: %s", MYF(0), var,
                    err ? err->message : "invalid name");
    uk_error_free(err);
    return 1;
  }
  if (window_needed(thd, var))
    return 1;
  if (len > 0)
  {
    if (refresh_maintainers(thd) ||
        window_begin(thd, step, name, app_shown))
      return 1;
  }
  else
  {
    if (window_end(thd, step, end_status, error_shown))
      return 1;
    /* read when a run ends, then reset (the update shows it) */
    end_status= UK_RUN_SUCCEEDED;
    error_shown[0]= '\0';
  }
  *(char **) save= name;
  return 0;
}

/* Show the real state (after DEFAULT too, which opened or ended nothing). */
static void run_update(MYSQL_THD thd, void *var_ptr, const void *save,
                       int step)
{
  const char *v= *(char *const *) save;
  (void) thd;

  *(char **) var_ptr= window_shown(step);
  if (!v || !v[0])
  {
    /* a run ended (or DEFAULT): the next one starts afresh */
    upkeep_window_patch_status_value= succeeded;
    upkeep_window_patch_error_value= error_shown;
  }
}

int upkeep_sysvar_window_patch_check(MYSQL_THD thd,
                                     struct st_mysql_sys_var *var,
                                     void *save, struct st_mysql_value *value)
{
  (void) var;
  return run_check(thd, save, value, 0);
}

void upkeep_sysvar_window_patch_update(MYSQL_THD thd,
                                       struct st_mysql_sys_var *var,
                                       void *var_ptr, const void *save)
{
  (void) var;
  run_update(thd, var_ptr, save, 0);
}

int upkeep_sysvar_window_step_check(MYSQL_THD thd,
                                    struct st_mysql_sys_var *var,
                                    void *save, struct st_mysql_value *value)
{
  (void) var;
  return run_check(thd, save, value, 1);
}

void upkeep_sysvar_window_step_update(MYSQL_THD thd,
                                      struct st_mysql_sys_var *var,
                                      void *var_ptr, const void *save)
{
  (void) var;
  run_update(thd, var_ptr, save, 1);
}

/* ------------------------------------------------ app, status, error */

int upkeep_sysvar_window_app_check(MYSQL_THD thd, struct st_mysql_sys_var *var,
                                   void *save, struct st_mysql_value *value)
{
  int len;
  char *app= string_value(thd, value, "upkeep_window_patch_app",
                          UK_PATCH_APP_MAX, &len);
  UkError *err= NULL;

  (void) var;
  if (!app)
    return 1;
  if (uk_patch_app_validate(app, &err) != UK_OK)
  {
    my_printf_error(ER_WRONG_VALUE_FOR_VAR,
                    "upkeep: upkeep_window_patch_app: %s", MYF(0),
                    err ? err->message : "invalid app name");
    uk_error_free(err);
    return 1;
  }
  if (window_needed(thd, "upkeep_window_patch_app"))
    return 1;
  *(char **) save= app;
  return 0;
}

void upkeep_sysvar_window_app_update(MYSQL_THD thd,
                                     struct st_mysql_sys_var *var,
                                     void *var_ptr, const void *save)
{
  const char *v= *(char *const *) save;
  (void) thd;
  (void) var;
  snprintf(app_shown, sizeof(app_shown), "%s", v ? v : "");
  *(char **) var_ptr= app_shown;
}

int upkeep_sysvar_window_status_check(MYSQL_THD thd,
                                      struct st_mysql_sys_var *var,
                                      void *save,
                                      struct st_mysql_value *value)
{
  char buf[64], name[64];
  int len= 0;
  const char *s= value_string(value, buf, &len);
  UkRunStatus st;
  UkError *err= NULL;

  if (!s || len >= (int) sizeof(name))
    return refuse(var, "upkeep: invalid window patch status: use "
                  "succeeded, failed or skipped%s", "");
  snprintf(name, sizeof(name), "%.*s", len, s);
  if (strlen(name) != (size_t) len ||
      uk_run_status_parse(name, &st, &err) != UK_OK)
  {
    char detail[600];
    snprintf(detail, sizeof(detail), "%s",
             err ? err->message : "invalid status");
    uk_error_free(err);
    return refuse(var, "upkeep: upkeep_window_patch_status: %s", detail);
  }
  if (window_needed(thd, "upkeep_window_patch_status"))
    return 1;
  end_status= st;
  *(const char **) save= uk_run_status_name(st);
  return 0;
}

void upkeep_sysvar_window_status_update(MYSQL_THD thd,
                                        struct st_mysql_sys_var *var,
                                        void *var_ptr, const void *save)
{
  const char *v= *(char *const *) save;
  UkRunStatus st= UK_RUN_SUCCEEDED;
  (void) thd;
  (void) var;
  /* DEFAULT skips the check callback: it is "succeeded" */
  if (v && uk_run_status_parse(v, &st, NULL) != UK_OK)
    st= UK_RUN_SUCCEEDED;
  end_status= st;
  *(const char **) var_ptr= uk_run_status_name(st);
}

int upkeep_sysvar_window_error_check(MYSQL_THD thd,
                                     struct st_mysql_sys_var *var,
                                     void *save, struct st_mysql_value *value)
{
  int len;
  char *text= string_value(thd, value, "upkeep_window_patch_error",
                           UK_PATCH_MESSAGE_MAX, &len);

  (void) var;
  if (!text)
    return 1;
  if (!uk_utf8_valid(text, (size_t) len))
    return refuse(var, "upkeep: upkeep_window_patch_error is not valid "
                  "UTF-8%s", "");
  if (window_needed(thd, "upkeep_window_patch_error"))
    return 1;
  *(char **) save= text;
  return 0;
}

void upkeep_sysvar_window_error_update(MYSQL_THD thd,
                                       struct st_mysql_sys_var *var,
                                       void *var_ptr, const void *save)
{
  const char *v= *(char *const *) save;
  (void) thd;
  (void) var;
  snprintf(error_shown, sizeof(error_shown), "%s", v ? v : "");
  *(char **) var_ptr= error_shown;
}

/* ------------------------------------------------------------ account */

int upkeep_sysvar_window_account_check(MYSQL_THD thd,
                                       struct st_mysql_sys_var *var,
                                       void *save,
                                       struct st_mysql_value *value)
{
  int len, rc;
  char *text= string_value(thd, value, "upkeep_window_account",
                           ACCOUNT_TEXT_MAX, &len);
  upkeep_job *job;
  UkAccount acct;
  UkError *err= NULL;

  (void) var;
  if (!text)
    return 1;
  if (len == 0)
  {
    /* '' forgets nothing: an account is dropped when its window ends */
    *(char **) save= text;
    return 0;
  }
  if (uk_account_parse(text, (size_t) len, &acct, &err) != UK_OK)
  {
    my_printf_error(ER_WRONG_VALUE_FOR_VAR, "upkeep: upkeep_window_account: "
                    "%s", MYF(0), err ? err->message : "invalid account");
    uk_error_free(err);
    return 1;
  }
  if (!uk_account_is_ephemeral(&acct))
  {
    char shown[ACCOUNT_TEXT_MAX + 1];
    uk_account_format(&acct, shown, sizeof(shown));
    my_printf_error(ER_WRONG_VALUE_FOR_VAR, "upkeep: upkeep_window_account "
                    "takes only the ephemeral accounts of upkeep run (user "
                    "name %s followed by letters, digits or _); %s is not "
                    "one, and the plugin never drops another account",
                    MYF(0), UK_ACCOUNT_EPHEMERAL_PREFIX, shown);
    return 1;
  }
  if (window_needed(thd, "upkeep_window_account"))
    return 1;
  if (!(job= upkeep_job_new(UPKEEP_JOB_WINDOW_ACCOUNT)))
  {
    my_printf_error(ER_OUT_OF_RESOURCES, "upkeep: out of memory", MYF(0));
    return 1;
  }
  job->thread_id= thd_get_thread_id(thd);
  job->account= acct;
  rc= upkeep_job_run(thd, job, UPKEEP_WAIT_MARGIN_SEC);
  if (rc == 0 && job->error_code)
  {
    my_printf_error(job->error_code, "%s", MYF(0), job->message);
    rc= 1;
  }
  upkeep_job_release(job);
  if (rc)
    return 1;
  {
    /* shown as the plugin understood it */
    char shown[ACCOUNT_TEXT_MAX + 1];
    size_t n= uk_account_format(&acct, shown, sizeof(shown));
    *(char **) save= thd_strmake(thd, shown, n);
  }
  return 0;
}

void upkeep_sysvar_window_account_update(MYSQL_THD thd,
                                         struct st_mysql_sys_var *var,
                                         void *var_ptr, const void *save)
{
  const char *v= *(char *const *) save;
  (void) thd;
  (void) var;
  if (v && v[0])
    window_shown_set_account(v);        /* '' forgets nothing */
  *(char **) var_ptr= window_shown(2);
}
