/*
 * advisor_sql.c
 *		upkeep.index_advice(): the indexes a workload misses, each checked
 *		with the planner itself through hypothetical indexes.
 *
 * The workload (advisor_workload.c) is the queries given, else
 * pg_stat_statements, else the slow statements upkeep captured in patch
 * runs.  Each statement is parsed and analyzed by the server's own parser
 * and its shape read (advisor_parse.c); libcommon's advisor (uk_advisor.h)
 * makes the candidate indexes.  Every candidate is then costed by the real
 * planner with a hypothetical index (advisor_plan.c), and libcommon
 * chooses across the workload from those planner costs.  No statement is
 * run and nothing is written.  See advisor_int.h for how the advisor
 * files fit together.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "advisor_int.h"

/* libcommon's error as an ERROR, the UkError freed first. */
void
upkeep_adv_error(UkError *err)
{
	char		message[sizeof(err->message)];
	bool		nomem = err != NULL && err->code == UK_ERR_NOMEM;

	strlcpy(message, err ? err->message : "unknown error", sizeof(message));
	uk_error_free(err);
	ereport(ERROR,
			(errcode(nomem ? ERRCODE_OUT_OF_MEMORY : ERRCODE_INTERNAL_ERROR),
			 errmsg("index advisor: %s", message)));
}

/* Parse and analyze each statement, read its shape, plan it as it is. */
void
upkeep_adv_prepare(AdvRun *r)
{
	for (int i = 0; i < r->adv.nqueries; i++)
	{
		AdvQuery   *q = &r->adv.queries[i];
		ParseArg	pa = {&r->adv, q, false};
		char	   *msg;

		CHECK_FOR_INTERRUPTS();
		msg = upkeep_adv_guarded(upkeep_adv_parse, &pa);
		if (msg == NULL && !pa.skipped)
			(void) upkeep_adv_cost(&r->adv, q, NULL, &q->base_cost, &msg);
		if (msg != NULL && r->given)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("queries[%d] cannot be planned: %s", i + 1, msg)));
		if (pa.skipped && r->given)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("queries[%d] is not a SELECT, INSERT, UPDATE or DELETE",
							i + 1)));
		if (msg != NULL)
		{
			r->nfailed++;
			if (r->first_error == NULL)
				r->first_error = psprintf("%s, in: %.200s", msg, q->text);
		}
		else if (pa.skipped)
			r->nleft++;
		else
			q->usable = q->weight > 0;
	}
}

/* libcommon's advisor over the usable statements, with built-in costs. */
void
upkeep_adv_create(AdvRun *r)
{
	Advisor    *adv = &r->adv;
	UkAdvTable *utables = palloc0(sizeof(UkAdvTable) * Max(adv->ntables, 1));
	UkAdvWorkload wl;
	UkError    *err = NULL;

	for (int i = 0; i < adv->ntables; i++)
	{
		AdvTable   *t = &adv->tables[i];

		utables[i].schema = t->schema;
		utables[i].name = t->name;
		utables[i].rows = t->rows;
		utables[i].size_bytes = t->size;
		utables[i].row_writes = t->writes;
		utables[i].columns = t->cols;
		utables[i].ncolumns = t->ncols;
		utables[i].indexes = t->indexes;
		utables[i].nindexes = t->nindexes;
		utables[i].visibility_known = true;
		utables[i].visible_frac = t->visible_frac;

		/*
		 * No key length limit (and no column key_bytes): btree's, about a
		 * third of a page per entry, is checked on each entry's values as
		 * it is inserted, not on the declared types (docs/advisor.md).
		 */
		utables[i].max_key_bytes = 0;
		utables[i].max_key_part_bytes = 0;
	}
	r->uqueries = palloc0(sizeof(UkAdvQuery) * Max(adv->nqueries, 1));
	r->qpos = palloc0(sizeof(int) * Max(adv->nqueries, 1));
	for (int i = 0; i < adv->nqueries; i++)
	{
		AdvQuery   *q = &adv->queries[i];
		UkAdvQuery *u = &r->uqueries[r->nuq];

		if (!q->usable)
			continue;
		u->text = q->text;
		u->weight = q->weight;
		u->preds = q->preds;
		u->npreds = q->npreds;
		u->order_by = q->order_by;
		u->norder_by = q->norder_by;
		u->group_by = q->group_by;
		u->ngroup_by = q->ngroup_by;
		u->limit = q->limit;
		u->reads = q->reads;
		u->nreads = q->nreads;
		u->reads_known = true;
		r->qpos[r->nuq++] = i;
	}
	memset(&wl, 0, sizeof(wl));
	wl.engine = UK_ENGINE_POSTGRES;
	wl.tables = utables;
	wl.ntables = adv->ntables;
	wl.queries = r->uqueries;
	wl.nqueries = r->nuq;
	if (uk_advisor_create(&wl, &r->ua, &err) != UK_OK)
		upkeep_adv_error(err);
}

/*
 * A new run of index_advice() or index_advice_optimality(): its memory, and
 * the planner hook on.  The caller turns the hook off in PG_FINALLY.
 */
AdvRun *
upkeep_adv_run_start(FunctionCallInfo fcinfo)
{
	AdvRun	   *r = palloc0(sizeof(AdvRun));

	r->given = !PG_ARGISNULL(0);
	r->adv.cxt = CurrentMemoryContext;
	r->adv.plan_cxt = AllocSetContextCreate(CurrentMemoryContext,
											"upkeep advisor planning",
											ALLOCSET_DEFAULT_SIZES);
	upkeep_adv_hook_on();
	return r;
}

/* The planner's costs: as it is, then with each candidate. */
void
upkeep_adv_set_costs(AdvRun *r)
{
	UkError    *err = NULL;

	for (int k = 0; k < r->nuq; k++)
		if (uk_advisor_set_base_cost(r->ua, k,
									 r->adv.queries[r->qpos[k]].base_cost,
									 &err) != UK_OK)
			upkeep_adv_error(err);
	for (int c = 0; c < uk_advisor_ncandidates(r->ua); c++)
	{
		const UkAdvCandidate *cand = uk_advisor_candidate(r->ua, c);
		HypoIndex	h;

		bool		vacuumed;

		upkeep_adv_hypo_from(&r->adv, cand, &h);

		/*
		 * Covering columns pay off through index-only scans, which visit
		 * the table for pages not all-visible.  On a table mostly not so
		 * (not vacuumed since loaded, say) the candidate is chosen on its
		 * cost once vacuumed, and the reason tells both costs.
		 */
		vacuumed = cand->ninclude > 0 &&
			r->adv.tables[cand->table].visible_frac < UK_ADV_VISIBLE_ENOUGH;
		for (int u = 0; u < cand->nuses; u++)
		{
			int			k = cand->use_queries[u];
			AdvQuery   *q = &r->adv.queries[r->qpos[k]];
			double		cost;
			double		now;

			CHECK_FOR_INTERRUPTS();
			r->nplans++;
			h.all_visible = false;
			/* a failure here leaves the pair at no gain */
			if (!upkeep_adv_cost(&r->adv, q, &h, &cost, NULL))
				continue;
			if (vacuumed)
			{
				now = cost;
				h.all_visible = true;
				r->nplans++;
				if (!upkeep_adv_cost(&r->adv, q, &h, &cost, NULL))
					continue;
				if (uk_advisor_set_cost_now(r->ua, c, k, now, &err) != UK_OK)
					upkeep_adv_error(err);
			}
			if (uk_advisor_set_cost(r->ua, c, k, cost, &err) != UK_OK)
				upkeep_adv_error(err);
		}
	}
}

/* libcommon's choice from the planner's costs, and the rows of the result. */
static void
adv_choose(AdvRun *r, ReturnSetInfo *rsinfo, double min_improvement,
		   int max_indexes)
{
	UkError    *err = NULL;
	UkAdvOptions opts;
	const UkAdvice *advice = NULL;
	int			nadvice = 0;

	upkeep_adv_set_costs(r);
	uk_adv_options_init(&opts);
	opts.max_indexes = max_indexes;
	opts.min_improvement_pct = min_improvement;
	if (uk_advisor_select(r->ua, &opts, &advice, &nadvice, &r->before,
						  &r->after, &err) != UK_OK)
		upkeep_adv_error(err);

	for (int i = 0; i < nadvice; i++)
	{
		const UkAdvice *a = &advice[i];
		Datum		values[12];
		bool		nulls[12] = {0};
		Datum		cols[UK_ADV_MAX_COLUMNS];
		Datum		incl[UK_ADV_MAX_INCLUDE];

		for (int k = 0; k < a->ncolumns; k++)
			cols[k] = CStringGetTextDatum(a->column_names[k]);
		for (int k = 0; k < a->ninclude; k++)
			incl[k] = CStringGetTextDatum(a->include_names[k]);
		values[0] = Int32GetDatum(a->rank);
		values[1] = CStringGetTextDatum(quote_qualified_identifier(a->schema,
																   a->table_name));
		values[2] = PointerGetDatum(construct_array(cols, a->ncolumns, TEXTOID,
													-1, false, TYPALIGN_INT));
		values[3] = CStringGetTextDatum(a->create_statement);
		values[4] = Int64GetDatum((int64) a->est_size_bytes);
		values[5] = Float8GetDatum(round(a->improvement_pct * 10) / 10);
		values[6] = Int32GetDatum(a->nqueries);
		values[7] = CStringGetTextDatum(r->uqueries[a->example_query].text);
		values[8] = CStringGetTextDatum(a->reason);
		values[9] = Float8GetDatum(round(a->cost_before * 100) / 100);
		values[10] = Float8GetDatum(round(a->cost_after * 100) / 100);
		/* 1.5 on; a row type of 1.4 (not yet updated) stops at cost_after */
		values[11] = PointerGetDatum(construct_array(incl, a->ninclude, TEXTOID,
													 -1, false, TYPALIGN_INT));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
}

PG_FUNCTION_INFO_V1(upkeep_index_advice);

Datum
upkeep_index_advice(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	double		min_improvement = PG_ARGISNULL(1) ? 10 : PG_GETARG_FLOAT8(1);
	int			max_indexes = PG_ARGISNULL(2) ? 10 : PG_GETARG_INT32(2);
	AdvRun	   *r;
	StringInfoData detail;

	if (isnan(min_improvement) || min_improvement < 0 || min_improvement > 100)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("min_improvement_pct must be between 0 and 100, not %g",
						min_improvement)));
	if (max_indexes < 1 || max_indexes > 100)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_indexes must be between 1 and 100, not %d",
						max_indexes)));
	InitMaterializedSRF(fcinfo, 0);

	r = upkeep_adv_run_start(fcinfo);
	PG_TRY();
	{
		r->source = upkeep_adv_workload(&r->adv, fcinfo);
		upkeep_adv_prepare(r);
		upkeep_adv_create(r);
		adv_choose(r, rsinfo, min_improvement, max_indexes);
	}
	PG_FINALLY();
	{
		uk_advisor_free(r->ua);
		upkeep_adv_hook_off();
	}
	PG_END_TRY();

	initStringInfo(&detail);
	if (r->nfailed > 0 || r->nleft > 0)
		appendStringInfo(&detail,
						 "%d statements could not be planned and %d are not queries an index serves%s%s.",
						 r->nfailed, r->nleft,
						 r->first_error ? "; the first error: " : "",
						 r->first_error ? r->first_error : "");
	if (r->adv.nforeign > 0)
		appendStringInfo(&detail,
						 "%s%d statements of roles that %s may not SET ROLE to were left out.",
						 detail.len > 0 ? " " : "", r->adv.nforeign,
						 GetUserNameFromId(GetUserId(), false));
	ereport(NOTICE,
			(errmsg("index advice from %s: %d statements planned, %d plans with a hypothetical index; workload cost %.0f, %.0f with the advice (%.1f%% less)",
					r->source, r->nuq, r->nplans, r->before, r->after,
					r->before > 0 ? 100.0 * (r->before - r->after) / r->before : 0.0),
			 detail.len > 0 ? errdetail("%s", detail.data) : 0));
	MemoryContextDelete(r->adv.plan_cxt);
	return (Datum) 0;
}
