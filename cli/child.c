/*
 * cli/child.c
 *		Starting the upgrade command and watching it (see child.h).
 *
 * Exec failure is learnt through a close-on-exec pipe: the child writes
 * exec's errno to it and exits 127; a successful exec closes it unread.
 * Signals reach the poll loop through a self-pipe.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "child.h"

extern char **environ;

static int	sig_pipe[2] = {-1, -1};
static volatile sig_atomic_t last_signal;

static void
on_signal(int sig)
{
	int			saved = errno;
	unsigned char b = (unsigned char) sig;

	last_signal = sig;
	if (sig_pipe[1] >= 0 && write(sig_pipe[1], &b, 1) < 0)
	{
		/* the pipe is full: the loop will see last_signal anyway */
	}
	errno = saved;
}

void
child_signals_install(void)
{
	struct sigaction sa;

	if (sig_pipe[0] < 0 && pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
		sig_pipe[0] = sig_pipe[1] = -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int
child_interrupted(void)
{
	return last_signal;
}

char **
child_env_build(char *const *set)
{
	size_t		n = 0,
				k = 0,
				i;
	char	  **env;

	while (environ[n])
		n++;
	for (i = 0; set && set[i]; i++)
		k++;
	env = calloc(n + k + 1, sizeof(char *));
	if (env == NULL)
		return NULL;
	n = 0;
	for (char **e = environ; *e; e++)
	{
		bool		replaced = false;

		for (i = 0; i < k; i++)
		{
			size_t		len = strcspn(set[i], "=");

			if (strncmp(*e, set[i], len) == 0 && (*e)[len] == '=')
				replaced = true;
		}
		if (!replaced)
			env[n++] = strdup(*e);
	}
	for (i = 0; i < k; i++)
		env[n++] = strdup(set[i]);
	env[n] = NULL;
	for (i = 0; i < n; i++)
		if (env[i] == NULL)
		{
			child_env_free(env);
			return NULL;
		}
	return env;
}

void
child_env_free(char **env)
{
	if (env == NULL)
		return;
	for (char **e = env; *e; e++)
		free(*e);
	free(env);
}

/* In the child, after fork: never returns. */
static void
exec_child(char *const argv[], char *const env[], int out[2], int errp[2], int report)
{
	sigset_t	none;
	int			e;

	setpgid(0, 0);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (isatty(STDIN_FILENO))
	{
		int			devnull = open("/dev/null", O_RDONLY);

		if (devnull >= 0)
		{
			dup2(devnull, STDIN_FILENO);
			if (devnull != STDIN_FILENO)
				close(devnull);
		}
	}
	if (dup2(out[1], STDOUT_FILENO) < 0 || dup2(errp[1], STDERR_FILENO) < 0)
		e = errno;
	else
	{
		/*
		 * Nothing else of ours reaches the command: not the pipes, and not
		 * the server connection (the MariaDB connector does not mark its
		 * socket close-on-exec; a child holding it would keep the runner's
		 * session, and its lock, alive after the runner is killed).
		 */
		if (report > 3)
			close_range(3, (unsigned) report - 1, 0);
		close_range((unsigned) report + 1, ~0U, 0);
		execvpe(argv[0], argv, env);
		e = errno;
	}
	if (write(report, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

int
child_start(Child *c, char *const argv[], char *const env[], char *err, size_t errlen)
{
	int			out[2],
				errp[2],
				rep[2];
	int			e = 0;
	ssize_t		n;

	c->pid = -1;
	c->fd[0] = c->fd[1] = -1;
	if (pipe2(out, O_CLOEXEC) != 0)
		goto syserr;
	if (pipe2(errp, O_CLOEXEC) != 0)
	{
		close(out[0]), close(out[1]);
		goto syserr;
	}
	if (pipe2(rep, O_CLOEXEC) != 0)
	{
		close(out[0]), close(out[1]), close(errp[0]), close(errp[1]);
		goto syserr;
	}
	fflush(stdout);
	fflush(stderr);
	c->pid = fork();
	if (c->pid == 0)
	{
		close(rep[0]);
		exec_child(argv, env, out, errp, rep[1]);
	}
	e = errno;
	close(out[1]);
	close(errp[1]);
	close(rep[1]);
	if (c->pid < 0)
	{
		close(out[0]), close(errp[0]), close(rep[0]);
		errno = e;
		goto syserr;
	}
	setpgid(c->pid, c->pid);	/* also here: no race with an early signal */
	do
		n = read(rep[0], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(rep[0]);
	if (n == (ssize_t) sizeof(e))
	{
		close(out[0]), close(errp[0]);
		while (waitpid(c->pid, NULL, 0) < 0 && errno == EINTR)
			;
		c->pid = -1;
		snprintf(err, errlen, "cannot run \"%s\": %s", argv[0], strerror(e));
		return -1;
	}
	c->fd[0] = out[0];
	c->fd[1] = errp[0];
	return 0;

syserr:
	snprintf(err, errlen, "cannot start \"%s\": %s", argv[0], strerror(errno));
	return -1;
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* Read the signals that arrived and pass each on to the child's group. */
static void
forward_signals(Child *c, const ChildSink *sink)
{
	unsigned char buf[16];
	ssize_t		n;

	while ((n = read(sig_pipe[0], buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < n; i++)
		{
			if (c->pid > 0 && kill(-c->pid, buf[i]) != 0)
				kill(c->pid, buf[i]);
			if (sink->signal)
				sink->signal(buf[i], sink->arg);
		}
}

int
child_wait(Child *c, const ChildSink *sink)
{
	int			status = 0;
	bool		exited = false;
	double		next_tick = now_ms() + sink->tick_ms;
	double		exited_at = 0;
	char		buf[65536];

	for (;;)
	{
		struct pollfd pfd[3];
		int			slot[2] = {-1, -1};
		int			nfd = 0,
					timeout;
		double		t;

		for (int s = 0; s < 2; s++)
			if (c->fd[s] >= 0)
			{
				slot[s] = nfd;
				pfd[nfd].fd = c->fd[s];
				pfd[nfd].events = POLLIN;
				pfd[nfd].revents = 0;
				nfd++;
			}
		if (exited && (nfd == 0 || now_ms() - exited_at > 1000))
			break;
		if (sig_pipe[0] >= 0)
		{
			pfd[nfd].fd = sig_pipe[0];
			pfd[nfd].events = POLLIN;
			pfd[nfd].revents = 0;
			nfd++;
		}
		t = now_ms();
		timeout = t >= next_tick ? 0 : (int) (next_tick - t) + 1;
		if (exited || nfd == 0)
			timeout = timeout > 100 ? 100 : timeout;
		if (poll(pfd, nfd, timeout) < 0 && errno != EINTR)
			break;
		if (sig_pipe[0] >= 0)
			forward_signals(c, sink);
		for (int s = 0; s < 2; s++)
		{
			ssize_t		n;

			if (c->fd[s] < 0 || slot[s] < 0 || pfd[slot[s]].revents == 0)
				continue;
			n = read(c->fd[s], buf, sizeof(buf));
			if (n > 0)
			{
				sink->output(s, buf, (size_t) n, sink->arg);
				if (exited)
					exited_at = now_ms();
			}
			else if (n == 0 || (errno != EINTR && errno != EAGAIN))
			{
				close(c->fd[s]);
				c->fd[s] = -1;
			}
		}
		if (!exited && waitpid(c->pid, &status, WNOHANG) == c->pid)
		{
			exited = true;
			exited_at = now_ms();
		}
		if (now_ms() >= next_tick)
		{
			if (sink->tick)
				sink->tick(sink->arg);
			next_tick = now_ms() + sink->tick_ms;
		}
	}
	for (int s = 0; s < 2; s++)
		if (c->fd[s] >= 0)
		{
			close(c->fd[s]);
			c->fd[s] = -1;
		}
	c->pid = -1;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}
