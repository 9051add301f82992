/*
 * uk_runlog.c
 *		The runlog matcher: assembling the child's lines per stream, and the
 *		user's own regular expressions (uk_runlog.h).
 *
 * Each stream keeps the raw bytes of its unfinished line (at most
 * UK_RUNLOG_MAX_LINE; past that the line is marked cut and its bytes are
 * dropped until its end).  Escape sequences are removed only when the line
 * is complete, so one that is split between two reads is still removed
 * whole.  A CR remembers that a LF right after it (perhaps in the next
 * read) belongs to the same line end.  The presets' line matchers are in
 * uk_runlog_frappe.c and uk_runlog_odoo.c.
 */
#include <regex.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "uk_runlog_int.h"

typedef enum RunlogMode
{
	RUNLOG_FRAPPE,
	RUNLOG_ODOO,
	RUNLOG_REGEX
} RunlogMode;

enum
{
	RE_START,
	RE_END,
	RE_FAIL,
	RE_COUNT
};

typedef struct RunlogStream
{
	char	   *buf;			/* UK_RUNLOG_MAX_LINE bytes */
	size_t		len;
	bool		cut;			/* the line is longer: skip to its end */
	bool		after_cr;		/* the last byte was CR: skip one LF */
} RunlogStream;

struct UkRunlog
{
	RunlogMode	mode;
	RunlogStream stream[2];
	char	   *clean;			/* the line without escapes, plus a NUL */
	UkRunlogFrappe frappe;
	UkRunlogOdoo odoo;
	regex_t		re[RE_COUNT];
	bool		has_re[RE_COUNT];
};

static const char *const re_option[RE_COUNT] = {
	"--patch-start", "--patch-end", "--patch-fail"
};

static UkRunlog *
runlog_alloc(RunlogMode mode, UkError **err)
{
	UkRunlog   *rl = calloc(1, sizeof(UkRunlog));
	int			i;

	if (rl == NULL)
		goto nomem;
	rl->mode = mode;
	rl->clean = malloc(UK_RUNLOG_MAX_LINE + 1);
	if (rl->clean == NULL)
		goto nomem;
	for (i = 0; i < 2; i++)
	{
		rl->stream[i].buf = malloc(UK_RUNLOG_MAX_LINE);
		if (rl->stream[i].buf == NULL)
			goto nomem;
	}
	return rl;

nomem:
	uk_runlog_free(rl);
	uk_error_set(err, UK_ERR_NOMEM, 0, "out of memory for the output matcher");
	return NULL;
}

UkRunlog *
uk_runlog_new_preset(const char *preset, UkError **err)
{
	RunlogMode	mode;

	if (preset != NULL && strcmp(preset, "frappe") == 0)
		mode = RUNLOG_FRAPPE;
	else if (preset != NULL && strcmp(preset, "odoo") == 0)
		mode = RUNLOG_ODOO;
	else
	{
		char		shown[80];
		size_t		n = preset != NULL ? strlen(preset) : 0;

		if (n > sizeof(shown) - 4)
			n = sizeof(shown) - 4;
		uk_runlog_set(shown, sizeof(shown), preset != NULL ? preset : "", n);
		uk_error_set(err, UK_ERR_INVALID, 0,
					 "unknown preset \"%s\" (expected frappe or odoo)", shown);
		return NULL;
	}
	return runlog_alloc(mode, err);
}

UkRunlog *
uk_runlog_new_regex(const char *start_re, const char *end_re,
					const char *fail_re, UkError **err)
{
	const char *src[RE_COUNT] = {start_re, end_re, fail_re};
	UkRunlog   *rl;
	int			i;

	if (start_re == NULL || start_re[0] == '\0')
	{
		uk_error_set(err, UK_ERR_INVALID, 0,
					 "--patch-start needs a regular expression");
		return NULL;
	}
	rl = runlog_alloc(RUNLOG_REGEX, err);
	if (rl == NULL)
		return NULL;
	for (i = 0; i < RE_COUNT; i++)
	{
		int			rc;

		if (src[i] == NULL || src[i][0] == '\0')
			continue;
		rc = regcomp(&rl->re[i], src[i], REG_EXTENDED);
		if (rc != 0)
		{
			char		why[160];
			char		shown[120];

			regerror(rc, &rl->re[i], why, sizeof(why));
			uk_runlog_set(shown, sizeof(shown), src[i], strlen(src[i]));
			uk_error_set(err, UK_ERR_INVALID, 0,
						 "%s: invalid regular expression \"%s\": %s",
						 re_option[i], shown, why);
			uk_runlog_free(rl);
			return NULL;
		}
		rl->has_re[i] = true;
	}
	return rl;
}

void
uk_runlog_free(UkRunlog *rl)
{
	int			i;

	if (rl == NULL)
		return;
	for (i = 0; i < RE_COUNT; i++)
		if (rl->has_re[i])
			regfree(&rl->re[i]);
	free(rl->stream[0].buf);
	free(rl->stream[1].buf);
	free(rl->clean);
	free(rl);
}

/*
 * The event of regular expression which on line, if it matches: named by
 * its first group, else (want_whole) by the whole match, else empty.
 */
static bool
regex_event(UkRunlog *rl, int which, const char *line, UkRunlogKind kind,
			bool want_whole, UkRunlogEvent *ev)
{
	regmatch_t	m[2];
	const regmatch_t *use = NULL;

	if (!rl->has_re[which] || regexec(&rl->re[which], line, 2, m, 0) != 0)
		return false;
	uk_runlog_event_init(ev, kind);
	if (rl->re[which].re_nsub >= 1 && m[1].rm_so >= 0)
		use = &m[1];
	else if (want_whole)
		use = &m[0];
	if (use != NULL && use->rm_so >= 0 && use->rm_eo >= use->rm_so)
		uk_runlog_set(ev->name, sizeof(ev->name), line + use->rm_so,
					  (size_t) (use->rm_eo - use->rm_so));
	return true;
}

static int
regex_line(UkRunlog *rl, const char *line, UkRunlogEvent *out)
{
	int			n = 0;

	if (regex_event(rl, RE_START, line, UK_RUNLOG_PATCH_START, true, &out[n]))
		n++;
	if (regex_event(rl, RE_FAIL, line, UK_RUNLOG_PATCH_FAIL, false, &out[n]))
		n++;
	else if (regex_event(rl, RE_END, line, UK_RUNLOG_PATCH_OK, false, &out[n]))
		n++;
	return n;
}

/* The line of st is complete: match it, deliver its events, start anew. */
static void
end_line(UkRunlog *rl, RunlogStream *st, UkRunlogCallback cb, void *arg)
{
	UkRunlogEvent ev[UK_RUNLOG_LINE_EVENTS];
	size_t		len = uk_runlog_strip(st->buf, st->len, rl->clean);
	int			n = 0;
	int			i;

	st->len = 0;
	st->cut = false;
	rl->clean[len] = '\0';
	if (uk_runlog_rtrim(rl->clean, len) == 0)
		return;
	switch (rl->mode)
	{
		case RUNLOG_FRAPPE:
			n = uk_runlog_frappe_line(&rl->frappe, rl->clean, len, ev);
			break;
		case RUNLOG_ODOO:
			n = uk_runlog_odoo_line(&rl->odoo, rl->clean, len, ev);
			break;
		case RUNLOG_REGEX:
			n = regex_line(rl, rl->clean, ev);
			break;
	}
	if (cb == NULL)
		return;
	for (i = 0; i < n; i++)
		cb(&ev[i], arg);
}

void
uk_runlog_feed(UkRunlog *rl, int stream, const char *buf, size_t len,
			   UkRunlogCallback cb, void *arg)
{
	RunlogStream *st;
	size_t		i = 0;

	if (rl == NULL || buf == NULL || (stream != 0 && stream != 1))
		return;
	st = &rl->stream[stream];
	while (i < len)
	{
		size_t		j = i;

		if (st->after_cr)
		{
			st->after_cr = false;
			if (buf[i] == '\n')
			{
				i++;
				continue;
			}
		}
		/* the run of bytes up to the next line end */
		while (j < len && buf[j] != '\n' && buf[j] != '\r')
			j++;
		if (!st->cut)
		{
			size_t		room = UK_RUNLOG_MAX_LINE - st->len;
			size_t		n = j - i;

			if (n > room)
			{
				n = room;
				st->cut = true;
			}
			memcpy(st->buf + st->len, buf + i, n);
			st->len += n;
		}
		if (j < len)
		{
			st->after_cr = buf[j] == '\r';
			end_line(rl, st, cb, arg);
			j++;
		}
		i = j;
	}
}

void
uk_runlog_flush(UkRunlog *rl, UkRunlogCallback cb, void *arg)
{
	int			i;

	if (rl == NULL)
		return;
	for (i = 0; i < 2; i++)
	{
		if (rl->stream[i].len > 0)
			end_line(rl, &rl->stream[i], cb, arg);
		rl->stream[i].len = 0;
		rl->stream[i].cut = false;
		rl->stream[i].after_cr = false;
	}
}

const char *
uk_runlog_kind_name(UkRunlogKind kind)
{
	static const char *const names[] = {
		"none", "patch_start", "patch_ok", "patch_fail", "phase",
		"step_start", "failure", "progress"
	};

	if ((int) kind < 0 || (size_t) kind >= sizeof(names) / sizeof(names[0]))
		return "none";
	return names[kind];
}
