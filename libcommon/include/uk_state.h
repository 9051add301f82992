/*
 * uk_state.h
 *		The maintenance state record and its durable file.
 *
 * Both engines keep the state of maintenance mode in one small text file in
 * the server's data directory, so that the mode survives a restart or a
 * crash.  The file is written with uk_file_write_atomic() and read back with
 * full validation: a magic first line with the format version, known keys
 * only, length limits, and a SHA-256 checksum line over everything before
 * it.  Anything else is UK_ERR_CORRUPT, and the caller must then fail safe
 * (treat the server as in maintenance).
 *
 * The record also carries the id of the last window when inactive, so that
 * window ids stay unique across windows and restarts, and one short text
 * that belongs to the engine alone (engine_restore): what the engine
 * changed on entering and must put back on exit, in its own words (the
 * MariaDB plugin keeps "read_only=OFF" there).  libcommon stores it and
 * never interprets it; the PostgreSQL extension leaves it empty.
 *
 * Format (one "key value" per line, values escaped with uk_escape()):
 *
 *		upkeep-state 2
 *		active 1
 *		window_id 7
 *		started_at_us 1795000000000000
 *		expected_end_us 0
 *		entered_by_id 10
 *		entered_by postgres
 *		token_sha256 <64 hex digits, or ->
 *		refused_writes 0
 *		reason ERPNext upgrade to v15
 *		engine_restore read_only=OFF
 *		checksum <64 hex digits: SHA-256 of all the bytes above>
 *
 * Version 1 files (the same without the engine_restore line) are still
 * read, with an empty engine_restore; files are always written as version 2.
 *
 * No allocation except in uk_state_format() and uk_state_read(), as stated.
 */
#ifndef UK_STATE_H
#define UK_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uk_error.h"
#include "uk_sha256.h"
#include "uk_validate.h"

#define UK_STATE_VERSION 2
#define UK_ENGINE_RESTORE_MAX 256	/* bytes, without the NUL */
#define UK_STATE_FILE_MAX 8192	/* bytes; a longer file is corrupt */

typedef struct UkMaintState
{
	bool		active;
	uint64_t	window_id;		/* current window, or last one when inactive */
	int64_t		started_at_us;	/* Unix epoch, microseconds */
	int64_t		expected_end_us;	/* Unix epoch, microseconds; 0 = unknown */
	uint64_t	entered_by_id;	/* engine's id of the entering role; 0 if none */
	char		entered_by[UK_NAME_MAX + 1];
	bool		has_token;
	uint8_t		token_hash[UK_SHA256_LEN];
	uint64_t	refused_writes; /* as of the last write of the file */
	char		reason[UK_REASON_MAX + 1];
	char		engine_restore[UK_ENGINE_RESTORE_MAX + 1];	/* opaque; "" if none */
} UkMaintState;

/* Fill st with the inactive state (window_id 0). */
extern void uk_state_init(UkMaintState *st);

/*
 * Serialize st.  *out is a new malloc'd NUL-terminated buffer (caller frees
 * it with free()), *len its length.  Fails (UK_ERR_INVALID) if a field is
 * out of its limits, e.g. a reason that uk_reason_validate() refuses while
 * active.
 */
extern UkStatus uk_state_format(const UkMaintState *st, char **out,
								size_t *len, UkError **err);

/*
 * Parse and validate a buffer produced by uk_state_format() (or a version 1
 * file, which has no engine_restore line).
 */
extern UkStatus uk_state_parse(const char *buf, size_t len, UkMaintState *st,
							   UkError **err);

/* True when a and b hold the same state (token hash compared only if set). */
extern bool uk_state_equal(const UkMaintState *a, const UkMaintState *b);

/* Format and write durably to path. */
extern UkStatus uk_state_write(const char *path, const UkMaintState *st,
							   UkError **err);

/*
 * Read and validate path.  A missing file is UK_ERR_NOT_FOUND (st is then
 * set to the inactive state); an unreadable or invalid one UK_ERR_IO or
 * UK_ERR_CORRUPT.
 */
extern UkStatus uk_state_read(const char *path, UkMaintState *st,
							  UkError **err);

/*
 * Escape s for a one-line text field: backslash, tab, CR, LF and other
 * control bytes become \\, \t, \r, \n, \xHH.  Writes at most cap bytes
 * including the NUL into out; returns the length it needed (without NUL),
 * like snprintf.
 */
extern size_t uk_escape(const char *s, char *out, size_t cap);

/* uk_escape() of the first len bytes of s (no NUL among them). */
extern size_t uk_escape_n(const char *s, size_t len, char *out, size_t cap);

/*
 * Reverse of uk_escape() for len bytes of in.  Writes at most cap bytes
 * including the NUL.  Returns false on a malformed escape, an escaped NUL,
 * or if the result does not fit.
 */
extern bool uk_unescape(const char *in, size_t len, char *out, size_t cap);

#endif							/* UK_STATE_H */
