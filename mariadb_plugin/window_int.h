/*
  window_int.h
    Internals shared by the files of window patches; the rest of the
    plugin sees them through upkeep.h only.

      window_runs.c     the window's runs (an outer run and one step),
                        the runner connections, the maintainer accounts,
                        and the audit hook's part: attributing a
                        maintainer's statements to the innermost open run
      window_sysvars.c  the check and update callbacks of the
                        upkeep_window_* system variables
      window_accounts.c the worker's part: the maintainer accounts read
                        from the grants, the ephemeral account registry
                        (upkeep.window_accounts) and dropping its accounts,
                        the window's start and end

    Calls go one way: sysvars -> runs, accounts -> runs; window_runs.c
    calls patchlog_capture.c (the runs themselves), never the reverse.
    Locking: the header of window_runs.c.
*/

#ifndef UPKEEP_WINDOW_INT_H
#define UPKEEP_WINDOW_INT_H

#include <stdint.h>

#include "upkeep.h"

/* internal to upkeep.so */
#pragma GCC visibility push(hidden)

#define WINDOW_RUNNERS_MAX 16       /* connections never attributed */
#define WINDOW_MAINTAINERS_MAX 4096 /* accounts read from the grants */

/* ---- window_runs.c, for window_sysvars.c (connection thread) ---- */

/* The window id, 0 when none is active (or not yet taken up). */
uint64_t window_active_id(void);
/* This connection sets the window's variables: never attributed. */
void window_mark_runner(unsigned long thread_id);
/*
  Open the outer run (step 0) or a step in it (step 1).  1 after
  reporting the error to the statement (no window, one already open,
  no outer run for a step).
*/
int window_begin(MYSQL_THD thd, int step, const char *name, const char *app);
/*
  End the step (step 1), or the innermost open run (step 0) with status
  and the runner's error text (may be "").  1 after reporting the error
  (nothing open).
*/
int window_end(MYSQL_THD thd, int step, UkRunStatus status,
               const char *error);
/*
  What upkeep_window_patch (0), upkeep_window_step (1) and
  upkeep_window_account (2) show: stable buffers, kept up to date here
  (cleared when the window ends).  _set_account() copies a value in.
*/
char *window_shown(int which);
void window_shown_set_account(const char *account);

/* ---- window_runs.c, for window_accounts.c (worker) ---- */

/* Take up window window_id (entered_by: its first runner connection). */
void window_activate(uint64_t window_id, unsigned long entered_by);
/* The window ended: open runs end 'aborted', attribution stops. */
void window_deactivate(void);
/*
  The accounts that are maintainers now (n entries, copied); the
  connections decide again if the list changed.
*/
void window_set_maintainers(const UkAccount *list, int n);

#pragma GCC visibility pop

#endif /* UPKEEP_WINDOW_INT_H */
