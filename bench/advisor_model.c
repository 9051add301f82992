/*
 * advisor_model.c
 *		Times libcommon's index advisor (uk_advisor.h) on a synthetic
 *		workload: QUERIES queries over TABLES tables of 12 columns each
 *		(selective and flag columns, 1 to 5 predicates of every kind per
 *		query, a third with ORDER BY, half of those with LIMIT), built-in
 *		cost model, default options.  Prints the median of ROUNDS runs of
 *		create + select, and what was advised.  Driven by advisor_model.sh.
 *
 * Usage: advisor_model QUERIES TABLES ROUNDS
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "uk_advisor.h"

#define NC 12

static uint64_t rng = 88172645463325252ull;

static unsigned
rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned) (rng % n);
}

static int
cmp_double(const void *x, const void *y)
{
	double		a = *(const double *) x;
	double		b = *(const double *) y;

	return a < b ? -1 : a > b;
}

int
main(int argc, char **argv)
{
	static const double nds[NC] = {-1, 2, 3, 10, 50, 200, 1000, 5000, 20000, -0.5, -0.1, 7};
	static const char *const cnames[NC] = {"id", "active", "state", "type", "company_id",
		"location_id", "partner_id", "product_id", "lot_id", "name", "date", "ref"};
	static const int pk[] = {0};
	static const UkAdvIndex pkey = {"pkey", pk, 1, true, true, UK_ADV_BTREE};
	int			nq = argc > 1 ? atoi(argv[1]) : 1000;
	int			nt = argc > 2 ? atoi(argv[2]) : 20;
	int			rounds = argc > 3 ? atoi(argv[3]) : 5;
	UkAdvColumn cols[NC];
	UkAdvTable *tables;
	char	  (*tnames)[16];
	UkAdvPred (*preds)[5];
	UkAdvSortKey *sorts;
	UkAdvQuery *qs;
	UkAdvWorkload w;
	UkAdvOptions o;
	double	   *times;
	double		before = 0;
	double		after = 0;
	int			ncand = 0;
	int			n = 0;
	int			r;
	int			i;
	int			j;

	if (nq < 1 || nt < 1 || rounds < 1)
		return 2;
	tables = calloc((size_t) nt, sizeof(UkAdvTable));
	tnames = calloc((size_t) nt, sizeof(*tnames));
	preds = calloc((size_t) nq, sizeof(*preds));
	sorts = calloc((size_t) nq, sizeof(UkAdvSortKey));
	qs = calloc((size_t) nq, sizeof(UkAdvQuery));
	times = calloc((size_t) rounds, sizeof(double));
	if (!tables || !tnames || !preds || !sorts || !qs || !times)
		return 2;
	for (j = 0; j < NC; j++)
		cols[j] = (UkAdvColumn) {cnames[j], nds[j], j == NC - 1 ? 0.3 : 0, 4.0 + (j % 3) * 4};
	for (i = 0; i < nt; i++)
	{
		snprintf(tnames[i], sizeof(tnames[i]), "t%d", i);
		tables[i] = (UkAdvTable) {"erp", tnames[i], 10000.0 * (i + 1) * (i + 1), 0,
			(double) rnd(100000), cols, NC, &pkey, 1, false, 0};
	}
	for (i = 0; i < nq; i++)
	{
		int			t = (int) rnd((unsigned) nt);
		int			np = 1 + (int) rnd(5);

		for (j = 0; j < np; j++)
		{
			preds[i][j].table = t;
			preds[i][j].column = (int) rnd(NC);
			preds[i][j].kind = (UkAdvPredKind) rnd(6);
			preds[i][j].count = rnd(4);
		}
		qs[i] = (UkAdvQuery) {tnames[t], tnames[t], 1.0 + rnd(1000), preds[i], np,
			NULL, 0, NULL, 0, 0, NULL, 0, false};
		if (rnd(3) == 0)
		{
			sorts[i] = (UkAdvSortKey) {t, (int) rnd(NC), rnd(2) == 0};
			qs[i].order_by = &sorts[i];
			qs[i].norder_by = 1;
			qs[i].limit = rnd(2) ? 50 : 0;
		}
	}
	w = (UkAdvWorkload) {UK_ENGINE_POSTGRES, tables, nt, qs, nq};
	uk_adv_options_init(&o);

	for (r = 0; r < rounds; r++)
	{
		struct timespec t0;
		struct timespec t1;
		UkAdvisor  *a = NULL;
		const UkAdvice *adv;
		UkError    *err = NULL;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (uk_advisor_create(&w, &a, &err) != UK_OK ||
			uk_advisor_select(a, &o, &adv, &n, &before, &after, &err) != UK_OK)
		{
			fprintf(stderr, "advisor: %s\n", err ? err->message : "?");
			return 1;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		times[r] = (double) (t1.tv_sec - t0.tv_sec) + (double) (t1.tv_nsec - t0.tv_nsec) / 1e9;
		ncand = uk_advisor_ncandidates(a);
		if (r == rounds - 1)
			for (i = 0; i < n; i++)
				printf("  %2d. %-70s %5.1f%% of %d quer%s\n", adv[i].rank,
					   adv[i].create_statement, adv[i].improvement_pct,
					   adv[i].nqueries, adv[i].nqueries == 1 ? "y" : "ies");
		uk_advisor_free(a);
	}
	qsort(times, (size_t) rounds, sizeof(double), cmp_double);
	printf("advisor model: %d queries, %d tables, %d candidates, %d advised, "
		   "workload cost %.0f -> %.0f (-%.1f%%); median of %d runs %.1f ms (max %.1f ms)\n",
		   nq, nt, ncand, n, before, after,
		   before > 0 ? 100 * (before - after) / before : 0.0,
		   rounds, 1000 * times[rounds / 2], 1000 * times[rounds - 1]);
	free(tables);
	free(tnames);
	free(preds);
	free(sorts);
	free(qs);
	free(times);
	return 0;
}
