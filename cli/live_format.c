/*
 * cli/live_format.c
 *		The text of the status block (live.h): window and elapsed time
 *		against the expected end, the current patch (n of m) and its time,
 *		the statement running now, a lock wait with the blocking pid and
 *		what it runs, slow statements and refused writes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "live.h"

#define BOLD "\033[1m"
#define DIM "\033[2m"
#define RED "\033[31m"
#define YELLOW "\033[33m"
#define RESET "\033[0m"

void
live_duration(double s, char *buf, size_t len)
{
	long		t = (long) s;

	if (s < 0)
		snprintf(buf, len, "?");
	else if (s < 60)
		snprintf(buf, len, "%.1fs", s);
	else if (t < 3600)
		snprintf(buf, len, "%ldm%02lds", t / 60, t % 60);
	else
		snprintf(buf, len, "%ldh%02ldm", t / 3600, (t % 3600) / 60);
}

static double
now_unix(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Append to line, keeping at most width display columns (escape sequences
 * take none; a UTF-8 character takes one).  Returns the columns used.
 */
static int
put(char *line, int width, int used, const char *fmt,...)
{
	char		tmp[LIVE_COLS];
	size_t		len = strlen(line);
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	for (const char *p = tmp; *p && len < LIVE_COLS - 8; p++)
	{
		if (*p == '\033')
		{
			const char *e = p + 1;

			while (*e && !(*e >= '@' && *e <= '~' && e > p + 1))
				e++;
			if (*e == '\0' || len + (size_t) (e - p + 1) >= LIVE_COLS - 8)
				break;
			memcpy(line + len, p, (size_t) (e - p + 1));
			len += (size_t) (e - p + 1);
			p = e;
			continue;
		}
		if ((*p & 0xC0) != 0x80)
		{
			if (used >= width)
				break;
			used++;
		}
		else if (used > width)
			break;
		line[len++] = *p == '\t' || *p == '\n' || *p == '\r' ? ' ' : *p;
	}
	/* never leave a cut UTF-8 sequence behind */
	while (len > 0 && (line[len - 1] & 0xC0) == 0x80)
	{
		size_t		k = len - 1;

		while (k > 0 && (line[k] & 0xC0) == 0x80)
			k--;
		if ((unsigned char) line[k] >= 0xC0 &&
			len - k == (size_t) ((unsigned char) line[k] >= 0xF0 ? 4 : (unsigned char) line[k] >= 0xE0 ? 3 : 2))
			break;
		len = k;
	}
	line[len] = '\0';
	return used;
}

int
live_format(const LiveView *v, bool color, int width, char lines[LIVE_LINES][LIVE_COLS])
{
	const Snapshot *s = v->snap;
	double		now = s && s->now > 0 ? s->now : now_unix();
	char		d1[32],
				d2[32];
	int			n = 0,
				used;
	const char *b = color ? BOLD : "",
			   *dim = color ? DIM : "",
			   *red = color ? RED : "",
			   *yel = color ? YELLOW : "",
			   *rst = color ? RESET : "";

	if (width < 20)
		width = 20;
	for (int i = 0; i < LIVE_LINES; i++)
		lines[i][0] = '\0';

	/* 1: the window */
	used = put(lines[n], width, 0, "%s%s%s ", b, v->title, rst);
	if (s == NULL)
		used = put(lines[n], width, used, "connecting...");
	else if (!s->active)
		used = put(lines[n], width, used, "no maintenance window is active");
	else
	{
		live_duration(s->started_at > 0 ? now - s->started_at : -1, d1, sizeof(d1));
		used = put(lines[n], width, used, "window %lld", (long long) s->window_id);
		if (strcmp(s->phase, "active") != 0)
			used = put(lines[n], width, used, " (%s)", s->phase);
		used = put(lines[n], width, used, " | %s", d1);
		if (s->expected_end > 0)
		{
			live_duration(s->expected_end - s->started_at, d2, sizeof(d2));
			used = put(lines[n], width, used, " of %s%s%s", now > s->expected_end ? red : "",
					   d2, now > s->expected_end ? " (overdue)" : "");
			used = put(lines[n], width, used, "%s", rst);
		}
		used = put(lines[n], width, used, " | %s\"%s\"%s", dim, s->reason, rst);
	}
	n++;
	if (s != NULL && !s->active)
		return n;

	/* 2: the patch */
	if (v->patch[0] || (s && s->window_patch[0]))
	{
		const char *name = v->patch[0] ? v->patch : s->window_patch;

		live_duration(v->patch[0] && v->patch_started > 0 ? now - v->patch_started : -1, d1, sizeof(d1));
		used = put(lines[n], width, 0, "%spatch%s ", b, rst);
		if (v->total > 0)
			used = put(lines[n], width, used, "%d/%d ", v->index, v->total);
		used = put(lines[n], width, used, "%s%s%s", b, name, rst);
		if (v->step[0])
			used = put(lines[n], width, used, " > %s", v->step);
		if (v->patch[0])
			used = put(lines[n], width, used, " | %s", d1);
		if (v->patches_done > 0 || v->patches_failed > 0)
			used = put(lines[n], width, used, " | %d done%s", v->patches_done,
					   v->patches_failed ? "," : "");
		if (v->patches_failed > 0)
			used = put(lines[n], width, used, " %s%d failed%s", red, v->patches_failed, rst);
	}
	else
		used = put(lines[n], width, 0, "%spatch%s none open%s", b, rst,
				   v->patches_done ? "" : " yet");
	n++;

	/* 3-4: the longest running statement, and a lock wait if any */
	if (s && s->nstmts > 0)
	{
		const SnapStmt *st = &s->stmts[0];

		for (int i = 1; i < s->nstmts; i++)
			if (s->stmts[i].blocked_by && !st->blocked_by)
				st = &s->stmts[i];
		live_duration(st->seconds, d1, sizeof(d1));
		used = put(lines[n], width, 0, "%sstatement%s %s | pid %d: %s", b, rst, d1, st->pid, st->query);
		n++;
		if (st->blocked_by)
		{
			used = put(lines[n], width, 0, "%swaiting for a lock%s held by pid %d", yel, rst, st->blocked_by);
			if (st->blocker_xact_s >= 0)
			{
				live_duration(st->blocker_xact_s, d2, sizeof(d2));
				used = put(lines[n], width, used, " (transaction open %s)", d2);
			}
			used = put(lines[n], width, used, ": %s", st->blocker_query[0] ? st->blocker_query : "(idle)");
			n++;
		}
	}
	else if (s)
	{
		used = put(lines[n], width, 0, "%sstatement%s none running", b, rst);
		n++;
	}

	/* last: counters */
	if (s)
	{
		used = put(lines[n], width, 0, "slow statements %s%lld%s | refused writes %lld",
				   s->slow_statements ? yel : "", (long long) s->slow_statements, rst,
				   (long long) s->refused_writes);
		if (s->unattributed >= 0)
			used = put(lines[n], width, used, " | unattributed statements %lld",
					   (long long) s->unattributed);
		if (!v->attribution)
			used = put(lines[n], width, used, " | %sno attribution (server too old)%s", yel, rst);
		if (v->interrupted)
			used = put(lines[n], width, used, " | %sinterrupted: waiting for the command%s", red, rst);
		n++;
	}
	(void) used;
	return n;
}
