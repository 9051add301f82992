/*
 * maintenance_drain.c
 *		Maintenance mode: the drain of in-flight writers when a window
 *		begins.
 *
 * The drain: enter_maintenance() switches to "draining" (new writes are
 * refused, transactions that already wrote may still commit), then waits
 * until no non-exempt backend holds a top-level XID or runs a statement
 * that may write and passed its read-only check before the drain began
 * (see "Statements in flight" below), except transactions
 * that were forced read-only before obtaining their XID (those wrote only
 * temporary tables), and no transaction is prepared.  Read-only transactions have no XID and are never
 * waited for or disturbed.  On timeout it fails, or ends the sessions still
 * writing and rolls back the prepared transactions the caller may finish.
 * Walsenders count like ordinary sessions: they hold an XID only for SQL
 * they ran.  See maintenance_int.h for how the maintenance files fit
 * together.
 *
 * Locking rules are in upkeep.h (UpkeepShared); the drain reads the
 * per-PGPROC slots that maintenance_enforce.c writes.
 */
#include "postgres.h"

#include "access/twophase.h"
#include "access/xact.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "storage/latch.h"
#include "storage/proc.h"
#include "storage/procarray.h"
#include "utils/backend_status.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"

#include "maintenance_int.h"

#define UPKEEP_DRAIN_POLL_MS	1
#define UPKEEP_TERMINATE_WAIT_MS 5000

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
 * Statements in flight.  A statement's read-only check
 * (standard_ExecutorStart, standard_ProcessUtility) comes before its XID (the
 * first heap_insert, for example): a statement that passed the check while the
 * phase was still off may obtain its XID after the drain's scan, write, and
 * then be refused at COMMIT once the window is active.  So every statement
 * that may write marks its backend's slot (write_lxid, upkeep_write_begin() in
 * upkeep.h) before the hooks read the phase, and the drain waits for a marked
 * backend as for one holding an XID.  Ordering (Dekker, a full barrier on each
 * side):
 *
 *	backend:	store mark; pg_memory_barrier(); load phase
 *	drain:		store phase; pg_memory_barrier(); load mark
 *
 * Either the backend sees the phase (it forces its transaction read-only, and
 * the check refuses the write), or the drain sees the mark.  The mark is
 * cleared once the statement's writes are done (ExecutorEnd, after
 * ExecutorFinish; after ProcessUtility), so after any XID it obtained (the XID
 * is published under XidGenLock, a barrier); the drain loads the mark first
 * and the XID after a read barrier, so it never sees neither.  A mark counts
 * only while its local transaction is the backend's current one and the
 * backend runs a statement: a stale mark (a statement ended by an error in a
 * subtransaction) never makes the drain wait for an idle session (unless
 * track_activities is off: then every session may be running).  The backend's
 * state RUNNING is stored before its mark, so a scan after the barrier sees it
 * for any mark that matters.  An idle backend without an XID is skipped: its
 * next statement reads the phase after marking.  Plain SELECTs are never
 * marked, so a long read-only statement is not waited for.
 */

/*
 * Does this backend run a statement?  With track_activities off its state
 * is unknown: then it may.
 */
static bool
may_be_running(PgBackendStatus *be)
{
	return be->st_state == STATE_RUNNING || be->st_state == STATE_FASTPATH ||
		be->st_state == STATE_DISABLED;
}

/*
 * One scan: the pids of non-exempt sessions that hold an open transaction
 * which has written, or run a statement that may write (see above).
 * Fills pids (capacity max), returns the count.  Also adds each (pid, xid)
 * never seen before to seen/nseen (a statement without an XID yet is
 * counted once it has one).
 */
static int
scan_writers(uint64 window, int *pids, TransactionId *xids, int max,
			 int *seen_pids, TransactionId *seen_xids, int *nseen, int seen_max)
{
	int			n = 0;
	int			nbackends;

	pg_memory_barrier();		/* the phase store before the loads below */
	pgstat_clear_backend_activity_snapshot();
	nbackends = pgstat_fetch_stat_numbackends();
	LWLockAcquire(upkeep_shared->lock, LW_SHARED);
	for (int i = 1; i <= nbackends; i++)
	{
		LocalPgBackendStatus *local = pgstat_fetch_stat_local_beentry(i);
		PgBackendStatus *be;
		PGPROC	   *proc;
		UpkeepProcSlot *slot;
		LocalTransactionId lxid;
		TransactionId xid;
		bool		in_flight;
		bool		known = false;

		if (local == NULL)
			continue;
		be = &local->backendStatus;
		if (!TransactionIdIsValid(local->backend_xid) && !may_be_running(be))
			continue;			/* idle without an XID (see above) */
		if (be->st_procpid <= 0 || be->st_procpid == MyProcPid ||
			is_exempt_backend(be) || upkeep_maint_is_maintainer_pid(be->st_procpid))
			continue;
		proc = BackendPidGetProc(be->st_procpid);
		if (proc == NULL)
			continue;
		slot = &upkeep_shared->slots[proc->pgprocno];
		lxid = ((volatile PGPROC *) proc)->lxid;
		in_flight = lxid != InvalidLocalTransactionId &&
			((volatile UpkeepProcSlot *) slot)->write_lxid == lxid &&
			may_be_running(be);
		pg_read_barrier();		/* the mark before the XID (see above) */
		xid = ((volatile PGPROC *) proc)->xid;
		if (!TransactionIdIsValid(xid) && !in_flight)
			continue;
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
			xids[n] = xid;
			n++;
		}
		if (!TransactionIdIsValid(xid))
			continue;
		for (int j = 0; j < *nseen; j++)
			if (seen_pids[j] == be->st_procpid && seen_xids[j] == xid)
				known = true;
		if (!known && *nseen < seen_max)
		{
			seen_pids[*nseen] = be->st_procpid;
			seen_xids[*nseen] = xid;
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
void
upkeep_maint_drain_writers(uint64 window, int64 timeout_us, UkDrainAction action,
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
