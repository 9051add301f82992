/*
 * maintenance_sql.c
 *		Maintenance mode: the SQL-callable functions enter_maintenance(),
 *		join_maintenance(), exit_maintenance(), maintenance_status() and
 *		maintenance_log_entries().
 *
 * These validate their arguments, change the phase and the maintainer set
 * under the lock, and use maintenance_state.c to write the state file and
 * the window log and maintenance_drain.c to drain.  The resulting phase is
 * enforced in every backend by maintenance_enforce.c.  See
 * maintenance_int.h for how the maintenance files fit together.
 *
 * Locking rules are in upkeep.h (UpkeepShared).
 */
#include "postgres.h"

#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_type.h"
#include "common/int.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/pg_lsn.h"
#include "utils/timestamp.h"

#include "uk_patch.h"
#include "uk_state.h"
#include "uk_token.h"
#include "uk_validate.h"
#include "uk_winlog.h"

#include "compat.h"
#include "maintenance_int.h"
#include "wal_int.h"

PG_FUNCTION_INFO_V1(enter_maintenance);
PG_FUNCTION_INFO_V1(join_maintenance);
PG_FUNCTION_INFO_V1(exit_maintenance);
PG_FUNCTION_INFO_V1(maintenance_status);
PG_FUNCTION_INFO_V1(maintenance_log_entries);

static void
require_preloaded(void)
{
	if (upkeep_shared == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("upkeep must be loaded via shared_preload_libraries")));
}

/*
 * An interval as microseconds (a month counts 30 days).  what names the
 * argument in the error raised when it does not fit.
 */
static int64
interval_to_us(Interval *iv, const char *what)
{
	int64		days_us;
	int64		months_us;
	int64		total;

	if (pg_mul_s64_overflow((int64) iv->day, USECS_PER_DAY, &days_us) ||
		pg_mul_s64_overflow((int64) iv->month, DAYS_PER_MONTH * USECS_PER_DAY, &months_us) ||
		pg_add_s64_overflow(iv->time, days_us, &total) ||
		pg_add_s64_overflow(total, months_us, &total))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s is too large", what)));
	return total;
}

static char *
current_role_name(void)
{
	return GetUserNameFromId(GetUserId(), false);
}

/* ---------- SQL functions ---------- */

/*
 * enter_maintenance(reason, expected_duration, drain_timeout, on_timeout)
 *		returns the join token.
 */
Datum
enter_maintenance(PG_FUNCTION_ARGS)
{
	char	   *reason;
	int64		expected_us = 0;
	int64		drain_us;
	UkDrainAction action;
	UkError    *err = NULL;
	char		token[UK_TOKEN_LEN + 1];
	uint8_t		token_hash[UK_SHA256_LEN];
	UkMaintState st;
	UkWindow	w;
	uint64		window;
	DrainResult res = {0};
	char	   *role = NULL;
	uint64		window_lsn;

	require_preloaded();

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("maintenance reason must not be NULL"),
				 errhint("Say why, for example: SELECT upkeep.enter_maintenance('ERPNext upgrade to v15');")));
	reason = text_to_cstring(PG_GETARG_TEXT_PP(0));
	if (uk_reason_validate(reason, &err) != UK_OK)
		upkeep_maint_report_uk_error(ERROR, err, "invalid reason");

	if (!PG_ARGISNULL(1))
	{
		expected_us = interval_to_us(PG_GETARG_INTERVAL_P(1), "expected_duration");
		if (uk_duration_validate("expected_duration", expected_us,
								 UK_DURATION_MAX_US, &err) != UK_OK)
			upkeep_maint_report_uk_error(ERROR, err, "invalid expected_duration");
	}
	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("drain_timeout must not be NULL"),
				 errhint("Use '0 seconds' to not wait for writers at all.")));
	drain_us = interval_to_us(PG_GETARG_INTERVAL_P(2), "drain_timeout");
	if (uk_duration_validate("drain_timeout", drain_us,
							 UK_DRAIN_TIMEOUT_MAX_US, &err) != UK_OK)
		upkeep_maint_report_uk_error(ERROR, err, "invalid drain_timeout");
	if (PG_ARGISNULL(3))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("on_timeout must not be NULL"),
				 errhint("Use 'fail' or 'terminate'.")));
	if (uk_drain_action_parse(text_to_cstring(PG_GETARG_TEXT_PP(3)), &action,
							  &err) != UK_OK)
		upkeep_maint_report_uk_error(ERROR, err, "invalid on_timeout");
	if (action == UK_DRAIN_TERMINATE &&
		!has_privs_of_role(GetUserId(), ROLE_PG_SIGNAL_BACKEND))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to use on_timeout 'terminate'"),
				 errdetail("Only roles with the privileges of the \"pg_signal_backend\" role may end other sessions.")));
	if (PG_NARGS() > 4 && !PG_ARGISNULL(4) &&
		uk_duration_validate("wait_for_standbys",
							 interval_to_us(PG_GETARG_INTERVAL_P(4), "wait_for_standbys"),
							 UK_DRAIN_TIMEOUT_MAX_US, &err) != UK_OK)
		upkeep_maint_report_uk_error(ERROR, err, "invalid wait_for_standbys");
	if (RecoveryInProgress())
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cannot enter maintenance mode on a standby"),
				 errdetail("A standby is read-only already; enter maintenance on the primary.")));

	role = current_role_name();
	upkeep_maint_ensure_exit_callback();

	/* Switch to "draining", durably. */
	LWLockAcquire(upkeep_shared->lock, LW_EXCLUSIVE);
	if (pg_atomic_read_u32(&upkeep_shared->phase) != UPKEEP_PHASE_OFF)
	{
		char		who[UK_NAME_MAX + 1];

		strlcpy(who, upkeep_shared->state.entered_by, sizeof(who));
		LWLockRelease(upkeep_shared->lock);
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("maintenance mode is already active"),
				 errdetail("Entered by \"%s\"; see upkeep.maintenance.", who),
				 errhint("Use upkeep.join_maintenance(token) to join the window, or upkeep.exit_maintenance() to end it.")));
	}
	if (uk_token_generate(token, token_hash, &err) != UK_OK)
	{
		LWLockRelease(upkeep_shared->lock);
		upkeep_maint_report_uk_error(ERROR, err, "could not generate a join token");
	}
	window = Max(upkeep_shared->state.window_id, upkeep_maint_winlog_max_id()) + 1;

	uk_state_init(&st);
	memcpy(st.token_hash, token_hash, sizeof(st.token_hash));
	st.has_token = true;
	st.active = true;
	st.window_id = window;
	st.started_at_us = TimestampTzToUnixUsecs(GetCurrentTimestamp());
	st.expected_end_us = PG_ARGISNULL(1) ? 0 : st.started_at_us + expected_us;
	st.entered_by_id = GetUserId();
	strlcpy(st.entered_by, role, sizeof(st.entered_by));
	strlcpy(st.reason, reason, sizeof(st.reason));
	st.refused_writes = 0;
	upkeep_maint_state_save(&st);			/* ERROR here changes nothing */

	upkeep_shared->state = st;
	upkeep_shared->nmaintainers = 0;
	pg_atomic_write_u64(&upkeep_shared->refused_writes, 0);
	pg_atomic_write_u64(&upkeep_shared->window_id, window);
	upkeep_window_runs_reset(window);	/* and this session is its runner */
	upkeep_maint_add_maintainer(window);
	pg_atomic_write_u32(&upkeep_shared->phase, UPKEEP_PHASE_DRAINING);

	uk_window_init(&w);
	w.window_id = window;
	w.entered_at_us = st.started_at_us;
	strlcpy(w.entered_by, role, sizeof(w.entered_by));
	strlcpy(w.reason, reason, sizeof(w.reason));
	w.expected_end_us = st.expected_end_us;
	upkeep_maint_winlog_save(&w);
	LWLockRelease(upkeep_shared->lock);
	upkeep_maint_broadcast_window_start();

	/* Drain; any error (cancel, window ended) leaves maintenance off again. */
	PG_TRY();
	{
		upkeep_maint_drain_writers(window, drain_us, action, &res);
	}
	PG_CATCH();
	{
		HOLD_INTERRUPTS();
		LWLockAcquire(upkeep_shared->lock, LW_EXCLUSIVE);
		if (pg_atomic_read_u64(&upkeep_shared->window_id) == window &&
			pg_atomic_read_u32(&upkeep_shared->phase) != UPKEEP_PHASE_OFF)
		{
			UkMaintState off = upkeep_shared->state;

			off.active = false;
			off.has_token = false;
			(void) upkeep_maint_wal_log_state(&off, UPKEEP_PHASE_OFF);
			if (uk_state_write(UPKEEP_STATE_FILE, &off, &err) == UK_OK)
			{
				upkeep_shared->state = off;
				upkeep_shared->nmaintainers = 0;
				pg_atomic_write_u32(&upkeep_shared->phase, UPKEEP_PHASE_OFF);
				(void) upkeep_window_runs_abort(window);
			}
			else
				uk_error_free(err);
			w.drain_outcome = UK_DRAIN_FAILED;
			strlcpy(w.drain_detail, "the drain was interrupted", sizeof(w.drain_detail));
			w.exited_at_us = TimestampTzToUnixUsecs(GetCurrentTimestamp());
			strlcpy(w.exited_by, role, sizeof(w.exited_by));
			(void) upkeep_maint_wal_log_window(&w);
			if (uk_winlog_upsert(UPKEEP_WINLOG_FILE, &w,
								 (size_t) upkeep_maintenance_log_max, &err) != UK_OK)
				uk_error_free(err);
		}
		LWLockRelease(upkeep_shared->lock);
		upkeep_maint_forget_window();
		RESUME_INTERRUPTS();
		PG_RE_THROW();
	}
	PG_END_TRY();

	w.drain_outcome = res.outcome;
	w.drain_ms = res.elapsed_ms;
	w.drain_waited = res.waited;
	w.drain_terminated = res.terminated;
	if (res.blockers.len > 0)
		snprintf(w.drain_detail, sizeof(w.drain_detail), "%s %s",
				 res.outcome == UK_DRAIN_FAILED ? "still writing:" : "terminated:",
				 res.blockers.data);

	LWLockAcquire(upkeep_shared->lock, LW_EXCLUSIVE);
	if (res.outcome == UK_DRAIN_FAILED)
	{
		w.exited_at_us = TimestampTzToUnixUsecs(GetCurrentTimestamp());
		strlcpy(w.exited_by, role, sizeof(w.exited_by));
		upkeep_maint_leave_locked();
		upkeep_maint_winlog_save(&w);
		LWLockRelease(upkeep_shared->lock);
		upkeep_maint_forget_window();
		ereport(ERROR,
				(errcode(ERRCODE_LOCK_NOT_AVAILABLE),
				 errmsg("could not enter maintenance mode: %d write transaction%s still open after the drain timeout",
						res.nblockers, res.nblockers == 1 ? "" : "s"),
				 errdetail("Still writing: %s. Maintenance mode is off again.",
						   res.blockers.data),
				 res.nprepared > 0 ?
				 errhint("Commit or roll back the prepared transactions (on_timeout => 'terminate' rolls back those of this database that you may finish), then retry.") :
				 errhint("Retry later, raise drain_timeout, or pass on_timeout => 'terminate' to end those sessions.")));
	}
	pg_atomic_write_u32(&upkeep_shared->phase, UPKEEP_PHASE_ACTIVE);
	upkeep_maint_winlog_save(&w);
	window_lsn = upkeep_shared->window_lsn;
	LWLockRelease(upkeep_shared->lock);

	/* issue 14: wait_for_standbys (wal_standbys.c) */
	if (PG_NARGS() > 4 && !PG_ARGISNULL(4))
		upkeep_wal_wait_for_standbys(window_lsn,
									 interval_to_us(PG_GETARG_INTERVAL_P(4), "wait_for_standbys"));

	if (res.terminated > 0)
		ereport(NOTICE,
				(errmsg("maintenance drain ended %d transaction%s still writing after the timeout",
						res.terminated, res.terminated == 1 ? "" : "s"),
				 errdetail("Terminated: %s.", res.blockers.data)));

	PG_RETURN_TEXT_P(cstring_to_text(token));
}

/* join_maintenance(token): make this session a maintainer of the window. */
Datum
join_maintenance(PG_FUNCTION_ARGS)
{
	char	   *token = PG_ARGISNULL(0) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(0));
	Oid			entered_by_id;
	char		entered_by[UK_NAME_MAX + 1];
	bool		ok;
	uint64		window;

	upkeep_maint_redact_own_activity();		/* whatever the outcome */
	require_preloaded();
	upkeep_maint_ensure_exit_callback();

	LWLockAcquire(upkeep_shared->lock, LW_EXCLUSIVE);
	if (pg_atomic_read_u32(&upkeep_shared->phase) == UPKEEP_PHASE_OFF)
	{
		LWLockRelease(upkeep_shared->lock);
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("maintenance mode is not active")));
	}
	if (!upkeep_shared->state.has_token)
	{
		LWLockRelease(upkeep_shared->lock);
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("this maintenance window cannot be joined"),
				 errdetail("It was restored from an unreadable state file and has no join token."),
				 errhint("Run upkeep.exit_maintenance(), then enter maintenance again.")));
	}
	entered_by_id = (Oid) upkeep_shared->state.entered_by_id;
	strlcpy(entered_by, upkeep_shared->state.entered_by, sizeof(entered_by));
	ok = uk_token_verify(token, upkeep_shared->state.token_hash);
	LWLockRelease(upkeep_shared->lock);

	if (!upkeep_maint_session_may_join(entered_by_id))
	{
		pg_atomic_fetch_add_u64(&upkeep_shared->join_failures, 1);
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to join the maintenance window"),
				 errdetail("Only the role that entered maintenance (\"%s\"), its members and superusers may join.",
						   entered_by)));
	}
	if (!ok)
	{
		pg_atomic_fetch_add_u64(&upkeep_shared->join_failures, 1);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("invalid maintenance token"),
				 errhint("Use the token returned by upkeep.enter_maintenance() for the current window.")));
	}

	LWLockAcquire(upkeep_shared->lock, LW_EXCLUSIVE);
	window = pg_atomic_read_u64(&upkeep_shared->window_id);
	if (pg_atomic_read_u32(&upkeep_shared->phase) == UPKEEP_PHASE_OFF ||
		window != upkeep_shared->state.window_id)
	{
		LWLockRelease(upkeep_shared->lock);
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("maintenance mode ended while joining")));
	}
	upkeep_maint_add_maintainer(window);
	LWLockRelease(upkeep_shared->lock);
	upkeep_maint_unforce_current_transaction();
	PG_RETURN_VOID();
}

/* exit_maintenance(): back to read-write for everyone. */
Datum
exit_maintenance(PG_FUNCTION_ARGS)
{
	UkWindow	w;
	uint64		window;
	char	   *role;
	uint64		open_run;
	char		open_name[UK_PATCH_NAME_MAX + 1];
	uint64		unattributed;

	require_preloaded();
	if (RecoveryInProgress())
		ereport(ERROR,
				(errcode(ERRCODE_READ_ONLY_SQL_TRANSACTION),
				 errmsg("cannot exit maintenance mode on a standby"),
				 errdetail("A standby follows the primary's maintenance window through the WAL."),
				 errhint("Run upkeep.exit_maintenance() on the primary, or promote this standby first.")));
	role = current_role_name();

	LWLockAcquire(upkeep_shared->lock, LW_EXCLUSIVE);
	if (pg_atomic_read_u32(&upkeep_shared->phase) == UPKEEP_PHASE_OFF)
	{
		LWLockRelease(upkeep_shared->lock);
		ereport(NOTICE,
				(errmsg("maintenance mode is not active"),
				 errdetail("Nothing was changed.")));
		PG_RETURN_VOID();
	}
	window = upkeep_shared->state.window_id;
	/* counted in shared memory: since the server started, if it restarted */
	upkeep_window_status(window, &open_run, open_name, sizeof(open_name),
						 &unattributed);
	upkeep_maint_leave_locked();	/* ERROR here: still in maintenance */

	if (!upkeep_maint_winlog_find(window, &w))
	{
		/* e.g. restored from an unreadable state file: record it now */
		uk_window_init(&w);
		w.window_id = window;
		w.entered_at_us = upkeep_shared->state.started_at_us;
		strlcpy(w.entered_by, upkeep_shared->state.entered_by, sizeof(w.entered_by));
		strlcpy(w.reason, upkeep_shared->state.reason, sizeof(w.reason));
		w.expected_end_us = upkeep_shared->state.expected_end_us;
		w.drain_outcome = UK_DRAIN_INTERRUPTED;
		w.drain_ms = 0;
	}
	if (w.drain_outcome == UK_DRAIN_RUNNING)
	{
		/* ended while enter_maintenance() was still draining */
		w.drain_outcome = UK_DRAIN_INTERRUPTED;
		strlcpy(w.drain_detail, "maintenance was ended during the drain",
				sizeof(w.drain_detail));
	}
	w.exited_at_us = TimestampTzToUnixUsecs(GetCurrentTimestamp());
	strlcpy(w.exited_by, role, sizeof(w.exited_by));
	w.refused_writes = upkeep_shared->state.refused_writes;
	w.unattributed_statements = unattributed;
	upkeep_maint_winlog_save(&w);
	LWLockRelease(upkeep_shared->lock);

	upkeep_maint_forget_window();
	upkeep_maint_unforce_current_transaction();
	PG_RETURN_VOID();
}

static Datum
timestamptz_or_null(int64 unix_us, bool *isnull)
{
	*isnull = (unix_us == 0);
	return TimestampTzGetDatum(UnixUsecsToTimestampTz(unix_us));
}

static const char *
phase_name(uint32 phase)
{
	switch (phase)
	{
		case UPKEEP_PHASE_DRAINING:
			return "draining";
		case UPKEEP_PHASE_ACTIVE:
			return "active";
		default:
			return "off";
	}
}

/* A text[] of a list of C strings. */
static ArrayType *
text_list_array(List *names)
{
	Datum	   *items = palloc(sizeof(Datum) * Max(list_length(names), 1));
	int			n = 0;
	ListCell   *lc;

	foreach(lc, names)
		items[n++] = CStringGetTextDatum((char *) lfirst(lc));
	return construct_array(items, n, TEXTOID, -1, false, TYPALIGN_INT);
}

/* maintenance_status(): one row, readable by everyone; never shows the token. */
Datum
maintenance_status(PG_FUNCTION_ARGS)
{
	TupleDesc	tupdesc;
	Datum		values[17];
	bool		nulls[17] = {0};
	uint64		window_lsn;
	uint64		window_run;
	uint64		unattributed;
	char		window_patch[UK_PATCH_NAME_MAX + 1];
	uint32		phase;
	UkMaintState st;
	Datum	   *pids;
	int			npids;
	bool		unreadable;
	char		state_error[512];

	require_preloaded();
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");

	LWLockAcquire(upkeep_shared->lock, LW_SHARED);
	phase = pg_atomic_read_u32(&upkeep_shared->phase);
	st = upkeep_shared->state;
	npids = upkeep_shared->nmaintainers;
	pids = palloc(sizeof(Datum) * Max(npids, 1));
	for (int i = 0; i < npids; i++)
		pids[i] = Int32GetDatum(upkeep_shared->maintainer_pids[i]);
	unreadable = upkeep_shared->state_unreadable;
	strlcpy(state_error, upkeep_shared->state_error, sizeof(state_error));
	window_lsn = upkeep_shared->window_lsn;
	LWLockRelease(upkeep_shared->lock);

	values[0] = BoolGetDatum(phase != UPKEEP_PHASE_OFF);
	if (phase == UPKEEP_PHASE_OFF)
	{
		for (int i = 1; i <= 4; i++)
			nulls[i] = true;
	}
	else
	{
		values[1] = CStringGetTextDatum(st.reason);
		values[2] = timestamptz_or_null(st.started_at_us, &nulls[2]);
		values[3] = timestamptz_or_null(st.expected_end_us, &nulls[3]);
		values[4] = CStringGetTextDatum(st.entered_by);
		nulls[4] = (st.entered_by[0] == '\0');
	}
	values[5] = PointerGetDatum(construct_array(pids, npids, INT4OID, 4, true,
												TYPALIGN_INT));
	values[6] = Int64GetDatum((int64) pg_atomic_read_u64(&upkeep_shared->refused_writes));
	values[7] = CStringGetTextDatum(phase_name(phase));
	values[8] = Int64GetDatum((int64) pg_atomic_read_u64(&upkeep_shared->join_failures));
	values[9] = CStringGetTextDatum(state_error);
	nulls[9] = !unreadable;

	/* the window and its window patch (patchlog_window.c) */
	upkeep_window_status(st.window_id, &window_run, window_patch,
						 sizeof(window_patch), &unattributed);
	values[10] = Int64GetDatum((int64) st.window_id);
	values[11] = CStringGetTextDatum(window_patch);
	nulls[11] = (window_patch[0] == '\0');
	values[12] = Int64GetDatum((int64) window_run);
	nulls[12] = (window_run == 0);
	values[13] = Int64GetDatum((int64) unattributed);
	if (phase == UPKEEP_PHASE_OFF)
		nulls[10] = nulls[11] = nulls[12] = nulls[13] = true;

	/* issue 14 (version 1.5 of the SQL): the window in the WAL, the standbys */
	if (tupdesc->natts >= 17)
	{
		List	   *replayed;
		List	   *behind;

		values[14] = LSNGetDatum((XLogRecPtr) window_lsn);
		nulls[14] = (window_lsn == 0);
		(void) upkeep_wal_standbys((XLogRecPtr) window_lsn, &replayed, &behind);
		values[15] = PointerGetDatum(text_list_array(replayed));
		values[16] = PointerGetDatum(text_list_array(behind));
	}

	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/* maintenance_log_entries(): every window in the log, oldest first. */
Datum
maintenance_log_entries(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	UkWindowList list = {0};
	UkError    *err = NULL;
	UkWindow   *items;
	size_t		n;

	require_preloaded();
	InitMaterializedSRF(fcinfo, 0);

	LWLockAcquire(upkeep_shared->lock, LW_SHARED);
	if (uk_winlog_read(UPKEEP_WINLOG_FILE, &list, &err) != UK_OK)
	{
		LWLockRelease(upkeep_shared->lock);
		upkeep_maint_report_uk_error(ERROR, err, "could not read upkeep maintenance log");
	}
	LWLockRelease(upkeep_shared->lock);

	/* copy out of malloc'd memory before anything can ereport */
	n = list.n;
	items = palloc(sizeof(UkWindow) * Max(n, 1));
	if (n > 0)
		memcpy(items, list.items, sizeof(UkWindow) * n);
	uk_winlog_list_free(&list);

	for (size_t i = 0; i < n; i++)
	{
		UkWindow   *w = &items[i];
		Datum		values[14];
		bool		nulls[14] = {0};

		values[0] = Int64GetDatum((int64) w->window_id);
		values[1] = CStringGetTextDatum(w->reason);
		values[2] = CStringGetTextDatum(w->entered_by);
		nulls[2] = (w->entered_by[0] == '\0');
		values[3] = timestamptz_or_null(w->entered_at_us, &nulls[3]);
		values[4] = timestamptz_or_null(w->expected_end_us, &nulls[4]);
		values[5] = CStringGetTextDatum(w->exited_by);
		nulls[5] = (w->exited_by[0] == '\0');
		values[6] = timestamptz_or_null(w->exited_at_us, &nulls[6]);
		values[7] = Int64GetDatum((int64) w->refused_writes);
		values[8] = CStringGetTextDatum(uk_drain_outcome_name(w->drain_outcome));
		values[9] = Int64GetDatum(w->drain_ms);
		nulls[9] = (w->drain_ms < 0);
		values[10] = Int32GetDatum(w->drain_waited);
		values[11] = Int32GetDatum(w->drain_terminated);
		values[12] = CStringGetTextDatum(w->drain_detail);
		nulls[12] = (w->drain_detail[0] == '\0');
		/* extension 1.5; a 1.4 function's result has no such column */
		values[13] = Int64GetDatum((int64) w->unattributed_statements);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
