/*
 * uk_advisor_exhaustive.c
 *		The best subset of the advisor's candidates, to measure how far the
 *		advice is from it (uk_advisor_best_subset(), see uk_advisor.h).
 *
 * The cost of a set is what uk_advisor_select() weighs: each query's cost
 * with the best of the set's indexes on each of its tables (per slot, the
 * largest saving of any member), plus the members' write penalties.  The
 * saving of a set is therefore a maximum over members per slot: adding a
 * candidate to any set saves at most what it saves alone.  That gives the
 * two exact cuts of the search:
 *	- a candidate whose saving alone does not beat its write penalty never
 *	  helps any set, and is left out;
 *	- candidates taken in order of their net gain alone, a branch that
 *	  could not beat the best set found even if each of the places left
 *	  gained its candidate's whole net gain is not explored.
 * Every subset of at most max_indexes candidates is otherwise enumerated,
 * each once.  Memory is malloc'd for the call and freed before it returns.
 */
#include <stdlib.h>
#include <string.h>

#include "uk_advisor_int.h"

typedef struct Search
{
	const UkAdvisor *a;
	double		wcf;			/* write_cost_factor */
	int			n;				/* candidates considered */
	int		   *cand;			/* their positions, by net gain alone, desc */
	double	   *gain;			/* net gain alone */
	double	   *prefix;			/* prefix[i] = sum of gain[0..i) */
	double	   *save;			/* per slot: the current set's saving */
	int		   *undo_slot;		/* saves replaced, to put back */
	double	   *undo_val;
	int			nundo;
	int			path[UK_ADV_BEST_MAX];
	int			depth;
	double		best_net;
	int			best[UK_ADV_BEST_MAX];
	int			nbest;
	double		nodes;
	double		max_nodes;
	bool		stopped;
} Search;

static double
slot_weight(const UkAdvisor *a, int slot)
{
	return a->queries[a->slots[slot].query].weight;
}

/* Add candidate ci to the set in s->save; its weighted saving gained. */
static double
add_cand(Search *s, int ci)
{
	const Cand *c = &s->a->cands[ci];
	double		gained = 0;
	int			u;

	for (u = 0; u < c->pub.nuses; u++)
	{
		int			slot = c->use_slots[u];
		double		sv = uk_adv_use_saving(s->a, c, u);

		if (sv > s->save[slot])
		{
			gained += slot_weight(s->a, slot) * (sv - s->save[slot]);
			s->undo_slot[s->nundo] = slot;
			s->undo_val[s->nundo++] = s->save[slot];
			s->save[slot] = sv;
		}
	}
	return gained;
}

/* Take the set back to where it was when s->nundo was mark. */
static void
undo_to(Search *s, int mark)
{
	while (s->nundo > mark)
	{
		s->nundo--;
		s->save[s->undo_slot[s->nundo]] = s->undo_val[s->nundo];
	}
}

/* Sum of gain[i .. i + k), within the list. */
static double
bound(const Search *s, int i, int k)
{
	int			e = i + k < s->n ? i + k : s->n;

	return i < e ? s->prefix[e] - s->prefix[i] : 0;
}

/* Every set that extends the current one with candidates from i on. */
static void
search(Search *s, int i, int left, double net)
{
	int			j;

	if (net > s->best_net * (1 + 1e-12) + 1e-12)
	{
		s->best_net = net;
		s->nbest = s->depth;
		memcpy(s->best, s->path, sizeof(int) * (size_t) s->depth);
	}
	if (left == 0)
		return;
	for (j = i; j < s->n; j++)
	{
		int			mark = s->nundo;
		double		gained;

		/* gains are sorted: no later j can do better either */
		if (net + bound(s, j, left) <= s->best_net * (1 + 1e-12) + 1e-12)
			return;
		if (++s->nodes > s->max_nodes)
		{
			s->stopped = true;
			return;
		}
		gained = add_cand(s, s->cand[j]);
		s->path[s->depth++] = s->cand[j];
		search(s, j + 1, left - 1,
			   net + gained - s->wcf * s->a->cands[s->cand[j]].pub.write_penalty);
		s->depth--;
		undo_to(s, mark);
		if (s->stopped)
			return;
	}
}

/* Does candidate a come before b: the larger gain alone, then position? */
static bool
before_by_gain(int a, int b, const double *g)
{
	return g[a] > g[b] || (g[a] == g[b] && a < b);
}

/* idx by g[] descending: an insertion sort (qsort has no context in C99) */
static void
sort_by_gain(int *idx, int n, const double *g)
{
	int			i;

	for (i = 1; i < n; i++)
	{
		int			v = idx[i];
		int			j = i - 1;

		while (j >= 0 && before_by_gain(v, idx[j], g))
		{
			idx[j + 1] = idx[j];
			j--;
		}
		idx[j + 1] = v;
	}
}

UkStatus
uk_advisor_best_subset(const UkAdvisor *a, const UkAdvOptions *opts,
					   double max_nodes, UkAdvBest *out, UkError **err)
{
	Search		s;
	double	   *alone = NULL;
	int			max_k;
	int			total_uses = 0;
	int			i;
	UkStatus	st = UK_OK;

	if (a == NULL || opts == NULL || out == NULL)
		return uk_error_set(err, UK_ERR_INVALID, 0, "bad arguments");
	if (opts->max_indexes < 0 || !finite_nonneg(opts->write_cost_factor) ||
		!(max_nodes >= 0))
		return uk_error_set(err, UK_ERR_INVALID, 0,
							"max_indexes, write_cost_factor and max_nodes must not be negative");
	memset(out, 0, sizeof(*out));
	memset(&s, 0, sizeof(s));
	s.a = a;
	s.wcf = opts->write_cost_factor;
	s.max_nodes = max_nodes;
	max_k = opts->max_indexes < UK_ADV_BEST_MAX ? opts->max_indexes : UK_ADV_BEST_MAX;

	for (i = 0; i < a->nqueries; i++)
		out->cost_none += a->queries[i].weight * uk_advisor_base_cost(a, i);

	alone = calloc((size_t) a->ncands + 1, sizeof(double));
	s.cand = malloc(sizeof(int) * ((size_t) a->ncands + 1));
	s.gain = malloc(sizeof(double) * ((size_t) a->ncands + 1));
	s.prefix = malloc(sizeof(double) * ((size_t) a->ncands + 2));
	s.save = calloc((size_t) a->nslots + 1, sizeof(double));
	for (i = 0; i < a->ncands; i++)
		total_uses += a->cands[i].pub.nuses;
	s.undo_slot = malloc(sizeof(int) * ((size_t) total_uses + 1));
	s.undo_val = malloc(sizeof(double) * ((size_t) total_uses + 1));
	if (alone == NULL || s.cand == NULL || s.gain == NULL || s.prefix == NULL ||
		s.save == NULL || s.undo_slot == NULL || s.undo_val == NULL)
	{
		st = uk_error_set(err, UK_ERR_NOMEM, 0, "out of memory");
		goto done;
	}

	/* each candidate alone; only those that pay off are searched */
	for (i = 0; i < a->ncands; i++)
	{
		alone[i] = add_cand(&s, i) - s.wcf * a->cands[i].pub.write_penalty;
		undo_to(&s, 0);
		if (alone[i] > 0)
			s.cand[s.n++] = i;
	}
	sort_by_gain(s.cand, s.n, alone);
	s.prefix[0] = 0;
	for (i = 0; i < s.n; i++)
	{
		s.gain[i] = alone[s.cand[i]];
		s.prefix[i + 1] = s.prefix[i] + s.gain[i];
	}
	out->nconsidered = s.n;

	/* the advice is the first set to beat */
	if (a->nadvice > 0 && a->advice_cand != NULL)
	{
		double		net = 0;

		for (i = 0; i < a->nadvice; i++)
			net += add_cand(&s, a->advice_cand[i]) -
				s.wcf * a->cands[a->advice_cand[i]].pub.write_penalty;
		undo_to(&s, 0);
		out->cost_advice = out->cost_none - net;
		if (net > 0 && a->nadvice <= max_k)
		{
			s.best_net = net;
			s.nbest = a->nadvice;
			memcpy(s.best, a->advice_cand, sizeof(int) * (size_t) a->nadvice);
		}
	}
	else
		out->cost_advice = out->cost_none;

	search(&s, 0, max_k, 0);
	out->cost_best = out->cost_none - s.best_net;
	out->nbest = s.nbest;
	memcpy(out->best, s.best, sizeof(int) * (size_t) s.nbest);
	out->nodes = s.nodes;
	out->complete = !s.stopped;
done:
	free(alone);
	free(s.cand);
	free(s.gain);
	free(s.prefix);
	free(s.save);
	free(s.undo_slot);
	free(s.undo_val);
	return st;
}
