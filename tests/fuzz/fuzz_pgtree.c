/*
 * fuzz_pgtree.c
 *		libFuzzer target for uk_pgtree.h: any bytes as a libpg_query JSON
 *		parse tree, read against a fixed small catalogue.
 *
 * Properties checked (abort() on violation), for each of two settings
 * (default schema "odoo" with MariaDB's column case rule; no default
 * schema, exact names):
 *	- success gives predicates and sort keys whose table and column
 *	  positions are inside the catalogue, known kinds, finite counts,
 *	  arrays present exactly when their count is not 0, a finite limit and
 *	  counters >= 0; id, text and weight are left 0; the columns read
 *	  known, each a catalogue column, a table's -1 or -1, -1;
 *	- the advisor accepts the shape as a query of a workload on the same
 *	  catalogue;
 *	- failure gives a zeroed shape and an error with a message;
 *	- nothing leaks (the sanitizer's leak check), after
 *	  uk_pgtree_shape_free() the shape is zeroed.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "uk_advisor.h"
#include "uk_pgtree.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define C(name) {name, 0, 0, 0, 0}

static const UkAdvColumn move_cols[] = {
	C("id"), C("name"), C("product_id"), C("location_id"), C("location_dest_id"),
	C("picking_id"), C("company_id"), C("state"), C("scrapped"), C("date"),
	C("product_qty"),
};
static const UkAdvColumn picking_cols[] = {C("id"), C("name"), C("state"), C("scheduled_date")};
static const UkAdvColumn t_cols[] = {C("a"), C("b"), C("c"), C("Mixed")};
static const UkAdvColumn u_cols[] = {C("a"), C("x")};

static const UkAdvTable tables[] = {
	{"odoo", "stock_move", 300000, 0, 1000, move_cols, 11, NULL, 0, false, 0, 0, 0},
	{"odoo", "stock_picking", 100000, 0, 100, picking_cols, 4, NULL, 0, false, 0, 0, 0},
	{"public", "t", -1, 0, 0, t_cols, 4, NULL, 0, false, 0, 0, 0},
	{"s", "t", 10, 0, 0, u_cols, 2, NULL, 0, false, 0, 0, 0},
	{NULL, "u", 10, 0, 0, u_cols, 2, NULL, 0, false, 0, 0, 0},
};

#define NTABLES ((int) (sizeof(tables) / sizeof(tables[0])))

static bool
key_ok(const UkAdvSortKey *k)
{
	return k->table >= 0 && k->table < NTABLES && k->column >= 0 &&
		k->column < tables[k->table].ncolumns;
}

static void
check_shape(const UkTreeShape *s)
{
	const UkAdvQuery *q = &s->query;

	if (q->id != NULL || q->text != NULL || q->weight != 0 ||
		q->npreds < 0 || (q->npreds > 0) != (q->preds != NULL) ||
		q->norder_by < 0 || (q->norder_by > 0) != (q->order_by != NULL) ||
		q->ngroup_by < 0 || (q->ngroup_by > 0) != (q->group_by != NULL) ||
		!isfinite(q->limit) || q->limit < 0 ||
		s->nunresolved < 0 || s->nunknown_tables < 0)
		abort();
	for (int i = 0; i < q->npreds; i++)
	{
		const UkAdvPred *p = &q->preds[i];

		if (p->table < 0 || p->table >= NTABLES || p->column < 0 ||
			p->column >= tables[p->table].ncolumns ||
			(int) p->kind < (int) UK_ADV_EQ || (int) p->kind > (int) UK_ADV_PREFIX ||
			!isfinite(p->count) || p->count < 0 || p->selectivity != 0)
			abort();
	}
	for (int i = 0; i < q->norder_by; i++)
		if (!key_ok(&q->order_by[i]))
			abort();
	for (int i = 0; i < q->ngroup_by; i++)
		if (!key_ok(&q->group_by[i]))
			abort();
	/* the columns read: a catalogue column, a table's -1, or -1, -1 */
	if (!q->reads_known || q->nreads < 0 || (q->nreads > 0) != (q->reads != NULL))
		abort();
	for (int i = 0; i < q->nreads; i++)
	{
		const UkAdvColRef *r = &q->reads[i];

		if (r->table < -1 || r->table >= NTABLES || r->column < -1 ||
			(r->table < 0 && r->column != -1) ||
			(r->table >= 0 && r->column >= tables[r->table].ncolumns))
			abort();
	}
}

/* The advisor takes the shape as it is. */
static void
check_advisor(const UkTreeShape *s)
{
	UkAdvQuery	q = s->query;
	UkAdvWorkload w;
	UkAdvisor  *a = NULL;
	UkError    *err = NULL;

	q.weight = 1;
	memset(&w, 0, sizeof(w));
	w.engine = UK_ENGINE_MARIADB;
	w.tables = tables;
	w.ntables = NTABLES;
	w.queries = &q;
	w.nqueries = 1;
	if (uk_advisor_create(&w, &a, &err) != UK_OK)
		abort();
	uk_advisor_free(a);
}

static void
run(const uint8_t *data, size_t size, const char *dflt, bool ci)
{
	UkTreeShape shape;
	UkError    *err = NULL;
	UkStatus	st;

	memset(&shape, 0x5a, sizeof(shape));
	st = uk_pgtree_shape((const char *) data, size, tables, NTABLES, dflt, ci,
						 &shape, &err);
	if (st == UK_OK)
	{
		if (err != NULL)
			abort();
		check_shape(&shape);
		check_advisor(&shape);
	}
	else
	{
		if (err == NULL || err->message[0] == '\0' ||
			(st != UK_ERR_INVALID && st != UK_ERR_NOMEM) ||
			shape.query.preds != NULL || shape.query.npreds != 0 ||
			shape.query.order_by != NULL || shape.query.group_by != NULL ||
			shape.query.limit != 0 || shape.nunresolved != 0)
			abort();
	}
	uk_pgtree_shape_free(&shape);
	if (shape.query.preds != NULL || shape.query.npreds != 0)
		abort();
	uk_error_free(err);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	run(data, size, "odoo", true);
	run(data, size, NULL, false);
	return 0;
}
