/*
 * uk_validate.h
 *		Validation of user input shared by both engines: maintenance reasons,
 *		durations, drain actions.
 *
 * Each function returns UK_OK or UK_ERR_INVALID with an error message that
 * is fit to show to the user (lower case, no trailing period), e.g.
 * "maintenance reason must not be empty".
 */
#ifndef UK_VALIDATE_H
#define UK_VALIDATE_H

#include <stddef.h>
#include <stdint.h>

#include "uk_error.h"

#define UK_REASON_MAX 1000		/* bytes, without the NUL */
#define UK_NAME_MAX 128			/* role / account names, bytes */

/* Longest accepted expected duration and drain timeout, in microseconds. */
#define UK_DURATION_MAX_US (INT64_C(10) * 366 * 24 * 3600 * 1000000)	/* ~10 years */
#define UK_DRAIN_TIMEOUT_MAX_US (INT64_C(24) * 3600 * 1000000)	/* 24 hours */

typedef enum UkDrainAction
{
	UK_DRAIN_FAIL = 0,			/* leave maintenance off again, report blockers */
	UK_DRAIN_TERMINATE			/* end the blocking sessions, then succeed */
} UkDrainAction;

/*
 * A reason must be non-NULL, contain at least one non-blank character, be at
 * most UK_REASON_MAX bytes, be valid UTF-8, and contain no control characters
 * (tab is allowed).
 */
extern UkStatus uk_reason_validate(const char *reason, UkError **err);

/*
 * The same for a value of len bytes that need not end with a NUL (a value
 * from the server, such as a system variable's): a NUL byte within len is
 * refused as a control character, so that nothing after it is lost unseen.
 */
extern UkStatus uk_reason_validate_len(const char *reason, size_t len,
									   UkError **err);

/*
 * what names the value in the message ("expected_duration", "drain_timeout").
 * Negative values and values above max_us are refused.
 */
extern UkStatus uk_duration_validate(const char *what, int64_t us,
									 int64_t max_us, UkError **err);

/*
 * Parse a drain action: "fail", or "terminate" (alias "kill", MariaDB's word).
 * Case-insensitive; surrounding blanks are not accepted.
 */
extern UkStatus uk_drain_action_parse(const char *s, UkDrainAction *out,
									  UkError **err);

/* "fail" or "terminate". */
extern const char *uk_drain_action_name(UkDrainAction a);

/* True when s (len bytes) is valid UTF-8 (no overlongs, no surrogates). */
extern int	uk_utf8_valid(const char *s, size_t len);

/*
 * Make s (len bytes) valid UTF-8 in place: each byte that does not start a
 * valid sequence becomes '?'.  Returns how many bytes were replaced.  For
 * text from clients in other character sets, before it goes into a utf8mb4
 * column.
 */
extern size_t uk_utf8_scrub(char *s, size_t len);

#endif							/* UK_VALIDATE_H */
