/*
 * cli/main.c
 *		The upkeep command: dispatch to a subcommand (run, status, report),
 *		--help and --version.  Each subcommand parses its own options.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "options.h"

#define UP_VERSION "1.4"

static void
usage(FILE *f)
{
	fprintf(f,
			"upkeep runs a database upgrade inside a maintenance window of upkeep\n"
			"(PostgreSQL extension or MariaDB plugin), attributes its statements\n"
			"to the patches it prints, and shows it live.\n"
			"\n"
			"Usage:\n"
			"  upkeep run [OPTION]... --reason TEXT -- COMMAND [ARG]...\n"
			"  upkeep status [--db DB] [--watch]\n"
			"  upkeep report [--db DB] [--window ID | --last] -o FILE.html [--json FILE]\n"
			"  upkeep --help | --version\n"
			"\n"
			"\"upkeep COMMAND --help\" describes the options of each command;\n"
			"\"man upkeep\" says everything.\n"
			"\n"
			"Exit status: run: the command's (127 when it cannot be started);\n"
			"1 a server error; 2 bad options.\n");
}

int
main(int argc, char **argv)
{
	const char *cmd;

	if (argc < 2)
	{
		usage(stderr);
		return UP_EXIT_USAGE;
	}
	cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0)
	{
		usage(stdout);
		return 0;
	}
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0)
	{
		printf("upkeep %s\n", UP_VERSION);
		return 0;
	}
	if (strcmp(cmd, "run") == 0)
		return upkeep_cmd_run(argc - 1, argv + 1);
	if (strcmp(cmd, "status") == 0)
		return upkeep_cmd_status(argc - 1, argv + 1);
	if (strcmp(cmd, "report") == 0)
		return upkeep_cmd_report(argc - 1, argv + 1);
	fprintf(stderr, "%s: unknown command \"%s\"\n"
			"Try \"%s --help\" for more information.\n", UP_PROG, cmd, UP_PROG);
	return UP_EXIT_USAGE;
}
