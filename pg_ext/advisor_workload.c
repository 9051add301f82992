/*
 * advisor_workload.c
 *		upkeep.index_advice(): reading the workload -- the queries given,
 *		else pg_stat_statements, else the slow statements upkeep captured in
 *		patch runs.
 *
 * Security: the caller may be anyone granted EXECUTE.  The workload is
 * read with search_path set to "pg_catalog, pg_temp" and catalog names
 * qualified, so the caller's own objects (temporary views named like a
 * catalog, operators in a schema of theirs) cannot change what is read;
 * a statement's role is looked up by name in the catalog cache.  A
 * statement is kept only if the caller could SET ROLE to its role (a
 * member of it, or a superuser); the others are left out and counted in
 * the NOTICE.  See advisor_int.h for how the advisor files fit together.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "advisor_int.h"

/* At most this many statements are read from pg_stat_statements. */
#define ADV_MAX_STATEMENTS 1000


static void
adv_add_query(Advisor *adv, int *cap, const char *text, double weight,
			  Oid userid)
{
	AdvQuery   *q;

	if (adv->nqueries == *cap)
	{
		*cap = Max(*cap * 2, 16);
		adv->queries = adv->queries == NULL ?
			MemoryContextAllocZero(adv->cxt, sizeof(AdvQuery) * *cap) :
			repalloc(adv->queries, sizeof(AdvQuery) * *cap);
	}
	q = &adv->queries[adv->nqueries++];
	memset(q, 0, sizeof(*q));
	q->text = MemoryContextStrdup(adv->cxt, text);
	q->weight = weight;
	q->userid = userid;
}

/*
 * The calls of pg_stat_statements count from its last reset, the table
 * writes from the database's: scale the writes to the calls' period,
 * taking both as steady (a database never reset counts from the server's
 * start).  pgss: the quoted schema of pg_stat_statements.
 */
static void
adv_read_write_scale(Advisor *adv, const char *pgss)
{
	char	   *q;
	bool		isnull;
	Datum		d;

	adv->write_scale = 1;
	q = psprintf("SELECT least(1, extract(epoch FROM now() - i.stats_reset) / "
				 "nullif(extract(epoch FROM now() - coalesce(d.stats_reset, "
				 "pg_postmaster_start_time())), 0))::float8 "
				 "FROM %s.pg_stat_statements_info i, pg_catalog.pg_stat_database d "
				 "WHERE d.datname = current_database()", pgss);
	if (SPI_execute(q, true, 1) == SPI_OK_SELECT && SPI_processed == 1)
	{
		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
		if (!isnull && DatumGetFloat8(d) >= 0)
			adv->write_scale = DatumGetFloat8(d);
	}
}

/*
 * The workload: from upkeep's slow statements when schema (upkeep's) is
 * given, else from pg_stat_statements of this database: the statements
 * with the most execution time, weighted by their calls.  NULL when the
 * source is not there.  Statements of roles the caller may not SET ROLE
 * to are only counted (adv->nforeign).  The caller has set a safe
 * search_path (upkeep_adv_workload()).
 */
static const char *
adv_read_statements(Advisor *adv, int *cap, const char *schema)
{
	StringInfoData sql;
	int			ret;

	initStringInfo(&sql);
	if (schema != NULL)
		appendStringInfo(&sql,
						 "SELECT query, count(*)::float8, username "
						 "FROM %s.slow_statements "
						 "WHERE database = current_database() AND command IN "
						 "('SELECT', 'UPDATE', 'DELETE', 'INSERT') "
						 "GROUP BY query, username ORDER BY sum(duration_ms) DESC LIMIT %d",
						 quote_identifier(schema), ADV_MAX_STATEMENTS);
	else
	{
		char	   *pgss;

		ret = SPI_execute("SELECT n.nspname FROM pg_catalog.pg_extension e "
						  "JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace "
						  "WHERE e.extname = 'pg_stat_statements'", true, 1);
		if (ret != SPI_OK_SELECT || SPI_processed == 0)
			return NULL;
		pgss = pstrdup(quote_identifier(SPI_getvalue(SPI_tuptable->vals[0],
													 SPI_tuptable->tupdesc, 1)));
		adv_read_write_scale(adv, pgss);
		appendStringInfo(&sql,
						 "SELECT query, calls::float8, userid FROM %s.pg_stat_statements "
						 "WHERE dbid = (SELECT oid FROM pg_catalog.pg_database "
						 "WHERE datname = current_database()) AND toplevel "
						 "AND calls > 0 AND query ~* '^\\s*(select|with|update|delete|insert)\\M' "
						 "ORDER BY total_exec_time DESC LIMIT %d",
						 pgss, ADV_MAX_STATEMENTS);
	}
	ret = SPI_execute(sql.data, true, 0);
	/* SPI_execute() leaves SPI's own context current: read into ours */
	MemoryContextSwitchTo(adv->cxt);
	if (ret != SPI_OK_SELECT)
		return NULL;
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		bool		isnull;
		char	   *text = SPI_getvalue(SPI_tuptable->vals[i],
										SPI_tuptable->tupdesc, 1);
		Datum		calls = SPI_getbinval(SPI_tuptable->vals[i],
										  SPI_tuptable->tupdesc, 2, &isnull);
		Oid			userid = InvalidOid;

		if (schema != NULL)
		{
			char	   *username = SPI_getvalue(SPI_tuptable->vals[i],
												SPI_tuptable->tupdesc, 3);

			if (username != NULL)
				userid = get_role_oid(username, true);
		}
		else
		{
			bool		nouser;
			Datum		user = SPI_getbinval(SPI_tuptable->vals[i],
											 SPI_tuptable->tupdesc, 3, &nouser);

			if (!nouser)
				userid = DatumGetObjectId(user);
		}
		if (text == NULL || isnull || !OidIsValid(userid))
			continue;
		/* never plan as a role the caller could not become */
		if (!is_member_of_role(GetUserId(), userid))
		{
			adv->nforeign++;
			continue;
		}
		adv_add_query(adv, cap, text, DatumGetFloat8(calls), userid);
	}
	return "";
}

typedef struct ReadArg
{
	Advisor    *adv;
	int		   *cap;
	const char *schema;
	const char *found;
} ReadArg;

static void
adv_read_guarded(void *arg)
{
	ReadArg    *ra = arg;

	ra->found = adv_read_statements(ra->adv, ra->cap, ra->schema);
}

/* Read the workload into adv; returns where it came from. */
const char *
upkeep_adv_workload(Advisor *adv, FunctionCallInfo fcinfo)
{
	int			cap = 0;
	ReadArg		ra = {adv, &cap, NULL, NULL};
	const char *source;
	MemoryContext cxt = CurrentMemoryContext;
	int			nestlevel;

	if (!PG_ARGISNULL(0))
	{
		ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
		Datum	   *elems;
		bool	   *nulls;
		int			n;

		if (ARR_NDIM(arr) > 1)
			ereport(ERROR,
					(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
					 errmsg("queries must be a one-dimensional array")));
		deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT,
						  &elems, &nulls, &n);
		if (n == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("queries is empty"),
					 errhint("Pass NULL to advise on pg_stat_statements or on the captured slow statements.")));
		for (int i = 0; i < n; i++)
		{
			if (nulls[i])
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("queries[%d] is NULL", i + 1)));
			adv_add_query(adv, &cap, TextDatumGetCString(elems[i]), 1,
						  GetUserId());
		}
		return "the queries given";
	}

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	/* what is read must outlive SPI_finish() */
	MemoryContextSwitchTo(cxt);

	/*
	 * Nothing of the caller's may stand in for a catalog, an operator or a
	 * function: pg_temp last, as it is otherwise searched first.
	 */
	nestlevel = NewGUCNestLevel();
	(void) set_config_option("search_path", "pg_catalog, pg_temp",
							 PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE,
							 true, 0, false);
	/* calls and table writes both count from their last reset */
	adv->count_writes = true;
	source = "pg_stat_statements";
	/* installed but not loaded is an error: then fall back */
	if (upkeep_adv_guarded(adv_read_guarded, &ra) != NULL || ra.found == NULL ||
		adv->nqueries == 0)
	{
		adv->count_writes = false;
		adv->nqueries = 0;
		ra.schema = get_namespace_name(get_func_namespace(fcinfo->flinfo->fn_oid));
		ra.found = NULL;
		adv->nforeign = 0;
		(void) upkeep_adv_guarded(adv_read_guarded, &ra);
		source = "upkeep.slow_statements";
	}
	AtEOXact_GUC(true, nestlevel);
	SPI_finish();
	MemoryContextSwitchTo(cxt);
	return source;
}
