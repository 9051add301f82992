/*
  patchlog_audit_mask.c
    The server's GENERAL audit class, on demand (upkeep_audit_on_demand).
    Connections set the bit (plog_general_events_on(), when a run starts,
    upkeep_audit_mask_need()); the worker clears it when nothing needs
    the events (upkeep_audit_mask_refresh()), after looking for other
    audit plugins (plog_audit_plugins_check()).  Whether a patch run is
    active is read from patchlog_capture.c's list, under plog_reg_lock,
    which also guards the other-plugins fields here.
*/

#include <pthread.h>
#include <string.h>

#include <mysql/plugin.h>
#include <mysql/plugin_audit.h>

#include "upkeep.h"
#include "features.h"
#include "patchlog_int.h"

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
unsigned long *plog_global_audit_mask;
const int *plog_global_plugin_version;
int plog_other_audit_plugins= 1;      /* until the worker has looked */
int plog_other_audit_version= -1;

void plog_general_events_on(void)
{
  if (plog_global_audit_mask)
    __atomic_fetch_or(plog_global_audit_mask, MYSQL_AUDIT_GENERAL_CLASSMASK,
                      __ATOMIC_SEQ_CST);
}

/*
  Caller holds plog_reg_lock.  The other features say through their
  entries (features.h) whether they need the events (maintenance mode, the advisor's
  capture), so that this file calls none of them.
*/
static int general_events_needed_locked(void)
{
  const upkeep_feature *const *f;

  if (!upkeep_audit_on_demand || plog_runs != NULL ||
      plog_other_audit_plugins ||
      __atomic_load_n(&upkeep_stats.active, __ATOMIC_ACQUIRE))
    return 1;
  for (f= upkeep_features_begin(); f < upkeep_features_end(); f++)
    if ((*f)->needs_statement_events && (*f)->needs_statement_events())
      return 1;
  return 0;
}

void upkeep_audit_mask_refresh(void)
{
  if (!plog_global_audit_mask)
    return;
  pthread_mutex_lock(&plog_reg_lock);
  if (general_events_needed_locked())
    plog_general_events_on();
  else if (!plog_global_plugin_version ||
           __atomic_load_n(plog_global_plugin_version, __ATOMIC_ACQUIRE) ==
           plog_other_audit_version)
    __atomic_fetch_and(plog_global_audit_mask, ~MYSQL_AUDIT_GENERAL_CLASSMASK,
                       __ATOMIC_SEQ_CST);
  pthread_mutex_unlock(&plog_reg_lock);
}

void upkeep_audit_mask_need(void)
{
  plog_general_events_on();
}

int upkeep_audit_general_enabled(void)
{
  if (!plog_global_audit_mask)
    return -1;
  return (__atomic_load_n(plog_global_audit_mask, __ATOMIC_ACQUIRE) &
          MYSQL_AUDIT_GENERAL_CLASSMASK) != 0;
}

/*
  Worker: are other audit plugins loaded?  Looked at when the server's
  plugin list has changed and then stayed the same for
  PLUGINS_SETTLE_MS.  The scan of information_schema.PLUGINS takes and
  drops a reference on every plugin; right after an INSTALL or UNINSTALL
  SONAME, dropping the last reference of an instance being removed makes
  this thread reap it inside the server's own scan, which mariadbd does
  not survive every time.  Until the list has settled, the events stay
  on (plog_other_audit_plugins keeps its last value, 1 at start).
*/
#define PLUGINS_SETTLE_MS 1000

void plog_audit_plugins_check(upkeep_sql *sql)
{
  static int seen_version= -1;
  static int64_t seen_at_ms;
  char v[32];
  int version;
  int64_t now_ms;

  if (!plog_global_audit_mask)
    return;
  version= plog_global_plugin_version ?
    __atomic_load_n(plog_global_plugin_version, __ATOMIC_ACQUIRE) : 0;
  if (version == plog_other_audit_version && plog_global_plugin_version)
    return;
  now_ms= upkeep_monotonic_ms();
  if (version != seen_version)
  {
    seen_version= version;
    seen_at_ms= now_ms;
    return;
  }
  if (now_ms - seen_at_ms < PLUGINS_SETTLE_MS || upkeep_worker_stopping())
    return;
  if (upkeep_sql_value(sql, v, sizeof(v),
        "SELECT COUNT(*) FROM information_schema.PLUGINS"
        " WHERE PLUGIN_TYPE = 'AUDIT' AND PLUGIN_STATUS = 'ACTIVE'"
        " AND PLUGIN_NAME <> 'upkeep'"))
    return;
  pthread_mutex_lock(&plog_reg_lock);
  plog_other_audit_plugins= strcmp(v, "0") != 0;
  plog_other_audit_version= version;
  pthread_mutex_unlock(&plog_reg_lock);
}
