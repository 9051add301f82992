/*
 * test_file.c
 *		Unit tests for uk_file.h: atomic replace (content, mode 0600, no
 *		leftover temporary file, failures leave the old file alone), bounded
 *		read, refusal of anything but a regular file (FIFO, socket, device,
 *		directory, symbolic link to one) without blocking, and directory
 *		creation.  An alarm turns a read that would hang into a failure.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "uk_file.h"
#include "uk_test.h"

/* Read path with uk_file_read and compare with want (wantlen bytes). */
static int
read_equals(const char *path, const char *want, size_t wantlen)
{
	char	   *data = NULL;
	size_t		len = 0;
	int			ok;

	if (uk_file_read(path, 1 << 20, &data, &len, NULL) != UK_OK)
		return 0;
	ok = len == wantlen && memcmp(data, want, len) == 0 && data[len] == '\0';
	free(data);
	return ok;
}

static int
exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

int
main(void)
{
	char	   *dir = uk_test_mkdtemp();
	char		path[4200];
	char		tmp[4300];
	char		other[4200];
	UkError    *err = NULL;
	struct stat st;
	char	   *data;
	size_t		len;
	UkStatus	rc;

	if (dir == NULL)
	{
		printf("test_file: cannot create a temporary directory\n");
		return 2;
	}
	umask(022);
	uk_test_path(path, sizeof(path), dir, "state");
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);

	/* create, then replace with shorter and with empty content */
	rc = uk_file_write_atomic(path, "hello\nworld\n", 12, &err);
	CHECK(rc == UK_OK, "write: %s", err ? err->message : "?");
	CHECK(read_equals(path, "hello\nworld\n", 12), "content after write");
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600,
		  "mode is %o, want 600", (unsigned) (st.st_mode & 0777));
	CHECK(!exists(tmp), "temporary file left behind");

	rc = uk_file_write_atomic(path, "x", 1, &err);
	CHECK(rc == UK_OK, "rewrite: %s", err ? err->message : "?");
	CHECK(read_equals(path, "x", 1), "content after shorter rewrite");

	rc = uk_file_write_atomic(path, NULL, 0, &err);
	CHECK(rc == UK_OK, "empty write: %s", err ? err->message : "?");
	CHECK(read_equals(path, "", 0), "empty content");

	/* a large write (several write() calls on some systems) */
	{
		size_t		big = 3 * 1024 * 1024 + 17;
		char	   *b = malloc(big);
		size_t		i;

		for (i = 0; i < big; i++)
			b[i] = (char) ('a' + i % 26);
		rc = uk_file_write_atomic(path, b, big, &err);
		CHECK(rc == UK_OK, "big write: %s", err ? err->message : "?");
		data = NULL;
		rc = uk_file_read(path, big, &data, &len, &err);
		CHECK(rc == UK_OK && len == big && memcmp(data, b, big) == 0,
			  "big read back (rc %d, len %zu)", rc, len);
		free(data);
		free(b);
	}

	/* a stale temporary file is overwritten, then gone */
	CHECK(uk_test_write_raw(tmp, "stale stale stale", 17) == 0, "stale tmp");
	rc = uk_file_write_atomic(path, "new", 3, &err);
	CHECK(rc == UK_OK && read_equals(path, "new", 3) && !exists(tmp),
		  "write over stale tmp");

	/* a relative path (directory ".") works */
	{
		char		cwd[4096];

		if (getcwd(cwd, sizeof(cwd)) != NULL && chdir(dir) == 0)
		{
			rc = uk_file_write_atomic("relative", "r", 1, &err);
			CHECK(rc == UK_OK, "relative path: %s", err ? err->message : "?");
			CHECK(read_equals("relative", "r", 1), "relative content");
			CHECK(chdir(cwd) == 0, "chdir back");
		}
	}

	/* failure: the directory does not exist */
	uk_test_path(other, sizeof(other), dir, "nodir/state");
	err = NULL;
	rc = uk_file_write_atomic(other, "x", 1, &err);
	CHECK(rc == UK_ERR_IO, "missing dir: rc %d", rc);
	CHECK(err != NULL && err->code == UK_ERR_IO && err->sys_errno == ENOENT,
		  "missing dir: errno %d", err ? err->sys_errno : -1);
	{
		char		want[4400];

		snprintf(want, sizeof(want),
				 "could not open file \"%s.tmp\": No such file or directory",
				 other);
		CHECK(err != NULL && strcmp(err->message, want) == 0,
			  "missing dir message: %s", err ? err->message : "(none)");
	}
	uk_error_free(err);
	err = NULL;

	/* failure at rename: the target is a directory; tmp must be removed */
	uk_test_path(other, sizeof(other), dir, "isdir");
	CHECK(mkdir(other, 0700) == 0, "mkdir isdir");
	{
		char		sub[4300];
		char		othertmp[4300];

		uk_test_path(sub, sizeof(sub), other, "keep");
		CHECK(uk_test_write_raw(sub, "k", 1) == 0, "file in isdir");
		rc = uk_file_write_atomic(other, "x", 1, &err);
		CHECK(rc == UK_ERR_IO, "rename over dir: rc %d", rc);
		CHECK(err != NULL && err->sys_errno != 0 &&
			  strncmp(err->message, "could not rename file", 21) == 0,
			  "rename message: %s", err ? err->message : "(none)");
		snprintf(othertmp, sizeof(othertmp), "%s.tmp", other);
		CHECK(!exists(othertmp), "tmp left after failed rename");
		CHECK(exists(sub), "old content damaged");
		uk_error_free(err);
		err = NULL;
	}

	/* invalid arguments */
	CHECK(uk_file_write_atomic("", "x", 1, NULL) == UK_ERR_INVALID, "empty path");
	CHECK(uk_file_write_atomic(NULL, "x", 1, NULL) == UK_ERR_INVALID, "NULL path");

	/* bounded read */
	CHECK(uk_file_write_atomic(path, "0123456789", 10, NULL) == UK_OK, "write 10");
	data = NULL;
	rc = uk_file_read(path, 10, &data, &len, &err);
	CHECK(rc == UK_OK && len == 10 && strcmp(data, "0123456789") == 0,
		  "read exactly max_len");
	free(data);
	data = (char *) 1;
	rc = uk_file_read(path, 9, &data, &len, &err);
	CHECK(rc == UK_ERR_CORRUPT, "read max_len - 1: rc %d", rc);
	CHECK(data == NULL, "data set on failure");
	CHECK(err != NULL && strstr(err->message, "is too large") != NULL,
		  "too large message: %s", err ? err->message : "(none)");
	uk_error_free(err);
	err = NULL;
	rc = uk_file_read(path, 0, &data, &len, &err);
	CHECK(rc == UK_ERR_CORRUPT, "read with max_len 0: rc %d", rc);
	uk_error_free(err);
	err = NULL;
	rc = uk_file_read(path, SIZE_MAX, &data, &len, &err);
	CHECK(rc == UK_OK && len == 10, "read with max_len SIZE_MAX");
	free(data);

	/* empty file */
	CHECK(uk_test_write_raw(path, "", 0) == 0, "empty file");
	rc = uk_file_read(path, 0, &data, &len, &err);
	CHECK(rc == UK_OK && len == 0 && data != NULL && data[0] == '\0',
		  "empty read");
	free(data);

	/* missing file */
	uk_test_path(other, sizeof(other), dir, "missing");
	rc = uk_file_read(other, 100, &data, &len, &err);
	CHECK(rc == UK_ERR_NOT_FOUND, "missing: rc %d", rc);
	CHECK(err != NULL && err->code == UK_ERR_NOT_FOUND &&
		  err->sys_errno == ENOENT, "missing: err");
	uk_error_free(err);
	err = NULL;

	/* a directory cannot be read as a file */
	rc = uk_file_read(dir, 100, &data, &len, &err);
	CHECK(rc == UK_ERR_IO, "read dir: rc %d", rc);
	CHECK(err != NULL && err->sys_errno == EISDIR, "read dir errno");
	uk_error_free(err);
	err = NULL;

	/* not a regular file: refused at once, never blocks (a FIFO would) */
	alarm(20);
	uk_test_path(other, sizeof(other), dir, "fifo");
	CHECK(mkfifo(other, 0600) == 0, "mkfifo");
	data = (char *) 1;
	rc = uk_file_read(other, 100, &data, &len, &err);
	CHECK(rc == UK_ERR_IO && data == NULL, "read FIFO: rc %d", rc);
	{
		char		want[4400];

		snprintf(want, sizeof(want),
				 "could not read file \"%s\": it is a FIFO, not a regular file",
				 other);
		CHECK(err != NULL && strcmp(err->message, want) == 0,
			  "FIFO message: %s", err ? err->message : "(none)");
	}
	uk_error_free(err);
	err = NULL;
	{
		char		link[4300];

		uk_test_path(link, sizeof(link), dir, "link-to-fifo");
		CHECK(symlink(other, link) == 0, "symlink");
		rc = uk_file_read(link, 100, &data, &len, &err);
		CHECK(rc == UK_ERR_IO && err != NULL &&
			  strstr(err->message, "it is a FIFO") != NULL,
			  "symlink to FIFO: %s", err ? err->message : "(none)");
		uk_error_free(err);
		err = NULL;
	}
	/* a stale FIFO in place of the temporary file does not block a write */
	CHECK(mkfifo(tmp, 0600) == 0, "mkfifo tmp");
	rc = uk_file_write_atomic(path, "after fifo", 10, &err);
	CHECK(rc == UK_OK && read_equals(path, "after fifo", 10) && !exists(tmp),
		  "write over a FIFO tmp: %s", err ? err->message : "?");
	uk_error_free(err);
	err = NULL;
	{
		struct sockaddr_un sa;
		int			sock = socket(AF_UNIX, SOCK_STREAM, 0);

		uk_test_path(other, sizeof(other), dir, "sock");
		memset(&sa, 0, sizeof(sa));
		sa.sun_family = AF_UNIX;
		if (sock >= 0 && strlen(other) < sizeof(sa.sun_path))
		{
			strcpy(sa.sun_path, other);
			CHECK(bind(sock, (struct sockaddr *) &sa, sizeof(sa)) == 0, "bind");
			rc = uk_file_read(other, 100, &data, &len, &err);
			CHECK(rc == UK_ERR_IO && err != NULL &&
				  strstr(err->message, "it is a socket, not a regular file") != NULL,
				  "socket: %s", err ? err->message : "(none)");
			uk_error_free(err);
			err = NULL;
		}
		if (sock >= 0)
			close(sock);
	}
	rc = uk_file_read("/dev/zero", 100, &data, &len, &err);
	CHECK(rc == UK_ERR_IO && err != NULL &&
		  strstr(err->message, "it is a character device") != NULL,
		  "device: %s", err ? err->message : "(none)");
	uk_error_free(err);
	err = NULL;
	rc = uk_file_read(dir, 100, &data, &len, &err);
	CHECK(rc == UK_ERR_IO && err != NULL &&
		  strstr(err->message, "it is a directory, not a regular file") != NULL,
		  "directory message: %s", err ? err->message : "(none)");
	uk_error_free(err);
	err = NULL;
	alarm(0);

	/* uk_dir_ensure */
	uk_test_path(other, sizeof(other), dir, "sub");
	rc = uk_dir_ensure(other, &err);
	CHECK(rc == UK_OK, "dir create: %s", err ? err->message : "?");
	CHECK(stat(other, &st) == 0 && S_ISDIR(st.st_mode) &&
		  (st.st_mode & 0777) == 0700, "dir mode %o",
		  (unsigned) (st.st_mode & 0777));
	CHECK(uk_dir_ensure(other, &err) == UK_OK, "dir exists already");
	CHECK(uk_dir_ensure(path, &err) == UK_ERR_IO, "dir over a file");
	CHECK(err != NULL && err->sys_errno == ENOTDIR &&
		  strstr(err->message, "is not a directory") != NULL,
		  "dir over file message: %s", err ? err->message : "(none)");
	uk_error_free(err);
	err = NULL;
	uk_test_path(other, sizeof(other), dir, "no/such/parent");
	CHECK(uk_dir_ensure(other, &err) == UK_ERR_IO, "dir without parent");
	CHECK(err != NULL && err->sys_errno == ENOENT, "dir without parent errno");
	uk_error_free(err);
	err = NULL;

	/* uk_error_set without err, and uk_error_free(NULL) */
	CHECK(uk_error_set(NULL, UK_ERR_INVALID, 0, "x %d", 1) == UK_ERR_INVALID,
		  "error_set NULL");
	uk_error_free(NULL);
	{
		char		longmsg[2000];

		memset(longmsg, 'm', sizeof(longmsg) - 1);
		longmsg[sizeof(longmsg) - 1] = '\0';
		uk_error_set(&err, UK_ERR_IO, 5, "%s", longmsg);
		CHECK(err != NULL && strlen(err->message) == sizeof(err->message) - 1,
			  "long message cut");
		CHECK(err != NULL && err->code == UK_ERR_IO && err->sys_errno == 5,
			  "code and errno");
		uk_error_free(err);
		err = NULL;
	}

	uk_test_rmtree(dir);
	return uk_test_done("test_file");
}
