/*
 * maintenance_state.c
 *		Maintenance mode: shared memory, the durable state file and the
 *		window log.
 *
 * Durability: the state is written to $PGDATA/upkeep/maintenance.state
 * (libcommon's uk_state, atomic and fsync'd) before the mode takes effect,
 * and re-read by the postmaster at every start and crash restart.  An
 * unreadable file fails safe: the cluster comes up in maintenance with a
 * WARNING.  The history of windows is libcommon's uk_winlog file next to it,
 * written outside any SQL transaction so a rollback cannot lose it.
 *
 * This file owns the shared memory setup and every write of the two files;
 * maintenance_sql.c decides when to write them.  See maintenance_int.h for
 * how the maintenance files fit together.
 *
 * Every change of the state file and the window log is WAL-logged first
 * (serialized here, written by wal_rmgr.c), and redo applies it here on a
 * standby and in crash recovery (upkeep_maint_redo_*, which _PG_init gives
 * wal_rmgr.c: it never calls this file itself), so that a promoted
 * standby enforces the window the primary was in.
 *
 * Locking rules are in upkeep.h (UpkeepShared): the state file and the
 * window log are written only while holding its lock exclusively.
 */
#include "postgres.h"

#include "access/twophase.h"
#include "miscadmin.h"
#include "storage/ipc.h"
#include "storage/proc.h"
#include "storage/shmem.h"
#include "utils/timestamp.h"

#include "uk_file.h"
#include "uk_state.h"
#include "uk_winlog.h"

#include "compat.h"
#include "maintenance_int.h"
#include "wal_int.h"

/* setting upkeep.maintenance_log_max (defined in upkeep.c) */
int			upkeep_maintenance_log_max = UK_WINLOG_MAX_DEFAULT;

/* ---------- shared memory ---------- */

static int
upkeep_nslots(void)
{
	return MaxBackends + NUM_AUXILIARY_PROCS + max_prepared_xacts;
}

Size
upkeep_maintenance_shmem_size(void)
{
	return add_size(offsetof(UpkeepShared, slots),
					mul_size(upkeep_nslots(), sizeof(UpkeepProcSlot)));
}

static void
set_state_file_failure(const char *message)
{
	UkMaintState *st = &upkeep_shared->state;

	upkeep_shared->state_unreadable = true;
	strlcpy(upkeep_shared->state_error, message,
			sizeof(upkeep_shared->state_error));
	st->active = true;
	st->has_token = false;
	st->started_at_us = TimestampTzToUnixUsecs(GetCurrentTimestamp());
	st->expected_end_us = 0;
	strlcpy(st->entered_by, "", sizeof(st->entered_by));
	snprintf(st->reason, sizeof(st->reason),
			 "the upkeep state file is unreadable (%s); read-only for safety until a DBA runs upkeep.exit_maintenance()",
			 message);
}

/*
 * Mark the window log record of a window whose drain was cut short by a
 * restart.  Best effort: the log is evidence, not state.
 */
static void
mark_interrupted_drain(uint64 window_id)
{
	UkWindowList list = {0};
	UkError    *err = NULL;

	if (uk_winlog_read(UPKEEP_WINLOG_FILE, &list, &err) != UK_OK)
	{
		uk_error_free(err);
		return;
	}
	for (size_t i = 0; i < list.n; i++)
	{
		UkWindow	w = list.items[i];

		if (w.window_id != window_id || w.drain_outcome != UK_DRAIN_RUNNING)
			continue;
		w.drain_outcome = UK_DRAIN_INTERRUPTED;
		strlcpy(w.drain_detail, "the server restarted during the drain",
				sizeof(w.drain_detail));
		if (uk_winlog_upsert(UPKEEP_WINLOG_FILE, &w,
							 (size_t) upkeep_maintenance_log_max, &err) != UK_OK)
			uk_error_free(err);
		break;
	}
	uk_winlog_list_free(&list);
}

/* Highest window id in the window log (0 if none or unreadable). */
uint64
upkeep_maint_winlog_max_id(void)
{
	UkWindowList list = {0};
	UkError    *err = NULL;
	uint64		max_id = 0;

	if (uk_winlog_read(UPKEEP_WINLOG_FILE, &list, &err) != UK_OK)
	{
		uk_error_free(err);
		return 0;
	}
	for (size_t i = 0; i < list.n; i++)
		max_id = Max(max_id, list.items[i].window_id);
	uk_winlog_list_free(&list);
	return max_id;
}

/*
 * No state file at start.  If the window log says its newest window is
 * still open, the file was lost (deleted, or a copy of the data directory
 * without it): fail safe as for an unreadable file, in that same window,
 * so that exit_maintenance() closes its log record.  Postmaster only.
 */
static void
restore_open_window_of_log(void)
{
	UkWindowList list = {0};
	UkError    *err = NULL;
	UkWindow	w;
	bool		open;
	char		message[512];

	if (uk_winlog_read(UPKEEP_WINLOG_FILE, &list, &err) != UK_OK)
	{
		uk_error_free(err);
		return;
	}
	open = uk_winlog_open_window(&list, &w);
	uk_winlog_list_free(&list);
	if (!open)
		return;

	snprintf(message, sizeof(message),
			 "the file is missing, but the maintenance log shows window %llu still open",
			 (unsigned long long) w.window_id);
	set_state_file_failure(message);
	upkeep_shared->state.window_id = w.window_id;
	upkeep_shared->state.started_at_us = w.entered_at_us;
	upkeep_shared->state.expected_end_us = w.expected_end_us;
	strlcpy(upkeep_shared->state.entered_by, w.entered_by,
			sizeof(upkeep_shared->state.entered_by));
	ereport(WARNING,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("upkeep maintenance state file \"%s\" is missing, but the maintenance log shows window %llu still open",
					UPKEEP_STATE_FILE, (unsigned long long) w.window_id),
			 errdetail("The cluster stays in maintenance mode (read-only) for safety."),
			 errhint("Check the data directory, then run SELECT upkeep.exit_maintenance() to return to read-write.")));
}

/*
 * on_shmem_exit callback of the postmaster (clean shutdown, crash
 * reinitialization): keep the refused-writes counter of the current window.
 * Only the counter is rewritten, and only into a state file that still
 * parses and belongs to the same window: shared memory that a crashed
 * backend may have damaged can never switch maintenance off.
 */
static void
persist_refused_writes(int code, Datum arg)
{
	UkMaintState st;
	UkError    *err = NULL;
	uint64		refused;

	if (upkeep_shared == NULL ||
		pg_atomic_read_u32(&upkeep_shared->phase) == UPKEEP_PHASE_OFF)
		return;
	refused = pg_atomic_read_u64(&upkeep_shared->refused_writes);
	if (uk_state_read(UPKEEP_STATE_FILE, &st, &err) != UK_OK)
	{
		uk_error_free(err);
		return;
	}
	if (!st.active ||
		st.window_id != pg_atomic_read_u64(&upkeep_shared->window_id) ||
		st.refused_writes == refused)
		return;
	st.refused_writes = refused;
	if (uk_state_write(UPKEEP_STATE_FILE, &st, &err) != UK_OK)
		uk_error_free(err);
}

/*
 * Set up shared state; when first created (postmaster start or crash
 * restart), load the durable state file.  Caller holds AddinShmemInitLock.
 */
void
upkeep_maintenance_shmem_init(bool found)
{
	UkError    *err = NULL;
	UkStatus	rc;

	if (found)
		return;
	if (!IsUnderPostmaster)
		on_shmem_exit(persist_refused_writes, (Datum) 0);

	pg_atomic_init_u32(&upkeep_shared->phase, UPKEEP_PHASE_OFF);
	pg_atomic_init_u64(&upkeep_shared->window_id, 0);
	pg_atomic_init_u64(&upkeep_shared->refused_writes, 0);
	pg_atomic_init_u64(&upkeep_shared->join_failures, 0);
	upkeep_shared->state_unreadable = false;
	upkeep_shared->state_error[0] = '\0';
	upkeep_shared->nmaintainers = 0;
	upkeep_shared->nslots = upkeep_nslots();
	memset(upkeep_shared->slots, 0,
		   sizeof(UpkeepProcSlot) * upkeep_shared->nslots);
	uk_state_init(&upkeep_shared->state);

	rc = uk_state_read(UPKEEP_STATE_FILE, &upkeep_shared->state, &err);
	if (rc == UK_ERR_NOT_FOUND)
	{
		uk_error_free(err);
		uk_state_init(&upkeep_shared->state);
		restore_open_window_of_log();
	}
	else if (rc != UK_OK)
	{
		char		message[512];

		strlcpy(message, err ? err->message : "unknown error", sizeof(message));
		uk_error_free(err);
		uk_state_init(&upkeep_shared->state);
		set_state_file_failure(message);
		upkeep_shared->state.window_id = upkeep_maint_winlog_max_id() + 1;
		ereport(WARNING,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("could not read upkeep maintenance state file \"%s\": %s",
						UPKEEP_STATE_FILE, message),
				 errdetail("The cluster stays in maintenance mode (read-only) for safety."),
				 errhint("Check the file, then run SELECT upkeep.exit_maintenance() to return to read-write.")));
	}

	if (upkeep_shared->state.active)
	{
		pg_atomic_write_u64(&upkeep_shared->window_id,
							upkeep_shared->state.window_id);
		pg_atomic_write_u64(&upkeep_shared->refused_writes,
							upkeep_shared->state.refused_writes);
		pg_atomic_write_u32(&upkeep_shared->phase, UPKEEP_PHASE_ACTIVE);
		if (!upkeep_shared->state_unreadable)
		{
			mark_interrupted_drain(upkeep_shared->state.window_id);
			ereport(LOG,
					(errmsg("upkeep: cluster is in maintenance mode (window %llu): %s",
							(unsigned long long) upkeep_shared->state.window_id,
							upkeep_shared->state.reason)));
		}
	}
}

/* Turn a libcommon error into an ereport; frees err. */
void
upkeep_maint_report_uk_error(int elevel, UkError *err, const char *context)
{
	char		message[512];
	int			saved_errno = err ? err->sys_errno : 0;
	UkStatus	code = err ? err->code : UK_ERR_IO;

	strlcpy(message, err ? err->message : "unknown error", sizeof(message));
	uk_error_free(err);
	if (code == UK_ERR_INVALID)
		ereport(elevel,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s", message)));
	else
	{
		errno = saved_errno;
		ereport(elevel,
				(saved_errno ? errcode_for_file_access() : errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("%s: %s", context, message)));
	}
}

/*
 * WAL-log the state (and the phase it puts the window in) before it is
 * written to the file.  Raises ERROR if the state cannot be serialized
 * (the file could not be written either).  Caller holds UpkeepShared->lock
 * exclusively.
 */
XLogRecPtr
upkeep_maint_wal_log_state(const UkMaintState *st, uint32 phase)
{
	char	   *text = NULL;
	size_t		len = 0;
	UkError    *err = NULL;
	XLogRecPtr	lsn;

	if (uk_state_format(st, &text, &len, &err) != UK_OK)
		upkeep_maint_report_uk_error(ERROR, err, "could not WAL-log the upkeep maintenance state");
	PG_TRY();
	{
		lsn = upkeep_wal_log_state(phase, text, len);
	}
	PG_FINALLY();
	{
		free(text);
	}
	PG_END_TRY();
	upkeep_shared->window_lsn = lsn;
	return lsn;
}

/*
 * WAL-log one window log record, serialized, before the log file is
 * changed.  A record that cannot be serialized is a WARNING (the file
 * write fails the same way).  Caller holds UpkeepShared->lock exclusively.
 */
XLogRecPtr
upkeep_maint_wal_log_window(const UkWindow *w)
{
	UkWindowList one = {unconstify(UkWindow *, w), 1, 0};
	char	   *text = NULL;
	size_t		len = 0;
	UkError    *err = NULL;
	XLogRecPtr	lsn;

	if (uk_winlog_format(&one, &text, &len, &err) != UK_OK)
	{
		upkeep_maint_report_uk_error(WARNING, err, "could not WAL-log the upkeep maintenance log");
		return InvalidXLogRecPtr;
	}
	PG_TRY();
	{
		lsn = upkeep_wal_log_window(text, len);
	}
	PG_FINALLY();
	{
		free(text);
	}
	PG_END_TRY();
	upkeep_shared->window_lsn = lsn;
	return lsn;
}

/* Write the window log record; a failure is a WARNING, never an error. */
void
upkeep_maint_winlog_save(const UkWindow *w)
{
	UkError    *err = NULL;

	if (upkeep_wal_enabled())
		(void) upkeep_maint_wal_log_window(w);
	if (uk_dir_ensure(UPKEEP_DIR, &err) != UK_OK ||
		uk_winlog_upsert(UPKEEP_WINLOG_FILE, w,
						 (size_t) upkeep_maintenance_log_max, &err) != UK_OK)
		upkeep_maint_report_uk_error(WARNING, err, "could not update upkeep maintenance log");
}

/* Find the log record of window_id; false if absent. */
bool
upkeep_maint_winlog_find(uint64 window_id, UkWindow *out)
{
	UkWindowList list = {0};
	UkError    *err = NULL;
	bool		found = false;

	if (uk_winlog_read(UPKEEP_WINLOG_FILE, &list, &err) != UK_OK)
	{
		upkeep_maint_report_uk_error(WARNING, err, "could not read upkeep maintenance log");
		return false;
	}
	for (size_t i = 0; i < list.n; i++)
	{
		if (list.items[i].window_id == window_id)
		{
			*out = list.items[i];
			found = true;
		}
	}
	uk_winlog_list_free(&list);
	return found;
}

/*
 * WAL-log the state (the phase it starts: draining when active), then
 * write the state file; raises ERROR on failure.  Caller holds lock
 * exclusively.
 */
void
upkeep_maint_state_save(const UkMaintState *st)
{
	UkError    *err = NULL;

	if (upkeep_wal_enabled())
		(void) upkeep_maint_wal_log_state(st, st->active ? UPKEEP_PHASE_DRAINING :
										  UPKEEP_PHASE_OFF);

	if (uk_dir_ensure(UPKEEP_DIR, &err) != UK_OK ||
		uk_state_write(UPKEEP_STATE_FILE, st, &err) != UK_OK)
		upkeep_maint_report_uk_error(ERROR, err, "could not write upkeep maintenance state file");
}

/*
 * Leave maintenance: write the inactive state durably, then switch the
 * phase off and end the window patch runs still open as aborted.  Caller holds lock exclusively.  Raises ERROR (still in
 * maintenance) if the state file cannot be written.
 */
void
upkeep_maint_leave_locked(void)
{
	UkMaintState st = upkeep_shared->state;

	st.active = false;
	st.has_token = false;
	st.refused_writes = pg_atomic_read_u64(&upkeep_shared->refused_writes);
	upkeep_maint_state_save(&st);
	upkeep_shared->state = st;
	upkeep_shared->state_unreadable = false;
	upkeep_shared->state_error[0] = '\0';
	upkeep_shared->nmaintainers = 0;
	pg_atomic_write_u32(&upkeep_shared->phase, UPKEEP_PHASE_OFF);
	/* window patch runs end with their window */
	(void) upkeep_window_runs_abort(st.window_id);
}

/* ---------- redo (startup process, through wal_rmgr.c) ---------- */

/*
 * Apply a replayed state: st as written to the state file already, phase
 * the one the primary entered with it.  st NULL: the record could not be
 * read (error says why); fail safe as for an unreadable state file.
 */
static void
apply_redo_state(const UkMaintState *st, uint32 phase, const char *error,
				 uint64 lsn)
{
	LWLockAcquire(upkeep_shared->lock, LW_EXCLUSIVE);
	if (st == NULL)
	{
		char		message[512];

		snprintf(message, sizeof(message),
				 "a maintenance state record in the WAL could not be read (%s)", error);
		set_state_file_failure(message);
		pg_atomic_write_u64(&upkeep_shared->window_id, upkeep_shared->state.window_id);
		pg_atomic_write_u32(&upkeep_shared->phase, UPKEEP_PHASE_ACTIVE);
	}
	else
	{
		bool		same_window = st->active && upkeep_shared->state.active &&
			st->window_id == upkeep_shared->state.window_id;

		upkeep_shared->state = *st;
		upkeep_shared->state_unreadable = false;
		upkeep_shared->state_error[0] = '\0';
		if (!same_window)
			upkeep_shared->nmaintainers = 0;
		pg_atomic_write_u64(&upkeep_shared->refused_writes, st->refused_writes);
		if (st->active)
		{
			pg_atomic_write_u64(&upkeep_shared->window_id, st->window_id);
			pg_atomic_write_u32(&upkeep_shared->phase,
								phase == UPKEEP_PHASE_DRAINING ?
								UPKEEP_PHASE_DRAINING : UPKEEP_PHASE_ACTIVE);
		}
		else
			pg_atomic_write_u32(&upkeep_shared->phase, UPKEEP_PHASE_OFF);
	}
	upkeep_shared->window_lsn = lsn;
	LWLockRelease(upkeep_shared->lock);
	if (st == NULL)
		ereport(WARNING,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("upkeep: a maintenance state record in the WAL at %X/%X could not be read: %s",
						LSN_FORMAT_ARGS(lsn), error),
				 errdetail("This server stays in maintenance mode (read-only) for safety."),
				 errhint("Use the same upkeep version on the primary and every standby.")));
}

/*
 * Apply a replayed window log record; a finished drain of the current
 * window makes it active.  Failures are WARNINGs: the log is evidence.
 */
static void
apply_redo_window(const UkWindow *w, uint64 lsn)
{
	LWLockAcquire(upkeep_shared->lock, LW_EXCLUSIVE);
	upkeep_maint_winlog_save(w);	/* no WAL: redo does not write WAL */
	if (upkeep_shared->state.active &&
		w->window_id == upkeep_shared->state.window_id &&
		w->drain_outcome != UK_DRAIN_RUNNING && w->exited_at_us == 0 &&
		pg_atomic_read_u32(&upkeep_shared->phase) == UPKEEP_PHASE_DRAINING)
		pg_atomic_write_u32(&upkeep_shared->phase, UPKEEP_PHASE_ACTIVE);
	upkeep_shared->window_lsn = lsn;
	LWLockRelease(upkeep_shared->lock);
}

/*
 * Redo of a STATE record (data: the phase, then the state file's text):
 * write the state file, then apply it.  A record that does not parse fails
 * safe, in maintenance, with a WARNING; a state file that cannot be
 * written is FATAL (see wal_rmgr.c).
 */
void
upkeep_maint_redo_state(const char *data, size_t len, uint64 lsn)
{
	UkMaintState st;
	uint32		phase;
	UkError    *err = NULL;
	char		message[512];

	if (len < sizeof(phase))
	{
		apply_redo_state(NULL, 0, "the WAL record is too short", lsn);
		return;
	}
	memcpy(&phase, data, sizeof(phase));
	if (uk_state_parse(data + sizeof(phase), len - sizeof(phase), &st, &err) != UK_OK)
	{
		strlcpy(message, err ? err->message : "unknown error", sizeof(message));
		uk_error_free(err);
		apply_redo_state(NULL, 0, message, lsn);
		return;
	}
	if (uk_dir_ensure(UPKEEP_DIR, &err) != UK_OK ||
		uk_state_write(UPKEEP_STATE_FILE, &st, &err) != UK_OK)
	{
		strlcpy(message, err ? err->message : "unknown error", sizeof(message));
		uk_error_free(err);
		ereport(FATAL,
				(errcode_for_file_access(),
				 errmsg("could not write upkeep maintenance state file \"%s\" during WAL replay: %s",
						UPKEEP_STATE_FILE, message),
				 errhint("Free space or fix the permissions of the data directory's upkeep directory, then start the server again: replay resumes with this record.")));
	}
	apply_redo_state(&st, phase, NULL, lsn);
}

/*
 * Redo of a WINLOG record (data: one window log record, serialized): apply
 * it; a finished drain of the current window makes it active.  Failures
 * are WARNINGs: the log is evidence.
 */
void
upkeep_maint_redo_window(const char *data, size_t len, uint64 lsn)
{
	UkWindowList list = {0};
	UkWindow	w;
	UkError    *err = NULL;

	if (uk_winlog_parse(data, len, &list, &err) != UK_OK || list.n != 1)
	{
		if (err == NULL)
			ereport(WARNING,
					(errmsg("upkeep: a maintenance log record in the WAL at %X/%X could not be read; it is skipped",
							LSN_FORMAT_ARGS(lsn))));
		else
			upkeep_maint_report_uk_error(WARNING, err, "could not read a maintenance log record from the WAL");
		uk_winlog_list_free(&list);
		return;
	}
	w = list.items[0];
	uk_winlog_list_free(&list);
	apply_redo_window(&w, lsn);
}

/*
 * End of recovery: a drain that never finished ended with its primary;
 * the window is active here now.
 */
void
upkeep_maint_redo_end(void)
{
	uint64		window = 0;
	char		reason[UK_REASON_MAX + 1];

	LWLockAcquire(upkeep_shared->lock, LW_EXCLUSIVE);
	if (pg_atomic_read_u32(&upkeep_shared->phase) != UPKEEP_PHASE_OFF)
	{
		pg_atomic_write_u32(&upkeep_shared->phase, UPKEEP_PHASE_ACTIVE);
		window = upkeep_shared->state.window_id;
		strlcpy(reason, upkeep_shared->state.reason, sizeof(reason));
	}
	LWLockRelease(upkeep_shared->lock);
	if (window != 0)
		ereport(LOG,
				(errmsg("upkeep: recovery ends in maintenance window %llu: %s",
						(unsigned long long) window, reason)));
}
