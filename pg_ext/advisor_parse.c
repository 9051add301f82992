/*
 * advisor_parse.c
 *		upkeep.index_advice(): a statement's shape -- parsed and analyzed
 *		by the server's own parser as the role that ran it, then its
 *		predicates, sort and group keys and LIMIT read from the analyzed
 *		tree for libcommon's advisor (uk_advisor.h), and every column it
 *		reads (for covering columns).
 *
 * See advisor_int.h for how the advisor files fit together.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/stratnum.h"
#include "catalog/pg_am.h"
#include "catalog/pg_opclass.h"
#include "catalog/pg_statistic.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "parser/analyze.h"
#include "parser/parsetree.h"
#include "rewrite/rewriteManip.h"
#include "tcop/tcopprot.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "advisor_int.h"

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
		*table = upkeep_adv_table(w->adv, rte->relid);
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

/* ---- the columns a statement reads ---- */

static void
adv_add_read(AdvQuery *q, int table, int column)
{
	for (int i = 0; i < q->nreads; i++)
		if (q->reads[i].table == table && q->reads[i].column == column)
			return;
	if (q->nreads == q->readcap)
	{
		q->readcap = Max(q->readcap * 2, 8);
		q->reads = q->reads == NULL ? palloc0(sizeof(UkAdvColRef) * q->readcap) :
			repalloc(q->reads, sizeof(UkAdvColRef) * q->readcap);
	}
	q->reads[q->nreads].table = table;
	q->reads[q->nreads].column = column;
	q->nreads++;
}

/*
 * The table column a Var reads, following join aliases; a whole row or a
 * system column reads something of the table that an index cannot carry
 * (column -1), an alias that is an expression (a FULL JOIN's merged
 * column) something of any table.  A column of a subquery, function or
 * CTE is read in that level.
 */
static void
adv_read_var(Walk *w, Var *v)
{
	Query	   *q;
	RangeTblEntry *rte;
	AdvTable   *t;
	int			table;

	for (int guard = 0; guard < 100; guard++)
	{
		if (v->varlevelsup >= list_length(w->levels))
			return;
		q = (Query *) list_nth(w->levels, v->varlevelsup);
		if (v->varno < 1 || v->varno > list_length(q->rtable))
			return;
		rte = rt_fetch(v->varno, q->rtable);
		if (rte->rtekind == RTE_JOIN)
		{
			Node	   *alias;
			Index		up = v->varlevelsup;

			if (v->varattno <= 0 || v->varattno > list_length(rte->joinaliasvars))
			{
				adv_add_read(w->q, -1, -1);
				return;
			}
			alias = adv_strip(list_nth(rte->joinaliasvars, v->varattno - 1));
			if (alias == NULL || !IsA(alias, Var))
			{
				adv_add_read(w->q, -1, -1);
				return;
			}
			v = copyObject((Var *) alias);
			v->varlevelsup = up;
			continue;
		}
		if (rte->rtekind != RTE_RELATION)
			return;
		table = upkeep_adv_table(w->adv, rte->relid);
		if (table < 0)
			return;
		t = &w->adv->tables[table];
		for (int c = 0; v->varattno > 0 && c < t->ncols; c++)
			if (t->attnums[c] == v->varattno)
			{
				adv_add_read(w->q, table, c);
				return;
			}
		adv_add_read(w->q, table, -1);
		return;
	}
}

static bool adv_reads_walker(Node *node, Walk *w);

/* A level: the rows an UPDATE or DELETE changes are read whole. */
static void
adv_reads_query(Walk *w, Query *q)
{
	if ((q->commandType == CMD_UPDATE || q->commandType == CMD_DELETE) &&
		q->resultRelation > 0)
	{
		RangeTblEntry *rte = rt_fetch(q->resultRelation, q->rtable);
		int			t = upkeep_adv_table(w->adv, rte->relid);

		if (t >= 0)
			adv_add_read(w->q, t, -1);
	}
	(void) query_tree_walker(q, adv_reads_walker, (void *) w,
							 QTW_IGNORE_JOINALIASES);
}

static bool
adv_reads_walker(Node *node, Walk *w)
{
	if (node == NULL)
		return false;
	if (IsA(node, Var))
	{
		adv_read_var(w, (Var *) node);
		return false;
	}
	if (IsA(node, Query))
	{
		CHECK_FOR_INTERRUPTS();
		check_stack_depth();
		w->levels = lcons(node, w->levels);
		adv_reads_query(w, (Query *) node);
		w->levels = list_delete_first(w->levels);
		return false;
	}
	return expression_tree_walker(node, adv_reads_walker, (void *) w);
}

/* ---- parsing ---- */

static void adv_parse_as(ParseArg *pa);

void
upkeep_adv_parse(void *arg)
{
	ParseArg   *pa = arg;
	Oid			save_uid;
	int			save_sec;

	upkeep_adv_become(pa->q->userid, &save_uid, &save_sec);
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
	w.levels = NIL;
	(void) adv_reads_walker((Node *) pa->q->query, &w);
}
