/*
 * uk_report.h
 *		The upgrade report: what one maintenance window saw (its summary, the
 *		patch runs, slow statements and deadlocks), and two renderers of it,
 *		one self-contained HTML page for people and JSON for machines.
 *
 * The CLI fills a UkReportWindow from the server (`upkeep report`) or from
 * what its runner saw (`upkeep run --report`); the renderers only read it.
 *
 * Memory: every string and array of a UkReportWindow is malloc'd and owned
 * by it; uk_report_window_free() frees them all (and leaves the struct
 * zeroed), never the struct itself.  Any string may be NULL (unknown).
 * Times are unix seconds (UTC); a negative time is unknown or still open.
 *
 * The HTML page needs nothing from the network and runs no script: inline
 * CSS and an inline SVG timeline with one <rect class="run"> per run.
 * Every text of the model is escaped; bytes that are not valid UTF-8 (and
 * control characters) are shown as U+FFFD, so the output is valid UTF-8
 * whatever the server kept.
 */
#ifndef UK_REPORT_H
#define UK_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "uk_error.h"

typedef struct UkReportRun
{
	int64_t		run_id;
	int64_t		parent_run_id;	/* 0: a run of its own (not a step) */
	char	   *name;
	char	   *app;			/* "frappe:phase" marks a phase */
	char	   *status;			/* succeeded, failed, skipped, aborted,
								 * running */
	double		started_at;
	double		ended_at;		/* < 0 while running */
	int64_t		statements;
	int64_t		slow_statements;
	double		lock_wait_ms;	/* < 0 not measured */
	char	   *error_sqlstate;
	char	   *error_message;
	char	   *error_statement;
} UkReportRun;

typedef struct UkReportSlow
{
	int64_t		id;
	int64_t		run_id;
	char	   *patch;
	char	   *command;
	char	   *query;
	char	   *plan;
	double		started_at;
	double		duration_ms;
	double		lock_wait_ms;	/* < 0 not measured */
	int64_t		rows;			/* < 0 unknown */
} UkReportSlow;

typedef struct UkReportDeadlock
{
	int64_t		id;
	double		detected_at;
	char	   *victim_patch;
	char	   *tables;
	char	   *raw;			/* the server's own report */
	int			participants;	/* <= 0 unknown */
} UkReportDeadlock;

typedef struct UkReportWindow
{
	char	   *engine;			/* "postgresql" | "mariadb" */
	int64_t		window_id;
	char	   *reason;
	char	   *entered_by;
	char	   *exited_by;
	char	   *drain_outcome;
	double		entered_at;
	double		exited_at;
	double		expected_end;	/* < 0 unknown / still open */
	int64_t		refused_writes;
	int64_t		unattributed_statements;	/* < 0 unknown */
	char	   *command;		/* the child's command line, when run by
								 * `upkeep run` */
	int			exit_status;	/* the child's, -1 unknown */
	char	   *result;			/* "succeeded" | "failed" | "running" |
								 * "interrupted" | ... */
	UkReportRun *runs;
	size_t		nruns;
	UkReportSlow *slow;
	size_t		nslow;
	UkReportDeadlock *deadlocks;
	size_t		ndeadlocks;
} UkReportWindow;

/* Free every string and array of w and zero it; NULL is allowed. */
extern void uk_report_window_free(UkReportWindow *w);

/*
 * Write the report of w to f as one HTML page, or as one JSON object.
 * UK_ERR_IO (with errno) when writing fails, UK_ERR_NOMEM; UK_ERR_INVALID
 * for w == NULL.  A run's slow statements are matched by run_id.
 */
extern int	uk_report_write_html(FILE *f, const UkReportWindow *w, UkError **err);
extern int	uk_report_write_json(FILE *f, const UkReportWindow *w, UkError **err);

/*
 * The result a report shows when nobody said (w->result NULL): "running"
 * while the window is open, "failed" when a run failed, "interrupted" when
 * a run was aborted, else "succeeded".  A static string.
 */
extern const char *uk_report_result_of(const UkReportWindow *w);

#endif							/* UK_REPORT_H */
