/*
  advisor_capture.c
    The index advisor's capture, on the connection side: counting the
    statement shapes the audit hook hands over, the advise request, and
    the advisor's init and deinit.  The worker side is advisor_run.c.

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

  SET GLOBAL upkeep_advise = ON flags a request here (upkeep_advise_request())
  and wakes the worker, which runs it (advisor_run.c) and copies the
  shapes out with adv_capture_snapshot().

  Locking: cap_lock protects the hash table and its counters; adv_req_lock
  the advise request flags (shared with advisor_run.c).  Neither is held
  while SQL runs.
*/

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysql/plugin.h>
#include <mysql/plugin_audit.h>

#include "uk_patch.h"
#include "uk_stmt.h"
#include "upkeep.h"
#include "advisor_int.h"

#define ADV_BUCKETS 65536          /* power of two */
#define ADV_EXAMPLE_MAX UK_QUERY_MAX

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
int adv_stats_snapshot_wanted;     /* adv_req_lock: capture (re)started */

pthread_mutex_t adv_req_lock= PTHREAD_MUTEX_INITIALIZER;
int adv_advise_requested;          /* adv_req_lock */
int adv_advise_running;            /* adv_req_lock */

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
    pthread_mutex_lock(&adv_req_lock);
    adv_stats_snapshot_wanted= 1;
    pthread_mutex_unlock(&adv_req_lock);
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

/* ------------------------------------------------------------ the copy */

/* A copy of the captured shapes.  NULL and *n = 0 when none. */
stmt_item *adv_capture_snapshot(int *n, int *failed)
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

/* ------------------------------------------------------------ requests */

int upkeep_advise_busy(void)
{
  int busy;
  pthread_mutex_lock(&adv_req_lock);
  busy= adv_advise_requested || adv_advise_running;
  pthread_mutex_unlock(&adv_req_lock);
  return busy;
}

int upkeep_advise_request(void)
{
  pthread_mutex_lock(&adv_req_lock);
  if (adv_advise_requested || adv_advise_running)
  {
    pthread_mutex_unlock(&adv_req_lock);
    return 1;
  }
  adv_advise_requested= 1;
  pthread_mutex_unlock(&adv_req_lock);
  upkeep_worker_wake();
  return 0;
}

int upkeep_advisor_init(void)
{
  memset(&upkeep_advise_stats, 0, sizeof(upkeep_advise_stats));
  upkeep_advise_stats.last_run_ms= 0;
  pthread_mutex_lock(&adv_req_lock);
  adv_advise_requested= adv_advise_running= 0;
  pthread_mutex_unlock(&adv_req_lock);
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
