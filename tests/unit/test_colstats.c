/*
 * test_colstats.c
 *		Unit tests for uk_colstats.h: n_distinct from a sample (Duj1) and
 *		from MariaDB's avg_frequency, in PostgreSQL's convention.
 */
#include <math.h>

#include "uk_colstats.h"
#include "uk_test.h"

static bool
near(double a, double b, double tol)
{
	return fabs(a - b) <= tol;
}

static void
test_sample(void)
{
	UkColSample s;
	double		d;

	/* 20,000 of 300,000 rows of a column with 5,000 values: about 5,000 */
	s = (UkColSample) {20000, 0, 4900, 60, 300000, 0};
	d = uk_colstats_ndistinct_sample(&s);
	CHECK(d >= 4900 && d < 5100, "product-like column: %g", d);

	/* a flag: two values, both frequent; stays 2 */
	s = (UkColSample) {20000, 0, 2, 0, 300000, 0};
	CHECK(uk_colstats_ndistinct_sample(&s) == 2, "flag: %g",
		  uk_colstats_ndistinct_sample(&s));

	/* every value seen once: unique, minus the null fraction */
	s = (UkColSample) {20000, 2000, 18000, 18000, 300000, 0};
	CHECK(near(uk_colstats_ndistinct_sample(&s), -0.9, 1e-9), "unique: %g",
		  uk_colstats_ndistinct_sample(&s));

	/* the whole table was read: the count itself */
	s = (UkColSample) {500, 0, 40, 3, 450, 1};
	CHECK(uk_colstats_ndistinct_sample(&s) == 40, "complete: %g",
		  uk_colstats_ndistinct_sample(&s));
	/* a complete sample with many values: a fraction of the rows */
	s = (UkColSample) {500, 0, 400, 350, 0, 1};
	CHECK(near(uk_colstats_ndistinct_sample(&s), -0.8, 1e-9), "complete, many: %g",
		  uk_colstats_ndistinct_sample(&s));

	/* many singletons: scaled up (Duj1 gives 36,408) */
	s = (UkColSample) {20000, 0, 15000, 12000, 1000000, 0};
	d = uk_colstats_ndistinct_sample(&s);
	CHECK(near(d, 36408, 1), "many singletons: %g", d);
	/* ... and above a tenth of the rows, a fraction of them */
	s = (UkColSample) {20000, 0, 19000, 18500, 100000, 0};
	d = uk_colstats_ndistinct_sample(&s);
	CHECK(d < -0.1 && d >= -1, "many singletons, small table: %g", d);

	/* the estimate is at least what was seen */
	s = (UkColSample) {20000, 0, 1500, 10, 30000000, 0};
	d = uk_colstats_ndistinct_sample(&s);
	CHECK(d >= 1500, "at least d: %g", d);

	/* nothing usable */
	s = (UkColSample) {0, 0, 0, 0, 100, 0};
	CHECK(uk_colstats_ndistinct_sample(&s) == 0, "empty");
	s = (UkColSample) {100, 100, 0, 0, 100, 0};
	CHECK(uk_colstats_ndistinct_sample(&s) == 0, "all null");
	s = (UkColSample) {NAN, 0, 1, 1, 100, 0};
	CHECK(uk_colstats_ndistinct_sample(&s) == 0, "nan");
	CHECK(uk_colstats_ndistinct_sample(NULL) == 0, "null");
}

static void
test_avg_frequency(void)
{
	/* 300,000 rows, 60 per value: 5,000 values */
	CHECK(uk_colstats_ndistinct_avg_frequency(300000, 0, 60) == 5000, "5000: %g",
		  uk_colstats_ndistinct_avg_frequency(300000, 0, 60));
	/* nulls are not values */
	CHECK(uk_colstats_ndistinct_avg_frequency(300000, 0.5, 60) == 2500, "2500");
	/* one row per value: unique */
	CHECK(near(uk_colstats_ndistinct_avg_frequency(300000, 0.1, 1), -0.9, 1e-9),
		  "unique");
	/* many values: a fraction of the rows */
	CHECK(near(uk_colstats_ndistinct_avg_frequency(1000, 0, 2), -0.5, 1e-9),
		  "fraction");
	CHECK(uk_colstats_ndistinct_avg_frequency(1000, 0, 0) == 0, "unknown");
	CHECK(uk_colstats_ndistinct_avg_frequency(0, 0, 3) == 0, "no rows");
	CHECK(uk_colstats_ndistinct_avg_frequency(1000, 1, 3) == 0, "all null");
	CHECK(uk_colstats_ndistinct_avg_frequency(1000, 0, INFINITY) == 0, "inf");
}

int
main(void)
{
	test_sample();
	test_avg_frequency();
	return uk_test_done("test_colstats");
}
