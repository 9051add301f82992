/*
  ha_row.c
    The window as a row that replication carries: upkeep.window_state (one
    row, id 1), written by the primary's worker with binary logging on, so
    that every replica (and, with log_slave_updates, every replica of a
    replica) receives the window through ordinary replication.  Also the
    probe the replica side (ha_standby.c) runs at each poll: the row,
    @@server_id, read_only and the replication SQL threads running.

  The worker's connection (MariaDB's SQL service) does not write the
  binary log (sql_log_bin = 0): upkeep's other tables stay local to each
  server.  Only this row is written with sql_log_bin = 1, and only where
  no replication SQL thread runs: a replica's own write would be an errant
  transaction (under gtid_strict_mode it stops replication later), so a
  replica never writes the row.  Each server's bootstrap creates the
  table locally, like upkeep's other tables (a creation in the binary log
  of a server about to become a replica would be an errant transaction).
  The first write of the row on a primary (no row yet) logs CREATE
  DATABASE IF NOT EXISTS and CREATE OR REPLACE TABLE before it, so a
  replica without the plugin gets the table instead of stopping on a
  missing one (MariaDB logs CREATE TABLE IF NOT EXISTS only when it
  creates the table; replacing the empty table loses nothing: the row
  that follows is the window).

  Every write raises version; origin_server_id names the writer, so a
  replica tells the row it received from one it wrote itself when it was
  a primary.  Times are Unix microseconds (no time zone in the binary
  log's way).  maintainers lists the accounts holding READ_ONLY ADMIN or
  SUPER when the row was written (for people: the grants replicate
  themselves); runner_account is the runner's ephemeral account of the
  window (upkeep run), which a promoted replica registers to drop when
  the window ends.

  Worker thread only; no state of its own.
*/

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysql/plugin.h>

#include "ha_int.h"

const char *ha_row_ddl=
  "CREATE TABLE IF NOT EXISTS upkeep.window_state ("
  " id TINYINT UNSIGNED NOT NULL PRIMARY KEY,"
  " version BIGINT UNSIGNED NOT NULL COMMENT 'raised by every write',"
  " origin_server_id INT UNSIGNED NOT NULL COMMENT 'the server that wrote it',"
  " active TINYINT NOT NULL,"
  " window_id BIGINT UNSIGNED NOT NULL,"
  " reason VARCHAR(1000) NOT NULL,"
  " entered_by VARCHAR(300) NULL,"
  " started_at_us BIGINT NOT NULL COMMENT 'Unix microseconds',"
  " expected_end_us BIGINT NOT NULL DEFAULT 0 COMMENT '0 = not given',"
  " exited_at_us BIGINT NOT NULL DEFAULT 0 COMMENT '0 = still active',"
  " token_sha256 CHAR(64) NULL,"
  " maintainers TEXT NULL COMMENT 'READ_ONLY ADMIN or SUPER holders',"
  " runner_account VARCHAR(400) NULL COMMENT 'ephemeral account of upkeep run',"
  " took_over_from INT UNSIGNED NULL"
  "  COMMENT 'server_id of the primary whose window this server took over',"
  " updated_at_us BIGINT NOT NULL"
  ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
  " COMMENT='upkeep: the maintenance window, replicated to every replica'";

/* ------------------------------------------------------------- the table */

int ha_row_create(upkeep_sql *sql)
{
  return upkeep_sql_exec(sql, "%s", ha_row_ddl);
}

/* ------------------------------------------------------------- reading */

static int hex_nibble(char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* 64 hex digits into hash; 0 if s is not that. */
static int hex_decode(const char *s, uint8_t *hash)
{
  if (!s || strlen(s) != 2 * UK_SHA256_LEN)
    return 0;
  for (int i= 0; i < UK_SHA256_LEN; i++)
  {
    int hi= hex_nibble(s[2 * i]), lo= hex_nibble(s[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return 0;
    hash[i]= (uint8_t) (hi << 4 | lo);
  }
  return 1;
}

static void copy(char *dst, size_t cap, const char *v)
{
  snprintf(dst, cap, "%s", v ? v : "");
}

#define PROBE_COLS 15

static void probe_row(void *arg, unsigned int ncols, char **c)
{
  ha_probe_result *p= arg;
  ha_row *r= &p->row;

  if (ncols < PROBE_COLS)
    return;
  p->server_id= c[0] ? strtoul(c[0], NULL, 10) : 0;
  p->read_only= c[1] && strcmp(c[1], "0") != 0 && strcmp(c[1], "OFF") != 0;
  p->slaves_running= c[2] ? strtol(c[2], NULL, 10) : 0;
  if (!c[3])
    return;                         /* no row yet */
  r->present= 1;
  r->version= strtoull(c[3], NULL, 10);
  r->origin= c[4] ? strtoul(c[4], NULL, 10) : 0;
  r->win.active= c[5] && strcmp(c[5], "0") != 0;
  r->win.window_id= c[6] ? strtoull(c[6], NULL, 10) : 0;
  copy(r->win.reason, sizeof(r->win.reason), c[7]);
  copy(r->win.entered_by, sizeof(r->win.entered_by), c[8]);
  r->win.started_at_us= c[9] ? strtoll(c[9], NULL, 10) : 0;
  r->win.expected_end_us= c[10] ? strtoll(c[10], NULL, 10) : 0;
  r->exited_at_us= c[11] ? strtoll(c[11], NULL, 10) : 0;
  r->win.has_token= hex_decode(c[12], r->win.token_hash);
  copy(r->runner, sizeof(r->runner), c[13]);
  r->took_over_from= c[14] ? strtoul(c[14], NULL, 10) : 0;
}

int ha_probe(upkeep_sql *sql, ha_probe_result *out)
{
  memset(out, 0, sizeof(*out));
  uk_state_init(&out->row.win);
  if (upkeep_sql_rows(sql, probe_row, out,
        "SELECT @@server_id, @@global.read_only,"
        " (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS"
        "  WHERE VARIABLE_NAME = 'SLAVES_RUNNING'),"
        " w.version, w.origin_server_id, w.active, w.window_id, w.reason,"
        " w.entered_by, w.started_at_us, w.expected_end_us, w.exited_at_us,"
        " w.token_sha256, w.runner_account, w.took_over_from"
        " FROM (SELECT 1) d LEFT JOIN upkeep.window_state w ON w.id = 1"))
    return 1;
  return 0;
}

/* ------------------------------------------------------------- writing */

typedef struct
{
  UkAccount account;
  int found;
} runner_arg;

static void runner_row(void *arg, unsigned int ncols, char **cols)
{
  runner_arg *r= arg;

  if (r->found || ncols < 2 || !cols[0] || !cols[1])
    return;
  copy(r->account.user, sizeof(r->account.user), cols[0]);
  copy(r->account.host, sizeof(r->account.host), cols[1]);
  r->found= 1;
}

/* The window's ephemeral account as 'user'@'host' into out, or "". */
static void runner_of(upkeep_sql *sql, uint64_t window_id, char *out,
                      size_t cap)
{
  runner_arg r;

  memset(&r, 0, sizeof(r));
  out[0]= '\0';
  if (upkeep_sql_rows(sql, runner_row, &r,
        "SELECT user, host FROM upkeep.window_accounts"
        " WHERE window_id = %" PRIu64 " ORDER BY registered_at LIMIT 1",
        window_id) == 0 && r.found &&
      uk_account_format(&r.account, out, cap) >= cap)
    out[0]= '\0';
}

static void log_failed(upkeep_sql *sql)
{
  if (upkeep_worker_stopping())
    return;                         /* the server shuts down: no fault */
  upkeep_log(UPKEEP_LOG_WARNING, "could not write the window to "
             "upkeep.window_state (replicas do not see it): %s",
             upkeep_sql_error(sql));
}

int ha_row_publish(upkeep_sql *sql, unsigned long took_over_from)
{
  upkeep_snapshot snap;
  ha_probe_result p;
  char maintainers[8192], runner[sizeof(p.row.runner)], token[72];
  char took[32];
  int active, rc;

  upkeep_maintenance_snapshot(&snap);
  if (strcmp(snap.phase, "draining") == 0 || snap.st.window_id == 0)
    return 0;                       /* whole windows only, with an id */
  active= strcmp(snap.phase, "off") != 0;
  if (ha_probe(sql, &p))
  {
    log_failed(sql);
    return 1;
  }
  if (p.slaves_running > 0)
    return 0;                       /* a replica: the row is its primary's */

  if (upkeep_sql_value(sql, maintainers, sizeof(maintainers),
        "SELECT COALESCE(GROUP_CONCAT(DISTINCT GRANTEE ORDER BY GRANTEE"
        " SEPARATOR ','), '') FROM information_schema.USER_PRIVILEGES"
        " WHERE PRIVILEGE_TYPE IN ('READ_ONLY ADMIN', 'SUPER')"))
    maintainers[0]= '\0';
  runner[0]= '\0';
  if (active)
    runner_of(sql, snap.st.window_id, runner, sizeof(runner));
  if (snap.st.has_token)
  {
    token[0]= '\'';
    for (int i= 0; i < UK_SHA256_LEN; i++)
      snprintf(token + 1 + 2 * i, 3, "%02x", snap.st.token_hash[i]);
    snprintf(token + 1 + 2 * UK_SHA256_LEN, 3, "'");
  }
  else
    snprintf(token, sizeof(token), "NULL");
  /* the same window written again (or its end): still taken over, so
     that the old primary, back as a replica, hands its copy over */
  if (!took_over_from && p.row.present && p.row.origin == p.server_id &&
      p.row.win.window_id == snap.st.window_id)
    took_over_from= p.row.took_over_from;
  if (took_over_from)
    snprintf(took, sizeof(took), "%lu", took_over_from);
  else
    snprintf(took, sizeof(took), "NULL");

  if (upkeep_sql_exec(sql, "SET SESSION sql_log_bin = 1"))
  {
    log_failed(sql);
    return 1;
  }
  rc= 0;
  if (!p.row.present)
    rc= upkeep_sql_exec(sql, "CREATE DATABASE IF NOT EXISTS upkeep"
                        " DEFAULT CHARACTER SET utf8mb4") ||
        upkeep_sql_exec(sql, "CREATE OR REPLACE TABLE%s",
                        ha_row_ddl + strlen("CREATE TABLE IF NOT EXISTS"));
  rc= rc || upkeep_sql_exec(sql,
        "INSERT INTO upkeep.window_state (id, version, origin_server_id,"
        " active, window_id, reason, entered_by, started_at_us,"
        " expected_end_us, exited_at_us, token_sha256, maintainers,"
        " runner_account, took_over_from, updated_at_us)"
        " VALUES (1, %" PRIu64 ", %lu, %d, %" PRIu64 ", %s, %s, %" PRId64
        ", %" PRId64 ", %" PRId64 ", %s, %s, %s, %s, %" PRId64 ")"
        " ON DUPLICATE KEY UPDATE version = VALUES(version),"
        " origin_server_id = VALUES(origin_server_id),"
        " active = VALUES(active), window_id = VALUES(window_id),"
        " reason = VALUES(reason), entered_by = VALUES(entered_by),"
        " started_at_us = VALUES(started_at_us),"
        " expected_end_us = VALUES(expected_end_us),"
        " exited_at_us = VALUES(exited_at_us),"
        " token_sha256 = VALUES(token_sha256),"
        " maintainers = VALUES(maintainers),"
        " runner_account = VALUES(runner_account),"
        " took_over_from = VALUES(took_over_from),"
        " updated_at_us = VALUES(updated_at_us)",
        (p.row.present ? p.row.version : 0) + 1, p.server_id, active,
        snap.st.window_id, upkeep_sql_quote(sql, 0, snap.st.reason),
        snap.st.entered_by[0] ? upkeep_sql_quote(sql, 1, snap.st.entered_by)
                              : "NULL",
        snap.st.started_at_us, snap.st.expected_end_us,
        active ? (int64_t) 0 : upkeep_now_us(), token,
        upkeep_sql_quote(sql, 2, maintainers),
        runner[0] ? upkeep_sql_quote(sql, 3, runner) : "NULL", took,
        upkeep_now_us());
  if (rc)
    log_failed(sql);
  upkeep_sql_cleanup(sql, "SET SESSION sql_log_bin = 0");
  return rc;
}

void upkeep_ha_publish(upkeep_sql *sql)
{
  (void) ha_row_publish(sql, 0);
}
