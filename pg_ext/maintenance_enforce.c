/*
 * maintenance_enforce.c
 *		Maintenance mode in every backend: forcing the sessions that are not
 *		maintainers read-only, the commit net, and the wording of refusals.
 *
 * How it works.  Shared memory holds the phase (off, draining, active).
 * Every statement, every portal run, and every function an expression or a
 * fast-path call is about to run passes upkeep_enforce() (upkeep.h): when
 * the phase is not off and the session is not exempt, the transaction is
 * forced read-only (XactReadOnly), so PostgreSQL's own read-only checks
 * refuse every kind of write -- DML, DDL, nextval(), SELECT FOR UPDATE,
 * large objects, COPY FROM -- with SQLSTATE 25006, in functions and DO
 * blocks too.  Sequence changes are not transactional: they must be refused
 * where they run, hence the checks outside the executor, and a cache
 * invalidation broadcast at the start of a window that reaches statements
 * already running.  emit_log_hook rewrites those errors to say that the database is in
 * maintenance mode and why.  A pre-commit callback is the safety net: once
 * drained, a non-maintainer transaction that obtained an XID without having
 * been forced read-only first (a statement that was already running when
 * maintenance began, or a fast-path function call) cannot commit.
 *
 * This file also keeps the set of maintainers (the sessions exempt from
 * all of this) and joins a window with the upkeep.join_token setting.
 * Everything the per-statement path calls is static here, so that the
 * compiler keeps it in one piece.  See maintenance_int.h for how the
 * maintenance files fit together.
 *
 * Locking rules are in upkeep.h (UpkeepShared).
 */
#include "postgres.h"

#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/objectaccess.h"
#include "catalog/objectaddress.h"
#include "catalog/pg_largeobject.h"
#include "miscadmin.h"
#include "replication/logicalworker.h"
#include "storage/ipc.h"
#include "storage/proc.h"
#include "storage/sinval.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/timestamp.h"

#include "uk_token.h"
#include "uk_validate.h"

#include "compat.h"
#include "maintenance_int.h"

#define MAINTENANCE_MSG "database is in maintenance mode"

/*
 * The relation OID of the invalidation message enter_maintenance()
 * broadcasts: no relation has it (OID 1 is template1's database OID, and
 * hand-assigned OIDs are unique across catalogs).
 */
#define UPKEEP_SIGNAL_RELID		((Oid) 1)

/* setting upkeep.join_token (defined in upkeep.c) */
char	   *upkeep_join_token = NULL;

/*
 * Session-local state.
 *
 * upkeep_my_window (upkeep.h, maintenance_shared.c): the window this
 * session is a maintainer of (0 = none); only this file changes it.
 * upkeep_write_lxid, upkeep_write_depth: the local transaction and the
 * nesting depth of the statements that may write (upkeep_write_begin()).
 * upkeep_forced_lxid: the local transaction last forced read-only;
 * forced_before_xid says whether it had no XID at that moment, forced_clean
 * whether that was also at a statement's start (see enforce());
 * forced_saved_read_only is the
 * XactReadOnly it had before, restored if the session becomes a maintainer
 * (or ends maintenance) inside that same transaction.
 * cached_*: the reason and expected end of the window, for error messages,
 * so that emit_log_hook never needs the lock.
 */
static bool exit_callback_registered = false;
LocalTransactionId upkeep_forced_lxid = InvalidLocalTransactionId;
LocalTransactionId upkeep_write_lxid = InvalidLocalTransactionId;
int			upkeep_write_depth = 0;
static bool forced_clean = false;
static bool forced_before_xid = false;
static bool forced_saved_read_only = false;
static uint64 cached_window = 0;
static char cached_reason[UK_REASON_MAX + 1];
static int64 cached_expected_end_us = 0;

/* ---------- enforcement (every backend) ---------- */

/*
 * Is this session allowed to write while maintenance mode is on?
 *
 * A walsender is not exempt: streaming (physical or logical) never passes
 * the hooks that call this, so what reaches them in a walsender is SQL run
 * over a replication=database connection, an ordinary session's SQL.
 */
static bool
session_is_exempt(void)
{
	if (upkeep_my_window != 0 &&
		upkeep_my_window == pg_atomic_read_u64(&upkeep_shared->window_id))
		return true;
	switch (MyBackendType)
	{
		case B_AUTOVAC_LAUNCHER:
		case B_AUTOVAC_WORKER:
			return true;
		case B_BG_WORKER:
			return IsLogicalWorker();
		default:
			return IsBinaryUpgrade;
	}
}

/* Refresh the session's copy of the window's reason and expected end. */
static void
refresh_cached_window(uint64 window)
{
	LWLockAcquire(upkeep_shared->lock, LW_SHARED);
	strlcpy(cached_reason, upkeep_shared->state.reason, sizeof(cached_reason));
	cached_expected_end_us = upkeep_shared->state.expected_end_us;
	LWLockRelease(upkeep_shared->lock);
	cached_window = window;
}

/*
 * upkeep.join_token: join the window with the token set for this session,
 * once per window.  Same rules as join_maintenance(); a failure is a
 * WARNING (the statement then runs read-only) and is counted.
 */
static uint64 join_setting_tried_window = 0;

/*
 * GUC assign hook of upkeep.join_token: a new token gets a new try; the
 * SET statement that carried it is redacted from pg_stat_activity.
 */
void
upkeep_join_token_assign(const char *newval, void *extra)
{
	join_setting_tried_window = 0;
	if (newval != NULL && newval[0] != '\0')
		upkeep_maint_redact_own_activity();
}

/*
 * May this session join a window entered by entered_by_id?  The check is on
 * the session user (the login role, or the role of SET SESSION
 * AUTHORIZATION, which only a superuser can run), never on current_user:
 * inside a SECURITY DEFINER function -- also one called by a fast-path
 * call as the session's first message -- current_user is the function's
 * owner.  SET ROLE changes nothing either way: a session may join if its
 * session user is the entering role, a member of it, or a superuser.
 */
bool
upkeep_maint_session_may_join(Oid entered_by_id)
{
	return is_member_of_role(GetSessionUserId(), entered_by_id);
}

static bool
try_join_with_setting(uint64 window)
{
	Oid			entered_by_id;
	bool		token_ok;
	bool		role_ok;

	if (upkeep_join_token == NULL || upkeep_join_token[0] == '\0' ||
		join_setting_tried_window == window)
		return false;
	join_setting_tried_window = window;

	LWLockAcquire(upkeep_shared->lock, LW_SHARED);
	token_ok = upkeep_shared->state.has_token &&
		upkeep_shared->state.window_id == window &&
		uk_token_verify(upkeep_join_token, upkeep_shared->state.token_hash);
	entered_by_id = (Oid) upkeep_shared->state.entered_by_id;
	LWLockRelease(upkeep_shared->lock);

	role_ok = upkeep_maint_session_may_join(entered_by_id);
	if (!token_ok || !role_ok)
	{
		pg_atomic_fetch_add_u64(&upkeep_shared->join_failures, 1);
		ereport(WARNING,
				(errcode(token_ok ? ERRCODE_INSUFFICIENT_PRIVILEGE :
						 ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("upkeep.join_token did not join the maintenance window: %s",
						token_ok ? "role may not join" : "invalid token"),
				 errdetail("This session stays read-only until maintenance ends.")));
		return false;
	}

	upkeep_maint_ensure_exit_callback();
	LWLockAcquire(upkeep_shared->lock, LW_EXCLUSIVE);
	if (pg_atomic_read_u64(&upkeep_shared->window_id) != window ||
		pg_atomic_read_u32(&upkeep_shared->phase) == UPKEEP_PHASE_OFF ||
		upkeep_shared->nmaintainers >= UPKEEP_MAX_MAINTAINERS)
	{
		LWLockRelease(upkeep_shared->lock);
		return false;
	}
	upkeep_maint_add_maintainer(window);
	LWLockRelease(upkeep_shared->lock);
	return true;
}

/*
 * Force the current transaction read-only.  Called from the inline checks
 * of upkeep.h when the phase is not off.
 *
 * at_statement_start: called before a statement's own read-only checks
 * (ExecutorStart, ProcessUtility).  Only then may a transaction without an
 * XID be recorded as forced "clean" (it can write temporary tables only,
 * so the drain does not wait for it).  Forced in the middle of a statement
 * (a portal run, an expression's function, the window-start broadcast), a
 * statement that passed its checks before may still write, so the
 * transaction is a writer like any other if it obtains an XID (the drain
 * waits for it).  Still, forced before it had an XID (forced_before_xid),
 * a transaction that wrote no WAL wrote only temporary tables: it may
 * commit (the planner folding lower('X') before an INSERT into a
 * temporary table forces in the middle).
 */
static void
enforce(bool at_statement_start)
{
	uint64		window;

	if (session_is_exempt() || !IsTransactionState())
		return;

	window = pg_atomic_read_u64(&upkeep_shared->window_id);
	if (try_join_with_setting(window))
	{
		upkeep_maint_unforce_current_transaction();
		return;
	}
	if (window != cached_window)
		refresh_cached_window(window);

	if (MyProc->lxid != upkeep_forced_lxid)
	{
		UpkeepProcSlot *slot = &upkeep_shared->slots[MyProc->pgprocno];

		upkeep_forced_lxid = MyProc->lxid;
		forced_saved_read_only = XactReadOnly;
		forced_before_xid = !TransactionIdIsValid(GetTopTransactionIdIfAny());
		forced_clean = at_statement_start && forced_before_xid;
		slot->clean_lxid = forced_clean ? MyProc->lxid : InvalidLocalTransactionId;
		pg_write_barrier();
		slot->window_id = window;
	}
	XactReadOnly = true;
}

void
upkeep_enforce_slow(void)
{
	enforce(true);
}

void
upkeep_enforce_mid_slow(void)
{
	enforce(false);
}

/*
 * Relcache invalidation callback.  enter_maintenance() broadcasts one
 * message as the drain begins; every backend handles it at its next
 * AcceptInvalidationMessages(), for example when it locks a relation that
 * it had not locked yet in its transaction.  A statement that was already
 * running when the window began is then forced read-only too before its
 * first nextval() on a sequence, which such a lock precedes.  Also
 * called with InvalidOid when a backend fell behind and reset its caches
 * (the message may be lost then).  New statements need none of this: the
 * hooks force them.
 */
void
upkeep_maintenance_relcache_callback(Datum arg, Oid relid)
{
	if ((relid == UPKEEP_SIGNAL_RELID || relid == InvalidOid) &&
		upkeep_shared != NULL && IsTransactionState())
		upkeep_enforce_mid();
}

/* Tell every backend that a window began (see the callback above). */
void
upkeep_maint_broadcast_window_start(void)
{
	SharedInvalidationMessage msg;

	memset(&msg, 0, sizeof(msg));
	msg.rc.id = SHAREDINVALRELCACHE_ID;
	msg.rc.dbId = InvalidOid;	/* every database */
	msg.rc.relId = UPKEEP_SIGNAL_RELID;
	SendSharedInvalidMessages(&msg, 1);
}

/* Undo our forcing of the current transaction (session became exempt). */
void
upkeep_maint_unforce_current_transaction(void)
{
	if (MyProc->lxid == upkeep_forced_lxid && upkeep_forced_lxid != InvalidLocalTransactionId)
	{
		XactReadOnly = forced_saved_read_only;
		upkeep_forced_lxid = InvalidLocalTransactionId;
	}
}

static void
format_expected_end(int64 expected_end_us, char *buf, size_t len)
{
	if (expected_end_us == 0)
		strlcpy(buf, "unknown", len);
	else
	{
		TimestampTz ts = UnixUsecsToTimestampTz(expected_end_us);

		ts -= ts % USECS_PER_SEC;	/* whole seconds read better */
		strlcpy(buf, timestamptz_to_str(ts), len);
	}
}

/* The reason without one trailing period, so details read naturally. */
static const char *
reason_for_detail(char *buf, size_t len)
{
	size_t		n;

	strlcpy(buf, cached_reason, len);
	n = strlen(buf);
	if (n > 0 && buf[n - 1] == '.')
		buf[n - 1] = '\0';
	return buf;
}

/*
 * emit_log_hook part: a read-only error in a session that maintenance mode
 * forced read-only is reworded to say why, and counted.  Runs inside error
 * reporting: no catalog access, no locks.
 */
void
upkeep_maintenance_emit_log(ErrorData *edata)
{
	MemoryContext oldcxt;
	char		end[MAXDATELEN + 1];
	char		reason[UK_REASON_MAX + 1];

	if (edata->elevel != ERROR ||
		pg_atomic_read_u32(&upkeep_shared->phase) == UPKEEP_PHASE_OFF ||
		session_is_exempt() ||
		cached_window != pg_atomic_read_u64(&upkeep_shared->window_id))
		return;

	pg_atomic_fetch_add_u64(&upkeep_shared->refused_writes, 1);
	if (edata->message_id != NULL &&
		strcmp(edata->message_id, MAINTENANCE_MSG) == 0)
		return;					/* raised by upkeep itself, already worded */

	format_expected_end(cached_expected_end_us, end, sizeof(end));
	oldcxt = MemoryContextSwitchTo(ErrorContext);
	edata->detail = psprintf("Reason: %s. Expected end: %s. Refused: %s.",
							 reason_for_detail(reason, sizeof(reason)), end,
							 edata->message ? edata->message : "write");
	edata->hint = pstrdup("Reads keep working. Retry the write after the maintenance window ends.");
	edata->message = pstrdup(MAINTENANCE_MSG);
	edata->message_id = MAINTENANCE_MSG;
	MemoryContextSwitchTo(oldcxt);
}

/*
 * Pre-commit / pre-prepare: the safety net described in the file header.
 * Called only when the phase is not off.
 */
void
upkeep_maintenance_xact_callback(int event)
{
	char		end[MAXDATELEN + 1];
	char		reason[UK_REASON_MAX + 1];
	const char *refused;

	if (session_is_exempt())
		return;

	/*
	 * upkeep.join_token joins here at the latest, in a transaction that
	 * wrote nothing: a connection's startup transaction commits once the
	 * options of its startup packet (PGOPTIONS) are set, so a session
	 * given the token joins before its first statement, and that
	 * statement failing in parse analysis or planning is a maintainer's
	 * failure, attributed to the window patch (patchlog_run.c).
	 */
	if (event == XACT_EVENT_PRE_COMMIT &&
		!TransactionIdIsValid(GetTopTransactionIdIfAny()) &&
		try_join_with_setting(pg_atomic_read_u64(&upkeep_shared->window_id)))
	{
		/* patch_activity: a first statement waiting in parse analysis */
		if (upkeep_stmt_hooks && upkeep_my_run_id == 0)
			upkeep_patch_publish_member(upkeep_my_window);
		return;
	}

	if (event == XACT_EVENT_PRE_PREPARE)
		refused = "PREPARE TRANSACTION";
	else if (!TransactionIdIsValid(GetTopTransactionIdIfAny()))
		return;					/* wrote nothing */
	else if (MyProc->lxid == upkeep_forced_lxid && forced_clean)
	{
		/*
		 * Forced read-only before it had an XID: it may have written only
		 * temporary tables, which write no WAL.  WAL means a write that
		 * PostgreSQL's read-only checks missed (lo_put(), lowrite(), ...).
		 */
		if (XactLastRecEnd == InvalidXLogRecPtr)
			return;
		refused = "COMMIT of a transaction that wrote during maintenance";
	}
	else
	{
		/* forced before its XID, no WAL: temporary tables only (enforce()) */
		if (MyProc->lxid == upkeep_forced_lxid && forced_before_xid &&
			XactLastRecEnd == InvalidXLogRecPtr)
			return;
		/* wrote before maintenance began: may commit while draining */
		if (pg_atomic_read_u32(&upkeep_shared->phase) != UPKEEP_PHASE_ACTIVE)
			return;
		refused = MyProc->lxid == upkeep_forced_lxid && forced_before_xid ?
			"COMMIT of a transaction that wrote during maintenance" :
			"COMMIT of a transaction that wrote after maintenance began";
	}

	if (pg_atomic_read_u64(&upkeep_shared->window_id) != cached_window)
		refresh_cached_window(pg_atomic_read_u64(&upkeep_shared->window_id));
	format_expected_end(cached_expected_end_us, end, sizeof(end));
	ereport(ERROR,
			(errcode(ERRCODE_READ_ONLY_SQL_TRANSACTION),
			 errmsg(MAINTENANCE_MSG),
			 errdetail("Reason: %s. Expected end: %s. Refused: %s.",
					   reason_for_detail(reason, sizeof(reason)), end, refused),
			 errhint("Reads keep working. Retry the write after the maintenance window ends.")));
}

/*
 * ProcessUtility part: COMMIT PREPARED by a non-maintainer once the window
 * is active.  PostgreSQL allows it in a read-only transaction, and it
 * would commit the prepared transaction's writes.  While draining it is
 * allowed (the drain waits for prepared transactions as for any writer
 * that may still commit).  ROLLBACK PREPARED is always allowed: it changes
 * no data and frees the locks.  Called only when the phase is not off.
 */
void
upkeep_maintenance_commit_prepared(const char *gid)
{
	char		end[MAXDATELEN + 1];
	char		reason[UK_REASON_MAX + 1];
	uint64		window;

	if (session_is_exempt() ||
		pg_atomic_read_u32(&upkeep_shared->phase) != UPKEEP_PHASE_ACTIVE)
		return;
	window = pg_atomic_read_u64(&upkeep_shared->window_id);
	if (window != cached_window)
		refresh_cached_window(window);
	format_expected_end(cached_expected_end_us, end, sizeof(end));
	ereport(ERROR,
			(errcode(ERRCODE_READ_ONLY_SQL_TRANSACTION),
			 errmsg(MAINTENANCE_MSG),
			 errdetail("Reason: %s. Expected end: %s. Refused: COMMIT PREPARED %s.",
					   reason_for_detail(reason, sizeof(reason)), end,
					   quote_literal_cstr(gid)),
			 errhint("Reads keep working. Commit the prepared transaction after the maintenance window ends, or roll it back.")));
}

/*
 * object_access_hook part: in a transaction that maintenance mode forced
 * read-only, creating, altering or dropping any object is refused.  This
 * covers writes that PostgreSQL's read-only checks miss, such as
 * lo_create() and lo_from_bytea().  Called only when the phase is not off.
 */
void
upkeep_maintenance_object_access(int access, Oid classId, Oid objectId)
{
	ObjectAddress addr;
	const char *verb;
	char	   *what;

	if (session_is_exempt() || !XactReadOnly ||
		MyProc->lxid != upkeep_forced_lxid)
		return;
	switch (access)
	{
		case OAT_POST_CREATE:
			verb = "create";
			break;
		case OAT_DROP:
			verb = "drop";
			break;
		case OAT_TRUNCATE:
			verb = "truncate";
			break;
		default:
			verb = "alter";
			break;
	}
	ObjectAddressSet(addr, classId, objectId);
	what = getObjectDescription(&addr, true);
	if (what == NULL && classId == LargeObjectRelationId)
		what = "a large object";	/* not visible yet: being created */
	ereport(ERROR,
			(errcode(ERRCODE_READ_ONLY_SQL_TRANSACTION),
			 errmsg("cannot %s %s in a read-only transaction", verb,
					what ? what : "a database object")));
}


/* ---------- the maintainers of the window ---------- */

/* Register this session as a maintainer of window.  Caller holds lock exclusively. */
void
upkeep_maint_add_maintainer(uint64 window)
{
	int			i;

	for (i = 0; i < upkeep_shared->nmaintainers; i++)
		if (upkeep_shared->maintainer_pids[i] == MyProcPid)
			break;
	if (i == upkeep_shared->nmaintainers)
	{
		if (upkeep_shared->nmaintainers >= UPKEEP_MAX_MAINTAINERS)
			ereport(ERROR,
					(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
					 errmsg("too many maintainer sessions"),
					 errdetail("A maintenance window admits at most %d maintainer sessions.",
							   UPKEEP_MAX_MAINTAINERS)));
		upkeep_shared->maintainer_pids[upkeep_shared->nmaintainers++] = MyProcPid;
	}
	upkeep_my_window = window;
	upkeep_stmt_hooks_update();
}

static void
remove_maintainer_on_exit(int code, Datum arg)
{
	if (upkeep_shared == NULL || upkeep_my_window == 0)
		return;
	LWLockAcquire(upkeep_shared->lock, LW_EXCLUSIVE);
	for (int i = 0; i < upkeep_shared->nmaintainers; i++)
	{
		if (upkeep_shared->maintainer_pids[i] == MyProcPid)
		{
			upkeep_shared->maintainer_pids[i] =
				upkeep_shared->maintainer_pids[--upkeep_shared->nmaintainers];
			break;
		}
	}
	LWLockRelease(upkeep_shared->lock);
	upkeep_my_window = 0;
	upkeep_stmt_hooks_update();
}

void
upkeep_maint_ensure_exit_callback(void)
{
	if (!exit_callback_registered)
	{
		before_shmem_exit(remove_maintainer_on_exit, (Datum) 0);
		exit_callback_registered = true;
	}
}

bool
upkeep_maint_is_maintainer_pid(int pid)
{
	for (int i = 0; i < upkeep_shared->nmaintainers; i++)
		if (upkeep_shared->maintainer_pids[i] == pid)
			return true;
	return false;
}

/* This session is a maintainer no more (its window ended or never began). */
void
upkeep_maint_forget_window(void)
{
	upkeep_my_window = 0;
	upkeep_stmt_hooks_update();
}
