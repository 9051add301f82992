/*
 * uk_pgtree_scope.c
 *		Sources, scopes and the placing of column references, for the
 *		advisor's input read from a parse tree (see uk_pgtree.h,
 *		uk_pgtree_int.h).
 *
 * A source is what a FROM clause names: a catalogue table, a table not in
 * the catalogue (which might have any column), or a derived source (a
 * subquery, CTE or function) with the output names its select list gives.
 * A column reference is placed through the scopes, innermost first: a bare
 * name must be had by exactly one source of the first level where any
 * source has it (or might), a qualified one must name exactly one source.
 * Name comparisons count down w->steps (PT_MAX_STEPS per statement).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "uk_pgtree_int.h"

bool
uk_pt_grow(void **arr, int *cap, int n, size_t elem)
{
	void	   *na;
	int			nc;

	if (n < *cap)
		return true;
	if (*cap >= UK_JSON_MAX_NODES)
		return false;
	nc = *cap ? *cap * 2 : 16;
	na = realloc(*arr, elem * (size_t) nc);
	if (na == NULL)
		return false;
	*arr = na;
	*cap = nc;
	return true;
}

bool
uk_pt_name_eq(const char *a, size_t alen, const char *b)
{
	return b != NULL && strlen(b) == alen && memcmp(a, b, alen) == 0;
}

static char
ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char) (c - 'A' + 'a') : c;
}

/* Column names: ASCII case ignored when w->ci. */
bool
uk_pt_col_eq(const PtWalk *w, const char *a, size_t alen, const char *b)
{
	if (!w->ci)
		return uk_pt_name_eq(a, alen, b);
	if (b == NULL || strlen(b) != alen)
		return false;
	for (size_t i = 0; i < alen; i++)
		if (ascii_lower(a[i]) != ascii_lower(b[i]))
			return false;
	return true;
}

static const char *
schema_of(const UkAdvTable *t)
{
	return t->schema != NULL ? t->schema : "";
}

static int
table_column(PtWalk *w, int table, const char *name, size_t len)
{
	const UkAdvTable *t = &w->tables[table];

	for (int c = 0; c < t->ncolumns && --w->steps >= 0; c++)
		if (uk_pt_col_eq(w, name, len, t->columns[c].name))
			return c;
	return -1;
}

/* Catalogue position of a table as written, or -1. */
int
uk_pt_find_table(PtWalk *w, const char *schema, size_t slen,
		   const char *rel, size_t rlen)
{
	int			found = -1;
	int			n = 0;
	bool		dflt = w->default_schema != NULL && w->default_schema[0] != '\0';

	for (int i = 0; i < w->ntables && --w->steps >= 0; i++)
	{
		const UkAdvTable *t = &w->tables[i];

		if (!uk_pt_name_eq(rel, rlen, t->name))
			continue;
		if (schema != NULL)
		{
			if (uk_pt_name_eq(schema, slen, schema_of(t)))
				return i;
		}
		else if (dflt && strcmp(schema_of(t), w->default_schema) == 0)
			return i;
		else if (!dflt || schema_of(t)[0] == '\0')
		{
			found = i;
			n++;
		}
	}
	return n == 1 ? found : -1;
}

PtSrc *
uk_pt_new_src(PtWalk *w)
{
	PtSrc	   *s;

	if (!uk_pt_grow((void **) &w->srcs, &w->srcs_cap, w->nsrcs, sizeof(PtSrc)))
	{
		w->oom = true;
		return NULL;
	}
	s = &w->srcs[w->nsrcs++];
	memset(s, 0, sizeof(PtSrc));
	s->id = w->next_id++;
	s->table = -1;
	s->targets = -1;
	s->colnames = -1;
	return s;
}

void
uk_pt_add_pred(PtWalk *w, PtCol c, UkAdvPredKind kind, double count)
{
	UkAdvPred  *p;

	if (!uk_pt_grow((void **) &w->preds, &w->preds_cap, w->npreds, sizeof(UkAdvPred)) ||
		!uk_pt_grow((void **) &w->values, &w->values_cap, w->npreds, sizeof(char *)))
	{
		w->oom = true;
		return;
	}
	w->values[w->npreds] = NULL;
	p = &w->preds[w->npreds++];
	memset(p, 0, sizeof(UkAdvPred));
	p->table = c.table;
	p->column = c.column;
	p->kind = kind;
	p->count = count;
}

void
uk_pt_set_value(PtWalk *w, const char *text, size_t len)
{
	char	   *v;

	if (w->npreds == 0 || w->values[w->npreds - 1] != NULL)
		return;
	v = malloc(len + 1);
	if (v == NULL)
	{
		w->oom = true;
		return;
	}
	memcpy(v, text, len);
	v[len] = '\0';
	w->values[w->npreds - 1] = v;
}

/* A visible CTE named name[0..len), or NULL. */
const PtCte *
uk_pt_find_cte(PtWalk *w, const PtScope *sc, const char *name, size_t len)
{
	for (; sc != NULL; sc = sc->parent)
		for (int i = sc->cte_start; i < sc->cte_end; i++)
		{
			if (--w->steps < 0)
				return NULL;
			if (w->ctes[i].len == len && memcmp(w->ctes[i].name, name, len) == 0)
				return &w->ctes[i];
		}
	return NULL;
}

/* Whether names (a J_ARR of String nodes) holds name. */
static bool
names_have(PtWalk *w, int names, const char *name, size_t len)
{
	const JDoc *d = w->d;

	if (names < 0 || d->nodes[names].type != J_ARR)
		return false;
	for (int c = d->nodes[names].first; c >= 0 && --w->steps >= 0; c = d->nodes[c].next)
	{
		size_t		l;
		const char *s = jsval(d, c, &l);

		if (s != NULL && l == len && uk_pt_col_eq(w, name, len, s))
			return true;
	}
	return false;
}

/*
 * Whether a source has a column: 0 no, 1 yes (*column set for a catalogue
 * table), 2 perhaps (a table not in the catalogue, a derived source whose
 * output names are not all known).
 */
int
uk_pt_src_has(PtWalk *w, const PtSrc *s, const char *name, size_t len,
		int *column)
{
	const JDoc *d = w->d;
	bool		star = false;

	*column = -1;
	if (!s->derived)
	{
		if (s->table < 0)
			return 2;
		*column = table_column(w, s->table, name, len);
		return *column >= 0 ? 1 : 0;
	}
	if (names_have(w, s->colnames, name, len))
		return 1;
	if (s->targets < 0)
		return 2;
	for (int c = d->nodes[s->targets].first; c >= 0; c = d->nodes[c].next)
	{
		if (--w->steps < 0)
			return 2;
		int			rt = jnode(d, c, "ResTarget");
		int			nm = jget(d, rt, "name");
		int			ref;
		int			fields;
		int			lastf;
		size_t		l;
		const char *f;

		if (nm >= 0)
		{
			if (d->nodes[nm].type == J_STR && d->nodes[nm].len == len &&
				uk_pt_col_eq(w, name, len, d->nodes[nm].str))
				return 1;
			continue;
		}
		ref = jnode(d, jget(d, rt, "val"), "ColumnRef");
		fields = jget(d, ref, "fields");
		lastf = jat(d, fields, jcount(d, fields, J_ARR) - 1);
		if (jnode(d, lastf, "A_Star") >= 0)
			star = true;
		else if ((f = jsval(d, lastf, &l)) != NULL && l == len &&
				 uk_pt_col_eq(w, name, len, f))
			return 1;
	}
	return star ? 2 : 0;
}

/*
 * The names of a ColumnRef body: up to 3 (schema, table, column), last is
 * the column.  Returns the number, 0 for a star or anything else.
 */
int
uk_pt_colref_names(const JDoc *d, int ref, const char **names, size_t *lens)
{
	int			fields = jget(d, ref, "fields");
	int			n = jcount(d, fields, J_ARR);
	int			skip;
	int			i = 0;

	if (n < 1 || n > 4)
		return 0;
	skip = n == 4 ? 1 : 0;		/* catalog.schema.table.column */
	for (int c = d->nodes[fields].first; c >= 0; c = d->nodes[c].next, i++)
	{
		const char *s;
		size_t		l;

		if ((s = jsval(d, c, &l)) == NULL)
			return 0;
		if (i >= skip)
		{
			names[i - skip] = s;
			lens[i - skip] = l;
		}
	}
	return n - skip;
}

/* Whether source s is the one a qualifier names. */
static bool
src_named(const PtWalk *w, const PtSrc *s, int nq, const char **q, size_t *ql)
{
	if (nq == 1)
	{
		if (s->alias != NULL)
			return s->aliaslen == ql[0] && memcmp(s->alias, q[0], ql[0]) == 0;
		return s->rel != NULL && s->rellen == ql[0] &&
			memcmp(s->rel, q[0], ql[0]) == 0;
	}
	/* schema.table */
	if (s->alias != NULL || s->rel == NULL || s->rellen != ql[1] ||
		memcmp(s->rel, q[1], ql[1]) != 0)
		return false;
	if (s->table >= 0 && !s->derived)
		return uk_pt_name_eq(q[0], ql[0], schema_of(&w->tables[s->table]));
	return s->schema != NULL && s->schemalen == ql[0] &&
		memcmp(s->schema, q[0], ql[0]) == 0;
}

/*
 * Place a ColumnRef (body) through the scopes, innermost first.  A bare
 * name must be had by exactly one source of the first level where any
 * source has it (or might); a qualified one must name exactly one source.
 */
PtCol
uk_pt_resolve(PtWalk *w, const PtScope *sc, int ref)
{
	PtCol		r = {-1, -1, -1};
	const char *names[3];
	size_t		lens[3];
	int			n = uk_pt_colref_names(w->d, ref, names, lens);
	const char *col;
	size_t		clen;

	if (n == 0)
		return r;
	col = names[n - 1];
	clen = lens[n - 1];
	for (; sc != NULL; sc = sc->parent)
	{
		int			hits = 0;
		int			maybe = 0;
		int			hit = -1;
		int			column = -1;

		for (int i = sc->start; i < sc->end; i++)
		{
			const PtSrc *s = &w->srcs[i];
			int			c;

			if (--w->steps < 0)
				return r;
			if (n > 1)
			{
				if (src_named(w, s, n - 1, names, lens))
				{
					hits++;
					hit = i;
				}
				continue;
			}
			switch (uk_pt_src_has(w, s, col, clen, &c))
			{
				case 1:
					hits++;
					hit = i;
					column = c;
					break;
				case 2:
					maybe++;
					break;
				default:
					break;
			}
		}
		if (hits == 0 && maybe == 0)
			continue;
		if (hits != 1 || maybe != 0)
			return r;
		r.src = w->srcs[hit].id;
		if (w->srcs[hit].derived || w->srcs[hit].table < 0)
			return r;
		if (n > 1)
			column = table_column(w, w->srcs[hit].table, col, clen);
		if (column >= 0)
		{
			r.table = w->srcs[hit].table;
			r.column = column;
		}
		return r;
	}
	return r;
}

/* Place a column for a predicate or key; counts it when it cannot be. */
PtCol
uk_pt_place(PtWalk *w, const PtScope *sc, int ref)
{
	PtCol		r = uk_pt_resolve(w, sc, ref);

	if (r.table < 0)
		w->nunresolved++;
	return r;
}
