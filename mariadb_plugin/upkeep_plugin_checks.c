/*
  upkeep_plugin_checks.c
    The check and update callbacks of upkeep's system variables that only
    validate a value (refusing a bad one with a message, nothing changed)
    or hand it on to the feature it belongs to: the maintenance reason and
    durations, the drain action, the patch app, the slow statement
    threshold, statement events on demand, the index advisor's settings.
    The variables themselves are defined in upkeep_plugin.c, which names
    these callbacks; the callbacks that need a variable's storage or a
    session value (upkeep_maintenance, upkeep_patch ...) stay there.

  They run in the connection thread of the SET statement; check callbacks
  must not change anything, update callbacks run under the server's
  global variables lock and never run SQL.
*/

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysql/plugin.h>
#include <mysql/service_my_print_error.h>
#include <mysql/service_thd_alloc.h>
#include <mysqld_error.h>

#include "upkeep_plugin_int.h"

/* ------------------------------------------------ maintenance settings */

int upkeep_sysvar_reason_check(MYSQL_THD thd, struct st_mysql_sys_var *var,
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

int upkeep_sysvar_expected_check(MYSQL_THD thd, struct st_mysql_sys_var *var,
                                 void *save, struct st_mysql_value *value)
{
  (void) thd;
  return seconds_check(var, "upkeep_expected_duration", UK_DURATION_MAX_US,
                       save, value);
}

int upkeep_sysvar_timeout_check(MYSQL_THD thd, struct st_mysql_sys_var *var,
                                void *save, struct st_mysql_value *value)
{
  (void) thd;
  return seconds_check(var, "upkeep_drain_timeout", UK_DRAIN_TIMEOUT_MAX_US,
                       save, value);
}

int upkeep_sysvar_action_check(MYSQL_THD thd, struct st_mysql_sys_var *var,
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

/* ------------------------------------------------ patch runs */

int upkeep_sysvar_app_check(MYSQL_THD thd, struct st_mysql_sys_var *var,
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

int upkeep_sysvar_slow_check(MYSQL_THD thd, struct st_mysql_sys_var *var,
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

void upkeep_sysvar_on_demand_update(MYSQL_THD thd,
                                    struct st_mysql_sys_var *var,
                                    void *var_ptr, const void *save)
{
  (void) thd;
  (void) var;
  *(my_bool *) var_ptr= *(const my_bool *) save;
  upkeep_audit_mask_need();      /* the worker clears it again if it may */
}

/* ------------------------------------------------ index advisor */

void upkeep_sysvar_capture_update(MYSQL_THD thd, struct st_mysql_sys_var *var,
                                  void *var_ptr, const void *save)
{
  (void) thd;
  (void) var;
  *(my_bool *) var_ptr= *(const my_bool *) save;
  upkeep_advise_capture_set(*(const my_bool *) save);
}

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

int upkeep_sysvar_max_statements_check(MYSQL_THD thd,
                                       struct st_mysql_sys_var *var,
                                       void *save,
                                       struct st_mysql_value *value)
{
  (void) thd;
  return range_check(var, "upkeep_advise_max_statements", 10, 100000, save,
                     value);
}

int upkeep_sysvar_max_indexes_check(MYSQL_THD thd,
                                    struct st_mysql_sys_var *var, void *save,
                                    struct st_mysql_value *value)
{
  (void) thd;
  return range_check(var, "upkeep_advise_max_indexes", 1, 100, save, value);
}

int upkeep_sysvar_min_improvement_check(MYSQL_THD thd,
                                        struct st_mysql_sys_var *var,
                                        void *save,
                                        struct st_mysql_value *value)
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

int upkeep_sysvar_advise_check(MYSQL_THD thd, struct st_mysql_sys_var *var,
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
void upkeep_sysvar_advise_update(MYSQL_THD thd, struct st_mysql_sys_var *var,
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
