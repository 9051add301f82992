/*
 * patchlog.c
 *		Patch runs and slow statements: what each patch of an upgrade ran,
 *		how long it took, what it waited for and how it failed.
 *
 * A session brackets a patch with upkeep.patch_begin() / patch_end().  In
 * between, every statement it runs -- top level, nested in functions and
 * DO blocks, utility statements -- is counted and timed by the executor
 * and utility hooks; one that takes at least upkeep.slow_statement_ms is
 * recorded with its command tag, text, rows, time spent waiting for
 * heavyweight locks, and (upkeep.log_plans) its plan.  A statement that
 * fails is recorded with its SQLSTATE, message and text from
 * emit_log_hook.  A session that ends inside a patch ends the run
 * "aborted".  Outside a patch every hook pays one test of my_run_id.
 *
 * The log.  Records (libcommon's uk_patch.h: BEGIN, STMT, ERROR, END) are
 * appended as text lines to $PGDATA/upkeep/patch.log, outside any SQL
 * transaction, so a rollback cannot lose them; the file survives a
 * restart, and a kill -9 loses at most a line being written (each line
 * has a checksum; a torn one is skipped).  END records are fsync'd.  When
 * the file reaches half of upkeep.patch_log_max_size it becomes
 * patch.log.1 (replacing the previous one): the oldest records go first
 * and the log never exceeds the setting by more than one line.  The views
 * read both files and fold the records into runs, in any database.
 *
 * Lock waits.  While a session is inside a patch, a timer samples its
 * wait event every UPKEEP_LOCK_SAMPLE_MS; time between samples that find
 * the backend waiting for a heavyweight lock is added to a counter.  A
 * statement's lock wait is the growth of that counter while it ran (for a
 * top-level statement, since the previous one ended, so that waits in
 * parse analysis count).  The error is at most one sampling interval per
 * wait; deadlock_timeout and log_lock_waits play no part.
 *
 * Shared memory: one slot per PGPROC, written by its backend under
 * PatchShared->lock (exclusive) when a run begins or ends, and holding
 * counters the owner updates as atomics; the views read the slots under
 * the lock (shared).  The lock also serializes appends to the log file
 * and its rotation, so that no reader opens the files while one is being
 * renamed.
 */
#include "postgres.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "access/xact.h"
#include "catalog/pg_authid.h"
#include "common/file_perm.h"
#include "commands/dbcommands.h"
#include "commands/explain.h"
#include "executor/executor.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/fd.h"
#include "storage/ipc.h"
#include "storage/proc.h"
#include "storage/shmem.h"
#include "tcop/cmdtag.h"
#include "tcop/utility.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/timeout.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"

#include "uk_patch.h"
#include "uk_stmt.h"

#include "compat.h"
#include "upkeep.h"

#define PATCH_LOG_FILE			"upkeep/patch.log"
#define PATCH_LOG_OLD_FILE		"upkeep/patch.log.1"
#define UPKEEP_LOCK_SAMPLE_MS	10
#define PATCH_STACK_MAX			64
#define NO_TEXT_PRIVILEGE		"<insufficient privilege>"

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

static PatchShared *patch_shared = NULL;

/* settings */
int			upkeep_slow_statement_ms = 1000;
bool		upkeep_log_plans = false;
int			upkeep_patch_log_max_kb = 65536;

/* The run this session is in (0: none); tested by every hook. */
uint64		upkeep_my_run_id = 0;

/*
 * Session state of the current run.  lock_wait_total_us is written by the
 * timer handler.
 */
static PatchSlot *my_slot = NULL;
static uint64 my_statements = 0;
static uint64 my_slow_statements = 0;
static volatile int64 lock_wait_total_us = 0;
static TimestampTz last_sample_at = 0;
static TimeoutId lock_sample_timeout = MAX_TIMEOUTS;
static bool exit_callback_registered = false;
static TimestampTz last_toplevel_end = 0;
static int64 last_toplevel_lock_wait = 0;
static int	utility_depth = 0;

static void carry_over_begins_locked(UpkeepLog *log);

static UpkeepLog patch_log = {
	PATCH_LOG_FILE, PATCH_LOG_OLD_FILE, &upkeep_patch_log_max_kb, NULL,
	carry_over_begins_locked, -1, 0
};

/*
 * Executor statements being timed, innermost last.  Entries of aborted
 * subtransactions are dropped by upkeep_patch_subxact_abort(); all at the
 * end of the top-level transaction.
 */
typedef struct TimedQuery
{
	QueryDesc  *qd;
	int			nest_level;
	bool		toplevel;
	TimestampTz start;
	int64		lock_wait_start;
} TimedQuery;

static TimedQuery stack[PATCH_STACK_MAX];
static int	stack_depth = 0;

/* Buffers for one record; static so that the error path never allocates. */
static char line_buf[UK_PATCHREC_LINE_MAX + 1];
static char query_buf[UK_QUERY_MAX + 1];

PG_FUNCTION_INFO_V1(patch_begin);
PG_FUNCTION_INFO_V1(patch_end);
PG_FUNCTION_INFO_V1(patch_run_entries);
PG_FUNCTION_INFO_V1(slow_statement_entries);
PG_FUNCTION_INFO_V1(patch_sessions);

/* ---------- shared memory and start-up ---------- */

static int
patch_nslots(void)
{
	return MaxBackends + NUM_AUXILIARY_PROCS;
}

Size
upkeep_patch_shmem_size(void)
{
	return add_size(offsetof(PatchShared, slots),
					mul_size(sizeof(PatchSlot), patch_nslots()));
}

/* Highest run and statement ids of the log, so that ids keep growing. */
typedef struct MaxIds
{
	uint64		run;
	uint64		stmt;
	char	   *scratch;
} MaxIds;

static void
scan_line(const char *line, size_t len, void *arg)
{
	MaxIds	   *ids = (MaxIds *) arg;
	UkPatchRec	rec;

	if (ids->scratch == NULL ||
		!uk_patchrec_parse(line, len, &rec, ids->scratch, UK_PATCHREC_LINE_MAX + 1))
		return;
	ids->run = Max(ids->run, rec.run_id);
	if (rec.kind == UK_REC_STMT)
		ids->stmt = Max(ids->stmt, rec.stmt_id);
}

void
upkeep_patch_shmem_init(bool found)
{
	MaxIds		ids = {0, 0, NULL};
	uint64		bytes;

	patch_shared = ShmemInitStruct("upkeep patch runs",
								   upkeep_patch_shmem_size(), &found);
	patch_log.shared = &patch_shared->log;
	if (found)
		return;

	memset(patch_shared, 0, upkeep_patch_shmem_size());
	patch_shared->lock = &(GetNamedLWLockTranche("upkeep"))[1].lock;
	patch_shared->nslots = patch_nslots();
	for (int i = 0; i < patch_shared->nslots; i++)
	{
		pg_atomic_init_u64(&patch_shared->slots[i].statements, 0);
		pg_atomic_init_u64(&patch_shared->slots[i].slow_statements, 0);
		pg_atomic_init_u64(&patch_shared->slots[i].lock_wait_us, 0);
	}
	ids.scratch = malloc(UK_PATCHREC_LINE_MAX + 1);
	(void) upkeep_log_scan(PATCH_LOG_OLD_FILE, false, scan_line, &ids);
	bytes = upkeep_log_scan(PATCH_LOG_FILE, true, scan_line, &ids);
	free(ids.scratch);
	patch_shared->next_run_id = ids.run + 1;
	pg_atomic_init_u64(&patch_shared->next_stmt_id, ids.stmt + 1);
	patch_shared->log.bytes = bytes;
	patch_shared->log.generation = 1;
}

/* ---------- the log file ---------- */

/*
 * A new log file starts with the BEGIN records of the runs still open, so
 * that every record in the files kept has its run's BEGIN before it.
 * Caller must hold patch_shared->lock exclusively.
 */
static void
carry_over_begins_locked(UpkeepLog *log)
{
	static char begin_buf[UK_PATCHREC_LINE_MAX + 1];

	for (int i = 0; i < patch_shared->nslots; i++)
	{
		PatchSlot  *slot = &patch_shared->slots[i];
		UkPatchRec	rec;
		size_t		len;

		if (slot->run_id == 0)
			continue;
		uk_patchrec_init(&rec, UK_REC_BEGIN);
		rec.run_id = slot->run_id;
		rec.at_us = TimestampTzToUnixUsecs(slot->started_at);
		rec.pid = slot->pid;
		rec.database = slot->database;
		rec.username = slot->username;
		rec.name = slot->name;
		rec.app = slot->app;
		len = uk_patchrec_format(&rec, begin_buf, sizeof(begin_buf));
		upkeep_log_write_raw_locked(log, begin_buf, len);
	}
}

/* Format and append rec.  Caller must hold patch_shared->lock exclusively. */
static bool
write_record_locked(const UkPatchRec *rec, bool quiet)
{
	size_t		len = uk_patchrec_format(rec, line_buf, sizeof(line_buf));

	return upkeep_log_append_locked(&patch_log, line_buf, len,
									rec->kind == UK_REC_END, quiet);
}

static bool
write_record(const UkPatchRec *rec, bool quiet)
{
	bool		ok;

	LWLockAcquire(patch_shared->lock, LW_EXCLUSIVE);
	ok = write_record_locked(rec, quiet);
	LWLockRelease(patch_shared->lock);
	return ok;
}

static int64
now_unix_us(void)
{
	return TimestampTzToUnixUsecs(GetCurrentTimestamp());
}

/* ---------- lock-wait sampling ---------- */

/* Timer handler (signal context): only reads and adds. */
static void
lock_sample_handler(void)
{
	TimestampTz now = GetCurrentTimestamp();
	uint32		wait = my_wait_event_info != NULL ? *my_wait_event_info : 0;

	if ((wait & 0xFF000000) == PG_WAIT_LOCK && last_sample_at != 0 &&
		now > last_sample_at)
		lock_wait_total_us += now - last_sample_at;
	last_sample_at = now;
}

static void
start_lock_sampling(void)
{
	if (lock_sample_timeout == MAX_TIMEOUTS)
		lock_sample_timeout = RegisterTimeout(USER_TIMEOUT, lock_sample_handler);
	last_sample_at = GetCurrentTimestamp();
	enable_timeout_every(lock_sample_timeout,
						 TimestampTzPlusMilliseconds(last_sample_at, UPKEEP_LOCK_SAMPLE_MS),
						 UPKEEP_LOCK_SAMPLE_MS);
}

static void
stop_lock_sampling(void)
{
	if (lock_sample_timeout != MAX_TIMEOUTS)
		disable_timeout(lock_sample_timeout, false);
	last_sample_at = 0;
}

/* ---------- the run ---------- */

/*
 * End the current run with status.  quiet: called from error handling or
 * process exit, where nothing may raise an error.
 */
static void
finish_run(UkRunStatus status, const char *message, bool quiet)
{
	UkPatchRec	rec;

	stop_lock_sampling();
	uk_patchrec_init(&rec, UK_REC_END);
	rec.run_id = upkeep_my_run_id;
	rec.at_us = now_unix_us();
	rec.status = status;
	rec.statements = my_statements;
	rec.slow_statements = my_slow_statements;
	rec.lock_wait_us = lock_wait_total_us;
	rec.message = message != NULL ? message : "";

	LWLockAcquire(patch_shared->lock, LW_EXCLUSIVE);
	(void) write_record_locked(&rec, quiet);
	my_slot->run_id = 0;
	LWLockRelease(patch_shared->lock);

	upkeep_my_run_id = 0;
	stack_depth = 0;
	utility_depth = 0;
}

/* A session that ends inside a patch leaves the run aborted. */
static void
abort_run_at_exit(int code, Datum arg)
{
	if (upkeep_my_run_id != 0 && patch_shared != NULL)
		finish_run(UK_RUN_ABORTED, "the session ended inside the patch", true);
}

static char *
text_arg_or_null(FunctionCallInfo fcinfo, int n)
{
	return PG_ARGISNULL(n) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(n));
}

static void
report_invalid(UkError *err)
{
	char		message[512];

	strlcpy(message, err != NULL ? err->message : "invalid value", sizeof(message));
	uk_error_free(err);
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s", message)));
}

static void
require_patch_shmem(void)
{
	if (patch_shared == NULL || MyProc == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("upkeep must be loaded via shared_preload_libraries")));
}

/* patch_begin(name, app): start a run in this session; returns its id. */
Datum
patch_begin(PG_FUNCTION_ARGS)
{
	char	   *name = text_arg_or_null(fcinfo, 0);
	char	   *app = text_arg_or_null(fcinfo, 1);
	UkError    *err = NULL;
	UkPatchRec	rec;
	PatchSlot  *slot;
	char	   *dbname;
	char	   *username;
	uint64		run_id;
	bool		ok;
	int			saved_errno;

	require_patch_shmem();
	if (upkeep_my_run_id != 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("patch \"%s\" is still running in this session",
						my_slot->name),
				 errhint("End it with upkeep.patch_end() first.")));
	if (uk_patch_name_validate(name, &err) != UK_OK ||
		uk_patch_app_validate(app, &err) != UK_OK)
		report_invalid(err);

	dbname = get_database_name(MyDatabaseId);
	username = GetUserNameFromId(GetSessionUserId(), false);
	if (!exit_callback_registered)
	{
		before_shmem_exit(abort_run_at_exit, (Datum) 0);
		exit_callback_registered = true;
	}

	slot = &patch_shared->slots[MyProc->pgprocno];
	uk_patchrec_init(&rec, UK_REC_BEGIN);
	rec.at_us = now_unix_us();
	rec.pid = MyProcPid;
	rec.database = dbname != NULL ? dbname : "";
	rec.username = username;
	rec.name = name;
	rec.app = app != NULL ? app : "";

	LWLockAcquire(patch_shared->lock, LW_EXCLUSIVE);
	run_id = patch_shared->next_run_id++;
	rec.run_id = run_id;
	ok = write_record_locked(&rec, true);
	saved_errno = errno;
	if (ok)
	{
		slot->pid = MyProcPid;
		slot->started_at = UnixUsecsToTimestampTz(rec.at_us);
		strlcpy(slot->name, name, sizeof(slot->name));
		strlcpy(slot->app, rec.app, sizeof(slot->app));
		strlcpy(slot->database, rec.database, sizeof(slot->database));
		strlcpy(slot->username, rec.username, sizeof(slot->username));
		pg_atomic_write_u64(&slot->statements, 0);
		pg_atomic_write_u64(&slot->slow_statements, 0);
		pg_atomic_write_u64(&slot->lock_wait_us, 0);
		slot->run_id = run_id;
	}
	LWLockRelease(patch_shared->lock);
	if (!ok)
	{
		errno = saved_errno;
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not write upkeep patch log \"%s\": %m",
						PATCH_LOG_FILE)));
	}

	my_slot = slot;
	my_statements = 0;
	my_slow_statements = 0;
	lock_wait_total_us = 0;
	last_toplevel_end = GetCurrentTimestamp();
	last_toplevel_lock_wait = 0;
	stack_depth = 0;
	utility_depth = 0;
	upkeep_my_run_id = run_id;
	start_lock_sampling();
	PG_RETURN_INT64((int64) run_id);
}

/* patch_end(status, error): end this session's run. */
Datum
patch_end(PG_FUNCTION_ARGS)
{
	char	   *status_text = text_arg_or_null(fcinfo, 0);
	char	   *message = text_arg_or_null(fcinfo, 1);
	UkRunStatus status;
	UkError    *err = NULL;

	require_patch_shmem();
	if (uk_run_status_parse(status_text, &status, &err) != UK_OK)
		report_invalid(err);
	if (upkeep_my_run_id == 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("no patch run is active in this session"),
				 errhint("Start one with upkeep.patch_begin(name).")));
	if (message != NULL)
		message[uk_utf8_cut(message, strlen(message), UK_PATCH_MESSAGE_MAX)] = '\0';
	finish_run(status, message, false);
	PG_RETURN_VOID();
}

/* ---------- statements ---------- */

/* The text of one statement of a (possibly multi-statement) string. */
static const char *
statement_text(const char *source, int location, int len)
{
	size_t		total;
	size_t		n;

	if (source == NULL)
		return "";
	total = strlen(source);
	if (location < 0 || (size_t) location > total)
		location = 0;
	n = (len <= 0 || (size_t) (location + len) > total) ?
		total - location : (size_t) len;
	uk_stmt_clean(source + location, n, query_buf, sizeof(query_buf), NULL);
	return query_buf;
}

/*
 * Account one finished statement; record it if slow.  qd is set for an
 * executor statement (for the plan), else pstmt/qc for a utility one.
 */
static void
statement_done(TimestampTz start, int64 lock_wait_start, const char *command,
			   const char *source, int location, int len, int64 rows,
			   QueryDesc *qd)
{
	TimestampTz end = GetCurrentTimestamp();
	int64		duration_us = Max(end - start, 0);
	UkPatchRec	rec;
	char	   *plan = NULL;

	my_statements++;
	pg_atomic_write_u64(&my_slot->statements, my_statements);
	pg_atomic_write_u64(&my_slot->lock_wait_us, (uint64) lock_wait_total_us);
	if (upkeep_slow_statement_ms < 0 ||
		duration_us < (int64) upkeep_slow_statement_ms * 1000)
		return;

	my_slow_statements++;
	pg_atomic_write_u64(&my_slot->slow_statements, my_slow_statements);

	if (qd != NULL && upkeep_log_plans && qd->planstate != NULL)
	{
		ExplainState *es = NewExplainState();

		es->format = EXPLAIN_FORMAT_TEXT;
		es->costs = true;
		ExplainBeginOutput(es);
		ExplainPrintPlan(es, qd);
		ExplainEndOutput(es);
		if (es->str->len > 0 && es->str->data[es->str->len - 1] == '\n')
			es->str->data[--es->str->len] = '\0';
		plan = es->str->data;
	}

	uk_patchrec_init(&rec, UK_REC_STMT);
	rec.run_id = upkeep_my_run_id;
	rec.at_us = TimestampTzToUnixUsecs(start);
	rec.stmt_id = pg_atomic_fetch_add_u64(&patch_shared->next_stmt_id, 1);
	rec.duration_us = duration_us;
	rec.lock_wait_us = Max(lock_wait_total_us - lock_wait_start, 0);
	rec.rows = rows;
	rec.command = command;
	rec.query = statement_text(source, location, len);
	rec.plan = plan != NULL ? plan : "";
	(void) write_record(&rec, false);
	if (plan != NULL)
		pfree(plan);
}

/* Where a statement's timing starts: see "Lock waits" above. */
static void
statement_start(bool toplevel, TimestampTz *start, int64 *lock_wait_start)
{
	/* error recovery disables every timeout: sample again */
	if (lock_sample_timeout != MAX_TIMEOUTS &&
		!get_timeout_active(lock_sample_timeout))
		start_lock_sampling();
	if (toplevel)
	{
		*start = Max(GetCurrentStatementStartTimestamp(), last_toplevel_end);
		*lock_wait_start = last_toplevel_lock_wait;
	}
	else
	{
		*start = GetCurrentTimestamp();
		*lock_wait_start = lock_wait_total_us;
	}
}

static void
toplevel_done(void)
{
	last_toplevel_end = GetCurrentTimestamp();
	last_toplevel_lock_wait = lock_wait_total_us;
}

void
upkeep_patch_executor_start(QueryDesc *qd, int eflags,
							ExecutorStart_hook_type next)
{
	bool		toplevel = stack_depth == 0 && utility_depth == 0;
	TimestampTz start;
	int64		lock_wait_start;
	TimedQuery *t;

	statement_start(toplevel, &start, &lock_wait_start);
	if (next)
		next(qd, eflags);
	else
		standard_ExecutorStart(qd, eflags);

	/* pushed only once started: a failed start never reaches ExecutorEnd */
	if ((eflags & EXEC_FLAG_EXPLAIN_ONLY) || stack_depth >= PATCH_STACK_MAX ||
		upkeep_my_run_id == 0)
		return;
	t = &stack[stack_depth++];
	t->qd = qd;
	t->nest_level = GetCurrentTransactionNestLevel();
	t->toplevel = toplevel;
	t->start = start;
	t->lock_wait_start = lock_wait_start;
}

void
upkeep_patch_executor_end(QueryDesc *qd)
{
	TimedQuery	t;
	int			i;

	for (i = stack_depth - 1; i >= 0; i--)
		if (stack[i].qd == qd)
			break;
	if (i < 0)
		return;					/* started outside the run, or not timed */
	t = stack[i];
	memmove(&stack[i], &stack[i + 1], sizeof(TimedQuery) * (stack_depth - i - 1));
	stack_depth--;

	statement_done(t.start, t.lock_wait_start,
				   GetCommandTagName(CreateCommandTag((Node *) qd->plannedstmt)),
				   qd->sourceText, qd->plannedstmt->stmt_location,
				   qd->plannedstmt->stmt_len,
				   qd->estate != NULL ? (int64) qd->estate->es_processed : -1,
				   qd);
	if (t.toplevel)
		toplevel_done();
}

/*
 * Utility statements that only wrap an executor statement the executor
 * hooks time anyway (EXECUTE), that do nothing measurable, or that are
 * parts of a bigger command (the index behind a PRIMARY KEY of CREATE
 * TABLE) are not counted on their own.
 */
static bool
utility_is_timed(PlannedStmt *pstmt, ProcessUtilityContext context)
{
	Node	   *n = pstmt->utilityStmt;

	return context != PROCESS_UTILITY_SUBCOMMAND &&
		!(IsA(n, ExecuteStmt) || IsA(n, PrepareStmt) ||
		  IsA(n, DeallocateStmt));
}

void
upkeep_patch_process_utility(PlannedStmt *pstmt, const char *queryString,
							 bool readOnlyTree, ProcessUtilityContext context,
							 ParamListInfo params, QueryEnvironment *queryEnv,
							 DestReceiver *dest, QueryCompletion *qc,
							 ProcessUtility_hook_type next)
{
	uint64		run_id = upkeep_my_run_id;
	bool		toplevel = stack_depth == 0 && utility_depth == 0;
	TimestampTz start;
	int64		lock_wait_start;
	CommandTag	tag = CreateCommandTag(pstmt->utilityStmt);

	statement_start(toplevel, &start, &lock_wait_start);
	utility_depth++;
	PG_TRY();
	{
		if (next)
			next(pstmt, queryString, readOnlyTree, context, params, queryEnv,
				 dest, qc);
		else
			standard_ProcessUtility(pstmt, queryString, readOnlyTree, context,
									params, queryEnv, dest, qc);
	}
	PG_FINALLY();
	{
		if (upkeep_my_run_id == run_id && utility_depth > 0)
			utility_depth--;
	}
	PG_END_TRY();

	/* the run may have ended (or another begun) inside the statement */
	if (upkeep_my_run_id == run_id && utility_is_timed(pstmt, context))
	{
		int64		rows = -1;

		if (qc != NULL && command_tag_display_rowcount(qc->commandTag))
			rows = (int64) qc->nprocessed;
		statement_done(start, lock_wait_start, GetCommandTagName(tag),
					   queryString, pstmt->stmt_location, pstmt->stmt_len,
					   rows, NULL);
		if (toplevel)
			toplevel_done();
	}
}

/*
 * A statement of the run failed: record its SQLSTATE, message and text.
 * Runs inside error handling: no allocation, no errors, no catalog.
 */
void
upkeep_patch_emit_log(ErrorData *edata)
{
	UkPatchRec	rec;
	const char *source = debug_query_string;
	int			location = 0;
	int			len = 0;
	const char *sqlstate;

	if (edata->elevel < ERROR || patch_shared == NULL)
		return;

	/* the innermost statement being timed, else the client's statement */
	if (stack_depth > 0 && stack[stack_depth - 1].qd->sourceText != NULL)
	{
		QueryDesc  *qd = stack[stack_depth - 1].qd;

		source = qd->sourceText;
		location = qd->plannedstmt->stmt_location;
		len = qd->plannedstmt->stmt_len;
	}
	my_statements++;
	pg_atomic_write_u64(&my_slot->statements, my_statements);

	uk_patchrec_init(&rec, UK_REC_ERROR);
	rec.run_id = upkeep_my_run_id;
	rec.at_us = now_unix_us();
	sqlstate = unpack_sql_state(edata->sqlerrcode);
	memcpy(rec.sqlstate, sqlstate, 5);
	rec.sqlstate[5] = '\0';
	rec.message = edata->message != NULL ? edata->message : "";
	rec.query = statement_text(source, location, len);
	(void) write_record(&rec, true);
}

/*
 * The top-level transaction aborted: no executor statement of it reaches
 * ExecutorEnd.  (Utility nesting is undone by upkeep_patch_process_utility
 * itself.)
 */
void
upkeep_patch_xact_abort(void)
{
	stack_depth = 0;
}

/* An aborted subtransaction's statements never reach ExecutorEnd. */
void
upkeep_patch_subxact_abort(void)
{
	int			level = GetCurrentTransactionNestLevel();

	while (stack_depth > 0 && stack[stack_depth - 1].nest_level >= level)
		stack_depth--;
}

/*
 * The run a backend is in: its id (0 if none), its name into name.  Takes
 * the lock; never raises an error (used by the deadlock capture).
 */
uint64
upkeep_patch_of_pid(int pid, char *name, size_t cap)
{
	uint64		run_id = 0;

	name[0] = '\0';
	if (patch_shared == NULL || pid == 0)
		return 0;
	LWLockAcquire(patch_shared->lock, LW_SHARED);
	for (int i = 0; i < patch_shared->nslots; i++)
	{
		PatchSlot  *s = &patch_shared->slots[i];

		if (s->run_id != 0 && s->pid == pid)
		{
			run_id = s->run_id;
			strlcpy(name, s->name, cap);
			break;
		}
	}
	LWLockRelease(patch_shared->lock);
	return run_id;
}

/* ---------- the views ---------- */

/* May the caller see the text of statements run by username? */
static bool
can_see_text(const char *username)
{
	return superuser() ||
		has_privs_of_role(GetUserId(), ROLE_PG_READ_ALL_STATS) ||
		strcmp(username, GetUserNameFromId(GetUserId(), false)) == 0;
}

/* A snapshot of the live runs: run ids per slot, under the lock. */
typedef struct LiveRuns
{
	int			n;
	uint64	   *run_ids;
	uint64	   *statements;
	uint64	   *slow;
	int64	   *lock_wait_us;
	uint64		next_run_id;	/* runs from here on began after the snapshot */
} LiveRuns;

/* Snapshot of the live runs, taken under the lock while the files are opened. */
static void
snapshot_live_runs(void *arg)
{
	LiveRuns   *live = (LiveRuns *) arg;

	live->n = 0;
	for (int i = 0; i < patch_shared->nslots; i++)
	{
		PatchSlot  *s = &patch_shared->slots[i];

		if (s->run_id == 0)
			continue;
		live->run_ids[live->n] = s->run_id;
		live->statements[live->n] = pg_atomic_read_u64(&s->statements);
		live->slow[live->n] = pg_atomic_read_u64(&s->slow_statements);
		live->lock_wait_us[live->n] = (int64) pg_atomic_read_u64(&s->lock_wait_us);
		live->n++;
	}
	live->next_run_id = patch_shared->next_run_id;
}

/* Read both log files into one palloc'd buffer (old file first). */
static char *
read_log_files(size_t *len, LiveRuns *live)
{
	live->run_ids = palloc0(sizeof(uint64) * patch_shared->nslots);
	live->statements = palloc0(sizeof(uint64) * patch_shared->nslots);
	live->slow = palloc0(sizeof(uint64) * patch_shared->nslots);
	live->lock_wait_us = palloc0(sizeof(int64) * patch_shared->nslots);
	return upkeep_log_read_all(&patch_log, patch_shared->lock, len,
							   snapshot_live_runs, live);
}

/* Calls fn for every record of the log, in order. */
typedef void (*record_fn) (const UkPatchRec *rec, void *arg);

static void
for_each_record(const char *buf, size_t len, record_fn fn, void *arg)
{
	char	   *scratch = palloc(UK_PATCHREC_LINE_MAX + 1);
	size_t		from = 0;

	for (size_t i = 0; i < len; i++)
	{
		UkPatchRec	rec;

		if (buf[i] != '\n')
			continue;
		if (uk_patchrec_parse(buf + from, i - from, &rec, scratch,
							  UK_PATCHREC_LINE_MAX + 1))
			fn(&rec, arg);
		from = i + 1;
	}
	pfree(scratch);
}

static void
fold_one(const UkPatchRec *rec, void *arg)
{
	UkRunFold  *fold = (UkRunFold *) arg;

	if (uk_run_fold_add(fold, rec, NULL) != UK_OK)
	{
		uk_run_fold_free(fold);
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory reading the upkeep patch log")));
	}
}

static Datum
text_or_null(const char *s, bool *isnull)
{
	*isnull = (s == NULL || s[0] == '\0');
	return *isnull ? (Datum) 0 : CStringGetTextDatum(s);
}

static Datum
unix_ts(int64 us, bool *isnull)
{
	*isnull = (us == 0);
	return TimestampTzGetDatum(UnixUsecsToTimestampTz(us));
}

/* Fold the whole log; the caller frees fold with uk_run_fold_free(). */
static void
fold_log(UkRunFold *fold, LiveRuns *live, char **buf, size_t *len)
{
	*buf = read_log_files(len, live);
	memset(fold, 0, sizeof(*fold));
	for_each_record(*buf, *len, fold_one, fold);
}

/* patch_run_entries(): every run in the log, oldest first. */
Datum
patch_run_entries(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	UkRunFold	fold;
	LiveRuns	live;
	char	   *buf;
	size_t		len;

	require_patch_shmem();
	InitMaterializedSRF(fcinfo, 0);
	fold_log(&fold, &live, &buf, &len);

	PG_TRY();
	{
		for (size_t i = 0; i < fold.n; i++)
		{
			UkRun	   *r = &fold.runs[i];
			Datum		values[16];
			bool		nulls[16] = {0};
			UkRunStatus status = r->status;
			uint64		statements = r->statements;
			uint64		slow = r->slow_statements;
			int64		lock_wait_us = r->lock_wait_us;
			bool		see = can_see_text(r->username);
			int64		end_us;

			if (!r->ended)
			{
				int			j;

				for (j = 0; j < live.n; j++)
					if (live.run_ids[j] == r->run_id)
						break;
				if (j < live.n)
				{
					statements = live.statements[j];
					slow = live.slow[j];
					lock_wait_us = live.lock_wait_us[j];
				}
				else if (r->run_id < live.next_run_id)
					status = UK_RUN_ABORTED;	/* its session is gone: a crash */
			}
			end_us = r->ended ? r->ended_at_us : 0;

			values[0] = Int64GetDatum((int64) r->run_id);
			values[1] = CStringGetTextDatum(r->name);
			values[2] = text_or_null(r->app, &nulls[2]);
			values[3] = text_or_null(r->database, &nulls[3]);
			values[4] = text_or_null(r->username, &nulls[4]);
			values[5] = Int32GetDatum((int32) r->pid);
			values[6] = unix_ts(r->started_at_us, &nulls[6]);
			values[7] = unix_ts(end_us, &nulls[7]);
			if (end_us != 0)
				values[8] = Float8GetDatum((end_us - r->started_at_us) / 1000.0);
			else if (status == UK_RUN_RUNNING)
				values[8] = Float8GetDatum((now_unix_us() - r->started_at_us) / 1000.0);
			else
				nulls[8] = true;
			values[9] = CStringGetTextDatum(uk_run_status_name(status));
			values[10] = Int64GetDatum((int64) statements);
			nulls[10] = (!r->ended && status != UK_RUN_RUNNING);	/* unknown */
			values[11] = Int64GetDatum((int64) slow);
			values[12] = Float8GetDatum(lock_wait_us / 1000.0);
			values[13] = text_or_null(r->error_sqlstate, &nulls[13]);
			values[14] = text_or_null(see ? r->error_message : NO_TEXT_PRIVILEGE,
									  &nulls[14]);
			if (r->error_message == NULL || r->error_message[0] == '\0')
				nulls[14] = true;
			values[15] = text_or_null(see ? r->error_statement : NO_TEXT_PRIVILEGE,
									  &nulls[15]);
			if (r->error_statement == NULL || r->error_statement[0] == '\0')
				nulls[15] = true;
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
	PG_FINALLY();
	{
		uk_run_fold_free(&fold);
	}
	PG_END_TRY();
	pfree(buf);
	return (Datum) 0;
}

typedef struct StmtOut
{
	ReturnSetInfo *rsinfo;
	UkRunFold  *fold;
} StmtOut;

static void
emit_statement(const UkPatchRec *rec, void *arg)
{
	StmtOut    *out = (StmtOut *) arg;
	UkRun	   *run;
	Datum		values[13];
	bool		nulls[13] = {0};
	bool		see;

	if (rec->kind != UK_REC_STMT)
		return;
	run = uk_run_fold_find(out->fold, rec->run_id);
	see = can_see_text(run != NULL ? run->username : "");

	values[0] = Int64GetDatum((int64) rec->stmt_id);
	values[1] = Int64GetDatum((int64) rec->run_id);
	values[2] = text_or_null(run ? run->name : NULL, &nulls[2]);
	values[3] = text_or_null(run ? run->database : NULL, &nulls[3]);
	values[4] = text_or_null(run ? run->username : NULL, &nulls[4]);
	values[5] = Int32GetDatum(run ? (int32) run->pid : 0);
	nulls[5] = (run == NULL);
	values[6] = unix_ts(rec->at_us, &nulls[6]);
	values[7] = Float8GetDatum(rec->duration_us / 1000.0);
	values[8] = Float8GetDatum(rec->lock_wait_us / 1000.0);
	values[9] = text_or_null(rec->command, &nulls[9]);
	values[10] = CStringGetTextDatum(see ? rec->query : NO_TEXT_PRIVILEGE);
	values[11] = Int64GetDatum(rec->rows);
	nulls[11] = (rec->rows < 0);
	values[12] = text_or_null(see ? rec->plan : (rec->plan[0] ? NO_TEXT_PRIVILEGE : ""),
							  &nulls[12]);
	tuplestore_putvalues(out->rsinfo->setResult, out->rsinfo->setDesc, values, nulls);
}

/* slow_statement_entries(): every statement record, oldest first. */
Datum
slow_statement_entries(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	UkRunFold	fold;
	LiveRuns	live;
	StmtOut		out;
	char	   *buf;
	size_t		len;

	require_patch_shmem();
	InitMaterializedSRF(fcinfo, 0);
	fold_log(&fold, &live, &buf, &len);
	out.rsinfo = rsinfo;
	out.fold = &fold;
	PG_TRY();
	{
		for_each_record(buf, len, emit_statement, &out);
	}
	PG_FINALLY();
	{
		uk_run_fold_free(&fold);
	}
	PG_END_TRY();
	pfree(buf);
	return (Datum) 0;
}

/* patch_sessions(): the sessions now inside a patch, from shared memory. */
Datum
patch_sessions(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	PatchSlot  *copy;
	int			n = 0;

	require_patch_shmem();
	InitMaterializedSRF(fcinfo, 0);
	copy = palloc(sizeof(PatchSlot) * patch_shared->nslots);
	LWLockAcquire(patch_shared->lock, LW_SHARED);
	for (int i = 0; i < patch_shared->nslots; i++)
	{
		PatchSlot  *s = &patch_shared->slots[i];

		if (s->run_id == 0)
			continue;
		copy[n].run_id = s->run_id;
		copy[n].pid = s->pid;
		copy[n].started_at = s->started_at;
		memcpy(copy[n].name, s->name, sizeof(s->name));
		memcpy(copy[n].app, s->app, sizeof(s->app));
		pg_atomic_init_u64(&copy[n].statements, pg_atomic_read_u64(&s->statements));
		pg_atomic_init_u64(&copy[n].slow_statements, pg_atomic_read_u64(&s->slow_statements));
		pg_atomic_init_u64(&copy[n].lock_wait_us, pg_atomic_read_u64(&s->lock_wait_us));
		n++;
	}
	LWLockRelease(patch_shared->lock);

	for (int i = 0; i < n; i++)
	{
		Datum		values[8];
		bool		nulls[8] = {0};

		values[0] = Int64GetDatum((int64) copy[i].run_id);
		values[1] = CStringGetTextDatum(copy[i].name);
		values[2] = text_or_null(copy[i].app, &nulls[2]);
		values[3] = Int32GetDatum(copy[i].pid);
		values[4] = TimestampTzGetDatum(copy[i].started_at);
		values[5] = Int64GetDatum((int64) pg_atomic_read_u64(&copy[i].statements));
		values[6] = Int64GetDatum((int64) pg_atomic_read_u64(&copy[i].slow_statements));
		values[7] = Float8GetDatum(pg_atomic_read_u64(&copy[i].lock_wait_us) / 1000.0);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
