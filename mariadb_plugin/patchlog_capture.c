/*
  patchlog_capture.c
    Patch runs and slow statements on MariaDB, the connection side: the
    server's audit events become records on a queue.  The worker side
    (writing them, lock wait sampling, retention) is patchlog_writer.c;
    the GENERAL audit class on demand is patchlog_audit_mask.c;
    patchlog_int.h holds what they share.

  An upgrade script brackets each patch:

    SET SESSION upkeep_patch = 'erpnext.patches.v15_0.x';   -- a run starts
    ...                                                     -- its statements
    SET SESSION upkeep_patch_status = 'failed';             -- if it failed
    SET SESSION upkeep_patch = '';                          -- the run ends

  The run's life (running -> succeeded | failed | skipped | aborted), its
  records (BEGIN, STMT, ERROR, END), names, limits and the tidying and
  tagging of statement text come from libcommon (uk_patch.h, uk_stmt.h).
  This file turns the server's audit events into those records, and the
  worker (worker.c, with patchlog_writer.c) turns the records into rows
  of upkeep.patch_runs and upkeep.slow_statements.

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

  Init and deinit are here too: they reset the shared state of all three
  files.

  Locking: plog_reg_lock protects the list of runs and the statistics
  that are not atomic; plog_rec_lock protects the record queue;
  run->lw_lock the lock wait fields of one run.  Order: plog_reg_lock
  before lw_lock.  None is held while SQL runs.  A run is freed only by
  its connection, after it has been unlinked under plog_reg_lock; the
  worker touches runs only under plog_reg_lock.
*/

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysql/plugin.h>
#include <mysql/plugin_audit.h>
#include <mysql/service_thd_error_context.h>

#include "uk_patch.h"
#include "uk_stmt.h"
#include "upkeep.h"
#include "patchlog_int.h"

#define REC_QUEUE_MAX 10000       /* STMT and ERROR records waiting */
#define REC_QUEUE_BE_EXTRA 2000   /* more room for BEGIN and END */

long long upkeep_slow_statement_ms= 1000;
long long upkeep_window_slow_ms= -1;

/* ------------------------------------------------------------ the run */

/*
  The last runs that ended (plog_reg_lock), so that the deadlock capture can
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

/* ------------------------------------------------------------- helpers */

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
upkeep_rec *plog_rec_new(UkPatchRecKind kind, const upkeep_run *run,
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
    REC_COPY(username, s3, l3);   /* a window run's: the connection's */
    REC_COPY(database, s4, l4);
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

void plog_rec_push(upkeep_rec *rec)
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
  pthread_mutex_lock(&plog_rec_lock);
  if (plog_rec_count >= limit)
  {
    pthread_mutex_unlock(&plog_rec_lock);
    free(rec);
    __atomic_fetch_add(&upkeep_patch_stats.records_dropped, 1,
                       __ATOMIC_RELAXED);
    return;
  }
  was_empty= plog_rec_head == NULL;
  rec->next= NULL;
  if (plog_rec_tail)
    plog_rec_tail->next= rec;
  else
    plog_rec_head= rec;
  plog_rec_tail= rec;
  plog_rec_count++;
  pthread_mutex_unlock(&plog_rec_lock);
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
  rec= plog_rec_new(UK_REC_BEGIN, run, dbname, uname, run->name, run->app);
  if (rec)
  {
    rec->r.at_us= run->started_us;
    rec->r.pid= (int64_t) run->thread_id;
    rec->window_id= run->window_id;
    rec->parent_token= run->parent_token;
  }
  plog_rec_push(rec);
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

  pthread_mutex_lock(&plog_reg_lock);
  /* a run this connection lost (its session was reset): aborted */
  for (pp= &plog_runs; *pp; pp= &(*pp)->next)
    if ((*pp)->thread_id == thread_id && !(*pp)->shared)
    {
      orphan= *pp;
      *pp= orphan->next;
      break;
    }
  run->token= ++plog_next_token;
  run->next= plog_runs;
  plog_runs= run;
  plog_general_events_on();
  upkeep_patch_stats.runs_started++;
  pthread_mutex_unlock(&plog_reg_lock);
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

static void run_free(upkeep_run *run)
{
  free(run->pending_message);
  free(run->pending_query);
  pthread_mutex_destroy(&run->lw_lock);
  free(run);
}

void upkeep_run_end(upkeep_run *run, UkRunStatus status, int unlinked)
{
  upkeep_run_end_window(run, status, unlinked, NULL);
}

void upkeep_run_end_window(upkeep_run *run, UkRunStatus status, int unlinked,
                           const char *message)
{
  upkeep_rec *rec;
  int64_t now= mono_us();
  ended_run *e;

  pthread_mutex_lock(&plog_reg_lock);
  if (!unlinked)
  {
    upkeep_run **pp;
    for (pp= &plog_runs; *pp; pp= &(*pp)->next)
      if (*pp == run)
      {
        *pp= run->next;
        break;
      }
  }
  if (run->shared && !run->owner)
  {
    /* a connection's part in a window run: the run goes on */
    pthread_mutex_unlock(&plog_reg_lock);
    run_free(run);
    return;
  }
  e= &ended[ended_next++ % ENDED_RING];
  e->thread_id= run->thread_id;
  e->started_mono_us= run->started_mono_us;
  e->ended_mono_us= now;
  memcpy(e->name, run->name, sizeof(e->name));
  pthread_mutex_unlock(&plog_reg_lock);
  if (!run->begun)
    queue_begin(run, NULL, 0, NULL, 0);
  if (!uk_run_transition_valid(UK_RUN_RUNNING, status))
    status= UK_RUN_ABORTED;
  if (run->shared)
  {
    /* a window run: what its connections counted */
    upkeep_run_shared *sh= run->shared;
    run->statements= __atomic_load_n(&sh->statements, __ATOMIC_ACQUIRE);
    run->slow_statements= __atomic_load_n(&sh->slow_statements,
                                          __ATOMIC_ACQUIRE);
    run->lock_wait_us= __atomic_load_n(&sh->lock_wait_us, __ATOMIC_ACQUIRE);
    run->lock_wait_measured= __atomic_load_n(&sh->lock_wait_measured,
                                             __ATOMIC_ACQUIRE);
  }
  rec= plog_rec_new(UK_REC_END, run, message && message[0] ? message : NULL,
               NULL, NULL, NULL);
  if (rec)
  {
    rec->r.at_us= now + run->clock_offset_us;
    rec->r.status= status;
    rec->r.statements= run->statements;
    rec->r.slow_statements= run->slow_statements;
    rec->r.lock_wait_us= run->lock_wait_measured ? run->lock_wait_us : -1;
    rec->shared= run->shared != NULL;
  }
  plog_rec_push(rec);
  run_free(run);
}

void upkeep_run_connection_gone(unsigned long thread_id)
{
  upkeep_run **pp, *run, *gone= NULL;

  /* its own run, and its part in a window run */
  pthread_mutex_lock(&plog_reg_lock);
  for (pp= &plog_runs; *pp;)
    if ((*pp)->thread_id == thread_id && thread_id != 0)
    {
      run= *pp;
      *pp= run->next;
      run->next= gone;
      gone= run;
    }
    else
      pp= &(*pp)->next;
  pthread_mutex_unlock(&plog_reg_lock);
  while ((run= gone))
  {
    gone= run->next;
    upkeep_run_end(run, UK_RUN_ABORTED, 1);
  }
}

int upkeep_patch_at(unsigned long thread_id, int64_t from_us, int64_t to_us,
                    char *out, size_t cap)
{
  const upkeep_run *run;
  int64_t best= -1;

  out[0]= '\0';
  pthread_mutex_lock(&plog_reg_lock);
  for (run= plog_runs; run; run= run->next)
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
  pthread_mutex_unlock(&plog_reg_lock);
  return best >= 0;
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
  long long threshold= run->shared && upkeep_window_slow_ms >= 0 ?
                       upkeep_window_slow_ms : upkeep_slow_statement_ms;
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
    if (run->shared)
    {
      plog_shared_add(run, (uint64_t *) &run->shared->lock_wait_us,
                 (uint64_t) lock_wait);
      __atomic_store_n(&run->shared->lock_wait_measured, 1, __ATOMIC_RELEASE);
    }
  }
  run->statements++;      /* a window run counts at the start (below) */

  if (threshold >= 0 && duration >= threshold * 1000)
  {
    char query[UK_QUERY_MAX + 1];
    char command[UK_COMMAND_MAX + 1];
    const char *q= ev->general_query ? ev->general_query : "";
    size_t qlen= ev->general_query ? ev->general_query_length : 0;
    upkeep_rec *rec;

    char uname[UK_PATCH_IDENT_MAX + 1], dbname[UK_PATCH_IDENT_MAX + 1];

    uk_stmt_clean(q, qlen, query, sizeof(query), NULL);
    uk_stmt_command(q, qlen, command, sizeof(command));
    if (run->shared)
    {
      /* many connections share the run: name this one's */
      size_t n= ev->database.str ?
                uk_utf8_cut(ev->database.str, ev->database.length,
                            UK_PATCH_IDENT_MAX) : 0;
      user_of(ev->general_user, ev->general_user_length, uname,
              sizeof(uname));
      memcpy(dbname, ev->database.str ? ev->database.str : "", n);
      dbname[n]= '\0';
    }
    rec= plog_rec_new(UK_REC_STMT, run, command, query,
                 run->shared ? uname : NULL, run->shared ? dbname : NULL);
    if (rec)
    {
      rec->r.at_us= f->start_us + run->clock_offset_us;
      rec->r.stmt_id= run->statements;
      rec->r.duration_us= duration;
      rec->r.lock_wait_us= lock_wait;
      rec->r.rows= -1;
      rec->r.pid= (int64_t) run->thread_id;
      rec->stmt_error= code;
      rec->shared= run->shared != NULL;
    }
    plog_rec_push(rec);
    run->slow_statements++;
    if (run->shared)
      plog_shared_add(run, &run->shared->slow_statements, 1);
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
      upkeep_rec *rec= plog_rec_new(UK_REC_ERROR, run, run->pending_message,
                               run->pending_query, NULL, NULL);
      if (rec)
      {
        rec->r.at_us= now + run->clock_offset_us;
        rec->r.error_code= code;
        sqlstate_of(code, rec->r.sqlstate);
      }
      plog_rec_push(rec);
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
    /*
      A window run counts a statement when it starts: the runner may end
      the run before the end of the statement that the child already saw
      (the client has the result before the STATUS event).
    */
    if (run->shared)
      plog_shared_add(run, &run->shared->statements, 1);
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
      if (run->shared)
        plog_shared_add(run, &run->shared->statements, 1);
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
  pthread_mutex_lock(&plog_reg_lock);
  plog_runs= NULL;
  plog_next_token= 0;
  memset(ended, 0, sizeof(ended));
  ended_next= 0;
  plog_other_audit_plugins= 1;
  plog_other_audit_version= -1;
  pthread_mutex_unlock(&plog_reg_lock);
  plog_base_known= 0;
  plog_run_id_base= 0;
  plog_last_retention_ms= 0;
  plog_since_retention= 0;
  memset(&upkeep_patch_stats, 0, sizeof(upkeep_patch_stats));
  errno_to_sqlstate= (const char *(*)(unsigned int))
    dlsym(RTLD_DEFAULT, "mysql_errno_to_sqlstate");
  plog_global_audit_mask= (unsigned long *) dlsym(RTLD_DEFAULT,
                                             "mysql_global_audit_mask");
  plog_global_plugin_version= (const int *) dlsym(RTLD_DEFAULT,
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

  pthread_mutex_lock(&plog_reg_lock);
  while (plog_runs)
  {
    upkeep_run *run= plog_runs;
    plog_runs= run->next;
    run->next= NULL;
    __atomic_store_n(&run->dead, 1, __ATOMIC_RELEASE);
  }
  pthread_mutex_unlock(&plog_reg_lock);
  pthread_mutex_lock(&plog_rec_lock);
  while ((rec= plog_rec_head))
  {
    plog_rec_head= rec->next;
    free(rec);
  }
  plog_rec_tail= NULL;
  plog_rec_count= 0;
  plog_rec_inflight= 0;
  pthread_mutex_unlock(&plog_rec_lock);
  plog_general_events_on();          /* leave the server as it expects */
}
