/*
 * cli/cmd_status.c
 *		`upkeep status [--db DB] [--watch]`: the live view of the current
 *		window for a DBA who did not start it, and whether its runner is
 *		still there.  A runner marks its session (PostgreSQL: its
 *		application_name "upkeep run PID@HOST"; MariaDB: the user lock
 *		"upkeep_run"); when none is connected while a window is active, the
 *		runner is gone (or the window was entered by hand) and the command
 *		that ends the window is printed.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "commands.h"
#include "conn.h"
#include "live.h"
#include "options.h"

#define CMD "status"

static void
status_usage(void)
{
	printf("Usage: upkeep status [--db DB] [--watch]\n"
		   "\n"
		   "Show the maintenance window: its reason and time against the expected end,\n"
		   "the current patch, the statement running now, lock waits, slow statements,\n"
		   "refused writes, and whether the upkeep run that started it is still there.\n"
		   "\n"
		   "  -d, --db=DB     PostgreSQL conninfo or URI, or mariadb://user@host:port/db\n"
		   "  -w, --watch     redraw twice a second until interrupted\n"
		   "  -h, --help      show this help\n");
}

static void
print_runner(Conn *c, const Snapshot *s, FILE *f)
{
	char		cmd[1024];

	if (!s->active)
		return;
	if (s->runner_connected)
	{
		fprintf(f, "runner: %s\n", s->runner);
		return;
	}
	c->ops->exit_command(c, cmd, sizeof(cmd));
	fprintf(f, "runner: none connected: if \"upkeep run\" started this window, the runner is gone "
			"and the window stays on (fail safe).\nWhen the upgrade is finished or abandoned, end it with:\n  %s\n",
			cmd);
}

static void
print_once(Conn *c, const Snapshot *s, bool color)
{
	LiveView	v;
	char		lines[LIVE_LINES][LIVE_COLS];
	int			n;

	memset(&v, 0, sizeof(v));
	v.title = "upkeep status";
	v.attribution = c->has_window_api;
	v.snap = s;
	n = live_format(&v, color, 200, lines);
	for (int i = 0; i < n; i++)
		printf("%s%s\n", lines[i], color ? "\033[0m" : "");
	print_runner(c, s, stdout);
	fflush(stdout);
}

int
upkeep_cmd_status(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"db", required_argument, NULL, 'd'},
		{"watch", no_argument, NULL, 'w'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}
	};
	const char *db = NULL;
	bool		watch = false;
	char		err[1024];
	Conn	   *c;
	Snapshot	s;
	int			opt;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "d:wh", longopts, NULL)) != -1)
	{
		switch (opt)
		{
			case 'd':
				db = optarg;
				break;
			case 'w':
				watch = true;
				break;
			case 'h':
				status_usage();
				return 0;
			default:
				return up_usage_error(CMD, "option \"%s\" is unknown or needs a value", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return up_usage_error(CMD, "unexpected argument \"%s\"", argv[optind]);

	c = conn_open(db, "upkeep status", err, sizeof(err));
	if (c == NULL)
	{
		up_error("%s", err);
		return UP_EXIT_SERVER;
	}
	if (c->ops->snapshot(c, 0, &s) != 0)
	{
		up_error("%s", c->err);
		conn_close(c);
		return UP_EXIT_SERVER;
	}
	if (!watch)
	{
		const char *nc = getenv("NO_COLOR");

		print_once(c, &s, isatty(STDOUT_FILENO) && (nc == NULL || *nc == '\0'));
		conn_close(c);
		return 0;
	}

	child_signals_install();
	{
		Live	   *l = live_new(true);
		LiveView	v;
		int			tick = 0;

		memset(&v, 0, sizeof(v));
		v.title = "upkeep status";
		v.attribution = c->has_window_api;
		while (!child_interrupted())
		{
			if (c->ops->snapshot(c, 0, &s) != 0)
			{
				live_finish(l);
				up_error("%s", c->err);
				live_free(l);
				conn_close(c);
				return UP_EXIT_SERVER;
			}
			v.snap = &s;
			if (live_is_tty(l))
				live_update(l, &v);
			else if (tick % 10 == 0)
			{
				print_once(c, &s, false);
				printf("\n");
				fflush(stdout);
			}
			tick++;
			usleep(500 * 1000);
		}
		live_finish(l);
		live_free(l);
		print_runner(c, &s, stdout);
	}
	conn_close(c);
	return 0;
}
