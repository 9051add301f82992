/*
 * uk_advisor.c
 *		Index advisor core, its entry points (see uk_advisor.h): creating
 *		an advisor, the caller's costs, freeing it.
 *
 * The parts, each in a file of its own (uk_advisor_int.h lists them): the
 * caller's workload is checked and folded into slots, one per (query,
 * table) (uk_advisor_input.c); candidates are generated per slot and
 * costed against the slots that can use them (uk_advisor_candidates.c)
 * with the built-in model (uk_advisor_model.c); uk_advisor_select.c
 * chooses across the workload and uk_advisor_explain.c writes the reason
 * of each advised index.  This file holds the entry points: creation,
 * the caller's costs, and freeing.
 *
 * All memory comes from one arena per advisor (uk_advisor_arena.c), freed
 * in one go.
 */
#include <stdlib.h>
#include <string.h>

#include "uk_advisor_int.h"

UkStatus
uk_advisor_create(const UkAdvWorkload *w, UkAdvisor **out, UkError **err)
{
	UkAdvisor  *a;
	UkStatus	st;
	int			i;

	if (out == NULL || w == NULL || w->ntables < 0 || w->nqueries < 0 ||
		(w->ntables > 0 && w->tables == NULL) ||
		(w->nqueries > 0 && w->queries == NULL) ||
		(w->engine != UK_ENGINE_POSTGRES && w->engine != UK_ENGINE_MARIADB))
		return uk_error_set(err, UK_ERR_INVALID, 0, "bad workload");
	a = calloc(1, sizeof(UkAdvisor));
	if (a == NULL)
		return uk_error_set(err, UK_ERR_NOMEM, 0, "out of memory");
	a->engine = w->engine;
	if ((st = uk_adv_copy_tables(a, w, err)) != UK_OK ||
		(st = uk_adv_copy_queries(a, w, err)) != UK_OK)
	{
		uk_advisor_free(a);
		return st;
	}
	if (uk_adv_set_join_modes(a) != UK_OK)
	{
		uk_advisor_free(a);
		return uk_error_set(err, UK_ERR_NOMEM, 0, "out of memory");
	}
	for (i = 0; i < a->nslots; i++)
	{
		a->slots[i].base = uk_adv_slot_base_cost(a, &a->slots[i]);
		a->queries[a->slots[i].query].base += a->slots[i].base;
	}
	if (uk_adv_build_candidates(a) != UK_OK)
	{
		uk_advisor_free(a);
		return uk_error_set(err, UK_ERR_NOMEM, 0, "out of memory");
	}
	*out = a;
	return UK_OK;
}

int
uk_advisor_ncandidates(const UkAdvisor *a)
{
	return a != NULL ? a->ncands : 0;
}

const UkAdvCandidate *
uk_advisor_candidate(const UkAdvisor *a, int i)
{
	if (a == NULL || i < 0 || i >= a->ncands)
		return NULL;
	return &a->cands[i].pub;
}

/* Switch to caller costs: forget every built-in cost once. */
static void
use_caller_costs(UkAdvisor *a)
{
	int			i;

	if (a->caller_costs)
		return;
	a->caller_costs = true;
	for (i = 0; i < a->nqueries; i++)
	{
		a->queries[i].given = false;
		a->queries[i].given_base = 0;
	}
	for (i = 0; i < a->ncands; i++)
		memset(a->cands[i].use_set, 0, sizeof(bool) * (size_t) a->cands[i].pub.nuses);
}

UkStatus
uk_advisor_set_base_cost(UkAdvisor *a, int query, double cost, UkError **err)
{
	if (a == NULL || query < 0 || query >= a->nqueries || !finite_nonneg(cost))
		return uk_error_set(err, UK_ERR_INVALID, 0, "bad query or cost");
	use_caller_costs(a);
	a->queries[query].given_base = cost;
	a->queries[query].given = true;
	return UK_OK;
}

/* The use of candidate for query, or -1 with *err set. */
static int
find_use(UkAdvisor *a, int candidate, int query, double cost, UkError **err)
{
	Cand	   *c;
	int			lo;
	int			hi;

	if (a == NULL || candidate < 0 || candidate >= a->ncands ||
		!finite_nonneg(cost))
	{
		uk_error_set(err, UK_ERR_INVALID, 0, "bad candidate or cost");
		return -1;
	}
	c = &a->cands[candidate];
	lo = 0;
	hi = c->pub.nuses;
	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (c->use_queries[mid] < query)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo >= c->pub.nuses || c->use_queries[lo] != query)
	{
		uk_error_set(err, UK_ERR_INVALID, 0,
					 "candidate %d is not costed for query %d", candidate, query);
		return -1;
	}
	return lo;
}

UkStatus
uk_advisor_set_cost(UkAdvisor *a, int candidate, int query, double cost,
					UkError **err)
{
	int			u = find_use(a, candidate, query, cost, err);

	if (u < 0)
		return UK_ERR_INVALID;
	use_caller_costs(a);
	a->cands[candidate].use_costs[u] = cost;
	a->cands[candidate].use_set[u] = true;
	return UK_OK;
}

UkStatus
uk_advisor_set_cost_now(UkAdvisor *a, int candidate, int query, double cost,
						UkError **err)
{
	int			u = find_use(a, candidate, query, cost, err);

	if (u < 0)
		return UK_ERR_INVALID;
	a->cands[candidate].use_costs_now[u] = cost;
	return UK_OK;
}

double
uk_advisor_base_cost(const UkAdvisor *a, int query)
{
	if (a == NULL || query < 0 || query >= a->nqueries)
		return 0;
	if (a->caller_costs)
		return a->queries[query].given ? a->queries[query].given_base : 0;
	return a->queries[query].base;
}

void
uk_advisor_free(UkAdvisor *a)
{
	if (a == NULL)
		return;
	uk_adv_arena_free(&a->arena);
	uk_adv_arena_free(&a->advice_arena);
	free(a->slots);
	free(a->cands);
	free(a->hash);
	free(a->advice);
	free(a->advice_cand);
	free(a);
}
