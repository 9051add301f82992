/*
 * uk_colstats.c
 *		n_distinct estimates for the index advisor from samples and from
 *		MariaDB's engine-independent statistics (see uk_colstats.h).
 */
#include <math.h>

#include "uk_colstats.h"

/* A count of distinct values in PostgreSQL's convention (see the header). */
static double
as_stadistinct(double d, double nonnull_rows, double total_rows)
{
	if (d < 1.0)
		d = 1.0;
	if (d > nonnull_rows)
		d = nonnull_rows;
	/* as ANALYZE: a count above a tenth of the rows scales with the table */
	if (total_rows > 0 && d > 0.1 * total_rows)
		return -(d / total_rows);
	return d;
}

double
uk_colstats_ndistinct_sample(const UkColSample *s)
{
	double		n,
				N,
				d,
				f1,
				null_frac,
				total,
				D;

	if (!s || !isfinite(s->sample_rows) || !isfinite(s->nulls) ||
		!isfinite(s->distinct) || !isfinite(s->singletons) ||
		!isfinite(s->total_rows) || s->sample_rows <= 0 ||
		s->nulls < 0 || s->nulls >= s->sample_rows || s->distinct < 1)
		return 0;
	n = s->sample_rows - s->nulls;
	d = s->distinct > n ? n : s->distinct;
	f1 = s->singletons < 0 ? 0 : (s->singletons > d ? d : s->singletons);
	null_frac = s->nulls / s->sample_rows;
	/* the table is at least as large as the sample */
	total = s->complete || s->total_rows < s->sample_rows ?
		s->sample_rows : s->total_rows;
	N = total * (1.0 - null_frac);

	if (s->complete || n >= N)
		return as_stadistinct(d, n, total);
	if (f1 >= n)
		return -(1.0 - null_frac);	/* every value seen once: unique */
	D = (n * d) / ((n - f1) + f1 * n / N);
	if (D < d)
		D = d;
	if (D > N)
		D = N;
	return as_stadistinct(floor(D + 0.5), N, total);
}

double
uk_colstats_ndistinct_avg_frequency(double rows, double nulls_ratio,
									double avg_frequency)
{
	double		nonnull;

	if (!isfinite(rows) || !isfinite(avg_frequency) || !isfinite(nulls_ratio) ||
		rows <= 0 || avg_frequency <= 0)
		return 0;
	if (nulls_ratio < 0)
		nulls_ratio = 0;
	if (nulls_ratio >= 1)
		return 0;
	nonnull = rows * (1.0 - nulls_ratio);
	if (avg_frequency <= 1.0)
		return -(1.0 - nulls_ratio);	/* one row per value: unique */
	return as_stadistinct(floor(nonnull / avg_frequency + 0.5), nonnull, rows);
}
