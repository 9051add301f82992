/*
  patchlog.c
    Patch runs and slow statements on MariaDB.

  An upgrade script brackets each patch:

    SET SESSION upkeep_patch = 'erpnext.patches.v15_0.x';   -- a run starts
    ...                                                     -- its statements
    SET SESSION upkeep_patch_status = 'failed';             -- if it failed
    SET SESSION upkeep_patch = '';                          -- the run ends

  The run's life (running -> succeeded | failed | skipped | aborted), its
  records (BEGIN, STMT, ERROR, END), names, limits and the tidying and
  tagging of statement text come from libcommon (uk_patch.h, uk_stmt.h).
  This file turns the server's audit events into those records, and the
  worker (worker.c) turns the records into rows of upkeep.patch_runs and
  upkeep.slow_statements.

  Connection side (no SQL, no I/O, no waiting):
    - upkeep_patch's update callback calls upkeep_run_start(), which
      allocates an upkeep_run, registers it and returns it; upkeep_plugin.c
      keeps the pointer in a hidden session variable, so that the audit
      hook of a connection outside any patch reads one session variable
      and returns.
    - For a connection inside a run, each GENERAL event goes to
      upkeep_run_general(): LOG pushes a frame (start time) on a small
      per-connection stack, STATUS pops it; stored procedures nest
      LOG/STATUS pairs, so their statements are timed one by one.  A
      statement at or over upkeep_slow_statement_ms becomes a STMT record;
      a statement that failed becomes an ERROR record (for a failure inside
      a procedure that the procedure did not handle, the innermost failing
      statement).
    - Ending the run (SET upkeep_patch = ''), or the connection ending
      (DISCONNECT / CHANGE_USER event: status aborted), queues END and
      frees the run.
    Records go through a bounded queue; when it is full a record is
    dropped and counted (upkeep_patch_records_dropped).  BEGIN and END have
    room of their own beyond the limit, so that a burst of statements does
    not leave a run without its start or end.

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

  Locking: reg_lock protects the list of runs and the statistics that are
  not atomic; rec_lock protects the record queue; run->lw_lock the lock
  wait fields of one run.  Order: reg_lock before lw_lock.  None is held
  while SQL runs.  A run is freed only by its connection, after it has
  been unlinked under reg_lock; the worker touches runs only under
  reg_lock.
*/

#include <dlfcn.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mysql/plugin.h>
#include <mysql/plugin_audit.h>
#include <mysql/service_thd_error_context.h>
#include <mysqld_error.h>

#include "uk_patch.h"
#include "uk_stmt.h"
#include "upkeep.h"

#define STACK_MAX 32              /* nested statements timed */
#define REC_QUEUE_MAX 10000       /* STMT and ERROR records waiting */
#define REC_QUEUE_BE_EXTRA 2000   /* more room for BEGIN and END */
#define BATCH_MAX 500             /* records per transaction */
#define LOCKWAIT_MIN_MS 200       /* sample statements running this long */
#define LOCKWAIT_POLL_MS 200
#define RETENTION_EVERY_MS 10000
#define IDLE_WAIT_MS 1000
#define MAX_SAMPLED 512           /* connections per sample */

long long upkeep_slow_statement_ms= 1000;
long long upkeep_patch_log_max_rows= 100000;
upkeep_patch_counters upkeep_patch_stats;

/* ------------------------------------------------------------ the run */

typedef struct
{
  int64_t start_us;               /* monotonic */
  int64_t lw_at_start_us;         /* the run's lock wait clock then */
  uint64_t samples_at_start;
} stmt_frame;

struct upkeep_run
{
  uint64_t token;
  unsigned long thread_id;
  int64_t started_us;             /* Unix time */
  int64_t clock_offset_us;        /* Unix time - monotonic time */
  int64_t started_mono_us;
  char name[UK_PATCH_NAME_MAX + 1];
  char app[UK_PATCH_APP_MAX + 1];
  int begun;                      /* BEGIN queued */
  int skip_status;                /* the STATUS of the SET that started it */
  uint64_t statements;
  uint64_t slow_statements;
  int64_t lock_wait_us;           /* over top-level statements measured */
  int lock_wait_measured;
  int depth;                      /* may exceed STACK_MAX */
  stmt_frame stack[STACK_MAX];
  int64_t last_top_end_us;        /* monotonic; 0 = none yet */
  /* the innermost failure of the current top-level statement */
  int32_t pending_code;
  char *pending_message;
  char *pending_query;

  /* shared with the worker */
  int64_t top_start_us;           /* atomic; monotonic, 0 = no statement */
  uint64_t samples;               /* atomic; lock wait samples taken */
  int lw_ever;                    /* atomic; a wait was ever seen */
  pthread_mutex_t lw_lock;
  int64_t lw_total_us;            /* closed waits */
  int64_t lw_open_start_us;       /* 0 = not waiting at the last sample */
  int64_t lw_stmt_us;             /* top_start_us the fields below are for */
  int64_t lw_last_sample_us;
  int dead;                       /* atomic; the plugin was stopped */
  struct upkeep_run *next;        /* reg_lock */
};

static pthread_mutex_t reg_lock= PTHREAD_MUTEX_INITIALIZER;
static upkeep_run *runs;
static uint64_t next_token;       /* reg_lock */

/*
  The last runs that ended (reg_lock), so that the deadlock capture can
  name the patch of a connection whose run ended between a deadlock and
  the worker's look at it (upkeep_patch_at()).
*/
#define ENDED_RING 64
typedef struct
{
  unsigned long thread_id;
  int64_t started_mono_us;
  int64_t ended_mono_us;          /* 0 = empty slot */
  char name[UK_PATCH_NAME_MAX + 1];
} ended_run;
static ended_run ended[ENDED_RING];
static unsigned ended_next;

/* ------------------------------------------------------------ records */

typedef struct upkeep_rec
{
  struct upkeep_rec *next;
  UkPatchRec r;                   /* strings point into text[] */
  int32_t stmt_error;             /* STMT: the statement's error, 0 = none */
  char text[];
} upkeep_rec;

static pthread_mutex_t rec_lock= PTHREAD_MUTEX_INITIALIZER;
static upkeep_rec *rec_head, *rec_tail;
static long rec_count;
static long rec_inflight;         /* taken by the worker, not yet written */

/* The base of run ids (worker only, set at the first bootstrap). */
static uint64_t run_id_base;
static int base_known;
static int64_t last_retention_ms;
static long since_retention;

/* ------------------------------------------------- the audit class mask */

/*
  On demand.  The server builds GENERAL events (a user@host string, the
  time, ...) for every statement of every connection as soon as one loaded
  audit plugin subscribes to that class: about 1,700 instructions per
  statement, whether the plugin looks at the event or not.  upkeep needs
  those events only while a run is active, maintenance mode is on or the
  index advisor captures statements.  With
  upkeep_audit_on_demand = ON (the default), the plugin clears the GENERAL
  bit of the server's global audit mask (mysql_global_audit_mask, which
  mariadbd exports) while neither is the case and no other audit plugin is
  loaded, and sets it again before either starts.  The plugin's own
  declared mask never changes, so anything that recomputes the global mask
  (installing or removing another audit plugin) sets the bit again.
*/
my_bool upkeep_audit_on_demand= 1;
static unsigned long *global_audit_mask;
static const int *global_plugin_version;
static int other_audit_plugins= 1;      /* until the worker has looked */
static int other_audit_version= -1;

static void general_events_on(void)
{
  if (global_audit_mask)
    __atomic_fetch_or(global_audit_mask, MYSQL_AUDIT_GENERAL_CLASSMASK,
                      __ATOMIC_SEQ_CST);
}

/* Caller holds reg_lock. */
static int general_events_needed_locked(void)
{
  return !upkeep_audit_on_demand || runs != NULL || other_audit_plugins ||
         upkeep_advise_capture_on() ||
         __atomic_load_n(&upkeep_stats.active, __ATOMIC_ACQUIRE) ||
         upkeep_maintenance_is_on();
}

void upkeep_audit_mask_refresh(void)
{
  if (!global_audit_mask)
    return;
  pthread_mutex_lock(&reg_lock);
  if (general_events_needed_locked())
    general_events_on();
  else if (!global_plugin_version ||
           __atomic_load_n(global_plugin_version, __ATOMIC_ACQUIRE) ==
           other_audit_version)
    __atomic_fetch_and(global_audit_mask, ~MYSQL_AUDIT_GENERAL_CLASSMASK,
                       __ATOMIC_SEQ_CST);
  pthread_mutex_unlock(&reg_lock);
}

void upkeep_audit_mask_need(void)
{
  general_events_on();
}

int upkeep_audit_general_enabled(void)
{
  if (!global_audit_mask)
    return -1;
  return (__atomic_load_n(global_audit_mask, __ATOMIC_ACQUIRE) &
          MYSQL_AUDIT_GENERAL_CLASSMASK) != 0;
}

/* Worker: are other audit plugins loaded?  Looked at when plugins change. */
static void audit_plugins_check(upkeep_sql *sql)
{
  char v[32];
  int version;

  if (!global_audit_mask)
    return;
  version= global_plugin_version ?
    __atomic_load_n(global_plugin_version, __ATOMIC_ACQUIRE) : 0;
  if (version == other_audit_version && global_plugin_version)
    return;
  if (upkeep_sql_value(sql, v, sizeof(v),
        "SELECT COUNT(*) FROM information_schema.PLUGINS"
        " WHERE PLUGIN_TYPE = 'AUDIT' AND PLUGIN_STATUS = 'ACTIVE'"
        " AND PLUGIN_NAME <> 'upkeep'"))
    return;
  pthread_mutex_lock(&reg_lock);
  other_audit_plugins= strcmp(v, "0") != 0;
  other_audit_version= version;
  pthread_mutex_unlock(&reg_lock);
}

/* ------------------------------------------------------------- helpers */

static int64_t mono_us(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* "priv[user] @ host [ip]" -> "user" (or "priv" when user is empty). */
static void user_of(const char *s, size_t len, char *out, size_t cap)
{
  const char *open= s ? memchr(s, '[', len) : NULL;
  const char *close;
  size_t n= 0;

  out[0]= '\0';
  if (!s)
    return;
  if (open && (close= memchr(open, ']', len - (size_t) (open - s))) &&
      close > open + 1)
  {
    s= open + 1;
    n= (size_t) (close - s);
  }
  else
    n= open ? (size_t) (open - s) : len;
  n= uk_utf8_cut(s, n, cap - 1);
  memcpy(out, s, n);
  out[n]= '\0';
}

static const char *(*errno_to_sqlstate)(unsigned int);

static void sqlstate_of(int code, char out[6])
{
  const char *s= errno_to_sqlstate ? errno_to_sqlstate((unsigned) code) : NULL;
  snprintf(out, 6, "%s", s && strlen(s) == 5 ? s : "HY000");
}

/* ---------------------------------------------------------- the queue */

/*
  A record with room for the given strings (any may be NULL), copied.
  NULL when out of memory.
*/
static upkeep_rec *rec_new(UkPatchRecKind kind, const upkeep_run *run,
                           const char *s1, const char *s2, const char *s3,
                           const char *s4)
{
  size_t l1= s1 ? strlen(s1) + 1 : 0, l2= s2 ? strlen(s2) + 1 : 0;
  size_t l3= s3 ? strlen(s3) + 1 : 0, l4= s4 ? strlen(s4) + 1 : 0;
  upkeep_rec *rec= malloc(sizeof(*rec) + l1 + l2 + l3 + l4 + 1);
  char *p;

  if (!rec)
    return NULL;
  memset(rec, 0, sizeof(*rec));
  uk_patchrec_init(&rec->r, kind);
  rec->r.run_id= run->token;
  p= rec->text;
  p[l1 + l2 + l3 + l4]= '\0';
#define REC_COPY(field, s, l) \
  if (s) { memcpy(p, s, l); rec->r.field= p; p+= l; }
  switch (kind)
  {
  case UK_REC_BEGIN:
    REC_COPY(database, s1, l1);
    REC_COPY(username, s2, l2);
    REC_COPY(name, s3, l3);
    REC_COPY(app, s4, l4);
    break;
  case UK_REC_STMT:
    REC_COPY(command, s1, l1);
    REC_COPY(query, s2, l2);
    break;
  case UK_REC_ERROR:
    REC_COPY(message, s1, l1);
    REC_COPY(query, s2, l2);
    break;
  case UK_REC_END:
    REC_COPY(message, s1, l1);
    break;
  }
#undef REC_COPY
  return rec;
}

static void rec_push(upkeep_rec *rec)
{
  int was_empty;
  long limit;

  if (!rec)
  {
    __atomic_fetch_add(&upkeep_patch_stats.records_dropped, 1,
                       __ATOMIC_RELAXED);
    return;
  }
  limit= (rec->r.kind == UK_REC_BEGIN || rec->r.kind == UK_REC_END) ?
         REC_QUEUE_MAX + REC_QUEUE_BE_EXTRA : REC_QUEUE_MAX;
  pthread_mutex_lock(&rec_lock);
  if (rec_count >= limit)
  {
    pthread_mutex_unlock(&rec_lock);
    free(rec);
    __atomic_fetch_add(&upkeep_patch_stats.records_dropped, 1,
                       __ATOMIC_RELAXED);
    return;
  }
  was_empty= rec_head == NULL;
  rec->next= NULL;
  if (rec_tail)
    rec_tail->next= rec;
  else
    rec_head= rec;
  rec_tail= rec;
  rec_count++;
  pthread_mutex_unlock(&rec_lock);
  if (was_empty)
    upkeep_worker_wake();
}

/* ---------------------------------------------------- connection side */

static void queue_begin(upkeep_run *run, const char *db, size_t db_len,
                        const char *user, size_t user_len)
{
  char dbname[UK_PATCH_IDENT_MAX + 1];
  char uname[UK_PATCH_IDENT_MAX + 1];
  upkeep_rec *rec;
  size_t n= db ? uk_utf8_cut(db, db_len, UK_PATCH_IDENT_MAX) : 0;

  memcpy(dbname, db ? db : "", n);
  dbname[n]= '\0';
  user_of(user, user_len, uname, sizeof(uname));
  rec= rec_new(UK_REC_BEGIN, run, dbname, uname, run->name, run->app);
  if (rec)
  {
    rec->r.at_us= run->started_us;
    rec->r.pid= (int64_t) run->thread_id;
  }
  rec_push(rec);
  run->begun= 1;
}

upkeep_run *upkeep_run_start(MYSQL_THD thd, unsigned long thread_id,
                             const char *name, const char *app)
{
  upkeep_run *run= calloc(1, sizeof(*run));
  upkeep_run *orphan= NULL;
  upkeep_run **pp;

  (void) thd;
  if (!run)
    return NULL;
  run->thread_id= thread_id;
  run->started_us= upkeep_now_us();
  run->started_mono_us= mono_us();
  run->clock_offset_us= run->started_us - run->started_mono_us;
  snprintf(run->name, sizeof(run->name), "%s", name);
  snprintf(run->app, sizeof(run->app), "%s", app ? app : "");
  run->skip_status= 1;
  run->lock_wait_us= 0;
  pthread_mutex_init(&run->lw_lock, NULL);

  pthread_mutex_lock(&reg_lock);
  /* a run this connection lost (its session was reset): aborted */
  for (pp= &runs; *pp; pp= &(*pp)->next)
    if ((*pp)->thread_id == thread_id)
    {
      orphan= *pp;
      *pp= orphan->next;
      break;
    }
  run->token= ++next_token;
  run->next= runs;
  runs= run;
  general_events_on();
  upkeep_patch_stats.runs_started++;
  pthread_mutex_unlock(&reg_lock);
  if (orphan)
    upkeep_run_end(orphan, UK_RUN_ABORTED, 0);
  return run;
}

const char *upkeep_run_name(const upkeep_run *run)
{
  return run->name;
}

int upkeep_run_dead(const upkeep_run *run)
{
  return __atomic_load_n(&run->dead, __ATOMIC_ACQUIRE);
}

/* The run's lock wait clock now.  Caller holds run->lw_lock. */
static int64_t lw_clock_locked(const upkeep_run *run, int64_t now)
{
  return run->lw_total_us +
         (run->lw_open_start_us ? now - run->lw_open_start_us : 0);
}

void upkeep_run_end(upkeep_run *run, UkRunStatus status, int unlinked)
{
  upkeep_rec *rec;
  int64_t now= mono_us();
  ended_run *e;

  pthread_mutex_lock(&reg_lock);
  if (!unlinked)
  {
    upkeep_run **pp;
    for (pp= &runs; *pp; pp= &(*pp)->next)
      if (*pp == run)
      {
        *pp= run->next;
        break;
      }
  }
  e= &ended[ended_next++ % ENDED_RING];
  e->thread_id= run->thread_id;
  e->started_mono_us= run->started_mono_us;
  e->ended_mono_us= now;
  memcpy(e->name, run->name, sizeof(e->name));
  pthread_mutex_unlock(&reg_lock);
  if (!run->begun)
    queue_begin(run, NULL, 0, NULL, 0);
  if (!uk_run_transition_valid(UK_RUN_RUNNING, status))
    status= UK_RUN_ABORTED;
  rec= rec_new(UK_REC_END, run, NULL, NULL, NULL, NULL);
  if (rec)
  {
    rec->r.at_us= now + run->clock_offset_us;
    rec->r.status= status;
    rec->r.statements= run->statements;
    rec->r.slow_statements= run->slow_statements;
    rec->r.lock_wait_us= run->lock_wait_measured ? run->lock_wait_us : -1;
  }
  rec_push(rec);
  free(run->pending_message);
  free(run->pending_query);
  pthread_mutex_destroy(&run->lw_lock);
  free(run);
}

void upkeep_run_connection_gone(unsigned long thread_id)
{
  upkeep_run **pp, *run= NULL;

  pthread_mutex_lock(&reg_lock);
  for (pp= &runs; *pp; pp= &(*pp)->next)
    if ((*pp)->thread_id == thread_id)
    {
      run= *pp;
      *pp= run->next;
      break;
    }
  pthread_mutex_unlock(&reg_lock);
  if (run)
    upkeep_run_end(run, UK_RUN_ABORTED, 1);
}

int upkeep_patch_at(unsigned long thread_id, int64_t from_us, int64_t to_us,
                    char *out, size_t cap)
{
  const upkeep_run *run;
  int64_t best= -1;

  out[0]= '\0';
  pthread_mutex_lock(&reg_lock);
  for (run= runs; run; run= run->next)
    if (run->thread_id == thread_id && run->started_mono_us <= to_us)
    {
      snprintf(out, cap, "%s", run->name);
      best= INT64_MAX;
      break;
    }
  for (unsigned i= 0; best < INT64_MAX && i < ENDED_RING; i++)
  {
    const ended_run *e= &ended[i];
    if (e->ended_mono_us && e->thread_id == thread_id &&
        e->started_mono_us <= to_us && e->ended_mono_us >= from_us &&
        e->ended_mono_us > best)
    {
      best= e->ended_mono_us;
      snprintf(out, cap, "%s", e->name);
    }
  }
  pthread_mutex_unlock(&reg_lock);
  return best >= 0;
}

int upkeep_runs_active(void)
{
  int any;
  pthread_mutex_lock(&reg_lock);
  any= runs != NULL;
  pthread_mutex_unlock(&reg_lock);
  return any;
}

static void set_pending(upkeep_run *run, int32_t code, const char *message,
                        const char *query, size_t query_len)
{
  char *m= strdup(message ? message : "");
  char *q= malloc(UK_QUERY_MAX + 1);

  if (q)
    uk_stmt_clean(query ? query : "", query ? query_len : 0, q,
                  UK_QUERY_MAX + 1, NULL);
  free(run->pending_message);
  free(run->pending_query);
  run->pending_code= code;
  run->pending_message= m;
  run->pending_query= q;
}

static void clear_pending(upkeep_run *run)
{
  free(run->pending_message);
  free(run->pending_query);
  run->pending_code= 0;
  run->pending_message= run->pending_query= NULL;
}

/* A statement ended: count it, record it if slow or failed. */
static void statement_done(MYSQL_THD thd, upkeep_run *run,
                           const struct mysql_event_general *ev,
                           const stmt_frame *f, int top, int64_t now)
{
  int64_t duration= now - f->start_us;
  int64_t lock_wait= -1;
  long long threshold= upkeep_slow_statement_ms;
  int code= ev->general_error_code;

  if (__atomic_load_n(&run->samples, __ATOMIC_ACQUIRE) != f->samples_at_start)
  {
    if (__atomic_load_n(&run->lw_ever, __ATOMIC_ACQUIRE))
    {
      pthread_mutex_lock(&run->lw_lock);
      lock_wait= lw_clock_locked(run, now) - f->lw_at_start_us;
      pthread_mutex_unlock(&run->lw_lock);
    }
    else
      lock_wait= 0;
  }
  if (top && lock_wait >= 0)
  {
    run->lock_wait_us+= lock_wait;
    run->lock_wait_measured= 1;
  }
  run->statements++;

  if (threshold >= 0 && duration >= threshold * 1000)
  {
    char query[UK_QUERY_MAX + 1];
    char command[UK_COMMAND_MAX + 1];
    const char *q= ev->general_query ? ev->general_query : "";
    size_t qlen= ev->general_query ? ev->general_query_length : 0;
    upkeep_rec *rec;

    uk_stmt_clean(q, qlen, query, sizeof(query), NULL);
    uk_stmt_command(q, qlen, command, sizeof(command));
    rec= rec_new(UK_REC_STMT, run, command, query, NULL, NULL);
    if (rec)
    {
      rec->r.at_us= f->start_us + run->clock_offset_us;
      rec->r.stmt_id= run->statements;
      rec->r.duration_us= duration;
      rec->r.lock_wait_us= lock_wait;
      rec->r.rows= -1;
      rec->stmt_error= code;
    }
    rec_push(rec);
    run->slow_statements++;
  }

  if (code)
  {
    const char *message= thd_get_error_message(thd);
    /* keep the innermost failure with this code */
    if (run->pending_code != code)
      set_pending(run, code, message, ev->general_query,
                  ev->general_query_length);
  }
  if (top)
  {
    if (code && run->pending_code == code)
    {
      upkeep_rec *rec= rec_new(UK_REC_ERROR, run, run->pending_message,
                               run->pending_query, NULL, NULL);
      if (rec)
      {
        rec->r.at_us= now + run->clock_offset_us;
        rec->r.error_code= code;
        sqlstate_of(code, rec->r.sqlstate);
      }
      rec_push(rec);
    }
    clear_pending(run);
  }
}

static int is_prepare_or_execute(const struct mysql_event_general *ev)
{
  return ev->general_command &&
         ((ev->general_command_length == 7 &&
           memcmp(ev->general_command, "Prepare", 7) == 0) ||
          (ev->general_command_length == 7 &&
           memcmp(ev->general_command, "Execute", 7) == 0));
}

static int is_query_command(const struct mysql_event_general *ev)
{
  return ev->general_command && ev->general_command_length == 5 &&
         memcmp(ev->general_command, "Query", 5) == 0;
}

void upkeep_run_general(MYSQL_THD thd, upkeep_run *run,
                        const struct mysql_event_general *ev)
{
  int64_t now;

  if (!run->begun)
    queue_begin(run, ev->database.str, ev->database.length, ev->general_user,
                ev->general_user_length);

  switch (ev->event_subclass)
  {
  case MYSQL_AUDIT_GENERAL_LOG:
    /*
      SQL-level PREPARE and EXECUTE log the statement once more, inside
      their own LOG/STATUS pair: not a statement of its own.
    */
    if (run->depth > 0 && is_prepare_or_execute(ev))
      return;
    if (run->depth >= STACK_MAX)
    {
      /* unbalanced events (should not happen): start again */
      run->depth= 0;
      __atomic_store_n(&run->top_start_us, 0, __ATOMIC_RELEASE);
    }
    now= mono_us();
    {
      stmt_frame *f= &run->stack[run->depth];
      f->start_us= now;
      f->samples_at_start= __atomic_load_n(&run->samples, __ATOMIC_ACQUIRE);
      f->lw_at_start_us= 0;
      if (__atomic_load_n(&run->lw_ever, __ATOMIC_ACQUIRE))
      {
        pthread_mutex_lock(&run->lw_lock);
        f->lw_at_start_us= lw_clock_locked(run, now);
        pthread_mutex_unlock(&run->lw_lock);
      }
    }
    if (run->depth == 0)
    {
      clear_pending(run);
      __atomic_store_n(&run->top_start_us, now, __ATOMIC_RELEASE);
    }
    run->depth++;
    run->skip_status= 0;
    return;

  case MYSQL_AUDIT_GENERAL_STATUS:
    now= mono_us();
    if (run->skip_status)
    {
      /* the SET statement that started the run */
      run->skip_status= 0;
      run->last_top_end_us= now;
      return;
    }
    if (run->depth == 0)
    {
      /*
        The second and later statements of a multi-statement packet have
        a STATUS but no LOG of their own: each began when the one before
        it ended.  Other commands without a LOG (quit, ping, closing a
        prepared statement) are not statements.
      */
      stmt_frame f;
      if (!is_query_command(ev) || !run->last_top_end_us)
        return;
      f.start_us= run->last_top_end_us;
      f.samples_at_start= __atomic_load_n(&run->samples, __ATOMIC_ACQUIRE);
      f.lw_at_start_us= 0;
      if (__atomic_load_n(&run->lw_ever, __ATOMIC_ACQUIRE))
      {
        pthread_mutex_lock(&run->lw_lock);
        f.lw_at_start_us= lw_clock_locked(run, f.start_us);
        pthread_mutex_unlock(&run->lw_lock);
      }
      statement_done(thd, run, ev, &f, 1, now);
      run->last_top_end_us= now;
      return;
    }
    run->depth--;
    if (run->depth == 0)
    {
      __atomic_store_n(&run->top_start_us, 0, __ATOMIC_RELEASE);
      if (__atomic_load_n(&run->lw_ever, __ATOMIC_ACQUIRE))
      {
        /* the statement is over, and so is any wait it was in */
        pthread_mutex_lock(&run->lw_lock);
        if (run->lw_open_start_us)
        {
          run->lw_total_us+= now - run->lw_open_start_us;
          run->lw_open_start_us= 0;
        }
        pthread_mutex_unlock(&run->lw_lock);
      }
    }
    statement_done(thd, run, ev, &run->stack[run->depth], run->depth == 0,
                   now);
    if (run->depth == 0)
      run->last_top_end_us= now;
    return;

  default:
    return;
  }
}

/* -------------------------------------------------------- init, deinit */

int upkeep_patchlog_init(void)
{
  pthread_mutex_lock(&reg_lock);
  runs= NULL;
  next_token= 0;
  memset(ended, 0, sizeof(ended));
  ended_next= 0;
  other_audit_plugins= 1;
  other_audit_version= -1;
  pthread_mutex_unlock(&reg_lock);
  base_known= 0;
  run_id_base= 0;
  last_retention_ms= 0;
  since_retention= 0;
  memset(&upkeep_patch_stats, 0, sizeof(upkeep_patch_stats));
  errno_to_sqlstate= (const char *(*)(unsigned int))
    dlsym(RTLD_DEFAULT, "mysql_errno_to_sqlstate");
  global_audit_mask= (unsigned long *) dlsym(RTLD_DEFAULT,
                                             "mysql_global_audit_mask");
  global_plugin_version= (const int *) dlsym(RTLD_DEFAULT,
                                             "global_plugin_version");
  return 0;
}

/*
  Plugin deinit, after the worker stopped: runs still active stay
  'running' in the table (the next start marks them aborted).  Their
  sessions may still hold pointers to them (a session variable can
  outlive UNINSTALL PLUGIN and see the plugin installed again), so they
  are marked dead and left allocated: a few hundred bytes per session
  that was inside a run, against a pointer to freed memory.
*/
void upkeep_patchlog_deinit(void)
{
  upkeep_rec *rec;

  pthread_mutex_lock(&reg_lock);
  while (runs)
  {
    upkeep_run *run= runs;
    runs= run->next;
    run->next= NULL;
    __atomic_store_n(&run->dead, 1, __ATOMIC_RELEASE);
  }
  pthread_mutex_unlock(&reg_lock);
  pthread_mutex_lock(&rec_lock);
  while ((rec= rec_head))
  {
    rec_head= rec->next;
    free(rec);
  }
  rec_tail= NULL;
  rec_count= 0;
  rec_inflight= 0;
  pthread_mutex_unlock(&rec_lock);
  general_events_on();          /* leave the server as it expects */
}

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
  " KEY status (status),"
  " KEY started_at (started_at)"
  ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
  " COMMENT='upkeep: one row per patch run'";

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
      upkeep_sql_exec(sql, "%s", STMTS_DDL))
    return 1;
  audit_plugins_check(sql);
  if (base_known)
    return 0;
  /* the first connection since the plugin started */
  if (upkeep_sql_value(sql, v, sizeof(v),
        "SELECT COALESCE(MAX(run_id), 0) FROM upkeep.patch_runs"))
    return 1;
  run_id_base= strtoull(v, NULL, 10);
  if (upkeep_sql_exec(sql,
        "UPDATE upkeep.patch_runs r SET r.status = 'aborted',"
        " r.slow_statements = (SELECT COUNT(*) FROM upkeep.slow_statements s"
        " WHERE s.run_id = r.run_id),"
        " r.error_message = COALESCE(r.error_message,"
        " 'the server stopped while the run was active')"
        " WHERE r.status = 'running' AND r.run_id <= %" PRIu64, run_id_base))
    return 1;
  base_known= 1;
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
  uint64_t run_id= run_id_base + r->run_id;
  char t[64], d[48], lw[48];

  switch (r->kind)
  {
  case UK_REC_BEGIN:
    fmt_time(r->at_us, t, sizeof(t));
    return upkeep_sql_exec(sql,
      "SET STATEMENT sql_mode = '' FOR"
      " INSERT INTO upkeep.patch_runs (run_id, name, app, `database`,"
      " username, pid, started_at, status) VALUES (%" PRIu64 ", %s, %s, %s,"
      " %s, %" PRId64 ", %s, 'running')",
      run_id, upkeep_sql_quote(sql, 0, r->name),
      r->app[0] ? upkeep_sql_quote(sql, 1, r->app) : "NULL",
      r->database[0] ? upkeep_sql_quote(sql, 2, r->database) : "NULL",
      r->username[0] ? upkeep_sql_quote(sql, 3, r->username) : "NULL",
      r->pid, t);
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
      " SELECT run_id, name, `database`, username, pid, %s, %s, %s, %s, %s,"
      " NULL, NULL, %s FROM upkeep.patch_runs WHERE run_id = %" PRIu64,
      t, d, lw, upkeep_sql_quote(sql, 0, r->command),
      upkeep_sql_quote(sql, 1, r->query), err, run_id);
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
      "UPDATE upkeep.patch_runs SET ended_at = %s,"
      " duration_ms = GREATEST(0, ROUND(TIMESTAMPDIFF(MICROSECOND, started_at,"
      " %s) / 1000)), status = '%s', statements = %" PRIu64 ","
      " slow_statements = %" PRIu64 ", lock_wait_ms = %s"
      " WHERE run_id = %" PRIu64 " AND status = 'running'",
      t, t, uk_run_status_name(r->status), r->statements,
      r->slow_statements, lwms, run_id);
  }
  }
  return 0;
}

/* Detach up to max records from the queue, in order. */
static upkeep_rec *rec_take(int max, int *n)
{
  upkeep_rec *head, *last;
  int k= 0;

  pthread_mutex_lock(&rec_lock);
  head= last= rec_head;
  if (head)
  {
    k= 1;
    while (k < max && last->next)
    {
      last= last->next;
      k++;
    }
    rec_head= last->next;
    if (!rec_head)
      rec_tail= NULL;
    last->next= NULL;
    rec_count-= k;
    rec_inflight= k;
  }
  pthread_mutex_unlock(&rec_lock);
  *n= k;
  return head;
}

static void free_recs(upkeep_rec *rec)
{
  pthread_mutex_lock(&rec_lock);
  rec_inflight= 0;
  pthread_mutex_unlock(&rec_lock);
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

    if (!base_known || upkeep_worker_stopping())
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
    since_retention+= n;
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
  pthread_mutex_lock(&reg_lock);
  for (run= runs; run && s.n < MAX_SAMPLED; run= run->next)
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
  pthread_mutex_unlock(&reg_lock);
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

  pthread_mutex_lock(&reg_lock);
  for (run= runs; run; run= run->next)
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
  pthread_mutex_unlock(&reg_lock);
}

/* ------------------------------------------------------- worker: a turn */

long upkeep_patchlog_work(upkeep_sql *sql)
{
  int64_t now_ms= upkeep_monotonic_ms();
  int active;

  audit_plugins_check(sql);
  upkeep_audit_mask_refresh();
  flush_records(sql);
  active= upkeep_runs_active();
  if (active && !upkeep_worker_stopping())
    sample_lock_waits(sql, mono_us());
  if (base_known && !upkeep_worker_stopping() &&
      (since_retention >= 1000 ||
       (since_retention > 0 && now_ms - last_retention_ms >= RETENTION_EVERY_MS)))
  {
    retention(sql);
    since_retention= 0;
    last_retention_ms= now_ms;
  }
  return active ? LOCKWAIT_POLL_MS : IDLE_WAIT_MS;
}

long upkeep_patch_records_queued(void)
{
  long n;
  pthread_mutex_lock(&rec_lock);
  n= rec_count + rec_inflight;
  pthread_mutex_unlock(&rec_lock);
  return n;
}
