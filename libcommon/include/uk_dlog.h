/*
 * uk_dlog.h
 *		The deadlock log: one record per captured deadlock, as the
 *		PostgreSQL extension keeps it on disk.
 *
 * A record holds what must be taken at the moment of the deadlock and
 * cannot be found later: the server's report (the raw detail text, parsed
 * with uk_deadlock.h when read), and for each member still known then its
 * role, application name and patch.  Names that the catalogs can give
 * later (database, role, tables) are stored as OIDs.
 *
 * Line format (uk_line framing: tab-separated, escaped, checksummed):
 *
 *		D deadlock_id at_us database_oid victim_pid report n
 *		  { pid user_oid application_name run_id patch } * n   crc
 *
 * Parsed records point into a scratch buffer the caller owns.
 */
#ifndef UK_DLOG_H
#define UK_DLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uk_deadlock.h"
#include "uk_patch.h"

#define UK_DEADLOCK_REPORT_MAX 65536	/* bytes of report kept */
#define UK_APPNAME_MAX 64

typedef struct UkDeadlockMember
{
	int64_t		pid;
	uint32_t	user_oid;		/* 0 unknown */
	const char *application_name;
	uint64_t	run_id;			/* its patch run, 0 if none */
	const char *patch;
} UkDeadlockMember;

typedef struct UkDeadlockRec
{
	uint64_t	deadlock_id;
	int64_t		at_us;			/* Unix epoch microseconds */
	uint32_t	database_oid;
	int64_t		victim_pid;
	const char *report;			/* the server's detail text */
	size_t		n;
	UkDeadlockMember members[UK_DEADLOCK_MAX_PARTICIPANTS];
} UkDeadlockRec;

#define UK_DLOG_LINE_MAX \
	(64 + 4 * UK_DEADLOCK_REPORT_MAX + \
	 UK_DEADLOCK_MAX_PARTICIPANTS * (3 * 24 + 4 * (UK_APPNAME_MAX + UK_PATCH_NAME_MAX)))

/*
 * Format rec as one line ending in '\n' into out (cap bytes, NUL-terminated
 * when cap > 0); text is cut to its limits.  Returns the length the line
 * needs, like snprintf.
 */
extern size_t uk_dlog_format(const UkDeadlockRec *rec, char *out, size_t cap);

/*
 * Parse one line (without its '\n').  Strings are unescaped into scratch
 * (len + 1 bytes is always enough).  False for anything that is not a
 * valid record.
 */
extern bool uk_dlog_parse(const char *line, size_t len, UkDeadlockRec *rec,
						  char *scratch, size_t scratch_cap);

#endif							/* UK_DLOG_H */
