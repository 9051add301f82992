/*
 * uk_runlog.h
 *		Reading an upgrade command's output: which patch, module or phase is
 *		running now, for `upkeep run`.
 *
 * The runner passes every byte the child writes to stdout and stderr
 * through uk_runlog_feed().  Lines are assembled per stream (a chunk may end
 * in the middle of a line, or of an escape sequence); CR, LF and CRLF end a
 * line, so each redraw of a progress bar is a line of its own; ANSI escape
 * sequences (CSI such as colours, OSC such as titles and links) and NUL
 * bytes are removed before a line is matched; a line longer than
 * UK_RUNLOG_MAX_LINE bytes is matched on its first UK_RUNLOG_MAX_LINE bytes
 * and the rest of it is skipped, so the next line is read as usual.
 *
 * A matcher is one of:
 *	"frappe"	bench migrate (Frappe 14 to 16): patches, their end, phases
 *	"odoo"		odoo -u (16 to 18): modules, migration scripts, failures
 *	regex		three POSIX extended regular expressions given by the user
 * What each recognises, and from which upstream source, is written at the
 * top of uk_runlog_frappe.c and uk_runlog_odoo.c.
 *
 * Event names are valid UTF-8 (a byte of the child's output that is not
 * becomes '?'), have no control characters and are cut at a character
 * boundary to fit.  Events are delivered through the callback, in the order
 * of the lines of each stream; the event passed is valid only during the
 * call.  The matcher is owned by the caller (uk_runlog_free()); it is not
 * thread-safe, one matcher reads one child.
 */
#ifndef UK_RUNLOG_H
#define UK_RUNLOG_H

#include <stddef.h>

#include "uk_error.h"

/* Longest line matched, in bytes; the rest of a longer line is skipped. */
#define UK_RUNLOG_MAX_LINE 65536

typedef enum
{
	UK_RUNLOG_NONE,
	UK_RUNLOG_PATCH_START,		/* a patch or module starts */
	UK_RUNLOG_PATCH_OK,			/* the open patch or module ended well */
	UK_RUNLOG_PATCH_FAIL,		/* the open patch failed */
	UK_RUNLOG_PHASE,			/* a phase between patches (Frappe) */
	UK_RUNLOG_STEP_START,		/* a step nested in the open patch (Odoo) */
	UK_RUNLOG_FAILURE,			/* the whole run failed (Odoo) */
	UK_RUNLOG_PROGRESS			/* a progress bar moved (Frappe) */
} UkRunlogKind;

typedef struct
{
	UkRunlogKind kind;
	char		name[512];		/* patch / module / phase / step name (UTF-8,
								 * NUL-terminated) */
	char		app[128];		/* "frappe:phase" for Frappe phases,
								 * "odoo:module", app of a patch where known */
	int			index,
				total;			/* n of m where the line says so (Odoo
								 * "(i/n)"), else 0 */
	double		seconds;		/* "Done in 1.23s", "loaded in 0.5s", else -1 */
} UkRunlogEvent;

typedef void (*UkRunlogCallback) (const UkRunlogEvent *ev, void *arg);

typedef struct UkRunlog UkRunlog;	/* the matcher for one child */

/*
 * A matcher for preset "frappe" or "odoo".  NULL with UK_ERR_INVALID for
 * another name, UK_ERR_NOMEM when out of memory.
 */
extern UkRunlog *uk_runlog_new_preset(const char *preset, UkError **err);

/*
 * A matcher for the user's own regular expressions (POSIX extended, as
 * regcomp(REG_EXTENDED)); start_re is required, end_re and fail_re may be
 * NULL or "" for none.  A line matching start_re gives PATCH_START named by
 * the text of the first parenthesised group, or by the whole match when the
 * expression has no group (POSIX has no named groups); then a line matching
 * fail_re gives PATCH_FAIL, else one matching end_re gives PATCH_OK (their
 * name: their first group, else empty).  A regular expression that does not
 * compile gives NULL with UK_ERR_INVALID and a message naming the option
 * (--patch-start, --patch-end, --patch-fail) and the reason.
 */
extern UkRunlog *uk_runlog_new_regex(const char *start_re, const char *end_re,
									 const char *fail_re, UkError **err);

/* Free a matcher; NULL is allowed. */
extern void uk_runlog_free(UkRunlog *rl);

/*
 * Feed raw bytes of one stream (stream 0 = stdout, 1 = stderr; lines are
 * assembled per stream, CR or LF ends a line, ANSI escape sequences are
 * removed before matching, a line longer than 64 KiB is cut); calls cb for
 * each event, in order.  Bytes of any other stream number are ignored.
 */
extern void uk_runlog_feed(UkRunlog *rl, int stream, const char *buf, size_t len,
						   UkRunlogCallback cb, void *arg);

/* At EOF: match what is left of an unterminated line on each stream. */
extern void uk_runlog_flush(UkRunlog *rl, UkRunlogCallback cb, void *arg);

/* "patch_start", "patch_ok", ... for logs and tests; "none" out of range. */
extern const char *uk_runlog_kind_name(UkRunlogKind kind);

#endif							/* UK_RUNLOG_H */
