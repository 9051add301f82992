/*
 * uk_advisor_input.c
 *		The index advisor's input: the caller's workload checked and copied
 *		into the advisor's own tables, queries and slots (see uk_advisor.h,
 *		uk_advisor_int.h).
 *
 * The caller's arrays are read only here, during uk_advisor_create();
 * everything kept is copied into the advisor's arena, so they may be freed
 * right after.
 *
 * The workload is folded into "slots", one per (query, table) the query
 * has predicates or a sort on.  A slot keeps, per column, the most useful
 * predicate (an equality beats a range), the sort the query wants from
 * that table and the selectivity of everything on it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "uk_advisor_int.h"

/* rows of a table whose statistics say nothing */
#define UNKNOWN_ROWS 1000.0

/* a BETWEEN or a pair of <, > on one column: PG's DEFAULT_RANGE_INEQ_SEL */
#define DEFAULT_RANGE_PAIR_SEL 0.005

/* ---------------------------------------------------------------------
 * Input: validation and copy
 * --------------------------------------------------------------------- */

UkStatus
uk_adv_copy_tables(UkAdvisor *a, const UkAdvWorkload *w, UkError **err)
{
	int			ti;

	a->ntables = w->ntables;
	a->tables = uk_adv_arena_alloc(&a->arena, sizeof(Table) * (size_t) (w->ntables + 1));
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
		t->schema = uk_adv_arena_strdup(&a->arena, in->schema);
		t->name = uk_adv_arena_strdup(&a->arena, in->name);
		t->rows = in->rows < 0 ? UNKNOWN_ROWS : d_max(1.0, in->rows);
		t->row_writes = in->row_writes;
		t->ncols = in->ncolumns;
		t->cols = uk_adv_arena_alloc(&a->arena, sizeof(UkAdvColumn) * (size_t) (in->ncolumns + 1));
		t->nidx = in->nindexes;
		t->idx = uk_adv_arena_alloc(&a->arena, sizeof(UkAdvIndex) * (size_t) (in->nindexes + 1));
		if (t->schema == NULL || t->name == NULL || t->cols == NULL || t->idx == NULL)
			return uk_error_set(err, UK_ERR_NOMEM, 0, "out of memory");
		for (c = 0; c < in->ncolumns; c++)
		{
			const UkAdvColumn *ic = &in->columns[c];

			if (ic->name == NULL || !isfinite(ic->n_distinct) || ic->n_distinct < -1 ||
				!(ic->null_frac >= 0 && ic->null_frac <= 1) ||
				!finite_nonneg(ic->avg_width) || ic->key_bytes < 0)
				return uk_error_set(err, UK_ERR_INVALID, 0,
									"table %d column %d: bad name or statistics", ti, c);
			t->cols[c] = *ic;
			t->cols[c].name = uk_adv_arena_strdup(&a->arena, ic->name);
			if (t->cols[c].name == NULL)
				return uk_error_set(err, UK_ERR_NOMEM, 0, "out of memory");
			width += uk_adv_col_width(t, c);
		}
		for (x = 0; x < in->nindexes; x++)
		{
			const UkAdvIndex *ii = &in->indexes[x];
			int		   *cols;

			if (ii->ncolumns < 0 || (ii->ncolumns > 0 && ii->columns == NULL) ||
				(ii->kind != UK_ADV_BTREE && ii->kind != UK_ADV_OTHER))
				return uk_error_set(err, UK_ERR_INVALID, 0,
									"table %d index %d: bad columns or kind", ti, x);
			cols = uk_adv_arena_alloc(&a->arena, sizeof(int) * (size_t) (ii->ncolumns + 1));
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
			t->idx[x].name = uk_adv_arena_strdup(&a->arena, ii->name);
			if (t->idx[x].name == NULL)
				return uk_error_set(err, UK_ERR_NOMEM, 0, "out of memory");
		}
		/* MariaDB names its primary key PRIMARY; its columns are in every
		 * secondary index */
		for (x = 0; a->engine == UK_ENGINE_MARIADB && x < t->nidx; x++)
			if (t->idx[x].kind == UK_ADV_BTREE && t->idx[x].unique &&
				strcmp(t->idx[x].name, "PRIMARY") == 0)
			{
				t->pk = (int *) t->idx[x].columns;
				t->npk = t->idx[x].ncolumns;
			}
		if (!(in->visible_frac >= 0 && in->visible_frac <= 1))
			return uk_error_set(err, UK_ERR_INVALID, 0,
								"table %d: visible_frac must be between 0 and 1", ti);
		if (in->max_key_bytes < 0 || in->max_key_part_bytes < 0)
			return uk_error_set(err, UK_ERR_INVALID, 0,
								"table %d: key length limits must not be negative", ti);
		t->max_key = in->max_key_bytes;
		t->max_part = in->max_key_part_bytes;
		t->visibility_known = in->visibility_known;
		t->visible_frac = in->visible_frac;
		t->pages = in->size_bytes > 0 ? in->size_bytes / uk_adv_page_bytes(a->engine) :
			t->rows * width / uk_adv_page_bytes(a->engine);
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
		int		   *n = uk_adv_arena_alloc(&a->arena, sizeof(int) * (size_t) cap);

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

/* Append column c to the slot's reads unless it is there. */
static void
slot_read(Slot *s, int c)
{
	int			i;

	for (i = 0; i < s->nreads; i++)
		if (s->reads[i] == c)
			return;
	s->reads[s->nreads++] = c;
}

/*
 * The columns query in reads from the slot's table: the caller's reads,
 * the predicate and the sort columns.  Unknown without the caller's
 * reads, or when they name something of the table they cannot name.
 */
static UkStatus
slot_reads(UkAdvisor *a, const UkAdvQuery *in, Slot *s)
{
	const Table *t = &a->tables[s->table];
	int			i;

	s->reads_known = in->reads_known;
	for (i = 0; s->reads_known && i < in->nreads; i++)
		if (in->reads[i].table < 0 ||
			(in->reads[i].table == s->table && in->reads[i].column < 0))
			s->reads_known = false;
	if (!s->reads_known)
		return UK_OK;
	s->reads = uk_adv_arena_alloc(&a->arena, sizeof(int) * (size_t) (t->ncols + 1));
	if (s->reads == NULL)
		return UK_ERR_NOMEM;
	for (i = 0; i < in->nreads; i++)
		if (in->reads[i].table == s->table)
			slot_read(s, in->reads[i].column);
	for (i = 0; i < in->npreds; i++)
		if (in->preds[i].table == s->table)
			slot_read(s, in->preds[i].column);
	for (i = 0; i < in->norder_by; i++)
		if (in->order_by[i].table == s->table)
			slot_read(s, in->order_by[i].column);
	for (i = 0; i < in->ngroup_by; i++)
		if (in->group_by[i].table == s->table)
			slot_read(s, in->group_by[i].column);
	return UK_OK;
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
		tabs = uk_adv_arena_alloc(&a->arena, sizeof(int) * (size_t) total);
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
		s->cp = uk_adv_arena_alloc(&a->arena, sizeof(ColPred) * (size_t) (in->npreds + 1));
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
			sel = uk_adv_pred_sel(t, p);
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
					cp->sel = uk_adv_clamp_sel(t, DEFAULT_RANGE_PAIR_SEL);
				else
					cp->sel = uk_adv_clamp_sel(t, cp->sel * sel);
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
				s->cp[i].sel = uk_adv_clamp_sel(t, s->cp[i].sel / s->cp[i].probes);

		if (keys_on(in->order_by, in->norder_by, tabs[j]))
			sk = in->order_by, nsk = in->norder_by;
		else if (in->norder_by == 0 && keys_on(in->group_by, in->ngroup_by, tabs[j]))
		{
			sk = in->group_by, nsk = in->ngroup_by;
			s->sort_is_group = true;
		}
		s->sort = uk_adv_arena_alloc(&a->arena, sizeof(UkAdvSortKey) * (size_t) (nsk + 1));
		if (s->sort == NULL)
			return uk_error_set(err, UK_ERR_NOMEM, 0, "out of memory");
		for (i = 0; i < nsk; i++)
		{
			const ColPred *cp = uk_adv_slot_colpred(s, sk[i].column);
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
		if (slot_reads(a, in, s) != UK_OK)
			return uk_error_set(err, UK_ERR_NOMEM, 0, "out of memory");
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

UkStatus
uk_adv_copy_queries(UkAdvisor *a, const UkAdvWorkload *w, UkError **err)
{
	int			slots_cap = 0;
	int			q;

	a->nqueries = w->nqueries;
	a->queries = uk_adv_arena_alloc(&a->arena, sizeof(Query) * (size_t) (w->nqueries + 1));
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
		if (in->nreads < 0 || (in->nreads > 0 && in->reads == NULL))
			return uk_error_set(err, UK_ERR_INVALID, 0,
								"query %d: bad reads array", q);
		for (i = 0; i < in->nreads; i++)
			if (in->reads[i].table < -1 || in->reads[i].table >= a->ntables ||
				in->reads[i].column < -1 ||
				(in->reads[i].table >= 0 &&
				 in->reads[i].column >= a->tables[in->reads[i].table].ncols))
				return uk_error_set(err, UK_ERR_INVALID, 0,
									"query %d read %d: table or column out of range", q, i);
		for (i = 0; i < in->norder_by; i++)
			if ((st = check_key(a, &in->order_by[i], q, err)) != UK_OK)
				return st;
		for (i = 0; i < in->ngroup_by; i++)
			if ((st = check_key(a, &in->group_by[i], q, err)) != UK_OK)
				return st;

		qq->id = uk_adv_arena_strdup(&a->arena, in->id);
		qq->text = uk_adv_arena_strdup(&a->arena, in->text);
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
