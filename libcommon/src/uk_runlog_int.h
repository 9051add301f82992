/*
 * uk_runlog_int.h
 *		Private to the runlog files: the preset matchers and the text helpers
 *		they share.
 *
 * uk_runlog.c assembles lines and calls one matcher per line; a matcher
 * writes at most UK_RUNLOG_LINE_EVENTS events for the line into an array
 * and returns how many, so that no matcher calls back into uk_runlog.c.
 * The helpers live in uk_runlog_text.c, below all of them.
 */
#ifndef UK_RUNLOG_INT_H
#define UK_RUNLOG_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "uk_runlog.h"

#define UK_RUNLOG_LINE_EVENTS 2

/* What the Frappe matcher remembers between lines. */
typedef struct UkRunlogFrappe
{
	char		patch[512];		/* the last patch started, for its end */
	char		phase[512];		/* the phase of the last event, or "" */
} UkRunlogFrappe;

/* What the Odoo matcher remembers between lines. */
typedef struct UkRunlogOdoo
{
	char		module[512];	/* the last module started */
} UkRunlogOdoo;

/* uk_runlog_frappe.c, uk_runlog_odoo.c: one line, ANSI already removed */
extern int	uk_runlog_frappe_line(UkRunlogFrappe *st, const char *line,
								  size_t len, UkRunlogEvent *out);
extern int	uk_runlog_odoo_line(UkRunlogOdoo *st, const char *line,
								size_t len, UkRunlogEvent *out);

/* uk_runlog_text.c */

/*
 * Copy in (len bytes) to out without ANSI escape sequences (CSI, OSC and
 * the other ESC sequences), BEL and NUL bytes; returns the new length.
 * out has room for len bytes; no NUL is added.
 */
extern size_t uk_runlog_strip(const char *in, size_t len, char *out);

/* An empty event of kind k (seconds -1). */
extern void uk_runlog_event_init(UkRunlogEvent *ev, UkRunlogKind k);

/*
 * s (len bytes) into dst (cap bytes, NUL-terminated): surrounding white
 * space trimmed, control characters as spaces, cut at a UTF-8 character
 * boundary, invalid UTF-8 as '?'.
 */
extern void uk_runlog_set(char *dst, size_t cap, const char *s, size_t len);

/* s (len bytes) starts with the NUL-terminated prefix p. */
extern bool uk_runlog_prefix(const char *s, size_t len, const char *p);

/* First occurrence of needle in s (len bytes) at or after from, or -1. */
extern long uk_runlog_find(const char *s, size_t len, size_t from,
						   const char *needle);

/* len without trailing white space (space, tab, CR, LF, VT, FF). */
extern size_t uk_runlog_rtrim(const char *s, size_t len);

/*
 * A decimal number at s: digits, optionally '.' and digits, optionally an
 * exponent; the C locale's reading whatever the process locale is.  Sets
 * *used to the bytes read (0 when there is no number).
 */
extern bool uk_runlog_number(const char *s, size_t len, size_t *used,
							 double *out);

/* A non-negative decimal int (at most 9 digits) at s; *used as above. */
extern bool uk_runlog_int(const char *s, size_t len, size_t *used, int *out);

#endif							/* UK_RUNLOG_INT_H */
