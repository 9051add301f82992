/*
 * maintenance.c
 *		Maintenance mode: the whole cluster read-only for every session but
 *		the maintainers, with a drain of in-flight writers and durable state.
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
 * The drain: enter_maintenance() switches to "draining" (new writes are
 * refused, transactions that already wrote may still commit), then waits
 * until no non-exempt backend holds a top-level XID, except transactions
 * that were forced read-only before obtaining their XID (those wrote only
 * temporary tables), and no transaction is prepared.  Read-only transactions have no XID and are never
 * waited for or disturbed.
 *
 * Durability: the state is written to $PGDATA/upkeep/maintenance.state
 * (libcommon's uk_state, atomic and fsync'd) before the mode takes effect,
 * and re-read by the postmaster at every start and crash restart.  An
 * unreadable file fails safe: the cluster comes up in maintenance with a
 * WARNING.  The history of windows is libcommon's uk_winlog file next to it,
 * written outside any SQL transaction so a rollback cannot lose it.
 *
 * Locking rules are in upkeep.h (UpkeepShared).
 */
#include "postgres.h"

#include <signal.h>
#include <unistd.h>

#include "access/twophase.h"
#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/objectaccess.h"
#include "catalog/objectaddress.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_largeobject.h"
#include "common/int.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "replication/logicalworker.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/proc.h"
#include "storage/procarray.h"
#include "storage/shmem.h"
#include "storage/sinval.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/backend_status.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/fmgrprotos.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"

#include "tcop/tcopprot.h"

#include "uk_file.h"
#include "uk_token.h"
#include "uk_validate.h"
#include "uk_winlog.h"

#include "compat.h"
#include "upkeep.h"

#define UPKEEP_DIR				"upkeep"
#define UPKEEP_STATE_FILE		"upkeep/maintenance.state"
#define UPKEEP_WINLOG_FILE		"upkeep/maintenance.log"
#define UPKEEP_DRAIN_POLL_MS	1
#define UPKEEP_TERMINATE_WAIT_MS 5000

#define MAINTENANCE_MSG "database is in maintenance mode"

/*
 * The relation OID of the invalidation message enter_maintenance()
 * broadcasts: no relation has it (OID 1 is template1's database OID, and
 * hand-assigned OIDs are unique across catalogs).
 */
#define UPKEEP_SIGNAL_RELID		((Oid) 1)

/*
 * Session-local state.
 *
 * my_window: the window this session is a maintainer of (0 = none).
 * upkeep_forced_lxid: the local transaction last forced read-only;
 * forced_before_xid says whether it had no XID at that moment, forced_clean
 * whether that was also at a statement's start (see enforce());
 * forced_saved_read_only is the
 * XactReadOnly it had before, restored if the session becomes a maintainer
 * (or ends maintenance) inside that same transaction.
 * cached_*: the reason and expected end of the window, for error messages,
 * so that emit_log_hook never needs the lock.
 */
static uint64 my_window = 0;
static bool exit_callback_registered = false;
LocalTransactionId upkeep_forced_lxid = InvalidLocalTransactionId;
static bool forced_clean = false;
static bool forced_before_xid = false;
static bool forced_saved_read_only = false;
static uint64 cached_window = 0;
static char cached_reason[UK_REASON_MAX + 1];
static int64 cached_expected_end_us = 0;

typedef struct DrainResult
{
	UkDrainOutcome outcome;
	int64		elapsed_ms;
	int			waited;			/* distinct writing transactions seen */
	int			terminated;
	StringInfoData blockers;	/* "pids 123, 456; prepared transactions 'gx1'" */
	int			nblockers;
	int			nprepared;		/* of which prepared transactions */
} DrainResult;

PG_FUNCTION_INFO_V1(enter_maintenance);
PG_FUNCTION_INFO_V1(join_maintenance);
PG_FUNCTION_INFO_V1(exit_maintenance);
PG_FUNCTION_INFO_V1(maintenance_status);
PG_FUNCTION_INFO_V1(maintenance_log_entries);

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
static uint64
winlog_max_id(void)
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
		upkeep_shared->state.window_id = winlog_max_id() + 1;
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
	if (my_window != 0 &&
		my_window == pg_atomic_read_u64(&upkeep_shared->window_id))
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

static void add_maintainer(uint64 window);
static void ensure_exit_callback(void);
static void unforce_current_transaction(void);

/*
 * upkeep.join_token: join the window with the token set for this session,
 * once per window.  Same rules as join_maintenance(); a failure is a
 * WARNING (the statement then runs read-only) and is counted.
 */
static uint64 join_setting_tried_window = 0;

/* ---------- keeping the token out of the log and pg_stat_activity ---------- */

/*
 * A join token must never be shown by the server: not in the log (the
 * STATEMENT line of an error, log_statement, log_min_duration_statement,
 * auto_explain, parameters), not in pg_stat_activity.query.  Tokens are
 * recognised by their format (uk_token_find()) and overwritten with '*'.
 *
 * redacted_query: this backend's redacted copy of the statement being
 * logged (malloc'd, kept for the next message).  debug_query_string, which
 * the server prints in STATEMENT lines, is pointed at it; the server resets
 * debug_query_string at every new statement.
 */
static char *redacted_query = NULL;
static size_t redacted_query_cap = 0;

/* Redact one message field in place (a copy in ErrorContext if needed). */
static void
redact_field(char **field)
{
	if (*field == NULL || uk_token_find(*field) == NULL)
		return;
	*field = MemoryContextStrdup(ErrorContext, *field);
	uk_token_redact(*field);
}

/*
 * emit_log_hook part, for every message going to the server log: redact
 * tokens in the message and in the statement it would print.  Runs inside
 * error reporting: no catalog access, no ereport.
 */
void
upkeep_redact_emit_log(ErrorData *edata)
{
	redact_field(&edata->message);
	redact_field(&edata->detail);
	redact_field(&edata->detail_log);
	redact_field(&edata->hint);
	redact_field(&edata->context);
	redact_field(&edata->internalquery);

	if (debug_query_string != NULL && !edata->hide_stmt &&
		uk_token_find(debug_query_string) != NULL)
	{
		size_t		len = strlen(debug_query_string) + 1;

		if (len > redacted_query_cap)
		{
			char	   *buf = malloc(len);

			if (buf == NULL)
			{
				edata->hide_stmt = true;	/* no copy: no STATEMENT line */
				return;
			}
			free(redacted_query);
			redacted_query = buf;
			redacted_query_cap = len;
		}
		memcpy(redacted_query, debug_query_string, len);
		uk_token_redact(redacted_query);
		debug_query_string = redacted_query;
	}
}

/*
 * Redact this backend's own pg_stat_activity.query, which keeps the text of
 * the statement that joined (or set upkeep.join_token) while the session is
 * idle.  Only this backend writes its entry.
 */
static void
redact_own_activity(void)
{
	volatile PgBackendStatus *be = MyBEEntry;

	if (be == NULL || be->st_activity_raw == NULL ||
		uk_token_find((const char *) be->st_activity_raw) == NULL)
		return;
	PGSTAT_BEGIN_WRITE_ACTIVITY(be);
	uk_token_redact((char *) be->st_activity_raw);
	PGSTAT_END_WRITE_ACTIVITY(be);
}

/*
 * GUC assign hook of upkeep.join_token: a new token gets a new try; the
 * SET statement that carried it is redacted from pg_stat_activity.
 */
void
upkeep_join_token_assign(const char *newval, void *extra)
{
	join_setting_tried_window = 0;
	if (newval != NULL && newval[0] != '\0')
		redact_own_activity();
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
static bool
session_may_join(Oid entered_by_id)
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

	role_ok = session_may_join(entered_by_id);
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

	ensure_exit_callback();
	LWLockAcquire(upkeep_shared->lock, LW_EXCLUSIVE);
	if (pg_atomic_read_u64(&upkeep_shared->window_id) != window ||
		pg_atomic_read_u32(&upkeep_shared->phase) == UPKEEP_PHASE_OFF ||
		upkeep_shared->nmaintainers >= UPKEEP_MAX_MAINTAINERS)
	{
		LWLockRelease(upkeep_shared->lock);
		return false;
	}
	add_maintainer(window);
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
		unforce_current_transaction();
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
static void
broadcast_window_start(void)
{
	SharedInvalidationMessage msg;

	memset(&msg, 0, sizeof(msg));
	msg.rc.id = SHAREDINVALRELCACHE_ID;
	msg.rc.dbId = InvalidOid;	/* every database */
	msg.rc.relId = UPKEEP_SIGNAL_RELID;
	SendSharedInvalidMessages(&msg, 1);
}

/* Undo our forcing of the current transaction (session became exempt). */
static void
unforce_current_transaction(void)
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

/* ---------- helpers for the SQL functions ---------- */

static void
require_preloaded(void)
{
	if (upkeep_shared == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("upkeep must be loaded via shared_preload_libraries")));
}

/* Turn a libcommon error into an ereport; frees err. */
static void
report_uk_error(int elevel, UkError *err, const char *context)
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

/* Register this session as a maintainer of window.  Caller holds lock exclusively. */
static void
add_maintainer(uint64 window)
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
	my_window = window;
}

static void
remove_maintainer_on_exit(int code, Datum arg)
{
	if (upkeep_shared == NULL || my_window == 0)
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
	my_window = 0;
}

static void
ensure_exit_callback(void)
{
	if (!exit_callback_registered)
	{
		before_shmem_exit(remove_maintainer_on_exit, (Datum) 0);
		exit_callback_registered = true;
	}
}

static bool
is_maintainer_pid(int pid)
{
	for (int i = 0; i < upkeep_shared->nmaintainers; i++)
		if (upkeep_shared->maintainer_pids[i] == pid)
			return true;
	return false;
}

/* Write the window log record; a failure is a WARNING, never an error. */
static void
winlog_save(const UkWindow *w)
{
	UkError    *err = NULL;

	if (uk_dir_ensure(UPKEEP_DIR, &err) != UK_OK ||
		uk_winlog_upsert(UPKEEP_WINLOG_FILE, w,
						 (size_t) upkeep_maintenance_log_max, &err) != UK_OK)
		report_uk_error(WARNING, err, "could not update upkeep maintenance log");
}

/* Find the log record of window_id; false if absent. */
static bool
winlog_find(uint64 window_id, UkWindow *out)
{
	UkWindowList list = {0};
	UkError    *err = NULL;
	bool		found = false;

	if (uk_winlog_read(UPKEEP_WINLOG_FILE, &list, &err) != UK_OK)
	{
		report_uk_error(WARNING, err, "could not read upkeep maintenance log");
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

/* Write the state file; raises ERROR on failure.  Caller holds lock exclusively. */
static void
state_save(const UkMaintState *st)
{
	UkError    *err = NULL;

	if (uk_dir_ensure(UPKEEP_DIR, &err) != UK_OK ||
		uk_state_write(UPKEEP_STATE_FILE, st, &err) != UK_OK)
		report_uk_error(ERROR, err, "could not write upkeep maintenance state file");
}

/*
 * Leave maintenance: write the inactive state durably, then switch the
 * phase off.  Caller holds lock exclusively.  Raises ERROR (still in
 * maintenance) if the state file cannot be written.
 */
static void
leave_maintenance_locked(void)
{
	UkMaintState st = upkeep_shared->state;

	st.active = false;
	st.has_token = false;
	st.refused_writes = pg_atomic_read_u64(&upkeep_shared->refused_writes);
	state_save(&st);
	upkeep_shared->state = st;
	upkeep_shared->state_unreadable = false;
	upkeep_shared->state_error[0] = '\0';
	upkeep_shared->nmaintainers = 0;
	pg_atomic_write_u32(&upkeep_shared->phase, UPKEEP_PHASE_OFF);
}

/* ---------- the drain ---------- */

static bool
is_exempt_backend(PgBackendStatus *be)
{
	const char *type;

	if (be->st_backendType == B_BACKEND || be->st_backendType == B_WAL_SENDER)
		return false;			/* a walsender holds an XID only for SQL it ran */
	if (be->st_backendType != B_BG_WORKER)
		return true;			/* autovacuum, auxiliary processes */
	type = GetBackgroundWorkerTypeByPid(be->st_procpid);
	return type != NULL && (strcmp(type, "logical replication worker") == 0 ||
							strcmp(type, "parallel worker") == 0);
}

/*
 * One scan: the pids of non-exempt sessions that hold an open transaction
 * which has written.  Fills pids (capacity max), returns the count.
 * Also adds each (pid, xid) never seen before to seen/nseen.
 */
static int
scan_writers(uint64 window, int *pids, TransactionId *xids, int max,
			 int *seen_pids, TransactionId *seen_xids, int *nseen, int seen_max)
{
	int			n = 0;
	int			nbackends;

	pgstat_clear_backend_activity_snapshot();
	nbackends = pgstat_fetch_stat_numbackends();
	LWLockAcquire(upkeep_shared->lock, LW_SHARED);
	for (int i = 1; i <= nbackends; i++)
	{
		LocalPgBackendStatus *local = pgstat_fetch_stat_local_beentry(i);
		PgBackendStatus *be;
		PGPROC	   *proc;
		UpkeepProcSlot *slot;
		bool		known = false;

		if (local == NULL || !TransactionIdIsValid(local->backend_xid))
			continue;
		be = &local->backendStatus;
		if (be->st_procpid <= 0 || be->st_procpid == MyProcPid ||
			is_exempt_backend(be) || is_maintainer_pid(be->st_procpid))
			continue;
		proc = BackendPidGetProc(be->st_procpid);
		if (proc == NULL)
			continue;
		slot = &upkeep_shared->slots[proc->pgprocno];
		if (slot->window_id == window)
		{
			pg_read_barrier();	/* pairs with enforce() */
			if (slot->clean_lxid != InvalidLocalTransactionId &&
				slot->clean_lxid == proc->lxid)
				continue;		/* forced read-only before it had an XID */
		}
		if (n < max)
		{
			pids[n] = be->st_procpid;
			xids[n] = local->backend_xid;
			n++;
		}
		for (int j = 0; j < *nseen; j++)
			if (seen_pids[j] == be->st_procpid && seen_xids[j] == local->backend_xid)
				known = true;
		if (!known && *nseen < seen_max)
		{
			seen_pids[*nseen] = be->st_procpid;
			seen_xids[*nseen] = local->backend_xid;
			(*nseen)++;
		}
	}
	LWLockRelease(upkeep_shared->lock);
	return n;
}

/* A prepared transaction seen by the drain. */
typedef struct PreparedWriter
{
	TransactionId xid;
	Oid			owner;
	Oid			dbid;
	char		gid[GIDSIZE];
} PreparedWriter;

/*
 * One scan of the prepared transactions (every database).  Each counts as
 * an open writer: PREPARE TRANSACTION always assigns an XID, its writes
 * are committed by a COMMIT PREPARED from any session, and PostgreSQL
 * does not record whether it wrote.  Fills prep (capacity max), returns
 * the count; adds each one never seen before to seen/nseen (pid 0).
 * Called after scan_writers(): a transaction being prepared keeps its XID
 * in its backend until it is listed here.
 */
static int
scan_prepared(PreparedWriter *prep, int max, int *seen_pids,
			  TransactionId *seen_xids, int *nseen, int seen_max)
{
	int			n = 0;

	if (max_prepared_xacts == 0)
		return 0;
	SPI_connect();
	if (SPI_execute("SELECT p.transaction, p.gid, p.ownerid, p.dbid"
					" FROM pg_catalog.pg_prepared_xact() p", true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not list prepared transactions");
	for (uint64 i = 0; i < SPI_processed && n < max; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		PreparedWriter *p = &prep[n];
		bool		isnull;
		bool		known = false;
		Datum		gid;

		p->xid = DatumGetTransactionId(SPI_getbinval(tup, desc, 1, &isnull));
		gid = SPI_getbinval(tup, desc, 2, &isnull);
		strlcpy(p->gid, isnull ? "" : TextDatumGetCString(gid), sizeof(p->gid));
		p->owner = DatumGetObjectId(SPI_getbinval(tup, desc, 3, &isnull));
		p->dbid = DatumGetObjectId(SPI_getbinval(tup, desc, 4, &isnull));
		if (!TransactionIdIsValid(p->xid))
			continue;
		n++;
		for (int j = 0; j < *nseen; j++)
			if (seen_pids[j] == 0 && seen_xids[j] == p->xid)
				known = true;
		if (!known && *nseen < seen_max)
		{
			seen_pids[*nseen] = 0;
			seen_xids[*nseen] = p->xid;
			(*nseen)++;
		}
	}
	SPI_finish();
	return n;
}

/*
 * Roll back a prepared transaction, as ROLLBACK PREPARED does; false (and
 * a WARNING) if that failed, for example because its coordinator is
 * finishing it right now.  The rollback is done in a subtransaction so
 * that such an error does not end the drain.
 */
static bool
rollback_prepared(const char *gid)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	volatile bool ok = false;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(oldcxt);
	PG_TRY();
	{
		FinishPreparedTransaction(gid, false);
		ReleaseCurrentSubTransaction();
		ok = true;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(oldcxt);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		ereport(WARNING,
				(errmsg("maintenance drain could not roll back prepared transaction %s: %s",
						quote_literal_cstr(gid), edata->message)));
		FreeErrorData(edata);
	}
	PG_END_TRY();
	MemoryContextSwitchTo(oldcxt);
	CurrentResourceOwner = oldowner;
	return ok;
}

/* "pids 1, 2; prepared transactions 'a', 'b'" (the parts that apply) */
static void
describe_blockers(StringInfo buf, const int *pids, int n,
				  const PreparedWriter *prep, int nprep)
{
	resetStringInfo(buf);
	for (int i = 0; i < n; i++)
		appendStringInfo(buf, "%s%d", i ? ", " : "pids ", pids[i]);
	for (int i = 0; i < nprep; i++)
		appendStringInfo(buf, "%s%s", i ? ", " : (n ? "; prepared transactions " : "prepared transactions "),
						 quote_literal_cstr(prep[i].gid));
}

/*
 * Wait until no non-exempt session holds a writing transaction and no
 * transaction is prepared, at most timeout_us; then, with
 * UK_DRAIN_TERMINATE, end the sessions still writing and roll back the
 * prepared transactions that the caller may finish (those of this
 * database that it owns, or all of this database's for a superuser: the
 * rule of ROLLBACK PREPARED).  The phase must already be "draining".
 * Raises ERROR if the window is ended by someone else meanwhile, or if the
 * caller is cancelled.
 */
static void
drain_writers(uint64 window, int64 timeout_us, UkDrainAction action,
			  DrainResult *res)
{
	TimestampTz start = GetCurrentTimestamp();
	int			max = MaxBackends;
	int		   *pids = palloc(sizeof(int) * max);
	TransactionId *xids = palloc(sizeof(TransactionId) * max);
	int			seen_max = (max + max_prepared_xacts) * 4;
	int		   *seen_pids = palloc(sizeof(int) * seen_max);
	TransactionId *seen_xids = palloc(sizeof(TransactionId) * seen_max);
	PreparedWriter *prep = palloc(sizeof(PreparedWriter) * Max(max_prepared_xacts, 1));
	int			nseen = 0;
	int			n;
	int			nprep;

	initStringInfo(&res->blockers);
	res->terminated = 0;
	for (;;)
	{
		if (pg_atomic_read_u64(&upkeep_shared->window_id) != window ||
			pg_atomic_read_u32(&upkeep_shared->phase) == UPKEEP_PHASE_OFF)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("maintenance mode was ended by another session during the drain")));

		n = scan_writers(window, pids, xids, max, seen_pids, seen_xids,
						 &nseen, seen_max);
		nprep = scan_prepared(prep, max_prepared_xacts, seen_pids, seen_xids,
							  &nseen, seen_max);
		if (n + nprep == 0)
			break;
		if (TimestampDifferenceExceeds(start, GetCurrentTimestamp(),
									   (int) (timeout_us / 1000)))
			break;
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 UPKEEP_DRAIN_POLL_MS, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
	}

	if (n + nprep > 0 && action == UK_DRAIN_TERMINATE)
	{
		int			nrolled = 0;

		for (int i = 0; i < n; i++)
		{
			if (DatumGetBool(DirectFunctionCall2(pg_terminate_backend,
												 Int32GetDatum(pids[i]),
												 Int64GetDatum(UPKEEP_TERMINATE_WAIT_MS))))
				res->terminated++;
		}
		for (int i = 0; i < nprep; i++)
		{
			if (prep[i].dbid != MyDatabaseId ||
				(!superuser() && prep[i].owner != GetUserId()))
				continue;
			if (rollback_prepared(prep[i].gid))
				prep[nrolled++] = prep[i];
		}
		res->terminated += nrolled;
		describe_blockers(&res->blockers, pids, n, prep, nrolled);
		n = scan_writers(window, pids, xids, max, seen_pids, seen_xids,
						 &nseen, seen_max);
		nprep = scan_prepared(prep, max_prepared_xacts, seen_pids, seen_xids,
							  &nseen, seen_max);
	}

	res->waited = nseen;
	res->elapsed_ms = (GetCurrentTimestamp() - start) / 1000;
	res->nprepared = nprep;
	if (n + nprep > 0)
	{
		describe_blockers(&res->blockers, pids, n, prep, nprep);
		res->nblockers = n + nprep;
	}
	res->outcome = uk_drain_outcome_of(n + nprep, res->terminated, nseen);
	pfree(pids);
	pfree(xids);
	pfree(seen_pids);
	pfree(seen_xids);
	pfree(prep);
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

	require_preloaded();

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("maintenance reason must not be NULL"),
				 errhint("Say why, for example: SELECT upkeep.enter_maintenance('ERPNext upgrade to v15');")));
	reason = text_to_cstring(PG_GETARG_TEXT_PP(0));
	if (uk_reason_validate(reason, &err) != UK_OK)
		report_uk_error(ERROR, err, "invalid reason");

	if (!PG_ARGISNULL(1))
	{
		expected_us = interval_to_us(PG_GETARG_INTERVAL_P(1), "expected_duration");
		if (uk_duration_validate("expected_duration", expected_us,
								 UK_DURATION_MAX_US, &err) != UK_OK)
			report_uk_error(ERROR, err, "invalid expected_duration");
	}
	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("drain_timeout must not be NULL"),
				 errhint("Use '0 seconds' to not wait for writers at all.")));
	drain_us = interval_to_us(PG_GETARG_INTERVAL_P(2), "drain_timeout");
	if (uk_duration_validate("drain_timeout", drain_us,
							 UK_DRAIN_TIMEOUT_MAX_US, &err) != UK_OK)
		report_uk_error(ERROR, err, "invalid drain_timeout");
	if (PG_ARGISNULL(3))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("on_timeout must not be NULL"),
				 errhint("Use 'fail' or 'terminate'.")));
	if (uk_drain_action_parse(text_to_cstring(PG_GETARG_TEXT_PP(3)), &action,
							  &err) != UK_OK)
		report_uk_error(ERROR, err, "invalid on_timeout");
	if (action == UK_DRAIN_TERMINATE &&
		!has_privs_of_role(GetUserId(), ROLE_PG_SIGNAL_BACKEND))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to use on_timeout 'terminate'"),
				 errdetail("Only roles with the privileges of the \"pg_signal_backend\" role may end other sessions.")));
	if (RecoveryInProgress())
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cannot enter maintenance mode on a standby"),
				 errdetail("A standby is read-only already; enter maintenance on the primary.")));

	role = current_role_name();
	ensure_exit_callback();

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
		report_uk_error(ERROR, err, "could not generate a join token");
	}
	window = Max(upkeep_shared->state.window_id, winlog_max_id()) + 1;

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
	state_save(&st);			/* ERROR here changes nothing */

	upkeep_shared->state = st;
	upkeep_shared->nmaintainers = 0;
	pg_atomic_write_u64(&upkeep_shared->refused_writes, 0);
	pg_atomic_write_u64(&upkeep_shared->window_id, window);
	add_maintainer(window);
	pg_atomic_write_u32(&upkeep_shared->phase, UPKEEP_PHASE_DRAINING);

	uk_window_init(&w);
	w.window_id = window;
	w.entered_at_us = st.started_at_us;
	strlcpy(w.entered_by, role, sizeof(w.entered_by));
	strlcpy(w.reason, reason, sizeof(w.reason));
	w.expected_end_us = st.expected_end_us;
	winlog_save(&w);
	LWLockRelease(upkeep_shared->lock);
	broadcast_window_start();

	/* Drain; any error (cancel, window ended) leaves maintenance off again. */
	PG_TRY();
	{
		drain_writers(window, drain_us, action, &res);
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
			if (uk_state_write(UPKEEP_STATE_FILE, &off, &err) == UK_OK)
			{
				upkeep_shared->state = off;
				upkeep_shared->nmaintainers = 0;
				pg_atomic_write_u32(&upkeep_shared->phase, UPKEEP_PHASE_OFF);
			}
			else
				uk_error_free(err);
			w.drain_outcome = UK_DRAIN_FAILED;
			strlcpy(w.drain_detail, "the drain was interrupted", sizeof(w.drain_detail));
			w.exited_at_us = TimestampTzToUnixUsecs(GetCurrentTimestamp());
			strlcpy(w.exited_by, role, sizeof(w.exited_by));
			if (uk_winlog_upsert(UPKEEP_WINLOG_FILE, &w,
								 (size_t) upkeep_maintenance_log_max, &err) != UK_OK)
				uk_error_free(err);
		}
		LWLockRelease(upkeep_shared->lock);
		my_window = 0;
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
		leave_maintenance_locked();
		winlog_save(&w);
		LWLockRelease(upkeep_shared->lock);
		my_window = 0;
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
	winlog_save(&w);
	LWLockRelease(upkeep_shared->lock);

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

	redact_own_activity();		/* whatever the outcome */
	require_preloaded();
	ensure_exit_callback();

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

	if (!session_may_join(entered_by_id))
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
	add_maintainer(window);
	LWLockRelease(upkeep_shared->lock);
	unforce_current_transaction();
	PG_RETURN_VOID();
}

/* exit_maintenance(): back to read-write for everyone. */
Datum
exit_maintenance(PG_FUNCTION_ARGS)
{
	UkWindow	w;
	uint64		window;
	char	   *role;

	require_preloaded();
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
	leave_maintenance_locked();	/* ERROR here: still in maintenance */

	if (!winlog_find(window, &w))
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
	winlog_save(&w);
	LWLockRelease(upkeep_shared->lock);

	my_window = 0;
	unforce_current_transaction();
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

/* maintenance_status(): one row, readable by everyone; never shows the token. */
Datum
maintenance_status(PG_FUNCTION_ARGS)
{
	TupleDesc	tupdesc;
	Datum		values[10];
	bool		nulls[10] = {0};
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
		report_uk_error(ERROR, err, "could not read upkeep maintenance log");
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
		Datum		values[13];
		bool		nulls[13] = {0};

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
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
