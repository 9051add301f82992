/*
 * uk_advisor_candidates.c
 *		The index advisor's candidates: generated per slot, columns put in
 *		order, de-duplicated, and each listed with the queries that can use
 *		it and their built-in costs (see uk_advisor.h, uk_advisor_int.h).
 *
 * Candidates are generated per slot (equality columns by selectivity, then
 * a range column or the sort columns, with every leading prefix),
 * de-duplicated in a hash table, and dropped when an existing btree index
 * already has them as its leading columns.  None exceeds the table's key
 * length limits (Table.max_key, max_part): a column too wide to be a key
 * is passed over, keys too wide together are not proposed but their
 * widest prefix that fits is, and covering columns that do not fit are
 * left out; the candidate notes what was left out (Cand.cut) for the
 * reason text.  Where the slot reads only a few narrow columns more than a
 * candidate's keys, and the candidate would still fetch many rows, the
 * same keys carrying those columns (covering, UK_ADV_MAX_INCLUDE) are a
 * candidate too.  Each lists the slots of its
 * table whose predicates or sort touch its leading column: those are the
 * (query, candidate) pairs that are costed, by uk_advisor_model.c, and
 * that the caller may cost again.
 */
#include <stdlib.h>
#include <string.h>

#include "uk_advisor_int.h"

/*
 * Maintaining one index entry for one written row: the descent and the
 * leaf change, its WAL and its share of a page write; a wider entry costs
 * more (page splits, bytes logged).
 */
#define WRITE_ENTRY_COST 0.5
#define WRITE_BYTE_COST 0.01

/* fewer rows than this left after a column: more columns do not pay */
#define ENOUGH_ROWS 2.0

/* ---------------------------------------------------------------------
 * Candidates
 * --------------------------------------------------------------------- */

static uint32_t
cand_hash(int table, const int *cols, const bool *desc, int n, const int *inc,
		  int ninc)
{
	uint32_t	h = 2166136261u;
	int			i;

	h = (h ^ (uint32_t) table) * 16777619u;
	for (i = 0; i < n; i++)
	{
		h = (h ^ (uint32_t) cols[i]) * 16777619u;
		h = (h ^ (desc[i] ? 1u : 2u)) * 16777619u;
	}
	for (i = 0; i < ninc; i++)
		h = (h ^ (uint32_t) (inc[i] + 7919)) * 16777619u;
	return h;
}

static bool
cand_equal(const Cand *c, int table, const int *cols, const bool *desc, int n,
		   const int *inc, int ninc)
{
	int			i;

	if (c->pub.table != table || c->pub.ncolumns != n || c->pub.ninclude != ninc)
		return false;
	for (i = 0; i < n; i++)
		if (c->pub.columns[i] != cols[i] || c->pub.desc[i] != desc[i])
			return false;
	for (i = 0; i < ninc; i++)
		if (c->pub.include[i] != inc[i])
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

/*
 * Is (cols, desc, n) a leading prefix of an existing btree index, which
 * also has the covering columns inc among its others?
 */
static bool
covered_by_existing(const Table *t, const int *cols, const bool *desc, int n,
					const int *inc, int ninc)
{
	int			x;
	int			i;
	int			j;

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
		if (i < n)
			continue;
		for (i = 0; i < ninc; i++)
		{
			for (j = n; j < ix->ncolumns; j++)
				if (ix->columns[j] == inc[i])
					break;
			if (j == ix->ncolumns)
				break;
		}
		if (i == ninc)
			return true;
	}
	return false;
}

/*
 * Note on candidate ci (-1: none) the columns cut[0..ncut) that a wider
 * index would have had, with which the key takes bytes; the first note
 * stays.
 */
static void
note_cut(UkAdvisor *a, int ci, const int *cut, int ncut, bool carried,
		 int bytes)
{
	Cand	   *c;
	int			i;

	if (ci < 0 || ncut <= 0 || a->cands[ci].ncut > 0)
		return;
	c = &a->cands[ci];
	for (i = 0; i < ncut && i < UK_ADV_MAX_COLUMNS + UK_ADV_MAX_INCLUDE; i++)
		c->cut[i] = cut[i];
	c->ncut = i;
	c->cut_carried = carried;
	c->cut_bytes = bytes;
}

/*
 * Add a candidate unless it is there already or covered; inc: its
 * covering columns.  The keys must fit the table's key length limits
 * (uk_adv_key_fits()).  When the covering columns do not fit with them,
 * all of them are left out, not only as many as needed: an index that
 * misses one column of what the query reads serves it no better than its
 * keys alone, and is wider.  *ci (may be NULL) receives the candidate's
 * position, also when it was there already; -1 when it is not proposed
 * (covered by an existing index, or keys too wide).
 */
static UkStatus
add_cand_cov(UkAdvisor *a, int slot, const int *cols, const bool *desc_in, int n,
			 const int *inc, int ninc, int *ci)
{
	const Table *t = &a->tables[a->slots[slot].table];
	int			table = a->slots[slot].table;
	bool		desc[UK_ADV_MAX_COLUMNS];
	uint32_t	h;
	uint32_t	pos;
	Cand	   *c;
	int			i;
	int			cut[UK_ADV_MAX_INCLUDE];
	int			ncut = 0;
	int			cut_bytes = 0;

	if (ci != NULL)
		*ci = -1;
	if (n <= 0)
		return UK_OK;
	if (ninc > 0 && !uk_adv_key_fits(t, cols, n, inc, ninc, &cut_bytes))
	{
		/* without any one of them the query reads the table again: the
		 * keys alone are as good and narrower */
		memcpy(cut, inc, sizeof(int) * (size_t) ninc);
		ncut = ninc;
		ninc = 0;
	}
	if (!uk_adv_key_fits(t, cols, n, NULL, 0, NULL))
		return UK_OK;
	/* normalize: the first column ascending (a btree scans both ways) */
	for (i = 0; i < n; i++)
		desc[i] = desc_in[i] != desc_in[0];
	if (covered_by_existing(t, cols, desc, n, inc, ninc))
		return UK_OK;
	if (a->ncands * 2 >= a->hash_cap && hash_grow(a) != UK_OK)
		return UK_ERR_NOMEM;
	h = cand_hash(table, cols, desc, n, inc, ninc);
	pos = h & (uint32_t) (a->hash_cap - 1);
	while (a->hash[pos] != 0)
	{
		if (cand_equal(&a->cands[a->hash[pos] - 1], table, cols, desc, n, inc, ninc))
		{
			note_cut(a, a->hash[pos] - 1, cut, ncut, true, cut_bytes);
			if (ci != NULL)
				*ci = a->hash[pos] - 1;
			return UK_OK;
		}
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
		c->key_bytes += uk_adv_col_width(t, cols[i]);
	}
	c->pub.ninclude = ninc;
	for (i = 0; i < ninc; i++)
	{
		c->pub.include[i] = inc[i];
		c->key_bytes += uk_adv_col_width(t, inc[i]);
	}
	c->hash = h;
	c->origin_slot = slot;
	a->hash[pos] = ++a->ncands;
	note_cut(a, a->ncands - 1, cut, ncut, true, cut_bytes);
	if (ci != NULL)
		*ci = a->ncands - 1;
	return UK_OK;
}

static UkStatus
add_cand(UkAdvisor *a, int slot, const int *cols, const bool *desc, int n,
		 int *ci)
{
	return add_cand_cov(a, slot, cols, desc, n, NULL, 0, ci);
}

static int
cmp_int(const void *x, const void *y)
{
	return *(const int *) x - *(const int *) y;
}

/* Rows an index (cols, n) fetches per execution of the slot. */
static double
rows_through(const Table *t, const Slot *s, const int *cols, int n)
{
	double		rows = t->rows;
	int			i;

	for (i = 0; i < n; i++)
	{
		const ColPred *cp = uk_adv_slot_colpred(s, cols[i]);

		if (cp == NULL)
			break;
		rows *= cp->sel * cp->probes;
		if (!is_eq_like(cp->kind))
			break;
	}
	if (s->limit > 0)
		rows = d_min(rows, s->limit);
	return rows;
}

/*
 * The covering variant of candidate (cols, n) for slot si: the same keys
 * carrying the other columns the slot reads, when they are few and narrow
 * (UK_ADV_MAX_INCLUDE) and the keys leave enough rows to fetch.  On
 * MariaDB the primary key's columns are carried already.
 */
static UkStatus
add_covering(UkAdvisor *a, int si, const int *cols, const bool *desc, int n)
{
	const Slot *s = &a->slots[si];
	const Table *t = &a->tables[s->table];
	int			inc[UK_ADV_MAX_INCLUDE];
	int			ninc = 0;
	double		bytes = 0;
	double		keys = 0;
	int			i;
	int			k;

	if (n <= 0 || !s->reads_known || rows_through(t, s, cols, n) < UK_ADV_COVER_MIN_ROWS)
		return UK_OK;
	for (i = 0; i < s->nreads; i++)
	{
		int			c = s->reads[i];
		double		w = uk_adv_col_width(t, c);
		bool		have = false;

		for (k = 0; k < n; k++)
			have = have || cols[k] == c;
		for (k = 0; k < t->npk; k++)
			have = have || t->pk[k] == c;
		if (have)
			continue;
		if (ninc == UK_ADV_MAX_INCLUDE || w > UK_ADV_INCLUDE_MAX_WIDTH ||
			bytes + w > UK_ADV_INCLUDE_MAX_BYTES)
			return UK_OK;
		inc[ninc++] = c;
		bytes += w;
	}
	if (ninc == 0)
		return UK_OK;			/* the keys cover the slot already */
	for (k = 0; k < n; k++)
		keys += uk_adv_col_width(t, cols[k]);
	if (keys + bytes > UK_ADV_MAX_KEY_BYTES)
		return UK_OK;
	qsort(inc, (size_t) ninc, sizeof(int), cmp_int);
	return add_cand_cov(a, si, cols, desc, n, inc, ninc, NULL);
}

/*
 * Add (cols, n) and each of its leading prefixes, and the covering variant
 * of the widest that fits the table's key length limits.  The widest that
 * fits, when a wider one did not, notes the key columns left out.
 */
static UkStatus
add_with_prefixes(UkAdvisor *a, int slot, const int *cols, const bool *desc,
				  int n)
{
	const Table *t = &a->tables[a->slots[slot].table];
	int			fit = 0;
	int			k;

	for (k = n; k >= 1; k--)
	{
		int			ci;

		if (add_cand(a, slot, cols, desc, k, &ci) != UK_OK)
			return UK_ERR_NOMEM;
		if (fit == 0 && uk_adv_key_fits(t, cols, k, NULL, 0, NULL))
		{
			fit = k;
			if (k < n)
			{
				int			bytes;

				(void) uk_adv_key_fits(t, cols, n, NULL, 0, &bytes);
				note_cut(a, ci, cols + k, n - k, false, bytes);
			}
		}
	}
	return add_covering(a, slot, cols, desc, fit);
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
	if (*n >= UK_ADV_MAX_COLUMNS || *bytes + uk_adv_col_width(t, c) > UK_ADV_MAX_KEY_BYTES)
		return false;
	cols[*n] = c;
	desc[*n] = d;
	(*n)++;
	*bytes += uk_adv_col_width(t, c);
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
		if (uk_adv_can_lead(t, eq[i]) &&
			uk_adv_key_fits(t, &eq[i]->column, 1, NULL, 0, NULL))
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
			if (i == lead || !uk_adv_can_follow(eq[i]) ||
				!uk_adv_key_fits(t, &eq[i]->column, 1, NULL, 0, NULL))
				continue;		/* a column too wide to be a key: the next */
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
		(nbase > 0 ? uk_adv_can_follow(range) : range->sel <= UK_ADV_LEAD_MAX_SEL))
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

	if (uk_adv_slot_colpred(s, c) != NULL)
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

		c->pub.size_bytes = uk_adv_index_size(a, t, c->key_bytes);
		c->pub.write_penalty = t->row_writes *
			(WRITE_ENTRY_COST + uk_adv_entry_bytes(a->engine, c->key_bytes) * WRITE_BYTE_COST);
		for (i = 0; i < t->nslots; i++)
			if (slot_touches(&a->slots[t->slots[i]], c->pub.columns[0]))
				n++;
		c->use_slots = uk_adv_arena_alloc(&a->arena, sizeof(int) * (size_t) (n + 1));
		c->use_queries = uk_adv_arena_alloc(&a->arena, sizeof(int) * (size_t) (n + 1));
		c->use_costs = uk_adv_arena_alloc(&a->arena, sizeof(double) * (size_t) (n + 1));
		c->use_set = uk_adv_arena_alloc(&a->arena, sizeof(bool) * (size_t) (n + 1));
		c->use_costs_now = uk_adv_arena_alloc(&a->arena, sizeof(double) * (size_t) (n + 1));
		if (c->use_slots == NULL || c->use_queries == NULL ||
			c->use_costs == NULL || c->use_set == NULL || c->use_costs_now == NULL)
			return UK_ERR_NOMEM;
		n = 0;
		for (i = 0; i < t->nslots; i++)
		{
			const Slot *s = &a->slots[t->slots[i]];
			double		ic;

			if (!slot_touches(s, c->pub.columns[0]))
				continue;
			ic = uk_adv_slot_cost_cov(a, t, s, c->pub.columns, c->pub.desc,
									  c->pub.ncolumns, c->pub.include,
									  c->pub.ninclude);
			c->use_costs_now[n] = -1;
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

/* The candidates of every slot, then their uses and built-in costs. */
UkStatus
uk_adv_build_candidates(UkAdvisor *a)
{
	UkStatus	st = UK_OK;
	int			i;

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
	return st;
}
