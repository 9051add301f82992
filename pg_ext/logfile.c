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
 * Nothing here raises an error while the lock is held.
 */
#include "postgres.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/file_perm.h"
#include "storage/fd.h"

#include "upkeep.h"

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
 * Append one line.  Never raises an error; returns false if the line could
 * not be written, after a WARNING unless quiet (error handling, process
 * exit).  Caller must hold the log's lock exclusively.
 */
bool
upkeep_log_append_locked(UpkeepLog *log, const char *line, size_t len,
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
