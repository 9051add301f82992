/*
  ha_standby.c
    The window across a failover, the replica's side: mirroring the
    primary's window, which replication brings in upkeep.window_state
    (ha_row.c), and taking it over when this server is promoted.

  Every POLL_MS (IDLE_POLL_MS while there is nothing to watch closely:
  below) the worker reads the row, @@server_id, read_only and how many
  replication SQL threads run (ha_probe(), one statement), then:

  - Mirror.  A row written by another server (origin_server_id is not
    ours) that changed (another version) is mirrored: into memory, which
    upkeep_status() shows as phase "standby", "replicated": true, and
    into the standby file <datadir>/upkeep_standby.state (libcommon's
    uk_state format; engine_restore holds "replicated_from=<server_id>
    version=<n>"), so that the window is known from the plugin's first
    moment after a restart.  Mirroring writes nothing to any table and
    changes no setting: a replica must write nothing that reaches its
    binary log (no errant GTIDs under gtid_strict_mode), and read_only on
    a replica stays the DBA's.

  - Takeover.  This server counts as promoted when no replication SQL
    thread runs (Slaves_running = 0: STOP SLAVE, RESET SLAVE ALL, or a
    replication that broke) and read_only is OFF (a failover tool or an
    operator opened it for writes), while the mirrored window is active
    and this server has no window of its own.  Both are needed: a
    replica whose replication an operator stops for a while keeps
    read_only ON, and a server still applying its primary's changes is a
    replica whatever read_only says.  The takeover
    (maintenance_takeover.c) puts read_only back ON within one poll,
    makes the window this server's own (state file, maintenance_log row
    'takeover'), registers the runner's ephemeral account of the window
    (the account itself came by replication) so that it is dropped when
    the window ends, and writes the row with this server as its origin,
    so that the replicas of the new primary follow it.

  - Take over on request.  SET GLOBAL upkeep_maintenance = ON on a server
    that shows a replicated window and replicates from nobody takes the
    window over at once (upkeep_ha_take_over_job()): a promotion script
    that runs it before read_only = OFF leaves no gap.

  - Hand over.  The old primary, back as a replica of the server that
    took its window over (the row, replicated from there, names this
    server in took_over_from, for this server's own active window: the
    same window id and start), ends its own copy of the window
    (upkeep_maintenance_hand_over()) and shows the new primary's as a
    standby.  read_only stays ON.

  - Keep read_only.  While this server's own window is active (and no
    replication runs), read_only turned OFF by anyone but upkeep is set
    back ON at the next poll (reassert()).

  - Publish again.  A server that is not a replica and whose row does
    not say what its window is (a write failed, or the server restarted
    inside a window) writes it again (ha_row.c).

  Worker thread, except upkeep_ha_standby() (any thread).  Locking:
  ha_lock guards the mirror; never held while SQL runs.
*/

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysql/plugin.h>
#include <mysqld_error.h>

#include "ha_int.h"
#include "features.h"

#define POLL_MS 500
/*
  With nothing to watch closely (no replication running at the last poll,
  no window of this server's own, none mirrored) the poll is slower: the
  probe reads information_schema.GLOBAL_STATUS, which computes every
  status variable (some 8 million instructions under callgrind), and an
  idle server spent most of its background time on it.  What can happen
  meanwhile is noticed within IDLE_POLL_MS: replication started (the row
  then arrives), or the row of a window that ended without it.  A window
  entered here publishes its row at once (upkeep_ha_publish()) and makes
  the next call poll at POLL_MS.
*/
#define IDLE_POLL_MS 5000

static pthread_mutex_t ha_lock= PTHREAD_MUTEX_INITIALIZER;
static struct
{
  int active;
  UkMaintState st;
  unsigned long origin;             /* the primary's server_id */
  uint64_t version;                 /* of the row mirrored last */
} mirror;                           /* ha_lock */

static int standby_loaded;          /* worker only */
static int64_t last_poll_ms;        /* worker only; 0 = poll now */
static int replicating;             /* worker only: at the last poll */
static char last_warning[1024];     /* worker only: a failure logged once */

int upkeep_ha_standby(UkMaintState *st, unsigned long *origin)
{
  int active;

  pthread_mutex_lock(&ha_lock);
  active= mirror.active;
  if (active)
  {
    *st= mirror.st;
    *origin= mirror.origin;
  }
  pthread_mutex_unlock(&ha_lock);
  return active;
}

/* A warning, unless it is the one logged last. */
static void warn_once(const char *msg)
{
  size_t n= strlen(msg);

  if (upkeep_worker_stopping())
    return;                         /* the server shuts down: no fault */
  if (n >= sizeof(last_warning))
    n= sizeof(last_warning) - 1;
  if (strncmp(msg, last_warning, n) == 0 && last_warning[n] == '\0')
    return;
  memcpy(last_warning, msg, n);
  last_warning[n]= '\0';
  upkeep_log(UPKEEP_LOG_WARNING, "%s", msg);
}

/* ------------------------------------------------------ the standby file */

static void standby_save(const UkMaintState *win, int active,
                         unsigned long origin, uint64_t version)
{
  UkMaintState st= *win;
  UkError *err= NULL;

  st.active= active;
  st.refused_writes= 0;
  snprintf(st.engine_restore, sizeof(st.engine_restore),
           "replicated_from=%lu version=%" PRIu64, origin, version);
  if (uk_state_write(UPKEEP_STANDBY_FILE, &st, &err) != UK_OK)
  {
    char msg[600];
    snprintf(msg, sizeof(msg), "could not write the standby file %s: %s",
             UPKEEP_STANDBY_FILE, err ? err->message : "unknown error");
    warn_once(msg);
  }
  uk_error_free(err);
}

/* The standby file of a previous life, if it holds an active window. */
static void standby_load(void)
{
  UkMaintState st;
  UkError *err= NULL;
  unsigned long origin;
  uint64_t version;

  if (uk_state_read(UPKEEP_STANDBY_FILE, &st, &err) == UK_OK && st.active &&
      sscanf(st.engine_restore, "replicated_from=%lu version=%" SCNu64,
             &origin, &version) == 2)
  {
    pthread_mutex_lock(&ha_lock);
    mirror.active= 1;
    mirror.st= st;
    mirror.origin= origin;
    mirror.version= version;
    pthread_mutex_unlock(&ha_lock);
  }
  uk_error_free(err);
}

/* ---------------------------------------------------------------- mirror */

static void mirror_row(const ha_row *r)
{
  int same;

  pthread_mutex_lock(&ha_lock);
  same= mirror.origin == r->origin && mirror.version == r->version;
  if (!same)
  {
    mirror.active= r->win.active;
    mirror.st= r->win;
    mirror.origin= r->origin;
    mirror.version= r->version;
  }
  pthread_mutex_unlock(&ha_lock);
  if (same)
    return;
  standby_save(&r->win, r->win.active, r->origin, r->version);
  upkeep_log(UPKEEP_LOG_INFO, "window %" PRIu64 " of the primary (server_id "
             "%lu) is %s: mirrored (row version %" PRIu64 ")",
             r->win.window_id, r->origin,
             r->win.active ? "active" : "over", r->version);
}

/* -------------------------------------------------------------- takeover */

/* Register the runner's account of the window (it must exist here). */
static void take_over_runner(upkeep_sql *sql, const char *runner)
{
  upkeep_job job;
  UkError *err= NULL;
  char n[16];

  memset(&job, 0, sizeof(job));
  job.type= UPKEEP_JOB_WINDOW_ACCOUNT;
  if (uk_account_parse(runner, strlen(runner), &job.account, &err) != UK_OK ||
      !uk_account_is_ephemeral(&job.account))
  {
    upkeep_log(UPKEEP_LOG_WARNING, "the window's runner account %s is not an "
               "ephemeral account of upkeep run: not registered", runner);
    uk_error_free(err);
    return;
  }
  if (upkeep_sql_value(sql, n, sizeof(n),
        "SELECT COUNT(*) FROM mysql.user WHERE User = %s AND Host = %s",
        upkeep_sql_quote(sql, 0, job.account.user),
        upkeep_sql_quote(sql, 1, job.account.host)) || strcmp(n, "0") == 0)
  {
    upkeep_log(UPKEEP_LOG_WARNING, "the window's runner account %s does not "
               "exist on this server (replication had not brought it): the "
               "runner reconnects with an account of its own", runner);
    return;
  }
  upkeep_window_run_job(sql, &job);
  if (job.error_code)
    upkeep_log(UPKEEP_LOG_WARNING, "%s", job.message);
}

/*
  Take the mirrored window over (in_job: from the enter job).  0, or 1
  with the reason in msg.
*/
static int take_over(upkeep_sql *sql, const ha_probe_result *p, int in_job,
                     char *msg, size_t cap)
{
  UkMaintState st;
  unsigned long origin;
  uint64_t version;

  pthread_mutex_lock(&ha_lock);
  st= mirror.st;
  origin= mirror.origin;
  version= mirror.version;
  pthread_mutex_unlock(&ha_lock);

  if (upkeep_maintenance_take_over(sql, &st, origin, in_job, msg, cap))
    return 1;
  upkeep_log(UPKEEP_LOG_WARNING, "this server was promoted during window %"
             PRIu64 " of server_id %lu (%s): took the window over, "
             "read_only is ON; SET GLOBAL upkeep_maintenance = OFF ends it",
             st.window_id, origin, st.reason);
  if (p->row.runner[0])
    take_over_runner(sql, p->row.runner);
  (void) ha_row_publish(sql, origin);

  pthread_mutex_lock(&ha_lock);
  mirror.active= 0;                 /* the window is ours now */
  pthread_mutex_unlock(&ha_lock);
  standby_save(&st, 0, origin, version);
  return 0;
}

/* From the poll: promoted (no replication runs, read_only is OFF). */
static void take_over_poll(upkeep_sql *sql, const ha_probe_result *p)
{
  char msg[700], warning[1024];

  if (take_over(sql, p, 0, msg, sizeof(msg)) == 0)
    return;
  snprintf(warning, sizeof(warning), "this server was promoted (no "
           "replication runs, read_only is OFF) during a window of server_id "
           "%lu, but could not take the window over: %s; retrying",
           p->row.origin, msg);
  warn_once(warning);
}

void upkeep_ha_take_over_job(upkeep_sql *sql, upkeep_job *job)
{
  ha_probe_result p;
  UkMaintState st;
  unsigned long origin= 0;
  char msg[700];

  (void) upkeep_ha_standby(&st, &origin);
  if (ha_probe(sql, &p))
  {
    job->error_code= ER_UNKNOWN_ERROR;
    snprintf(job->message, sizeof(job->message), "upkeep: could not take "
             "the replicated window over: %s", upkeep_sql_error(sql));
    return;
  }
  if (p.slaves_running > 0)
  {
    job->error_code= ER_WRONG_VALUE_FOR_VAR;
    snprintf(job->message, sizeof(job->message), "upkeep: this server "
             "replicates from its primary (server_id %lu), whose window %"
             PRIu64 " it shows; end the window there, or promote this "
             "server first (STOP SLAVE)", origin, st.window_id);
    return;
  }
  if (take_over(sql, &p, 1, msg, sizeof(msg)))
  {
    job->error_code= ER_UNKNOWN_ERROR;
    snprintf(job->message, sizeof(job->message), "upkeep: could not take "
             "the replicated window over: %s", msg);
    return;
  }
  job->error_code= ER_UNKNOWN_ERROR;
  job->is_note= 1;
  snprintf(job->message, sizeof(job->message), "upkeep: took over window %"
           PRIu64 " of server_id %lu, replicated to this server; read_only "
           "is ON", st.window_id, origin);
}

/*
  read_only was turned OFF while this server's window is active, and no
  replication runs: a failover tool making "its" primary writable
  (MaxScale's enforce_writable_master, orchestrator's recovery of a
  read-only primary) or an operator.  The window wins: read_only goes back
  ON; SET GLOBAL upkeep_maintenance = OFF is how a window ends.
*/
static void reassert(upkeep_sql *sql, const UkMaintState *st)
{
  char msg[800];

  if (upkeep_sql_exec(sql, "SET GLOBAL read_only = ON"))
  {
    snprintf(msg, sizeof(msg), "read_only was turned OFF during window %"
             PRIu64 " and could not be set back ON: %s", st->window_id,
             upkeep_sql_error(sql));
    warn_once(msg);
    return;
  }
  upkeep_log(UPKEEP_LOG_WARNING, "read_only was turned OFF during window %"
             PRIu64 " (by a failover tool or an operator): set back ON; "
             "SET GLOBAL upkeep_maintenance = OFF ends the window",
             st->window_id);
}

/* ---------------------------------------------------------------- worker */

int upkeep_ha_bootstrap(upkeep_sql *sql)
{
  if (ha_row_create(sql))
    return 1;
  if (!standby_loaded)
  {
    standby_load();
    standby_loaded= 1;
  }
  last_poll_ms= 0;
  return 0;
}

long upkeep_ha_work(upkeep_sql *sql)
{
  ha_probe_result p;
  upkeep_snapshot snap;
  int64_t now= upkeep_monotonic_ms();
  int mirrored;
  int64_t every;
  UkMaintState unused;
  unsigned long unused_origin;

  upkeep_maintenance_snapshot(&snap);
  mirrored= upkeep_ha_standby(&unused, &unused_origin);
  every= replicating || mirrored || strcmp(snap.phase, "off") != 0 ?
         POLL_MS : IDLE_POLL_MS;
  if (last_poll_ms != 0 && now - last_poll_ms < every)
    return (long) (last_poll_ms + every - now);
  last_poll_ms= now;
  if (ha_probe(sql, &p))
  {
    char msg[800];
    snprintf(msg, sizeof(msg), "could not read upkeep.window_state: %s",
             upkeep_sql_error(sql));
    warn_once(msg);
    return POLL_MS;
  }
  replicating= p.slaves_running > 0;
  if (p.row.present && p.row.origin != p.server_id)
    mirror_row(&p.row);
  if (replicating)
  {
    /* the old primary back as a replica of the server that took its
       window over: the window is that server's now */
    if (p.row.present && p.row.origin != p.server_id &&
        p.row.took_over_from == p.server_id &&
        strcmp(snap.phase, "active") == 0 &&
        snap.st.window_id == p.row.win.window_id &&
        snap.st.started_at_us == p.row.win.started_at_us)
      (void) upkeep_maintenance_hand_over(sql, snap.st.window_id,
                                          snap.st.started_at_us,
                                          p.row.origin);
    return POLL_MS;                 /* a replica: nothing else to write */
  }

  upkeep_maintenance_snapshot(&snap);
  mirrored= upkeep_ha_standby(&unused, &unused_origin);
  if (strcmp(snap.phase, "off") == 0)
  {
    if (mirrored && !p.read_only)
      take_over_poll(sql, &p);
    else if (p.row.present && p.row.origin == p.server_id &&
             p.row.win.active)
      (void) ha_row_publish(sql, 0);        /* the row missed the exit */
  }
  else if (strcmp(snap.phase, "active") == 0)
  {
    if (!p.read_only)
      reassert(sql, &snap.st);
    if (!p.row.present || p.row.origin != p.server_id ||
        !p.row.win.active || p.row.win.window_id != snap.st.window_id)
      (void) ha_row_publish(sql, 0);        /* the row missed the window */
  }
  return (long) every;
}

/* The feature (features.h): after window, since the row names its runner. */
UPKEEP_FEATURE(ha_feature)=
{ "ha", 40, upkeep_ha_bootstrap, upkeep_ha_work,
  0, NULL, NULL, NULL };
