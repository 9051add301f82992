/*
  maintenance_drain.c
    Entering maintenance mode, the part between "draining" and "active":
    the drain of in-flight writers, its gate in the audit hook, and the
    switch-over to read_only = ON.  maintenance_jobs.c's run_enter() closes
    the gate and calls upkeep_drain_and_apply(); the audit hook calls
    upkeep_drain_gate() for every statement (cheap while no drain runs:
    one atomic read).

  InnoDB refreshes what INNODB_TRX shows only when nobody read it during
  the last 100 ms, so the drain polls every 110 ms (a faster poll would
  keep reading the same stale copy), and waits as long before each check
  that must see fresh data.

  Locking: gate_lock, below.  The drain itself runs on the worker thread
  and holds no lock while SQL runs.
*/

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mysql/plugin.h>
#include <mysql/service_kill_statement.h>
#include <mysqld_error.h>

#include "uk_stmt.h"
#include "maintenance_int.h"

#define KILL_WAIT_MS 10000
#define MAX_WRITERS 256         /* tracked per scan; more are still waited for */
#define MAX_SEEN 4096

/* ------------------------------------------------------- the drain's gate */

/*
  While the drain runs, the audit hook holds (delays, never refuses) each
  statement that may write (uk_stmt_txn_role) of a connection that is
  neither exempt (READ_ONLY ADMIN, system threads, the entering
  connection) nor granted.  Granted are the connections the latest scan
  saw with an open transaction that has written: they may go on and
  commit.  A COMMIT, ROLLBACK or BEGIN of a granted connection revokes its
  grant at once, so no new write transaction can start; a scan that no
  longer sees the connection writing revokes it too.  Held statements go
  on when the gate opens: after read_only is on, they get 1290 at
  statement time (nothing of theirs was written), after a failed drain
  they run normally.  The gate only makes the drain converge under a
  steady stream of writers; correctness comes from the switch-over (see
  switch_over()), which does not trust the gate.

  gate_lock protects everything below but gate_closed, which the hook
  reads first without it.  The hook never holds it while it waits.
*/
#define GATE_MAX MAX_SEEN
#define GATE_SLICE_MS 100

static pthread_mutex_t gate_lock= PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cond= PTHREAD_COND_INITIALIZER;
static int gate_closed;
static int64_t gate_until_ms;           /* held statements give up then */
static unsigned long gate_exempt[GATE_MAX];
static int gate_nexempt;
static unsigned long gate_granted[MAX_WRITERS];
static int gate_ngranted;

static int id_in(const unsigned long *ids, int n, unsigned long id)
{
  for (int i= 0; i < n; i++)
    if (ids[i] == id)
      return 1;
  return 0;
}

static struct timespec gate_slice(void)
{
  struct timespec t;

  clock_gettime(CLOCK_REALTIME, &t);
  t.tv_nsec+= GATE_SLICE_MS * 1000000L;
  if (t.tv_nsec >= 1000000000L)
  {
    t.tv_sec++;
    t.tv_nsec-= 1000000000L;
  }
  return t;
}

void upkeep_drain_gate(MYSQL_THD thd, unsigned long id, const char *query,
                       size_t len)
{
  UkTxnRole role;

  if (!__atomic_load_n(&gate_closed, __ATOMIC_ACQUIRE) || !query)
    return;
  role= uk_stmt_txn_role(query, len);
  if (role == UK_TXN_OTHER)
    return;
  pthread_mutex_lock(&gate_lock);
  if (role == UK_TXN_END)
  {
    for (int i= 0; i < gate_ngranted; i++)
      if (gate_granted[i] == id)
        gate_granted[i--]= gate_granted[--gate_ngranted];
  }
  else
  {
    while (gate_closed && !id_in(gate_exempt, gate_nexempt, id) &&
           !id_in(gate_granted, gate_ngranted, id) &&
           thd_kill_level(thd) == THD_IS_NOT_KILLED &&
           upkeep_monotonic_ms() < gate_until_ms)
    {
      struct timespec until= gate_slice();

      pthread_cond_timedwait(&gate_cond, &gate_lock, &until);
    }
  }
  pthread_mutex_unlock(&gate_lock);
}

void upkeep_gate_close(unsigned long self, int64_t until_ms)
{
  pthread_mutex_lock(&gate_lock);
  gate_nexempt= 0;
  gate_exempt[gate_nexempt++]= self;
  gate_ngranted= 0;
  gate_until_ms= until_ms;
  __atomic_store_n(&gate_closed, 1, __ATOMIC_RELEASE);
  pthread_mutex_unlock(&gate_lock);
}

void upkeep_gate_open(void)
{
  pthread_mutex_lock(&gate_lock);
  __atomic_store_n(&gate_closed, 0, __ATOMIC_RELEASE);
  gate_nexempt= 0;
  gate_ngranted= 0;
  pthread_cond_broadcast(&gate_cond);
  pthread_mutex_unlock(&gate_lock);
}

/* ------------------------------------------------------- worker: drain */

typedef struct
{
  unsigned long id;
  unsigned long long trx;
  int idle;                         /* between statements */
} writer;

typedef struct
{
  unsigned long self;               /* the entering connection */
  const char *marker;               /* see scan_writers() */
  int fresh;                        /* the scan saw the marker */
  writer cur[MAX_WRITERS];          /* non-exempt open write transactions */
  int ncur;
  int more;                         /* writers beyond MAX_WRITERS */
  int nidle;                        /* of cur, idle between statements */
  writer seen[MAX_SEEN];
  int nseen;
  unsigned long exempt[MAX_SEEN];   /* READ_ONLY ADMIN or system threads */
  int nexempt;
  unsigned long killed[MAX_WRITERS];
  int nkilled;
} drain_scan;

static void scan_row(void *arg, unsigned int ncols, char **cols)
{
  drain_scan *ds= arg;
  writer w;

  if (ncols < 4 || !cols[0] || !cols[1])
    return;
  if (cols[3] && strcmp(cols[3], "1") == 0)
  {
    ds->fresh= 1;                   /* our own transaction */
    return;
  }
  w.id= strtoul(cols[0], NULL, 10);
  w.trx= strtoull(cols[1], NULL, 10);
  w.idle= cols[2] && strcmp(cols[2], "1") == 0;
  if (w.id == 0 || w.id == ds->self)
    return;
  if (ds->ncur < MAX_WRITERS)
    ds->cur[ds->ncur++]= w;
  else
    ds->more++;
}

static void exempt_row(void *arg, unsigned int ncols, char **cols)
{
  drain_scan *ds= arg;
  if (ncols >= 1 && cols[0] && ds->nexempt < MAX_SEEN)
    ds->exempt[ds->nexempt++]= strtoul(cols[0], NULL, 10);
}

/*
  The connections that may write during maintenance: those of accounts
  that hold READ_ONLY ADMIN (granted directly to the account; a host
  pattern matches like LIKE, as in the grant tables) and the server's own
  threads (replication appliers).
*/
static int read_exempt(upkeep_sql *sql, drain_scan *ds)
{
  ds->nexempt= 0;
  return upkeep_sql_rows(sql, exempt_row, ds,
        "SELECT p.ID FROM information_schema.PROCESSLIST p"
        " WHERE p.USER = 'system user' OR EXISTS ("
        "  SELECT 1 FROM information_schema.USER_PRIVILEGES u"
        "  WHERE u.PRIVILEGE_TYPE = 'READ_ONLY ADMIN'"
        "  AND u.GRANTEE = CONCAT('''', p.USER, '''@''',"
        "   SUBSTRING(u.GRANTEE, CHAR_LENGTH(p.USER) + 5,"
        "    CHAR_LENGTH(u.GRANTEE) - CHAR_LENGTH(p.USER) - 5), '''')"
        "  AND IF(p.HOST LIKE '%%:%%', SUBSTRING(p.HOST, 1, CHAR_LENGTH(p.HOST)"
        "    - LOCATE(':', REVERSE(p.HOST))), p.HOST)"
        "   LIKE SUBSTRING(u.GRANTEE, CHAR_LENGTH(p.USER) + 5,"
        "    CHAR_LENGTH(u.GRANTEE) - CHAR_LENGTH(p.USER) - 5))");
}

/*
  One look: ds->cur holds the open transactions of non-exempt connections
  that have modified rows of a base table.  A transaction that wrote
  temporary tables only holds no InnoDB table lock (trx_tables_locked 0)
  and may commit under read_only: it is not waited for.  The gate's grants
  and exemptions follow what was seen.

  ds->marker, when set, is a string no other statement contains: the
  caller has a transaction open, and ds->fresh says whether the snapshot
  of INNODB_TRX that InnoDB served was taken during this statement (it
  shows the caller's own transaction running this very text).  InnoDB
  serves a copy up to 100 ms old when anybody read the table meanwhile.
  0 on success.
*/
static int scan_writers(upkeep_sql *sql, drain_scan *ds)
{
  const char *m= ds->marker ? ds->marker : "upkeep drain poll";
  int keep= 0;

  ds->ncur= 0;
  ds->more= 0;
  ds->nidle= 0;
  ds->fresh= 0;
  if (upkeep_sql_rows(sql, scan_row, ds,
        "SELECT /* %s */ t.trx_mysql_thread_id, t.trx_id,"
        " IFNULL(p.COMMAND = 'Sleep', 0),"
        " t.trx_mysql_thread_id = CONNECTION_ID()"
        "  AND LOCATE('%s', IFNULL(t.trx_query, '')) > 0"
        " FROM information_schema.INNODB_TRX t"
        " LEFT JOIN information_schema.PROCESSLIST p"
        "  ON p.ID = t.trx_mysql_thread_id"
        " WHERE (t.trx_rows_modified > 0 AND t.trx_tables_locked > 0"
        "  AND t.trx_mysql_thread_id <> 0)"
        " OR LOCATE('%s', IFNULL(t.trx_query, '')) > 0", m, m, m))
    return 1;
  /* after the scan: a writer seen is in PROCESSLIST now, or gone */
  if (read_exempt(sql, ds))
    return 1;
  for (int i= 0; i < ds->ncur; i++)
  {
    writer w= ds->cur[i];
    int known= 0;

    if (id_in(ds->exempt, ds->nexempt, w.id))
      continue;
    ds->cur[keep++]= w;
    ds->nidle+= w.idle;
    for (int j= 0; j < ds->nseen && !known; j++)
      known= ds->seen[j].id == w.id;  /* a connection counts once: InnoDB
                                          may show it under a new trx_id */
    if (!known && ds->nseen < MAX_SEEN)
      ds->seen[ds->nseen++]= w;
  }
  ds->ncur= keep;

  pthread_mutex_lock(&gate_lock);
  gate_nexempt= 0;
  gate_exempt[gate_nexempt++]= ds->self;
  for (int i= 0; i < ds->nexempt && gate_nexempt < GATE_MAX; i++)
    gate_exempt[gate_nexempt++]= ds->exempt[i];
  gate_ngranted= 0;
  for (int i= 0; i < ds->ncur; i++)
    gate_granted[gate_ngranted++]= ds->cur[i].id;
  pthread_cond_broadcast(&gate_cond);
  pthread_mutex_unlock(&gate_lock);
  return 0;
}

static void describe_ids(const drain_scan *ds, const char *prefix, char *out,
                         size_t cap)
{
  size_t len= (size_t) snprintf(out, cap, "%s", prefix);

  for (int i= 0; i < ds->ncur && len < cap; i++)
    len+= (size_t) snprintf(out + len, cap - len, "%s%lu", i ? ", " : "",
                            ds->cur[i].id);
  if (ds->more && len < cap)
    snprintf(out + len, cap - len, " and %d more", ds->more);
}

/* KILL CONNECTION each writer in ds->cur not killed before. */
static void kill_writers(upkeep_sql *sql, drain_scan *ds, drain_result *r)
{
  size_t len= strlen(r->detail);

  for (int i= 0; i < ds->ncur; i++)
  {
    unsigned long id= ds->cur[i].id;

    if (id_in(ds->killed, ds->nkilled, id))
      continue;
    if (ds->nkilled < MAX_WRITERS)
      ds->killed[ds->nkilled++]= id;
    if (upkeep_sql_exec(sql, "KILL CONNECTION %lu", id) != 0)
      continue;                     /* gone meanwhile */
    r->terminated++;
    if (len < sizeof(r->detail))
      len+= (size_t) snprintf(r->detail + len, sizeof(r->detail) - len,
                              "%s%lu", len ? ", " : "killed: thread ids ",
                              id);
  }
}

/* Wait until the killed connections' transactions are gone. */
static void wait_killed_gone(upkeep_sql *sql, const drain_scan *ds)
{
  char ids[MAX_WRITERS * 21 + 1];
  size_t len= 0;
  int64_t until= upkeep_monotonic_ms() + KILL_WAIT_MS;
  char v[32];

  if (ds->nkilled == 0)
    return;
  ids[0]= '\0';
  for (int i= 0; i < ds->nkilled; i++)
    len+= (size_t) snprintf(ids + len, sizeof(ids) - len, "%s%lu",
                            i ? "," : "", ds->killed[i]);
  while (upkeep_monotonic_ms() < until && !upkeep_worker_stopping())
  {
    upkeep_worker_sleep_ms(DRAIN_POLL_MS);
    if (upkeep_sql_value(sql, v, sizeof(v),
          "SELECT COUNT(*) FROM information_schema.INNODB_TRX"
          " WHERE trx_mysql_thread_id IN (%s)", ids) ||
        strcmp(v, "0") == 0)
      return;
  }
}

/*
  The switch-over: read_only goes on only at a moment when no
  non-maintainer transaction that has written is open, and none can
  start writing before it is on.

    1. FLUSH TABLES WITH READ LOCK.  It waits for running write
       statements (they hold the backup lock's DML level until they end)
       and then blocks every new write statement and every commit until
       UNLOCK TABLES: from here nothing is written or committed.  It does
       not wait for idle transactions.  lock_wait_timeout 1 s: a long
       write statement makes this attempt fail, not the application wait.
    2. A transaction of our own, then INNODB_TRX read with a marker that
       proves the snapshot was taken now (see scan_writers()): when it
       is stale, the attempt is given up.
    3. If a non-exempt transaction that has written is open: with kill,
       KILL CONNECTION each (their COMMIT is blocked by the lock, and
       fails after it); otherwise UNLOCK TABLES and the drain goes on:
       their COMMIT then runs normally.
    4. SET GLOBAL read_only = ON (allowed to the lock's holder), then
       UNLOCK TABLES.  A write statement that was blocked by the lock or
       comes later reaches the table lock check after read_only is on and
       fails with 1290 there, before writing anything: a transaction can
       no longer gain a written row, so none can fail at COMMIT.

  Returns 0 with read_only on, 1 when not yet (r untouched but for kills),
  2 when the lock could not be had within 1 s, -1 on an SQL error.
*/
static int switch_over(upkeep_sql *sql, drain_scan *ds, int kill,
                       drain_result *r)
{
  char marker[64];
  static unsigned long long seq;
  int rc= -1;

  snprintf(marker, sizeof(marker), "upkeep switch %llx.%llx",
           (unsigned long long) upkeep_monotonic_us(), ++seq);
  if (upkeep_sql_exec(sql, "SET SESSION lock_wait_timeout = 1"))
    return -1;
  if (upkeep_sql_exec(sql, "FLUSH TABLES WITH READ LOCK"))
    return upkeep_sql_errno(sql) == ER_LOCK_WAIT_TIMEOUT ? 2 : -1;

  if (upkeep_sql_exec(sql, "START TRANSACTION WITH CONSISTENT SNAPSHOT"))
    goto unlock;
  ds->marker= marker;
  if (scan_writers(sql, ds))
  {
    ds->marker= NULL;
    upkeep_sql_rollback(sql);
    goto unlock;
  }
  ds->marker= NULL;
  if (upkeep_sql_exec(sql, "ROLLBACK"))
    goto unlock;
  rc= 1;
  if (!ds->fresh)
    goto unlock;
  if (ds->ncur + ds->more > 0)
  {
    if (!kill || ds->more > 0)
      goto unlock;
    kill_writers(sql, ds, r);
  }
  rc= upkeep_maint_read_only_set(sql, 1) ? -1 : 0;

unlock:
  upkeep_sql_cleanup(sql, "UNLOCK TABLES");
  return rc;
}

/*
  The drain, then read_only = ON.  ro_before: read_only before entering.
  The caller has closed the gate.  Returns 0 with read_only on
  (r->outcome clean, waited or terminated) and the gate still closed (the
  caller opens it once the window is active), or 1 with read_only as
  before, the gate open and an error in the job (r->outcome failed).
*/
int upkeep_drain_and_apply(upkeep_sql *sql, upkeep_job *job, int ro_before,
                           drain_result *r)
{
  drain_scan *ds= calloc(1, sizeof(*ds));
  int64_t start= upkeep_monotonic_ms();
  int64_t deadline= start + job->drain_timeout_us / 1000;
  int ro_on= ro_before;
  int timed_out= 0;
  int switched= 0;
  int lock_missed= 0;
  int rc= 1;
  int sw;

  memset(r, 0, sizeof(*r));
  r->outcome= UK_DRAIN_FAILED;
  if (!ds)
  {
    upkeep_maint_job_error(job, ER_UNKNOWN_ERROR, "out of memory");
    return 1;
  }
  ds->self= job->thread_id;     /* the gate was closed by run_enter() */

  for (;;)
  {
    if (upkeep_job_abandoned(job) || upkeep_worker_stopping())
    {
      upkeep_maint_job_error(job, ER_UNKNOWN_ERROR,
                "the SET statement was interrupted during the drain");
      snprintf(r->detail, sizeof(r->detail), "the drain was interrupted");
      goto undo;
    }
    if (scan_writers(sql, ds))
      goto sql_failed;
    /*
      Try to switch when no writer sits idle in its open transaction: one
      that runs a statement now may well be done once the lock is taken.
      After the lock could not be had (a long write statement), only when
      no writer is seen at all: each attempt makes every writer wait.
    */
    if (ds->more == 0 && (lock_missed ? ds->ncur : ds->nidle) == 0)
    {
      upkeep_worker_sleep_ms(DRAIN_POLL_MS);  /* a fresh INNODB_TRX */
      if ((sw= switch_over(sql, ds, 0, r)) < 0)
        goto sql_failed;
      if (sw == 0)
      {
        switched= 1;
        break;
      }
      lock_missed= sw == 2;
    }
    if (upkeep_monotonic_ms() >= deadline)
    {
      timed_out= 1;
      break;
    }
    upkeep_worker_sleep_ms(DRAIN_POLL_MS);
  }

  if (timed_out && job->action == UK_DRAIN_FAIL)
  {
    int n= ds->ncur + ds->more;
    char ids[400];

    if (n == 0)
      snprintf(ids, sizeof(ids), "none left: a statement held the read "
               "lock the switch-over needs");
    else
      describe_ids(ds, "", ids, sizeof(ids));
    snprintf(r->detail, sizeof(r->detail), "still writing: thread ids %s",
             ids);
    upkeep_maint_job_error(job, ER_LOCK_WAIT_TIMEOUT,
              "could not enter maintenance mode: %d write transaction%s "
              "still open after upkeep_drain_timeout (%lld s), thread id%s "
              "%s; maintenance mode is off; retry later, raise "
              "upkeep_drain_timeout, or SET GLOBAL upkeep_drain_action = "
              "'kill'", n, n == 1 ? "" : "s",
              (long long) (job->drain_timeout_us / 1000000),
              n == 1 ? "" : "s", ids);
    goto undo;
  }

  if (timed_out)
  {
    /*
      kill: end the writers, then switch over, killing under the lock
      whatever is open then (at most 3 rounds).  A connection is killed
      once.
    */
    for (int round= 0; round < 3 && !switched; round++)
    {
      kill_writers(sql, ds, r);
      wait_killed_gone(sql, ds);
      upkeep_worker_sleep_ms(DRAIN_POLL_MS);
      if ((sw= switch_over(sql, ds, 1, r)) < 0)
        goto sql_failed;
      switched= sw == 0;
      if (!switched && scan_writers(sql, ds))
        goto sql_failed;
    }
    if (!switched)
    {
      /*
        The lock could not be had (a write statement kept running):
        read_only as such, waiting for running statements, then kill
        what is still open.
      */
      upkeep_sql_exec(sql, "SET SESSION lock_wait_timeout = %lld",
                      (long long) (job->drain_timeout_us / 1000000) + 5);
      if (upkeep_maint_read_only_set(sql, 1))
        goto sql_failed;
      ro_on= 1;
      upkeep_worker_sleep_ms(DRAIN_POLL_MS);
      if (scan_writers(sql, ds))
        goto sql_failed;
      kill_writers(sql, ds, r);
    }
    wait_killed_gone(sql, ds);
  }

  r->elapsed_ms= upkeep_monotonic_ms() - start;
  r->waited= ds->nseen;
  r->outcome= uk_drain_outcome_of(0, r->terminated, ds->nseen);
  rc= 0;
  goto done;

sql_failed:
  upkeep_maint_job_error(job, ER_UNKNOWN_ERROR,
            "could not enter maintenance mode: the drain failed: %s; "
            "maintenance mode is off", upkeep_sql_error(sql));
  snprintf(r->detail, sizeof(r->detail), "error: %s", upkeep_sql_error(sql));

undo:
  if (ro_on && !ro_before && upkeep_maint_read_only_set(sql, 0))
    upkeep_log(UPKEEP_LOG_ERROR,
               "could not set read_only back to OFF after a failed drain: %s",
               upkeep_sql_error(sql));
  r->elapsed_ms= upkeep_monotonic_ms() - start;
  r->waited= ds->nseen;
  r->outcome= uk_drain_outcome_of(1, r->terminated, ds->nseen);
  upkeep_gate_open();

done:
  upkeep_sql_exec(sql, "SET SESSION lock_wait_timeout = DEFAULT");
  free(ds);
  return rc;
}

