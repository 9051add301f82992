/*
 * patchlog_int.h
 *		Internals shared by the files of patch runs and slow statements;
 *		other features and upkeep.c use upkeep.h only.
 *
 * Patch runs are four files, each calling only the ones listed after it
 * (no cycles):
 *
 *	patchlog_views.c	the SQL views: runs, slow statements, live sessions
 *	patchlog_window.c	window patches: window_patch_begin()/_end(), their
 *						end with the window, their state for the views
 *	patchlog_run.c		a session's run: patch_begin()/patch_end(), the
 *						per-statement hooks (also attributing statements to
 *						a window patch), lock-wait sampling
 *	patchlog_log.c		shared memory and the log file (and the setting
 *						upkeep.patch_log_max_size)
 *
 * Locking: upkeep_patch_shared->lock, see patchlog_log.c; the window patch
 * state (WindowPatchShared) in patchlog_window.c.
 */
#ifndef UK_PATCHLOG_INT_H
#define UK_PATCHLOG_INT_H

#include "uk_patch.h"

#include "upkeep.h"

#define PATCH_LOG_FILE			"upkeep/patch.log"
#define PATCH_LOG_OLD_FILE		"upkeep/patch.log.1"

/* One backend's run, as other sessions see it. */
typedef struct PatchSlot
{
	uint64		run_id;			/* 0: not in a patch; under lock */
	int			pid;
	TimestampTz started_at;
	char		name[UK_PATCH_NAME_MAX + 1];
	char		app[UK_PATCH_APP_MAX + 1];
	char		database[UK_PATCH_IDENT_MAX + 1];
	char		username[UK_PATCH_IDENT_MAX + 1];
	pg_atomic_uint64 statements;
	pg_atomic_uint64 slow_statements;
	pg_atomic_uint64 lock_wait_us;
	/* the window patch run a statement of this backend runs for now (0: none) */
	pg_atomic_uint64 window_stmt_run;
	/* the window whose window patches this backend is attributed to (0: none) */
	pg_atomic_uint64 window_member;
	int			window_pid;		/* the backend's pid, with the two above */
} PatchSlot;

/* Levels of window patch runs: the outer run and one nested step. */
#define WINDOW_PATCH_LEVELS		2

/* One open window patch run (see patchlog_window.c for the rules). */
typedef struct WindowRunSlot
{
	pg_atomic_uint64 run_id;	/* 0: this level is not open */
	uint64		parent_run_id;
	int			pid;			/* the runner session that began it */
	TimestampTz started_at;
	char		name[UK_PATCH_NAME_MAX + 1];
	char		app[UK_PATCH_APP_MAX + 1];
	char		database[UK_PATCH_IDENT_MAX + 1];
	char		username[UK_PATCH_IDENT_MAX + 1];
	pg_atomic_uint64 statements;
	pg_atomic_uint64 slow_statements;
	pg_atomic_uint64 lock_wait_us;
} WindowRunSlot;

typedef struct WindowPatchShared
{
	pg_atomic_uint64 current_run;	/* innermost open run, 0: none */
	pg_atomic_uint64 runs_window;	/* the window of the open runs */
	int			depth;			/* open levels; under lock */
	WindowRunSlot levels[WINDOW_PATCH_LEVELS];
	pg_atomic_uint64 unattributed;	/* statements of unattributed_window */
	pg_atomic_uint64 unattributed_window;
} WindowPatchShared;

typedef struct PatchShared
{
	LWLock	   *lock;
	uint64		next_run_id;	/* under lock */
	pg_atomic_uint64 next_stmt_id;
	UpkeepLogShared log;		/* under lock */
	WindowPatchShared window;
	int			nslots;
	PatchSlot	slots[FLEXIBLE_ARRAY_MEMBER];
} PatchShared;

/* patchlog_log.c */
extern PatchShared *upkeep_patch_shared;
extern UpkeepLog upkeep_patch_log;
extern bool upkeep_patch_write_record_locked(const UkPatchRec *rec, bool quiet);
extern bool upkeep_patch_write_record(const UkPatchRec *rec, bool quiet);
extern int64 upkeep_patch_now_unix_us(void);
extern void upkeep_patch_require_shmem(void);
extern uint64 upkeep_patch_log_begin(const char *name, const char *app,
									 PatchSlot **slot_out);

/* patchlog_run.c: argument helpers of the SQL-callable functions */
extern char *text_arg_or_null(FunctionCallInfo fcinfo, int n);
extern void report_invalid(UkError *err) pg_attribute_noreturn();

#endif							/* UK_PATCHLOG_INT_H */
