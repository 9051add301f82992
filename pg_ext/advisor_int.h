/*
 * advisor_int.h
 *		Internals shared by the files of upkeep.index_advice().
 *
 * The advisor is five files, each calling only the ones listed after it
 * (no cycles):
 *
 *	advisor_optimality.c	upkeep.index_advice_optimality(): the advice
 *						against the best subset of the candidates
 *	advisor_sql.c		the SQL function: prepare, cost, choose, the rows
 *	advisor_workload.c	reading the workload (queries given,
 *						pg_stat_statements, upkeep's slow statements)
 *	advisor_parse.c		parsing a statement as its role and reading its
 *						shape (predicates, sort and group keys, LIMIT)
 *	advisor_tables.c	reading a table: columns, statistics, indexes
 *	advisor_plan.c		planning as the statement's role in a guarded
 *						subtransaction, with a hypothetical index
 *
 * Memory: everything lives in the call's memory context (Advisor.cxt),
 * planning in Advisor.plan_cxt, reset after every planning.
 */
#ifndef UK_ADVISOR_INT_H
#define UK_ADVISOR_INT_H

#include "postgres.h"

#include "fmgr.h"
#include "nodes/parsenodes.h"

#include "uk_advisor.h"

/*
 * LIMIT $n, as pg_stat_statements shows every LIMIT, is taken as a page of
 * this many rows to make candidates from (an app's list view); the
 * planner's own generic estimate still costs them.
 */
#define ADV_PARAM_LIMIT 100

/* One table of the workload, as the advisor sees it. */
typedef struct AdvTable
{
	Oid			relid;
	char	   *schema;
	char	   *name;
	int			ncols;
	AttrNumber *attnums;		/* column position -> attnum */
	Oid		   *atttypes;
	int32	   *atttypmods;
	Oid		   *attcolls;
	bool	   *orderable;		/* has a default btree operator class */
	UkAdvColumn *cols;
	UkAdvIndex *indexes;
	int			nindexes;
	double		rows;
	double		size;
	double		writes;
	double		visible_frac;	/* relallvisible / pages, as the planner */
} AdvTable;

/* One statement of the workload. */
typedef struct AdvQuery
{
	char	   *text;
	double		weight;
	Oid			userid;			/* parsed and planned as this role */
	Query	   *query;			/* analyzed and rewritten; copied to plan */
	UkAdvPred  *preds;
	int			npreds;
	int			predcap;
	UkAdvSortKey *order_by;
	int			norder_by;
	UkAdvSortKey *group_by;
	int			ngroup_by;
	double		limit;
	UkAdvColRef *reads;			/* every column read (covering columns) */
	int			nreads;
	int			readcap;
	double		base_cost;		/* the planner's, with the existing indexes */
	bool		usable;			/* parsed and planned */
} AdvQuery;

typedef struct Advisor
{
	AdvTable   *tables;
	int			ntables;
	int			tablecap;
	AdvQuery   *queries;
	int			nqueries;
	bool		count_writes;	/* weights and table writes cover one period */
	double		write_scale;	/* table writes x this: the weights' period */
	int			nforeign;		/* left out: of roles the caller cannot become */
	MemoryContext plan_cxt;		/* reset after every planning */
	MemoryContext cxt;			/* what is read lives here */
} Advisor;

/* One call of upkeep.index_advice() (or index_advice_optimality()). */
typedef struct AdvRun
{
	Advisor		adv;
	const char *source;
	bool		given;			/* the queries were given */
	int			nleft;			/* not queries an index serves */
	int			nfailed;		/* could not be planned */
	char	   *first_error;
	UkAdvQuery *uqueries;		/* the usable ones, for libcommon */
	int		   *qpos;			/* their positions in adv.queries */
	int			nuq;
	UkAdvisor  *ua;
	double		before;
	double		after;
	int			nplans;			/* planned with a hypothetical index */
} AdvRun;

/*
 * The hypothetical index the hook adds while a candidate is costed: ncols
 * key columns, then ninclude INCLUDE columns.
 */
#define ADV_HYPO_MAX_COLS (UK_ADV_MAX_COLUMNS + UK_ADV_MAX_INCLUDE)

typedef struct HypoIndex
{
	Oid			relid;
	int			ncols;
	int			ninclude;
	AttrNumber	attnums[ADV_HYPO_MAX_COLS];
	Oid			atttypes[ADV_HYPO_MAX_COLS];
	int32		atttypmods[ADV_HYPO_MAX_COLS];
	Oid			attcolls[ADV_HYPO_MAX_COLS];
	bool		desc[ADV_HYPO_MAX_COLS];
	double		entry_bytes;	/* one index entry with its line pointer */
	bool		all_visible;	/* plan as if the table were vacuumed */
} HypoIndex;

/* Run fn(arg) in a subtransaction (upkeep_adv_guarded()). */
typedef void (*adv_fn) (void *arg);

/* One statement to parse, for upkeep_adv_parse(). */
typedef struct ParseArg
{
	Advisor    *adv;
	AdvQuery   *q;
	bool		skipped;		/* not a query an index can serve */
} ParseArg;

/* advisor_sql.c: the steps of one call, in this order */
extern void upkeep_adv_error(UkError *err) pg_attribute_noreturn();
extern AdvRun *upkeep_adv_run_start(FunctionCallInfo fcinfo);
extern void upkeep_adv_prepare(AdvRun *r);
extern void upkeep_adv_create(AdvRun *r);
extern void upkeep_adv_set_costs(AdvRun *r);

/* advisor_plan.c */
extern void upkeep_adv_hook_on(void);
extern void upkeep_adv_hook_off(void);
extern char *upkeep_adv_guarded(adv_fn fn, void *arg);
extern void upkeep_adv_become(Oid userid, Oid *save_uid, int *save_sec);
extern bool upkeep_adv_cost(Advisor *adv, AdvQuery *q, HypoIndex *h,
							double *cost, char **error);
extern void upkeep_adv_hypo_from(Advisor *adv, const UkAdvCandidate *c,
								 HypoIndex *h);

/* advisor_tables.c */
extern int	upkeep_adv_table(Advisor *adv, Oid relid);

/* advisor_parse.c */
extern void upkeep_adv_parse(void *arg);

/* advisor_workload.c */
extern const char *upkeep_adv_workload(Advisor *adv, FunctionCallInfo fcinfo);

#endif							/* UK_ADVISOR_INT_H */
