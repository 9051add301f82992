/*
  patchlog_writer.c
    Patch runs on MariaDB, the worker side: the tables, and what the
    worker does with the records the connections queue
    (patchlog_capture.c).

  Worker side (upkeep_patchlog_work(), on the worker thread):
    - writes the queued records in one transaction per batch;
    - samples lock waits of connections whose statement in a run has been
      running for LOCKWAIT_MIN_MS or more (see "Lock waits" below);
    - keeps each table at most upkeep_patch_log_max_rows rows, oldest
      first (runs still running are kept).
  Run ids: run_id = base + token, where token counts runs since the plugin
  started and base is MAX(run_id) of upkeep.patch_runs when the worker
  first connected.  Runs still 'running' at that moment belong to a
  previous life of the server: they become 'aborted'.

  Window runs (window_runs.c): many connections share one run, which
  the runner may end before the STATUS event of a statement its child
  already saw the result of.  Their statements are counted when they
  start; a slow statement whose record comes after the run's END adds
  itself to slow_statements, and END takes at least the rows already
  written.

  Lock waits.  MariaDB's audit events say nothing about waits, so the
  worker samples, every LOCKWAIT_POLL_MS, information_schema.PROCESSLIST
  joined with INNODB_TRX for those connections: a connection is waiting
  when InnoDB says LOCK WAIT (row locks) or its state is "Waiting for ...
  lock" (metadata, table and backup locks).  A wait starts at the latest
  known moment it was not waiting yet (the statement's start or the
  previous sample) and ends half way between the last sample that saw it
  and the first that did not (or when the statement ends).  So the figure
  is good to about LOCKWAIT_POLL_MS; a statement that ended before any
  sample covered it has lock_wait_ms NULL (not measured).  Each statement
  sampled counts in upkeep_patch_lock_wait_samples, so that a test (or a
  DBA) can tell that a sample has covered a wait it is looking at.

  Locking: see patchlog_capture.c.  plog_rec_lock is held only to detach
  a batch; plog_reg_lock (then a run's lw_lock) only while sampling.
  Neither is held while SQL runs.
*/

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysql/plugin.h>
#include <mysqld_error.h>

#include "uk_patch.h"
#include "upkeep.h"
#include "patchlog_int.h"
#include "features.h"

#define BATCH_MAX 500             /* records per transaction */
#define LOCKWAIT_MIN_MS 200       /* sample statements running this long */
#define LOCKWAIT_POLL_MS 200
#define RETENTION_EVERY_MS 10000
#define IDLE_WAIT_MS 1000
#define MAX_SAMPLED 512           /* connections per sample */

/* ------------------------------------------------------- worker: tables */

static const char *RUNS_DDL=
  "CREATE TABLE IF NOT EXISTS upkeep.patch_runs ("
  " run_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,"
  " name VARCHAR(256) NOT NULL,"
  " app VARCHAR(64) NULL,"
  " `database` VARCHAR(128) NULL,"
  " username VARCHAR(128) NULL,"
  " pid BIGINT UNSIGNED NOT NULL COMMENT 'connection id',"
  " started_at DATETIME(6) NOT NULL COMMENT 'UTC',"
  " ended_at DATETIME(6) NULL COMMENT 'UTC; NULL while running or unknown',"
  " duration_ms BIGINT NULL,"
  " status VARCHAR(16) NOT NULL"
  "  COMMENT 'running, succeeded, failed, skipped, aborted',"
  " statements BIGINT UNSIGNED NOT NULL DEFAULT 0,"
  " slow_statements BIGINT UNSIGNED NOT NULL DEFAULT 0,"
  " lock_wait_ms BIGINT NULL COMMENT 'NULL = not measured',"
  " error_sqlstate CHAR(5) NULL,"
  " error_code INT NULL,"
  " error_message VARCHAR(2000) NULL,"
  " error_statement TEXT NULL,"
  " window_id BIGINT UNSIGNED NULL"
  "  COMMENT 'a window patch run: the maintenance window; NULL: a session run',"
  " parent_run_id BIGINT UNSIGNED NULL"
  "  COMMENT 'a window step: the outer window run',"
  " KEY status (status),"
  " KEY started_at (started_at)"
  ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
  " COMMENT='upkeep: one row per patch run'";

/* Tables made before window patches (at the end, as in the DDL above). */
static const char *RUNS_MIGRATE=
  "ALTER TABLE upkeep.patch_runs"
  " ADD COLUMN IF NOT EXISTS window_id BIGINT UNSIGNED NULL"
  "  COMMENT 'a window patch run: the maintenance window; NULL: a session run',"
  " ADD COLUMN IF NOT EXISTS parent_run_id BIGINT UNSIGNED NULL"
  "  COMMENT 'a window step: the outer window run'";

static const char *STMTS_DDL=
  "CREATE TABLE IF NOT EXISTS upkeep.slow_statements ("
  " id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,"
  " run_id BIGINT UNSIGNED NOT NULL,"
  " patch VARCHAR(256) NOT NULL,"
  " `database` VARCHAR(128) NULL,"
  " username VARCHAR(128) NULL,"
  " pid BIGINT UNSIGNED NOT NULL COMMENT 'connection id',"
  " started_at DATETIME(6) NOT NULL COMMENT 'UTC',"
  " duration_ms DECIMAL(15,3) NOT NULL,"
  " lock_wait_ms DECIMAL(15,3) NULL COMMENT 'NULL = not measured',"
  " command VARCHAR(32) NOT NULL,"
  " query TEXT NOT NULL,"
  " `rows` BIGINT NULL COMMENT 'NULL: MariaDB does not say',"
  " plan TEXT NULL COMMENT 'always NULL on MariaDB',"
  " error_code INT NULL COMMENT 'the statement failed with this error',"
  " KEY run_id (run_id),"
  " KEY started_at (started_at)"
  ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
  " COMMENT='upkeep: statements of patch runs at or over"
  " upkeep_slow_statement_ms'";

int upkeep_patchlog_bootstrap(upkeep_sql *sql)
{
  char v[32];

  if (upkeep_sql_exec(sql, "%s", RUNS_DDL) ||
      upkeep_sql_exec(sql, "%s", RUNS_MIGRATE) ||
      upkeep_sql_exec(sql, "%s", STMTS_DDL))
    return 1;
  plog_audit_plugins_check(sql);
  if (plog_base_known)
    return 0;
  /* the first connection since the plugin started */
  if (upkeep_sql_value(sql, v, sizeof(v),
        "SELECT COALESCE(MAX(run_id), 0) FROM upkeep.patch_runs"))
    return 1;
  plog_run_id_base= strtoull(v, NULL, 10);
  if (upkeep_sql_exec(sql,
        "UPDATE upkeep.patch_runs r SET r.status = 'aborted',"
        " r.slow_statements = (SELECT COUNT(*) FROM upkeep.slow_statements s"
        " WHERE s.run_id = r.run_id),"
        " r.error_message = COALESCE(r.error_message,"
        " 'the server stopped while the run was active')"
        " WHERE r.status = 'running' AND r.run_id <= %" PRIu64,
        plog_run_id_base))
    return 1;
  plog_base_known= 1;
  return 0;
}

/* ------------------------------------------------------ worker: writing */

static void fmt_time(int64_t us, char *buf, size_t cap)
{
  if (us <= 0)
    snprintf(buf, cap, "NULL");
  else
    snprintf(buf, cap, "FROM_UNIXTIME(%" PRId64 ".%06" PRId64 ")",
             us / 1000000, us % 1000000);
}

/* microseconds as milliseconds with 3 decimals, or NULL when negative */
static void fmt_ms(int64_t us, char *buf, size_t cap)
{
  if (us < 0)
    snprintf(buf, cap, "NULL");
  else
    snprintf(buf, cap, "%" PRId64 ".%03" PRId64, us / 1000, us % 1000);
}

static int write_rec(upkeep_sql *sql, const upkeep_rec *rec)
{
  const UkPatchRec *r= &rec->r;
  uint64_t run_id= plog_run_id_base + r->run_id;
  char t[64], d[48], lw[48];

  switch (r->kind)
  {
  case UK_REC_BEGIN:
  {
    char win[24], parent[24];
    fmt_time(r->at_us, t, sizeof(t));
    if (rec->window_id)
      snprintf(win, sizeof(win), "%" PRIu64, rec->window_id);
    else
      snprintf(win, sizeof(win), "NULL");
    if (rec->parent_token)
      snprintf(parent, sizeof(parent), "%" PRIu64,
               plog_run_id_base + rec->parent_token);
    else
      snprintf(parent, sizeof(parent), "NULL");
    return upkeep_sql_exec(sql,
      "SET STATEMENT sql_mode = '' FOR"
      " INSERT INTO upkeep.patch_runs (run_id, name, app, `database`,"
      " username, pid, started_at, status, window_id, parent_run_id)"
      " VALUES (%" PRIu64 ", %s, %s, %s, %s, %" PRId64 ", %s, 'running',"
      " %s, %s)",
      run_id, upkeep_sql_quote(sql, 0, r->name),
      r->app[0] ? upkeep_sql_quote(sql, 1, r->app) : "NULL",
      r->database[0] ? upkeep_sql_quote(sql, 2, r->database) : "NULL",
      r->username[0] ? upkeep_sql_quote(sql, 3, r->username) : "NULL",
      r->pid, t, win, parent);
  }
  case UK_REC_STMT:
  {
    char err[24];
    fmt_time(r->at_us, t, sizeof(t));
    fmt_ms(r->duration_us, d, sizeof(d));
    fmt_ms(r->lock_wait_us, lw, sizeof(lw));
    if (rec->stmt_error)
      snprintf(err, sizeof(err), "%d", (int) rec->stmt_error);
    else
      snprintf(err, sizeof(err), "NULL");
    return upkeep_sql_exec(sql,
      "SET STATEMENT sql_mode = '' FOR"
      " INSERT INTO upkeep.slow_statements (run_id, patch, `database`,"
      " username, pid, started_at, duration_ms, lock_wait_ms, command, query,"
      " `rows`, plan, error_code)"
      " SELECT run_id, name, COALESCE(%s, `database`), COALESCE(%s, username),"
      " IF(%" PRId64 " > 0, %" PRId64 ", pid), %s, %s, %s, %s, %s,"
      " NULL, NULL, %s FROM upkeep.patch_runs WHERE run_id = %" PRIu64,
      r->database[0] ? upkeep_sql_quote(sql, 2, r->database) : "NULL",
      r->username[0] ? upkeep_sql_quote(sql, 3, r->username) : "NULL",
      r->pid, r->pid, t, d, lw, upkeep_sql_quote(sql, 0, r->command),
      upkeep_sql_quote(sql, 1, r->query), err, run_id) ||
      (rec->shared && upkeep_sql_exec(sql,
        "UPDATE upkeep.patch_runs SET slow_statements = slow_statements + 1"
        " WHERE run_id = %" PRIu64 " AND status <> 'running'", run_id));
  }
  case UK_REC_ERROR:
    return upkeep_sql_exec(sql,
      "SET STATEMENT sql_mode = '' FOR"
      " UPDATE upkeep.patch_runs SET error_sqlstate = %s, error_code = %d,"
      " error_message = %s, error_statement = %s WHERE run_id = %" PRIu64,
      upkeep_sql_quote(sql, 0, r->sqlstate), (int) r->error_code,
      upkeep_sql_quote(sql, 1, r->message), upkeep_sql_quote(sql, 2, r->query),
      run_id);
  case UK_REC_END:
  {
    char lwms[32];
    fmt_time(r->at_us, t, sizeof(t));
    if (r->lock_wait_us < 0)
      snprintf(lwms, sizeof(lwms), "NULL");
    else
      snprintf(lwms, sizeof(lwms), "%" PRId64, r->lock_wait_us / 1000);
    /* the state machine: only a running run ends, once */
    return upkeep_sql_exec(sql,
      "SET STATEMENT sql_mode = '' FOR"
      " UPDATE upkeep.patch_runs SET ended_at = %s,"
      " duration_ms = GREATEST(0, ROUND(TIMESTAMPDIFF(MICROSECOND, started_at,"
      " %s) / 1000)), status = '%s', statements = %" PRIu64 ","
      " slow_statements = GREATEST(%" PRIu64 ", IF(%d, (SELECT COUNT(*)"
      " FROM upkeep.slow_statements s WHERE s.run_id = %" PRIu64 "), 0)),"
      " lock_wait_ms = %s,"
      " error_message = COALESCE(error_message, %s)"
      " WHERE run_id = %" PRIu64 " AND status = 'running'",
      t, t, uk_run_status_name(r->status), r->statements,
      r->slow_statements, rec->shared, run_id, lwms,
      r->message[0] ? upkeep_sql_quote(sql, 0, r->message) : "NULL", run_id);
  }
  }
  return 0;
}

/* Detach up to max records from the queue, in order. */
static upkeep_rec *rec_take(int max, int *n)
{
  upkeep_rec *head, *last;
  int k= 0;

  pthread_mutex_lock(&plog_rec_lock);
  head= last= plog_rec_head;
  if (head)
  {
    k= 1;
    while (k < max && last->next)
    {
      last= last->next;
      k++;
    }
    plog_rec_head= last->next;
    if (!plog_rec_head)
      plog_rec_tail= NULL;
    last->next= NULL;
    plog_rec_count-= k;
    plog_rec_inflight= k;
  }
  pthread_mutex_unlock(&plog_rec_lock);
  *n= k;
  return head;
}

static void free_recs(upkeep_rec *rec)
{
  pthread_mutex_lock(&plog_rec_lock);
  plog_rec_inflight= 0;
  pthread_mutex_unlock(&plog_rec_lock);
  while (rec)
  {
    upkeep_rec *next= rec->next;
    free(rec);
    rec= next;
  }
}

/* Write queued records, one transaction per batch.  0, or 1 on error. */
static int flush_records(upkeep_sql *sql)
{
  for (;;)
  {
    int n;
    upkeep_rec *batch, *rec;
    int failed= 0;

    if (!plog_base_known || upkeep_worker_stopping())
      return 0;
    batch= rec_take(BATCH_MAX, &n);
    if (!batch)
      return 0;
    if (upkeep_sql_exec(sql, "START TRANSACTION"))
      failed= 1;
    for (rec= batch; rec && !failed; rec= rec->next)
      if (write_rec(sql, rec))
        failed= 1;
    if (!failed && upkeep_sql_exec(sql, "COMMIT"))
      failed= 1;
    if (failed)
    {
      unsigned int err= upkeep_sql_errno(sql);
      upkeep_log(UPKEEP_LOG_WARNING, "could not write %d patch run "
                 "record%s: %s", n, n == 1 ? "" : "s", upkeep_sql_error(sql));
      upkeep_sql_exec(sql, "ROLLBACK");
      if (err == ER_NO_SUCH_TABLE || err == ER_BAD_DB_ERROR)
      {
        /* a DBA dropped them: the next batch goes to new ones */
        upkeep_sql_exec(sql, "CREATE DATABASE IF NOT EXISTS upkeep"
                        " DEFAULT CHARACTER SET utf8mb4");
        upkeep_patchlog_bootstrap(sql);
      }
      __atomic_fetch_add(&upkeep_patch_stats.records_dropped,
                         (unsigned long long) n, __ATOMIC_RELAXED);
      free_recs(batch);
      return 1;
    }
    __atomic_fetch_add(&upkeep_patch_stats.records_written,
                       (unsigned long long) n, __ATOMIC_RELAXED);
    plog_since_retention+= n;
    free_recs(batch);
  }
}

/* Keep each table at most upkeep_patch_log_max_rows rows, oldest first. */
static void retention(upkeep_sql *sql)
{
  char v[32];
  unsigned long long max_id;
  long long keep= upkeep_patch_log_max_rows;

  if (upkeep_sql_value(sql, v, sizeof(v),
        "SELECT COALESCE(MAX(id), 0) FROM upkeep.slow_statements") == 0 &&
      (max_id= strtoull(v, NULL, 10)) > (unsigned long long) keep)
    upkeep_sql_exec(sql, "DELETE FROM upkeep.slow_statements WHERE id <= %llu",
                    max_id - (unsigned long long) keep);
  if (upkeep_sql_value(sql, v, sizeof(v),
        "SELECT COUNT(*) FROM upkeep.patch_runs") == 0 &&
      strtoll(v, NULL, 10) > keep)
    upkeep_sql_exec(sql,
      "DELETE FROM upkeep.patch_runs WHERE status <> 'running'"
      " ORDER BY run_id LIMIT %lld", strtoll(v, NULL, 10) - keep);
}

/* ---------------------------------------------------- worker: lock waits */

typedef struct
{
  unsigned long id[MAX_SAMPLED];
  int64_t top[MAX_SAMPLED];       /* the statement sampled (its start) */
  int waiting[MAX_SAMPLED];
  int n;
} sample_set;

static void sample_row(void *arg, unsigned int ncols, char **cols)
{
  sample_set *s= arg;
  unsigned long id;

  if (ncols < 2 || !cols[0])
    return;
  id= strtoul(cols[0], NULL, 10);
  for (int i= 0; i < s->n; i++)
    if (s->id[i] == id)
      s->waiting[i]= cols[1] && strcmp(cols[1], "1") == 0;
}

/* Sample the connections whose statement runs long enough.  */
static void sample_lock_waits(upkeep_sql *sql, int64_t now)
{
  sample_set s;
  char ids[MAX_SAMPLED * 21 + 1];
  size_t len= 0;
  upkeep_run *run;
  int64_t at;

  s.n= 0;
  pthread_mutex_lock(&plog_reg_lock);
  for (run= plog_runs; run && s.n < MAX_SAMPLED; run= run->next)
  {
    int64_t top= __atomic_load_n(&run->top_start_us, __ATOMIC_ACQUIRE);
    if (top && now - top >= LOCKWAIT_MIN_MS * 1000)
    {
      s.id[s.n]= run->thread_id;
      s.top[s.n]= top;
      s.waiting[s.n]= 0;
      len+= (size_t) snprintf(ids + len, sizeof(ids) - len, "%s%lu",
                              s.n ? "," : "", run->thread_id);
      s.n++;
    }
  }
  pthread_mutex_unlock(&plog_reg_lock);
  if (s.n == 0)
    return;

  if (upkeep_sql_rows(sql, sample_row, &s,
        "SELECT p.ID, MAX(p.STATE LIKE 'Waiting for%%lock%%'"
        " OR t.trx_state = 'LOCK WAIT') FROM information_schema.PROCESSLIST p"
        " LEFT JOIN information_schema.INNODB_TRX t"
        " ON t.trx_mysql_thread_id = p.ID WHERE p.ID IN (%s) GROUP BY p.ID",
        ids))
    return;
  at= mono_us();

  pthread_mutex_lock(&plog_reg_lock);
  for (run= plog_runs; run; run= run->next)
  {
    int64_t top= __atomic_load_n(&run->top_start_us, __ATOMIC_ACQUIRE);
    int i;

    for (i= 0; i < s.n && s.id[i] != run->thread_id; i++)
      ;
    if (i == s.n || !top || top != s.top[i])
      continue;                 /* not sampled, or another statement now */
    pthread_mutex_lock(&run->lw_lock);
    if (run->lw_stmt_us != top)
    {
      /* a new statement since the last sample */
      run->lw_stmt_us= top;
      run->lw_last_sample_us= top;
      run->lw_open_start_us= 0;
    }
    if (s.waiting[i])
    {
      if (!run->lw_open_start_us)
        run->lw_open_start_us= run->lw_last_sample_us;
      __atomic_store_n(&run->lw_ever, 1, __ATOMIC_RELEASE);
    }
    else if (run->lw_open_start_us)
    {
      int64_t end= run->lw_last_sample_us + (at - run->lw_last_sample_us) / 2;
      if (end > run->lw_open_start_us)
        run->lw_total_us+= end - run->lw_open_start_us;
      run->lw_open_start_us= 0;
    }
    run->lw_last_sample_us= at;
    __atomic_fetch_add(&run->samples, 1, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&run->lw_lock);
    __atomic_fetch_add(&upkeep_patch_stats.lock_wait_samples, 1,
                       __ATOMIC_RELAXED);
  }
  pthread_mutex_unlock(&plog_reg_lock);
}

/* ------------------------------------------------------- worker: a turn */

long upkeep_patchlog_work(upkeep_sql *sql)
{
  int64_t now_ms= upkeep_monotonic_ms();
  int active;

  plog_audit_plugins_check(sql);
  upkeep_audit_mask_refresh();
  flush_records(sql);
  active= upkeep_runs_active();
  if (active && !upkeep_worker_stopping())
    sample_lock_waits(sql, mono_us());
  if (plog_base_known && !upkeep_worker_stopping() &&
      (plog_since_retention >= 1000 ||
       (plog_since_retention > 0 &&
        now_ms - plog_last_retention_ms >= RETENTION_EVERY_MS)))
  {
    retention(sql);
    plog_since_retention= 0;
    plog_last_retention_ms= now_ms;
  }
  return active ? LOCKWAIT_POLL_MS : IDLE_WAIT_MS;
}

uint64_t upkeep_run_id_of(uint64_t token)
{
  return __atomic_load_n(&plog_base_known, __ATOMIC_ACQUIRE) ?
         __atomic_load_n(&plog_run_id_base, __ATOMIC_RELAXED) + token : 0;
}

long upkeep_patch_records_queued(void)
{
  long n;
  pthread_mutex_lock(&plog_rec_lock);
  n= plog_rec_count + plog_rec_inflight;
  pthread_mutex_unlock(&plog_rec_lock);
  return n;
}

/* The feature (features.h): its work runs first, and during long tasks. */
UPKEEP_FEATURE(patchlog_feature)=
{ "patchlog", 20, upkeep_patchlog_bootstrap, upkeep_patchlog_work,
  1, NULL, NULL,
  NULL /* its own runs: patchlog_audit_mask.c asks plog_runs */ };
