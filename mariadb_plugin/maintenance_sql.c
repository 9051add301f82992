/*
  maintenance_sql.c
    The worker's SQL helpers for maintenance mode: @@global.read_only, the
    account of the connection that asked, the rows of
    upkeep.maintenance_log (one per window: entered, drained, exited), and
    the error a job reports.  Worker thread only; no state of its own.
*/

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysql/plugin.h>
#include <mysqld_error.h>

#include "maintenance_int.h"

const char *upkeep_maint_log_ddl=
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
  "  COMMENT 'running, clean, waited, terminated, failed, interrupted,"
  " takeover',"
  " drain_ms BIGINT NULL,"
  " drain_waited_for INT NOT NULL DEFAULT 0,"
  " drain_terminated INT NOT NULL DEFAULT 0,"
  " drain_detail VARCHAR(600) NULL,"
  " read_only_before VARCHAR(16) NULL,"
  " took_over_at DATETIME(6) NULL"
  "  COMMENT 'UTC; this server took the window over after a failover',"
  " took_over_from INT UNSIGNED NULL"
  "  COMMENT 'server_id of the primary that had the window',"
  " unattributed_statements BIGINT UNSIGNED NOT NULL DEFAULT 0"
  "  COMMENT 'statements of maintainers with no window patch open'"
  ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
  " COMMENT='upkeep: one row per maintenance window'";

/* The columns a table of an older version lacks, appended at its end in
   the order a new table has them. */
const char *upkeep_maint_log_upgrade_ddl=
  "ALTER TABLE upkeep.maintenance_log"
  " ADD COLUMN IF NOT EXISTS took_over_at DATETIME(6) NULL"
  "  COMMENT 'UTC; this server took the window over after a failover',"
  " ADD COLUMN IF NOT EXISTS took_over_from INT UNSIGNED NULL"
  "  COMMENT 'server_id of the primary that had the window',"
  " ADD COLUMN IF NOT EXISTS unattributed_statements BIGINT UNSIGNED NOT NULL"
  " DEFAULT 0 COMMENT 'statements of maintainers with no window patch open'";

/* ------------------------------------------------------ worker: helpers */

void upkeep_maint_job_error(upkeep_job *job, unsigned int code,
                            const char *fmt, ...)
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
void upkeep_maint_account_of(upkeep_sql *sql, unsigned long thread_id,
                             char *out, size_t cap)
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
int upkeep_maint_read_only_get(upkeep_sql *sql, int *on)
{
  char v[32];
  if (upkeep_sql_value(sql, v, sizeof(v), "SELECT @@global.read_only"))
    return 1;
  *on= strcmp(v, "0") != 0 && strcmp(v, "OFF") != 0;
  return 0;
}

int upkeep_maint_read_only_set(upkeep_sql *sql, int on)
{
  return upkeep_sql_exec(sql, "SET GLOBAL read_only = %s", on ? "ON" : "OFF");
}

/*
  engine_restore "read_only=ON|OFF", maybe followed by " event_scheduler=..."
  (definers.c) -> *on; 1 if it does not start so.
*/
int upkeep_maint_restore_parse(const char *restore, int *on)
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

void upkeep_maint_log_insert(upkeep_sql *sql, const UkMaintState *st,
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

void upkeep_maint_log_drain(upkeep_sql *sql, uint64_t window,
                            const drain_result *r)
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

void upkeep_maint_log_exit(upkeep_sql *sql, uint64_t window, const char *who,
                           int64_t at_us, unsigned long long refused,
                           unsigned long long unattributed)
{
  char at[64];

  fmt_time_sql(at_us, at, sizeof(at));
  if (upkeep_sql_exec(sql,
        "UPDATE upkeep.maintenance_log SET exited_by = %s, exited_at = %s,"
        " refused_writes = %llu, unattributed_statements = %llu"
        " WHERE window_id = %" PRIu64,
        who[0] ? upkeep_sql_quote(sql, 0, who) : "NULL", at, refused,
        unattributed, window))
    log_warn_sql(sql, "record the exit");
}

/* The next window id: above the state file's and every logged one. */
uint64_t upkeep_maint_next_window_id(upkeep_sql *sql, uint64_t state_id)
{
  char v[32];
  uint64_t logged= 0;

  if (upkeep_sql_value(sql, v, sizeof(v),
        "SELECT COALESCE(MAX(window_id), 0) FROM upkeep.maintenance_log") == 0)
    logged= strtoull(v, NULL, 10);
  return (logged > state_id ? logged : state_id) + 1;
}

