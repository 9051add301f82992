/*
 * upkeep.c
 *		Entry point of the upkeep extension: _PG_init, settings and hooks.
 *
 * upkeep must be loaded through shared_preload_libraries: maintenance mode
 * is enforced by these hooks in every backend of the cluster, including
 * sessions in databases that never ran CREATE EXTENSION upkeep.  The hooks
 * only dispatch; each feature lives in its own file.  This file calls into
 * every feature and none calls back: each setting's variable is defined by
 * the file that uses it (declared in upkeep.h), and the WAL resource
 * manager gets maintenance mode's redo from here as function pointers.
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/objectaccess.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "storage/ipc.h"
#include "storage/shmem.h"
#include "tcop/utility.h"
#include "utils/guc.h"
#include "utils/inval.h"

#include "compat.h"
#include "upkeep.h"
#include "wal_int.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

static shmem_request_hook_type prev_shmem_request_hook = NULL;
static shmem_startup_hook_type prev_shmem_startup_hook = NULL;
static ExecutorStart_hook_type prev_ExecutorStart = NULL;
static ExecutorRun_hook_type prev_ExecutorRun = NULL;
static ExecutorEnd_hook_type prev_ExecutorEnd = NULL;
static ProcessUtility_hook_type prev_ProcessUtility = NULL;
static emit_log_hook_type prev_emit_log_hook = NULL;
static object_access_hook_type prev_object_access_hook = NULL;

static void upkeep_shmem_request(void);
static void upkeep_shmem_startup(void);
static void upkeep_ExecutorStart(QueryDesc *queryDesc, int eflags);
static void upkeep_ExecutorRun(QueryDesc *queryDesc, ScanDirection direction,
							   uint64 count, bool execute_once);
static void upkeep_ExecutorEnd(QueryDesc *queryDesc);
static void upkeep_ProcessUtility(PlannedStmt *pstmt, const char *queryString,
								  bool readOnlyTree,
								  ProcessUtilityContext context,
								  ParamListInfo params,
								  QueryEnvironment *queryEnv,
								  DestReceiver *dest, QueryCompletion *qc);
static void upkeep_emit_log(ErrorData *edata);
static void upkeep_xact_callback(XactEvent event, void *arg);
static void upkeep_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
									SubTransactionId parentSubid, void *arg);
static void upkeep_object_access(ObjectAccessType access, Oid classId,
								 Oid objectId, int subId, void *arg);

/* Redo of the window's WAL records: maintenance_state.c's, for wal_rmgr.c. */
static const UpkeepWalWindowRedo window_redo = {
	.state = upkeep_maint_redo_state,
	.window = upkeep_maint_redo_window,
	.end_of_recovery = upkeep_maint_redo_end,
};

void
_PG_init(void)
{
	if (!process_shared_preload_libraries_in_progress)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("upkeep must be loaded via shared_preload_libraries"),
				 errdetail("Maintenance mode is enforced in every session of the cluster, so the library must be loaded when the server starts."),
				 errhint("Add 'upkeep' to shared_preload_libraries in postgresql.conf (ALTER SYSTEM SET shared_preload_libraries = 'upkeep'), restart the server, then run CREATE EXTENSION upkeep.")));

	DefineCustomIntVariable("upkeep.maintenance_log_max",
							"Number of maintenance windows kept in upkeep.maintenance_log.",
							"The oldest windows are dropped first.",
							&upkeep_maintenance_log_max,
							UK_WINLOG_MAX_DEFAULT, 10, 100000,
							PGC_SIGHUP, 0,
							NULL, NULL, NULL);

	DefineCustomStringVariable("upkeep.join_token",
							   "Join token of the maintenance window this session belongs to.",
							   "A session with this setting joins the current maintenance window at its first statement, "
							   "as if it had called upkeep.join_maintenance(); set it with PGOPTIONS for a whole migration.",
							   &upkeep_join_token,
							   "",
							   PGC_USERSET,
							   GUC_NO_SHOW_ALL | GUC_NOT_IN_SAMPLE | GUC_DISALLOW_IN_FILE | GUC_SUPERUSER_ONLY,
							   NULL, upkeep_join_token_assign, NULL);

	DefineCustomIntVariable("upkeep.slow_statement_ms",
							"Statements of a patch run taking at least this long are recorded in upkeep.slow_statements.",
							"-1 records none, 0 records every statement of a patch run.",
							&upkeep_slow_statement_ms,
							1000, -1, INT_MAX,
							PGC_USERSET, GUC_UNIT_MS,
							NULL, NULL, NULL);

	DefineCustomBoolVariable("upkeep.log_plans",
							 "Record the plan (EXPLAIN text, without ANALYZE) of each slow statement of a patch run.",
							 NULL,
							 &upkeep_log_plans,
							 false,
							 PGC_USERSET, 0,
							 NULL, NULL, NULL);

	DefineCustomBoolVariable("upkeep.window_attribution",
							 "Attribute this session's statements to the window patch of the maintenance window it joined.",
							 "While a maintenance window has a window patch open (upkeep.window_patch_begin()), the statements of "
							 "its maintainer sessions without a patch of their own count in that patch run; off keeps this session out.",
							 &upkeep_window_attribution,
							 true,
							 PGC_USERSET, 0,
							 NULL, upkeep_window_attribution_assign, NULL);

	DefineCustomIntVariable("upkeep.patch_log_max_size",
							"Disk space kept for the patch run log (upkeep.patch_runs, upkeep.slow_statements).",
							"The oldest records are dropped first.",
							&upkeep_patch_log_max_kb,
							65536, 1024, INT_MAX / 2,
							PGC_SIGHUP, GUC_UNIT_KB,
							NULL, NULL, NULL);

	DefineCustomIntVariable("upkeep.deadlock_log_max_size",
							"Disk space kept for captured deadlocks (upkeep.deadlocks).",
							"The oldest deadlocks are dropped first.",
							&upkeep_deadlock_log_max_kb,
							16384, 1024, INT_MAX / 2,
							PGC_SIGHUP, GUC_UNIT_KB,
							NULL, NULL, NULL);

	MarkGUCPrefixReserved("upkeep");

	/* the window and the logs travel in the WAL (wal_rmgr.c, wal_standbys.c) */
	upkeep_wal_register_rmgr(&window_redo);
	upkeep_wal_register_worker();

	prev_shmem_request_hook = shmem_request_hook;
	shmem_request_hook = upkeep_shmem_request;
	prev_shmem_startup_hook = shmem_startup_hook;
	shmem_startup_hook = upkeep_shmem_startup;
	prev_ExecutorStart = ExecutorStart_hook;
	ExecutorStart_hook = upkeep_ExecutorStart;
	prev_ExecutorRun = ExecutorRun_hook;
	ExecutorRun_hook = upkeep_ExecutorRun;
	prev_ExecutorEnd = ExecutorEnd_hook;
	ExecutorEnd_hook = upkeep_ExecutorEnd;
	prev_ProcessUtility = ProcessUtility_hook;
	ProcessUtility_hook = upkeep_ProcessUtility;
	prev_emit_log_hook = emit_log_hook;
	emit_log_hook = upkeep_emit_log;
	prev_object_access_hook = object_access_hook;
	object_access_hook = upkeep_object_access;
	RegisterXactCallback(upkeep_xact_callback, NULL);
	CacheRegisterRelcacheCallback(upkeep_maintenance_relcache_callback, (Datum) 0);
	RegisterSubXactCallback(upkeep_subxact_callback, NULL);
}

static void
upkeep_shmem_request(void)
{
	if (prev_shmem_request_hook)
		prev_shmem_request_hook();
	RequestAddinShmemSpace(upkeep_maintenance_shmem_size());
	RequestAddinShmemSpace(upkeep_patch_shmem_size());
	RequestAddinShmemSpace(upkeep_deadlock_shmem_size());
	RequestNamedLWLockTranche("upkeep", 3);	/* maintenance, patch log, deadlock log */
}

/*
 * Runs in the postmaster at start and after every crash reinitialization,
 * so the maintenance state is re-read from its file each time.
 */
static void
upkeep_shmem_startup(void)
{
	bool		found;

	if (prev_shmem_startup_hook)
		prev_shmem_startup_hook();

	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
	upkeep_shared = ShmemInitStruct("upkeep",
									upkeep_maintenance_shmem_size(),
									&found);
	if (!found)
		upkeep_shared->lock = &(GetNamedLWLockTranche("upkeep"))->lock;
	upkeep_maintenance_shmem_init(found);
	upkeep_patch_shmem_init(found);
	upkeep_deadlock_shmem_init(found);
	LWLockRelease(AddinShmemInitLock);
}

/*
 * A statement that may write is marked before the phase is read: see
 * upkeep_write_begin().
 */
static void
upkeep_ExecutorStart(QueryDesc *queryDesc, int eflags)
{
	if (upkeep_plan_may_write(queryDesc->plannedstmt))
		upkeep_write_begin();
	upkeep_enforce_again();
	if (upkeep_in_patch())
		upkeep_patch_executor_start(queryDesc, eflags, prev_ExecutorStart);
	else if (prev_ExecutorStart)
		prev_ExecutorStart(queryDesc, eflags);
	else
		standard_ExecutorStart(queryDesc, eflags);
}

/*
 * A portal may have been started (extended protocol Bind, a cursor) before
 * maintenance began and run during it: nextval() there moves a sequence,
 * which no commit-time check can undo.
 */
static void
upkeep_ExecutorRun(QueryDesc *queryDesc, ScanDirection direction,
				   uint64 count, bool execute_once)
{
	upkeep_enforce_mid();
	if (prev_ExecutorRun)
		prev_ExecutorRun(queryDesc, direction, count, execute_once);
	else
		standard_ExecutorRun(queryDesc, direction, count, execute_once);
}

/*
 * ExecutorFinish ran: the statement's writes are done, and it holds its
 * XID if it wrote, so its mark may go (before the call, which is then a
 * tail call).
 */
static void
upkeep_ExecutorEnd(QueryDesc *queryDesc)
{
	if (unlikely(upkeep_write_depth != 0) &&
		upkeep_plan_may_write(queryDesc->plannedstmt))
		upkeep_write_end();
	if (unlikely(upkeep_patch_stack_depth != 0))
		upkeep_patch_executor_end(queryDesc);
	if (prev_ExecutorEnd)
		prev_ExecutorEnd(queryDesc);
	else
		standard_ExecutorEnd(queryDesc);
}

/*
 * May this utility statement write?  All may, except the ones below: they
 * write nothing themselves (the statements they run pass the executor
 * hooks, and are marked there) and some run long (EXPLAIN, CALL, DO, COPY
 * TO of a dump, VACUUM, which PostgreSQL allows in a read-only
 * transaction anyway).
 */
static bool
utility_may_write(Node *stmt)
{
	switch (nodeTag(stmt))
	{
		case T_TransactionStmt:
		case T_VariableSetStmt:
		case T_VariableShowStmt:
		case T_ExplainStmt:
		case T_PrepareStmt:
		case T_ExecuteStmt:
		case T_DeallocateStmt:
		case T_DeclareCursorStmt:
		case T_FetchStmt:
		case T_ClosePortalStmt:
		case T_CallStmt:
		case T_DoStmt:
		case T_VacuumStmt:
		case T_ListenStmt:
		case T_UnlistenStmt:
		case T_NotifyStmt:
		case T_LockStmt:
		case T_CheckPointStmt:
		case T_DiscardStmt:
			return false;
		case T_CopyStmt:
			return ((CopyStmt *) stmt)->is_from;
		default:
			return true;
	}
}

/*
 * Utility statements are checked before they run and again after, because
 * SET TRANSACTION READ WRITE / BEGIN READ WRITE would otherwise turn a
 * forced read-only transaction back into a writable one.
 */
static void
upkeep_ProcessUtility(PlannedStmt *pstmt, const char *queryString,
					  bool readOnlyTree, ProcessUtilityContext context,
					  ParamListInfo params, QueryEnvironment *queryEnv,
					  DestReceiver *dest, QueryCompletion *qc)
{
	bool		may_write = utility_may_write(pstmt->utilityStmt);

	if (may_write)
		upkeep_write_begin();	/* before the phase is read */
	upkeep_enforce();
	if (unlikely(pg_atomic_read_u32(&upkeep_shared->phase) != UPKEEP_PHASE_OFF) &&
		IsA(pstmt->utilityStmt, TransactionStmt) &&
		((TransactionStmt *) pstmt->utilityStmt)->kind == TRANS_STMT_COMMIT_PREPARED)
		upkeep_maintenance_commit_prepared(((TransactionStmt *) pstmt->utilityStmt)->gid);
	if (upkeep_in_patch())
		upkeep_patch_process_utility(pstmt, queryString, readOnlyTree, context,
									 params, queryEnv, dest, qc,
									 prev_ProcessUtility);
	else if (prev_ProcessUtility)
		prev_ProcessUtility(pstmt, queryString, readOnlyTree, context,
							params, queryEnv, dest, qc);
	else
		standard_ProcessUtility(pstmt, queryString, readOnlyTree, context,
								params, queryEnv, dest, qc);
	if (may_write)
		upkeep_write_end();
	if (IsTransactionState())
		upkeep_enforce();
}

static void
upkeep_emit_log(ErrorData *edata)
{
	bool		was_in_emit_log = upkeep_in_emit_log;

	upkeep_in_emit_log = true;	/* no WAL from here (wal_rmgr.c) */
	upkeep_redact_emit_log(edata);	/* first: the others see redacted text */
	if (unlikely(edata->sqlerrcode == ERRCODE_READ_ONLY_SQL_TRANSACTION) &&
		upkeep_shared != NULL)
		upkeep_maintenance_emit_log(edata);
	if (unlikely(edata->sqlerrcode == ERRCODE_T_R_DEADLOCK_DETECTED))
		upkeep_deadlock_emit_log(edata);
	if (upkeep_in_patch())
		upkeep_patch_emit_log(edata);
	upkeep_in_emit_log = was_in_emit_log;
	if (prev_emit_log_hook)
		prev_emit_log_hook(edata);
}

static void
upkeep_xact_callback(XactEvent event, void *arg)
{
	if ((event == XACT_EVENT_PRE_COMMIT || event == XACT_EVENT_PRE_PREPARE) &&
		unlikely(pg_atomic_read_u32(&upkeep_shared->phase) != UPKEEP_PHASE_OFF))
		upkeep_maintenance_xact_callback((int) event);
	if (event == XACT_EVENT_ABORT)
	{
		upkeep_in_emit_log = false; /* error handling is over */
		if (upkeep_in_patch() || upkeep_patch_stack_depth != 0)
			upkeep_patch_xact_abort();
		if (unlikely(upkeep_deadlock_pending))
			upkeep_deadlock_record();
		if (unlikely(upkeep_wal_deferred))
			upkeep_wal_flush_deferred();
	}
}

static void
upkeep_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
						SubTransactionId parentSubid, void *arg)
{
	if (event == SUBXACT_EVENT_ABORT_SUB)
	{
		if (upkeep_patch_stack_depth != 0)
			upkeep_patch_subxact_abort();
		if (unlikely(upkeep_deadlock_pending))
			upkeep_deadlock_record();
		if (unlikely(upkeep_wal_deferred))
			upkeep_wal_flush_deferred();
	}
}

/*
 * Creating, altering or dropping a database object is a write even where
 * PostgreSQL's read-only checks do not look (lo_create(), lo_import(), ...).
 *
 * OAT_FUNCTION_EXECUTE is raised before every function an expression will
 * call (ExecInitExpr) and before every fast-path function call: neither
 * passes the executor hooks when it is a PL/pgSQL simple expression, for
 * example x := nextval('s') in the new transaction a procedure's COMMIT
 * starts, or a PQfn() call.  Sequence changes are not transactional, so
 * the transaction must be read-only before the call, not refused at commit.
 */
static void
upkeep_object_access(ObjectAccessType access, Oid classId, Oid objectId,
					 int subId, void *arg)
{
	if (prev_object_access_hook)
		prev_object_access_hook(access, classId, objectId, subId, arg);
	if (unlikely(pg_atomic_read_u32(&upkeep_shared->phase) != UPKEEP_PHASE_OFF))
	{
		if (access == OAT_FUNCTION_EXECUTE)
			upkeep_enforce_mid();
		else if (access == OAT_POST_CREATE || access == OAT_DROP ||
				 access == OAT_POST_ALTER || access == OAT_TRUNCATE)
			upkeep_maintenance_object_access((int) access, classId, objectId);
	}
}
