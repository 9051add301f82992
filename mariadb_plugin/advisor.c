/*
  advisor.c
    The index advisor on MariaDB: workload capture, the advise run, and the
    index hygiene views.

  Capture (connection side, no SQL, no I/O).  With upkeep_advise_capture
  ON, the audit hook hands every statement that ended without error to
  upkeep_advise_statement().  SELECT, UPDATE, DELETE and INSERT/REPLACE ...
  SELECT are kept, keyed by their shape (libcommon's uk_stmt_normalize():
  constants become ?) and the session's current database; each shape keeps
  its count, its total time (from the statement's LOG to its STATUS event)
  and the first text seen, cut at 8 KB, as the example the advisor parses
  (the shape has lost the length of IN lists).  Statements of the plugin's
  own connection, of sessions whose current database is a system schema,
  statements whose main table is in one, and statements without a table
  (SELECT 1) are not kept.  At most upkeep_advise_max_statements shapes
  are held; a new shape beyond that is counted in
  upkeep_advise_statements_dropped and forgotten.  Turning capture ON
  after it was OFF starts from nothing; turning it OFF keeps what was
  captured for the next advise run.

  The shapes live in a chained hash table under one mutex (cap_lock),
  held only for the lookup and the increment: the statement is tagged and
  normalised before.  A new shape is allocated outside the lock.

  Advise (worker thread).  SET GLOBAL upkeep_advise = ON flags a request
  and wakes the worker, which:
    1. copies the captured shapes;
    2. reads a catalogue of the schemas they use from information_schema
       (TABLES, COLUMNS, STATISTICS);
    3. translates each example into PostgreSQL's dialect
       (uk_translate_mariadb()), parses it with libpg_query (linked
       statically, its symbols hidden) and reads its predicates, sort and
       grouping against the catalogue (uk_pgtree_shape());
    4. fetches statistics for the columns those use: mysql.column_stats
       when it has the column, else a sample of the table's first
       ADV_SAMPLE_ROWS rows (uk_colstats.h estimates n_distinct);
       row writes from information_schema.TABLE_STATISTICS (userstat),
       counted from when capture started;
    5. runs libcommon's advisor (uk_advisor.h) with each shape weighted by
       its count, and replaces the contents of upkeep.index_advice and
       upkeep.advise_statements, and adds a row to upkeep.advise_runs;
    6. sets upkeep_advise back to OFF.

  Locking: cap_lock protects the hash table and its counters; req_lock the
  advise request flags.  Neither is held while SQL runs.
*/

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pg_query.h>

#include <mysql/plugin.h>
#include <mysql/plugin_audit.h>

#include "uk_advisor.h"
#include "uk_colstats.h"
#include "uk_patch.h"
#include "uk_pgtree.h"
#include "uk_stmt.h"
#include "uk_translate.h"
#include "uk_validate.h"
#include "upkeep.h"

#define ADV_BUCKETS 65536          /* power of two */
#define ADV_EXAMPLE_MAX UK_QUERY_MAX
#define ADV_SAMPLE_ROWS 20000
#define ADV_SAMPLED_COLUMNS_MAX 500
#define ADV_RUNS_KEPT 100

my_bool upkeep_advise_capture= 0;
my_bool upkeep_advise_value= 0;
long long upkeep_advise_max_statements= 5000;
double upkeep_advise_min_improvement_pct= 10;
long long upkeep_advise_max_indexes= 10;
upkeep_advise_counters upkeep_advise_stats;

/* ------------------------------------------------------------ capture */

typedef struct adv_entry
{
  struct adv_entry *next;
  uint64_t hash;
  uint64_t count;
  uint64_t total_us;
  size_t norm_len;
  const char *db;
  const char *norm;
  const char *example;
  char data[];
} adv_entry;

static pthread_mutex_t cap_lock= PTHREAD_MUTEX_INITIALIZER;
static adv_entry **buckets;        /* cap_lock; allocated at the first ON */
static int capture_on;             /* atomic */
static int stats_snapshot_wanted;  /* req_lock: capture (re)started */

static pthread_mutex_t req_lock= PTHREAD_MUTEX_INITIALIZER;
static int advise_requested;       /* req_lock */
static int advise_running;         /* req_lock */

static uint64_t fnv1a(uint64_t h, const char *s, size_t len)
{
  for (size_t i= 0; i < len; i++)
  {
    h^= (unsigned char) s[i];
    h*= 0x100000001b3ULL;
  }
  return h;
}

/* Caller holds cap_lock. */
static void free_entries_locked(void)
{
  if (!buckets)
    return;
  for (size_t b= 0; b < ADV_BUCKETS; b++)
  {
    adv_entry *e= buckets[b];
    while (e)
    {
      adv_entry *next= e->next;
      free(e);
      e= next;
    }
    buckets[b]= NULL;
  }
  upkeep_advise_stats.statements= 0;
}

int upkeep_advise_capture_on(void)
{
  return __atomic_load_n(&capture_on, __ATOMIC_RELAXED);
}

void upkeep_advise_capture_set(int on)
{
  if (on)
  {
    if (upkeep_advise_capture_on())
      return;
    pthread_mutex_lock(&cap_lock);
    if (!buckets)
      buckets= calloc(ADV_BUCKETS, sizeof(*buckets));
    free_entries_locked();
    __atomic_store_n(&upkeep_advise_stats.dropped, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&upkeep_advise_stats.captured, 0, __ATOMIC_RELAXED);
    if (buckets)
      __atomic_store_n(&capture_on, 1, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&cap_lock);
    if (!buckets)
    {
      upkeep_log(UPKEEP_LOG_WARNING, "out of memory: statement capture for "
                 "the index advisor is off");
      return;
    }
    pthread_mutex_lock(&req_lock);
    stats_snapshot_wanted= 1;
    pthread_mutex_unlock(&req_lock);
    upkeep_audit_mask_need();
    upkeep_worker_wake();
    return;
  }
  __atomic_store_n(&capture_on, 0, __ATOMIC_RELEASE);
}

static int name_is(const char *s, size_t len, const char *name)
{
  return strlen(name) == len && strncasecmp(s, name, len) == 0;
}

static int system_schema(const char *s, size_t len)
{
  return name_is(s, len, "mysql") || name_is(s, len, "information_schema") ||
         name_is(s, len, "performance_schema") || name_is(s, len, "sys") ||
         name_is(s, len, "upkeep");
}

/* Does the text have the word SELECT outside literals?  (norm: no literals) */
static int has_select(const char *s, size_t len)
{
  for (size_t i= 0; i + 6 <= len; i++)
    if ((s[i] == 'S' || s[i] == 's') && strncasecmp(s + i, "select", 6) == 0 &&
        (i == 0 || !(isalnum((unsigned char) s[i - 1]) || s[i - 1] == '_')) &&
        (i + 6 == len || !(isalnum((unsigned char) s[i + 6]) || s[i + 6] == '_')))
      return 1;
  return 0;
}

/*
  The command tag of the common cases without libcommon's full scanner:
  text that starts with a plain keyword.  1 when tag is set (possibly to
  "" for a statement that is surely not wanted), 0 when the full scanner
  must decide (comments, parentheses, WITH).
*/
static int quick_tag(const char *q, size_t len, char *tag, size_t cap)
{
  static const char *const words[]=
    { "SELECT", "UPDATE", "DELETE", "INSERT", "REPLACE" };
  size_t i= 0, n;

  while (i < len && (q[i] == ' ' || q[i] == '\t' || q[i] == '\n' ||
                     q[i] == '\r'))
    i++;
  for (n= i; n < len && isalpha((unsigned char) q[n]); n++)
    ;
  if (n == i || (n < len && (isalnum((unsigned char) q[n]) || q[n] == '_' ||
                             q[n] == '$' || (unsigned char) q[n] >= 0x80)))
    return 0;                   /* a comment, a parenthesis, odd text */
  for (size_t w= 0; w < sizeof(words) / sizeof(words[0]); w++)
    if (strlen(words[w]) == n - i && strncasecmp(q + i, words[w], n - i) == 0)
    {
      snprintf(tag, cap, "%s", words[w]);
      return 1;
    }
  if (n - i == 4 && strncasecmp(q + i, "with", 4) == 0)
    return 0;
  tag[0]= '\0';                 /* SET, SHOW, COMMIT, CALL, DDL, ... */
  return 1;
}

/* Caller holds cap_lock. */
static adv_entry *find_locked(uint64_t h, const char *db, size_t db_len,
                              const char *norm, size_t norm_len)
{
  adv_entry *e;
  for (e= buckets[h & (ADV_BUCKETS - 1)]; e; e= e->next)
    if (e->hash == h && e->norm_len == norm_len &&
        memcmp(e->norm, norm, norm_len) == 0 &&
        strlen(e->db) == db_len && memcmp(e->db, db, db_len) == 0)
      return e;
  return NULL;
}

void upkeep_advise_statement(const struct mysql_event_general *ev,
                             int64_t duration_us)
{
  char tag[UK_COMMAND_MAX + 1];
  char norm[ADV_EXAMPLE_MAX + 1];
  const char *q= ev->general_query;
  size_t qlen= ev->general_query_length;
  const char *db= ev->database.str ? ev->database.str : "";
  size_t db_len= ev->database.str ? ev->database.length : 0;
  size_t norm_len, ex_len;
  uint64_t h;
  adv_entry *e, *fresh;
  UkTableRef ref;
  int insert;

  if (!q || qlen == 0 || ev->general_error_code || !ev->general_command ||
      !(name_is(ev->general_command, ev->general_command_length, "Query") ||
        name_is(ev->general_command, ev->general_command_length, "Execute")))
    return;
  if (db_len > UK_IDENT_MAX || system_schema(db, db_len))
    return;
  if (!quick_tag(q, qlen, tag, sizeof(tag)))
    uk_stmt_command(q, qlen, tag, sizeof(tag));
  insert= strcmp(tag, "INSERT") == 0 || strcmp(tag, "REPLACE") == 0;
  if (!insert && strcmp(tag, "SELECT") != 0 && strcmp(tag, "UPDATE") != 0 &&
      strcmp(tag, "DELETE") != 0)
    return;
  if (insert && !has_select(q, qlen))
    return;
  norm_len= uk_stmt_normalize(q, qlen, UK_SQL_MARIADB, norm, sizeof(norm));
  if (insert && !has_select(norm, norm_len))
    return;                     /* the word was inside a literal */
  if (duration_us < 0)
    duration_us= 0;
  h= fnv1a(fnv1a(0xcbf29ce484222325ULL, db, db_len), "", 1);
  h= fnv1a(h, norm, norm_len);

  pthread_mutex_lock(&cap_lock);
  if (buckets && (e= find_locked(h, db, db_len, norm, norm_len)))
  {
    e->count++;
    e->total_us+= (uint64_t) duration_us;
    pthread_mutex_unlock(&cap_lock);
    __atomic_fetch_add(&upkeep_advise_stats.captured, 1, __ATOMIC_RELAXED);
    return;
  }
  pthread_mutex_unlock(&cap_lock);

  /* a new shape: worth keeping? */
  if (!uk_stmt_main_table(q, qlen, &ref) || name_is(ref.name, strlen(ref.name),
                                                    "dual") ||
      (ref.schema[0] && system_schema(ref.schema, strlen(ref.schema))))
    return;
  ex_len= uk_utf8_cut(q, qlen, ADV_EXAMPLE_MAX);
  fresh= malloc(sizeof(*fresh) + db_len + 1 + norm_len + 1 + ex_len + 1);
  if (!fresh)
  {
    __atomic_fetch_add(&upkeep_advise_stats.dropped, 1, __ATOMIC_RELAXED);
    return;
  }
  {
    char *p= fresh->data;
    memcpy(p, db, db_len);
    p[db_len]= '\0';
    fresh->db= p;
    p+= db_len + 1;
    memcpy(p, norm, norm_len);
    p[norm_len]= '\0';
    fresh->norm= p;
    p+= norm_len + 1;
    memcpy(p, q, ex_len);
    p[ex_len]= '\0';
    fresh->example= p;
  }
  fresh->norm_len= norm_len;
  fresh->hash= h;
  fresh->count= 1;
  fresh->total_us= (uint64_t) duration_us;

  pthread_mutex_lock(&cap_lock);
  if (!buckets || !upkeep_advise_capture_on())
  {
    pthread_mutex_unlock(&cap_lock);
    free(fresh);
    return;
  }
  if ((e= find_locked(h, db, db_len, norm, norm_len)))
  {
    /* another session added it meanwhile */
    e->count++;
    e->total_us+= (uint64_t) duration_us;
    pthread_mutex_unlock(&cap_lock);
    free(fresh);
    __atomic_fetch_add(&upkeep_advise_stats.captured, 1, __ATOMIC_RELAXED);
    return;
  }
  if ((long long) upkeep_advise_stats.statements >=
      upkeep_advise_max_statements)
  {
    pthread_mutex_unlock(&cap_lock);
    free(fresh);
    __atomic_fetch_add(&upkeep_advise_stats.dropped, 1, __ATOMIC_RELAXED);
    return;
  }
  fresh->next= buckets[h & (ADV_BUCKETS - 1)];
  buckets[h & (ADV_BUCKETS - 1)]= fresh;
  __atomic_store_n(&upkeep_advise_stats.statements,
                   upkeep_advise_stats.statements + 1, __ATOMIC_RELAXED);
  pthread_mutex_unlock(&cap_lock);
  __atomic_fetch_add(&upkeep_advise_stats.captured, 1, __ATOMIC_RELAXED);
}

/* ------------------------------------------------------------ requests */

int upkeep_advise_busy(void)
{
  int busy;
  pthread_mutex_lock(&req_lock);
  busy= advise_requested || advise_running;
  pthread_mutex_unlock(&req_lock);
  return busy;
}

int upkeep_advise_request(void)
{
  pthread_mutex_lock(&req_lock);
  if (advise_requested || advise_running)
  {
    pthread_mutex_unlock(&req_lock);
    return 1;
  }
  advise_requested= 1;
  pthread_mutex_unlock(&req_lock);
  upkeep_worker_wake();
  return 0;
}

int upkeep_advisor_init(void)
{
  memset(&upkeep_advise_stats, 0, sizeof(upkeep_advise_stats));
  upkeep_advise_stats.last_run_ms= 0;
  pthread_mutex_lock(&req_lock);
  advise_requested= advise_running= 0;
  pthread_mutex_unlock(&req_lock);
  upkeep_advise_value= 0;
  __atomic_store_n(&capture_on, 0, __ATOMIC_RELEASE);
  if (upkeep_advise_capture)
    upkeep_advise_capture_set(1);
  return 0;
}

void upkeep_advisor_deinit(void)
{
  __atomic_store_n(&capture_on, 0, __ATOMIC_RELEASE);
  pthread_mutex_lock(&cap_lock);
  free_entries_locked();
  free(buckets);
  buckets= NULL;
  pthread_mutex_unlock(&cap_lock);
}

/* -------------------------------------------------------- worker: tables */

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
  " created_at DATETIME(6) NOT NULL COMMENT 'UTC'"
  ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
  " COMMENT='upkeep: indexes advised by the last SET GLOBAL upkeep_advise = ON'";

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
      upkeep_sql_exec(sql, "%s", RUNS_DDL) ||
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

/* ------------------------------------------------- worker: small helpers */

/* A growing string; on allocation failure it keeps failed set. */
typedef struct
{
  char *s;
  size_t len, cap;
  int failed;
} dstr;

static void ds_add(dstr *d, const char *s, size_t n)
{
  if (d->failed)
    return;
  if (d->len + n + 1 > d->cap)
  {
    size_t cap= d->cap ? d->cap : 256;
    char *p;
    while (cap < d->len + n + 1)
      cap*= 2;
    if (!(p= realloc(d->s, cap)))
    {
      d->failed= 1;
      return;
    }
    d->s= p;
    d->cap= cap;
  }
  memcpy(d->s + d->len, s, n);
  d->len+= n;
  d->s[d->len]= '\0';
}

static void ds_str(dstr *d, const char *s)
{
  ds_add(d, s, strlen(s));
}

/*
  A string literal for SQL (upkeep_sql_quote() copied out).  Text that is
  not valid UTF-8 (a client in latin1, raw bytes in a literal) has those
  bytes as '?': the utf8mb4 columns would refuse it, and with it the run.
*/
static void ds_lit(dstr *d, upkeep_sql *sql, const char *s)
{
  size_t len= s ? strlen(s) : 0;
  char *clean;

  if (uk_utf8_valid(s, len))
  {
    ds_str(d, upkeep_sql_quote(sql, 3, s));
    return;
  }
  clean= malloc(len + 1);
  if (!clean)
  {
    d->failed= 1;
    return;
  }
  memcpy(clean, s, len + 1);
  uk_utf8_scrub(clean, len);
  ds_str(d, upkeep_sql_quote(sql, 3, clean));
  free(clean);
}

/*
  The array p (n elements of size bytes in use, *cap allocated) with room
  for one more, doubling from first: p itself or its new place.  NULL when
  out of memory; p is then still allocated and unchanged.
*/
static void *grow(void *p, int n, int *cap, int first, size_t size)
{
  int c;
  void *q;

  if (n < *cap)
    return p;
  c= *cap ? *cap * 2 : first;
  if (!(q= realloc(p, (size_t) c * size)))
    return NULL;
  *cap= c;
  return q;
}

static char *xstrdup(const char *s)
{
  return strdup(s ? s : "");
}

/* `a`.`b` style quoting of an identifier into d. */
static void ds_ident(dstr *d, const char *id)
{
  char buf[2 * UK_IDENT_MAX + 4];
  size_t n= uk_ident_quote(UK_ENGINE_MARIADB, id, buf, sizeof(buf));
  if (n < sizeof(buf))
    ds_add(d, buf, n);
  else
    d->failed= 1;
}

/* ------------------------------------------------ worker: the catalogue */

typedef struct
{
  char *schema;
  char *name;
  double rows;
  double data_length;
  double changed_at_start;          /* ROWS_CHANGED when capture started */
  int ncols, capcols;
  UkAdvColumn *cols;
  char **col_types;                 /* DATA_TYPE, lower case */
  unsigned char *col_used;
  unsigned char *col_has_stats;
  int nidx, capidx;
  UkAdvIndex *idx;
} cat_table;

typedef struct
{
  cat_table *t;
  int n, cap;
  int last;                         /* lookup cache */
} catalogue;

static int cat_cmp(const void *a, const void *b)
{
  const cat_table *x= a, *y= b;
  int c= strcmp(x->schema, y->schema);
  return c ? c : strcmp(x->name, y->name);
}

static cat_table *cat_find(catalogue *c, const char *schema, const char *name)
{
  cat_table key;
  cat_table *t;

  if (c->n == 0 || !schema || !name)
    return NULL;
  if (c->last >= 0 && c->last < c->n && strcmp(c->t[c->last].schema, schema) == 0 &&
      strcmp(c->t[c->last].name, name) == 0)
    return &c->t[c->last];
  key.schema= (char *) schema;
  key.name= (char *) name;
  t= bsearch(&key, c->t, (size_t) c->n, sizeof(cat_table), cat_cmp);
  if (t)
    c->last= (int) (t - c->t);
  return t;
}

static int col_find(const cat_table *t, const char *name)
{
  for (int i= 0; i < t->ncols; i++)
    if (strcasecmp(t->cols[i].name, name) == 0)
      return i;
  return -1;
}

static void cat_free(catalogue *c)
{
  for (int i= 0; i < c->n; i++)
  {
    cat_table *t= &c->t[i];
    free(t->schema);
    free(t->name);
    for (int k= 0; k < t->ncols; k++)
    {
      free((char *) t->cols[k].name);
      free(t->col_types[k]);
    }
    free(t->cols);
    free(t->col_types);
    free(t->col_used);
    free(t->col_has_stats);
    for (int k= 0; k < t->nidx; k++)
    {
      free((char *) t->idx[k].name);
      free((int *) t->idx[k].columns);
    }
    free(t->idx);
  }
  free(c->t);
  memset(c, 0, sizeof(*c));
}

typedef struct
{
  catalogue *cat;
  int failed;
} load_arg;

static void table_row(void *arg, unsigned int ncols, char **cols)
{
  load_arg *a= arg;
  catalogue *c= a->cat;
  cat_table *t;

  if (ncols < 4 || !cols[0] || !cols[1])
    return;
  if (!(t= grow(c->t, c->n, &c->cap, 64, sizeof(*t))))
  {
    a->failed= 1;
    return;
  }
  c->t= t;
  t= &c->t[c->n];
  memset(t, 0, sizeof(*t));
  t->schema= xstrdup(cols[0]);
  t->name= xstrdup(cols[1]);
  t->rows= cols[2] ? strtod(cols[2], NULL) : -1;
  t->data_length= cols[3] ? strtod(cols[3], NULL) : 0;
  t->changed_at_start= -1;
  if (!t->schema || !t->name)
  {
    free(t->schema);
    free(t->name);
    a->failed= 1;
    return;
  }
  c->n++;
}

static void column_row(void *arg, unsigned int ncols, char **cols)
{
  load_arg *a= arg;
  cat_table *t;

  if (ncols < 4 || !cols[0] || !cols[1] || !cols[2])
    return;
  if (!(t= cat_find(a->cat, cols[0], cols[1])))
    return;
  if (t->ncols == t->capcols)
  {
    int cap= t->capcols ? t->capcols * 2 : 16;
    UkAdvColumn *pc= realloc(t->cols, (size_t) cap * sizeof(*pc));
    char **pt;
    unsigned char *pu, *ps;
    if (pc)
      t->cols= pc;
    pt= realloc(t->col_types, (size_t) cap * sizeof(*pt));
    if (pt)
      t->col_types= pt;
    pu= realloc(t->col_used, (size_t) cap);
    if (pu)
      t->col_used= pu;
    ps= realloc(t->col_has_stats, (size_t) cap);
    if (ps)
      t->col_has_stats= ps;
    if (!pc || !pt || !pu || !ps)
    {
      a->failed= 1;
      return;
    }
    t->capcols= cap;
  }
  memset(&t->cols[t->ncols], 0, sizeof(UkAdvColumn));
  t->cols[t->ncols].name= xstrdup(cols[2]);
  t->col_types[t->ncols]= xstrdup(cols[3] ? cols[3] : "");
  t->col_used[t->ncols]= 0;
  t->col_has_stats[t->ncols]= 0;
  if (!t->cols[t->ncols].name || !t->col_types[t->ncols])
  {
    a->failed= 1;
    return;
  }
  for (char *p= t->col_types[t->ncols]; *p; p++)
    *p= (char) tolower((unsigned char) *p);
  t->ncols++;
}

/* STATISTICS rows, ordered by schema, table, index, SEQ_IN_INDEX. */
static void index_row(void *arg, unsigned int ncols, char **cols)
{
  load_arg *a= arg;
  cat_table *t;
  UkAdvIndex *ix;
  int pos;
  int *pc;

  if (ncols < 6 || !cols[0] || !cols[1] || !cols[2] || !cols[4])
    return;
  if (!(t= cat_find(a->cat, cols[0], cols[1])))
    return;
  pos= cols[3] ? col_find(t, cols[3]) : -1;
  ix= t->nidx ? &t->idx[t->nidx - 1] : NULL;
  if (!ix || strcmp(ix->name, cols[2]) != 0 || atoi(cols[4]) <= 1)
  {
    if (!(ix= grow(t->idx, t->nidx, &t->capidx, 8, sizeof(*ix))))
    {
      a->failed= 1;
      return;
    }
    t->idx= ix;
    ix= &t->idx[t->nidx];
    memset(ix, 0, sizeof(*ix));
    ix->name= xstrdup(cols[2]);
    if (!ix->name)
    {
      a->failed= 1;
      return;
    }
    ix->unique= cols[5] && strcmp(cols[5], "0") == 0;
    /* in MariaDB a unique index is the constraint */
    ix->constraint= ix->unique;
    ix->kind= ncols > 6 && cols[6] && strcmp(cols[6], "BTREE") == 0 ?
              UK_ADV_BTREE : UK_ADV_OTHER;
    t->nidx++;
  }
  pc= realloc((int *) ix->columns, (size_t) (ix->ncolumns + 1) * sizeof(int));
  if (!pc)
  {
    a->failed= 1;
    return;
  }
  pc[ix->ncolumns++]= pos;
  ix->columns= pc;
}

/* ------------------------------------------------- worker: TABLE_STATISTICS */

typedef struct
{
  char *key;                        /* schema NUL name, as "schema\001name" */
  double changed;
} changed_row;

static changed_row *changed_at_start;
static int nchanged_at_start= -1;   /* -1: no snapshot (userstat was OFF) */

static int changed_cmp(const void *a, const void *b)
{
  return strcmp(((const changed_row *) a)->key, ((const changed_row *) b)->key);
}

typedef struct
{
  changed_row *rows;
  int n, cap;
  int failed;
} changed_set;

static void changed_row_fn(void *arg, unsigned int ncols, char **cols)
{
  changed_set *s= arg;
  char *key;

  if (ncols < 3 || !cols[0] || !cols[1])
    return;
  {
    changed_row *rows= grow(s->rows, s->n, &s->cap, 64, sizeof(*rows));
    if (!rows)
    {
      s->failed= 1;
      return;
    }
    s->rows= rows;
  }
  key= malloc(strlen(cols[0]) + strlen(cols[1]) + 2);
  if (!key)
  {
    s->failed= 1;
    return;
  }
  sprintf(key, "%s\001%s", cols[0], cols[1]);
  s->rows[s->n].key= key;
  s->rows[s->n].changed= cols[2] ? strtod(cols[2], NULL) : 0;
  s->n++;
}

static void changed_free(changed_row *rows, int n)
{
  for (int i= 0; i < n; i++)
    free(rows[i].key);
  free(rows);
}

/*
  The ROWS_CHANGED of every table now, or -1 in *n when userstat is OFF
  (nothing counted).
*/
static int changed_read(upkeep_sql *sql, changed_row **out, int *n)
{
  char v[16];
  changed_set s;

  *out= NULL;
  *n= -1;
  if (upkeep_sql_value(sql, v, sizeof(v), "SELECT @@global.userstat"))
    return 1;
  if (strcmp(v, "1") != 0)
    return 0;
  memset(&s, 0, sizeof(s));
  if (upkeep_sql_rows(sql, changed_row_fn, &s,
        "SELECT TABLE_SCHEMA, TABLE_NAME, ROWS_CHANGED"
        " FROM information_schema.TABLE_STATISTICS") || s.failed)
  {
    changed_free(s.rows, s.n);
    return 1;
  }
  qsort(s.rows, (size_t) s.n, sizeof(changed_row), changed_cmp);
  *out= s.rows;
  *n= s.n;
  return 0;
}

static double changed_lookup(const changed_row *rows, int n,
                             const char *schema, const char *name)
{
  changed_row key, *r;
  char buf[1024];

  if (n <= 0)
    return 0;
  snprintf(buf, sizeof(buf), "%s\001%s", schema, name);
  key.key= buf;
  r= bsearch(&key, rows, (size_t) n, sizeof(changed_row), changed_cmp);
  return r ? r->changed : 0;
}

/* --------------------------------------------------- worker: statistics */

/* Width in bytes of a fixed-width MariaDB type; 0 for variable ones. */
static double type_width(const char *t)
{
  static const struct { const char *name; double width; } w[]=
  {
    {"tinyint", 1}, {"smallint", 2}, {"mediumint", 3}, {"int", 4},
    {"bigint", 8}, {"float", 4}, {"double", 8}, {"decimal", 8},
    {"date", 3}, {"datetime", 8}, {"timestamp", 4}, {"time", 3},
    {"year", 1}, {"bit", 1}, {"enum", 2}, {"set", 8}, {"uuid", 16},
    {"inet4", 4}, {"inet6", 16}
  };
  for (size_t i= 0; i < sizeof(w) / sizeof(w[0]); i++)
    if (strcmp(t, w[i].name) == 0)
      return w[i].width;
  return 0;
}

typedef struct
{
  catalogue *cat;
  int found;
} cstats_arg;

/* mysql.column_stats: db, table, column, nulls_ratio, avg_length, avg_frequency */
static void column_stats_row(void *arg, unsigned int ncols, char **cols)
{
  cstats_arg *a= arg;
  cat_table *t;
  int c;
  double nd;

  if (ncols < 6 || !cols[0] || !cols[1] || !cols[2] || !cols[5])
    return;
  if (!(t= cat_find(a->cat, cols[0], cols[1])) ||
      (c= col_find(t, cols[2])) < 0 || !t->col_used[c])
    return;
  nd= uk_colstats_ndistinct_avg_frequency(t->rows,
                                          cols[3] ? strtod(cols[3], NULL) : 0,
                                          strtod(cols[5], NULL));
  if (nd == 0)
    return;
  t->cols[c].n_distinct= nd;
  t->cols[c].null_frac= cols[3] ? strtod(cols[3], NULL) : 0;
  if (t->cols[c].null_frac < 0 || t->cols[c].null_frac > 1)
    t->cols[c].null_frac= 0;
  t->cols[c].avg_width= type_width(t->col_types[c]);
  if (t->cols[c].avg_width == 0 && cols[4])
    t->cols[c].avg_width= strtod(cols[4], NULL);
  t->col_has_stats[c]= 1;
  a->found++;
}

typedef struct
{
  double rows, nulls, distinct, singletons, length;
  int got;
} sample_res;

static void sample_row_fn(void *arg, unsigned int ncols, char **cols)
{
  sample_res *r= arg;
  if (ncols < 5 || !cols[0])
    return;
  r->rows= strtod(cols[0], NULL);
  r->nulls= cols[1] ? strtod(cols[1], NULL) : 0;
  r->distinct= cols[2] ? strtod(cols[2], NULL) : 0;
  r->singletons= cols[3] ? strtod(cols[3], NULL) : 0;
  r->length= cols[4] ? strtod(cols[4], NULL) : 0;
  r->got= 1;
}

/*
  Statistics of one column from the table's first ADV_SAMPLE_ROWS rows:
  NULLs, distinct values, values seen once, average length.  0 on success.
*/
static int sample_column(upkeep_sql *sql, cat_table *t, int c)
{
  dstr q= {0};
  sample_res r;
  UkColSample s;

  memset(&r, 0, sizeof(r));
  ds_str(&q, "SELECT SUM(n), SUM(IF(v IS NULL, n, 0)), SUM(v IS NOT NULL),"
         " SUM(v IS NOT NULL AND n = 1), SUM(IF(v IS NULL, 0, len * n))"
         " FROM (SELECT v, COUNT(*) AS n, MAX(LENGTH(v)) AS len FROM (SELECT ");
  ds_ident(&q, t->cols[c].name);
  ds_str(&q, " AS v FROM ");
  ds_ident(&q, t->schema);
  ds_str(&q, ".");
  ds_ident(&q, t->name);
  /* the table's own order: a secondary index would give its lowest values */
  ds_str(&q, " USE INDEX ()");
  {
    char lim[48];
    snprintf(lim, sizeof(lim), " LIMIT %d) s GROUP BY v) g", ADV_SAMPLE_ROWS);
    ds_str(&q, lim);
  }
  if (q.failed || upkeep_sql_rows(sql, sample_row_fn, &r, "%s", q.s) || !r.got)
  {
    free(q.s);
    return 1;
  }
  free(q.s);
  s.sample_rows= r.rows;
  s.nulls= r.nulls;
  s.distinct= r.distinct;
  s.singletons= r.singletons;
  s.total_rows= t->rows;
  s.complete= r.rows < ADV_SAMPLE_ROWS;
  t->cols[c].n_distinct= uk_colstats_ndistinct_sample(&s);
  t->cols[c].null_frac= r.rows > 0 ? r.nulls / r.rows : 0;
  t->cols[c].avg_width= type_width(t->col_types[c]);
  if (t->cols[c].avg_width == 0 && r.rows > r.nulls)
    t->cols[c].avg_width= r.length / (r.rows - r.nulls);
  if (r.rows > t->rows)
    t->rows= r.rows;
  t->col_has_stats[c]= 1;
  return 0;
}

/* ---------------------------------------------------- worker: the run */

typedef struct
{
  char *db;
  char *norm;
  char *example;
  uint64_t count;
  uint64_t total_us;
  /* results */
  const char *status;
  char *error;
  int has_shape;
  UkTreeShape shape;
} stmt_item;

/* A copy of the captured shapes.  NULL and *n = 0 when none. */
static stmt_item *snapshot(int *n, int *failed)
{
  stmt_item *items;
  int k= 0, cap;

  *n= 0;
  *failed= 0;
  pthread_mutex_lock(&cap_lock);
  cap= (int) upkeep_advise_stats.statements;
  if (!buckets || cap == 0)
  {
    pthread_mutex_unlock(&cap_lock);
    return NULL;
  }
  items= calloc((size_t) cap, sizeof(*items));
  if (!items)
  {
    pthread_mutex_unlock(&cap_lock);
    *failed= 1;
    return NULL;
  }
  for (size_t b= 0; b < ADV_BUCKETS && k < cap; b++)
    for (adv_entry *e= buckets[b]; e && k < cap; e= e->next)
    {
      stmt_item *it= &items[k++];
      it->db= strdup(e->db);
      it->norm= strdup(e->norm);
      it->example= strdup(e->example);
      it->count= e->count;
      it->total_us= e->total_us;
      if (!it->db || !it->norm || !it->example)
        *failed= 1;
    }
  pthread_mutex_unlock(&cap_lock);
  *n= k;
  return items;
}

static void items_free(stmt_item *items, int n)
{
  for (int i= 0; i < n; i++)
  {
    free(items[i].db);
    free(items[i].norm);
    free(items[i].example);
    free(items[i].error);
    if (items[i].has_shape)
      uk_pgtree_shape_free(&items[i].shape);
  }
  free(items);
}

/* Heavier first (count, then time), then by text: a stable order. */
static int item_cmp(const void *a, const void *b)
{
  const stmt_item *x= a, *y= b;
  int c;
  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  if (x->total_us != y->total_us)
    return x->total_us > y->total_us ? -1 : 1;
  c= strcmp(x->db, y->db);
  return c ? c : strcmp(x->norm, y->norm);
}

static void set_error(stmt_item *it, const char *stage, const char *msg)
{
  char buf[700];
  snprintf(buf, sizeof(buf), "%s: %s", stage, msg ? msg : "failed");
  free(it->error);
  it->error= strdup(buf);
  it->status= "skipped";
}

/* Translate, parse and read the shape of one statement. */
static void read_statement(stmt_item *it, catalogue *cat, UkAdvTable *tables)
{
  UkTranslation tr;
  UkError *err= NULL;
  PgQueryParseResult r;

  memset(&tr, 0, sizeof(tr));
  if (uk_translate_mariadb(it->example, strlen(it->example), &tr, &err) !=
      UK_OK)
  {
    set_error(it, "translation", err ? err->message : NULL);
    uk_error_free(err);
    return;
  }
  r= pg_query_parse(tr.sql);
  if (r.error)
  {
    char msg[600];
    snprintf(msg, sizeof(msg), "%s at character %d of the translated text",
             r.error->message ? r.error->message : "syntax error",
             r.error->cursorpos);
    set_error(it, "parse", msg);
    pg_query_free_parse_result(r);
    uk_translate_free(&tr);
    return;
  }
  memset(&it->shape, 0, sizeof(it->shape));
  if (uk_pgtree_shape(r.parse_tree, strlen(r.parse_tree), tables, cat->n,
                      it->db, true, &it->shape, &err) != UK_OK)
  {
    set_error(it, "shape", err ? err->message : NULL);
    uk_error_free(err);
  }
  else
  {
    it->has_shape= 1;
    it->status= (it->shape.query.npreds || it->shape.query.norder_by ||
                 it->shape.query.ngroup_by) ? "used" : "no_predicates";
  }
  pg_query_free_parse_result(r);
  uk_translate_free(&tr);
}

static void mark_used(catalogue *cat, const UkAdvQuery *q)
{
  for (int i= 0; i < q->npreds; i++)
    if (q->preds[i].table >= 0 && q->preds[i].table < cat->n &&
        q->preds[i].column >= 0 &&
        q->preds[i].column < cat->t[q->preds[i].table].ncols)
      cat->t[q->preds[i].table].col_used[q->preds[i].column]= 1;
  for (int i= 0; i < q->norder_by; i++)
    if (q->order_by[i].table >= 0 && q->order_by[i].table < cat->n &&
        q->order_by[i].column >= 0 &&
        q->order_by[i].column < cat->t[q->order_by[i].table].ncols)
      cat->t[q->order_by[i].table].col_used[q->order_by[i].column]= 1;
  for (int i= 0; i < q->ngroup_by; i++)
    if (q->group_by[i].table >= 0 && q->group_by[i].table < cat->n &&
        q->group_by[i].column >= 0 &&
        q->group_by[i].column < cat->t[q->group_by[i].table].ncols)
      cat->t[q->group_by[i].table].col_used[q->group_by[i].column]= 1;
}

typedef struct
{
  int statements, parsed, skipped, dropped_run;
  unsigned long long executions, dropped;
  int tables, from_stats, sampled, candidates, advised;
  double before, after;
  const char *first_error;
  char note[600];
  int sample_failed;            /* columns whose sample query failed */
  char sample_error[400];       /* the first of them */
} run_summary;

/* The schemas of the captured statements, as a SQL list: 'a', 'b'. */
static int schema_list(upkeep_sql *sql, stmt_item *items, int n, dstr *out)
{
  int any= 0;

  for (int i= 0; i < n; i++)
  {
    const char *names[2];
    UkTableRef ref;
    names[0]= items[i].db;
    names[1]= NULL;
    if (uk_stmt_main_table(items[i].example, strlen(items[i].example), &ref) &&
        ref.schema[0])
      names[1]= ref.schema;
    for (int k= 0; k < 2; k++)
    {
      int seen= 0;
      if (!names[k] || !names[k][0])
        continue;
      for (int j= 0; j < i && !seen; j++)
        seen= strcmp(items[j].db, names[k]) == 0;
      if (seen || (k == 1 && strcmp(names[1], names[0]) == 0))
        continue;
      /* a schema named twice in the list is harmless */
      if (any)
        ds_str(out, ", ");
      ds_lit(out, sql, names[k]);
      any= 1;
    }
  }
  return any;
}

static int load_catalogue(upkeep_sql *sql, const char *schemas, catalogue *cat)
{
  load_arg a= { cat, 0 };

  cat->last= -1;
  if (upkeep_sql_rows(sql, table_row, &a,
        "SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_ROWS, DATA_LENGTH"
        " FROM information_schema.TABLES WHERE TABLE_TYPE = 'BASE TABLE'"
        " AND TABLE_SCHEMA IN (%s)", schemas) || a.failed)
    return 1;
  if (cat->n)
    qsort(cat->t, (size_t) cat->n, sizeof(cat_table), cat_cmp);
  if (upkeep_sql_rows(sql, column_row, &a,
        "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, DATA_TYPE"
        " FROM information_schema.COLUMNS WHERE TABLE_SCHEMA IN (%s)"
        " ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION", schemas) ||
      a.failed)
    return 1;
  if (upkeep_sql_rows(sql, index_row, &a,
        "SELECT TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, COLUMN_NAME,"
        " SEQ_IN_INDEX, NON_UNIQUE, INDEX_TYPE"
        " FROM information_schema.STATISTICS WHERE TABLE_SCHEMA IN (%s)"
        " ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX",
        schemas) || a.failed)
    return 1;
  return 0;
}

static void fmt_double(char *buf, size_t cap, double v)
{
  if (!isfinite(v))
    snprintf(buf, cap, "0");
  else
    snprintf(buf, cap, "%.6g", v);
}

/* Replace upkeep.index_advice.  0 on success. */
static int write_advice(upkeep_sql *sql, const UkAdvice *adv, int nadv,
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

    ds_str(&q, "INSERT INTO upkeep.index_advice (`rank`, schema_name,"
           " table_name, `columns`, index_name, create_statement,"
           " est_size_bytes, improvement_pct, workload_pct, queries,"
           " example_query, reason, cost_before, cost_after, created_at)"
           " VALUES (");
    snprintf(num, sizeof(num), "%d, ", a->rank);
    ds_str(&q, num);
    ds_lit(&q, sql, a->schema ? a->schema : "");
    ds_str(&q, ", ");
    ds_lit(&q, sql, a->table_name);
    ds_str(&q, ", JSON_ARRAY(");
    for (int k= 0; k < a->ncolumns; k++)
    {
      if (k)
        ds_str(&q, ", ");
      ds_lit(&q, sql, a->column_names[k]);
    }
    ds_str(&q, "), ");
    ds_lit(&q, sql, a->index_name);
    ds_str(&q, ", ");
    ds_lit(&q, sql, a->create_statement);
    snprintf(num, sizeof(num), ", %.0f, ",
             isfinite(a->est_size_bytes) ? a->est_size_bytes : 0);
    ds_str(&q, num);
    fmt_double(num, sizeof(num), a->improvement_pct);
    ds_str(&q, num);
    ds_str(&q, ", ");
    fmt_double(num, sizeof(num), a->workload_pct);
    ds_str(&q, num);
    snprintf(num, sizeof(num), ", %d, ", a->nqueries);
    ds_str(&q, num);
    if (a->example_query >= 0 && queries[a->example_query].text)
      ds_lit(&q, sql, queries[a->example_query].text);
    else
      ds_str(&q, "NULL");
    ds_str(&q, ", ");
    ds_lit(&q, sql, a->reason ? a->reason : "");
    ds_str(&q, ", ");
    fmt_double(num, sizeof(num), a->cost_before);
    ds_str(&q, num);
    ds_str(&q, ", ");
    fmt_double(num, sizeof(num), a->cost_after);
    ds_str(&q, num);
    ds_str(&q, ", ");
    ds_str(&q, now);
    ds_str(&q, ")");
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
static int write_statements(upkeep_sql *sql, const stmt_item *items, int n)
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
    ds_str(&q, num);
    if (it->db[0])
      ds_lit(&q, sql, it->db);
    else
      ds_str(&q, "NULL");
    snprintf(num, sizeof(num), ", %" PRIu64 ", %" PRIu64 ".%03" PRIu64 ", ",
             it->count, it->total_us / 1000, it->total_us % 1000);
    ds_str(&q, num);
    ds_lit(&q, sql, it->norm);
    ds_str(&q, ", ");
    ds_lit(&q, sql, it->example);
    ds_str(&q, ", ");
    ds_lit(&q, sql, it->status ? it->status : "skipped");
    ds_str(&q, ", ");
    if (it->error)
      ds_lit(&q, sql, it->error);
    else
      ds_str(&q, "NULL");
    if (it->has_shape)
      snprintf(num, sizeof(num), ", %d, %d)", it->shape.nunresolved,
               it->shape.nunknown_tables);
    else
      snprintf(num, sizeof(num), ", NULL, NULL)");
    ds_str(&q, num);
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

/*
  The run.  Returns 0 when the tables were written; the summary says what
  happened either way.
*/
static int advise_run(upkeep_sql *sql, run_summary *sum)
{
  stmt_item *items;
  int n, failed;
  catalogue cat;
  UkAdvTable *tables= NULL;
  UkAdvQuery *queries= NULL;
  int *query_item= NULL;
  int nq= 0;
  changed_row *now_changed= NULL;
  int nnow= -1;
  UkAdvisor *advisor= NULL;
  const UkAdvice *adv= NULL;
  int nadv= 0;
  UkError *err= NULL;
  int rc= 1;
  dstr schemas= {0};
  char now[64];

  memset(&cat, 0, sizeof(cat));
  {
    int64_t us= upkeep_now_us();
    snprintf(now, sizeof(now), "FROM_UNIXTIME(%" PRId64 ".%06" PRId64 ")",
             us / 1000000, us % 1000000);
  }

  items= snapshot(&n, &failed);
  sum->statements= n;
  sum->dropped= __atomic_load_n(&upkeep_advise_stats.dropped, __ATOMIC_RELAXED);
  if (failed)
  {
    snprintf(sum->note, sizeof(sum->note), "out of memory copying the "
             "captured statements");
    goto done;
  }
  for (int i= 0; i < n; i++)
    sum->executions+= items[i].count;
  if (n > 1)
    qsort(items, (size_t) n, sizeof(*items), item_cmp);

  if (n == 0)
  {
    snprintf(sum->note, sizeof(sum->note), "%s",
             upkeep_advise_capture_on() ?
             "no statement captured yet: run the workload while"
             " upkeep_advise_capture is ON, then advise again" :
             "no statement captured: SET GLOBAL upkeep_advise_capture = ON,"
             " run the workload, then SET GLOBAL upkeep_advise = ON");
  }
  else if (schema_list(sql, items, n, &schemas))
  {
    if (schemas.failed || load_catalogue(sql, schemas.s, &cat))
    {
      snprintf(sum->note, sizeof(sum->note), "could not read the catalogue:"
               " %s", upkeep_sql_error(sql));
      goto done;
    }
  }
  sum->tables= cat.n;
  if (cat.n)
  {
    tables= calloc((size_t) cat.n, sizeof(*tables));
    if (!tables)
      goto oom;
    for (int i= 0; i < cat.n; i++)
    {
      cat_table *t= &cat.t[i];
      tables[i].schema= t->schema;
      tables[i].name= t->name;
      tables[i].columns= t->cols;
      tables[i].ncolumns= t->ncols;
      tables[i].indexes= t->idx;
      tables[i].nindexes= t->nidx;
    }
  }

  /* translate, parse, shape */
  for (int i= 0; i < n; i++)
  {
    if (upkeep_worker_stopping())
      goto interrupted;
    /* a SET GLOBAL upkeep_maintenance must not wait for the run */
    if (i % 64 == 63)
      upkeep_worker_serve(sql);
    read_statement(&items[i], &cat, tables);
    if (items[i].has_shape)
    {
      sum->parsed++;
      mark_used(&cat, &items[i].shape.query);
    }
    else
    {
      sum->skipped++;
      if (!sum->first_error)
        sum->first_error= items[i].error;
    }
  }

  /* statistics of the columns used */
  if (cat.n)
  {
    cstats_arg ca= { &cat, 0 };
    if (upkeep_sql_rows(sql, column_stats_row, &ca,
          "SELECT db_name, table_name, column_name, nulls_ratio, avg_length,"
          " avg_frequency FROM mysql.column_stats WHERE db_name IN (%s)",
          schemas.s))
      upkeep_log(UPKEEP_LOG_WARNING, "advise: could not read "
                 "mysql.column_stats: %s", upkeep_sql_error(sql));
    sum->from_stats= ca.found;
    for (int i= 0; i < cat.n; i++)
      for (int c= 0; c < cat.t[i].ncols; c++)
        if (cat.t[i].col_used[c] && !cat.t[i].col_has_stats[c] &&
            sum->sampled < ADV_SAMPLED_COLUMNS_MAX)
        {
          if (upkeep_worker_stopping())
            goto interrupted;
          upkeep_worker_serve(sql);
          if (sample_column(sql, &cat.t[i], c) == 0)
            sum->sampled++;
          else if (sum->sample_failed++ == 0)
            snprintf(sum->sample_error, sizeof(sum->sample_error),
                     "%s.%s.%s: %s", cat.t[i].schema, cat.t[i].name,
                     cat.t[i].cols[c].name, upkeep_sql_error(sql));
        }
    if (changed_read(sql, &now_changed, &nnow))
      nnow= -1;
    for (int i= 0; i < cat.n; i++)
    {
      cat_table *t= &cat.t[i];
      double writes= 0;
      if (nnow >= 0 && nchanged_at_start >= 0)
      {
        writes= changed_lookup(now_changed, nnow, t->schema, t->name) -
                changed_lookup(changed_at_start, nchanged_at_start,
                               t->schema, t->name);
        if (writes < 0)
          writes= 0;              /* FLUSH TABLE_STATISTICS meanwhile */
      }
      tables[i].rows= t->rows;
      tables[i].size_bytes= t->data_length;
      tables[i].row_writes= writes;
    }
  }

  /* the workload */
  if (sum->parsed)
  {
    queries= calloc((size_t) sum->parsed, sizeof(*queries));
    query_item= calloc((size_t) sum->parsed, sizeof(*query_item));
    if (!queries || !query_item)
      goto oom;
    for (int i= 0; i < n; i++)
      if (items[i].has_shape)
      {
        queries[nq]= items[i].shape.query;
        queries[nq].id= NULL;
        queries[nq].text= items[i].example;
        queries[nq].weight= (double) items[i].count;
        query_item[nq]= i;
        nq++;
      }
  }
  if (cat.n && nq)
  {
    UkAdvWorkload w;
    UkAdvOptions opts;

    memset(&w, 0, sizeof(w));
    w.engine= UK_ENGINE_MARIADB;
    w.tables= tables;
    w.ntables= cat.n;
    w.queries= queries;
    w.nqueries= nq;
    uk_adv_options_init(&opts);
    opts.max_indexes= (int) upkeep_advise_max_indexes;
    opts.min_improvement_pct= upkeep_advise_min_improvement_pct;
    if (uk_advisor_create(&w, &advisor, &err) != UK_OK ||
        uk_advisor_select(advisor, &opts, &adv, &nadv, &sum->before,
                          &sum->after, &err) != UK_OK)
    {
      snprintf(sum->note, sizeof(sum->note), "the advisor failed: %s",
               err ? err->message : "unknown error");
      uk_error_free(err);
      goto done;
    }
    sum->candidates= uk_advisor_ncandidates(advisor);
    sum->advised= nadv;
    if (nadv == 0 && !sum->note[0])
      snprintf(sum->note, sizeof(sum->note), "no index pays off: %d "
               "candidate(s) considered, none cut the cost of the queries it"
               " helps by %g%% or more", sum->candidates,
               upkeep_advise_min_improvement_pct);
  }
  else if (n > 0 && !sum->note[0])
    snprintf(sum->note, sizeof(sum->note), "%s", nq ?
             "none of the tables the statements use was found" :
             "no captured statement could be read (see"
             " upkeep.advise_statements)");

  if (write_advice(sql, adv, nadv, queries, now) ||
      write_statements(sql, items, n))
  {
    snprintf(sum->note, sizeof(sum->note), "could not write the results: %s",
             upkeep_sql_error(sql));
    goto done;
  }
  rc= 0;
  goto done;

oom:
  snprintf(sum->note, sizeof(sum->note), "out of memory");
  goto done;
interrupted:
  snprintf(sum->note, sizeof(sum->note), "interrupted: the server is shutting"
           " down");
done:
  /* columns without statistics weigh on every estimate: say so */
  if (sum->sample_failed)
  {
    size_t len= strlen(sum->note);
    snprintf(sum->note + len, sizeof(sum->note) - len,
             "%s%d column(s) could not be sampled and were estimated without"
             " statistics (first: %s)", len ? "; " : "", sum->sample_failed,
             sum->sample_error);
  }
  /* first_error points into items: copy it before they go */
  if (sum->first_error)
  {
    static char first_error[700];
    snprintf(first_error, sizeof(first_error), "%s", sum->first_error);
    sum->first_error= first_error;
  }
  uk_advisor_free(advisor);
  free(queries);
  free(query_item);
  free(tables);
  cat_free(&cat);
  changed_free(now_changed, nnow > 0 ? nnow : 0);
  free(schemas.s);
  items_free(items, n);
  /*
    libpg_query keeps a small memory context per thread between parses and
    frees it itself when the thread ends (pg_query_exit() here would make
    that a double free).
  */
  return rc;
}

static void advise(upkeep_sql *sql)
{
  run_summary sum;
  int64_t t0= upkeep_monotonic_ms();
  int64_t us= upkeep_now_us();
  char started[64], runid[32]= "";
  long long ms;
  int rc;
  dstr q= {0};
  char num[512];

  memset(&sum, 0, sizeof(sum));
  snprintf(started, sizeof(started), "FROM_UNIXTIME(%" PRId64 ".%06" PRId64 ")",
           us / 1000000, us % 1000000);
  if (upkeep_sql_exec(sql, "INSERT INTO upkeep.advise_runs (started_at,"
                      " status) VALUES (%s, 'running')", started) == 0)
    upkeep_sql_value(sql, runid, sizeof(runid), "SELECT LAST_INSERT_ID()");
  rc= advise_run(sql, &sum);
  ms= (long long) (upkeep_monotonic_ms() - t0);
  us= upkeep_now_us();

  if (runid[0])
  {
    snprintf(num, sizeof(num),
             "UPDATE upkeep.advise_runs SET ended_at = FROM_UNIXTIME(%" PRId64
             ".%06" PRId64 "), duration_ms = %lld, status = '%s',"
             " statements = %d, executions = %llu, parsed = %d, skipped = %d,"
             " dropped = %llu, `tables` = %d, columns_from_stats = %d,"
             " columns_sampled = %d, candidates = %d, advised = %d,"
             " cost_before = %.6g, cost_after = %.6g, first_error = ",
             us / 1000000, us % 1000000, ms, rc ? "failed" : "done",
             sum.statements, sum.executions, sum.parsed, sum.skipped,
             sum.dropped, sum.tables, sum.from_stats, sum.sampled,
             sum.candidates, sum.advised,
             isfinite(sum.before) ? sum.before : 0,
             isfinite(sum.after) ? sum.after : 0);
    ds_str(&q, num);
    if (sum.first_error)
      ds_lit(&q, sql, sum.first_error);
    else
      ds_str(&q, "NULL");
    ds_str(&q, ", note = ");
    if (sum.note[0])
      ds_lit(&q, sql, sum.note);
    else
      ds_str(&q, "NULL");
    ds_str(&q, " WHERE run_id = ");
    ds_str(&q, runid);
    if (!q.failed)
      upkeep_sql_exec(sql, "%s", q.s);
    free(q.s);
    upkeep_sql_exec(sql, "DELETE FROM upkeep.advise_runs WHERE run_id <= %s"
                    " - %d", runid, ADV_RUNS_KEPT);
  }
  if (rc)
    upkeep_log(UPKEEP_LOG_WARNING, "advise run failed: %s", sum.note);

  upkeep_advise_stats.last_run_ms= ms;
  upkeep_advise_stats.last_parsed= (unsigned long long) sum.parsed;
  upkeep_advise_stats.last_skipped= (unsigned long long) sum.skipped;
  upkeep_advise_stats.last_advised= (unsigned long long) sum.advised;
  __atomic_fetch_add(&upkeep_advise_stats.runs, 1, __ATOMIC_RELEASE);
}

long upkeep_advisor_work(upkeep_sql *sql)
{
  int snap, run;

  pthread_mutex_lock(&req_lock);
  snap= stats_snapshot_wanted;
  stats_snapshot_wanted= 0;
  run= advise_requested;
  if (run)
  {
    advise_requested= 0;
    advise_running= 1;
  }
  pthread_mutex_unlock(&req_lock);

  if (snap)
  {
    changed_free(changed_at_start, nchanged_at_start > 0 ? nchanged_at_start : 0);
    changed_at_start= NULL;
    nchanged_at_start= -1;
    if (changed_read(sql, &changed_at_start, &nchanged_at_start))
      nchanged_at_start= -1;
  }
  if (run)
  {
    advise(sql);
    pthread_mutex_lock(&req_lock);
    advise_running= 0;
    pthread_mutex_unlock(&req_lock);
    upkeep_advise_value= 0;
  }
  return 1000;
}
