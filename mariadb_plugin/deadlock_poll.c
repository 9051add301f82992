/*
  deadlock_poll.c
    InnoDB deadlocks on MariaDB: every deadlock the server counts becomes a
    row of upkeep.deadlocks, with its members in
    upkeep.deadlock_participants (query, lock waited for, who blocked it,
    the patch it was running); the view upkeep.deadlock_summary groups
    recurring ones.  Parsing InnoDB's report and the pattern key come from
    libcommon (uk_deadlock.h).

  This file is the capture: the victims the audit hook reports, the
  worker's poll of InnoDB's counter and its LATEST DETECTED DEADLOCK
  section, and the deadlock feature's init, bootstrap and work.  Writing
  the rows is deadlock_writer.c.

  Capture.  InnoDB counts every deadlock (Innodb_deadlocks) but keeps the
  report of the latest only (LATEST DETECTED DEADLOCK in SHOW ENGINE
  INNODB STATUS).  Only the victim's statement ends with error 1213, and
  the audit hook sees it only while the server builds statement events,
  which upkeep_audit_on_demand turns off while no patch run is active and
  maintenance mode is off.  So the worker

    - polls InnoDB's deadlock counter every upkeep_deadlock_poll_ms
      (information_schema.INNODB_METRICS 'lock_deadlocks', which is
      lock_sys.deadlocks, the number behind Innodb_deadlocks, at about
      half the cost of SHOW GLOBAL STATUS and without visiting every
      connection; SHOW GLOBAL STATUS when a DBA disabled that metric);
    - is woken at once by the audit hook when a statement ends with 1213
      while statement events are on (always the case while a patch run is
      active), which also records the victim's thread id and patch at that
      moment;
    - when the counter grew by k, reads the LATEST DETECTED DEADLOCK
      section; a section not stored before (compared by the SHA-256 of its
      text, which holds the timestamp, the thread, query and transaction
      ids) is parsed and stored with its members, and the k - 1 others,
      whose reports InnoDB has already overwritten, are stored as rows
      with report_status 'lost'.  A section already stored is read again
      a few times (REPORT_RETRIES) in case InnoDB counted the deadlock
      before printing it; then all k rows are 'lost'.
  So COUNT(*) of upkeep.deadlocks grows exactly as the counter does while
  the plugin runs; what can be missed is the report (not the row) of a
  deadlock followed by another within the same poll.

  Patches.  A member's patch is the patch run its connection had at the
  deadlock.  Starting a run turns statement events on at once, so when a
  member was in a run the audit hook sees the victim's 1213 (unless a
  stored program handled it): the victim's patch is the one it had then,
  and another member's is the run of its connection that had started by
  that moment and had not ended (patchlog_capture.c keeps the last runs
  that ended: upkeep_patch_at()).  When no such event was seen, only a run
  active over the whole time between two counter reads is named.

  Locking: victim_lock protects the ring of victims.  Everything else here
  belongs to the worker thread.
*/

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mysql/plugin.h>
#include <mysqld_error.h>

#include "uk_deadlock.h"
#include "uk_sha256.h"
#include "upkeep.h"
#include "deadlock_int.h"
#include "features.h"

#define VICTIM_RING 32
#define REPORT_RETRIES 5          /* re-reads of a section already stored */
#define REPORT_RETRY_MS 20
#define RETENTION_EVERY_MS 10000
#define VICTIM_EVENT_WAITS 5      /* for the victim's 1213, while events */
#define VICTIM_EVENT_WAIT_MS 10   /* are on */

long long upkeep_deadlock_poll_ms= 200;
long long upkeep_deadlock_log_max_rows= 10000;
upkeep_deadlock_counters upkeep_deadlock_stats;

/* ------------------------------------------------- connection side */

typedef struct
{
  unsigned long thread_id;
  int64_t at_us;                  /* monotonic */
  int in_patch;
  char patch[UK_PATCH_NAME_MAX + 1];
} victim_event;

static pthread_mutex_t victim_lock= PTHREAD_MUTEX_INITIALIZER;
static victim_event victims[VICTIM_RING];
static unsigned victims_next;
static int wake_requested;        /* atomic */

static int64_t mono_us(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void upkeep_deadlock_victim(unsigned long thread_id, const char *patch)
{
  victim_event *v;

  pthread_mutex_lock(&victim_lock);
  v= &victims[victims_next++ % VICTIM_RING];
  v->thread_id= thread_id;
  v->at_us= mono_us();
  v->in_patch= patch && patch[0];
  snprintf(v->patch, sizeof(v->patch), "%s", patch ? patch : "");
  pthread_mutex_unlock(&victim_lock);
  __atomic_fetch_add(&upkeep_deadlock_stats.victim_events, 1,
                     __ATOMIC_RELAXED);
  __atomic_store_n(&wake_requested, 1, __ATOMIC_RELEASE);
  upkeep_worker_wake();
}

/*
  The victim event of thread_id at or after from_us: 1 and its patch ("" =
  none) and time, or 0.
*/
static int victim_patch_since(unsigned long thread_id, int64_t from_us,
                              char *out, size_t cap, int64_t *at_us)
{
  int found= 0;

  pthread_mutex_lock(&victim_lock);
  for (unsigned i= 0; i < VICTIM_RING; i++)
  {
    const victim_event *v= &victims[i];
    if (v->thread_id == thread_id && v->at_us >= from_us &&
        (!found || v->at_us > *at_us))
    {
      found= 1;
      *at_us= v->at_us;
      snprintf(out, cap, "%s", v->patch);
    }
  }
  pthread_mutex_unlock(&victim_lock);
  return found;
}

/* ------------------------------------------------------ worker state */

static int counter_known;
static int counter_source= -1;    /* 0 INNODB_METRICS, 1 SHOW STATUS */
static unsigned long long counter_last;
static int64_t last_poll_us;      /* monotonic: the counter read last */
static int64_t next_poll_ms;
static char last_sha[2 * UK_SHA256_LEN + 1];
static int64_t last_retention_ms;
static long since_retention;

int upkeep_deadlock_init(void)
{
  pthread_mutex_lock(&victim_lock);
  memset(victims, 0, sizeof(victims));
  victims_next= 0;
  pthread_mutex_unlock(&victim_lock);
  __atomic_store_n(&wake_requested, 0, __ATOMIC_RELAXED);
  counter_known= 0;
  counter_source= -1;
  counter_last= 0;
  last_poll_us= 0;
  next_poll_ms= 0;
  last_sha[0]= '\0';
  last_retention_ms= 0;
  since_retention= 0;
  memset(&upkeep_deadlock_stats, 0, sizeof(upkeep_deadlock_stats));
  return 0;
}

/* ------------------------------------------------ worker: reading */

typedef struct
{
  int found;
  int enabled;
  unsigned long long value;
} counter_arg;

static void metric_row(void *arg, unsigned int ncols, char **cols)
{
  counter_arg *c= arg;
  if (c->found || ncols < 2 || !cols[0])
    return;
  c->found= 1;
  c->value= strtoull(cols[0], NULL, 10);
  c->enabled= cols[1] && strcmp(cols[1], "1") == 0;
}

static void status_row(void *arg, unsigned int ncols, char **cols)
{
  counter_arg *c= arg;
  if (c->found || ncols < 2 || !cols[1])
    return;
  c->found= 1;
  c->enabled= 1;
  c->value= strtoull(cols[1], NULL, 10);
}

/* InnoDB's deadlock counter into *value, its source into *source; 0 ok. */
static int read_counter(upkeep_sql *sql, unsigned long long *value,
                        int *source)
{
  counter_arg c;

  memset(&c, 0, sizeof(c));
  if (upkeep_sql_rows(sql, metric_row, &c,
        "SELECT COUNT, ENABLED FROM information_schema.INNODB_METRICS"
        " WHERE NAME = 'lock_deadlocks'") == 0 && c.found && c.enabled)
  {
    *value= c.value;
    *source= 0;
    return 0;
  }
  memset(&c, 0, sizeof(c));
  if (upkeep_sql_rows(sql, status_row, &c,
        "SHOW GLOBAL STATUS LIKE 'Innodb_deadlocks'") || !c.found)
    return 1;
  *value= c.value;
  *source= 1;
  return 0;
}

typedef struct
{
  char *text;
  int found;
} status_arg;

static void innodb_status_row(void *arg, unsigned int ncols, char **cols)
{
  status_arg *s= arg;
  if (s->found || ncols < 3 || !cols[2])
    return;
  s->found= 1;
  s->text= strdup(cols[2]);
}

/*
  The LATEST DETECTED DEADLOCK section of SHOW ENGINE INNODB STATUS
  (malloc'd, from its timestamp line to the end of its last line), NULL
  when there is none or on error (*failed set).
*/
static char *read_section(upkeep_sql *sql, int *failed)
{
  static const char head[]= "LATEST DETECTED DEADLOCK\n";
  static const char dashes[]= "------------------------\n";
  static const char next[]= "\n------------\nTRANSACTIONS\n";
  status_arg s= { NULL, 0 };
  char *start, *end, *out;

  *failed= 0;
  if (upkeep_sql_rows(sql, innodb_status_row, &s,
                      "SHOW ENGINE INNODB STATUS"))
  {
    *failed= 1;
    return NULL;
  }
  if (!s.text || !(start= strstr(s.text, head)))
  {
    free(s.text);
    return NULL;
  }
  start+= sizeof(head) - 1;
  if (strncmp(start, dashes, sizeof(dashes) - 1) == 0)
    start+= sizeof(dashes) - 1;
  end= strstr(start, next);
  if (!end)
    end= start + strlen(start);
  while (end > start && (end[-1] == '\n' || end[-1] == ' '))
    end--;
  out= malloc((size_t) (end - start) + 1);
  if (out)
  {
    memcpy(out, start, (size_t) (end - start));
    out[end - start]= '\0';
  }
  free(s.text);
  return out;
}

/*
  The counter grew by k since the read at from_us: store k rows, the
  newest with the report if InnoDB still has one not stored yet.
*/
static int capture(upkeep_sql *sql, unsigned long long k, int64_t from_us,
                   int64_t to_us)
{
  char *report= NULL;
  char sha[2 * UK_SHA256_LEN + 1]= "";
  int fresh= 0, failed= 0, rc;
  int64_t captured_us;
  deadlock_time dt;
  UkDeadlock d;
  UkError *err= NULL;
  int parsed= 0;

  for (int attempt= 0; attempt <= REPORT_RETRIES; attempt++)
  {
    if (attempt)
      upkeep_worker_sleep_ms(REPORT_RETRY_MS);
    if (upkeep_worker_stopping())
      return 1;
    free(report);
    report= read_section(sql, &failed);
    if (failed)
      return 1;                 /* try again at the next poll */
    if (report)
    {
      dl_sha_hex(report, sha);
      if (strcmp(sha, last_sha) != 0)
      {
        fresh= 1;
        break;
      }
    }
  }
  memset(&d, 0, sizeof(d));
  d.victim= -1;
  memset(&dt, 0, sizeof(dt));
  dt.from_us= from_us;
  dt.to_us= to_us;
  if (fresh)
    parsed= uk_deadlock_parse_innodb(report, strlen(report), &d, &err) ==
            UK_OK;
  if (parsed && d.victim >= 0 && d.participants[d.victim].pid > 0)
  {
    unsigned long victim= (unsigned long) d.participants[d.victim].pid;
    /*
      While statement events are on, the victim's 1213 follows InnoDB's
      count by a moment: a poll that came in between waits for it.
    */
    for (int i= 0; i <= VICTIM_EVENT_WAITS; i++)
    {
      if ((dt.have_event= victim_patch_since(victim, from_us,
                                             dt.victim_patch,
                                             sizeof(dt.victim_patch),
                                             &dt.event_us)) ||
          upkeep_audit_general_enabled() != 1 || i == VICTIM_EVENT_WAITS)
        break;
      upkeep_worker_sleep_ms(VICTIM_EVENT_WAIT_MS);
    }
  }
  captured_us= upkeep_now_us();

  rc= upkeep_sql_exec(sql, "START TRANSACTION") ||
      dl_write_lost(sql, fresh ? k - 1 : k, captured_us) ||
      (fresh && (parsed ? dl_write_parsed(sql, report, sha, &d, captured_us,
                                          &dt)
                        : dl_write_unreadable(sql, report, sha,
                                              captured_us))) ||
      upkeep_sql_exec(sql, "COMMIT");
  if (rc)
  {
    unsigned int e= upkeep_sql_errno(sql);
    upkeep_log(UPKEEP_LOG_WARNING, "could not store %llu deadlock%s: %s", k,
               k == 1 ? "" : "s", upkeep_sql_error(sql));
    upkeep_sql_exec(sql, "ROLLBACK");
    if (e == ER_NO_SUCH_TABLE || e == ER_BAD_DB_ERROR)
    {
      /* a DBA dropped them: make them again, and store at the next poll */
      upkeep_sql_exec(sql, "CREATE DATABASE IF NOT EXISTS upkeep"
                      " DEFAULT CHARACTER SET utf8mb4");
      upkeep_deadlock_bootstrap(sql);
    }
  }
  else
  {
    if (fresh)
      snprintf(last_sha, sizeof(last_sha), "%s", sha);
    __atomic_fetch_add(&upkeep_deadlock_stats.captured, k, __ATOMIC_RELAXED);
    __atomic_fetch_add(&upkeep_deadlock_stats.reports_lost,
                       fresh ? k - 1 : k, __ATOMIC_RELAXED);
    since_retention+= (long) k;
  }
  uk_error_free(err);
  uk_deadlock_free(&d);
  free(report);
  return rc;
}

/* Keep at most upkeep_deadlock_log_max_rows deadlocks, oldest first. */
static void retention(upkeep_sql *sql)
{
  char v[32];
  long long keep= upkeep_deadlock_log_max_rows;
  long long count;

  if (upkeep_sql_value(sql, v, sizeof(v),
                       "SELECT COUNT(*) FROM upkeep.deadlocks") ||
      (count= strtoll(v, NULL, 10)) <= keep)
    return;
  if (upkeep_sql_value(sql, v, sizeof(v),
        "SELECT deadlock_id FROM upkeep.deadlocks ORDER BY deadlock_id"
        " LIMIT 1 OFFSET %lld", count - keep))
    return;
  upkeep_sql_exec(sql, "DELETE FROM upkeep.deadlock_participants"
                  " WHERE deadlock_id < %s", v);
  upkeep_sql_exec(sql, "DELETE FROM upkeep.deadlocks WHERE deadlock_id < %s",
                  v);
}

/* ------------------------------------------------ worker: entry points */

int upkeep_deadlock_bootstrap(upkeep_sql *sql)
{
  unsigned long long c;
  int source, failed;
  char *report;

  if (upkeep_sql_exec(sql, "%s", dl_deadlocks_ddl) ||
      upkeep_sql_exec(sql, "%s", dl_participants_ddl) ||
      upkeep_sql_exec(sql, "%s", dl_summary_ddl))
    return 1;
  if (counter_known)
    return 0;
  /*
    The first connection since the plugin started: deadlocks from now on
    are captured; the report InnoDB holds now is an old one.
  */
  if (read_counter(sql, &c, &source))
    return 1;
  report= read_section(sql, &failed);
  if (failed)
    return 1;
  if (report)
    dl_sha_hex(report, last_sha);
  free(report);
  counter_last= c;
  counter_source= source;
  counter_known= 1;
  last_poll_us= mono_us();
  return 0;
}

long upkeep_deadlock_work(upkeep_sql *sql)
{
  int64_t now_ms= upkeep_monotonic_ms();
  int woke= __atomic_exchange_n(&wake_requested, 0, __ATOMIC_ACQ_REL);
  long long poll= upkeep_deadlock_poll_ms;
  unsigned long long c;
  int source;
  int64_t read_us, from_us;

  if (!counter_known || upkeep_worker_stopping())
    return (long) poll;
  if (next_poll_ms - now_ms > poll)
    next_poll_ms= now_ms + poll;          /* the setting was lowered */
  if (!woke && now_ms < next_poll_ms)
    return (long) (next_poll_ms - now_ms);
  next_poll_ms= now_ms + poll;
  read_us= mono_us();
  if (read_counter(sql, &c, &source))
    return (long) poll;
  __atomic_fetch_add(&upkeep_deadlock_stats.polls, 1, __ATOMIC_RELAXED);
  from_us= last_poll_us;
  if (source != counter_source || c < counter_last)
  {
    /* another source, or the metric was reset: count from here */
    counter_source= source;
    counter_last= c;
    last_poll_us= read_us;
    return (long) poll;
  }
  if (c > counter_last &&
      capture(sql, c - counter_last, from_us, read_us) == 0)
  {
    counter_last= c;
    last_poll_us= read_us;
  }
  else if (c == counter_last)
    last_poll_us= read_us;

  if (since_retention > 0 && !upkeep_worker_stopping() &&
      (since_retention >= 100 ||
       now_ms - last_retention_ms >= RETENTION_EVERY_MS))
  {
    retention(sql);
    since_retention= 0;
    last_retention_ms= now_ms;
  }
  return (long) poll;
}

/* The feature (features.h): polled during long tasks too. */
UPKEEP_FEATURE(deadlock_feature)=
{ "deadlock", 50, upkeep_deadlock_bootstrap, upkeep_deadlock_work,
  1, NULL, NULL, NULL };
