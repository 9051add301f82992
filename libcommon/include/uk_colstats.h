/*
 * uk_colstats.h
 *		Column statistics for the index advisor (UkAdvColumn) from what an
 *		engine without PostgreSQL's ANALYZE can offer: MariaDB's
 *		engine-independent statistics (mysql.column_stats), or counts over
 *		a bounded sample of rows that the adapter reads itself.
 *
 * The results follow PostgreSQL's conventions (uk_advisor.h): n_distinct
 * > 0 is a count of distinct non-null values, < 0 is minus a fraction of
 * the table's rows (-1: every row differs), 0 unknown; and, as ANALYZE
 * does, a count above a tenth of the rows is stored as a fraction, so
 * that it scales when the table grows.
 *
 * Plain arithmetic: nothing is allocated, nothing fails.
 */
#ifndef UK_COLSTATS_H
#define UK_COLSTATS_H

/* What a sample of one column found. */
typedef struct UkColSample
{
	double		sample_rows;	/* rows read */
	double		nulls;			/* of those, NULL */
	double		distinct;		/* distinct non-null values among them */
	double		singletons;		/* values seen exactly once */
	double		total_rows;		/* rows of the whole table (estimate) */
	int			complete;		/* the sample was the whole table */
} UkColSample;

/*
 * n_distinct of the whole table from a sample, by the Haas-Stokes Duj1
 * estimator that PostgreSQL's ANALYZE uses:
 *
 *		D = n d / (n - f1 + f1 n / N)
 *
 * with n the non-null values sampled, d the distinct ones, f1 those seen
 * once and N the table's non-null rows.  A complete sample gives d itself;
 * a sample where every value was seen once gives "unique" (-(1 - null
 * fraction)).  The result is kept between d and N.  0 when the sample is
 * empty or has no non-null value.
 */
extern double uk_colstats_ndistinct_sample(const UkColSample *s);

/*
 * n_distinct from MariaDB's mysql.column_stats: avg_frequency is the
 * average number of rows per distinct non-null value, nulls_ratio the
 * fraction of NULL rows.  0 (unknown) for a non-positive or non-finite
 * avg_frequency or rows.
 */
extern double uk_colstats_ndistinct_avg_frequency(double rows,
												  double nulls_ratio,
												  double avg_frequency);

#endif							/* UK_COLSTATS_H */
