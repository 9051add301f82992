/*
 * cli/cmd_run.c
 *		`upkeep run`: enter a maintenance window, make the upgrade command a
 *		maintainer with no change to it, run it with its output read for
 *		patches (run_events.c) and shown live (live.c), and end the run
 *		(run_end.c).
 *
 * Exit status: the command's; 127 when it cannot be started (the window
 * this run opened is exited again); 1 for a server error before the
 * command started; 2 for bad options.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "child.h"
#include "commands.h"
#include "options.h"
#include "run.h"
#include "uk_validate.h"

#define CMD "run"

static void
run_usage(void)
{
	printf("Usage: upkeep run [OPTION]... --reason TEXT -- COMMAND [ARG]...\n"
		   "\n"
		   "Enter a maintenance window, run COMMAND (an upgrade: bench migrate, odoo -u)\n"
		   "as a maintainer, attribute its statements to the patches it prints, show it\n"
		   "live; exit the window when COMMAND succeeds, stay in it when it fails.\n"
		   "\n"
		   "Connection:\n"
		   "  -d, --db=DB              PostgreSQL conninfo or URI (default: PG* variables),\n"
		   "                           or mariadb://user[:password]@host[:port]/db[?socket=PATH]\n"
		   "Window:\n"
		   "  -r, --reason=TEXT        why (required; shown to refused users)\n"
		   "      --expected=DURATION  expected length (45m, 1h30m)\n"
		   "      --drain-timeout=DURATION  wait this long for open writes (default 30s)\n"
		   "      --on-timeout=fail|terminate  at the drain timeout (default fail)\n"
		   "      --join=TOKEN         join the active window instead (PostgreSQL)\n"
		   "Patches:\n"
		   "      --preset=frappe|odoo read bench migrate / odoo -u output\n"
		   "      --patch-start=REGEX  a line starting a patch (first group: its name)\n"
		   "      --patch-end=REGEX    a line ending it well\n"
		   "      --patch-fail=REGEX   a line saying it failed\n"
		   "      --slow-ms=N          slow-statement threshold of COMMAND's sessions\n"
		   "MariaDB account:\n"
		   "      --as-account=USER@HOST  run COMMAND as a temporary account with the\n"
		   "                           grants of USER@HOST plus READ_ONLY ADMIN\n"
		   "      --account-env=UVAR,PVAR  pass its name and password in these variables\n"
		   "                           (--preset frappe: FRAPPE_DB_USER,FRAPPE_DB_PASSWORD)\n"
		   "Ending:\n"
		   "      --on-failure=stay|exit  when COMMAND fails (default stay in maintenance)\n"
		   "      --report=FILE.html   write the window's report\n"
		   "      --report-json=FILE   the same as JSON\n"
		   "  -h, --help               show this help\n"
		   "\n"
		   "Exit status: COMMAND's; 127 when it cannot be started; 1 a server error\n"
		   "before it started; 2 bad options.  See upkeep(1).\n");
}

/* Parse the options into o; returns -1 done (help), 0 ok, or UP_EXIT_USAGE. */
static int
parse_options(int argc, char **argv, RunOptions *o)
{
	static const struct option longopts[] = {
		{"db", required_argument, NULL, 'd'},
		{"reason", required_argument, NULL, 'r'},
		{"expected", required_argument, NULL, 'E'},
		{"drain-timeout", required_argument, NULL, 'D'},
		{"on-timeout", required_argument, NULL, 'T'},
		{"join", required_argument, NULL, 'J'},
		{"preset", required_argument, NULL, 'P'},
		{"patch-start", required_argument, NULL, 'S'},
		{"patch-end", required_argument, NULL, 'N'},
		{"patch-fail", required_argument, NULL, 'F'},
		{"as-account", required_argument, NULL, 'A'},
		{"account-env", required_argument, NULL, 'V'},
		{"on-failure", required_argument, NULL, 'O'},
		{"slow-ms", required_argument, NULL, 'L'},
		{"report", required_argument, NULL, 'R'},
		{"report-json", required_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}
	};
	char		err[600];
	int			c;
	bool		mariadb;

	memset(o, 0, sizeof(*o));
	o->expected_s = o->drain_timeout_s = -1;
	o->slow_ms = -1;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+d:r:h", longopts, NULL)) != -1)
	{
		switch (c)
		{
			case 'd':
				o->db = optarg;
				break;
			case 'r':
				o->reason = optarg;
				break;
			case 'E':
				if (!up_parse_duration(optarg, &o->expected_s, err, sizeof(err)))
					return up_usage_error(CMD, "--expected: %s", err);
				break;
			case 'D':
				if (!up_parse_duration(optarg, &o->drain_timeout_s, err, sizeof(err)))
					return up_usage_error(CMD, "--drain-timeout: %s", err);
				if (o->drain_timeout_s > 24 * 3600)
					return up_usage_error(CMD, "--drain-timeout: 24h at most");
				break;
			case 'T':
				if (strcmp(optarg, "fail") != 0 && strcmp(optarg, "terminate") != 0)
					return up_usage_error(CMD, "--on-timeout must be fail or terminate, not \"%s\"", optarg);
				o->on_timeout = optarg;
				break;
			case 'J':
				o->join_token = optarg;
				break;
			case 'P':
				if (strcmp(optarg, "frappe") != 0 && strcmp(optarg, "odoo") != 0)
					return up_usage_error(CMD, "--preset must be frappe or odoo, not \"%s\"", optarg);
				o->preset = optarg;
				break;
			case 'S':
				o->patch_start = optarg;
				break;
			case 'N':
				o->patch_end = optarg;
				break;
			case 'F':
				o->patch_fail = optarg;
				break;
			case 'A':
				o->as_account = optarg;
				break;
			case 'V':
				{
					const char *comma = strchr(optarg, ',');

					if (comma == NULL || comma == optarg || comma[1] == '\0' ||
						strchr(comma + 1, ',') || strchr(optarg, '=') ||
						(size_t) (comma - optarg) >= sizeof(o->env_user) ||
						strlen(comma + 1) >= sizeof(o->env_pass))
						return up_usage_error(CMD, "--account-env must be USERVAR,PASSVAR, not \"%s\"", optarg);
					snprintf(o->env_user, sizeof(o->env_user), "%.*s", (int) (comma - optarg), optarg);
					snprintf(o->env_pass, sizeof(o->env_pass), "%s", comma + 1);
					break;
				}
			case 'O':
				if (strcmp(optarg, "stay") != 0 && strcmp(optarg, "exit") != 0)
					return up_usage_error(CMD, "--on-failure must be stay or exit, not \"%s\"", optarg);
				o->on_failure_exit = strcmp(optarg, "exit") == 0;
				break;
			case 'L':
				if (!up_parse_long(optarg, 0, 86400000L, &o->slow_ms, err, sizeof(err)))
					return up_usage_error(CMD, "--slow-ms: %s", err);
				break;
			case 'R':
				o->report_html = optarg;
				break;
			case 'j':
				o->report_json = optarg;
				break;
			case 'h':
				run_usage();
				return -1;
			case '?':
			default:
				return up_usage_error(CMD, "option \"%s\" is unknown or needs a value", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return up_usage_error(CMD, "no command to run (give it after --)");
	o->command = argv + optind;

	if (o->reason == NULL && o->join_token == NULL)
		return up_usage_error(CMD, "--reason is required");
	if (o->reason)
	{
		UkError    *uerr = NULL;

		if (uk_reason_validate(o->reason, &uerr) != UK_OK)
		{
			snprintf(err, sizeof(err), "%s", uerr->message);
			uk_error_free(uerr);
			return up_usage_error(CMD, "--reason: %s", err);
		}
	}
	if (o->preset && o->patch_start)
		return up_usage_error(CMD, "--preset and --patch-start exclude each other");
	if ((o->patch_end || o->patch_fail) && !o->patch_start)
		return up_usage_error(CMD, "--patch-end and --patch-fail need --patch-start");
	mariadb = conn_is_mariadb_uri(o->db);
	if (mariadb && o->join_token)
		return up_usage_error(CMD, "--join is for PostgreSQL (MariaDB's maintainers are accounts with READ_ONLY ADMIN)");
	if (o->join_token && (o->expected_s >= 0 || o->drain_timeout_s >= 0 || o->on_timeout))
		return up_usage_error(CMD, "--join joins a window: --expected, --drain-timeout and --on-timeout belong to entering one");
	if (!mariadb && (o->as_account || o->env_user[0]))
		return up_usage_error(CMD, "--as-account and --account-env are for MariaDB (on PostgreSQL the command joins through PGOPTIONS)");
	if (o->env_user[0] && !o->as_account)
		return up_usage_error(CMD, "--account-env needs --as-account");
	if (o->as_account && !o->env_user[0])
	{
		if (o->preset == NULL || strcmp(o->preset, "frappe") != 0)
			return up_usage_error(CMD, "--as-account needs --account-env USERVAR,PASSVAR (or --preset frappe)");
		strcpy(o->env_user, "FRAPPE_DB_USER");
		strcpy(o->env_pass, "FRAPPE_DB_PASSWORD");
	}
	return 0;
}

/* The environment of the child: PYTHONUNBUFFERED, PGOPTIONS, the account. */
static char **
child_environment(Run *r, const char *token, const char *user, const char *pass)
{
	char	   *set[8];
	int			n = 0;
	char	   *pgopt = NULL;
	char	  **env;

	set[n++] = strdup("PYTHONUNBUFFERED=1");
	if (r->conn->engine == ENGINE_PG)
	{
		const char *old = getenv("PGOPTIONS");
		size_t		len = (old ? strlen(old) : 0) + strlen(token) + 128;

		pgopt = malloc(len);
		if (pgopt)
		{
			snprintf(pgopt, len, "PGOPTIONS=%s%s-c upkeep.join_token=%s",
					 old ? old : "", old && *old ? " " : "", token);
			if (r->o.slow_ms >= 0)
				snprintf(pgopt + strlen(pgopt), len - strlen(pgopt),
						 " -c upkeep.slow_statement_ms=%ld", r->o.slow_ms);
		}
		set[n++] = pgopt;
	}
	if (user)
	{
		size_t		ul = strlen(r->o.env_user) + strlen(user) + 2,
					pl = strlen(r->o.env_pass) + strlen(pass) + 2;

		set[n] = malloc(ul);
		if (set[n])
			snprintf(set[n], ul, "%s=%s", r->o.env_user, user);
		n++;
		set[n] = malloc(pl);
		if (set[n])
			snprintf(set[n], pl, "%s=%s", r->o.env_pass, pass);
		n++;
	}
	set[n] = NULL;
	env = NULL;
	for (int i = 0; i < n; i++)
		if (set[i] == NULL)
			goto out;
	env = child_env_build(set);
out:
	for (int i = 0; i < n; i++)
		free(set[i]);
	return env;
}

static void
on_output(int stream, const char *buf, size_t len, void *arg)
{
	Run		   *r = arg;

	live_output(r->live, stream, buf, len);
	if (r->rl)
		uk_runlog_feed(r->rl, stream, buf, len, run_on_event, r);
}

static void
on_tick(void *arg)
{
	Run		   *r = arg;
	static int	ticks;

	if (++ticks % 5 == 0)
		run_refresh(r);
	else
		live_tick(r->live);
}

static void
on_signal(int sig, void *arg)
{
	Run		   *r = arg;

	r->signal_seen = sig;
	r->view.interrupted = true;
	live_line(r->live, "%s passed on to the command; waiting for it to end",
			  sig == 2 ? "SIGINT" : sig == 15 ? "SIGTERM" : "a signal");
	live_update(r->live, &r->view);
}

/* Undo what setup did before the child started: account, window. */
static void
undo_setup(Run *r, bool entered)
{
	if (r->account[0] && conn_account_drop(r->conn, r->account) != 0)
		up_error("cannot drop the account %s: %s", r->account, r->conn->err);
	if (entered && r->conn->ops->exit_window(r->conn) != 0)
	{
		char		cmd[1024];

		r->conn->ops->exit_command(r->conn, cmd, sizeof(cmd));
		up_error("cannot exit the maintenance window: %s", r->conn->err);
		fprintf(stderr, "End it with:\n  %s\n", cmd);
	}
}

int
upkeep_cmd_run(int argc, char **argv)
{
	Run			r;
	char		err[1024],
				token[256] = "",
				appname[64],
				host[64] = "",
				user[64] = "",
				pass[64] = "";
	int			rc;
	bool		entered = false;
	char	  **env;
	Child		child;
	ChildSink	sink;
	UkError    *uerr = NULL;
	Snapshot	s;

	memset(&r, 0, sizeof(r));
	rc = parse_options(argc, argv, &r.o);
	if (rc != 0)
		return rc < 0 ? 0 : rc;

	if (r.o.preset)
		r.rl = uk_runlog_new_preset(r.o.preset, &uerr);
	else if (r.o.patch_start)
		r.rl = uk_runlog_new_regex(r.o.patch_start, r.o.patch_end, r.o.patch_fail, &uerr);
	if ((r.o.preset || r.o.patch_start) && r.rl == NULL)
	{
		rc = up_usage_error(CMD, "%s", uerr ? uerr->message : "out of memory");
		uk_error_free(uerr);
		return rc;
	}
	child_signals_install();

	gethostname(host, sizeof(host) - 1);
	snprintf(appname, sizeof(appname), "upkeep run %d@%s", (int) getpid(), host);
	r.conn = conn_open(r.o.db, appname, err, sizeof(err));
	if (r.conn == NULL)
	{
		up_error("%s", err);
		uk_runlog_free(r.rl);
		return UP_EXIT_SERVER;
	}
	r.view.title = "upkeep run";
	r.view.attribution = r.conn->has_window_api;
	if (!r.conn->has_window_api)
		up_warning("the server's upkeep has no window patches (PostgreSQL: extension older "
				   "than 1.4, ALTER EXTENSION upkeep UPDATE; MariaDB: an older plugin): the "
				   "window protects the upgrade, but statements are not attributed to patches");

	if (r.conn->ops->snapshot(r.conn, 0, &s) != 0)
		goto server_error;
	if (s.active && !r.o.join_token)
	{
		up_error("a maintenance window is already active (window %lld, \"%s\", entered by %s)",
				 (long long) s.window_id, s.reason, s.entered_by);
		fprintf(stderr, "HINT: wait for it to end, or join it with --join TOKEN (PostgreSQL)%s\n",
				s.runner_connected ? "" : "; \"upkeep status\" tells whether its runner is still there");
		goto fail;
	}
	if (r.conn->engine == ENGINE_MARIADB)
	{
		int			n = 0;

		if (conn_account_drop_leftovers(r.conn, &n) != 0)
			up_warning("cannot drop leftover upkeep_run_ accounts: %s", r.conn->err);
		else if (n > 0)
			up_warning("dropped %d account%s left by an earlier upkeep run that did not end",
					   n, n == 1 ? "" : "s");
	}

	if (r.o.join_token)
	{
		if (r.conn->ops->join(r.conn, r.o.join_token) != 0)
			goto server_error;
		snprintf(token, sizeof(token), "%s", r.o.join_token);
	}
	else
	{
		WindowSpec	w = {r.o.reason, r.o.expected_s, r.o.drain_timeout_s, r.o.on_timeout};

		if (r.conn->ops->enter(r.conn, &w, token, sizeof(token)) != 0)
		{
			up_error("cannot enter maintenance: %s", r.conn->err);
			goto fail;
		}
		entered = true;
	}
	if (r.conn->ops->mark_runner(r.conn) != 0 ||
		r.conn->ops->snapshot(r.conn, 0, &s) != 0)
		goto setup_error;
	r.window_id = s.window_id;
	r.snap = s;
	r.have_snap = true;
	r.view.snap = &r.snap;
	if (r.conn->engine == ENGINE_MARIADB && r.o.slow_ms >= 0 && r.conn->has_window_api &&
		r.conn->ops->set_slow_ms(r.conn, r.o.slow_ms) != 0)
		goto setup_error;
	if (r.o.as_account &&
		conn_account_create(r.conn, r.o.as_account, user, sizeof(user),
							r.account, sizeof(r.account), pass, sizeof(pass)) != 0)
	{
		r.account[0] = '\0';
		goto setup_error;
	}
	env = child_environment(&r, token, r.o.as_account ? user : NULL, pass);
	memset(pass, 0, sizeof(pass));
	snprintf(r.token, sizeof(r.token), "%s", token);
	memset(token, 0, sizeof(token));
	if (env == NULL)
	{
		snprintf(r.conn->err, sizeof(r.conn->err), "out of memory");
		goto setup_error;
	}
	if (child_interrupted())
	{
		child_env_free(env);
		up_error("interrupted before the command started");
		undo_setup(&r, entered);
		conn_close(r.conn);
		uk_runlog_free(r.rl);
		return 128 + child_interrupted();
	}

	r.live = live_new(true);
	r.started = run_now();
	if (child_start(&child, r.o.command, env, err, sizeof(err)) != 0)
	{
		child_env_free(env);
		up_error("%s", err);
		fprintf(stderr, "%s: the maintenance window %s\n", UP_PROG,
				entered ? "is exited again" : "is left as it was (joined)");
		undo_setup(&r, entered);
		live_free(r.live);
		conn_close(r.conn);
		uk_runlog_free(r.rl);
		return UP_EXIT_NOEXEC;
	}
	child_env_free(env);
	if (!live_is_tty(r.live))
		live_line(r.live, "window %lld entered; running %s", (long long) r.window_id, r.o.command[0]);
	live_update(r.live, &r.view);

	memset(&sink, 0, sizeof(sink));
	sink.output = on_output;
	sink.tick = on_tick;
	sink.signal = on_signal;
	sink.arg = &r;
	sink.tick_ms = 100;
	r.status = child_wait(&child, &sink);
	if (r.rl)
		uk_runlog_flush(r.rl, run_on_event, &r);

	run_end(&r);
	rc = r.status;
	live_free(r.live);
	conn_close(r.conn);
	uk_runlog_free(r.rl);
	return rc;

setup_error:
	up_error("%s", r.conn->err);
	undo_setup(&r, entered);
	goto fail;
server_error:
	up_error("%s", r.conn->err);
fail:
	conn_close(r.conn);
	uk_runlog_free(r.rl);
	return UP_EXIT_SERVER;
}
