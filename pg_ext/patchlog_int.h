/*
 * patchlog_int.h
 *		Internals shared by the files of patch runs and slow statements;
 *		other features and upkeep.c use upkeep.h only.
 *
 * Patch runs are three files, each calling only the ones listed after it
 * (no cycles):
 *
 *	patchlog_views.c	the SQL views: runs, slow statements, live sessions
 *	patchlog_run.c		a session's run: patch_begin()/patch_end(), the
 *						per-statement hooks, lock-wait sampling
 *	patchlog_log.c		shared memory and the log file
 *
 * Locking: upkeep_patch_shared->lock, see patchlog_log.c.
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
} PatchSlot;

typedef struct PatchShared
{
	LWLock	   *lock;
	uint64		next_run_id;	/* under lock */
	pg_atomic_uint64 next_stmt_id;
	UpkeepLogShared log;		/* under lock */
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

#endif							/* UK_PATCHLOG_INT_H */
