/*
 * deadlock.c
 *		Every deadlock, captured as it happens, with all its members.
 *
 * The backend that the deadlock detector picks as the victim raises
 * SQLSTATE 40P01; its report names each member of the cycle ("Process N
 * waits for MODE on TARGET; blocked by process M.") and, in the server-log
 * form of the detail, each member's query.  emit_log_hook copies that
 * text (no catalog access, no allocation: it runs inside error handling).
 * When the victim's transaction or subtransaction has finished aborting,
 * the abort callback completes the record with what can only be known
 * now -- each member's role, application name and patch run, from shared
 * memory -- and appends it to $PGDATA/upkeep/deadlocks.log (logfile.c:
 * fsync'd, bounded by upkeep.deadlock_log_max_size, oldest first).  So a
 * deadlock is recorded exactly once, by its victim, whatever database it
 * happened in, and survives restarts.
 *
 * Names are resolved when the views are read: relation OIDs in the
 * current database become schema-qualified names (elsewhere they stay
 * "relation N of database D"), role OIDs become role names.  The report
 * itself is parsed by libcommon (uk_deadlock.h), which also gives the
 * pattern that upkeep.deadlock_summary groups by.
 *
 * Not seen: a deadlock error caught by a PL/pgSQL EXCEPTION block (never
 * reported), and any error when log_min_messages is above ERROR.
 *
 * The log travels in the WAL (wal_rmgr.c): the record is written from the
 * abort callbacks, where writing WAL is safe, and replayed on standbys.
 *
 * Locking: DeadlockShared->lock protects the log (appends exclusive,
 * readers shared while opening the files); next_id is an atomic.
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_authid.h"
#include "commands/dbcommands.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "storage/shmem.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/backend_status.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "parser/scansup.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"

#include "uk_deadlock.h"
#include "uk_dlog.h"
#include "uk_stmt.h"

#include "compat.h"
#include "upkeep.h"
#include "wal_int.h"

#define DEADLOCK_LOG_FILE		"upkeep/deadlocks.log"
#define DEADLOCK_LOG_OLD_FILE	"upkeep/deadlocks.log.1"
#define NO_TEXT_PRIVILEGE		"<insufficient privilege>"

typedef struct DeadlockShared
{
	LWLock	   *lock;
	pg_atomic_uint64 next_id;
	UpkeepLogShared log;		/* under lock */
} DeadlockShared;

static DeadlockShared *deadlock_shared = NULL;

int			upkeep_deadlock_log_max_kb = 16384;

static UpkeepLog deadlock_log = {
	DEADLOCK_LOG_FILE, DEADLOCK_LOG_OLD_FILE, &upkeep_deadlock_log_max_kb,
	NULL, NULL, -1, 0
};

/* Set by emit_log_hook, consumed by the abort callbacks. */
bool		upkeep_deadlock_pending = false;
static char pending_report[UK_DEADLOCK_REPORT_MAX + 1];
static int64 pending_at_us = 0;

static char line_buf[UK_DLOG_LINE_MAX + 1];

static void redo_id(const char *line, size_t len);

PG_FUNCTION_INFO_V1(deadlock_entries);
PG_FUNCTION_INFO_V1(deadlock_participant_entries);

/* ---------- shared memory ---------- */

Size
upkeep_deadlock_shmem_size(void)
{
	return sizeof(DeadlockShared);
}

typedef struct MaxId
{
	uint64		id;
	char	   *scratch;
	UkDeadlockRec *rec;
} MaxId;

static void
scan_line(const char *line, size_t len, void *arg)
{
	MaxId	   *m = (MaxId *) arg;

	if (m->scratch != NULL && m->rec != NULL &&
		uk_dlog_parse(line, len, m->rec, m->scratch, UK_DLOG_LINE_MAX + 1))
		m->id = Max(m->id, m->rec->deadlock_id);
}

void
upkeep_deadlock_shmem_init(bool found)
{
	MaxId		m = {0, NULL, NULL};
	uint64		bytes;

	deadlock_shared = ShmemInitStruct("upkeep deadlocks",
									  upkeep_deadlock_shmem_size(), &found);
	deadlock_log.shared = &deadlock_shared->log;
	if (found)
		return;

	memset(deadlock_shared, 0, sizeof(DeadlockShared));
	deadlock_shared->lock = &(GetNamedLWLockTranche("upkeep"))[2].lock;
	m.scratch = malloc(UK_DLOG_LINE_MAX + 1);
	m.rec = malloc(sizeof(UkDeadlockRec));
	(void) upkeep_log_scan(DEADLOCK_LOG_OLD_FILE, false, scan_line, &m);
	bytes = upkeep_log_scan(DEADLOCK_LOG_FILE, true, scan_line, &m);
	free(m.scratch);
	free(m.rec);
	pg_atomic_init_u64(&deadlock_shared->next_id, m.id + 1);
	deadlock_shared->log.bytes = bytes;
	deadlock_shared->log.generation = 1;
	upkeep_wal_register_log(UPKEEP_WAL_LOG_DEADLOCK, &deadlock_log,
							deadlock_shared->lock, redo_id);
}

/*
 * A deadlock replayed from the WAL (startup process): ids keep growing
 * past it.  Caller holds deadlock_shared->lock exclusively.
 */
static void
redo_id(const char *line, size_t len)
{
	static char scratch[UK_DLOG_LINE_MAX + 1];
	static UkDeadlockRec rec;
	MaxId		m = {0, scratch, &rec};

	scan_line(line, len, &m);
	if (m.id >= pg_atomic_read_u64(&deadlock_shared->next_id))
		pg_atomic_write_u64(&deadlock_shared->next_id, m.id + 1);
}

/* ---------- capture ---------- */

/*
 * The victim's error: keep the report for the abort callback.  Runs inside
 * error handling: copies only.
 */
void
upkeep_deadlock_emit_log(ErrorData *edata)
{
	const char *text = edata->detail_log != NULL ? edata->detail_log : edata->detail;
	size_t		len;

	if (edata->elevel != ERROR || text == NULL || deadlock_shared == NULL)
		return;
	len = uk_utf8_cut(text, strlen(text), UK_DEADLOCK_REPORT_MAX);
	memcpy(pending_report, text, len);
	pending_report[len] = '\0';
	pending_at_us = TimestampTzToUnixUsecs(GetCurrentTimestamp());
	upkeep_deadlock_pending = true;
}

/* Role and application name of another backend, from its status entry. */
static void
backend_identity(int pid, Oid *roleid, char *appname, size_t cap)
{
	int			n = pgstat_fetch_stat_numbackends();

	for (int i = 1; i <= n; i++)
	{
		LocalPgBackendStatus *local = pgstat_fetch_stat_local_beentry(i);

		if (local != NULL && local->backendStatus.st_procpid == pid)
		{
			*roleid = local->backendStatus.st_userid;
			strlcpy(appname, local->backendStatus.st_appname, cap);
			return;
		}
	}
}

/*
 * Record the pending deadlock.  Called from the abort callbacks of the
 * victim, after the error has been reported: shared memory and files are
 * fine here, the catalogs are not.  Never raises an error.
 */
void
upkeep_deadlock_record(void)
{
	static UkDeadlockRec rec;
	static char appnames[UK_DEADLOCK_MAX_PARTICIPANTS][UK_APPNAME_MAX + 1];
	static char patches[UK_DEADLOCK_MAX_PARTICIPANTS][UK_PATCH_NAME_MAX + 1];
	UkDeadlock	parsed = {0};
	size_t		len;

	upkeep_deadlock_pending = false;
	memset(&rec, 0, sizeof(rec));
	rec.at_us = pending_at_us;
	rec.database_oid = MyDatabaseId;
	rec.victim_pid = MyProcPid;
	rec.report = pending_report;

	/* the members: pids from the report, the rest from shared memory */
	if (uk_deadlock_parse_pg(pending_report, strlen(pending_report), MyProcPid,
							 &parsed, NULL) == UK_OK)
	{
		rec.n = Min(parsed.n, UK_DEADLOCK_MAX_PARTICIPANTS);
		for (size_t i = 0; i < rec.n; i++)
		{
			UkDeadlockMember *m = &rec.members[i];
			int			pid = (int) parsed.participants[i].pid;
			Oid			roleid = InvalidOid;

			appnames[i][0] = '\0';
			patches[i][0] = '\0';
			m->pid = pid;
			if (pid == MyProcPid)
			{
				roleid = GetSessionUserId();
				if (application_name != NULL)
					strlcpy(appnames[i], application_name, sizeof(appnames[i]));
			}
			else
				backend_identity(pid, &roleid, appnames[i], sizeof(appnames[i]));
			m->user_oid = roleid;
			m->application_name = appnames[i];
			m->run_id = upkeep_patch_of_pid(pid, patches[i], sizeof(patches[i]));
			m->patch = patches[i];
		}
		pgstat_clear_backend_activity_snapshot();
	}
	uk_deadlock_free(&parsed);

	rec.deadlock_id = pg_atomic_fetch_add_u64(&deadlock_shared->next_id, 1);
	len = uk_dlog_format(&rec, line_buf, sizeof(line_buf));
	LWLockAcquire(deadlock_shared->lock, LW_EXCLUSIVE);
	(void) upkeep_log_append_locked(&deadlock_log, line_buf, len, true, true);
	LWLockRelease(deadlock_shared->lock);
}

/* ---------- the views ---------- */

typedef struct Resolved
{
	UkDeadlockRec *rec;
	UkDeadlock	parsed;
	bool		parsed_ok;
	char	  **table_names;	/* per participant, NULL when none */
} Resolved;

/* "schema.table" of a relation of this database, or a description. */
static char *
relation_name(uint32 relid, uint32 dbid)
{
	if (dbid == MyDatabaseId && relid != 0)
	{
		char	   *rel = get_rel_name((Oid) relid);

		if (rel != NULL)
		{
			char	   *nsp = get_namespace_name(get_rel_namespace((Oid) relid));

			return psprintf("%s", quote_qualified_identifier(nsp, rel));
		}
	}
	return psprintf("relation %u of database %u", relid, dbid);
}

static bool
may_see_queries_of(Oid roleid)
{
	return superuser() ||
		has_privs_of_role(GetUserId(), ROLE_PG_READ_ALL_STATS) ||
		(OidIsValid(roleid) && has_privs_of_role(GetUserId(), roleid));
}

/* The text of the lock target, with names instead of OIDs where known. */
static char *
target_text(const UkDeadlockParticipant *p, const char *table)
{
	switch (p->target_kind)
	{
		case UK_LOCK_RELATION:
			return psprintf("relation %s", table);
		case UK_LOCK_EXTEND:
			return psprintf("extension of relation %s", table);
		case UK_LOCK_PAGE:
		case UK_LOCK_TUPLE:
			{
				/* keep "tuple (0,3) of " / "page 5 of ", then the name */
				const char *of = strstr(p->lock_target, " of relation ");

				if (of != NULL)
					return psprintf("%.*s of %s", (int) (of - p->lock_target),
									p->lock_target, table);
				return pstrdup(p->lock_target);
			}
		default:
			return pstrdup(p->lock_target);
	}
}

static const char *
member_patch(const UkDeadlockRec *rec, int64 pid, uint64 *run_id)
{
	for (size_t i = 0; i < rec->n; i++)
		if (rec->members[i].pid == pid)
		{
			*run_id = rec->members[i].run_id;
			return rec->members[i].patch;
		}
	*run_id = 0;
	return "";
}

static const UkDeadlockMember *
member_of(const UkDeadlockRec *rec, int64 pid)
{
	for (size_t i = 0; i < rec->n; i++)
		if (rec->members[i].pid == pid)
			return &rec->members[i];
	return NULL;
}

/*
 * The table a member's statement works on (a row lock waits on a
 * transaction, which names no table): resolved in this database when the
 * deadlock happened here, else as written.  NULL if the statement does
 * not say.
 */
static char *
query_table_name(const char *query, uint32 dbid)
{
	UkTableRef	t;
	char	   *schema;
	char	   *name;
	Oid			relid = InvalidOid;

	if (query == NULL || !uk_stmt_main_table(query, strlen(query), &t))
		return NULL;
	/* unquoted identifiers fold to lower case, as the server did */
	schema = t.schema_quoted ? pstrdup(t.schema) :
		downcase_identifier(t.schema, strlen(t.schema), false, false);
	name = t.name_quoted ? pstrdup(t.name) :
		downcase_identifier(t.name, strlen(t.name), false, false);
	if (dbid == MyDatabaseId)
	{
		if (schema[0] != '\0')
		{
			Oid			nsp = get_namespace_oid(schema, true);

			if (OidIsValid(nsp))
				relid = get_relname_relid(name, nsp);
		}
		else
			relid = RelnameGetRelid(name);
	}
	if (OidIsValid(relid))
		return relation_name(relid, dbid);
	return schema[0] != '\0' ? psprintf("%s", quote_qualified_identifier(schema, name)) :
		pstrdup(quote_identifier(name));
}

/* Parse and resolve one record; memory in the current context. */
static void
resolve(Resolved *r)
{
	UkDeadlockRec *rec = r->rec;

	r->parsed_ok = uk_deadlock_parse_pg(rec->report, strlen(rec->report),
										rec->victim_pid, &r->parsed, NULL) == UK_OK;
	r->table_names = palloc0(sizeof(char *) * Max(r->parsed.n, 1));
	if (!r->parsed_ok)
		return;
	for (size_t i = 0; i < r->parsed.n; i++)
	{
		UkDeadlockParticipant *p = &r->parsed.participants[i];

		if (p->target_kind == UK_LOCK_RELATION || p->target_kind == UK_LOCK_EXTEND ||
			p->target_kind == UK_LOCK_PAGE || p->target_kind == UK_LOCK_TUPLE)
			r->table_names[i] = relation_name(p->relation_oid, p->database_oid);
		else
			r->table_names[i] = query_table_name(p->query, rec->database_oid);
	}
}

typedef struct ReadState
{
	ReturnSetInfo *rsinfo;
	bool		participants;	/* which view */
	char	   *scratch;
	UkDeadlockRec *rec;
} ReadState;

static void
emit_deadlock(Resolved *r, ReadState *st)
{
	UkDeadlockRec *rec = r->rec;
	Datum		values[10];
	bool		nulls[10] = {0};
	Datum	   *tables;
	Datum	   *shapes;
	int			ntables = 0;
	int			nshapes = 0;
	char		key[UK_DEADLOCK_KEY_MAX + 1];
	uint64		victim_run;
	const char *victim_patch = member_patch(rec, rec->victim_pid, &victim_run);
	char	   *dbname = get_database_name((Oid) rec->database_oid);

	tables = palloc(sizeof(Datum) * Max(r->parsed.n, 1));
	shapes = palloc(sizeof(Datum) * Max(r->parsed.n, 1));
	for (size_t i = 0; r->parsed_ok && i < r->parsed.n; i++)
	{
		bool		dup = false;
		char		shape[1024];
		const char *q = r->parsed.participants[i].query;

		if (r->table_names[i] != NULL)
		{
			for (int j = 0; j < ntables && !dup; j++)
				dup = strcmp(TextDatumGetCString(tables[j]), r->table_names[i]) == 0;
			if (!dup)
				tables[ntables++] = CStringGetTextDatum(r->table_names[i]);
		}
		if (q != NULL && q[0] != '\0')
		{
			uk_stmt_normalize(q, strlen(q), UK_SQL_POSTGRES, shape, sizeof(shape));
			shapes[nshapes++] = CStringGetTextDatum(shape);
		}
	}
	if (r->parsed_ok)
		uk_deadlock_pattern_key(&r->parsed, (const char *const *) r->table_names,
								key, sizeof(key));
	else
		key[0] = '\0';

	values[0] = Int64GetDatum((int64) rec->deadlock_id);
	values[1] = TimestampTzGetDatum(UnixUsecsToTimestampTz(rec->at_us));
	values[2] = dbname != NULL ? CStringGetTextDatum(dbname) :
		CStringGetTextDatum(psprintf("database %u", rec->database_oid));
	values[3] = Int32GetDatum((int32) rec->victim_pid);
	values[4] = CStringGetTextDatum(victim_patch);
	nulls[4] = victim_patch[0] == '\0';
	values[5] = Int32GetDatum(r->parsed_ok ? (int32) r->parsed.n : 0);
	values[6] = PointerGetDatum(construct_array(tables, ntables, TEXTOID, -1, false,
												TYPALIGN_INT));
	values[7] = PointerGetDatum(construct_array(shapes, nshapes, TEXTOID, -1, false,
												TYPALIGN_INT));
	values[8] = CStringGetTextDatum(key);
	nulls[8] = key[0] == '\0';
	values[9] = CStringGetTextDatum(may_see_queries_of(InvalidOid) ? rec->report :
									NO_TEXT_PRIVILEGE);
	tuplestore_putvalues(st->rsinfo->setResult, st->rsinfo->setDesc, values, nulls);
}

static void
emit_participants(Resolved *r, ReadState *st)
{
	UkDeadlockRec *rec = r->rec;

	for (size_t i = 0; r->parsed_ok && i < r->parsed.n; i++)
	{
		UkDeadlockParticipant *p = &r->parsed.participants[i];
		const UkDeadlockMember *m = member_of(rec, p->pid);
		Datum		values[12];
		bool		nulls[12] = {0};
		Oid			roleid = m != NULL ? (Oid) m->user_oid : InvalidOid;
		char	   *role = OidIsValid(roleid) ? GetUserNameFromId(roleid, true) : NULL;

		values[0] = Int64GetDatum((int64) rec->deadlock_id);
		values[1] = Int32GetDatum((int32) p->pid);
		values[2] = BoolGetDatum(p->is_victim);
		values[3] = role != NULL ? CStringGetTextDatum(role) : (Datum) 0;
		nulls[3] = role == NULL;
		values[4] = m != NULL ? CStringGetTextDatum(m->application_name) : (Datum) 0;
		nulls[4] = m == NULL || m->application_name[0] == '\0';
		values[5] = m != NULL ? CStringGetTextDatum(m->patch) : (Datum) 0;
		nulls[5] = m == NULL || m->patch[0] == '\0';
		values[6] = CStringGetTextDatum(may_see_queries_of(roleid) ? p->query :
										NO_TEXT_PRIVILEGE);
		nulls[6] = p->query[0] == '\0';
		values[7] = CStringGetTextDatum(p->lock_mode);
		values[8] = CStringGetTextDatum(uk_lock_target_kind_name(p->target_kind));
		values[9] = CStringGetTextDatum(target_text(p, r->table_names[i] != NULL ?
													r->table_names[i] : ""));
		values[10] = r->table_names[i] != NULL ? CStringGetTextDatum(r->table_names[i]) : (Datum) 0;
		nulls[10] = r->table_names[i] == NULL;
		values[11] = Int32GetDatum((int32) p->blocked_by);
		nulls[11] = p->blocked_by == 0;
		tuplestore_putvalues(st->rsinfo->setResult, st->rsinfo->setDesc, values, nulls);
	}
}

/* The rows of st->rec; the parsed report (malloc'd) is freed on every path. */
static void
emit_record(ReadState *st)
{
	static Resolved r;			/* static: survives the longjmp of an error */

	memset(&r, 0, sizeof(r));
	r.rec = st->rec;
	PG_TRY();
	{
		resolve(&r);
		if (st->participants)
			emit_participants(&r, st);
		else
			emit_deadlock(&r, st);
	}
	PG_CATCH();
	{
		uk_deadlock_free(&r.parsed);
		PG_RE_THROW();
	}
	PG_END_TRY();
	uk_deadlock_free(&r.parsed);
}

static void
read_deadlocks(FunctionCallInfo fcinfo, bool participants)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ReadState	st;
	char	   *buf;
	size_t		len;
	size_t		from = 0;

	if (deadlock_shared == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("upkeep must be loaded via shared_preload_libraries")));
	InitMaterializedSRF(fcinfo, 0);
	st.rsinfo = rsinfo;
	st.participants = participants;
	st.scratch = palloc(UK_DLOG_LINE_MAX + 1);
	st.rec = palloc(sizeof(UkDeadlockRec));
	buf = upkeep_log_read_all(&deadlock_log, deadlock_shared->lock, &len, NULL, NULL);

	for (size_t i = 0; i < len; i++)
	{
		if (buf[i] != '\n')
			continue;
		if (uk_dlog_parse(buf + from, i - from, st.rec, st.scratch, UK_DLOG_LINE_MAX + 1))
			emit_record(&st);
		from = i + 1;
	}
	pfree(buf);
}

/* deadlock_entries(): one row per captured deadlock, oldest first. */
Datum
deadlock_entries(PG_FUNCTION_ARGS)
{
	read_deadlocks(fcinfo, false);
	return (Datum) 0;
}

/* deadlock_participant_entries(): one row per member of each deadlock. */
Datum
deadlock_participant_entries(PG_FUNCTION_ARGS)
{
	read_deadlocks(fcinfo, true);
	return (Datum) 0;
}
