/*
 * cli/cmd_report.c
 *		`upkeep report`: the report of a past (or running) maintenance window
 *		from what the server kept, as one self-contained HTML page and/or
 *		JSON.  `upkeep run --report` calls it too, passing what only the
 *		runner knows (the command, its exit status, the result).
 *
 * Connects by itself (libpq or the MariaDB connector, chosen by --db as
 * everywhere), reads through report_fetch_*.c, renders with libcommon's
 * uk_report.h.  Each file is written next to its target and renamed into
 * place, so a failed run never leaves half a report.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <mysql.h>

#include "commands.h"
#include "report_fetch.h"
#include "uk_dburi.h"
#include "uk_report.h"

typedef struct ReportOptions
{
	const char *db;
	long long	window_id;		/* 0: the newest */
	const char *html;
	const char *json;
	const char *command;
	int			exit_status;
	const char *result;
} ReportOptions;

static void
usage(void)
{
	printf("upkeep report writes the report of a maintenance window: a summary, a\n"
		   "timeline of every patch run, the slowest patches, failures, slow\n"
		   "statements with their plans, deadlocks.\n\n"
		   "Usage:\n"
		   "  upkeep report [--db CONN] [--window ID | --last] -o FILE.html [--json FILE]\n\n"
		   "Options:\n"
		   "      --db=CONN            PostgreSQL conninfo or URI (default: the PG*\n"
		   "                           variables), or mariadb://user:pass@host:port/db\n"
		   "                           (?socket=/path)\n"
		   "      --window=ID          the window with this id (upkeep.maintenance_log)\n"
		   "      --last               the newest window (the default)\n"
		   "  -o, --output=FILE.html   write the HTML report (one file, opens offline)\n"
		   "      --json=FILE          write the same data as JSON\n"
		   "      --command=TEXT       the upgrade command, for the summary\n"
		   "      --exit-status=N      its exit status, for the summary\n"
		   "      --result=WORD        the result to show (default: from the runs)\n"
		   "  -h, --help               show this help, then exit\n\n"
		   "A FILE of \"-\" is standard output.  Exit status: 0 written, 1 a server\n"
		   "or file error, 2 bad options.\n");
}

/* Parse the options; UP_EXIT_USAGE after a message on a bad one, -1 for --help. */
static int
parse_options(int argc, char **argv, ReportOptions *o)
{
	static const struct option longopts[] = {
		{"db", required_argument, NULL, 'd'},
		{"window", required_argument, NULL, 'w'},
		{"last", no_argument, NULL, 'l'},
		{"output", required_argument, NULL, 'o'},
		{"json", required_argument, NULL, 'j'},
		{"command", required_argument, NULL, 'c'},
		{"exit-status", required_argument, NULL, 'x'},
		{"result", required_argument, NULL, 'r'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}
	};
	bool		last = false;
	int			c;
	char	   *end;

	memset(o, 0, sizeof(*o));
	o->exit_status = -1;
	optind = 0;					/* GNU: start over (run may have parsed before) */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1)
	{
		switch (c)
		{
			case 'd':
				o->db = optarg;
				break;
			case 'w':
				errno = 0;
				o->window_id = strtoll(optarg, &end, 10);
				if (errno != 0 || end == optarg || *end != '\0' || o->window_id <= 0)
				{
					fprintf(stderr, "upkeep: --window needs a window id (a positive number), not \"%s\"\n",
							optarg);
					return UP_EXIT_USAGE;
				}
				break;
			case 'l':
				last = true;
				break;
			case 'o':
				o->html = optarg;
				break;
			case 'j':
				o->json = optarg;
				break;
			case 'c':
				o->command = optarg;
				break;
			case 'x':
				errno = 0;
				o->exit_status = (int) strtol(optarg, &end, 10);
				if (errno != 0 || end == optarg || *end != '\0' || o->exit_status < 0 ||
					o->exit_status > 255)
				{
					fprintf(stderr, "upkeep: --exit-status needs a number from 0 to 255\n");
					return UP_EXIT_USAGE;
				}
				break;
			case 'r':
				o->result = optarg;
				break;
			case 'h':
				usage();
				return -1;
			case ':':
				fprintf(stderr, "upkeep: option %s needs a value\n", argv[optind - 1]);
				return UP_EXIT_USAGE;
			default:
				fprintf(stderr, "upkeep: unknown option %s\n", argv[optind - 1]);
				fprintf(stderr, "Try \"upkeep report --help\" for more information.\n");
				return UP_EXIT_USAGE;
		}
	}
	if (optind < argc)
	{
		fprintf(stderr, "upkeep: unexpected argument \"%s\"\n", argv[optind]);
		return UP_EXIT_USAGE;
	}
	if (last && o->window_id > 0)
	{
		fprintf(stderr, "upkeep: --window and --last cannot go together\n");
		return UP_EXIT_USAGE;
	}
	if (o->html == NULL && o->json == NULL)
	{
		fprintf(stderr, "upkeep: report needs -o FILE.html (or --json FILE)\n");
		fprintf(stderr, "Try \"upkeep report --help\" for more information.\n");
		return UP_EXIT_USAGE;
	}
	return 0;
}

/* Read the window from PostgreSQL; 0 or -1 with err set. */
static int
fetch_pg(const ReportOptions *o, UkReportWindow *w, char *err, size_t errlen)
{
	const char *const keys[] = {"dbname", "application_name", NULL};
	const char *const vals[] = {o->db != NULL ? o->db : "", "upkeep report", NULL};
	PGconn	   *conn = PQconnectdbParams(keys, vals, 1);
	int			rc;

	if (conn == NULL || PQstatus(conn) != CONNECTION_OK)
	{
		size_t		n;

		snprintf(err, errlen, "could not connect to the server: %s",
				 conn ? PQerrorMessage(conn) : "out of memory");
		n = strlen(err);
		while (n > 0 && (err[n - 1] == '\n' || err[n - 1] == ' '))
			err[--n] = '\0';
		PQfinish(conn);
		return -1;
	}
	rc = report_fetch_pg(conn, o->window_id, w, err, errlen);
	PQfinish(conn);
	return rc;
}

/* Read the window from MariaDB; 0 or -1 with err set. */
static int
fetch_mariadb(const UkDbUri *u, const ReportOptions *o, UkReportWindow *w,
			  char *err, size_t errlen)
{
	MYSQL	   *m = mysql_init(NULL);
	int			rc;

	if (m == NULL)
	{
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	mysql_options(m, MYSQL_READ_DEFAULT_GROUP, "client");
	mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	if (mysql_real_connect(m, u->host, u->user, u->password, u->database, u->port,
						   u->socket, 0) == NULL)
	{
		snprintf(err, errlen, "could not connect to the server: %s", mysql_error(m));
		mysql_close(m);
		return -1;
	}
	rc = report_fetch_mariadb(m, o->window_id, w, err, errlen);
	mysql_close(m);
	return rc;
}

/* Write one rendering of w to path ("-": stdout), atomically; 0 or -1. */
static int
write_file(const char *path, const UkReportWindow *w, bool json)
{
	char		tmp[4096];
	FILE	   *f;
	UkError    *uerr = NULL;
	int			rc;

	if (strcmp(path, "-") == 0)
	{
		rc = json ? uk_report_write_json(stdout, w, &uerr) : uk_report_write_html(stdout, w, &uerr);
		if (rc != UK_OK)
		{
			fprintf(stderr, "upkeep: %s: %s\n", uerr->message, strerror(uerr->sys_errno));
			uk_error_free(uerr);
			return -1;
		}
		return 0;
	}
	if ((size_t) snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path, (long) getpid()) >= sizeof(tmp))
	{
		fprintf(stderr, "upkeep: file name too long: %s\n", path);
		return -1;
	}
	f = fopen(tmp, "w");
	if (f == NULL)
	{
		fprintf(stderr, "upkeep: could not create \"%s\": %s\n", path, strerror(errno));
		return -1;
	}
	rc = json ? uk_report_write_json(f, w, &uerr) : uk_report_write_html(f, w, &uerr);
	if (fclose(f) != 0 && rc == UK_OK)
		rc = uk_error_set(&uerr, UK_ERR_IO, errno, "could not write the report");
	if (rc == UK_OK && rename(tmp, path) != 0)
		rc = uk_error_set(&uerr, UK_ERR_IO, errno, "could not rename the report into place");
	if (rc != UK_OK)
	{
		fprintf(stderr, "upkeep: \"%s\": %s: %s\n", path, uerr->message,
				strerror(uerr->sys_errno));
		uk_error_free(uerr);
		unlink(tmp);
		return -1;
	}
	return 0;
}

int
upkeep_cmd_report(int argc, char **argv)
{
	ReportOptions o;
	UkReportWindow w;
	UkDbUri		uri;
	UkError    *uerr = NULL;
	char		err[2048];
	int			rc;

	rc = parse_options(argc, argv, &o);
	if (rc != 0)
		return rc < 0 ? 0 : rc;
	if (uk_dburi_parse(o.db, &uri, &uerr) != UK_OK)
	{
		fprintf(stderr, "upkeep: %s\n", uerr->message);
		uk_error_free(uerr);
		return UP_EXIT_USAGE;
	}
	memset(&w, 0, sizeof(w));
	rc = uri.engine == UK_DB_MARIADB ? fetch_mariadb(&uri, &o, &w, err, sizeof(err)) :
		fetch_pg(&o, &w, err, sizeof(err));
	uk_dburi_clear(&uri);
	if (rc != 0)
	{
		fprintf(stderr, "upkeep: %s\n", err);
		uk_report_window_free(&w);
		return UP_EXIT_SERVER;
	}
	if (o.command != NULL)
		w.command = strdup(o.command);
	w.exit_status = o.exit_status;
	if (o.result != NULL)
		w.result = strdup(o.result);
	rc = 0;
	if (o.html != NULL && write_file(o.html, &w, false) != 0)
		rc = UP_EXIT_SERVER;
	if (o.json != NULL && write_file(o.json, &w, true) != 0)
		rc = UP_EXIT_SERVER;
	uk_report_window_free(&w);
	return rc;
}
