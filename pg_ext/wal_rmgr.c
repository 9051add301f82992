/*
 * wal_rmgr.c
 *		upkeep's custom WAL resource manager: the window, the window log and
 *		the patch and deadlock logs travel in the WAL, so that a standby
 *		(and crash recovery) knows what the primary knew.
 *
 * Records (wal_int.h):
 *
 *	STATE	the phase and the whole state file as uk_state_format() wrote it
 *			(reason, times, window id, the join token's hash): every change
 *			of the window (enter, leave, a failed or interrupted drain)
 *	WINLOG	one window log record as uk_winlog_format() serializes it, a
 *			header line and the record's line (opaque bytes here: redo
 *			parses them with the same code that reads the file)
 *	LOGLINE	one line of patch.log or deadlocks.log (run begin and end, slow
 *			statements, failures, deadlocks; never a plain statement)
 *	HELLO	a primary started, or a standby connected (wal_standbys.c): a
 *			standby without upkeep stops there, not in the middle of an
 *			upgrade
 *
 * On the primary, each record is written and flushed (XLogFlush) before
 * the files and shared memory change, under the lock that owns them
 * (UpkeepShared->lock for the window; the log's lock for its lines), so
 * the WAL's order is the order of the changes.  Redo applies them again in
 * LSN order: the state file is rewritten whole and the window log record
 * replaced by window id, so replaying twice changes nothing; a log line is
 * appended only if "<log>.lsn" shows the file does not have it yet
 * (logfile.c).
 *
 * Layering: the files that WAL-log their changes call this file, and it
 * calls only logfile.c, the files below the WAL, never back up.  So the
 * way up goes through pointers given at registration: a log registered
 * here gets wal_append, through which logfile.c's
 * upkeep_log_append_locked() sends its lines here; maintenance mode
 * serializes its STATE and WINLOG records itself, and _PG_init gives this
 * file their redo (maintenance_state.c's upkeep_maint_redo_*,
 * UpkeepWalWindowRedo in wal_int.h), which also runs at the end of
 * recovery.
 *
 * Redo runs in the startup process: no catalog, no transaction.  What it
 * (here, or maintenance_state.c for the window's records) does when a
 * record cannot be applied:
 *	- a STATE record that does not parse (a standby with an older upkeep
 *	  than the primary's): WARNING, and the standby fails safe, in
 *	  maintenance, as for an unreadable state file; replay goes on.
 *	- the state file cannot be written (disk full, permissions): FATAL.
 *	  Recovery stops and, once fixed, replays the record again from the
 *	  last restartpoint; going on would lose the change for good at the
 *	  next restartpoint.
 *	- a window log record or a log line that cannot be read or written:
 *	  WARNING, replay goes on (the logs are evidence, not state).
 *	- an unknown record kind: PANIC, as PostgreSQL's own resource managers
 *	  do: this upkeep is older than the primary's.
 */
#include "postgres.h"

#include "access/xlog.h"
#include "access/xlog_internal.h"
#include "access/xloginsert.h"
#include "access/xlogreader.h"
#include "miscadmin.h"

#include "uk_dlog.h"
#include "uk_patch.h"

#include "wal_int.h"

bool		upkeep_in_emit_log = false;
bool		upkeep_wal_deferred = false;

/* Redo of STATE and WINLOG records, and the end of recovery (_PG_init). */
static UpkeepWalWindowRedo window_redo;

/* The logs whose lines travel in the WAL, by wal_id; set in the postmaster. */
static struct
{
	UpkeepLog  *log;
	LWLock	   *lock;
	void		(*on_redo) (const char *line, size_t len);	/* ids past it */
}			wal_logs[UPKEEP_WAL_NLOGS];

static void upkeep_rmgr_redo(XLogReaderState *record);
static void upkeep_rmgr_desc(StringInfo buf, XLogReaderState *record);
static const char *upkeep_rmgr_identify(uint8 info);
static void upkeep_rmgr_cleanup(void);
static bool append_wal_logged_locked(UpkeepLog *log, const char *line,
									 size_t len, bool sync, bool quiet);

static RmgrData upkeep_rmgr = {
	.rm_name = UPKEEP_RMGR_NAME,
	.rm_redo = upkeep_rmgr_redo,
	.rm_desc = upkeep_rmgr_desc,
	.rm_identify = upkeep_rmgr_identify,
	.rm_startup = NULL,
	.rm_cleanup = upkeep_rmgr_cleanup,
	.rm_mask = NULL,
	.rm_decode = NULL,
};

/*
 * From _PG_init (preloading only), which passes maintenance_state.c's
 * redo of the window's records; the startup process inherits them.
 */
void
upkeep_wal_register_rmgr(const UpkeepWalWindowRedo *redo)
{
	Assert(redo->state != NULL && redo->window != NULL &&
		   redo->end_of_recovery != NULL);
	window_redo = *redo;
	RegisterCustomRmgr(UPKEEP_RMGR_ID, &upkeep_rmgr);
}

/* A log whose lines travel in the WAL (postmaster, at shared memory set-up). */
void
upkeep_wal_register_log(uint8 wal_id, UpkeepLog *log, LWLock *lock,
						void (*on_redo) (const char *line, size_t len))
{
	Assert(wal_id > 0 && wal_id < UPKEEP_WAL_NLOGS);
	log->wal_id = wal_id;
	log->wal_append = append_wal_logged_locked;
	wal_logs[wal_id].log = log;
	wal_logs[wal_id].lock = lock;
	wal_logs[wal_id].on_redo = on_redo;
	upkeep_log_load_wal_lsn(log);
}

/* Does this process write WAL (a primary's backend, not a standby's)? */
bool
upkeep_wal_enabled(void)
{
	return XLogInsertAllowed();
}

/* Refuse, cleanly, a function that changes upkeep's state on a standby. */
void
upkeep_wal_require_primary(const char *what)
{
	if (RecoveryInProgress())
		ereport(ERROR,
				(errcode(ERRCODE_READ_ONLY_SQL_TRANSACTION),
				 errmsg("cannot run %s on a standby", what),
				 errdetail("A standby replays upkeep's state from the primary's WAL."),
				 errhint("Run it on the primary.")));
}

/* ---------- writing records (primary) ---------- */

static XLogRecPtr
insert_flushed(uint8 info, const char *head, size_t head_len,
			   const char *body, size_t body_len)
{
	XLogRecPtr	lsn;

	XLogBeginInsert();
	XLogRegisterData(unconstify(char *, head), (int) head_len);
	if (body_len > 0)
		XLogRegisterData(unconstify(char *, body), (int) body_len);
	lsn = XLogInsert(UPKEEP_RMGR_ID, info);
	XLogFlush(lsn);
	return lsn;
}

/*
 * WAL-log the state file's new text (uk_state_format()) and the phase it
 * puts the window in, before the file is written (maintenance_state.c).
 * Caller holds UpkeepShared->lock exclusively.
 */
XLogRecPtr
upkeep_wal_log_state(uint32 phase, const char *text, size_t len)
{
	return insert_flushed(XLOG_UPKEEP_STATE, (const char *) &phase,
						  sizeof(phase), text, len);
}

/*
 * WAL-log one window log record, serialized (uk_winlog_format()), before
 * the log file is changed (maintenance_state.c).  Caller holds
 * UpkeepShared->lock exclusively.
 */
XLogRecPtr
upkeep_wal_log_window(const char *text, size_t len)
{
	return insert_flushed(XLOG_UPKEEP_WINLOG, text, len, NULL, 0);
}

/* WAL-log one line of a log.  Caller holds the log's lock exclusively. */
static XLogRecPtr
wal_log_line(uint8 wal_id, const char *line, size_t len)
{
	return insert_flushed(XLOG_UPKEEP_LOGLINE, (const char *) &wal_id,
						  sizeof(wal_id), line, len);
}

/* The HELLO record; why says what happened ("primary start"). */
XLogRecPtr
upkeep_wal_log_hello(const char *why)
{
	return insert_flushed(XLOG_UPKEEP_HELLO, why, strlen(why), NULL, 0);
}

/* ---------- lines written inside emit_log_hook ---------- */

/*
 * emit_log_hook runs inside error handling, where a WAL insertion may
 * already be under construction and nothing may fail: the lines it
 * writes (a patch run's failure) wait here, in order, until the abort
 * callback, or the next line of the same log, writes them.  At most a few
 * lines wait at once (one per error); more are dropped.
 */
typedef struct DeferredHead
{
	uint8		wal_id;
	bool		sync;
	uint32		len;
} DeferredHead;

#define DEFER_CAP (2 * (sizeof(DeferredHead) + UK_PATCHREC_LINE_MAX + 1))

static char defer_buf[DEFER_CAP];
static size_t defer_used = 0;
static bool defer_flushing = false;

/* Keep a line for later.  Caller holds the log's lock; never errors. */
static void
defer_line(UpkeepLog *log, const char *line, size_t len, bool sync)
{
	DeferredHead h;

	if (defer_used + sizeof(h) + len > DEFER_CAP)
		return;
	h.wal_id = log->wal_id;
	h.sync = sync;
	h.len = (uint32) len;
	memcpy(defer_buf + defer_used, &h, sizeof(h));
	memcpy(defer_buf + defer_used + sizeof(h), line, len);
	defer_used += sizeof(h) + len;
	upkeep_wal_deferred = true;
}

/*
 * Write the waiting lines of log, in order, WAL-logged.  Caller holds the
 * log's lock exclusively, outside error handling.
 */
static void
flush_deferred_locked(UpkeepLog *log)
{
	size_t		pos = 0;
	size_t		kept = 0;

	if (defer_flushing || defer_used == 0)
		return;
	defer_flushing = true;
	while (pos < defer_used)
	{
		DeferredHead h;
		size_t		entry;

		memcpy(&h, defer_buf + pos, sizeof(h));
		entry = sizeof(h) + h.len;
		if (h.wal_id == log->wal_id)
			(void) append_wal_logged_locked(log, defer_buf + pos + sizeof(h),
											h.len, h.sync, true);
		else
		{
			memmove(defer_buf + kept, defer_buf + pos, entry);
			kept += entry;
		}
		pos += entry;
	}
	defer_used = kept;
	upkeep_wal_deferred = (kept > 0);
	defer_flushing = false;
}

/* Write every waiting line (abort callbacks: the error has been handled). */
void
upkeep_wal_flush_deferred(void)
{
	upkeep_in_emit_log = false;
	for (int id = 1; id < UPKEEP_WAL_NLOGS && upkeep_wal_deferred; id++)
	{
		if (wal_logs[id].log == NULL)
			continue;
		LWLockAcquire(wal_logs[id].lock, LW_EXCLUSIVE);
		flush_deferred_locked(wal_logs[id].log);
		LWLockRelease(wal_logs[id].lock);
	}
	if (!upkeep_wal_enabled())
	{
		defer_used = 0;
		upkeep_wal_deferred = false;
	}
}

/*
 * A registered log's wal_append (logfile.c's upkeep_log_append_locked()
 * calls it): on a server that writes WAL, WAL-log the line and flush it,
 * then append it; inside error handling, keep it for later (above).
 * Returns false if the line could not be written, after a WARNING unless
 * quiet.  Caller holds the log's lock exclusively.
 */
static bool
append_wal_logged_locked(UpkeepLog *log, const char *line, size_t len,
						 bool sync, bool quiet)
{
	XLogRecPtr	lsn;

	if (!upkeep_wal_enabled())
		return upkeep_log_append_file_locked(log, line, len, sync, quiet);
	if (upkeep_in_emit_log || CritSectionCount > 0)
	{
		defer_line(log, line, len, sync);
		return true;
	}
	if (unlikely(upkeep_wal_deferred))
		flush_deferred_locked(log);	/* keep the log's order */
	lsn = wal_log_line(log->wal_id, line, len);
	return upkeep_log_append_at_lsn_locked(log, line, len, sync, quiet, lsn);
}

/* ---------- redo (startup process) ---------- */

static void
redo_line(const char *data, size_t len, XLogRecPtr lsn)
{
	uint8		id = len > 0 ? (uint8) data[0] : 0;

	if (id == 0 || id >= UPKEEP_WAL_NLOGS || wal_logs[id].log == NULL)
	{
		ereport(WARNING,
				(errmsg("upkeep: a log line in the WAL at %X/%X names an unknown log (%u); it is skipped",
						LSN_FORMAT_ARGS(lsn), id)));
		return;
	}
	LWLockAcquire(wal_logs[id].lock, LW_EXCLUSIVE);
	upkeep_log_append_redo_locked(wal_logs[id].log, data + 1, len - 1, lsn);
	if (wal_logs[id].on_redo != NULL)
		wal_logs[id].on_redo(data + 1, len > 1 && data[len - 1] == '\n' ? len - 2 : len - 1);
	LWLockRelease(wal_logs[id].lock);
}

static void
upkeep_rmgr_redo(XLogReaderState *record)
{
	uint8		info = XLogRecGetInfo(record) & ~XLR_INFO_MASK;
	const char *data = XLogRecGetData(record);
	size_t		len = XLogRecGetDataLen(record);

	switch (info)
	{
		case XLOG_UPKEEP_STATE:
			window_redo.state(data, len, record->EndRecPtr);
			break;
		case XLOG_UPKEEP_WINLOG:
			window_redo.window(data, len, record->EndRecPtr);
			break;
		case XLOG_UPKEEP_LOGLINE:
			redo_line(data, len, record->EndRecPtr);
			break;
		case XLOG_UPKEEP_HELLO:
			break;
		default:
			elog(PANIC, "upkeep redo: unknown record kind %u (is this server's upkeep older than the primary's?)",
				 info);
	}
}

/*
 * End of recovery (promotion, or the end of crash recovery): a window whose
 * drain never finished is active now, the writers it waited for are gone.
 */
static void
upkeep_rmgr_cleanup(void)
{
	window_redo.end_of_recovery();
}

/* ---------- description (pg_walinspect, redo error context) ---------- */

static const char *
upkeep_rmgr_identify(uint8 info)
{
	switch (info & ~XLR_INFO_MASK)
	{
		case XLOG_UPKEEP_STATE:
			return "STATE";
		case XLOG_UPKEEP_WINLOG:
			return "WINLOG";
		case XLOG_UPKEEP_LOGLINE:
			return "LOGLINE";
		case XLOG_UPKEEP_HELLO:
			return "HELLO";
		default:
			return NULL;
	}
}

static const char *
phase_word(uint32 phase)
{
	return phase == UPKEEP_PHASE_DRAINING ? "draining" :
		phase == UPKEEP_PHASE_ACTIVE ? "active" : "off";
}

static void
upkeep_rmgr_desc(StringInfo buf, XLogReaderState *record)
{
	uint8		info = XLogRecGetInfo(record) & ~XLR_INFO_MASK;
	const char *data = XLogRecGetData(record);
	size_t		len = XLogRecGetDataLen(record);

	if (info == XLOG_UPKEEP_STATE && len >= sizeof(uint32))
	{
		UkMaintState st;
		uint32		phase;
		UkError    *err = NULL;

		memcpy(&phase, data, sizeof(phase));
		if (uk_state_parse(data + sizeof(phase), len - sizeof(phase), &st, &err) == UK_OK)
			appendStringInfo(buf, "window %llu, phase %s, reason \"%s\"",
							 (unsigned long long) st.window_id,
							 phase_word(phase), st.reason);
		else
		{
			appendStringInfoString(buf, "unreadable state");
			uk_error_free(err);
		}
	}
	else if (info == XLOG_UPKEEP_WINLOG)
	{
		UkWindowList list = {0};
		UkError    *err = NULL;

		if (uk_winlog_parse(data, len, &list, &err) == UK_OK && list.n == 1)
			appendStringInfo(buf, "window %llu, drain %s%s",
							 (unsigned long long) list.items[0].window_id,
							 uk_drain_outcome_name(list.items[0].drain_outcome),
							 list.items[0].exited_at_us != 0 ? ", exited" : "");
		else
			appendStringInfoString(buf, "unreadable window record");
		uk_error_free(err);
		uk_winlog_list_free(&list);
	}
	else if (info == XLOG_UPKEEP_LOGLINE && len > 0)
		appendStringInfo(buf, "%s, %zu bytes",
						 data[0] == UPKEEP_WAL_LOG_PATCH ? "patch.log" :
						 data[0] == UPKEEP_WAL_LOG_DEADLOCK ? "deadlocks.log" : "unknown log",
						 len - 1);
	else if (info == XLOG_UPKEEP_HELLO)
		appendStringInfo(buf, "%.*s", (int) len, data);
}
