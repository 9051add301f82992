/*
 * cli/run_events.c
 *		From the child's output to window patches: each event of the output
 *		matcher (libcommon uk_runlog) opens or ends a window patch on the
 *		server, updates the live view and, off a terminal, prints a line.
 *
 * A patch or phase still open when the next one starts is ended as
 * succeeded (Frappe's phases have no end line); a step (Odoo's migration
 * scripts) is ended when the next step or its module ends.  A call the
 * server refuses is reported once and the run goes on: the upgrade is never
 * stopped for the sake of its bookkeeping.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "run.h"
#include "uk_patch.h"
#include "uk_utf8.h"

double
run_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
server_trouble(Run *r, const char *what)
{
	if (r->server_trouble)
		return;
	r->server_trouble = true;
	live_line(r->live, "warning: %s failed, statements may not be attributed: %s",
			  what, r->conn->err);
}

/* A name the server accepts: cut to UK_PATCH_NAME_MAX bytes, never empty. */
static void
patch_name(const char *in, char *out, size_t outlen, size_t max)
{
	size_t		len = uk_utf8_cut(in, strlen(in), max < outlen - 1 ? max : outlen - 1);

	memcpy(out, in, len);
	out[len] = '\0';
	while (len > 0 && out[len - 1] == ' ')
		out[--len] = '\0';
	if (len == 0)
		snprintf(out, outlen, "(unnamed)");
}

static void
begin(Run *r, const char *name, const char *app, bool nested)
{
	char		n[UK_PATCH_NAME_MAX + 1],
				a[UK_PATCH_APP_MAX + 1];

	patch_name(name, n, sizeof(n), UK_PATCH_NAME_MAX);
	if (app && *app)
		patch_name(app, a, sizeof(a), UK_PATCH_APP_MAX);
	else
		a[0] = '\0';
	if (r->conn->has_window_api &&
		r->conn->ops->patch_begin(r->conn, n, a[0] ? a : NULL, nested) != 0)
		server_trouble(r, "window_patch_begin");
	if (nested)
		r->step_open = true;
	else
		r->patch_open = true;
}

static void
end(Run *r, const char *status, const char *error)
{
	if (r->conn->has_window_api &&
		r->conn->ops->patch_end(r->conn, status, error) != 0)
		server_trouble(r, "window_patch_end");
}

void
run_close_open(Run *r, const char *status, const char *error)
{
	if (r->step_open)
	{
		end(r, status, error);
		r->step_open = false;
		r->view.step[0] = '\0';
	}
	if (r->patch_open)
	{
		end(r, status, error);
		r->patch_open = false;
		if (strcmp(status, "failed") == 0)
		{
			r->view.patches_failed++;
			snprintf(r->failed_patch, sizeof(r->failed_patch), "%s", r->view.patch);
		}
		else
			r->view.patches_done++;
		if (!live_is_tty(r->live))
			live_line(r->live, "%s %s: %s", r->view.app[0] &&
					  strcmp(r->view.app, "frappe:phase") == 0 ? "phase" : "patch",
					  status, r->view.patch);
		r->view.patch[0] = '\0';
	}
}

void
run_on_event(const UkRunlogEvent *ev, void *arg)
{
	Run		   *r = arg;
	char		d[32];

	switch (ev->kind)
	{
		case UK_RUNLOG_PATCH_START:
		case UK_RUNLOG_PHASE:
			run_close_open(r, "succeeded", NULL);
			begin(r, ev->name, ev->app, false);
			snprintf(r->view.patch, sizeof(r->view.patch), "%s", ev->name);
			snprintf(r->view.app, sizeof(r->view.app), "%s", ev->app);
			r->view.index = ev->index;
			r->view.total = ev->total;
			r->view.patch_started = run_now();
			if (!live_is_tty(r->live))
			{
				if (ev->total > 0)
					live_line(r->live, "%s started (%d/%d): %s",
							  ev->kind == UK_RUNLOG_PHASE ? "phase" : "patch",
							  ev->index, ev->total, ev->name);
				else
					live_line(r->live, "%s started: %s",
							  ev->kind == UK_RUNLOG_PHASE ? "phase" : "patch", ev->name);
			}
			break;
		case UK_RUNLOG_STEP_START:
			if (r->step_open)
			{
				end(r, "succeeded", NULL);
				r->step_open = false;
			}
			begin(r, ev->name, ev->app, r->patch_open);
			if (!r->patch_open)
			{
				/* a step outside any module: a run of its own */
				r->step_open = false;
				r->patch_open = true;
				snprintf(r->view.patch, sizeof(r->view.patch), "%s", ev->name);
				r->view.patch_started = run_now();
			}
			else
				snprintf(r->view.step, sizeof(r->view.step), "%s", ev->name);
			if (!live_is_tty(r->live))
				live_line(r->live, "step started: %s", ev->name);
			break;
		case UK_RUNLOG_PATCH_OK:
			if (r->patch_open && !live_is_tty(r->live) && ev->seconds >= 0)
			{
				live_duration(ev->seconds, d, sizeof(d));
				live_line(r->live, "patch took %s by its own account", d);
			}
			run_close_open(r, "succeeded", NULL);
			break;
		case UK_RUNLOG_PATCH_FAIL:
			run_close_open(r, "failed", NULL);
			break;
		case UK_RUNLOG_FAILURE:
			r->output_failure = true;
			snprintf(r->failure_line, sizeof(r->failure_line), "%s", ev->name);
			run_close_open(r, "failed", NULL);	/* keep the statement's error */
			if (!live_is_tty(r->live))
				live_line(r->live, "the command reports a failure: %s", ev->name);
			break;
		case UK_RUNLOG_PROGRESS:
		case UK_RUNLOG_NONE:
			break;
	}
	live_update(r->live, &r->view);
}

void
run_refresh(Run *r)
{
	Snapshot	s;

	if (r->conn->ops->snapshot(r->conn, r->slow_seen, &s) != 0)
	{
		server_trouble(r, "reading the window's status");
		return;
	}
	r->snap = s;
	r->have_snap = true;
	for (int i = 0; i < s.nslow; i++)
	{
		char		d[32];

		live_duration(s.slow[i].ms / 1000.0, d, sizeof(d));
		if (!live_is_tty(r->live))
			live_line(r->live, "slow statement (%s) in %s: %s", d, s.slow[i].patch, s.slow[i].query);
		if (s.slow[i].id > r->slow_seen)
			r->slow_seen = s.slow[i].id;
	}
	r->view.snap = &r->snap;
	live_update(r->live, &r->view);
}
