/*
 * advisor_optimality.c
 *		upkeep.index_advice_optimality(): how far upkeep.index_advice() is
 *		from the best possible set of indexes for the same workload.
 *
 * The call does what index_advice() does (advisor_sql.c: the same
 * workload, the same candidates, each costed by the planner with a
 * hypothetical index), then has libcommon search every subset of the
 * candidates within max_indexes under those same costs
 * (uk_advisor_best_subset(): per query the best member's planner cost on
 * each table, plus the write penalties).  It returns the workload's cost
 * with no new index, with the advice and with the best subset, and the
 * share of the best saving that the advice gets.  Nothing is created.
 * bench/advisor_optimality.sh prints it for several workloads.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "advisor_int.h"

#define OPT_NCOLS 10

/* "table(a, b DESC)" of candidate i */
static Datum
candidate_text(AdvRun *r, int i)
{
	const UkAdvCandidate *c = uk_advisor_candidate(r->ua, i);
	AdvTable   *t = &r->adv.tables[c->table];
	StringInfoData s;

	initStringInfo(&s);
	appendStringInfo(&s, "%s(", quote_qualified_identifier(t->schema, t->name));
	for (int k = 0; k < c->ncolumns; k++)
		appendStringInfo(&s, "%s%s%s", k ? ", " : "",
						 quote_identifier(t->cols[c->columns[k]].name),
						 c->desc[k] ? " DESC" : "");
	appendStringInfoChar(&s, ')');
	return CStringGetTextDatum(s.data);
}

static Datum
text_array(Datum *elems, int n)
{
	return PointerGetDatum(construct_array(elems, n, TEXTOID, -1, false,
										   TYPALIGN_INT));
}

/*
 * The advice and the best subset of one call, into the result's values
 * (OPT_NCOLS of them).  r->ua is the caller's to free, even on error.
 */
static void
opt_run(AdvRun *r, FunctionCallInfo fcinfo, double min_improvement,
		int max_indexes, int64 max_subsets, Datum *values, bool *nulls)
{
	UkAdvBest	best;
	UkError    *err = NULL;
	UkAdvOptions opts;
	const UkAdvice *advice;
	int			nadvice;
	Datum	   *adv_names;
	Datum	   *best_names;

	r->source = upkeep_adv_workload(&r->adv, fcinfo);
	upkeep_adv_prepare(r);
	upkeep_adv_create(r);
	upkeep_adv_set_costs(r);
	uk_adv_options_init(&opts);
	opts.max_indexes = max_indexes;
	opts.min_improvement_pct = min_improvement;
	if (uk_advisor_select(r->ua, &opts, &advice, &nadvice, &r->before,
						  &r->after, &err) != UK_OK ||
		uk_advisor_best_subset(r->ua, &opts, (double) max_subsets, &best,
							   &err) != UK_OK)
		upkeep_adv_error(err);

	adv_names = palloc(sizeof(Datum) * Max(nadvice, 1));
	for (int i = 0; i < nadvice; i++)
	{
		StringInfoData s;

		initStringInfo(&s);
		appendStringInfo(&s, "%s(", quote_qualified_identifier(advice[i].schema[0] ?
																		advice[i].schema : NULL,
																		advice[i].table_name));
		for (int k = 0; k < advice[i].ncolumns; k++)
			appendStringInfo(&s, "%s%s%s", k ? ", " : "",
							 quote_identifier(advice[i].column_names[k]),
							 advice[i].desc[k] ? " DESC" : "");
		appendStringInfoChar(&s, ')');
		adv_names[i] = CStringGetTextDatum(s.data);
	}
	best_names = palloc(sizeof(Datum) * Max(best.nbest, 1));
	for (int i = 0; i < best.nbest; i++)
		best_names[i] = candidate_text(r, best.best[i]);

	values[0] = Int32GetDatum(uk_advisor_ncandidates(r->ua));
	values[1] = Int32GetDatum(best.nconsidered);
	values[2] = Int64GetDatum((int64) best.nodes);
	values[3] = BoolGetDatum(best.complete);
	values[4] = Float8GetDatum(best.cost_none);
	values[5] = Float8GetDatum(best.cost_advice);
	values[6] = Float8GetDatum(best.cost_best);
	values[7] = text_array(adv_names, nadvice);
	values[8] = text_array(best_names, best.nbest);
	if (best.cost_none - best.cost_best > 0)
		values[9] = Float8GetDatum((best.cost_none - best.cost_advice) /
								   (best.cost_none - best.cost_best));
	else
		nulls[9] = true;	/* no subset saves anything */
}

PG_FUNCTION_INFO_V1(upkeep_index_advice_optimality);

Datum
upkeep_index_advice_optimality(PG_FUNCTION_ARGS)
{
	double		min_improvement = PG_ARGISNULL(1) ? 10 : PG_GETARG_FLOAT8(1);
	int			max_indexes = PG_ARGISNULL(2) ? 10 : PG_GETARG_INT32(2);
	int64		max_subsets = PG_ARGISNULL(3) ? 10000000 : PG_GETARG_INT64(3);
	TupleDesc	tupdesc;
	Datum		values[OPT_NCOLS];
	bool		nulls[OPT_NCOLS] = {0};
	AdvRun	   *r;

	if (isnan(min_improvement) || min_improvement < 0 || min_improvement > 100)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("min_improvement_pct must be between 0 and 100, not %g",
						min_improvement)));
	if (max_indexes < 1 || max_indexes > UK_ADV_BEST_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_indexes must be between 1 and %d, not %d",
						UK_ADV_BEST_MAX, max_indexes)));
	if (max_subsets < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_subsets must not be negative")));
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");

	r = upkeep_adv_run_start(fcinfo);
	PG_TRY();
	{
		opt_run(r, fcinfo, min_improvement, max_indexes, max_subsets, values,
				nulls);
	}
	PG_FINALLY();
	{
		uk_advisor_free(r->ua);
		r->ua = NULL;
		upkeep_adv_hook_off();
	}
	PG_END_TRY();
	MemoryContextDelete(r->adv.plan_cxt);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}
