/*
  worker_queue.c
    The background thread's lock and what the rest of the plugin calls
    without knowing the thread: the job queue, the stop flag, the worker's
    sleep and wake, and the thread's lifetime state (start, stop, gone).

  Jobs.  A SET statement's check callback creates a job, queues it with
  upkeep_job_run() and waits on a condition variable until the worker
  marks it done, the statement is killed, or a deadline passes.  A job has
  two references (the waiter's and the queue's); whoever drops the last
  frees it, so a waiter that gives up never leaves the worker with a
  dangling pointer.  The worker checks upkeep_job_abandoned() before any
  step that would be hard to undo.

  Stopping.  The plugin's deinit stops and joins the thread
  (upkeep_worker_stop()).  The worker's own connection holds the audit
  plugin while its statements run, so after UNINSTALL SONAME of a busy
  plugin the server may drop the last reference, and call deinit, at the
  end of one of the worker's own statements, in the worker thread: it
  cannot join itself, and whatever it was doing is still on its stack.
  Then the thread only marks itself stopping and, back in its loop (in
  worker.c), closes its connection and runs the teardown on its way out;
  the next init (INSTALL SONAME) first waits for that
  (upkeep_worker_gone()), so two workers never run over the same globals.

  Layering: below the features and worker.c; it calls neither.

  Locking: queue_lock protects the queue, every job's bookkeeping fields,
  the stop flag and the thread's lifetime fields.  It is never held while
  SQL runs.
*/

#define _GNU_SOURCE             /* RTLD_DEFAULT */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mysql/plugin.h>
#include <mysql/service_my_print_error.h>
#include <mysql/service_kill_statement.h>
#include <mysqld_error.h>

#include "worker_int.h"

#define QUEUE_MAX 8
#define WAIT_SLICE_MS 100
#define GONE_WAIT_MS 10000        /* for an earlier instance's worker */

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
upkeep_job *upkeep_queue_take(long wait_ms)
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

void upkeep_job_finish(upkeep_job *job)
{
  pthread_mutex_lock(&queue_lock);
  job->done= 1;
  pthread_cond_broadcast(&done_cond);
  job_unref_locked(job);                        /* the queue's reference */
  pthread_mutex_unlock(&queue_lock);
}

/* Fail every queued job (the plugin is stopping). */
void upkeep_queue_drain_on_stop(void)
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

/* ------------------------------------------------------------ lifetime */

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

int upkeep_worker_begin(void)
{
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
  return 0;
}

int upkeep_worker_began(pthread_t thread, int rc)
{
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
  worker_thread= thread;
  thread_started= 1;
  pthread_mutex_unlock(&queue_lock);
  return 0;
}

upkeep_teardown_fn upkeep_worker_exit_teardown(void)
{
  upkeep_teardown_fn teardown;

  pthread_mutex_lock(&queue_lock);
  teardown= exit_teardown;
  exit_teardown= NULL;
  pthread_mutex_unlock(&queue_lock);
  return teardown;
}

void upkeep_worker_exited(void)
{
  pthread_mutex_lock(&queue_lock);
  worker_alive= 0;
  pthread_cond_broadcast(&gone_cond);
  pthread_mutex_unlock(&queue_lock);
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
