/*
 * uk_pgtree_reads.c
 *		The columns a statement reads, for the advisor's covering columns,
 *		read from a parse tree (see uk_pgtree.h, uk_pgtree_int.h).
 *
 * Every column reference of a level's select list, WHERE, HAVING, ON
 * conditions, function arguments, ORDER BY and GROUP BY, placed through
 * the scopes as predicates are.  What cannot be told is said so, never
 * guessed: a star (SELECT *, t.*) reads something of every table of its
 * level, the rows an UPDATE or DELETE changes are read whole, a reference that no source can hold something of any table
 * (UkAdvColRef -1, uk_advisor.h).  Only in ORDER BY and GROUP BY is an
 * unplaced name taken as an output name of the select list, whose own
 * columns are read there already.  Subqueries are levels of their own
 * (uk_pgtree_stmt.c), so a SubLink's query is not walked here.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "uk_pgtree_int.h"

static void
add_read(PtWalk *w, int table, int column)
{
	for (int i = 0; i < w->nreads; i++)
		if (w->reads[i].table == table && w->reads[i].column == column)
			return;
	if (!uk_pt_grow((void **) &w->reads, &w->reads_cap, w->nreads, sizeof(UkAdvColRef)))
	{
		w->oom = true;
		return;
	}
	w->reads[w->nreads].table = table;
	w->reads[w->nreads].column = column;
	w->nreads++;
}

/* A table of the statement is read as a whole (UPDATE, DELETE, a star). */
void
uk_pt_read_whole(PtWalk *w, const PtSrc *s)
{
	if (!s->derived && s->table >= 0)
		add_read(w, s->table, -1);
}

/* Is the last field of a ColumnRef body a star? */
static bool
is_star(const JDoc *d, int ref)
{
	int			fields = jget(d, ref, "fields");
	int			last = -1;

	if (jcount(d, fields, J_ARR) < 1)
		return false;
	for (int c = d->nodes[fields].first; c >= 0; c = d->nodes[c].next)
		last = c;
	return jnode(d, last, "A_Star") >= 0;
}

static bool
src_derived(const PtWalk *w, int id)
{
	for (int i = 0; i < w->nsrcs; i++)
		if (w->srcs[i].id == id)
			return w->srcs[i].derived || w->srcs[i].table < 0;
	return false;
}

static void
read_ref(PtWalk *w, const PtScope *sc, int ref, bool lenient)
{
	PtCol		r;

	if (is_star(w->d, ref))
	{
		for (int i = sc->start; i < sc->end; i++)
			uk_pt_read_whole(w, &w->srcs[i]);
		return;
	}
	r = uk_pt_resolve(w, sc, ref);
	if (r.table >= 0)
		add_read(w, r.table, r.column);
	else if (r.src >= 0 && src_derived(w, r.src))
		return;					/* a subquery's output: read in its level */
	else if (!lenient)
		add_read(w, -1, -1);
}

/*
 * The column references under node n, placed in scope sc; lenient: an
 * unplaced name is an output name (ORDER BY, GROUP BY).
 */
void
uk_pt_reads(PtWalk *w, const PtScope *sc, int n, bool lenient)
{
	const JDoc *d = w->d;

	if (n < 0 || w->oom || (d->nodes[n].type != J_OBJ && d->nodes[n].type != J_ARR))
		return;
	for (int c = d->nodes[n].first; c >= 0; c = d->nodes[c].next)
	{
		const JNode *m = &d->nodes[c];

		if (m->key != NULL && m->keylen == 9 && memcmp(m->key, "ColumnRef", 9) == 0)
			read_ref(w, sc, c, lenient);
		else if (m->key != NULL && m->keylen == 7 && memcmp(m->key, "SubLink", 7) == 0)
			uk_pt_reads(w, sc, jget(d, c, "testexpr"), lenient);
		else
			uk_pt_reads(w, sc, c, lenient);
	}
}
