/*
 * advisor_plan.c
 *		upkeep.index_advice(): planning a statement, as it is or with a
 *		hypothetical index, as the role that ran it.
 *
 * A candidate is costed by the real planner: a get_relation_info_hook adds
 * it to the table's index list as a hypothetical index (as CREATE INDEX
 * would make it) while the statements that could use it are planned
 * again, $n parameters generically.  A candidate's covering columns are
 * INCLUDE columns of the hypothetical index, all returnable, so the
 * planner itself weighs an index-only scan against the table's visible
 * share; costed once more as if every page were all-visible when the
 * table is not (advisor_sql.c).  No statement is run and nothing is
 * written; what the planner evaluates runs as the role that ran the
 * statement (upkeep_adv_become()).  Every parse and plan runs in a
 * subtransaction (upkeep_adv_guarded()) so that a statement's own error
 * leaves only that statement out.
 *
 * The hook is installed only while upkeep.index_advice() runs; the state
 * below is backend-local.  See advisor_int.h for how the advisor files fit
 * together.
 */
#include "postgres.h"

#include <math.h>

#include "access/amapi.h"
#include "access/itup.h"
#include "access/nbtree.h"
#include "access/xact.h"
#include "catalog/pg_am.h"
#include "commands/defrem.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "optimizer/plancat.h"
#include "tcop/tcopprot.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
#include "utils/syscache.h"

#include "advisor_int.h"

/*
 * The hypothetical index's OID.  Nothing looks it up: the planner only
 * carries it into the plan, which is costed and thrown away.
 */
#define ADV_HYPO_OID ((Oid) 0xFFFFFF00)

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

		int			nall = h->ncols + h->ninclude;

		info->indexoid = ADV_HYPO_OID;
		info->reltablespace = rel->reltablespace;
		info->rel = rel;
		info->ncolumns = nall;
		info->nkeycolumns = h->ncols;
		info->indexkeys = palloc0(sizeof(int) * nall);
		info->indexcollations = palloc0(sizeof(Oid) * h->ncols);
		info->opfamily = palloc0(sizeof(Oid) * h->ncols);
		info->opcintype = palloc0(sizeof(Oid) * h->ncols);
		info->sortopfamily = palloc0(sizeof(Oid) * h->ncols);
		info->reverse_sort = palloc0(sizeof(bool) * h->ncols);
		info->nulls_first = palloc0(sizeof(bool) * h->ncols);
		info->opclassoptions = palloc0(sizeof(bytea *) * nall);
		info->canreturn = palloc0(sizeof(bool) * nall);
		for (int i = 0; i < nall; i++)
		{
			Var		   *var;

			/* key columns have a btree operator class, INCLUDE ones none */
			if (i < h->ncols)
			{
				Oid			opclass = GetDefaultOpClass(h->atttypes[i], BTREE_AM_OID);

				info->indexcollations[i] = h->attcolls[i];
				info->opfamily[i] = get_opclass_family(opclass);
				info->opcintype[i] = get_opclass_input_type(opclass);
				info->sortopfamily[i] = info->opfamily[i];
				info->reverse_sort[i] = h->desc[i];
				info->nulls_first[i] = h->desc[i];
			}
			info->indexkeys[i] = h->attnums[i];
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

		/*
		 * An index-only scan visits the table for the pages that are not
		 * all-visible (cost_index() reads rel->allvisfrac): a covering
		 * index is also costed as after a VACUUM.
		 */
		if (h->all_visible)
			rel->allvisfrac = 1.0;
	}
}

/*
 * The hook is installed only while upkeep.index_advice() runs: other
 * sessions' and this session's planning pay nothing for it.  If another
 * module has chained itself after it meanwhile (a library loaded during
 * the call), it stays, inert without hypo_current.
 */
static bool hook_installed = false;

void
upkeep_adv_hook_on(void)
{
	if (hook_installed)
		return;
	prev_get_relation_info_hook = get_relation_info_hook;
	get_relation_info_hook = adv_get_relation_info;
	hook_installed = true;
}

void
upkeep_adv_hook_off(void)
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

char *
upkeep_adv_guarded(adv_fn fn, void *arg)
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

/*
 * Parse and plan a statement as the role that ran it, restricted as a
 * maintenance command is: what the planner evaluates of it (immutable
 * functions of constants) runs with that role's rights, not the caller's.
 * An error restores the caller with the subtransaction.
 */
void
upkeep_adv_become(Oid userid, Oid *save_uid, int *save_sec)
{
	GetUserIdAndSecContext(save_uid, save_sec);
	if (!SearchSysCacheExists1(AUTHOID, ObjectIdGetDatum(userid)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("the role that ran the statement no longer exists")));
	SetUserIdAndSecContext(userid, *save_sec | SECURITY_RESTRICTED_OPERATION);
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

	upkeep_adv_become(pl->q->userid, &save_uid, &save_sec);
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
bool
upkeep_adv_cost(Advisor *adv, AdvQuery *q, HypoIndex *h, double *cost, char **error)
{
	PlanArg		pl = {adv, q, h, 0};
	char	   *msg;

	msg = upkeep_adv_guarded(adv_plan, &pl);
	MemoryContextReset(adv->plan_cxt);
	if (error)
		*error = msg;
	*cost = pl.cost;
	return msg == NULL;
}

void
upkeep_adv_hypo_from(Advisor *adv, const UkAdvCandidate *c, HypoIndex *h)
{
	AdvTable   *t = &adv->tables[c->table];
	double		width = 0;

	memset(h, 0, sizeof(*h));
	h->relid = t->relid;
	h->ncols = c->ncolumns;
	h->ninclude = c->ninclude;
	for (int i = 0; i < c->ncolumns + c->ninclude; i++)
	{
		int			col = i < c->ncolumns ? c->columns[i] : c->include[i - c->ncolumns];
		double		w = t->cols[col].avg_width > 0 ? t->cols[col].avg_width :
			get_typavgwidth(t->atttypes[col], t->atttypmods[col]);

		h->attnums[i] = t->attnums[col];
		h->atttypes[i] = t->atttypes[col];
		h->atttypmods[i] = t->atttypmods[col];
		h->attcolls[i] = t->attcolls[col];
		h->desc[i] = i < c->ncolumns && c->desc[i];
		width += w;
	}
	h->entry_bytes = MAXALIGN(sizeof(IndexTupleData) + width) + sizeof(ItemIdData);
}
