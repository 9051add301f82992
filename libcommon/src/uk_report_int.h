/*
 * uk_report_int.h
 *		What the report's files share (uk_report.c, uk_report_html.c,
 *		uk_report_svg.c, uk_report_json.c); not part of the public interface.
 *
 * Writers go straight to the caller's FILE; a write error is noticed once
 * at the end (ferror), so the helpers below return nothing.
 */
#ifndef UK_REPORT_INT_H
#define UK_REPORT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "uk_report.h"

typedef enum UkEscape
{
	UK_ESC_HTML,				/* & < > " ' as entities */
	UK_ESC_JSON					/* the inside of a JSON string */
} UkEscape;

/*
 * Write s escaped for mode; NULL writes nothing.  Invalid UTF-8 and control
 * characters (but tab, LF, CR) become U+FFFD.  With maxchars > 0, at most
 * that many characters are written, then "…" if s was longer.
 */
extern void uk_report_put(FILE *f, const char *s, size_t maxchars, UkEscape mode);

/*
 * Write the end of s, HTML-escaped: all of it when it has at most maxchars
 * characters, else "…" and its last maxchars - 1 (the tail of a dotted
 * patch name tells patches apart).
 */
extern void uk_report_put_tail(FILE *f, const char *s, size_t maxchars);

/* s, or dflt when s is NULL or empty. */
static inline const char *
uk_report_or(const char *s, const char *dflt)
{
	return s != NULL && s[0] != '\0' ? s : dflt;
}

/* The CSS class suffix of a run status: one of the five, else "other". */
extern const char *uk_report_status_class(const char *status);

/* "2024-05-01 10:00:00" (UTC) into buf (>= 32 bytes); "-" if t < 0. */
extern const char *uk_report_fmt_time(double t, char *buf, size_t cap);

/* "10:00:00" (UTC) into buf. */
extern const char *uk_report_fmt_clock(double t, char *buf, size_t cap);

/* A duration in ms as "850 ms", "12.4 s", "3 m 04 s", "1 h 02 m". */
extern const char *uk_report_fmt_ms(double ms, char *buf, size_t cap);

/*
 * The time a run ended, for drawing and durations: ended_at, or for a run
 * still open the end of the report (end), never before its start.
 */
extern double uk_report_run_end(const UkReportRun *r, double end);

/*
 * The time span the report covers: from the window's entry (or the first
 * run) to its exit (or the last thing seen); *t1 > *t0 always.
 */
extern void uk_report_span(const UkReportWindow *w, double *t0, double *t1);

/*
 * Indexes 0..n-1 of w's runs (or slow statements) in descending order of
 * duration; malloc'd, NULL when out of memory (or n == 0).
 */
extern size_t *uk_report_runs_by_duration(const UkReportWindow *w, double end);
extern size_t *uk_report_slow_by_duration(const UkReportWindow *w);

/* The SVG timeline (uk_report_svg.c). */
extern void uk_report_write_svg(FILE *f, const UkReportWindow *w);

#endif							/* UK_REPORT_INT_H */
