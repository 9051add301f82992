/*
 * uk_file.h
 *		Durable small files: atomic replace and bounded read.
 *
 * uk_file_write_atomic() writes to "<path>.tmp", fsyncs it, renames it over
 * path and fsyncs the directory, so that after a crash the file holds either
 * the old or the new content, never a mix.  The file is created with mode
 * 0600.
 */
#ifndef UK_FILE_H
#define UK_FILE_H

#include <stddef.h>

#include "uk_error.h"

extern UkStatus uk_file_write_atomic(const char *path, const void *data,
									 size_t len, UkError **err);

/*
 * Read the whole file into a new malloc'd, NUL-terminated buffer (*data,
 * caller frees with free()), its length without the NUL in *len.  A missing
 * file is UK_ERR_NOT_FOUND; a file longer than max_len is UK_ERR_CORRUPT;
 * anything but a regular file (a FIFO, socket, device, directory, or a
 * symbolic link to one) is UK_ERR_IO, refused without blocking.
 */
extern UkStatus uk_file_read(const char *path, size_t max_len, char **data,
							 size_t *len, UkError **err);

/* Create directory path (mode 0700) if it does not exist yet. */
extern UkStatus uk_dir_ensure(const char *path, UkError **err);

#endif							/* UK_FILE_H */
