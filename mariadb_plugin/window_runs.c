/*
  window_runs.c
    Window patches on MariaDB, the connection side: the runs the upkeep
    runner opens for the whole window with global variables (an outer
    run, and at most one step inside it), and attributing to them the
    statements of every maintainer connection that has no patch of its
    own.

  The runner reads the upgrade command's output and brackets each patch:

    SET GLOBAL upkeep_window_patch = 'erpnext.patches.v15_0.x';  -- opens
    SET GLOBAL upkeep_window_step = 'odoo:sale:pre-migrate';     -- nested
    SET GLOBAL upkeep_window_step = '';                          -- ends it
    SET GLOBAL upkeep_window_patch_status = 'failed';            -- if so
    SET GLOBAL upkeep_window_patch = '';                         -- ends it

  (window_sysvars.c validates and calls window_begin() / window_end()).
  A window run is a patch run of patchlog_capture.c owned by no
  connection: it has its own run id and row in upkeep.patch_runs (with
  window_id, and parent_run_id for a step), and its counters live in a
  slot here (static, never freed).  Each connection attributed to it gets
  a run of its own that shares the window run's id and counters
  (upkeep_run_attach()): its statements are timed, recorded when slow or
  failed, and sampled for lock waits exactly like a session run's.

  Who is attributed.  A maintainer is a connection of an account that
  holds READ_ONLY ADMIN or SUPER (granted to the account itself, its host
  matched like the grant tables do: the drain's rule,
  maintenance_drain.c); the worker reads those accounts from the grants
  (window_accounts.c) when the window begins, when a run opens or an
  account is registered, and every few seconds.  Never attributed: the
  runner connections (the one that entered maintenance, and any that
  sets an upkeep_window_* variable), a connection with
  upkeep_window_attribution = OFF, and one inside a patch run of its own
  (upkeep_patch).  A maintainer's statement while no window run is open
  counts in unattributed_statements.

  The audit hook's cost.  No window: one atomic read (plus the hidden
  session variable of a connection that still holds a part in a run).
  In a window, each connection decides again only when
  upkeep_window_gen changed since it last did (taking window_lock once);
  otherwise it compares two numbers, and an attributed statement costs
  what a session run's does plus a few atomic additions.

  Locking: window_lock protects win (below).  Order: window_lock before
  the patch log's locks (window_begin/end call patchlog_capture.c under
  it); never held while SQL runs or while waiting for the worker.
  upkeep_window_gen, the unattributed counter and the slots' counters
  are atomics.
*/

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysql/plugin.h>
#include <mysql/plugin_audit.h>
#include <mysql/service_my_print_error.h>
#include <mysqld_error.h>

#include "window_int.h"

uint64_t upkeep_window_gen;              /* 0: no window */
unsigned long long upkeep_window_accounts_dropped;

typedef struct
{
  upkeep_run *run;                       /* NULL: not open */
  uint64_t token;
  char name[UK_PATCH_NAME_MAX + 1];
  upkeep_run_shared counters;
} window_slot;

static pthread_mutex_t window_lock= PTHREAD_MUTEX_INITIALIZER;
static struct
{
  uint64_t window_id;                    /* 0: no window taken up */
  uint64_t next_gen;                     /* the last generation given */
  window_slot slot[2];                   /* 0 outer, 1 step */
  unsigned long runners[WINDOW_RUNNERS_MAX];
  int nrunners;
  UkAccount *maint;                      /* malloc'd */
  int nmaint;
} win;
static unsigned long long unattributed;  /* atomic */
/* what the variables show (written under window_lock) */
static char shown[3][2 * (UK_ACCOUNT_USER_MAX + UK_ACCOUNT_HOST_MAX) + 8];

/* A new generation (window_lock held). */
static uint64_t gen_new_locked(void)
{
  return ++win.next_gen;
}

/* Let every connection decide again (window_lock held). */
static void bump_locked(void)
{
  uint64_t g= gen_new_locked();
  if (win.window_id)
    __atomic_store_n(&upkeep_window_gen, g, __ATOMIC_RELEASE);
}

/* ------------------------------------------------------- init, deinit */

int upkeep_window_init(void)
{
  pthread_mutex_lock(&window_lock);
  free(win.maint);
  memset(&win, 0, sizeof(win));
  /* generations of an earlier instance are never met again */
  win.next_gen= (uint64_t) upkeep_now_us();
  memset(shown, 0, sizeof(shown));
  pthread_mutex_unlock(&window_lock);
  __atomic_store_n(&upkeep_window_gen, 0, __ATOMIC_RELEASE);
  __atomic_store_n(&unattributed, 0, __ATOMIC_RELAXED);
  __atomic_store_n(&upkeep_window_accounts_dropped, 0, __ATOMIC_RELAXED);
  return 0;
}

/*
  After the patch log's deinit marked every run dead: forget them (their
  rows stay 'running'; the next start marks them aborted).
*/
void upkeep_window_deinit(void)
{
  __atomic_store_n(&upkeep_window_gen, 0, __ATOMIC_RELEASE);
  pthread_mutex_lock(&window_lock);
  free(win.maint);
  win.maint= NULL;
  win.nmaint= 0;
  win.slot[0].run= win.slot[1].run= NULL;
  win.window_id= 0;
  pthread_mutex_unlock(&window_lock);
}

/* ------------------------------------------------- the window (worker) */

void window_activate(uint64_t window_id, unsigned long entered_by)
{
  pthread_mutex_lock(&window_lock);
  win.window_id= window_id;
  win.nrunners= 0;
  if (entered_by)
    win.runners[win.nrunners++]= entered_by;
  __atomic_store_n(&unattributed, 0, __ATOMIC_RELAXED);
  bump_locked();
  pthread_mutex_unlock(&window_lock);
}

/* End the run of a slot (window_lock held). */
static void slot_end_locked(window_slot *sl, UkRunStatus status,
                            const char *error)
{
  upkeep_run *run= sl->run;

  sl->run= NULL;
  shown[sl == &win.slot[1]][0]= '\0';
  /* the connections attributed to it stop adding */
  __atomic_store_n(&sl->counters.gen, gen_new_locked(), __ATOMIC_RELEASE);
  upkeep_run_end_window(run, status, 0, error);
}

void window_deactivate(void)
{
  pthread_mutex_lock(&window_lock);
  for (int i= 1; i >= 0; i--)
    if (win.slot[i].run)
      slot_end_locked(&win.slot[i], UK_RUN_ABORTED,
                      "the maintenance window ended while the run was open");
  win.window_id= 0;
  win.nrunners= 0;
  shown[0][0]= shown[1][0]= shown[2][0]= '\0';
  gen_new_locked();
  __atomic_store_n(&upkeep_window_gen, 0, __ATOMIC_RELEASE);
  pthread_mutex_unlock(&window_lock);
}

void window_set_maintainers(const UkAccount *list, int n)
{
  UkAccount *copy= NULL;

  pthread_mutex_lock(&window_lock);
  if (n == win.nmaint &&
      (n == 0 || memcmp(list, win.maint, sizeof(UkAccount) * (size_t) n) == 0))
  {
    pthread_mutex_unlock(&window_lock);
    return;
  }
  if (n > 0 && !(copy= malloc(sizeof(UkAccount) * (size_t) n)))
  {
    pthread_mutex_unlock(&window_lock);
    upkeep_log(UPKEEP_LOG_WARNING, "out of memory reading the maintainer "
               "accounts; keeping the previous list");
    return;
  }
  if (n > 0)
    memcpy(copy, list, sizeof(UkAccount) * (size_t) n);
  free(win.maint);
  win.maint= copy;
  win.nmaint= n;
  bump_locked();
  pthread_mutex_unlock(&window_lock);
}

/* ------------------------------------------ the variables (connection) */

uint64_t window_active_id(void)
{
  uint64_t id;
  pthread_mutex_lock(&window_lock);
  id= win.window_id;
  pthread_mutex_unlock(&window_lock);
  return id;
}

void window_mark_runner(unsigned long thread_id)
{
  pthread_mutex_lock(&window_lock);
  for (int i= 0; i < win.nrunners; i++)
    if (win.runners[i] == thread_id)
    {
      pthread_mutex_unlock(&window_lock);
      return;
    }
  if (win.nrunners == WINDOW_RUNNERS_MAX)
    memmove(win.runners, win.runners + 1,          /* the oldest goes */
            sizeof(win.runners[0]) * (WINDOW_RUNNERS_MAX - 1));
  else
    win.nrunners++;
  win.runners[win.nrunners - 1]= thread_id;
  bump_locked();
  pthread_mutex_unlock(&window_lock);
}

static int no_window(void)
{
  my_printf_error(ER_WRONG_VALUE_FOR_VAR, "upkeep: no maintenance window is "
                  "active; window patches need one (SET GLOBAL "
                  "upkeep_maintenance = ON first)", MYF(0));
  return 1;
}

int window_begin(MYSQL_THD thd, int step, const char *name, const char *app)
{
  window_slot *sl= &win.slot[step ? 1 : 0];
  upkeep_run *run;
  char open_name[UK_PATCH_NAME_MAX + 1];

  pthread_mutex_lock(&window_lock);
  if (!win.window_id)
  {
    pthread_mutex_unlock(&window_lock);
    return no_window();
  }
  if (sl->run || (step && !win.slot[0].run))
  {
    const char *what= step ? (sl->run ? "window step" : NULL) : "window patch";
    snprintf(open_name, sizeof(open_name), "%s", sl->name);
    pthread_mutex_unlock(&window_lock);
    if (!what)
      my_printf_error(ER_WRONG_VALUE_FOR_VAR, "upkeep: no window patch is "
                      "open to hold the step; SET GLOBAL upkeep_window_patch "
                      "= 'name' first", MYF(0));
    else
      my_printf_error(ER_WRONG_VALUE_FOR_VAR, "upkeep: %s '%s' is still "
                      "open; end it first with SET GLOBAL %s = ''", MYF(0),
                      what, open_name, step ? "upkeep_window_step"
                                            : "upkeep_window_patch");
    return 1;
  }
  sl->counters.statements= sl->counters.slow_statements= 0;
  sl->counters.lock_wait_us= 0;
  sl->counters.lock_wait_measured= 0;
  __atomic_store_n(&sl->counters.gen, gen_new_locked(), __ATOMIC_RELEASE);
  run= upkeep_run_start_window(name, app, thd_get_thread_id(thd),
                               win.window_id,
                               step ? win.slot[0].token : 0, &sl->counters);
  if (!run)
  {
    pthread_mutex_unlock(&window_lock);
    my_printf_error(ER_OUT_OF_RESOURCES, "upkeep: out of memory; no window "
                    "run was opened", MYF(0));
    return 1;
  }
  sl->run= run;
  sl->token= upkeep_run_token(run);
  snprintf(sl->name, sizeof(sl->name), "%s", name);
  snprintf(shown[step ? 1 : 0], sizeof(shown[0]), "%s", name);
  bump_locked();
  pthread_mutex_unlock(&window_lock);
  return 0;
}

int window_end(MYSQL_THD thd, int step, UkRunStatus status, const char *error)
{
  int which;

  (void) thd;
  pthread_mutex_lock(&window_lock);
  if (!win.window_id)
  {
    pthread_mutex_unlock(&window_lock);
    return no_window();
  }
  which= step || win.slot[1].run ? 1 : 0;
  if (!win.slot[which].run)
  {
    pthread_mutex_unlock(&window_lock);
    my_printf_error(ER_WRONG_VALUE_FOR_VAR, "upkeep: no window %s is open; "
                    "nothing was ended", MYF(0), step ? "step" : "patch");
    return 1;
  }
  slot_end_locked(&win.slot[which], status, error);
  bump_locked();
  pthread_mutex_unlock(&window_lock);
  return 0;
}

char *window_shown(int which)
{
  return shown[which];
}

void window_shown_set_account(const char *account)
{
  pthread_mutex_lock(&window_lock);
  snprintf(shown[2], sizeof(shown[2]), "%s", account ? account : "");
  pthread_mutex_unlock(&window_lock);
}

/* ---------------------------------------------------- status (any thread) */

void upkeep_window_snapshot(upkeep_window_snap *out)
{
  uint64_t token= 0;

  memset(out, 0, sizeof(*out));
  pthread_mutex_lock(&window_lock);
  out->window_id= win.window_id;
  for (int i= 1; i >= 0; i--)
    if (win.slot[i].run)
    {
      snprintf(out->patch, sizeof(out->patch), "%s", win.slot[i].name);
      token= win.slot[i].token;
      break;
    }
  pthread_mutex_unlock(&window_lock);
  out->run_id= token ? upkeep_run_id_of(token) : 0;
  out->unattributed= upkeep_window_unattributed();
}

unsigned long long upkeep_window_unattributed(void)
{
  return __atomic_load_n(&unattributed, __ATOMIC_RELAXED);
}

/* ----------------------------------------------------- the audit hook */

/* Is the account of ev a maintainer?  window_lock held. */
static int maintainer_locked(const struct mysql_event_general *ev)
{
  char user[UK_ACCOUNT_USER_MAX + 1];
  char host[UK_ACCOUNT_HOST_MAX + 1];
  char ip[64];

  if (!uk_audit_user_split(ev->general_user, ev->general_user_length,
                           user, sizeof(user), host, sizeof(host),
                           ip, sizeof(ip)) || !user[0])
    return 0;
  for (int i= 0; i < win.nmaint; i++)
    if (strcmp(win.maint[i].user, user) == 0 &&
        ((host[0] && uk_host_like(win.maint[i].host, host)) ||
         (ip[0] && uk_host_like(win.maint[i].host, ip))))
      return 1;
  return 0;
}

static void detach(upkeep_window_conn *c, upkeep_run *run)
{
  *c->run= 0;
  upkeep_run_detach(run);
}

void upkeep_window_forget(upkeep_window_conn *c)
{
  upkeep_run *run= (upkeep_run *) (uintptr_t) *c->run;

  if (run && !upkeep_run_dead(run))
    detach(c, run);
  *c->run= 0;
  *c->gen= 0;
  *c->flags= 0;
}

/* Decide for generation gen what the connection is attributed to. */
static upkeep_run *decide(const struct mysql_event_general *ev, uint64_t gen,
                          upkeep_window_conn *c, upkeep_run *run)
{
  int runner= 0, maint= 0;
  const window_slot *open= NULL;
  uint64_t token= 0, sgen= 0;
  upkeep_run_shared *shared= NULL;
  char name[UK_PATCH_NAME_MAX + 1];

  pthread_mutex_lock(&window_lock);
  if (win.window_id && c->attribution)
  {
    for (int i= 0; i < win.nrunners; i++)
      if (win.runners[i] == ev->general_thread_id)
        runner= 1;
    maint= !runner && maintainer_locked(ev);
    open= win.slot[1].run ? &win.slot[1] : win.slot[0].run ? &win.slot[0]
                                                            : NULL;
    if (open && maint)
    {
      token= open->token;
      shared= (upkeep_run_shared *) &open->counters;
      sgen= __atomic_load_n(&shared->gen, __ATOMIC_ACQUIRE);
      snprintf(name, sizeof(name), "%s", open->name);
    }
  }
  pthread_mutex_unlock(&window_lock);

  if (run && (!shared || upkeep_run_token(run) != token))
  {
    detach(c, run);
    run= NULL;
  }
  if (shared && !run)
  {
    run= upkeep_run_attach(ev->general_thread_id, token, name, shared, sgen);
    *c->run= (unsigned long long) (uintptr_t) run;
  }
  *c->flags= (maint && !open ? UPKEEP_WCONN_COUNT : 0) |
             (c->attribution ? 0 : UPKEEP_WCONN_ATTR_OFF);
  *c->gen= gen;
  return run;
}

/*
  A statement's command: a query or the execution of a prepared one (not
  a connect, quit, ping, prepare or the like, whose LOG has no STATUS).
*/
static int statement_command(const struct mysql_event_general *ev)
{
  return ev->general_command &&
         ((ev->general_command_length == 5 &&
           memcmp(ev->general_command, "Query", 5) == 0) ||
          (ev->general_command_length == 7 &&
           memcmp(ev->general_command, "Execute", 7) == 0));
}

void upkeep_window_general(MYSQL_THD thd, const struct mysql_event_general *ev,
                           uint64_t gen, upkeep_window_conn *c)
{
  upkeep_run *run= (upkeep_run *) (uintptr_t) *c->run;

  if (ev->event_subclass == MYSQL_AUDIT_GENERAL_LOG && !statement_command(ev))
    return;
  if (run && upkeep_run_dead(run))
  {
    /* from before the plugin was last stopped */
    run= NULL;
    *c->run= 0;
    *c->gen= 0;
  }
  if ((*c->gen != gen ||
       !(*c->flags & UPKEEP_WCONN_ATTR_OFF) != !!c->attribution) &&
      !(run && upkeep_run_busy(run)))
  {
    if (gen == 0)
    {
      /* the window ended: the part it held goes */
      if (run)
        detach(c, run);
      *c->gen= 0;
      *c->flags= 0;
      return;
    }
    run= decide(ev, gen, c, run);
  }
  if (run)
    upkeep_run_general(thd, run, ev);
  else if ((*c->flags & UPKEEP_WCONN_COUNT) &&
           ev->event_subclass == MYSQL_AUDIT_GENERAL_LOG)
    __atomic_fetch_add(&unattributed, 1, __ATOMIC_RELAXED);  /* at its start */
}
