/*
 * uk_pgtree_keys.c
 *		ORDER BY, GROUP BY and LIMIT of the outermost SELECT, for the
 *		advisor's input read from a parse tree (see uk_pgtree.h,
 *		uk_pgtree_int.h).
 *
 * Keys are read only when every one of them is a plain column that can be
 * placed (directly, through an output name, or by position: ORDER BY 1);
 * otherwise none of them.  LIMIT is read when constant, plus a constant
 * OFFSET: the rows a scan must give.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "uk_pgtree_int.h"

/* The target a bare ORDER BY / GROUP BY name or a position refers to. */
static int
target_ref(PtWalk *w, int body, int key, bool by_name)
{
	const JDoc *d = w->d;
	int			tl = jget(d, body, "targetList");
	int			cst = jnode(d, key, "A_Const");
	int			ref = jnode(d, key, "ColumnRef");

	if (cst >= 0)
	{
		int			iv = jget(d, jget(d, cst, "ival"), "ival");
		long		k = 0;

		if (iv < 0 || d->nodes[iv].type != J_NUM || d->nodes[iv].len > 6)
			return -1;
		for (size_t i = 0; i < d->nodes[iv].len; i++)
		{
			char		ch = d->nodes[iv].str[i];

			if (ch < '0' || ch > '9')
				return -1;
			k = k * 10 + (ch - '0');
		}
		if (k < 1 || k > jcount(d, tl, J_ARR))
			return -1;
		return jnode(d, jget(d, jnode(d, jat(d, tl, (int) k - 1), "ResTarget"), "val"),
					 "ColumnRef");
	}
	if (by_name && ref >= 0 && jcount(d, jget(d, ref, "fields"), J_ARR) == 1 &&
		jcount(d, tl, J_ARR) > 0)
		/* an output name first, as PostgreSQL does for ORDER BY */
	{
		const char *names[3];
		size_t		lens[3];
		int			found = -1;
		int			nfound = 0;

		if (uk_pt_colref_names(d, ref, names, lens) != 1)
			return -1;
		for (int c = d->nodes[tl].first; c >= 0 && --w->steps >= 0; c = d->nodes[c].next)
		{
			int			rt = jnode(d, c, "ResTarget");
			int			nm = jget(d, rt, "name");

			if (nm >= 0 && d->nodes[nm].type == J_STR &&
				d->nodes[nm].len == lens[0] && uk_pt_col_eq(w, names[0], lens[0], d->nodes[nm].str))
			{
				found = c;
				nfound++;
			}
		}
		if (nfound == 1)
			return jnode(d, jget(d, jnode(d, found, "ResTarget"), "val"), "ColumnRef");
	}
	return ref;
}

/*
 * ORDER BY (order) or GROUP BY keys of the outermost SELECT: all plain
 * columns placed, or none.
 */
void
uk_pt_sort_keys(PtWalk *w, const PtScope *sc, int body, bool order)
{
	const JDoc *d = w->d;
	int			list = jget(d, body, order ? "sortClause" : "groupClause");
	int			n = jcount(d, list, J_ARR);
	UkAdvSortKey *keys;
	int			k = 0;

	if (n == 0)
		return;
	keys = malloc(sizeof(UkAdvSortKey) * (size_t) n);
	if (keys == NULL)
	{
		w->oom = true;
		return;
	}
	for (int c = d->nodes[list].first; c >= 0; c = d->nodes[c].next)
	{
		int			sb = jnode(d, c, "SortBy");
		int			node = order ? jget(d, sb, "node") : c;
		int			ref = jnode(d, node, "ColumnRef");
		PtCol		col;

		if (order)
			ref = target_ref(w, body, node, true);
		else if (ref < 0)
			ref = target_ref(w, body, node, false);
		else if (uk_pt_resolve(w, sc, ref).src < 0)
		{
			/* GROUP BY: FROM columns first, then output names */
			int			t = target_ref(w, body, node, true);

			if (t >= 0)
				ref = t;
		}
		if (ref < 0)
			break;
		col = uk_pt_place(w, sc, ref);
		if (col.table < 0)
			break;
		keys[k].table = col.table;
		keys[k].column = col.column;
		keys[k].desc = order && jstr_is(d, jget(d, sb, "sortby_dir"), "SORTBY_DESC");
		k++;
	}
	if (k < n)
	{
		free(keys);
		return;
	}
	if (order)
	{
		w->order_by = keys;
		w->norder_by = n;
	}
	else
	{
		w->group_by = keys;
		w->ngroup_by = n;
	}
}

/*
 * A constant LIMIT or OFFSET: true with *v set (0 for NULL, as LIMIT ALL);
 * false for anything else.
 */
static bool
const_count(const JDoc *d, int n, double *v)
{
	int			c = jnode(d, uk_pt_unwrap_casts(d, n), "A_Const");
	int			num;
	const char *s;
	size_t		len;
	double		x = 0;

	*v = 0;
	if (c < 0)
		return false;
	if (jtrue(d, jget(d, c, "isnull")))
		return true;
	if ((num = jget(d, c, "ival")) >= 0)
	{
		num = jget(d, num, "ival");
		if (num < 0)
			return true;		/* 0 is left out of the tree */
	}
	else if ((num = jget(d, c, "fval")) >= 0)
		num = jget(d, num, "fval");		/* an integer too large for int4 */
	else
		return false;
	if (num < 0 || (d->nodes[num].type != J_NUM && d->nodes[num].type != J_STR))
		return false;
	s = d->nodes[num].str;
	len = d->nodes[num].len;
	if (len == 0 || len > 30)
		return false;
	for (size_t i = 0; i < len; i++)
	{
		if (s[i] < '0' || s[i] > '9')
			return false;		/* negative, fractional: PostgreSQL refuses */
		x = x * 10 + (s[i] - '0');
	}
	*v = x;
	return true;
}

void
uk_pt_select_limit(PtWalk *w, int body)
{
	const JDoc *d = w->d;
	int			off = jget(d, body, "limitOffset");
	double		count;
	double		offset = 0;

	if (!const_count(d, jget(d, body, "limitCount"), &count) || count <= 0)
		return;
	/* the rows a scan must give: the skipped ones too */
	if (off >= 0 && !const_count(d, off, &offset))
		return;
	w->limit = count + offset;
}
