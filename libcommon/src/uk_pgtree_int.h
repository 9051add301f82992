/*
 * uk_pgtree_int.h
 *		Internals shared by the source files that read the index advisor's
 *		input from a libpg_query parse tree (uk_pgtree.h); not part of the
 *		public interface.
 *
 * The reader is split by concern, each file calling only those below it:
 *
 *	uk_pgtree.c			the entry point: parse the JSON, walk the first
 *						statement, hand the shape over
 *	uk_pgtree_stmt.c	statements and levels: SELECT (UNION branches,
 *						CTEs, subqueries), INSERT ... SELECT, UPDATE,
 *						DELETE; FROM, JOIN ... ON / USING
 *	uk_pgtree_keys.c	ORDER BY, GROUP BY and LIMIT of the outermost SELECT
 *	uk_pgtree_preds.c	predicates of the conjuncts of WHERE and ON
 *	uk_pgtree_reads.c	the columns a level reads (covering columns)
 *	uk_pgtree_scope.c	sources and scopes: placing a column reference on a
 *						catalogue column
 *	uk_json.c			the JSON reader (uk_json.h)
 *
 * A walk (PtWalk) belongs to one uk_pgtree_shape() call; nothing is shared
 * between calls or threads.  The walker's recursion follows the nesting of
 * the JSON, so it is bounded by the reader's depth limit.
 */
#ifndef UK_PGTREE_INT_H
#define UK_PGTREE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "uk_json.h"
#include "uk_pgtree.h"

/*
 * Name comparisons allowed for placing columns in one statement.  Placing
 * a bare name looks at every source of its levels and every output name of
 * a derived one, so a contrived statement could cost sources x names x
 * references; real ones stay far below.  Past it, references are counted
 * as not placed.
 */
#define PT_MAX_STEPS 20000000L

/* ---------------------------------------------------------------------
 * Parse tree nodes
 * --------------------------------------------------------------------- */

/*
 * A parse tree node is an object with one member named by its type:
 * {"ColumnRef": {...}}.  Returns the body when n is a node of that type.
 */
static inline int
jnode(const JDoc *d, int n, const char *type)
{
	int			body;

	if (n < 0 || d->nodes[n].type != J_OBJ || d->nodes[n].count != 1)
		return -1;
	body = d->nodes[n].first;
	if (d->nodes[body].type != J_OBJ ||
		d->nodes[body].keylen != strlen(type) ||
		memcmp(d->nodes[body].key, type, d->nodes[body].keylen) != 0)
		return -1;
	return body;
}

/* The text of a {"String": {"sval": "..."}} node, or NULL. */
static inline const char *
jsval(const JDoc *d, int n, size_t *len)
{
	int			b = jnode(d, n, "String");
	int			v = jget(d, b, "sval");

	if (b < 0)
		return NULL;
	if (v < 0)
	{
		/* an empty string is left out of the tree */
		*len = 0;
		return "";
	}
	if (d->nodes[v].type != J_STR)
		return NULL;
	*len = d->nodes[v].len;
	return d->nodes[v].str;
}


/* ---------------------------------------------------------------------
 * The walk
 * --------------------------------------------------------------------- */

typedef struct PtSrc
{
	int			id;				/* unique in the walk */
	int			table;			/* catalogue position, or -1 */
	bool		derived;		/* subquery, CTE or function */
	int			targets;		/* derived: its target list, -1 any name */
	int			colnames;		/* alias column names (J_ARR), or -1 */
	const char *alias;			/* NULL when none */
	size_t		aliaslen;
	const char *schema;			/* as written; NULL when none */
	size_t		schemalen;
	const char *rel;			/* NULL for a subquery or function */
	size_t		rellen;
} PtSrc;

typedef struct PtCte
{
	const char *name;
	size_t		len;
	int			query;			/* the statement node */
	int			colnames;		/* aliascolnames, or -1 */
} PtCte;

typedef struct PtScope
{
	const struct PtScope *parent;
	int			start;			/* its sources: w->srcs[start..end) */
	int			end;
	int			cte_start;		/* its CTEs: w->ctes[cte_start..cte_end) */
	int			cte_end;
} PtScope;

typedef struct PtWalk
{
	const JDoc *d;
	const UkAdvTable *tables;
	int			ntables;
	const char *default_schema;
	bool		ci;
	PtSrc	   *srcs;
	int			nsrcs;
	int			srcs_cap;
	PtCte	   *ctes;
	int			nctes;
	int			ctes_cap;
	int			next_id;
	UkAdvPred  *preds;
	int			npreds;
	int			preds_cap;
	char	  **values;			/* per pred: an EQ constant's text, or NULL */
	int			values_cap;
	UkAdvSortKey *order_by;
	int			norder_by;
	UkAdvSortKey *group_by;
	int			ngroup_by;
	double		limit;
	UkAdvColRef *reads;
	int			nreads;
	int			reads_cap;
	int			nunresolved;
	int			nunknown;
	long		steps;			/* left of PT_MAX_STEPS */
	bool		oom;
} PtWalk;

/* Where a column reference points. */
typedef struct PtCol
{
	int			src;			/* source id, -1 when not known */
	int			table;			/* catalogue position, -1 when not placed */
	int			column;
} PtCol;

/* ---------------------------------------------------------------------
 * Sources, scopes and names (uk_pgtree_scope.c)
 * --------------------------------------------------------------------- */

/* Room for element n of *arr (*cap elements of elem bytes); false on OOM. */
extern bool uk_pt_grow(void **arr, int *cap, int n, size_t elem);

/* a[0..alen) is b (table names: exact); column names as the walk says. */
extern bool uk_pt_name_eq(const char *a, size_t alen, const char *b);
extern bool uk_pt_col_eq(const PtWalk *w, const char *a, size_t alen,
						 const char *b);

/* Catalogue position of a table as written, or -1. */
extern int	uk_pt_find_table(PtWalk *w, const char *schema, size_t slen,
							 const char *rel, size_t rlen);

/* A new source of the current level; NULL (w->oom set) on OOM. */
extern PtSrc *uk_pt_new_src(PtWalk *w);

/* Add a predicate on a placed column (w->oom set on OOM). */
extern void uk_pt_add_pred(PtWalk *w, PtCol c, UkAdvPredKind kind,
						   double count);

/* The last predicate added compares with the constant text[0..len). */
extern void uk_pt_set_value(PtWalk *w, const char *text, size_t len);

/* A visible CTE named name[0..len), or NULL. */
extern const PtCte *uk_pt_find_cte(PtWalk *w, const PtScope *sc,
								   const char *name, size_t len);

/* Whether a source has a column: 0 no, 1 yes, 2 perhaps. */
extern int	uk_pt_src_has(PtWalk *w, const PtSrc *s, const char *name,
						  size_t len, int *column);

/* The names of a ColumnRef body (up to 3, last the column); 0 for none. */
extern int	uk_pt_colref_names(const JDoc *d, int ref, const char **names,
							   size_t *lens);

/*
 * Place a ColumnRef body through the scopes, innermost first; place()
 * also counts it in w->nunresolved when it is not on a catalogue column.
 */
extern PtCol uk_pt_resolve(PtWalk *w, const PtScope *sc, int ref);
extern PtCol uk_pt_place(PtWalk *w, const PtScope *sc, int ref);

/* ---------------------------------------------------------------------
 * Predicates (uk_pgtree_preds.c)
 * --------------------------------------------------------------------- */

/* The expression under any casts and COLLATE clauses. */
extern int	uk_pt_unwrap_casts(const JDoc *d, int n);

/* Predicates of one conjunct of WHERE or ON; AND is split further. */
extern void uk_pt_conjuncts(PtWalk *w, const PtScope *sc, int n);

/* ---------------------------------------------------------------------
 * Columns read (uk_pgtree_reads.c)
 * --------------------------------------------------------------------- */

/* The column references under n; lenient: unplaced names are output names. */
extern void uk_pt_reads(PtWalk *w, const PtScope *sc, int n, bool lenient);

/* A source read as a whole: every column, none nameable. */
extern void uk_pt_read_whole(PtWalk *w, const PtSrc *s);

/* ---------------------------------------------------------------------
 * ORDER BY, GROUP BY, LIMIT (uk_pgtree_keys.c)
 * --------------------------------------------------------------------- */

/* ORDER BY (order) or GROUP BY keys of a SELECT body: all or none. */
extern void uk_pt_sort_keys(PtWalk *w, const PtScope *sc, int body,
							bool order);

/* A constant LIMIT (+ OFFSET) of a SELECT body into w->limit. */
extern void uk_pt_select_limit(PtWalk *w, int body);

/* ---------------------------------------------------------------------
 * Statements (uk_pgtree_stmt.c)
 * --------------------------------------------------------------------- */

/*
 * A statement node ({"SelectStmt": ...} and so on) as a level below
 * parent (NULL at the top); top: read its ORDER BY, GROUP BY and LIMIT.
 */
extern void uk_pt_walk_stmt(PtWalk *w, int stmt, const PtScope *parent,
							bool top);

#endif							/* UK_PGTREE_INT_H */
