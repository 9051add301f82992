/*
 * cli/live.c
 *		The terminal side of the live view (live.h): passing the child's
 *		bytes through, erasing and redrawing the status block, and our own
 *		message lines.
 *
 * The block is drawn as its lines separated by newlines, the last one
 * without, so the cursor rests at the end of the block's last line;
 * erasing is CR, cursor up (lines - 1), erase to the end of the screen.
 * Lines are cut to the terminal's width so that none wraps.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "live.h"

#define PENDING_MAX 64

struct Live
{
	bool		tty;			/* draw a block on stdout */
	bool		color;
	bool		err_on_tty;		/* stderr goes to the same terminal */
	bool		line_start;		/* the terminal's (or stdout's) cursor is at a line start */
	int			shown;			/* lines of the block on screen, 0 hidden */
	bool		have_view;
	LiveView	view;
	Snapshot	snap;
	char	   *pending[PENDING_MAX];
	int			npending;
};

static void
write_all(int fd, const char *buf, size_t len)
{
	while (len > 0)
	{
		ssize_t		n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
		{
			usleep(1000);
			continue;
		}
		if (n <= 0)
			return;				/* the reader is gone: the run goes on */
		buf += n;
		len -= (size_t) n;
	}
}

Live *
live_new(bool tty)
{
	Live	   *l = calloc(1, sizeof(Live));
	const char *nc = getenv("NO_COLOR");

	if (l == NULL)
		return NULL;
	l->tty = tty && isatty(STDOUT_FILENO);
	l->color = l->tty && (nc == NULL || *nc == '\0');
	l->err_on_tty = l->tty && isatty(STDERR_FILENO);
	l->line_start = true;
	return l;
}

bool
live_is_tty(const Live *l)
{
	return l->tty;
}

static void
erase_block(Live *l)
{
	char		buf[32];

	if (!l->tty || l->shown == 0)
		return;
	if (l->shown > 1)
		snprintf(buf, sizeof(buf), "\r\033[%dA\033[J", l->shown - 1);
	else
		snprintf(buf, sizeof(buf), "\r\033[J");
	write_all(STDOUT_FILENO, buf, strlen(buf));
	l->shown = 0;
}

static int
term_width(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

/* Write our waiting lines, if the cursor is at a line start. */
static void
flush_pending(Live *l)
{
	if (!l->line_start || l->npending == 0)
		return;
	erase_block(l);
	for (int i = 0; i < l->npending; i++)
	{
		write_all(STDOUT_FILENO, l->pending[i], strlen(l->pending[i]));
		free(l->pending[i]);
	}
	l->npending = 0;
}

static void
draw_block(Live *l)
{
	char		lines[LIVE_LINES][LIVE_COLS];
	char		out[LIVE_LINES * (LIVE_COLS + 8)];
	size_t		len = 0;
	int			n;

	if (!l->tty || !l->have_view || !l->line_start)
		return;
	erase_block(l);
	n = live_format(&l->view, l->color, term_width() - 1, lines);
	for (int i = 0; i < n; i++)
	{
		size_t		k = strlen(lines[i]);

		memcpy(out + len, lines[i], k);
		len += k;
		if (l->color)
		{
			memcpy(out + len, "\033[0m", 4);
			len += 4;
		}
		if (i < n - 1)
			out[len++] = '\n';
	}
	write_all(STDOUT_FILENO, out, len);
	l->shown = n;
}

void
live_output(Live *l, int stream, const char *buf, size_t len)
{
	int			fd = stream == 0 ? STDOUT_FILENO : STDERR_FILENO;
	bool		to_term = stream == 0 || l->err_on_tty;

	if (len == 0)
		return;
	if (to_term)
		erase_block(l);
	write_all(fd, buf, len);
	if (stream == 0 || (l->tty && l->err_on_tty))
		l->line_start = buf[len - 1] == '\n';
	flush_pending(l);
}

void
live_update(Live *l, const LiveView *v)
{
	l->view = *v;
	if (v->snap)
	{
		l->snap = *v->snap;
		l->view.snap = &l->snap;
	}
	l->have_view = true;
	draw_block(l);
}

void
live_tick(Live *l)
{
	if (l->tty && l->shown == 0)
		draw_block(l);
}

void
live_line(Live *l, const char *fmt,...)
{
	char		msg[2048];
	char		stamp[32];
	time_t		t = time(NULL);
	struct tm	tm;
	va_list		ap;
	int			k;

	localtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%H:%M:%S", &tm);
	k = snprintf(msg, sizeof(msg), "%s[%s] upkeep:%s ", l->color ? "\033[2m" : "", stamp,
				 l->color ? "\033[0m" : "");
	va_start(ap, fmt);
	vsnprintf(msg + k, sizeof(msg) - (size_t) k - 1, fmt, ap);
	va_end(ap);
	strcat(msg, "\n");
	if (l->npending < PENDING_MAX && (l->pending[l->npending] = strdup(msg)) != NULL)
		l->npending++;
	flush_pending(l);
	if (l->tty && l->shown == 0)
		draw_block(l);
}

void
live_finish(Live *l)
{
	erase_block(l);
	if (!l->line_start)
	{
		write_all(STDOUT_FILENO, "\n", 1);
		l->line_start = true;
	}
	flush_pending(l);
	l->have_view = false;
}

void
live_free(Live *l)
{
	if (l == NULL)
		return;
	for (int i = 0; i < l->npending; i++)
		free(l->pending[i]);
	free(l);
}
