/*
 * uk_patch.c
 *		Patch runs: statuses, the run state machine, validation of names,
 *		the one-line record format, and folding records back into runs.
 *
 * The formatter and the parser are exact inverses for records whose text
 * fields are within their limits: parse(format(r)) == r.  Framing (tabs,
 * escapes, the checksum) is uk_line.c's; the parser accepts only what the
 * formatter writes.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uk_patch.h"
#include "uk_state.h"
#include "uk_validate.h"
#include "uk_internal.h"

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

void
uk_patchrec_init(UkPatchRec *rec, UkPatchRecKind kind)
{
	memset(rec, 0, sizeof(*rec));
	rec->kind = kind;
	rec->rows = -1;
	rec->database = rec->username = rec->name = rec->app = "";
	rec->command = rec->query = rec->plan = rec->message = "";
}

size_t
uk_patchrec_format(const UkPatchRec *rec, char *out, size_t cap)
{
	UkLine		lb = {out, cap, 0};
	char		kind = (char) rec->kind;

	uk_line_put(&lb, &kind, 1);
	uk_line_u64(&lb, rec->run_id);
	uk_line_i64(&lb, rec->at_us);
	switch (rec->kind)
	{
		case UK_REC_BEGIN:
			uk_line_i64(&lb, rec->pid);
			uk_line_text(&lb, rec->database, UK_PATCH_IDENT_MAX);
			uk_line_text(&lb, rec->username, UK_PATCH_IDENT_MAX);
			uk_line_text(&lb, rec->name, UK_PATCH_NAME_MAX);
			uk_line_text(&lb, rec->app, UK_PATCH_APP_MAX);
			if (rec->window_id != 0 || rec->parent_run_id != 0)
			{
				uk_line_u64(&lb, rec->window_id);
				uk_line_u64(&lb, rec->parent_run_id);
			}
			break;
		case UK_REC_STMT:
			uk_line_u64(&lb, rec->stmt_id);
			uk_line_i64(&lb, rec->duration_us);
			uk_line_i64(&lb, rec->lock_wait_us);
			uk_line_i64(&lb, rec->rows);
			uk_line_text(&lb, rec->command, UK_COMMAND_MAX);
			uk_line_text(&lb, rec->query, UK_QUERY_MAX);
			uk_line_text(&lb, rec->plan, UK_PLAN_MAX);
			if (rec->pid != 0)
				uk_line_i64(&lb, rec->pid);
			break;
		case UK_REC_ERROR:
			uk_line_text(&lb, rec->sqlstate, 5);
			uk_line_i64(&lb, rec->error_code);
			uk_line_text(&lb, rec->message, UK_PATCH_MESSAGE_MAX);
			uk_line_text(&lb, rec->query, UK_QUERY_MAX);
			break;
		case UK_REC_END:
			uk_line_text(&lb, uk_run_status_name(rec->status), 16);
			uk_line_u64(&lb, rec->statements);
			uk_line_u64(&lb, rec->slow_statements);
			uk_line_i64(&lb, rec->lock_wait_us);
			uk_line_text(&lb, rec->message, UK_PATCH_MESSAGE_MAX);
			break;
	}
	return uk_line_finish(&lb);
}

bool
uk_patchrec_parse(const char *line, size_t len, UkPatchRec *rec,
				  char *scratch, size_t scratch_cap)
{
	const char *starts[12];
	size_t		lens[12];
	UkFields	f = {starts, lens, 12, 0};
	UkScratch	sc = {scratch, scratch_cap, 0};
	const char *s;
	int64_t		v;
	int			want;
	int			i;

	if (scratch == NULL || uk_line_split(line, len, &f) < 3 || f.len[0] != 1)
		return false;
	switch (line[0])
	{
		case 'B':
			want = f.n == 10 ? 10 : 8;	/* a window patch run has two more */
			break;
		case 'S':
			want = f.n == 11 ? 11 : 10;	/* a window run's statement: its pid */
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
	if (!uk_line_take_u64(&f, 1, &rec->run_id) ||
		!uk_line_take_i64(&f, 2, &rec->at_us))
		return false;

	switch (rec->kind)
	{
		case UK_REC_BEGIN:
			if (!(uk_line_take_i64(&f, 3, &rec->pid) &&
				  uk_line_take_text(&f, 4, &sc, UK_PATCH_IDENT_MAX, &rec->database) &&
				  uk_line_take_text(&f, 5, &sc, UK_PATCH_IDENT_MAX, &rec->username) &&
				  uk_line_take_text(&f, 6, &sc, UK_PATCH_NAME_MAX, &rec->name) &&
				  uk_line_take_text(&f, 7, &sc, UK_PATCH_APP_MAX, &rec->app)))
				return false;
			if (f.n == 8)
				return true;
			/* only what the formatter writes: never two zeros */
			return uk_line_take_u64(&f, 8, &rec->window_id) &&
				uk_line_take_u64(&f, 9, &rec->parent_run_id) &&
				(rec->window_id != 0 || rec->parent_run_id != 0);
		case UK_REC_STMT:
			return uk_line_take_u64(&f, 3, &rec->stmt_id) &&
				uk_line_take_i64(&f, 4, &rec->duration_us) &&
				uk_line_take_i64(&f, 5, &rec->lock_wait_us) &&
				uk_line_take_i64(&f, 6, &rec->rows) &&
				uk_line_take_text(&f, 7, &sc, UK_COMMAND_MAX, &rec->command) &&
				uk_line_take_text(&f, 8, &sc, UK_QUERY_MAX, &rec->query) &&
				uk_line_take_text(&f, 9, &sc, UK_PLAN_MAX, &rec->plan) &&
				/* only what the formatter writes: never a pid 0 */
				(f.n == 10 ||
				 (uk_line_take_i64(&f, 10, &rec->pid) && rec->pid != 0));
		case UK_REC_ERROR:
			if (!uk_line_take_text(&f, 3, &sc, 5, &s))
				return false;
			memcpy(rec->sqlstate, s, strlen(s) + 1);
			if (!uk_line_take_i64(&f, 4, &v) || v < INT32_MIN || v > INT32_MAX)
				return false;
			rec->error_code = (int32_t) v;
			return uk_line_take_text(&f, 5, &sc, UK_PATCH_MESSAGE_MAX, &rec->message) &&
				uk_line_take_text(&f, 6, &sc, UK_QUERY_MAX, &rec->query);
		case UK_REC_END:
			if (!uk_line_take_text(&f, 3, &sc, 16, &s))
				return false;
			for (i = 1; i < STATUS_COUNT; i++)
				if (strcmp(s, status_names[i]) == 0)
					break;
			if (i == STATUS_COUNT)
				return false;	/* END never says "running" */
			rec->status = (UkRunStatus) i;
			return uk_line_take_u64(&f, 4, &rec->statements) &&
				uk_line_take_u64(&f, 5, &rec->slow_statements) &&
				uk_line_take_i64(&f, 6, &rec->lock_wait_us) &&
				uk_line_take_text(&f, 7, &sc, UK_PATCH_MESSAGE_MAX, &rec->message);
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
		run->window_id = rec->window_id;
		run->parent_run_id = rec->parent_run_id;
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
