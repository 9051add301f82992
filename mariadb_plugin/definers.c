/*
  definers.c
    What would write through read_only during a maintenance window: code
    that runs with the privileges of a definer who holds READ_ONLY ADMIN.

  MariaDB checks read_only against the privileges of the security context
  that runs a statement.  Inside a stored procedure with SQL SECURITY
  DEFINER, and in an event, that is the definer's: a procedure defined by
  root, called by the app's account, writes during the window, and so does
  an event of root's.  Tried on 10.11: stored functions (even SQL SECURITY
  DEFINER ones), views with SQL SECURITY DEFINER and triggers do not
  bypass read_only, because the statement that uses them is checked
  against the caller's privileges first; a definer's default role does not
  count inside the routine, a role as the definer does.

  Events.  Entering maintenance switches the event scheduler off when it
  is ON (it cannot be changed at runtime when DISABLED, and has nothing to
  do when OFF), then waits, within upkeep_drain_timeout, for event
  executions that were already running (they run to their end after the
  scheduler stops), killing them at the timeout when upkeep_drain_action
  is kill.  What was there is recorded in the state file next to read_only
  ("read_only=OFF event_scheduler=ON") and put back on exit.  The server
  starts with its configured event_scheduler: when the plugin starts (a
  restart, or INSTALL SONAME after UNINSTALL) inside a window, the worker
  switches the scheduler off again as soon as it re-applies read_only, and
  the exit turns it back ON if it was ON when the window began or when the
  server started.

  Stored procedures.  Before anything changes, entering looks for
  procedures (and package bodies) with SQL SECURITY DEFINER whose definer,
  an account or a role, holds READ_ONLY ADMIN, and which an account
  without READ_ONLY ADMIN may execute.  upkeep_definer_routines
  says what then happens:
    refuse  (default) maintenance mode is not entered; the error names the
            procedures.  A bypass that is only reported is easy to miss,
            and a window that silently lets the app write breaks the
            promise the window exists for.  The fix is on the DBA's side:
            ALTER PROCEDURE ... SQL SECURITY INVOKER, a definer without
            READ_ONLY ADMIN, or this setting.
    report  enter anyway; a warning on the SET statement and a line in the
            error log name them.
    ignore  do not look.
  The status variable upkeep_definer_routines_found is the number found at
  the last ON.  The check is done once, when entering: during the window
  the app's accounts cannot create or alter a procedure (DDL is refused by
  read_only), nor make a definer of another account; only maintainers can,
  and they are trusted.  The audit hook is not used to catch a CALL during
  the window: it cannot refuse a statement (see ENGINE_NOTES), and killing
  the query from the worker would come after an autocommitted write.

  All functions below run on the worker thread.
*/

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysqld_error.h>

#include "upkeep.h"

#define EVENT_POLL_MS 110
#define LIST_MAX 560                /* bytes of names in a message */

unsigned long upkeep_definer_routines= 0;         /* refuse */
unsigned long long upkeep_definer_routines_found= 0;

/* READ_ONLY ADMIN and EXECUTE in mysql.global_priv's "access" (10.11) */
#define READ_ONLY_ADMIN_BIT "8589934592"
#define EXECUTE_BIT "262144"
#define ACCESS(t) "CAST(JSON_VALUE(" t ".Priv, '$.access') AS UNSIGNED)"
/* the grantee of row t (an account, a role, PUBLIC) lacks READ_ONLY ADMIN */
#define NOT_EXEMPT(t) \
  "NOT EXISTS (SELECT 1 FROM mysql.global_priv x WHERE x.User = " t ".User" \
  " AND x.Host = " t ".Host AND " ACCESS("x") " & " READ_ONLY_ADMIN_BIT \
  " <> 0)"

/* ------------------------------------------------- definer procedures */

typedef struct
{
  unsigned long long n;
  char list[LIST_MAX + 1];
  size_t len;
  int more;
} routine_list;

static void routine_row(void *arg, unsigned int ncols, char **cols)
{
  routine_list *rl= arg;
  int w;

  if (ncols < 1 || !cols[0])
    return;
  rl->n++;
  if (rl->more || rl->len >= LIST_MAX)
  {
    rl->more++;
    return;
  }
  w= snprintf(rl->list + rl->len, sizeof(rl->list) - rl->len, "%s%s",
              rl->len ? ", " : "", cols[0]);
  if (w < 0 || (size_t) w >= sizeof(rl->list) - rl->len)
  {
    rl->list[rl->len]= '\0';      /* does not fit: counted as more */
    rl->more++;
    return;
  }
  rl->len+= (size_t) w;
}

int upkeep_definers_check(upkeep_sql *sql, upkeep_job *job)
{
  routine_list *rl;
  char more[24];

  if (upkeep_definer_routines == UPKEEP_DEFINERS_IGNORE)
    return 0;
  rl= calloc(1, sizeof(*rl));
  if (!rl)
  {
    job->error_code= ER_UNKNOWN_ERROR;
    snprintf(job->message, sizeof(job->message), "upkeep: out of memory");
    return 1;
  }
  /*
    The definer is "user@host" (split at the last '@'), or a role's name.
    Functions are left out: they cannot write through read_only unless a
    definer procedure or an event calls them.  Only procedures that some
    grantee without READ_ONLY ADMIN may EXECUTE (globally, on the schema
    or on the procedure; a role or PUBLIC counts as such a grantee) are
    reported: a procedure only administrators can call is no way around
    the window.
  */
  if (upkeep_sql_rows(sql, routine_row, rl,
        "SELECT CONCAT(r.ROUTINE_SCHEMA, '.', r.ROUTINE_NAME,"
        "  ' (definer ', r.DEFINER, ')')"
        " FROM information_schema.ROUTINES r JOIN mysql.global_priv g"
        "  ON g.User = IF(LOCATE('@', r.DEFINER) = 0, r.DEFINER,"
        "      SUBSTRING(r.DEFINER, 1,"
        "        CHAR_LENGTH(r.DEFINER) - LOCATE('@', REVERSE(r.DEFINER))))"
        "  AND g.Host = IF(LOCATE('@', r.DEFINER) = 0, '',"
        "      SUBSTRING_INDEX(r.DEFINER, '@', -1))"
        " WHERE r.SECURITY_TYPE = 'DEFINER' AND r.ROUTINE_TYPE <> 'FUNCTION'"
        "  AND " ACCESS("g") " & " READ_ONLY_ADMIN_BIT " <> 0"
        "  AND (EXISTS (SELECT 1 FROM mysql.global_priv e"
        "        WHERE " ACCESS("e") " & " EXECUTE_BIT " <> 0"
        "        AND " ACCESS("e") " & " READ_ONLY_ADMIN_BIT " = 0)"
        "   OR EXISTS (SELECT 1 FROM mysql.db d"
        "        WHERE d.Execute_priv = 'Y' AND r.ROUTINE_SCHEMA LIKE d.Db"
        "        AND " NOT_EXEMPT("d") ")"
        "   OR EXISTS (SELECT 1 FROM mysql.procs_priv p"
        "        WHERE p.Db = r.ROUTINE_SCHEMA"
        "        AND p.Routine_name = r.ROUTINE_NAME"
        "        AND p.Routine_type <> 'FUNCTION'"
        "        AND FIND_IN_SET('Execute', p.Proc_priv) > 0"
        "        AND " NOT_EXEMPT("p") "))"
        " ORDER BY r.ROUTINE_SCHEMA, r.ROUTINE_NAME"))
  {
    job->error_code= ER_UNKNOWN_ERROR;
    snprintf(job->message, sizeof(job->message),
             "upkeep: could not enter maintenance mode: looking for definer "
             "procedures: %s; SET GLOBAL upkeep_definer_routines = 'ignore' "
             "skips the check", upkeep_sql_error(sql));
    free(rl);
    return 1;
  }
  __atomic_store_n(&upkeep_definer_routines_found, rl->n, __ATOMIC_RELAXED);
  if (rl->n == 0)
  {
    free(rl);
    return 0;
  }
  more[0]= '\0';
  if (rl->more)
    snprintf(more, sizeof(more), " and %d more", rl->more);

  if (upkeep_definer_routines == UPKEEP_DEFINERS_REFUSE)
  {
    job->error_code= ER_WRONG_VALUE_FOR_VAR;
    snprintf(job->message, sizeof(job->message),
             "upkeep: cannot enter maintenance mode: %llu stored "
             "procedure%s run%s with the privileges of a definer that holds "
             "READ_ONLY ADMIN and would write through read_only when the app "
             "calls %s: %s%s; make %s SQL SECURITY INVOKER, or SET GLOBAL "
             "upkeep_definer_routines = 'report' to enter anyway",
             rl->n, rl->n == 1 ? "" : "s", rl->n == 1 ? "s" : "",
             rl->n == 1 ? "it" : "them", rl->list, more,
             rl->n == 1 ? "it" : "them");
    free(rl);
    return 1;
  }
  snprintf(job->warning, sizeof(job->warning),
           "upkeep: %llu stored procedure%s run%s with the privileges of a "
           "definer that holds READ_ONLY ADMIN and can write during this "
           "maintenance window: %s%s", rl->n, rl->n == 1 ? "" : "s",
           rl->n == 1 ? "s" : "", rl->list, more);
  upkeep_log(UPKEEP_LOG_WARNING, "%s", job->warning + strlen("upkeep: "));
  free(rl);
  return 0;
}

/* ------------------------------------------------------- event scheduler */

int upkeep_events_get(upkeep_sql *sql, char *out, size_t cap)
{
  if (upkeep_sql_value(sql, out, cap, "SELECT @@global.event_scheduler"))
    return 1;
  /* the server shows ON, OFF or DISABLED; a number only if it is odd */
  if (strcmp(out, "1") == 0)
    snprintf(out, cap, "ON");
  else if (strcmp(out, "0") == 0)
    snprintf(out, cap, "OFF");
  return 0;
}

void upkeep_restore_events(const char *restore, char *out, size_t cap)
{
  const char *p= strstr(restore, " event_scheduler=");
  size_t n;

  out[0]= '\0';
  if (!p)
    return;
  p+= strlen(" event_scheduler=");
  n= strcspn(p, " ");
  if (n < cap)
    snprintf(out, cap, "%.*s", (int) n, p);
}

int upkeep_events_off(upkeep_sql *sql, const char *before)
{
  if (strcmp(before, "ON") != 0)
    return 0;
  return upkeep_sql_exec(sql, "SET GLOBAL event_scheduler = OFF");
}

int upkeep_events_restore(upkeep_sql *sql, const char *restore)
{
  char before[16], now[16];

  upkeep_restore_events(restore, before, sizeof(before));
  if (strcmp(before, "ON") != 0)
    return 0;
  if (upkeep_events_get(sql, now, sizeof(now)) == 0 && strcmp(now, "ON") == 0)
    return 0;
  return upkeep_sql_exec(sql, "SET GLOBAL event_scheduler = ON");
}

/*
  Running event executions: threads of the event scheduler's workers show
  COMMAND 'Connect' under the definer's name (a client still logging in
  shows 'unauthenticated user').
*/
typedef struct
{
  int n;
  char ids[400];
  size_t len;
  unsigned long id[64];
  int nid;
} event_threads;

static void event_row(void *arg, unsigned int ncols, char **cols)
{
  event_threads *et= arg;

  if (ncols < 1 || !cols[0])
    return;
  et->n++;
  if (et->nid < (int) (sizeof(et->id) / sizeof(et->id[0])))
    et->id[et->nid++]= strtoul(cols[0], NULL, 10);
  if (et->len < sizeof(et->ids))
    et->len+= (size_t) snprintf(et->ids + et->len, sizeof(et->ids) - et->len,
                                "%s%s", et->len ? ", " : "", cols[0]);
}

static int event_scan(upkeep_sql *sql, unsigned long self, event_threads *et)
{
  memset(et, 0, sizeof(*et));
  return upkeep_sql_rows(sql, event_row, et,
        "SELECT ID FROM information_schema.PROCESSLIST"
        " WHERE COMMAND = 'Connect' AND ID <> %lu AND USER NOT IN"
        "  ('unauthenticated user', 'system user', 'event_scheduler')"
        " ORDER BY ID", self);
}

int upkeep_events_wait(upkeep_sql *sql, upkeep_job *job, int64_t deadline_ms,
                       char *detail, size_t cap)
{
  event_threads et;

  detail[0]= '\0';
  for (;;)
  {
    if (event_scan(sql, job->thread_id, &et))
    {
      job->error_code= ER_UNKNOWN_ERROR;
      snprintf(job->message, sizeof(job->message),
               "upkeep: could not enter maintenance mode: waiting for "
               "running events: %s; maintenance mode is off",
               upkeep_sql_error(sql));
      snprintf(detail, cap, "error: %s", upkeep_sql_error(sql));
      return 1;
    }
    if (et.n == 0)
      return 0;
    if (upkeep_job_abandoned(job) || upkeep_worker_stopping())
    {
      job->error_code= ER_UNKNOWN_ERROR;
      snprintf(job->message, sizeof(job->message),
               "upkeep: the SET statement was interrupted while waiting for "
               "running events");
      snprintf(detail, cap, "the drain was interrupted");
      return 1;
    }
    if (upkeep_monotonic_ms() >= deadline_ms)
      break;
    upkeep_worker_sleep_ms(EVENT_POLL_MS);
  }

  if (job->action == UK_DRAIN_FAIL)
  {
    snprintf(detail, cap, "events still running: thread ids %s", et.ids);
    job->error_code= ER_LOCK_WAIT_TIMEOUT;
    snprintf(job->message, sizeof(job->message),
             "upkeep: could not enter maintenance mode: %d event%s still "
             "running after upkeep_drain_timeout (%lld s), thread id%s %s "
             "(the event scheduler is back as it was); maintenance mode is "
             "off; retry later, raise upkeep_drain_timeout, or SET GLOBAL "
             "upkeep_drain_action = 'kill'", et.n, et.n == 1 ? "" : "s",
             (long long) (job->drain_timeout_us / 1000000),
             et.n == 1 ? "" : "s", et.ids);
    return 1;
  }
  for (int i= 0; i < et.nid; i++)
    upkeep_sql_exec(sql, "KILL CONNECTION %lu", et.id[i]);
  snprintf(detail, cap, "killed events: thread ids %s", et.ids);
  upkeep_log(UPKEEP_LOG_WARNING, "entering maintenance killed %d running "
             "event%s: thread ids %s", et.n, et.n == 1 ? "" : "s", et.ids);
  /* wait for them to go (their transactions roll back) */
  for (int64_t until= upkeep_monotonic_ms() + 10000;
       upkeep_monotonic_ms() < until && !upkeep_worker_stopping();)
  {
    upkeep_worker_sleep_ms(EVENT_POLL_MS);
    if (event_scan(sql, job->thread_id, &et) || et.n == 0)
      break;
  }
  return 0;
}
