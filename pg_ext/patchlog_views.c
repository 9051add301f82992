/*
 * patchlog_views.c
 *		Patch runs: the SQL functions behind the views -- every run in the
 *		log, every slow statement, and the sessions now inside a patch.
 *
 * The views read both log files and fold the records into runs (libcommon's
 * uk_run_fold), in any database; runs still open take their counters from
 * shared memory.  Window patch runs (patchlog_window.c) show like any
 * other run, with their window and parent run; in patch_activity, once
 * per session running a statement for them now, else once without a pid.
 * Statement text is shown only to its own role, superusers and members
 * of pg_read_all_stats.  See patchlog_int.h for how the patch-run files
 * fit together.
 */
#include "postgres.h"

#include "catalog/pg_authid.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/backend_status.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "uk_patch.h"

#include "compat.h"
#include "patchlog_int.h"

#define NO_TEXT_PRIVILEGE		"<insufficient privilege>"

PG_FUNCTION_INFO_V1(patch_run_entries);
PG_FUNCTION_INFO_V1(slow_statement_entries);
PG_FUNCTION_INFO_V1(patch_sessions);

/* ---------- the views ---------- */

/* May the caller see the text of statements run by username? */
static bool
can_see_text(const char *username)
{
	return superuser() ||
		has_privs_of_role(GetUserId(), ROLE_PG_READ_ALL_STATS) ||
		strcmp(username, GetUserNameFromId(GetUserId(), false)) == 0;
}

/* A snapshot of the live runs: run ids per slot, under the lock. */
typedef struct LiveRuns
{
	int			n;
	uint64	   *run_ids;
	uint64	   *statements;
	uint64	   *slow;
	int64	   *lock_wait_us;
	uint64		next_run_id;	/* runs from here on began after the snapshot */
} LiveRuns;

/* Snapshot of the live runs, taken under the lock while the files are opened. */
static void
snapshot_live_runs(void *arg)
{
	LiveRuns   *live = (LiveRuns *) arg;

	live->n = 0;
	for (int i = 0; i < upkeep_patch_shared->nslots; i++)
	{
		PatchSlot  *s = &upkeep_patch_shared->slots[i];

		if (s->run_id == 0)
			continue;
		live->run_ids[live->n] = s->run_id;
		live->statements[live->n] = pg_atomic_read_u64(&s->statements);
		live->slow[live->n] = pg_atomic_read_u64(&s->slow_statements);
		live->lock_wait_us[live->n] = (int64) pg_atomic_read_u64(&s->lock_wait_us);
		live->n++;
	}
	for (int i = 0; i < upkeep_patch_shared->window.depth; i++)
	{
		WindowRunSlot *w = &upkeep_patch_shared->window.levels[i];

		live->run_ids[live->n] = pg_atomic_read_u64(&w->run_id);
		live->statements[live->n] = pg_atomic_read_u64(&w->statements);
		live->slow[live->n] = pg_atomic_read_u64(&w->slow_statements);
		live->lock_wait_us[live->n] = (int64) pg_atomic_read_u64(&w->lock_wait_us);
		live->n++;
	}
	live->next_run_id = upkeep_patch_shared->next_run_id;
}

/* Read both log files into one palloc'd buffer (old file first). */
static char *
read_log_files(size_t *len, LiveRuns *live)
{
	int			cap = upkeep_patch_shared->nslots + WINDOW_PATCH_LEVELS;

	live->run_ids = palloc0(sizeof(uint64) * cap);
	live->statements = palloc0(sizeof(uint64) * cap);
	live->slow = palloc0(sizeof(uint64) * cap);
	live->lock_wait_us = palloc0(sizeof(int64) * cap);
	return upkeep_log_read_all(&upkeep_patch_log, upkeep_patch_shared->lock, len,
							   snapshot_live_runs, live);
}

/* Calls fn for every record of the log, in order. */
typedef void (*record_fn) (const UkPatchRec *rec, void *arg);

static void
for_each_record(const char *buf, size_t len, record_fn fn, void *arg)
{
	char	   *scratch = palloc(UK_PATCHREC_LINE_MAX + 1);
	size_t		from = 0;

	for (size_t i = 0; i < len; i++)
	{
		UkPatchRec	rec;

		if (buf[i] != '\n')
			continue;
		if (uk_patchrec_parse(buf + from, i - from, &rec, scratch,
							  UK_PATCHREC_LINE_MAX + 1))
			fn(&rec, arg);
		from = i + 1;
	}
	pfree(scratch);
}

static void
fold_one(const UkPatchRec *rec, void *arg)
{
	UkRunFold  *fold = (UkRunFold *) arg;

	if (uk_run_fold_add(fold, rec, NULL) != UK_OK)
	{
		uk_run_fold_free(fold);
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory reading the upkeep patch log")));
	}
}

static Datum
text_or_null(const char *s, bool *isnull)
{
	*isnull = (s == NULL || s[0] == '\0');
	return *isnull ? (Datum) 0 : CStringGetTextDatum(s);
}

static Datum
unix_ts(int64 us, bool *isnull)
{
	*isnull = (us == 0);
	return TimestampTzGetDatum(UnixUsecsToTimestampTz(us));
}

/* Fold the whole log; the caller frees fold with uk_run_fold_free(). */
static void
fold_log(UkRunFold *fold, LiveRuns *live, char **buf, size_t *len)
{
	*buf = read_log_files(len, live);
	memset(fold, 0, sizeof(*fold));
	for_each_record(*buf, *len, fold_one, fold);
}

/* patch_run_entries(): every run in the log, oldest first. */
Datum
patch_run_entries(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	UkRunFold	fold;
	LiveRuns	live;
	char	   *buf;
	size_t		len;

	upkeep_patch_require_shmem();
	InitMaterializedSRF(fcinfo, 0);
	fold_log(&fold, &live, &buf, &len);

	PG_TRY();
	{
		for (size_t i = 0; i < fold.n; i++)
		{
			UkRun	   *r = &fold.runs[i];
			Datum		values[18];
			bool		nulls[18] = {0};
			UkRunStatus status = r->status;
			uint64		statements = r->statements;
			uint64		slow = r->slow_statements;
			int64		lock_wait_us = r->lock_wait_us;
			bool		see = can_see_text(r->username);
			int64		end_us;

			if (!r->ended)
			{
				int			j;

				for (j = 0; j < live.n; j++)
					if (live.run_ids[j] == r->run_id)
						break;
				if (j < live.n)
				{
					statements = live.statements[j];
					slow = live.slow[j];
					lock_wait_us = live.lock_wait_us[j];
				}
				else if (r->run_id < live.next_run_id)
					status = UK_RUN_ABORTED;	/* its session is gone: a crash */
			}
			end_us = r->ended ? r->ended_at_us : 0;

			values[0] = Int64GetDatum((int64) r->run_id);
			values[1] = CStringGetTextDatum(r->name);
			values[2] = text_or_null(r->app, &nulls[2]);
			values[3] = text_or_null(r->database, &nulls[3]);
			values[4] = text_or_null(r->username, &nulls[4]);
			values[5] = Int32GetDatum((int32) r->pid);
			values[6] = unix_ts(r->started_at_us, &nulls[6]);
			values[7] = unix_ts(end_us, &nulls[7]);
			if (end_us != 0)
				values[8] = Float8GetDatum((end_us - r->started_at_us) / 1000.0);
			else if (status == UK_RUN_RUNNING)
				values[8] = Float8GetDatum((upkeep_patch_now_unix_us() - r->started_at_us) / 1000.0);
			else
				nulls[8] = true;
			values[9] = CStringGetTextDatum(uk_run_status_name(status));
			values[10] = Int64GetDatum((int64) statements);
			nulls[10] = (!r->ended && status != UK_RUN_RUNNING);	/* unknown */
			values[11] = Int64GetDatum((int64) slow);
			values[12] = Float8GetDatum(lock_wait_us / 1000.0);
			values[13] = text_or_null(r->error_sqlstate, &nulls[13]);
			values[14] = text_or_null(see ? r->error_message : NO_TEXT_PRIVILEGE,
									  &nulls[14]);
			if (r->error_message == NULL || r->error_message[0] == '\0')
				nulls[14] = true;
			values[15] = text_or_null(see ? r->error_statement : NO_TEXT_PRIVILEGE,
									  &nulls[15]);
			if (r->error_statement == NULL || r->error_statement[0] == '\0')
				nulls[15] = true;
			values[16] = Int64GetDatum((int64) r->window_id);
			nulls[16] = (r->window_id == 0);
			values[17] = Int64GetDatum((int64) r->parent_run_id);
			nulls[17] = (r->parent_run_id == 0);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
	PG_FINALLY();
	{
		uk_run_fold_free(&fold);
	}
	PG_END_TRY();
	pfree(buf);
	return (Datum) 0;
}

typedef struct StmtOut
{
	ReturnSetInfo *rsinfo;
	UkRunFold  *fold;
} StmtOut;

static void
emit_statement(const UkPatchRec *rec, void *arg)
{
	StmtOut    *out = (StmtOut *) arg;
	UkRun	   *run;
	Datum		values[13];
	bool		nulls[13] = {0};
	bool		see;

	if (rec->kind != UK_REC_STMT)
		return;
	run = uk_run_fold_find(out->fold, rec->run_id);
	see = can_see_text(run != NULL ? run->username : "");

	values[0] = Int64GetDatum((int64) rec->stmt_id);
	values[1] = Int64GetDatum((int64) rec->run_id);
	values[2] = text_or_null(run ? run->name : NULL, &nulls[2]);
	values[3] = text_or_null(run ? run->database : NULL, &nulls[3]);
	values[4] = text_or_null(run ? run->username : NULL, &nulls[4]);
	/* a window run's statement names its own session */
	values[5] = Int32GetDatum(rec->pid != 0 ? (int32) rec->pid :
							  run ? (int32) run->pid : 0);
	nulls[5] = (run == NULL && rec->pid == 0);
	values[6] = unix_ts(rec->at_us, &nulls[6]);
	values[7] = Float8GetDatum(rec->duration_us / 1000.0);
	values[8] = Float8GetDatum(rec->lock_wait_us / 1000.0);
	values[9] = text_or_null(rec->command, &nulls[9]);
	values[10] = CStringGetTextDatum(see ? rec->query : NO_TEXT_PRIVILEGE);
	values[11] = Int64GetDatum(rec->rows);
	nulls[11] = (rec->rows < 0);
	values[12] = text_or_null(see ? rec->plan : (rec->plan[0] ? NO_TEXT_PRIVILEGE : ""),
							  &nulls[12]);
	tuplestore_putvalues(out->rsinfo->setResult, out->rsinfo->setDesc, values, nulls);
}

/* slow_statement_entries(): every statement record, oldest first. */
Datum
slow_statement_entries(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	UkRunFold	fold;
	LiveRuns	live;
	StmtOut		out;
	char	   *buf;
	size_t		len;

	upkeep_patch_require_shmem();
	InitMaterializedSRF(fcinfo, 0);
	fold_log(&fold, &live, &buf, &len);
	out.rsinfo = rsinfo;
	out.fold = &fold;
	PG_TRY();
	{
		for_each_record(buf, len, emit_statement, &out);
	}
	PG_FINALLY();
	{
		uk_run_fold_free(&fold);
	}
	PG_END_TRY();
	pfree(buf);
	return (Datum) 0;
}

/* One row of patch_sessions(). */
typedef struct SessionRow
{
	uint64		run_id;
	int			pid;			/* 0: none (a window run without a statement now) */
	TimestampTz started_at;
	char		name[UK_PATCH_NAME_MAX + 1];
	char		app[UK_PATCH_APP_MAX + 1];
	uint64		statements;
	uint64		slow_statements;
	uint64		lock_wait_us;
	uint64		window_id;
	uint64		parent_run_id;
} SessionRow;

/* The pids of the backends running a statement now (sorted, palloc'd). */
static int *
active_pids(int *n)
{
	int			nbackends = pgstat_fetch_stat_numbackends();
	int		   *pids = palloc(sizeof(int) * Max(nbackends, 1));

	*n = 0;
	for (int i = 1; i <= nbackends; i++)
	{
		LocalPgBackendStatus *l = pgstat_fetch_stat_local_beentry(i);

		if (l != NULL && l->backendStatus.st_state == STATE_RUNNING)
			pids[(*n)++] = l->backendStatus.st_procpid;
	}
	return pids;
}

static bool
pid_in(int pid, const int *pids, int n)
{
	for (int i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

/*
 * The rows of one open window run: a row per backend running a statement
 * for it now -- one that started under it, or, for the innermost run, an
 * active statement of an attributed session that has not reached the
 * executor yet (waiting for a lock in parse analysis) -- else one without
 * a pid.  Caller holds the lock (shared).
 */
static int
window_run_rows(WindowRunSlot *w, uint64 window, bool innermost,
				const int *active, int nactive, SessionRow *rows, int n)
{
	uint64		run = pg_atomic_read_u64(&w->run_id);
	int			first = n;

	for (int i = 0; i <= upkeep_patch_shared->nslots; i++)
	{
		SessionRow *row = &rows[n];

		if (i < upkeep_patch_shared->nslots)
		{
			PatchSlot  *s = &upkeep_patch_shared->slots[i];
			uint64		stmt_run = pg_atomic_read_u64(&s->window_stmt_run);

			if (stmt_run != run &&
				!(innermost && stmt_run == 0 &&
				  pg_atomic_read_u64(&s->window_member) == window &&
				  pid_in(s->window_pid, active, nactive)))
				continue;
			row->pid = s->window_pid;
		}
		else if (n > first)
			break;
		else
			row->pid = 0;
		row->run_id = run;
		row->started_at = w->started_at;
		memcpy(row->name, w->name, sizeof(row->name));
		memcpy(row->app, w->app, sizeof(row->app));
		row->statements = pg_atomic_read_u64(&w->statements);
		row->slow_statements = pg_atomic_read_u64(&w->slow_statements);
		row->lock_wait_us = pg_atomic_read_u64(&w->lock_wait_us);
		row->window_id = window;
		row->parent_run_id = w->parent_run_id;
		n++;
	}
	return n;
}

/*
 * patch_sessions(): the sessions now inside a patch, and the open window
 * patch runs, from shared memory.
 */
Datum
patch_sessions(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	WindowPatchShared *wp;
	SessionRow *rows;
	int			n = 0;
	int			nactive;
	int		   *active;

	upkeep_patch_require_shmem();
	InitMaterializedSRF(fcinfo, 0);
	active = active_pids(&nactive);
	wp = &upkeep_patch_shared->window;
	rows = palloc(sizeof(SessionRow) *
				  (upkeep_patch_shared->nslots * (WINDOW_PATCH_LEVELS + 1) +
				   WINDOW_PATCH_LEVELS));
	LWLockAcquire(upkeep_patch_shared->lock, LW_SHARED);
	for (int i = 0; i < upkeep_patch_shared->nslots; i++)
	{
		PatchSlot  *s = &upkeep_patch_shared->slots[i];
		SessionRow *row = &rows[n];

		if (s->run_id == 0)
			continue;
		row->run_id = s->run_id;
		row->pid = s->pid;
		row->started_at = s->started_at;
		memcpy(row->name, s->name, sizeof(s->name));
		memcpy(row->app, s->app, sizeof(s->app));
		row->statements = pg_atomic_read_u64(&s->statements);
		row->slow_statements = pg_atomic_read_u64(&s->slow_statements);
		row->lock_wait_us = pg_atomic_read_u64(&s->lock_wait_us);
		row->window_id = 0;
		row->parent_run_id = 0;
		n++;
	}
	for (int l = 0; l < wp->depth; l++)
		n = window_run_rows(&wp->levels[l], pg_atomic_read_u64(&wp->runs_window),
							l == wp->depth - 1, active, nactive, rows, n);
	LWLockRelease(upkeep_patch_shared->lock);

	for (int i = 0; i < n; i++)
	{
		Datum		values[10];
		bool		nulls[10] = {0};

		values[0] = Int64GetDatum((int64) rows[i].run_id);
		values[1] = CStringGetTextDatum(rows[i].name);
		values[2] = text_or_null(rows[i].app, &nulls[2]);
		values[3] = Int32GetDatum(rows[i].pid);
		nulls[3] = (rows[i].pid == 0);
		values[4] = TimestampTzGetDatum(rows[i].started_at);
		values[5] = Int64GetDatum((int64) rows[i].statements);
		values[6] = Int64GetDatum((int64) rows[i].slow_statements);
		values[7] = Float8GetDatum(rows[i].lock_wait_us / 1000.0);
		values[8] = Int64GetDatum((int64) rows[i].window_id);
		nulls[8] = (rows[i].window_id == 0);
		values[9] = Int64GetDatum((int64) rows[i].parent_run_id);
		nulls[9] = (rows[i].parent_run_id == 0);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
