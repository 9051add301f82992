/*
 * advisor.c
 *		upkeep.index_advice(): the indexes a workload misses, each checked
 *		with the planner itself through hypothetical indexes.
 *
 * The workload is the queries given, else pg_stat_statements, else the
 * slow statements upkeep captured in patch runs.  Each statement is parsed
 * and analyzed by the server's own parser, its predicates, sort and group
 * keys are read from the analyzed tree, and libcommon's advisor
 * (uk_advisor.h) makes the candidate indexes.  Every candidate is then
 * costed by the real planner: a get_relation_info_hook adds it to the
 * table's index list as a hypothetical index (as CREATE INDEX would make
 * it) while the statements that could use it are planned again, $n
 * parameters generically.  libcommon chooses across the workload from
 * those planner costs.  No statement is run and nothing is written; what
 * the planner evaluates runs as the role that ran the statement
 * (adv_become()).
 *
 * Security: the caller may be anyone granted EXECUTE.  The workload is
 * read with search_path set to "pg_catalog, pg_temp" and catalog names
 * qualified, so the caller's own objects (temporary views named like a
 * catalog, operators in a schema of theirs) cannot change what is read;
 * a statement's role is looked up by name in the catalog cache.  A
 * statement is parsed and planned only as a role the caller could SET
 * ROLE to (a member of it, or a superuser); the others are left out and
 * counted in the NOTICE.
 */
#include "postgres.h"

#include <math.h>

#include "access/amapi.h"
#include "access/htup_details.h"
#include "access/itup.h"
#include "access/nbtree.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/catalog.h"
#include "catalog/dependency.h"
#include "catalog/namespace.h"
#include "catalog/pg_am.h"
#include "catalog/pg_class.h"
#include "catalog/pg_index.h"
#include "catalog/pg_opclass.h"
#include "catalog/pg_statistic.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "optimizer/plancat.h"
#include "rewrite/rewriteManip.h"
#include "parser/analyze.h"
#include "parser/parsetree.h"
#include "pgstat.h"
#include "storage/bufmgr.h"
#include "tcop/tcopprot.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/resowner.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

#include "uk_advisor.h"
#include "upkeep.h"

/*
 * LIMIT $n, as pg_stat_statements shows every LIMIT, is taken as a page of
 * this many rows to make candidates from (an app's list view); the
 * planner's own generic estimate still costs them.
 */
#define ADV_PARAM_LIMIT 100

/* At most this many statements are read from pg_stat_statements. */
#define ADV_MAX_STATEMENTS 1000

/*
 * The hypothetical index's OID.  Nothing looks it up: the planner only
 * carries it into the plan, which is costed and thrown away.
 */
#define ADV_HYPO_OID ((Oid) 0xFFFFFF00)

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

/* The hypothetical index the hook adds while a candidate is costed. */
typedef struct HypoIndex
{
	Oid			relid;
	int			ncols;
	AttrNumber	attnums[UK_ADV_MAX_COLUMNS];
	Oid			atttypes[UK_ADV_MAX_COLUMNS];
	int32		atttypmods[UK_ADV_MAX_COLUMNS];
	Oid			attcolls[UK_ADV_MAX_COLUMNS];
	bool		desc[UK_ADV_MAX_COLUMNS];
	double		entry_bytes;	/* one index entry with its line pointer */
} HypoIndex;

static get_relation_info_hook_type prev_get_relation_info_hook = NULL;
static HypoIndex *hypo_current = NULL;

/*
 * The statement being planned with hypo_current: the index is added only
 * to its planning, never to planning that a function it calls starts
 * (such a plan could be cached and would keep the fake index).
 */
static Query *hypo_parse = NULL;

/*
 * Add the hypothetical index to the table's list, filled as
 * get_relation_info() fills a real btree index.
 */
static void
adv_get_relation_info(PlannerInfo *root, Oid relationObjectId, bool inhparent,
					  RelOptInfo *rel)
{
	HypoIndex  *h = hypo_current;
	PlannerInfo *top = root;

	if (prev_get_relation_info_hook)
		prev_get_relation_info_hook(root, relationObjectId, inhparent, rel);
	/* outside the advisor: one load and a branch */
	if (likely(h == NULL) || inhparent || relationObjectId != h->relid)
		return;
	while (top->parent_root != NULL)
		top = top->parent_root;
	if (top->parse == hypo_parse)
	{
		IndexOptInfo *info = makeNode(IndexOptInfo);
		IndexAmRoutine *am = GetIndexAmRoutineByAmId(BTREE_AM_OID, false);
		double		pages;
		double		fanout;
		int			height = 0;

		info->indexoid = ADV_HYPO_OID;
		info->reltablespace = rel->reltablespace;
		info->rel = rel;
		info->ncolumns = info->nkeycolumns = h->ncols;
		info->indexkeys = palloc0(sizeof(int) * h->ncols);
		info->indexcollations = palloc0(sizeof(Oid) * h->ncols);
		info->opfamily = palloc0(sizeof(Oid) * h->ncols);
		info->opcintype = palloc0(sizeof(Oid) * h->ncols);
		info->sortopfamily = palloc0(sizeof(Oid) * h->ncols);
		info->reverse_sort = palloc0(sizeof(bool) * h->ncols);
		info->nulls_first = palloc0(sizeof(bool) * h->ncols);
		info->opclassoptions = palloc0(sizeof(bytea *) * h->ncols);
		info->canreturn = palloc0(sizeof(bool) * h->ncols);
		for (int i = 0; i < h->ncols; i++)
		{
			Oid			opclass = GetDefaultOpClass(h->atttypes[i], BTREE_AM_OID);
			Var		   *var;

			info->indexkeys[i] = h->attnums[i];
			info->indexcollations[i] = h->attcolls[i];
			info->opfamily[i] = get_opclass_family(opclass);
			info->opcintype[i] = get_opclass_input_type(opclass);
			info->sortopfamily[i] = info->opfamily[i];
			info->reverse_sort[i] = h->desc[i];
			info->nulls_first[i] = h->desc[i];
			info->canreturn[i] = true;
			var = makeVar(rel->relid, h->attnums[i], h->atttypes[i],
						  h->atttypmods[i], h->attcolls[i], 0);
			info->indextlist = lappend(info->indextlist,
									   makeTargetEntry((Expr *) var, i + 1,
													   NULL, false));
		}
		info->relam = BTREE_AM_OID;
		info->tuples = rel->tuples;
		/* leaf pages at btree's default fill factor, plus the upper levels */
		pages = ceil(Max(rel->tuples, 1.0) * h->entry_bytes /
					 (BLCKSZ * BTREE_DEFAULT_FILLFACTOR / 100.0));
		fanout = Max(BLCKSZ / h->entry_bytes, 2.0);
		for (double p = pages; p > 1.0; p = ceil(p / fanout))
		{
			height++;
			if (height > 1)
				pages += p;
		}
		info->pages = (BlockNumber) Min(pages, (double) MaxBlockNumber);
		info->tree_height = height;
		info->unique = false;
		info->immediate = true;
		info->hypothetical = true;
		info->amcanorderbyop = am->amcanorderbyop;
		info->amoptionalkey = am->amoptionalkey;
		info->amsearcharray = am->amsearcharray;
		info->amsearchnulls = am->amsearchnulls;
		info->amhasgettuple = (am->amgettuple != NULL);
		info->amhasgetbitmap = (am->amgetbitmap != NULL);
		info->amcanparallel = am->amcanparallel;
		info->amcanmarkpos = (am->ammarkpos != NULL && am->amrestrpos != NULL);
		info->amcostestimate = am->amcostestimate;
		rel->indexlist = lappend(rel->indexlist, info);
	}
}

/*
 * The hook is installed only while upkeep.index_advice() runs: other
 * sessions' and this session's planning pay nothing for it.  If another
 * module has chained itself after it meanwhile (a library loaded during
 * the call), it stays, inert without hypo_current.
 */
static bool hook_installed = false;

static void
adv_hook_on(void)
{
	if (hook_installed)
		return;
	prev_get_relation_info_hook = get_relation_info_hook;
	get_relation_info_hook = adv_get_relation_info;
	hook_installed = true;
}

static void
adv_hook_off(void)
{
	hypo_current = NULL;
	hypo_parse = NULL;
	if (hook_installed && get_relation_info_hook == adv_get_relation_info)
	{
		get_relation_info_hook = prev_get_relation_info_hook;
		hook_installed = false;
	}
}

/*
 * An error of the statement itself (syntax, a missing table, a type that
 * does not match, a feature, a limit), which leaves it out of the
 * workload.  Anything else (a cancel or timeout, a recovery conflict, a
 * lock timeout, out of memory, shutdown, a system error) ends the call.
 */
static bool
adv_statement_error(int code)
{
	int			cat = ERRCODE_TO_CATEGORY(code);

	if (code == ERRCODE_LOCK_NOT_AVAILABLE || code == ERRCODE_OUT_OF_MEMORY)
		return false;
	return cat != ERRCODE_TO_CATEGORY(ERRCODE_OPERATOR_INTERVENTION) &&
		cat != ERRCODE_TO_CATEGORY(ERRCODE_INSUFFICIENT_RESOURCES) &&
		cat != ERRCODE_TO_CATEGORY(ERRCODE_SYSTEM_ERROR) &&
		cat != ERRCODE_TO_CATEGORY(ERRCODE_TRANSACTION_ROLLBACK);
}

/*
 * Run fn(arg) in a subtransaction.  On an error the subtransaction is
 * rolled back and the message returned (palloc'd in the caller's context)
 * when it is the statement's own error (adv_statement_error()); any other
 * is thrown on.
 */
typedef void (*adv_fn) (void *arg);

static char *
adv_guarded(adv_fn fn, void *arg)
{
	MemoryContext cxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	char	   *volatile message = NULL;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(cxt);
	PG_TRY();
	{
		fn(arg);
		ReleaseCurrentSubTransaction();
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(cxt);
		CurrentResourceOwner = owner;
		hypo_current = NULL;
		hypo_parse = NULL;
		if (!adv_statement_error(edata->sqlerrcode))
			ReThrowError(edata);
		message = edata->message ? edata->message : pstrdup("unknown error");
	}
	PG_END_TRY();
	MemoryContextSwitchTo(cxt);
	CurrentResourceOwner = owner;
	return message;
}

/* ---- tables ---- */

/* Every key column of the index with its type's default class and the
 * column's own collation. */
static bool
adv_plain_keys(const AdvTable *t, HeapTuple itup, const int *cols, int nkeys)
{
	bool		isnull;
	Datum		d;
	oidvector  *classes;
	oidvector  *colls;

	d = SysCacheGetAttr(INDEXRELID, itup, Anum_pg_index_indclass, &isnull);
	if (isnull)
		return false;
	classes = (oidvector *) DatumGetPointer(d);
	d = SysCacheGetAttr(INDEXRELID, itup, Anum_pg_index_indcollation, &isnull);
	if (isnull)
		return false;
	colls = (oidvector *) DatumGetPointer(d);
	for (int k = 0; k < nkeys; k++)
	{
		int			c = cols[k];

		if (c < 0)
			continue;			/* an expression: covers nothing anyway */
		if (k >= classes->dim1 || k >= colls->dim1 ||
			classes->values[k] != GetDefaultOpClass(t->atttypes[c], BTREE_AM_OID) ||
			colls->values[k] != t->attcolls[c])
			return false;
	}
	return true;
}

static void
adv_read_indexes(AdvTable *t, Relation rel)
{
	List	   *ids = RelationGetIndexList(rel);
	ListCell   *lc;

	t->indexes = palloc0(sizeof(UkAdvIndex) * Max(list_length(ids), 1));
	foreach(lc, ids)
	{
		Oid			indexoid = lfirst_oid(lc);
		HeapTuple	itup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(indexoid));
		HeapTuple	ctup;
		Form_pg_index ind;
		UkAdvIndex *x;
		int		   *cols;
		Oid			am = InvalidOid;

		if (!HeapTupleIsValid(itup))
			continue;
		ind = (Form_pg_index) GETSTRUCT(itup);
		ctup = SearchSysCache1(RELOID, ObjectIdGetDatum(indexoid));
		if (HeapTupleIsValid(ctup))
		{
			am = ((Form_pg_class) GETSTRUCT(ctup))->relam;
			ReleaseSysCache(ctup);
		}
		x = &t->indexes[t->nindexes++];
		x->name = get_rel_name(indexoid);
		x->ncolumns = ind->indnkeyatts;
		cols = palloc(sizeof(int) * Max(ind->indnkeyatts, 1));
		for (int k = 0; k < ind->indnkeyatts; k++)
		{
			cols[k] = -1;
			for (int c = 0; c < t->ncols; c++)
				if (t->attnums[c] == ind->indkey.values[k])
					cols[k] = c;
		}
		x->columns = cols;
		x->unique = ind->indisunique;
		x->constraint = OidIsValid(get_index_constraint(indexoid));
		/*
		 * A partial or invalid index serves only some queries, one with
		 * another operator class or collation (text_pattern_ops, "C")
		 * not the plain comparisons: neither covers a candidate.
		 */
		x->kind = (am == BTREE_AM_OID && ind->indisvalid &&
				   heap_attisnull(itup, Anum_pg_index_indpred, NULL) &&
				   adv_plain_keys(t, itup, cols, ind->indnkeyatts)) ?
			UK_ADV_BTREE : UK_ADV_OTHER;
		ReleaseSysCache(itup);
	}
	list_free(ids);
}

static void
adv_read_columns(AdvTable *t, Relation rel)
{
	TupleDesc	desc = RelationGetDescr(rel);

	t->attnums = palloc0(sizeof(AttrNumber) * Max(desc->natts, 1));
	t->atttypes = palloc0(sizeof(Oid) * Max(desc->natts, 1));
	t->atttypmods = palloc0(sizeof(int32) * Max(desc->natts, 1));
	t->attcolls = palloc0(sizeof(Oid) * Max(desc->natts, 1));
	t->orderable = palloc0(sizeof(bool) * Max(desc->natts, 1));
	t->cols = palloc0(sizeof(UkAdvColumn) * Max(desc->natts, 1));
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		UkAdvColumn *c;
		HeapTuple	stup;

		if (att->attisdropped)
			continue;
		c = &t->cols[t->ncols];
		t->attnums[t->ncols] = att->attnum;
		t->atttypes[t->ncols] = att->atttypid;
		t->atttypmods[t->ncols] = att->atttypmod;
		t->attcolls[t->ncols] = att->attcollation;
		/* a btree on it can be built: the type has a comparison */
		t->orderable[t->ncols] =
			OidIsValid(GetDefaultOpClass(att->atttypid, BTREE_AM_OID)) &&
			OidIsValid(lookup_type_cache(att->atttypid,
										 TYPECACHE_CMP_PROC)->cmp_proc);
		c->name = pstrdup(NameStr(att->attname));
		stup = SearchSysCache3(STATRELATTINH, ObjectIdGetDatum(t->relid),
							   Int16GetDatum(att->attnum), BoolGetDatum(false));
		if (HeapTupleIsValid(stup))
		{
			Form_pg_statistic s = (Form_pg_statistic) GETSTRUCT(stup);

			c->n_distinct = s->stadistinct;
			c->null_frac = s->stanullfrac;
			c->avg_width = s->stawidth;
			ReleaseSysCache(stup);
		}
		else
			c->avg_width = get_typavgwidth(att->atttypid, att->atttypmod);
		t->ncols++;
	}
}

/* The position of relid among the workload's tables, added if new; -1 if
 * it is not a table an index can be created on. */
static int
adv_table(Advisor *adv, Oid relid)
{
	AdvTable   *t;
	Relation	rel;
	char		kind = get_rel_relkind(relid);
	PgStat_StatTabEntry *st;

	for (int i = 0; i < adv->ntables; i++)
		if (adv->tables[i].relid == relid)
			return i;
	/* not a system catalog: no index can be created on one */
	if ((kind != RELKIND_RELATION && kind != RELKIND_MATVIEW) ||
		IsCatalogRelationOid(relid))
		return -1;
	if (adv->ntables == adv->tablecap)
	{
		adv->tablecap = Max(adv->tablecap * 2, 8);
		adv->tables = adv->tables == NULL ?
			palloc0(sizeof(AdvTable) * adv->tablecap) :
			repalloc(adv->tables, sizeof(AdvTable) * adv->tablecap);
	}
	t = &adv->tables[adv->ntables];
	memset(t, 0, sizeof(*t));
	t->relid = relid;
	rel = table_open(relid, AccessShareLock);
	t->schema = get_namespace_name(RelationGetNamespace(rel));
	t->name = pstrdup(RelationGetRelationName(rel));
	t->rows = rel->rd_rel->reltuples;
	t->size = (double) RelationGetNumberOfBlocks(rel) * BLCKSZ;
	adv_read_columns(t, rel);
	adv_read_indexes(t, rel);
	table_close(rel, AccessShareLock);
	st = pgstat_fetch_stat_tabentry(relid);
	if (st != NULL && adv->count_writes)
		t->writes = adv->write_scale *
			(double) (st->tuples_inserted + st->tuples_deleted +
					  Max(st->tuples_updated - st->tuples_hot_updated, 0));
	return adv->ntables++;
}

/* ---- the shape of a statement ---- */

typedef struct Walk
{
	Advisor    *adv;
	AdvQuery   *q;
	List	   *levels;			/* Query stack, innermost first */
} Walk;

static Node *
adv_strip(Node *n)
{
	while (n != NULL && IsA(n, RelabelType))
		n = (Node *) ((RelabelType *) n)->arg;
	return n;
}

/*
 * The table and column of a Var, following join aliases; false when it is
 * not a plain column of a table an index can go on.
 */
static bool
adv_var_column(Walk *w, Var *v, int *table, int *column)
{
	Query	   *q;
	RangeTblEntry *rte;

	for (int guard = 0; guard < 100; guard++)
	{
		if (v->varattno <= 0 || v->varlevelsup >= list_length(w->levels))
			return false;
		q = (Query *) list_nth(w->levels, v->varlevelsup);
		if (v->varno < 1 || v->varno > list_length(q->rtable))
			return false;
		rte = rt_fetch(v->varno, q->rtable);
		if (rte->rtekind == RTE_JOIN)
		{
			Node	   *alias;
			Index		up = v->varlevelsup;

			if (v->varattno > list_length(rte->joinaliasvars))
				return false;
			alias = adv_strip(list_nth(rte->joinaliasvars, v->varattno - 1));
			if (alias == NULL || !IsA(alias, Var))
				return false;
			v = copyObject((Var *) alias);
			v->varlevelsup = up;
			continue;
		}
		if (rte->rtekind != RTE_RELATION)
			return false;
		*table = adv_table(w->adv, rte->relid);
		if (*table < 0)
			return false;
		for (int c = 0; c < w->adv->tables[*table].ncols; c++)
			if (w->adv->tables[*table].attnums[c] == v->varattno)
			{
				*column = c;
				return w->adv->tables[*table].orderable[c];
			}
		return false;
	}
	return false;
}

static void
adv_add_pred(Walk *w, int table, int column, UkAdvPredKind kind, double count)
{
	AdvQuery   *q = w->q;
	UkAdvPred  *p;

	if (q->npreds == q->predcap)
	{
		q->predcap = Max(q->predcap * 2, 8);
		q->preds = q->preds == NULL ? palloc0(sizeof(UkAdvPred) * q->predcap) :
			repalloc(q->preds, sizeof(UkAdvPred) * q->predcap);
	}
	p = &q->preds[q->npreds++];
	memset(p, 0, sizeof(*p));
	p->table = table;
	p->column = column;
	p->kind = kind;
	p->count = count;
}

static bool
adv_param_walker(Node *node, void *context)
{
	if (node == NULL)
		return false;
	if (IsA(node, Param))
		return true;
	return expression_tree_walker(node, adv_param_walker, context);
}

/* LIMIT $n and the like. */
static bool
contain_param(Node *node)
{
	return adv_param_walker(node, NULL);
}

/* A value fixed for one execution: constants, parameters, outer columns. */
static bool
adv_is_value(Node *n)
{
	return n != NULL && !contain_var_clause(n) &&
		!contain_volatile_functions(n) && !checkExprHasSubLink(n);
}

/* The btree meaning of an operator: EQ, RANGE, or -1. */
static int
adv_op_kind(Oid opno)
{
	List	   *interps = get_op_btree_interpretation(opno);
	ListCell   *lc;
	int			kind = -1;

	foreach(lc, interps)
	{
		OpBtreeInterpretation *o = lfirst(lc);

		if (o->strategy == BTEqualStrategyNumber)
			kind = UK_ADV_EQ;
		else if (o->strategy >= BTLessStrategyNumber &&
				 o->strategy <= BTGreaterStrategyNumber && kind < 0)
			kind = UK_ADV_RANGE;
	}
	list_free_deep(interps);
	return kind;
}

/* LIKE 'abc%': a pattern constant with a fixed start. */
static bool
adv_like_prefix(Oid opno, Node *pattern)
{
	char	   *op = get_opname(opno);
	Const	   *c;
	char	   *s;
	bool		ok;

	if (op == NULL || strcmp(op, "~~") != 0 || pattern == NULL ||
		!IsA(pattern, Const))
		return false;
	c = (Const *) pattern;
	if (c->constisnull || (c->consttype != TEXTOID && c->consttype != VARCHAROID &&
						   c->consttype != BPCHAROID))
		return false;
	s = TextDatumGetCString(c->constvalue);
	ok = s[0] != '\0' && s[0] != '%' && s[0] != '_' && s[0] != '\\';
	pfree(s);
	return ok;
}

/*
 * The share of rows col = c keeps, from the column's most common values
 * as the planner's eqsel() reads them: the value's own frequency when it
 * is one of them, else what the others leave spread over the remaining
 * distinct values.  0 when the statistics do not say (libcommon then
 * estimates from n_distinct).  A state column that is 'done' in 85% of
 * the rows narrows nothing on 'done' and much on 'draft'.
 */
static double
adv_eq_const_sel(AdvTable *t, int col, OpExpr *op, Const *c, bool var_left)
{
	HeapTuple	st;
	AttStatsSlot ss;
	double		sel = 0;

	if (c->constisnull)
		return 0;

	/*
	 * The operator sees the column's most common values: as in the
	 * planner, only a leakproof one unless this role may read the column.
	 */
	if (!get_func_leakproof(get_opcode(op->opno)) &&
		pg_class_aclcheck(t->relid, GetUserId(), ACL_SELECT) != ACLCHECK_OK &&
		pg_attribute_aclcheck(t->relid, t->attnums[col], GetUserId(),
							  ACL_SELECT) != ACLCHECK_OK)
		return 0;
	st = SearchSysCache3(STATRELATTINH, ObjectIdGetDatum(t->relid),
						 Int16GetDatum(t->attnums[col]), BoolGetDatum(false));
	if (!HeapTupleIsValid(st))
		return 0;
	if (get_attstatsslot(&ss, st, STATISTIC_KIND_MCV, InvalidOid,
						 ATTSTATSSLOT_VALUES | ATTSTATSSLOT_NUMBERS))
	{
		FmgrInfo	eq;
		double		common = 0;
		bool		found = false;
		Form_pg_statistic s = (Form_pg_statistic) GETSTRUCT(st);
		double		nd = s->stadistinct < 0 ? -s->stadistinct * Max(t->rows, 1) :
			s->stadistinct;

		fmgr_info(get_opcode(op->opno), &eq);
		for (int i = 0; i < ss.nvalues && i < ss.nnumbers; i++)
		{
			Datum		m = ss.values[i];

			common += ss.numbers[i];
			if (!found &&
				DatumGetBool(var_left ?
							 FunctionCall2Coll(&eq, op->inputcollid, m, c->constvalue) :
							 FunctionCall2Coll(&eq, op->inputcollid, c->constvalue, m)))
			{
				sel = ss.numbers[i];
				found = true;
			}
		}
		if (!found && nd > ss.nvalues)
			sel = Max(1.0 - common - s->stanullfrac, 0) / (nd - ss.nvalues);
		else if (!found)
			sel = 0;
		free_attstatsslot(&ss);
	}
	ReleaseSysCache(st);
	return Min(sel, 1.0);
}

static void
adv_op(Walk *w, OpExpr *op)
{
	Node	   *l;
	Node	   *r;
	int			lt = -1,
				lc = -1,
				rt = -1,
				rc = -1;
	bool		lcol,
				rcol;
	int			kind;

	if (list_length(op->args) != 2)
		return;
	l = adv_strip(linitial(op->args));
	r = adv_strip(lsecond(op->args));
	lcol = l != NULL && IsA(l, Var) && adv_var_column(w, (Var *) l, &lt, &lc);
	rcol = r != NULL && IsA(r, Var) && adv_var_column(w, (Var *) r, &rt, &rc);
	if (lcol && adv_like_prefix(op->opno, r))
	{
		adv_add_pred(w, lt, lc, UK_ADV_PREFIX, 0);
		return;
	}
	kind = adv_op_kind(op->opno);
	if (kind < 0)
		return;
	if (lcol && rcol)
	{
		/* two columns: a join when they belong to different tables */
		if (kind == UK_ADV_EQ &&
			(lt != rt || ((Var *) l)->varno != ((Var *) r)->varno ||
			 ((Var *) l)->varlevelsup != ((Var *) r)->varlevelsup))
		{
			adv_add_pred(w, lt, lc, UK_ADV_JOIN, 0);
			adv_add_pred(w, rt, rc, UK_ADV_JOIN, 0);
		}
		return;
	}
	if (lcol && (adv_is_value(r) || (IsA(r, Var) && ((Var *) r)->varlevelsup > 0)))
	{
		adv_add_pred(w, lt, lc, kind == UK_ADV_EQ && IsA(r, Var) ?
					 UK_ADV_JOIN : kind, 0);
		if (kind == UK_ADV_EQ && IsA(r, Const))
			w->q->preds[w->q->npreds - 1].selectivity =
				adv_eq_const_sel(&w->adv->tables[lt], lc, op, (Const *) r, true);
	}
	else if (rcol && (adv_is_value(l) || (IsA(l, Var) && ((Var *) l)->varlevelsup > 0)))
	{
		adv_add_pred(w, rt, rc, kind == UK_ADV_EQ && IsA(l, Var) ?
					 UK_ADV_JOIN : kind, 0);
		if (kind == UK_ADV_EQ && IsA(l, Const))
			w->q->preds[w->q->npreds - 1].selectivity =
				adv_eq_const_sel(&w->adv->tables[rt], rc, op, (Const *) l, false);
	}
}

static void
adv_array_op(Walk *w, ScalarArrayOpExpr *sa)
{
	Node	   *l;
	Node	   *r;
	int			t,
				c;
	double		count = 0;

	if (!sa->useOr || list_length(sa->args) != 2 ||
		adv_op_kind(sa->opno) != UK_ADV_EQ)
		return;
	l = adv_strip(linitial(sa->args));
	r = adv_strip(lsecond(sa->args));
	if (l == NULL || !IsA(l, Var) || !adv_is_value(r) ||
		!adv_var_column(w, (Var *) l, &t, &c))
		return;
	/* a list of constants coerced to the column's type folds to one array */
	if (!IsA(r, ArrayExpr) && !IsA(r, Const) && !IsA(r, Param))
		r = adv_strip(eval_const_expressions(NULL, copyObject(r)));
	/* one of parameters is coerced element by element */
	while (IsA(r, ArrayCoerceExpr) || IsA(r, RelabelType))
		r = IsA(r, RelabelType) ? (Node *) ((RelabelType *) r)->arg :
			(Node *) ((ArrayCoerceExpr *) r)->arg;
	if (IsA(r, ArrayExpr))
		count = list_length(((ArrayExpr *) r)->elements);
	else if (IsA(r, Const) && !((Const *) r)->constisnull)
	{
		ArrayType  *arr = DatumGetArrayTypeP(((Const *) r)->constvalue);

		count = ArrayGetNItems(ARR_NDIM(arr), ARR_DIMS(arr));
	}
	adv_add_pred(w, t, c, count == 1 ? UK_ADV_EQ : UK_ADV_IN,
				 count == 1 ? 0 : count);
}

static void adv_walk_query(Walk *w, Query *q, bool top);

/* Subqueries anywhere in an expression are statements of their own level. */
static bool
adv_sublinks(Node *node, Walk *w)
{
	if (node == NULL)
		return false;
	if (IsA(node, SubLink))
	{
		SubLink    *s = (SubLink *) node;

		adv_sublinks(s->testexpr, w);
		if (s->subselect && IsA(s->subselect, Query))
			adv_walk_query(w, (Query *) s->subselect, false);
		return false;
	}
	return expression_tree_walker(node, adv_sublinks, (void *) w);
}

static void
adv_quals(Walk *w, Node *quals)
{
	if (quals == NULL)
		return;
	if (IsA(quals, List))
	{
		ListCell   *lc;

		foreach(lc, (List *) quals)
			adv_quals(w, lfirst(lc));
		return;
	}
	if (is_andclause(quals))
	{
		adv_quals(w, (Node *) ((BoolExpr *) quals)->args);
		return;
	}
	if (IsA(quals, OpExpr))
		adv_op(w, (OpExpr *) quals);
	else if (IsA(quals, ScalarArrayOpExpr))
		adv_array_op(w, (ScalarArrayOpExpr *) quals);
	else if (IsA(quals, NullTest))
	{
		NullTest   *nt = (NullTest *) quals;
		Node	   *arg = adv_strip((Node *) nt->arg);
		int			t,
					c;

		if (nt->nulltesttype == IS_NULL && !nt->argisrow && arg != NULL &&
			IsA(arg, Var) && adv_var_column(w, (Var *) arg, &t, &c))
			adv_add_pred(w, t, c, UK_ADV_ISNULL, 0);
	}
	adv_sublinks(quals, w);
}

static void
adv_from(Walk *w, Node *n)
{
	if (n == NULL)
		return;
	if (IsA(n, FromExpr))
	{
		ListCell   *lc;

		foreach(lc, ((FromExpr *) n)->fromlist)
			adv_from(w, lfirst(lc));
		adv_quals(w, ((FromExpr *) n)->quals);
	}
	else if (IsA(n, JoinExpr))
	{
		JoinExpr   *j = (JoinExpr *) n;

		adv_from(w, j->larg);
		adv_from(w, j->rarg);
		adv_quals(w, j->quals);
	}
}

/* Sort or group keys that are all plain columns; false otherwise. */
static bool
adv_keys(Walk *w, Query *q, List *clauses, UkAdvSortKey **out, int *n)
{
	ListCell   *lc;
	UkAdvSortKey *keys;
	int			k = 0;

	if (clauses == NIL)
		return false;
	keys = palloc0(sizeof(UkAdvSortKey) * list_length(clauses));
	foreach(lc, clauses)
	{
		SortGroupClause *sgc = lfirst(lc);
		TargetEntry *tle = get_sortgroupclause_tle(sgc, q->targetList);
		Node	   *e = adv_strip((Node *) tle->expr);
		Oid			opfamily,
					opcintype;
		int16		strategy = BTLessStrategyNumber;

		if (e == NULL || !IsA(e, Var) ||
			!adv_var_column(w, (Var *) e, &keys[k].table, &keys[k].column))
		{
			pfree(keys);
			return false;
		}
		if (OidIsValid(sgc->sortop))
			(void) get_ordering_op_properties(sgc->sortop, &opfamily,
											  &opcintype, &strategy);
		keys[k].desc = (strategy == BTGreaterStrategyNumber);
		k++;
	}
	*out = keys;
	*n = k;
	return true;
}

static void
adv_walk_query(Walk *w, Query *q, bool top)
{
	ListCell   *lc;

	CHECK_FOR_INTERRUPTS();
	check_stack_depth();
	w->levels = lcons(q, w->levels);
	foreach(lc, q->cteList)
	{
		CommonTableExpr *cte = lfirst(lc);

		if (cte->ctequery && IsA(cte->ctequery, Query))
			adv_walk_query(w, (Query *) cte->ctequery, false);
	}
	foreach(lc, q->rtable)
	{
		RangeTblEntry *rte = lfirst(lc);

		if (rte->rtekind == RTE_SUBQUERY && rte->subquery != NULL)
			adv_walk_query(w, rte->subquery, false);
	}
	adv_from(w, (Node *) q->jointree);
	if (top)
	{
		(void) adv_keys(w, q, q->sortClause, &w->q->order_by, &w->q->norder_by);
		(void) adv_keys(w, q, q->groupClause, &w->q->group_by, &w->q->ngroup_by);
		if (q->limitCount != NULL && q->limitOffset == NULL)
		{
			Node	   *lim = eval_const_expressions(NULL,
													 copyObject(q->limitCount));

			if (IsA(lim, Const) && !((Const *) lim)->constisnull &&
				((Const *) lim)->consttype == INT8OID)
				w->q->limit = (double) DatumGetInt64(((Const *) lim)->constvalue);
			else if (contain_param(lim))
				w->q->limit = ADV_PARAM_LIMIT;
		}
	}
	w->levels = list_delete_first(w->levels);
}

/* ---- parsing and planning ---- */

typedef struct ParseArg
{
	Advisor    *adv;
	AdvQuery   *q;
	bool		skipped;		/* not a query an index can serve */
} ParseArg;

static void adv_parse_as(ParseArg *pa);

/*
 * Parse and plan a statement as the role that ran it, restricted as a
 * maintenance command is: what the planner evaluates of it (immutable
 * functions of constants) runs with that role's rights, not the caller's.
 * An error restores the caller with the subtransaction.
 */
static void
adv_become(Oid userid, Oid *save_uid, int *save_sec)
{
	GetUserIdAndSecContext(save_uid, save_sec);
	if (!SearchSysCacheExists1(AUTHOID, ObjectIdGetDatum(userid)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("the role that ran the statement no longer exists")));
	SetUserIdAndSecContext(userid, *save_sec | SECURITY_RESTRICTED_OPERATION);
}

static void
adv_parse(void *arg)
{
	ParseArg   *pa = arg;
	Oid			save_uid;
	int			save_sec;

	adv_become(pa->q->userid, &save_uid, &save_sec);
	adv_parse_as(pa);
	SetUserIdAndSecContext(save_uid, save_sec);
}

static void
adv_parse_as(ParseArg *pa)
{
	List	   *raw = pg_parse_query(pa->q->text);
	Oid		   *types = NULL;
	int			ntypes = 0;
	Query	   *q;
	List	   *rewritten;
	Walk		w;

	if (list_length(raw) != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%d statements where one was expected",
						list_length(raw))));
	q = parse_analyze_varparams(linitial_node(RawStmt, raw), pa->q->text,
								&types, &ntypes, NULL);
	if (q->commandType != CMD_SELECT && q->commandType != CMD_UPDATE &&
		q->commandType != CMD_DELETE && q->commandType != CMD_INSERT)
	{
		pa->skipped = true;
		return;
	}
	rewritten = pg_rewrite_query(q);
	if (list_length(rewritten) != 1)
	{
		pa->skipped = true;
		return;
	}
	pa->q->query = linitial_node(Query, rewritten);
	memset(&w, 0, sizeof(w));
	w.adv = pa->adv;
	w.q = pa->q;
	adv_walk_query(&w, pa->q->query, true);
}

typedef struct PlanArg
{
	Advisor    *adv;
	AdvQuery   *q;
	HypoIndex  *hypo;			/* NULL: as it is */
	double		cost;
} PlanArg;

static void
adv_plan(void *arg)
{
	PlanArg    *pl = arg;
	MemoryContext old = MemoryContextSwitchTo(pl->adv->plan_cxt);
	PlannedStmt *ps;
	Oid			save_uid;
	int			save_sec;

	adv_become(pl->q->userid, &save_uid, &save_sec);
	hypo_parse = copyObject(pl->q->query);
	hypo_current = pl->hypo;
	ps = pg_plan_query(hypo_parse, pl->q->text, CURSOR_OPT_PARALLEL_OK, NULL);
	hypo_current = NULL;
	hypo_parse = NULL;
	pl->cost = ps->planTree->total_cost;
	SetUserIdAndSecContext(save_uid, save_sec);
	MemoryContextSwitchTo(old);
}

/* The planner's cost of q, with h as a hypothetical index (NULL: none). */
static bool
adv_cost(Advisor *adv, AdvQuery *q, HypoIndex *h, double *cost, char **error)
{
	PlanArg		pl = {adv, q, h, 0};
	char	   *msg;

	msg = adv_guarded(adv_plan, &pl);
	MemoryContextReset(adv->plan_cxt);
	if (error)
		*error = msg;
	*cost = pl.cost;
	return msg == NULL;
}

static void
adv_hypo_from(Advisor *adv, const UkAdvCandidate *c, HypoIndex *h)
{
	AdvTable   *t = &adv->tables[c->table];
	double		width = 0;

	memset(h, 0, sizeof(*h));
	h->relid = t->relid;
	h->ncols = c->ncolumns;
	for (int i = 0; i < c->ncolumns; i++)
	{
		int			col = c->columns[i];
		double		w = t->cols[col].avg_width > 0 ? t->cols[col].avg_width :
			get_typavgwidth(t->atttypes[col], t->atttypmods[col]);

		h->attnums[i] = t->attnums[col];
		h->atttypes[i] = t->atttypes[col];
		h->atttypmods[i] = t->atttypmods[col];
		h->attcolls[i] = t->attcolls[col];
		h->desc[i] = c->desc[i];
		width += w;
	}
	h->entry_bytes = MAXALIGN(sizeof(IndexTupleData) + width) + sizeof(ItemIdData);
}

/* ---- the workload ---- */

static void
adv_add_query(Advisor *adv, int *cap, const char *text, double weight,
			  Oid userid)
{
	AdvQuery   *q;

	if (adv->nqueries == *cap)
	{
		*cap = Max(*cap * 2, 16);
		adv->queries = adv->queries == NULL ?
			MemoryContextAllocZero(adv->cxt, sizeof(AdvQuery) * *cap) :
			repalloc(adv->queries, sizeof(AdvQuery) * *cap);
	}
	q = &adv->queries[adv->nqueries++];
	memset(q, 0, sizeof(*q));
	q->text = MemoryContextStrdup(adv->cxt, text);
	q->weight = weight;
	q->userid = userid;
}

/*
 * The calls of pg_stat_statements count from its last reset, the table
 * writes from the database's: scale the writes to the calls' period,
 * taking both as steady (a database never reset counts from the server's
 * start).  pgss: the quoted schema of pg_stat_statements.
 */
static void
adv_read_write_scale(Advisor *adv, const char *pgss)
{
	char	   *q;
	bool		isnull;
	Datum		d;

	adv->write_scale = 1;
	q = psprintf("SELECT least(1, extract(epoch FROM now() - i.stats_reset) / "
				 "nullif(extract(epoch FROM now() - coalesce(d.stats_reset, "
				 "pg_postmaster_start_time())), 0))::float8 "
				 "FROM %s.pg_stat_statements_info i, pg_catalog.pg_stat_database d "
				 "WHERE d.datname = current_database()", pgss);
	if (SPI_execute(q, true, 1) == SPI_OK_SELECT && SPI_processed == 1)
	{
		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
		if (!isnull && DatumGetFloat8(d) >= 0)
			adv->write_scale = DatumGetFloat8(d);
	}
}

/*
 * The workload: from upkeep's slow statements when schema (upkeep's) is
 * given, else from pg_stat_statements of this database: the statements
 * with the most execution time, weighted by their calls.  NULL when the
 * source is not there.  Statements of roles the caller may not SET ROLE
 * to are only counted (adv->nforeign).  The caller has set a safe
 * search_path (adv_workload()).
 */
static const char *
adv_read_statements(Advisor *adv, int *cap, const char *schema)
{
	StringInfoData sql;
	int			ret;

	initStringInfo(&sql);
	if (schema != NULL)
		appendStringInfo(&sql,
						 "SELECT query, count(*)::float8, username "
						 "FROM %s.slow_statements "
						 "WHERE database = current_database() AND command IN "
						 "('SELECT', 'UPDATE', 'DELETE', 'INSERT') "
						 "GROUP BY query, username ORDER BY sum(duration_ms) DESC LIMIT %d",
						 quote_identifier(schema), ADV_MAX_STATEMENTS);
	else
	{
		char	   *pgss;

		ret = SPI_execute("SELECT n.nspname FROM pg_catalog.pg_extension e "
						  "JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace "
						  "WHERE e.extname = 'pg_stat_statements'", true, 1);
		if (ret != SPI_OK_SELECT || SPI_processed == 0)
			return NULL;
		pgss = pstrdup(quote_identifier(SPI_getvalue(SPI_tuptable->vals[0],
													 SPI_tuptable->tupdesc, 1)));
		adv_read_write_scale(adv, pgss);
		appendStringInfo(&sql,
						 "SELECT query, calls::float8, userid FROM %s.pg_stat_statements "
						 "WHERE dbid = (SELECT oid FROM pg_catalog.pg_database "
						 "WHERE datname = current_database()) AND toplevel "
						 "AND calls > 0 AND query ~* '^\\s*(select|with|update|delete|insert)\\M' "
						 "ORDER BY total_exec_time DESC LIMIT %d",
						 pgss, ADV_MAX_STATEMENTS);
	}
	ret = SPI_execute(sql.data, true, 0);
	/* SPI_execute() leaves SPI's own context current: read into ours */
	MemoryContextSwitchTo(adv->cxt);
	if (ret != SPI_OK_SELECT)
		return NULL;
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		bool		isnull;
		char	   *text = SPI_getvalue(SPI_tuptable->vals[i],
										SPI_tuptable->tupdesc, 1);
		Datum		calls = SPI_getbinval(SPI_tuptable->vals[i],
										  SPI_tuptable->tupdesc, 2, &isnull);
		Oid			userid = InvalidOid;

		if (schema != NULL)
		{
			char	   *username = SPI_getvalue(SPI_tuptable->vals[i],
												SPI_tuptable->tupdesc, 3);

			if (username != NULL)
				userid = get_role_oid(username, true);
		}
		else
		{
			bool		nouser;
			Datum		user = SPI_getbinval(SPI_tuptable->vals[i],
											 SPI_tuptable->tupdesc, 3, &nouser);

			if (!nouser)
				userid = DatumGetObjectId(user);
		}
		if (text == NULL || isnull || !OidIsValid(userid))
			continue;
		/* never plan as a role the caller could not become */
		if (!is_member_of_role(GetUserId(), userid))
		{
			adv->nforeign++;
			continue;
		}
		adv_add_query(adv, cap, text, DatumGetFloat8(calls), userid);
	}
	return "";
}

typedef struct ReadArg
{
	Advisor    *adv;
	int		   *cap;
	const char *schema;
	const char *found;
} ReadArg;

static void
adv_read_guarded(void *arg)
{
	ReadArg    *ra = arg;

	ra->found = adv_read_statements(ra->adv, ra->cap, ra->schema);
}

/* ---- the function ---- */

/* libcommon's error as an ERROR, the UkError freed first. */
static void
adv_error(UkError *err)
{
	char		message[sizeof(err->message)];
	bool		nomem = err != NULL && err->code == UK_ERR_NOMEM;

	strlcpy(message, err ? err->message : "unknown error", sizeof(message));
	uk_error_free(err);
	ereport(ERROR,
			(errcode(nomem ? ERRCODE_OUT_OF_MEMORY : ERRCODE_INTERNAL_ERROR),
			 errmsg("index advisor: %s", message)));
}

/* Read the workload into adv; returns where it came from. */
static const char *
adv_workload(Advisor *adv, FunctionCallInfo fcinfo)
{
	int			cap = 0;
	ReadArg		ra = {adv, &cap, NULL, NULL};
	const char *source;
	MemoryContext cxt = CurrentMemoryContext;
	int			nestlevel;

	if (!PG_ARGISNULL(0))
	{
		ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
		Datum	   *elems;
		bool	   *nulls;
		int			n;

		if (ARR_NDIM(arr) > 1)
			ereport(ERROR,
					(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
					 errmsg("queries must be a one-dimensional array")));
		deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT,
						  &elems, &nulls, &n);
		if (n == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("queries is empty"),
					 errhint("Pass NULL to advise on pg_stat_statements or on the captured slow statements.")));
		for (int i = 0; i < n; i++)
		{
			if (nulls[i])
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("queries[%d] is NULL", i + 1)));
			adv_add_query(adv, &cap, TextDatumGetCString(elems[i]), 1,
						  GetUserId());
		}
		return "the queries given";
	}

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	/* what is read must outlive SPI_finish() */
	MemoryContextSwitchTo(cxt);

	/*
	 * Nothing of the caller's may stand in for a catalog, an operator or a
	 * function: pg_temp last, as it is otherwise searched first.
	 */
	nestlevel = NewGUCNestLevel();
	(void) set_config_option("search_path", "pg_catalog, pg_temp",
							 PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE,
							 true, 0, false);
	/* calls and table writes both count from their last reset */
	adv->count_writes = true;
	source = "pg_stat_statements";
	/* installed but not loaded is an error: then fall back */
	if (adv_guarded(adv_read_guarded, &ra) != NULL || ra.found == NULL ||
		adv->nqueries == 0)
	{
		adv->count_writes = false;
		adv->nqueries = 0;
		ra.schema = get_namespace_name(get_func_namespace(fcinfo->flinfo->fn_oid));
		ra.found = NULL;
		adv->nforeign = 0;
		(void) adv_guarded(adv_read_guarded, &ra);
		source = "upkeep.slow_statements";
	}
	AtEOXact_GUC(true, nestlevel);
	SPI_finish();
	MemoryContextSwitchTo(cxt);
	return source;
}

/* One call of upkeep.index_advice(). */
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

/* Parse and analyze each statement, read its shape, plan it as it is. */
static void
adv_prepare(AdvRun *r)
{
	for (int i = 0; i < r->adv.nqueries; i++)
	{
		AdvQuery   *q = &r->adv.queries[i];
		ParseArg	pa = {&r->adv, q, false};
		char	   *msg;

		CHECK_FOR_INTERRUPTS();
		msg = adv_guarded(adv_parse, &pa);
		if (msg == NULL && !pa.skipped)
			(void) adv_cost(&r->adv, q, NULL, &q->base_cost, &msg);
		if (msg != NULL && r->given)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("queries[%d] cannot be planned: %s", i + 1, msg)));
		if (pa.skipped && r->given)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("queries[%d] is not a SELECT, INSERT, UPDATE or DELETE",
							i + 1)));
		if (msg != NULL)
		{
			r->nfailed++;
			if (r->first_error == NULL)
				r->first_error = psprintf("%s, in: %.200s", msg, q->text);
		}
		else if (pa.skipped)
			r->nleft++;
		else
			q->usable = q->weight > 0;
	}
}

/* libcommon's advisor over the usable statements, with built-in costs. */
static void
adv_create(AdvRun *r)
{
	Advisor    *adv = &r->adv;
	UkAdvTable *utables = palloc0(sizeof(UkAdvTable) * Max(adv->ntables, 1));
	UkAdvWorkload wl;
	UkError    *err = NULL;

	for (int i = 0; i < adv->ntables; i++)
	{
		AdvTable   *t = &adv->tables[i];

		utables[i].schema = t->schema;
		utables[i].name = t->name;
		utables[i].rows = t->rows;
		utables[i].size_bytes = t->size;
		utables[i].row_writes = t->writes;
		utables[i].columns = t->cols;
		utables[i].ncolumns = t->ncols;
		utables[i].indexes = t->indexes;
		utables[i].nindexes = t->nindexes;
	}
	r->uqueries = palloc0(sizeof(UkAdvQuery) * Max(adv->nqueries, 1));
	r->qpos = palloc0(sizeof(int) * Max(adv->nqueries, 1));
	for (int i = 0; i < adv->nqueries; i++)
	{
		AdvQuery   *q = &adv->queries[i];
		UkAdvQuery *u = &r->uqueries[r->nuq];

		if (!q->usable)
			continue;
		u->text = q->text;
		u->weight = q->weight;
		u->preds = q->preds;
		u->npreds = q->npreds;
		u->order_by = q->order_by;
		u->norder_by = q->norder_by;
		u->group_by = q->group_by;
		u->ngroup_by = q->ngroup_by;
		u->limit = q->limit;
		r->qpos[r->nuq++] = i;

	}
	memset(&wl, 0, sizeof(wl));
	wl.engine = UK_ENGINE_POSTGRES;
	wl.tables = utables;
	wl.ntables = adv->ntables;
	wl.queries = r->uqueries;
	wl.nqueries = r->nuq;
	if (uk_advisor_create(&wl, &r->ua, &err) != UK_OK)
		adv_error(err);
}

/*
 * The planner's costs (as it is, then with each candidate), libcommon's
 * choice, and the rows of the result.
 */
static void
adv_choose(AdvRun *r, ReturnSetInfo *rsinfo, double min_improvement,
		   int max_indexes)
{
	UkError    *err = NULL;
	UkAdvOptions opts;
	const UkAdvice *advice = NULL;
	int			nadvice = 0;

	for (int k = 0; k < r->nuq; k++)
		if (uk_advisor_set_base_cost(r->ua, k,
									 r->adv.queries[r->qpos[k]].base_cost,
									 &err) != UK_OK)
			adv_error(err);
	for (int c = 0; c < uk_advisor_ncandidates(r->ua); c++)
	{
		const UkAdvCandidate *cand = uk_advisor_candidate(r->ua, c);
		HypoIndex	h;

		adv_hypo_from(&r->adv, cand, &h);
		for (int u = 0; u < cand->nuses; u++)
		{
			int			k = cand->use_queries[u];
			double		cost;

			CHECK_FOR_INTERRUPTS();
			r->nplans++;
			/* a failure here leaves the pair at no gain */
			if (adv_cost(&r->adv, &r->adv.queries[r->qpos[k]], &h, &cost, NULL) &&
				uk_advisor_set_cost(r->ua, c, k, cost, &err) != UK_OK)
				adv_error(err);
		}
	}
	uk_adv_options_init(&opts);
	opts.max_indexes = max_indexes;
	opts.min_improvement_pct = min_improvement;
	if (uk_advisor_select(r->ua, &opts, &advice, &nadvice, &r->before,
						  &r->after, &err) != UK_OK)
		adv_error(err);

	for (int i = 0; i < nadvice; i++)
	{
		const UkAdvice *a = &advice[i];
		Datum		values[11];
		bool		nulls[11] = {0};
		Datum		cols[UK_ADV_MAX_COLUMNS];

		for (int k = 0; k < a->ncolumns; k++)
			cols[k] = CStringGetTextDatum(a->column_names[k]);
		values[0] = Int32GetDatum(a->rank);
		values[1] = CStringGetTextDatum(quote_qualified_identifier(a->schema,
																   a->table_name));
		values[2] = PointerGetDatum(construct_array(cols, a->ncolumns, TEXTOID,
													-1, false, TYPALIGN_INT));
		values[3] = CStringGetTextDatum(a->create_statement);
		values[4] = Int64GetDatum((int64) a->est_size_bytes);
		values[5] = Float8GetDatum(round(a->improvement_pct * 10) / 10);
		values[6] = Int32GetDatum(a->nqueries);
		values[7] = CStringGetTextDatum(r->uqueries[a->example_query].text);
		values[8] = CStringGetTextDatum(a->reason);
		values[9] = Float8GetDatum(round(a->cost_before * 100) / 100);
		values[10] = Float8GetDatum(round(a->cost_after * 100) / 100);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
}

PG_FUNCTION_INFO_V1(upkeep_index_advice);

Datum
upkeep_index_advice(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	double		min_improvement = PG_ARGISNULL(1) ? 10 : PG_GETARG_FLOAT8(1);
	int			max_indexes = PG_ARGISNULL(2) ? 10 : PG_GETARG_INT32(2);
	AdvRun	   *r;
	StringInfoData detail;

	if (isnan(min_improvement) || min_improvement < 0 || min_improvement > 100)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("min_improvement_pct must be between 0 and 100, not %g",
						min_improvement)));
	if (max_indexes < 1 || max_indexes > 100)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_indexes must be between 1 and 100, not %d",
						max_indexes)));
	InitMaterializedSRF(fcinfo, 0);

	r = palloc0(sizeof(AdvRun));
	r->given = !PG_ARGISNULL(0);
	r->adv.cxt = CurrentMemoryContext;
	r->adv.plan_cxt = AllocSetContextCreate(CurrentMemoryContext,
											"upkeep advisor planning",
											ALLOCSET_DEFAULT_SIZES);
	adv_hook_on();
	PG_TRY();
	{
		r->source = adv_workload(&r->adv, fcinfo);
		adv_prepare(r);
		adv_create(r);
		adv_choose(r, rsinfo, min_improvement, max_indexes);
	}
	PG_FINALLY();
	{
		uk_advisor_free(r->ua);
		adv_hook_off();
	}
	PG_END_TRY();

	initStringInfo(&detail);
	if (r->nfailed > 0 || r->nleft > 0)
		appendStringInfo(&detail,
						 "%d statements could not be planned and %d are not queries an index serves%s%s.",
						 r->nfailed, r->nleft,
						 r->first_error ? "; the first error: " : "",
						 r->first_error ? r->first_error : "");
	if (r->adv.nforeign > 0)
		appendStringInfo(&detail,
						 "%s%d statements of roles that %s may not SET ROLE to were left out.",
						 detail.len > 0 ? " " : "", r->adv.nforeign,
						 GetUserNameFromId(GetUserId(), false));
	ereport(NOTICE,
			(errmsg("index advice from %s: %d statements planned, %d plans with a hypothetical index; workload cost %.0f, %.0f with the advice (%.1f%% less)",
					r->source, r->nuq, r->nplans, r->before, r->after,
					r->before > 0 ? 100.0 * (r->before - r->after) / r->before : 0.0),
			 detail.len > 0 ? errdetail("%s", detail.data) : 0));
	MemoryContextDelete(r->adv.plan_cxt);
	return (Datum) 0;
}
