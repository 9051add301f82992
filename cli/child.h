/*
 * cli/child.h
 *		The upgrade command as a child process: started in a process group of
 *		its own with its stdout and stderr on pipes, watched by a poll loop
 *		that hands every byte to a sink, forwards SIGINT/SIGTERM/SIGHUP to the
 *		group, and returns its exit status.
 *
 * Signals: child_signals_install() catches SIGINT, SIGTERM and SIGHUP for the
 * whole run (call it before connecting, so that an interrupt during the
 * setup is seen by child_interrupted()) and ignores SIGPIPE (the window
 * must still be ended when our output is gone); the child gets the default
 * dispositions back.
 */
#ifndef UP_CHILD_H
#define UP_CHILD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct ChildSink
{
	/* bytes the child wrote: stream 0 = stdout, 1 = stderr */
	void		(*output) (int stream, const char *buf, size_t len, void *arg);
	/* about every tick_ms while the child runs */
	void		(*tick) (void *arg);
	/* a signal the runner received and passed on to the child */
	void		(*signal) (int sig, void *arg);
	void	   *arg;
	int			tick_ms;
} ChildSink;

typedef struct Child
{
	pid_t		pid;
	int			fd[2];			/* stdout, stderr pipes; -1 once at EOF */
} Child;

extern void child_signals_install(void);

/* The last SIGINT/SIGTERM/SIGHUP received so far, 0 if none. */
extern int	child_interrupted(void);

/*
 * A new environment: the current one with each "NAME=VALUE" of set
 * (NULL-terminated) replacing or adding NAME.  Free with child_env_free().
 */
extern char **child_env_build(char *const *set);
extern void child_env_free(char **env);

/*
 * Start argv (argv[0] looked up in PATH) with environment env.  Its stdin
 * is ours, or /dev/null when ours is a terminal (an upgrade must not stop
 * for an answer with the database in maintenance, and a background process
 * group cannot read the terminal anyway).  Returns 0, or -1 with the
 * reason in err when the command could not be started (not found, not
 * executable...); nothing is left running then.
 */
extern int	child_start(Child *c, char *const argv[], char *const env[],
						char *err, size_t errlen);

/*
 * Pass the child's output to sink until it has exited and its pipes are
 * closed (or stay silent for a second after it exited: a grandchild may
 * hold them).  Returns the exit status as a shell reports it: the exit
 * code, or 128 + the signal that killed it.
 */
extern int	child_wait(Child *c, const ChildSink *sink);

#endif							/* UP_CHILD_H */
