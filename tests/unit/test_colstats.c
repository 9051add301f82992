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

static void
test_values(void)
{
	CHECK(uk_colstats_value_eq("17", "17.0000"), "numbers compare as numbers");
	CHECK(uk_colstats_value_eq("0", "false") && uk_colstats_value_eq("true", "1"),
		  "booleans as 0 and 1");
	CHECK(uk_colstats_value_eq("Done", "done  "), "text ignores case and trailing spaces");
	CHECK(!uk_colstats_value_eq("done", "draft") && !uk_colstats_value_eq(NULL, NULL) &&
		  !uk_colstats_value_eq("", NULL), "different values, NULL");
	CHECK(uk_colstats_value_cmp("9", "10") < 0 && uk_colstats_value_cmp("b", "A") > 0 &&
		  uk_colstats_value_cmp("10", "9x") < 0, "order: numbers, then text");
}

static void
test_mcv(void)
{
	/* the state column: 85% done, 5 other values in a sample of 20,000 */
	UkColMcv	state[] = {{"done", 0.85}, {"cancel", 0.05}, {"assigned", 0.04},
	{"confirmed", 0.03}, {"waiting", 0.02}, {"draft", 0.01}};
	/* a product column: only two values common enough to be listed */
	UkColMcv	product[] = {{"17", 0.002}, {"42", 0.001}};
	double		s;

	CHECK(uk_colstats_mcv_keep(17000, 20000, 6) && !uk_colstats_mcv_keep(1, 20000, 6),
		  "few values: every one seen twice is kept");
	CHECK(!uk_colstats_mcv_keep(4, 20000, 4900) && uk_colstats_mcv_keep(9, 20000, 4900),
		  "many values: only the clearly common");
	CHECK(!uk_colstats_mcv_keep(NAN, 20000, 6) && !uk_colstats_mcv_keep(5, 0, 6),
		  "bad input keeps nothing");

	CHECK(near(uk_colstats_eq_sel_mcv(state, 6, 0, 6, "done"), 0.85, 1e-12),
		  "'done' keeps 85%% of the rows");
	CHECK(near(uk_colstats_eq_sel_mcv(state, 6, 0, 6, "DRAFT"), 0.01, 1e-12),
		  "'draft' keeps 1%%, any case");
	CHECK(uk_colstats_eq_sel_mcv(state, 6, 0, 6, "lost") == 0,
		  "a value not in a complete list: none");
	s = uk_colstats_eq_sel_mcv(product, 2, 0, 5000, "999");
	CHECK(near(s, (1 - 0.003) / 4998, 1e-12), "other products share the rest: %g", s);
	CHECK(near(uk_colstats_eq_sel_mcv(product, 2, 0, 5000, "17.0"), 0.002, 1e-12),
		  "a listed product");
	s = uk_colstats_eq_sel_mcv(NULL, 0, 0.5, 10, "x");
	CHECK(near(s, 0.05, 1e-12), "no list: the average value, NULLs out: %g", s);
	CHECK(uk_colstats_eq_sel_mcv(state, 6, 0, 0, "done") == 0 &&
		  uk_colstats_eq_sel_mcv(state, 6, 0, 6, NULL) == 0 &&
		  uk_colstats_eq_sel_mcv(state, -1, 0, 6, "done") == 0,
		  "unknown: no distinct count, NULL value, bad list");
}

static void
test_json_hb(void)
{
	/* as MariaDB 10.11 writes them (ANALYZE ... PERSISTENT, JSON_HB) */
	static const char state[] =
		"{\n  \"target_histogram_size\": 254,\n  \"collected_at\": \"2026-12-03 22:31:54\",\n"
		"  \"collected_by\": \"10.11.19-MariaDB-0+deb12u1\",\n  \"histogram_hb\": [\n"
		"    {\"start\": \"assigned\", \"size\": 0.039936667, \"ndv\": 1},\n"
		"    {\"start\": \"cancel\", \"size\": 0.049526667, \"ndv\": 1},\n"
		"    {\"start\": \"confirmed\", \"size\": 0.029306667, \"ndv\": 1},\n"
		"    {\"start\": \"done\", \"size\": 0.850736667, \"ndv\": 1},\n"
		"    {\"start\": \"draft\", \"size\": 0.010213333, \"ndv\": 1},\n"
		"    {\"start\": \"waiting\", \"end\": \"waiting\", \"size\": 0.02028, \"ndv\": 1}\n  ]\n}";
	static const char product[] =
		"{\"histogram_hb\": [{\"start\": \"1\", \"size\": 0.5, \"ndv\": 20},"
		" {\"start\": \"21\", \"size\": 0.25, \"ndv\": 1},"
		" {\"start\": \"22\", \"end\": \"5000\", \"size\": 0.25, \"ndv\": 4978}]}";
	static const char *const bad[] = {
		"", "[]", "{\"histogram_hb\": []}", "{\"histogram_hb\": {}}",
		"{\"histogram_hb\": [{\"size\": 0.5, \"ndv\": 1}]}",
		"{\"histogram_hb\": [{\"start\": \"a\", \"size\": 1.5, \"ndv\": 1}]}",
		"{\"histogram_hb\": [{\"start\": \"a\", \"size\": 0.5, \"ndv\": 0}]}",
		"{\"histogram_hb\": [{\"start\": \"a\", \"size\": \"x\", \"ndv\": 1}]}",
		"{\"histogram_hb\": [{\"start\": \"a\", \"size\": 0.5, \"ndv\": 1}",
	};
	double		s = -1;
	UkError    *err = NULL;

	CHECK(uk_colstats_eq_sel_json_hb(state, sizeof(state) - 1, "done", 0, &s, &err) == UK_OK &&
		  near(s, 0.850736667, 1e-9), "'done' from the histogram: %g", s);
	CHECK(uk_colstats_eq_sel_json_hb(state, sizeof(state) - 1, "waiting", 0.5, &s, &err) == UK_OK &&
		  near(s, 0.01014, 1e-9), "'waiting', half the rows NULL: %g", s);
	CHECK(uk_colstats_eq_sel_json_hb(product, sizeof(product) - 1, "7", 0, &s, &err) == UK_OK &&
		  near(s, 0.025, 1e-12), "a product inside a bucket of 20: %g", s);
	CHECK(uk_colstats_eq_sel_json_hb(product, sizeof(product) - 1, "21", 0, &s, &err) == UK_OK &&
		  near(s, 0.25, 1e-12), "a product of its own bucket: %g", s);
	CHECK(uk_colstats_eq_sel_json_hb(product, sizeof(product) - 1, "100", 0, &s, &err) == UK_OK &&
		  near(s, 0.25 / 4978, 1e-12), "numbers in numeric order: %g", s);
	CHECK(uk_colstats_eq_sel_json_hb(product, sizeof(product) - 1, "9999", 0, &s, &err) == UK_OK &&
		  near(s, 0.25 / 4978, 1e-12), "beyond the last bucket: the smallest share: %g", s);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
	{
		s = -1;
		CHECK(uk_colstats_eq_sel_json_hb(bad[i], strlen(bad[i]), "a", 0, &s, &err) ==
			  UK_ERR_INVALID && err != NULL && s == -1, "bad histogram %zu refused", i);
		uk_error_free(err);
		err = NULL;
	}
}

int
main(void)
{
	test_sample();
	test_avg_frequency();
	test_values();
	test_mcv();
	test_json_hb();
	return uk_test_done("test_colstats");
}
