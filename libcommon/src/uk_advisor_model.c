/*
 * uk_advisor_model.c
 *		The index advisor's statistics and built-in cost model (see
 *		uk_advisor.h, uk_advisor_int.h).
 *
 * Statistics: the selectivity of a predicate from the column statistics
 * (or as the adapter gave it), the rules for which column may lead or
 * follow in an index, and index entry and page sizes per engine.
 *
 * The built-in cost model follows PostgreSQL's planner in spirit and in
 * units (seq_page_cost 1, random_page_cost 4, cpu_tuple_cost 0.01,
 * cpu_index_tuple_cost 0.005, cpu_operator_cost 0.0025): a sequential scan
 * reads every page and row; an index scan pays a descent per probe, the
 * index entries and heap pages it reads (Mackert-Lohman) and a sort when
 * the index does not give the order; a LIMIT stops a scan early when the
 * order needs no sort.  An index that holds every column the query reads
 * from the table (covering; on MariaDB with the primary key every
 * secondary index carries) skips the table: no row fetches, as InnoDB's
 * "Using index" and PostgreSQL's index-only scan of an all-visible table.
 * It is a model for ranking, not a planner: it does not see the visible
 * share of a PostgreSQL table, correlation, bitmap scans or join orders.  The
 * write penalty of a candidate is priced in uk_advisor_candidates.c.
 *
 * Pure functions of the advisor's copy of the workload, except
 * uk_adv_set_join_modes(), which adds the driving-side slots once.
 */
#include <math.h>

#include "uk_advisor_int.h"

/* PostgreSQL planner's default costs, the units of the built-in model */
#define SEQ_PAGE_COST 1.0
#define RANDOM_PAGE_COST 4.0
#define CPU_TUPLE_COST 0.01
#define CPU_INDEX_TUPLE_COST 0.005
#define CPU_OPERATOR_COST 0.0025

/* one descent of a btree: its leaf page (the upper levels are cached) */
#define PROBE_COST RANDOM_PAGE_COST

/* ---------------------------------------------------------------------
 * Statistics
 * --------------------------------------------------------------------- */

/* Distinct values of a column, or 0 when unknown. */
double
uk_adv_col_distinct(const Table *t, int c)
{
	double		nd = t->cols[c].n_distinct;

	if (nd > 0)
		return nd;
	if (nd < 0)
		return d_max(1.0, -nd * t->rows);
	return 0;
}

double
uk_adv_clamp_sel(const Table *t, double s)
{
	double		lo = t->rows > 1 ? 1.0 / t->rows : 1.0;

	if (!(s >= lo))
		s = lo;
	if (s > 1)
		s = 1;
	return s;
}

double
uk_adv_col_width(const Table *t, int c)
{
	double		w = c >= 0 ? t->cols[c].avg_width : 0;

	return w > 0 ? w : UK_ADV_DEFAULT_WIDTH;
}

bool
uk_adv_key_fits(const Table *t, const int *cols, int n, const int *inc,
				int ninc, int *bytes)
{
	bool		fits = true;
	double		sum = 0;		/* no int overflow, whatever the caller gave */
	int			i;

	for (i = 0; i < n + ninc; i++)
	{
		int			c = i < n ? cols[i] : inc[i - n];
		int			b = c >= 0 ? t->cols[c].key_bytes : 0;

		if (t->max_part > 0 && b > t->max_part)
			fits = false;
		sum += b;
	}
	if (t->max_key > 0 && sum > t->max_key)
		fits = false;
	if (bytes != NULL)
		*bytes = sum < 2e9 ? (int) sum : 2000000000;
	return fits;
}

/* Fraction of rows one predicate keeps (per probe). */
double
uk_adv_pred_sel(const Table *t, const UkAdvPred *p)
{
	double		nd = uk_adv_col_distinct(t, p->column);
	double		eq;

	if (p->selectivity > 0)
		return uk_adv_clamp_sel(t, p->selectivity);
	eq = nd > 0 ? (1.0 - t->cols[p->column].null_frac) / nd : UK_ADV_DEFAULT_EQ_SEL;
	switch (p->kind)
	{
		case UK_ADV_EQ:
		case UK_ADV_JOIN:
			return uk_adv_clamp_sel(t, eq);
		case UK_ADV_IN:
			return uk_adv_clamp_sel(t, eq * d_max(1.0, p->count));
		case UK_ADV_ISNULL:
			return uk_adv_clamp_sel(t, t->cols[p->column].null_frac);
		case UK_ADV_RANGE:
			return uk_adv_clamp_sel(t, UK_ADV_DEFAULT_RANGE_SEL);
		case UK_ADV_PREFIX:
			return uk_adv_clamp_sel(t, UK_ADV_DEFAULT_PREFIX_SEL);
	}
	return 1.0;
}

const ColPred *
uk_adv_slot_colpred(const Slot *s, int column)
{
	int			i;

	for (i = 0; i < s->ncp; i++)
		if (s->cp[i].column == column)
			return &s->cp[i];
	return NULL;
}

/* May an equality-like predicate on this column lead an index? */
bool
uk_adv_can_lead(const Table *t, const ColPred *cp)
{
	double		nd = uk_adv_col_distinct(t, cp->column);

	if (cp->sel > UK_ADV_LEAD_MAX_SEL)
		return false;
	return nd == 0 || nd >= UK_ADV_LEAD_MIN_DISTINCT;
}

bool
uk_adv_can_follow(const ColPred *cp)
{
	return cp->sel < UK_ADV_FOLLOW_MAX_SEL - UK_ADV_FOLLOW_SEL_MARGIN;
}

static bool
has_col(const int *cols, int n, int c)
{
	int			i;

	for (i = 0; i < n; i++)
		if (cols[i] == c)
			return true;
	return false;
}

/* Does the index (cols, n) with covering columns inc hold all the slot reads? */
bool
uk_adv_covers(const Table *t, const Slot *s, const int *cols, int n,
			  const int *inc, int ninc)
{
	int			i;

	if (!s->reads_known)
		return false;
	for (i = 0; i < s->nreads; i++)
		if (!has_col(cols, n, s->reads[i]) && !has_col(inc, ninc, s->reads[i]) &&
			!has_col(t->pk, t->npk, s->reads[i]))
			return false;
	return true;
}

/* Bytes of one index entry: key, tuple header and line pointer / PK. */
double
uk_adv_entry_bytes(UkEngine e, double key_bytes)
{
	/* PG: IndexTupleData 8 + line pointer 4, MAXALIGNed; InnoDB: record
	 * header 5-6 + the primary key (assume a bigint) + directory share */
	return e == UK_ENGINE_MARIADB ? key_bytes + 8 + 14 : d_ceil((key_bytes + 8) / 8) * 8 + 4;
}

double
uk_adv_page_bytes(UkEngine e)
{
	return e == UK_ENGINE_MARIADB ? 16384.0 : 8192.0;
}

/* leaf fill: PG btree fillfactor 90; InnoDB leaves are ~2/3 full after
 * random inserts */
static double
index_fill(UkEngine e)
{
	return e == UK_ENGINE_MARIADB ? 0.67 : 0.90;
}

double
uk_adv_index_size(const UkAdvisor *a, const Table *t, double key_bytes)
{
	return d_max(1.0, t->rows) * uk_adv_entry_bytes(a->engine, key_bytes) /
		index_fill(a->engine);
}

/* ---------------------------------------------------------------------
 * Cost model
 * --------------------------------------------------------------------- */

static double
sort_cost(double n, double limit)
{
	if (n <= 1)
		return 0;
	if (limit > 0 && limit < n)
		return 2 * CPU_OPERATOR_COST * n * d_log2(d_max(2.0, 2 * limit));
	return 2 * CPU_OPERATOR_COST * n * d_log2(n);
}

/* heap pages fetched for n random row fetches from a table of T pages */
static double
pages_fetched(double n, double T)
{
	if (n <= 0)
		return 0;
	return d_min(T, (2 * T * n) / (2 * T + n));
}

static double
seq_cost(const Table *t, const Slot *s)
{
	double		c = t->pages * SEQ_PAGE_COST +
		t->rows * (CPU_TUPLE_COST + s->ncp * CPU_OPERATOR_COST);
	double		probes = 1;
	double		out;
	int			i;

	/* selectivities are per probe: an IN list or a join multiplies them */
	for (i = 0; i < s->ncp; i++)
		probes *= s->cp[i].probes;
	out = d_min(t->rows, t->rows * s->total_sel * probes);
	if (s->nsort > 0)
		c += sort_cost(out, s->limit);
	else if (s->limit > 0 && out > s->limit)
		c *= s->limit / out;	/* stops early */
	return c;
}

/*
 * Does the index (cols, desc, n) give the slot's order once its first neq
 * equality columns are fixed?  The sort keys must follow them in the index
 * (a range column that is the first sort key stands at position neq and
 * matches it), with directions all as in the index or all reversed.
 */
static bool
gives_order(const Slot *s, const int *cols, const bool *desc, int n, int neq)
{
	int			j;
	int			flip = -1;

	if (s->nsort == 0)
		return true;
	if (neq + s->nsort > n)
		return false;
	for (j = 0; j < s->nsort; j++)
	{
		int			f;

		if (cols[neq + j] != s->sort[j].column)
			return false;
		if (s->sort_is_group)
			continue;
		f = (s->sort[j].desc != (desc != NULL && desc[neq + j])) ? 1 : 0;
		if (flip >= 0 && f != flip)
			return false;
		flip = f;
	}
	return true;
}

/*
 * Cost of the slot's work on its table through an index (cols, desc, n),
 * or HUGE_VAL when the index is of no use to it.
 */
static double
index_cost(const UkAdvisor *a, const Table *t, const Slot *s, const int *cols,
		   const bool *desc, int n, const int *inc, int ninc)
{
	double		sel = 1;
	double		probes = 1;
	double		key_bytes = 0;
	double		residual;
	double		m;
	double		fetched;
	double		out;
	double		c;
	bool		in_breaks_order = false;
	bool		ordered;
	int			neq = 0;
	int			k = 0;
	int			i;

	for (i = 0; i < n; i++)
		key_bytes += uk_adv_col_width(t, cols[i]);
	for (i = 0; i < ninc; i++)
		key_bytes += uk_adv_col_width(t, inc[i]);
	for (i = 0; i < n; i++)
	{
		const ColPred *cp = cols[i] >= 0 ? uk_adv_slot_colpred(s, cols[i]) : NULL;

		if (cp == NULL)
			break;
		sel *= cp->sel;
		k++;
		if (is_eq_like(cp->kind))
		{
			probes *= cp->probes;
			if (cp->kind == UK_ADV_IN && cp->probes > 1)
				in_breaks_order = true;
			neq++;
			continue;
		}
		break;					/* a range ends the usable prefix */
	}
	ordered = s->nsort > 0 && !in_breaks_order &&
		gives_order(s, cols, desc, n, neq);
	if (k == 0 && !(ordered && s->limit > 0))
		return HUGE_VAL;

	residual = d_min(1.0, s->total_sel / sel);
	m = t->rows * sel;			/* index entries per probe */
	fetched = probes * m;
	out = fetched * residual;
	if ((ordered || s->nsort == 0) && s->limit > 0 && out > s->limit)
		fetched = d_min(fetched, s->limit / d_max(residual, 1e-12));

	c = probes * PROBE_COST +
		fetched * (CPU_INDEX_TUPLE_COST + CPU_TUPLE_COST) +
		d_ceil(fetched * uk_adv_entry_bytes(a->engine, key_bytes) /
			 (uk_adv_page_bytes(a->engine) * index_fill(a->engine))) * SEQ_PAGE_COST;
	/* covering: the filters run on the index entries, no row is fetched */
	if (!uk_adv_covers(t, s, cols, n, inc, ninc))
		c += pages_fetched(fetched, t->pages) * RANDOM_PAGE_COST;
	if (s->nsort > 0 && !ordered)
		c += sort_cost(out, s->limit);
	return c;
}

/*
 * Cost of the slot's work through an index (cols NULL: a sequential scan),
 * the cheaper way for a joined table: probed once per outer row through
 * the index, or read as the driving side (a sequential scan of an inner
 * side is a hash join: it reads the table once, by its own predicates).
 */
double
uk_adv_slot_cost_cov(const UkAdvisor *a, const Table *t, const Slot *s,
					 const int *cols, const bool *desc, int n, const int *inc,
					 int ninc)
{
	double		inner;
	double		driving;

	if (s->drv == NULL)
		return cols != NULL ? index_cost(a, t, s, cols, desc, n, inc, ninc) :
			seq_cost(t, s);
	if (cols == NULL)
		return seq_cost(t, s->drv);
	inner = index_cost(a, t, s, cols, desc, n, inc, ninc);
	if (isfinite(inner))
		inner *= s->outer_rows;
	driving = index_cost(a, t, s->drv, cols, desc, n, inc, ninc);
	return d_min(inner, driving);
}

double
uk_adv_slot_cost(const UkAdvisor *a, const Table *t, const Slot *s, const int *cols,
				 const bool *desc, int n)
{
	return uk_adv_slot_cost_cov(a, t, s, cols, desc, n, NULL, 0);
}

/* Cost of the slot with the existing btree indexes. */
double
uk_adv_slot_base_cost(const UkAdvisor *a, const Slot *s)
{
	const Table *t = &a->tables[s->table];
	double		best = uk_adv_slot_cost(a, t, s, NULL, NULL, 0);
	int			i;

	for (i = 0; i < t->nidx; i++)
	{
		if (t->idx[i].kind != UK_ADV_BTREE || t->idx[i].ncolumns == 0)
			continue;
		best = d_min(best, uk_adv_slot_cost(a, t, s, t->idx[i].columns, NULL,
									 t->idx[i].ncolumns));
	}
	return best;
}

/* Rows a slot gives read by its own predicates, join keys aside. */
static double
own_rows(const UkAdvisor *a, const Slot *s)
{
	double		sel = 1;
	int			i;

	for (i = 0; i < s->ncp; i++)
		if (s->cp[i].kind != UK_ADV_JOIN)
			sel *= s->cp[i].sel * s->cp[i].probes;
	return d_max(1.0, a->tables[s->table].rows * d_min(1.0, sel));
}

/*
 * For every slot joined to another slot of its query by a join key whose
 * row count the adapter did not give: its driving-side variant and the
 * rows it is probed for as the inner side.
 */
UkStatus
uk_adv_set_join_modes(UkAdvisor *a)
{
	int			q;

	for (q = 0; q < a->nqueries; q++)
	{
		const Query *qq = &a->queries[q];
		int			i;
		int			j;

		for (i = qq->first_slot; i < qq->first_slot + qq->nslots; i++)
		{
			Slot	   *s = &a->slots[i];
			Slot	   *d;
			double		outer = HUGE_VAL;
			bool		joined = false;
			int			k;

			for (k = 0; k < s->ncp; k++)
				if (s->cp[k].kind == UK_ADV_JOIN && s->cp[k].probes <= 1)
					joined = true;
			if (!joined)
				continue;
			for (j = qq->first_slot; j < qq->first_slot + qq->nslots; j++)
			{
				const Slot *o = &a->slots[j];

				if (j == i)
					continue;
				for (k = 0; k < o->ncp; k++)
					if (o->cp[k].kind == UK_ADV_JOIN)
						break;
				if (k < o->ncp)
					outer = d_min(outer, own_rows(a, o));
			}
			if (!isfinite(outer))
				continue;		/* joined to what the workload does not show */
			d = uk_adv_arena_alloc(&a->arena, sizeof(Slot));
			if (d == NULL)
				return UK_ERR_NOMEM;
			*d = *s;
			d->cp = uk_adv_arena_alloc(&a->arena, sizeof(ColPred) * (size_t) (s->ncp + 1));
			if (d->cp == NULL)
				return UK_ERR_NOMEM;
			d->ncp = 0;
			d->total_sel = 1;
			for (k = 0; k < s->ncp; k++)
				if (s->cp[k].kind != UK_ADV_JOIN)
				{
					d->cp[d->ncp++] = s->cp[k];
					d->total_sel *= s->cp[k].sel;
				}
			d->drv = NULL;
			s->drv = d;
			s->outer_rows = outer;
		}
	}
	return UK_OK;
}
