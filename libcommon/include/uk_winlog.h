/*
 * uk_winlog.h
 *		The history of maintenance windows (the maintenance_log).
 *
 * One record per window, kept in a small text file in the server's data
 * directory, next to the state file.  Each change rewrites the whole file
 * atomically (windows are rare; the file is bounded), so the history
 * survives restarts and crashes, and does not depend on any SQL
 * transaction: a window stays recorded even if the session that entered it
 * rolls back.
 *
 * Format: a first line "upkeep-maintenance-log 1", then one line per
 * window, fields separated by tabs, text fields escaped with uk_escape(),
 * in this order:
 *
 *		window_id entered_at_us entered_by reason expected_end_us
 *		drain_outcome drain_ms drain_waited drain_terminated drain_detail
 *		exited_at_us exited_by refused_writes unattributed_statements
 *
 * unattributed_statements came later: a line without it (13 fields) is
 * read with 0 there.
 *
 * A line that does not parse is skipped and counted (skipped_lines), never
 * fatal: the log is evidence, not state.
 */
#ifndef UK_WINLOG_H
#define UK_WINLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uk_error.h"
#include "uk_validate.h"

#define UK_WINLOG_MAX_DEFAULT 1000	/* windows kept; the oldest go first */
#define UK_WINLOG_FILE_MAX (4 * 1024 * 1024)	/* bytes read at most */
#define UK_DRAIN_DETAIL_MAX 512

typedef enum UkDrainOutcome
{
	UK_DRAIN_RUNNING = 0,		/* the drain has not finished (yet) */
	UK_DRAIN_CLEAN,				/* nothing was writing: nothing to wait for */
	UK_DRAIN_WAITED,			/* waited; every writer finished in time */
	UK_DRAIN_TERMINATED,		/* writers still open at the timeout were ended */
	UK_DRAIN_FAILED,			/* writers still open at the timeout: not entered */
	UK_DRAIN_INTERRUPTED		/* the server restarted during the drain */
} UkDrainOutcome;

typedef struct UkWindow
{
	uint64_t	window_id;
	int64_t		entered_at_us;	/* Unix epoch, microseconds */
	char		entered_by[UK_NAME_MAX + 1];
	char		reason[UK_REASON_MAX + 1];
	int64_t		expected_end_us;	/* 0 = unknown */
	UkDrainOutcome drain_outcome;
	int64_t		drain_ms;		/* -1 while running */
	int32_t		drain_waited;	/* write transactions waited for */
	int32_t		drain_terminated;	/* sessions ended by the drain */
	char		drain_detail[UK_DRAIN_DETAIL_MAX + 1];	/* e.g. blocking pids */
	int64_t		exited_at_us;	/* 0 = window still open */
	char		exited_by[UK_NAME_MAX + 1];
	uint64_t	refused_writes;
	uint64_t	unattributed_statements;	/* maintainer statements outside
											 * any window patch (`upkeep run`) */
} UkWindow;

typedef struct UkWindowList
{
	UkWindow   *items;			/* malloc'd array, oldest first */
	size_t		n;
	size_t		skipped_lines;	/* lines that did not parse */
} UkWindowList;

/* Zero a window record (drain_ms -1, outcome RUNNING). */
extern void uk_window_init(UkWindow *w);

/*
 * How a finished drain went, the same on both engines: still_open write
 * transactions left at the end (not entered: UK_DRAIN_FAILED), else
 * terminated sessions ended by the drain (UK_DRAIN_TERMINATED), else
 * waited_for distinct write transactions seen (UK_DRAIN_WAITED), else
 * UK_DRAIN_CLEAN.
 */
extern UkDrainOutcome uk_drain_outcome_of(int still_open, int terminated,
										  int waited_for);

/* True when a and b are the same record, field by field. */
extern bool uk_window_equal(const UkWindow *a, const UkWindow *b);

/* "running", "clean", "waited", "terminated", "failed", "interrupted". */
extern const char *uk_drain_outcome_name(UkDrainOutcome o);

/*
 * Parse a whole log buffer.  Fills *out (caller frees with
 * uk_winlog_list_free()).  Fails only on a wrong first line (UK_ERR_CORRUPT)
 * or out of memory; bad record lines are skipped and counted.  An empty
 * buffer is an empty list.
 */
extern UkStatus uk_winlog_parse(const char *buf, size_t len,
								UkWindowList *out, UkError **err);

/* Serialize a list; *out malloc'd, caller frees with free(). */
extern UkStatus uk_winlog_format(const UkWindowList *list, char **out,
								 size_t *len, UkError **err);

/* Read path; a missing file is an empty list (UK_OK). */
extern UkStatus uk_winlog_read(const char *path, UkWindowList *out,
							   UkError **err);

/*
 * Insert w, or replace the record with the same window_id, then keep only
 * the newest max_records, and rewrite path atomically.
 */
extern UkStatus uk_winlog_upsert(const char *path, const UkWindow *w,
								 size_t max_records, UkError **err);

extern void uk_winlog_list_free(UkWindowList *list);

/*
 * The window the log says is still open: the one with the highest
 * window_id, if it has no exit time (exited_at_us 0).  Copies it into *out
 * and returns true; false if the log is empty or its newest window ended.
 * A server whose state file is missing uses this to fail safe.
 */
extern bool uk_winlog_open_window(const UkWindowList *list, UkWindow *out);

#endif							/* UK_WINLOG_H */
