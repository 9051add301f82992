/*
 * cli/commands.h
 *		The subcommands of the upkeep command, called by main.c with the
 *		arguments after the subcommand's name (argv[0] is the subcommand).
 *
 * Each returns the process's exit status: 0 success, 1 a server error,
 * 2 bad options; `run` returns its child's status (127 when the command
 * could not be started).
 */
#ifndef UP_COMMANDS_H
#define UP_COMMANDS_H

extern int	upkeep_cmd_run(int argc, char **argv);
extern int	upkeep_cmd_status(int argc, char **argv);
extern int	upkeep_cmd_report(int argc, char **argv);	/* cli/cmd_report.c */

#define UP_EXIT_SERVER 1		/* a server error before the child started */
#define UP_EXIT_USAGE 2			/* bad options */
#define UP_EXIT_NOEXEC 127		/* the command could not be started */

#endif							/* UP_COMMANDS_H */
