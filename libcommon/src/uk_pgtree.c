/*
 * uk_pgtree.c
 *		The index advisor's input for one statement, read from the JSON
 *		parse tree libpg_query prints (uk_pgtree.h): the entry point.
 *
 * Two parts.  A strict JSON reader (uk_json.c) turns the text into a flat
 * array of nodes, linked by index (first child, next sibling).
 *
 * The walker (uk_pgtree_*.c, listed in uk_pgtree_int.h) then goes over the
 * first statement level by level (a query, a subquery, a CTE, a UNION
 * branch).  Each level has a scope: the sources of its FROM clause
 * (catalogue table, unknown table, or derived: subquery, CTE, function)
 * and its CTE names, kept in two stacks of the walk with a pointer to the
 * enclosing level's scope.  Column references are placed through the
 * scopes, innermost first.  The walker's recursion follows the nesting of
 * the JSON, so it is bounded by the same depth limit.
 *
 * The tree is read leniently: a member of an unexpected type or a node the
 * walker does not know gives nothing rather than an error.  Only text that
 * is not JSON, or JSON without a "stmts" array, is refused.  What the walk
 * gathered is handed over to the caller's UkTreeShape, which then owns it.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "uk_pgtree_int.h"

static void
walk_free(PtWalk *w)
{
	free(w->srcs);
	free(w->ctes);
	for (int i = 0; i < w->npreds; i++)
		free(w->values[i]);
	free(w->values);
	free(w->preds);
	free(w->order_by);
	free(w->group_by);
	free(w->reads);
}

static UkStatus
check_catalogue(const UkAdvTable *tables, int ntables, UkError **err)
{
	if (ntables < 0 || (ntables > 0 && tables == NULL))
		return uk_error_set(err, UK_ERR_INVALID, 0, "bad table array");
	for (int i = 0; i < ntables; i++)
	{
		if (tables[i].name == NULL || tables[i].ncolumns < 0 ||
			(tables[i].ncolumns > 0 && tables[i].columns == NULL))
			return uk_error_set(err, UK_ERR_INVALID, 0,
								"table %d: no name or bad column array", i);
		for (int c = 0; c < tables[i].ncolumns; c++)
			if (tables[i].columns[c].name == NULL)
				return uk_error_set(err, UK_ERR_INVALID, 0,
									"table %d column %d: no name", i, c);
	}
	return UK_OK;
}

UkStatus
uk_pgtree_shape(const char *json, size_t len, const UkAdvTable *tables,
				int ntables, const char *default_schema, bool ci_columns,
				UkTreeShape *out, UkError **err)
{
	JDoc		d;
	PtWalk		w;
	UkStatus	st;
	int			stmts;
	int			first;

	memset(out, 0, sizeof(UkTreeShape));
	memset(&d, 0, sizeof(JDoc));
	if (json == NULL && len > 0)
		return uk_error_set(err, UK_ERR_INVALID, 0, "no parse tree text");
	st = check_catalogue(tables, ntables, err);
	if (st != UK_OK)
		return st;
	st = uk_json_parse(&d, json != NULL ? json : "", len, err);
	if (st != UK_OK)
	{
		uk_json_free(&d);
		return st;
	}
	stmts = jget(&d, 0, "stmts");
	if (stmts < 0 || d.nodes[stmts].type != J_ARR)
	{
		uk_json_free(&d);
		return uk_error_set(err, UK_ERR_INVALID, 0,
							"not a parse tree: no \"stmts\" array");
	}
	first = jat(&d, stmts, 0);
	if (first >= 0 && jget(&d, first, "stmt") < 0)
	{
		uk_json_free(&d);
		return uk_error_set(err, UK_ERR_INVALID, 0,
							"not a parse tree: statement without \"stmt\"");
	}

	memset(&w, 0, sizeof(PtWalk));
	w.d = &d;
	w.tables = tables;
	w.ntables = ntables;
	w.default_schema = default_schema;
	w.ci = ci_columns;
	w.steps = PT_MAX_STEPS;
	if (first >= 0)
		uk_pt_walk_stmt(&w, jget(&d, first, "stmt"), NULL, true);
	uk_json_free(&d);
	if (w.oom)
	{
		walk_free(&w);
		return uk_error_set(err, UK_ERR_NOMEM, 0, "out of memory");
	}
	free(w.srcs);
	free(w.ctes);
	out->query.preds = w.preds;
	out->query.npreds = w.npreds;
	out->values = w.npreds > 0 ? w.values : NULL;
	if (w.npreds == 0)
		free(w.values);
	out->query.order_by = w.order_by;
	out->query.norder_by = w.norder_by;
	out->query.group_by = w.group_by;
	out->query.ngroup_by = w.ngroup_by;
	out->query.limit = w.limit;
	out->query.reads = w.reads;
	out->query.nreads = w.nreads;
	out->query.reads_known = true;
	out->nunresolved = w.nunresolved;
	out->nunknown_tables = w.nunknown;
	return UK_OK;
}

void
uk_pgtree_shape_free(UkTreeShape *shape)
{
	if (shape == NULL)
		return;
	if (shape->values != NULL)
		for (int i = 0; i < shape->query.npreds; i++)
			free(shape->values[i]);
	free(shape->values);
	free((void *) shape->query.preds);
	free((void *) shape->query.order_by);
	free((void *) shape->query.group_by);
	free((void *) shape->query.reads);
	memset(shape, 0, sizeof(UkTreeShape));
}
