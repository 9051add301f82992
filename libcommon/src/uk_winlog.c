/*
 * uk_winlog.c
 *		The history of maintenance windows: a tab-separated text file with
 *		one line per window, rewritten atomically on every change.
 *
 * The log is evidence, not state: a record line that does not parse is
 * skipped and counted, never fatal.  Only a wrong first line makes the
 * whole file unusable (UK_ERR_CORRUPT), so that a file that is not a
 * maintenance log at all is never overwritten by uk_winlog_upsert().
 *
 * Like the state file, the parser accepts only the canonical text the
 * formatter writes, so format(parse(x)) reproduces every record of x.
 * uk_winlog_upsert() is a read-modify-write of the whole file: the caller
 * must serialize calls for the same path.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uk_file.h"
#include "uk_state.h"
#include "uk_winlog.h"
#include "uk_internal.h"

#define WINLOG_MAGIC "upkeep-maintenance-log 1"
#define WINLOG_MAGIC_PREFIX "upkeep-maintenance-log "
#define WINLOG_FIELDS 14
#define WINLOG_FIELDS_OLD 13	/* lines written before unattributed_statements */

static const char *const outcome_names[] = {
	"running",
	"clean",
	"waited",
	"terminated",
	"failed",
	"interrupted"
};

#define OUTCOME_COUNT ((int) (sizeof(outcome_names) / sizeof(outcome_names[0])))

void
uk_window_init(UkWindow *w)
{
	memset(w, 0, sizeof(*w));
	w->drain_outcome = UK_DRAIN_RUNNING;
	w->drain_ms = -1;
}

UkDrainOutcome
uk_drain_outcome_of(int still_open, int terminated, int waited_for)
{
	if (still_open > 0)
		return UK_DRAIN_FAILED;
	if (terminated > 0)
		return UK_DRAIN_TERMINATED;
	if (waited_for > 0)
		return UK_DRAIN_WAITED;
	return UK_DRAIN_CLEAN;
}

const char *
uk_drain_outcome_name(UkDrainOutcome o)
{
	if ((int) o < 0 || (int) o >= OUTCOME_COUNT)
		return "unknown";
	return outcome_names[o];
}

void
uk_winlog_list_free(UkWindowList *list)
{
	if (list == NULL)
		return;
	free(list->items);
	list->items = NULL;
	list->n = 0;
	list->skipped_lines = 0;
}

/* ----------------------------------------------------------------- parse */

static bool
parse_i32(const char *s, size_t len, int32_t *out)
{
	int64_t		v;

	if (!uk_parse_i64(s, len, &v) || v < INT32_MIN || v > INT32_MAX)
		return false;
	*out = (int32_t) v;
	return true;
}

static bool
parse_text(const char *s, size_t len, char *out, size_t cap)
{
	return uk_unescape(s, len, out, cap);
}

static bool
parse_outcome(const char *s, size_t len, UkDrainOutcome *out)
{
	int			i;

	for (i = 0; i < OUTCOME_COUNT; i++)
	{
		if (strlen(outcome_names[i]) == len &&
			memcmp(outcome_names[i], s, len) == 0)
		{
			*out = (UkDrainOutcome) i;
			return true;
		}
	}
	return false;
}

/* Parse one record line (without its newline) into w. */
static bool
parse_record(const char *line, size_t len, UkWindow *w)
{
	const char *f[WINLOG_FIELDS];
	size_t		fl[WINLOG_FIELDS];
	size_t		nf = 0;
	size_t		start = 0;
	size_t		i;

	for (i = 0; i <= len; i++)
	{
		if (i == len || line[i] == '\t')
		{
			if (nf == WINLOG_FIELDS)
				return false;	/* too many fields */
			f[nf] = line + start;
			fl[nf] = i - start;
			nf++;
			start = i + 1;
		}
	}
	if (nf != WINLOG_FIELDS && nf != WINLOG_FIELDS_OLD)
		return false;

	uk_window_init(w);
	return uk_parse_u64(f[0], fl[0], &w->window_id) &&
		uk_parse_i64(f[1], fl[1], &w->entered_at_us) &&
		parse_text(f[2], fl[2], w->entered_by, sizeof(w->entered_by)) &&
		parse_text(f[3], fl[3], w->reason, sizeof(w->reason)) &&
		uk_parse_i64(f[4], fl[4], &w->expected_end_us) &&
		parse_outcome(f[5], fl[5], &w->drain_outcome) &&
		uk_parse_i64(f[6], fl[6], &w->drain_ms) &&
		parse_i32(f[7], fl[7], &w->drain_waited) &&
		parse_i32(f[8], fl[8], &w->drain_terminated) &&
		parse_text(f[9], fl[9], w->drain_detail, sizeof(w->drain_detail)) &&
		uk_parse_i64(f[10], fl[10], &w->exited_at_us) &&
		parse_text(f[11], fl[11], w->exited_by, sizeof(w->exited_by)) &&
		uk_parse_u64(f[12], fl[12], &w->refused_writes) &&
		(nf == WINLOG_FIELDS_OLD ||
		 uk_parse_u64(f[13], fl[13], &w->unattributed_statements));
}

/* Make room for one more item; false when out of memory. */
static bool
list_reserve(UkWindowList *list, size_t *cap)
{
	UkWindow   *items;
	size_t		newcap;

	if (list->n < *cap)
		return true;
	newcap = *cap == 0 ? 16 : *cap * 2;
	if (newcap > SIZE_MAX / sizeof(UkWindow))
		return false;
	items = realloc(list->items, newcap * sizeof(UkWindow));
	if (items == NULL)
		return false;
	list->items = items;
	*cap = newcap;
	return true;
}

UkStatus
uk_winlog_parse(const char *buf, size_t len, UkWindowList *out, UkError **err)
{
	const char *nl;
	size_t		linelen;
	size_t		pos;
	size_t		cap = 0;

	out->items = NULL;
	out->n = 0;
	out->skipped_lines = 0;
	if (buf == NULL || len == 0)
		return UK_OK;

	/* first line: the magic, ended by a newline or by the end of the file */
	nl = memchr(buf, '\n', len);
	linelen = nl != NULL ? (size_t) (nl - buf) : len;
	if (linelen != strlen(WINLOG_MAGIC) ||
		memcmp(buf, WINLOG_MAGIC, linelen) != 0)
	{
		size_t		plen = strlen(WINLOG_MAGIC_PREFIX);
		char		shown[128];

		if (linelen > plen && memcmp(buf, WINLOG_MAGIC_PREFIX, plen) == 0)
		{
			uk_show(buf + plen, linelen - plen, 20, shown, sizeof(shown));
			return uk_error_set(err, UK_ERR_CORRUPT, 0,
								"maintenance log has unsupported format version \"%s\" (expected 1)",
								shown);
		}
		return uk_error_set(err, UK_ERR_CORRUPT, 0,
							"maintenance log does not start with \"%s\"",
							WINLOG_MAGIC);
	}
	pos = linelen + 1;

	while (pos < len)
	{
		const char *line = buf + pos;

		nl = memchr(line, '\n', len - pos);
		if (nl == NULL)
		{
			/* an incomplete last line: the file was cut, skip it */
			out->skipped_lines++;
			break;
		}
		linelen = (size_t) (nl - line);
		pos += linelen + 1;

		if (!list_reserve(out, &cap))
		{
			uk_winlog_list_free(out);
			return uk_error_set(err, UK_ERR_NOMEM, ENOMEM, "out of memory");
		}
		if (parse_record(line, linelen, &out->items[out->n]))
			out->n++;
		else
			out->skipped_lines++;
	}
	return UK_OK;
}

/* ---------------------------------------------------------------- format */

typedef struct StrBuf
{
	char	   *data;
	size_t		len;
	size_t		cap;
	bool		failed;			/* out of memory */
} StrBuf;

static void strbuf_printf(StrBuf *sb, const char *fmt,...)
			__attribute__((format(printf, 2, 3)));

static void
strbuf_printf(StrBuf *sb, const char *fmt,...)
{
	for (;;)
	{
		va_list		ap;
		int			n;
		size_t		newcap;
		char	   *nd;

		if (sb->failed)
			return;
		if (sb->cap > sb->len)
		{
			va_start(ap, fmt);
			n = vsnprintf(sb->data + sb->len, sb->cap - sb->len, fmt, ap);
			va_end(ap);
			if (n < 0)
			{
				sb->failed = true;
				return;
			}
			if ((size_t) n < sb->cap - sb->len)
			{
				sb->len += (size_t) n;
				return;
			}
		}
		newcap = sb->cap < 4096 ? 4096 : sb->cap * 2;
		nd = realloc(sb->data, newcap);
		if (nd == NULL)
		{
			sb->failed = true;
			return;
		}
		sb->data = nd;
		sb->cap = newcap;
	}
}

/* Append s escaped; s must be NUL-terminated within its field. */
static void
strbuf_escaped(StrBuf *sb, const char *s)
{
	char		tmp[4 * UK_REASON_MAX + 1];

	uk_escape(s, tmp, sizeof(tmp));
	strbuf_printf(sb, "%s", tmp);
}

/* Check that w's text fields are terminated and its outcome is known. */
static UkStatus
window_check(const UkWindow *w, UkError **err)
{
	const char *bad = NULL;

	if (strnlen(w->entered_by, sizeof(w->entered_by)) > UK_NAME_MAX)
		bad = "entered_by is too long";
	else if (strnlen(w->reason, sizeof(w->reason)) > UK_REASON_MAX)
		bad = "reason is too long";
	else if (strnlen(w->drain_detail, sizeof(w->drain_detail)) >
			 UK_DRAIN_DETAIL_MAX)
		bad = "drain_detail is too long";
	else if (strnlen(w->exited_by, sizeof(w->exited_by)) > UK_NAME_MAX)
		bad = "exited_by is too long";
	else if ((int) w->drain_outcome < 0 ||
			 (int) w->drain_outcome >= OUTCOME_COUNT)
		bad = "invalid drain outcome";
	if (bad != NULL)
		return uk_error_set(err, UK_ERR_INVALID, 0,
							"maintenance log record for window %" PRIu64 ": %s",
							w->window_id, bad);
	return UK_OK;
}

UkStatus
uk_winlog_format(const UkWindowList *list, char **out, size_t *len,
				 UkError **err)
{
	StrBuf		sb = {NULL, 0, 0, false};
	size_t		i;
	UkStatus	rc;

	*out = NULL;
	*len = 0;
	for (i = 0; i < list->n; i++)
	{
		rc = window_check(&list->items[i], err);
		if (rc != UK_OK)
			return rc;
	}

	strbuf_printf(&sb, "%s\n", WINLOG_MAGIC);
	for (i = 0; i < list->n; i++)
	{
		const UkWindow *w = &list->items[i];

		strbuf_printf(&sb, "%" PRIu64 "\t%" PRId64 "\t",
					  w->window_id, w->entered_at_us);
		strbuf_escaped(&sb, w->entered_by);
		strbuf_printf(&sb, "\t");
		strbuf_escaped(&sb, w->reason);
		strbuf_printf(&sb, "\t%" PRId64 "\t%s\t%" PRId64 "\t%" PRId32 "\t%" PRId32 "\t",
					  w->expected_end_us,
					  uk_drain_outcome_name(w->drain_outcome),
					  w->drain_ms, w->drain_waited, w->drain_terminated);
		strbuf_escaped(&sb, w->drain_detail);
		strbuf_printf(&sb, "\t%" PRId64 "\t", w->exited_at_us);
		strbuf_escaped(&sb, w->exited_by);
		strbuf_printf(&sb, "\t%" PRIu64 "\t%" PRIu64 "\n", w->refused_writes,
					  w->unattributed_statements);
	}
	if (sb.failed)
	{
		free(sb.data);
		return uk_error_set(err, UK_ERR_NOMEM, ENOMEM, "out of memory");
	}
	*out = sb.data;
	*len = sb.len;
	return UK_OK;
}

/* ------------------------------------------------------------------ file */

UkStatus
uk_winlog_read(const char *path, UkWindowList *out, UkError **err)
{
	char	   *buf;
	size_t		len;
	UkError    *ferr = NULL;
	UkStatus	rc;

	out->items = NULL;
	out->n = 0;
	out->skipped_lines = 0;
	rc = uk_file_read(path, UK_WINLOG_FILE_MAX, &buf, &len, &ferr);
	if (rc == UK_ERR_NOT_FOUND)
	{
		uk_error_free(ferr);
		return UK_OK;
	}
	if (rc != UK_OK)
	{
		if (err != NULL)
			*err = ferr;
		else
			uk_error_free(ferr);
		return rc;
	}
	rc = uk_winlog_parse(buf, len, out, err);
	free(buf);
	return rc;
}

/*
 * Replace the first record with w's window_id (dropping any later
 * duplicates) or append w, keep the newest max_records (the last ones in
 * the file), and rewrite path.  An unreadable or foreign file is left alone
 * and its error returned.
 */
UkStatus
uk_winlog_upsert(const char *path, const UkWindow *w, size_t max_records,
				 UkError **err)
{
	UkWindowList list;
	char	   *buf;
	size_t		len;
	size_t		i;
	size_t		cap;
	bool		found = false;
	UkStatus	rc;

	rc = window_check(w, err);
	if (rc != UK_OK)
		return rc;
	rc = uk_winlog_read(path, &list, err);
	if (rc != UK_OK)
		return rc;

	/* replace in place, dropping later duplicates of the same id */
	{
		size_t		keep = 0;

		for (i = 0; i < list.n; i++)
		{
			if (list.items[i].window_id == w->window_id)
			{
				if (found)
					continue;
				list.items[i] = *w;
				found = true;
			}
			if (keep != i)
				list.items[keep] = list.items[i];
			keep++;
		}
		list.n = keep;
	}
	if (!found)
	{
		cap = list.n;
		if (!list_reserve(&list, &cap))
		{
			uk_winlog_list_free(&list);
			return uk_error_set(err, UK_ERR_NOMEM, ENOMEM, "out of memory");
		}
		list.items[list.n++] = *w;
	}

	/* the oldest go first */
	if (list.n > max_records)
	{
		size_t		drop = list.n - max_records;

		memmove(list.items, list.items + drop, max_records * sizeof(UkWindow));
		list.n = max_records;
	}

	rc = uk_winlog_format(&list, &buf, &len, err);
	uk_winlog_list_free(&list);
	if (rc != UK_OK)
		return rc;
	rc = uk_file_write_atomic(path, buf, len, err);
	free(buf);
	return rc;
}

bool
uk_window_equal(const UkWindow *a, const UkWindow *b)
{
	return a->window_id == b->window_id &&
		a->entered_at_us == b->entered_at_us &&
		strcmp(a->entered_by, b->entered_by) == 0 &&
		strcmp(a->reason, b->reason) == 0 &&
		a->expected_end_us == b->expected_end_us &&
		a->drain_outcome == b->drain_outcome &&
		a->drain_ms == b->drain_ms &&
		a->drain_waited == b->drain_waited &&
		a->drain_terminated == b->drain_terminated &&
		strcmp(a->drain_detail, b->drain_detail) == 0 &&
		a->exited_at_us == b->exited_at_us &&
		strcmp(a->exited_by, b->exited_by) == 0 &&
		a->refused_writes == b->refused_writes &&
		a->unattributed_statements == b->unattributed_statements;
}

bool
uk_winlog_open_window(const UkWindowList *list, UkWindow *out)
{
	const UkWindow *newest = NULL;

	for (size_t i = 0; i < list->n; i++)
		if (newest == NULL || list->items[i].window_id > newest->window_id)
			newest = &list->items[i];
	if (newest == NULL || newest->exited_at_us != 0)
		return false;
	*out = *newest;
	return true;
}
