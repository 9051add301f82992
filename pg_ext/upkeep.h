/*
 * upkeep.h
 *		Declarations shared by the files of the PostgreSQL extension.
 *
 * upkeep.c installs the hooks and defines the settings; each feature file
 * (maintenance_*.c, ...) exports what the hooks call.  The hot-path check of
 * maintenance mode is an inline function here so that every hook pays one
 * atomic read when the mode is off.
 */
#ifndef UK_UPKEEP_H
#define UK_UPKEEP_H

#include "postgres.h"

#include "access/xact.h"
#include "executor/executor.h"
#include "port/atomics.h"
#include "tcop/utility.h"
#include "storage/lwlock.h"
#include "storage/lock.h"
#include "storage/proc.h"
#include "utils/elog.h"

#include "uk_state.h"
#include "uk_winlog.h"

/* Phases of maintenance mode, kept in UpkeepShared->phase. */
#define UPKEEP_PHASE_OFF		0
#define UPKEEP_PHASE_DRAINING	1	/* new writes refused; old writers may commit */
#define UPKEEP_PHASE_ACTIVE		2	/* drained: no non-maintainer writer remains */

#define UPKEEP_MAX_MAINTAINERS	64

/*
 * Per-PGPROC slot, written only by the owning backend, read by the drain.
 *
 * clean_lxid (with window_id): the backend records here, once per
 * transaction, that it forced its transaction read-only before the
 * transaction had an XID.  Such a transaction can only have written
 * temporary tables, so the drain does not wait for it.
 *
 * write_lxid: a statement that may write (upkeep_write_begin()) runs in
 * this local transaction; InvalidLocalTransactionId when none does.  The
 * drain waits for it as for an XID: the statement passed PostgreSQL's
 * read-only check and may not have obtained its XID yet.
 */
typedef struct UpkeepProcSlot
{
	uint64		window_id;
	LocalTransactionId clean_lxid;
	LocalTransactionId write_lxid;
} UpkeepProcSlot;

/*
 * Shared state.  Locking rules:
 * - phase, window_id, refused_writes and join_failures are atomics, read
 *	 without the lock; phase and window_id change only under lock held
 *	 exclusively.
 * - state, state_unreadable, state_error, maintainer_pids, nmaintainers
 *	 and window_lsn are read under lock (shared) and changed under lock
 *	 (exclusive).
 * - The state file and the window log are written only while holding lock
 *	 exclusively, so they never race each other.
 * - slots[i] is written only by the backend owning PGPROC number i.
 */
typedef struct UpkeepShared
{
	LWLock	   *lock;
	pg_atomic_uint32 phase;
	pg_atomic_uint64 window_id;
	pg_atomic_uint64 refused_writes;
	pg_atomic_uint64 join_failures;
	UkMaintState state;
	bool		state_unreadable;
	char		state_error[512];
	int			nmaintainers;
	int			maintainer_pids[UPKEEP_MAX_MAINTAINERS];
	uint64		window_lsn;		/* end of the last window record (wal_rmgr.c) */
	int			nslots;
	UpkeepProcSlot slots[FLEXIBLE_ARRAY_MEMBER];
} UpkeepShared;

extern UpkeepShared *upkeep_shared;	/* maintenance_shared.c */

/*
 * The window this session is a maintainer of (0: none); may be stale: a
 * window that ended in another session leaves it set until this session
 * notices (maintenance_enforce.c, which alone changes it; defined in
 * maintenance_shared.c so that any file may read it).
 */
extern uint64 upkeep_my_window;

/* settings, each defined by the file that uses it (upkeep.c declares them) */
extern int	upkeep_maintenance_log_max;	/* maintenance_state.c */
extern char *upkeep_join_token;	/* maintenance_enforce.c */

/* maintenance_*.c (maintenance_int.h has their internals) */
extern Size upkeep_maintenance_shmem_size(void);
extern void upkeep_maintenance_shmem_init(bool found);
extern LocalTransactionId upkeep_forced_lxid;
extern LocalTransactionId upkeep_write_lxid;
extern int	upkeep_write_depth;
extern void upkeep_enforce_slow(void);
extern void upkeep_enforce_mid_slow(void);
extern void upkeep_maintenance_commit_prepared(const char *gid);
extern void upkeep_maintenance_relcache_callback(Datum arg, Oid relid);
extern void upkeep_join_token_assign(const char *newval, void *extra);
extern void upkeep_redact_emit_log(ErrorData *edata);
extern void upkeep_maintenance_emit_log(ErrorData *edata);
extern void upkeep_maintenance_xact_callback(int event);
extern void upkeep_maintenance_object_access(int access, Oid classId,
											 Oid objectId);

/*
 * Redo of the window's WAL records and the end of recovery (startup
 * process; maintenance_state.c): _PG_init gives them to wal_rmgr.c.
 */
extern void upkeep_maint_redo_state(const char *data, size_t len, uint64 lsn);
extern void upkeep_maint_redo_window(const char *data, size_t len, uint64 lsn);
extern void upkeep_maint_redo_end(void);

/*
 * An append-only log file pair (logfile.c).  shared lives in shared memory
 * and is protected by the lock of the module owning the log; the rest is
 * backend-local.
 */
typedef struct UpkeepLogShared
{
	uint64		bytes;			/* size of the current file */
	uint32		generation;		/* bumped by each rotation */
	uint64		wal_lsn;		/* end of the last WAL record appended (wal_rmgr.c) */
} UpkeepLogShared;

typedef struct UpkeepLog UpkeepLog;
struct UpkeepLog
{
	const char *path;			/* current file, relative to the data directory */
	const char *old_path;		/* the file before it */
	int		   *max_kb;			/* size limit of both together (a setting) */
	UpkeepLogShared *shared;
	void		(*on_rotate) (UpkeepLog *log);	/* starts each new file, or NULL */
	int			fd;				/* this backend's descriptor, -1 if closed */
	uint32		fd_generation;
	uint8		wal_id;			/* lines travel in the WAL (wal_int.h), 0: not */

	/*
	 * Appends a line WAL-logged first; set with wal_id by wal_rmgr.c when
	 * the log is registered, NULL for a log not in the WAL.  A pointer, so
	 * that the file layer does not call up into the WAL layer.
	 */
	bool		(*wal_append) (UpkeepLog *log, const char *line, size_t len,
							   bool sync, bool quiet);
};

extern uint64 upkeep_log_scan(const char *path, bool fix_tail,
							  void (*fn) (const char *line, size_t len, void *arg),
							  void *arg);
extern bool upkeep_log_append_locked(UpkeepLog *log, const char *line,
									 size_t len, bool sync, bool quiet);
extern void upkeep_log_write_raw_locked(UpkeepLog *log, const char *line,
										size_t len);
extern char *upkeep_log_read_all(UpkeepLog *log, LWLock *lock, size_t *len,
								 void (*snapshot) (void *arg), void *arg);
extern bool upkeep_log_append_file_locked(UpkeepLog *log, const char *line,
										  size_t len, bool sync, bool quiet);
extern bool upkeep_log_append_at_lsn_locked(UpkeepLog *log, const char *line,
											size_t len, bool sync, bool quiet,
											uint64 lsn);
extern void upkeep_log_load_wal_lsn(UpkeepLog *log);
extern void upkeep_log_append_redo_locked(UpkeepLog *log, const char *line,
										  size_t len, uint64 lsn);

/* Set while emit_log_hook runs: no WAL may be written then (wal_rmgr.c). */
extern bool upkeep_in_emit_log;
extern bool upkeep_wal_deferred;

/* settings (patchlog_run.c; the log's size: patchlog_log.c) */
extern int	upkeep_slow_statement_ms;
extern bool upkeep_log_plans;
extern int	upkeep_patch_log_max_kb;
extern bool upkeep_window_attribution;

/* patchlog_*.c (patchlog_int.h has their internals) */
extern uint64 upkeep_my_run_id;
extern uint64 upkeep_window_runner_of;
extern bool upkeep_stmt_hooks;
extern int	upkeep_patch_stack_depth;
extern void upkeep_window_attribution_assign(bool newval, void *extra);
extern void upkeep_patch_publish_member(uint64 window);
extern void upkeep_window_runs_reset(uint64 window);
extern int	upkeep_window_runs_abort(uint64 window);
extern void upkeep_window_status(uint64 window, uint64 *run_id, char *name,
								 size_t cap, uint64 *unattributed);
extern Size upkeep_patch_shmem_size(void);
extern void upkeep_patch_shmem_init(bool found);
extern void upkeep_patch_executor_start(QueryDesc *qd, int eflags,
										ExecutorStart_hook_type next);
extern void upkeep_patch_executor_end(QueryDesc *qd);
extern void upkeep_patch_process_utility(PlannedStmt *pstmt,
										 const char *queryString,
										 bool readOnlyTree,
										 ProcessUtilityContext context,
										 ParamListInfo params,
										 QueryEnvironment *queryEnv,
										 DestReceiver *dest,
										 QueryCompletion *qc,
										 ProcessUtility_hook_type next);
extern void upkeep_patch_emit_log(ErrorData *edata);
extern void upkeep_patch_xact_abort(void);
extern void upkeep_patch_subxact_abort(void);

extern uint64 upkeep_patch_of_pid(int pid, char *name, size_t cap);

/* deadlock.c */
extern int	upkeep_deadlock_log_max_kb;
extern bool upkeep_deadlock_pending;
extern Size upkeep_deadlock_shmem_size(void);
extern void upkeep_deadlock_shmem_init(bool found);
extern void upkeep_deadlock_emit_log(ErrorData *edata);
extern void upkeep_deadlock_record(void);

/*
 * Do this session's statements go through the patch-run hooks?  Inside a
 * patch run of its own, or as a maintainer of a window that may attribute
 * them to the window's patch (not its runner, upkeep.window_attribution
 * on).  The one test a session outside both pays.
 */
#define upkeep_in_patch() unlikely(upkeep_stmt_hooks)

/* Recompute upkeep_stmt_hooks after any of its inputs changed. */
static inline void
upkeep_stmt_hooks_update(void)
{
	upkeep_stmt_hooks = upkeep_my_run_id != 0 ||
		(upkeep_my_window != 0 && upkeep_my_window != upkeep_window_runner_of &&
		 upkeep_window_attribution);
}

/*
 * Called at the start of every statement (executor and utility).  When
 * maintenance mode is off this is one atomic read and a branch.
 */
static inline void
upkeep_enforce(void)
{
	if (unlikely(pg_atomic_read_u32(&upkeep_shared->phase) != UPKEEP_PHASE_OFF))
		upkeep_enforce_slow();
}

/*
 * The same, for ExecutorStart, which passes many times in one transaction:
 * once this transaction was forced read-only, and still is, there is
 * nothing more to do.
 */
static inline void
upkeep_enforce_again(void)
{
	if (unlikely(pg_atomic_read_u32(&upkeep_shared->phase) != UPKEEP_PHASE_OFF) &&
		(MyProc->lxid != upkeep_forced_lxid || !XactReadOnly))
		upkeep_enforce_slow();
}

/*
 * The same, in the middle of a statement (ExecutorRun, every function an
 * expression or a fast-path call is about to run, the window-start
 * broadcast): see enforce() in maintenance_enforce.c for why that differs.
 */
static inline void
upkeep_enforce_mid(void)
{
	if (unlikely(pg_atomic_read_u32(&upkeep_shared->phase) != UPKEEP_PHASE_OFF) &&
		(MyProc->lxid != upkeep_forced_lxid || !XactReadOnly))
		upkeep_enforce_mid_slow();
}

/*
 * The statements that may write: mark them in the backend's slot from
 * before their read-only check until they end (see "Statements in flight"
 * in maintenance_drain.c for why, and for the ordering proof).  The mark
 * is kept for the outermost marked statement of the transaction only
 * (depth, reset when the local transaction changes).  A statement ended by
 * an error skips upkeep_write_end(): a transaction abort changes the local
 * transaction, so the mark no longer matches; a subtransaction rollback
 * leaves it until the transaction ends (the drain then waits for the
 * transaction's statements that run meanwhile, never for it idle).
 *
 * The first mark of a transaction is followed by a full barrier, so that it
 * is visible before the caller reads the phase (upkeep_enforce*()).
 */
static inline void
upkeep_write_begin(void)
{
	if (MyProc->lxid != upkeep_write_lxid)
	{
		upkeep_write_lxid = MyProc->lxid;
		upkeep_write_depth = 0;
	}
	if (upkeep_write_depth++ == 0)
	{
		upkeep_shared->slots[MyProc->pgprocno].write_lxid = MyProc->lxid;
		pg_memory_barrier();
	}
}

static inline void
upkeep_write_end(void)
{
	if (MyProc->lxid == upkeep_write_lxid && upkeep_write_depth > 0 &&
		--upkeep_write_depth == 0)
		upkeep_shared->slots[MyProc->pgprocno].write_lxid = InvalidLocalTransactionId;
}

/*
 * May this plan write?  What ExecCheckXactReadOnly() checks: a result
 * relation (INSERT, UPDATE, DELETE, MERGE, also in a data-modifying WITH:
 * resultRelations lists those of every ModifyTable node) or row locks
 * (SELECT FOR UPDATE/SHARE).  A plain SELECT is never marked: its
 * functions' writes run statements of their own.
 */
static inline bool
upkeep_plan_may_write(PlannedStmt *pstmt)
{
	return (pstmt->resultRelations != NIL) | (pstmt->rowMarks != NIL);
}

#endif							/* UK_UPKEEP_H */
