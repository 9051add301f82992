/*
 * uk_advisor.h
 *		Index advisor core, engine-neutral: candidate indexes from the
 *		predicates of a workload, a cost model, and the choice of the few
 *		indexes that pay off across the whole workload.
 *
 * The adapters describe what they know and nothing else: tables (rows,
 * size, writes, column statistics, existing indexes) and queries (weight,
 * and per table the predicates, ORDER BY / GROUP BY and LIMIT that their
 * own parser found).  Tables, columns and queries are referred to by their
 * position in the caller's arrays.
 *
 * Use, in three steps:
 *
 *	1. uk_advisor_create(): checks the input, generates the candidates
 *	   (uk_advisor_candidate()) and costs each against the queries that can
 *	   use it with the built-in model.
 *	2. Optional: the caller replaces the costs by its own, e.g. PostgreSQL's
 *	   planner with the candidate as a hypothetical index:
 *	   uk_advisor_set_base_cost() for each query (its cost with the existing
 *	   indexes only), uk_advisor_set_cost() for each (candidate, query) pair
 *	   listed in the candidate.  Once any cost is set, the built-in costs are
 *	   no longer used at all: a pair that is not set counts as no gain, a
 *	   query whose base cost is not set counts as cost 0.
 *	3. uk_advisor_select(): the chosen indexes, best first.
 *
 * Costs are per execution of a query; a query's weight is how often it runs
 * (calls, or calls scaled by time), and the workload cost is the sum of
 * weight x cost.  The built-in model works in PostgreSQL planner units
 * (a sequentially read 8 kB page = 1.0), so that it agrees in scale with
 * planner costs.  A table's row_writes must cover the same period as the
 * weights: the write penalty of an index is row_writes x the cost of
 * maintaining one entry.
 *
 * Memory: the advisor reads the caller's arrays only during
 * uk_advisor_create() and copies what it keeps; they may be freed right
 * after.  Everything the advisor returns (candidates, advice and their
 * strings) is owned by it and lives until uk_advisor_free().  Not thread
 * safe: one advisor per thread.
 */
#ifndef UK_ADVISOR_H
#define UK_ADVISOR_H

#include <stdbool.h>
#include <stddef.h>

#include "uk_error.h"
#include "uk_ident.h"

/*
 * Widest index proposed.  After four well-chosen columns the rows left are
 * few; a fifth column rarely narrows further while it widens every entry,
 * every write and the index size.  (Dexter stops at two, which misses
 * "two equalities, then a range, then a sort".)
 */
#define UK_ADV_MAX_COLUMNS 4

/*
 * A column may lead an index only if an equality on it keeps at most
 * UK_ADV_LEAD_MAX_SEL of the rows and it has at least
 * UK_ADV_LEAD_MIN_DISTINCT distinct values.  The second rule is what keeps
 * a 0/1 flag or a three-valued state column from leading even when the
 * statistics say the value searched for is rare (that case wants a partial
 * index, which the reason then says).
 */
#define UK_ADV_LEAD_MAX_SEL 0.10
#define UK_ADV_LEAD_MIN_DISTINCT 10

/*
 * A column may follow more selective ones if it keeps less than
 * UK_ADV_FOLLOW_MAX_SEL of the rows left: a three-valued state (1/3) still
 * narrows, a two-valued company or flag (1/2) does not and only widens the
 * index.
 */
#define UK_ADV_FOLLOW_MAX_SEL 0.50

/*
 * ... by more than this: a value's frequency read from statistics is an
 * estimate from a sample (PostgreSQL's ANALYZE, the MariaDB plugin's
 * sample: tens of thousands of rows, a standard error of about 0.003 at
 * one half), so that a two-valued column whose value has 49.9% of the
 * rows in one sample and 50.1% in the next does not follow in one and not
 * the other.
 */
#define UK_ADV_FOLLOW_SEL_MARGIN 0.02

/*
 * Sum of average column widths of a proposed index, bytes.  Keeps clear of
 * PostgreSQL's limit on the values of a btree entry (~2700 bytes) and of
 * indexes wider than the rows they point to.  A limit the server applies
 * to the declared widths (InnoDB's 3072 bytes) is the caller's to give:
 * UkAdvTable.max_key_bytes.
 */
#define UK_ADV_MAX_KEY_BYTES 1000

/*
 * Covering columns.  When the columns a query reads from a table beyond an
 * index's keys (select list, aggregate arguments, filters the index does
 * not serve, sort and group columns) are at most UK_ADV_MAX_INCLUDE, each
 * at most UK_ADV_INCLUDE_MAX_WIDTH bytes wide on average and together at
 * most UK_ADV_INCLUDE_MAX_BYTES, the index may carry them so that the
 * query reads only the index: INCLUDE columns on PostgreSQL, trailing key
 * columns on MariaDB (whose secondary indexes carry the primary key
 * already, so its columns are never added).  Only when the index would
 * still fetch at least UK_ADV_COVER_MIN_ROWS rows per execution from the
 * table: for a row or two the table page is usually cached, and the wider
 * index is not worth it.
 */
#define UK_ADV_MAX_INCLUDE 3
#define UK_ADV_INCLUDE_MAX_WIDTH 32
#define UK_ADV_INCLUDE_MAX_BYTES 64
#define UK_ADV_COVER_MIN_ROWS 10.0

/*
 * PostgreSQL: an index-only scan skips the table only on its all-visible
 * pages.  Below this share the reason of a covering index says a VACUUM
 * is needed for it to pay off.
 */
#define UK_ADV_VISIBLE_ENOUGH 0.90

/* Selectivities used when neither the predicate nor the statistics say. */
#define UK_ADV_DEFAULT_EQ_SEL 0.005 /* PostgreSQL's DEFAULT_EQ_SEL */
#define UK_ADV_DEFAULT_RANGE_SEL (1.0 / 3.0)	/* one-sided <, >: DEFAULT_INEQ_SEL */
#define UK_ADV_DEFAULT_PREFIX_SEL 0.02
#define UK_ADV_DEFAULT_WIDTH 8	/* bytes, a column with no average width */

typedef enum UkAdvPredKind
{
	UK_ADV_EQ = 0,				/* col = const / $n */
	UK_ADV_IN,					/* col IN (list); count = list length */
	UK_ADV_ISNULL,				/* col IS NULL */
	UK_ADV_JOIN,				/* col = other_table.col; count = rows of the
								 * other side per execution (0: unknown, 1) */
	UK_ADV_RANGE,				/* <, <=, >, >=; BETWEEN (give selectivity) */
	UK_ADV_PREFIX				/* LIKE 'abc%' (a btree-usable prefix) */
} UkAdvPredKind;

typedef struct UkAdvColumn
{
	const char *name;
	double		n_distinct;		/* PostgreSQL's convention: > 0 a count, < 0
								 * minus the fraction of rows (-1 unique),
								 * 0 unknown */
	double		null_frac;		/* 0..1 */
	double		avg_width;		/* bytes; 0 unknown */

	/*
	 * Bytes the column takes in an index key as the server counts them
	 * against its key length limits (UkAdvTable.max_key_bytes): from the
	 * declared type, e.g. 560 for a MariaDB utf8mb4 varchar(140).  0:
	 * unknown or unlimited, counted as nothing.
	 */
	int			key_bytes;
} UkAdvColumn;

typedef enum UkAdvIndexKind
{
	UK_ADV_BTREE = 0,
	UK_ADV_OTHER				/* hash, GIN, GiST, fulltext ...: ignored */
} UkAdvIndexKind;

typedef struct UkAdvIndex
{
	const char *name;
	const int  *columns;		/* column positions in the table, in order;
								 * -1 for an expression */
	int			ncolumns;
	bool		unique;
	bool		constraint;		/* backs a primary key / unique constraint */
	UkAdvIndexKind kind;
} UkAdvIndex;

typedef struct UkAdvTable
{
	const char *schema;			/* "" or NULL when none */
	const char *name;
	double		rows;			/* estimated rows; < 0 unknown (taken as 1000,
								 * as PostgreSQL's reltuples -1) */
	double		size_bytes;		/* heap size; 0: rows x sum of widths */
	double		row_writes;		/* rows inserted, deleted and updated in
								 * indexed ways (PG: not HOT) over the period
								 * the weights cover */
	const UkAdvColumn *columns;
	int			ncolumns;
	const UkAdvIndex *indexes;
	int			nindexes;

	/*
	 * PostgreSQL: the share of the table's pages that are all-visible
	 * (relallvisible / relpages, as the planner reads it), when
	 * visibility_known.  Only for the reason text: a covering index whose
	 * table is mostly not all-visible needs a VACUUM.
	 */
	bool		visibility_known;
	double		visible_frac;

	/*
	 * The server's limits on an index of this table, from its engine and
	 * row format (0: none): the sum of the key columns' key_bytes, and
	 * the key_bytes of any one key column (InnoDB: 3072 and 3072 for
	 * ROW_FORMAT DYNAMIC and COMPRESSED, 3072 and 767 for COMPACT and
	 * REDUNDANT, at the default 16 kB page).  No candidate exceeds them:
	 * carried columns are left out first, and keys too wide are not
	 * proposed (a shorter prefix of them may be).
	 */
	int			max_key_bytes;
	int			max_key_part_bytes;
} UkAdvTable;

typedef struct UkAdvPred
{
	int			table;
	int			column;
	UkAdvPredKind kind;
	double		count;			/* see UkAdvPredKind; 0 when not meaningful */
	double		selectivity;	/* fraction of rows kept, when the adapter
								 * knows better (MCV, histogram); 0: estimate
								 * from the column statistics */
} UkAdvPred;

typedef struct UkAdvSortKey
{
	int			table;
	int			column;
	bool		desc;
} UkAdvSortKey;

typedef struct UkAdvColRef
{
	int			table;
	int			column;
} UkAdvColRef;

typedef struct UkAdvQuery
{
	const char *id;				/* for reporting (queryid, digest); may be NULL */
	const char *text;			/* example text; may be NULL */
	double		weight;			/* > 0; <= 0 ignores the query */
	const UkAdvPred *preds;
	int			npreds;
	const UkAdvSortKey *order_by;	/* in order */
	int			norder_by;
	const UkAdvSortKey *group_by;	/* any order serves */
	int			ngroup_by;
	double		limit;			/* LIMIT n; 0 none */

	/*
	 * Every column the query reads, on any table (select list, aggregate
	 * arguments, every filter, join, sort and group column), when
	 * reads_known: what an index must carry for the query to read only the
	 * index.  column -1: something of that table the adapter cannot name
	 * (a whole row, a system column); table -1: of any table.  Without
	 * reads_known no covering columns are proposed for the query.  A
	 * predicate or sort column need not be repeated here.
	 */
	const UkAdvColRef *reads;
	int			nreads;
	bool		reads_known;
} UkAdvQuery;

typedef struct UkAdvWorkload
{
	UkEngine	engine;			/* the server the statistics come from: page
								 * and index entry sizes, names, statements */
	const UkAdvTable *tables;
	int			ntables;
	const UkAdvQuery *queries;
	int			nqueries;
} UkAdvWorkload;

typedef struct UkAdvOptions
{
	int			max_indexes;	/* at most this many advised (default 10) */
	double		min_improvement_pct;	/* an index must cut the cost of the
										 * queries it helps by this much
										 * (default 10) */
	double		min_workload_pct;	/* ... and the whole workload's by this
									 * much (default 0.1): no index for a
									 * query that hardly runs */
	double		write_cost_factor;	/* scales the write penalty (default 1) */
} UkAdvOptions;

/* A candidate index, with the queries that can use it. */
typedef struct UkAdvCandidate
{
	int			table;
	int			ncolumns;
	int			columns[UK_ADV_MAX_COLUMNS];
	bool		desc[UK_ADV_MAX_COLUMNS];
	double		size_bytes;		/* estimated */
	double		write_penalty;	/* cost units over the period, at
								 * write_cost_factor 1 */
	int			nuses;
	const int  *use_queries;	/* query positions, ascending */
	const double *use_costs;	/* cost of that query with this index added */
	int			ninclude;		/* covering columns after the keys */
	int			include[UK_ADV_MAX_INCLUDE];
} UkAdvCandidate;

/* One advised index. */
typedef struct UkAdvice
{
	int			rank;			/* 1 = the most valuable */
	int			table;
	const char *schema;			/* "" when none */
	const char *table_name;
	int			ncolumns;		/* key columns; on MariaDB the covering
								 * columns are the last ncovering of them */
	int			columns[UK_ADV_MAX_COLUMNS + UK_ADV_MAX_INCLUDE];
	const char *column_names[UK_ADV_MAX_COLUMNS + UK_ADV_MAX_INCLUDE];
	bool		desc[UK_ADV_MAX_COLUMNS + UK_ADV_MAX_INCLUDE];
	const char *index_name;		/* uk_index_name() for the workload's engine */
	const char *create_statement;	/* uk_index_create_statement() */
	double		est_size_bytes;
	double		cost_before;	/* weighted cost of the queries it helps ... */
	double		cost_after;		/* ... without it and with it */
	double		improvement_pct;	/* 100 x (before - after) / before */
	double		workload_pct;	/* the same saving over the whole workload */
	int			nqueries;		/* queries it is the best index for */
	int			example_query;	/* the heaviest of them */
	const char *reason;			/* for a DBA: why these columns, in this order */
	int			ncovering;		/* covering columns the index carries */
	int			ninclude;		/* PostgreSQL: they are INCLUDE columns */
	int			include[UK_ADV_MAX_INCLUDE];
	const char *include_names[UK_ADV_MAX_INCLUDE];
	bool		needs_vacuum;	/* PostgreSQL: pays off once the table's
								 * pages are all-visible (visible_frac) */
} UkAdvice;

typedef struct UkAdvisor UkAdvisor;

/* Defaults as documented in UkAdvOptions. */
extern void uk_adv_options_init(UkAdvOptions *opts);

/*
 * Check the workload and build the candidates with built-in costs.
 * UK_ERR_INVALID for a position out of range, a negative or non-finite
 * number, or a NULL name; UK_ERR_NOMEM.  On success *out is a new advisor
 * to free with uk_advisor_free().
 */
extern UkStatus uk_advisor_create(const UkAdvWorkload *w, UkAdvisor **out,
								  UkError **err);

extern int	uk_advisor_ncandidates(const UkAdvisor *a);

/* Candidate i (0 <= i < ncandidates); owned by the advisor. */
extern const UkAdvCandidate *uk_advisor_candidate(const UkAdvisor *a, int i);

/*
 * Caller-supplied costs (step 2).  UK_ERR_INVALID for a query or candidate
 * out of range, a query the candidate does not list, or a cost that is
 * negative or not finite.
 */
extern UkStatus uk_advisor_set_base_cost(UkAdvisor *a, int query, double cost,
										 UkError **err);
extern UkStatus uk_advisor_set_cost(UkAdvisor *a, int candidate, int query,
									double cost, UkError **err);

/* A query's cost with the existing indexes only (built-in or as set). */
extern double uk_advisor_base_cost(const UkAdvisor *a, int query);

/*
 * Choose indexes.  *advice points to *n entries, best first, owned by the
 * advisor; a later call replaces them.  *before and *after (either may be
 * NULL) receive the weighted cost of the whole workload without and with
 * the advised indexes.  UK_ERR_INVALID for bad options, UK_ERR_NOMEM.
 */
extern UkStatus uk_advisor_select(UkAdvisor *a, const UkAdvOptions *opts,
								  const UkAdvice **advice, int *n,
								  double *before, double *after,
								  UkError **err);

/* NULL is allowed. */
extern void uk_advisor_free(UkAdvisor *a);

/*
 * For the reason text only: the caller's cost of a query with a covering
 * candidate on its table as it is now, when the cost given to
 * uk_advisor_set_cost() assumed every page all-visible (PostgreSQL, a
 * table not yet vacuumed).  Errors as uk_advisor_set_cost().
 */
extern UkStatus uk_advisor_set_cost_now(UkAdvisor *a, int candidate, int query,
										double cost, UkError **err);

/*
 * Distance to the best (uk_advisor_exhaustive.c).  The workload cost of a
 * set of new indexes is, under the advisor's own costs (built-in or the
 * caller's), the weighted cost of every query with the best of the set's
 * indexes on each of its tables, plus write_cost_factor x the set's write
 * penalties: what uk_advisor_select() weighs.
 */
#define UK_ADV_BEST_MAX 100

typedef struct UkAdvBest
{
	double		cost_none;		/* with no new index */
	double		cost_advice;	/* with the last uk_advisor_select()'s advice */
	double		cost_best;		/* with the best subset found */
	int			nbest;			/* its candidates: positions, best first */
	int			best[UK_ADV_BEST_MAX];
	int			nconsidered;	/* candidates that pay off on their own */
	double		nodes;			/* subsets the search looked at */
	bool		complete;		/* every subset was covered: cost_best is
								 * the least cost of any subset of at most
								 * max_indexes candidates */
} UkAdvBest;

/*
 * Search every subset of the candidates of at most opts->max_indexes
 * (at most UK_ADV_BEST_MAX), by branch and bound: a candidate that does
 * not pay off on its own never helps a set, and a branch stops when even
 * the best gains left could not beat the best set found.  Stops after
 * max_nodes subsets (complete false).  Call after uk_advisor_select()
 * (cost_advice is of its advice; before any select, cost_none).
 * UK_ERR_INVALID for bad options or max_nodes, UK_ERR_NOMEM.
 */
extern UkStatus uk_advisor_best_subset(const UkAdvisor *a,
									   const UkAdvOptions *opts,
									   double max_nodes, UkAdvBest *out,
									   UkError **err);

#endif							/* UK_ADVISOR_H */
