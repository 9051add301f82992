/*
 * uk_patch.h
 *		Patch runs and their records, the same on both engines.
 *
 * An upgrade script brackets each patch; everything the session runs in
 * between belongs to one "run".  A run moves through one small state
 * machine:
 *
 *		running -> succeeded | failed | skipped	(the script ends it)
 *		running -> aborted							(the session ended first)
 *
 * and nothing else: a finished run never changes again.
 *
 * What a run leaves behind is a sequence of records (UkPatchRec): BEGIN
 * when it starts, STMT for each statement kept (slow, or every one with a
 * threshold of 0), ERROR for a statement that failed, END when it finishes.
 * The PostgreSQL extension appends them to a log file as one text line
 * each (uk_patchrec_format / uk_patchrec_parse) and folds them back into
 * runs when the views are read (UkRunFold); the MariaDB plugin turns the
 * same records into table rows.  Both engines take names, statuses and
 * limits from here.
 *
 * Line format (fields separated by tabs, text escaped with uk_escape(),
 * the last field a checksum of everything before it):
 *
 *		B run_id at_us pid database username name app                  crc
 *		B run_id at_us pid database username name app window_id
 *		  parent_run_id                                                 crc
 *		S run_id at_us stmt_id duration_us lock_wait_us rows command
 *		  query plan                                                    crc
 *		S run_id at_us stmt_id duration_us lock_wait_us rows command
 *		  query plan pid                                                crc
 *		F run_id at_us sqlstate error_code message query                crc
 *		E run_id at_us status statements slow_statements lock_wait_us
 *		  message                                                       crc
 *
 * A BEGIN has the two last fields only for a run of a window patch (set
 * for the window by `upkeep run`, window_id or parent_run_id not 0); a
 * session's run keeps the shorter line, which every reader understands.
 * Likewise a STMT has pid (not 0) only for a statement of a window patch
 * run: the session that ran it, not the run's (the runner's).
 *
 * crc is 8 lower-case hex digits of FNV-1a (32 bit) over the bytes before
 * the tab that precedes it.  A line with a wrong checksum or shape (a torn
 * write after a crash, a foreign line) is skipped, never fatal.
 *
 * Memory: parsed records point into a scratch buffer the caller owns;
 * folded runs own their strings (uk_run_fold_free()).
 */
#ifndef UK_PATCH_H
#define UK_PATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uk_error.h"
#include "uk_utf8.h"

#define UK_PATCH_NAME_MAX 256	/* bytes of a patch name */
#define UK_PATCH_APP_MAX 64		/* bytes of an app name */
#define UK_PATCH_IDENT_MAX 128	/* database / user names */
#define UK_PATCH_MESSAGE_MAX 2000	/* bytes of an error message kept */
#define UK_QUERY_MAX 8192		/* bytes of statement text kept */
#define UK_PLAN_MAX 16384		/* bytes of plan text kept */
#define UK_COMMAND_MAX 32		/* bytes of a command tag */

typedef enum UkRunStatus
{
	UK_RUN_RUNNING = 0,
	UK_RUN_SUCCEEDED,
	UK_RUN_FAILED,
	UK_RUN_SKIPPED,
	UK_RUN_ABORTED
} UkRunStatus;

typedef enum UkPatchRecKind
{
	UK_REC_BEGIN = 'B',
	UK_REC_STMT = 'S',
	UK_REC_ERROR = 'F',
	UK_REC_END = 'E'
} UkPatchRecKind;

/*
 * One record.  Which fields mean something depends on kind (see the line
 * format above); the others are zero / NULL.  Strings are NUL-terminated
 * and never NULL in a parsed record (empty when absent).
 */
typedef struct UkPatchRec
{
	UkPatchRecKind kind;
	uint64_t	run_id;
	int64_t		at_us;			/* Unix epoch microseconds: when it happened
								 * (STMT: when the statement started) */
	/* BEGIN; also STMT of a window run: the session that ran it, else 0 */
	int64_t		pid;
	const char *database;
	const char *username;
	const char *name;
	const char *app;
	uint64_t	window_id;		/* a window patch run: its window, else 0 */
	uint64_t	parent_run_id;	/* a nested step: the outer run, else 0 */
	/* STMT */
	uint64_t	stmt_id;
	int64_t		duration_us;
	int64_t		lock_wait_us;	/* also END: the run's total */
	int64_t		rows;			/* -1 unknown */
	const char *command;
	const char *query;			/* also ERROR: the failing statement */
	const char *plan;
	/* ERROR */
	char		sqlstate[6];
	int32_t		error_code;		/* engine error number, 0 if none */
	const char *message;		/* also END: the error the script gave */
	/* END */
	UkRunStatus status;
	uint64_t	statements;
	uint64_t	slow_statements;
} UkPatchRec;

/* "running", "succeeded", "failed", "skipped", "aborted". */
extern const char *uk_run_status_name(UkRunStatus s);

/*
 * Parse the status a script may end a run with: "succeeded", "failed" or
 * "skipped" (exactly, lower case).  Anything else is UK_ERR_INVALID with a
 * message naming the accepted values.
 */
extern UkStatus uk_run_status_parse(const char *s, UkRunStatus *out,
									UkError **err);

/*
 * The run state machine: true only for running -> any finished status.
 */
extern bool uk_run_transition_valid(UkRunStatus from, UkRunStatus to);

/*
 * A patch name: not empty, at most UK_PATCH_NAME_MAX bytes, valid UTF-8,
 * no control characters.  An app name (may be NULL or empty = none): at
 * most UK_PATCH_APP_MAX bytes, same characters.
 */
extern UkStatus uk_patch_name_validate(const char *name, UkError **err);
extern UkStatus uk_patch_app_validate(const char *app, UkError **err);

/* A zeroed record of the given kind (rows -1, strings ""). */
extern void uk_patchrec_init(UkPatchRec *rec, UkPatchRecKind kind);

/*
 * Format rec as one line ending in '\n' into out (cap bytes, NUL-terminated
 * when cap > 0).  Text fields are cut to their limits (on a UTF-8
 * boundary) before escaping.  Returns the length the full line needs
 * (without the NUL), like snprintf; a line never exceeds
 * UK_PATCHREC_LINE_MAX.
 */
extern size_t uk_patchrec_format(const UkPatchRec *rec, char *out, size_t cap);

#define UK_PATCHREC_LINE_MAX \
	(64 + 8 * 24 + 4 * (UK_PATCH_NAME_MAX + UK_PATCH_APP_MAX + \
						2 * UK_PATCH_IDENT_MAX + UK_COMMAND_MAX + \
						UK_QUERY_MAX + UK_PLAN_MAX + UK_PATCH_MESSAGE_MAX))

/*
 * Parse one line (len bytes, without its '\n').  String fields are
 * unescaped into scratch (cap bytes; len + 1 is always enough) and rec
 * points into it.  Returns false for a line that is not a valid record.
 */
extern bool uk_patchrec_parse(const char *line, size_t len, UkPatchRec *rec,
							  char *scratch, size_t scratch_cap);

/* A run as the views show it, folded from its records. */
typedef struct UkRun
{
	uint64_t	run_id;
	int64_t		pid;
	char	   *database;
	char	   *username;
	char	   *name;
	char	   *app;
	uint64_t	window_id;		/* 0: a session's run */
	uint64_t	parent_run_id;	/* 0: not a nested step */
	int64_t		started_at_us;
	int64_t		ended_at_us;	/* 0 while running or when unknown */
	UkRunStatus status;			/* RUNNING until an END record */
	bool		ended;			/* an END record was seen */
	uint64_t	statements;		/* from END; 0 before */
	uint64_t	slow_statements;	/* from END, else STMT records seen */
	int64_t		lock_wait_us;	/* from END, else sum over STMT records */
	char		error_sqlstate[6];	/* of the last ERROR record */
	int32_t		error_code;
	char	   *error_message;	/* END's message, else the last ERROR's */
	char	   *error_statement;	/* of the last ERROR record */
} UkRun;

typedef struct UkRunFold
{
	UkRun	   *runs;			/* malloc'd, in order of BEGIN */
	size_t		n;
	size_t		cap;
	size_t		orphans;		/* records of runs whose BEGIN is gone */
} UkRunFold;

/*
 * Add one parsed record to the fold.  Records of a run whose BEGIN was not
 * seen (rotated away) are counted in orphans.  A second BEGIN of a run
 * (a writer starting a new file repeats the BEGIN of each open run) is
 * ignored.  UK_ERR_NOMEM only.
 */
extern UkStatus uk_run_fold_add(UkRunFold *fold, const UkPatchRec *rec,
								UkError **err);

/* Find a run by id (NULL if absent). */
extern UkRun *uk_run_fold_find(UkRunFold *fold, uint64_t run_id);

extern void uk_run_fold_free(UkRunFold *fold);

#endif							/* UK_PATCH_H */
