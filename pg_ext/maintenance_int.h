/*
 * maintenance_int.h
 *		Internals shared by the files of maintenance mode; other features
 *		and upkeep.c use upkeep.h only.
 *
 * Maintenance mode is six files, each calling only the ones listed after
 * it (no cycles):
 *
 *	maintenance_sql.c		the SQL functions: enter, join, exit, status, log
 *	maintenance_drain.c		the drain of writers when a window begins
 *	maintenance_enforce.c	every backend: forcing sessions read-only, the
 *							commit net, the wording of refusals, and the
 *							set of maintainers
 *	maintenance_redact.c	keeping join tokens out of the log and
 *							pg_stat_activity
 *	maintenance_state.c		shared memory, the state file, the window log
 *	maintenance_shared.c	the pointer to the shared memory and this
 *							session's window, which any file may read
 *							(calls nothing)
 *
 * Locking rules are in upkeep.h (UpkeepShared).
 */
#ifndef UK_MAINTENANCE_INT_H
#define UK_MAINTENANCE_INT_H

#include "lib/stringinfo.h"

#include "uk_error.h"
#include "uk_state.h"
#include "uk_winlog.h"

#include "upkeep.h"

#define UPKEEP_DIR				"upkeep"
#define UPKEEP_STATE_FILE		"upkeep/maintenance.state"
#define UPKEEP_WINLOG_FILE		"upkeep/maintenance.log"

/* What a drain did, for the window log and the caller's messages. */
typedef struct DrainResult
{
	UkDrainOutcome outcome;
	int64		elapsed_ms;
	int			waited;			/* distinct writing transactions seen */
	int			terminated;
	StringInfoData blockers;	/* "pids 123, 456; prepared transactions 'gx1'" */
	int			nblockers;
	int			nprepared;		/* of which prepared transactions */
} DrainResult;

/* maintenance_state.c */
extern void upkeep_maint_report_uk_error(int elevel, UkError *err,
										 const char *context);
extern uint64 upkeep_maint_winlog_max_id(void);
extern void upkeep_maint_winlog_save(const UkWindow *w);
extern bool upkeep_maint_winlog_find(uint64 window_id, UkWindow *out);
extern void upkeep_maint_state_save(const UkMaintState *st);
extern void upkeep_maint_leave_locked(void);
extern XLogRecPtr upkeep_maint_wal_log_state(const UkMaintState *st, uint32 phase);
extern XLogRecPtr upkeep_maint_wal_log_window(const UkWindow *w);

/* maintenance_redact.c */
extern void upkeep_maint_redact_own_activity(void);

/* maintenance_enforce.c */
extern bool upkeep_maint_session_may_join(Oid entered_by_id);
extern void upkeep_maint_broadcast_window_start(void);
extern void upkeep_maint_unforce_current_transaction(void);
extern void upkeep_maint_add_maintainer(uint64 window);
extern void upkeep_maint_ensure_exit_callback(void);
extern bool upkeep_maint_is_maintainer_pid(int pid);
extern void upkeep_maint_forget_window(void);

/* maintenance_drain.c */
extern void upkeep_maint_drain_writers(uint64 window, int64 timeout_us,
									   UkDrainAction action, DrainResult *res);

#endif							/* UK_MAINTENANCE_INT_H */
