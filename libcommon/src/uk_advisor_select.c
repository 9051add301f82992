/*
 * uk_advisor_select.c
 *		The index advisor's choice across the workload, and the advice
 *		built from it (see uk_advisor.h, uk_advisor_int.h).
 *
 * Selection is greedy on net benefit (the saving of the workload minus the
 * write penalty), where a query's saving on a table is the best of the
 * chosen indexes on it, never their sum.  A candidate that extends a
 * chosen index (the chosen one is its leading prefix) replaces it instead
 * of taking another place, so "(a)" chosen early can grow to "(a, b)".
 * Covering columns are added the same way and only so: a covering
 * candidate may only replace a chosen index on a prefix of its keys, so it
 * must cut the cost its keys alone leave by min_improvement_pct.
 * Costs are the built-in ones or the caller's (uk_advisor_base_cost()).
 *
 * The advice and its strings are the advisor's: a->advice is malloc'd and
 * its strings come from a->advice_arena, both replaced by every call.
 */
#include <stdlib.h>
#include <string.h>

#include "uk_advisor_int.h"

/* most chosen indexes tidy_orders() reorders (max_indexes is far less) */
#define UK_ADV_REPLAY_MAX 1024

#define REASON_MAX 800

/* ---------------------------------------------------------------------
 * Selection
 * --------------------------------------------------------------------- */

/* Saving of use u of candidate c, per execution. */
double
uk_adv_use_saving(const UkAdvisor *a, const Cand *c, int u)
{
	double		base = uk_advisor_base_cost(a, c->use_queries[u]);

	if (a->caller_costs && !c->use_set[u])
		return 0;
	return d_max(0.0, base - c->use_costs[u]);
}

/* Is column col among c's covering columns? */
static bool
carries(const Cand *c, int col)
{
	int			i;

	for (i = 0; i < c->pub.ninclude; i++)
		if (c->pub.include[i] == col)
			return true;
	return false;
}

/*
 * Is chosen candidate s a leading prefix of c (same table and order)?
 * With covering columns: s carries none and its keys lead c's (equal keys
 * included), or s has c's keys and carries fewer of c's columns.
 */
static bool
is_prefix_of(const Cand *s, const Cand *c)
{
	int			i;

	if (s->pub.table != c->pub.table || s->pub.ncolumns > c->pub.ncolumns)
		return false;
	for (i = 0; i < s->pub.ncolumns; i++)
		if (s->pub.columns[i] != c->pub.columns[i] || s->pub.desc[i] != c->pub.desc[i])
			return false;
	if (s->pub.ninclude == 0)
		return s->pub.ncolumns < c->pub.ncolumns || c->pub.ninclude > 0;
	if (s->pub.ncolumns != c->pub.ncolumns || s->pub.ninclude >= c->pub.ninclude)
		return false;
	for (i = 0; i < s->pub.ninclude; i++)
		if (!carries(c, s->pub.include[i]))
			return false;
	return true;
}

typedef struct SelState
{
	double	   *save;			/* per slot: best saving so far */
	int		   *best;			/* per slot: chosen candidate giving it, -1 */
	double	   *qcost;			/* per query: current cost */
	int		   *chosen;			/* candidate per place */
	int			nchosen;
	bool	   *is_chosen;		/* per candidate */
} SelState;

/*
 * Value of adding candidate ci now: gain (weighted saving), the weighted
 * current cost of the queries it helps, and the chosen place it would take
 * over (-1 for a new place).
 */
static void
evaluate(const UkAdvisor *a, const SelState *ss, int ci, double *gain,
		 double *helped_cost, int *replaces)
{
	const Cand *c = &a->cands[ci];
	int			u;
	int			p;

	*gain = 0;
	*helped_cost = 0;
	*replaces = -1;
	for (p = 0; p < ss->nchosen; p++)
		if (is_prefix_of(&a->cands[ss->chosen[p]], c) &&
			(*replaces < 0 ||
			 a->cands[ss->chosen[p]].pub.ncolumns >
			 a->cands[ss->chosen[*replaces]].pub.ncolumns))
			*replaces = p;
	for (u = 0; u < c->pub.nuses; u++)
	{
		int			slot = c->use_slots[u];
		const Query *q = &a->queries[c->use_queries[u]];
		double		d = uk_adv_use_saving(a, c, u) - ss->save[slot];

		/* where the replaced index was the best, a loss counts too */
		if (d > 0 || (*replaces >= 0 && ss->best[slot] == ss->chosen[*replaces]))
		{
			*gain += q->weight * d;
			if (d > 0)
				*helped_cost += q->weight * ss->qcost[c->use_queries[u]];
		}
	}
}

static void
apply_choice(const UkAdvisor *a, SelState *ss, int ci, int replaces)
{
	const Cand *c = &a->cands[ci];
	int			old = replaces >= 0 ? ss->chosen[replaces] : -1;
	int			u;

	if (replaces >= 0)
	{
		ss->chosen[replaces] = ci;
		ss->is_chosen[old] = false;
	}
	else
		ss->chosen[ss->nchosen++] = ci;
	ss->is_chosen[ci] = true;
	for (u = 0; u < c->pub.nuses; u++)
	{
		int			slot = c->use_slots[u];
		double		sv = uk_adv_use_saving(a, c, u);

		if (sv > ss->save[slot] || (old >= 0 && ss->best[slot] == old))
		{
			ss->qcost[c->use_queries[u]] += ss->save[slot] - sv;
			ss->save[slot] = sv;
			ss->best[slot] = ci;
		}
	}
}

/* Start the state over and apply chosen[0..n) as new places. */
static void
replay(const UkAdvisor *a, SelState *ss, const int *chosen, int n)
{
	int			keep[UK_ADV_REPLAY_MAX];
	int			i;

	memcpy(keep, chosen, sizeof(int) * (size_t) n);
	for (i = 0; i < a->nslots; i++)
	{
		ss->save[i] = 0;
		ss->best[i] = -1;
	}
	for (i = 0; i < a->nqueries; i++)
		ss->qcost[i] = uk_advisor_base_cost(a, i);
	for (i = 0; i < a->ncands; i++)
		ss->is_chosen[i] = false;
	ss->nchosen = 0;
	for (i = 0; i < n; i++)
		apply_choice(a, ss, keep[i], -1);
}

static double
state_total(const UkAdvisor *a, const SelState *ss)
{
	double		t = 0;
	int			i;

	for (i = 0; i < a->nqueries; i++)
		t += a->queries[i].weight * d_max(0.0, ss->qcost[i]);
	return t;
}

/* Do candidates x and y have the same columns, in any order? */
static bool
same_columns(const Cand *x, const Cand *y)
{
	int			i;
	int			j;

	if (x->pub.table != y->pub.table || x->pub.ncolumns != y->pub.ncolumns ||
		x->pub.ninclude != y->pub.ninclude)
		return false;
	for (i = 0; i < x->pub.ninclude; i++)
		if (x->pub.include[i] != y->pub.include[i])
			return false;
	for (i = 0; i < x->pub.ncolumns; i++)
	{
		for (j = 0; j < y->pub.ncolumns; j++)
			if (x->pub.columns[i] == y->pub.columns[j])
				break;
		if (j == y->pub.ncolumns)
			return false;
	}
	return true;
}

/*
 * After the greedy choice: where the same columns in another order serve
 * the workload as well (within a hair), lead with the column that has the
 * most distinct values.  The greedy step may have taken (location_id,
 * product_id) for a moment when it also served a GROUP BY that a later
 * index took over; (product_id, location_id) is then what a DBA expects.
 */
static void
tidy_orders(const UkAdvisor *a, SelState *ss)
{
	int			chosen[UK_ADV_REPLAY_MAX];
	int			n = ss->nchosen;
	int			p;
	int			j;
	double		total;

	if (n <= 0 || n > UK_ADV_REPLAY_MAX)
		return;
	memcpy(chosen, ss->chosen, sizeof(int) * (size_t) n);
	total = state_total(a, ss);
	for (p = 0; p < n; p++)
	{
		const Cand *c = &a->cands[chosen[p]];
		const Table *t = &a->tables[c->pub.table];

		for (j = 0; j < a->ncands; j++)
		{
			const Cand *o = &a->cands[j];
			int			was = chosen[p];
			double		tt;
			int			k;
			bool		dup = false;

			if (ss->is_chosen[j] || !same_columns(c, o) ||
				uk_adv_col_distinct(t, o->pub.columns[0]) <=
				uk_adv_col_distinct(t, c->pub.columns[0]))
				continue;
			for (k = 0; k < n; k++)
				dup = dup || chosen[k] == j;
			if (dup)
				continue;
			chosen[p] = j;
			replay(a, ss, chosen, n);
			tt = state_total(a, ss);
			if (tt <= total * (1 + 1e-4) + 1e-9)
			{
				total = tt;
				c = o;
				continue;
			}
			chosen[p] = was;
			replay(a, ss, chosen, n);
		}
	}
}

static int
cmp_advice(const void *x, const void *y)
{
	const UkAdvice *p = x;
	const UkAdvice *q = y;
	double		gp = p->cost_before - p->cost_after;
	double		gq = q->cost_before - q->cost_after;

	if (gp != gq)
		return gp > gq ? -1 : 1;
	return p->rank - q->rank;
}

/* Fill a->advice from the chosen places. */
static UkStatus
build_advice(UkAdvisor *a, SelState *ss, double total)
{
	double	   *bsave = malloc(sizeof(double) * (size_t) (a->nslots + 1));
	int		   *bidx = malloc(sizeof(int) * (size_t) (a->nslots + 1));
	int			p;
	int			i;

	if (bsave == NULL || bidx == NULL)
	{
		free(bsave);
		free(bidx);
		return UK_ERR_NOMEM;
	}
	/* the best chosen index of every slot, exactly */
	for (i = 0; i < a->nslots; i++)
	{
		bsave[i] = 0;
		bidx[i] = -1;
	}
	for (p = 0; p < ss->nchosen; p++)
	{
		const Cand *c = &a->cands[ss->chosen[p]];
		int			u;
		int			o;

		/* a chosen prefix of another chosen index adds nothing: merged */
		for (o = 0; o < ss->nchosen; o++)
			if (is_prefix_of(c, &a->cands[ss->chosen[o]]))
				break;
		if (o < ss->nchosen)
			continue;
		for (u = 0; u < c->pub.nuses; u++)
		{
			double		sv = uk_adv_use_saving(a, c, u);

			if (sv > bsave[c->use_slots[u]])
			{
				bsave[c->use_slots[u]] = sv;
				bidx[c->use_slots[u]] = p;
			}
		}
	}
	a->advice = calloc((size_t) (ss->nchosen + 1), sizeof(UkAdvice));
	a->advice_cand = calloc((size_t) (ss->nchosen + 1), sizeof(int));
	if (a->advice == NULL || a->advice_cand == NULL)
	{
		free(bsave);
		free(bidx);
		return UK_ERR_NOMEM;
	}
	for (p = 0; p < ss->nchosen; p++)
	{
		const Cand *c = &a->cands[ss->chosen[p]];
		const Table *t = &a->tables[c->pub.table];
		UkAdvice   *ad = &a->advice[a->nadvice];
		const char *names[UK_ADV_MAX_COLUMNS + UK_ADV_MAX_INCLUDE];
		bool		desc[UK_ADV_MAX_COLUMNS + UK_ADV_MAX_INCLUDE];
		int			nkeys = c->pub.ncolumns;
		int			ninc = c->pub.ninclude;
		char		name[UK_INDEX_NAME_BUF];
		char	   *stmt;
		char	   *reason;
		size_t		len;
		int			ex_slot = -1;
		int			u;

		ad->rank = p + 1;
		a->advice_cand[a->nadvice] = ss->chosen[p];
		ad->table = c->pub.table;
		ad->schema = t->schema;
		ad->table_name = t->name;
		ad->ncolumns = c->pub.ncolumns;
		ad->est_size_bytes = c->pub.size_bytes;
		ad->example_query = -1;
		for (i = 0; i < c->pub.ncolumns; i++)
		{
			ad->columns[i] = c->pub.columns[i];
			ad->desc[i] = desc[i] = c->pub.desc[i];
			ad->column_names[i] = names[i] = t->cols[c->pub.columns[i]].name;
		}
		/* covering columns: PostgreSQL INCLUDE, MariaDB trailing keys */
		ad->ncovering = ninc;
		for (i = 0; i < ninc; i++)
		{
			names[nkeys + i] = t->cols[c->pub.include[i]].name;
			desc[nkeys + i] = false;
			if (a->engine == UK_ENGINE_MARIADB)
			{
				ad->columns[nkeys + i] = c->pub.include[i];
				ad->desc[nkeys + i] = false;
				ad->column_names[nkeys + i] = names[nkeys + i];
			}
			else
			{
				ad->include[i] = c->pub.include[i];
				ad->include_names[i] = names[nkeys + i];
			}
		}
		if (a->engine == UK_ENGINE_MARIADB)
		{
			ad->ncolumns = nkeys + ninc;
			nkeys += ninc;
			ninc = 0;
		}
		else
			ad->ninclude = ninc;
		ad->needs_vacuum = ad->ninclude > 0 && t->visibility_known &&
			t->visible_frac < UK_ADV_VISIBLE_ENOUGH;
		for (u = 0; u < c->pub.nuses; u++)
		{
			int			slot = c->use_slots[u];
			int			q = c->use_queries[u];
			double		w = a->queries[q].weight;

			if (bidx[slot] != p || bsave[slot] <= 0)
				continue;
			ad->nqueries++;
			ad->cost_before += w * uk_advisor_base_cost(a, q);
			ad->cost_after += w * (uk_advisor_base_cost(a, q) - bsave[slot]);
			if (ex_slot < 0 || w > a->queries[ad->example_query].weight)
			{
				ex_slot = slot;
				ad->example_query = q;
			}
		}
		if (ad->nqueries == 0)
			continue;			/* every query it served has a better one */
		ad->cost_after = d_max(0.0, ad->cost_after);
		ad->improvement_pct = ad->cost_before > 0 ?
			100 * (ad->cost_before - ad->cost_after) / ad->cost_before : 0;
		ad->workload_pct = total > 0 ?
			100 * (ad->cost_before - ad->cost_after) / total : 0;

		uk_index_name(a->engine, t->name, names, nkeys + ninc, name, sizeof(name));
		len = uk_index_create_statement_include(a->engine, t->schema, t->name,
												name, names, desc, nkeys,
												names + nkeys, ninc, NULL, 0);
		stmt = uk_adv_arena_alloc(&a->advice_arena, len + 1);
		reason = uk_adv_arena_alloc(&a->advice_arena, REASON_MAX);
		ad->index_name = uk_adv_arena_strdup(&a->advice_arena, name);
		if (stmt == NULL || reason == NULL || ad->index_name == NULL)
		{
			free(bsave);
			free(bidx);
			return UK_ERR_NOMEM;
		}
		uk_index_create_statement_include(a->engine, t->schema, t->name, name,
										  names, desc, nkeys, names + nkeys,
										  ninc, stmt, len + 1);
		ad->create_statement = stmt;
		uk_adv_explain(a, c, &a->slots[ex_slot], ad->nqueries, reason, REASON_MAX);
		ad->reason = reason;
		a->nadvice++;
	}
	free(bsave);
	free(bidx);
	qsort(a->advice, (size_t) a->nadvice, sizeof(UkAdvice), cmp_advice);
	for (i = 0; i < a->nadvice; i++)
		a->advice[i].rank = i + 1;
	return UK_OK;
}

void
uk_adv_options_init(UkAdvOptions *opts)
{
	opts->max_indexes = 10;
	opts->min_improvement_pct = 10;
	opts->min_workload_pct = 0.1;
	opts->write_cost_factor = 1;
}

UkStatus
uk_advisor_select(UkAdvisor *a, const UkAdvOptions *opts,
				  const UkAdvice **advice, int *n, double *before,
				  double *after, UkError **err)
{
	SelState	ss;
	double		total = 0;
	int			iter;
	int			max_iter;
	int			i;
	UkStatus	st;

	if (a == NULL || opts == NULL || advice == NULL || n == NULL)
		return uk_error_set(err, UK_ERR_INVALID, 0, "bad arguments");
	if (opts->max_indexes < 0 || !finite_nonneg(opts->min_improvement_pct) ||
		opts->min_improvement_pct > 100 || !finite_nonneg(opts->min_workload_pct) ||
		opts->min_workload_pct > 100 || !finite_nonneg(opts->write_cost_factor))
		return uk_error_set(err, UK_ERR_INVALID, 0,
							"max_indexes must not be negative, percentages must be between 0 and 100 and write_cost_factor not negative");
	free(a->advice);
	free(a->advice_cand);
	a->advice_cand = NULL;
	a->advice = NULL;
	a->nadvice = 0;
	uk_adv_arena_free(&a->advice_arena);
	*advice = NULL;
	*n = 0;

	memset(&ss, 0, sizeof(ss));
	ss.save = calloc((size_t) a->nslots + 1, sizeof(double));
	ss.best = malloc(sizeof(int) * ((size_t) a->nslots + 1));
	ss.qcost = calloc((size_t) a->nqueries + 1, sizeof(double));
	ss.chosen = malloc(sizeof(int) * ((size_t) opts->max_indexes + 1));
	ss.is_chosen = calloc((size_t) a->ncands + 1, sizeof(bool));
	if (ss.save == NULL || ss.best == NULL || ss.qcost == NULL ||
		ss.chosen == NULL || ss.is_chosen == NULL)
	{
		st = uk_error_set(err, UK_ERR_NOMEM, 0, "out of memory");
		goto done;
	}
	for (i = 0; i < a->nslots; i++)
		ss.best[i] = -1;
	for (i = 0; i < a->nqueries; i++)
	{
		ss.qcost[i] = uk_advisor_base_cost(a, i);
		total += a->queries[i].weight * ss.qcost[i];
	}

	/* each place grows at most UK_ADV_MAX_COLUMNS - 1 times, then covers */
	max_iter = opts->max_indexes * (UK_ADV_MAX_COLUMNS + 1);
	for (iter = 0; iter < max_iter; iter++)
	{
		int			best = -1;
		int			best_repl = -1;
		double		best_net = 0;

		for (i = 0; i < a->ncands; i++)
		{
			const Cand *c = &a->cands[i];
			double		gain;
			double		helped;
			double		net;
			int			repl;

			if (ss.is_chosen[i])
				continue;
			evaluate(a, &ss, i, &gain, &helped, &repl);
			if (repl < 0 && ss.nchosen >= opts->max_indexes)
				continue;
			/* covering columns only onto a chosen index of their keys */
			if (repl < 0 && c->pub.ninclude > 0)
				continue;
			net = gain - opts->write_cost_factor *
				(c->pub.write_penalty -
				 (repl >= 0 ? a->cands[ss.chosen[repl]].pub.write_penalty : 0));
			if (gain <= 0 || net <= 0 ||
				gain < helped * opts->min_improvement_pct / 100 ||
				gain < total * opts->min_workload_pct / 100)
				continue;
			if (best < 0 || net > best_net ||
				(net == best_net && c->pub.size_bytes < a->cands[best].pub.size_bytes))
			{
				best = i;
				best_repl = repl;
				best_net = net;
			}
		}
		if (best < 0)
			break;
		apply_choice(a, &ss, best, best_repl);
	}
	tidy_orders(a, &ss);

	if (build_advice(a, &ss, total) != UK_OK)
	{
		st = uk_error_set(err, UK_ERR_NOMEM, 0, "out of memory");
		goto done;
	}
	if (before != NULL)
		*before = total;
	if (after != NULL)
	{
		double		left = 0;

		for (i = 0; i < a->nqueries; i++)
			left += a->queries[i].weight * d_max(0.0, ss.qcost[i]);
		*after = left;
	}
	*advice = a->advice;
	*n = a->nadvice;
	st = UK_OK;
done:
	free(ss.save);
	free(ss.best);
	free(ss.qcost);
	free(ss.chosen);
	free(ss.is_chosen);
	return st;
}

