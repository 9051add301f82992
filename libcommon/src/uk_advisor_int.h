/*
 * uk_advisor_int.h
 *		Internals shared by the index advisor's source files; not part of
 *		the public interface (uk_advisor.h).
 *
 * The advisor is split by concern, each file calling only those below it:
 *
 *	uk_advisor.c			public entry points: create, caller costs, free
 *	uk_advisor_select.c		the greedy choice across the workload, the advice
 *	uk_advisor_explain.c	the reason text of one advised index
 *	uk_advisor_input.c		checking and copying the caller's workload into
 *							tables, queries and slots
 *	uk_advisor_candidates.c	candidate generation, column order,
 *							de-duplication, the queries each can serve
 *	uk_advisor_model.c		statistics and the built-in cost model
 *	uk_advisor_arena.c		the arena all of an advisor's memory comes from
 *
 * Everything here lives in one advisor (struct UkAdvisor), which is not
 * thread safe: one advisor per thread, no locking.
 */
#ifndef UK_ADVISOR_INT_H
#define UK_ADVISOR_INT_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uk_advisor.h"

/* ---------------------------------------------------------------------
 * Arithmetic without libm (the adapters and the tests need not link it)
 * --------------------------------------------------------------------- */

static inline double
d_max(double x, double y)
{
	return x > y ? x : y;
}

static inline double
d_min(double x, double y)
{
	return x < y ? x : y;
}

/* ceil for the non-negative values used here */
static inline double
d_ceil(double x)
{
	double		i;

	if (!(x < 9e15))
		return x;
	i = (double) (int64_t) x;
	return i < x ? i + 1 : i;
}

/* log2 within about 0.09 for x >= 1 (enough to cost a sort) */
static inline double
d_log2(double x)
{
	double		e = 0;

	if (!(x > 1))
		return 0;
	while (x >= 2)
	{
		x /= 2;
		e += 1;
	}
	return e + (x - 1);
}

static inline bool
finite_nonneg(double v)
{
	return isfinite(v) && v >= 0;
}

static inline bool
is_eq_like(UkAdvPredKind k)
{
	return k == UK_ADV_EQ || k == UK_ADV_IN || k == UK_ADV_ISNULL ||
		k == UK_ADV_JOIN;
}

/* ---------------------------------------------------------------------
 * Arena (uk_advisor_arena.c): zeroed 16-byte aligned blocks, freed in
 * one go; NULL when memory runs out.
 * --------------------------------------------------------------------- */

typedef struct Arena
{
	struct Chunk *head;
} Arena;

extern void *uk_adv_arena_alloc(Arena *ar, size_t n);
extern char *uk_adv_arena_strdup(Arena *ar, const char *s);
extern void uk_adv_arena_free(Arena *ar);

/* ---------------------------------------------------------------------
 * Internal model
 * --------------------------------------------------------------------- */

typedef struct Table
{
	const char *schema;
	const char *name;
	double		rows;
	double		pages;
	double		row_writes;
	UkAdvColumn *cols;
	int			ncols;
	UkAdvIndex *idx;
	int			nidx;
	int		   *slots;			/* slots on this table, ascending query */
	int			nslots;
	int			slots_cap;
	int		   *pk;				/* MariaDB: the primary key's columns, which
								 * every secondary index carries */
	int			npk;
	bool		visibility_known;
	double		visible_frac;
	int			max_key;		/* UkAdvTable.max_key_bytes; 0 none */
	int			max_part;		/* UkAdvTable.max_key_part_bytes; 0 none */
} Table;

/* the most useful predicate a slot has on one column */
typedef struct ColPred
{
	int			column;
	UkAdvPredKind kind;			/* EQ/IN/ISNULL/JOIN ("eq-like"), or
								 * RANGE/PREFIX */
	double		sel;			/* per probe */
	double		probes;			/* IN list length, JOIN outer rows; else 1 */
	int			nranges;		/* range predicates folded in */
	bool		sel_given;
} ColPred;

typedef struct Slot
{
	int			query;
	int			table;
	ColPred    *cp;
	int			ncp;
	UkAdvSortKey *sort;			/* wanted order on this table, eq'd keys out */
	int			nsort;
	bool		sort_is_group;	/* any direction serves */
	double		limit;			/* only for single-table queries */
	double		total_sel;		/* all predicates on the table, per probe */
	double		base;			/* built-in cost with existing indexes */

	/*
	 * A table joined to others of its query may be read either way: as the
	 * inner side, probed by its join keys once per row of the others
	 * (outer_rows: the fewest rows another side gives on its own), or as
	 * the driving side, by its own predicates alone (drv: this slot
	 * without its join keys).  NULL when the table is not joined.
	 */
	const struct Slot *drv;
	double		outer_rows;

	/*
	 * Every column the query reads from the table (its predicate and sort
	 * columns too), when reads_known: an index holding all of them (with
	 * the primary key on MariaDB) serves the slot without the table.
	 */
	int		   *reads;
	int			nreads;
	bool		reads_known;
} Slot;

typedef struct Query
{
	const char *id;
	const char *text;
	double		weight;
	int			first_slot;
	int			nslots;
	double		base;			/* built-in: sum of its slots' base */
	double		given_base;
	bool		given;
} Query;

typedef struct Cand
{
	UkAdvCandidate pub;
	int		   *use_slots;
	int		   *use_queries;
	double	   *use_costs;		/* per execution, whole query */
	bool	   *use_set;
	double	   *use_costs_now;	/* uk_advisor_set_cost_now(); -1 unset */
	double		key_bytes;
	uint32_t	hash;
	int			origin_slot;	/* the slot that first produced it */

	/*
	 * Columns a wider index would have had but that the table's key
	 * length limits left out (Table.max_key, max_part): key columns after
	 * these, or (cut_carried) columns it would have carried; cut_bytes is
	 * the key's size with them.  For the reason text only.
	 */
	int			ncut;
	int			cut[UK_ADV_MAX_COLUMNS + UK_ADV_MAX_INCLUDE];
	bool		cut_carried;
	int			cut_bytes;
} Cand;

struct UkAdvisor
{
	Arena		arena;
	UkEngine	engine;
	Table	   *tables;
	int			ntables;
	Query	   *queries;
	int			nqueries;
	Slot	   *slots;
	int			nslots;
	Cand	   *cands;
	int			ncands;
	int			cands_cap;
	int		   *hash;			/* open addressing: candidate index + 1 */
	int			hash_cap;
	bool		caller_costs;
	UkAdvice   *advice;			/* malloc'd, replaced by each select */
	int			nadvice;
	Arena		advice_arena;
	int		   *advice_cand;	/* the advice's nadvice candidates, as a set
								 * (malloc'd, replaced with advice) */
};

/* ---------------------------------------------------------------------
 * Statistics and cost model (uk_advisor_model.c)
 * --------------------------------------------------------------------- */

/* Distinct values of a column, or 0 when unknown. */
extern double uk_adv_col_distinct(const Table *t, int c);

/* A selectivity kept between one row and all of them. */
extern double uk_adv_clamp_sel(const Table *t, double s);

/* Average width of a column, bytes (UK_ADV_DEFAULT_WIDTH when unknown). */
extern double uk_adv_col_width(const Table *t, int c);

/* Fraction of rows one predicate keeps (per probe). */
extern double uk_adv_pred_sel(const Table *t, const UkAdvPred *p);

/* The slot's predicate on a column, or NULL. */
extern const ColPred *uk_adv_slot_colpred(const Slot *s, int column);

/* May an equality-like predicate on this column lead an index? */
extern bool uk_adv_can_lead(const Table *t, const ColPred *cp);

/* Does the predicate narrow enough to follow more selective columns? */
extern bool uk_adv_can_follow(const ColPred *cp);

/*
 * Does an index with these key and covering columns hold every column the
 * slot reads (with the primary key on MariaDB)?  False when the slot's
 * reads are not known.
 */
extern bool uk_adv_covers(const Table *t, const Slot *s, const int *cols,
						  int n, const int *inc, int ninc);

/*
 * Declared key bytes of columns cols[0..n) and inc[0..ninc), as the
 * server counts them (UkAdvColumn.key_bytes), into *bytes; false when the
 * key exceeds the table's max_key or one column its max_part.
 */
extern bool uk_adv_key_fits(const Table *t, const int *cols, int n,
							const int *inc, int ninc, int *bytes);

/* Bytes of one index entry; of a page; estimated size of an index. */
extern double uk_adv_entry_bytes(UkEngine e, double key_bytes);
extern double uk_adv_page_bytes(UkEngine e);
extern double uk_adv_index_size(const UkAdvisor *a, const Table *t,
								double key_bytes);

/*
 * Cost of a slot's work through an index (cols NULL: a sequential scan),
 * the cheaper way for a joined table; with the existing btree indexes.
 */
extern double uk_adv_slot_cost(const UkAdvisor *a, const Table *t,
							   const Slot *s, const int *cols,
							   const bool *desc, int n);

/* The same for an index that also carries covering columns inc. */
extern double uk_adv_slot_cost_cov(const UkAdvisor *a, const Table *t,
								   const Slot *s, const int *cols,
								   const bool *desc, int n, const int *inc,
								   int ninc);
extern double uk_adv_slot_base_cost(const UkAdvisor *a, const Slot *s);

/* Driving-side variants of joined slots; UK_ERR_NOMEM. */
extern UkStatus uk_adv_set_join_modes(UkAdvisor *a);

/* ---------------------------------------------------------------------
 * Input (uk_advisor_input.c): check the caller's workload and copy it into
 * a->tables, a->queries and a->slots.  UK_ERR_INVALID, UK_ERR_NOMEM with
 * *err set.
 * --------------------------------------------------------------------- */

extern UkStatus uk_adv_copy_tables(UkAdvisor *a, const UkAdvWorkload *w,
								   UkError **err);
extern UkStatus uk_adv_copy_queries(UkAdvisor *a, const UkAdvWorkload *w,
									UkError **err);

/* ---------------------------------------------------------------------
 * Candidates (uk_advisor_candidates.c): generate the candidates of every
 * slot and cost each against the slots that can use it (slot base costs
 * must be set).  UK_ERR_NOMEM.
 * --------------------------------------------------------------------- */

extern UkStatus uk_adv_build_candidates(UkAdvisor *a);

/* ---------------------------------------------------------------------
 * Selection (uk_advisor_select.c)
 * --------------------------------------------------------------------- */

/* Saving of use u of candidate c, per execution (built-in or caller costs). */
extern double uk_adv_use_saving(const UkAdvisor *a, const Cand *c, int u);

/* ---------------------------------------------------------------------
 * Reason texts (uk_advisor_explain.c)
 * --------------------------------------------------------------------- */

/*
 * The reason text of advice c, explained on the slot s of its example
 * query (NULL allowed), into r (cap bytes).
 */
extern void uk_adv_explain(const UkAdvisor *a, const Cand *c, const Slot *s,
						   int nhelped, char *r, size_t cap);

#endif							/* UK_ADVISOR_INT_H */
