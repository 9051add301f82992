/*
  deadlock_writer.c
    InnoDB deadlocks on MariaDB: the tables (upkeep.deadlocks,
    upkeep.deadlock_participants, the view upkeep.deadlock_summary) and
    the writing of a captured deadlock into them: parsed (with its
    members, their tables, statement shapes and patches), unreadable, or
    lost.  deadlock_poll.c decides what to write and runs the
    transaction.  Worker thread only; no locks of its own (the members'
    patches come from upkeep_patch_at(), which takes patchlog's).
*/

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "uk_deadlock.h"
#include "uk_sha256.h"
#include "uk_stmt.h"
#include "upkeep.h"
#include "deadlock_int.h"

#define SHAPE_MAX 1024

/* ------------------------------------------------------ worker: tables */

const char *dl_deadlocks_ddl=
  "CREATE TABLE IF NOT EXISTS upkeep.deadlocks ("
  " deadlock_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,"
  " detected_at DATETIME(6) NOT NULL COMMENT 'UTC; from the report (whole"
  " seconds), for a lost report when the counter was seen to grow',"
  " captured_at DATETIME(6) NOT NULL COMMENT 'UTC; when upkeep read it',"
  " `database` VARCHAR(128) NULL COMMENT 'of the table the victim waited"
  " for',"
  " victim_pid BIGINT UNSIGNED NULL COMMENT 'thread id',"
  " victim_patch VARCHAR(256) NULL,"
  " participants INT NULL,"
  " tables TEXT NULL COMMENT 'db.table, sorted, comma separated',"
  " statement_shapes TEXT NULL COMMENT 'constants removed, sorted, | separated',"
  " pattern TEXT NULL COMMENT 'tables | shapes: equal for recurring deadlocks',"
  " pattern_sha CHAR(64) NULL,"
  " report_status VARCHAR(16) NOT NULL COMMENT 'parsed; incomplete (cut or"
  " partly unreadable); unreadable (raw report only); lost (counted by"
  " InnoDB, its report overwritten by a later one)',"
  " report MEDIUMTEXT NULL COMMENT 'InnoDB LATEST DETECTED DEADLOCK section',"
  " report_sha CHAR(64) NULL,"
  " KEY detected_at (detected_at),"
  " KEY pattern_sha (pattern_sha)"
  ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
  " COMMENT='upkeep: one row per InnoDB deadlock'";

const char *dl_participants_ddl=
  "CREATE TABLE IF NOT EXISTS upkeep.deadlock_participants ("
  " deadlock_id BIGINT UNSIGNED NOT NULL,"
  " member INT NOT NULL COMMENT 'the (N) of the report',"
  " pid BIGINT UNSIGNED NULL COMMENT 'thread id',"
  " is_victim BOOL NOT NULL,"
  " username VARCHAR(128) NULL,"
  " application_name VARCHAR(64) NULL COMMENT 'always NULL on MariaDB',"
  " host VARCHAR(255) NULL,"
  " patch VARCHAR(256) NULL,"
  " query TEXT NULL,"
  " lock_mode VARCHAR(64) NULL COMMENT 'the lock waited for',"
  " lock_type VARCHAR(16) NULL COMMENT 'record or relation (table lock)',"
  " lock_target VARCHAR(512) NULL,"
  " table_name VARCHAR(512) NULL COMMENT 'db.table',"
  " index_name VARCHAR(512) NULL,"
  " blocked_by BIGINT UNSIGNED NULL COMMENT 'thread id of the member it"
  " waited for',"
  " trx_id BIGINT UNSIGNED NULL,"
  " PRIMARY KEY (deadlock_id, member)"
  ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
  " COMMENT='upkeep: the members of each deadlock of upkeep.deadlocks'";

const char *dl_summary_ddl=
  "CREATE OR REPLACE SQL SECURITY INVOKER VIEW upkeep.deadlock_summary AS"
  " SELECT MIN(pattern) AS pattern, MIN(tables) AS tables,"
  " MIN(statement_shapes) AS statement_shapes, COUNT(*) AS occurrences,"
  " MIN(detected_at) AS first_seen, MAX(detected_at) AS last_seen,"
  " GROUP_CONCAT(DISTINCT victim_patch ORDER BY victim_patch SEPARATOR ', ')"
  " AS victim_patches, MAX(deadlock_id) AS last_deadlock_id"
  " FROM upkeep.deadlocks GROUP BY pattern_sha";

void dl_sha_hex(const char *s, char out[2 * UK_SHA256_LEN + 1])
{
  uint8_t d[UK_SHA256_LEN];
  uk_sha256(s, strlen(s), d);
  for (int i= 0; i < UK_SHA256_LEN; i++)
    snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* -------------------------------------------- worker: a growing string */

typedef struct
{
  char *p;
  size_t len, cap;
  int oom;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...)
  __attribute__((format(printf, 2, 3)));

static void sb_printf(sbuf *b, const char *fmt, ...)
{
  va_list ap;
  int n;

  if (b->oom)
    return;
  for (;;)
  {
    size_t room= b->cap - b->len;
    va_start(ap, fmt);
    n= vsnprintf(b->p ? b->p + b->len : NULL, b->p ? room : 0, fmt, ap);
    va_end(ap);
    if (n < 0)
    {
      b->oom= 1;
      return;
    }
    if (b->p && (size_t) n < room)
    {
      b->len+= (size_t) n;
      return;
    }
    {
      size_t cap= (b->cap ? b->cap : 1024);
      char *p;
      while (cap < b->len + (size_t) n + 1)
        cap*= 2;
      if (!(p= realloc(b->p, cap)))
      {
        b->oom= 1;
        return;
      }
      b->p= p;
      b->cap= cap;
    }
  }
}

/* s as a quoted literal, or NULL when s is NULL or empty. */
static void sb_quote(sbuf *b, upkeep_sql *sql, const char *s)
{
  sb_printf(b, "%s", s && s[0] ? upkeep_sql_quote(sql, 0, s) : "NULL");
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/*
  The distinct tables of d ("db.table", sorted, comma separated) and its
  statement shapes (sorted, " | " separated), as in uk_deadlock_pattern_key().
*/
static void tables_and_shapes(const UkDeadlock *d, sbuf *tables,
                              sbuf *shapes)
{
  const char *t[UK_DEADLOCK_MAX_PARTICIPANTS];
  char *s[UK_DEADLOCK_MAX_PARTICIPANTS];
  size_t nt= 0, ns= 0;
  size_t n= d->n < UK_DEADLOCK_MAX_PARTICIPANTS ? d->n
                                                : UK_DEADLOCK_MAX_PARTICIPANTS;

  for (size_t i= 0; i < n; i++)
  {
    const UkDeadlockParticipant *p= &d->participants[i];
    if (p->table_name[0])
      t[nt++]= p->table_name;
    if (p->query[0] && (s[ns]= malloc(SHAPE_MAX)))
    {
      size_t l= uk_stmt_normalize(p->query, strlen(p->query), UK_SQL_MARIADB, s[ns],
                                  SHAPE_MAX);
      for (size_t k= 0; k < l; k++)
        if (s[ns][k] == '\n' || s[ns][k] == '\r' || s[ns][k] == '\t')
          s[ns][k]= ' ';
      ns++;
    }
  }
  qsort(t, nt, sizeof(t[0]), cmp_str);
  qsort(s, ns, sizeof(s[0]), cmp_str);
  for (size_t i= 0; i < nt; i++)
    if (i == 0 || strcmp(t[i], t[i - 1]) != 0)
      sb_printf(tables, "%s%s", tables->len ? "," : "", t[i]);
  for (size_t i= 0; i < ns; i++)
  {
    sb_printf(shapes, "%s%s", i ? " | " : "", s[i]);
    free(s[i]);
  }
}

/* InnoDB's "2026-11-21 22:50:01" (the server's local time) as Unix us. */
static int64_t report_time_us(const char *ts, int64_t fallback)
{
  struct tm tm;
  time_t t;

  memset(&tm, 0, sizeof(tm));
  if (!ts || sscanf(ts, "%4d-%2d-%2d %2d:%2d:%2d", &tm.tm_year, &tm.tm_mon,
                    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
    return fallback;
  tm.tm_year-= 1900;
  tm.tm_mon-= 1;
  tm.tm_isdst= -1;
  if ((t= mktime(&tm)) == (time_t) -1)
    return fallback;
  return (int64_t) t * 1000000;
}

static void fmt_time(int64_t us, char *buf, size_t cap)
{
  snprintf(buf, cap, "FROM_UNIXTIME(%" PRId64 ".%06" PRId64 ")",
           us / 1000000, us % 1000000);
}

/* ------------------------------------------------ worker: writing */

/*
  The patch the member's connection ran at the deadlock ("" if none).
  With the victim's event: the victim's patch then, and for the others a
  run that had started by then and had not ended.  Without it: a run that
  was active over the whole window (a run that started or ended within it
  may or may not have covered the deadlock, and is not named).
*/
static void member_patch(const UkDeadlockParticipant *p,
                         const deadlock_time *dt, char *out, size_t cap)
{
  out[0]= '\0';
  if (p->pid <= 0)
    return;
  if (dt->have_event)
  {
    if (p->is_victim)
      snprintf(out, cap, "%s", dt->victim_patch);
    else
      upkeep_patch_at((unsigned long) p->pid, dt->event_us, dt->event_us,
                      out, cap);
  }
  else
    upkeep_patch_at((unsigned long) p->pid, dt->to_us, dt->from_us, out, cap);
}

/* Insert the parsed deadlock d (report text, its sha).  0 or 1. */
int dl_write_parsed(upkeep_sql *sql, const char *report,
                    const char *sha, const UkDeadlock *d,
                    int64_t captured_us, const deadlock_time *dt)
{
  char key[UK_DEADLOCK_KEY_MAX];
  char key_sha[2 * UK_SHA256_LEN + 1];
  char patches[UK_DEADLOCK_MAX_PARTICIPANTS][UK_PATCH_NAME_MAX + 1];
  char db[UK_PATCH_IDENT_MAX + 1]= "";
  char at[64], cap_at[64];
  sbuf tables= { 0 }, shapes= { 0 }, q= { 0 };
  size_t n= d->n < UK_DEADLOCK_MAX_PARTICIPANTS ? d->n
                                                : UK_DEADLOCK_MAX_PARTICIPANTS;
  const UkDeadlockParticipant *victim= d->victim >= 0 &&
    (size_t) d->victim < n ? &d->participants[d->victim] : NULL;
  const char *dbsrc= NULL;
  int rc;

  uk_deadlock_pattern_key(d, NULL, key, sizeof(key));
  dl_sha_hex(key, key_sha);
  tables_and_shapes(d, &tables, &shapes);
  for (size_t i= 0; i < n; i++)
    member_patch(&d->participants[i], dt, patches[i], sizeof(patches[i]));
  if (victim && victim->table_name[0])
    dbsrc= victim->table_name;
  for (size_t i= 0; !dbsrc && i < n; i++)
    if (d->participants[i].table_name[0])
      dbsrc= d->participants[i].table_name;
  if (dbsrc)
  {
    const char *dot= strchr(dbsrc, '.');
    size_t l= dot ? (size_t) (dot - dbsrc) : 0;
    if (l > UK_PATCH_IDENT_MAX)
      l= UK_PATCH_IDENT_MAX;
    memcpy(db, dbsrc, l);
    db[l]= '\0';
  }
  fmt_time(report_time_us(d->detected_at, captured_us), at, sizeof(at));
  fmt_time(captured_us, cap_at, sizeof(cap_at));

  sb_printf(&q, "INSERT INTO upkeep.deadlocks (detected_at, captured_at,"
            " `database`, victim_pid, victim_patch, participants, tables,"
            " statement_shapes, pattern, pattern_sha, report_status, report,"
            " report_sha) VALUES (%s, %s, ", at, cap_at);
  sb_quote(&q, sql, db);
  if (victim && victim->pid > 0)
    sb_printf(&q, ", %" PRId64 ", ", victim->pid);
  else
    sb_printf(&q, ", NULL, ");
  sb_quote(&q, sql, victim ? patches[d->victim] : NULL);
  sb_printf(&q, ", %zu, ", d->n);
  sb_quote(&q, sql, tables.p);
  sb_printf(&q, ", ");
  sb_quote(&q, sql, shapes.p);
  sb_printf(&q, ", ");
  sb_quote(&q, sql, key);
  sb_printf(&q, ", '%s', '%s', ", key_sha,
            d->incomplete ? "incomplete" : "parsed");
  sb_quote(&q, sql, report);
  sb_printf(&q, ", '%s')", sha);
  rc= q.oom || upkeep_sql_exec(sql, "%s", q.p);

  if (!rc)
  {
    q.len= 0;
    sb_printf(&q, "INSERT INTO upkeep.deadlock_participants (deadlock_id,"
              " member, pid, is_victim, username, application_name, host,"
              " patch, query, lock_mode, lock_type, lock_target, table_name,"
              " index_name, blocked_by, trx_id) VALUES ");
    for (size_t i= 0; i < n; i++)
    {
      const UkDeadlockParticipant *p= &d->participants[i];
      sb_printf(&q, "%s(LAST_INSERT_ID(), %zu, ", i ? ", " : "", i + 1);
      if (p->pid > 0)
        sb_printf(&q, "%" PRId64, p->pid);
      else
        sb_printf(&q, "NULL");
      sb_printf(&q, ", %d, ", p->is_victim ? 1 : 0);
      sb_quote(&q, sql, p->username);
      sb_printf(&q, ", NULL, ");
      sb_quote(&q, sql, p->host);
      sb_printf(&q, ", ");
      sb_quote(&q, sql, patches[i]);
      sb_printf(&q, ", ");
      sb_quote(&q, sql, p->query);
      sb_printf(&q, ", ");
      sb_quote(&q, sql, p->lock_mode);
      sb_printf(&q, ", '%s', ", uk_lock_target_kind_name(p->target_kind));
      sb_quote(&q, sql, p->lock_target);
      sb_printf(&q, ", ");
      sb_quote(&q, sql, p->table_name);
      sb_printf(&q, ", ");
      sb_quote(&q, sql, p->index_name);
      if (p->blocked_by > 0)
        sb_printf(&q, ", %" PRId64, p->blocked_by);
      else
        sb_printf(&q, ", NULL");
      if (p->transaction_id > 0)
        sb_printf(&q, ", %" PRIu64 ")", p->transaction_id);
      else
        sb_printf(&q, ", NULL)");
    }
    rc= n > 0 && (q.oom || upkeep_sql_exec(sql, "%s", q.p));
  }
  free(tables.p);
  free(shapes.p);
  free(q.p);
  return rc;
}

/* A report that could not be parsed: the raw text only.  0 or 1. */
int dl_write_unreadable(upkeep_sql *sql, const char *report,
                        const char *sha, int64_t captured_us)
{
  char at[64];
  const char *quoted;

  fmt_time(captured_us, at, sizeof(at));
  quoted= upkeep_sql_quote(sql, 0, report);
  return upkeep_sql_exec(sql,
    "INSERT INTO upkeep.deadlocks (detected_at, captured_at, report_status,"
    " report, report_sha) VALUES (%s, %s, 'unreadable', %s, '%s')",
    at, at, quoted, sha);
}

/* n deadlocks counted whose reports are gone.  0 or 1. */
int dl_write_lost(upkeep_sql *sql, unsigned long long n,
                  int64_t captured_us)
{
  char at[64];

  fmt_time(captured_us, at, sizeof(at));
  for (unsigned long long i= 0; i < n; i++)
    if (upkeep_sql_exec(sql,
          "INSERT INTO upkeep.deadlocks (detected_at, captured_at,"
          " report_status) VALUES (%s, %s, 'lost')", at, at))
      return 1;
  return 0;
}

