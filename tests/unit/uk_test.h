/*
 * uk_test.h
 *		Minimal harness for the libcommon unit tests (tests/unit/test_*.c).
 *
 * CHECK(cond, fmt, ...) counts a passed or failed check and prints one line
 * for each failure.  uk_test_done() prints the single summary line
 * "test_<name>: N passed, M failed" and returns the exit status.  Helpers
 * for a private temporary directory are included.
 */
#ifndef UK_TEST_H
#define UK_TEST_H

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int	uk_test_passed;
static int	uk_test_failed;

#define CHECK(cond, ...) \
	do { \
		if (cond) \
			uk_test_passed++; \
		else \
		{ \
			uk_test_failed++; \
			printf("%s:%d: FAILED: %s: ", __FILE__, __LINE__, #cond); \
			printf(__VA_ARGS__); \
			printf("\n"); \
		} \
	} while (0)

static inline int
uk_test_done(const char *name)
{
	printf("%s: %d passed, %d failed\n", name, uk_test_passed, uk_test_failed);
	return uk_test_failed > 0 ? 1 : 0;
}

/* Make a new private directory under $TMPDIR or /tmp; NULL on failure. */
static inline char *
uk_test_mkdtemp(void)
{
	const char *base = getenv("TMPDIR");
	char		tmpl[4096];
	char	   *dir;

	if (base == NULL || base[0] == '\0')
		base = "/tmp";
	snprintf(tmpl, sizeof(tmpl), "%s/uk_test_XXXXXX", base);
	if (mkdtemp(tmpl) == NULL)
		return NULL;
	dir = malloc(strlen(tmpl) + 1);
	if (dir != NULL)
		strcpy(dir, tmpl);
	return dir;
}

/* Remove dir and everything in it (recursively); frees dir. */
static inline void
uk_test_rmtree(char *dir)
{
	DIR		   *d;
	struct dirent *de;

	if (dir == NULL)
		return;
	d = opendir(dir);
	if (d != NULL)
	{
		while ((de = readdir(d)) != NULL)
		{
			char		path[4096];
			struct stat st;

			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
			{
				char	   *sub = malloc(strlen(path) + 1);

				if (sub != NULL)
				{
					strcpy(sub, path);
					uk_test_rmtree(sub);
				}
			}
			else
				unlink(path);
		}
		closedir(d);
	}
	rmdir(dir);
	free(dir);
}

/* dir + "/" + name into buf. */
static inline const char *
uk_test_path(char *buf, size_t cap, const char *dir, const char *name)
{
	snprintf(buf, cap, "%s/%s", dir, name);
	return buf;
}

/* Write len bytes to path directly (no atomic replace); 0 on success. */
static inline int
uk_test_write_raw(const char *path, const void *data, size_t len)
{
	FILE	   *f = fopen(path, "wb");
	int			rc = 0;

	if (f == NULL)
		return -1;
	if (len > 0 && fwrite(data, 1, len, f) != len)
		rc = -1;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

#endif							/* UK_TEST_H */
