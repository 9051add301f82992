/*
  worker.c
    The plugin's one background thread and its SQL connection.

  Every statement upkeep runs goes through here: a connection to the local
  server made with MariaDB's SQL service (mysql_real_connect_local()),
  owned by this thread alone, so that no SQL ever runs in a connection
  thread's check or update callback or in the audit hook.

  The thread starts with the plugin.  When the plugin is loaded at server
  start (plugin_load_add), the server accepts a local connection long before
  it can run statements safely (a SET time_zone then crashed it): the
  thread first waits until the server reports that it has started, then
  connects, retrying every 100 ms while the connection is refused, then
  runs
  upkeep_maintenance_bootstrap() (schema, table, UDF, re-applying
  maintenance mode after a restart), upkeep_patchlog_bootstrap() (the
  patch run tables), upkeep_deadlock_bootstrap() (the deadlock tables) and
  upkeep_advisor_bootstrap() (the advisor's tables and the index hygiene
  views), then takes jobs from a bounded queue.  Between jobs, and at least every
  second (every 200 ms while a patch run is active), it calls
  upkeep_patchlog_work(), which writes the records of patch runs and
  samples their lock waits, and, every upkeep_deadlock_poll_ms,
  upkeep_deadlock_work(), which polls InnoDB's deadlock counter, and
  upkeep_advisor_work(), which runs the index advisor when asked;
  upkeep_worker_wake() wakes it early when records arrive or a statement
  ends with a deadlock error.
  A lost connection is re-made, with the bootstrap again, before the next
  job.

  Jobs.  A SET statement's check callback creates a job, queues it with
  upkeep_job_run() and waits on a condition variable until the worker
  marks it done, the statement is killed, or a deadline passes.  A job has
  two references (the waiter's and the queue's); whoever drops the last
  frees it, so a waiter that gives up never leaves the worker with a
  dangling pointer.  The worker checks upkeep_job_abandoned() before any
  step that would be hard to undo.

  Stopping.  The plugin's deinit stops and joins the thread.  The worker's
  own connection holds the audit plugin while its statements run, so
  after UNINSTALL SONAME of a busy plugin the server may drop the last
  reference, and call deinit, at the end of one of the worker's own
  statements, in the worker thread: it cannot join itself, and whatever
  it was doing is still on its stack.  Then the thread only marks itself
  stopping and, back in its loop, closes its connection and runs the
  teardown on its way out; the next init (INSTALL SONAME) first waits
  for that (upkeep_worker_gone()), so two workers never run over the
  same globals.  The library is pinned in memory at the first start so
  that the server unloading it cannot pull the code from under a thread
  still finishing.

  Locking: queue_lock protects the queue, every job's bookkeeping fields,
  the stop flag and the thread's lifetime fields.  It is never held while
  SQL runs.
*/

#define _GNU_SOURCE             /* dladdr, RTLD_NOLOAD, RTLD_NODELETE */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mysql/plugin.h>
#include <mysql/service_sql.h>
#include <mysql/service_my_print_error.h>
#include <mysql/service_kill_statement.h>
#include <mysqld_error.h>

#include "upkeep.h"

/* mysys: a thread the plugin creates must call these around SQL use. */
extern my_bool my_thread_init(void);
extern void my_thread_end(void);

#define QUEUE_MAX 8
#define CONNECT_RETRY_MS 100
#define WAIT_SLICE_MS 100
#define SERVER_START_POLL_MS 10
#define SERVER_START_FALLBACK_MS 10000
#define SQL_RECYCLE_QUERIES 500    /* statements before a fresh start */
#define GONE_WAIT_MS 10000        /* for an earlier instance's worker */

struct upkeep_sql
{
  MYSQL *mysql;
  char error[640];
  unsigned int err_no;
  unsigned long queries;          /* run on this connection */
  char *quoted[4];
  size_t quoted_cap[4];
};

static pthread_mutex_t queue_lock= PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t queue_cond= PTHREAD_COND_INITIALIZER;  /* worker wakes */
static pthread_cond_t done_cond= PTHREAD_COND_INITIALIZER;   /* waiters wake */
static upkeep_job *queue_head, *queue_tail;
static int queue_len;
static int stopping;
static int thread_started;
/* mariadbd's abort_loop: set when the server begins to shut down */
static const volatile char *server_abort_loop;
static pthread_t worker_thread;
static int wake_pending;          /* records are waiting (queue_lock) */
static int worker_alive;          /* the thread has not finished */
static pthread_cond_t gone_cond= PTHREAD_COND_INITIALIZER;
static void (*exit_teardown)(void); /* run by the worker as it exits */

/* ------------------------------------------------------------ time, log */

int64_t upkeep_now_us(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t upkeep_monotonic_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t upkeep_monotonic_us(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void upkeep_format_utc(int64_t unix_us, char *buf, size_t cap)
{
  time_t secs= (time_t) (unix_us / 1000000);
  struct tm tm;
  gmtime_r(&secs, &tm);
  strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void upkeep_log(int level, const char *fmt, ...)
{
  char msg[1200];
  va_list ap;
  unsigned long flags= ME_ERROR_LOG_ONLY;

  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  if (level == UPKEEP_LOG_WARNING)
    flags|= ME_WARNING;
  else if (level == UPKEEP_LOG_INFO)
    flags|= ME_NOTE;
  my_printf_error(ER_UNKNOWN_ERROR, "upkeep: %s", flags, msg);
}

/* The CLOCK_REALTIME time ms milliseconds from now, for timed waits. */
static struct timespec time_in_ms(long ms)
{
  struct timespec t;

  clock_gettime(CLOCK_REALTIME, &t);
  t.tv_sec+= ms / 1000;
  t.tv_nsec+= (ms % 1000) * 1000000L;
  if (t.tv_nsec >= 1000000000L)
  {
    t.tv_sec++;
    t.tv_nsec-= 1000000000L;
  }
  return t;
}

/* ------------------------------------------------------------------ jobs */

upkeep_job *upkeep_job_new(upkeep_job_type type)
{
  upkeep_job *job= calloc(1, sizeof(*job));
  if (job)
  {
    job->type= type;
    job->refs= 1;
  }
  return job;
}

static void job_unref_locked(upkeep_job *job)
{
  if (--job->refs == 0)
    free(job);
}

void upkeep_job_release(upkeep_job *job)
{
  if (!job)
    return;
  pthread_mutex_lock(&queue_lock);
  job_unref_locked(job);
  pthread_mutex_unlock(&queue_lock);
}

int upkeep_job_abandoned(upkeep_job *job)
{
  int gone;
  pthread_mutex_lock(&queue_lock);
  gone= job->abandoned || stopping;
  pthread_mutex_unlock(&queue_lock);
  return gone;
}

int upkeep_job_run(MYSQL_THD thd, upkeep_job *job, long long wait_sec)
{
  int64_t deadline= upkeep_monotonic_ms() + wait_sec * 1000;
  int killed= 0;

  pthread_mutex_lock(&queue_lock);
  if (stopping || !thread_started)
  {
    pthread_mutex_unlock(&queue_lock);
    my_printf_error(ER_UNKNOWN_ERROR,
                    "upkeep: the plugin's background thread is not running",
                    MYF(0));
    return 1;
  }
  if (queue_len >= QUEUE_MAX)
  {
    pthread_mutex_unlock(&queue_lock);
    my_printf_error(ER_UNKNOWN_ERROR,
                    "upkeep: too many requests are waiting for the plugin's "
                    "background thread; try again", MYF(0));
    return 1;
  }
  job->refs++;                                  /* the queue's reference */
  job->next= NULL;
  if (queue_tail)
    queue_tail->next= job;
  else
    queue_head= job;
  queue_tail= job;
  queue_len++;
  pthread_cond_signal(&queue_cond);

  while (!job->done)
  {
    struct timespec until= time_in_ms(WAIT_SLICE_MS);
    int64_t now= upkeep_monotonic_ms();

    if (thd && thd_kill_level(thd) != THD_IS_NOT_KILLED)
    {
      killed= 1;
      break;
    }
    if (now >= deadline || stopping ||
        (server_abort_loop && *server_abort_loop))
      break;
    pthread_cond_timedwait(&done_cond, &queue_lock, &until);
  }
  if (!job->done)
  {
    job->abandoned= 1;
    pthread_mutex_unlock(&queue_lock);
    my_printf_error(killed ? ER_UNKNOWN_ERROR : ER_LOCK_WAIT_TIMEOUT,
                    "upkeep: %s before the background thread finished; "
                    "check SHOW GLOBAL VARIABLES LIKE 'upkeep_maintenance' "
                    "for the outcome",
                    MYF(0), killed ? "the statement was killed"
                                   : "gave up waiting");
    return 1;
  }
  pthread_mutex_unlock(&queue_lock);
  return 0;
}

void upkeep_worker_wake(void)
{
  pthread_mutex_lock(&queue_lock);
  wake_pending= 1;
  pthread_cond_signal(&queue_cond);
  pthread_mutex_unlock(&queue_lock);
}

/*
  Take the next job, or NULL when stopping.  Waits at most wait_ms, less
  when upkeep_worker_wake() is called.
*/
static upkeep_job *queue_take(long wait_ms)
{
  upkeep_job *job= NULL;
  struct timespec until= time_in_ms(wait_ms);

  pthread_mutex_lock(&queue_lock);
  while (!stopping && !queue_head && !wake_pending)
  {
    if (pthread_cond_timedwait(&queue_cond, &queue_lock, &until) == ETIMEDOUT)
      break;
  }
  wake_pending= 0;
  if (!stopping && queue_head)
  {
    job= queue_head;
    queue_head= job->next;
    if (!queue_head)
      queue_tail= NULL;
    queue_len--;
  }
  pthread_mutex_unlock(&queue_lock);
  return job;
}

static void job_finish(upkeep_job *job)
{
  pthread_mutex_lock(&queue_lock);
  job->done= 1;
  pthread_cond_broadcast(&done_cond);
  job_unref_locked(job);                        /* the queue's reference */
  pthread_mutex_unlock(&queue_lock);
}

/* Fail every queued job (the plugin is stopping). */
static void queue_drain_on_stop(void)
{
  pthread_mutex_lock(&queue_lock);
  while (queue_head)
  {
    upkeep_job *job= queue_head;
    queue_head= job->next;
    queue_len--;
    job->error_code= ER_UNKNOWN_ERROR;
    snprintf(job->message, sizeof(job->message),
             "upkeep: the plugin is stopping");
    job->done= 1;
    job_unref_locked(job);
  }
  queue_tail= NULL;
  pthread_cond_broadcast(&done_cond);
  pthread_mutex_unlock(&queue_lock);
}

/*
  Stopping: the plugin is being unloaded, or the server has begun to shut
  down.  From then on the worker runs no SQL: during a shutdown the server
  may already have shut down InnoDB.
*/
int upkeep_worker_stopping(void)
{
  int s;
  pthread_mutex_lock(&queue_lock);
  s= stopping;
  pthread_mutex_unlock(&queue_lock);
  return s || (server_abort_loop && *server_abort_loop);
}

void upkeep_worker_sleep_ms(long ms)
{
  struct timespec until= time_in_ms(ms);

  pthread_mutex_lock(&queue_lock);
  while (!stopping)
  {
    if (pthread_cond_timedwait(&queue_cond, &queue_lock, &until) == ETIMEDOUT)
      break;
  }
  pthread_mutex_unlock(&queue_lock);
}

/* ------------------------------------------------------------------- SQL */

static void sql_set_error(upkeep_sql *sql)
{
  sql->err_no= mysql_errno(sql->mysql);
  snprintf(sql->error, sizeof(sql->error), "%u: %s", sql->err_no,
           mysql_error(sql->mysql));
}

static int sql_vquery(upkeep_sql *sql, const char *fmt, va_list ap)
{
  char stackbuf[4096];
  char *q= stackbuf;
  int n;
  va_list ap2;
  int rc;

  va_copy(ap2, ap);
  n= vsnprintf(stackbuf, sizeof(stackbuf), fmt, ap);
  if (n < 0)
  {
    va_end(ap2);
    return 1;
  }
  if ((size_t) n >= sizeof(stackbuf))
  {
    q= malloc((size_t) n + 1);
    if (!q)
    {
      va_end(ap2);
      snprintf(sql->error, sizeof(sql->error), "out of memory");
      return 1;
    }
    vsnprintf(q, (size_t) n + 1, fmt, ap2);
  }
  va_end(ap2);
  sql->error[0]= '\0';
  sql->err_no= 0;
  if (upkeep_worker_stopping())
  {
    snprintf(sql->error, sizeof(sql->error), "the server is shutting down");
    if (q != stackbuf)
      free(q);
    return 1;
  }
  sql->queries++;
  rc= mysql_real_query(sql->mysql, q, (unsigned long) n);
  if (rc)
    sql_set_error(sql);
  if (q != stackbuf)
    free(q);
  return rc ? 1 : 0;
}

/* Run stmt (no result), keeping the error of the caller's failure. */
void upkeep_sql_cleanup(upkeep_sql *sql, const char *stmt)
{
  char error[sizeof(sql->error)];
  unsigned int err_no= sql->err_no;

  snprintf(error, sizeof(error), "%s", sql->error);
  (void) upkeep_sql_exec(sql, "%s", stmt);
  snprintf(sql->error, sizeof(sql->error), "%s", error);
  sql->err_no= err_no;
}

/* ROLLBACK, keeping the error that made the caller roll back. */
void upkeep_sql_rollback(upkeep_sql *sql)
{
  upkeep_sql_cleanup(sql, "ROLLBACK");
}

int upkeep_sql_exec(upkeep_sql *sql, const char *fmt, ...)
{
  va_list ap;
  int rc;
  MYSQL_RES *res;

  va_start(ap, fmt);
  rc= sql_vquery(sql, fmt, ap);
  va_end(ap);
  if (rc)
    return 1;
  /* a statement that returns rows: read and discard them */
  if ((res= mysql_store_result(sql->mysql)))
    mysql_free_result(res);
  return 0;
}

/* Run a query and call row() for each row of its result.  0 on success. */
static int sql_vrows(upkeep_sql *sql, upkeep_row_fn row, void *arg,
                     const char *fmt, va_list ap)
{
  MYSQL_RES *res;
  MYSQL_ROW r;

  if (sql_vquery(sql, fmt, ap))
    return 1;
  res= mysql_store_result(sql->mysql);
  if (!res)
  {
    if (mysql_errno(sql->mysql))
    {
      sql_set_error(sql);
      return 1;
    }
    return 0;
  }
  while ((r= mysql_fetch_row(res)))
    row(arg, mysql_num_fields(res), r);
  mysql_free_result(res);
  return 0;
}

int upkeep_sql_rows(upkeep_sql *sql, upkeep_row_fn row, void *arg,
                    const char *fmt, ...)
{
  va_list ap;
  int rc;

  va_start(ap, fmt);
  rc= sql_vrows(sql, row, arg, fmt, ap);
  va_end(ap);
  return rc;
}

typedef struct
{
  char *out;
  size_t cap;
  int found;
} value_arg;

static void value_row(void *arg, unsigned int ncols, char **cols)
{
  value_arg *v= arg;
  if (v->found || ncols == 0)
    return;
  v->found= 1;
  snprintf(v->out, v->cap, "%s", cols[0] ? cols[0] : "");
}

int upkeep_sql_value(upkeep_sql *sql, char *out, size_t cap,
                     const char *fmt, ...)
{
  va_list ap;
  int rc;
  value_arg v= { out, cap, 0 };

  out[0]= '\0';
  va_start(ap, fmt);
  rc= sql_vrows(sql, value_row, &v, fmt, ap);
  va_end(ap);
  if (rc)
    return 1;
  if (!v.found)
  {
    snprintf(sql->error, sizeof(sql->error), "the query returned no rows");
    return 1;
  }
  return 0;
}

const char *upkeep_sql_error(upkeep_sql *sql)
{
  return sql->error;
}

unsigned int upkeep_sql_errno(upkeep_sql *sql)
{
  return sql->err_no;
}

const char *upkeep_sql_quote(upkeep_sql *sql, int slot, const char *s)
{
  size_t len, need;
  char *p;

  if (!s)
    return "NULL";
  len= strlen(s);
  need= 2 * len + 3;
  if (sql->quoted_cap[slot] < need)
  {
    p= realloc(sql->quoted[slot], need);
    if (!p)
      return "NULL";
    sql->quoted[slot]= p;
    sql->quoted_cap[slot]= need;
  }
  p= sql->quoted[slot];
  p[0]= '\'';
  len= mysql_real_escape_string(sql->mysql, p + 1, s, (unsigned long) len);
  p[len + 1]= '\'';
  p[len + 2]= '\0';
  return p;
}

static int sql_connection_lost(unsigned int err_no)
{
  return err_no == 2006 || err_no == 2013;      /* gone away, lost */
}

static void sql_disconnect(upkeep_sql *sql)
{
  if (sql->mysql)
    mysql_close(sql->mysql);
  sql->mysql= NULL;
  __atomic_store_n(&upkeep_stats.worker_ready, 0, __ATOMIC_RELAXED);
}

/*
  Wait until the server has finished starting.  The public plugin API has
  no way to ask; mariadbd exports the flag it sets when it starts accepting
  connections, mysqld_server_started, which is only read here.  Without it
  (a server that does not export it) the thread waits a fixed time.
*/
static void wait_server_started(void)
{
  const int *started= (const int *) dlsym(RTLD_DEFAULT,
                                          "mysqld_server_started");
  int64_t until= upkeep_monotonic_ms() + SERVER_START_FALLBACK_MS;

  while (!upkeep_worker_stopping())
  {
    if (started ? __atomic_load_n(started, __ATOMIC_ACQUIRE) != 0
                : upkeep_monotonic_ms() >= until)
      return;
    upkeep_worker_sleep_ms(SERVER_START_POLL_MS);
  }
}

/*
  Connect and bootstrap, retrying until it works or the plugin stops.
  While the server is still starting, the local connection is refused.
*/
static int sql_connect(upkeep_sql *sql)
{
  int attempts= 0;
  char last_error[sizeof(sql->error)]= "";

  while (!upkeep_worker_stopping())
  {
    sql->mysql= mysql_init(NULL);
    if (sql->mysql && mysql_real_connect_local(sql->mysql))
    {
      sql->queries= 0;
      if (upkeep_maintenance_bootstrap(sql) == 0 &&
          upkeep_patchlog_bootstrap(sql) == 0 &&
          upkeep_deadlock_bootstrap(sql) == 0 &&
          upkeep_advisor_bootstrap(sql) == 0)
      {
        __atomic_store_n(&upkeep_stats.worker_ready, 1, __ATOMIC_RELAXED);
        if (attempts > 0)
          upkeep_log(UPKEEP_LOG_INFO, "background connection ready");
        return 0;
      }
      /*
        Log a failure once, not at every retry; none when the plugin is
        stopping (the server shut down while we set up: no fault).
      */
      if (!upkeep_worker_stopping() &&
          strcmp(last_error, upkeep_sql_error(sql)) != 0)
      {
        snprintf(last_error, sizeof(last_error), "%s", upkeep_sql_error(sql));
        upkeep_log(UPKEEP_LOG_WARNING, "setting up failed (%s); retrying",
                   last_error);
      }
    }
    if (sql->mysql)
      mysql_close(sql->mysql);
    sql->mysql= NULL;
    attempts++;
    upkeep_worker_sleep_ms(attempts < 100 ? CONNECT_RETRY_MS : 1000);
  }
  return 1;
}

/* Run one queued job (or answer an abandoned one) and hand it back. */
static void job_serve(upkeep_sql *sql, upkeep_job *job)
{
  if (!upkeep_job_abandoned(job))
    upkeep_maintenance_run_job(sql, job);
  else
  {
    job->error_code= ER_UNKNOWN_ERROR;
    snprintf(job->message, sizeof(job->message), "upkeep: abandoned");
  }
  job_finish(job);
}

/*
  Serve what waits while a long task (an advise run) holds the thread:
  the queued jobs first (a SET GLOBAL upkeep_maintenance waits for its
  job), then the patch log and the deadlock poll.  Only between the
  task's statements, outside any transaction of its own.
*/
void upkeep_worker_serve(upkeep_sql *sql)
{
  upkeep_job *job;

  while (!upkeep_worker_stopping() && (job= queue_take(0)))
    job_serve(sql, job);
  if (!(sql->err_no && sql_connection_lost(sql->err_no)))
    (void) upkeep_patchlog_work(sql);
  if (!(sql->err_no && sql_connection_lost(sql->err_no)))
    (void) upkeep_deadlock_work(sql);
}

static void *worker_main(void *arg)
{
  upkeep_sql sql;
  long wait_ms= 1000;
  int64_t next_idle= 0;
  void (*teardown)(void);
  (void) arg;

  memset(&sql, 0, sizeof(sql));
  my_thread_init();
  wait_server_started();

  while (!upkeep_worker_stopping())
  {
    upkeep_job *job;
    int64_t now;

    /*
      Every statement on the local connection leaves some 20 KB with this
      thread (mysys' thread-specific state, not the connection: closing it
      alone frees nothing), even idle: the deadlock poll runs several a
      second.  Now and then close the connection and start the thread's
      mysys state afresh, which frees it; the bootstraps only create what
      is missing the second time.
    */
    if (sql.mysql && sql.queries >= SQL_RECYCLE_QUERIES)
    {
      sql_disconnect(&sql);
      my_thread_end();
      my_thread_init();
    }
    if (!sql.mysql && sql_connect(&sql))
      break;
    job= queue_take(wait_ms);
    if (job)
      job_serve(&sql, job);
    now= upkeep_monotonic_ms();
    if (now >= next_idle)
    {
      upkeep_maintenance_idle();
      next_idle= now + 1000;
    }
    wait_ms= upkeep_patchlog_work(&sql);
    if (!(sql.err_no && sql_connection_lost(sql.err_no)))
    {
      long dl_ms= upkeep_deadlock_work(&sql);
      if (dl_ms < wait_ms)
        wait_ms= dl_ms;
    }
    if (!(sql.err_no && sql_connection_lost(sql.err_no)))
    {
      long adv_ms= upkeep_advisor_work(&sql);
      if (adv_ms < wait_ms)
        wait_ms= adv_ms;
    }
    if (sql.err_no && sql_connection_lost(sql.err_no))
      sql_disconnect(&sql);
  }

  queue_drain_on_stop();
  sql_disconnect(&sql);
  for (int i= 0; i < 4; i++)
    free(sql.quoted[i]);
  pthread_mutex_lock(&queue_lock);
  teardown= exit_teardown;
  exit_teardown= NULL;
  pthread_mutex_unlock(&queue_lock);
  if (teardown)
    teardown();                 /* deinit ran in this thread: see stop */
  my_thread_end();
  pthread_mutex_lock(&queue_lock);
  worker_alive= 0;
  pthread_cond_broadcast(&gone_cond);
  pthread_mutex_unlock(&queue_lock);
  return NULL;
}

/*
  Keep this library loaded for the life of the process: the server may
  unload it right after a deinit that ran in the worker thread, which
  then still has code of it to run.
*/
static void pin_library(void)
{
  static int pinned;
  Dl_info info;

  if (pinned)
    return;
  pinned= 1;
  if (dladdr((void *) &pin_library, &info) && info.dli_fname)
    (void) dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
}

int upkeep_worker_gone(void)
{
  struct timespec until= time_in_ms(GONE_WAIT_MS);
  int gone;

  pthread_mutex_lock(&queue_lock);
  while (worker_alive)
  {
    if (pthread_cond_timedwait(&gone_cond, &queue_lock, &until) == ETIMEDOUT)
      break;
  }
  gone= !worker_alive;
  pthread_mutex_unlock(&queue_lock);
  if (!gone)
    my_printf_error(ER_UNKNOWN_ERROR, "upkeep: the background thread of the "
                    "plugin's previous instance (uninstalled while busy) is "
                    "still stopping; run INSTALL SONAME 'upkeep' again in a "
                    "moment", MYF(0));
  return !gone;
}

int upkeep_worker_start(void)
{
  pthread_attr_t attr;
  int rc;

  pin_library();
  pthread_mutex_lock(&queue_lock);
  if (worker_alive)             /* upkeep_worker_gone() was not called */
  {
    pthread_mutex_unlock(&queue_lock);
    upkeep_log(UPKEEP_LOG_ERROR, "the previous background thread is still "
               "running");
    return 1;
  }
  stopping= 0;
  wake_pending= 0;
  queue_head= queue_tail= NULL;
  queue_len= 0;
  worker_alive= 1;
  pthread_mutex_unlock(&queue_lock);
  server_abort_loop= (const volatile char *) dlsym(RTLD_DEFAULT, "abort_loop");

  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 1024 * 1024);
  rc= pthread_create(&worker_thread, &attr, worker_main, NULL);
  pthread_attr_destroy(&attr);
  if (rc)
  {
    pthread_mutex_lock(&queue_lock);
    worker_alive= 0;
    pthread_mutex_unlock(&queue_lock);
    upkeep_log(UPKEEP_LOG_ERROR, "could not start the background thread: %s",
               strerror(rc));
    return 1;
  }
  pthread_mutex_lock(&queue_lock);
  thread_started= 1;
  pthread_mutex_unlock(&queue_lock);
  return 0;
}

void upkeep_worker_stop(void (*teardown)(void))
{
  pthread_mutex_lock(&queue_lock);
  if (!thread_started)
  {
    pthread_mutex_unlock(&queue_lock);
    if (teardown)
      teardown();
    return;
  }
  stopping= 1;
  pthread_cond_broadcast(&queue_cond);
  pthread_cond_broadcast(&done_cond);
  if (pthread_equal(pthread_self(), worker_thread))
  {
    /* deinit in the worker thread: it finishes on its way out */
    exit_teardown= teardown;
    thread_started= 0;
    pthread_detach(worker_thread);
    pthread_mutex_unlock(&queue_lock);
    return;
  }
  pthread_mutex_unlock(&queue_lock);
  pthread_join(worker_thread, NULL);
  pthread_mutex_lock(&queue_lock);
  thread_started= 0;
  pthread_mutex_unlock(&queue_lock);
  if (teardown)
    teardown();
}
