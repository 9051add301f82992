/*
 * patchlog_window.c
 *		Window patches: runs that the runner of a maintenance window opens
 *		for the whole window (`upkeep run`), and that the statements of
 *		the window's other maintainer sessions are attributed to.
 *
 * An upgrade command (bench migrate, odoo -u) never calls patch_begin().
 * The program that runs it for a window reads its output and brackets each
 * patch with window_patch_begin() / window_patch_end() in its own session;
 * every statement of a maintainer session of that window that has no patch
 * of its own is then counted, timed and recorded against the innermost
 * open window patch run, as if that session had called patch_begin()
 * itself (patchlog_run.c does the per-statement part).  At most two
 * levels are open: the outer run and one nested step (an Odoo migration
 * script inside its module), whose parent_run_id is the outer run.
 * Leaving maintenance ends the runs still open as "aborted".
 *
 * Who may call them: a maintainer of the active window (the session that
 * entered it, or one that joined with the token), checked here rather
 * than with GRANTs, since joined maintainers are ordinary roles.  A
 * session that calls them (or enter_maintenance()) is the window's runner
 * and is never attributed itself.
 *
 * Records: a window patch run is logged like a session's run (BEGIN with
 * its window_id and parent_run_id, STMT, ERROR, END: libcommon's
 * uk_patch.h) in the same log file, so it survives restarts the same way;
 * a run open at a restart shows "aborted", its session -- the window's
 * runner -- being gone.
 *
 * Shared state: PatchShared->window (patchlog_int.h), next to the
 * sessions' slots.  Locking rules:
 * - depth and every field of levels[] are changed only while holding
 *	 upkeep_patch_shared->lock exclusively, and read under it (shared),
 *	 except the atomics below.
 * - current_run (the innermost open run), runs_window and levels[].run_id
 *	 are written under the lock and read without it by the per-statement
 *	 path: runs_window before current_run, with a barrier between.
 * - the counters of levels[] and unattributed are atomics that attributed
 *	 sessions add to without the lock; unattributed_window and the reset
 *	 of unattributed happen at enter_maintenance() under the lock.
 * - window_patch_begin()/_end() take upkeep_shared->lock (shared) before
 *	 the patch lock, and exit_maintenance() calls upkeep_window_runs_abort()
 *	 holding upkeep_shared->lock exclusively: no run opens in a window that
 *	 is ending.
 */
#include "postgres.h"

#include "commands/dbcommands.h"
#include "miscadmin.h"
#include "storage/proc.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "uk_patch.h"

#include "compat.h"
#include "patchlog_int.h"
#include "wal_int.h"

PG_FUNCTION_INFO_V1(window_patch_begin);
PG_FUNCTION_INFO_V1(window_patch_end);

/*
 * The active window, when this session is one of its maintainers; raises
 * the errors of the contract otherwise.  Takes upkeep_shared->lock shared
 * and returns holding it: the caller releases it.
 */
static uint64
lock_window_of_maintainer(const char *what)
{
	uint64		window;

	upkeep_patch_require_shmem();
	LWLockAcquire(upkeep_shared->lock, LW_SHARED);
	window = pg_atomic_read_u64(&upkeep_shared->window_id);
	if (pg_atomic_read_u32(&upkeep_shared->phase) == UPKEEP_PHASE_OFF)
	{
		LWLockRelease(upkeep_shared->lock);
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cannot %s: maintenance mode is not active", what),
				 errhint("Window patches belong to a maintenance window: enter one with upkeep.enter_maintenance() first.")));
	}
	if (upkeep_my_window != window)
	{
		LWLockRelease(upkeep_shared->lock);
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to %s", what),
				 errdetail("Only maintainers of the active maintenance window (the session that entered it, or one that joined it) may open or end its window patches."),
				 errhint("Join the window first with upkeep.join_maintenance(token).")));
	}
	/* from now on this session is the window's runner: never attributed */
	upkeep_window_runner_of = window;
	upkeep_stmt_hooks_update();
	upkeep_patch_publish_member(0);
	return window;
}

/* Publish the innermost open run.  Caller holds the patch lock exclusively. */
static void
publish_current_locked(WindowPatchShared *wp)
{
	uint64		run = wp->depth > 0 ?
		pg_atomic_read_u64(&wp->levels[wp->depth - 1].run_id) : 0;

	pg_write_barrier();
	pg_atomic_write_u64(&wp->current_run, run);
}

/*
 * window_patch_begin(name, app, nested): open a window patch run; returns
 * its run id.
 */
Datum
window_patch_begin(PG_FUNCTION_ARGS)
{
	char	   *name = text_arg_or_null(fcinfo, 0);
	char	   *app = text_arg_or_null(fcinfo, 1);
	bool		nested = PG_ARGISNULL(2) ? false : PG_GETARG_BOOL(2);
	WindowPatchShared *wp;
	WindowRunSlot *w;
	UkError    *err = NULL;
	UkPatchRec	rec;
	char	   *dbname;
	char	   *username;
	uint64		window;
	uint64		run_id;
	bool		ok;
	int			saved_errno;

	upkeep_patch_require_shmem();
	upkeep_wal_require_primary("upkeep.window_patch_begin()");	/* issue 14 */
	if (uk_patch_name_validate(name, &err) != UK_OK ||
		uk_patch_app_validate(app, &err) != UK_OK)
		report_invalid(err);
	dbname = get_database_name(MyDatabaseId);
	username = GetUserNameFromId(GetSessionUserId(), false);

	window = lock_window_of_maintainer("open a window patch");
	wp = &upkeep_patch_shared->window;
	LWLockAcquire(upkeep_patch_shared->lock, LW_EXCLUSIVE);
	if (wp->depth > 0 && pg_atomic_read_u64(&wp->runs_window) != window)
		wp->depth = 0;			/* left over from a window that ended: never */
	if (!nested && wp->depth > 0)
	{
		char		open_name[UK_PATCH_NAME_MAX + 1];

		strlcpy(open_name, wp->levels[0].name, sizeof(open_name));
		LWLockRelease(upkeep_patch_shared->lock);
		LWLockRelease(upkeep_shared->lock);
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("window patch \"%s\" is still open", open_name),
				 errhint("End it with upkeep.window_patch_end() first, or pass nested => true to open a step inside it.")));
	}
	if (nested && wp->depth != 1)
	{
		bool		none = wp->depth == 0;

		LWLockRelease(upkeep_patch_shared->lock);
		LWLockRelease(upkeep_shared->lock);
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 none ?
				 errmsg("cannot open a nested window patch: no window patch is open") :
				 errmsg("cannot open a nested window patch: a nested step is already open"),
				 none ?
				 errhint("Open the outer one first with upkeep.window_patch_begin(name).") :
				 errhint("Window patches have two levels at most: end the step first.")));
	}

	w = &wp->levels[wp->depth];
	uk_patchrec_init(&rec, UK_REC_BEGIN);
	rec.at_us = upkeep_patch_now_unix_us();
	rec.pid = MyProcPid;
	rec.database = dbname != NULL ? dbname : "";
	rec.username = username;
	rec.name = name;
	rec.app = app != NULL ? app : "";
	rec.window_id = window;
	rec.parent_run_id = nested ? pg_atomic_read_u64(&wp->levels[0].run_id) : 0;
	run_id = upkeep_patch_shared->next_run_id++;
	rec.run_id = run_id;
	ok = upkeep_patch_write_record_locked(&rec, true);
	saved_errno = errno;
	if (ok)
	{
		w->parent_run_id = rec.parent_run_id;
		w->pid = MyProcPid;
		w->started_at = UnixUsecsToTimestampTz(rec.at_us);
		strlcpy(w->name, name, sizeof(w->name));
		strlcpy(w->app, rec.app, sizeof(w->app));
		strlcpy(w->database, rec.database, sizeof(w->database));
		strlcpy(w->username, rec.username, sizeof(w->username));
		pg_atomic_write_u64(&w->statements, 0);
		pg_atomic_write_u64(&w->slow_statements, 0);
		pg_atomic_write_u64(&w->lock_wait_us, 0);
		pg_atomic_write_u64(&w->run_id, run_id);
		pg_atomic_write_u64(&wp->runs_window, window);
		wp->depth++;
		publish_current_locked(wp);
	}
	LWLockRelease(upkeep_patch_shared->lock);
	LWLockRelease(upkeep_shared->lock);
	if (!ok)
	{
		errno = saved_errno;
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not write upkeep patch log \"%s\": %m",
						PATCH_LOG_FILE)));
	}
	PG_RETURN_INT64((int64) run_id);
}

/*
 * End the innermost open run with status.  Caller holds the patch lock
 * exclusively, and checked that a run is open.  Returns its id.
 */
static uint64
end_innermost_locked(WindowPatchShared *wp, UkRunStatus status,
					 const char *message, bool quiet, bool *ok)
{
	WindowRunSlot *w = &wp->levels[wp->depth - 1];
	uint64		run_id = pg_atomic_read_u64(&w->run_id);
	UkPatchRec	rec;

	/* statements starting from now on go to the parent run, or none */
	wp->depth--;
	publish_current_locked(wp);
	pg_atomic_write_u64(&w->run_id, 0);

	uk_patchrec_init(&rec, UK_REC_END);
	rec.run_id = run_id;
	rec.at_us = upkeep_patch_now_unix_us();
	rec.status = status;
	rec.statements = pg_atomic_read_u64(&w->statements);
	rec.slow_statements = pg_atomic_read_u64(&w->slow_statements);
	rec.lock_wait_us = (int64) pg_atomic_read_u64(&w->lock_wait_us);
	rec.message = message != NULL ? message : "";
	*ok = upkeep_patch_write_record_locked(&rec, quiet);
	return run_id;
}

/* window_patch_end(status, error): end the innermost open window patch run. */
Datum
window_patch_end(PG_FUNCTION_ARGS)
{
	char	   *status_text = text_arg_or_null(fcinfo, 0);
	char	   *message = text_arg_or_null(fcinfo, 1);
	WindowPatchShared *wp;
	UkRunStatus status;
	UkError    *err = NULL;
	uint64		window;
	uint64		run_id;
	bool		ok;
	int			saved_errno;

	upkeep_patch_require_shmem();
	if (uk_run_status_parse(status_text, &status, &err) != UK_OK)
		report_invalid(err);
	if (message != NULL)
		message[uk_utf8_cut(message, strlen(message), UK_PATCH_MESSAGE_MAX)] = '\0';

	window = lock_window_of_maintainer("end a window patch");
	wp = &upkeep_patch_shared->window;
	LWLockAcquire(upkeep_patch_shared->lock, LW_EXCLUSIVE);
	if (wp->depth == 0 || pg_atomic_read_u64(&wp->runs_window) != window)
	{
		LWLockRelease(upkeep_patch_shared->lock);
		LWLockRelease(upkeep_shared->lock);
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("no window patch is open"),
				 errhint("Open one with upkeep.window_patch_begin(name).")));
	}
	run_id = end_innermost_locked(wp, status, message, true, &ok);
	saved_errno = errno;
	LWLockRelease(upkeep_patch_shared->lock);
	LWLockRelease(upkeep_shared->lock);
	if (!ok)
	{
		errno = saved_errno;
		ereport(WARNING,
				(errcode_for_file_access(),
				 errmsg("could not write upkeep patch log \"%s\": %m",
						PATCH_LOG_FILE),
				 errdetail("Window patch run %llu ended, but its end was not recorded.",
						   (unsigned long long) run_id)));
	}
	PG_RETURN_INT64((int64) run_id);
}

/*
 * The window is ending: end its open window patch runs as "aborted",
 * innermost first.  Never raises an error (a log write that fails is
 * reported by the log).  Returns how many were open.  Caller holds
 * upkeep_shared->lock exclusively.
 */
int
upkeep_window_runs_abort(uint64 window)
{
	WindowPatchShared *wp;
	int			n = 0;

	if (upkeep_patch_shared == NULL)
		return 0;
	wp = &upkeep_patch_shared->window;
	LWLockAcquire(upkeep_patch_shared->lock, LW_EXCLUSIVE);
	if (pg_atomic_read_u64(&wp->runs_window) == window)
	{
		while (wp->depth > 0)
		{
			bool		ok;

			(void) end_innermost_locked(wp, UK_RUN_ABORTED,
										"maintenance ended with the window patch open",
										true, &ok);
			n++;
		}
	}
	LWLockRelease(upkeep_patch_shared->lock);
	return n;
}

/*
 * A new window begins: its unattributed statements count from zero, and
 * its entering session is its runner.  Caller holds upkeep_shared->lock
 * exclusively.
 */
void
upkeep_window_runs_reset(uint64 window)
{
	WindowPatchShared *wp;

	upkeep_window_runner_of = window;
	upkeep_stmt_hooks_update();
	if (upkeep_patch_shared == NULL)
		return;
	wp = &upkeep_patch_shared->window;
	LWLockAcquire(upkeep_patch_shared->lock, LW_EXCLUSIVE);
	pg_atomic_write_u64(&wp->unattributed, 0);
	pg_atomic_write_u64(&wp->unattributed_window, window);
	LWLockRelease(upkeep_patch_shared->lock);
}

/*
 * For maintenance_status(): the innermost open window patch run of window
 * (run id 0 and name "" if none) and the window's unattributed statements.
 */
void
upkeep_window_status(uint64 window, uint64 *run_id, char *name, size_t cap,
					 uint64 *unattributed)
{
	WindowPatchShared *wp;

	*run_id = 0;
	*unattributed = 0;
	name[0] = '\0';
	if (upkeep_patch_shared == NULL)
		return;
	wp = &upkeep_patch_shared->window;
	LWLockAcquire(upkeep_patch_shared->lock, LW_SHARED);
	if (wp->depth > 0 && pg_atomic_read_u64(&wp->runs_window) == window)
	{
		WindowRunSlot *w = &wp->levels[wp->depth - 1];

		*run_id = pg_atomic_read_u64(&w->run_id);
		strlcpy(name, w->name, cap);
	}
	if (pg_atomic_read_u64(&wp->unattributed_window) == window)
		*unattributed = pg_atomic_read_u64(&wp->unattributed);
	LWLockRelease(upkeep_patch_shared->lock);
}
