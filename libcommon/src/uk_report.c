/*
 * uk_report.c
 *		The report model's memory, its derived result, and the helpers both
 *		renderers share: escaping (with UTF-8 repair), time and duration
 *		text, the span of the timeline, orders by duration.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "uk_report_int.h"


void
uk_report_window_free(UkReportWindow *w)
{
	size_t		i;

	if (w == NULL)
		return;
	for (i = 0; i < w->nruns; i++)
	{
		UkReportRun *r = &w->runs[i];

		free(r->name);
		free(r->app);
		free(r->status);
		free(r->error_sqlstate);
		free(r->error_message);
		free(r->error_statement);
	}
	for (i = 0; i < w->nslow; i++)
	{
		UkReportSlow *s = &w->slow[i];

		free(s->patch);
		free(s->command);
		free(s->query);
		free(s->plan);
	}
	for (i = 0; i < w->ndeadlocks; i++)
	{
		UkReportDeadlock *d = &w->deadlocks[i];

		free(d->victim_patch);
		free(d->tables);
		free(d->raw);
	}
	free(w->runs);
	free(w->slow);
	free(w->deadlocks);
	free(w->engine);
	free(w->reason);
	free(w->entered_by);
	free(w->exited_by);
	free(w->drain_outcome);
	free(w->command);
	free(w->result);
	memset(w, 0, sizeof(*w));
}

const char *
uk_report_result_of(const UkReportWindow *w)
{
	bool		aborted = false;
	size_t		i;

	if (w == NULL)
		return "unknown";
	if (w->exited_at < 0)
		return "running";
	for (i = 0; i < w->nruns; i++)
	{
		const char *st = w->runs[i].status;

		if (st != NULL && strcmp(st, "failed") == 0)
			return "failed";
		if (st != NULL && strcmp(st, "aborted") == 0)
			aborted = true;
	}
	return aborted ? "interrupted" : "succeeded";
}

/*
 * Length of the valid UTF-8 sequence at s (n bytes left), or 0.  Overlong
 * forms, surrogates and code points past U+10FFFF are not valid.
 */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80;
	unsigned char hi = 0xBF;
	size_t		len;
	size_t		i;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		len = 2;
	else if (c >= 0xE0 && c <= 0xEF)
	{
		len = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	}
	else if (c >= 0xF0 && c <= 0xF4)
	{
		len = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	}
	else
		return 0;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	return len;
}

void
uk_report_put(FILE *f, const char *s, size_t maxchars, UkEscape mode)
{
	const unsigned char *p = (const unsigned char *) s;
	size_t		n;
	size_t		chars = 0;

	if (s == NULL)
		return;
	n = strlen(s);
	while (n > 0)
	{
		size_t		len = utf8_seq(p, n);
		unsigned char c = p[0];
		bool		bad = len == 0;

		if (maxchars > 0 && chars == maxchars)
		{
			fputs("\xE2\x80\xA6", f);	/* … */
			return;
		}
		chars++;
		/* C0 and C1 controls but tab, LF, CR; DEL */
		if (len == 1 && ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F))
			bad = mode == UK_ESC_HTML;
		if (len == 2 && c == 0xC2 && p[1] < 0xA0)
			bad = true;
		if (bad)
		{
			fputs(mode == UK_ESC_JSON ? "\\ufffd" : "\xEF\xBF\xBD", f);
			len = len == 0 ? 1 : len;
		}
		else if (len > 1)
			fwrite(p, 1, len, f);
		else if (mode == UK_ESC_HTML)
		{
			switch (c)
			{
				case '&':
					fputs("&amp;", f);
					break;
				case '<':
					fputs("&lt;", f);
					break;
				case '>':
					fputs("&gt;", f);
					break;
				case '"':
					fputs("&quot;", f);
					break;
				case '\'':
					fputs("&#39;", f);
					break;
				default:
					fputc(c, f);
			}
		}
		else
		{
			switch (c)
			{
				case '"':
					fputs("\\\"", f);
					break;
				case '\\':
					fputs("\\\\", f);
					break;
				case '\n':
					fputs("\\n", f);
					break;
				case '\r':
					fputs("\\r", f);
					break;
				case '\t':
					fputs("\\t", f);
					break;
				default:
					if (c < 0x20 || c == 0x7F)
						fprintf(f, "\\u%04x", c);
					else
						fputc(c, f);
			}
		}
		p += len;
		n -= len;
	}
}

void
uk_report_put_tail(FILE *f, const char *s, size_t maxchars)
{
	size_t		n;
	size_t		chars = 0;
	size_t		i;

	if (s == NULL)
		return;
	n = strlen(s);
	for (i = 0; i < n; i++)
		chars += ((unsigned char) s[i] & 0xC0) != 0x80;
	if (chars <= maxchars || maxchars < 2)
	{
		uk_report_put(f, s, maxchars, UK_ESC_HTML);
		return;
	}
	/* skip to the start of the last maxchars - 1 characters */
	for (i = 0; i < n && chars > maxchars - 1; i++)
		if (((unsigned char) s[i + 1] & 0xC0) != 0x80)
			chars--;
	fputs("\xE2\x80\xA6", f);
	uk_report_put(f, s + i, 0, UK_ESC_HTML);
}

const char *
uk_report_status_class(const char *status)
{
	static const char *const known[] = {"succeeded", "failed", "skipped",
	"aborted", "running"};
	size_t		i;

	for (i = 0; status != NULL && i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(status, known[i]) == 0)
			return known[i];
	return "other";
}

/* t as broken-down UTC time; false when t is unknown or out of range. */
static bool
utc_of(double t, struct tm *tm)
{
	time_t		tt;

	if (!(t >= 0) || t > 253402300799.0)	/* NaN, negative, past 9999 */
		return false;
	tt = (time_t) t;
	return gmtime_r(&tt, tm) != NULL;
}

const char *
uk_report_fmt_time(double t, char *buf, size_t cap)
{
	struct tm	tm;

	if (!utc_of(t, &tm) || strftime(buf, cap, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(buf, cap, "-");
	return buf;
}

const char *
uk_report_fmt_clock(double t, char *buf, size_t cap)
{
	struct tm	tm;

	if (!utc_of(t, &tm) || strftime(buf, cap, "%H:%M:%S", &tm) == 0)
		snprintf(buf, cap, "-");
	return buf;
}

const char *
uk_report_fmt_ms(double ms, char *buf, size_t cap)
{
	int64_t		s;

	if (!(ms >= 0) || ms > 1e15)
		snprintf(buf, cap, "-");
	else if (ms < 1000)
		snprintf(buf, cap, "%.0f ms", ms);
	else if (ms < 59950)
		snprintf(buf, cap, "%.1f s", ms / 1000.0);
	else if ((s = (int64_t) (ms / 1000.0 + 0.5)) < 3600)
		snprintf(buf, cap, "%d m %02d s", (int) (s / 60), (int) (s % 60));
	else
		snprintf(buf, cap, "%lld h %02d m", (long long) (s / 3600), (int) (s / 60 % 60));
	return buf;
}

double
uk_report_run_end(const UkReportRun *r, double end)
{
	double		e = r->ended_at >= 0 ? r->ended_at : end;

	return e > r->started_at ? e : r->started_at;
}

/* Widen [*lo, *hi] to t when t is known. */
static void
widen(double t, double *lo, double *hi)
{
	if (!(t >= 0) || t > 253402300799.0)
		return;
	if (*lo < 0 || t < *lo)
		*lo = t;
	if (*hi < 0 || t > *hi)
		*hi = t;
}

void
uk_report_span(const UkReportWindow *w, double *t0, double *t1)
{
	double		lo = -1;
	double		hi = -1;
	size_t		i;

	widen(w->entered_at, &lo, &hi);
	widen(w->exited_at, &lo, &hi);
	for (i = 0; i < w->nruns; i++)
	{
		widen(w->runs[i].started_at, &lo, &hi);
		widen(w->runs[i].ended_at, &lo, &hi);
	}
	for (i = 0; i < w->nslow; i++)
	{
		widen(w->slow[i].started_at, &lo, &hi);
		if (w->slow[i].started_at >= 0 && w->slow[i].duration_ms > 0)
			widen(w->slow[i].started_at + w->slow[i].duration_ms / 1000.0, &lo, &hi);
	}
	for (i = 0; i < w->ndeadlocks; i++)
		widen(w->deadlocks[i].detected_at, &lo, &hi);
	if (lo < 0)
		lo = hi = 0;
	if (hi - lo < 0.05)
		hi = lo + 0.05;
	*t0 = lo;
	*t1 = hi;
}

typedef struct Keyed
{
	double		key;
	size_t		idx;
} Keyed;

/* Descending key, then ascending index: a stable, total order. */
static int
cmp_keyed(const void *a, const void *b)
{
	const Keyed *x = a;
	const Keyed *y = b;

	if (x->key != y->key)
		return x->key > y->key ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static size_t *
order_keys(Keyed *k, size_t n)
{
	size_t	   *out;
	size_t		i;

	if (k == NULL)
		return NULL;
	qsort(k, n, sizeof(Keyed), cmp_keyed);
	out = malloc(n * sizeof(size_t));
	for (i = 0; out != NULL && i < n; i++)
		out[i] = k[i].idx;
	free(k);
	return out;
}

size_t *
uk_report_runs_by_duration(const UkReportWindow *w, double end)
{
	Keyed	   *k;
	size_t		i;

	if (w->nruns == 0)
		return NULL;
	k = malloc(w->nruns * sizeof(Keyed));
	for (i = 0; k != NULL && i < w->nruns; i++)
	{
		const UkReportRun *r = &w->runs[i];

		k[i].key = uk_report_run_end(r, end) - r->started_at;
		if (!(k[i].key >= 0))
			k[i].key = 0;
		k[i].idx = i;
	}
	return order_keys(k, w->nruns);
}

size_t *
uk_report_slow_by_duration(const UkReportWindow *w)
{
	Keyed	   *k;
	size_t		i;

	if (w->nslow == 0)
		return NULL;
	k = malloc(w->nslow * sizeof(Keyed));
	for (i = 0; k != NULL && i < w->nslow; i++)
	{
		k[i].key = w->slow[i].duration_ms >= 0 ? w->slow[i].duration_ms : 0;
		k[i].idx = i;
	}
	return order_keys(k, w->nslow);
}
