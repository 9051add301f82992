/*
 * wal_int.h
 *		The window and upkeep's logs in the WAL: what the other files of the
 *		extension call.
 *
 * Two files:
 *
 *	wal_rmgr.c		the custom WAL resource manager: its ID, the records,
 *					writing them on the primary, redo on a standby and in
 *					crash recovery, and their description for pg_waldump
 *	wal_standbys.c	which standbys have replayed the window, waiting for
 *					them, and the small record written at every primary
 *					start and for every new standby connection
 *
 * Rule for every change that is WAL-logged: write the record and flush it
 * (XLogFlush) first, then change the files and shared memory, all under the
 * lock that owns them, so that the order of the WAL is the order of the
 * changes and redo can apply them again, idempotently, in LSN order.
 */
#ifndef UK_WAL_INT_H
#define UK_WAL_INT_H

#include "access/xlogdefs.h"
#include "nodes/pg_list.h"

#include "uk_state.h"
#include "uk_winlog.h"

#include "upkeep.h"

/*
 * The resource manager's ID, in the range PostgreSQL keeps for extensions
 * (128..255).  Not 128 (RM_EXPERIMENTAL_ID, for testing) and none of the
 * IDs reserved on the PostgreSQL wiki's list of custom resource managers
 * ("CustomWALResourceManagers").  Never change it: WAL written with one ID
 * cannot be replayed by a library registering another.
 */
#define UPKEEP_RMGR_ID			197
#define UPKEEP_RMGR_NAME		"upkeep"

/* Record kinds (the high bits of xl_info). */
#define XLOG_UPKEEP_STATE		0x10	/* the whole state file, and the phase */
#define XLOG_UPKEEP_WINLOG		0x20	/* one window log record, serialized */
#define XLOG_UPKEEP_LOGLINE		0x30	/* one line of patch.log or deadlocks.log */
#define XLOG_UPKEEP_HELLO		0x40	/* a primary started, or a standby connected */

/* Logs whose lines travel in the WAL (UpkeepLog.wal_id). */
#define UPKEEP_WAL_LOG_PATCH	1
#define UPKEEP_WAL_LOG_DEADLOCK 2
#define UPKEEP_WAL_NLOGS		3

/*
 * Redo of the window's records, given by _PG_init (maintenance_state.c's
 * upkeep_maint_redo_*): maintenance mode calls this layer to WAL-log its
 * changes, so redo reaches it through these pointers instead of calls back
 * up.  data, len: the record as WAL-logged; lsn: its end.
 */
typedef struct UpkeepWalWindowRedo
{
	void		(*state) (const char *data, size_t len, XLogRecPtr lsn);
	void		(*window) (const char *data, size_t len, XLogRecPtr lsn);
	void		(*end_of_recovery) (void);
} UpkeepWalWindowRedo;

/* wal_rmgr.c */
extern void upkeep_wal_register_rmgr(const UpkeepWalWindowRedo *redo);
extern void upkeep_wal_register_log(uint8 wal_id, UpkeepLog *log, LWLock *lock,
									void (*on_redo) (const char *line, size_t len));
extern bool upkeep_wal_enabled(void);
extern XLogRecPtr upkeep_wal_log_state(uint32 phase, const char *text,
									   size_t len);
extern XLogRecPtr upkeep_wal_log_window(const char *text, size_t len);
extern XLogRecPtr upkeep_wal_log_hello(const char *why);
extern void upkeep_wal_flush_deferred(void);
extern void upkeep_wal_require_primary(const char *what);

/* wal_standbys.c */
extern void upkeep_wal_register_worker(void);
extern void upkeep_wal_wait_for_standbys(XLogRecPtr lsn, int64 timeout_us);
extern int	upkeep_wal_standbys(XLogRecPtr lsn, List **replayed, List **behind);

#endif							/* UK_WAL_INT_H */
