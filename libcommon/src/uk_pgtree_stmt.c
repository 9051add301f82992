/*
 * uk_pgtree_stmt.c
 *		Statements and their levels, for the advisor's input read from a
 *		parse tree (see uk_pgtree.h, uk_pgtree_int.h).
 *
 * A level is a query, a subquery, a CTE or a UNION branch: SELECT,
 * INSERT ... SELECT, UPDATE ... FROM and DELETE ... USING.  Opening a level
 * pushes its CTE names; its FROM clause is read in two passes, first the
 * sources (tables, subqueries, functions, the sides of joins) so that
 * every name of the level is known, then the subqueries as levels of their
 * own and the ON and USING conditions.  WHERE goes to uk_pgtree_preds.c,
 * the outermost ORDER BY, GROUP BY and LIMIT to uk_pgtree_keys.c, and the
 * subqueries found anywhere in an expression become levels too.  Closing
 * a level pops its sources and CTEs off the walk's stacks.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "uk_pgtree_int.h"

/*
 * The target list that names the output columns of a statement node (a
 * set operation takes its first branch's), or -1 when unknown.
 */
static int
stmt_targets(const JDoc *d, int stmt)
{
	int			body = jnode(d, stmt, "SelectStmt");

	for (int guard = 0; body >= 0 && guard < UK_JSON_MAX_DEPTH; guard++)
	{
		int			op = jget(d, body, "op");

		if (op < 0 || jstr_is(d, op, "SETOP_NONE"))
		{
			int			tl = jget(d, body, "targetList");

			return jcount(d, tl, J_ARR) > 0 ? tl : -1;
		}
		body = jget(d, body, "larg");
	}
	return -1;
}

/* Levels of the subqueries found anywhere in an expression. */
static void
walk_sublinks(PtWalk *w, const PtScope *sc, int n)
{
	const JDoc *d = w->d;

	if (n < 0 || (d->nodes[n].type != J_OBJ && d->nodes[n].type != J_ARR))
		return;
	for (int c = d->nodes[n].first; c >= 0; c = d->nodes[c].next)
	{
		const JNode *m = &d->nodes[c];

		if (m->key != NULL && m->keylen == 7 && memcmp(m->key, "SubLink", 7) == 0)
		{
			walk_sublinks(w, sc, jget(d, c, "testexpr"));
			uk_pt_walk_stmt(w, jget(d, c, "subselect"), sc, false);
		}
		else
			walk_sublinks(w, sc, c);
	}
}

/*
 * The sources of one FROM item, one per table, subquery or function, in
 * the order from_walk() meets them.  item may also be the bare RangeVar
 * body with which UPDATE and DELETE name their table.
 */
static void
from_add(PtWalk *w, const PtScope *sc, int item)
{
	const JDoc *d = w->d;
	int			b;
	int			schema;
	int			rel;
	int			alias;
	const PtCte *cte;
	PtSrc	   *s;

	if (item < 0 || w->oom)
		return;
	if ((b = jnode(d, item, "JoinExpr")) >= 0)
	{
		from_add(w, sc, jget(d, b, "larg"));
		from_add(w, sc, jget(d, b, "rarg"));
		return;
	}
	if ((s = uk_pt_new_src(w)) == NULL)
		return;
	if ((b = jnode(d, item, "RangeVar")) < 0 && jget(d, item, "relname") >= 0)
		b = item;
	rel = jget(d, b, "relname");
	if (rel < 0 || d->nodes[rel].type != J_STR)
	{
		/* a subquery, a function, anything else: a derived source */
		int			sub = jnode(d, item, "RangeSubselect");

		if (sub < 0)
			sub = jnode(d, item, "RangeFunction");
		s->derived = true;
		s->targets = stmt_targets(d, jget(d, sub, "subquery"));
		b = sub;
	}
	else
	{
		s->rel = d->nodes[rel].str;
		s->rellen = d->nodes[rel].len;
		schema = jget(d, b, "schemaname");
		if (schema >= 0 && d->nodes[schema].type == J_STR)
		{
			s->schema = d->nodes[schema].str;
			s->schemalen = d->nodes[schema].len;
		}
	}
	alias = jget(d, jget(d, b, "alias"), "aliasname");
	if (alias >= 0 && d->nodes[alias].type == J_STR)
	{
		s->alias = d->nodes[alias].str;
		s->aliaslen = d->nodes[alias].len;
	}
	s->colnames = jget(d, jget(d, b, "alias"), "colnames");
	if (s->derived)
		return;
	if (s->schema == NULL && (cte = uk_pt_find_cte(w, sc, s->rel, s->rellen)) != NULL)
	{
		s->derived = true;
		s->targets = stmt_targets(d, cte->query);
		if (s->colnames < 0)
			s->colnames = cte->colnames;
		return;
	}
	s->table = uk_pt_find_table(w, s->schema, s->schemalen, s->rel, s->rellen);
	if (s->table < 0)
		w->nunknown++;
}

/*
 * The unique source in w->srcs[start..end) that has column name (any
 * source of a JoinExpr side), as a placed column; src -1 when none or
 * several.
 */
static PtCol
using_side(PtWalk *w, int start, int end, const char *name, size_t len)
{
	PtCol		r = {-1, -1, -1};
	int			hits = 0;

	for (int i = start; i < end; i++)
	{
		int			c;
		int			h = uk_pt_src_has(w, &w->srcs[i], name, len, &c);

		if (h == 0)
			continue;
		hits++;
		if (h == 1)
		{
			r.src = w->srcs[i].id;
			if (!w->srcs[i].derived && c >= 0)
			{
				r.table = w->srcs[i].table;
				r.column = c;
			}
		}
	}
	if (hits != 1)
	{
		r.src = -1;
		r.table = -1;
	}
	if (r.table < 0)
		w->nunresolved++;
	return r;
}

/*
 * Second pass over a FROM item, once the level's sources are known: the
 * subqueries as levels of their own, the ON and USING conditions.  *pos
 * follows from_add()'s order.
 */
static void
from_walk(PtWalk *w, const PtScope *sc, int item, int *pos)
{
	const JDoc *d = w->d;
	int			b;

	if (item < 0 || w->oom)
		return;
	if ((b = jnode(d, item, "JoinExpr")) >= 0)
	{
		int			lstart = *pos;
		int			rstart;
		int			using;

		from_walk(w, sc, jget(d, b, "larg"), pos);
		rstart = *pos;
		from_walk(w, sc, jget(d, b, "rarg"), pos);
		uk_pt_conjuncts(w, sc, jget(d, b, "quals"));
		uk_pt_reads(w, sc, jget(d, b, "quals"), false);
		walk_sublinks(w, sc, jget(d, b, "quals"));
		using = jget(d, b, "usingClause");
		if (jcount(d, using, J_ARR) > 0 && *pos <= sc->end)
			for (int c = d->nodes[using].first; c >= 0; c = d->nodes[c].next)
			{
				size_t		l;
				const char *name = jsval(d, c, &l);
				PtCol		a;
				PtCol		z;

				if (name == NULL)
					continue;
				a = using_side(w, lstart, rstart, name, l);
				z = using_side(w, rstart, *pos, name, l);
				if (a.src < 0 || z.src < 0)
					continue;
				if (a.table >= 0)
					uk_pt_add_pred(w, a, UK_ADV_JOIN, 0);
				if (z.table >= 0)
					uk_pt_add_pred(w, z, UK_ADV_JOIN, 0);
			}
		return;
	}
	(*pos)++;
	if ((b = jnode(d, item, "RangeSubselect")) >= 0)
		uk_pt_walk_stmt(w, jget(d, b, "subquery"), sc, false);
	else if ((b = jnode(d, item, "RangeFunction")) >= 0)
	{
		uk_pt_reads(w, sc, jget(d, b, "functions"), false);
		walk_sublinks(w, sc, jget(d, b, "functions"));
	}
}

/*
 * Open a level: its CTE names (visible to each other, for WITH RECURSIVE)
 * and their queries as levels of their own.
 */
static void
level_begin(PtWalk *w, PtScope *sc, const PtScope *parent, int body)
{
	const JDoc *d = w->d;
	int			ctes = jget(d, jget(d, body, "withClause"), "ctes");

	sc->parent = parent;
	sc->start = sc->end = w->nsrcs;
	sc->cte_start = sc->cte_end = w->nctes;
	if (jcount(d, ctes, J_ARR) == 0)
		return;
	for (int c = d->nodes[ctes].first; c >= 0; c = d->nodes[c].next)
	{
		int			cte = jnode(d, c, "CommonTableExpr");
		int			name = jget(d, cte, "ctename");
		PtCte	   *e;

		if (name < 0 || d->nodes[name].type != J_STR)
			continue;
		if (!uk_pt_grow((void **) &w->ctes, &w->ctes_cap, w->nctes, sizeof(PtCte)))
		{
			w->oom = true;
			return;
		}
		e = &w->ctes[w->nctes++];
		e->name = d->nodes[name].str;
		e->len = d->nodes[name].len;
		e->query = jget(d, cte, "ctequery");
		e->colnames = jget(d, cte, "aliascolnames");
	}
	sc->cte_end = w->nctes;
	for (int i = sc->cte_start; i < sc->cte_end; i++)
		uk_pt_walk_stmt(w, w->ctes[i].query, sc, false);
	sc->start = sc->end = w->nsrcs;
}

static void
level_end(PtWalk *w, const PtScope *sc)
{
	w->nsrcs = sc->start;
	w->nctes = sc->cte_start;
}

/* The sources of a list of FROM items, then their second pass. */
static void
level_from(PtWalk *w, PtScope *sc, int list)
{
	const JDoc *d = w->d;
	int			pos = sc->end;

	if (jcount(d, list, J_ARR) == 0)
		return;
	for (int c = d->nodes[list].first; c >= 0; c = d->nodes[c].next)
		from_add(w, sc, c);
	sc->end = w->nsrcs;
	for (int c = d->nodes[list].first; c >= 0; c = d->nodes[c].next)
		from_walk(w, sc, c, &pos);
}

/* One SELECT (a SelectStmt body) as a level. */
static void
walk_select(PtWalk *w, int body, const PtScope *parent, bool top)
{
	const JDoc *d = w->d;
	PtScope		sc;
	int			op;

	if (body < 0 || d->nodes[body].type != J_OBJ)
		return;
	level_begin(w, &sc, parent, body);
	op = jget(d, body, "op");
	if (op >= 0 && !jstr_is(d, op, "SETOP_NONE"))
	{
		/* UNION, INTERSECT, EXCEPT: branches are bare SelectStmt bodies */
		walk_select(w, jget(d, body, "larg"), &sc, false);
		walk_select(w, jget(d, body, "rarg"), &sc, false);
		level_end(w, &sc);
		return;
	}
	level_from(w, &sc, jget(d, body, "fromClause"));
	uk_pt_conjuncts(w, &sc, jget(d, body, "whereClause"));
	for (int c = d->nodes[body].first; c >= 0; c = d->nodes[c].next)
	{
		const JNode *m = &d->nodes[c];

		bool		keys = (m->keylen == 10 && memcmp(m->key, "sortClause", 10) == 0) ||
			(m->keylen == 11 && memcmp(m->key, "groupClause", 11) == 0);

		if (!(m->keylen == 10 && memcmp(m->key, "fromClause", 10) == 0) &&
			!(m->keylen == 10 && memcmp(m->key, "withClause", 10) == 0))
		{
			walk_sublinks(w, &sc, c);
			uk_pt_reads(w, &sc, c, keys);
		}
	}
	if (top)
	{
		uk_pt_sort_keys(w, &sc, body, true);
		uk_pt_sort_keys(w, &sc, body, false);
		uk_pt_select_limit(w, body);
	}
	level_end(w, &sc);
}

/*
 * A statement node ({"SelectStmt": ...} and so on): SELECT, INSERT's
 * SELECT, UPDATE and DELETE with their WHERE; anything else gives nothing.
 */
void
uk_pt_walk_stmt(PtWalk *w, int stmt, const PtScope *parent, bool top)
{
	const JDoc *d = w->d;
	int			b;
	bool		update;

	if ((b = jnode(d, stmt, "SelectStmt")) >= 0)
		walk_select(w, b, parent, top);
	else if ((b = jnode(d, stmt, "InsertStmt")) >= 0)
	{
		PtScope		sc;

		level_begin(w, &sc, parent, b);
		uk_pt_walk_stmt(w, jget(d, b, "selectStmt"), &sc, top);
		level_end(w, &sc);
	}
	else if ((update = (b = jnode(d, stmt, "UpdateStmt")) >= 0) ||
			 (b = jnode(d, stmt, "DeleteStmt")) >= 0)
	{
		PtScope		sc;
		int			rel = jget(d, b, "relation");

		level_begin(w, &sc, parent, b);
		if (jget(d, rel, "relname") >= 0)
		{
			from_add(w, &sc, rel);
			/* the rows changed are read whole, whatever the index holds */
			if (w->nsrcs > sc.start)
				uk_pt_read_whole(w, &w->srcs[w->nsrcs - 1]);
		}
		sc.end = w->nsrcs;
		level_from(w, &sc, jget(d, b, update ? "fromClause" : "usingClause"));
		uk_pt_conjuncts(w, &sc, jget(d, b, "whereClause"));
		uk_pt_reads(w, &sc, jget(d, b, "whereClause"), false);
		walk_sublinks(w, &sc, jget(d, b, "whereClause"));
		if (update)
		{
			uk_pt_reads(w, &sc, jget(d, b, "targetList"), false);
			walk_sublinks(w, &sc, jget(d, b, "targetList"));
		}
		level_end(w, &sc);
	}
}
