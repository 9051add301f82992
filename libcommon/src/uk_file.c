/*
 * uk_file.c
 *		Durable small files: atomic replace, bounded read, directory
 *		creation.
 *
 * Only regular files are read: a FIFO, socket, device or directory in the
 * place of a file is refused without blocking (the servers read their state
 * files at start, where a read that waits for a FIFO's writer would hang
 * the whole server).
 *
 * uk_file_write_atomic() follows the usual recipe (as PostgreSQL's
 * durable_rename() does): write "<path>.tmp", fsync it, close it, rename it
 * over path, then fsync the directory so that the rename itself survives a
 * crash.  On failure before the rename the temporary file is removed; the
 * old file, if any, is left as it was.
 *
 * Error messages name the file and end with the system's error text, e.g.
 * could not write file "/data/upkeep_state.tmp": No space left on device
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "uk_file.h"
#include "uk_internal.h"

/* Largest single write() request; Linux caps one write near 2 GB anyway. */
#define WRITE_CHUNK ((size_t) 1 << 30)

/* Report "<what> "<name>": <strerror>" as UK_ERR_IO. */
static UkStatus
io_error(UkError **err, int sys_errno, const char *what, const char *name)
{
	char		ebuf[128];

	return uk_error_set(err, UK_ERR_IO, sys_errno, "%s \"%s\": %s", what, name,
						uk_errno_str(sys_errno, ebuf, sizeof(ebuf)));
}

/*
 * Refuse a path that is not a regular file: "file "<name>" is a FIFO, not a
 * regular file", UK_ERR_IO with EISDIR for a directory, EINVAL otherwise.
 */
static UkStatus
not_regular(UkError **err, const char *name, mode_t mode)
{
	const char *kind;

	if (S_ISDIR(mode))
		kind = "a directory";
	else if (S_ISFIFO(mode))
		kind = "a FIFO";
	else if (S_ISSOCK(mode))
		kind = "a socket";
	else if (S_ISCHR(mode))
		kind = "a character device";
	else if (S_ISBLK(mode))
		kind = "a block device";
	else
		kind = "not a plain file";
	return uk_error_set(err, UK_ERR_IO, S_ISDIR(mode) ? EISDIR : EINVAL,
						"could not read file \"%s\": it is %s, not a regular file",
						name, kind);
}

/* malloc'd directory part of path: "." without a slash, "/" for "/x". */
static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t		n;
	char	   *dir;

	if (slash == NULL)
		return strdup(".");
	/* "a//b" has directory "a" */
	while (slash > path && slash[-1] == '/')
		slash--;
	n = (slash == path) ? 1 : (size_t) (slash - path);
	dir = malloc(n + 1);
	if (dir == NULL)
		return NULL;
	memcpy(dir, path, n);
	dir[n] = '\0';
	return dir;
}

/*
 * fsync the directory dir.  Like PostgreSQL, accept EBADF and EINVAL from
 * fsync() on a directory: some file systems cannot sync directories.
 */
static UkStatus
fsync_dir(const char *dir, UkError **err)
{
	int			fd;
	int			save_errno;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return io_error(err, errno, "could not open directory", dir);
	if (fsync(fd) != 0 && errno != EBADF && errno != EINVAL)
	{
		save_errno = errno;
		close(fd);
		return io_error(err, save_errno, "could not fsync directory", dir);
	}
	close(fd);
	return UK_OK;
}

UkStatus
uk_file_write_atomic(const char *path, const void *data, size_t len,
					 UkError **err)
{
	const char *p = data;
	size_t		left = len;
	char	   *tmp;
	char	   *dir;
	int			fd;
	int			save_errno;
	const char *what;
	UkStatus	rc;

	if (path == NULL || path[0] == '\0')
		return uk_error_set(err, UK_ERR_INVALID, 0,
							"file path must not be empty");
	if (data == NULL && len > 0)
		return uk_error_set(err, UK_ERR_INVALID, 0,
							"no data to write to file \"%s\"", path);

	tmp = malloc(strlen(path) + sizeof(".tmp"));
	if (tmp == NULL)
		return uk_error_set(err, UK_ERR_NOMEM, ENOMEM, "out of memory");
	strcpy(tmp, path);
	strcat(tmp, ".tmp");

	/*
	 * Whatever is at tmp (a stale file, or a FIFO that would block the open)
	 * goes; O_EXCL then creates a new regular file or fails.
	 */
	if (unlink(tmp) != 0 && errno != ENOENT && errno != EISDIR)
	{
		rc = io_error(err, errno, "could not remove file", tmp);
		free(tmp);
		return rc;
	}
	fd = open(tmp, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0)
	{
		rc = io_error(err, errno, "could not open file", tmp);
		free(tmp);
		return rc;
	}

	while (left > 0)
	{
		ssize_t		n = write(fd, p, left < WRITE_CHUNK ? left : WRITE_CHUNK);

		if (n < 0)
		{
			if (errno == EINTR)
				continue;
			save_errno = errno;
			what = "could not write file";
			goto fail;
		}
		if (n == 0)
		{
			/* no progress and no error: the device is full */
			save_errno = ENOSPC;
			what = "could not write file";
			goto fail;
		}
		p += n;
		left -= (size_t) n;
	}

	if (fsync(fd) != 0)
	{
		save_errno = errno;
		what = "could not fsync file";
		goto fail;
	}
	if (close(fd) != 0)
	{
		save_errno = errno;
		fd = -1;
		what = "could not close file";
		goto fail;
	}
	fd = -1;

	if (rename(tmp, path) != 0)
	{
		char		ebuf[128];

		save_errno = errno;
		unlink(tmp);
		rc = uk_error_set(err, UK_ERR_IO, save_errno,
						  "could not rename file \"%s\" to \"%s\": %s",
						  tmp, path,
						  uk_errno_str(save_errno, ebuf, sizeof(ebuf)));
		free(tmp);
		return rc;
	}
	free(tmp);

	dir = dir_of(path);
	if (dir == NULL)
		return uk_error_set(err, UK_ERR_NOMEM, ENOMEM, "out of memory");
	rc = fsync_dir(dir, err);
	free(dir);
	return rc;

fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	rc = io_error(err, save_errno, what, tmp);
	free(tmp);
	return rc;
}

UkStatus
uk_file_read(const char *path, size_t max_len, char **data, size_t *len,
			 UkError **err)
{
	struct stat st;
	size_t		limit;			/* read at most this much: max_len + 1 */
	size_t		cap;			/* bytes buf can hold, without the NUL */
	size_t		total = 0;
	char	   *buf;
	int			fd;
	int			save_errno;
	UkStatus	rc;

	*data = NULL;
	*len = 0;
	if (path == NULL || path[0] == '\0')
		return uk_error_set(err, UK_ERR_INVALID, 0,
							"file path must not be empty");

	/*
	 * O_NONBLOCK: opening a FIFO for reading would otherwise wait for a
	 * writer, forever.  Only a regular file is read.
	 */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
	{
		save_errno = errno;
		if (save_errno == ENOENT)
			return uk_error_set(err, UK_ERR_NOT_FOUND, save_errno,
								"file \"%s\" does not exist", path);
		/* a socket cannot be opened at all (ENXIO): say what it is */
		if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
			return not_regular(err, path, st.st_mode);
		return io_error(err, save_errno, "could not open file", path);
	}
	if (fstat(fd, &st) != 0)
	{
		save_errno = errno;
		close(fd);
		return io_error(err, save_errno, "could not stat file", path);
	}
	if (!S_ISREG(st.st_mode))
	{
		close(fd);
		return not_regular(err, path, st.st_mode);
	}

	/* one byte more than allowed, to tell "exactly max_len" from "more" */
	if (max_len > SIZE_MAX - 2)
		max_len = SIZE_MAX - 2;
	limit = max_len + 1;

	/* the size is only a hint: the file may change while we read it */
	if (st.st_size >= 0 && (uintmax_t) st.st_size < (uintmax_t) limit)
		cap = (size_t) st.st_size + 1;
	else
		cap = limit < 4096 ? limit : 4096;

	buf = malloc(cap + 1);
	if (buf == NULL)
	{
		close(fd);
		return uk_error_set(err, UK_ERR_NOMEM, ENOMEM, "out of memory");
	}

	while (total < limit)
	{
		ssize_t		n;

		if (total == cap)
		{
			size_t		newcap = cap < limit / 2 ? cap * 2 : limit;
			char	   *nbuf = realloc(buf, newcap + 1);

			if (nbuf == NULL)
			{
				free(buf);
				close(fd);
				return uk_error_set(err, UK_ERR_NOMEM, ENOMEM,
									"out of memory");
			}
			buf = nbuf;
			cap = newcap;
		}
		n = read(fd, buf + total, cap - total);
		if (n < 0)
		{
			if (errno == EINTR)
				continue;
			save_errno = errno;
			free(buf);
			close(fd);
			return io_error(err, save_errno, "could not read file", path);
		}
		if (n == 0)
			break;
		total += (size_t) n;
	}
	close(fd);

	if (total > max_len)
	{
		free(buf);
		rc = uk_error_set(err, UK_ERR_CORRUPT, 0,
						  "file \"%s\" is too large: more than %zu bytes",
						  path, max_len);
		return rc;
	}
	buf[total] = '\0';
	*data = buf;
	*len = total;
	return UK_OK;
}

UkStatus
uk_dir_ensure(const char *path, UkError **err)
{
	struct stat st;
	int			save_errno;

	if (path == NULL || path[0] == '\0')
		return uk_error_set(err, UK_ERR_INVALID, 0,
							"directory path must not be empty");
	if (mkdir(path, 0700) == 0)
		return UK_OK;
	save_errno = errno;
	if (save_errno == EEXIST)
	{
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			return UK_OK;
		return uk_error_set(err, UK_ERR_IO, ENOTDIR,
							"could not create directory \"%s\": it exists and is not a directory",
							path);
	}
	return io_error(err, save_errno, "could not create directory", path);
}
