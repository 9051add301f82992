/*
 * uk_patch.c
 *		Patch runs: statuses, the run state machine, validation of names,
 *		the one-line record format, and folding records back into runs.
 *
 * The formatter and the parser are exact inverses for records whose text
 * fields are within their limits: parse(format(r)) == r.  The parser
 * accepts only what the formatter writes (canonical escapes, decimal
 * numbers without signs or leading zeros where not needed is not checked:
 * the checksum already rejects torn or foreign lines).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uk_patch.h"
#include "uk_state.h"
#include "uk_validate.h"

static const char *const status_names[] = {
	"running",
	"succeeded",
	"failed",
	"skipped",
	"aborted"
};

#define STATUS_COUNT ((int) (sizeof(status_names) / sizeof(status_names[0])))

const char *
uk_run_status_name(UkRunStatus s)
{
	if ((int) s < 0 || (int) s >= STATUS_COUNT)
		return "unknown";
	return status_names[s];
}

UkStatus
uk_run_status_parse(const char *s, UkRunStatus *out, UkError **err)
{
	if (s != NULL)
	{
		if (strcmp(s, "succeeded") == 0)
			*out = UK_RUN_SUCCEEDED;
		else if (strcmp(s, "failed") == 0)
			*out = UK_RUN_FAILED;
		else if (strcmp(s, "skipped") == 0)
			*out = UK_RUN_SKIPPED;
		else
			s = NULL;
		if (s != NULL)
			return UK_OK;
	}
	return uk_error_set(err, UK_ERR_INVALID, 0,
						"invalid patch status: use succeeded, failed or skipped");
}

bool
uk_run_transition_valid(UkRunStatus from, UkRunStatus to)
{
	return from == UK_RUN_RUNNING &&
		(to == UK_RUN_SUCCEEDED || to == UK_RUN_FAILED ||
		 to == UK_RUN_SKIPPED || to == UK_RUN_ABORTED);
}

/* Valid UTF-8 without control characters; what names may contain. */
static bool
printable_utf8(const char *s, size_t len)
{
	size_t		i;

	if (!uk_utf8_valid(s, len))
		return false;
	for (i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (c < 0x20 || c == 0x7f)
			return false;
	}
	return true;
}

UkStatus
uk_patch_name_validate(const char *name, UkError **err)
{
	size_t		len = name != NULL ? strlen(name) : 0;

	if (len == 0)
		return uk_error_set(err, UK_ERR_INVALID, 0,
							"a patch name must not be empty");
	if (len > UK_PATCH_NAME_MAX)
		return uk_error_set(err, UK_ERR_INVALID, 0,
							"a patch name is at most %d bytes, this one has %zu",
							UK_PATCH_NAME_MAX, len);
	if (!printable_utf8(name, len))
		return uk_error_set(err, UK_ERR_INVALID, 0,
							"a patch name must be valid UTF-8 without control characters");
	return UK_OK;
}

UkStatus
uk_patch_app_validate(const char *app, UkError **err)
{
	size_t		len = app != NULL ? strlen(app) : 0;

	if (len > UK_PATCH_APP_MAX)
		return uk_error_set(err, UK_ERR_INVALID, 0,
							"an app name is at most %d bytes, this one has %zu",
							UK_PATCH_APP_MAX, len);
	if (!printable_utf8(app != NULL ? app : "", len))
		return uk_error_set(err, UK_ERR_INVALID, 0,
							"an app name must be valid UTF-8 without control characters");
	return UK_OK;
}

size_t
uk_utf8_cut(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	len = max;
	/* step back over continuation bytes to the start of a sequence */
	while (len > 0 && ((unsigned char) s[len] & 0xc0) == 0x80)
		len--;
	return len;
}

void
uk_patchrec_init(UkPatchRec *rec, UkPatchRecKind kind)
{
	memset(rec, 0, sizeof(*rec));
	rec->kind = kind;
	rec->rows = -1;
	rec->database = rec->username = rec->name = rec->app = "";
	rec->command = rec->query = rec->plan = rec->message = "";
}

/* A growing line in a caller buffer; tracks the full length needed. */
typedef struct LineBuf
{
	char	   *out;
	size_t		cap;
	size_t		len;
} LineBuf;

static void
lb_put(LineBuf *lb, const char *s, size_t n)
{
	if (lb->out != NULL && lb->len < lb->cap)
	{
		size_t		room = lb->cap - lb->len;

		memcpy(lb->out + lb->len, s, n < room ? n : room);
	}
	lb->len += n;
}

static void
lb_num(LineBuf *lb, int64_t v)
{
	char		tmp[32];
	int			n = snprintf(tmp, sizeof(tmp), "\t%" PRId64, v);

	lb_put(lb, tmp, (size_t) n);
}

static void
lb_unum(LineBuf *lb, uint64_t v)
{
	char		tmp[32];
	int			n = snprintf(tmp, sizeof(tmp), "\t%" PRIu64, v);

	lb_put(lb, tmp, (size_t) n);
}

/* A tab, then s cut to max bytes and escaped. */
static void
lb_text(LineBuf *lb, const char *s, size_t max)
{
	size_t		n;
	size_t		need;

	if (s == NULL)
		s = "";
	n = uk_utf8_cut(s, strlen(s), max);
	lb_put(lb, "\t", 1);
	need = uk_escape_n(s, n, NULL, 0);
	if (lb->out != NULL && lb->len + need < lb->cap)
		uk_escape_n(s, n, lb->out + lb->len, lb->cap - lb->len);
	lb->len += need;
}

static uint32_t
fnv1a(const char *s, size_t n)
{
	uint32_t	h = 2166136261u;
	size_t		i;

	for (i = 0; i < n; i++)
	{
		h ^= (unsigned char) s[i];
		h *= 16777619u;
	}
	return h;
}

size_t
uk_patchrec_format(const UkPatchRec *rec, char *out, size_t cap)
{
	LineBuf		lb = {out, cap, 0};
	char		kind = (char) rec->kind;
	char		tail[16];
	uint32_t	crc;
	size_t		body;

	lb_put(&lb, &kind, 1);
	lb_unum(&lb, rec->run_id);
	lb_num(&lb, rec->at_us);
	switch (rec->kind)
	{
		case UK_REC_BEGIN:
			lb_num(&lb, rec->pid);
			lb_text(&lb, rec->database, UK_PATCH_IDENT_MAX);
			lb_text(&lb, rec->username, UK_PATCH_IDENT_MAX);
			lb_text(&lb, rec->name, UK_PATCH_NAME_MAX);
			lb_text(&lb, rec->app, UK_PATCH_APP_MAX);
			break;
		case UK_REC_STMT:
			lb_unum(&lb, rec->stmt_id);
			lb_num(&lb, rec->duration_us);
			lb_num(&lb, rec->lock_wait_us);
			lb_num(&lb, rec->rows);
			lb_text(&lb, rec->command, UK_COMMAND_MAX);
			lb_text(&lb, rec->query, UK_QUERY_MAX);
			lb_text(&lb, rec->plan, UK_PLAN_MAX);
			break;
		case UK_REC_ERROR:
			lb_text(&lb, rec->sqlstate, 5);
			lb_num(&lb, rec->error_code);
			lb_text(&lb, rec->message, UK_PATCH_MESSAGE_MAX);
			lb_text(&lb, rec->query, UK_QUERY_MAX);
			break;
		case UK_REC_END:
			lb_text(&lb, uk_run_status_name(rec->status), 16);
			lb_unum(&lb, rec->statements);
			lb_unum(&lb, rec->slow_statements);
			lb_num(&lb, rec->lock_wait_us);
			lb_text(&lb, rec->message, UK_PATCH_MESSAGE_MAX);
			break;
	}

	/* checksum over what is in the buffer (the whole body if it fit) */
	body = lb.len;
	crc = (out != NULL && body < cap) ? fnv1a(out, body) : 0;
	snprintf(tail, sizeof(tail), "\t%08x\n", crc);
	lb_put(&lb, tail, strlen(tail));
	if (out != NULL && cap > 0)
		out[lb.len < cap ? lb.len : cap - 1] = '\0';
	return lb.len;
}

/* Field splitting over one line. */
typedef struct Fields
{
	const char *start[16];
	size_t		len[16];
	int			n;
} Fields;

static bool
split_fields(const char *line, size_t len, Fields *f)
{
	size_t		i;
	size_t		from = 0;

	f->n = 0;
	for (i = 0; i <= len; i++)
	{
		if (i == len || line[i] == '\t')
		{
			if (f->n >= 16)
				return false;
			f->start[f->n] = line + from;
			f->len[f->n] = i - from;
			f->n++;
			from = i + 1;
		}
	}
	return true;
}

static bool
parse_u64(const char *s, size_t n, uint64_t *out)
{
	uint64_t	v = 0;
	size_t		i;

	if (n == 0 || n > 20)
		return false;
	for (i = 0; i < n; i++)
	{
		unsigned	d;

		if (s[i] < '0' || s[i] > '9')
			return false;
		d = (unsigned) (s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

static bool
parse_i64(const char *s, size_t n, int64_t *out)
{
	uint64_t	v;

	if (n > 0 && s[0] == '-')
	{
		if (!parse_u64(s + 1, n - 1, &v) || v > (uint64_t) INT64_MAX + 1)
			return false;
		*out = v == (uint64_t) INT64_MAX + 1 ? INT64_MIN : -(int64_t) v;
		return true;
	}
	if (!parse_u64(s, n, &v) || v > (uint64_t) INT64_MAX)
		return false;
	*out = (int64_t) v;
	return true;
}

/* Unescape field i into the scratch area; *s points at the result. */
typedef struct Scratch
{
	char	   *buf;
	size_t		cap;
	size_t		used;
} Scratch;

static bool
take_text(const Fields *f, int i, Scratch *sc, size_t max, const char **s)
{
	char	   *dst = sc->buf + sc->used;
	size_t		room = sc->cap - sc->used;
	size_t		n;

	if (room == 0 || !uk_unescape(f->start[i], f->len[i], dst, room))
		return false;
	n = strlen(dst);
	if (n > max)
		return false;
	sc->used += n + 1;
	*s = dst;
	return true;
}

bool
uk_patchrec_parse(const char *line, size_t len, UkPatchRec *rec,
				  char *scratch, size_t scratch_cap)
{
	Fields		f;
	Scratch		sc = {scratch, scratch_cap, 0};
	uint64_t	u;
	int64_t		v;
	const char *s;
	char		hex[9];
	int			want;
	int			i;

	if (scratch == NULL || len < 12 || line[len - 9] != '\t')
		return false;
	memcpy(hex, line + len - 8, 8);
	hex[8] = '\0';
	for (i = 0; i < 8; i++)
		if (!((hex[i] >= '0' && hex[i] <= '9') || (hex[i] >= 'a' && hex[i] <= 'f')))
			return false;
	if (strtoul(hex, NULL, 16) != fnv1a(line, len - 9))
		return false;
	if (!split_fields(line, len - 9, &f) || f.n < 3 || f.len[0] != 1)
		return false;

	switch (line[0])
	{
		case 'B':
			want = 8;
			break;
		case 'S':
			want = 10;
			break;
		case 'F':
			want = 7;
			break;
		case 'E':
			want = 8;
			break;
		default:
			return false;
	}
	if (f.n != want)
		return false;
	uk_patchrec_init(rec, (UkPatchRecKind) line[0]);
	if (!parse_u64(f.start[1], f.len[1], &rec->run_id) ||
		!parse_i64(f.start[2], f.len[2], &rec->at_us))
		return false;

	switch (rec->kind)
	{
		case UK_REC_BEGIN:
			return parse_i64(f.start[3], f.len[3], &rec->pid) &&
				take_text(&f, 4, &sc, UK_PATCH_IDENT_MAX, &rec->database) &&
				take_text(&f, 5, &sc, UK_PATCH_IDENT_MAX, &rec->username) &&
				take_text(&f, 6, &sc, UK_PATCH_NAME_MAX, &rec->name) &&
				take_text(&f, 7, &sc, UK_PATCH_APP_MAX, &rec->app);
		case UK_REC_STMT:
			return parse_u64(f.start[3], f.len[3], &rec->stmt_id) &&
				parse_i64(f.start[4], f.len[4], &rec->duration_us) &&
				parse_i64(f.start[5], f.len[5], &rec->lock_wait_us) &&
				parse_i64(f.start[6], f.len[6], &rec->rows) &&
				take_text(&f, 7, &sc, UK_COMMAND_MAX, &rec->command) &&
				take_text(&f, 8, &sc, UK_QUERY_MAX, &rec->query) &&
				take_text(&f, 9, &sc, UK_PLAN_MAX, &rec->plan);
		case UK_REC_ERROR:
			if (!take_text(&f, 3, &sc, 5, &s))
				return false;
			memcpy(rec->sqlstate, s, strlen(s) + 1);
			if (!parse_i64(f.start[4], f.len[4], &v) ||
				v < INT32_MIN || v > INT32_MAX)
				return false;
			rec->error_code = (int32_t) v;
			return take_text(&f, 5, &sc, UK_PATCH_MESSAGE_MAX, &rec->message) &&
				take_text(&f, 6, &sc, UK_QUERY_MAX, &rec->query);
		case UK_REC_END:
			if (!take_text(&f, 3, &sc, 16, &s))
				return false;
			for (i = 1; i < STATUS_COUNT; i++)
				if (strcmp(s, status_names[i]) == 0)
					break;
			if (i == STATUS_COUNT)
				return false;	/* END never says "running" */
			rec->status = (UkRunStatus) i;
			if (!parse_u64(f.start[4], f.len[4], &u))
				return false;
			rec->statements = u;
			if (!parse_u64(f.start[5], f.len[5], &u))
				return false;
			rec->slow_statements = u;
			return parse_i64(f.start[6], f.len[6], &rec->lock_wait_us) &&
				take_text(&f, 7, &sc, UK_PATCH_MESSAGE_MAX, &rec->message);
	}
	return false;
}

static char *
dup_str(const char *s)
{
	size_t		n = strlen(s != NULL ? s : "");
	char	   *d = malloc(n + 1);

	if (d != NULL)
		memcpy(d, s != NULL ? s : "", n + 1);
	return d;
}

/* Replace *slot with a copy of s; false when out of memory. */
static bool
set_str(char **slot, const char *s)
{
	char	   *d = dup_str(s);

	if (d == NULL)
		return false;
	free(*slot);
	*slot = d;
	return true;
}

UkRun *
uk_run_fold_find(UkRunFold *fold, uint64_t run_id)
{
	size_t		lo = 0;
	size_t		hi = fold->n;

	/* runs are added in BEGIN order and run ids only grow: usually sorted */
	while (lo < hi)
	{
		size_t		mid = lo + (hi - lo) / 2;

		if (fold->runs[mid].run_id < run_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < fold->n && fold->runs[lo].run_id == run_id)
		return &fold->runs[lo];
	/* not sorted after all (ids reused after a lost log): search all */
	for (lo = 0; lo < fold->n; lo++)
		if (fold->runs[lo].run_id == run_id)
			return &fold->runs[lo];
	return NULL;
}

static UkStatus
nomem(UkError **err)
{
	return uk_error_set(err, UK_ERR_NOMEM, ENOMEM, "out of memory");
}

UkStatus
uk_run_fold_add(UkRunFold *fold, const UkPatchRec *rec, UkError **err)
{
	UkRun	   *run;

	if (rec->kind == UK_REC_BEGIN)
	{
		/* a BEGIN carried over into a newer file: the first one counts */
		if (fold->n > 0 && uk_run_fold_find(fold, rec->run_id) != NULL)
			return UK_OK;
		if (fold->n == fold->cap)
		{
			size_t		ncap = fold->cap == 0 ? 64 : fold->cap * 2;
			UkRun	   *nruns = realloc(fold->runs, ncap * sizeof(UkRun));

			if (nruns == NULL)
				return nomem(err);
			fold->runs = nruns;
			fold->cap = ncap;
		}
		run = &fold->runs[fold->n];
		memset(run, 0, sizeof(*run));
		run->run_id = rec->run_id;
		run->pid = rec->pid;
		run->started_at_us = rec->at_us;
		run->status = UK_RUN_RUNNING;
		fold->n++;
		if (!set_str(&run->database, rec->database) ||
			!set_str(&run->username, rec->username) ||
			!set_str(&run->name, rec->name) ||
			!set_str(&run->app, rec->app))
			return nomem(err);
		return UK_OK;
	}

	run = uk_run_fold_find(fold, rec->run_id);
	if (run == NULL)
	{
		fold->orphans++;
		return UK_OK;
	}
	switch (rec->kind)
	{
		case UK_REC_STMT:
			if (!run->ended)
			{
				run->slow_statements++;
				run->lock_wait_us += rec->lock_wait_us;
			}
			break;
		case UK_REC_ERROR:
			if (run->ended)
				break;			/* a finished run never changes */
			memcpy(run->error_sqlstate, rec->sqlstate, sizeof(run->error_sqlstate));
			run->error_code = rec->error_code;
			if (!set_str(&run->error_statement, rec->query) ||
				!set_str(&run->error_message, rec->message))
				return nomem(err);
			break;
		case UK_REC_END:
			if (run->ended || !uk_run_transition_valid(run->status, rec->status))
				break;			/* a finished run never changes */
			run->ended = true;
			run->status = rec->status;
			run->ended_at_us = rec->at_us;
			run->statements = rec->statements;
			run->slow_statements = rec->slow_statements;
			run->lock_wait_us = rec->lock_wait_us;
			if (rec->message[0] != '\0' &&
				!set_str(&run->error_message, rec->message))
				return nomem(err);
			break;
		case UK_REC_BEGIN:
			break;
	}
	return UK_OK;
}

void
uk_run_fold_free(UkRunFold *fold)
{
	size_t		i;

	for (i = 0; i < fold->n; i++)
	{
		UkRun	   *r = &fold->runs[i];

		free(r->database);
		free(r->username);
		free(r->name);
		free(r->app);
		free(r->error_message);
		free(r->error_statement);
	}
	free(fold->runs);
	memset(fold, 0, sizeof(*fold));
}
