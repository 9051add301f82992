/*
  worker.c
    The plugin's one background thread: its loop, and its SQL connection's
    making, bootstrap and recycling.

  Every statement upkeep runs goes through here: a connection to the local
  server made with MariaDB's SQL service (mysql_real_connect_local()),
  owned by this thread alone, so that no SQL ever runs in a connection
  thread's check or update callback or in the audit hook.

  The thread starts with the plugin.  When the plugin is loaded at server
  start (plugin_load_add), the server accepts a local connection long before
  it can run statements safely (a SET time_zone then crashed it): the
  thread first waits until the server reports that it has started, then
  connects, retrying every 100 ms while the connection is refused, then
  runs the bootstrap of every feature (features.h: each feature's file
  declares its entry, the worker finds them in a linker section), in
  their order: maintenance (schema, table, UDF, re-applying maintenance
  mode after a restart), patch log (the patch run tables), window (the
  runner's accounts, the window after a restart), ha (the replicated
  window's row, the standby file), deadlocks (the deadlock tables), index
  advisor (its tables and the index hygiene views), then takes jobs from
  a bounded queue (worker_queue.c) and hands
  each to the feature that takes jobs (maintenance).  Between jobs, and at
  least every second, it calls every feature's periodic work, each of
  which returns how long the worker may sleep before the next call (the
  patch log asks for 200 ms while a patch run is active, the deadlock poll
  for upkeep_deadlock_poll_ms); at most once a second, every feature's
  idle step.  upkeep_worker_wake() wakes it early (records arrive, a
  statement ends with a deadlock error).  A lost connection is re-made,
  with the bootstrap again, before the next job.

  This file names no feature: a feature plugs in with an entry in its own
  file (UPKEEP_FEATURE, features.h).  The features call only what is
  below this file (worker_queue.c, worker_sql.c), except
  upkeep_worker_serve(), which a long task (an advise run) calls to let
  the others run meanwhile.

  Stopping: see worker_queue.c.  The library is pinned in memory at the
  first start so that the server unloading it cannot pull the code from
  under a thread still finishing.

  Locking: the queue's lock (worker_queue.c) is never held here.
*/

#define _GNU_SOURCE             /* dladdr, RTLD_NOLOAD, RTLD_NODELETE */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysql/plugin.h>
#include <mysql/service_sql.h>
#include <mysqld_error.h>

#include "features.h"
#include "worker_int.h"

/* mysys: a thread the plugin creates must call these around SQL use. */
extern my_bool my_thread_init(void);
extern void my_thread_end(void);

#define CONNECT_RETRY_MS 100
#define SERVER_START_POLL_MS 10
#define SERVER_START_FALLBACK_MS 10000
#define SQL_RECYCLE_QUERIES 500    /* statements before a fresh start */
#define WORK_WAIT_MAX_MS 1000      /* work at least every second */

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
  The features, in their order: sorted once, when the thread starts, from
  the linker section (whose order is the link order, which nobody should
  have to think about).
*/
#define FEATURES_MAX 32
static const upkeep_feature *features[FEATURES_MAX + 1];

static void features_sort(void)
{
  const upkeep_feature *const *p;
  int n= 0;

  for (p= upkeep_features_begin(); p < upkeep_features_end(); p++)
  {
    int i= n++;

    if (n > FEATURES_MAX)
    {
      upkeep_log(UPKEEP_LOG_ERROR, "more than %d features; ignoring %s",
                 FEATURES_MAX, (*p)->name);
      n--;
      continue;
    }
    while (i > 0 && features[i - 1]->order > (*p)->order)
    {
      features[i]= features[i - 1];
      i--;
    }
    features[i]= *p;
    if (i > 0 && features[i - 1]->order == (*p)->order)
      upkeep_log(UPKEEP_LOG_ERROR, "features %s and %s have the same order "
                 "%d: their order is the link order", features[i - 1]->name,
                 (*p)->name, (*p)->order);
  }
  features[n]= NULL;
}

/* Every feature's bootstrap, in their order, up to the first failure. */
static int features_bootstrap(upkeep_sql *sql)
{
  const upkeep_feature *const *f;

  for (f= features; *f; f++)
    if ((*f)->bootstrap && (*f)->bootstrap(sql) != 0)
      return 1;
  return 0;
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
      if (features_bootstrap(sql) == 0)
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

/*
  Run one queued job (or answer an abandoned one) and hand it back.  The
  feature that takes jobs runs it: the first entry with run_job.
*/
static void job_serve(upkeep_sql *sql, upkeep_job *job)
{
  const upkeep_feature *const *f;

  for (f= features; *f && !(*f)->run_job; f++)
    ;
  if (!upkeep_job_abandoned(job) && *f)
    (*f)->run_job(sql, job);
  else
  {
    job->error_code= ER_UNKNOWN_ERROR;
    snprintf(job->message, sizeof(job->message), "upkeep: abandoned");
  }
  upkeep_job_finish(job);
}

/*
  Serve what waits while a long task (an advise run) holds the thread:
  the queued jobs first (a SET GLOBAL upkeep_maintenance waits for its
  job), then the periodic work of the features marked serve_in_long_task
  (the patch log and the deadlock poll).  Only between the task's
  statements, outside any transaction of its own.
*/
void upkeep_worker_serve(upkeep_sql *sql)
{
  upkeep_job *job;
  const upkeep_feature *const *f;

  while (!upkeep_worker_stopping() && (job= upkeep_queue_take(0)))
    job_serve(sql, job);
  for (f= features; *f; f++)
    if ((*f)->work && (*f)->serve_in_long_task &&
        !(sql->err_no && sql_connection_lost(sql->err_no)))
      (void) (*f)->work(sql);
}

static void *worker_main(void *arg)
{
  upkeep_sql sql;
  long wait_ms= 1000;
  int64_t next_idle= 0;
  upkeep_teardown_fn teardown;
  (void) arg;

  memset(&sql, 0, sizeof(sql));
  my_thread_init();
  features_sort();                  /* it may log: after my_thread_init() */
  wait_server_started();

  while (!upkeep_worker_stopping())
  {
    upkeep_job *job;
    const upkeep_feature *const *f;
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
    job= upkeep_queue_take(wait_ms);
    if (job)
      job_serve(&sql, job);
    now= upkeep_monotonic_ms();
    if (now >= next_idle)
    {
      for (f= features; *f; f++)
        if ((*f)->idle)
          (*f)->idle();
      next_idle= now + 1000;
    }
    /*
      Each feature's work, in their order; a lost connection skips
      the rest (the first runs even after a job lost it, as it always did).
    */
    wait_ms= WORK_WAIT_MAX_MS;
    for (f= features; *f; f++)
    {
      long ms;

      if (!(*f)->work)
        continue;
      ms= (*f)->work(&sql);
      if (ms < wait_ms)
        wait_ms= ms;
      if (sql.err_no && sql_connection_lost(sql.err_no))
        break;
    }
    if (sql.err_no && sql_connection_lost(sql.err_no))
      sql_disconnect(&sql);
  }

  upkeep_queue_drain_on_stop();
  sql_disconnect(&sql);
  for (int i= 0; i < 4; i++)
    free(sql.quoted[i]);
  teardown= upkeep_worker_exit_teardown();
  if (teardown)
    teardown();                 /* deinit ran in this thread: see stop */
  my_thread_end();
  upkeep_worker_exited();
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

int upkeep_worker_start(void)
{
  pthread_attr_t attr;
  pthread_t thread;
  int rc;

  pin_library();
  if (upkeep_worker_begin())
    return 1;

  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 1024 * 1024);
  rc= pthread_create(&thread, &attr, worker_main, NULL);
  pthread_attr_destroy(&attr);
  return upkeep_worker_began(thread, rc);
}
