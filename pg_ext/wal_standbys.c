/*
 * wal_standbys.c
 *		Standbys and the window: which connected standbys have replayed it,
 *		waiting for them (enter_maintenance(wait_for_standbys => ...)), and
 *		the background worker that makes a standby without upkeep fail
 *		early.
 *
 * A standby that does not preload upkeep cannot replay upkeep's records
 * (wal_rmgr.c) and stops at the first one ("resource manager with ID ...
 * not registered").  So that this happens when the standby is set up, not
 * in the middle of an upgrade, the worker "upkeep standby watch" writes a
 * small HELLO record when the primary starts (and after a promotion: it
 * starts once the server accepts writes) and whenever a new walsender
 * appears (a standby connecting, pg_basebackup streaming its WAL).  It
 * looks at the walsender slots once a second and writes nothing else.
 *
 * Which standbys have replayed the window: a physical walsender (one with
 * no database) whose standby reported a replay position at or past the
 * end of the window's last record (UpkeepShared->window_lsn; after a
 * restart in a window, the HELLO record of the start).  Walsenders
 * of pg_basebackup (state "backup") are not standbys yet and are left out.
 * Reads the walsender slots under their spinlocks; names come from the
 * backends' activity (application_name, as in pg_stat_replication).
 */
#include "postgres.h"

#include "access/xlog.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "replication/walsender.h"
#include "replication/walsender_private.h"
#include "storage/latch.h"
#include "utils/backend_status.h"
#include "utils/timestamp.h"

#include "wal_int.h"

PGDLLEXPORT void upkeep_standby_watch_main(Datum arg);

/* ---------- the worker ---------- */

/* From _PG_init: started when the server accepts writes, and after a crash. */
void
upkeep_wal_register_worker(void)
{
	BackgroundWorker worker;

	memset(&worker, 0, sizeof(worker));
	worker.bgw_flags = BGWORKER_SHMEM_ACCESS;
	worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
	worker.bgw_restart_time = 5;
	strlcpy(worker.bgw_library_name, "upkeep", sizeof(worker.bgw_library_name));
	strlcpy(worker.bgw_function_name, "upkeep_standby_watch_main",
			sizeof(worker.bgw_function_name));
	strlcpy(worker.bgw_name, "upkeep standby watch", sizeof(worker.bgw_name));
	strlcpy(worker.bgw_type, "upkeep standby watch", sizeof(worker.bgw_type));
	RegisterBackgroundWorker(&worker);
}

void
upkeep_standby_watch_main(Datum arg)
{
	pid_t	   *seen = palloc0(sizeof(pid_t) * Max(max_wal_senders, 1));
	XLogRecPtr	lsn;

	BackgroundWorkerUnblockSignals();
	lsn = upkeep_wal_log_hello("primary start");

	/*
	 * After a restart in a window, where its last record is, is not known:
	 * a standby that replayed this record has replayed the window too.
	 */
	LWLockAcquire(upkeep_shared->lock, LW_EXCLUSIVE);
	if (upkeep_shared->window_lsn == 0 &&
		pg_atomic_read_u32(&upkeep_shared->phase) != UPKEEP_PHASE_OFF)
		upkeep_shared->window_lsn = lsn;
	LWLockRelease(upkeep_shared->lock);

	for (;;)
	{
		for (int i = 0; i < max_wal_senders; i++)
		{
			WalSnd	   *ws = &WalSndCtl->walsnds[i];
			pid_t		pid;

			SpinLockAcquire(&ws->mutex);
			pid = ws->pid;
			SpinLockRelease(&ws->mutex);
			if (pid != 0 && pid != seen[i] && !RecoveryInProgress())
			{
				char		why[64];

				snprintf(why, sizeof(why), "walsender %d started", (int) pid);
				(void) upkeep_wal_log_hello(why);
			}
			seen[i] = pid;
		}
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 1000L, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
	}
}

/* ---------- which standbys replayed the window ---------- */

typedef struct Standby
{
	pid_t		pid;
	XLogRecPtr	apply;
} Standby;

/* Physical standbys streaming from this server; returns how many. */
static int
streaming_standbys(Standby *out)
{
	int			n = 0;

	if (WalSndCtl == NULL)
		return 0;
	for (int i = 0; i < max_wal_senders; i++)
	{
		WalSnd	   *ws = &WalSndCtl->walsnds[i];
		pid_t		pid;
		WalSndState state;
		XLogRecPtr	apply;

		SpinLockAcquire(&ws->mutex);
		pid = ws->pid;
		state = ws->state;
		apply = ws->apply;
		SpinLockRelease(&ws->mutex);
		if (pid == 0 || (state != WALSNDSTATE_CATCHUP && state != WALSNDSTATE_STREAMING))
			continue;
		out[n].pid = pid;
		out[n].apply = apply;
		n++;
	}
	return n;
}

/*
 * A standby's name, "application_name (pid N)"; NULL for a logical
 * walsender (one connected to a database), which is no standby.
 */
static char *
standby_name(pid_t pid)
{
	int			nbackends = pgstat_fetch_stat_numbackends();

	for (int i = 1; i <= nbackends; i++)
	{
		LocalPgBackendStatus *local = pgstat_fetch_stat_local_beentry(i);
		PgBackendStatus *be = local ? &local->backendStatus : NULL;

		if (be == NULL || be->st_procpid != pid)
			continue;
		if (OidIsValid(be->st_databaseid))
			return NULL;
		if (be->st_appname != NULL && be->st_appname[0] != '\0')
			return psprintf("%s (pid %d)", be->st_appname, (int) pid);
		break;
	}
	return psprintf("pid %d", (int) pid);
}

/*
 * The connected physical standbys that have replayed lsn (into *replayed)
 * and that have not (into *behind), as palloc'd names; returns how many
 * have not.  With lsn invalid every standby counts as replayed.
 */
int
upkeep_wal_standbys(XLogRecPtr lsn, List **replayed, List **behind)
{
	Standby    *sb = palloc(sizeof(Standby) * Max(max_wal_senders, 1));
	int			n = streaming_standbys(sb);
	int			nbehind = 0;

	*replayed = NIL;
	*behind = NIL;
	for (int i = 0; i < n; i++)
	{
		char	   *name = standby_name(sb[i].pid);

		if (name == NULL)
			continue;
		if (XLogRecPtrIsInvalid(lsn) || sb[i].apply >= lsn)
			*replayed = lappend(*replayed, name);
		else
		{
			*behind = lappend(*behind, name);
			nbehind++;
		}
	}
	pfree(sb);
	return nbehind;
}

/* Count the physical standbys behind lsn, without names (the wait loop). */
static int
count_behind(XLogRecPtr lsn)
{
	List	   *replayed;
	List	   *behind;
	int			n;

	pgstat_clear_backend_activity_snapshot();
	n = upkeep_wal_standbys(lsn, &replayed, &behind);
	list_free_deep(replayed);
	list_free_deep(behind);
	return n;
}

/*
 * Wait until every connected physical standby has replayed lsn, at most
 * timeout_us.  At the timeout: a WARNING naming the standbys still behind
 * (the window stays entered: the standbys get it when they catch up).
 */
void
upkeep_wal_wait_for_standbys(XLogRecPtr lsn, int64 timeout_us)
{
	TimestampTz deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
													   timeout_us / 1000);
	List	   *replayed;
	List	   *behind;
	StringInfoData names;
	ListCell   *lc;

	while (count_behind(lsn) > 0 && GetCurrentTimestamp() < deadline)
	{
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 50L, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
	}
	pgstat_clear_backend_activity_snapshot();
	if (upkeep_wal_standbys(lsn, &replayed, &behind) == 0)
		return;
	initStringInfo(&names);
	foreach(lc, behind)
		appendStringInfo(&names, "%s%s", names.len > 0 ? ", " : "",
						 (char *) lfirst(lc));
	ereport(WARNING,
			(errmsg("%d standby%s did not replay the maintenance window within wait_for_standbys",
					list_length(behind), list_length(behind) == 1 ? "" : "s"),
			 errdetail("Not replayed yet: %s.", names.data),
			 errhint("The window is active on this server; see upkeep.maintenance (standbys_behind) until they catch up, and check that every standby preloads upkeep.")));
}
