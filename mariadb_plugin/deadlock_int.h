/*
  deadlock_int.h
    Internals shared by the deadlock capture's two files; the rest of the
    plugin sees it through upkeep.h only.

      deadlock_poll.c    the victims the audit hook reports, polling
                         InnoDB's counter and report, init, bootstrap
                         and work
      deadlock_writer.c  the tables, and writing deadlocks into them

    Calls go one way: deadlock_poll.c -> deadlock_writer.c.
*/

#ifndef UPKEEP_DEADLOCK_INT_H
#define UPKEEP_DEADLOCK_INT_H

#include <stdint.h>

#include "uk_deadlock.h"
#include "uk_sha256.h"
#include "upkeep.h"

/* internal to upkeep.so: not exported, no interposition */
#pragma GCC visibility push(hidden)

/*
  When the deadlock happened, for naming the members' patches.  With the
  victim's 1213 seen by the audit hook (always the case when a member was
  in a patch run, unless a stored program handled the error), the moment
  of that event; otherwise only "between the previous counter read and
  this one".
*/
typedef struct
{
  int64_t from_us, to_us;         /* monotonic */
  int have_event;                 /* the victim's 1213 was seen ... */
  int64_t event_us;               /* ... at this moment */
  char victim_patch[UK_PATCH_NAME_MAX + 1];
} deadlock_time;

/* the DDL of the tables and the view, run by upkeep_deadlock_bootstrap() */
extern const char *dl_deadlocks_ddl;
extern const char *dl_participants_ddl;
extern const char *dl_summary_ddl;

/* The SHA-256 of s in hex. */
void dl_sha_hex(const char *s, char out[2 * UK_SHA256_LEN + 1]);

/* Insert the parsed deadlock d (report text, its sha).  0 or 1. */
int dl_write_parsed(upkeep_sql *sql, const char *report,
                    const char *sha, const UkDeadlock *d,
                    int64_t captured_us, const deadlock_time *dt);
/* A report that could not be parsed: the raw text only.  0 or 1. */
int dl_write_unreadable(upkeep_sql *sql, const char *report,
                        const char *sha, int64_t captured_us);
/* n deadlocks counted whose reports are gone.  0 or 1. */
int dl_write_lost(upkeep_sql *sql, unsigned long long n,
                  int64_t captured_us);

#pragma GCC visibility pop

#endif /* UPKEEP_DEADLOCK_INT_H */
