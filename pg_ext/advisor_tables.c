/*
 * advisor_tables.c
 *		upkeep.index_advice(): the tables of the workload as the advisor
 *		sees them -- columns and their statistics, existing indexes, size
 *		and write rate.
 *
 * A table is read once, the first time a statement refers to it, from
 * the catalog caches and the cumulative statistics.  See advisor_int.h
 * for how the advisor files fit together.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/catalog.h"
#include "catalog/dependency.h"
#include "catalog/pg_am.h"
#include "catalog/pg_class.h"
#include "catalog/pg_index.h"
#include "catalog/pg_statistic.h"
#include "commands/defrem.h"
#include "pgstat.h"
#include "storage/bufmgr.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

#include "advisor_int.h"

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
int
upkeep_adv_table(Advisor *adv, Oid relid)
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
	/* the all-visible share as estimate_rel_size() computes it */
	if (rel->rd_rel->relallvisible > 0 && t->size > 0)
		t->visible_frac = Min((double) rel->rd_rel->relallvisible /
							  (t->size / BLCKSZ), 1.0);
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
