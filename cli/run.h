/*
 * cli/run.h
 *		What the files of `upkeep run` share: its options and the state of
 *		one run.  cmd_run.c owns the flow (options, enter, child, end),
 *		run_events.c turns the child's output events into window patches,
 *		run_end.c ends the run (exit or stay, the summary, the failure).
 */
#ifndef UP_RUN_H
#define UP_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "conn.h"
#include "live.h"
#include "uk_runlog.h"

typedef struct RunOptions
{
	const char *db;
	const char *reason;
	double		expected_s;		/* < 0 not given */
	double		drain_timeout_s;	/* < 0 not given */
	const char *on_timeout;		/* NULL: the server's default */
	const char *join_token;
	const char *preset;
	const char *patch_start,
			   *patch_end,
			   *patch_fail;
	const char *as_account;
	char		env_user[128],
				env_pass[128];	/* --account-env, or the preset's */
	bool		on_failure_exit;
	long		slow_ms;		/* < 0 not given */
	const char *report_html,
			   *report_json;
	char	  **command;		/* argv of the child, NULL-terminated */
} RunOptions;

typedef struct Run
{
	RunOptions	o;
	Conn	   *conn;
	Live	   *live;
	UkRunlog   *rl;
	LiveView	view;
	Snapshot	snap;
	bool		have_snap;
	int64_t		window_id;
	int64_t		slow_seen;		/* newest slow statement id printed */
	bool		patch_open,
				step_open;
	bool		server_trouble; /* a window patch call failed (said once) */
	bool		output_failure; /* the output said the run failed */
	char		failure_line[512];	/* what it said */
	char		failed_patch[512];	/* the last patch that failed */
	char		account[3200];	/* MariaDB ephemeral account, quoted; "" none */
	char		token[256];		/* PostgreSQL join token, for --join after a failure */
	double		started;		/* unix seconds, when the child started */
	int			status;			/* the child's exit status */
	int			signal_seen;	/* a signal passed on to the child */
} Run;

/* run_events.c */
extern void run_on_event(const UkRunlogEvent *ev, void *arg);
/* End what is open: the step, then the patch, with status and error. */
extern void run_close_open(Run *r, const char *status, const char *error);
/* Refresh the snapshot and the live view (about twice a second). */
extern void run_refresh(Run *r);
extern double run_now(void);

/* run_end.c: exit or stay, say so; returns nothing, the status is the child's. */
extern void run_end(Run *r);

#endif							/* UP_RUN_H */
