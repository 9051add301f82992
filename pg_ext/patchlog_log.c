/*
 * patchlog_log.c
 *		Patch runs: shared memory and the log file.
 *
 * The log.  Records (libcommon's uk_patch.h: BEGIN, STMT, ERROR, END) are
 * appended as text lines to $PGDATA/upkeep/patch.log, outside any SQL
 * transaction, so a rollback cannot lose them; the file survives a
 * restart, and a kill -9 loses at most a line being written (each line
 * has a checksum; a torn one is skipped).  END records are fsync'd.  When
 * the file reaches half of upkeep.patch_log_max_size it becomes
 * patch.log.1 (replacing the previous one): the oldest records go first
 * and the log never exceeds the setting by more than one line.  At start
 * the files are scanned so that run and statement ids keep growing.
 *
 * Shared memory: one slot per PGPROC, written by its backend under
 * PatchShared->lock (exclusive) when a run begins (upkeep_patch_log_begin:
 * the BEGIN record and the slot together) or ends, and holding
 * counters the owner updates as atomics; the views read the slots under
 * the lock (shared).  The lock also serializes appends to the log file
 * and its rotation, so that no reader opens the files while one is being
 * renamed.  The state of window patch runs lives here too
 * (PatchShared->window), with its rules in patchlog_window.c.  See
 * patchlog_int.h for how the patch-run files fit together.
 */
#include "postgres.h"

#include "commands/dbcommands.h"
#include "miscadmin.h"
#include "storage/proc.h"
#include "storage/shmem.h"
#include "utils/timestamp.h"

#include "compat.h"
#include "patchlog_int.h"
#include "wal_int.h"

PatchShared *upkeep_patch_shared = NULL;

/* setting upkeep.patch_log_max_size (defined in upkeep.c) */
int			upkeep_patch_log_max_kb = 65536;

static void carry_over_begins_locked(UpkeepLog *log);
static void redo_ids(const char *line, size_t len);

UpkeepLog	upkeep_patch_log = {
	PATCH_LOG_FILE, PATCH_LOG_OLD_FILE, &upkeep_patch_log_max_kb, NULL,
	carry_over_begins_locked, -1, 0
};

/* Buffers for one record; static so that the error path never allocates. */
static char line_buf[UK_PATCHREC_LINE_MAX + 1];

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

	upkeep_patch_shared = ShmemInitStruct("upkeep patch runs",
								   upkeep_patch_shmem_size(), &found);
	upkeep_patch_log.shared = &upkeep_patch_shared->log;
	if (found)
		return;

	memset(upkeep_patch_shared, 0, upkeep_patch_shmem_size());
	upkeep_patch_shared->lock = &(GetNamedLWLockTranche("upkeep"))[1].lock;
	upkeep_patch_shared->nslots = patch_nslots();
	for (int i = 0; i < upkeep_patch_shared->nslots; i++)
	{
		pg_atomic_init_u64(&upkeep_patch_shared->slots[i].statements, 0);
		pg_atomic_init_u64(&upkeep_patch_shared->slots[i].slow_statements, 0);
		pg_atomic_init_u64(&upkeep_patch_shared->slots[i].lock_wait_us, 0);
		pg_atomic_init_u64(&upkeep_patch_shared->slots[i].window_stmt_run, 0);
		pg_atomic_init_u64(&upkeep_patch_shared->slots[i].window_member, 0);
	}
	pg_atomic_init_u64(&upkeep_patch_shared->window.current_run, 0);
	pg_atomic_init_u64(&upkeep_patch_shared->window.runs_window, 0);
	pg_atomic_init_u64(&upkeep_patch_shared->window.unattributed, 0);
	pg_atomic_init_u64(&upkeep_patch_shared->window.unattributed_window, 0);
	for (int i = 0; i < WINDOW_PATCH_LEVELS; i++)
	{
		WindowRunSlot *w = &upkeep_patch_shared->window.levels[i];

		pg_atomic_init_u64(&w->run_id, 0);
		pg_atomic_init_u64(&w->statements, 0);
		pg_atomic_init_u64(&w->slow_statements, 0);
		pg_atomic_init_u64(&w->lock_wait_us, 0);
	}
	ids.scratch = malloc(UK_PATCHREC_LINE_MAX + 1);
	(void) upkeep_log_scan(PATCH_LOG_OLD_FILE, false, scan_line, &ids);
	bytes = upkeep_log_scan(PATCH_LOG_FILE, true, scan_line, &ids);
	free(ids.scratch);
	upkeep_patch_shared->next_run_id = ids.run + 1;
	pg_atomic_init_u64(&upkeep_patch_shared->next_stmt_id, ids.stmt + 1);
	upkeep_patch_shared->log.bytes = bytes;
	upkeep_patch_shared->log.generation = 1;
	upkeep_wal_register_log(UPKEEP_WAL_LOG_PATCH, &upkeep_patch_log,
							upkeep_patch_shared->lock, redo_ids);
}

/*
 * A line replayed from the WAL (startup process): ids keep growing past
 * it, so that a promoted standby never reuses them.  Caller holds
 * upkeep_patch_shared->lock exclusively.
 */
static void
redo_ids(const char *line, size_t len)
{
	static char scratch[UK_PATCHREC_LINE_MAX + 1];
	MaxIds		ids = {0, 0, scratch};

	scan_line(line, len, &ids);
	if (ids.run >= upkeep_patch_shared->next_run_id)
		upkeep_patch_shared->next_run_id = ids.run + 1;
	if (ids.stmt >= pg_atomic_read_u64(&upkeep_patch_shared->next_stmt_id))
		pg_atomic_write_u64(&upkeep_patch_shared->next_stmt_id, ids.stmt + 1);
}

/* ---------- the log file ---------- */

/*
 * A new log file starts with the BEGIN records of the runs still open, so
 * that every record in the files kept has its run's BEGIN before it.
 * Caller must hold upkeep_patch_shared->lock exclusively.
 */
static void
carry_over_begins_locked(UpkeepLog *log)
{
	static char begin_buf[UK_PATCHREC_LINE_MAX + 1];

	for (int i = 0; i < upkeep_patch_shared->nslots; i++)
	{
		PatchSlot  *slot = &upkeep_patch_shared->slots[i];
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
	for (int i = 0; i < upkeep_patch_shared->window.depth; i++)
	{
		WindowRunSlot *w = &upkeep_patch_shared->window.levels[i];
		UkPatchRec	rec;
		size_t		len;

		uk_patchrec_init(&rec, UK_REC_BEGIN);
		rec.run_id = pg_atomic_read_u64(&w->run_id);
		rec.at_us = TimestampTzToUnixUsecs(w->started_at);
		rec.pid = w->pid;
		rec.database = w->database;
		rec.username = w->username;
		rec.name = w->name;
		rec.app = w->app;
		rec.window_id = pg_atomic_read_u64(&upkeep_patch_shared->window.runs_window);
		rec.parent_run_id = w->parent_run_id;
		len = uk_patchrec_format(&rec, begin_buf, sizeof(begin_buf));
		upkeep_log_write_raw_locked(log, begin_buf, len);
	}
}

/* Format and append rec.  Caller must hold upkeep_patch_shared->lock exclusively. */
bool
upkeep_patch_write_record_locked(const UkPatchRec *rec, bool quiet)
{
	size_t		len = uk_patchrec_format(rec, line_buf, sizeof(line_buf));

	return upkeep_log_append_locked(&upkeep_patch_log, line_buf, len,
									rec->kind == UK_REC_END, quiet);
}

bool
upkeep_patch_write_record(const UkPatchRec *rec, bool quiet)
{
	bool		ok;

	LWLockAcquire(upkeep_patch_shared->lock, LW_EXCLUSIVE);
	ok = upkeep_patch_write_record_locked(rec, quiet);
	LWLockRelease(upkeep_patch_shared->lock);
	return ok;
}

int64
upkeep_patch_now_unix_us(void)
{
	return TimestampTzToUnixUsecs(GetCurrentTimestamp());
}

void
upkeep_patch_require_shmem(void)
{
	if (upkeep_patch_shared == NULL || MyProc == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("upkeep must be loaded via shared_preload_libraries")));
}

/*
 * The run a backend is in: its id (0 if none), its name into name: its own
 * run, else the window patch run its current statement is attributed to.
 * Takes the lock; never raises an error (used by the deadlock capture).
 */
uint64
upkeep_patch_of_pid(int pid, char *name, size_t cap)
{
	uint64		run_id = 0;

	name[0] = '\0';
	if (upkeep_patch_shared == NULL || pid == 0)
		return 0;
	LWLockAcquire(upkeep_patch_shared->lock, LW_SHARED);
	for (int i = 0; i < upkeep_patch_shared->nslots; i++)
	{
		PatchSlot  *s = &upkeep_patch_shared->slots[i];

		if (s->run_id != 0 && s->pid == pid)
		{
			run_id = s->run_id;
			strlcpy(name, s->name, cap);
			break;
		}
		if (s->window_pid == pid && pg_atomic_read_u64(&s->window_stmt_run) != 0)
		{
			uint64		w_run = pg_atomic_read_u64(&s->window_stmt_run);

			for (int l = 0; l < upkeep_patch_shared->window.depth; l++)
			{
				WindowRunSlot *w = &upkeep_patch_shared->window.levels[l];

				if (pg_atomic_read_u64(&w->run_id) == w_run)
				{
					run_id = w_run;
					strlcpy(name, w->name, cap);
				}
			}
			if (run_id != 0)
				break;
		}
	}
	LWLockRelease(upkeep_patch_shared->lock);
	return run_id;
}

/*
 * A run of this backend begins: its BEGIN record in the log and its slot
 * (*slot_out).  Returns its run id; ERROR when the log cannot be written
 * (the slot is then left as it was).
 */
uint64
upkeep_patch_log_begin(const char *name, const char *app, PatchSlot **slot_out)
{
	UkPatchRec	rec;
	PatchSlot  *slot = &upkeep_patch_shared->slots[MyProc->pgprocno];
	char	   *dbname = get_database_name(MyDatabaseId);
	char	   *username = GetUserNameFromId(GetSessionUserId(), false);
	uint64		run_id;
	bool		ok;
	int			saved_errno;

	uk_patchrec_init(&rec, UK_REC_BEGIN);
	rec.at_us = upkeep_patch_now_unix_us();
	rec.pid = MyProcPid;
	rec.database = dbname != NULL ? dbname : "";
	rec.username = username;
	rec.name = name;
	rec.app = app != NULL ? app : "";

	LWLockAcquire(upkeep_patch_shared->lock, LW_EXCLUSIVE);
	run_id = upkeep_patch_shared->next_run_id++;
	rec.run_id = run_id;
	ok = upkeep_patch_write_record_locked(&rec, true);
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
	LWLockRelease(upkeep_patch_shared->lock);
	if (!ok)
	{
		errno = saved_errno;
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not write upkeep patch log \"%s\": %m",
						PATCH_LOG_FILE)));
	}
	*slot_out = slot;
	return run_id;
}
