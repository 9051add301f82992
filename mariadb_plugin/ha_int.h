/*
  ha_int.h
    Internals shared by the files of the window's high availability (the
    window travels in the binary log); the rest of the plugin sees them
    through upkeep.h only.

      ha_row.c      the replicated row upkeep.window_state: its table,
                    writing it on a primary with binary logging on,
                    reading it, and this server's replication role
      ha_standby.c  the feature's bootstrap and poll: a replica mirrors
                    the row into memory and the standby file; a promoted
                    replica takes the window over (maintenance_takeover.c)

    Calls go one way: ha_standby.c -> ha_row.c -> maintenance_state.c;
    maintenance_jobs.c calls ha_row.c (publish), never ha_standby.c.
    All SQL runs on the worker thread; ha_standby.c's lock guards the
    mirror, which upkeep_status() reads.
*/

#ifndef UPKEEP_HA_INT_H
#define UPKEEP_HA_INT_H

#include <stdint.h>

#include "upkeep.h"

/* internal to upkeep.so */
#pragma GCC visibility push(hidden)

/* upkeep.window_state, one row (id 1) */
extern const char *ha_row_ddl;
/* Create the table if missing, locally (no binary log).  0 or 1. */
int ha_row_create(upkeep_sql *sql);

/* The row as read back (ha_row_read()). */
typedef struct
{
  int present;                      /* 0: no row (yet) */
  uint64_t version;                 /* raised by every write */
  unsigned long origin;             /* server_id of the server that wrote it */
  UkMaintState win;                 /* active, window id, reason, times,
                                       entered_by, token hash */
  int64_t exited_at_us;             /* 0 while active */
  char runner[UK_ACCOUNT_USER_MAX + UK_ACCOUNT_HOST_MAX + 8];
                                    /* 'user'@'host' of the ephemeral
                                       runner account, or "" */
  unsigned long took_over_from;     /* 0, or the primary it took over from */
} ha_row;

/* What this server is now (one query: ha_probe()). */
typedef struct
{
  unsigned long server_id;
  int read_only;                    /* @@global.read_only */
  long slaves_running;              /* replication SQL threads running */
  ha_row row;
} ha_probe_result;

/* The row, @@server_id, read_only and the running SQL threads. 0 or 1. */
int ha_probe(upkeep_sql *sql, ha_probe_result *out);

/*
  Write the local window into the row with binary logging on, unless this
  server replicates (a replica's writes would be errant transactions):
  then nothing is written.  took_over_from: the primary whose window this
  server took over, or 0: the row's own when it holds this server's same
  window (written again, or ended), else none.  0 when written or not
  needed; 1 on an error (logged).
*/
int ha_row_publish(upkeep_sql *sql, unsigned long took_over_from);

#pragma GCC visibility pop

#endif /* UPKEEP_HA_INT_H */
