/*
 * uk_report_svg.c
 *		The timeline of the HTML report: an inline SVG with a labelled time
 *		axis (UTC), a strip of markers (slow statements, lock waits,
 *		deadlocks) and one <rect class="run ..."> per patch run, coloured by
 *		status through the page's CSS.
 *
 * Two layouts.  Up to ROWS_MAX runs of their own, one labelled row each
 * (a Gantt chart): a run's steps (runs with its run_id as parent) are drawn
 * as thin bars under its bar, and its slow statements as ticks in its row.
 * Past that, runs are packed into at most LANES_MAX lanes without labels
 * (an upgrade runs its patches one after the other, so mostly one lane);
 * a bar is never drawn narrower than a pixel and its tooltip is shortened,
 * which keeps 5,000 runs around a megabyte.  Each bar has a <title>, the
 * tooltip a browser shows; the tables under the chart carry the details.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "uk_report_int.h"

#define SVG_W		1140.0
#define PLOT_RIGHT	(SVG_W - 70.0)	/* room for a duration after a bar */
#define AXIS_Y		24.0		/* the axis line; labels above it */
#define STRIP_Y		30.0		/* marker rows: slow, lock, deadlock */
#define STRIP_H		16.0
#define RUNS_Y		(STRIP_Y + 3 * STRIP_H + 10.0)
#define ROW_H		20.0
#define LANE_H		14.0
#define ROWS_MAX	80
#define LANES_MAX	24
#define LABEL_CHARS 50

typedef struct Chart
{
	FILE	   *f;
	const UkReportWindow *w;
	double		t0;
	double		t1;
	double		x0;				/* left edge of the plot */
	double		x1;
	bool		gantt;
	int			rows;			/* rows or lanes used */
	int		   *row;			/* per run: its row or lane, -1 none */
	bool	   *has_steps;		/* per run */
	double		height;
} Chart;

static double
xof(const Chart *c, double t)
{
	double		x = c->x0 + (t - c->t0) / (c->t1 - c->t0) * (c->x1 - c->x0);

	if (!(x >= c->x0))
		return c->x0;
	return x > c->x1 ? c->x1 : x;
}

typedef struct IdIdx
{
	int64_t		id;
	size_t		idx;
} IdIdx;

static int
cmp_id(const void *a, const void *b)
{
	const IdIdx *x = a;
	const IdIdx *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* Index of the run with run_id id, or -1 (ids sorted by cmp_id). */
static long
find_run(const IdIdx *ids, size_t n, int64_t id)
{
	IdIdx		key = {id, 0};
	const IdIdx *hit;

	if (ids == NULL || id == 0)
		return -1;
	hit = bsearch(&key, ids, n, sizeof(IdIdx), cmp_id);
	return hit != NULL ? (long) hit->idx : -1;
}

typedef struct StartIdx
{
	double		start;
	size_t		idx;
} StartIdx;

static int
cmp_start(const void *a, const void *b)
{
	const StartIdx *x = a;
	const StartIdx *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/*
 * Give every run a row (Gantt) or lane: runs of their own in order of
 * start, steps in their parent's.  False when out of memory.
 */
static bool
place_runs(Chart *c, long *parent)
{
	const UkReportWindow *w = c->w;
	StartIdx   *order = malloc((w->nruns ? w->nruns : 1) * sizeof(StartIdx));
	double		lane_end[LANES_MAX];
	size_t		ntop = 0;
	size_t		i;

	if (order == NULL)
		return false;
	for (i = 0; i < w->nruns; i++)
		if (parent[i] < 0)
		{
			order[ntop].start = w->runs[i].started_at;
			order[ntop].idx = i;
			ntop++;
		}
	qsort(order, ntop, sizeof(StartIdx), cmp_start);
	for (i = 0; i < ntop; i++)
	{
		const UkReportRun *r = &w->runs[order[i].idx];
		int			lane = 0;

		if (c->gantt)
		{
			c->row[order[i].idx] = c->rows++;
			continue;
		}
		/* the first lane free at this start, else a new one, else the first */
		while (lane < c->rows && lane_end[lane] > xof(c, r->started_at) - 0.5)
			lane++;
		if (lane == c->rows && c->rows < LANES_MAX)
			c->rows++;
		else if (lane == c->rows)
			lane = 0;
		lane_end[lane] = xof(c, uk_report_run_end(r, c->t1));
		if (lane_end[lane] < xof(c, r->started_at) + 1.0)
			lane_end[lane] = xof(c, r->started_at) + 1.0;
		c->row[order[i].idx] = lane;
	}
	for (i = 0; i < w->nruns; i++)
		if (parent[i] >= 0)
		{
			c->row[i] = c->row[parent[i]];
			c->has_steps[parent[i]] = true;
		}
	free(order);
	return true;
}

static double
row_y(const Chart *c, int row)
{
	return RUNS_Y + row * (c->gantt ? ROW_H : LANE_H);
}

/* The axis: a tick every "nice" step, labels HH:MM:SS, grid lines. */
static void
write_axis(const Chart *c)
{
	static const double steps[] = {0.01, 0.02, 0.05, 0.1, 0.2, 0.5,
		1, 2, 5, 10, 15, 30, 60, 120, 300, 600,
		900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800};
	double		span = c->t1 - c->t0;
	double		step = steps[sizeof(steps) / sizeof(steps[0]) - 1];
	double		t;
	int64_t		k;
	size_t		i;
	int			n = 0;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (span / steps[i] <= 9)
		{
			step = steps[i];
			break;
		}
	fprintf(c->f, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
			c->x0, AXIS_Y, c->x1, AXIS_Y);
	/* multiples of step (steps divide a day, so ticks fall on round times) */
	k = (int64_t) (c->t0 / step);
	if ((double) k * step < c->t0 - 1e-9)
		k++;
	for (; (t = (double) k * step) <= c->t1 + 1e-9 && n < 40; k++, n++)
	{
		char		clock[48];
		double		x = xof(c, t);
		double		tr = t + 0.0005;	/* to the millisecond, for the label */
		int			ms = (int) ((tr - (double) (int64_t) tr) * 1000.0);

		uk_report_fmt_clock(tr, clock, sizeof(clock));
		if (step < 1)
			snprintf(clock + strlen(clock), sizeof(clock) - strlen(clock),
					 step < 0.1 ? ".%03d" : ".%d", step < 0.1 ? ms : ms / 100);
		fprintf(c->f, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
				"<text class=\"tick\" x=\"%.1f\" y=\"%.1f\">%s</text>\n",
				x, AXIS_Y - 3, x, c->height - 4, x, AXIS_Y - 8, clock);
	}
	fprintf(c->f, "<text class=\"lbl mk-lbl\" x=\"%.1f\" y=\"%.1f\">time (UTC)</text>\n",
			c->x0 - 52, AXIS_Y - 8);
}

/* The labels of the marker rows and of the runs (Gantt) on the left. */
static void
write_labels(const Chart *c, const long *parent)
{
	static const char *const strip[] = {"slow statements", "lock waits", "deadlocks"};
	size_t		i;

	for (i = 0; i < 3; i++)
		fprintf(c->f, "<text class=\"lbl mk-lbl\" x=\"%.1f\" y=\"%.1f\">%s</text>\n",
				c->x0 - 8, STRIP_Y + i * STRIP_H + 12, strip[i]);
	fprintf(c->f, "<line class=\"sep\" x1=\"0\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
			RUNS_Y - 5, SVG_W, RUNS_Y - 5);
	if (!c->gantt)
	{
		fprintf(c->f, "<text class=\"lbl\" x=\"%.1f\" y=\"%.1f\">%zu runs</text>\n",
				c->x0 - 8, RUNS_Y + 11, c->w->nruns);
		return;
	}
	/* steps share their parent's row and have no label of their own */
	for (i = 0; i < c->w->nruns; i++)
	{
		const UkReportRun *r = &c->w->runs[i];
		bool		phase = r->app != NULL && strcmp(r->app, "frappe:phase") == 0;

		if (parent[i] >= 0 || c->row[i] < 0)
			continue;
		fprintf(c->f, "<text class=\"lbl%s\" x=\"%.1f\" y=\"%.1f\">",
				phase ? " phase" : "", c->x0 - 8, row_y(c, c->row[i]) + 14);
		uk_report_put_tail(c->f, uk_report_or(r->name, "(no name)"), LABEL_CHARS);
		fputs("</text>\n", c->f);
	}
}

/* One bar per run, steps as thin bars under their parent's. */
static void
write_bars(const Chart *c, const long *parent)
{
	size_t		i;

	for (i = 0; i < c->w->nruns; i++)
	{
		const UkReportRun *r = &c->w->runs[i];
		double		end = uk_report_run_end(r, c->t1);
		double		x = xof(c, r->started_at);
		double		wd = xof(c, end) - x;
		double		y = row_y(c, c->row[i]);
		double		h;
		bool		phase = r->app != NULL && strcmp(r->app, "frappe:phase") == 0;
		char		dur[32];

		if (wd < 1.0)
			wd = 1.0;
		if (parent[i] >= 0)
		{
			y += c->gantt ? 13 : 10;
			h = c->gantt ? 5 : 3;
		}
		else if (c->has_steps[i])
		{
			y += c->gantt ? 2 : 1;
			h = c->gantt ? 10 : 8;
		}
		else
		{
			y += c->gantt ? 3 : 1;
			h = c->gantt ? 14 : 11;
		}
		uk_report_fmt_ms((end - r->started_at) * 1000.0, dur, sizeof(dur));
		fprintf(c->f, "<rect class=\"run s-%s%s%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.0f\"><title>",
				uk_report_status_class(r->status), phase ? " phase" : "",
				parent[i] >= 0 ? " step" : "", x, y, wd, h);
		uk_report_put(c->f, uk_report_or(r->name, "(no name)"), c->gantt ? 300 : 80, UK_ESC_HTML);
		fprintf(c->f, " \xC2\xB7 %s \xC2\xB7 ", dur);
		uk_report_put(c->f, uk_report_or(r->status, "unknown"), 20, UK_ESC_HTML);
		fputs("</title></rect>\n", c->f);
		if (c->gantt && parent[i] < 0)
		{
			double		xe = x + wd;
			bool		after = xe + 60 <= SVG_W;

			fprintf(c->f, "<text class=\"dur\" x=\"%.1f\" y=\"%.1f\"%s>%s</text>\n",
					after ? xe + 4 : x - 4, row_y(c, c->row[i]) + 14,
					after ? "" : " text-anchor=\"end\"", dur);
		}
	}
}

/* A marker rectangle in strip row k (0 slow, 1 lock) from t for ms. */
static void
strip_mark(const Chart *c, int k, const char *cls, double t, double ms)
{
	double		x = xof(c, t);
	double		wd = xof(c, t + ms / 1000.0) - x;

	fprintf(c->f, "<rect class=\"mk %s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"10\"><title>",
			cls, x, STRIP_Y + k * STRIP_H + 3, wd < 2 ? 2.0 : wd);
}

/* Slow statements, lock waits and deadlocks: the strip, ticks in rows. */
static void
write_markers(const Chart *c, const IdIdx *ids)
{
	const UkReportWindow *w = c->w;
	bool	   *lock_seen = calloc(w->nruns ? w->nruns : 1, sizeof(bool));
	char		dur[32];
	size_t		i;

	for (i = 0; i < w->nslow; i++)
	{
		const UkReportSlow *s = &w->slow[i];
		long		run = find_run(ids, w->nruns, s->run_id);

		if (!(s->started_at >= 0))
			continue;
		strip_mark(c, 0, "slow", s->started_at, s->duration_ms);
		uk_report_put(c->f, uk_report_or(s->patch, "?"), 80, UK_ESC_HTML);
		fprintf(c->f, " \xC2\xB7 %s \xC2\xB7 ", uk_report_fmt_ms(s->duration_ms, dur, sizeof(dur)));
		uk_report_put(c->f, s->query, 160, UK_ESC_HTML);
		fputs("</title></rect>\n", c->f);
		if (c->gantt && run >= 0 && c->row[run] >= 0)
			fprintf(c->f, "<line class=\"tick-slow\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
					xof(c, s->started_at), row_y(c, c->row[run]) + 1,
					xof(c, s->started_at), row_y(c, c->row[run]) + ROW_H - 1);
		if (s->lock_wait_ms >= 1)
		{
			strip_mark(c, 1, "lock", s->started_at, s->lock_wait_ms);
			uk_report_put(c->f, uk_report_or(s->patch, "?"), 80, UK_ESC_HTML);
			fprintf(c->f, " waited %s for a lock</title></rect>\n",
					uk_report_fmt_ms(s->lock_wait_ms, dur, sizeof(dur)));
			if (run >= 0 && lock_seen != NULL)
				lock_seen[run] = true;
		}
	}
	/* runs that waited for locks in statements too fast to be recorded */
	for (i = 0; i < w->nruns; i++)
	{
		const UkReportRun *r = &w->runs[i];

		if (r->lock_wait_ms < 1 || (lock_seen != NULL && lock_seen[i]))
			continue;
		strip_mark(c, 1, "lock whole-run", r->started_at,
				   (uk_report_run_end(r, c->t1) - r->started_at) * 1000.0);
		uk_report_put(c->f, uk_report_or(r->name, "?"), 80, UK_ESC_HTML);
		fprintf(c->f, " waited %s for locks in all</title></rect>\n",
				uk_report_fmt_ms(r->lock_wait_ms, dur, sizeof(dur)));
	}
	free(lock_seen);
	for (i = 0; i < w->ndeadlocks; i++)
	{
		const UkReportDeadlock *d = &w->deadlocks[i];
		double		x = xof(c, d->detected_at);
		double		y = STRIP_Y + 2 * STRIP_H + 8;

		if (!(d->detected_at >= 0))
			continue;
		fprintf(c->f, "<line class=\"dl-line\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
				x, y, x, c->height - 4);
		fprintf(c->f, "<path class=\"mk dl\" d=\"M%.1f %.1fl6 6l-6 6l-6 -6z\"><title>deadlock \xC2\xB7 victim ",
				x, y - 6);
		uk_report_put(c->f, uk_report_or(d->victim_patch, "outside any patch"), 80, UK_ESC_HTML);
		fputs(" \xC2\xB7 ", c->f);
		uk_report_put(c->f, d->tables, 120, UK_ESC_HTML);
		fputs("</title></path>\n", c->f);
	}
}

/* The window's own times: expected end, exit, as labelled lines. */
static void
write_window_lines(const Chart *c)
{
	const UkReportWindow *w = c->w;

	if (w->expected_end >= 0 && w->expected_end >= c->t0 && w->expected_end <= c->t1)
		fprintf(c->f, "<line class=\"expected\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
				"<text class=\"wl\" x=\"%.1f\" y=\"%.1f\">expected end</text>\n",
				xof(c, w->expected_end), AXIS_Y, xof(c, w->expected_end), c->height - 4,
				xof(c, w->expected_end) - 4, c->height - 8);
	if (w->exited_at >= 0)
		fprintf(c->f, "<line class=\"exited\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
				xof(c, w->exited_at), AXIS_Y, xof(c, w->exited_at), c->height - 4);
}

void
uk_report_write_svg(FILE *f, const UkReportWindow *w)
{
	Chart		c;
	IdIdx	   *ids = NULL;
	long	   *parent;
	size_t		n = w->nruns;
	size_t		ntop = 0;
	size_t		i;

	memset(&c, 0, sizeof(c));
	c.f = f;
	c.w = w;
	uk_report_span(w, &c.t0, &c.t1);
	/* show the expected end unless it would squash the chart */
	if (w->expected_end > c.t1 && w->expected_end - c.t0 <= 2 * (c.t1 - c.t0))
		c.t1 = w->expected_end;
	c.row = malloc((n ? n : 1) * sizeof(int));
	c.has_steps = calloc(n ? n : 1, sizeof(bool));
	parent = malloc((n ? n : 1) * sizeof(long));
	if (n > 0)
		ids = malloc(n * sizeof(IdIdx));
	if (c.row == NULL || c.has_steps == NULL || parent == NULL || (n > 0 && ids == NULL))
	{
		fputs("<p class=\"none\">The timeline could not be drawn: out of memory.</p>\n", f);
		goto done;
	}
	for (i = 0; i < n; i++)
	{
		ids[i].id = w->runs[i].run_id;
		ids[i].idx = i;
		c.row[i] = -1;
	}
	if (n > 0)
		qsort(ids, n, sizeof(IdIdx), cmp_id);
	for (i = 0; i < n; i++)
	{
		parent[i] = find_run(ids, n, w->runs[i].parent_run_id);
		/* a step of a step, or of itself, is drawn as a run of its own */
		if (parent[i] == (long) i || (parent[i] >= 0 && w->runs[parent[i]].parent_run_id != 0 &&
									  find_run(ids, n, w->runs[parent[i]].parent_run_id) >= 0))
			parent[i] = -1;
	}
	/* a Gantt chart has room for labels on the left; lanes need less */
	for (i = 0; i < n; i++)
		ntop += parent[i] < 0;
	c.gantt = ntop <= ROWS_MAX;
	c.x0 = c.gantt ? 350 : 120;
	c.x1 = PLOT_RIGHT;
	if (!place_runs(&c, parent))
	{
		fputs("<p class=\"none\">The timeline could not be drawn: out of memory.</p>\n", f);
		goto done;
	}
	c.height = RUNS_Y + (c.rows > 0 ? c.rows : 2) * (c.gantt ? ROW_H : LANE_H) + 8;
	fprintf(f, "<svg class=\"timeline\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"timeline of the patch runs\">\n",
			SVG_W, c.height);
	write_axis(&c);
	write_window_lines(&c);
	write_labels(&c, parent);
	if (n == 0)
		fprintf(f, "<text class=\"lbl none\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"start\">no patch run was recorded in this window</text>\n",
				c.x0 + 8, RUNS_Y + 18);
	write_bars(&c, parent);
	write_markers(&c, ids);
	fputs("</svg>\n", f);
done:
	free(ids);
	free(parent);
	free(c.row);
	free(c.has_steps);
}
