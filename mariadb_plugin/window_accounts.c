/*
  window_accounts.c
    Window patches on MariaDB, the worker side: which accounts are
    maintainers (read from the grants for window_runs.c), the registry of
    the runner's ephemeral accounts, and the window's start and end.

  Ephemeral accounts.  upkeep run creates, for one window, an account
  with the grants of the application's account plus READ_ONLY ADMIN
  (user name upkeep_run_<12 hex>) and registers it with
    SET GLOBAL upkeep_window_account = 'upkeep_run_0123456789ab@localhost';
  The registry is the table upkeep.window_accounts (InnoDB, so it
  survives a crash).  The worker runs DROP USER IF EXISTS for each
  account in it when the window ends (upkeep_window_exited(), called by
  the exit job), and when the worker (re)connects with no window active:
  an account never outlives its window, not even when the runner and the
  server were killed.  Only names with the ephemeral prefix are ever
  registered or dropped (uk_account_is_ephemeral(), checked again here).
  The worker's connection does not write the binary log: replicas drop
  the account when the runner drops it itself (its normal end).

  Maintainer accounts: every account that holds READ_ONLY ADMIN or SUPER
  directly (information_schema.USER_PRIVILEGES, the drain's source), read
  when the window begins, before a window run opens, when an account is
  registered, and every REFRESH_MS while the window lasts.

  All of it runs on the worker thread; window_runs.c holds the state.
*/

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysql/plugin.h>
#include <mysqld_error.h>

#include "window_int.h"
#include "features.h"

#define REFRESH_MS 2000

static const char *ACCOUNTS_DDL=
  "CREATE TABLE IF NOT EXISTS upkeep.window_accounts ("
  " user VARCHAR(128) COLLATE utf8mb4_bin NOT NULL,"
  " host VARCHAR(255) COLLATE utf8mb4_bin NOT NULL,"
  " window_id BIGINT UNSIGNED NULL,"
  " registered_at DATETIME(6) NOT NULL COMMENT 'UTC',"
  " PRIMARY KEY (user, host)"
  ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
  " COMMENT='upkeep: ephemeral accounts of upkeep run, dropped when their"
  " window ends'";

static int64_t last_refresh_ms;         /* worker only */

/* The job's error: code and "upkeep: " + the message. */
static void job_error(upkeep_job *job, unsigned int code, const char *what,
                      const char *detail)
{
  job->error_code= code;
  snprintf(job->message, sizeof(job->message), "upkeep: %s%s", what,
           detail ? detail : "");
}

/* --------------------------------------------------- maintainer accounts */

typedef struct
{
  UkAccount *list;
  int n, cap;
  int overflow;
} account_set;

static void account_row(void *arg, unsigned int ncols, char **cols)
{
  account_set *set= arg;
  UkAccount *a;

  if (ncols < 2 || !cols[0] || !cols[1])
    return;
  if (set->n == set->cap)
  {
    int cap= set->cap ? set->cap * 2 : 32;
    UkAccount *grown;
    if (cap > WINDOW_MAINTAINERS_MAX ||
        !(grown= realloc(set->list, sizeof(UkAccount) * (size_t) cap)))
    {
      set->overflow= 1;
      return;
    }
    set->list= grown;
    set->cap= cap;
  }
  a= &set->list[set->n++];
  memset(a, 0, sizeof(*a));
  snprintf(a->user, sizeof(a->user), "%s", cols[0]);
  snprintf(a->host, sizeof(a->host), "%s", cols[1]);
}

/* Read the maintainer accounts into window_runs.c.  0, or 1 (SQL error). */
static int refresh(upkeep_sql *sql)
{
  account_set set= { NULL, 0, 0, 0 };

  /* GRANTEE is 'user'@'host' */
  if (upkeep_sql_rows(sql, account_row, &set,
        "SELECT u, h FROM (SELECT DISTINCT"
        " SUBSTRING(GRANTEE, 2, LOCATE('''@''', GRANTEE) - 2) AS u,"
        " SUBSTRING(GRANTEE, LOCATE('''@''', GRANTEE) + 3,"
        "  CHAR_LENGTH(GRANTEE) - LOCATE('''@''', GRANTEE) - 3) AS h"
        " FROM information_schema.USER_PRIVILEGES"
        " WHERE PRIVILEGE_TYPE IN ('READ_ONLY ADMIN', 'SUPER')) g"
        " ORDER BY u, h"))
  {
    free(set.list);
    return 1;
  }
  if (set.overflow)
    upkeep_log(UPKEEP_LOG_WARNING, "more than %d accounts hold READ_ONLY "
               "ADMIN or SUPER; window patches attribute the connections "
               "of the first %d only", WINDOW_MAINTAINERS_MAX, set.n);
  window_set_maintainers(set.list, set.n);
  free(set.list);
  last_refresh_ms= upkeep_monotonic_ms();
  return 0;
}

/* ----------------------------------------------------- ephemeral accounts */

typedef struct
{
  UkAccount list[64];
  int n;
} drop_set;

static void drop_row(void *arg, unsigned int ncols, char **cols)
{
  drop_set *set= arg;

  if (ncols < 2 || !cols[0] || !cols[1] || set->n == 64)
    return;
  snprintf(set->list[set->n].user, sizeof(set->list[0].user), "%s", cols[0]);
  snprintf(set->list[set->n].host, sizeof(set->list[0].host), "%s", cols[1]);
  set->n++;
}

/* DROP USER every registered account (64 at a time). */
static void drop_registered(upkeep_sql *sql, const char *why)
{
  for (;;)
  {
    drop_set set;
    int done= 0;

    set.n= 0;
    if (upkeep_sql_rows(sql, drop_row, &set,
          "SELECT user, host FROM upkeep.window_accounts ORDER BY user, host"
          " LIMIT 64"))
    {
      upkeep_log(UPKEEP_LOG_WARNING, "could not read upkeep.window_accounts: "
                 "%s", upkeep_sql_error(sql));
      return;
    }
    for (int i= 0; i < set.n; i++)
    {
      const UkAccount *a= &set.list[i];
      const char *u= upkeep_sql_quote(sql, 0, a->user);
      const char *h= upkeep_sql_quote(sql, 1, a->host);

      if (!uk_account_is_ephemeral(a))
        upkeep_log(UPKEEP_LOG_WARNING, "upkeep.window_accounts holds %s@%s, "
                   "which is not an ephemeral account of upkeep run: not "
                   "dropped, forgotten", u, h);
      else if (upkeep_sql_exec(sql, "DROP USER IF EXISTS %s@%s", u, h))
      {
        upkeep_log(UPKEEP_LOG_WARNING, "could not drop the ephemeral "
                   "account %s@%s: %s; it stays registered", u, h,
                   upkeep_sql_error(sql));
        continue;
      }
      else
      {
        __atomic_fetch_add(&upkeep_window_accounts_dropped, 1,
                           __ATOMIC_RELAXED);
        upkeep_log(UPKEEP_LOG_INFO, "dropped the ephemeral account %s@%s (%s)",
                   u, h, why);
      }
      if (upkeep_sql_exec(sql, "DELETE FROM upkeep.window_accounts"
                          " WHERE user = %s AND host = %s", u, h) == 0)
        done++;
    }
    if (set.n < 64 || done == 0)
      return;
  }
}

/* ------------------------------------------------ the window's start, end */

void upkeep_window_entered(upkeep_sql *sql, uint64_t window_id,
                           unsigned long entered_by)
{
  if (refresh(sql))
    upkeep_log(UPKEEP_LOG_WARNING, "could not read the maintainer accounts: "
               "%s; window patches attribute nobody until the next try",
               upkeep_sql_error(sql));
  window_activate(window_id, entered_by);
}

void upkeep_window_exited(upkeep_sql *sql)
{
  window_deactivate();
  drop_registered(sql, "its window ended");
}

void upkeep_window_run_job(upkeep_sql *sql, upkeep_job *job)
{
  if (job->type == UPKEEP_JOB_WINDOW_ACCOUNT)
  {
    if (!window_active_id())
    {
      job_error(job, ER_WRONG_VALUE_FOR_VAR, "no maintenance window is "
                "active; nothing was registered", NULL);
      return;
    }
    if (upkeep_sql_exec(sql,
          "INSERT INTO upkeep.window_accounts (user, host, window_id,"
          " registered_at) VALUES (%s, %s, %" PRIu64 ", UTC_TIMESTAMP(6))"
          " ON DUPLICATE KEY UPDATE window_id = VALUES(window_id)",
          upkeep_sql_quote(sql, 0, job->account.user),
          upkeep_sql_quote(sql, 1, job->account.host), window_active_id()))
    {
      job_error(job, ER_UNKNOWN_ERROR, "could not register the account: ",
                upkeep_sql_error(sql));
      return;
    }
  }
  if (refresh(sql))
    job_error(job, ER_UNKNOWN_ERROR, "could not read the maintainer "
              "accounts: ", upkeep_sql_error(sql));
}

/* ------------------------------------------------------------- worker */

int upkeep_window_bootstrap(upkeep_sql *sql)
{
  upkeep_snapshot snap;

  if (upkeep_sql_exec(sql, "%s", ACCOUNTS_DDL))
    return 1;
  upkeep_maintenance_snapshot(&snap);
  if (strcmp(snap.phase, "off") == 0)
    drop_registered(sql, "no maintenance window is active");
  return 0;
}

long upkeep_window_work(upkeep_sql *sql)
{
  upkeep_snapshot snap;
  int on, taken= window_active_id() != 0;

  upkeep_maintenance_snapshot(&snap);
  on= strcmp(snap.phase, "active") == 0 || strcmp(snap.phase, "starting") == 0;
  if (on && !taken && snap.st.window_id)
    upkeep_window_entered(sql, snap.st.window_id, 0);  /* after a restart */
  else if (taken && strcmp(snap.phase, "off") == 0)
    upkeep_window_exited(sql);          /* ended without the exit job */
  else if (on && upkeep_monotonic_ms() - last_refresh_ms >= REFRESH_MS)
    refresh(sql);
  return 1000;
}

/* The feature (features.h). */
UPKEEP_FEATURE(window_feature)=
{ "window", 30, upkeep_window_bootstrap, upkeep_window_work,
  0, NULL, NULL,
  NULL /* while maintenance is on: it asks */ };
