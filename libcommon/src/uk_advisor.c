/*
 * uk_advisor.c
 *		Index advisor core: candidates, built-in cost model and the
 *		selection across the workload (see uk_advisor.h).
 *
 * The workload is first folded into "slots", one per (query, table) the
 * query has predicates or a sort on.  A slot keeps, per column, the most
 * useful predicate (an equality beats a range), the sort the query wants
 * from that table and the selectivity of everything on it.  Candidates are
 * generated per slot, de-duplicated in a hash table, and each lists the
 * slots of its table whose predicates or sort touch its leading column:
 * those are the (query, candidate) pairs that are costed.
 *
 * The built-in cost model follows PostgreSQL's planner in spirit and in
 * units (seq_page_cost 1, random_page_cost 4, cpu_tuple_cost 0.01,
 * cpu_index_tuple_cost 0.005, cpu_operator_cost 0.0025): a sequential scan
 * reads every page and row; an index scan pays a descent per probe, the
 * index entries and heap pages it reads (Mackert-Lohman) and a sort when
 * the index does not give the order; a LIMIT stops a scan early when the
 * order needs no sort.  It is a model for ranking, not a planner: it does
 * not see index-only scans, correlation, bitmap scans or join orders.
 *
 * Selection is greedy on net benefit (the saving of the workload minus the
 * write penalty), where a query's saving on a table is the best of the
 * chosen indexes on it, never their sum.  A candidate that extends a
 * chosen index (the chosen one is its leading prefix) replaces it instead
 * of taking another place, so "(a)" chosen early can grow to "(a, b)".
 *
 * All memory comes from one arena per advisor, freed in one go.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uk_advisor.h"
#include "uk_internal.h"
#include "uk_patch.h"

/* PostgreSQL planner's default costs, the units of the built-in model */
#define SEQ_PAGE_COST 1.0
#define RANDOM_PAGE_COST 4.0
#define CPU_TUPLE_COST 0.01
#define CPU_INDEX_TUPLE_COST 0.005
#define CPU_OPERATOR_COST 0.0025

/* one descent of a btree: its leaf page (the upper levels are cached) */
#define PROBE_COST RANDOM_PAGE_COST

/*
 * Maintaining one index entry for one written row: the descent and the
 * leaf change, its WAL and its share of a page write; a wider entry costs
 * more (page splits, bytes logged).
 */
#define WRITE_ENTRY_COST 0.5
#define WRITE_BYTE_COST 0.01

/* most chosen indexes tidy_orders() reorders (max_indexes is far less) */
#define UK_ADV_REPLAY_MAX 1024

/* rows of a table whose statistics say nothing */
#define UNKNOWN_ROWS 1000.0

/* a BETWEEN or a pair of <, > on one column: PG's DEFAULT_RANGE_INEQ_SEL */
#define DEFAULT_RANGE_PAIR_SEL 0.005

/* fewer rows than this left after a column: more columns do not pay */
#define ENOUGH_ROWS 2.0

#define REASON_MAX 600

/* ---------------------------------------------------------------------
 * Arithmetic without libm (the adapters and the tests need not link it)
 * --------------------------------------------------------------------- */

static double
d_max(double x, double y)
{
	return x > y ? x : y;
}

static double
d_min(double x, double y)
{
	return x < y ? x : y;
}

/* ceil for the non-negative values used here */
static double
d_ceil(double x)
{
	double		i;

	if (!(x < 9e15))
		return x;
	i = (double) (int64_t) x;
	return i < x ? i + 1 : i;
}

/* log2 within about 0.09 for x >= 1 (enough to cost a sort) */
static double
d_log2(double x)
{
	double		e = 0;

	if (!(x > 1))
		return 0;
	while (x >= 2)
	{
		x /= 2;
		e += 1;
	}
	return e + (x - 1);
}

/* ---------------------------------------------------------------------
 * Arena
 * --------------------------------------------------------------------- */

typedef struct Chunk
{
	struct Chunk *next;
	size_t		used;
	size_t		cap;
	/* data follows, 16-byte aligned */
} Chunk;

#define CHUNK_HEAD ((sizeof(Chunk) + 15) & ~(size_t) 15)
#define CHUNK_SIZE (64 * 1024)

typedef struct Arena
{
	Chunk	   *head;
} Arena;

static void *
arena_alloc(Arena *ar, size_t n)
{
	Chunk	   *c = ar->head;
	void	   *p;

	n = (n + 15) & ~(size_t) 15;
	if (n == 0)
		n = 16;
	if (c == NULL || c->cap - c->used < n)
	{
		size_t		cap = n > CHUNK_SIZE / 2 ? n : CHUNK_SIZE;

		c = malloc(CHUNK_HEAD + cap);
		if (c == NULL)
			return NULL;
		c->used = 0;
		c->cap = cap;
		/* a big block goes behind the current chunk, so it stays current */
		if (cap == n && ar->head != NULL)
		{
			c->next = ar->head->next;
			ar->head->next = c;
		}
		else
		{
			c->next = ar->head;
			ar->head = c;
		}
	}
	p = (char *) c + CHUNK_HEAD + c->used;
	c->used += n;
	memset(p, 0, n);
	return p;
}

static char *
arena_strdup(Arena *ar, const char *s)
{
	size_t		n = strlen(s != NULL ? s : "");
	char	   *p = arena_alloc(ar, n + 1);

	if (p != NULL)
		memcpy(p, s != NULL ? s : "", n + 1);
	return p;
}

static void
arena_free(Arena *ar)
{
	Chunk	   *c = ar->head;

	while (c != NULL)
	{
		Chunk	   *next = c->next;

		free(c);
		c = next;
	}
	ar->head = NULL;
}

/* ---------------------------------------------------------------------
 * Internal model
 * --------------------------------------------------------------------- */

typedef struct Table
{
	const char *schema;
	const char *name;
	double		rows;
	double		pages;
	double		row_writes;
	UkAdvColumn *cols;
	int			ncols;
	UkAdvIndex *idx;
	int			nidx;
	int		   *slots;			/* slots on this table, ascending query */
	int			nslots;
	int			slots_cap;
} Table;

/* the most useful predicate a slot has on one column */
typedef struct ColPred
{
	int			column;
	UkAdvPredKind kind;			/* EQ/IN/ISNULL/JOIN ("eq-like"), or
								 * RANGE/PREFIX */
	double		sel;			/* per probe */
	double		probes;			/* IN list length, JOIN outer rows; else 1 */
	int			nranges;		/* range predicates folded in */
	bool		sel_given;
} ColPred;

typedef struct Slot
{
	int			query;
	int			table;
	ColPred    *cp;
	int			ncp;
	UkAdvSortKey *sort;			/* wanted order on this table, eq'd keys out */
	int			nsort;
	bool		sort_is_group;	/* any direction serves */
	double		limit;			/* only for single-table queries */
	double		total_sel;		/* all predicates on the table, per probe */
	double		base;			/* built-in cost with existing indexes */

	/*
	 * A table joined to others of its query may be read either way: as the
	 * inner side, probed by its join keys once per row of the others
	 * (outer_rows: the fewest rows another side gives on its own), or as
	 * the driving side, by its own predicates alone (drv: this slot
	 * without its join keys).  NULL when the table is not joined.
	 */
	const struct Slot *drv;
	double		outer_rows;
} Slot;

typedef struct Query
{
	const char *id;
	const char *text;
	double		weight;
	int			first_slot;
	int			nslots;
	double		base;			/* built-in: sum of its slots' base */
	double		given_base;
	bool		given;
} Query;

typedef struct Cand
{
	UkAdvCandidate pub;
	int		   *use_slots;
	int		   *use_queries;
	double	   *use_costs;		/* per execution, whole query */
	bool	   *use_set;
	double		key_bytes;
	uint32_t	hash;
	int			origin_slot;	/* the slot that first produced it */
} Cand;

struct UkAdvisor
{
	Arena		arena;
	UkEngine	engine;
	Table	   *tables;
	int			ntables;
	Query	   *queries;
	int			nqueries;
	Slot	   *slots;
	int			nslots;
	Cand	   *cands;
	int			ncands;
	int			cands_cap;
	int		   *hash;			/* open addressing: candidate index + 1 */
	int			hash_cap;
	bool		caller_costs;
	UkAdvice   *advice;			/* malloc'd, replaced by each select */
	int			nadvice;
	Arena		advice_arena;
};

/* ---------------------------------------------------------------------
 * Statistics
 * --------------------------------------------------------------------- */

static bool
finite_nonneg(double v)
{
	return isfinite(v) && v >= 0;
}

/* Distinct values of a column, or 0 when unknown. */
static double
col_distinct(const Table *t, int c)
{
	double		nd = t->cols[c].n_distinct;

	if (nd > 0)
		return nd;
	if (nd < 0)
		return d_max(1.0, -nd * t->rows);
	return 0;
}

static double
clamp_sel(const Table *t, double s)
{
	double		lo = t->rows > 1 ? 1.0 / t->rows : 1.0;

	if (!(s >= lo))
		s = lo;
	if (s > 1)
		s = 1;
	return s;
}

static double
col_width(const Table *t, int c)
{
	double		w = c >= 0 ? t->cols[c].avg_width : 0;

	return w > 0 ? w : UK_ADV_DEFAULT_WIDTH;
}

/* Fraction of rows one predicate keeps (per probe). */
static double
pred_sel(const Table *t, const UkAdvPred *p)
{
	double		nd = col_distinct(t, p->column);
	double		eq;

	if (p->selectivity > 0)
		return clamp_sel(t, p->selectivity);
	eq = nd > 0 ? (1.0 - t->cols[p->column].null_frac) / nd : UK_ADV_DEFAULT_EQ_SEL;
	switch (p->kind)
	{
		case UK_ADV_EQ:
		case UK_ADV_JOIN:
			return clamp_sel(t, eq);
		case UK_ADV_IN:
			return clamp_sel(t, eq * d_max(1.0, p->count));
		case UK_ADV_ISNULL:
			return clamp_sel(t, t->cols[p->column].null_frac);
		case UK_ADV_RANGE:
			return clamp_sel(t, UK_ADV_DEFAULT_RANGE_SEL);
		case UK_ADV_PREFIX:
			return clamp_sel(t, UK_ADV_DEFAULT_PREFIX_SEL);
	}
	return 1.0;
}

static bool
is_eq_like(UkAdvPredKind k)
{
	return k == UK_ADV_EQ || k == UK_ADV_IN || k == UK_ADV_ISNULL ||
		k == UK_ADV_JOIN;
}

static const ColPred *
slot_colpred(const Slot *s, int column)
{
	int			i;

	for (i = 0; i < s->ncp; i++)
		if (s->cp[i].column == column)
			return &s->cp[i];
	return NULL;
}

/* May an equality-like predicate on this column lead an index? */
static bool
can_lead(const Table *t, const ColPred *cp)
{
	double		nd = col_distinct(t, cp->column);

	if (cp->sel > UK_ADV_LEAD_MAX_SEL)
		return false;
	return nd == 0 || nd >= UK_ADV_LEAD_MIN_DISTINCT;
}

static bool
can_follow(const ColPred *cp)
{
	return cp->sel < UK_ADV_FOLLOW_MAX_SEL;
}

/* Bytes of one index entry: key, tuple header and line pointer / PK. */
static double
entry_bytes(UkEngine e, double key_bytes)
{
	/* PG: IndexTupleData 8 + line pointer 4, MAXALIGNed; InnoDB: record
	 * header 5-6 + the primary key (assume a bigint) + directory share */
	return e == UK_ENGINE_MARIADB ? key_bytes + 8 + 14 : d_ceil((key_bytes + 8) / 8) * 8 + 4;
}

static double
page_bytes(UkEngine e)
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

static double
index_size(const UkAdvisor *a, const Table *t, double key_bytes)
{
	return d_max(1.0, t->rows) * entry_bytes(a->engine, key_bytes) /
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
		   const bool *desc, int n)
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
		key_bytes += col_width(t, cols[i]);
	for (i = 0; i < n; i++)
	{
		const ColPred *cp = cols[i] >= 0 ? slot_colpred(s, cols[i]) : NULL;

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
		d_ceil(fetched * entry_bytes(a->engine, key_bytes) /
			 (page_bytes(a->engine) * index_fill(a->engine))) * SEQ_PAGE_COST +
		pages_fetched(fetched, t->pages) * RANDOM_PAGE_COST;
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
static double
slot_cost(const UkAdvisor *a, const Table *t, const Slot *s, const int *cols,
		  const bool *desc, int n)
{
	double		inner;
	double		driving;

	if (s->drv == NULL)
		return cols != NULL ? index_cost(a, t, s, cols, desc, n) : seq_cost(t, s);
	if (cols == NULL)
		return seq_cost(t, s->drv);
	inner = index_cost(a, t, s, cols, desc, n);
	if (isfinite(inner))
		inner *= s->outer_rows;
	driving = index_cost(a, t, s->drv, cols, desc, n);
	return d_min(inner, driving);
}

/* Cost of the slot with the existing btree indexes. */
static double
slot_base_cost(const UkAdvisor *a, const Slot *s)
{
	const Table *t = &a->tables[s->table];
	double		best = slot_cost(a, t, s, NULL, NULL, 0);
	int			i;

	for (i = 0; i < t->nidx; i++)
	{
		if (t->idx[i].kind != UK_ADV_BTREE || t->idx[i].ncolumns == 0)
			continue;
		best = d_min(best, slot_cost(a, t, s, t->idx[i].columns, NULL,
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
static UkStatus
set_join_modes(UkAdvisor *a)
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
			d = arena_alloc(&a->arena, sizeof(Slot));
			if (d == NULL)
				return UK_ERR_NOMEM;
			*d = *s;
			d->cp = arena_alloc(&a->arena, sizeof(ColPred) * (size_t) (s->ncp + 1));
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

/* ---------------------------------------------------------------------
 * Input: validation and copy
 * --------------------------------------------------------------------- */

static UkStatus
copy_tables(UkAdvisor *a, const UkAdvWorkload *w, UkError **err)
{
	int			ti;

	a->ntables = w->ntables;
	a->tables = arena_alloc(&a->arena, sizeof(Table) * (size_t) (w->ntables + 1));
	if (a->tables == NULL)
		return uk_error_set(err, UK_ERR_NOMEM, 0, "out of memory");
	for (ti = 0; ti < w->ntables; ti++)
	{
		const UkAdvTable *in = &w->tables[ti];
		Table	   *t = &a->tables[ti];
		double		width = 24;
		int			c;
		int			x;

		if (in->name == NULL)
			return uk_error_set(err, UK_ERR_INVALID, 0, "table %d has no name", ti);
		if (!isfinite(in->rows) || !finite_nonneg(in->size_bytes) ||
			!finite_nonneg(in->row_writes))
			return uk_error_set(err, UK_ERR_INVALID, 0,
								"table %d: rows, size and writes must be finite, size and writes not negative", ti);
		if (in->ncolumns < 0 || (in->ncolumns > 0 && in->columns == NULL) ||
			in->nindexes < 0 || (in->nindexes > 0 && in->indexes == NULL))
			return uk_error_set(err, UK_ERR_INVALID, 0,
								"table %d: bad column or index array", ti);
		t->schema = arena_strdup(&a->arena, in->schema);
		t->name = arena_strdup(&a->arena, in->name);
		t->rows = in->rows < 0 ? UNKNOWN_ROWS : d_max(1.0, in->rows);
		t->row_writes = in->row_writes;
		t->ncols = in->ncolumns;
		t->cols = arena_alloc(&a->arena, sizeof(UkAdvColumn) * (size_t) (in->ncolumns + 1));
		t->nidx = in->nindexes;
		t->idx = arena_alloc(&a->arena, sizeof(UkAdvIndex) * (size_t) (in->nindexes + 1));
		if (t->schema == NULL || t->name == NULL || t->cols == NULL || t->idx == NULL)
			return uk_error_set(err, UK_ERR_NOMEM, 0, "out of memory");
		for (c = 0; c < in->ncolumns; c++)
		{
			const UkAdvColumn *ic = &in->columns[c];

			if (ic->name == NULL || !isfinite(ic->n_distinct) || ic->n_distinct < -1 ||
				!(ic->null_frac >= 0 && ic->null_frac <= 1) ||
				!finite_nonneg(ic->avg_width))
				return uk_error_set(err, UK_ERR_INVALID, 0,
									"table %d column %d: bad name or statistics", ti, c);
			t->cols[c] = *ic;
			t->cols[c].name = arena_strdup(&a->arena, ic->name);
			if (t->cols[c].name == NULL)
				return uk_error_set(err, UK_ERR_NOMEM, 0, "out of memory");
			width += col_width(t, c);
		}
		for (x = 0; x < in->nindexes; x++)
		{
			const UkAdvIndex *ii = &in->indexes[x];
			int		   *cols;

			if (ii->ncolumns < 0 || (ii->ncolumns > 0 && ii->columns == NULL) ||
				(ii->kind != UK_ADV_BTREE && ii->kind != UK_ADV_OTHER))
				return uk_error_set(err, UK_ERR_INVALID, 0,
									"table %d index %d: bad columns or kind", ti, x);
			cols = arena_alloc(&a->arena, sizeof(int) * (size_t) (ii->ncolumns + 1));
			if (cols == NULL)
				return uk_error_set(err, UK_ERR_NOMEM, 0, "out of memory");
			for (c = 0; c < ii->ncolumns; c++)
			{
				if (ii->columns[c] < -1 || ii->columns[c] >= in->ncolumns)
					return uk_error_set(err, UK_ERR_INVALID, 0,
										"table %d index %d: column %d out of range",
										ti, x, ii->columns[c]);
				cols[c] = ii->columns[c];
			}
			t->idx[x] = *ii;
			t->idx[x].columns = cols;
			t->idx[x].name = arena_strdup(&a->arena, ii->name);
			if (t->idx[x].name == NULL)
				return uk_error_set(err, UK_ERR_NOMEM, 0, "out of memory");
		}
		t->pages = in->size_bytes > 0 ? in->size_bytes / page_bytes(a->engine) :
			t->rows * width / page_bytes(a->engine);
		t->pages = d_max(1.0, d_ceil(t->pages));
	}
	return UK_OK;
}

static UkStatus
check_key(const UkAdvisor *a, const UkAdvSortKey *k, int q, UkError **err)
{
	if (k->table < 0 || k->table >= a->ntables ||
		k->column < 0 || k->column >= a->tables[k->table].ncols)
		return uk_error_set(err, UK_ERR_INVALID, 0,
							"query %d: sort key out of range", q);
	return UK_OK;
}

static UkStatus
table_add_slot(UkAdvisor *a, Table *t, int slot)
{
	if (t->nslots == t->slots_cap)
	{
		int			cap = t->slots_cap == 0 ? 8 : t->slots_cap * 2;
		int		   *n = arena_alloc(&a->arena, sizeof(int) * (size_t) cap);

		if (n == NULL)
			return UK_ERR_NOMEM;
		if (t->nslots > 0)
			memcpy(n, t->slots, sizeof(int) * (size_t) t->nslots);
		t->slots = n;
		t->slots_cap = cap;
	}
	t->slots[t->nslots++] = slot;
	return UK_OK;
}

/* Does the key list name only table ti (and at least one key)? */
static bool
keys_on(const UkAdvSortKey *k, int n, int ti)
{
	int			i;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++)
		if (k[i].table != ti)
			return false;
	return true;
}

/*
 * Build the slots of query q: one per table it has predicates or a sort on,
 * in order of first appearance.
 */
static UkStatus
build_slots(UkAdvisor *a, const UkAdvQuery *in, int q, int *slots_cap,
			UkError **err)
{
	Query	   *qq = &a->queries[q];
	int			ntab = 0;
	int			tabs_local[16];
	int		   *tabs = tabs_local;
	int			i;
	int			j;
	int			total = in->npreds + in->norder_by + in->ngroup_by;

	if (total > 16)
	{
		tabs = arena_alloc(&a->arena, sizeof(int) * (size_t) total);
		if (tabs == NULL)
			return uk_error_set(err, UK_ERR_NOMEM, 0, "out of memory");
	}
	for (i = 0; i < total; i++)
	{
		int			ti;

		if (i < in->npreds)
			ti = in->preds[i].table;
		else if (i < in->npreds + in->norder_by)
			ti = in->order_by[i - in->npreds].table;
		else
			ti = in->group_by[i - in->npreds - in->norder_by].table;
		for (j = 0; j < ntab; j++)
			if (tabs[j] == ti)
				break;
		if (j == ntab)
			tabs[ntab++] = ti;
	}

	qq->first_slot = a->nslots;
	qq->nslots = ntab;
	if (a->nslots + ntab > *slots_cap)
	{
		int			cap = (*slots_cap + ntab) * 2;
		Slot	   *n = malloc(sizeof(Slot) * (size_t) cap);

		if (n == NULL)
			return uk_error_set(err, UK_ERR_NOMEM, 0, "out of memory");
		if (a->nslots > 0)
			memcpy(n, a->slots, sizeof(Slot) * (size_t) a->nslots);
		free(a->slots);
		a->slots = n;
		*slots_cap = cap;
	}

	for (j = 0; j < ntab; j++)
	{
		Slot	   *s = &a->slots[a->nslots];
		Table	   *t = &a->tables[tabs[j]];
		const UkAdvSortKey *sk = NULL;
		int			nsk = 0;

		memset(s, 0, sizeof(Slot));
		s->query = q;
		s->table = tabs[j];
		s->cp = arena_alloc(&a->arena, sizeof(ColPred) * (size_t) (in->npreds + 1));
		if (s->cp == NULL)
			return uk_error_set(err, UK_ERR_NOMEM, 0, "out of memory");
		for (i = 0; i < in->npreds; i++)
		{
			const UkAdvPred *p = &in->preds[i];
			ColPred    *cp = NULL;
			double		sel;
			int			c;

			if (p->table != tabs[j])
				continue;
			sel = pred_sel(t, p);
			for (c = 0; c < s->ncp; c++)
				if (s->cp[c].column == p->column)
					cp = &s->cp[c];
			if (cp == NULL)
			{
				cp = &s->cp[s->ncp++];
				cp->column = p->column;
				cp->kind = p->kind;
				cp->sel = sel;
				cp->probes = 1;
				cp->nranges = is_eq_like(p->kind) ? 0 : 1;
				cp->sel_given = p->selectivity > 0;
			}
			else if (is_eq_like(p->kind) &&
					 (!is_eq_like(cp->kind) || sel < cp->sel))
			{
				/* an equality beats a range; the better equality wins */
				cp->kind = p->kind;
				cp->sel = sel;
				cp->probes = 1;
				cp->nranges = 0;
				cp->sel_given = p->selectivity > 0;
			}
			else if (!is_eq_like(p->kind) && !is_eq_like(cp->kind))
			{
				/* both ends of a range */
				if (!cp->sel_given && p->selectivity <= 0 &&
					cp->kind == UK_ADV_RANGE && p->kind == UK_ADV_RANGE)
					cp->sel = clamp_sel(t, DEFAULT_RANGE_PAIR_SEL);
				else
					cp->sel = clamp_sel(t, cp->sel * sel);
				cp->nranges++;
			}
			else
				continue;
			if (p->kind == UK_ADV_IN || p->kind == UK_ADV_JOIN)
				cp->probes = d_max(1.0, p->count);
		}
		/* IN: one probe per value, each keeping the per-value share */
		for (i = 0; i < s->ncp; i++)
			if (s->cp[i].kind == UK_ADV_IN && s->cp[i].probes > 1)
				s->cp[i].sel = clamp_sel(t, s->cp[i].sel / s->cp[i].probes);

		if (keys_on(in->order_by, in->norder_by, tabs[j]))
			sk = in->order_by, nsk = in->norder_by;
		else if (in->norder_by == 0 && keys_on(in->group_by, in->ngroup_by, tabs[j]))
		{
			sk = in->group_by, nsk = in->ngroup_by;
			s->sort_is_group = true;
		}
		s->sort = arena_alloc(&a->arena, sizeof(UkAdvSortKey) * (size_t) (nsk + 1));
		if (s->sort == NULL)
			return uk_error_set(err, UK_ERR_NOMEM, 0, "out of memory");
		for (i = 0; i < nsk; i++)
		{
			const ColPred *cp = slot_colpred(s, sk[i].column);
			int			d;

			/* a column fixed by an equality is constant: no order to give */
			if (cp != NULL && is_eq_like(cp->kind) && cp->probes <= 1)
				continue;
			for (d = 0; d < s->nsort; d++)
				if (s->sort[d].column == sk[i].column)
					break;
			if (d == s->nsort)
				s->sort[s->nsort++] = sk[i];
		}
		s->limit = ntab == 1 ? in->limit : 0;
		s->total_sel = 1;
		for (i = 0; i < s->ncp; i++)
			s->total_sel *= s->cp[i].sel;
		if (table_add_slot(a, t, a->nslots) != UK_OK)
			return uk_error_set(err, UK_ERR_NOMEM, 0, "out of memory");
		a->nslots++;
	}
	return UK_OK;
}

static UkStatus
copy_queries(UkAdvisor *a, const UkAdvWorkload *w, UkError **err)
{
	int			slots_cap = 0;
	int			q;

	a->nqueries = w->nqueries;
	a->queries = arena_alloc(&a->arena, sizeof(Query) * (size_t) (w->nqueries + 1));
	if (a->queries == NULL)
		return uk_error_set(err, UK_ERR_NOMEM, 0, "out of memory");
	for (q = 0; q < w->nqueries; q++)
	{
		const UkAdvQuery *in = &w->queries[q];
		Query	   *qq = &a->queries[q];
		UkStatus	st;
		int			i;

		if (!isfinite(in->weight) || !finite_nonneg(in->limit) ||
			in->npreds < 0 || (in->npreds > 0 && in->preds == NULL) ||
			in->norder_by < 0 || (in->norder_by > 0 && in->order_by == NULL) ||
			in->ngroup_by < 0 || (in->ngroup_by > 0 && in->group_by == NULL))
			return uk_error_set(err, UK_ERR_INVALID, 0,
								"query %d: bad weight, limit or arrays", q);
		for (i = 0; i < in->npreds; i++)
		{
			const UkAdvPred *p = &in->preds[i];

			if (p->table < 0 || p->table >= a->ntables ||
				p->column < 0 || p->column >= a->tables[p->table].ncols)
				return uk_error_set(err, UK_ERR_INVALID, 0,
									"query %d predicate %d: table or column out of range", q, i);
			if ((int) p->kind < (int) UK_ADV_EQ || (int) p->kind > (int) UK_ADV_PREFIX ||
				!finite_nonneg(p->count) ||
				!(p->selectivity >= 0 && p->selectivity <= 1))
				return uk_error_set(err, UK_ERR_INVALID, 0,
									"query %d predicate %d: bad kind, count or selectivity", q, i);
		}
		for (i = 0; i < in->norder_by; i++)
			if ((st = check_key(a, &in->order_by[i], q, err)) != UK_OK)
				return st;
		for (i = 0; i < in->ngroup_by; i++)
			if ((st = check_key(a, &in->group_by[i], q, err)) != UK_OK)
				return st;

		qq->id = arena_strdup(&a->arena, in->id);
		qq->text = arena_strdup(&a->arena, in->text);
		if (qq->id == NULL || qq->text == NULL)
			return uk_error_set(err, UK_ERR_NOMEM, 0, "out of memory");
		qq->weight = in->weight > 0 ? in->weight : 0;
		if (qq->weight == 0)
		{
			qq->first_slot = a->nslots;
			continue;			/* ignored: no slots */
		}
		if ((st = build_slots(a, in, q, &slots_cap, err)) != UK_OK)
			return st;
	}
	return UK_OK;
}

/* ---------------------------------------------------------------------
 * Candidates
 * --------------------------------------------------------------------- */

static uint32_t
cand_hash(int table, const int *cols, const bool *desc, int n)
{
	uint32_t	h = 2166136261u;
	int			i;

	h = (h ^ (uint32_t) table) * 16777619u;
	for (i = 0; i < n; i++)
	{
		h = (h ^ (uint32_t) cols[i]) * 16777619u;
		h = (h ^ (desc[i] ? 1u : 2u)) * 16777619u;
	}
	return h;
}

static bool
cand_equal(const Cand *c, int table, const int *cols, const bool *desc, int n)
{
	int			i;

	if (c->pub.table != table || c->pub.ncolumns != n)
		return false;
	for (i = 0; i < n; i++)
		if (c->pub.columns[i] != cols[i] || c->pub.desc[i] != desc[i])
			return false;
	return true;
}

static UkStatus
hash_grow(UkAdvisor *a)
{
	int			cap = a->hash_cap == 0 ? 256 : a->hash_cap * 2;
	int		   *h = calloc((size_t) cap, sizeof(int));
	int			i;

	if (h == NULL)
		return UK_ERR_NOMEM;
	for (i = 0; i < a->ncands; i++)
	{
		uint32_t	pos = a->cands[i].hash & (uint32_t) (cap - 1);

		while (h[pos] != 0)
			pos = (pos + 1) & (uint32_t) (cap - 1);
		h[pos] = i + 1;
	}
	free(a->hash);
	a->hash = h;
	a->hash_cap = cap;
	return UK_OK;
}

/* Is (cols, desc, n) a leading prefix of an existing btree index? */
static bool
covered_by_existing(const Table *t, const int *cols, const bool *desc, int n)
{
	int			x;
	int			i;

	for (i = 0; i < n; i++)
		if (desc[i])
			return false;		/* mixed directions: existing ones are plain */
	for (x = 0; x < t->nidx; x++)
	{
		const UkAdvIndex *ix = &t->idx[x];

		if (ix->kind != UK_ADV_BTREE || ix->ncolumns < n)
			continue;
		for (i = 0; i < n; i++)
			if (ix->columns[i] != cols[i])
				break;
		if (i == n)
			return true;
	}
	return false;
}

/* Add a candidate unless it is there already or covered. */
static UkStatus
add_cand(UkAdvisor *a, int slot, const int *cols, const bool *desc_in, int n)
{
	const Table *t = &a->tables[a->slots[slot].table];
	int			table = a->slots[slot].table;
	bool		desc[UK_ADV_MAX_COLUMNS];
	uint32_t	h;
	uint32_t	pos;
	Cand	   *c;
	int			i;

	if (n <= 0)
		return UK_OK;
	/* normalize: the first column ascending (a btree scans both ways) */
	for (i = 0; i < n; i++)
		desc[i] = desc_in[i] != desc_in[0];
	if (covered_by_existing(t, cols, desc, n))
		return UK_OK;
	if (a->ncands * 2 >= a->hash_cap && hash_grow(a) != UK_OK)
		return UK_ERR_NOMEM;
	h = cand_hash(table, cols, desc, n);
	pos = h & (uint32_t) (a->hash_cap - 1);
	while (a->hash[pos] != 0)
	{
		if (cand_equal(&a->cands[a->hash[pos] - 1], table, cols, desc, n))
			return UK_OK;
		pos = (pos + 1) & (uint32_t) (a->hash_cap - 1);
	}
	if (a->ncands == a->cands_cap)
	{
		int			cap = a->cands_cap == 0 ? 64 : a->cands_cap * 2;
		Cand	   *nc = realloc(a->cands, sizeof(Cand) * (size_t) cap);

		if (nc == NULL)
			return UK_ERR_NOMEM;
		a->cands = nc;
		a->cands_cap = cap;
	}
	c = &a->cands[a->ncands];
	memset(c, 0, sizeof(Cand));
	c->pub.table = table;
	c->pub.ncolumns = n;
	for (i = 0; i < n; i++)
	{
		c->pub.columns[i] = cols[i];
		c->pub.desc[i] = desc[i];
		c->key_bytes += col_width(t, cols[i]);
	}
	c->hash = h;
	c->origin_slot = slot;
	a->hash[pos] = ++a->ncands;
	return UK_OK;
}

/* Add (cols, n) and each of its leading prefixes. */
static UkStatus
add_with_prefixes(UkAdvisor *a, int slot, const int *cols, const bool *desc,
				  int n)
{
	int			k;

	for (k = n; k >= 1; k--)
		if (add_cand(a, slot, cols, desc, k) != UK_OK)
			return UK_ERR_NOMEM;
	return UK_OK;
}

static int
cmp_colpred(const void *x, const void *y)
{
	const ColPred *p = *(const ColPred *const *) x;
	const ColPred *q = *(const ColPred *const *) y;

	if (p->sel != q->sel)
		return p->sel < q->sel ? -1 : 1;
	return p->column - q->column;
}

/*
 * Append column c to (cols, desc, *n) unless it is there, the index is
 * full or too wide.  False when it could not be added.
 */
static bool
push_col(const Table *t, int *cols, bool *desc, int *n, double *bytes,
		 int c, bool d)
{
	int			i;

	for (i = 0; i < *n; i++)
		if (cols[i] == c)
			return true;		/* already in: nothing to do */
	if (*n >= UK_ADV_MAX_COLUMNS || *bytes + col_width(t, c) > UK_ADV_MAX_KEY_BYTES)
		return false;
	cols[*n] = c;
	desc[*n] = d;
	(*n)++;
	*bytes += col_width(t, c);
	return true;
}

/* A join key and some other predicate: the table may drive the join. */
static bool
slot_has_join(const Slot *s)
{
	bool		join = false,
				other = false;
	int			i;

	for (i = 0; i < s->ncp; i++)
	{
		if (s->cp[i].kind == UK_ADV_JOIN)
			join = true;
		else
			other = true;
	}
	return join && other;
}

/*
 * The candidates of one slot: equality-like columns by selectivity (a
 * column that may not lead does not; one that does not narrow enough is
 * left out), then either the best range column or the sort columns, or
 * the range column when it is the first sort column followed by the rest
 * of the sort; with every leading prefix.
 *
 * Without join keys (no_join) the candidates are those of the table as the
 * driving side of its joins, read by its own predicates only: a lookup by
 * picking name that then joins on the picking's id wants (name), not
 * (id, name).
 */
static UkStatus
gen_slot(UkAdvisor *a, int si, bool no_join)
{
	const Slot *s = &a->slots[si];
	const Table *t = &a->tables[s->table];
	const ColPred *eq_local[16];
	const ColPred **eq = eq_local;
	const ColPred *range = NULL;
	int			neq = 0;
	int			base_cols[UK_ADV_MAX_COLUMNS];
	bool		base_desc[UK_ADV_MAX_COLUMNS] = {false};
	int			nbase = 0;
	double		bytes = 0;
	double		left = t->rows;
	int			lead = -1;
	int			i;
	UkStatus	st = UK_OK;

	if (s->ncp > 16)
	{
		eq = malloc(sizeof(ColPred *) * (size_t) s->ncp);
		if (eq == NULL)
			return UK_ERR_NOMEM;
	}
	for (i = 0; i < s->ncp; i++)
	{
		if (no_join && s->cp[i].kind == UK_ADV_JOIN)
			continue;
		if (is_eq_like(s->cp[i].kind))
			eq[neq++] = &s->cp[i];
		else if (range == NULL || s->cp[i].sel < range->sel ||
				 (s->cp[i].sel == range->sel && s->cp[i].column < range->column))
			range = &s->cp[i];
	}
	qsort(eq, (size_t) neq, sizeof(ColPred *), cmp_colpred);

	for (i = 0; i < neq; i++)
		if (can_lead(t, eq[i]))
		{
			lead = i;
			break;
		}
	if (lead >= 0)
	{
		push_col(t, base_cols, base_desc, &nbase, &bytes, eq[lead]->column, false);
		left *= eq[lead]->sel;
		for (i = 0; i < neq && left >= ENOUGH_ROWS; i++)
		{
			if (i == lead || !can_follow(eq[i]))
				continue;
			if (!push_col(t, base_cols, base_desc, &nbase, &bytes, eq[i]->column, false))
				break;
			left *= eq[i]->sel;
		}
	}
	if (eq != eq_local)
		free(eq);

	/* equalities only */
	if ((st = add_with_prefixes(a, si, base_cols, base_desc, nbase)) != UK_OK)
		return st;

	/* then the range column: after equalities if it narrows, alone if it
	 * is selective enough to lead */
	if (range != NULL && left >= ENOUGH_ROWS &&
		(nbase > 0 ? can_follow(range) : range->sel <= UK_ADV_LEAD_MAX_SEL))
	{
		int			cols[UK_ADV_MAX_COLUMNS];
		bool		desc[UK_ADV_MAX_COLUMNS];
		int			n = nbase;
		double		b = bytes;

		memcpy(cols, base_cols, sizeof(cols));
		memcpy(desc, base_desc, sizeof(desc));
		if (push_col(t, cols, desc, &n, &b, range->column, false))
		{
			/* the range column is also the first sort key: keep sorting */
			if (s->nsort > 0 && s->sort[0].column == range->column)
			{
				desc[n - 1] = s->sort[0].desc && !s->sort_is_group;
				for (i = 1; i < s->nsort; i++)
					if (!push_col(t, cols, desc, &n, &b, s->sort[i].column,
								  s->sort[i].desc && !s->sort_is_group))
						break;
				if (i < s->nsort)
					n = nbase + 1;	/* a partial order is no order */
				else
				{
					bool		d0 = desc[nbase];
					int			k;

					for (k = nbase; k < n; k++)
						desc[k] = desc[k] != d0;
				}
			}
			if ((st = add_with_prefixes(a, si, cols, desc, n)) != UK_OK)
				return st;
		}
	}

	/* or the sort columns, when everything before them is an equality (or
	 * nothing, with a LIMIT: read the first rows in order) */
	if (s->nsort > 0 && (nbase > 0 || s->limit > 0))
	{
		int			cols[UK_ADV_MAX_COLUMNS];
		bool		desc[UK_ADV_MAX_COLUMNS];
		int			n = nbase;
		double		b = bytes;

		memcpy(cols, base_cols, sizeof(cols));
		memcpy(desc, base_desc, sizeof(desc));
		for (i = 0; i < s->nsort; i++)
			if (!push_col(t, cols, desc, &n, &b, s->sort[i].column,
						  s->sort[i].desc && !s->sort_is_group))
				break;
		if (i == s->nsort && n > nbase)
		{
			/* directions relative to the first sort column */
			bool		d0 = desc[nbase];
			int			k;

			for (k = nbase; k < n; k++)
				desc[k] = desc[k] != d0;
			if ((st = add_with_prefixes(a, si, cols, desc, n)) != UK_OK)
				return st;
		}
	}
	return UK_OK;
}

/* Does the slot have anything on column c (a predicate or a sort key)? */
static bool
slot_touches(const Slot *s, int c)
{
	int			i;

	if (slot_colpred(s, c) != NULL)
		return true;
	for (i = 0; i < s->nsort; i++)
		if (s->sort[i].column == c)
			return true;
	return false;
}

/* The slots that can use each candidate, and their built-in costs. */
static UkStatus
cost_candidates(UkAdvisor *a)
{
	int			ci;

	for (ci = 0; ci < a->ncands; ci++)
	{
		Cand	   *c = &a->cands[ci];
		const Table *t = &a->tables[c->pub.table];
		int			n = 0;
		int			i;

		c->pub.size_bytes = index_size(a, t, c->key_bytes);
		c->pub.write_penalty = t->row_writes *
			(WRITE_ENTRY_COST + entry_bytes(a->engine, c->key_bytes) * WRITE_BYTE_COST);
		for (i = 0; i < t->nslots; i++)
			if (slot_touches(&a->slots[t->slots[i]], c->pub.columns[0]))
				n++;
		c->use_slots = arena_alloc(&a->arena, sizeof(int) * (size_t) (n + 1));
		c->use_queries = arena_alloc(&a->arena, sizeof(int) * (size_t) (n + 1));
		c->use_costs = arena_alloc(&a->arena, sizeof(double) * (size_t) (n + 1));
		c->use_set = arena_alloc(&a->arena, sizeof(bool) * (size_t) (n + 1));
		if (c->use_slots == NULL || c->use_queries == NULL ||
			c->use_costs == NULL || c->use_set == NULL)
			return UK_ERR_NOMEM;
		n = 0;
		for (i = 0; i < t->nslots; i++)
		{
			const Slot *s = &a->slots[t->slots[i]];
			double		ic;

			if (!slot_touches(s, c->pub.columns[0]))
				continue;
			ic = slot_cost(a, t, s, c->pub.columns, c->pub.desc, c->pub.ncolumns);
			c->use_slots[n] = t->slots[i];
			c->use_queries[n] = s->query;
			c->use_costs[n] = a->queries[s->query].base - s->base + d_min(s->base, ic);
			n++;
		}
		c->pub.nuses = n;
		c->pub.use_queries = c->use_queries;
		c->pub.use_costs = c->use_costs;
	}
	return UK_OK;
}

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
	if ((st = copy_tables(a, w, err)) != UK_OK ||
		(st = copy_queries(a, w, err)) != UK_OK)
	{
		uk_advisor_free(a);
		return st;
	}
	if (set_join_modes(a) != UK_OK)
	{
		uk_advisor_free(a);
		return uk_error_set(err, UK_ERR_NOMEM, 0, "out of memory");
	}
	for (i = 0; i < a->nslots; i++)
	{
		a->slots[i].base = slot_base_cost(a, &a->slots[i]);
		a->queries[a->slots[i].query].base += a->slots[i].base;
	}
	if (hash_grow(a) != UK_OK)
		st = UK_ERR_NOMEM;
	for (i = 0; st == UK_OK && i < a->nslots; i++)
	{
		st = gen_slot(a, i, false);
		if (st == UK_OK && slot_has_join(&a->slots[i]))
			st = gen_slot(a, i, true);
	}
	if (st == UK_OK)
		st = cost_candidates(a);
	if (st != UK_OK)
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

UkStatus
uk_advisor_set_cost(UkAdvisor *a, int candidate, int query, double cost,
					UkError **err)
{
	Cand	   *c;
	int			lo;
	int			hi;

	if (a == NULL || candidate < 0 || candidate >= a->ncands ||
		!finite_nonneg(cost))
		return uk_error_set(err, UK_ERR_INVALID, 0, "bad candidate or cost");
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
		return uk_error_set(err, UK_ERR_INVALID, 0,
							"candidate %d is not costed for query %d", candidate, query);
	use_caller_costs(a);
	c->use_costs[lo] = cost;
	c->use_set[lo] = true;
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

/* ---------------------------------------------------------------------
 * Selection
 * --------------------------------------------------------------------- */

/* Saving of use u of candidate c, per execution. */
static double
use_saving(const UkAdvisor *a, const Cand *c, int u)
{
	double		base = uk_advisor_base_cost(a, c->use_queries[u]);

	if (a->caller_costs && !c->use_set[u])
		return 0;
	return d_max(0.0, base - c->use_costs[u]);
}

/* Is chosen candidate s a leading prefix of c (same table and order)? */
static bool
is_prefix_of(const Cand *s, const Cand *c)
{
	int			i;

	if (s->pub.table != c->pub.table || s->pub.ncolumns >= c->pub.ncolumns)
		return false;
	for (i = 0; i < s->pub.ncolumns; i++)
		if (s->pub.columns[i] != c->pub.columns[i] || s->pub.desc[i] != c->pub.desc[i])
			return false;
	return true;
}

typedef struct SelState
{
	double	   *save;			/* per slot: best saving so far */
	int		   *best;			/* per slot: chosen candidate giving it, -1 */
	double	   *qcost;			/* per query: current cost */
	int		   *chosen;			/* candidate per place */
	int			nchosen;
	bool	   *is_chosen;		/* per candidate */
} SelState;

/*
 * Value of adding candidate ci now: gain (weighted saving), the weighted
 * current cost of the queries it helps, and the chosen place it would take
 * over (-1 for a new place).
 */
static void
evaluate(const UkAdvisor *a, const SelState *ss, int ci, double *gain,
		 double *helped_cost, int *replaces)
{
	const Cand *c = &a->cands[ci];
	int			u;
	int			p;

	*gain = 0;
	*helped_cost = 0;
	*replaces = -1;
	for (p = 0; p < ss->nchosen; p++)
		if (is_prefix_of(&a->cands[ss->chosen[p]], c) &&
			(*replaces < 0 ||
			 a->cands[ss->chosen[p]].pub.ncolumns >
			 a->cands[ss->chosen[*replaces]].pub.ncolumns))
			*replaces = p;
	for (u = 0; u < c->pub.nuses; u++)
	{
		int			slot = c->use_slots[u];
		const Query *q = &a->queries[c->use_queries[u]];
		double		d = use_saving(a, c, u) - ss->save[slot];

		/* where the replaced index was the best, a loss counts too */
		if (d > 0 || (*replaces >= 0 && ss->best[slot] == ss->chosen[*replaces]))
		{
			*gain += q->weight * d;
			if (d > 0)
				*helped_cost += q->weight * ss->qcost[c->use_queries[u]];
		}
	}
}

static void
apply_choice(const UkAdvisor *a, SelState *ss, int ci, int replaces)
{
	const Cand *c = &a->cands[ci];
	int			old = replaces >= 0 ? ss->chosen[replaces] : -1;
	int			u;

	if (replaces >= 0)
	{
		ss->chosen[replaces] = ci;
		ss->is_chosen[old] = false;
	}
	else
		ss->chosen[ss->nchosen++] = ci;
	ss->is_chosen[ci] = true;
	for (u = 0; u < c->pub.nuses; u++)
	{
		int			slot = c->use_slots[u];
		double		sv = use_saving(a, c, u);

		if (sv > ss->save[slot] || (old >= 0 && ss->best[slot] == old))
		{
			ss->qcost[c->use_queries[u]] += ss->save[slot] - sv;
			ss->save[slot] = sv;
			ss->best[slot] = ci;
		}
	}
}

/* Start the state over and apply chosen[0..n) as new places. */
static void
replay(const UkAdvisor *a, SelState *ss, const int *chosen, int n)
{
	int			keep[UK_ADV_REPLAY_MAX];
	int			i;

	memcpy(keep, chosen, sizeof(int) * (size_t) n);
	for (i = 0; i < a->nslots; i++)
	{
		ss->save[i] = 0;
		ss->best[i] = -1;
	}
	for (i = 0; i < a->nqueries; i++)
		ss->qcost[i] = uk_advisor_base_cost(a, i);
	for (i = 0; i < a->ncands; i++)
		ss->is_chosen[i] = false;
	ss->nchosen = 0;
	for (i = 0; i < n; i++)
		apply_choice(a, ss, keep[i], -1);
}

static double
state_total(const UkAdvisor *a, const SelState *ss)
{
	double		t = 0;
	int			i;

	for (i = 0; i < a->nqueries; i++)
		t += a->queries[i].weight * d_max(0.0, ss->qcost[i]);
	return t;
}

/* Do candidates x and y have the same columns, in any order? */
static bool
same_columns(const Cand *x, const Cand *y)
{
	int			i;
	int			j;

	if (x->pub.table != y->pub.table || x->pub.ncolumns != y->pub.ncolumns)
		return false;
	for (i = 0; i < x->pub.ncolumns; i++)
	{
		for (j = 0; j < y->pub.ncolumns; j++)
			if (x->pub.columns[i] == y->pub.columns[j])
				break;
		if (j == y->pub.ncolumns)
			return false;
	}
	return true;
}

/*
 * After the greedy choice: where the same columns in another order serve
 * the workload as well (within a hair), lead with the column that has the
 * most distinct values.  The greedy step may have taken (location_id,
 * product_id) for a moment when it also served a GROUP BY that a later
 * index took over; (product_id, location_id) is then what a DBA expects.
 */
static void
tidy_orders(const UkAdvisor *a, SelState *ss)
{
	int			chosen[UK_ADV_REPLAY_MAX];
	int			n = ss->nchosen;
	int			p;
	int			j;
	double		total;

	if (n <= 0 || n > UK_ADV_REPLAY_MAX)
		return;
	memcpy(chosen, ss->chosen, sizeof(int) * (size_t) n);
	total = state_total(a, ss);
	for (p = 0; p < n; p++)
	{
		const Cand *c = &a->cands[chosen[p]];
		const Table *t = &a->tables[c->pub.table];

		for (j = 0; j < a->ncands; j++)
		{
			const Cand *o = &a->cands[j];
			int			was = chosen[p];
			double		tt;
			int			k;
			bool		dup = false;

			if (ss->is_chosen[j] || !same_columns(c, o) ||
				col_distinct(t, o->pub.columns[0]) <=
				col_distinct(t, c->pub.columns[0]))
				continue;
			for (k = 0; k < n; k++)
				dup = dup || chosen[k] == j;
			if (dup)
				continue;
			chosen[p] = j;
			replay(a, ss, chosen, n);
			tt = state_total(a, ss);
			if (tt <= total * (1 + 1e-4) + 1e-9)
			{
				total = tt;
				c = o;
				continue;
			}
			chosen[p] = was;
			replay(a, ss, chosen, n);
		}
	}
}

/* "20,000" */
static void
fmt_count(double v, char *out, size_t cap)
{
	char		digits[32];
	size_t		n;
	size_t		o = 0;
	size_t		i;

	if (!(v < 1e15))
		v = 1e15;
	snprintf(digits, sizeof(digits), "%.0f", v < 1 ? 1 : v);
	n = strlen(digits);
	for (i = 0; i < n && o + 2 < cap; i++)
	{
		if (i > 0 && (n - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
}

static void
reason_put(char *r, size_t cap, const char *fmt, const char *a1, const char *a2)
{
	size_t		n = strlen(r);

	if (n + 1 < cap)
		snprintf(r + n, cap - n, fmt, a1, a2);
}

/* The reason text of advice c, explained on the slot of its example query. */
static void
explain(const UkAdvisor *a, const Cand *c, const Slot *s, int nhelped,
		char *r, size_t cap)
{
	const Table *t = &a->tables[c->pub.table];
	char		num[48];
	char		part[160];
	bool		ordered = false;
	int			i;
	int			x;

	r[0] = '\0';
	for (i = 0; i < c->pub.ncolumns; i++)
	{
		int			col = c->pub.columns[i];
		const char *name = t->cols[col].name;
		const ColPred *cp = s != NULL ? slot_colpred(s, col) : NULL;
		const char *sep = i == 0 ? "" : ", then ";

		if (cp != NULL && !ordered)
		{
			switch (cp->kind)
			{
				case UK_ADV_EQ:
				case UK_ADV_JOIN:
					fmt_count(1.0 / cp->sel, num, sizeof(num));
					snprintf(part, sizeof(part), "%s on %.64s (1 in %s rows)",
							 cp->kind == UK_ADV_JOIN ? "join key" : "equality",
							 name, num);
					break;
				case UK_ADV_IN:
					fmt_count(cp->probes, num, sizeof(num));
					snprintf(part, sizeof(part), "%.64s IN (%s values)", name, num);
					break;
				case UK_ADV_ISNULL:
					snprintf(part, sizeof(part), "%.64s IS NULL (%.2g%% of rows)",
							 name, 100 * cp->sel);
					break;
				case UK_ADV_RANGE:
					snprintf(part, sizeof(part), "range on %.64s", name);
					break;
				case UK_ADV_PREFIX:
					snprintf(part, sizeof(part), "prefix LIKE on %.64s", name);
					break;
			}
			if (s != NULL && s->nsort > 0 && s->sort[0].column == col &&
				!is_eq_like(cp->kind))
			{
				ordered = true;
				reason_put(part, sizeof(part), "%s", " (also the order wanted)", NULL);
			}
		}
		else
		{
			snprintf(part, sizeof(part), "%s %.64s%s",
					 ordered ? "and" : (s != NULL && s->sort_is_group) ? "GROUP BY" : "ORDER BY",
					 name, c->pub.desc[i] != c->pub.desc[0] ? " DESC" : "");
			if (ordered)
				sep = " ";
			ordered = true;
		}
		reason_put(r, cap, "%s%s", sep, part);
	}
	if (ordered && s != NULL && s->limit > 0)
		reason_put(r, cap, "%s%s", ": no sort, the LIMIT reads only the first rows", "");
	else if (ordered)
		reason_put(r, cap, "%s%s", ": rows come in order, no sort", "");

	/* equality columns of the example that do not lead, and why */
	for (i = 0; s != NULL && i < s->ncp; i++)
	{
		const ColPred *cp = &s->cp[i];
		const ColPred *lead = slot_colpred(s, c->pub.columns[0]);
		double		nd = col_distinct(t, cp->column);
		const char *name = t->cols[cp->column].name;
		bool		in_index = false;
		int			k;

		if (!is_eq_like(cp->kind) || c->pub.columns[0] == cp->column)
			continue;
		for (k = 0; k < c->pub.ncolumns; k++)
			if (c->pub.columns[k] == cp->column)
				in_index = true;
		if (cp->sel_given && cp->sel >= UK_ADV_FOLLOW_MAX_SEL)
			snprintf(part, sizeof(part), "the value is in %.0f%% of the rows",
					 100 * cp->sel);
		else if (nd > 0)
		{
			fmt_count(nd, num, sizeof(num));
			snprintf(part, sizeof(part), "%s value%s", num, nd == 1 ? "" : "s");
		}
		else
		{
			fmt_count(1.0 / cp->sel, num, sizeof(num));
			snprintf(part, sizeof(part), "1 in %s rows", num);
		}
		if (!can_lead(t, cp) && (lead == NULL || cp->sel <= lead->sel))
			reason_put(r, cap, "; leading with %s skipped: %s", name, part);
		else if (in_index)
			continue;
		else if (!can_follow(cp))
			reason_put(r, cap, cp->sel_given && cp->sel >= UK_ADV_FOLLOW_MAX_SEL ?
					   "; %s left out: %s" : "; %s left out: %s, too few to narrow",
					   name, part);
		else
			reason_put(r, cap, "; %s left out: few rows left", name, NULL);
	}
	/* an existing index this one makes redundant */
	for (x = 0; x < t->nidx; x++)
	{
		const UkAdvIndex *ix = &t->idx[x];
		int			k;

		if (ix->kind != UK_ADV_BTREE || ix->unique || ix->constraint ||
			ix->ncolumns == 0 || ix->ncolumns >= c->pub.ncolumns)
			continue;
		for (k = 0; k < ix->ncolumns; k++)
			if (ix->columns[k] != c->pub.columns[k])
				break;
		if (k == ix->ncolumns)
			reason_put(r, cap, "; extends %s, which can then be dropped",
					   ix->name[0] != '\0' ? ix->name : "an existing index", NULL);
	}
	fmt_count(nhelped, num, sizeof(num));
	snprintf(part, sizeof(part), "; serves %s quer%s", num, nhelped == 1 ? "y" : "ies");
	reason_put(r, cap, "%s%s", part, "");
}

static int
cmp_advice(const void *x, const void *y)
{
	const UkAdvice *p = x;
	const UkAdvice *q = y;
	double		gp = p->cost_before - p->cost_after;
	double		gq = q->cost_before - q->cost_after;

	if (gp != gq)
		return gp > gq ? -1 : 1;
	return p->rank - q->rank;
}

/* Fill a->advice from the chosen places. */
static UkStatus
build_advice(UkAdvisor *a, SelState *ss, double total)
{
	double	   *bsave = malloc(sizeof(double) * (size_t) (a->nslots + 1));
	int		   *bidx = malloc(sizeof(int) * (size_t) (a->nslots + 1));
	int			p;
	int			i;

	if (bsave == NULL || bidx == NULL)
	{
		free(bsave);
		free(bidx);
		return UK_ERR_NOMEM;
	}
	/* the best chosen index of every slot, exactly */
	for (i = 0; i < a->nslots; i++)
	{
		bsave[i] = 0;
		bidx[i] = -1;
	}
	for (p = 0; p < ss->nchosen; p++)
	{
		const Cand *c = &a->cands[ss->chosen[p]];
		int			u;
		int			o;

		/* a chosen prefix of another chosen index adds nothing: merged */
		for (o = 0; o < ss->nchosen; o++)
			if (is_prefix_of(c, &a->cands[ss->chosen[o]]))
				break;
		if (o < ss->nchosen)
			continue;
		for (u = 0; u < c->pub.nuses; u++)
		{
			double		sv = use_saving(a, c, u);

			if (sv > bsave[c->use_slots[u]])
			{
				bsave[c->use_slots[u]] = sv;
				bidx[c->use_slots[u]] = p;
			}
		}
	}
	a->advice = calloc((size_t) (ss->nchosen + 1), sizeof(UkAdvice));
	if (a->advice == NULL)
	{
		free(bsave);
		free(bidx);
		return UK_ERR_NOMEM;
	}
	for (p = 0; p < ss->nchosen; p++)
	{
		const Cand *c = &a->cands[ss->chosen[p]];
		const Table *t = &a->tables[c->pub.table];
		UkAdvice   *ad = &a->advice[a->nadvice];
		const char *names[UK_ADV_MAX_COLUMNS];
		char		name[UK_INDEX_NAME_BUF];
		char	   *stmt;
		char	   *reason;
		size_t		len;
		int			ex_slot = -1;
		int			u;

		ad->rank = p + 1;
		ad->table = c->pub.table;
		ad->schema = t->schema;
		ad->table_name = t->name;
		ad->ncolumns = c->pub.ncolumns;
		ad->est_size_bytes = c->pub.size_bytes;
		ad->example_query = -1;
		for (i = 0; i < c->pub.ncolumns; i++)
		{
			ad->columns[i] = c->pub.columns[i];
			ad->desc[i] = c->pub.desc[i];
			ad->column_names[i] = names[i] = t->cols[c->pub.columns[i]].name;
		}
		for (u = 0; u < c->pub.nuses; u++)
		{
			int			slot = c->use_slots[u];
			int			q = c->use_queries[u];
			double		w = a->queries[q].weight;

			if (bidx[slot] != p || bsave[slot] <= 0)
				continue;
			ad->nqueries++;
			ad->cost_before += w * uk_advisor_base_cost(a, q);
			ad->cost_after += w * (uk_advisor_base_cost(a, q) - bsave[slot]);
			if (ex_slot < 0 || w > a->queries[ad->example_query].weight)
			{
				ex_slot = slot;
				ad->example_query = q;
			}
		}
		if (ad->nqueries == 0)
			continue;			/* every query it served has a better one */
		ad->cost_after = d_max(0.0, ad->cost_after);
		ad->improvement_pct = ad->cost_before > 0 ?
			100 * (ad->cost_before - ad->cost_after) / ad->cost_before : 0;
		ad->workload_pct = total > 0 ?
			100 * (ad->cost_before - ad->cost_after) / total : 0;

		uk_index_name(a->engine, t->name, names, c->pub.ncolumns, name, sizeof(name));
		len = uk_index_create_statement(a->engine, t->schema, t->name, name, names,
										c->pub.desc, c->pub.ncolumns, NULL, 0);
		stmt = arena_alloc(&a->advice_arena, len + 1);
		reason = arena_alloc(&a->advice_arena, REASON_MAX);
		ad->index_name = arena_strdup(&a->advice_arena, name);
		if (stmt == NULL || reason == NULL || ad->index_name == NULL)
		{
			free(bsave);
			free(bidx);
			return UK_ERR_NOMEM;
		}
		uk_index_create_statement(a->engine, t->schema, t->name, name, names,
								  c->pub.desc, c->pub.ncolumns, stmt, len + 1);
		ad->create_statement = stmt;
		explain(a, c, &a->slots[ex_slot], ad->nqueries, reason, REASON_MAX);
		ad->reason = reason;
		a->nadvice++;
	}
	free(bsave);
	free(bidx);
	qsort(a->advice, (size_t) a->nadvice, sizeof(UkAdvice), cmp_advice);
	for (i = 0; i < a->nadvice; i++)
		a->advice[i].rank = i + 1;
	return UK_OK;
}

void
uk_adv_options_init(UkAdvOptions *opts)
{
	opts->max_indexes = 10;
	opts->min_improvement_pct = 10;
	opts->min_workload_pct = 0.1;
	opts->write_cost_factor = 1;
}

UkStatus
uk_advisor_select(UkAdvisor *a, const UkAdvOptions *opts,
				  const UkAdvice **advice, int *n, double *before,
				  double *after, UkError **err)
{
	SelState	ss;
	double		total = 0;
	int			iter;
	int			max_iter;
	int			i;
	UkStatus	st;

	if (a == NULL || opts == NULL || advice == NULL || n == NULL)
		return uk_error_set(err, UK_ERR_INVALID, 0, "bad arguments");
	if (opts->max_indexes < 0 || !finite_nonneg(opts->min_improvement_pct) ||
		opts->min_improvement_pct > 100 || !finite_nonneg(opts->min_workload_pct) ||
		opts->min_workload_pct > 100 || !finite_nonneg(opts->write_cost_factor))
		return uk_error_set(err, UK_ERR_INVALID, 0,
							"max_indexes must not be negative, percentages must be between 0 and 100 and write_cost_factor not negative");
	free(a->advice);
	a->advice = NULL;
	a->nadvice = 0;
	arena_free(&a->advice_arena);
	*advice = NULL;
	*n = 0;

	memset(&ss, 0, sizeof(ss));
	ss.save = calloc((size_t) a->nslots + 1, sizeof(double));
	ss.best = malloc(sizeof(int) * ((size_t) a->nslots + 1));
	ss.qcost = calloc((size_t) a->nqueries + 1, sizeof(double));
	ss.chosen = malloc(sizeof(int) * ((size_t) opts->max_indexes + 1));
	ss.is_chosen = calloc((size_t) a->ncands + 1, sizeof(bool));
	if (ss.save == NULL || ss.best == NULL || ss.qcost == NULL ||
		ss.chosen == NULL || ss.is_chosen == NULL)
	{
		st = uk_error_set(err, UK_ERR_NOMEM, 0, "out of memory");
		goto done;
	}
	for (i = 0; i < a->nslots; i++)
		ss.best[i] = -1;
	for (i = 0; i < a->nqueries; i++)
	{
		ss.qcost[i] = uk_advisor_base_cost(a, i);
		total += a->queries[i].weight * ss.qcost[i];
	}

	/* each place grows at most UK_ADV_MAX_COLUMNS - 1 times */
	max_iter = opts->max_indexes * UK_ADV_MAX_COLUMNS;
	for (iter = 0; iter < max_iter; iter++)
	{
		int			best = -1;
		int			best_repl = -1;
		double		best_net = 0;

		for (i = 0; i < a->ncands; i++)
		{
			const Cand *c = &a->cands[i];
			double		gain;
			double		helped;
			double		net;
			int			repl;

			if (ss.is_chosen[i])
				continue;
			evaluate(a, &ss, i, &gain, &helped, &repl);
			if (repl < 0 && ss.nchosen >= opts->max_indexes)
				continue;
			net = gain - opts->write_cost_factor *
				(c->pub.write_penalty -
				 (repl >= 0 ? a->cands[ss.chosen[repl]].pub.write_penalty : 0));
			if (gain <= 0 || net <= 0 ||
				gain < helped * opts->min_improvement_pct / 100 ||
				gain < total * opts->min_workload_pct / 100)
				continue;
			if (best < 0 || net > best_net ||
				(net == best_net && c->pub.size_bytes < a->cands[best].pub.size_bytes))
			{
				best = i;
				best_repl = repl;
				best_net = net;
			}
		}
		if (best < 0)
			break;
		apply_choice(a, &ss, best, best_repl);
	}
	tidy_orders(a, &ss);

	if (build_advice(a, &ss, total) != UK_OK)
	{
		st = uk_error_set(err, UK_ERR_NOMEM, 0, "out of memory");
		goto done;
	}
	if (before != NULL)
		*before = total;
	if (after != NULL)
	{
		double		left = 0;

		for (i = 0; i < a->nqueries; i++)
			left += a->queries[i].weight * d_max(0.0, ss.qcost[i]);
		*after = left;
	}
	*advice = a->advice;
	*n = a->nadvice;
	st = UK_OK;
done:
	free(ss.save);
	free(ss.best);
	free(ss.qcost);
	free(ss.chosen);
	free(ss.is_chosen);
	return st;
}

void
uk_advisor_free(UkAdvisor *a)
{
	if (a == NULL)
		return;
	arena_free(&a->arena);
	arena_free(&a->advice_arena);
	free(a->slots);
	free(a->cands);
	free(a->hash);
	free(a->advice);
	free(a);
}
