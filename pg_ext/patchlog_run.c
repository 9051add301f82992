/*
 * patchlog_run.c
 *		Patch runs: a session's run and the timing of its statements.
 *
 * A session brackets a patch with upkeep.patch_begin() / patch_end().  In
 * between, every statement it runs -- top level, nested in functions and
 * DO blocks, utility statements -- is counted and timed by the executor
 * and utility hooks; one that takes at least upkeep.slow_statement_ms is
 * recorded with its command tag, text, rows, time spent waiting for
 * heavyweight locks, and (upkeep.log_plans) its plan.  A statement that
 * fails is recorded with its SQLSTATE, message and text from
 * emit_log_hook.  A session that ends inside a patch ends the run
 * "aborted".  Outside a patch every hook pays one test of
 * upkeep_stmt_hooks (upkeep.h).
 *
 * Window patches.  A maintainer session of a window, with no patch of its
 * own, not the window's runner and with upkeep.window_attribution on, has
 * its statements attributed to the window patch open when each starts
 * (patchlog_window.c owns those runs): at the start of each statement it
 * reads the innermost open window run (one atomic read, and the window
 * that run belongs to); the statement's count, lock wait and slowness go
 * to that run's shared counters as atomic additions, its slow record and
 * failure record to the log like a session run's.  With no window patch
 * open, the statement is only counted in the window's unattributed
 * statements.  While such a statement runs, the backend's slot says so
 * (window_stmt_run), for patch_activity.  A statement failing before the
 * executor (the parser, parse analysis, planning) reaches only
 * emit_log_hook, which attributes it the same way (or, with no window
 * patch open, counts it as unattributed, once): a session given the
 * join token in PGOPTIONS has joined as it connected (maintenance_enforce.c),
 * so this holds for its very first statement too.
 *
 * Lock waits.  While a session is inside a patch, a timer samples its
 * wait event every UPKEEP_LOCK_SAMPLE_MS; time between samples that find
 * the backend waiting for a heavyweight lock is added to a counter.  A
 * statement's lock wait is the growth of that counter while it ran (for a
 * top-level statement, since the previous one ended, so that waits in
 * parse analysis count).  The error is at most one sampling interval per
 * wait; deadlock_timeout and log_lock_waits play no part.
 *
 * Everything the per-statement path touches is static here.  The session
 * state is backend-local; its slot in shared memory is written as
 * patchlog_log.c describes.  See patchlog_int.h for how the patch-run
 * files fit together.
 */
#include "postgres.h"

#include "access/xact.h"
#include "commands/explain.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "storage/ipc.h"
#include "storage/proc.h"
#include "tcop/cmdtag.h"
#include "tcop/tcopprot.h"
#include "tcop/utility.h"
#include "utils/builtins.h"
#include "utils/timeout.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"

#include "uk_patch.h"
#include "uk_stmt.h"

#include "compat.h"
#include "patchlog_int.h"
#include "wal_int.h"

#define UPKEEP_LOCK_SAMPLE_MS	10
#define PATCH_STACK_MAX			64

/* settings */
int			upkeep_slow_statement_ms = 1000;
bool		upkeep_log_plans = false;

bool		upkeep_window_attribution = true;

/* The run this session is in (0: none). */
uint64		upkeep_my_run_id = 0;

/* The window this session runs (enter_maintenance, window_patch_*): 0 none. */
uint64		upkeep_window_runner_of = 0;

/* Tested by every hook: see upkeep_stmt_hooks_update() in upkeep.h. */
bool		upkeep_stmt_hooks = false;

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
static PatchSlot *my_proc_slot = NULL;	/* for window_stmt_run */
static uint64 my_member_published = 0;	/* window_member of my_proc_slot */
static TimestampTz last_toplevel_end = 0;
static int64 last_toplevel_lock_wait = 0;
static int	utility_depth = 0;

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
	uint64		run_id;			/* the run it is attributed to */
	WindowRunSlot *wslot;		/* that run's slot if a window run, else NULL */
} TimedQuery;

static TimedQuery stack[PATCH_STACK_MAX];

/*
 * How many are timed (upkeep.h): ExecutorEnd and aborts pass here while it
 * is not 0, also once upkeep_stmt_hooks went off during the statement.
 */
int			upkeep_patch_stack_depth = 0;

/* Buffer for one statement's text; static so that the error path never allocates. */
static char query_buf[UK_QUERY_MAX + 1];

PG_FUNCTION_INFO_V1(patch_begin);
PG_FUNCTION_INFO_V1(patch_end);

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
	rec.at_us = upkeep_patch_now_unix_us();
	rec.status = status;
	rec.statements = my_statements;
	rec.slow_statements = my_slow_statements;
	rec.lock_wait_us = lock_wait_total_us;
	rec.message = message != NULL ? message : "";

	LWLockAcquire(upkeep_patch_shared->lock, LW_EXCLUSIVE);
	(void) upkeep_patch_write_record_locked(&rec, quiet);
	my_slot->run_id = 0;
	LWLockRelease(upkeep_patch_shared->lock);

	upkeep_my_run_id = 0;
	upkeep_stmt_hooks_update();
	upkeep_patch_stack_depth = 0;
	utility_depth = 0;
}

/*
 * A session that ends inside a patch leaves the run aborted; one that ends
 * inside an attributed statement runs it no more.
 */
static void
abort_run_at_exit(int code, Datum arg)
{
	if (upkeep_patch_shared == NULL)
		return;
	if (my_proc_slot != NULL)
	{
		pg_atomic_write_u64(&my_proc_slot->window_stmt_run, 0);
		pg_atomic_write_u64(&my_proc_slot->window_member, 0);
	}
	if (upkeep_my_run_id != 0)
		finish_run(UK_RUN_ABORTED, "the session ended inside the patch", true);
}

static void
ensure_exit_callback(void)
{
	if (!exit_callback_registered)
	{
		before_shmem_exit(abort_run_at_exit, (Datum) 0);
		exit_callback_registered = true;
	}
}

/*
 * Say in this backend's slot which window's patches its statements are
 * attributed to (0: none), for patch_activity: a statement waiting for a
 * lock in parse analysis has not reached any hook yet.
 */
void
upkeep_patch_publish_member(uint64 window)
{
	if (window == my_member_published || upkeep_patch_shared == NULL ||
		MyProc == NULL)
		return;
	if (my_proc_slot == NULL)
	{
		ensure_exit_callback();
		my_proc_slot = &upkeep_patch_shared->slots[MyProc->pgprocno];
	}
	my_proc_slot->window_pid = MyProcPid;
	pg_atomic_write_u64(&my_proc_slot->window_member, window);
	my_member_published = window;
}

/* GUC assign hook of upkeep.window_attribution (called before the assignment). */
void
upkeep_window_attribution_assign(bool newval, void *extra)
{
	upkeep_window_attribution = newval;
	upkeep_stmt_hooks_update();
	if (!newval)
		upkeep_patch_publish_member(0);
}

/* The text argument n, or NULL; palloc'd.  Shared with patchlog_window.c. */
char *
text_arg_or_null(FunctionCallInfo fcinfo, int n)
{
	return PG_ARGISNULL(n) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(n));
}

/* ERROR 22023 with err's message; frees err. */
void
report_invalid(UkError *err)
{
	char		message[512];

	strlcpy(message, err != NULL ? err->message : "invalid value", sizeof(message));
	uk_error_free(err);
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s", message)));
}


/* patch_begin(name, app): start a run in this session; returns its id. */
Datum
patch_begin(PG_FUNCTION_ARGS)
{
	char	   *name = text_arg_or_null(fcinfo, 0);
	char	   *app = text_arg_or_null(fcinfo, 1);
	UkError    *err = NULL;
	PatchSlot  *slot;
	uint64		run_id;

	upkeep_patch_require_shmem();
	upkeep_wal_require_primary("upkeep.patch_begin()");	/* issue 14 */
	if (upkeep_my_run_id != 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("patch \"%s\" is still running in this session",
						my_slot->name),
				 errhint("End it with upkeep.patch_end() first.")));
	if (uk_patch_name_validate(name, &err) != UK_OK ||
		uk_patch_app_validate(app, &err) != UK_OK)
		report_invalid(err);

	ensure_exit_callback();
	run_id = upkeep_patch_log_begin(name, app, &slot);

	if (my_proc_slot != NULL)
		pg_atomic_write_u64(&my_proc_slot->window_stmt_run, 0);
	my_slot = slot;
	my_statements = 0;
	my_slow_statements = 0;
	lock_wait_total_us = 0;
	last_toplevel_end = GetCurrentTimestamp();
	last_toplevel_lock_wait = 0;
	upkeep_patch_stack_depth = 0;
	utility_depth = 0;
	upkeep_my_run_id = run_id;
	upkeep_stmt_hooks_update();
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

	upkeep_patch_require_shmem();
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

/* ---------- attribution ---------- */

/*
 * This session is a maintainer no more (its window ended): back to the
 * cost of a session outside any patch.
 */
static void
window_member_lost(void)
{
	upkeep_stmt_hooks = upkeep_my_run_id != 0;
	if (upkeep_my_run_id == 0)
		stop_lock_sampling();
	upkeep_patch_publish_member(0);
}

/*
 * Whether the last statement_run() counted its statement as unattributed.
 * Such a statement is pushed on the stack with run id 0 (like a timed
 * one), so that its failure, which emit_log_hook sees, is not counted
 * again, while a statement that fails before the executor (nothing on the
 * stack) is counted there.
 */
static bool counted_now;

/*
 * The window patch run a statement starting now in this session (with no
 * run of its own) is attributed to: its id, and its slot in *wslot; 0 when
 * none is open (the statement is then counted as unattributed if count).
 */
static uint64
window_run_now(WindowRunSlot **wslot, bool count)
{
	WindowPatchShared *wp = &upkeep_patch_shared->window;
	uint64		run = pg_atomic_read_u64(&wp->current_run);

	if (run != 0)
	{
		pg_read_barrier();
		if (pg_atomic_read_u64(&wp->runs_window) == upkeep_my_window)
		{
			if (unlikely(my_member_published != upkeep_my_window))
				upkeep_patch_publish_member(upkeep_my_window);
			*wslot = pg_atomic_read_u64(&wp->levels[1].run_id) == run ?
				&wp->levels[1] : &wp->levels[0];
			return run;
		}
	}
	if (upkeep_my_window != pg_atomic_read_u64(&upkeep_shared->window_id) ||
		pg_atomic_read_u32(&upkeep_shared->phase) == UPKEEP_PHASE_OFF)
		window_member_lost();
	else
	{
		if (unlikely(my_member_published != upkeep_my_window))
			upkeep_patch_publish_member(upkeep_my_window);
		if (count)
		{
			pg_atomic_fetch_add_u64(&wp->unattributed, 1);
			counted_now = true;
		}
	}
	return 0;
}

/*
 * The run a statement starting now is attributed to (0: none): this
 * session's own, else the window patch run open now.
 */
static inline uint64
statement_run(WindowRunSlot **wslot, bool count)
{
	*wslot = NULL;
	counted_now = false;
	if (upkeep_my_run_id != 0)
		return upkeep_my_run_id;
	return window_run_now(wslot, count);
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
 * Count one statement of run (its window slot wslot, or NULL for this
 * session's run); returns false if that run ended meanwhile.
 */
static bool
count_statement(uint64 run, WindowRunSlot *wslot, int64 lock_wait_us, bool slow)
{
	if (wslot == NULL)
	{
		if (run != upkeep_my_run_id)
			return false;
		my_statements++;
		pg_atomic_write_u64(&my_slot->statements, my_statements);
		pg_atomic_write_u64(&my_slot->lock_wait_us, (uint64) lock_wait_total_us);
		if (slow)
		{
			my_slow_statements++;
			pg_atomic_write_u64(&my_slot->slow_statements, my_slow_statements);
		}
		return true;
	}
	/* that run ended, or this session became its runner or opted out */
	if (pg_atomic_read_u64(&wslot->run_id) != run || !upkeep_stmt_hooks)
		return false;
	pg_atomic_fetch_add_u64(&wslot->statements, 1);
	if (lock_wait_us > 0)
		pg_atomic_fetch_add_u64(&wslot->lock_wait_us, (uint64) lock_wait_us);
	if (slow)
		pg_atomic_fetch_add_u64(&wslot->slow_statements, 1);
	return true;
}

/*
 * Account one finished statement of t's run; record it if slow.  qd is set
 * for an executor statement (for the plan), else pstmt/qc for a utility
 * one.
 */
static void
statement_done(const TimedQuery *t, const char *command,
			   const char *source, int location, int len, int64 rows,
			   QueryDesc *qd)
{
	TimestampTz end = GetCurrentTimestamp();
	int64		duration_us = Max(end - t->start, 0);
	int64		lock_wait_us = Max(lock_wait_total_us - t->lock_wait_start, 0);
	bool		slow;
	UkPatchRec	rec;
	char	   *plan = NULL;

	slow = upkeep_slow_statement_ms >= 0 &&
		duration_us >= (int64) upkeep_slow_statement_ms * 1000;
	if (!count_statement(t->run_id, t->wslot, lock_wait_us, slow) || !slow)
		return;

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
	rec.run_id = t->run_id;
	rec.at_us = TimestampTzToUnixUsecs(t->start);
	rec.stmt_id = pg_atomic_fetch_add_u64(&upkeep_patch_shared->next_stmt_id, 1);
	rec.duration_us = duration_us;
	rec.lock_wait_us = lock_wait_us;
	rec.rows = rows;
	rec.command = command;
	rec.query = statement_text(source, location, len);
	rec.plan = plan != NULL ? plan : "";
	if (t->wslot != NULL)
		rec.pid = MyProcPid;	/* not the run's: its runner's */
	(void) upkeep_patch_write_record(&rec, false);
	if (plan != NULL)
		pfree(plan);
}

/*
 * Where a statement's timing starts: see "Lock waits" above.  A statement
 * of a window run says so in the backend's slot.
 */
static void
statement_start(TimedQuery *t)
{
	/* error recovery disables every timeout: sample again */
	if (lock_sample_timeout == MAX_TIMEOUTS ||
		!get_timeout_active(lock_sample_timeout))
		start_lock_sampling();
	if (t->toplevel)
	{
		t->start = Max(GetCurrentStatementStartTimestamp(), last_toplevel_end);
		t->lock_wait_start = last_toplevel_lock_wait;
	}
	else
	{
		t->start = GetCurrentTimestamp();
		t->lock_wait_start = lock_wait_total_us;
	}
	if (t->wslot != NULL)
		pg_atomic_write_u64(&my_proc_slot->window_stmt_run, t->run_id);
}

/* The top-level statement ended (or failed). */
static void
toplevel_done(void)
{
	last_toplevel_end = GetCurrentTimestamp();
	last_toplevel_lock_wait = lock_wait_total_us;
	if (my_proc_slot != NULL)
		pg_atomic_write_u64(&my_proc_slot->window_stmt_run, 0);
}

void
upkeep_patch_executor_start(QueryDesc *qd, int eflags,
							ExecutorStart_hook_type next)
{
	TimedQuery	t;
	bool		unattributed = false;

	t.wslot = NULL;
	t.start = 0;
	t.lock_wait_start = 0;
	t.toplevel = upkeep_patch_stack_depth == 0 && utility_depth == 0;
	t.run_id = 0;
	if (!(eflags & EXEC_FLAG_EXPLAIN_ONLY))
	{
		t.run_id = statement_run(&t.wslot, true);
		unattributed = counted_now;
	}
	if (t.run_id != 0)
		statement_start(&t);
	if (next)
		next(qd, eflags);
	else
		standard_ExecutorStart(qd, eflags);

	/*
	 * Pushed only once started: a failed start never reaches ExecutorEnd.
	 * An unattributed statement too (run id 0), see counted_now.
	 */
	if ((t.run_id == 0 && !unattributed) ||
		upkeep_patch_stack_depth >= PATCH_STACK_MAX)
		return;
	t.qd = qd;
	t.nest_level = GetCurrentTransactionNestLevel();
	stack[upkeep_patch_stack_depth++] = t;
}

void
upkeep_patch_executor_end(QueryDesc *qd)
{
	TimedQuery	t;
	int			i = upkeep_patch_stack_depth - 1;

	/* the common case of an unattributed statement: the innermost one */
	if (stack[i].qd == qd && stack[i].run_id == 0)
	{
		upkeep_patch_stack_depth = i;
		return;
	}
	for (; i >= 0; i--)
		if (stack[i].qd == qd)
			break;
	if (i < 0)
		return;					/* started outside the run, or not timed */
	t = stack[i];
	memmove(&stack[i], &stack[i + 1],
			sizeof(TimedQuery) * (upkeep_patch_stack_depth - i - 1));
	upkeep_patch_stack_depth--;

	if (t.run_id == 0)
		return;					/* unattributed: counted as it started */
	statement_done(&t,
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
	uint64		own_run = upkeep_my_run_id;
	CommandTag	tag = CreateCommandTag(pstmt->utilityStmt);
	TimedQuery	t;
	int			pushed_at = -1;

	memset(&t, 0, sizeof(t));
	t.toplevel = upkeep_patch_stack_depth == 0 && utility_depth == 0;
	t.run_id = utility_is_timed(pstmt, context) ? statement_run(&t.wslot, true) : 0;
	if (t.run_id != 0)
		statement_start(&t);
	else if (counted_now && upkeep_patch_stack_depth < PATCH_STACK_MAX)
	{
		/* unattributed (counted_now): on the stack while it runs */
		t.nest_level = GetCurrentTransactionNestLevel();
		pushed_at = upkeep_patch_stack_depth;
		stack[upkeep_patch_stack_depth++] = t;
	}
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
		if (upkeep_my_run_id == own_run && utility_depth > 0)
			utility_depth--;
	}
	PG_END_TRY();

	/* it ended normally: off the stack (an error leaves it for emit_log) */
	if (pushed_at >= 0 && upkeep_patch_stack_depth > pushed_at &&
		stack[pushed_at].qd == NULL && stack[pushed_at].run_id == 0)
		upkeep_patch_stack_depth = pushed_at;

	/* the run may have ended (or one of its own begun) inside the statement */
	if (t.run_id != 0 && upkeep_my_run_id == own_run)
	{
		int64		rows = -1;

		if (qc != NULL && command_tag_display_rowcount(qc->commandTag))
			rows = (int64) qc->nprocessed;
		statement_done(&t, GetCommandTagName(tag),
					   queryString, pstmt->stmt_location, pstmt->stmt_len,
					   rows, NULL);
		if (t.toplevel)
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
	WindowRunSlot *wslot;
	TimedQuery *top;
	uint64		run;

	if (edata->elevel < ERROR || upkeep_patch_shared == NULL)
		return;

	/* the innermost statement being timed, else the client's statement */
	top = upkeep_patch_stack_depth > 0 ?
		&stack[upkeep_patch_stack_depth - 1] : NULL;
	if (top != NULL && top->run_id == 0)
		return;					/* unattributed, counted as it started */
	if (top != NULL && top->qd != NULL && top->qd->sourceText != NULL)
	{
		source = top->qd->sourceText;
		location = top->qd->plannedstmt->stmt_location;
		len = top->qd->plannedstmt->stmt_len;
		run = top->run_id;
		wslot = top->wslot;
	}
	else
	{
		/*
		 * Nothing on the stack (or a timed statement without its text): a
		 * statement that failed before the executor (parser, analysis,
		 * planning) was not counted yet; with no window patch open it is
		 * an unattributed one.  An error with no statement (a session
		 * ended while idle) is none.
		 */
		run = statement_run(&wslot, top == NULL && debug_query_string != NULL);
	}
	if (run == 0 || !count_statement(run, wslot, 0, false))
		return;
	if (my_proc_slot != NULL)
		pg_atomic_write_u64(&my_proc_slot->window_stmt_run, 0);

	uk_patchrec_init(&rec, UK_REC_ERROR);
	rec.run_id = run;
	rec.at_us = upkeep_patch_now_unix_us();
	sqlstate = unpack_sql_state(edata->sqlerrcode);
	memcpy(rec.sqlstate, sqlstate, 5);
	rec.sqlstate[5] = '\0';
	rec.message = edata->message != NULL ? edata->message : "";
	rec.query = statement_text(source, location, len);
	(void) upkeep_patch_write_record(&rec, true);
}

/*
 * The top-level transaction aborted: no executor statement of it reaches
 * ExecutorEnd.  (Utility nesting is undone by upkeep_patch_process_utility
 * itself.)
 */
void
upkeep_patch_xact_abort(void)
{
	upkeep_patch_stack_depth = 0;
	if (my_proc_slot != NULL)
		pg_atomic_write_u64(&my_proc_slot->window_stmt_run, 0);
}

/* An aborted subtransaction's statements never reach ExecutorEnd. */
void
upkeep_patch_subxact_abort(void)
{
	int			level = GetCurrentTransactionNestLevel();

	while (upkeep_patch_stack_depth > 0 &&
		   stack[upkeep_patch_stack_depth - 1].nest_level >= level)
		upkeep_patch_stack_depth--;
}
