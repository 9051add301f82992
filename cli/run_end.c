/*
 * cli/run_end.c
 *		The end of `upkeep run`: close what is open, drop the ephemeral
 *		account, then exit the window when the command succeeded (or with
 *		--on-failure exit), or stay in it and say which patch failed, with
 *		what, and the exact command that ends the window; write the report.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "options.h"
#include "run.h"

/* The failed run of the window; MariaDB writes its records a moment later. */
static void
find_failed_run(Run *r, FailedRun *f)
{
	double		deadline = run_now() + (r->conn->engine == ENGINE_MARIADB ? 3.0 : 0.0);

	for (;;)
	{
		if (r->conn->ops->failed_run(r->conn, r->window_id, f) != 0)
		{
			memset(f, 0, sizeof(*f));
			return;
		}
		if ((f->found && f->message[0]) || run_now() >= deadline)
			return;
		usleep(100 * 1000);
	}
}

static void
say_failure(Run *r)
{
	FailedRun	f;

	if (r->status != 0)
		fprintf(stderr, "%s: the command failed (exit status %d%s)\n", UP_PROG, r->status,
				r->signal_seen ? ", after an interrupt" : "");
	else
		fprintf(stderr, "%s: the command exited with status 0 but its output reports a failure\n",
				UP_PROG);
	if (r->output_failure)
		fprintf(stderr, "  it reported:   %s\n", r->failure_line);
	if (!r->conn->has_window_api)
		return;
	find_failed_run(r, &f);
	if (f.found)
	{
		fprintf(stderr, "  failing patch: %s%s%s%s\n", f.name,
				f.app[0] ? " (" : "", f.app, f.app[0] ? ")" : "");
		if (f.sqlstate[0])
			fprintf(stderr, "  error:         %s\n", f.sqlstate);
		if (f.message[0])
			fprintf(stderr, "  message:       %s\n", f.message);
		if (f.statement[0])
			fprintf(stderr, "  statement:     %s\n", f.statement);
	}
	else if (r->failed_patch[0])
		fprintf(stderr, "  failing patch: %s\n", r->failed_patch);
}

/*
 * The report, through `upkeep report` (cmd_report.c) with what only the
 * runner knows: the command line, its exit status, the result.
 */
static void
write_report(Run *r)
{
	char		window[32],
				status[16],
				command[4096] = "";
	char	   *argv[20];
	int			argc = 0;

	if (!r->o.report_html && !r->o.report_json)
		return;
	snprintf(window, sizeof(window), "%lld", (long long) r->window_id);
	snprintf(status, sizeof(status), "%d", r->status);
	for (char **a = r->o.command; *a; a++)
	{
		size_t		used = strlen(command);

		snprintf(command + used, sizeof(command) - used, "%s%s", a == r->o.command ? "" : " ", *a);
	}
	argv[argc++] = "report";
	argv[argc++] = "--command";
	argv[argc++] = command;
	argv[argc++] = "--exit-status";
	argv[argc++] = status;
	argv[argc++] = "--result";
	argv[argc++] = r->signal_seen ? "interrupted" :
		(r->status != 0 || r->output_failure) ? "failed" : "succeeded";
	if (r->o.db)
	{
		argv[argc++] = "--db";
		argv[argc++] = (char *) r->o.db;
	}
	argv[argc++] = "--window";
	argv[argc++] = window;
	if (r->o.report_html)
	{
		argv[argc++] = "-o";
		argv[argc++] = (char *) r->o.report_html;
	}
	if (r->o.report_json)
	{
		argv[argc++] = "--json";
		argv[argc++] = (char *) r->o.report_json;
	}
	argv[argc] = NULL;
	fflush(stdout);
	if (upkeep_cmd_report(argc, argv) != 0)
		up_warning("the report could not be written (see above)");
}

void
run_end(Run *r)
{
	bool		failed = r->status != 0 || r->output_failure;
	char		d[32],
				cmd[1024];
	double		elapsed;

	/*
	 * No error text of ours: it would replace the message of the failing
	 * statement the server recorded for the run.
	 */
	run_close_open(r, failed && r->status != 0 ? "failed" : "succeeded", NULL);
	run_refresh(r);
	live_finish(r->live);

	if (r->account[0])
	{
		if (conn_account_drop(r->conn, r->account) != 0)
			up_warning("cannot drop the account %s (the plugin drops it when the window ends): %s",
					   r->account, r->conn->err);
		r->account[0] = '\0';
	}
	if (r->conn->engine == ENGINE_MARIADB && r->o.slow_ms >= 0 && r->conn->has_window_api)
		r->conn->ops->set_slow_ms(r->conn, -1);

	elapsed = run_now() - r->started;
	live_duration(elapsed, d, sizeof(d));
	r->conn->ops->exit_command(r->conn, cmd, sizeof(cmd));
	if (failed)
		say_failure(r);
	if (!failed || r->o.on_failure_exit)
	{
		if (r->conn->ops->exit_window(r->conn) != 0)
		{
			up_error("cannot exit the maintenance window: %s", r->conn->err);
			fprintf(stderr, "End it with:\n  %s\n", cmd);
		}
		else
		{
			printf("%s: window %lld exited after %s: %d patch%s done, %d failed, "
				   "%lld slow statement%s, %lld refused write%s\n",
				   UP_PROG, (long long) r->window_id, d,
				   r->view.patches_done, r->view.patches_done == 1 ? "" : "es",
				   r->view.patches_failed,
				   (long long) r->snap.slow_statements, r->snap.slow_statements == 1 ? "" : "s",
				   (long long) r->snap.refused_writes, r->snap.refused_writes == 1 ? "" : "s");
			if (failed)
				fprintf(stderr, "%s: --on-failure exit: the window is exited although the "
						"command failed; check the schema before the users come back\n", UP_PROG);
		}
	}
	else
	{
		fprintf(stderr, "%s: the database stays in maintenance (window %lld): the schema may be "
				"half-migrated.\nFix the cause, then run the upgrade again inside this window",
				UP_PROG, (long long) r->window_id);
		if (r->conn->engine == ENGINE_PG && isatty(STDERR_FILENO))
			fprintf(stderr, " (upkeep run --join %s ...)", r->token);
		else if (r->conn->engine == ENGINE_PG)
			fprintf(stderr, " (upkeep run --join TOKEN: the token is shown on a terminal only)");
		else
			fprintf(stderr, " (end it first: a new run enters a new window)");
		fprintf(stderr, ",\nor end the window with:\n  %s\n", cmd);
	}
	fflush(stdout);
	write_report(r);
}
