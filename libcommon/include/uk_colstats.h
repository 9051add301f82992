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
 * Value frequencies (how many rows col = 'done' keeps) come, as PostgreSQL's
 * eqsel() reads them, from a column's most common values: those a sample
 * found (uk_colstats_mcv_keep(), uk_colstats_eq_sel_mcv()), or MariaDB's
 * JSON_HB histogram in mysql.column_stats (uk_colstats_eq_sel_json_hb()).
 *
 * Plain arithmetic and one parser: nothing is kept, only the parser fails
 * (with a UkError the caller frees).
 */
#ifndef UK_COLSTATS_H
#define UK_COLSTATS_H

#include <stdbool.h>
#include <stddef.h>

#include "uk_error.h"

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

/*
 * Values compared as MariaDB compares a column with a literal: as numbers
 * when both read fully as numbers ("17" and "17.0000"; true and false as
 * 1 and 0), else as text ignoring ASCII case and trailing spaces (the
 * default collations).  NULL equals nothing.
 */
extern bool uk_colstats_value_eq(const char *a, const char *b);

/* The same order: < 0, 0, > 0 (NULL first). */
extern int	uk_colstats_value_cmp(const char *a, const char *b);

/*
 * Is a value seen count times in a sample of sample_nonnull non-null
 * values (sample_distinct of them distinct) one of the column's most
 * common values?  As ANALYZE chooses them: seen more than once, and
 * either every distinct value fits in the list (UK_COLSTATS_MCV_MAX) or
 * it is 25% more common than the average value.
 */
#define UK_COLSTATS_MCV_MAX 100
extern bool uk_colstats_mcv_keep(double count, double sample_nonnull,
								 double sample_distinct);

/* One most common value: its text and the fraction of all rows it has. */
typedef struct UkColMcv
{
	const char *value;
	double		freq;
} UkColMcv;

/*
 * The fraction of rows col = value keeps, as PostgreSQL's eqsel(): the
 * value's own frequency when it is one of the most common, else what they
 * leave (minus NULLs) spread over the other distinct values; n_distinct
 * is a count (> 0).  0 (unknown: estimate from n_distinct alone) for a
 * NULL value, no distinct count or nmcv < 0.
 */
extern double uk_colstats_eq_sel_mcv(const UkColMcv *mcv, int nmcv,
									 double null_frac, double n_distinct,
									 const char *value);

/*
 * The fraction of rows col = value keeps from a JSON_HB histogram of
 * mysql.column_stats (MariaDB 10.8+): {"histogram_hb": [{"start": v,
 * "size": fraction of the non-null rows, "ndv": distinct values}, ...,
 * the last with "end"]}, buckets in the column's order.  A bucket of one
 * value that is the value gives its size; else the bucket the value falls
 * in gives size / ndv; a value outside every bucket gives the smallest
 * share of any bucket.  Scaled by 1 - null_frac.  A NULL value checks
 * the text only (*sel 0).
 *
 * UK_ERR_INVALID with a message for text that is not such a histogram
 * (not JSON, no histogram_hb array, a bucket without start, size or ndv,
 * or numbers out of range); UK_ERR_NOMEM.  *sel is set only on success.
 */
extern UkStatus uk_colstats_eq_sel_json_hb(const char *json, size_t len,
										   const char *value, double null_frac,
										   double *sel, UkError **err);

#endif							/* UK_COLSTATS_H */
