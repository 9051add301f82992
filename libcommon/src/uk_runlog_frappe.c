/*
 * uk_runlog_frappe.c
 *		The "frappe" preset: what `bench migrate` prints, line by line.
 *
 * Read from Frappe's own sources, versions 14 to 16 (version-14,
 * version-15, version-16 and develop branches; checked again against 16 in
 * 2026: the lines below are unchanged, 16 adds "Skipping fixtures..."):
 *
 *	frappe/modules/patch_handler.py, execute_patch():
 *		"Executing {patchmodule} in {site} ({db_name})" then, when the patch
 *		has a docstring, the docstring's lines, indented by a tab; at the
 *		end "Success: Done in {round(seconds, 3)}s".  patchmodule is the raw
 *		line of patches.txt: dotted path, optional " #comment" or trailing
 *		text, or "execute:<python code>" (spaces, quotes, parentheses, even
 *		" in "), or "finally:<path>".  The site may be empty ("in  (db)").
 *	patch_handler.py, run_all() with --skip-failing: "Failed to execute
 *		patch" (15 and 16 then print the skipped patch's traceback);
 *		"<patch>: failed: STOPPED" when a patch reports failure.
 *	frappe/commands/site.py, migrate: "Migrating {site}" (green).
 *	frappe/migrate.py, SiteMigration (15 and 16; 14 prints none of these):
 *		"Syncing jobs...", "Syncing fixtures...", "Skipping fixtures..." (16,
 *		with --skip-fixtures), "Syncing dashboards...",
 *		"Syncing customizations...", "Syncing languages...", "Flushing
 *		deferred inserts...", "Removing orphan doctypes...", "Syncing portal
 *		menu...", "Updating installed applications...", "Executing
 *		`after_migrate` hooks..."; tearDown (14 to 16): "Queued rebuilding of
 *		search index for {site}".  setUp (15, 16, MariaDB) may print "Killed
 *		inactive database connection with PID {pid}" before the patches:
 *		no phase, it stays in "Migrating {site}".
 *	frappe/model/sync.py with frappe/utils/__init__.py update_progress_bar():
 *		"\r{txt padded to 36}: [====    ] 45%" with no newline until the
 *		end (so the next print may follow on the same line), or under CI
 *		"{txt}...." with one dot per step; txt "Updating DocTypes for {app}".
 *
 * Because a progress bar or a patch's own print(..., end="") may leave text
 * before the next line on the same line, "Executing ", "Success: Done in"
 * and "Failed to execute patch" are found anywhere in a line; the phases
 * must start the line.  The first "Executing " after which the line reads
 * "<patch> in <site> (<db>)" to its end is the patch start: the site and the
 * database name have no spaces, the patch may have anything.
 *
 * Events: PATCH_START (app: the first component of the patch's dotted path,
 * "" for execute: code), PATCH_OK and PATCH_FAIL named after the patch that
 * started last, PHASE (app "frappe:phase") for each phase line, PROGRESS for
 * each further redraw of a progress bar (name its text, index/total the
 * percentage over 100 or "i of n").
 */
#include <string.h>

#include "uk_runlog_int.h"

static const char *const fixed_phases[] = {
	"Syncing jobs...",
	"Syncing fixtures...",
	"Skipping fixtures...",		/* 16: bench migrate --skip-fixtures */
	"Syncing dashboards...",
	"Syncing customizations...",
	"Syncing languages...",
	"Flushing deferred inserts...",
	"Removing orphan doctypes...",
	"Syncing portal menu...",
	"Updating installed applications...",
	"Executing `after_migrate` hooks...",
};

static bool
is_ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9') || c == '_';
}

static bool
has_space(const char *s, size_t len)
{
	size_t		i;

	for (i = 0; i < len; i++)
		if (s[i] == ' ' || s[i] == '\t')
			return true;
	return false;
}

/*
 * r (len bytes, no trailing white space) is "<patch> in <site> (<db>)":
 * the length of <patch>, or 0.
 */
static size_t
executing_tail(const char *r, size_t len)
{
	size_t		open;
	size_t		sp;

	if (len < 8 || r[len - 1] != ')')
		return 0;
	open = len - 1;
	while (open > 0 && r[open - 1] != '(')
		open--;
	if (open < 2)
		return 0;
	open--;						/* r[open] == '(' */
	if (r[open - 1] != ' ' || open + 2 >= len ||
		has_space(r + open + 1, len - open - 2) ||
		memchr(r + open + 1, ')', len - open - 2) != NULL)
		return 0;
	/* the site: from the space before '(' back to the previous space */
	sp = open - 1;
	while (sp > 0 && r[sp - 1] != ' ')
		sp--;
	/* " in " and at least one byte of patch before it */
	if (sp < 5 || memcmp(r + sp - 4, " in ", 4) != 0)
		return 0;
	return sp - 4;
}

/* The app of a patch: "erpnext" of "erpnext.patches.v15_0.x #1", or "". */
static void
patch_app(const char *p, size_t len, char *app, size_t cap)
{
	size_t		n = 0;

	app[0] = '\0';
	if (uk_runlog_prefix(p, len, "finally:"))
	{
		p += 8;
		len -= 8;
	}
	if (len == 0 || (p[0] >= '0' && p[0] <= '9'))
		return;
	while (n < len && is_ident_char(p[n]))
		n++;
	if (n == 0 || n >= len || p[n] != '.' || n >= cap)
		return;
	memcpy(app, p, n);
	app[n] = '\0';
}

static bool
patch_start(UkRunlogFrappe *st, const char *line, size_t len, UkRunlogEvent *ev,
			size_t *at)
{
	long		k = -1;

	while ((k = uk_runlog_find(line, len, (size_t) (k + 1), "Executing ")) >= 0)
	{
		const char *r = line + k + 10;
		size_t		plen = executing_tail(r, len - (size_t) k - 10);

		if (plen == 0)
			continue;
		uk_runlog_event_init(ev, UK_RUNLOG_PATCH_START);
		uk_runlog_set(ev->name, sizeof(ev->name), r, plen);
		if (ev->name[0] == '\0')
			continue;
		patch_app(ev->name, strlen(ev->name), ev->app, sizeof(ev->app));
		memcpy(st->patch, ev->name, sizeof(st->patch));
		*at = (size_t) k;
		return true;
	}
	return false;
}

static bool
patch_ok(UkRunlogFrappe *st, const char *line, size_t len, UkRunlogEvent *ev)
{
	long		k = -1;

	while ((k = uk_runlog_find(line, len, (size_t) (k + 1), "Success: Done in ")) >= 0)
	{
		size_t		at = (size_t) k + 17;
		size_t		used;
		double		s;

		if (!uk_runlog_number(line + at, len - at, &used, &s) ||
			at + used + 1 != len || line[at + used] != 's')
			continue;
		uk_runlog_event_init(ev, UK_RUNLOG_PATCH_OK);
		memcpy(ev->name, st->patch, sizeof(ev->name));
		ev->seconds = s;
		return true;
	}
	return false;
}

static bool
patch_fail(UkRunlogFrappe *st, const char *line, size_t len, UkRunlogEvent *ev)
{
	static const char failed[] = "Failed to execute patch";
	static const char stopped[] = ": failed: STOPPED";
	size_t		nf = sizeof(failed) - 1;
	size_t		ns = sizeof(stopped) - 1;

	if (len >= nf && memcmp(line + len - nf, failed, nf) == 0)
	{
		uk_runlog_event_init(ev, UK_RUNLOG_PATCH_FAIL);
		memcpy(ev->name, st->patch, sizeof(ev->name));
		return true;
	}
	if (len > ns && memcmp(line + len - ns, stopped, ns) == 0)
	{
		uk_runlog_event_init(ev, UK_RUNLOG_PATCH_FAIL);
		uk_runlog_set(ev->name, sizeof(ev->name), line, len - ns);
		return true;
	}
	return false;
}

/*
 * The progress part "[===   ] 45%" or "[===   ] 3 of 7" at s, to the end;
 * sets index and total.
 */
static bool
progress_tail(const char *s, size_t len, int *index, int *total)
{
	size_t		i = 0;
	size_t		used;
	int			a;
	int			b;

	if (len == 0 || s[0] != '[')
		return false;
	i = 1;
	while (i < len && (s[i] == '=' || s[i] == ' '))
		i++;
	if (i + 1 >= len || s[i] != ']' || s[i + 1] != ' ')
		return false;
	i += 2;
	if (!uk_runlog_int(s + i, len - i, &used, &a))
		return false;
	i += used;
	if (i + 1 == len && s[i] == '%')
	{
		*index = a;
		*total = 100;
		return true;
	}
	if (!uk_runlog_prefix(s + i, len - i, " of "))
		return false;
	i += 4;
	if (!uk_runlog_int(s + i, len - i, &used, &b) || i + used != len)
		return false;
	*index = a;
	*total = b;
	return true;
}

/* A progress bar "<text>: [...] n%": its text and numbers. */
static bool
progress_bar(const char *line, size_t len, size_t *textlen, int *index,
			 int *total)
{
	long		k = -1;
	long		last = -1;

	while ((k = uk_runlog_find(line, len, (size_t) (k + 1), ": [")) >= 0)
		last = k;
	if (last <= 0 ||
		!progress_tail(line + last + 2, len - (size_t) last - 2, index, total))
		return false;
	*textlen = (size_t) last;
	return true;
}

/* "Updating DocTypes for <app>", plain, as a progress bar or with CI dots. */
static size_t
doctypes_phase(const char *line, size_t len, int *index, int *total)
{
	static const char prefix[] = "Updating DocTypes for ";
	size_t		n = sizeof(prefix) - 1;
	size_t		i;
	size_t		textlen;

	if (!uk_runlog_prefix(line, len, prefix))
		return 0;
	i = n;
	while (i < len && is_ident_char(line[i]))
		i++;
	if (i == n)
		return 0;
	if (i == len)
		return i;
	if (progress_bar(line, len, &textlen, index, total) &&
		uk_runlog_rtrim(line, textlen) == i)
		return i;
	/* CI: dots only */
	if (strspn(line + i, ".") == len - i)
		return i;
	return 0;
}

/* The length of the phase that line is, or 0. */
static size_t
phase_len(const char *line, size_t len, int *index, int *total)
{
	size_t		i;
	size_t		n;

	for (i = 0; i < sizeof(fixed_phases) / sizeof(fixed_phases[0]); i++)
		if (strlen(fixed_phases[i]) == len &&
			memcmp(line, fixed_phases[i], len) == 0)
			return len;
	if (uk_runlog_prefix(line, len, "Migrating ") && len > 10 &&
		!has_space(line + 10, len - 10))
		return len;
	n = strlen("Queued rebuilding of search index for ");
	if (uk_runlog_prefix(line, len, "Queued rebuilding of search index for ") &&
		len > n && !has_space(line + n, len - n))
		return len;
	return doctypes_phase(line, len, index, total);
}

/*
 * The phase event of line, if it is one: PHASE the first time, PROGRESS
 * for a redraw of the same phase's progress bar.
 */
static bool
phase(UkRunlogFrappe *st, const char *line, size_t len, UkRunlogEvent *ev)
{
	int			index = 0;
	int			total = 0;
	size_t		n = phase_len(line, len, &index, &total);

	if (n == 0)
		return false;
	uk_runlog_event_init(ev, UK_RUNLOG_PHASE);
	uk_runlog_set(ev->name, sizeof(ev->name), line, n);
	ev->index = index;
	ev->total = total;
	if (strcmp(ev->name, st->phase) == 0)
	{
		ev->kind = UK_RUNLOG_PROGRESS;
		return true;
	}
	strcpy(ev->app, "frappe:phase");
	memcpy(st->phase, ev->name, sizeof(st->phase));
	return true;
}

int
uk_runlog_frappe_line(UkRunlogFrappe *st, const char *line, size_t len,
					  UkRunlogEvent *out)
{
	size_t		n;
	size_t		at;
	int			index = 0;
	int			total = 0;

	len = uk_runlog_rtrim(line, len);
	if (patch_start(st, line, len, &out[1], &at))
	{
		/* a progress bar's last redraw may have the start after it */
		if (at > 0 && phase(st, line, uk_runlog_rtrim(line, at), &out[0]))
		{
			if (out[0].kind == UK_RUNLOG_PHASE)
			{
				st->phase[0] = '\0';
				return 2;
			}
		}
		out[0] = out[1];
		st->phase[0] = '\0';
		return 1;
	}
	if (patch_ok(st, line, len, out) || patch_fail(st, line, len, out))
	{
		st->phase[0] = '\0';
		return 1;
	}
	if (phase(st, line, len, out))
		return 1;
	if (progress_bar(line, len, &n, &index, &total))
	{
		uk_runlog_event_init(out, UK_RUNLOG_PROGRESS);
		uk_runlog_set(out->name, sizeof(out->name), line, n);
		out->index = index;
		out->total = total;
		return 1;
	}
	return 0;
}
