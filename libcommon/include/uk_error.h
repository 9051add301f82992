/*
 * uk_error.h
 *		Error reporting for libcommon.
 *
 * libcommon never prints, exits or longjmps.  A function that can fail
 * returns a UkStatus and, on failure, stores a newly malloc'd UkError in
 * *err (when err is not NULL).  The caller owns it and releases it with
 * uk_error_free().  On success *err is left untouched.
 */
#ifndef UK_ERROR_H
#define UK_ERROR_H

typedef enum UkStatus
{
	UK_OK = 0,
	UK_ERR_INVALID,				/* bad input from the user */
	UK_ERR_IO,					/* a file system call failed; sys_errno set */
	UK_ERR_CORRUPT,				/* a file exists but its content is not valid */
	UK_ERR_NOT_FOUND,			/* a file that was asked for does not exist */
	UK_ERR_NOMEM
} UkStatus;

typedef struct UkError
{
	UkStatus	code;
	int			sys_errno;		/* errno of the failing call, or 0 */
	char		message[512];	/* lower case, no trailing period */
} UkError;

/* Set *err (if err != NULL) to a new error; returns code.  printf-style. */
extern UkStatus uk_error_set(UkError **err, UkStatus code, int sys_errno,
							 const char *fmt,...)
			__attribute__((format(printf, 4, 5)));

/* Free an error returned by any libcommon function; NULL is allowed. */
extern void uk_error_free(UkError *err);

#endif							/* UK_ERROR_H */
