/*
 * test_advisor.c
 *		Unit tests for uk_advisor.h and uk_ident.h: the index advisor's
 *		choices on an Odoo-style stock_move, its limits and edge cases, and
 *		the quoting, naming and CREATE statement helpers.
 */
#include <time.h>

#include "uk_advisor.h"
#include "uk_ident.h"
#include "uk_test.h"
#include "uk_validate.h"

/* stock_move: 300,000 rows */
enum
{
	C_ID, C_PRODUCT, C_LOCATION, C_STATE, C_DATE, C_COMPANY, C_PICKING, C_NCOLS
};

static const UkAdvColumn move_cols[C_NCOLS] = {
	{"id", -1, 0, 4, 0},
	{"product_id", 20000, 0, 4, 0},
	{"location_id", 200, 0, 4, 0},
	{"state", 3, 0, 6, 0},
	{"date", -0.9, 0, 8, 0},
	{"company_id", 2, 0, 4, 0},
	{"picking_id", -0.05, 0.1, 4, 0},
};

static const int ix_id[] = {C_ID};
static const int ix_company[] = {C_COMPANY};
static const int ix_product[] = {C_PRODUCT};

static UkAdvIndex move_idx[3] = {
	{"stock_move_pkey", ix_id, 1, true, true, UK_ADV_BTREE},
	{"stock_move_company_id_index", ix_company, 1, false, false, UK_ADV_BTREE},
	{"stock_move_product_id_index", ix_product, 1, false, false, UK_ADV_BTREE},
};

static UkAdvTable
move_table(int nindexes, double row_writes)
{
	UkAdvTable	t = {"odoo", "stock_move", 300000, 300000.0 * 120, row_writes,
	move_cols, C_NCOLS, move_idx, nindexes, false, 0, 0, 0};

	return t;
}

#define P(c, k) {0, (c), (k), 0, 0}

/* product = ? AND state = ? AND date > ? */
static const UkAdvPred q_prod_state_date[] = {
	P(C_STATE, UK_ADV_EQ), P(C_DATE, UK_ADV_RANGE), P(C_PRODUCT, UK_ADV_EQ),
};

/* state = ? AND company_id = ?: flags only */
static const UkAdvPred q_flags[] = {P(C_STATE, UK_ADV_EQ), P(C_COMPANY, UK_ADV_EQ)};

/* location_id = ? AND product_id = ? */
static const UkAdvPred q_loc_prod[] = {P(C_LOCATION, UK_ADV_EQ), P(C_PRODUCT, UK_ADV_EQ)};
static const UkAdvPred q_prod[] = {P(C_PRODUCT, UK_ADV_EQ)};
static const UkAdvPred q_loc[] = {P(C_LOCATION, UK_ADV_EQ)};

/* state = 'cancel' (rare: 0.1%) AND location_id = ? */
static const UkAdvPred q_rare_state[] = {
	{0, C_STATE, UK_ADV_EQ, 0, 0.001}, P(C_LOCATION, UK_ADV_EQ),
};

static const UkAdvSortKey by_date_desc[] = {{0, C_DATE, true}};

static UkAdvQuery
query(const char *text, double weight, const UkAdvPred *p, int n)
{
	UkAdvQuery	q = {text, text, weight, p, n, NULL, 0, NULL, 0, 0, NULL, 0, false};

	return q;
}

/* Run the advisor on one table and some queries; returns the count. */
static int
advise(UkAdvTable t, const UkAdvQuery *qs, int nq, const UkAdvOptions *opts,
	   UkEngine e, UkAdvisor **a, const UkAdvice **adv)
{
	UkAdvWorkload w = {e, &t, 1, qs, nq};
	UkError    *err = NULL;
	int			n = -1;

	*a = NULL;
	*adv = NULL;
	if (uk_advisor_create(&w, a, &err) != UK_OK)
	{
		printf("create: %s\n", err->message);
		uk_error_free(err);
		return -1;
	}
	if (uk_advisor_select(*a, opts, adv, &n, NULL, NULL, &err) != UK_OK)
	{
		printf("select: %s\n", err->message);
		uk_error_free(err);
		return -1;
	}
	return n;
}

static bool
cols_are(const UkAdvice *ad, int n, const int *want)
{
	int			i;

	if (ad->ncolumns != n)
		return false;
	for (i = 0; i < n; i++)
		if (ad->columns[i] != want[i])
			return false;
	return true;
}

static void
show(const UkAdvice *adv, int n)
{
	int			i;

	for (i = 0; i < n; i++)
		printf("  %d. %s -- %.1f%%, %d queries -- %s\n", adv[i].rank,
			   adv[i].create_statement, adv[i].improvement_pct,
			   adv[i].nqueries, adv[i].reason);
}

static void
test_ordering(void)
{
	UkAdvOptions o;
	UkAdvisor  *a;
	const UkAdvice *adv;
	UkAdvQuery	qs[2];
	int			want[] = {C_PRODUCT, C_STATE, C_DATE};
	int			n;
	int			i;

	uk_adv_options_init(&o);
	qs[0] = query("SELECT * FROM stock_move WHERE state = $1 AND date > $2 AND product_id = $3",
				  100, q_prod_state_date, 3);
	qs[1] = query("SELECT * FROM stock_move WHERE state = $1 AND company_id = $2",
				  100, q_flags, 2);
	n = advise(move_table(2, 0), qs, 2, &o, UK_ENGINE_POSTGRES, &a, &adv);
	CHECK(n == 1, "one index (the flags-only query gets none): %d", n);
	if (n != 1)
		show(adv, n);
	if (n >= 1)
	{
		CHECK(cols_are(&adv[0], 3, want),
			  "selective equality, then state, then the range: %s", adv[0].create_statement);
		CHECK(strcmp(adv[0].create_statement,
					 "CREATE INDEX CONCURRENTLY \"stock_move_product_id_state_date_idx\" "
					 "ON \"odoo\".\"stock_move\" (\"product_id\", \"state\", \"date\")") == 0,
			  "statement: %s", adv[0].create_statement);
		CHECK(strstr(adv[0].reason, "equality on product_id (1 in 20,000 rows)") != NULL &&
			  strstr(adv[0].reason, "range on date") != NULL,
			  "reason: %s", adv[0].reason);
		CHECK(adv[0].nqueries == 1 && adv[0].example_query == 0 &&
			  adv[0].improvement_pct > 90 && adv[0].est_size_bytes > 300000.0 * 20,
			  "stats: %d %d %.1f %.0f", adv[0].nqueries, adv[0].example_query,
			  adv[0].improvement_pct, adv[0].est_size_bytes);
	}
	for (i = 0; i < n; i++)
		CHECK(adv[i].columns[0] != C_STATE && adv[i].columns[0] != C_COMPANY,
			  "never led by a flag: %s", adv[i].create_statement);
	/* no candidate at all may lead with them */
	for (i = 0; i < uk_advisor_ncandidates(a); i++)
	{
		const UkAdvCandidate *c = uk_advisor_candidate(a, i);

		CHECK(c->columns[0] != C_STATE && c->columns[0] != C_COMPANY,
			  "candidate %d led by a flag", i);
	}
	uk_advisor_free(a);

	/* a rare state value: still not leading, and the reason says why */
	qs[0] = query("SELECT * FROM stock_move WHERE state = 'cancel' AND location_id = $1",
				  100, q_rare_state, 2);
	n = advise(move_table(2, 0), qs, 1, &o, UK_ENGINE_POSTGRES, &a, &adv);
	CHECK(n == 1 && adv[0].columns[0] == C_LOCATION && adv[0].ncolumns == 2 &&
		  adv[0].columns[1] == C_STATE, "location, then the rare state: %d", n);
	if (n == 1)
		CHECK(strstr(adv[0].reason, "leading with state skipped: 3 values") != NULL,
			  "reason: %s", adv[0].reason);
	uk_advisor_free(a);
}

static void
test_existing_and_sharing(void)
{
	UkAdvOptions o;
	UkAdvisor  *a;
	const UkAdvice *adv;
	UkAdvQuery	qs[2];
	int			want[] = {C_PRODUCT, C_LOCATION};
	int			n;
	int			i;

	uk_adv_options_init(&o);

	/* product_id = ? is served by the existing index: nothing to add */
	qs[0] = query("SELECT * FROM stock_move WHERE product_id = $1", 100, q_prod, 1);
	n = advise(move_table(3, 0), qs, 1, &o, UK_ENGINE_POSTGRES, &a, &adv);
	CHECK(n == 0, "covered by the existing index: %d", n);
	for (i = 0; i < uk_advisor_ncandidates(a); i++)
	{
		const UkAdvCandidate *c = uk_advisor_candidate(a, i);

		CHECK(!(c->ncolumns == 1 && c->columns[0] == C_PRODUCT),
			  "(product_id) is no candidate");
	}
	uk_advisor_free(a);

	/* one index (product_id, location_id) serves both queries */
	qs[0] = query("SELECT * FROM stock_move WHERE location_id = $1 AND product_id = $2",
				  100, q_loc_prod, 2);
	qs[1] = query("SELECT * FROM stock_move WHERE product_id = $1", 300, q_prod, 1);
	n = advise(move_table(2, 0), qs, 2, &o, UK_ENGINE_POSTGRES, &a, &adv);
	CHECK(n == 1, "one shared index: %d", n);
	if (n >= 1)
	{
		CHECK(cols_are(&adv[0], 2, want) && adv[0].nqueries == 2 &&
			  adv[0].example_query == 1,
			  "(product_id, location_id) for both, heaviest as example: %s %d %d",
			  adv[0].create_statement, adv[0].nqueries, adv[0].example_query);
	}
	uk_advisor_free(a);

	/* with the existing (product_id) index, the advice extends it */
	n = advise(move_table(3, 0), qs, 2, &o, UK_ENGINE_POSTGRES, &a, &adv);
	CHECK(n <= 1, "at most the extension: %d", n);
	if (n == 1)
		CHECK(cols_are(&adv[0], 2, want) &&
			  strstr(adv[0].reason, "extends stock_move_product_id_index") != NULL,
			  "extends: %s / %s", adv[0].create_statement, adv[0].reason);
	uk_advisor_free(a);
}

static void
test_order_limit(void)
{
	UkAdvOptions o;
	UkAdvisor  *a;
	const UkAdvice *adv;
	UkAdvQuery	q;
	int			want[] = {C_LOCATION, C_DATE};
	int			n;

	uk_adv_options_init(&o);
	q = query("SELECT * FROM stock_move WHERE location_id = $1 ORDER BY date DESC LIMIT 20",
			  100, q_loc, 1);
	q.order_by = by_date_desc;
	q.norder_by = 1;
	q.limit = 20;
	n = advise(move_table(2, 0), &q, 1, &o, UK_ENGINE_MARIADB, &a, &adv);
	CHECK(n == 1, "one index: %d", n);
	if (n == 1)
	{
		CHECK(cols_are(&adv[0], 2, want) && !adv[0].desc[0] && !adv[0].desc[1],
			  "(location_id, date), scanned backwards: %s", adv[0].create_statement);
		CHECK(strcmp(adv[0].create_statement,
					 "ALTER TABLE `odoo`.`stock_move` ADD INDEX "
					 "`stock_move_location_id_date_idx` (`location_id`, `date`)") == 0,
			  "MariaDB statement: %s", adv[0].create_statement);
		CHECK(strstr(adv[0].reason, "LIMIT") != NULL, "reason: %s", adv[0].reason);
	}
	uk_advisor_free(a);
}

static void
test_writes_and_thresholds(void)
{
	UkAdvOptions o;
	UkAdvisor  *a;
	const UkAdvice *adv;
	UkAdvQuery	q;
	UkAdvQuery	qs[2];
	int			n;
	int			ncols_quiet;

	uk_adv_options_init(&o);
	q = query("SELECT * FROM stock_move WHERE state = $1 AND date > $2 AND product_id = $3",
			  100, q_prod_state_date, 3);

	n = advise(move_table(2, 0), &q, 1, &o, UK_ENGINE_POSTGRES, &a, &adv);
	ncols_quiet = n == 1 ? adv[0].ncolumns : -1;
	uk_advisor_free(a);
	n = advise(move_table(2, 500000), &q, 1, &o, UK_ENGINE_POSTGRES, &a, &adv);
	CHECK(n == 1 && adv[0].ncolumns < ncols_quiet && adv[0].columns[0] == C_PRODUCT,
		  "busy table: a narrower index (%d columns vs %d)",
		  n == 1 ? adv[0].ncolumns : -1, ncols_quiet);
	uk_advisor_free(a);
	n = advise(move_table(2, 5000000), &q, 1, &o, UK_ENGINE_POSTGRES, &a, &adv);
	CHECK(n == 0, "very busy table: no index pays for its writes: %d", n);
	uk_advisor_free(a);
	o.write_cost_factor = 0;
	n = advise(move_table(2, 5000000), &q, 1, &o, UK_ENGINE_POSTGRES, &a, &adv);
	CHECK(n == 1, "writes ignored with write_cost_factor 0: %d", n);
	uk_advisor_free(a);

	/* location_id = ?: 1,500 rows fetched at random; under half the cost */
	uk_adv_options_init(&o);
	q = query("SELECT * FROM stock_move WHERE location_id = $1", 100, q_loc, 1);
	n = advise(move_table(2, 0), &q, 1, &o, UK_ENGINE_POSTGRES, &a, &adv);
	CHECK(n == 1 && adv[0].improvement_pct > 20 && adv[0].improvement_pct < 80,
		  "modest gain: %.1f%%", n == 1 ? adv[0].improvement_pct : -1.0);
	uk_advisor_free(a);
	o.min_improvement_pct = 90;
	n = advise(move_table(2, 0), &q, 1, &o, UK_ENGINE_POSTGRES, &a, &adv);
	CHECK(n == 0, "filtered by min_improvement_pct 90: %d", n);
	uk_advisor_free(a);

	/* a query that hardly runs earns no index against a heavy one */
	uk_adv_options_init(&o);
	qs[0] = query("heavy", 100000, q_prod_state_date, 3);
	qs[1] = query("rare", 1, q_loc, 1);
	n = advise(move_table(2, 0), qs, 2, &o, UK_ENGINE_POSTGRES, &a, &adv);
	CHECK(n == 1 && adv[0].columns[0] == C_PRODUCT, "only the heavy one: %d", n);
	uk_advisor_free(a);
	o.min_workload_pct = 0;
	n = advise(move_table(2, 0), qs, 2, &o, UK_ENGINE_POSTGRES, &a, &adv);
	CHECK(n == 2, "both without min_workload_pct: %d", n);
	if (getenv("UK_TEST_VERBOSE") != NULL)
		show(adv, n);
	uk_advisor_free(a);

	o.max_indexes = 0;
	n = advise(move_table(2, 0), qs, 2, &o, UK_ENGINE_POSTGRES, &a, &adv);
	CHECK(n == 0, "max_indexes 0: %d", n);
	uk_advisor_free(a);
}

static void
test_joins_and_in(void)
{
	static const UkAdvColumn pick_cols[] = {{"id", -1, 0, 4, 0}, {"name", -1, 0, 12, 0}};
	static const UkAdvPred preds[] = {
		{1, 1, UK_ADV_EQ, 0, 0},	/* stock_picking.name = $1 */
		{0, C_PICKING, UK_ADV_JOIN, 1, 0},	/* stock_move.picking_id = p.id */
	};
	static const UkAdvPred in_pred[] = {{0, C_PRODUCT, UK_ADV_IN, 5, 0}};
	UkAdvTable	t[2];
	UkAdvQuery	q = query("SELECT m.* FROM stock_move m JOIN stock_picking p ON p.id = m.picking_id WHERE p.name = $1",
						  100, preds, 2);
	UkAdvWorkload w = {UK_ENGINE_POSTGRES, t, 2, &q, 1};
	UkAdvOptions o;
	UkAdvisor  *a = NULL;
	const UkAdvice *adv;
	UkError    *err = NULL;
	int			n = 0;
	int			i;
	bool		move_pick = false;
	bool		pick_name = false;

	t[0] = move_table(2, 0);
	t[1] = (UkAdvTable)
	{
		"odoo", "stock_picking", 15000, 15000.0 * 200, 0, pick_cols, 2, NULL, 0, false, 0, 0, 0
	};
	uk_adv_options_init(&o);
	CHECK(uk_advisor_create(&w, &a, &err) == UK_OK &&
		  uk_advisor_select(a, &o, &adv, &n, NULL, NULL, &err) == UK_OK, "join runs");
	for (i = 0; i < n; i++)
	{
		if (adv[i].table == 0 && adv[i].columns[0] == C_PICKING)
		{
			move_pick = true;
			CHECK(strstr(adv[i].reason, "join key on picking_id") != NULL,
				  "join reason: %s", adv[i].reason);
		}
		if (adv[i].table == 1 && adv[i].columns[0] == 1)
			pick_name = true;
	}
	CHECK(move_pick && pick_name, "both sides of the join get their index: %d", n);
	uk_advisor_free(a);

	/*
	 * As the adapters give it: a join key on both sides, the picking's id
	 * already its primary key.  (name) is still a candidate: the picking
	 * may drive the join, read by its own predicate, and the built-in
	 * model chooses it: as the inner side the picking would be probed
	 * once per move (no move predicate narrows them), as the driving side
	 * it is one lookup by name.
	 */
	{
		static const int pk_cols[] = {0};
		static const UkAdvIndex pick_pk[] = {{"stock_picking_pkey", pk_cols, 1, true, true, UK_ADV_BTREE}};
		static const UkAdvPred both[] = {
			{1, 1, UK_ADV_EQ, 0, 0},
			{1, 0, UK_ADV_JOIN, 0, 0},
			{0, C_PICKING, UK_ADV_JOIN, 0, 0},
		};

		q = query("SELECT m.* FROM stock_move m JOIN stock_picking p ON p.id = m.picking_id WHERE p.name = $1",
				  100, both, 3);
		t[1].indexes = pick_pk;
		t[1].nindexes = 1;
		pick_name = false;
		CHECK(uk_advisor_create(&w, &a, &err) == UK_OK, "join with both keys runs");
		for (i = 0; a != NULL && i < uk_advisor_ncandidates(a); i++)
		{
			const UkAdvCandidate *c = uk_advisor_candidate(a, i);

			CHECK(!(c->table == 1 && c->columns[0] == 0 && c->ncolumns == 1),
				  "no candidate the primary key already is");
			if (c->table == 1 && c->columns[0] == 1 && c->ncolumns == 1)
				pick_name = true;
		}
		CHECK(pick_name, "the driving side has the candidate (name)");
		pick_name = false;
		CHECK(a != NULL && uk_advisor_select(a, &o, &adv, &n, NULL, NULL, &err) == UK_OK,
			  "join with both keys selects");
		for (i = 0; a != NULL && i < n; i++)
			if (adv[i].table == 1 && adv[i].columns[0] == 1)
				pick_name = true;
		CHECK(pick_name, "the built-in model advises (name) on the driving side: %d", n);
		uk_advisor_free(a);
	}

	/* product_id IN (5 values), existing (product_id) index removed */
	q = query("SELECT * FROM stock_move WHERE product_id IN (...)", 100, in_pred, 1);
	n = advise(move_table(2, 0), &q, 1, &o, UK_ENGINE_POSTGRES, &a, &adv);
	CHECK(n == 1 && adv[0].columns[0] == C_PRODUCT &&
		  strstr(adv[0].reason, "IN (5 values)") != NULL, "IN list: %d", n);
	uk_advisor_free(a);
}

static void
test_edges(void)
{
	static const UkAdvColumn unknown_cols[] = {{"a", 0, 0, 0, 0}, {"b", 0, 0, 0, 0}};
	static const UkAdvPred p_a[] = {{0, 0, UK_ADV_EQ, 0, 0}, {0, 1, UK_ADV_PREFIX, 0, 0}};
	static const UkAdvPred bad[] = {{0, 99, UK_ADV_EQ, 0, 0}};
	UkAdvTable	t = {NULL, "t", -1, 0, 0, unknown_cols, 2, NULL, 0, false, 0, 0, 0};
	UkAdvQuery	q = query(NULL, 1, NULL, 0);
	UkAdvWorkload w = {UK_ENGINE_POSTGRES, &t, 1, &q, 1};
	UkAdvOptions o;
	UkAdvisor  *a = NULL;
	const UkAdvice *adv;
	UkError    *err = NULL;
	double		before = -1;
	double		after = -1;
	int			n = -1;

	uk_adv_options_init(&o);

	/* no predicates at all */
	CHECK(uk_advisor_create(&w, &a, &err) == UK_OK && uk_advisor_ncandidates(a) == 0 &&
		  uk_advisor_select(a, &o, &adv, &n, &before, &after, &err) == UK_OK &&
		  n == 0 && before == 0 && after == 0, "no predicates: %d", n);
	uk_advisor_free(a);

	/* unknown statistics: defaults, and an index on the equality */
	q.preds = p_a;
	q.npreds = 2;
	CHECK(uk_advisor_create(&w, &a, &err) == UK_OK &&
		  uk_advisor_select(a, &o, &adv, &n, &before, &after, &err) == UK_OK,
		  "unknown statistics run");
	CHECK(n <= 1 && after <= before && before > 0, "unknown stats: %d, %.1f -> %.1f",
		  n, before, after);
	uk_advisor_free(a);

	/* empty workload */
	w.nqueries = 0;
	w.ntables = 0;
	CHECK(uk_advisor_create(&w, &a, &err) == UK_OK &&
		  uk_advisor_select(a, &o, &adv, &n, NULL, NULL, &err) == UK_OK && n == 0,
		  "empty workload");
	uk_advisor_free(a);

	/* bad input is refused with a message */
	w.ntables = 1;
	w.nqueries = 1;
	q.preds = bad;
	q.npreds = 1;
	a = NULL;
	CHECK(uk_advisor_create(&w, &a, &err) == UK_ERR_INVALID && a == NULL &&
		  err != NULL && strstr(err->message, "out of range") != NULL, "bad column");
	uk_error_free(err);
	err = NULL;
	t.name = NULL;
	q.npreds = 0;
	CHECK(uk_advisor_create(&w, &a, &err) == UK_ERR_INVALID, "table without a name");
	uk_error_free(err);
	err = NULL;
	t.name = "t";
	t.size_bytes = -1;
	CHECK(uk_advisor_create(&w, &a, &err) == UK_ERR_INVALID, "negative size");
	uk_error_free(err);
	err = NULL;
	t.size_bytes = 0;
	CHECK(uk_advisor_create(&w, &a, &err) == UK_OK, "valid again");
	o.min_improvement_pct = -1;
	CHECK(uk_advisor_select(a, &o, &adv, &n, NULL, NULL, &err) == UK_ERR_INVALID,
		  "bad options");
	uk_error_free(err);
	uk_advisor_free(a);
	uk_advisor_free(NULL);
}

/* PostgreSQL's way: the planner's costs replace the model's */
static void
test_caller_costs(void)
{
	UkAdvOptions o;
	UkAdvisor  *a;
	const UkAdvice *adv;
	UkAdvQuery	q = query("q", 10, q_loc_prod, 2);
	UkAdvTable	t = move_table(2, 0);
	UkAdvWorkload w = {UK_ENGINE_POSTGRES, &t, 1, &q, 1};
	UkError    *err = NULL;
	int			target = -1;
	int			n = -1;
	int			i;
	double		before;
	double		after;

	uk_adv_options_init(&o);
	CHECK(uk_advisor_create(&w, &a, &err) == UK_OK, "create");
	CHECK(uk_advisor_ncandidates(a) >= 2, "several candidates: %d", uk_advisor_ncandidates(a));
	/* pretend the planner likes only (product_id) */
	for (i = 0; i < uk_advisor_ncandidates(a); i++)
	{
		const UkAdvCandidate *c = uk_advisor_candidate(a, i);

		CHECK(c->nuses == 1 && c->use_queries[0] == 0, "candidate %d used by q0", i);
		if (c->ncolumns == 1 && c->columns[0] == C_PRODUCT)
			target = i;
	}
	CHECK(target >= 0, "(product_id) is a candidate");
	CHECK(uk_advisor_set_base_cost(a, 0, 1000, &err) == UK_OK, "base cost");
	if (target >= 0)
		CHECK(uk_advisor_set_cost(a, target, 0, 100, &err) == UK_OK, "cost");
	CHECK(uk_advisor_set_cost(a, 0, 7, 1, &err) == UK_ERR_INVALID, "query not listed");
	uk_error_free(err);
	err = NULL;
	CHECK(uk_advisor_select(a, &o, &adv, &n, &before, &after, &err) == UK_OK, "select");
	CHECK(n == 1 && adv[0].ncolumns == 1 && adv[0].columns[0] == C_PRODUCT &&
		  before == 10000 && after == 1000 && adv[0].improvement_pct == 90,
		  "the planner's choice: %d, %.0f -> %.0f", n, before, after);
	uk_advisor_free(a);
}

/* 1,000 queries over 20 tables, deterministic pseudo-random */
static void
test_big_workload(void)
{
	enum
	{
		NT = 20, NC = 12, NQ = 1000
	};
	static UkAdvColumn cols[NT][NC];
	static char names[NT][NC][16];
	static char tnames[NT][16];
	static UkAdvTable tables[NT];
	static UkAdvPred preds[NQ][5];
	static UkAdvSortKey sorts[NQ][2];
	static UkAdvQuery qs[NQ];
	static const int pk[] = {0};
	static const UkAdvIndex pkey = {"pkey", pk, 1, true, true, UK_ADV_BTREE};
	static const double nds[] = {-1, 2, 3, 10, 50, 200, 1000, 5000, 20000, -0.5, -0.1, 7};
	uint64_t	r = 88172645463325252ull;
	UkAdvWorkload w = {UK_ENGINE_MARIADB, tables, NT, qs, NQ};
	UkAdvOptions o;
	UkAdvisor  *a = NULL;
	const UkAdvice *adv;
	UkError    *err = NULL;
	struct timespec t0;
	struct timespec t1;
	double		secs;
	int			n = -1;
	int			i;
	int			j;

#define RND() (r ^= r << 13, r ^= r >> 7, r ^= r << 17, r)
	for (i = 0; i < NT; i++)
	{
		snprintf(tnames[i], sizeof(tnames[i]), "t%d", i);
		for (j = 0; j < NC; j++)
		{
			snprintf(names[i][j], sizeof(names[i][j]), "c%d", j);
			cols[i][j] = (UkAdvColumn)
			{
				names[i][j], nds[j], j == 11 ? 0.3 : 0, (double) (4 + (j % 3) * 4), 0
			};
		}
		tables[i] = (UkAdvTable)
		{
			"db", tnames[i], 10000.0 * (double) (i + 1) * (double) (i + 1),
				0, (double) (RND() % 100000), cols[i], NC, &pkey, 1, false, 0, 0, 0
		};
	}
	for (i = 0; i < NQ; i++)
	{
		int			t = (int) (RND() % NT);
		int			np = 1 + (int) (RND() % 5);

		for (j = 0; j < np; j++)
		{
			preds[i][j] = (UkAdvPred)
			{
				t, (int) (RND() % NC), (UkAdvPredKind) (RND() % 6), (double) (RND() % 4), 0
			};
		}
		qs[i] = query(tnames[t], (double) (1 + RND() % 1000), preds[i], np);
		if (RND() % 3 == 0)
		{
			sorts[i][0] = (UkAdvSortKey)
			{
				t, (int) (RND() % NC), RND() % 2 == 0
			};
			qs[i].order_by = sorts[i];
			qs[i].norder_by = 1;
			qs[i].limit = RND() % 2 ? 50 : 0;
		}
	}
	uk_adv_options_init(&o);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK(uk_advisor_create(&w, &a, &err) == UK_OK &&
		  uk_advisor_select(a, &o, &adv, &n, NULL, NULL, &err) == UK_OK, "big runs");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double) (t1.tv_sec - t0.tv_sec) + (double) (t1.tv_nsec - t0.tv_nsec) / 1e9;
	CHECK(secs < 2.0, "1,000 queries x 20 tables in %.3f s (bound 2 s, sanitizers on)", secs);
	CHECK(n >= 1 && n <= o.max_indexes, "max_indexes respected: %d", n);
	for (i = 0; i < n; i++)
	{
		CHECK(adv[i].rank == i + 1 && adv[i].ncolumns >= 1 &&
			  adv[i].ncolumns <= UK_ADV_MAX_COLUMNS && adv[i].nqueries >= 1 &&
			  adv[i].improvement_pct >= o.min_improvement_pct &&
			  cols[0][adv[i].columns[0]].n_distinct != 2 &&
			  cols[0][adv[i].columns[0]].n_distinct != 3 &&
			  strncmp(adv[i].create_statement, "ALTER TABLE `db`.`t", 19) == 0 &&
			  uk_utf8_valid(adv[i].reason, strlen(adv[i].reason)),
			  "advice %d sane: %s -- %s", i, adv[i].create_statement, adv[i].reason);
		for (j = 0; j < i; j++)
		{
			bool		prefix = adv[i].table == adv[j].table;
			int			k;
			int			m = adv[i].ncolumns < adv[j].ncolumns ? adv[i].ncolumns : adv[j].ncolumns;

			for (k = 0; prefix && k < m; k++)
				prefix = adv[i].columns[k] == adv[j].columns[k];
			CHECK(!prefix, "advice %d and %d: one a prefix of the other", i, j);
		}
	}
	o.max_indexes = 3;
	CHECK(uk_advisor_select(a, &o, &adv, &n, NULL, NULL, &err) == UK_OK && n == 3,
		  "max_indexes 3: %d", n);
	uk_advisor_free(a);
#undef RND
}

/*
 * Workload cost of a set of candidates, from the public figures: single
 * table queries, so each query takes the best saving of the set.
 */
static double
set_cost(const UkAdvisor *a, const UkAdvQuery *qs, int nq, const int *set, int n)
{
	double		total = 0;

	for (int q = 0; q < nq; q++)
	{
		double		base = uk_advisor_base_cost(a, q);
		double		best = 0;

		for (int k = 0; k < n; k++)
		{
			const UkAdvCandidate *c = uk_advisor_candidate(a, set[k]);

			for (int u = 0; u < c->nuses; u++)
				if (c->use_queries[u] == q && base - c->use_costs[u] > best)
					best = base - c->use_costs[u];
		}
		total += qs[q].weight * (base - best);
	}
	return total;
}

/* The exhaustive search finds what trying every pair finds. */
static void
test_best_subset(void)
{
	UkAdvOptions o;
	UkAdvisor  *a;
	const UkAdvice *adv;
	UkAdvQuery	qs[5];
	UkAdvBest	b;
	UkError    *err = NULL;
	double		brute;
	int			n;
	int			nc;

	uk_adv_options_init(&o);
	o.max_indexes = 2;
	qs[0] = query("prod state date", 30, q_prod_state_date, 3);
	qs[1] = query("loc prod", 5, q_loc_prod, 2);
	qs[2] = query("loc", 20, q_loc, 1);
	qs[3] = query("rare state", 10, q_rare_state, 2);
	qs[4] = query("flags", 50, q_flags, 2);
	n = advise(move_table(1, 0), qs, 5, &o, UK_ENGINE_POSTGRES, &a, &adv);
	CHECK(n >= 1 && n <= 2, "advice within the budget: %d", n);
	nc = uk_advisor_ncandidates(a);
	brute = set_cost(a, qs, 5, NULL, 0);
	for (int i = 0; i < nc; i++)
	{
		int			one[1] = {i};

		if (set_cost(a, qs, 5, one, 1) < brute)
			brute = set_cost(a, qs, 5, one, 1);
		for (int j = i + 1; j < nc; j++)
		{
			int			two[2] = {i, j};

			if (set_cost(a, qs, 5, two, 2) < brute)
				brute = set_cost(a, qs, 5, two, 2);
		}
	}
	CHECK(uk_advisor_best_subset(a, &o, 1e7, &b, &err) == UK_OK, "best subset");
	CHECK(b.complete && b.nbest <= 2, "complete, %d indexes", b.nbest);
	CHECK(b.cost_best <= brute * (1 + 1e-9) && b.cost_best >= brute * (1 - 1e-9),
		  "the best pair: %g, trying every pair: %g", b.cost_best, brute);
	CHECK(b.cost_best <= b.cost_advice * (1 + 1e-12) && b.cost_advice < b.cost_none,
		  "best %g <= advice %g < none %g", b.cost_best, b.cost_advice, b.cost_none);
	CHECK(b.cost_none > set_cost(a, qs, 5, NULL, 0) * (1 - 1e-9) &&
		  b.cost_none < set_cost(a, qs, 5, NULL, 0) * (1 + 1e-9), "cost with no index");
	printf("  best subset of %d candidates (%d pay off alone): %.0f nodes; none %.0f,"
		   " advice %.0f, best %.0f\n", nc, b.nconsidered, b.nodes, b.cost_none,
		   b.cost_advice, b.cost_best);

	/* a search stopped at once keeps the advice as the best known */
	CHECK(uk_advisor_best_subset(a, &o, 0, &b, &err) == UK_OK && !b.complete &&
		  b.cost_best == b.cost_advice, "stopped: best %g, advice %g", b.cost_best,
		  b.cost_advice);
	o.max_indexes = -1;
	CHECK(uk_advisor_best_subset(a, &o, 10, &b, &err) == UK_ERR_INVALID, "bad options");
	uk_error_free(err);
	uk_advisor_free(a);
}

static void
test_ident(void)
{
	static const struct
	{
		UkEngine	e;
		const char *in;
		const char *want;
	}			q[] = {
		{UK_ENGINE_POSTGRES, "plain", "\"plain\""},
		{UK_ENGINE_POSTGRES, "a\"b\"\"", "\"a\"\"b\"\"\"\"\""},
		{UK_ENGINE_POSTGRES, "a`b c", "\"a`b c\""},
		{UK_ENGINE_MARIADB, "a`b", "`a``b`"},
		{UK_ENGINE_MARIADB, "tabSales Invoice", "`tabSales Invoice`"},
		{UK_ENGINE_MARIADB, "x\"y\\", "`x\"y\\`"},
		{UK_ENGINE_MARIADB, "", "``"},
		{UK_ENGINE_POSTGRES, "größe", "\"größe\""},
	};
	const char *cols2[] = {"customer", "posting_date"};
	const char *weird[] = {"a\"b", "c`d", "e\\f", "g\th", "\xf0\x9f\x98\x80x", "\xff"};
	const char *longcols[] = {"a_rather_long_column_name_for_products",
	"another_rather_long_column_name"};
	const char *longcols2[] = {"a_rather_long_column_name_for_products",
	"another_rather_long_column_name2"};
	char		out[256];
	char		out2[256];
	char		small[6];
	size_t		n;
	size_t		i;

	for (i = 0; i < sizeof(q) / sizeof(q[0]); i++)
	{
		n = uk_ident_quote(q[i].e, q[i].in, out, sizeof(out));
		CHECK(strcmp(out, q[i].want) == 0 && n == strlen(out), "quote '%s' -> %s", q[i].in, out);
	}
	n = uk_ident_quote(UK_ENGINE_POSTGRES, "abcdefgh", small, sizeof(small));
	CHECK(n == 10 && strcmp(small, "\"abcd") == 0, "cut like snprintf: %zu '%s'", n, small);
	CHECK(uk_ident_quote(UK_ENGINE_MARIADB, "ab", NULL, 0) == 4, "length only");

	uk_index_name(UK_ENGINE_MARIADB, "tabSales Invoice", cols2, 2, out, sizeof(out));
	CHECK(strcmp(out, "tabSales Invoice_customer_posting_date_idx") == 0, "name: %s", out);
	uk_index_name(UK_ENGINE_POSTGRES, "t", weird, 6, out, sizeof(out));
	CHECK(strcmp(out, "t_a_b_c_d_e_f_g_h_x_idx") == 0 && uk_utf8_valid(out, strlen(out)),
		  "odd characters become _: %s", out);
	uk_index_name(UK_ENGINE_POSTGRES, "", NULL, 0, out, sizeof(out));
	CHECK(strcmp(out, "idx") == 0, "never empty: %s", out);
	uk_index_name(UK_ENGINE_POSTGRES, "Größe", cols2, 1, out, sizeof(out));
	CHECK(strcmp(out, "Größe_customer_idx") == 0, "unicode kept: %s", out);

	/* long names: cut with a hash, deterministic, distinct, within the limit */
	n = uk_index_name(UK_ENGINE_POSTGRES, "stock_move_line_extended", longcols, 2, out, sizeof(out));
	CHECK(n == 63 && strlen(out) == 63 && out[54] == '_', "PG long name: %zu %s", n, out);
	uk_index_name(UK_ENGINE_POSTGRES, "stock_move_line_extended", longcols, 2, out2, sizeof(out2));
	CHECK(strcmp(out, out2) == 0, "deterministic");
	uk_index_name(UK_ENGINE_POSTGRES, "stock_move_line_extended", longcols2, 2, out2, sizeof(out2));
	CHECK(strlen(out2) == 63 && strcmp(out, out2) != 0 && memcmp(out, out2, 54) == 0,
		  "same beginning, other hash: %s", out2);
	n = uk_index_name(UK_ENGINE_MARIADB, "stock_move_line_extended", longcols, 2, out, sizeof(out));
	CHECK(n > 60 && n <= 64 && out[n - 9] == '_', "MariaDB limit 64: %zu %s", n, out);
	{
		const char *uc[] = {"ééééééééééééééééééééééééééééééééééééééé"};

		n = uk_index_name(UK_ENGINE_POSTGRES, "ü", uc, 1, out, sizeof(out));
		CHECK(n <= 63 && uk_utf8_valid(out, n), "cut on a character boundary: %zu %s", n, out);
	}

	n = uk_index_create_statement(UK_ENGINE_POSTGRES, "public", "we\"ird", "i\"x",
								  cols2, (const bool[]) {false, true}, 2, out, sizeof(out));
	CHECK(strcmp(out, "CREATE INDEX CONCURRENTLY \"i\"\"x\" ON \"public\".\"we\"\"ird\" "
				 "(\"customer\", \"posting_date\" DESC)") == 0 && n == strlen(out),
		  "PG statement: %s", out);
	uk_index_create_statement(UK_ENGINE_MARIADB, NULL, "t`1", "i", cols2, NULL, 1,
							  out, sizeof(out));
	CHECK(strcmp(out, "ALTER TABLE `t``1` ADD INDEX `i` (`customer`)") == 0,
		  "MariaDB statement: %s", out);
}

int
main(void)
{
	test_ordering();
	test_existing_and_sharing();
	test_order_limit();
	test_writes_and_thresholds();
	test_joins_and_in();
	test_edges();
	test_caller_costs();
	test_best_subset();
	test_big_workload();
	test_ident();
	return uk_test_done("test_advisor");
}
