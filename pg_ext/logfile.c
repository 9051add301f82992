/*
 * logfile.c
 *		Append-only, size-bounded log files in $PGDATA/upkeep, shared by the
 *		patch run log and the deadlock log.
 *
 * Each log is a current file and an old one.  Writers append whole lines
 * (one write() each, O_APPEND) while holding the log's LWLock exclusively;
 * when the current file would pass half of the size limit it is renamed
 * over the old one and a new one is started, so the pair never uses more
 * than the limit (plus one line).  Each backend keeps its own descriptor
 * and reopens it when the shared generation counter shows a rotation.
 * Readers open both files under the lock (shared), so no rotation falls
 * between the two opens, and read them without it: lines being appended
 * meanwhile are either complete or fail their checksum.
 *
 * Logs registered with wal_rmgr.c (the patch and deadlock logs) also
 * travel in the WAL.  This file is the layer below it: it writes no WAL
 * itself, and the registration gives the log a wal_append function, through
 * which upkeep_log_append_locked() sends each line.  On a primary that
 * function WAL-logs and flushes the line, then appends it here with the
 * record's end (upkeep_log_append_at_lsn_locked()), which "<log>.lsn" then
 * holds (fixed width, one write), so that redo, on a standby or after a
 * crash, appends exactly the lines that are missing.  Inside emit_log_hook
 * no WAL may be written: the line waits in wal_rmgr.c until the abort
 * callback (or the next line of the log) writes it.
 *
 * Nothing here raises an error while the lock is held, except writing the
 * WAL record (wal_rmgr.c), which fails only when the WAL cannot be written
 * at all.
 */
#include "postgres.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "miscadmin.h"
#include "common/file_perm.h"
#include "storage/fd.h"

#include "upkeep.h"

#define LSN_LINE_LEN 17			/* 16 hex digits and a newline */

static void
lsn_path(UpkeepLog *log, char *out, size_t cap)
{
	snprintf(out, cap, "%s.lsn", log->path);
}

/*
 * Read "<log>.lsn" into shared memory (postmaster, at start).  Missing or
 * unreadable: 0, so that redo appends every line it meets.
 */
void
upkeep_log_load_wal_lsn(UpkeepLog *log)
{
	char		path[MAXPGPATH];
	char		buf[LSN_LINE_LEN + 1];
	int			fd;
	ssize_t		n;

	log->shared->wal_lsn = 0;
	lsn_path(log, path, sizeof(path));
	fd = open(path, O_RDONLY | O_NONBLOCK | PG_BINARY, 0);
	if (fd < 0)
		return;
	n = read(fd, buf, LSN_LINE_LEN);
	close(fd);
	if (n == LSN_LINE_LEN && buf[LSN_LINE_LEN - 1] == '\n')
	{
		buf[LSN_LINE_LEN - 1] = '\0';
		log->shared->wal_lsn = strtoull(buf, NULL, 16);
	}
}

/* Record that every line up to lsn is in the file.  Caller holds the lock. */
static void
save_wal_lsn_locked(UpkeepLog *log, uint64 lsn, bool sync)
{
	char		path[MAXPGPATH];
	char		buf[LSN_LINE_LEN + 1];
	int			fd;

	log->shared->wal_lsn = lsn;
	lsn_path(log, path, sizeof(path));
	snprintf(buf, sizeof(buf), "%016llX\n", (unsigned long long) lsn);
	fd = open(path, O_WRONLY | O_CREAT | O_NONBLOCK | PG_BINARY, pg_file_create_mode);
	if (fd < 0)
		return;
	if (pwrite(fd, buf, LSN_LINE_LEN, 0) == LSN_LINE_LEN && sync)
		(void) pg_fsync(fd);
	close(fd);
}

/*
 * Redo of a line (startup process): append it unless the file already has
 * it (lsn at or before the one recorded).  Caller holds the log's lock.
 */
void
upkeep_log_append_redo_locked(UpkeepLog *log, const char *line, size_t len,
							  uint64 lsn)
{
	if (lsn <= log->shared->wal_lsn)
		return;
	(void) upkeep_log_append_at_lsn_locked(log, line, len, true, false, lsn);
}

/*
 * Read every line of path (without its '\n') into fn; returns the file's
 * size.  With fix_tail, a file whose last line lacks its newline (a crash
 * in the middle of a write) gets one, so that the next record starts on a
 * line of its own.  Called by the postmaster at start; never errors.
 */
uint64
upkeep_log_scan(const char *path, bool fix_tail,
				void (*fn) (const char *line, size_t len, void *arg), void *arg)
{
	FILE	   *f;
	char	   *line = NULL;
	size_t		cap = 0;
	ssize_t		n;
	bool		last_had_newline = true;
	uint64		bytes;
	struct stat st;
	int			fd;

	/* only a regular file: a FIFO must not block the postmaster */
	fd = open(path, O_RDONLY | O_NONBLOCK | PG_BINARY, 0);
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
		(f = fdopen(fd, "r")) == NULL)
	{
		ereport(WARNING,
				(errmsg("upkeep log \"%s\" is not a regular file; its records are ignored",
						path)));
		close(fd);
		return 0;
	}
	while ((n = getline(&line, &cap, f)) > 0)
	{
		last_had_newline = line[n - 1] == '\n';
		fn(line, last_had_newline ? n - 1 : n, arg);
	}
	bytes = (uint64) ftell(f);
	free(line);
	fclose(f);
	if (fix_tail && !last_had_newline)
	{
		int			fd = open(path, O_WRONLY | O_APPEND);

		if (fd >= 0)
		{
			if (write(fd, "\n", 1) == 1)
				bytes++;
			close(fd);
		}
	}
	return bytes;
}

/*
 * Append one line, WAL-logged first if the log travels in the WAL
 * (log->wal_append, see the header comment).  Returns false if the line
 * could not be written, after a WARNING unless quiet (error handling,
 * process exit).  Caller must hold the log's lock exclusively.
 */
bool
upkeep_log_append_locked(UpkeepLog *log, const char *line, size_t len,
						 bool sync, bool quiet)
{
	if (log->wal_append != NULL)
		return log->wal_append(log, line, len, sync, quiet);
	return upkeep_log_append_file_locked(log, line, len, sync, quiet);
}

/*
 * Append one line WAL-logged at lsn (the end of its record), and record
 * that the file has every line up to it.  Returns false, and records
 * nothing, if the line could not be written.  Caller holds the lock.
 */
bool
upkeep_log_append_at_lsn_locked(UpkeepLog *log, const char *line, size_t len,
								bool sync, bool quiet, uint64 lsn)
{
	if (!upkeep_log_append_file_locked(log, line, len, sync, quiet))
		return false;
	save_wal_lsn_locked(log, lsn, sync);
	return true;
}

/*
 * Append one line to the file only, never to the WAL; never raises an
 * error.  Caller holds the lock.
 */
bool
upkeep_log_append_file_locked(UpkeepLog *log, const char *line, size_t len,
							  bool sync, bool quiet)
{
	uint64		max_bytes = (uint64) (*log->max_kb) * 1024;
	bool		rotated = false;
	ssize_t		written;

	if (log->shared->bytes > 0 && log->shared->bytes + len > max_bytes / 2)
	{
		if (rename(log->path, log->old_path) != 0 && errno != ENOENT && !quiet)
			ereport(WARNING,
					(errcode_for_file_access(),
					 errmsg("could not rotate upkeep log \"%s\": %m", log->path)));
		log->shared->bytes = 0;
		log->shared->generation++;
		rotated = true;
	}
	if (log->fd >= 0 && log->fd_generation != log->shared->generation)
	{
		close(log->fd);
		log->fd = -1;
	}
	if (log->fd < 0)
	{
		(void) mkdir("upkeep", S_IRWXU);
		/* O_NONBLOCK: a FIFO in its place fails instead of blocking */
		log->fd = open(log->path, O_WRONLY | O_APPEND | O_CREAT | O_NONBLOCK | PG_BINARY,
					   pg_file_create_mode);
		log->fd_generation = log->shared->generation;
		if (log->fd < 0)
		{
			if (!quiet)
				ereport(WARNING,
						(errcode_for_file_access(),
						 errmsg("could not open upkeep log \"%s\": %m", log->path)));
			return false;
		}
	}
	if (rotated && log->on_rotate != NULL)
		log->on_rotate(log);
	written = write(log->fd, line, len);
	if (written > 0)
		log->shared->bytes += (uint64) written;
	if (written != (ssize_t) len)
	{
		if (!quiet)
			ereport(WARNING,
					(errcode_for_file_access(),
					 errmsg("could not write upkeep log \"%s\": %m", log->path)));
		return false;
	}
	if (sync)
		(void) pg_fsync(log->fd);
	return true;
}

/*
 * Write a line to the current file as it is, without rotating (for
 * on_rotate callbacks).  Caller must hold the log's lock exclusively.
 */
void
upkeep_log_write_raw_locked(UpkeepLog *log, const char *line, size_t len)
{
	if (log->fd >= 0 && write(log->fd, line, len) == (ssize_t) len)
		log->shared->bytes += len;
}

/*
 * Open both files under lock (shared) and call snapshot, if given, while
 * still holding it; then read them, old file first, into one palloc'd
 * buffer that ends with a newline (if not empty).  Raises errors only
 * after the lock is released.
 */
char *
upkeep_log_read_all(UpkeepLog *log, LWLock *lock, size_t *len,
					void (*snapshot) (void *arg), void *arg)
{
	const char *paths[2] = {log->old_path, log->path};
	int			fds[2];
	StringInfoData buf;

	initStringInfo(&buf);
	LWLockAcquire(lock, LW_SHARED);
	for (int i = 0; i < 2; i++)
		fds[i] = open(paths[i], O_RDONLY | O_NONBLOCK | PG_BINARY, 0);	/* FIFO: no wait */
	if (snapshot != NULL)
		snapshot(arg);
	LWLockRelease(lock);

	for (int i = 0; i < 2; i++)
	{
		char		chunk[65536];
		ssize_t		n;

		if (fds[i] < 0)
			continue;
		while ((n = read(fds[i], chunk, sizeof(chunk))) > 0)
			appendBinaryStringInfo(&buf, chunk, (int) n);
		close(fds[i]);
		if (buf.len > 0 && buf.data[buf.len - 1] != '\n')
			appendStringInfoChar(&buf, '\n');
	}
	*len = buf.len;
	return buf.data;
}
