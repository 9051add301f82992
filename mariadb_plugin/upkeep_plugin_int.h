/*
  upkeep_plugin_int.h
    Internals shared by the files of the plugin's declaration:

      upkeep_plugin.c         the system variables' definitions (and the
                              callbacks that need their storage or session
                              values), the audit hook, init/deinit, the
                              plugin declaration
      upkeep_plugin_checks.c  the check and update callbacks that only
                              validate a value or hand it on
      upkeep_plugin_status.c  the status variables (SHOW STATUS)
      window_sysvars.c        the callbacks of the upkeep_window_*
                              variables (window patches)

  No SQL runs in any callback here (see upkeep.h).
*/

#ifndef UPKEEP_PLUGIN_INT_H
#define UPKEEP_PLUGIN_INT_H

#include <string.h>
#include <strings.h>

#include <mysql/plugin.h>
#include <mysql/service_my_print_error.h>
#include <mysqld_error.h>

#include "upkeep.h"

/* ---- value helpers of the check callbacks ---- */

/* The value as a string (NULL for SQL NULL); *len its length. */
static inline const char *value_string(struct st_mysql_value *value,
                                       char *buf, int *len)
{
  *len= 0;
  if (value->value_type(value) != MYSQL_VALUE_TYPE_STRING)
    return NULL;
  return value->val_str(value, buf, len);
}

static inline int refuse(struct st_mysql_sys_var *var, const char *fmt,
                         const char *detail)
{
  (void) var;
  my_printf_error(ER_WRONG_VALUE_FOR_VAR, fmt, MYF(0), detail);
  return 1;
}

static inline int parse_bool(struct st_mysql_value *value, int *out)
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

/* ---- upkeep_plugin_checks.c: callbacks named in upkeep_plugin.c ---- */

int upkeep_sysvar_reason_check(MYSQL_THD thd, struct st_mysql_sys_var *var,
                               void *save, struct st_mysql_value *value);
int upkeep_sysvar_expected_check(MYSQL_THD thd, struct st_mysql_sys_var *var,
                                 void *save, struct st_mysql_value *value);
int upkeep_sysvar_timeout_check(MYSQL_THD thd, struct st_mysql_sys_var *var,
                                void *save, struct st_mysql_value *value);
int upkeep_sysvar_action_check(MYSQL_THD thd, struct st_mysql_sys_var *var,
                               void *save, struct st_mysql_value *value);
int upkeep_sysvar_app_check(MYSQL_THD thd, struct st_mysql_sys_var *var,
                            void *save, struct st_mysql_value *value);
int upkeep_sysvar_slow_check(MYSQL_THD thd, struct st_mysql_sys_var *var,
                             void *save, struct st_mysql_value *value);
void upkeep_sysvar_on_demand_update(MYSQL_THD thd,
                                    struct st_mysql_sys_var *var,
                                    void *var_ptr, const void *save);
void upkeep_sysvar_capture_update(MYSQL_THD thd, struct st_mysql_sys_var *var,
                                  void *var_ptr, const void *save);
int upkeep_sysvar_max_statements_check(MYSQL_THD thd,
                                       struct st_mysql_sys_var *var,
                                       void *save,
                                       struct st_mysql_value *value);
int upkeep_sysvar_max_indexes_check(MYSQL_THD thd,
                                    struct st_mysql_sys_var *var, void *save,
                                    struct st_mysql_value *value);
int upkeep_sysvar_min_improvement_check(MYSQL_THD thd,
                                        struct st_mysql_sys_var *var,
                                        void *save,
                                        struct st_mysql_value *value);
int upkeep_sysvar_advise_check(MYSQL_THD thd, struct st_mysql_sys_var *var,
                               void *save, struct st_mysql_value *value);
void upkeep_sysvar_advise_update(MYSQL_THD thd, struct st_mysql_sys_var *var,
                                 void *var_ptr, const void *save);

/* ---- window_sysvars.c: the window patch variables ---- */

extern char *upkeep_window_patch_value;
extern char *upkeep_window_step_value;
extern char *upkeep_window_patch_app_value;
extern char *upkeep_window_patch_status_value;
extern char *upkeep_window_patch_error_value;
extern char *upkeep_window_account_value;

#define UPKEEP_WINDOW_CALLBACKS(name)                                      \
  int upkeep_sysvar_window_##name##_check(MYSQL_THD thd,                   \
        struct st_mysql_sys_var *var, void *save,                          \
        struct st_mysql_value *value);                                     \
  void upkeep_sysvar_window_##name##_update(MYSQL_THD thd,                 \
        struct st_mysql_sys_var *var, void *var_ptr, const void *save);
UPKEEP_WINDOW_CALLBACKS(patch)
UPKEEP_WINDOW_CALLBACKS(step)
UPKEEP_WINDOW_CALLBACKS(app)
UPKEEP_WINDOW_CALLBACKS(status)
UPKEEP_WINDOW_CALLBACKS(error)
UPKEEP_WINDOW_CALLBACKS(account)
#undef UPKEEP_WINDOW_CALLBACKS

/* ---- upkeep_plugin_status.c ---- */

extern struct st_mysql_show_var upkeep_status_variables[];

#endif /* UPKEEP_PLUGIN_INT_H */
