/*
 * uk_pgtree.h
 *		What the index advisor needs of one statement, read from the JSON
 *		parse tree that libpg_query (PostgreSQL 15 grammar, version 15-4.x)
 *		prints: predicates, ORDER BY / GROUP BY keys and LIMIT
 *		(uk_advisor.h), with tables and columns resolved against the
 *		caller's catalogue.
 *
 * Used by the MariaDB plugin, which parses captured statements with
 * libpg_query after uk_translate_mariadb().  libcommon does not link
 * libpg_query: it reads the JSON text only, so it is tested with parse
 * trees kept as text.
 *
 * What is read:
 *	- SELECT (with joins, subqueries in FROM, WHERE and the select list,
 *	  CTEs, UNION branches), UPDATE ... [FROM] WHERE, DELETE ... [USING]
 *	  WHERE, INSERT ... SELECT (the SELECT); other statements give an empty
 *	  shape (npreds 0), not an error.
 *	- Conjuncts of WHERE and of JOIN ... ON, at every level: col = value
 *	  (EQ), col IN (list) (IN, count = list length), col = ANY(ARRAY[...])
 *	  or = ANY($n) (IN, count = elements, 0 unknown), col IS NULL (ISNULL),
 *	  a.col = b.col across two sources, JOIN ... USING (col) and
 *	  col IN (SELECT ...) (JOIN on each placed side), <, <=, >, >= (RANGE),
 *	  BETWEEN (two RANGE, its two bounds), col LIKE 'abc%' with a literal
 *	  prefix (PREFIX; without any wildcard EQ), col IS NOT DISTINCT FROM
 *	  value or NULL (MariaDB's <=>: EQ or ISNULL), and a boolean column as
 *	  such, negated, IS TRUE or IS FALSE (EQ).  A value is a constant, $n,
 *	  or an expression of them such as now() - interval '1 day'; NULL is
 *	  not.  Either side may be the column.  OR, other NOTs, <>, NOT IN, NOT
 *	  LIKE, ILIKE, LIKE with ESCAPE and functions or casts of columns give
 *	  nothing (no plain btree index serves them).
 *	- Every column the statement reads (UkAdvQuery.reads, reads_known
 *	  set): the column references of every level's select list, WHERE,
 *	  HAVING, ON, function arguments, ORDER BY and GROUP BY; a star reads
 *	  something of every table of its level (column -1), a reference no
 *	  source can be shown to hold something of any table (table -1), the
 *	  table an UPDATE or DELETE changes is read whole; in ORDER BY and
 *	  GROUP BY an unplaced name is an output name and reads nothing more.
 *	- ORDER BY and GROUP BY of the outermost SELECT when every key is a
 *	  plain column (also through an output name or position: ORDER BY 1);
 *	  otherwise none of them.  LIMIT when a constant, plus a constant
 *	  OFFSET (the rows the scan must give); with a $n in either, 0.  A
 *	  UNION's ORDER BY and LIMIT are not read.
 * Columns are resolved through the FROM clause: alias.col, table.col,
 * schema.table.col, or a bare col that exactly one source of its FROM has
 * (the innermost level first, then the outer ones, as SQL does).  A table
 * that is not in the catalogue, or that more than one schema could hold,
 * counts in nunknown_tables and might have any column, so a bare name in
 * its FROM cannot be placed; a subquery, CTE or function in FROM has the
 * output names its select list gives.  A column reference of a predicate
 * or key that cannot be placed on a catalogue column is counted in
 * nunresolved and skipped.
 */
#ifndef UK_PGTREE_H
#define UK_PGTREE_H

#include <stdbool.h>
#include <stddef.h>

#include "uk_advisor.h"
#include "uk_error.h"

typedef struct UkTreeShape
{
	/*
	 * preds, order_by, group_by and limit filled in, pointing into arrays
	 * this shape owns; id, text and weight left 0 for the caller to set.
	 */
	UkAdvQuery	query;
	int			nunresolved;	/* column references not placed */
	int			nunknown_tables;	/* tables not in the catalogue */

	/*
	 * Per predicate of query.preds: for col = constant (EQ), the constant
	 * as text (a string's contents, a number as written, true or false),
	 * so that the caller can weigh how common the value is; NULL for any
	 * other predicate or value ($n, an expression).  NULL when npreds is 0.
	 */
	char	  **values;
} UkTreeShape;

/*
 * Read the shape of the first statement of a libpg_query JSON parse tree
 * (pg_query_parse()'s parse_tree).  tables[0..ntables) is the catalogue;
 * a table written without schema is looked up in default_schema (NULL or
 * "": any schema, when only one has that name); a catalogue table with no
 * schema matches any unqualified name.  Table names compare exactly (the
 * parser has already lower-cased unquoted ones); column names compare
 * ignoring ASCII case when ci_columns (as MariaDB does), exactly otherwise.
 * json need not be NUL-terminated.
 *
 * UK_ERR_INVALID with a message for text that is not such a parse tree
 * (not JSON, with the byte offset; nesting deeper than 200; no "stmts"
 * array) or for a catalogue table or column without a name; UK_ERR_NOMEM.
 * On failure *out is zeroed and nothing is kept; on success free *out with
 * uk_pgtree_shape_free().
 */
extern UkStatus uk_pgtree_shape(const char *json, size_t len,
								const UkAdvTable *tables, int ntables,
								const char *default_schema, bool ci_columns,
								UkTreeShape *out, UkError **err);

/* NULL and a zeroed shape are allowed. */
extern void uk_pgtree_shape_free(UkTreeShape *shape);

#endif							/* UK_PGTREE_H */
