/*
  maintenance.c
    Maintenance mode on MariaDB: the server read-only for every account but
    the maintainers, entered after a drain of in-flight writers, durable
    across restarts and crashes.

  MariaDB's audit API cannot refuse a statement, so upkeep drives the
  server's own read_only: accounts without READ_ONLY ADMIN get error 1290
  (ER_OPTION_PREVENTS_STATEMENT) on every write, and maintainers (accounts
  with READ_ONLY ADMIN) keep writing.

  Entering (SET GLOBAL upkeep_maintenance = ON).  The variable's check
  callback calls upkeep_maintenance_request(), which validates the settings
  and hands an "enter" job to the worker (worker.c), then waits for it.
  The worker:
    1. remembers @@global.read_only,
    2. writes the state file (<datadir>/upkeep_maintenance.state), active,
       with "read_only=<before>" in
       engine_restore (libcommon's uk_state: atomic, fsync'd, checksummed),
       and a row in upkeep.maintenance_log (drain_outcome 'running'),
    3. drains: closes the gate (new write statements of other
       connections are held, see "the drain's gate" below), then polls
       information_schema.INNODB_TRX for open transactions that have
       modified rows of base tables, other than the entering connection's,
       upkeep's own (thread id 0), and those of accounts that hold
       READ_ONLY ADMIN (they may commit during maintenance), until none
       sits idle or upkeep_drain_timeout passes,
    4. switches over (switch_over()): under FLUSH TABLES WITH READ LOCK,
       a fresh look at INNODB_TRX; read_only = ON only if no such
       transaction is open, else the lock goes and the drain goes on,
    5. at the timeout, with upkeep_drain_action = fail: read_only as it was,
       the state file inactive, and an error to the SET statement naming
       the blocking thread ids; with kill: KILL CONNECTION each (their
       transactions roll back), then the switch-over, killing under its
       lock what is still open.
  InnoDB refreshes what INNODB_TRX shows only when nobody read it during
  the last 100 ms, so the drain polls every 110 ms (a faster poll would
  keep reading the same stale copy), and waits as long before each check
  that must see fresh data.

  Exiting (OFF) sets read_only back to the value saved in the state file,
  writes the state file inactive and completes the log row.  Nothing else
  of the server's configuration is touched, ever.

  Restart.  upkeep_maintenance_init() (plugin init) reads the state file;
  when it says active, the worker sets read_only = ON as soon as the server
  accepts its local connection.  Until then (the server's last steps of
  startup) writes are not refused.  An unreadable state file (damaged, or
  not a regular file) fails safe: the server comes up in maintenance, and
  the read_only to restore on exit is the one the server started with.  So
  does a missing state file while upkeep.maintenance_log shows its newest
  window still open (checked at the worker's first connection, the table
  being InnoDB's).

  Locking: upkeep_lock protects every static below and upkeep_stats'
  non-atomic fields; it is never held while SQL runs or while waiting for
  the worker.  upkeep_stats.active and refused_writes are atomics (the
  audit hook reads them without a lock).
*/

#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mysql/plugin.h>
#include <mysql/service_kill_statement.h>
#include <mysql/service_my_print_error.h>
#include <mysqld_error.h>

#include "uk_file.h"
#include "uk_stmt.h"
#include "upkeep.h"

/* > InnoDB's 100 ms minimum idle time before INNODB_TRX is refreshed */
#define DRAIN_POLL_MS 110
#define KILL_WAIT_MS 10000
#define MAX_WRITERS 256         /* tracked per scan; more are still waited for */
#define MAX_SEEN 4096

upkeep_counters upkeep_stats;

static pthread_mutex_t upkeep_lock= PTHREAD_MUTEX_INITIALIZER;
static upkeep_phase phase;
static UkMaintState cur;              /* the window, or the last one */
static int readonly_applied;          /* read_only set for cur (after start) */
static int transition_busy;           /* an enter or exit is under way */
static int state_unreadable;
static int state_missing;             /* no state file at start: check the log */
static char state_error[512];
static char reason_setting[UK_REASON_MAX + 1];
static char drain_last_outcome[16];

static void gate_open(void);

static const char *LOG_TABLE_DDL=
  "CREATE TABLE IF NOT EXISTS upkeep.maintenance_log ("
  " window_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,"
  " reason VARCHAR(1000) NOT NULL,"
  " entered_by VARCHAR(300) NULL,"
  " entered_at DATETIME(6) NOT NULL COMMENT 'UTC',"
  " expected_end DATETIME(6) NULL COMMENT 'UTC; NULL = not given',"
  " exited_by VARCHAR(300) NULL,"
  " exited_at DATETIME(6) NULL COMMENT 'UTC; NULL = still in maintenance',"
  " refused_writes BIGINT UNSIGNED NOT NULL DEFAULT 0,"
  " drain_outcome VARCHAR(16) NOT NULL"
  "  COMMENT 'running, clean, waited, terminated, failed, interrupted',"
  " drain_ms BIGINT NULL,"
  " drain_waited_for INT NOT NULL DEFAULT 0,"
  " drain_terminated INT NOT NULL DEFAULT 0,"
  " drain_detail VARCHAR(600) NULL,"
  " read_only_before VARCHAR(16) NULL"
  ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
  " COMMENT='upkeep: one row per maintenance window'";

/* ------------------------------------------------------------ counters */

static void set_active_flag(int on)
{
  __atomic_store_n(&upkeep_stats.active, on, __ATOMIC_RELEASE);
}

int upkeep_maintenance_is_on(void)
{
  int on;
  pthread_mutex_lock(&upkeep_lock);
  on= phase != UPKEEP_OFF;
  pthread_mutex_unlock(&upkeep_lock);
  return on;
}

void upkeep_set_reason_setting(const char *reason)
{
  pthread_mutex_lock(&upkeep_lock);
  snprintf(reason_setting, sizeof(reason_setting), "%s", reason ? reason : "");
  pthread_mutex_unlock(&upkeep_lock);
}

void upkeep_maintenance_snapshot(upkeep_snapshot *out)
{
  memset(out, 0, sizeof(*out));
  pthread_mutex_lock(&upkeep_lock);
  out->st= cur;
  switch (phase)
  {
  case UPKEEP_OFF:
    out->phase= "off";
    break;
  case UPKEEP_DRAINING:
    out->phase= "draining";
    break;
  case UPKEEP_ACTIVE:
    out->phase= readonly_applied ? "active" : "starting";
    break;
  }
  out->windows= upkeep_stats.windows;
  out->drain_last_ms= upkeep_stats.drain_last_ms;
  snprintf(out->drain_last_outcome, sizeof(out->drain_last_outcome), "%s",
           drain_last_outcome);
  if (state_unreadable)
    snprintf(out->state_file_error, sizeof(out->state_file_error), "%s",
             state_error);
  pthread_mutex_unlock(&upkeep_lock);
  out->st.refused_writes=
    __atomic_load_n(&upkeep_stats.refused_writes, __ATOMIC_RELAXED);
}

/* ----------------------------------------------------------- state file */

/* Write st durably; on failure a message into msg (cap bytes), 1. */
static int state_save(const UkMaintState *st, char *msg, size_t cap)
{
  UkError *err= NULL;

  if (uk_state_write(UPKEEP_STATE_FILE, st, &err) != UK_OK)
  {
    snprintf(msg, cap, "could not write the state file %s in the data "
             "directory: %s", UPKEEP_STATE_FILE,
             err ? err->message : "unknown error");
    uk_error_free(err);
    return 1;
  }
  return 0;
}

int upkeep_maintenance_init(void)
{
  UkError *err= NULL;
  UkStatus rc;

  pthread_mutex_lock(&upkeep_lock);
  phase= UPKEEP_OFF;
  readonly_applied= 0;
  transition_busy= 0;
  state_unreadable= 0;
  state_error[0]= '\0';
  drain_last_outcome[0]= '\0';
  uk_state_init(&cur);
  upkeep_stats.windows= 0;
  upkeep_stats.drain_last_ms= -1;
  upkeep_stats.worker_ready= 0;
  __atomic_store_n(&upkeep_stats.refused_writes, 0, __ATOMIC_RELAXED);
  set_active_flag(0);

  state_missing= 0;
  rc= uk_state_read(UPKEEP_STATE_FILE, &cur, &err);
  if (rc == UK_ERR_NOT_FOUND)
  {
    uk_state_init(&cur);
    state_missing= 1;           /* upkeep_maintenance_bootstrap() checks the log */
  }
  else if (rc != UK_OK)
  {
    /* fail safe: in maintenance until a DBA ends it */
    state_unreadable= 1;
    snprintf(state_error, sizeof(state_error), "%s",
             err ? err->message : "unknown error");
    uk_state_init(&cur);
    cur.active= true;
    cur.window_id= 0;             /* the worker picks a fresh id */
    cur.started_at_us= upkeep_now_us();
    snprintf(cur.reason, sizeof(cur.reason),
             "the upkeep state file is unreadable (%s); read-only for safety "
             "until a DBA sets upkeep_maintenance = OFF", state_error);
    upkeep_log(UPKEEP_LOG_ERROR,
               "could not read the state file %s: %s; the server stays in "
               "maintenance mode (read-only) for safety; check the file, then "
               "SET GLOBAL upkeep_maintenance = OFF", UPKEEP_STATE_FILE,
               state_error);
  }
  uk_error_free(err);

  if (cur.active)
  {
    phase= UPKEEP_ACTIVE;
    __atomic_store_n(&upkeep_stats.refused_writes, cur.refused_writes,
                     __ATOMIC_RELAXED);
    if (!state_unreadable)
      upkeep_log(UPKEEP_LOG_INFO,
                 "the server is in maintenance mode (window %" PRIu64 "): %s; "
                 "read_only is re-applied as soon as the server accepts "
                 "connections", cur.window_id, cur.reason);
  }
  pthread_mutex_unlock(&upkeep_lock);
  return 0;
}

void upkeep_maintenance_deinit(void)
{
  upkeep_maintenance_idle();        /* the worker has stopped: no race */
  set_active_flag(0);
  gate_open();                      /* nothing stays held */
}

/* --------------------------------------------------- requests (callers) */

/* Report a libcommon validation error to the SET statement. */
static int report_invalid(UkError *err, const char *hint)
{
  my_printf_error(ER_WRONG_VALUE_FOR_VAR,
                  "upkeep: cannot enter maintenance mode: %s%s", MYF(0),
                  err ? err->message : "invalid setting", hint ? hint : "");
  uk_error_free(err);
  return 1;
}

int upkeep_maintenance_request(MYSQL_THD thd, int on, const char *reason_arg)
{
  upkeep_job *job;
  UkError *err= NULL;
  long long wait_sec;
  int rc;
  char reason[UK_REASON_MAX + 1];

  (void) reason_arg;
  pthread_mutex_lock(&upkeep_lock);
  snprintf(reason, sizeof(reason), "%s", reason_setting);
  if (transition_busy)
  {
    pthread_mutex_unlock(&upkeep_lock);
    my_printf_error(ER_WRONG_VALUE_FOR_VAR,
                    "upkeep: another change of maintenance mode is under way",
                    MYF(0));
    return 1;
  }
  if (on && phase != UPKEEP_OFF)
  {
    char who[UK_NAME_MAX + 1];
    snprintf(who, sizeof(who), "%s", cur.entered_by);
    pthread_mutex_unlock(&upkeep_lock);
    my_printf_error(ER_WRONG_VALUE_FOR_VAR,
                    "upkeep: maintenance mode is already active (entered by "
                    "%s); SET GLOBAL upkeep_maintenance = OFF ends it",
                    MYF(0), who[0] ? who : "unknown");
    return 1;
  }
  if (!on && phase == UPKEEP_OFF)
  {
    pthread_mutex_unlock(&upkeep_lock);
    my_printf_error(ER_UNKNOWN_ERROR,
                    "upkeep: maintenance mode is not active; nothing was "
                    "changed", MYF(ME_NOTE));
    return 0;
  }
  pthread_mutex_unlock(&upkeep_lock);

  job= upkeep_job_new(on ? UPKEEP_JOB_ENTER : UPKEEP_JOB_EXIT);
  if (!job)
  {
    my_printf_error(ER_UNKNOWN_ERROR, "upkeep: out of memory", MYF(0));
    return 1;
  }
  job->thread_id= thd_get_thread_id(thd);

  if (on)
  {
    if (uk_reason_validate(reason, &err) != UK_OK)
    {
      upkeep_job_release(job);
      return report_invalid(err, reason[0] == '\0' ?
                            "; SET GLOBAL upkeep_maintenance_reason = '...' "
                            "first" : NULL);
    }
    job->expected_us= upkeep_expected_duration * 1000000LL;
    job->drain_timeout_us= upkeep_drain_timeout * 1000000LL;
    if (uk_duration_validate("upkeep_expected_duration", job->expected_us,
                             UK_DURATION_MAX_US, &err) != UK_OK ||
        uk_duration_validate("upkeep_drain_timeout", job->drain_timeout_us,
                             UK_DRAIN_TIMEOUT_MAX_US, &err) != UK_OK)
    {
      upkeep_job_release(job);
      return report_invalid(err, NULL);
    }
    job->action= upkeep_drain_action ? UK_DRAIN_TERMINATE : UK_DRAIN_FAIL;
    snprintf(job->reason, sizeof(job->reason), "%s", reason);
  }

  pthread_mutex_lock(&upkeep_lock);
  if (transition_busy)
  {
    pthread_mutex_unlock(&upkeep_lock);
    upkeep_job_release(job);
    my_printf_error(ER_WRONG_VALUE_FOR_VAR,
                    "upkeep: another change of maintenance mode is under way",
                    MYF(0));
    return 1;
  }
  transition_busy= 1;
  pthread_mutex_unlock(&upkeep_lock);

  /* running events, then the writers: each may take the drain timeout */
  wait_sec= (on ? 2 * upkeep_drain_timeout : 0) + UPKEEP_WAIT_MARGIN_SEC;
  rc= upkeep_job_run(thd, job, wait_sec);
  if (rc == 0 && job->warning[0])
    my_printf_error(ER_UNKNOWN_ERROR, "%s", MYF(ME_WARNING), job->warning);
  if (rc == 0 && job->error_code)
  {
    if (job->is_note)
      my_printf_error(job->error_code, "%s", MYF(ME_NOTE), job->message);
    else
    {
      my_printf_error(job->error_code, "%s", MYF(0), job->message);
      rc= 1;
    }
  }
  upkeep_job_release(job);

  pthread_mutex_lock(&upkeep_lock);
  transition_busy= 0;
  pthread_mutex_unlock(&upkeep_lock);
  return rc;
}

/* ------------------------------------------------------ worker: helpers */

static void job_error(upkeep_job *job, unsigned int code, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));

static void job_error(upkeep_job *job, unsigned int code, const char *fmt, ...)
{
  va_list ap;
  int n;

  job->error_code= code;
  job->is_note= 0;
  n= snprintf(job->message, sizeof(job->message), "upkeep: ");
  va_start(ap, fmt);
  vsnprintf(job->message + n, sizeof(job->message) - (size_t) n, fmt, ap);
  va_end(ap);
}

/* "user@host" of a connection (host without the port), or "". */
static void account_of(upkeep_sql *sql, unsigned long thread_id, char *out,
                       size_t cap)
{
  if (upkeep_sql_value(sql, out, cap,
        "SELECT CONCAT(USER, '@', IF(HOST LIKE '%%:%%',"
        " SUBSTRING(HOST, 1, CHAR_LENGTH(HOST) - LOCATE(':', REVERSE(HOST))),"
        " HOST)) FROM information_schema.PROCESSLIST WHERE ID = %lu",
        thread_id))
    out[0]= '\0';
  if (strlen(out) > UK_NAME_MAX)
    out[UK_NAME_MAX]= '\0';
}

/* 0 when @@global.read_only is read into *on. */
static int read_only_get(upkeep_sql *sql, int *on)
{
  char v[32];
  if (upkeep_sql_value(sql, v, sizeof(v), "SELECT @@global.read_only"))
    return 1;
  *on= strcmp(v, "0") != 0 && strcmp(v, "OFF") != 0;
  return 0;
}

static int read_only_set(upkeep_sql *sql, int on)
{
  return upkeep_sql_exec(sql, "SET GLOBAL read_only = %s", on ? "ON" : "OFF");
}

/*
  engine_restore "read_only=ON|OFF", maybe followed by " event_scheduler=..."
  (definers.c) -> *on; 1 if it does not start so.
*/
static int restore_parse(const char *restore, int *on)
{
  if (strncmp(restore, "read_only=ON", 12) == 0 &&
      (restore[12] == '\0' || restore[12] == ' '))
    *on= 1;
  else if (strncmp(restore, "read_only=OFF", 13) == 0 &&
           (restore[13] == '\0' || restore[13] == ' '))
    *on= 0;
  else
    return 1;
  return 0;
}

static void fmt_time_sql(int64_t us, char *buf, size_t cap)
{
  if (us == 0)
    snprintf(buf, cap, "NULL");
  else
    snprintf(buf, cap, "FROM_UNIXTIME(%" PRId64 ".%06" PRId64 ")",
             us / 1000000, us % 1000000);
}

static void log_warn_sql(upkeep_sql *sql, const char *what)
{
  upkeep_log(UPKEEP_LOG_WARNING, "could not %s in upkeep.maintenance_log: %s",
             what, upkeep_sql_error(sql));
}

static void log_insert(upkeep_sql *sql, const UkMaintState *st,
                       const char *outcome, int ro_before)
{
  char entered[64], expected[64];

  fmt_time_sql(st->started_at_us, entered, sizeof(entered));
  fmt_time_sql(st->expected_end_us, expected, sizeof(expected));
  if (upkeep_sql_exec(sql,
        "INSERT INTO upkeep.maintenance_log (window_id, reason, entered_by,"
        " entered_at, expected_end, drain_outcome, read_only_before)"
        " VALUES (%" PRIu64 ", %s, %s, %s, %s, '%s', '%s')"
        " ON DUPLICATE KEY UPDATE reason = VALUES(reason)",
        st->window_id, upkeep_sql_quote(sql, 0, st->reason),
        st->entered_by[0] ? upkeep_sql_quote(sql, 1, st->entered_by) : "NULL",
        entered, expected, outcome, ro_before ? "ON" : "OFF"))
    log_warn_sql(sql, "record the window");
}

typedef struct
{
  UkDrainOutcome outcome;
  int64_t elapsed_ms;
  int waited;                 /* distinct writing transactions seen */
  int terminated;
  char detail[UK_DRAIN_DETAIL_MAX + 1];
} drain_result;

static void log_drain(upkeep_sql *sql, uint64_t window, const drain_result *r)
{
  if (upkeep_sql_exec(sql,
        "UPDATE upkeep.maintenance_log SET drain_outcome = '%s',"
        " drain_ms = %" PRId64 ", drain_waited_for = %d,"
        " drain_terminated = %d, drain_detail = %s"
        " WHERE window_id = %" PRIu64,
        uk_drain_outcome_name(r->outcome), r->elapsed_ms, r->waited,
        r->terminated,
        r->detail[0] ? upkeep_sql_quote(sql, 0, r->detail) : "NULL", window))
    log_warn_sql(sql, "record the drain");
}

static void log_exit(upkeep_sql *sql, uint64_t window, const char *who,
                     int64_t at_us, unsigned long long refused)
{
  char at[64];

  fmt_time_sql(at_us, at, sizeof(at));
  if (upkeep_sql_exec(sql,
        "UPDATE upkeep.maintenance_log SET exited_by = %s, exited_at = %s,"
        " refused_writes = %llu WHERE window_id = %" PRIu64,
        who[0] ? upkeep_sql_quote(sql, 0, who) : "NULL", at, refused, window))
    log_warn_sql(sql, "record the exit");
}

/* The next window id: above the state file's and every logged one. */
static uint64_t next_window_id(upkeep_sql *sql, uint64_t state_id)
{
  char v[32];
  uint64_t logged= 0;

  if (upkeep_sql_value(sql, v, sizeof(v),
        "SELECT COALESCE(MAX(window_id), 0) FROM upkeep.maintenance_log") == 0)
    logged= strtoull(v, NULL, 10);
  return (logged > state_id ? logged : state_id) + 1;
}

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
#define GATE_MARGIN_MS 10000            /* a held statement's extra patience */

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

static void gate_close(unsigned long self, int64_t until_ms)
{
  pthread_mutex_lock(&gate_lock);
  gate_nexempt= 0;
  gate_exempt[gate_nexempt++]= self;
  gate_ngranted= 0;
  gate_until_ms= until_ms;
  __atomic_store_n(&gate_closed, 1, __ATOMIC_RELEASE);
  pthread_mutex_unlock(&gate_lock);
}

static void gate_open(void)
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
  rc= read_only_set(sql, 1) ? -1 : 0;

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
static int drain_and_apply(upkeep_sql *sql, upkeep_job *job, int ro_before,
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
    job_error(job, ER_UNKNOWN_ERROR, "out of memory");
    return 1;
  }
  ds->self= job->thread_id;     /* the gate was closed by run_enter() */

  for (;;)
  {
    if (upkeep_job_abandoned(job) || upkeep_worker_stopping())
    {
      job_error(job, ER_UNKNOWN_ERROR,
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
    job_error(job, ER_LOCK_WAIT_TIMEOUT,
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
      if (read_only_set(sql, 1))
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
  job_error(job, ER_UNKNOWN_ERROR,
            "could not enter maintenance mode: the drain failed: %s; "
            "maintenance mode is off", upkeep_sql_error(sql));
  snprintf(r->detail, sizeof(r->detail), "error: %s", upkeep_sql_error(sql));

undo:
  if (ro_on && !ro_before && read_only_set(sql, 0))
    upkeep_log(UPKEEP_LOG_ERROR,
               "could not set read_only back to OFF after a failed drain: %s",
               upkeep_sql_error(sql));
  r->elapsed_ms= upkeep_monotonic_ms() - start;
  r->waited= ds->nseen;
  r->outcome= uk_drain_outcome_of(1, r->terminated, ds->nseen);
  gate_open();

done:
  upkeep_sql_exec(sql, "SET SESSION lock_wait_timeout = DEFAULT");
  free(ds);
  return rc;
}

/* ------------------------------------------ worker: events (definers.c) */

/*
  Before the drain: the event scheduler off (if it was ON), then wait for
  event executions still running, up to the drain's timeout (the drain
  then has its own).  0 on success; 1 with the error in the job and r filled in.
*/
static int stop_events(upkeep_sql *sql, upkeep_job *job, const char *before,
                       drain_result *r, char *detail, size_t cap)
{
  int64_t start= upkeep_monotonic_ms();

  memset(r, 0, sizeof(*r));
  r->outcome= UK_DRAIN_FAILED;
  if (upkeep_events_off(sql, before))
  {
    job_error(job, ER_UNKNOWN_ERROR, "could not enter maintenance mode: "
              "switching the event scheduler off: %s; maintenance mode is "
              "off", upkeep_sql_error(sql));
    snprintf(r->detail, sizeof(r->detail), "error: %s",
             upkeep_sql_error(sql));
    return 1;
  }
  if (upkeep_events_wait(sql, job, start + job->drain_timeout_us / 1000,
                         detail, cap))
  {
    snprintf(r->detail, sizeof(r->detail), "%s", detail);
    r->elapsed_ms= upkeep_monotonic_ms() - start;
    return 1;
  }
  return 0;
}

/* ----------------------------------------------------- worker: the jobs */

static void finish_transition_state(upkeep_phase ph, const UkMaintState *st)
{
  pthread_mutex_lock(&upkeep_lock);
  phase= ph;
  cur= *st;
  pthread_mutex_unlock(&upkeep_lock);
}

static void run_enter(upkeep_sql *sql, upkeep_job *job)
{
  UkMaintState st;
  UkMaintState last;
  drain_result r;
  int ro_before;
  char ev_before[16];
  char ev_detail[UK_DRAIN_DETAIL_MAX + 1];
  char msg[700];

  pthread_mutex_lock(&upkeep_lock);
  if (phase != UPKEEP_OFF)
  {
    pthread_mutex_unlock(&upkeep_lock);
    job_error(job, ER_WRONG_VALUE_FOR_VAR,
              "maintenance mode is already active");
    return;
  }
  last= cur;
  phase= UPKEEP_DRAINING;
  pthread_mutex_unlock(&upkeep_lock);
  upkeep_audit_mask_need();       /* refused writes are counted from now */
  /* from the moment the phase says draining, new writes wait */
  gate_close(job->thread_id, upkeep_monotonic_ms() +
             job->drain_timeout_us / 1000 + GATE_MARGIN_MS);

  if (read_only_get(sql, &ro_before))
  {
    job_error(job, ER_UNKNOWN_ERROR,
              "could not enter maintenance mode: reading read_only: %s",
              upkeep_sql_error(sql));
    gate_open();
    finish_transition_state(UPKEEP_OFF, &last);
    return;
  }
  /* definer procedures that would write through read_only (definers.c) */
  if (upkeep_definers_check(sql, job))
  {
    finish_transition_state(UPKEEP_OFF, &last);
    return;
  }
  if (upkeep_events_get(sql, ev_before, sizeof(ev_before)))
  {
    job_error(job, ER_UNKNOWN_ERROR,
              "could not enter maintenance mode: reading event_scheduler: %s",
              upkeep_sql_error(sql));
    finish_transition_state(UPKEEP_OFF, &last);
    return;
  }

  uk_state_init(&st);
  st.active= true;
  st.window_id= next_window_id(sql, last.window_id);
  st.started_at_us= upkeep_now_us();
  st.expected_end_us= job->expected_us ? st.started_at_us + job->expected_us
                                       : 0;
  account_of(sql, job->thread_id, st.entered_by, sizeof(st.entered_by));
  snprintf(st.reason, sizeof(st.reason), "%s", job->reason);
  snprintf(st.engine_restore, sizeof(st.engine_restore),
           "read_only=%s event_scheduler=%s", ro_before ? "ON" : "OFF",
           ev_before);
  if (state_save(&st, msg, sizeof(msg)))
  {
    job_error(job, ER_UNKNOWN_ERROR,
              "could not enter maintenance mode: %s", msg);
    gate_open();
    finish_transition_state(UPKEEP_OFF, &last);
    return;
  }
  pthread_mutex_lock(&upkeep_lock);
  cur= st;
  pthread_mutex_unlock(&upkeep_lock);
  log_insert(sql, &st, "running", ro_before);

  if (stop_events(sql, job, ev_before, &r, ev_detail, sizeof(ev_detail)) ||
      drain_and_apply(sql, job, ro_before, &r))
  {
    /* not entered: the state file back to inactive, the window logged */
    if (upkeep_events_restore(sql, st.engine_restore))
      upkeep_log(UPKEEP_LOG_ERROR, "could not turn the event scheduler back "
                 "ON after a failed drain: %s", upkeep_sql_error(sql));
    st.active= false;
    if (state_save(&st, msg, sizeof(msg)))
      upkeep_log(UPKEEP_LOG_ERROR, "%s; the server will come back in "
                 "maintenance mode after a restart", msg);
    log_drain(sql, st.window_id, &r);
    log_exit(sql, st.window_id, st.entered_by, upkeep_now_us(), 0);
    pthread_mutex_lock(&upkeep_lock);
    upkeep_stats.drain_last_ms= r.elapsed_ms;
    snprintf(drain_last_outcome, sizeof(drain_last_outcome), "%s",
             uk_drain_outcome_name(r.outcome));
    pthread_mutex_unlock(&upkeep_lock);
    finish_transition_state(UPKEEP_OFF, &st);
    return;
  }

  if (ev_detail[0] && !r.detail[0])   /* running events were killed */
    snprintf(r.detail, sizeof(r.detail), "%s", ev_detail);
  pthread_mutex_lock(&upkeep_lock);
  phase= UPKEEP_ACTIVE;
  cur= st;
  readonly_applied= 1;
  state_unreadable= 0;
  upkeep_stats.windows++;
  upkeep_stats.drain_last_ms= r.elapsed_ms;
  snprintf(drain_last_outcome, sizeof(drain_last_outcome), "%s",
           uk_drain_outcome_name(r.outcome));
  __atomic_store_n(&upkeep_stats.refused_writes, 0, __ATOMIC_RELAXED);
  set_active_flag(1);
  pthread_mutex_unlock(&upkeep_lock);
  gate_open();                    /* held writes now fail with 1290 */
  log_drain(sql, st.window_id, &r);

  if (r.terminated > 0)
  {
    job->error_code= ER_UNKNOWN_ERROR;
    job->is_note= 1;
    snprintf(job->message, sizeof(job->message),
             "upkeep: the drain killed %d connection%s still writing after "
             "upkeep_drain_timeout (%s)", r.terminated,
             r.terminated == 1 ? "" : "s", r.detail);
  }
}

static void run_exit(upkeep_sql *sql, upkeep_job *job)
{
  UkMaintState st;
  int ro_restore= 0;
  int unreadable;
  char who[UK_NAME_MAX + 1];
  char msg[700];
  unsigned long long refused;
  int64_t now;

  pthread_mutex_lock(&upkeep_lock);
  if (phase != UPKEEP_ACTIVE)
  {
    pthread_mutex_unlock(&upkeep_lock);
    job->error_code= ER_UNKNOWN_ERROR;
    job->is_note= 1;
    snprintf(job->message, sizeof(job->message),
             "upkeep: maintenance mode is not active; nothing was changed");
    return;
  }
  st= cur;
  unreadable= state_unreadable;
  pthread_mutex_unlock(&upkeep_lock);

  if (restore_parse(st.engine_restore, &ro_restore))
  {
    upkeep_log(UPKEEP_LOG_WARNING, "the state file does not say what "
               "read_only was before maintenance (\"%s\"); setting it OFF",
               st.engine_restore);
    ro_restore= 0;
  }
  if (read_only_set(sql, ro_restore))
  {
    job_error(job, ER_UNKNOWN_ERROR,
              "could not exit maintenance mode: setting read_only back to "
              "%s: %s; still in maintenance", ro_restore ? "ON" : "OFF",
              upkeep_sql_error(sql));
    return;
  }
  if (upkeep_events_restore(sql, st.engine_restore))
  {
    snprintf(job->warning, sizeof(job->warning), "upkeep: could not turn "
             "the event scheduler back ON: %s; SET GLOBAL event_scheduler = "
             "ON", upkeep_sql_error(sql));
    upkeep_log(UPKEEP_LOG_ERROR, "%s", job->warning + strlen("upkeep: "));
  }

  refused= __atomic_load_n(&upkeep_stats.refused_writes, __ATOMIC_RELAXED);
  st.active= false;
  st.refused_writes= refused;
  if (unreadable && st.window_id == 0)
  {
    /* give the fail-safe window an id and a log row of its own */
    st.window_id= next_window_id(sql, 0);
    log_insert(sql, &st, "interrupted", ro_restore);
  }
  if (state_save(&st, msg, sizeof(msg)))
  {
    if (!ro_restore)
      read_only_set(sql, 1);
    job_error(job, ER_UNKNOWN_ERROR,
              "could not exit maintenance mode: %s; still in maintenance",
              msg);
    return;
  }

  pthread_mutex_lock(&upkeep_lock);
  phase= UPKEEP_OFF;
  cur= st;
  state_unreadable= 0;
  state_error[0]= '\0';
  readonly_applied= 0;
  set_active_flag(0);
  pthread_mutex_unlock(&upkeep_lock);

  now= upkeep_now_us();
  account_of(sql, job->thread_id, who, sizeof(who));
  log_exit(sql, st.window_id, who, now, refused);
}

void upkeep_maintenance_run_job(upkeep_sql *sql, upkeep_job *job)
{
  if (job->type == UPKEEP_JOB_ENTER)
    run_enter(sql, job);
  else
    run_exit(sql, job);
}

/*
  Between jobs (the worker is idle) and at plugin deinit: keep the
  refused-writes counter of the current window in the state file, so that
  a crash loses at most a second of it.  Only the counter changes, in a
  file of the same window.  On the worker thread, or after it stopped.
*/
void upkeep_maintenance_idle(void)
{
  UkMaintState st;
  UkError *err= NULL;
  unsigned long long refused=
    __atomic_load_n(&upkeep_stats.refused_writes, __ATOMIC_RELAXED);

  pthread_mutex_lock(&upkeep_lock);
  if (phase != UPKEEP_ACTIVE || !readonly_applied || state_unreadable ||
      cur.refused_writes == refused)
  {
    pthread_mutex_unlock(&upkeep_lock);
    return;
  }
  st= cur;
  pthread_mutex_unlock(&upkeep_lock);

  st.refused_writes= refused;
  if (uk_state_write(UPKEEP_STATE_FILE, &st, &err) != UK_OK)
  {
    uk_error_free(err);
    return;
  }
  pthread_mutex_lock(&upkeep_lock);
  if (cur.window_id == st.window_id && phase == UPKEEP_ACTIVE)
    cur.refused_writes= refused;
  pthread_mutex_unlock(&upkeep_lock);
}

/* ------------------------------------------------- worker: (re)connect */

/*
  The plugin starts inside a window (a restart, INSTALL SONAME): the server
  started with its configured event_scheduler, so switch it off again.  On
  exit it goes back ON if it was ON when the window began or when the
  server started now; st->engine_restore and the state file say so.
*/
static int events_reapply(upkeep_sql *sql, UkMaintState *st, int unreadable)
{
  char now[16], recorded[16], msg[700];
  size_t ro_len;

  if (upkeep_events_get(sql, now, sizeof(now)))
    return 1;
  if (strcmp(now, "ON") != 0)
    return 0;
  if (upkeep_events_off(sql, now))
    return 1;
  upkeep_restore_events(st->engine_restore, recorded, sizeof(recorded));
  if (strcmp(recorded, "ON") == 0)
    return 0;
  ro_len= strcspn(st->engine_restore, " ");
  snprintf(st->engine_restore + ro_len, sizeof(st->engine_restore) - ro_len,
           " event_scheduler=ON");
  if (!unreadable && state_save(st, msg, sizeof(msg)))
    upkeep_log(UPKEEP_LOG_WARNING, "%s", msg);
  return 0;
}

/*
  No state file at start, but upkeep.maintenance_log shows its newest
  window still open (exited_at NULL): the file was lost (deleted, or a
  copy of the data directory without it).  Fail safe as for an unreadable
  file, in that same window, so that OFF closes its row.  Checked once,
  at the first bootstrap; 1 if the log could not be read (retried).
*/
static int restore_open_window_of_log(upkeep_sql *sql)
{
  char v[32];
  uint64_t open_id;

  pthread_mutex_lock(&upkeep_lock);
  if (!state_missing || phase != UPKEEP_OFF || transition_busy)
  {
    state_missing= 0;
    pthread_mutex_unlock(&upkeep_lock);
    return 0;
  }
  pthread_mutex_unlock(&upkeep_lock);

  if (upkeep_sql_value(sql, v, sizeof(v),
        "SELECT COALESCE((SELECT window_id FROM upkeep.maintenance_log"
        " WHERE exited_at IS NULL AND window_id ="
        " (SELECT MAX(window_id) FROM upkeep.maintenance_log)), 0)"))
    return 1;
  open_id= strtoull(v, NULL, 10);

  pthread_mutex_lock(&upkeep_lock);
  if (state_missing && open_id != 0 && phase == UPKEEP_OFF && !transition_busy)
  {
    state_unreadable= 1;
    snprintf(state_error, sizeof(state_error), "the state file %s is "
             "missing, but upkeep.maintenance_log shows window %" PRIu64
             " still open", UPKEEP_STATE_FILE, open_id);
    uk_state_init(&cur);
    cur.active= true;
    cur.window_id= open_id;       /* OFF closes this row */
    cur.started_at_us= upkeep_now_us();
    snprintf(cur.reason, sizeof(cur.reason),
             "the upkeep state file is unreadable (%s); read-only for safety "
             "until a DBA sets upkeep_maintenance = OFF", state_error);
    phase= UPKEEP_ACTIVE;
    upkeep_log(UPKEEP_LOG_ERROR, "%s; the server stays in maintenance mode "
               "(read-only) for safety; check the data directory, then "
               "SET GLOBAL upkeep_maintenance = OFF", state_error);
  }
  state_missing= 0;
  pthread_mutex_unlock(&upkeep_lock);
  return 0;
}

int upkeep_maintenance_bootstrap(upkeep_sql *sql)
{
  UkMaintState st;
  int apply;
  int unreadable;

  if (upkeep_sql_exec(sql, "SET NAMES utf8mb4") ||
      upkeep_sql_exec(sql, "SET SESSION time_zone = '+00:00'") ||
      upkeep_sql_exec(sql, "CREATE DATABASE IF NOT EXISTS upkeep"
                      " DEFAULT CHARACTER SET utf8mb4") ||
      upkeep_sql_exec(sql, "%s", LOG_TABLE_DDL))
    return 1;
  if (upkeep_sql_exec(sql, "CREATE FUNCTION IF NOT EXISTS upkeep_status"
                      " RETURNS STRING SONAME '" UPKEEP_SONAME "'"))
  {
    if (upkeep_worker_stopping())
      return 1;                     /* stopped mid-setup: no fault */
    upkeep_log(UPKEEP_LOG_WARNING, "could not create the function "
               "upkeep_status(): %s", upkeep_sql_error(sql));
  }

  if (restore_open_window_of_log(sql))
    return 1;

  pthread_mutex_lock(&upkeep_lock);
  apply= phase == UPKEEP_ACTIVE && !readonly_applied;
  unreadable= state_unreadable;
  st= cur;
  pthread_mutex_unlock(&upkeep_lock);
  if (!apply)
    return 0;

  if (unreadable)
  {
    /* restore on exit what the server started with */
    int ro= 0;
    if (read_only_get(sql, &ro))
      return 1;
    snprintf(st.engine_restore, sizeof(st.engine_restore), "read_only=%s",
             ro ? "ON" : "OFF");
  }
  upkeep_audit_mask_need();
  if (read_only_set(sql, 1))
    return 1;
  if (events_reapply(sql, &st, unreadable))
    return 1;
  if (!unreadable)
    upkeep_sql_exec(sql,
      "UPDATE upkeep.maintenance_log SET drain_outcome = 'interrupted',"
      " drain_detail = 'the server restarted during the drain'"
      " WHERE window_id = %" PRIu64 " AND drain_outcome = 'running'",
      st.window_id);

  pthread_mutex_lock(&upkeep_lock);
  snprintf(cur.engine_restore, sizeof(cur.engine_restore), "%s",
           st.engine_restore);
  readonly_applied= 1;
  set_active_flag(1);
  pthread_mutex_unlock(&upkeep_lock);
  upkeep_log(UPKEEP_LOG_INFO, "maintenance mode re-applied: read_only is ON");
  return 0;
}
