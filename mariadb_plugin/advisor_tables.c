/*
  advisor_tables.c
    The index advisor's tables and views: created by the worker's
    bootstrap (upkeep.index_advice, upkeep.advise_runs,
    upkeep.advise_statements, and the index hygiene views
    upkeep.redundant_indexes and upkeep.unused_indexes), and the writing
    of a run's results into upkeep.index_advice and
    upkeep.advise_statements (advisor_run.c writes upkeep.advise_runs
    itself).  Worker thread only; no locks.
*/

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "uk_advisor.h"
#include "upkeep.h"
#include "advisor_int.h"

/*
  The last key columns of `columns` that the index carries only so that
  the queries it helps read the index alone (InnoDB has no INCLUDE; the
  primary key it carries anyway is never listed).
*/
#define CARRIED_COLUMN \
  " carried_columns TEXT NOT NULL DEFAULT '[]'" \
  "  COMMENT 'JSON array: the last columns of `columns`, carried for covering'"

static const char *ADVICE_DDL=
  "CREATE TABLE IF NOT EXISTS upkeep.index_advice ("
  " `rank` INT NOT NULL PRIMARY KEY COMMENT '1 = the most valuable',"
  " schema_name VARCHAR(64) NOT NULL,"
  " table_name VARCHAR(64) NOT NULL,"
  " `columns` TEXT NOT NULL COMMENT 'JSON array of column names, index order',"
  " index_name VARCHAR(64) NOT NULL,"
  " create_statement TEXT NOT NULL,"
  " est_size_bytes BIGINT NOT NULL,"
  " improvement_pct DOUBLE NOT NULL"
  "  COMMENT 'cost saved on the queries it helps, percent',"
  " workload_pct DOUBLE NOT NULL COMMENT 'cost saved on the whole workload',"
  " queries INT NOT NULL COMMENT 'captured statement shapes it helps most',"
  " example_query TEXT NULL COMMENT 'the heaviest of them, as captured',"
  " reason TEXT NOT NULL,"
  " cost_before DOUBLE NOT NULL, cost_after DOUBLE NOT NULL,"
  " created_at DATETIME(6) NOT NULL COMMENT 'UTC',"
  CARRIED_COLUMN
  ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
  " COMMENT='upkeep: indexes advised by the last SET GLOBAL upkeep_advise = ON'";

/* added after the first release of the table: appended, kept on upgrade */
static const char *ADVICE_CARRIED_DDL=
  "ALTER TABLE upkeep.index_advice ADD COLUMN IF NOT EXISTS " CARRIED_COLUMN;

static const char *RUNS_DDL=
  "CREATE TABLE IF NOT EXISTS upkeep.advise_runs ("
  " run_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,"
  " started_at DATETIME(6) NOT NULL COMMENT 'UTC',"
  " ended_at DATETIME(6) NULL COMMENT 'UTC',"
  " duration_ms BIGINT NULL,"
  " status VARCHAR(16) NOT NULL COMMENT 'running, done, failed',"
  " statements INT NOT NULL DEFAULT 0 COMMENT 'statement shapes captured',"
  " executions BIGINT NOT NULL DEFAULT 0 COMMENT 'their executions',"
  " parsed INT NOT NULL DEFAULT 0,"
  " skipped INT NOT NULL DEFAULT 0 COMMENT 'could not be translated or parsed',"
  " first_error TEXT NULL COMMENT 'of the first skipped shape',"
  " dropped BIGINT NOT NULL DEFAULT 0"
  "  COMMENT 'shapes not captured (upkeep_advise_max_statements)',"
  " `tables` INT NOT NULL DEFAULT 0,"
  " columns_from_stats INT NOT NULL DEFAULT 0"
  "  COMMENT 'column statistics from mysql.column_stats',"
  " columns_sampled INT NOT NULL DEFAULT 0,"
  " candidates INT NOT NULL DEFAULT 0,"
  " advised INT NOT NULL DEFAULT 0,"
  " cost_before DOUBLE NULL, cost_after DOUBLE NULL,"
  " note TEXT NULL"
  ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
  " COMMENT='upkeep: one row per advise run'";

/* added after the first release of the table: appended, kept on upgrade */
static const char *RUNS_BEST_DDL=
  "ALTER TABLE upkeep.advise_runs ADD COLUMN IF NOT EXISTS cost_best DOUBLE"
  " NULL COMMENT 'the least cost of any subset of the candidates within"
  " upkeep_advise_max_indexes, under the same costs (NULL: too many to"
  " search)'";

static const char *STMTS_DDL=
  "CREATE TABLE IF NOT EXISTS upkeep.advise_statements ("
  " id INT NOT NULL PRIMARY KEY,"
  " schema_name VARCHAR(64) NULL COMMENT 'the session''s current database',"
  " calls BIGINT NOT NULL,"
  " total_ms DOUBLE NOT NULL,"
  " shape TEXT NOT NULL COMMENT 'constants as ?',"
  " example_query TEXT NOT NULL COMMENT 'the first text seen, cut at 8 KB',"
  " status VARCHAR(16) NOT NULL COMMENT 'used, no_predicates, skipped',"
  " error TEXT NULL COMMENT 'why it was skipped',"
  " unresolved_columns INT NULL, unknown_tables INT NULL"
  ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
  " COMMENT='upkeep: the captured statements the last advise run read'";

/*
  One row per BTREE index with its column list as text: `a`, `b`(10),
  `c` DESC (quoted, so that comparing lists compares columns).
*/
#define INDEX_LIST_CTE \
  "WITH ix AS (" \
  " SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t, INDEX_NAME AS i," \
  "  MIN(NON_UNIQUE) = 0 AS uniq, COUNT(*) AS n," \
  "  GROUP_CONCAT(CONCAT('`', REPLACE(COLUMN_NAME, '`', '``'), '`'," \
  "   IF(SUB_PART IS NULL, '', CONCAT('(', SUB_PART, ')'))," \
  "   IF(COLLATION = 'D', ' DESC', '')) ORDER BY SEQ_IN_INDEX" \
  "   SEPARATOR ', ') AS cols" \
  " FROM information_schema.STATISTICS" \
  " WHERE INDEX_TYPE = 'BTREE' AND TABLE_SCHEMA NOT IN ('mysql'," \
  "  'information_schema', 'performance_schema', 'sys')" \
  " GROUP BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME)," \
  " sz AS (SELECT x.database_name AS s, x.table_name AS t," \
  "  x.index_name AS i, x.stat_value * (SELECT VARIABLE_VALUE" \
  "  FROM information_schema.GLOBAL_VARIABLES" \
  "  WHERE VARIABLE_NAME = 'INNODB_PAGE_SIZE') AS size_bytes" \
  "  FROM mysql.innodb_index_stats x WHERE x.stat_name = 'size')"

#define QUOTE_ID(e) "CONCAT('`', REPLACE(" e ", '`', '``'), '`')"

static const char *REDUNDANT_VIEW=
  "CREATE OR REPLACE SQL SECURITY INVOKER VIEW upkeep.redundant_indexes AS "
  INDEX_LIST_CTE
  " SELECT a.s AS schema_name, a.t AS table_name, a.i AS index_name,"
  "  sz.size_bytes, b.i AS covered_by,"
  "  IF(a.n = b.n, 'duplicate', 'prefix') AS kind,"
  "  CONCAT(IF(a.uniq, 'UNIQUE KEY ', 'KEY '), " QUOTE_ID("a.i") ","
  "   ' (', a.cols, ')') AS index_definition,"
  "  CONCAT(IF(b.i = 'PRIMARY', 'PRIMARY KEY', CONCAT(IF(b.uniq,"
  "   'UNIQUE KEY ', 'KEY '), " QUOTE_ID("b.i") ")), ' (', b.cols, ')')"
  "   AS covering_definition,"
  "  CONCAT('ALTER TABLE ', " QUOTE_ID("a.s") ", '.', " QUOTE_ID("a.t") ","
  "   ' DROP INDEX ', " QUOTE_ID("a.i") ") AS drop_statement,"
  "  IF(a.n = b.n, CONCAT('same columns as ', b.i),"
  "   CONCAT('its ', a.n, ' column(s) lead ', b.i)) AS evidence"
  " FROM ix a JOIN ix b ON b.s = a.s AND b.t = a.t AND b.i <> a.i"
  " LEFT JOIN sz ON sz.s = a.s AND sz.t = a.t AND sz.i = a.i"
  " WHERE a.i <> 'PRIMARY' AND a.n <= b.n"
  "  AND (BINARY b.cols = BINARY a.cols OR BINARY LEFT(b.cols,"
  "   CHAR_LENGTH(a.cols) + 2) = BINARY CONCAT(a.cols, ', '))"
  /* a unique index is redundant only beside a unique duplicate */
  "  AND (NOT a.uniq OR (b.uniq AND a.n = b.n))"
  /* of two exact duplicates of the same kind, name the later by name */
  "  AND NOT (a.n = b.n AND a.uniq = b.uniq AND b.i <> 'PRIMARY'"
  "   AND BINARY a.i < BINARY b.i)";

static const char *UNUSED_VIEW=
  "CREATE OR REPLACE SQL SECURITY INVOKER VIEW upkeep.unused_indexes AS "
  INDEX_LIST_CTE ","
  " us AS (SELECT VARIABLE_VALUE = 'ON' AS counting"
  "  FROM information_schema.GLOBAL_VARIABLES"
  "  WHERE VARIABLE_NAME = 'USERSTAT'),"
  " up AS (SELECT NOW() - INTERVAL VARIABLE_VALUE SECOND AS since"
  "  FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'UPTIME')"
  " SELECT a.s AS schema_name, a.t AS table_name, a.i AS index_name,"
  "  sz.size_bytes, 0 AS rows_read, up.since AS stats_since,"
  "  CONCAT('KEY ', " QUOTE_ID("a.i") ", ' (', a.cols, ')')"
  "   AS index_definition,"
  "  CONCAT('ALTER TABLE ', " QUOTE_ID("a.s") ", '.', " QUOTE_ID("a.t") ","
  "   ' DROP INDEX ', " QUOTE_ID("a.i") ") AS drop_statement,"
  "  CONCAT('no row read through it since ', up.since, ' (server start or"
  " the last FLUSH INDEX_STATISTICS, counted while userstat is ON); the"
  " table had ', COALESCE(ts.ROWS_READ, 0), ' rows read and ',"
  "   COALESCE(ts.ROWS_CHANGED, 0), ' rows changed') AS evidence"
  " FROM ix a CROSS JOIN us CROSS JOIN up"
  " LEFT JOIN sz ON sz.s = a.s AND sz.t = a.t AND sz.i = a.i"
  " LEFT JOIN information_schema.TABLE_STATISTICS ts"
  "  ON ts.TABLE_SCHEMA = a.s AND ts.TABLE_NAME = a.t"
  " WHERE us.counting AND NOT a.uniq AND a.i <> 'PRIMARY'"
  "  AND NOT EXISTS (SELECT 1 FROM information_schema.INDEX_STATISTICS x"
  "   WHERE x.TABLE_SCHEMA = a.s AND x.TABLE_NAME = a.t"
  "   AND x.INDEX_NAME = a.i AND x.ROWS_READ > 0)"
  " UNION ALL"
  " SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
  "  'userstat is OFF: MariaDB counts no index reads; run SET GLOBAL"
  " userstat = ON and let the workload run (a full business cycle) before"
  " reading this view'"
  " FROM us WHERE NOT us.counting";

int upkeep_advisor_bootstrap(upkeep_sql *sql)
{
  static int runs_closed;       /* the first connection since the start */

  if (upkeep_sql_exec(sql, "%s", ADVICE_DDL) ||
      upkeep_sql_exec(sql, "%s", ADVICE_CARRIED_DDL) ||
      upkeep_sql_exec(sql, "%s", RUNS_DDL) ||
      upkeep_sql_exec(sql, "%s", RUNS_BEST_DDL) ||
      upkeep_sql_exec(sql, "%s", STMTS_DDL) ||
      upkeep_sql_exec(sql, "%s", REDUNDANT_VIEW) ||
      upkeep_sql_exec(sql, "%s", UNUSED_VIEW))
    return 1;
  /* a run the server stopped (or crashed) in the middle of */
  if (!runs_closed &&
      upkeep_sql_exec(sql, "UPDATE upkeep.advise_runs SET status = 'failed',"
                      " note = 'interrupted: the server stopped during the"
                      " run' WHERE status = 'running'"))
    return 1;
  runs_closed= 1;
  return 0;
}

/* ------------------------------------------------- writing the results */

static void fmt_double(char *buf, size_t cap, double v)
{
  if (!isfinite(v))
    snprintf(buf, cap, "0");
  else
    snprintf(buf, cap, "%.6g", v);
}

/* Replace upkeep.index_advice.  0 on success. */
int adv_write_advice(upkeep_sql *sql, const UkAdvice *adv, int nadv,
                     const UkAdvQuery *queries, const char *now)
{
  if (upkeep_sql_exec(sql, "START TRANSACTION") ||
      upkeep_sql_exec(sql, "DELETE FROM upkeep.index_advice"))
    return 1;
  for (int i= 0; i < nadv; i++)
  {
    const UkAdvice *a= &adv[i];
    dstr q= {0};
    char num[64];

    adv_ds_str(&q, "INSERT INTO upkeep.index_advice (`rank`, schema_name,"
           " table_name, `columns`, index_name, create_statement,"
           " est_size_bytes, improvement_pct, workload_pct, queries,"
           " example_query, reason, cost_before, cost_after, created_at,"
           " carried_columns) VALUES (");
    snprintf(num, sizeof(num), "%d, ", a->rank);
    adv_ds_str(&q, num);
    adv_ds_lit(&q, sql, a->schema ? a->schema : "");
    adv_ds_str(&q, ", ");
    adv_ds_lit(&q, sql, a->table_name);
    adv_ds_str(&q, ", JSON_ARRAY(");
    for (int k= 0; k < a->ncolumns; k++)
    {
      if (k)
        adv_ds_str(&q, ", ");
      adv_ds_lit(&q, sql, a->column_names[k]);
    }
    adv_ds_str(&q, "), ");
    adv_ds_lit(&q, sql, a->index_name);
    adv_ds_str(&q, ", ");
    adv_ds_lit(&q, sql, a->create_statement);
    snprintf(num, sizeof(num), ", %.0f, ",
             isfinite(a->est_size_bytes) ? a->est_size_bytes : 0);
    adv_ds_str(&q, num);
    fmt_double(num, sizeof(num), a->improvement_pct);
    adv_ds_str(&q, num);
    adv_ds_str(&q, ", ");
    fmt_double(num, sizeof(num), a->workload_pct);
    adv_ds_str(&q, num);
    snprintf(num, sizeof(num), ", %d, ", a->nqueries);
    adv_ds_str(&q, num);
    if (a->example_query >= 0 && queries[a->example_query].text)
      adv_ds_lit(&q, sql, queries[a->example_query].text);
    else
      adv_ds_str(&q, "NULL");
    adv_ds_str(&q, ", ");
    adv_ds_lit(&q, sql, a->reason ? a->reason : "");
    adv_ds_str(&q, ", ");
    fmt_double(num, sizeof(num), a->cost_before);
    adv_ds_str(&q, num);
    adv_ds_str(&q, ", ");
    fmt_double(num, sizeof(num), a->cost_after);
    adv_ds_str(&q, num);
    adv_ds_str(&q, ", ");
    adv_ds_str(&q, now);
    adv_ds_str(&q, ", JSON_ARRAY(");
    for (int k= a->ncolumns - a->ncovering; k < a->ncolumns; k++)
    {
      if (k > a->ncolumns - a->ncovering)
        adv_ds_str(&q, ", ");
      adv_ds_lit(&q, sql, a->column_names[k]);
    }
    adv_ds_str(&q, "))");
    if (q.failed || upkeep_sql_exec(sql, "%s", q.s))
    {
      free(q.s);
      upkeep_sql_rollback(sql);
      return 1;
    }
    free(q.s);
  }
  return upkeep_sql_exec(sql, "COMMIT");
}

/* Replace upkeep.advise_statements.  0 on success. */
int adv_write_statements(upkeep_sql *sql, const stmt_item *items, int n)
{
  if (upkeep_sql_exec(sql, "START TRANSACTION") ||
      upkeep_sql_exec(sql, "DELETE FROM upkeep.advise_statements"))
    return 1;
  for (int i= 0; i < n; i++)
  {
    const stmt_item *it= &items[i];
    dstr q= {0};
    char num[96];

    snprintf(num, sizeof(num), "INSERT INTO upkeep.advise_statements VALUES"
             " (%d, ", i + 1);
    adv_ds_str(&q, num);
    if (it->db[0])
      adv_ds_lit(&q, sql, it->db);
    else
      adv_ds_str(&q, "NULL");
    snprintf(num, sizeof(num), ", %" PRIu64 ", %" PRIu64 ".%03" PRIu64 ", ",
             it->count, it->total_us / 1000, it->total_us % 1000);
    adv_ds_str(&q, num);
    adv_ds_lit(&q, sql, it->norm);
    adv_ds_str(&q, ", ");
    adv_ds_lit(&q, sql, it->example);
    adv_ds_str(&q, ", ");
    adv_ds_lit(&q, sql, it->status ? it->status : "skipped");
    adv_ds_str(&q, ", ");
    if (it->error)
      adv_ds_lit(&q, sql, it->error);
    else
      adv_ds_str(&q, "NULL");
    if (it->has_shape)
      snprintf(num, sizeof(num), ", %d, %d)", it->shape.nunresolved,
               it->shape.nunknown_tables);
    else
      snprintf(num, sizeof(num), ", NULL, NULL)");
    adv_ds_str(&q, num);
    if (q.failed || upkeep_sql_exec(sql, "%s", q.s))
    {
      free(q.s);
      upkeep_sql_rollback(sql);
      return 1;
    }
    free(q.s);
  }
  return upkeep_sql_exec(sql, "COMMIT");
}
