/*
 * uk_advisor_explain.c
 *		The reason text of an advised index, for a DBA: why these columns,
 *		in this order, which columns were left out and why, which columns
 *		it carries so that queries read only the index (and whether a
 *		VACUUM is needed for that), what the server's key length limit
 *		left out, which existing index it makes
 *		redundant, how many queries it serves (see uk_advisor.h,
 *		uk_advisor_int.h).
 *
 * The text is explained on the slot of the index's example query and
 * written into a buffer of the caller's (uk_advisor_select.c).
 */
#include <stdio.h>
#include <string.h>

#include "uk_advisor_int.h"

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

/* Is col one of c's covering columns? */
static bool
is_carried(const Cand *c, int col)
{
	int			i;

	for (i = 0; i < c->pub.ninclude; i++)
		if (c->pub.include[i] == col)
			return true;
	return false;
}

/*
 * "; carries debit, credit and is_cancelled, so the query reads only the
 * index", and on PostgreSQL, when the table is mostly not all-visible, that
 * a VACUUM is needed, with the example query's cost as it is and vacuumed
 * when the caller gave both.
 */
static void
explain_covering(const UkAdvisor *a, const Cand *c, const Slot *s, char *r,
				 size_t cap)
{
	const Table *t = &a->tables[c->pub.table];
	char		list[300] = "";
	int			i;

	if (c->pub.ninclude == 0)
		return;
	for (i = 0; i < c->pub.ninclude; i++)
	{
		size_t		n = strlen(list);

		snprintf(list + n, sizeof(list) - n, "%s%.64s",
				 i == 0 ? "" : i == c->pub.ninclude - 1 ? " and " : ", ",
				 t->cols[c->pub.include[i]].name);
	}
	reason_put(r, cap, "; carries %s%s", list,
			   a->engine != UK_ENGINE_MARIADB ?
			   " (INCLUDE), so the query reads only the index (an index-only scan)" :
			   c->pub.ninclude == 1 ?
			   " as its last key column, so the query reads only the index (EXPLAIN: Using index)" :
			   " as its last key columns, so the query reads only the index (EXPLAIN: Using index)");
	if (a->engine != UK_ENGINE_MARIADB && t->visibility_known &&
		t->visible_frac < UK_ADV_VISIBLE_ENOUGH)
	{
		char		part[200];
		int			u;

		snprintf(part, sizeof(part),
				 "; VACUUM the table for it to pay off: %.0f%% of its pages are all-visible now",
				 100 * t->visible_frac);
		reason_put(r, cap, "%s%s", part, "");
		for (u = 0; s != NULL && u < c->pub.nuses; u++)
			if (c->use_queries[u] == s->query && c->use_costs_now[u] >= 0)
			{
				snprintf(part, sizeof(part),
						 " (the query costs %.0f with it as the table is, %.0f vacuumed)",
						 c->use_costs_now[u], c->use_costs[u]);
				reason_put(r, cap, "%s%s", part, "");
			}
	}
}

/*
 * What the table's key length limits left out of a wider index (Cand.cut):
 * "; does not carry uom, which would let the query read only the index:
 * with it the key would take 3,360 bytes, over the 3,072 bytes the server
 * allows for a key of this table", or "; pincode left out: with it ...",
 * or, for a column over the limit per key column, "; x left out: x takes
 * 1,020 bytes in a key, over the 767 bytes ...".
 */
static void
explain_key_cut(const UkAdvisor *a, const Cand *c, char *r, size_t cap)
{
	const Table *t = &a->tables[c->pub.table];
	char		list[300] = "";
	char		part[260];
	char		with[48];
	char		limit[48];
	int			i;

	if (c->ncut == 0)
		return;
	for (i = 0; i < c->ncut; i++)
	{
		size_t		n = strlen(list);

		snprintf(list + n, sizeof(list) - n, "%s%.64s",
				 i == 0 ? "" : i == c->ncut - 1 ? " and " : ", ",
				 t->cols[c->cut[i]].name);
	}
	for (i = 0; i < c->ncut; i++)
		if (t->max_part > 0 && t->cols[c->cut[i]].key_bytes > t->max_part)
			break;
	if (i < c->ncut)
	{
		/* one column alone is over the per-column limit */
		fmt_count(t->cols[c->cut[i]].key_bytes, with, sizeof(with));
		fmt_count(t->max_part, limit, sizeof(limit));
		snprintf(part, sizeof(part),
				 ": %.64s takes %s bytes in a key, over the %s bytes the server allows per key column of this table",
				 t->cols[c->cut[i]].name, with, limit);
	}
	else
	{
		fmt_count(c->cut_bytes, with, sizeof(with));
		fmt_count(t->max_key, limit, sizeof(limit));
		snprintf(part, sizeof(part),
				 ": with %s the key would take %s bytes, over the %s bytes the server allows for a key of this table",
				 c->ncut == 1 ? "it" : "them", with, limit);
	}
	reason_put(r, cap, c->cut_carried ?
			   "; does not carry %s, which would let the query read only the index%s" :
			   "; %s left out%s", list, part);
}

/* The reason text of advice c, explained on the slot of its example query. */
void
uk_adv_explain(const UkAdvisor *a, const Cand *c, const Slot *s, int nhelped,
		char *r, size_t cap)
{
	const Table *t = &a->tables[c->pub.table];
	char		num[48];
	char		part[200];
	bool		ordered = false;
	int			i;
	int			x;

	r[0] = '\0';
	for (i = 0; i < c->pub.ncolumns; i++)
	{
		int			col = c->pub.columns[i];
		const char *name = t->cols[col].name;
		const ColPred *cp = s != NULL ? uk_adv_slot_colpred(s, col) : NULL;
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
		const ColPred *lead = uk_adv_slot_colpred(s, c->pub.columns[0]);
		double		nd = uk_adv_col_distinct(t, cp->column);
		const char *name = t->cols[cp->column].name;
		bool		in_index = false;
		int			k;

		if (!is_eq_like(cp->kind) || c->pub.columns[0] == cp->column)
			continue;
		for (k = 0; k < c->pub.ncolumns; k++)
			if (c->pub.columns[k] == cp->column)
				in_index = true;
		for (k = 0; k < c->ncut && !c->cut_carried; k++)
			in_index = in_index || c->cut[k] == cp->column;
		if (!in_index && !is_carried(c, cp->column) &&
			!uk_adv_key_fits(t, &cp->column, 1, NULL, 0, NULL))
		{
			bool		per_col = t->max_part > 0 &&
				t->cols[cp->column].key_bytes > t->max_part;
			char		with[48];

			fmt_count(t->cols[cp->column].key_bytes, num, sizeof(num));
			fmt_count(per_col ? t->max_part : t->max_key, with, sizeof(with));
			snprintf(part, sizeof(part),
					 "it takes %s bytes in a key, over the %s bytes the server allows %s this table",
					 num, with, per_col ? "per key column of" : "for a key of");
			reason_put(r, cap, "; %s left out: %s", name, part);
			continue;
		}
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
		if (!uk_adv_can_lead(t, cp) && (lead == NULL || cp->sel <= lead->sel))
			reason_put(r, cap, "; leading with %s skipped: %s", name, part);
		else if (in_index)
			continue;
		else if (!uk_adv_can_follow(cp))
			reason_put(r, cap, is_carried(c, cp->column) ?
					   (cp->sel_given && cp->sel >= UK_ADV_FOLLOW_MAX_SEL ?
						"; %s not a key: %s" : "; %s not a key: %s, too few to narrow") :
					   (cp->sel_given && cp->sel >= UK_ADV_FOLLOW_MAX_SEL ?
						"; %s left out: %s" : "; %s left out: %s, too few to narrow"),
					   name, part);
		else
			reason_put(r, cap, is_carried(c, cp->column) ?
					   "; %s not a key: few rows left" : "; %s left out: few rows left",
					   name, NULL);
	}
	explain_covering(a, c, s, r, cap);
	explain_key_cut(a, c, r, cap);
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

