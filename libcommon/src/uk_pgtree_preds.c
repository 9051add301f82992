/*
 * uk_pgtree_preds.c
 *		Predicates of the conjuncts of WHERE and JOIN ... ON, for the
 *		advisor's input read from a parse tree (see uk_pgtree.h, which lists
 *		what is read, and uk_pgtree_int.h).
 *
 * A conjunct gives a predicate when a plain btree index could serve it: a
 * column compared with a value (a constant, $n, or an expression of them),
 * IN lists, = ANY, IS NULL, BETWEEN, LIKE with a literal prefix, a boolean
 * column, or two columns of different sources (a join key).  Anything else
 * (OR, other NOTs, <>, functions or casts of columns) gives nothing.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "uk_pgtree_int.h"

int
uk_pt_unwrap_casts(const JDoc *d, int n)
{
	for (int guard = 0; guard < UK_JSON_MAX_DEPTH; guard++)
	{
		int			b = jnode(d, n, "TypeCast");

		if (b < 0)
			b = jnode(d, n, "CollateClause");
		if (b < 0)
			return n;
		n = jget(d, b, "arg");
	}
	return n;
}

static bool
is_null_const(const JDoc *d, int n)
{
	int			c = jnode(d, uk_pt_unwrap_casts(d, n), "A_Const");

	return c >= 0 && jtrue(d, jget(d, c, "isnull"));
}

/* Whether an expression holds no column reference and no subquery. */
static bool
no_columns(const JDoc *d, int n)
{
	if (n < 0)
		return true;
	if (d->nodes[n].type != J_OBJ && d->nodes[n].type != J_ARR)
		return true;
	for (int c = d->nodes[n].first; c >= 0; c = d->nodes[c].next)
	{
		const JNode *m = &d->nodes[c];

		if (m->key != NULL &&
			((m->keylen == 9 && memcmp(m->key, "ColumnRef", 9) == 0) ||
			 (m->keylen == 7 && memcmp(m->key, "SubLink", 7) == 0)))
			return false;
		if (!no_columns(d, c))
			return false;
	}
	return true;
}

/*
 * A value an index can be searched with: a constant, a parameter, or an
 * expression of them (a cast, now(), arithmetic); not NULL.
 */
static bool
is_value(const JDoc *d, int n)
{
	return n >= 0 && !is_null_const(d, n) && no_columns(d, n);
}

/* The single operator name of an A_Expr, or NULL. */
static const char *
op_name(const JDoc *d, int aexpr)
{
	int			name = jget(d, aexpr, "name");
	size_t		l;
	const char *s;

	if (jcount(d, name, J_ARR) != 1)
		return NULL;
	s = jsval(d, jat(d, name, 0), &l);
	return s != NULL && strlen(s) == l ? s : NULL;
}

/* A column on one side of a = b: both placed, or one of them. */
static void
join_pred(PtWalk *w, const PtScope *sc, int lref, int rref)
{
	PtCol		a = uk_pt_place(w, sc, lref);
	PtCol		b = uk_pt_place(w, sc, rref);

	if (a.src < 0 || b.src < 0 || a.src == b.src)
		return;
	if (a.table >= 0)
		uk_pt_add_pred(w, a, UK_ADV_JOIN, 0);
	if (b.table >= 0)
		uk_pt_add_pred(w, b, UK_ADV_JOIN, 0);
}

static void
col_pred(PtWalk *w, const PtScope *sc, int ref, UkAdvPredKind kind,
		 double count)
{
	PtCol		c = uk_pt_place(w, sc, ref);

	if (c.table >= 0)
		uk_pt_add_pred(w, c, kind, count);
}

/*
 * A LIKE pattern: 0 no usable prefix, 1 a literal prefix then a wildcard,
 * 2 no wildcard at all (an equality).  Backslash is the escape.
 */
static int
like_kind(const JDoc *d, int n)
{
	int			c = jnode(d, uk_pt_unwrap_casts(d, n), "A_Const");
	int			v = jget(d, jget(d, c, "sval"), "sval");
	const char *s;
	size_t		len;
	size_t		prefix = 0;

	if (v < 0 || d->nodes[v].type != J_STR)
		return 0;
	s = d->nodes[v].str;
	len = d->nodes[v].len;
	for (size_t i = 0; i < len; i++)
	{
		if (s[i] == '%' || s[i] == '_')
			return prefix > 0 ? 1 : 0;
		if (s[i] == '\\')
		{
			if (++i >= len)
				return 0;		/* PostgreSQL refuses a trailing escape */
		}
		prefix++;
	}
	return prefix > 0 ? 2 : 0;
}

/*
 * The text of a constant (through casts): a string's contents, a number as
 * written, true or false; NULL for anything else.  libpg_query leaves a
 * zero, an empty string and false out of the tree ({"ival": {}}).
 */
static const char *
const_text(const JDoc *d, int n, size_t *len)
{
	static const char *const kinds[] = {"sval", "ival", "fval", "boolval"};
	int			c = jnode(d, uk_pt_unwrap_casts(d, n), "A_Const");

	if (c < 0)
		return NULL;
	for (int k = 0; k < 4; k++)
	{
		int			m = jget(d, c, kinds[k]);
		int			v = jget(d, m, kinds[k]);

		if (m < 0 || d->nodes[m].type != J_OBJ)
			continue;
		if (v < 0)
		{
			static const char *const empty[] = {"", "0", "0", "false"};

			*len = strlen(empty[k]);
			return empty[k];
		}
		if (k == 3)
		{
			*len = jtrue(d, v) ? 4 : 5;
			return jtrue(d, v) ? "true" : "false";
		}
		if (d->nodes[v].type != J_STR && d->nodes[v].type != J_NUM)
			return NULL;
		*len = d->nodes[v].len;
		return d->nodes[v].str;
	}
	return NULL;
}

/* col = value: an EQ predicate, with the value's text when a constant. */
static void
eq_pred(PtWalk *w, const PtScope *sc, int ref, int value)
{
	int			before = w->npreds;
	size_t		len = 0;
	const char *text;

	col_pred(w, sc, ref, UK_ADV_EQ, 0);
	if (w->npreds > before && (text = const_text(w->d, value, &len)) != NULL)
		uk_pt_set_value(w, text, len);
}

/* Predicates of an A_Expr conjunct. */
static void
aexpr_pred(PtWalk *w, const PtScope *sc, int e)
{
	const JDoc *d = w->d;
	int			kind = jget(d, e, "kind");
	const char *op = op_name(d, e);
	int			l = jget(d, e, "lexpr");
	int			r = jget(d, e, "rexpr");
	int			lref = jnode(d, l, "ColumnRef");
	int			rref = jnode(d, r, "ColumnRef");

	if (op == NULL)
		return;
	if (jstr_is(d, kind, "AEXPR_OP"))
	{
		bool		eq = strcmp(op, "=") == 0;

		if (!eq && strcmp(op, "<") != 0 && strcmp(op, "<=") != 0 &&
			strcmp(op, ">") != 0 && strcmp(op, ">=") != 0)
			return;
		if (lref >= 0 && rref >= 0)
		{
			if (eq)
				join_pred(w, sc, lref, rref);
		}
		else if (lref >= 0 && is_value(d, r) && eq)
			eq_pred(w, sc, lref, r);
		else if (rref >= 0 && is_value(d, l) && eq)
			eq_pred(w, sc, rref, l);
		else if (lref >= 0 && is_value(d, r))
			col_pred(w, sc, lref, UK_ADV_RANGE, 0);
		else if (rref >= 0 && is_value(d, l))
			col_pred(w, sc, rref, UK_ADV_RANGE, 0);
	}
	else if (jstr_is(d, kind, "AEXPR_NOT_DISTINCT"))
	{
		/* MariaDB's <=>, as uk_translate_mariadb() writes it */
		if (lref >= 0 && rref < 0 && is_null_const(d, r))
			col_pred(w, sc, lref, UK_ADV_ISNULL, 0);
		else if (rref >= 0 && lref < 0 && is_null_const(d, l))
			col_pred(w, sc, rref, UK_ADV_ISNULL, 0);
		else if (lref >= 0 && is_value(d, r))
			eq_pred(w, sc, lref, r);
		else if (rref >= 0 && is_value(d, l))
			eq_pred(w, sc, rref, l);
	}
	else if (jstr_is(d, kind, "AEXPR_IN"))
	{
		int			items = jget(d, jnode(d, r, "List"), "items");

		if (strcmp(op, "=") != 0 || lref < 0 || jcount(d, items, J_ARR) == 0)
			return;
		for (int c = d->nodes[items].first; c >= 0; c = d->nodes[c].next)
			if (!no_columns(d, c))
				return;
		col_pred(w, sc, lref, UK_ADV_IN, d->nodes[items].count);
	}
	else if (jstr_is(d, kind, "AEXPR_OP_ANY"))
	{
		int			elems = jget(d, jnode(d, uk_pt_unwrap_casts(d, r), "A_ArrayExpr"),
								 "elements");

		if (strcmp(op, "=") != 0 || lref < 0 || !is_value(d, r))
			return;
		col_pred(w, sc, lref, UK_ADV_IN, jcount(d, elems, J_ARR));
	}
	else if (jstr_is(d, kind, "AEXPR_BETWEEN") ||
			 jstr_is(d, kind, "AEXPR_BETWEEN_SYM"))
	{
		int			items = jget(d, jnode(d, r, "List"), "items");
		PtCol		c;

		if (lref < 0 || jcount(d, items, J_ARR) != 2 ||
			!is_value(d, jat(d, items, 0)) || !is_value(d, jat(d, items, 1)))
			return;
		/* two bounds, as PostgreSQL reads it: col >= a AND col <= b */
		c = uk_pt_place(w, sc, lref);
		if (c.table >= 0)
		{
			uk_pt_add_pred(w, c, UK_ADV_RANGE, 0);
			uk_pt_add_pred(w, c, UK_ADV_RANGE, 0);
		}
	}
	else if (jstr_is(d, kind, "AEXPR_LIKE"))
	{
		int			k;

		if (strcmp(op, "~~") != 0 || lref < 0 || (k = like_kind(d, r)) == 0)
			return;
		col_pred(w, sc, lref, k == 1 ? UK_ADV_PREFIX : UK_ADV_EQ, 0);
	}
}

/* Predicates of one conjunct of WHERE or ON; AND is split further. */
void
uk_pt_conjuncts(PtWalk *w, const PtScope *sc, int n)
{
	const JDoc *d = w->d;
	int			b;

	if ((b = jnode(d, n, "BoolExpr")) >= 0)
	{
		int			op = jget(d, b, "boolop");
		int			args = jget(d, b, "args");

		if (jstr_is(d, op, "AND_EXPR") && jcount(d, args, J_ARR) > 0)
		{
			for (int c = d->nodes[args].first; c >= 0; c = d->nodes[c].next)
				uk_pt_conjuncts(w, sc, c);
		}
		else if (jstr_is(d, op, "NOT_EXPR") && jcount(d, args, J_ARR) == 1 &&
				 (b = jnode(d, jat(d, args, 0), "ColumnRef")) >= 0)
			col_pred(w, sc, b, UK_ADV_EQ, 0);	/* NOT boolcol */
	}
	else if ((b = jnode(d, n, "A_Expr")) >= 0)
		aexpr_pred(w, sc, b);
	else if ((b = jnode(d, n, "NullTest")) >= 0)
	{
		int			ref = jnode(d, jget(d, b, "arg"), "ColumnRef");

		if (ref >= 0 && jstr_is(d, jget(d, b, "nulltesttype"), "IS_NULL"))
			col_pred(w, sc, ref, UK_ADV_ISNULL, 0);
	}
	else if ((b = jnode(d, n, "BooleanTest")) >= 0)
	{
		int			ref = jnode(d, jget(d, b, "arg"), "ColumnRef");
		int			t = jget(d, b, "booltesttype");

		if (ref >= 0 && (jstr_is(d, t, "IS_TRUE") || jstr_is(d, t, "IS_FALSE")))
			col_pred(w, sc, ref, UK_ADV_EQ, 0);
	}
	else if ((b = jnode(d, n, "ColumnRef")) >= 0)
		col_pred(w, sc, b, UK_ADV_EQ, 0);	/* a boolean column */
	else if ((b = jnode(d, n, "SubLink")) >= 0)
	{
		/* col IN (SELECT ...): a join on col */
		int			ref = jnode(d, jget(d, b, "testexpr"), "ColumnRef");
		int			opn = jget(d, b, "operName");
		size_t		l;
		const char *s;

		if (ref < 0 || !jstr_is(d, jget(d, b, "subLinkType"), "ANY_SUBLINK"))
			return;
		if (opn >= 0 && (jcount(d, opn, J_ARR) != 1 ||
						 (s = jsval(d, jat(d, opn, 0), &l)) == NULL ||
						 !uk_pt_name_eq(s, l, "=")))
			return;
		col_pred(w, sc, ref, UK_ADV_JOIN, 0);
	}
}
