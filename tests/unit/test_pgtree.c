/*
 * test_pgtree.c
 *		Unit tests for uk_pgtree.h: the advisor's input read from
 *		libpg_query's JSON parse trees.
 *
 * The trees are fixtures: pg_query_parse() (libpg_query 15-4.0) output for
 * the statement shown with each, kept verbatim (one case has its non-ASCII
 * characters rewritten as \u escapes, which is the same JSON).  The stock
 * cases are the advisor workload (tests/advisor/workload_pg.sql) and the
 * same statements as MariaDB issues them, run through
 * uk_translate_mariadb() here first so that the fixture cannot drift from
 * the translation.
 *
 * A shape is compared as one line: predicates "KIND table.column" (IN with
 * its count), then "o" ORDER BY keys, "g" GROUP BY keys, "l" the limit,
 * "u" nunresolved and "k" nunknown_tables, each part only when not empty.
 */
#include "uk_pgtree.h"
#include "uk_translate.h"
#include "uk_test.h"

typedef struct PtCase
{
	const char *sql;			/* what the tree was printed from */
	const char *default_schema;
	bool		ci_columns;
	const char *want;
	const char *json;
} PtCase;

typedef struct PtMariaCase
{
	const char *mariadb;		/* as the server saw it */
	const char *translated;		/* uk_translate_mariadb(), parsed for json */
	const char *want;
	const char *json;
} PtMariaCase;

/* A column with no statistics */
#define C(name) {name, 0, 0, 0, 0}

/* The generic catalogue: two t, two u, a v in schema s, a w with no schema */
static const UkAdvColumn t_cols[] = {
	C("id"), C("a"), C("b"), C("c"), C("d"), C("e"), C("f"), C("g"), C("h"), C("i"),
	C("j"), C("k"), C("l"), C("m"), C("flag"), C("active"), C("Mixed"),
};
static const UkAdvColumn st_cols[] = {C("a"), C("x")};
static const UkAdvColumn u_cols[] = {C("id"), C("a"), C("b"), C("c"), C("x"), C("y")};
static const UkAdvColumn ou_cols[] = {C("a"), C("z")};
static const UkAdvColumn v_cols[] = {C("id"), C("vonly")};
static const UkAdvColumn w_cols[] = {
	C("id"), C("wa"), C("caf\xc3\xa9"), C("\xf0\x9f\x98\x80"), C("q\"\\/\b\f\n\r\tx"),
};

#define NCOLS(a) ((int) (sizeof(a) / sizeof(a[0])))

static const UkAdvTable gen_tables[] = {
	{"public", "t", 1000, 0, 0, t_cols, NCOLS(t_cols), NULL, 0, false, 0, 0, 0},
	{"s", "t", 1000, 0, 0, st_cols, NCOLS(st_cols), NULL, 0, false, 0, 0, 0},
	{"public", "u", 1000, 0, 0, u_cols, NCOLS(u_cols), NULL, 0, false, 0, 0, 0},
	{"other", "u", 1000, 0, 0, ou_cols, NCOLS(ou_cols), NULL, 0, false, 0, 0, 0},
	{"s", "v", 1000, 0, 0, v_cols, NCOLS(v_cols), NULL, 0, false, 0, 0, 0},
	{NULL, "w", 1000, 0, 0, w_cols, NCOLS(w_cols), NULL, 0, false, 0, 0, 0},
};
static const char *const gen_labels[] = {"t", "st", "u", "ou", "v", "w"};

/* The stock catalogue (tests/advisor/stock_move_pg.sql), in schema odoo */
static const UkAdvColumn move_cols[] = {
	C("id"), C("name"), C("product_id"), C("location_id"), C("location_dest_id"),
	C("picking_id"), C("company_id"), C("state"), C("scrapped"), C("date"),
	C("product_qty"),
};
static const UkAdvColumn picking_cols[] = {C("id"), C("name"), C("state"), C("scheduled_date")};
static const UkAdvColumn location_cols[] = {C("id"), C("name"), C("company_id")};
static const UkAdvColumn product_cols[] = {C("id"), C("default_code"), C("active")};

static const UkAdvTable stock_tables[] = {
	{"odoo", "stock_move", 300000, 0, 0, move_cols, NCOLS(move_cols), NULL, 0, false, 0, 0, 0},
	{"odoo", "stock_picking", 100000, 0, 0, picking_cols, NCOLS(picking_cols), NULL, 0, false, 0, 0, 0},
	{"odoo", "stock_location", 40, 0, 0, location_cols, NCOLS(location_cols), NULL, 0, false, 0, 0, 0},
	{"odoo", "product_product", 5000, 0, 0, product_cols, NCOLS(product_cols), NULL, 0, false, 0, 0, 0},
};
static const char *const stock_labels[] = {"move", "picking", "location", "product"};

static const char *const kind_names[] = {"EQ", "IN", "ISNULL", "JOIN", "RANGE", "PREFIX"};

static void
put(char *buf, size_t cap, const char *fmt, const char *a, const char *b)
{
	size_t		n = strlen(buf);

	snprintf(buf + n, cap - n, fmt, a, b);
}

/* Whether every position of the shape is inside the catalogue. */
static bool
positions_ok(const UkTreeShape *s, const UkAdvTable *tables, int ntables)
{
	for (int i = 0; i < s->query.npreds; i++)
	{
		const UkAdvPred *p = &s->query.preds[i];

		if (p->table < 0 || p->table >= ntables || p->column < 0 ||
			p->column >= tables[p->table].ncolumns ||
			(int) p->kind < 0 || (int) p->kind > UK_ADV_PREFIX)
			return false;
	}
	for (int k = 0; k < 2; k++)
	{
		const UkAdvSortKey *keys = k ? s->query.group_by : s->query.order_by;
		int			n = k ? s->query.ngroup_by : s->query.norder_by;

		for (int i = 0; i < n; i++)
			if (keys[i].table < 0 || keys[i].table >= ntables || keys[i].column < 0 ||
				keys[i].column >= tables[keys[i].table].ncolumns)
				return false;
	}
	return true;
}

static void
keys_str(const UkAdvSortKey *keys, int n, const UkAdvTable *tables,
		 const char *const *labels, char *buf, size_t cap)
{
	for (int i = 0; i < n; i++)
	{
		put(buf, cap, i ? ", %s.%s" : "%s.%s", labels[keys[i].table],
			tables[keys[i].table].columns[keys[i].column].name);
		if (keys[i].desc)
			put(buf, cap, "%s%s", " desc", "");
	}
}

/* The one-line form described at the top of the file. */
static void
shape_str(const UkTreeShape *s, const UkAdvTable *tables,
		  const char *const *labels, char *buf, size_t cap)
{
	const char *sep = "";
	char		num[64];

	buf[0] = '\0';
	for (int i = 0; i < s->query.npreds; i++)
	{
		const UkAdvPred *p = &s->query.preds[i];

		put(buf, cap, "%s%s", i ? "; " : "", kind_names[p->kind]);
		if (p->kind == UK_ADV_IN)
		{
			snprintf(num, sizeof(num), "%.0f", p->count);
			put(buf, cap, "%s%s", num, "");
		}
		put(buf, cap, " %s.%s", labels[p->table],
			tables[p->table].columns[p->column].name);
		sep = " | ";
	}
	if (s->query.norder_by > 0)
	{
		put(buf, cap, "%s%s", sep, "o ");
		keys_str(s->query.order_by, s->query.norder_by, tables, labels, buf, cap);
		sep = " | ";
	}
	if (s->query.ngroup_by > 0)
	{
		put(buf, cap, "%s%s", sep, "g ");
		keys_str(s->query.group_by, s->query.ngroup_by, tables, labels, buf, cap);
		sep = " | ";
	}
	if (s->query.limit > 0)
	{
		snprintf(num, sizeof(num), "l %.0f", s->query.limit);
		put(buf, cap, "%s%s", sep, num);
		sep = " | ";
	}
	if (s->nunresolved > 0)
	{
		snprintf(num, sizeof(num), "u %d", s->nunresolved);
		put(buf, cap, "%s%s", sep, num);
		sep = " | ";
	}
	if (s->nunknown_tables > 0)
	{
		snprintf(num, sizeof(num), "k %d", s->nunknown_tables);
		put(buf, cap, "%s%s", sep, num);
	}
}

/* Shape json and compare with want; the caller's label for messages. */
static void
check_shape(const char *label, const char *json, const UkAdvTable *tables,
			int ntables, const char *const *labels, const char *dflt, bool ci,
			const char *want)
{
	UkTreeShape shape;
	UkError    *err = NULL;
	UkStatus	st;
	char		got[2048];

	st = uk_pgtree_shape(json, strlen(json), tables, ntables, dflt, ci, &shape, &err);
	CHECK(st == UK_OK, "%s: %s", label, err ? err->message : "");
	if (st == UK_OK)
	{
		CHECK(positions_ok(&shape, tables, ntables), "%s: position out of range", label);
		shape_str(&shape, tables, labels, got, sizeof(got));
		CHECK(strcmp(got, want) == 0, "%s\n  got  '%s'\n  want '%s'", label, got, want);
		CHECK(shape.query.id == NULL && shape.query.text == NULL &&
			  shape.query.weight == 0, "%s: id, text, weight not left 0", label);
	}
	uk_pgtree_shape_free(&shape);
	CHECK(shape.query.preds == NULL && shape.query.npreds == 0, "free zeroes");
	uk_error_free(err);
}

static const PtCase gen_cases[] = {
	{"SELECT * FROM t WHERE 5 = a AND $1 > b AND c IS NULL AND d IS NOT NULL AND e LIKE 'abc%'"
			" AND f LIKE '%abc' AND g IN (1, 2) AND h BETWEEN 1 AND 2 AND i = '2023-01-01'::date AND "
			"j = true AND k = NULL AND l = -1 AND m = 1.5",
		"public", false, "EQ t.a; RANGE t.b; ISNULL t.c; PREFIX t.e; IN2 t.g; RANGE t.h; RANGE t.h; EQ t.i; EQ t.j"
			"; EQ t.l; EQ t.m",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"A_Star\":{}}],\"location\":7}},\"location\":7}}"
		"],\"fromClause\":[{\"RangeVar\":{\"relname\":\"t\",\"inh\":true,\"relpersistence\":\"p\""
		",\"location\":14}}],\"whereClause\":{\"BoolExpr\":{\"boolop\":\"AND_EXPR\",\"args\":[{\""
		"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"A_"
		"Const\":{\"ival\":{\"ival\":5},\"location\":22}},\"rexpr\":{\"ColumnRef\":{\"fields\":[{"
		"\"String\":{\"sval\":\"a\"}}],\"location\":26}},\"location\":24}},{\"A_Expr\":{\"kind\":"
		"\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"\\u003e\"}}],\"lexpr\":{\"ParamRef\":{\"n"
		"umber\":1,\"location\":32}},\"rexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":"
		"\"b\"}}],\"location\":37}},\"location\":35}},{\"NullTest\":{\"arg\":{\"ColumnRef\":{\"fi"
		"elds\":[{\"String\":{\"sval\":\"c\"}}],\"location\":43}},\"nulltesttype\":\"IS_NULL\",\""
		"location\":45}},{\"NullTest\":{\"arg\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\""
		":\"d\"}}],\"location\":57}},\"nulltesttype\":\"IS_NOT_NULL\",\"location\":59}},{\"A_Expr"
		"\":{\"kind\":\"AEXPR_LIKE\",\"name\":[{\"String\":{\"sval\":\"~~\"}}],\"lexpr\":{\"Colum"
		"nRef\":{\"fields\":[{\"String\":{\"sval\":\"e\"}}],\"location\":75}},\"rexpr\":{\"A_Cons"
		"t\":{\"sval\":{\"sval\":\"abc%\"},\"location\":82}},\"location\":77}},{\"A_Expr\":{\"kin"
		"d\":\"AEXPR_LIKE\",\"name\":[{\"String\":{\"sval\":\"~~\"}}],\"lexpr\":{\"ColumnRef\":{"
		"\"fields\":[{\"String\":{\"sval\":\"f\"}}],\"location\":93}},\"rexpr\":{\"A_Const\":{\"s"
		"val\":{\"sval\":\"%abc\"},\"location\":100}},\"location\":95}},{\"A_Expr\":{\"kind\":\"A"
		"EXPR_IN\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":"
		"[{\"String\":{\"sval\":\"g\"}}],\"location\":111}},\"rexpr\":{\"List\":{\"items\":[{\"A_"
		"Const\":{\"ival\":{\"ival\":1},\"location\":117}},{\"A_Const\":{\"ival\":{\"ival\":2},\""
		"location\":120}}]}},\"location\":113}},{\"A_Expr\":{\"kind\":\"AEXPR_BETWEEN\",\"name\":"
		"[{\"String\":{\"sval\":\"BETWEEN\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":"
		"{\"sval\":\"h\"}}],\"location\":127}},\"rexpr\":{\"List\":{\"items\":[{\"A_Const\":{\"iv"
		"al\":{\"ival\":1},\"location\":137}},{\"A_Const\":{\"ival\":{\"ival\":2},\"location\":14"
		"3}}]}},\"location\":129}},{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sv"
		"al\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"i\"}}],\"loc"
		"ation\":149}},\"rexpr\":{\"TypeCast\":{\"arg\":{\"A_Const\":{\"sval\":{\"sval\":\"2023-0"
		"1-01\"},\"location\":153}},\"typeName\":{\"names\":[{\"String\":{\"sval\":\"date\"}}],\""
		"typemod\":-1,\"location\":167},\"location\":165}},\"location\":151}},{\"A_Expr\":{\"kind"
		"\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fie"
		"lds\":[{\"String\":{\"sval\":\"j\"}}],\"location\":176}},\"rexpr\":{\"A_Const\":{\"boolv"
		"al\":{\"boolval\":true},\"location\":180}},\"location\":178}},{\"A_Expr\":{\"kind\":\"AE"
		"XPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":["
		"{\"String\":{\"sval\":\"k\"}}],\"location\":189}},\"rexpr\":{\"A_Const\":{\"isnull\":tru"
		"e,\"location\":193}},\"location\":191}},{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\""
		"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":"
		"\"l\"}}],\"location\":202}},\"rexpr\":{\"A_Const\":{\"ival\":{},\"location\":206}},\"loc"
		"ation\":204}},{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}"
		"],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"m\"}}],\"location\":213}"
		"},\"rexpr\":{\"A_Const\":{\"fval\":{\"fval\":\"1.5\"},\"location\":217}},\"location\":21"
		"5}}],\"location\":28}},\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}"
		"]}"},
	{"SELECT a FROM t WHERE a <= 0 AND 10 < b AND c >= $2::int AND '2024-01-01' >= d AND e BET"
			"WEEN SYMMETRIC $1 AND $2 AND f = -$3 AND g IN ($1, $2, $3, 4) AND h = 0 AND i = false AN"
			"D j = ''",
		"public", false, "RANGE t.a; RANGE t.b; RANGE t.c; RANGE t.d; RANGE t.e; RANGE t.e; EQ t.f; IN4 t.g; EQ t."
			"h; EQ t.i; EQ t.j",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"a\"}}],\"location\":7}},\""
		"location\":7}}],\"fromClause\":[{\"RangeVar\":{\"relname\":\"t\",\"inh\":true,\"relpersi"
		"stence\":\"p\",\"location\":14}}],\"whereClause\":{\"BoolExpr\":{\"boolop\":\"AND_EXPR\""
		",\"args\":[{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"\\u003c="
		"\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"a\"}}],\"location\":"
		"22}},\"rexpr\":{\"A_Const\":{\"ival\":{},\"location\":27}},\"location\":24}},{\"A_Expr\""
		":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"\\u003c\"}}],\"lexpr\":{\"A_Co"
		"nst\":{\"ival\":{\"ival\":10},\"location\":33}},\"rexpr\":{\"ColumnRef\":{\"fields\":[{"
		"\"String\":{\"sval\":\"b\"}}],\"location\":38}},\"location\":36}},{\"A_Expr\":{\"kind\":"
		"\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"\\u003e=\"}}],\"lexpr\":{\"ColumnRef\":{"
		"\"fields\":[{\"String\":{\"sval\":\"c\"}}],\"location\":44}},\"rexpr\":{\"TypeCast\":{\""
		"arg\":{\"ParamRef\":{\"number\":2,\"location\":49}},\"typeName\":{\"names\":[{\"String\""
		":{\"sval\":\"pg_catalog\"}},{\"String\":{\"sval\":\"int4\"}}],\"typemod\":-1,\"location"
		"\":53},\"location\":51}},\"location\":46}},{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":["
		"{\"String\":{\"sval\":\"\\u003e=\"}}],\"lexpr\":{\"A_Const\":{\"sval\":{\"sval\":\"2024-"
		"01-01\"},\"location\":61}},\"rexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":"
		"\"d\"}}],\"location\":77}},\"location\":74}},{\"A_Expr\":{\"kind\":\"AEXPR_BETWEEN_SYM\""
		",\"name\":[{\"String\":{\"sval\":\"BETWEEN SYMMETRIC\"}}],\"lexpr\":{\"ColumnRef\":{\"fi"
		"elds\":[{\"String\":{\"sval\":\"e\"}}],\"location\":83}},\"rexpr\":{\"List\":{\"items\":"
		"[{\"ParamRef\":{\"number\":1,\"location\":103}},{\"ParamRef\":{\"number\":2,\"location\""
		":110}}]}},\"location\":85}},{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\""
		"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"f\"}}],\"l"
		"ocation\":117}},\"rexpr\":{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sv"
		"al\":\"-\"}}],\"rexpr\":{\"ParamRef\":{\"number\":3,\"location\":122}},\"location\":121}"
		"},\"location\":119}},{\"A_Expr\":{\"kind\":\"AEXPR_IN\",\"name\":[{\"String\":{\"sval\":"
		"\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"g\"}}],\"location"
		"\":129}},\"rexpr\":{\"List\":{\"items\":[{\"ParamRef\":{\"number\":1,\"location\":135}},"
		"{\"ParamRef\":{\"number\":2,\"location\":139}},{\"ParamRef\":{\"number\":3,\"location\":"
		"143}},{\"A_Const\":{\"ival\":{\"ival\":4},\"location\":147}}]}},\"location\":131}},{\"A_"
		"Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"Colu"
		"mnRef\":{\"fields\":[{\"String\":{\"sval\":\"h\"}}],\"location\":154}},\"rexpr\":{\"A_Co"
		"nst\":{\"ival\":{},\"location\":158}},\"location\":156}},{\"A_Expr\":{\"kind\":\"AEXPR_O"
		"P\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"St"
		"ring\":{\"sval\":\"i\"}}],\"location\":164}},\"rexpr\":{\"A_Const\":{\"boolval\":{},\"lo"
		"cation\":168}},\"location\":166}},{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String"
		"\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"j\"}"
		"}],\"location\":178}},\"rexpr\":{\"A_Const\":{\"sval\":{\"sval\":\"\"},\"location\":182}"
		"},\"location\":180}}],\"location\":29}},\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":"
		"\"SETOP_NONE\"}}}]}"},
	{"SELECT a FROM t WHERE a IS NOT DISTINCT FROM 2 AND NULL IS NOT DISTINCT FROM b AND c = A"
			"NY($1) AND d = ANY(ARRAY[1, 2, 3]) AND flag AND NOT active AND e IS TRUE AND f IS FALSE",
		"public", false, "EQ t.a; ISNULL t.b; IN0 t.c; IN3 t.d; EQ t.flag; EQ t.active; EQ t.e; EQ t.f",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"a\"}}],\"location\":7}},\""
		"location\":7}}],\"fromClause\":[{\"RangeVar\":{\"relname\":\"t\",\"inh\":true,\"relpersi"
		"stence\":\"p\",\"location\":14}}],\"whereClause\":{\"BoolExpr\":{\"boolop\":\"AND_EXPR\""
		",\"args\":[{\"A_Expr\":{\"kind\":\"AEXPR_NOT_DISTINCT\",\"name\":[{\"String\":{\"sval\":"
		"\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"a\"}}],\"location"
		"\":22}},\"rexpr\":{\"A_Const\":{\"ival\":{\"ival\":2},\"location\":45}},\"location\":24}"
		"},{\"A_Expr\":{\"kind\":\"AEXPR_NOT_DISTINCT\",\"name\":[{\"String\":{\"sval\":\"=\"}}],"
		"\"lexpr\":{\"A_Const\":{\"isnull\":true,\"location\":51}},\"rexpr\":{\"ColumnRef\":{\"fi"
		"elds\":[{\"String\":{\"sval\":\"b\"}}],\"location\":77}},\"location\":56}},{\"A_Expr\":{"
		"\"kind\":\"AEXPR_OP_ANY\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRe"
		"f\":{\"fields\":[{\"String\":{\"sval\":\"c\"}}],\"location\":83}},\"rexpr\":{\"ParamRef"
		"\":{\"number\":1,\"location\":91}},\"location\":85}},{\"A_Expr\":{\"kind\":\"AEXPR_OP_AN"
		"Y\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"St"
		"ring\":{\"sval\":\"d\"}}],\"location\":99}},\"rexpr\":{\"A_ArrayExpr\":{\"elements\":[{"
		"\"A_Const\":{\"ival\":{\"ival\":1},\"location\":113}},{\"A_Const\":{\"ival\":{\"ival\":2"
		"},\"location\":116}},{\"A_Const\":{\"ival\":{\"ival\":3},\"location\":119}}],\"location"
		"\":107}},\"location\":101}},{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"flag\"}}"
		"],\"location\":127}},{\"BoolExpr\":{\"boolop\":\"NOT_EXPR\",\"args\":[{\"ColumnRef\":{\""
		"fields\":[{\"String\":{\"sval\":\"active\"}}],\"location\":140}}],\"location\":136}},{\""
		"BooleanTest\":{\"arg\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"e\"}}],\"loca"
		"tion\":151}},\"booltesttype\":\"IS_TRUE\",\"location\":153}},{\"BooleanTest\":{\"arg\":{"
		"\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"f\"}}],\"location\":165}},\"booltestt"
		"ype\":\"IS_FALSE\",\"location\":167}}],\"location\":47}},\"limitOption\":\"LIMIT_OPTION_"
		"DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT a FROM t WHERE d >= now() - interval '1 day' AND e = 'x' COLLATE \"C\" AND f = lo"
			"wer('X')",
		"public", false, "RANGE t.d; EQ t.e; EQ t.f",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"a\"}}],\"location\":7}},\""
		"location\":7}}],\"fromClause\":[{\"RangeVar\":{\"relname\":\"t\",\"inh\":true,\"relpersi"
		"stence\":\"p\",\"location\":14}}],\"whereClause\":{\"BoolExpr\":{\"boolop\":\"AND_EXPR\""
		",\"args\":[{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"\\u003e="
		"\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"d\"}}],\"location\":"
		"22}},\"rexpr\":{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"-\"}"
		"}],\"lexpr\":{\"FuncCall\":{\"funcname\":[{\"String\":{\"sval\":\"now\"}}],\"funcformat"
		"\":\"COERCE_EXPLICIT_CALL\",\"location\":27}},\"rexpr\":{\"TypeCast\":{\"arg\":{\"A_Cons"
		"t\":{\"sval\":{\"sval\":\"1 day\"},\"location\":44}},\"typeName\":{\"names\":[{\"String"
		"\":{\"sval\":\"pg_catalog\"}},{\"String\":{\"sval\":\"interval\"}}],\"typemod\":-1,\"loc"
		"ation\":35},\"location\":-1}},\"location\":33}},\"location\":24}},{\"A_Expr\":{\"kind\":"
		"\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields"
		"\":[{\"String\":{\"sval\":\"e\"}}],\"location\":56}},\"rexpr\":{\"CollateClause\":{\"arg"
		"\":{\"A_Const\":{\"sval\":{\"sval\":\"x\"},\"location\":60}},\"collname\":[{\"String\":{"
		"\"sval\":\"C\"}}],\"location\":64}},\"location\":58}},{\"A_Expr\":{\"kind\":\"AEXPR_OP\""
		",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"Strin"
		"g\":{\"sval\":\"f\"}}],\"location\":80}},\"rexpr\":{\"FuncCall\":{\"funcname\":[{\"Strin"
		"g\":{\"sval\":\"lower\"}}],\"args\":[{\"A_Const\":{\"sval\":{\"sval\":\"X\"},\"location"
		"\":90}}],\"funcformat\":\"COERCE_EXPLICIT_CALL\",\"location\":84}},\"location\":82}}],\""
		"location\":52}},\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT * FROM t WHERE a = 1 OR b = 2",
		"public", false, "",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"A_Star\":{}}],\"location\":7}},\"location\":7}}"
		"],\"fromClause\":[{\"RangeVar\":{\"relname\":\"t\",\"inh\":true,\"relpersistence\":\"p\""
		",\"location\":14}}],\"whereClause\":{\"BoolExpr\":{\"boolop\":\"OR_EXPR\",\"args\":[{\"A"
		"_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"Col"
		"umnRef\":{\"fields\":[{\"String\":{\"sval\":\"a\"}}],\"location\":22}},\"rexpr\":{\"A_Co"
		"nst\":{\"ival\":{\"ival\":1},\"location\":26}},\"location\":24}},{\"A_Expr\":{\"kind\":"
		"\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields"
		"\":[{\"String\":{\"sval\":\"b\"}}],\"location\":31}},\"rexpr\":{\"A_Const\":{\"ival\":{"
		"\"ival\":2},\"location\":35}},\"location\":33}}],\"location\":28}},\"limitOption\":\"LIM"
		"IT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT * FROM t WHERE NOT (a = 1) AND lower(d) = 'x' AND a::text = '1' AND a + 0 = 1 AND"
			" a <> 1 AND b != 2 AND c NOT IN (1) AND d NOT LIKE 'x%' AND e ILIKE 'x%' AND f NOT BETWE"
			"EN 1 AND 2 AND g IS NOT NULL AND h IS NOT TRUE AND i = b AND j IS DISTINCT FROM 1",
		"public", false, "",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"A_Star\":{}}],\"location\":7}},\"location\":7}}"
		"],\"fromClause\":[{\"RangeVar\":{\"relname\":\"t\",\"inh\":true,\"relpersistence\":\"p\""
		",\"location\":14}}],\"whereClause\":{\"BoolExpr\":{\"boolop\":\"AND_EXPR\",\"args\":[{\""
		"BoolExpr\":{\"boolop\":\"NOT_EXPR\",\"args\":[{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name"
		"\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\""
		"sval\":\"a\"}}],\"location\":27}},\"rexpr\":{\"A_Const\":{\"ival\":{\"ival\":1},\"locati"
		"on\":31}},\"location\":29}}],\"location\":22}},{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name"
		"\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"FuncCall\":{\"funcname\":[{\"String\":{"
		"\"sval\":\"lower\"}}],\"args\":[{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"d\"}"
		"}],\"location\":44}}],\"funcformat\":\"COERCE_EXPLICIT_CALL\",\"location\":38}},\"rexpr"
		"\":{\"A_Const\":{\"sval\":{\"sval\":\"x\"},\"location\":49}},\"location\":47}},{\"A_Expr"
		"\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"TypeCast"
		"\":{\"arg\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"a\"}}],\"location\":57}}"
		",\"typeName\":{\"names\":[{\"String\":{\"sval\":\"text\"}}],\"typemod\":-1,\"location\":"
		"60},\"location\":58}},\"rexpr\":{\"A_Const\":{\"sval\":{\"sval\":\"1\"},\"location\":67}"
		"},\"location\":65}},{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":"
		"\"=\"}}],\"lexpr\":{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\""
		"+\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"a\"}}],\"location\""
		":75}},\"rexpr\":{\"A_Const\":{\"ival\":{},\"location\":79}},\"location\":77}},\"rexpr\":"
		"{\"A_Const\":{\"ival\":{\"ival\":1},\"location\":83}},\"location\":81}},{\"A_Expr\":{\"k"
		"ind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"\\u003c\\u003e\"}}],\"lexpr\":{\"Co"
		"lumnRef\":{\"fields\":[{\"String\":{\"sval\":\"a\"}}],\"location\":89}},\"rexpr\":{\"A_C"
		"onst\":{\"ival\":{\"ival\":1},\"location\":94}},\"location\":91}},{\"A_Expr\":{\"kind\":"
		"\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"\\u003c\\u003e\"}}],\"lexpr\":{\"ColumnRe"
		"f\":{\"fields\":[{\"String\":{\"sval\":\"b\"}}],\"location\":100}},\"rexpr\":{\"A_Const"
		"\":{\"ival\":{\"ival\":2},\"location\":105}},\"location\":102}},{\"A_Expr\":{\"kind\":\""
		"AEXPR_IN\",\"name\":[{\"String\":{\"sval\":\"\\u003c\\u003e\"}}],\"lexpr\":{\"ColumnRef"
		"\":{\"fields\":[{\"String\":{\"sval\":\"c\"}}],\"location\":111}},\"rexpr\":{\"List\":{"
		"\"items\":[{\"A_Const\":{\"ival\":{\"ival\":1},\"location\":121}}]}},\"location\":113}},"
		"{\"A_Expr\":{\"kind\":\"AEXPR_LIKE\",\"name\":[{\"String\":{\"sval\":\"!~~\"}}],\"lexpr"
		"\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"d\"}}],\"location\":128}},\"rexpr"
		"\":{\"A_Const\":{\"sval\":{\"sval\":\"x%\"},\"location\":139}},\"location\":130}},{\"A_E"
		"xpr\":{\"kind\":\"AEXPR_ILIKE\",\"name\":[{\"String\":{\"sval\":\"~~*\"}}],\"lexpr\":{\""
		"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"e\"}}],\"location\":148}},\"rexpr\":{\""
		"A_Const\":{\"sval\":{\"sval\":\"x%\"},\"location\":156}},\"location\":150}},{\"A_Expr\":"
		"{\"kind\":\"AEXPR_NOT_BETWEEN\",\"name\":[{\"String\":{\"sval\":\"NOT BETWEEN\"}}],\"lex"
		"pr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"f\"}}],\"location\":165}},\"rex"
		"pr\":{\"List\":{\"items\":[{\"A_Const\":{\"ival\":{\"ival\":1},\"location\":179}},{\"A_C"
		"onst\":{\"ival\":{\"ival\":2},\"location\":185}}]}},\"location\":167}},{\"NullTest\":{\""
		"arg\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"g\"}}],\"location\":191}},\"nu"
		"lltesttype\":\"IS_NOT_NULL\",\"location\":193}},{\"BooleanTest\":{\"arg\":{\"ColumnRef\""
		":{\"fields\":[{\"String\":{\"sval\":\"h\"}}],\"location\":209}},\"booltesttype\":\"IS_NO"
		"T_TRUE\",\"location\":211}},{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\""
		"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"i\"}}],\"l"
		"ocation\":227}},\"rexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"b\"}}],\"l"
		"ocation\":231}},\"location\":229}},{\"A_Expr\":{\"kind\":\"AEXPR_DISTINCT\",\"name\":[{"
		"\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval"
		"\":\"j\"}}],\"location\":237}},\"rexpr\":{\"A_Const\":{\"ival\":{\"ival\":1},\"location"
		"\":256}},\"location\":239}}],\"location\":34}},\"limitOption\":\"LIMIT_OPTION_DEFAULT\","
		"\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT * FROM t WHERE a = (SELECT 1) AND b = c + 1 AND (a, b) = (1, 2) AND k < ALL($1) A"
			"ND l = ANY(ARRAY[a])",
		"public", false, "",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"A_Star\":{}}],\"location\":7}},\"location\":7}}"
		"],\"fromClause\":[{\"RangeVar\":{\"relname\":\"t\",\"inh\":true,\"relpersistence\":\"p\""
		",\"location\":14}}],\"whereClause\":{\"BoolExpr\":{\"boolop\":\"AND_EXPR\",\"args\":[{\""
		"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"Co"
		"lumnRef\":{\"fields\":[{\"String\":{\"sval\":\"a\"}}],\"location\":22}},\"rexpr\":{\"Sub"
		"Link\":{\"subLinkType\":\"EXPR_SUBLINK\",\"subselect\":{\"SelectStmt\":{\"targetList\":["
		"{\"ResTarget\":{\"val\":{\"A_Const\":{\"ival\":{\"ival\":1},\"location\":34}},\"location"
		"\":34}}],\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}},\"location\":2"
		"6}},\"location\":24}},{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\""
		":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"b\"}}],\"locatio"
		"n\":41}},\"rexpr\":{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\""
		"+\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"c\"}}],\"location\""
		":45}},\"rexpr\":{\"A_Const\":{\"ival\":{\"ival\":1},\"location\":49}},\"location\":47}},"
		"\"location\":43}},{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"="
		"\"}}],\"lexpr\":{\"RowExpr\":{\"args\":[{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval"
		"\":\"a\"}}],\"location\":56}},{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"b\"}}]"
		",\"location\":59}}],\"row_format\":\"COERCE_IMPLICIT_CAST\",\"location\":55}},\"rexpr\":"
		"{\"RowExpr\":{\"args\":[{\"A_Const\":{\"ival\":{\"ival\":1},\"location\":65}},{\"A_Const"
		"\":{\"ival\":{\"ival\":2},\"location\":68}}],\"row_format\":\"COERCE_IMPLICIT_CAST\",\"l"
		"ocation\":64}},\"location\":62}},{\"A_Expr\":{\"kind\":\"AEXPR_OP_ALL\",\"name\":[{\"Str"
		"ing\":{\"sval\":\"\\u003c\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval"
		"\":\"k\"}}],\"location\":75}},\"rexpr\":{\"ParamRef\":{\"number\":1,\"location\":83}},\""
		"location\":77}},{\"A_Expr\":{\"kind\":\"AEXPR_OP_ANY\",\"name\":[{\"String\":{\"sval\":"
		"\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"l\"}}],\"location"
		"\":91}},\"rexpr\":{\"A_ArrayExpr\":{\"elements\":[{\"ColumnRef\":{\"fields\":[{\"String"
		"\":{\"sval\":\"a\"}}],\"location\":105}}],\"location\":99}},\"location\":93}}],\"locatio"
		"n\":37}},\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT a FROM t WHERE a LIKE 'a\\%b%' AND b LIKE 'abc' AND c LIKE $1 AND d LIKE '%' AND "
			"e LIKE '_x%' AND f LIKE 'ab' ESCAPE '!' AND g LIKE 'a\\' AND h LIKE 'x_y'",
		"public", false, "PREFIX t.a; EQ t.b; PREFIX t.h",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"a\"}}],\"location\":7}},\""
		"location\":7}}],\"fromClause\":[{\"RangeVar\":{\"relname\":\"t\",\"inh\":true,\"relpersi"
		"stence\":\"p\",\"location\":14}}],\"whereClause\":{\"BoolExpr\":{\"boolop\":\"AND_EXPR\""
		",\"args\":[{\"A_Expr\":{\"kind\":\"AEXPR_LIKE\",\"name\":[{\"String\":{\"sval\":\"~~\"}}"
		"],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"a\"}}],\"location\":22}}"
		",\"rexpr\":{\"A_Const\":{\"sval\":{\"sval\":\"a\\\\%b%\"},\"location\":29}},\"location\""
		":24}},{\"A_Expr\":{\"kind\":\"AEXPR_LIKE\",\"name\":[{\"String\":{\"sval\":\"~~\"}}],\"l"
		"expr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"b\"}}],\"location\":41}},\"re"
		"xpr\":{\"A_Const\":{\"sval\":{\"sval\":\"abc\"},\"location\":48}},\"location\":43}},{\"A"
		"_Expr\":{\"kind\":\"AEXPR_LIKE\",\"name\":[{\"String\":{\"sval\":\"~~\"}}],\"lexpr\":{\""
		"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"c\"}}],\"location\":58}},\"rexpr\":{\"P"
		"aramRef\":{\"number\":1,\"location\":65}},\"location\":60}},{\"A_Expr\":{\"kind\":\"AEXP"
		"R_LIKE\",\"name\":[{\"String\":{\"sval\":\"~~\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":"
		"[{\"String\":{\"sval\":\"d\"}}],\"location\":72}},\"rexpr\":{\"A_Const\":{\"sval\":{\"sv"
		"al\":\"%\"},\"location\":79}},\"location\":74}},{\"A_Expr\":{\"kind\":\"AEXPR_LIKE\",\"n"
		"ame\":[{\"String\":{\"sval\":\"~~\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\""
		":{\"sval\":\"e\"}}],\"location\":87}},\"rexpr\":{\"A_Const\":{\"sval\":{\"sval\":\"_x%\""
		"},\"location\":94}},\"location\":89}},{\"A_Expr\":{\"kind\":\"AEXPR_LIKE\",\"name\":[{\""
		"String\":{\"sval\":\"~~\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\""
		":\"f\"}}],\"location\":104}},\"rexpr\":{\"FuncCall\":{\"funcname\":[{\"String\":{\"sval"
		"\":\"pg_catalog\"}},{\"String\":{\"sval\":\"like_escape\"}}],\"args\":[{\"A_Const\":{\"s"
		"val\":{\"sval\":\"ab\"},\"location\":111}},{\"A_Const\":{\"sval\":{\"sval\":\"!\"},\"loc"
		"ation\":123}}],\"funcformat\":\"COERCE_EXPLICIT_CALL\",\"location\":106}},\"location\":1"
		"06}},{\"A_Expr\":{\"kind\":\"AEXPR_LIKE\",\"name\":[{\"String\":{\"sval\":\"~~\"}}],\"le"
		"xpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"g\"}}],\"location\":131}},\"re"
		"xpr\":{\"A_Const\":{\"sval\":{\"sval\":\"a\\\\\"},\"location\":138}},\"location\":133}},"
		"{\"A_Expr\":{\"kind\":\"AEXPR_LIKE\",\"name\":[{\"String\":{\"sval\":\"~~\"}}],\"lexpr\""
		":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"h\"}}],\"location\":147}},\"rexpr\""
		":{\"A_Const\":{\"sval\":{\"sval\":\"x_y\"},\"location\":154}},\"location\":149}}],\"loca"
		"tion\":37}},\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT * FROM s.t x, u WHERE x.a = u.b AND x.x = 1",
		"public", false, "JOIN st.a; JOIN u.b; EQ st.x",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"A_Star\":{}}],\"location\":7}},\"location\":7}}"
		"],\"fromClause\":[{\"RangeVar\":{\"schemaname\":\"s\",\"relname\":\"t\",\"inh\":true,\"r"
		"elpersistence\":\"p\",\"alias\":{\"aliasname\":\"x\"},\"location\":14}},{\"RangeVar\":{"
		"\"relname\":\"u\",\"inh\":true,\"relpersistence\":\"p\",\"location\":21}}],\"whereClause"
		"\":{\"BoolExpr\":{\"boolop\":\"AND_EXPR\",\"args\":[{\"A_Expr\":{\"kind\":\"AEXPR_OP\","
		"\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String"
		"\":{\"sval\":\"x\"}},{\"String\":{\"sval\":\"a\"}}],\"location\":29}},\"rexpr\":{\"Colum"
		"nRef\":{\"fields\":[{\"String\":{\"sval\":\"u\"}},{\"String\":{\"sval\":\"b\"}}],\"locat"
		"ion\":35}},\"location\":33}},{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{"
		"\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"x\"}},{"
		"\"String\":{\"sval\":\"x\"}}],\"location\":43}},\"rexpr\":{\"A_Const\":{\"ival\":{\"ival"
		"\":1},\"location\":49}},\"location\":47}}],\"location\":39}},\"limitOption\":\"LIMIT_OPT"
		"ION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT m.a FROM t m JOIN u p ON p.id = m.a AND p.y > 3 LEFT JOIN s.v ON v.id = p.x WHERE"
			" p.c = $1",
		"public", false, "JOIN u.id; JOIN t.a; RANGE u.y; JOIN v.id; JOIN u.x; EQ u.c",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"m\"}},{\"String\":{\"sval"
		"\":\"a\"}}],\"location\":7}},\"location\":7}}],\"fromClause\":[{\"JoinExpr\":{\"jointype"
		"\":\"JOIN_LEFT\",\"larg\":{\"JoinExpr\":{\"jointype\":\"JOIN_INNER\",\"larg\":{\"RangeVa"
		"r\":{\"relname\":\"t\",\"inh\":true,\"relpersistence\":\"p\",\"alias\":{\"aliasname\":\""
		"m\"},\"location\":16}},\"rarg\":{\"RangeVar\":{\"relname\":\"u\",\"inh\":true,\"relpersi"
		"stence\":\"p\",\"alias\":{\"aliasname\":\"p\"},\"location\":25}},\"quals\":{\"BoolExpr\""
		":{\"boolop\":\"AND_EXPR\",\"args\":[{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"Stri"
		"ng\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"p"
		"\"}},{\"String\":{\"sval\":\"id\"}}],\"location\":32}},\"rexpr\":{\"ColumnRef\":{\"field"
		"s\":[{\"String\":{\"sval\":\"m\"}},{\"String\":{\"sval\":\"a\"}}],\"location\":39}},\"lo"
		"cation\":37}},{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"\\u00"
		"3e\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"p\"}},{\"String\":"
		"{\"sval\":\"y\"}}],\"location\":47}},\"rexpr\":{\"A_Const\":{\"ival\":{\"ival\":3},\"loc"
		"ation\":53}},\"location\":51}}],\"location\":43}}}},\"rarg\":{\"RangeVar\":{\"schemaname"
		"\":\"s\",\"relname\":\"v\",\"inh\":true,\"relpersistence\":\"p\",\"location\":65}},\"qua"
		"ls\":{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr"
		"\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"v\"}},{\"String\":{\"sval\":\"id"
		"\"}}],\"location\":72}},\"rexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"p"
		"\"}},{\"String\":{\"sval\":\"x\"}}],\"location\":79}},\"location\":77}}}}],\"whereClause"
		"\":{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\""
		":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"p\"}},{\"String\":{\"sval\":\"c\"}}"
		"],\"location\":89}},\"rexpr\":{\"ParamRef\":{\"number\":1,\"location\":95}},\"location\""
		":93}},\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT t.* FROM public.t WHERE public.t.a = 1 AND t.b = 2 AND s.t.c = 3",
		"public", false, "EQ t.a; EQ t.b | u 1",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"t\"}},{\"A_Star\":{}}],\"l"
		"ocation\":7}},\"location\":7}}],\"fromClause\":[{\"RangeVar\":{\"schemaname\":\"public\""
		",\"relname\":\"t\",\"inh\":true,\"relpersistence\":\"p\",\"location\":16}}],\"whereClaus"
		"e\":{\"BoolExpr\":{\"boolop\":\"AND_EXPR\",\"args\":[{\"A_Expr\":{\"kind\":\"AEXPR_OP\","
		"\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String"
		"\":{\"sval\":\"public\"}},{\"String\":{\"sval\":\"t\"}},{\"String\":{\"sval\":\"a\"}}],"
		"\"location\":31}},\"rexpr\":{\"A_Const\":{\"ival\":{\"ival\":1},\"location\":44}},\"loca"
		"tion\":42}},{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],"
		"\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"t\"}},{\"String\":{\"sval"
		"\":\"b\"}}],\"location\":50}},\"rexpr\":{\"A_Const\":{\"ival\":{\"ival\":2},\"location\""
		":56}},\"location\":54}},{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval"
		"\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"s\"}},{\"Strin"
		"g\":{\"sval\":\"t\"}},{\"String\":{\"sval\":\"c\"}}],\"location\":62}},\"rexpr\":{\"A_Co"
		"nst\":{\"ival\":{\"ival\":3},\"location\":70}},\"location\":68}}],\"location\":46}},\"li"
		"mitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT * FROM t WHERE public.t.a = 1",
		"public", false, "EQ t.a",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"A_Star\":{}}],\"location\":7}},\"location\":7}}"
		"],\"fromClause\":[{\"RangeVar\":{\"relname\":\"t\",\"inh\":true,\"relpersistence\":\"p\""
		",\"location\":14}}],\"whereClause\":{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"Stri"
		"ng\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"pu"
		"blic\"}},{\"String\":{\"sval\":\"t\"}},{\"String\":{\"sval\":\"a\"}}],\"location\":22}},"
		"\"rexpr\":{\"A_Const\":{\"ival\":{\"ival\":1},\"location\":35}},\"location\":33}},\"limi"
		"tOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT * FROM t AS x WHERE t.a = 1 AND x.b = 2",
		"public", false, "EQ t.b | u 1",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"A_Star\":{}}],\"location\":7}},\"location\":7}}"
		"],\"fromClause\":[{\"RangeVar\":{\"relname\":\"t\",\"inh\":true,\"relpersistence\":\"p\""
		",\"alias\":{\"aliasname\":\"x\"},\"location\":14}}],\"whereClause\":{\"BoolExpr\":{\"boo"
		"lop\":\"AND_EXPR\",\"args\":[{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{"
		"\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"t\"}},{"
		"\"String\":{\"sval\":\"a\"}}],\"location\":27}},\"rexpr\":{\"A_Const\":{\"ival\":{\"ival"
		"\":1},\"location\":33}},\"location\":31}},{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{"
		"\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval"
		"\":\"x\"}},{\"String\":{\"sval\":\"b\"}}],\"location\":39}},\"rexpr\":{\"A_Const\":{\"iv"
		"al\":{\"ival\":2},\"location\":45}},\"location\":43}}],\"location\":35}},\"limitOption\""
		":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT * FROM t t1 JOIN t t2 ON t1.a = t2.b WHERE t1.c = t1.d",
		"public", false, "JOIN t.a; JOIN t.b",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"A_Star\":{}}],\"location\":7}},\"location\":7}}"
		"],\"fromClause\":[{\"JoinExpr\":{\"jointype\":\"JOIN_INNER\",\"larg\":{\"RangeVar\":{\"r"
		"elname\":\"t\",\"inh\":true,\"relpersistence\":\"p\",\"alias\":{\"aliasname\":\"t1\"},\""
		"location\":14}},\"rarg\":{\"RangeVar\":{\"relname\":\"t\",\"inh\":true,\"relpersistence"
		"\":\"p\",\"alias\":{\"aliasname\":\"t2\"},\"location\":24}},\"quals\":{\"A_Expr\":{\"kin"
		"d\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fi"
		"elds\":[{\"String\":{\"sval\":\"t1\"}},{\"String\":{\"sval\":\"a\"}}],\"location\":32}},"
		"\"rexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"t2\"}},{\"String\":{\"sval"
		"\":\"b\"}}],\"location\":39}},\"location\":37}}}}],\"whereClause\":{\"A_Expr\":{\"kind\""
		":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"field"
		"s\":[{\"String\":{\"sval\":\"t1\"}},{\"String\":{\"sval\":\"c\"}}],\"location\":50}},\"r"
		"expr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"t1\"}},{\"String\":{\"sval\":"
		"\"d\"}}],\"location\":57}},\"location\":55}},\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\""
		"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT * FROM t JOIN u USING (id) JOIN s.v USING (vonly)",
		"public", false, "JOIN t.id; JOIN u.id | u 1",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"A_Star\":{}}],\"location\":7}},\"location\":7}}"
		"],\"fromClause\":[{\"JoinExpr\":{\"jointype\":\"JOIN_INNER\",\"larg\":{\"JoinExpr\":{\"j"
		"ointype\":\"JOIN_INNER\",\"larg\":{\"RangeVar\":{\"relname\":\"t\",\"inh\":true,\"relper"
		"sistence\":\"p\",\"location\":14}},\"rarg\":{\"RangeVar\":{\"relname\":\"u\",\"inh\":tru"
		"e,\"relpersistence\":\"p\",\"location\":21}},\"usingClause\":[{\"String\":{\"sval\":\"id"
		"\"}}]}},\"rarg\":{\"RangeVar\":{\"schemaname\":\"s\",\"relname\":\"v\",\"inh\":true,\"re"
		"lpersistence\":\"p\",\"location\":39}},\"usingClause\":[{\"String\":{\"sval\":\"vonly\"}"
		"}]}}],\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT * FROM t JOIN u ON t.a = u.a WHERE flag AND x = 1 AND a = 2 AND nosuch = 3",
		"public", false, "JOIN t.a; JOIN u.a; EQ t.flag; EQ u.x | u 2",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"A_Star\":{}}],\"location\":7}},\"location\":7}}"
		"],\"fromClause\":[{\"JoinExpr\":{\"jointype\":\"JOIN_INNER\",\"larg\":{\"RangeVar\":{\"r"
		"elname\":\"t\",\"inh\":true,\"relpersistence\":\"p\",\"location\":14}},\"rarg\":{\"Range"
		"Var\":{\"relname\":\"u\",\"inh\":true,\"relpersistence\":\"p\",\"location\":21}},\"quals"
		"\":{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\""
		":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"t\"}},{\"String\":{\"sval\":\"a\"}}"
		"],\"location\":26}},\"rexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"u\"}},"
		"{\"String\":{\"sval\":\"a\"}}],\"location\":32}},\"location\":30}}}}],\"whereClause\":{"
		"\"BoolExpr\":{\"boolop\":\"AND_EXPR\",\"args\":[{\"ColumnRef\":{\"fields\":[{\"String\":"
		"{\"sval\":\"flag\"}}],\"location\":42}},{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\""
		"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":"
		"\"x\"}}],\"location\":51}},\"rexpr\":{\"A_Const\":{\"ival\":{\"ival\":1},\"location\":55"
		"}},\"location\":53}},{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":"
		"\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"a\"}}],\"location"
		"\":61}},\"rexpr\":{\"A_Const\":{\"ival\":{\"ival\":2},\"location\":65}},\"location\":63}"
		"},{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":"
		"{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"nosuch\"}}],\"location\":71}},\"rexp"
		"r\":{\"A_Const\":{\"ival\":{\"ival\":3},\"location\":80}},\"location\":78}}],\"location"
		"\":47}},\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT * FROM nosuch n JOIN t ON t.a = n.a WHERE n.b = 1 AND c = 2 AND t.d = 3",
		"public", false, "JOIN t.a; EQ t.d | u 3 | k 1",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"A_Star\":{}}],\"location\":7}},\"location\":7}}"
		"],\"fromClause\":[{\"JoinExpr\":{\"jointype\":\"JOIN_INNER\",\"larg\":{\"RangeVar\":{\"r"
		"elname\":\"nosuch\",\"inh\":true,\"relpersistence\":\"p\",\"alias\":{\"aliasname\":\"n\""
		"},\"location\":14}},\"rarg\":{\"RangeVar\":{\"relname\":\"t\",\"inh\":true,\"relpersiste"
		"nce\":\"p\",\"location\":28}},\"quals\":{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\""
		"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":"
		"\"t\"}},{\"String\":{\"sval\":\"a\"}}],\"location\":33}},\"rexpr\":{\"ColumnRef\":{\"fie"
		"lds\":[{\"String\":{\"sval\":\"n\"}},{\"String\":{\"sval\":\"a\"}}],\"location\":39}},\""
		"location\":37}}}}],\"whereClause\":{\"BoolExpr\":{\"boolop\":\"AND_EXPR\",\"args\":[{\"A"
		"_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"Col"
		"umnRef\":{\"fields\":[{\"String\":{\"sval\":\"n\"}},{\"String\":{\"sval\":\"b\"}}],\"loc"
		"ation\":49}},\"rexpr\":{\"A_Const\":{\"ival\":{\"ival\":1},\"location\":55}},\"location"
		"\":53}},{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"le"
		"xpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"c\"}}],\"location\":61}},\"rex"
		"pr\":{\"A_Const\":{\"ival\":{\"ival\":2},\"location\":65}},\"location\":63}},{\"A_Expr\""
		":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef"
		"\":{\"fields\":[{\"String\":{\"sval\":\"t\"}},{\"String\":{\"sval\":\"d\"}}],\"location"
		"\":71}},\"rexpr\":{\"A_Const\":{\"ival\":{\"ival\":3},\"location\":77}},\"location\":75}"
		"}],\"location\":57}},\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT * FROM t, generate_series(1, 3) g WHERE a = 1 AND t.b = 2 AND g.x = 3",
		"public", false, "EQ t.b | u 2",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"A_Star\":{}}],\"location\":7}},\"location\":7}}"
		"],\"fromClause\":[{\"RangeVar\":{\"relname\":\"t\",\"inh\":true,\"relpersistence\":\"p\""
		",\"location\":14}},{\"RangeFunction\":{\"functions\":[{\"List\":{\"items\":[{\"FuncCall"
		"\":{\"funcname\":[{\"String\":{\"sval\":\"generate_series\"}}],\"args\":[{\"A_Const\":{"
		"\"ival\":{\"ival\":1},\"location\":33}},{\"A_Const\":{\"ival\":{\"ival\":3},\"location\""
		":36}}],\"funcformat\":\"COERCE_EXPLICIT_CALL\",\"location\":17}},{}]}}],\"alias\":{\"ali"
		"asname\":\"g\"}}}],\"whereClause\":{\"BoolExpr\":{\"boolop\":\"AND_EXPR\",\"args\":[{\"A"
		"_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"Col"
		"umnRef\":{\"fields\":[{\"String\":{\"sval\":\"a\"}}],\"location\":47}},\"rexpr\":{\"A_Co"
		"nst\":{\"ival\":{\"ival\":1},\"location\":51}},\"location\":49}},{\"A_Expr\":{\"kind\":"
		"\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields"
		"\":[{\"String\":{\"sval\":\"t\"}},{\"String\":{\"sval\":\"b\"}}],\"location\":57}},\"rex"
		"pr\":{\"A_Const\":{\"ival\":{\"ival\":2},\"location\":63}},\"location\":61}},{\"A_Expr\""
		":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef"
		"\":{\"fields\":[{\"String\":{\"sval\":\"g\"}},{\"String\":{\"sval\":\"x\"}}],\"location"
		"\":69}},\"rexpr\":{\"A_Const\":{\"ival\":{\"ival\":3},\"location\":75}},\"location\":73}"
		"}],\"location\":53}},\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT * FROM t WHERE a = 1",
		NULL, false, "u 1 | k 1",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"A_Star\":{}}],\"location\":7}},\"location\":7}}"
		"],\"fromClause\":[{\"RangeVar\":{\"relname\":\"t\",\"inh\":true,\"relpersistence\":\"p\""
		",\"location\":14}}],\"whereClause\":{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"Stri"
		"ng\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"a"
		"\"}}],\"location\":22}},\"rexpr\":{\"A_Const\":{\"ival\":{\"ival\":1},\"location\":26}},"
		"\"location\":24}},\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT * FROM t WHERE a = 1",
		"", false, "u 1 | k 1",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"A_Star\":{}}],\"location\":7}},\"location\":7}}"
		"],\"fromClause\":[{\"RangeVar\":{\"relname\":\"t\",\"inh\":true,\"relpersistence\":\"p\""
		",\"location\":14}}],\"whereClause\":{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"Stri"
		"ng\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"a"
		"\"}}],\"location\":22}},\"rexpr\":{\"A_Const\":{\"ival\":{\"ival\":1},\"location\":26}},"
		"\"location\":24}},\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT * FROM t WHERE a = 1",
		"s", false, "EQ st.a",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"A_Star\":{}}],\"location\":7}},\"location\":7}}"
		"],\"fromClause\":[{\"RangeVar\":{\"relname\":\"t\",\"inh\":true,\"relpersistence\":\"p\""
		",\"location\":14}}],\"whereClause\":{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"Stri"
		"ng\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"a"
		"\"}}],\"location\":22}},\"rexpr\":{\"A_Const\":{\"ival\":{\"ival\":1},\"location\":26}},"
		"\"location\":24}},\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT * FROM v WHERE id = 1",
		NULL, false, "EQ v.id",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"A_Star\":{}}],\"location\":7}},\"location\":7}}"
		"],\"fromClause\":[{\"RangeVar\":{\"relname\":\"v\",\"inh\":true,\"relpersistence\":\"p\""
		",\"location\":14}}],\"whereClause\":{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"Stri"
		"ng\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"id"
		"\"}}],\"location\":22}},\"rexpr\":{\"A_Const\":{\"ival\":{\"ival\":1},\"location\":27}},"
		"\"location\":25}},\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT * FROM v WHERE id = 1",
		"public", false, "u 1 | k 1",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"A_Star\":{}}],\"location\":7}},\"location\":7}}"
		"],\"fromClause\":[{\"RangeVar\":{\"relname\":\"v\",\"inh\":true,\"relpersistence\":\"p\""
		",\"location\":14}}],\"whereClause\":{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"Stri"
		"ng\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"id"
		"\"}}],\"location\":22}},\"rexpr\":{\"A_Const\":{\"ival\":{\"ival\":1},\"location\":27}},"
		"\"location\":25}},\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT * FROM w WHERE wa = 1",
		"public", false, "EQ w.wa",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"A_Star\":{}}],\"location\":7}},\"location\":7}}"
		"],\"fromClause\":[{\"RangeVar\":{\"relname\":\"w\",\"inh\":true,\"relpersistence\":\"p\""
		",\"location\":14}}],\"whereClause\":{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"Stri"
		"ng\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"wa"
		"\"}}],\"location\":22}},\"rexpr\":{\"A_Const\":{\"ival\":{\"ival\":1},\"location\":27}},"
		"\"location\":25}},\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT * FROM other.u WHERE z = 1 AND u.a = 2",
		NULL, false, "EQ ou.z; EQ ou.a",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"A_Star\":{}}],\"location\":7}},\"location\":7}}"
		"],\"fromClause\":[{\"RangeVar\":{\"schemaname\":\"other\",\"relname\":\"u\",\"inh\":true"
		",\"relpersistence\":\"p\",\"location\":14}}],\"whereClause\":{\"BoolExpr\":{\"boolop\":"
		"\"AND_EXPR\",\"args\":[{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval"
		"\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"z\"}}],\"locat"
		"ion\":28}},\"rexpr\":{\"A_Const\":{\"ival\":{\"ival\":1},\"location\":32}},\"location\":"
		"30}},{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr"
		"\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"u\"}},{\"String\":{\"sval\":\"a\""
		"}}],\"location\":38}},\"rexpr\":{\"A_Const\":{\"ival\":{\"ival\":2},\"location\":44}},\""
		"location\":42}}],\"location\":34}},\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SET"
		"OP_NONE\"}}}]}"},
	{"SELECT * FROM nosuch.t WHERE a = 1",
		"public", false, "u 1 | k 1",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"A_Star\":{}}],\"location\":7}},\"location\":7}}"
		"],\"fromClause\":[{\"RangeVar\":{\"schemaname\":\"nosuch\",\"relname\":\"t\",\"inh\":tru"
		"e,\"relpersistence\":\"p\",\"location\":14}}],\"whereClause\":{\"A_Expr\":{\"kind\":\"AE"
		"XPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":["
		"{\"String\":{\"sval\":\"a\"}}],\"location\":29}},\"rexpr\":{\"A_Const\":{\"ival\":{\"iva"
		"l\":1},\"location\":33}},\"location\":31}},\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op"
		"\":\"SETOP_NONE\"}}}]}"},
	{"SELECT * FROM t WHERE \"MIXED\" = 1 AND \"A\" = 2 AND t.\"Mixed\" = 3",
		"public", true, "EQ t.Mixed; EQ t.a; EQ t.Mixed",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"A_Star\":{}}],\"location\":7}},\"location\":7}}"
		"],\"fromClause\":[{\"RangeVar\":{\"relname\":\"t\",\"inh\":true,\"relpersistence\":\"p\""
		",\"location\":14}}],\"whereClause\":{\"BoolExpr\":{\"boolop\":\"AND_EXPR\",\"args\":[{\""
		"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"Co"
		"lumnRef\":{\"fields\":[{\"String\":{\"sval\":\"MIXED\"}}],\"location\":22}},\"rexpr\":{"
		"\"A_Const\":{\"ival\":{\"ival\":1},\"location\":32}},\"location\":30}},{\"A_Expr\":{\"ki"
		"nd\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"f"
		"ields\":[{\"String\":{\"sval\":\"A\"}}],\"location\":38}},\"rexpr\":{\"A_Const\":{\"ival"
		"\":{\"ival\":2},\"location\":44}},\"location\":42}},{\"A_Expr\":{\"kind\":\"AEXPR_OP\","
		"\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String"
		"\":{\"sval\":\"t\"}},{\"String\":{\"sval\":\"Mixed\"}}],\"location\":50}},\"rexpr\":{\"A"
		"_Const\":{\"ival\":{\"ival\":3},\"location\":62}},\"location\":60}}],\"location\":34}},"
		"\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT * FROM t WHERE \"MIXED\" = 1 AND \"A\" = 2 AND t.\"Mixed\" = 3",
		"public", false, "EQ t.Mixed | u 2",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"A_Star\":{}}],\"location\":7}},\"location\":7}}"
		"],\"fromClause\":[{\"RangeVar\":{\"relname\":\"t\",\"inh\":true,\"relpersistence\":\"p\""
		",\"location\":14}}],\"whereClause\":{\"BoolExpr\":{\"boolop\":\"AND_EXPR\",\"args\":[{\""
		"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"Co"
		"lumnRef\":{\"fields\":[{\"String\":{\"sval\":\"MIXED\"}}],\"location\":22}},\"rexpr\":{"
		"\"A_Const\":{\"ival\":{\"ival\":1},\"location\":32}},\"location\":30}},{\"A_Expr\":{\"ki"
		"nd\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"f"
		"ields\":[{\"String\":{\"sval\":\"A\"}}],\"location\":38}},\"rexpr\":{\"A_Const\":{\"ival"
		"\":{\"ival\":2},\"location\":44}},\"location\":42}},{\"A_Expr\":{\"kind\":\"AEXPR_OP\","
		"\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String"
		"\":{\"sval\":\"t\"}},{\"String\":{\"sval\":\"Mixed\"}}],\"location\":50}},\"rexpr\":{\"A"
		"_Const\":{\"ival\":{\"ival\":3},\"location\":62}},\"location\":60}}],\"location\":34}},"
		"\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT * FROM w WHERE caf\303\251 = 1 AND \"\360\237\230\200\" = 2",
		"public", false, "EQ w.caf\303\251; EQ w.\360\237\230\200",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"A_Star\":{}}],\"location\":7}},\"location\":7}}"
		"],\"fromClause\":[{\"RangeVar\":{\"relname\":\"w\",\"inh\":true,\"relpersistence\":\"p\""
		",\"location\":14}}],\"whereClause\":{\"BoolExpr\":{\"boolop\":\"AND_EXPR\",\"args\":[{\""
		"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"Co"
		"lumnRef\":{\"fields\":[{\"String\":{\"sval\":\"caf\\u00e9\"}}],\"location\":22}},\"rexpr"
		"\":{\"A_Const\":{\"ival\":{\"ival\":1},\"location\":30}},\"location\":28}},{\"A_Expr\":{"
		"\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":"
		"{\"fields\":[{\"String\":{\"sval\":\"\\ud83d\\ude00\"}}],\"location\":36}},\"rexpr\":{\""
		"A_Const\":{\"ival\":{\"ival\":2},\"location\":45}},\"location\":43}}],\"location\":32}},"
		"\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT * FROM (SELECT a, b AS bb FROM t WHERE c = 1) sub WHERE sub.a = 2 AND bb = 3",
		"public", false, "EQ t.c | u 2",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"A_Star\":{}}],\"location\":7}},\"location\":7}}"
		"],\"fromClause\":[{\"RangeSubselect\":{\"subquery\":{\"SelectStmt\":{\"targetList\":[{\""
		"ResTarget\":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"a\"}}],\"locati"
		"on\":22}},\"location\":22}},{\"ResTarget\":{\"name\":\"bb\",\"val\":{\"ColumnRef\":{\"fi"
		"elds\":[{\"String\":{\"sval\":\"b\"}}],\"location\":25}},\"location\":25}}],\"fromClause"
		"\":[{\"RangeVar\":{\"relname\":\"t\",\"inh\":true,\"relpersistence\":\"p\",\"location\":"
		"38}}],\"whereClause\":{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\""
		":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"c\"}}],\"locatio"
		"n\":46}},\"rexpr\":{\"A_Const\":{\"ival\":{\"ival\":1},\"location\":50}},\"location\":48"
		"}},\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}},\"alias\":{\"aliasna"
		"me\":\"sub\"}}}],\"whereClause\":{\"BoolExpr\":{\"boolop\":\"AND_EXPR\",\"args\":[{\"A_E"
		"xpr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"Colum"
		"nRef\":{\"fields\":[{\"String\":{\"sval\":\"sub\"}},{\"String\":{\"sval\":\"a\"}}],\"loc"
		"ation\":63}},\"rexpr\":{\"A_Const\":{\"ival\":{\"ival\":2},\"location\":71}},\"location"
		"\":69}},{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"le"
		"xpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"bb\"}}],\"location\":77}},\"re"
		"xpr\":{\"A_Const\":{\"ival\":{\"ival\":3},\"location\":82}},\"location\":80}}],\"locatio"
		"n\":73}},\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT * FROM t WHERE a IN (SELECT b FROM u WHERE c = 5) AND b = 1",
		"public", false, "JOIN t.a; EQ t.b; EQ u.c",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"A_Star\":{}}],\"location\":7}},\"location\":7}}"
		"],\"fromClause\":[{\"RangeVar\":{\"relname\":\"t\",\"inh\":true,\"relpersistence\":\"p\""
		",\"location\":14}}],\"whereClause\":{\"BoolExpr\":{\"boolop\":\"AND_EXPR\",\"args\":[{\""
		"SubLink\":{\"subLinkType\":\"ANY_SUBLINK\",\"testexpr\":{\"ColumnRef\":{\"fields\":[{\"S"
		"tring\":{\"sval\":\"a\"}}],\"location\":22}},\"subselect\":{\"SelectStmt\":{\"targetList"
		"\":[{\"ResTarget\":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"b\"}}],"
		"\"location\":35}},\"location\":35}}],\"fromClause\":[{\"RangeVar\":{\"relname\":\"u\",\""
		"inh\":true,\"relpersistence\":\"p\",\"location\":42}}],\"whereClause\":{\"A_Expr\":{\"ki"
		"nd\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"f"
		"ields\":[{\"String\":{\"sval\":\"c\"}}],\"location\":50}},\"rexpr\":{\"A_Const\":{\"ival"
		"\":{\"ival\":5},\"location\":54}},\"location\":52}},\"limitOption\":\"LIMIT_OPTION_DEFAU"
		"LT\",\"op\":\"SETOP_NONE\"}},\"location\":24}},{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name"
		"\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\""
		"sval\":\"b\"}}],\"location\":61}},\"rexpr\":{\"A_Const\":{\"ival\":{\"ival\":1},\"locati"
		"on\":65}},\"location\":63}}],\"location\":57}},\"limitOption\":\"LIMIT_OPTION_DEFAULT\","
		"\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT * FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.x = t.a AND u.y = 2) OR b = 1",
		"public", false, "JOIN u.x; JOIN t.a; EQ u.y",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"A_Star\":{}}],\"location\":7}},\"location\":7}}"
		"],\"fromClause\":[{\"RangeVar\":{\"relname\":\"t\",\"inh\":true,\"relpersistence\":\"p\""
		",\"location\":14}}],\"whereClause\":{\"BoolExpr\":{\"boolop\":\"OR_EXPR\",\"args\":[{\"S"
		"ubLink\":{\"subLinkType\":\"EXISTS_SUBLINK\",\"subselect\":{\"SelectStmt\":{\"targetList"
		"\":[{\"ResTarget\":{\"val\":{\"A_Const\":{\"ival\":{\"ival\":1},\"location\":37}},\"loca"
		"tion\":37}}],\"fromClause\":[{\"RangeVar\":{\"relname\":\"u\",\"inh\":true,\"relpersiste"
		"nce\":\"p\",\"location\":44}}],\"whereClause\":{\"BoolExpr\":{\"boolop\":\"AND_EXPR\",\""
		"args\":[{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"le"
		"xpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"u\"}},{\"String\":{\"sval\":\""
		"x\"}}],\"location\":52}},\"rexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"t"
		"\"}},{\"String\":{\"sval\":\"a\"}}],\"location\":58}},\"location\":56}},{\"A_Expr\":{\"k"
		"ind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\""
		"fields\":[{\"String\":{\"sval\":\"u\"}},{\"String\":{\"sval\":\"y\"}}],\"location\":66}}"
		",\"rexpr\":{\"A_Const\":{\"ival\":{\"ival\":2},\"location\":72}},\"location\":70}}],\"lo"
		"cation\":62}},\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}},\"locatio"
		"n\":22}},{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"l"
		"expr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"b\"}}],\"location\":78}},\"re"
		"xpr\":{\"A_Const\":{\"ival\":{\"ival\":1},\"location\":82}},\"location\":80}}],\"locatio"
		"n\":75}},\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT a, (SELECT count(*) FROM u WHERE u.b = t.b) FROM t WHERE c = 1",
		"public", false, "EQ t.c; JOIN u.b; JOIN t.b",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"a\"}}],\"location\":7}},\""
		"location\":7}},{\"ResTarget\":{\"val\":{\"SubLink\":{\"subLinkType\":\"EXPR_SUBLINK\",\""
		"subselect\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\":{\"val\":{\"FuncCall\":{\"fu"
		"ncname\":[{\"String\":{\"sval\":\"count\"}}],\"agg_star\":true,\"funcformat\":\"COERCE_E"
		"XPLICIT_CALL\",\"location\":18}},\"location\":18}}],\"fromClause\":[{\"RangeVar\":{\"rel"
		"name\":\"u\",\"inh\":true,\"relpersistence\":\"p\",\"location\":32}}],\"whereClause\":{"
		"\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\""
		"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"u\"}},{\"String\":{\"sval\":\"b\"}}],\""
		"location\":40}},\"rexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"t\"}},{\"S"
		"tring\":{\"sval\":\"b\"}}],\"location\":46}},\"location\":44}},\"limitOption\":\"LIMIT_O"
		"PTION_DEFAULT\",\"op\":\"SETOP_NONE\"}},\"location\":10}},\"location\":10}}],\"fromClaus"
		"e\":[{\"RangeVar\":{\"relname\":\"t\",\"inh\":true,\"relpersistence\":\"p\",\"location\""
		":56}}],\"whereClause\":{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval"
		"\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"c\"}}],\"locat"
		"ion\":64}},\"rexpr\":{\"A_Const\":{\"ival\":{\"ival\":1},\"location\":68}},\"location\":"
		"66}},\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT * FROM t, LATERAL (SELECT b FROM u WHERE u.c = t.c) s WHERE t.d >= now() - interv"
			"al '1 day' AND s.b = 1",
		"public", false, "JOIN u.c; JOIN t.c; RANGE t.d | u 1",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"A_Star\":{}}],\"location\":7}},\"location\":7}}"
		"],\"fromClause\":[{\"RangeVar\":{\"relname\":\"t\",\"inh\":true,\"relpersistence\":\"p\""
		",\"location\":14}},{\"RangeSubselect\":{\"lateral\":true,\"subquery\":{\"SelectStmt\":{"
		"\"targetList\":[{\"ResTarget\":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval"
		"\":\"b\"}}],\"location\":33}},\"location\":33}}],\"fromClause\":[{\"RangeVar\":{\"relnam"
		"e\":\"u\",\"inh\":true,\"relpersistence\":\"p\",\"location\":40}}],\"whereClause\":{\"A_"
		"Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"Colu"
		"mnRef\":{\"fields\":[{\"String\":{\"sval\":\"u\"}},{\"String\":{\"sval\":\"c\"}}],\"loca"
		"tion\":48}},\"rexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"t\"}},{\"Strin"
		"g\":{\"sval\":\"c\"}}],\"location\":54}},\"location\":52}},\"limitOption\":\"LIMIT_OPTIO"
		"N_DEFAULT\",\"op\":\"SETOP_NONE\"}},\"alias\":{\"aliasname\":\"s\"}}}],\"whereClause\":{"
		"\"BoolExpr\":{\"boolop\":\"AND_EXPR\",\"args\":[{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"nam"
		"e\":[{\"String\":{\"sval\":\"\\u003e=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"Stri"
		"ng\":{\"sval\":\"t\"}},{\"String\":{\"sval\":\"d\"}}],\"location\":67}},\"rexpr\":{\"A_E"
		"xpr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"-\"}}],\"lexpr\":{\"FuncC"
		"all\":{\"funcname\":[{\"String\":{\"sval\":\"now\"}}],\"funcformat\":\"COERCE_EXPLICIT_C"
		"ALL\",\"location\":74}},\"rexpr\":{\"TypeCast\":{\"arg\":{\"A_Const\":{\"sval\":{\"sval"
		"\":\"1 day\"},\"location\":91}},\"typeName\":{\"names\":[{\"String\":{\"sval\":\"pg_cata"
		"log\"}},{\"String\":{\"sval\":\"interval\"}}],\"typemod\":-1,\"location\":82},\"location"
		"\":-1}},\"location\":80}},\"location\":71}},{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":"
		"[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sva"
		"l\":\"s\"}},{\"String\":{\"sval\":\"b\"}}],\"location\":103}},\"rexpr\":{\"A_Const\":{\""
		"ival\":{\"ival\":1},\"location\":109}},\"location\":107}}],\"location\":99}},\"limitOpti"
		"on\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"WITH w AS (SELECT a FROM t WHERE b = 1) SELECT * FROM w WHERE a = 2",
		"public", false, "EQ t.b | u 1",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"A_Star\":{}}],\"location\":47}},\"location\":47"
		"}}],\"fromClause\":[{\"RangeVar\":{\"relname\":\"w\",\"inh\":true,\"relpersistence\":\"p"
		"\",\"location\":54}}],\"whereClause\":{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"St"
		"ring\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\""
		"a\"}}],\"location\":62}},\"rexpr\":{\"A_Const\":{\"ival\":{\"ival\":2},\"location\":66}}"
		",\"location\":64}},\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"withClause\":{\"ctes\":[{"
		"\"CommonTableExpr\":{\"ctename\":\"w\",\"ctematerialized\":\"CTEMaterializeDefault\",\"c"
		"tequery\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\":{\"val\":{\"ColumnRef\":{\"fie"
		"lds\":[{\"String\":{\"sval\":\"a\"}}],\"location\":18}},\"location\":18}}],\"fromClause"
		"\":[{\"RangeVar\":{\"relname\":\"t\",\"inh\":true,\"relpersistence\":\"p\",\"location\":"
		"25}}],\"whereClause\":{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\""
		":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"b\"}}],\"locatio"
		"n\":33}},\"rexpr\":{\"A_Const\":{\"ival\":{\"ival\":1},\"location\":37}},\"location\":35"
		"}},\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}},\"location\":5}}]},"
		"\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT * FROM u JOIN (SELECT id FROM t WHERE a = 1) x ON x.id = u.id",
		"public", false, "EQ t.a; JOIN u.id | u 1",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"A_Star\":{}}],\"location\":7}},\"location\":7}}"
		"],\"fromClause\":[{\"JoinExpr\":{\"jointype\":\"JOIN_INNER\",\"larg\":{\"RangeVar\":{\"r"
		"elname\":\"u\",\"inh\":true,\"relpersistence\":\"p\",\"location\":14}},\"rarg\":{\"Range"
		"Subselect\":{\"subquery\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\":{\"val\":{\"Co"
		"lumnRef\":{\"fields\":[{\"String\":{\"sval\":\"id\"}}],\"location\":29}},\"location\":29"
		"}}],\"fromClause\":[{\"RangeVar\":{\"relname\":\"t\",\"inh\":true,\"relpersistence\":\"p"
		"\",\"location\":37}}],\"whereClause\":{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"St"
		"ring\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\""
		"a\"}}],\"location\":45}},\"rexpr\":{\"A_Const\":{\"ival\":{\"ival\":1},\"location\":49}}"
		",\"location\":47}},\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}},\"al"
		"ias\":{\"aliasname\":\"x\"}}},\"quals\":{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\""
		"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":"
		"\"x\"}},{\"String\":{\"sval\":\"id\"}}],\"location\":57}},\"rexpr\":{\"ColumnRef\":{\"fi"
		"elds\":[{\"String\":{\"sval\":\"u\"}},{\"String\":{\"sval\":\"id\"}}],\"location\":64}},"
		"\"location\":62}}}}],\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT a FROM t WHERE b = 1 UNION SELECT a FROM u WHERE c = 2 ORDER BY 1 LIMIT $1",
		"public", false, "EQ t.b; EQ u.c",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"sortClause\":[{\"SortBy\":{"
		"\"node\":{\"A_Const\":{\"ival\":{\"ival\":1},\"location\":71}},\"sortby_dir\":\"SORTBY_D"
		"EFAULT\",\"sortby_nulls\":\"SORTBY_NULLS_DEFAULT\",\"location\":-1}}],\"limitCount\":{\""
		"ParamRef\":{\"number\":1,\"location\":79}},\"limitOption\":\"LIMIT_OPTION_COUNT\",\"op\""
		":\"SETOP_UNION\",\"larg\":{\"targetList\":[{\"ResTarget\":{\"val\":{\"ColumnRef\":{\"fie"
		"lds\":[{\"String\":{\"sval\":\"a\"}}],\"location\":7}},\"location\":7}}],\"fromClause\":"
		"[{\"RangeVar\":{\"relname\":\"t\",\"inh\":true,\"relpersistence\":\"p\",\"location\":14}"
		"}],\"whereClause\":{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\""
		"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"b\"}}],\"location\""
		":22}},\"rexpr\":{\"A_Const\":{\"ival\":{\"ival\":1},\"location\":26}},\"location\":24}},"
		"\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"},\"rarg\":{\"targetList\""
		":[{\"ResTarget\":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"a\"}}],\"l"
		"ocation\":41}},\"location\":41}}],\"fromClause\":[{\"RangeVar\":{\"relname\":\"u\",\"inh"
		"\":true,\"relpersistence\":\"p\",\"location\":48}}],\"whereClause\":{\"A_Expr\":{\"kind"
		"\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fie"
		"lds\":[{\"String\":{\"sval\":\"c\"}}],\"location\":56}},\"rexpr\":{\"A_Const\":{\"ival\""
		":{\"ival\":2},\"location\":60}},\"location\":58}},\"limitOption\":\"LIMIT_OPTION_DEFAULT"
		"\",\"op\":\"SETOP_NONE\"}}}}]}"},
	{"SELECT a FROM t WHERE b = 1 UNION ALL SELECT a FROM t WHERE c = 2 LIMIT 10",
		"public", false, "EQ t.b; EQ t.c",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"limitCount\":{\"A_Const\":{"
		"\"ival\":{\"ival\":10},\"location\":72}},\"limitOption\":\"LIMIT_OPTION_COUNT\",\"op\":"
		"\"SETOP_UNION\",\"all\":true,\"larg\":{\"targetList\":[{\"ResTarget\":{\"val\":{\"Column"
		"Ref\":{\"fields\":[{\"String\":{\"sval\":\"a\"}}],\"location\":7}},\"location\":7}}],\"f"
		"romClause\":[{\"RangeVar\":{\"relname\":\"t\",\"inh\":true,\"relpersistence\":\"p\",\"lo"
		"cation\":14}}],\"whereClause\":{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":"
		"{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"b\"}}],"
		"\"location\":22}},\"rexpr\":{\"A_Const\":{\"ival\":{\"ival\":1},\"location\":26}},\"loca"
		"tion\":24}},\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"},\"rarg\":{\""
		"targetList\":[{\"ResTarget\":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":"
		"\"a\"}}],\"location\":45}},\"location\":45}}],\"fromClause\":[{\"RangeVar\":{\"relname\""
		":\"t\",\"inh\":true,\"relpersistence\":\"p\",\"location\":52}}],\"whereClause\":{\"A_Exp"
		"r\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnR"
		"ef\":{\"fields\":[{\"String\":{\"sval\":\"c\"}}],\"location\":60}},\"rexpr\":{\"A_Const"
		"\":{\"ival\":{\"ival\":2},\"location\":64}},\"location\":62}},\"limitOption\":\"LIMIT_OP"
		"TION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}}]}"},
	{"SELECT a FROM t WHERE a = 1 ORDER BY b DESC NULLS LAST, t.c ASC LIMIT 80",
		"public", false, "EQ t.a | o t.b desc, t.c | l 80",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"a\"}}],\"location\":7}},\""
		"location\":7}}],\"fromClause\":[{\"RangeVar\":{\"relname\":\"t\",\"inh\":true,\"relpersi"
		"stence\":\"p\",\"location\":14}}],\"whereClause\":{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"n"
		"ame\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":"
		"{\"sval\":\"a\"}}],\"location\":22}},\"rexpr\":{\"A_Const\":{\"ival\":{\"ival\":1},\"loc"
		"ation\":26}},\"location\":24}},\"sortClause\":[{\"SortBy\":{\"node\":{\"ColumnRef\":{\"f"
		"ields\":[{\"String\":{\"sval\":\"b\"}}],\"location\":37}},\"sortby_dir\":\"SORTBY_DESC\""
		",\"sortby_nulls\":\"SORTBY_NULLS_LAST\",\"location\":-1}},{\"SortBy\":{\"node\":{\"Colum"
		"nRef\":{\"fields\":[{\"String\":{\"sval\":\"t\"}},{\"String\":{\"sval\":\"c\"}}],\"locat"
		"ion\":56}},\"sortby_dir\":\"SORTBY_ASC\",\"sortby_nulls\":\"SORTBY_NULLS_DEFAULT\",\"loc"
		"ation\":-1}}],\"limitCount\":{\"A_Const\":{\"ival\":{\"ival\":80},\"location\":70}},\"li"
		"mitOption\":\"LIMIT_OPTION_COUNT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT a FROM t ORDER BY a + 1, b",
		"public", false, "",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"a\"}}],\"location\":7}},\""
		"location\":7}}],\"fromClause\":[{\"RangeVar\":{\"relname\":\"t\",\"inh\":true,\"relpersi"
		"stence\":\"p\",\"location\":14}}],\"sortClause\":[{\"SortBy\":{\"node\":{\"A_Expr\":{\"k"
		"ind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"+\"}}],\"lexpr\":{\"ColumnRef\":{\""
		"fields\":[{\"String\":{\"sval\":\"a\"}}],\"location\":25}},\"rexpr\":{\"A_Const\":{\"iva"
		"l\":{\"ival\":1},\"location\":29}},\"location\":27}},\"sortby_dir\":\"SORTBY_DEFAULT\","
		"\"sortby_nulls\":\"SORTBY_NULLS_DEFAULT\",\"location\":-1}},{\"SortBy\":{\"node\":{\"Col"
		"umnRef\":{\"fields\":[{\"String\":{\"sval\":\"b\"}}],\"location\":32}},\"sortby_dir\":\""
		"SORTBY_DEFAULT\",\"sortby_nulls\":\"SORTBY_NULLS_DEFAULT\",\"location\":-1}}],\"limitOpt"
		"ion\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT a FROM t ORDER BY 1 DESC LIMIT 10 OFFSET 5",
		"public", false, "o t.a desc | l 15",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"a\"}}],\"location\":7}},\""
		"location\":7}}],\"fromClause\":[{\"RangeVar\":{\"relname\":\"t\",\"inh\":true,\"relpersi"
		"stence\":\"p\",\"location\":14}}],\"sortClause\":[{\"SortBy\":{\"node\":{\"A_Const\":{\""
		"ival\":{\"ival\":1},\"location\":25}},\"sortby_dir\":\"SORTBY_DESC\",\"sortby_nulls\":\""
		"SORTBY_NULLS_DEFAULT\",\"location\":-1}}],\"limitOffset\":{\"A_Const\":{\"ival\":{\"ival"
		"\":5},\"location\":48}},\"limitCount\":{\"A_Const\":{\"ival\":{\"ival\":10},\"location\""
		":38}},\"limitOption\":\"LIMIT_OPTION_COUNT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT b AS a FROM t ORDER BY a",
		"public", false, "o t.b",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"name\":\"a\",\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"b\"}}],\"lo"
		"cation\":7}},\"location\":7}}],\"fromClause\":[{\"RangeVar\":{\"relname\":\"t\",\"inh\":"
		"true,\"relpersistence\":\"p\",\"location\":19}}],\"sortClause\":[{\"SortBy\":{\"node\":{"
		"\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"a\"}}],\"location\":30}},\"sortby_dir"
		"\":\"SORTBY_DEFAULT\",\"sortby_nulls\":\"SORTBY_NULLS_DEFAULT\",\"location\":-1}}],\"lim"
		"itOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT a FROM t ORDER BY zz",
		"public", false, "u 1",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"a\"}}],\"location\":7}},\""
		"location\":7}}],\"fromClause\":[{\"RangeVar\":{\"relname\":\"t\",\"inh\":true,\"relpersi"
		"stence\":\"p\",\"location\":14}}],\"sortClause\":[{\"SortBy\":{\"node\":{\"ColumnRef\":{"
		"\"fields\":[{\"String\":{\"sval\":\"zz\"}}],\"location\":25}},\"sortby_dir\":\"SORTBY_DE"
		"FAULT\",\"sortby_nulls\":\"SORTBY_NULLS_DEFAULT\",\"location\":-1}}],\"limitOption\":\"L"
		"IMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT a, count(*) FROM t GROUP BY a, 2, t.b",
		"public", false, "",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"a\"}}],\"location\":7}},\""
		"location\":7}},{\"ResTarget\":{\"val\":{\"FuncCall\":{\"funcname\":[{\"String\":{\"sval"
		"\":\"count\"}}],\"agg_star\":true,\"funcformat\":\"COERCE_EXPLICIT_CALL\",\"location\":1"
		"0}},\"location\":10}}],\"fromClause\":[{\"RangeVar\":{\"relname\":\"t\",\"inh\":true,\"r"
		"elpersistence\":\"p\",\"location\":24}}],\"groupClause\":[{\"ColumnRef\":{\"fields\":[{"
		"\"String\":{\"sval\":\"a\"}}],\"location\":35}},{\"A_Const\":{\"ival\":{\"ival\":2},\"lo"
		"cation\":38}},{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"t\"}},{\"String\":{\"s"
		"val\":\"b\"}}],\"location\":41}}],\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETO"
		"P_NONE\"}}}]}"},
	{"SELECT a, count(*) FROM t GROUP BY a, t.b ORDER BY count(*) DESC",
		"public", false, "g t.a, t.b",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"a\"}}],\"location\":7}},\""
		"location\":7}},{\"ResTarget\":{\"val\":{\"FuncCall\":{\"funcname\":[{\"String\":{\"sval"
		"\":\"count\"}}],\"agg_star\":true,\"funcformat\":\"COERCE_EXPLICIT_CALL\",\"location\":1"
		"0}},\"location\":10}}],\"fromClause\":[{\"RangeVar\":{\"relname\":\"t\",\"inh\":true,\"r"
		"elpersistence\":\"p\",\"location\":24}}],\"groupClause\":[{\"ColumnRef\":{\"fields\":[{"
		"\"String\":{\"sval\":\"a\"}}],\"location\":35}},{\"ColumnRef\":{\"fields\":[{\"String\":"
		"{\"sval\":\"t\"}},{\"String\":{\"sval\":\"b\"}}],\"location\":38}}],\"sortClause\":[{\"S"
		"ortBy\":{\"node\":{\"FuncCall\":{\"funcname\":[{\"String\":{\"sval\":\"count\"}}],\"agg_"
		"star\":true,\"funcformat\":\"COERCE_EXPLICIT_CALL\",\"location\":51}},\"sortby_dir\":\"S"
		"ORTBY_DESC\",\"sortby_nulls\":\"SORTBY_NULLS_DEFAULT\",\"location\":-1}}],\"limitOption"
		"\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT a AS x FROM t GROUP BY x",
		"public", false, "g t.a",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"name\":\"x\",\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"a\"}}],\"lo"
		"cation\":7}},\"location\":7}}],\"fromClause\":[{\"RangeVar\":{\"relname\":\"t\",\"inh\":"
		"true,\"relpersistence\":\"p\",\"location\":19}}],\"groupClause\":[{\"ColumnRef\":{\"fiel"
		"ds\":[{\"String\":{\"sval\":\"x\"}}],\"location\":30}}],\"limitOption\":\"LIMIT_OPTION_D"
		"EFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT a FROM t GROUP BY ROLLUP (a)",
		"public", false, "",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"a\"}}],\"location\":7}},\""
		"location\":7}}],\"fromClause\":[{\"RangeVar\":{\"relname\":\"t\",\"inh\":true,\"relpersi"
		"stence\":\"p\",\"location\":14}}],\"groupClause\":[{\"GroupingSet\":{\"kind\":\"GROUPING"
		"_SET_ROLLUP\",\"content\":[{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"a\"}}],\""
		"location\":33}}],\"location\":25}}],\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SE"
		"TOP_NONE\"}}}]}"},
	{"SELECT a FROM t LIMIT $1",
		"public", false, "",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"a\"}}],\"location\":7}},\""
		"location\":7}}],\"fromClause\":[{\"RangeVar\":{\"relname\":\"t\",\"inh\":true,\"relpersi"
		"stence\":\"p\",\"location\":14}}],\"limitCount\":{\"ParamRef\":{\"number\":1,\"location"
		"\":22}},\"limitOption\":\"LIMIT_OPTION_COUNT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT a FROM t LIMIT ALL",
		"public", false, "",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"a\"}}],\"location\":7}},\""
		"location\":7}}],\"fromClause\":[{\"RangeVar\":{\"relname\":\"t\",\"inh\":true,\"relpersi"
		"stence\":\"p\",\"location\":14}}],\"limitCount\":{\"A_Const\":{\"isnull\":true,\"locatio"
		"n\":22}},\"limitOption\":\"LIMIT_OPTION_COUNT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT a FROM t LIMIT 10 OFFSET $1",
		"public", false, "",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"a\"}}],\"location\":7}},\""
		"location\":7}}],\"fromClause\":[{\"RangeVar\":{\"relname\":\"t\",\"inh\":true,\"relpersi"
		"stence\":\"p\",\"location\":14}}],\"limitOffset\":{\"ParamRef\":{\"number\":1,\"location"
		"\":32}},\"limitCount\":{\"A_Const\":{\"ival\":{\"ival\":10},\"location\":22}},\"limitOpt"
		"ion\":\"LIMIT_OPTION_COUNT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT a FROM t FETCH FIRST 3 ROWS ONLY",
		"public", false, "l 3",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"a\"}}],\"location\":7}},\""
		"location\":7}}],\"fromClause\":[{\"RangeVar\":{\"relname\":\"t\",\"inh\":true,\"relpersi"
		"stence\":\"p\",\"location\":14}}],\"limitCount\":{\"A_Const\":{\"ival\":{\"ival\":3},\"l"
		"ocation\":28}},\"limitOption\":\"LIMIT_OPTION_COUNT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT a FROM t LIMIT 9999999999",
		"public", false, "l 9999999999",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"a\"}}],\"location\":7}},\""
		"location\":7}}],\"fromClause\":[{\"RangeVar\":{\"relname\":\"t\",\"inh\":true,\"relpersi"
		"stence\":\"p\",\"location\":14}}],\"limitCount\":{\"A_Const\":{\"fval\":{\"fval\":\"9999"
		"999999\"},\"location\":22}},\"limitOption\":\"LIMIT_OPTION_COUNT\",\"op\":\"SETOP_NONE\""
		"}}}]}"},
	{"UPDATE t SET a = 1 WHERE b = 2",
		"public", false, "EQ t.b",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"UpdateStmt\":{\"relation\":{\"relname\":\"t"
		"\",\"inh\":true,\"relpersistence\":\"p\",\"location\":7},\"targetList\":[{\"ResTarget\":"
		"{\"name\":\"a\",\"val\":{\"A_Const\":{\"ival\":{\"ival\":1},\"location\":17}},\"location"
		"\":13}}],\"whereClause\":{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sva"
		"l\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"b\"}}],\"loca"
		"tion\":25}},\"rexpr\":{\"A_Const\":{\"ival\":{\"ival\":2},\"location\":29}},\"location\""
		":27}}}}}]}"},
	{"DELETE FROM s.t AS x WHERE x.a = 2 AND x.x < 3",
		"public", false, "EQ st.a; RANGE st.x",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"DeleteStmt\":{\"relation\":{\"schemaname\":"
		"\"s\",\"relname\":\"t\",\"inh\":true,\"relpersistence\":\"p\",\"alias\":{\"aliasname\":"
		"\"x\"},\"location\":12},\"whereClause\":{\"BoolExpr\":{\"boolop\":\"AND_EXPR\",\"args\":"
		"[{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{"
		"\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"x\"}},{\"String\":{\"sval\":\"a\"}}],"
		"\"location\":27}},\"rexpr\":{\"A_Const\":{\"ival\":{\"ival\":2},\"location\":33}},\"loca"
		"tion\":31}},{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"\\u003c"
		"\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"x\"}},{\"String\":{"
		"\"sval\":\"x\"}}],\"location\":39}},\"rexpr\":{\"A_Const\":{\"ival\":{\"ival\":3},\"loca"
		"tion\":45}},\"location\":43}}],\"location\":35}}}}}]}"},
	{"UPDATE t SET a = (SELECT max(b) FROM u WHERE u.c = t.c) FROM s.v WHERE v.id = t.d",
		"public", false, "JOIN v.id; JOIN t.d; JOIN u.c; JOIN t.c",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"UpdateStmt\":{\"relation\":{\"relname\":\"t"
		"\",\"inh\":true,\"relpersistence\":\"p\",\"location\":7},\"targetList\":[{\"ResTarget\":"
		"{\"name\":\"a\",\"val\":{\"SubLink\":{\"subLinkType\":\"EXPR_SUBLINK\",\"subselect\":{\""
		"SelectStmt\":{\"targetList\":[{\"ResTarget\":{\"val\":{\"FuncCall\":{\"funcname\":[{\"St"
		"ring\":{\"sval\":\"max\"}}],\"args\":[{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":"
		"\"b\"}}],\"location\":29}}],\"funcformat\":\"COERCE_EXPLICIT_CALL\",\"location\":25}},\""
		"location\":25}}],\"fromClause\":[{\"RangeVar\":{\"relname\":\"u\",\"inh\":true,\"relpers"
		"istence\":\"p\",\"location\":37}}],\"whereClause\":{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\""
		"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\""
		":{\"sval\":\"u\"}},{\"String\":{\"sval\":\"c\"}}],\"location\":45}},\"rexpr\":{\"ColumnR"
		"ef\":{\"fields\":[{\"String\":{\"sval\":\"t\"}},{\"String\":{\"sval\":\"c\"}}],\"locatio"
		"n\":51}},\"location\":49}},\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE"
		"\"}},\"location\":17}},\"location\":13}}],\"whereClause\":{\"A_Expr\":{\"kind\":\"AEXPR_"
		"OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"S"
		"tring\":{\"sval\":\"v\"}},{\"String\":{\"sval\":\"id\"}}],\"location\":71}},\"rexpr\":{"
		"\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"t\"}},{\"String\":{\"sval\":\"d\"}}],"
		"\"location\":78}},\"location\":76}},\"fromClause\":[{\"RangeVar\":{\"schemaname\":\"s\","
		"\"relname\":\"v\",\"inh\":true,\"relpersistence\":\"p\",\"location\":61}}]}}}]}"},
	{"DELETE FROM t USING u WHERE u.a = t.a AND u.b IN (1, 2)",
		"public", false, "JOIN u.a; JOIN t.a; IN2 u.b",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"DeleteStmt\":{\"relation\":{\"relname\":\"t"
		"\",\"inh\":true,\"relpersistence\":\"p\",\"location\":12},\"usingClause\":[{\"RangeVar\""
		":{\"relname\":\"u\",\"inh\":true,\"relpersistence\":\"p\",\"location\":20}}],\"whereClau"
		"se\":{\"BoolExpr\":{\"boolop\":\"AND_EXPR\",\"args\":[{\"A_Expr\":{\"kind\":\"AEXPR_OP\""
		",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"Strin"
		"g\":{\"sval\":\"u\"}},{\"String\":{\"sval\":\"a\"}}],\"location\":28}},\"rexpr\":{\"Colu"
		"mnRef\":{\"fields\":[{\"String\":{\"sval\":\"t\"}},{\"String\":{\"sval\":\"a\"}}],\"loca"
		"tion\":34}},\"location\":32}},{\"A_Expr\":{\"kind\":\"AEXPR_IN\",\"name\":[{\"String\":{"
		"\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"u\"}},{"
		"\"String\":{\"sval\":\"b\"}}],\"location\":42}},\"rexpr\":{\"List\":{\"items\":[{\"A_Con"
		"st\":{\"ival\":{\"ival\":1},\"location\":50}},{\"A_Const\":{\"ival\":{\"ival\":2},\"loca"
		"tion\":53}}]}},\"location\":46}}],\"location\":38}}}}}]}"},
	{"INSERT INTO t (a, b) VALUES (1, 2)",
		"public", false, "",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"InsertStmt\":{\"relation\":{\"relname\":\"t"
		"\",\"inh\":true,\"relpersistence\":\"p\",\"location\":12},\"cols\":[{\"ResTarget\":{\"na"
		"me\":\"a\",\"location\":15}},{\"ResTarget\":{\"name\":\"b\",\"location\":18}}],\"selectS"
		"tmt\":{\"SelectStmt\":{\"valuesLists\":[{\"List\":{\"items\":[{\"A_Const\":{\"ival\":{\""
		"ival\":1},\"location\":29}},{\"A_Const\":{\"ival\":{\"ival\":2},\"location\":32}}]}}],\""
		"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}},\"override\":\"OVERRIDING"
		"_NOT_SET\"}}}]}"},
	{"INSERT INTO t (a) SELECT b FROM u WHERE c = 1",
		"public", false, "EQ u.c",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"InsertStmt\":{\"relation\":{\"relname\":\"t"
		"\",\"inh\":true,\"relpersistence\":\"p\",\"location\":12},\"cols\":[{\"ResTarget\":{\"na"
		"me\":\"a\",\"location\":15}}],\"selectStmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarg"
		"et\":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"b\"}}],\"location\":25"
		"}},\"location\":25}}],\"fromClause\":[{\"RangeVar\":{\"relname\":\"u\",\"inh\":true,\"re"
		"lpersistence\":\"p\",\"location\":32}}],\"whereClause\":{\"A_Expr\":{\"kind\":\"AEXPR_OP"
		"\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"Str"
		"ing\":{\"sval\":\"c\"}}],\"location\":40}},\"rexpr\":{\"A_Const\":{\"ival\":{\"ival\":1}"
		",\"location\":44}},\"location\":42}},\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"S"
		"ETOP_NONE\"}},\"override\":\"OVERRIDING_NOT_SET\"}}}]}"},
	{"WITH x AS (DELETE FROM u WHERE a = 1 RETURNING b) INSERT INTO t (a) SELECT b FROM x",
		"public", false, "EQ u.a",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"InsertStmt\":{\"relation\":{\"relname\":\"t"
		"\",\"inh\":true,\"relpersistence\":\"p\",\"location\":62},\"cols\":[{\"ResTarget\":{\"na"
		"me\":\"a\",\"location\":65}}],\"selectStmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarg"
		"et\":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"b\"}}],\"location\":75"
		"}},\"location\":75}}],\"fromClause\":[{\"RangeVar\":{\"relname\":\"x\",\"inh\":true,\"re"
		"lpersistence\":\"p\",\"location\":82}}],\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":"
		"\"SETOP_NONE\"}},\"withClause\":{\"ctes\":[{\"CommonTableExpr\":{\"ctename\":\"x\",\"cte"
		"materialized\":\"CTEMaterializeDefault\",\"ctequery\":{\"DeleteStmt\":{\"relation\":{\"r"
		"elname\":\"u\",\"inh\":true,\"relpersistence\":\"p\",\"location\":23},\"whereClause\":{"
		"\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\""
		"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"a\"}}],\"location\":31}},\"rexpr\":{\"A"
		"_Const\":{\"ival\":{\"ival\":1},\"location\":35}},\"location\":33}},\"returningList\":[{"
		"\"ResTarget\":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"b\"}}],\"loca"
		"tion\":47}},\"location\":47}}]}},\"location\":5}}]},\"override\":\"OVERRIDING_NOT_SET\"}"
		"}}]}"},
	{"CREATE TABLE x (a int)",
		"public", false, "",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"CreateStmt\":{\"relation\":{\"relname\":\"x"
		"\",\"inh\":true,\"relpersistence\":\"p\",\"location\":13},\"tableElts\":[{\"ColumnDef\":"
		"{\"colname\":\"a\",\"typeName\":{\"names\":[{\"String\":{\"sval\":\"pg_catalog\"}},{\"St"
		"ring\":{\"sval\":\"int4\"}}],\"typemod\":-1,\"location\":18},\"is_local\":true,\"locatio"
		"n\":16}}],\"oncommit\":\"ONCOMMIT_NOOP\"}}}]}"},
	{"SELECT * FROM t WHERE a = 1; SELECT * FROM u WHERE b = 2",
		"public", false, "EQ t.a",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"A_Star\":{}}],\"location\":7}},\"location\":7}}"
		"],\"fromClause\":[{\"RangeVar\":{\"relname\":\"t\",\"inh\":true,\"relpersistence\":\"p\""
		",\"location\":14}}],\"whereClause\":{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"Stri"
		"ng\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"a"
		"\"}}],\"location\":22}},\"rexpr\":{\"A_Const\":{\"ival\":{\"ival\":1},\"location\":26}},"
		"\"location\":24}},\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}},\"stm"
		"t_len\":27},{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\":{\"val\":{\"Column"
		"Ref\":{\"fields\":[{\"A_Star\":{}}],\"location\":36}},\"location\":36}}],\"fromClause\":"
		"[{\"RangeVar\":{\"relname\":\"u\",\"inh\":true,\"relpersistence\":\"p\",\"location\":43}"
		"}],\"whereClause\":{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\""
		"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"b\"}}],\"location\""
		":51}},\"rexpr\":{\"A_Const\":{\"ival\":{\"ival\":2},\"location\":55}},\"location\":53}},"
		"\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}},\"stmt_location\":28}]}"},
	{";",
		"public", false, "",
		"{\"version\":150001,\"stmts\":[]}"},
};

static const PtCase stock_pg_cases[] = {
	{"SELECT id, product_qty, location_id, location_dest_id FROM stock_move WHERE product_id ="
			" $1 AND state = 'done' AND date >= $2 ORDER BY date",
		"odoo", false, "EQ move.product_id; EQ move.state; RANGE move.date | o move.date",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"id\"}}],\"location\":7}},"
		"\"location\":7}},{\"ResTarget\":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval"
		"\":\"product_qty\"}}],\"location\":11}},\"location\":11}},{\"ResTarget\":{\"val\":{\"Col"
		"umnRef\":{\"fields\":[{\"String\":{\"sval\":\"location_id\"}}],\"location\":24}},\"locat"
		"ion\":24}},{\"ResTarget\":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"l"
		"ocation_dest_id\"}}],\"location\":37}},\"location\":37}}],\"fromClause\":[{\"RangeVar\":"
		"{\"relname\":\"stock_move\",\"inh\":true,\"relpersistence\":\"p\",\"location\":59}}],\"w"
		"hereClause\":{\"BoolExpr\":{\"boolop\":\"AND_EXPR\",\"args\":[{\"A_Expr\":{\"kind\":\"AE"
		"XPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":["
		"{\"String\":{\"sval\":\"product_id\"}}],\"location\":76}},\"rexpr\":{\"ParamRef\":{\"num"
		"ber\":1,\"location\":89}},\"location\":87}},{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":"
		"[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sva"
		"l\":\"state\"}}],\"location\":96}},\"rexpr\":{\"A_Const\":{\"sval\":{\"sval\":\"done\"},"
		"\"location\":104}},\"location\":102}},{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"St"
		"ring\":{\"sval\":\"\\u003e=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sv"
		"al\":\"date\"}}],\"location\":115}},\"rexpr\":{\"ParamRef\":{\"number\":2,\"location\":1"
		"23}},\"location\":120}}],\"location\":92}},\"sortClause\":[{\"SortBy\":{\"node\":{\"Colu"
		"mnRef\":{\"fields\":[{\"String\":{\"sval\":\"date\"}}],\"location\":135}},\"sortby_dir\""
		":\"SORTBY_DEFAULT\",\"sortby_nulls\":\"SORTBY_NULLS_DEFAULT\",\"location\":-1}}],\"limit"
		"Option\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT sum(product_qty) FROM stock_move WHERE location_dest_id = $1 AND company_id = $2 "
			"AND state IN ('assigned', 'confirmed', 'waiting') AND date <= $3",
		"odoo", false, "EQ move.location_dest_id; EQ move.company_id; IN3 move.state; RANGE move.date",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"FuncCall\":{\"funcname\":[{\"String\":{\"sval\":\"sum\"}}],\"args\":[{\"Col"
		"umnRef\":{\"fields\":[{\"String\":{\"sval\":\"product_qty\"}}],\"location\":11}}],\"func"
		"format\":\"COERCE_EXPLICIT_CALL\",\"location\":7}},\"location\":7}}],\"fromClause\":[{\""
		"RangeVar\":{\"relname\":\"stock_move\",\"inh\":true,\"relpersistence\":\"p\",\"location"
		"\":29}}],\"whereClause\":{\"BoolExpr\":{\"boolop\":\"AND_EXPR\",\"args\":[{\"A_Expr\":{"
		"\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":"
		"{\"fields\":[{\"String\":{\"sval\":\"location_dest_id\"}}],\"location\":46}},\"rexpr\":{"
		"\"ParamRef\":{\"number\":1,\"location\":65}},\"location\":63}},{\"A_Expr\":{\"kind\":\"A"
		"EXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":"
		"[{\"String\":{\"sval\":\"company_id\"}}],\"location\":72}},\"rexpr\":{\"ParamRef\":{\"nu"
		"mber\":2,\"location\":85}},\"location\":83}},{\"A_Expr\":{\"kind\":\"AEXPR_IN\",\"name\""
		":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sv"
		"al\":\"state\"}}],\"location\":92}},\"rexpr\":{\"List\":{\"items\":[{\"A_Const\":{\"sval"
		"\":{\"sval\":\"assigned\"},\"location\":102}},{\"A_Const\":{\"sval\":{\"sval\":\"confirm"
		"ed\"},\"location\":114}},{\"A_Const\":{\"sval\":{\"sval\":\"waiting\"},\"location\":127}"
		"}]}},\"location\":98}},{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval"
		"\":\"\\u003c=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"date\"}"
		"}],\"location\":142}},\"rexpr\":{\"ParamRef\":{\"number\":3,\"location\":150}},\"locatio"
		"n\":147}}],\"location\":68}},\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NON"
		"E\"}}}]}"},
	{"SELECT id FROM stock_move WHERE picking_id = $1",
		"odoo", false, "EQ move.picking_id",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"id\"}}],\"location\":7}},"
		"\"location\":7}}],\"fromClause\":[{\"RangeVar\":{\"relname\":\"stock_move\",\"inh\":true"
		",\"relpersistence\":\"p\",\"location\":15}}],\"whereClause\":{\"A_Expr\":{\"kind\":\"AEX"
		"PR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{"
		"\"String\":{\"sval\":\"picking_id\"}}],\"location\":32}},\"rexpr\":{\"ParamRef\":{\"numb"
		"er\":1,\"location\":45}},\"location\":43}},\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op"
		"\":\"SETOP_NONE\"}}}]}"},
	{"SELECT count(*) FROM stock_move WHERE scrapped = true AND company_id = $1",
		"odoo", false, "EQ move.scrapped; EQ move.company_id",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"FuncCall\":{\"funcname\":[{\"String\":{\"sval\":\"count\"}}],\"agg_star\":t"
		"rue,\"funcformat\":\"COERCE_EXPLICIT_CALL\",\"location\":7}},\"location\":7}}],\"fromCla"
		"use\":[{\"RangeVar\":{\"relname\":\"stock_move\",\"inh\":true,\"relpersistence\":\"p\","
		"\"location\":21}}],\"whereClause\":{\"BoolExpr\":{\"boolop\":\"AND_EXPR\",\"args\":[{\"A"
		"_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"Col"
		"umnRef\":{\"fields\":[{\"String\":{\"sval\":\"scrapped\"}}],\"location\":38}},\"rexpr\":"
		"{\"A_Const\":{\"boolval\":{\"boolval\":true},\"location\":49}},\"location\":47}},{\"A_Ex"
		"pr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"Column"
		"Ref\":{\"fields\":[{\"String\":{\"sval\":\"company_id\"}}],\"location\":58}},\"rexpr\":{"
		"\"ParamRef\":{\"number\":1,\"location\":71}},\"location\":69}}],\"location\":54}},\"limi"
		"tOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT id, name FROM stock_move WHERE state = 'draft' AND company_id = $1 ORDER BY date "
			"DESC LIMIT 80",
		"odoo", false, "EQ move.state; EQ move.company_id | o move.date desc | l 80",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"id\"}}],\"location\":7}},"
		"\"location\":7}},{\"ResTarget\":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval"
		"\":\"name\"}}],\"location\":11}},\"location\":11}}],\"fromClause\":[{\"RangeVar\":{\"rel"
		"name\":\"stock_move\",\"inh\":true,\"relpersistence\":\"p\",\"location\":21}}],\"whereCl"
		"ause\":{\"BoolExpr\":{\"boolop\":\"AND_EXPR\",\"args\":[{\"A_Expr\":{\"kind\":\"AEXPR_OP"
		"\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"Str"
		"ing\":{\"sval\":\"state\"}}],\"location\":38}},\"rexpr\":{\"A_Const\":{\"sval\":{\"sval"
		"\":\"draft\"},\"location\":46}},\"location\":44}},{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"n"
		"ame\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":"
		"{\"sval\":\"company_id\"}}],\"location\":58}},\"rexpr\":{\"ParamRef\":{\"number\":1,\"lo"
		"cation\":71}},\"location\":69}}],\"location\":54}},\"sortClause\":[{\"SortBy\":{\"node\""
		":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"date\"}}],\"location\":83}},\"sortb"
		"y_dir\":\"SORTBY_DESC\",\"sortby_nulls\":\"SORTBY_NULLS_DEFAULT\",\"location\":-1}}],\"l"
		"imitCount\":{\"A_Const\":{\"ival\":{\"ival\":80},\"location\":99}},\"limitOption\":\"LIM"
		"IT_OPTION_COUNT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT m.id, m.product_qty FROM stock_move m JOIN stock_picking p ON p.id = m.picking_id"
			" WHERE p.name = $1",
		"odoo", false, "JOIN picking.id; JOIN move.picking_id; EQ picking.name",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"m\"}},{\"String\":{\"sval"
		"\":\"id\"}}],\"location\":7}},\"location\":7}},{\"ResTarget\":{\"val\":{\"ColumnRef\":{"
		"\"fields\":[{\"String\":{\"sval\":\"m\"}},{\"String\":{\"sval\":\"product_qty\"}}],\"loc"
		"ation\":13}},\"location\":13}}],\"fromClause\":[{\"JoinExpr\":{\"jointype\":\"JOIN_INNER"
		"\",\"larg\":{\"RangeVar\":{\"relname\":\"stock_move\",\"inh\":true,\"relpersistence\":\""
		"p\",\"alias\":{\"aliasname\":\"m\"},\"location\":32}},\"rarg\":{\"RangeVar\":{\"relname"
		"\":\"stock_picking\",\"inh\":true,\"relpersistence\":\"p\",\"alias\":{\"aliasname\":\"p"
		"\"},\"location\":50}},\"quals\":{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\""
		":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"p\"}},"
		"{\"String\":{\"sval\":\"id\"}}],\"location\":69}},\"rexpr\":{\"ColumnRef\":{\"fields\":["
		"{\"String\":{\"sval\":\"m\"}},{\"String\":{\"sval\":\"picking_id\"}}],\"location\":76}},"
		"\"location\":74}}}}],\"whereClause\":{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"Str"
		"ing\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"p"
		"\"}},{\"String\":{\"sval\":\"name\"}}],\"location\":95}},\"rexpr\":{\"ParamRef\":{\"numb"
		"er\":1,\"location\":104}},\"location\":102}},\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\""
		"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT product_id, sum(product_qty) FROM stock_move WHERE location_id = $1 AND date BETW"
			"EEN $2 AND $3 GROUP BY product_id",
		"odoo", false, "EQ move.location_id; RANGE move.date; RANGE move.date | g move.product_id",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"product_id\"}}],\"location"
		"\":7}},\"location\":7}},{\"ResTarget\":{\"val\":{\"FuncCall\":{\"funcname\":[{\"String\""
		":{\"sval\":\"sum\"}}],\"args\":[{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"prod"
		"uct_qty\"}}],\"location\":23}}],\"funcformat\":\"COERCE_EXPLICIT_CALL\",\"location\":19}"
		"},\"location\":19}}],\"fromClause\":[{\"RangeVar\":{\"relname\":\"stock_move\",\"inh\":t"
		"rue,\"relpersistence\":\"p\",\"location\":41}}],\"whereClause\":{\"BoolExpr\":{\"boolop"
		"\":\"AND_EXPR\",\"args\":[{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sv"
		"al\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"location_id"
		"\"}}],\"location\":58}},\"rexpr\":{\"ParamRef\":{\"number\":1,\"location\":72}},\"locati"
		"on\":70}},{\"A_Expr\":{\"kind\":\"AEXPR_BETWEEN\",\"name\":[{\"String\":{\"sval\":\"BETW"
		"EEN\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"date\"}}],\"locat"
		"ion\":79}},\"rexpr\":{\"List\":{\"items\":[{\"ParamRef\":{\"number\":2,\"location\":92}}"
		",{\"ParamRef\":{\"number\":3,\"location\":99}}]}},\"location\":84}}],\"location\":75}},"
		"\"groupClause\":[{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"product_id\"}}],\"l"
		"ocation\":111}}],\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
};

static const PtMariaCase stock_maria_cases[] = {
	{"SELECT `name`, `product_qty` FROM `stock_move` WHERE `product_id` = 42 AND `state` = 'do"
			"ne' AND `date` >= '2024-01-01' ORDER BY `date` LIMIT 20",
		"SELECT \"name\", \"product_qty\" FROM \"stock_move\" WHERE \"product_id\" = 42 AND \"sta"
			"te\" = 'done' AND \"date\" >= '2024-01-01' ORDER BY \"date\" LIMIT 20",
		"EQ move.product_id; EQ move.state; RANGE move.date | o move.date | l 20",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"name\"}}],\"location\":7}}"
		",\"location\":7}},{\"ResTarget\":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sva"
		"l\":\"product_qty\"}}],\"location\":15}},\"location\":15}}],\"fromClause\":[{\"RangeVar"
		"\":{\"relname\":\"stock_move\",\"inh\":true,\"relpersistence\":\"p\",\"location\":34}}],"
		"\"whereClause\":{\"BoolExpr\":{\"boolop\":\"AND_EXPR\",\"args\":[{\"A_Expr\":{\"kind\":"
		"\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields"
		"\":[{\"String\":{\"sval\":\"product_id\"}}],\"location\":53}},\"rexpr\":{\"A_Const\":{\""
		"ival\":{\"ival\":42},\"location\":68}},\"location\":66}},{\"A_Expr\":{\"kind\":\"AEXPR_O"
		"P\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"St"
		"ring\":{\"sval\":\"state\"}}],\"location\":75}},\"rexpr\":{\"A_Const\":{\"sval\":{\"sval"
		"\":\"done\"},\"location\":85}},\"location\":83}},{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"na"
		"me\":[{\"String\":{\"sval\":\"\\u003e=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"Str"
		"ing\":{\"sval\":\"date\"}}],\"location\":96}},\"rexpr\":{\"A_Const\":{\"sval\":{\"sval\""
		":\"2024-01-01\"},\"location\":106}},\"location\":103}}],\"location\":71}},\"sortClause\""
		":[{\"SortBy\":{\"node\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"date\"}}],\""
		"location\":128}},\"sortby_dir\":\"SORTBY_DEFAULT\",\"sortby_nulls\":\"SORTBY_NULLS_DEFAU"
		"LT\",\"location\":-1}}],\"limitCount\":{\"A_Const\":{\"ival\":{\"ival\":20},\"location\""
		":141}},\"limitOption\":\"LIMIT_OPTION_COUNT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT SUM(`product_qty`) FROM `stock_move` WHERE `location_dest_id` = ? AND `company_id"
			"` = ? AND `state` IN ('assigned','confirmed','waiting') AND `date` <= ?",
		"SELECT SUM(\"product_qty\") FROM \"stock_move\" WHERE \"location_dest_id\" = $1 AND \"co"
			"mpany_id\" = $2 AND \"state\" IN ('assigned','confirmed','waiting') AND \"date\" <= $3",
		"EQ move.location_dest_id; EQ move.company_id; IN3 move.state; RANGE move.date",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"FuncCall\":{\"funcname\":[{\"String\":{\"sval\":\"sum\"}}],\"args\":[{\"Col"
		"umnRef\":{\"fields\":[{\"String\":{\"sval\":\"product_qty\"}}],\"location\":11}}],\"func"
		"format\":\"COERCE_EXPLICIT_CALL\",\"location\":7}},\"location\":7}}],\"fromClause\":[{\""
		"RangeVar\":{\"relname\":\"stock_move\",\"inh\":true,\"relpersistence\":\"p\",\"location"
		"\":31}}],\"whereClause\":{\"BoolExpr\":{\"boolop\":\"AND_EXPR\",\"args\":[{\"A_Expr\":{"
		"\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":"
		"{\"fields\":[{\"String\":{\"sval\":\"location_dest_id\"}}],\"location\":50}},\"rexpr\":{"
		"\"ParamRef\":{\"number\":1,\"location\":71}},\"location\":69}},{\"A_Expr\":{\"kind\":\"A"
		"EXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":"
		"[{\"String\":{\"sval\":\"company_id\"}}],\"location\":78}},\"rexpr\":{\"ParamRef\":{\"nu"
		"mber\":2,\"location\":93}},\"location\":91}},{\"A_Expr\":{\"kind\":\"AEXPR_IN\",\"name\""
		":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sv"
		"al\":\"state\"}}],\"location\":100}},\"rexpr\":{\"List\":{\"items\":[{\"A_Const\":{\"sva"
		"l\":{\"sval\":\"assigned\"},\"location\":112}},{\"A_Const\":{\"sval\":{\"sval\":\"confir"
		"med\"},\"location\":123}},{\"A_Const\":{\"sval\":{\"sval\":\"waiting\"},\"location\":135"
		"}}]}},\"location\":108}},{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sva"
		"l\":\"\\u003c=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"date\""
		"}}],\"location\":150}},\"rexpr\":{\"ParamRef\":{\"number\":3,\"location\":160}},\"locati"
		"on\":157}}],\"location\":74}},\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NO"
		"NE\"}}}]}"},
	{"SELECT `id` FROM `stock_move` FORCE INDEX (`stock_move_picking_id_index`) WHERE `picking"
			"_id` = 7",
		"SELECT \"id\" FROM \"stock_move\" WHERE \"picking_id\" = 7",
		"EQ move.picking_id",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"id\"}}],\"location\":7}},"
		"\"location\":7}}],\"fromClause\":[{\"RangeVar\":{\"relname\":\"stock_move\",\"inh\":true"
		",\"relpersistence\":\"p\",\"location\":17}}],\"whereClause\":{\"A_Expr\":{\"kind\":\"AEX"
		"PR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{"
		"\"String\":{\"sval\":\"picking_id\"}}],\"location\":36}},\"rexpr\":{\"A_Const\":{\"ival"
		"\":{\"ival\":7},\"location\":51}},\"location\":49}},\"limitOption\":\"LIMIT_OPTION_DEFAU"
		"LT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT COUNT(*) FROM `stock_move` WHERE `scrapped` = 1 AND `company_id` = ?",
		"SELECT COUNT(*) FROM \"stock_move\" WHERE \"scrapped\" = 1 AND \"company_id\" = $1",
		"EQ move.scrapped; EQ move.company_id",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"FuncCall\":{\"funcname\":[{\"String\":{\"sval\":\"count\"}}],\"agg_star\":t"
		"rue,\"funcformat\":\"COERCE_EXPLICIT_CALL\",\"location\":7}},\"location\":7}}],\"fromCla"
		"use\":[{\"RangeVar\":{\"relname\":\"stock_move\",\"inh\":true,\"relpersistence\":\"p\","
		"\"location\":21}}],\"whereClause\":{\"BoolExpr\":{\"boolop\":\"AND_EXPR\",\"args\":[{\"A"
		"_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"Col"
		"umnRef\":{\"fields\":[{\"String\":{\"sval\":\"scrapped\"}}],\"location\":40}},\"rexpr\":"
		"{\"A_Const\":{\"ival\":{\"ival\":1},\"location\":53}},\"location\":51}},{\"A_Expr\":{\"k"
		"ind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\""
		"fields\":[{\"String\":{\"sval\":\"company_id\"}}],\"location\":59}},\"rexpr\":{\"ParamRe"
		"f\":{\"number\":1,\"location\":74}},\"location\":72}}],\"location\":55}},\"limitOption\""
		":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT `id`, `name` FROM `stock_move` WHERE `state` = \"draft\" AND `company_id` = 1 ORD"
			"ER BY `date` DESC LIMIT 0, 80",
		"SELECT \"id\", \"name\" FROM \"stock_move\" WHERE \"state\" = 'draft' AND \"company_id\""
			" = 1 ORDER BY \"date\" DESC LIMIT 80 OFFSET 0",
		"EQ move.state; EQ move.company_id | o move.date desc | l 80",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"id\"}}],\"location\":7}},"
		"\"location\":7}},{\"ResTarget\":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval"
		"\":\"name\"}}],\"location\":13}},\"location\":13}}],\"fromClause\":[{\"RangeVar\":{\"rel"
		"name\":\"stock_move\",\"inh\":true,\"relpersistence\":\"p\",\"location\":25}}],\"whereCl"
		"ause\":{\"BoolExpr\":{\"boolop\":\"AND_EXPR\",\"args\":[{\"A_Expr\":{\"kind\":\"AEXPR_OP"
		"\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"Str"
		"ing\":{\"sval\":\"state\"}}],\"location\":44}},\"rexpr\":{\"A_Const\":{\"sval\":{\"sval"
		"\":\"draft\"},\"location\":54}},\"location\":52}},{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"n"
		"ame\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":"
		"{\"sval\":\"company_id\"}}],\"location\":66}},\"rexpr\":{\"A_Const\":{\"ival\":{\"ival\""
		":1},\"location\":81}},\"location\":79}}],\"location\":62}},\"sortClause\":[{\"SortBy\":{"
		"\"node\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"date\"}}],\"location\":92}}"
		",\"sortby_dir\":\"SORTBY_DESC\",\"sortby_nulls\":\"SORTBY_NULLS_DEFAULT\",\"location\":-"
		"1}}],\"limitOffset\":{\"A_Const\":{\"ival\":{},\"location\":120}},\"limitCount\":{\"A_Co"
		"nst\":{\"ival\":{\"ival\":80},\"location\":110}},\"limitOption\":\"LIMIT_OPTION_COUNT\","
		"\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT m.`id`, m.`product_qty` FROM `stock_move` m STRAIGHT_JOIN `stock_picking` p ON p."
			"`id` = m.`picking_id` WHERE p.`name` = 'WH/OUT/000001'",
		"SELECT m.\"id\", m.\"product_qty\" FROM \"stock_move\" m JOIN \"stock_picking\" p ON p."
			"\"id\" = m.\"picking_id\" WHERE p.\"name\" = 'WH/OUT/000001'",
		"JOIN picking.id; JOIN move.picking_id; EQ picking.name",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"m\"}},{\"String\":{\"sval"
		"\":\"id\"}}],\"location\":7}},\"location\":7}},{\"ResTarget\":{\"val\":{\"ColumnRef\":{"
		"\"fields\":[{\"String\":{\"sval\":\"m\"}},{\"String\":{\"sval\":\"product_qty\"}}],\"loc"
		"ation\":15}},\"location\":15}}],\"fromClause\":[{\"JoinExpr\":{\"jointype\":\"JOIN_INNER"
		"\",\"larg\":{\"RangeVar\":{\"relname\":\"stock_move\",\"inh\":true,\"relpersistence\":\""
		"p\",\"alias\":{\"aliasname\":\"m\"},\"location\":36}},\"rarg\":{\"RangeVar\":{\"relname"
		"\":\"stock_picking\",\"inh\":true,\"relpersistence\":\"p\",\"alias\":{\"aliasname\":\"p"
		"\"},\"location\":56}},\"quals\":{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\""
		":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"p\"}},"
		"{\"String\":{\"sval\":\"id\"}}],\"location\":77}},\"rexpr\":{\"ColumnRef\":{\"fields\":["
		"{\"String\":{\"sval\":\"m\"}},{\"String\":{\"sval\":\"picking_id\"}}],\"location\":86}},"
		"\"location\":84}}}}],\"whereClause\":{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"Str"
		"ing\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"p"
		"\"}},{\"String\":{\"sval\":\"name\"}}],\"location\":107}},\"rexpr\":{\"A_Const\":{\"sval"
		"\":{\"sval\":\"WH/OUT/000001\"},\"location\":118}},\"location\":116}},\"limitOption\":\""
		"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT `product_id`, SUM(`product_qty`) FROM `stock_move` WHERE `location_id` = ? AND `d"
			"ate` BETWEEN ? AND ? GROUP BY `product_id`",
		"SELECT \"product_id\", SUM(\"product_qty\") FROM \"stock_move\" WHERE \"location_id\" = "
			"$1 AND \"date\" BETWEEN $2 AND $3 GROUP BY \"product_id\"",
		"EQ move.location_id; RANGE move.date; RANGE move.date | g move.product_id",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"product_id\"}}],\"location"
		"\":7}},\"location\":7}},{\"ResTarget\":{\"val\":{\"FuncCall\":{\"funcname\":[{\"String\""
		":{\"sval\":\"sum\"}}],\"args\":[{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"prod"
		"uct_qty\"}}],\"location\":25}}],\"funcformat\":\"COERCE_EXPLICIT_CALL\",\"location\":21}"
		"},\"location\":21}}],\"fromClause\":[{\"RangeVar\":{\"relname\":\"stock_move\",\"inh\":t"
		"rue,\"relpersistence\":\"p\",\"location\":45}}],\"whereClause\":{\"BoolExpr\":{\"boolop"
		"\":\"AND_EXPR\",\"args\":[{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sv"
		"al\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"location_id"
		"\"}}],\"location\":64}},\"rexpr\":{\"ParamRef\":{\"number\":1,\"location\":80}},\"locati"
		"on\":78}},{\"A_Expr\":{\"kind\":\"AEXPR_BETWEEN\",\"name\":[{\"String\":{\"sval\":\"BETW"
		"EEN\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"date\"}}],\"locat"
		"ion\":87}},\"rexpr\":{\"List\":{\"items\":[{\"ParamRef\":{\"number\":2,\"location\":102}"
		"},{\"ParamRef\":{\"number\":3,\"location\":109}}]}},\"location\":94}}],\"location\":83}}"
		",\"groupClause\":[{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"product_id\"}}],\""
		"location\":121}}],\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT `Name` FROM `stock_move` WHERE `Product_ID` = 5 AND `STATE` IN ('done') ORDER BY "
			"`Date` DESC, `ID`",
		"SELECT \"Name\" FROM \"stock_move\" WHERE \"Product_ID\" = 5 AND \"STATE\" IN ('done') O"
			"RDER BY \"Date\" DESC, \"ID\"",
		"EQ move.product_id; IN1 move.state | o move.date desc, move.id",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"Name\"}}],\"location\":7}}"
		",\"location\":7}}],\"fromClause\":[{\"RangeVar\":{\"relname\":\"stock_move\",\"inh\":tru"
		"e,\"relpersistence\":\"p\",\"location\":19}}],\"whereClause\":{\"BoolExpr\":{\"boolop\":"
		"\"AND_EXPR\",\"args\":[{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval"
		"\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"Product_ID\"}}"
		"],\"location\":38}},\"rexpr\":{\"A_Const\":{\"ival\":{\"ival\":5},\"location\":53}},\"lo"
		"cation\":51}},{\"A_Expr\":{\"kind\":\"AEXPR_IN\",\"name\":[{\"String\":{\"sval\":\"=\"}}"
		"],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"STATE\"}}],\"location\":"
		"59}},\"rexpr\":{\"List\":{\"items\":[{\"A_Const\":{\"sval\":{\"sval\":\"done\"},\"locati"
		"on\":71}}]}},\"location\":67}}],\"location\":55}},\"sortClause\":[{\"SortBy\":{\"node\":"
		"{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"Date\"}}],\"location\":88}},\"sortby"
		"_dir\":\"SORTBY_DESC\",\"sortby_nulls\":\"SORTBY_NULLS_DEFAULT\",\"location\":-1}},{\"So"
		"rtBy\":{\"node\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"ID\"}}],\"location"
		"\":101}},\"sortby_dir\":\"SORTBY_DEFAULT\",\"sortby_nulls\":\"SORTBY_NULLS_DEFAULT\",\"l"
		"ocation\":-1}}],\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"UPDATE `stock_move` SET `state` = 'done' WHERE `picking_id` = 12 ORDER BY `id` LIMIT 10",
		"UPDATE \"stock_move\" SET \"state\" = 'done' WHERE \"picking_id\" = 12",
		"EQ move.picking_id",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"UpdateStmt\":{\"relation\":{\"relname\":\"st"
		"ock_move\",\"inh\":true,\"relpersistence\":\"p\",\"location\":7},\"targetList\":[{\"ResT"
		"arget\":{\"name\":\"state\",\"val\":{\"A_Const\":{\"sval\":{\"sval\":\"done\"},\"locatio"
		"n\":34}},\"location\":24}}],\"whereClause\":{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":"
		"[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sva"
		"l\":\"picking_id\"}}],\"location\":47}},\"rexpr\":{\"A_Const\":{\"ival\":{\"ival\":12},"
		"\"location\":62}},\"location\":60}}}}}]}"},
	{"DELETE FROM `odoo`.`stock_move` WHERE `id` IN (1,2,3)",
		"DELETE FROM \"odoo\".\"stock_move\" WHERE \"id\" IN (1,2,3)",
		"IN3 move.id",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"DeleteStmt\":{\"relation\":{\"schemaname\":"
		"\"odoo\",\"relname\":\"stock_move\",\"inh\":true,\"relpersistence\":\"p\",\"location\":1"
		"2},\"whereClause\":{\"A_Expr\":{\"kind\":\"AEXPR_IN\",\"name\":[{\"String\":{\"sval\":\""
		"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"id\"}}],\"location"
		"\":38}},\"rexpr\":{\"List\":{\"items\":[{\"A_Const\":{\"ival\":{\"ival\":1},\"location\""
		":47}},{\"A_Const\":{\"ival\":{\"ival\":2},\"location\":49}},{\"A_Const\":{\"ival\":{\"iv"
		"al\":3},\"location\":51}}]}},\"location\":43}}}}}]}"},
	{"SELECT `id` FROM `stock_move` WHERE `picking_id` <=> NULL AND `company_id` <=> 1",
		"SELECT \"id\" FROM \"stock_move\" WHERE \"picking_id\"  IS NOT DISTINCT FROM  NULL AND "
			"\"company_id\"  IS NOT DISTINCT FROM  1",
		"ISNULL move.picking_id; EQ move.company_id",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"id\"}}],\"location\":7}},"
		"\"location\":7}}],\"fromClause\":[{\"RangeVar\":{\"relname\":\"stock_move\",\"inh\":true"
		",\"relpersistence\":\"p\",\"location\":17}}],\"whereClause\":{\"BoolExpr\":{\"boolop\":"
		"\"AND_EXPR\",\"args\":[{\"A_Expr\":{\"kind\":\"AEXPR_NOT_DISTINCT\",\"name\":[{\"String"
		"\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"pick"
		"ing_id\"}}],\"location\":36}},\"rexpr\":{\"A_Const\":{\"isnull\":true,\"location\":72}},"
		"\"location\":50}},{\"A_Expr\":{\"kind\":\"AEXPR_NOT_DISTINCT\",\"name\":[{\"String\":{\""
		"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"company_id"
		"\"}}],\"location\":81}},\"rexpr\":{\"A_Const\":{\"ival\":{\"ival\":1},\"location\":117}}"
		",\"location\":95}}],\"location\":77}},\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\""
		"SETOP_NONE\"}}}]}"},
	{"SELECT m.`id` FROM `stock_move` m, `stock_location` l WHERE l.`id` = m.`location_id` AND"
			" l.`company_id` = 1 AND m.`state` <> 'cancel' AND m.`name` LIKE 'move 1%'",
		"SELECT m.\"id\" FROM \"stock_move\" m, \"stock_location\" l WHERE l.\"id\" = m.\"locatio"
			"n_id\" AND l.\"company_id\" = 1 AND m.\"state\" <> 'cancel' AND m.\"name\" LIKE 'move 1%"
			"'",
		"JOIN location.id; JOIN move.location_id; EQ location.company_id; PREFIX move.name",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\""
		":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"m\"}},{\"String\":{\"sval"
		"\":\"id\"}}],\"location\":7}},\"location\":7}}],\"fromClause\":[{\"RangeVar\":{\"relname"
		"\":\"stock_move\",\"inh\":true,\"relpersistence\":\"p\",\"alias\":{\"aliasname\":\"m\"},"
		"\"location\":19}},{\"RangeVar\":{\"relname\":\"stock_location\",\"inh\":true,\"relpersis"
		"tence\":\"p\",\"alias\":{\"aliasname\":\"l\"},\"location\":35}}],\"whereClause\":{\"Bool"
		"Expr\":{\"boolop\":\"AND_EXPR\",\"args\":[{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{"
		"\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval"
		"\":\"l\"}},{\"String\":{\"sval\":\"id\"}}],\"location\":60}},\"rexpr\":{\"ColumnRef\":{"
		"\"fields\":[{\"String\":{\"sval\":\"m\"}},{\"String\":{\"sval\":\"location_id\"}}],\"loc"
		"ation\":69}},\"location\":67}},{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":"
		"{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"l\"}},{"
		"\"String\":{\"sval\":\"company_id\"}}],\"location\":89}},\"rexpr\":{\"A_Const\":{\"ival"
		"\":{\"ival\":1},\"location\":106}},\"location\":104}},{\"A_Expr\":{\"kind\":\"AEXPR_OP\""
		",\"name\":[{\"String\":{\"sval\":\"\\u003c\\u003e\"}}],\"lexpr\":{\"ColumnRef\":{\"field"
		"s\":[{\"String\":{\"sval\":\"m\"}},{\"String\":{\"sval\":\"state\"}}],\"location\":112}}"
		",\"rexpr\":{\"A_Const\":{\"sval\":{\"sval\":\"cancel\"},\"location\":125}},\"location\":"
		"122}},{\"A_Expr\":{\"kind\":\"AEXPR_LIKE\",\"name\":[{\"String\":{\"sval\":\"~~\"}}],\"l"
		"expr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"m\"}},{\"String\":{\"sval\":"
		"\"name\"}}],\"location\":138}},\"rexpr\":{\"A_Const\":{\"sval\":{\"sval\":\"move 1%\"},"
		"\"location\":152}},\"location\":147}}],\"location\":85}},\"limitOption\":\"LIMIT_OPTION_"
		"DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"INSERT INTO `stock_location` (`id`, `name`, `company_id`) VALUES (1, 'WH', 1) ON DUPLICA"
			"TE KEY UPDATE `name` = VALUES(`name`)",
		"INSERT INTO \"stock_location\" (\"id\", \"name\", \"company_id\") VALUES (1, 'WH', 1)",
		"",
		"{\"version\":150001,\"stmts\":[{\"stmt\":{\"InsertStmt\":{\"relation\":{\"relname\":\"st"
		"ock_location\",\"inh\":true,\"relpersistence\":\"p\",\"location\":12},\"cols\":[{\"ResTa"
		"rget\":{\"name\":\"id\",\"location\":30}},{\"ResTarget\":{\"name\":\"name\",\"location\""
		":36}},{\"ResTarget\":{\"name\":\"company_id\",\"location\":44}}],\"selectStmt\":{\"Selec"
		"tStmt\":{\"valuesLists\":[{\"List\":{\"items\":[{\"A_Const\":{\"ival\":{\"ival\":1},\"lo"
		"cation\":66}},{\"A_Const\":{\"sval\":{\"sval\":\"WH\"},\"location\":69}},{\"A_Const\":{"
		"\"ival\":{\"ival\":1},\"location\":75}}]}}],\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"o"
		"p\":\"SETOP_NONE\"}},\"override\":\"OVERRIDING_NOT_SET\"}}}]}"},
};

static void
test_generic(void)
{
	for (size_t i = 0; i < sizeof(gen_cases) / sizeof(gen_cases[0]); i++)
		check_shape(gen_cases[i].sql, gen_cases[i].json, gen_tables,
					NCOLS(gen_tables), gen_labels, gen_cases[i].default_schema,
					gen_cases[i].ci_columns, gen_cases[i].want);
}

static void
test_stock(void)
{
	for (size_t i = 0; i < sizeof(stock_pg_cases) / sizeof(stock_pg_cases[0]); i++)
		check_shape(stock_pg_cases[i].sql, stock_pg_cases[i].json, stock_tables,
					NCOLS(stock_tables), stock_labels, "odoo", false,
					stock_pg_cases[i].want);

	for (size_t i = 0; i < sizeof(stock_maria_cases) / sizeof(stock_maria_cases[0]); i++)
	{
		const PtMariaCase *c = &stock_maria_cases[i];
		UkTranslation tr;
		UkError    *err = NULL;
		UkStatus	st = uk_translate_mariadb(c->mariadb, strlen(c->mariadb), &tr, &err);

		CHECK(st == UK_OK && strcmp(tr.sql, c->translated) == 0,
			  "translation of '%s' is not the fixture's statement: '%s'",
			  c->mariadb, st == UK_OK ? tr.sql : err->message);
		uk_translate_free(&tr);
		uk_error_free(err);
		/* MariaDB column names ignore case */
		check_shape(c->mariadb, c->json, stock_tables, NCOLS(stock_tables),
					stock_labels, "odoo", true, c->want);
	}
}

/* Small hand-written trees: escapes, and what a tree may lack. */
static void
test_handmade(void)
{
	static const struct
	{
		const char *json;
		const char *want;
	}			cases[] = {
		/* every string escape, in a column name and an operator */
		{"{\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"fromClause\":[{\"RangeVar\":{\"relname\":\"w\"}}],"
			"\"whereClause\":{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"\\u003d\"}}],"
			"\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"q\\\"\\\\\\/\\b\\f\\n\\r\\tx\"}}]}},"
			"\"rexpr\":{\"A_Const\":{\"ival\":{\"ival\":1}}}}}}}}]}",
		"EQ w.q\"\\/\b\f\n\r\tx"},
		/* whitespace everywhere JSON allows it; numbers of every form */
		{" {\n\t\"n\" : [ -0 , 1.5e-3 , 2E+10 , 0.0 , true , false , null , { } , [ ] ] ,\r\n"
			" \"stmts\" : [ { \"stmt\" : { \"SelectStmt\" : { \"fromClause\" : [ { \"RangeVar\" : "
			"{ \"relname\" : \"w\" } } ] , \"whereClause\" : { \"NullTest\" : { \"arg\" : "
			"{ \"ColumnRef\" : { \"fields\" : [ { \"String\" : { \"sval\" : \"wa\" } } ] } } , "
			"\"nulltesttype\" : \"IS_NULL\" } } } } } ] } \n",
		"ISNULL w.wa"},
		/* a \u0000 in a name matches nothing */
		{"{\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"fromClause\":[{\"RangeVar\":{\"relname\":\"w\"}}],"
			"\"whereClause\":{\"NullTest\":{\"arg\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"wa\\u0000\"}}]}},"
			"\"nulltesttype\":\"IS_NULL\"}}}}}]}",
		"u 1"},
		/* members of the wrong type are ignored, not errors */
		{"{\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"fromClause\":{\"RangeVar\":1},"
			"\"whereClause\":[1],\"sortClause\":\"x\",\"limitCount\":{\"A_Const\":{\"ival\":{\"ival\":true}}}}}}]}",
		""},
		{"{\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"fromClause\":[{\"RangeVar\":{\"relname\":7}},{},[]],"
			"\"whereClause\":{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{}}]}}}}}]}",
		""},
		{"{\"stmts\":[{\"stmt\":null}]}", ""},
		{"{\"stmts\":[]}", ""},
		{"{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"op\":\"SETOP_UNION\"}}}]}", ""},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_shape(cases[i].json, cases[i].json, gen_tables, NCOLS(gen_tables),
					gen_labels, "public", false, cases[i].want);
}

/* Value text of predicate i of shape, "-" when none. */
static const char *
value_of(const UkTreeShape *s, int i)
{
	return s->values != NULL && s->values[i] != NULL ? s->values[i] : "-";
}

/* The constants of equalities, for value frequencies (MariaDB's skew). */
static void
test_values(void)
{
	/* where in ("... = X"): one predicate on gen_tables' w.wa, equality */
	static const struct
	{
		const char *rexpr;
		const char *want;
	}			cases[] = {
		{"{\"A_Const\":{\"ival\":{\"ival\":42}}}", "42"},
		{"{\"A_Const\":{\"ival\":{}}}", "0"},	/* zero is left out */
		{"{\"A_Const\":{\"ival\":{\"ival\":-7}}}", "-7"},
		{"{\"A_Const\":{\"fval\":{\"fval\":\"1.50\"}}}", "1.50"},
		{"{\"A_Const\":{\"sval\":{\"sval\":\"done\"}}}", "done"},
		{"{\"A_Const\":{\"sval\":{}}}", ""},
		{"{\"A_Const\":{\"boolval\":{\"boolval\":true}}}", "true"},
		{"{\"A_Const\":{\"boolval\":{}}}", "false"},
		{"{\"TypeCast\":{\"arg\":{\"A_Const\":{\"sval\":{\"sval\":\"2024-01-01\"}}}}}", "2024-01-01"},
		{"{\"ParamRef\":{\"number\":1}}", "-"},
		{"{\"FuncCall\":{\"funcname\":[{\"String\":{\"sval\":\"now\"}}]}}", "-"},
	};
	char		json[1024];
	UkTreeShape shape;
	UkError    *err = NULL;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		snprintf(json, sizeof(json),
				 "{\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"fromClause\":[{\"RangeVar\":{\"relname\":\"w\"}}],"
				 "\"whereClause\":{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],"
				 "\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"wa\"}}]}},"
				 "\"rexpr\":%s}}}}}]}", cases[i].rexpr);
		if (uk_pgtree_shape(json, strlen(json), gen_tables, NCOLS(gen_tables),
							"public", false, &shape, &err) != UK_OK)
		{
			CHECK(false, "values case %zu: %s", i, err->message);
			uk_error_free(err);
			err = NULL;
			continue;
		}
		CHECK(shape.query.npreds == 1 && strcmp(value_of(&shape, 0), cases[i].want) == 0,
			  "values case %zu: %d predicates, value '%s', want '%s'", i,
			  shape.query.npreds, shape.query.npreds ? value_of(&shape, 0) : "",
			  cases[i].want);
		uk_pgtree_shape_free(&shape);
	}

	/* the stock query as MariaDB runs it: the product and the state */
	{
		const PtMariaCase *c = &stock_maria_cases[0];

		CHECK(uk_pgtree_shape(c->json, strlen(c->json), stock_tables,
							  NCOLS(stock_tables), "odoo", true, &shape, &err) == UK_OK,
			  "stock values: %s", err ? err->message : "");
		CHECK(shape.query.npreds == 3 && strcmp(value_of(&shape, 0), "42") == 0 &&
			  strcmp(value_of(&shape, 1), "done") == 0 &&
			  strcmp(value_of(&shape, 2), "-") == 0,
			  "stock values: %d predicates: %s %s %s", shape.query.npreds,
			  shape.query.npreds > 0 ? value_of(&shape, 0) : "",
			  shape.query.npreds > 1 ? value_of(&shape, 1) : "",
			  shape.query.npreds > 2 ? value_of(&shape, 2) : "");
		uk_pgtree_shape_free(&shape);
	}
}

/* Text that is not a parse tree: an error, nothing allocated, *out zeroed. */
static void
test_errors(void)
{
	static const struct
	{
		const char *json;
		const char *msg;		/* part of the message */
	}			cases[] = {
		{"", "invalid JSON at byte 0: unexpected end of text"},
		{"   ", "invalid JSON at byte 3: unexpected end of text"},
		{"{\"stmts\":[{\"stmt\":{\"SelectStmt\":{", "invalid JSON at byte 33: unexpected end of text"},
		{"{\"stmts\":[{\"stmt\":{\"SelectStmt\":{}}}]", "byte 37: unexpected end of text"},
		{"{\"stmts\":[{\"stmt\":{\"SelectStmt\":{}}}]}}", "byte 38: text after the JSON value"},
		{"{\"stmts\":[] ,}", "byte 13: expected a member name"},
		{"{\"stmts\" []}", "byte 9: expected ':'"},
		{"{\"stmts\":[1 2]}", "byte 12: expected ',' or ']'"},
		{"{\"stmts\":[] \"x\":1}", "byte 12: expected ',' or '}'"},
		{"{\"stmts\":[],}", "byte 12: expected a member name"},
		{"[1,]", "byte 3: expected a value"},
		{"{\"a\":\"x", "byte 5: unterminated string"},
		{"{\"a\":\"x\\", "byte 5: unterminated string"},
		{"{\"a\":\"\\x\"}", "byte 6: bad escape in string"},
		{"{\"a\":\"\\u12G4\"}", "byte 6: bad \\u escape"},
		{"{\"a\":\"\\u12\"}", "byte 6: bad \\u escape"},
		{"{\"a\":\"\\udc00\"}", "byte 6: unpaired surrogate"},
		{"{\"a\":\"\\ud83d\"}", "byte 6: unpaired surrogate"},
		{"{\"a\":\"\\ud83d\\u0041\"}", "byte 6: unpaired surrogate"},
		{"{\"a\":\"\\ud83d\\n\"}", "byte 6: unpaired surrogate"},
		{"{\"a\":\"tab\there\"}", "byte 9: control character in string"},
		{"{\"a\":01}", "byte 6: expected ',' or '}'"},
		{"{\"a\":1.}", "byte 5: bad number"},
		{"{\"a\":-}", "byte 5: bad number"},
		{"{\"a\":1e}", "byte 5: bad number"},
		{"{\"a\":+1}", "byte 5: expected a value"},
		{"{\"a\":tru}", "byte 5: expected a value"},
		{"{\"a\":nul}", "byte 5: expected a value"},
		{"{\"a\":'x'}", "byte 5: expected a value"},
		{"{a:1}", "byte 1: expected a member name"},
		/* valid JSON, not a parse tree */
		{"{\"a\":1}", "not a parse tree: no \"stmts\" array"},
		{"[]", "not a parse tree: no \"stmts\" array"},
		{"\"stmts\"", "not a parse tree: no \"stmts\" array"},
		{"{\"stmts\":{}}", "not a parse tree: no \"stmts\" array"},
		{"{\"stmts\":[{}]}", "not a parse tree: statement without \"stmt\""},
		{"{\"stmts\":[1]}", "not a parse tree: statement without \"stmt\""},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		UkTreeShape shape;
		UkError    *err = NULL;
		UkStatus	st;

		memset(&shape, 0x5a, sizeof(shape));
		st = uk_pgtree_shape(cases[i].json, strlen(cases[i].json), gen_tables,
							 NCOLS(gen_tables), "public", false, &shape, &err);
		CHECK(st == UK_ERR_INVALID && err != NULL &&
			  strstr(err->message, cases[i].msg) != NULL,
			  "'%s': status %d, message '%s', want '%s'", cases[i].json, (int) st,
			  err ? err->message : "", cases[i].msg);
		CHECK(shape.query.preds == NULL && shape.query.npreds == 0 &&
			  shape.query.order_by == NULL && shape.query.group_by == NULL &&
			  shape.nunresolved == 0, "'%s': *out not zeroed", cases[i].json);
		uk_error_free(err);
	}
}

/* Nesting: 200 levels are read, 201 refused; a long flat array is fine. */
static void
test_depth(void)
{
	char		buf[1024];
	UkTreeShape shape;
	UkError    *err = NULL;
	UkStatus	st;
	size_t		n = 0;
	char	   *big;

	for (int depth = 200; depth <= 201; depth++)
	{
		n = 0;
		/* {"stmts": [[[...]]]}: the object and stmts are two levels */
		n += (size_t) snprintf(buf, sizeof(buf), "{\"stmts\":");
		for (int i = 0; i < depth - 1; i++)
			buf[n++] = '[';
		for (int i = 0; i < depth - 1; i++)
			buf[n++] = ']';
		buf[n++] = '}';
		buf[n] = '\0';
		st = uk_pgtree_shape(buf, n, gen_tables, NCOLS(gen_tables), NULL, false, &shape, &err);
		if (depth == 200)
			CHECK(st == UK_ERR_INVALID && strstr(err->message, "statement without") != NULL,
				  "depth 200: %s", err ? err->message : "accepted");
		else
			CHECK(st == UK_ERR_INVALID &&
				  strcmp(err->message, "invalid JSON at byte 208: nested deeper than 200 levels") == 0,
				  "depth 201: %s", err ? err->message : "accepted");
		uk_error_free(err);
		err = NULL;
	}

	/* deep nesting of a real node kind: NOT NOT NOT ... a = 1 */
	{
		const char *pre = "{\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"fromClause\":[{\"RangeVar\":{\"relname\":\"w\"}}],\"whereClause\":";
		const char *not = "{\"BoolExpr\":{\"boolop\":\"AND_EXPR\",\"args\":[";
		const char *leaf = "{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"wa\"}}]}}";
		size_t		cap = 64 * 1024;
		char	   *j = malloc(cap);
		int			levels;

		for (levels = 40; levels <= 100; levels += 60)
		{
			n = 0;
			n += (size_t) snprintf(j + n, cap - n, "%s", pre);
			for (int i = 0; i < levels; i++)
				n += (size_t) snprintf(j + n, cap - n, "%s", not);
			n += (size_t) snprintf(j + n, cap - n, "%s", leaf);
			for (int i = 0; i < levels; i++)
				n += (size_t) snprintf(j + n, cap - n, "]}}");
			n += (size_t) snprintf(j + n, cap - n, "}}}]}");
			st = uk_pgtree_shape(j, n, gen_tables, NCOLS(gen_tables), "public", false, &shape, &err);
			if (levels == 40)
				CHECK(st == UK_OK && shape.query.npreds == 1 &&
					  shape.query.preds[0].kind == UK_ADV_EQ, "40 nested ANDs: %s",
					  err ? err->message : "wrong shape");
			else
				CHECK(st == UK_ERR_INVALID && strstr(err->message, "nested deeper") != NULL,
					  "100 nested ANDs (300 levels): %s", err ? err->message : "accepted");
			uk_pgtree_shape_free(&shape);
			uk_error_free(err);
			err = NULL;
		}
		free(j);
	}

	/* 100000 elements side by side */
	big = malloc(300000);
	n = (size_t) snprintf(big, 300000, "{\"x\":[");
	for (int i = 0; i < 100000; i++)
	{
		big[n++] = '0';
		big[n++] = ',';
	}
	n--;
	n += (size_t) snprintf(big + n, 300000 - n, "],\"stmts\":[]}");
	st = uk_pgtree_shape(big, n, gen_tables, NCOLS(gen_tables), NULL, false, &shape, &err);
	CHECK(st == UK_OK && shape.query.npreds == 0, "wide array: %s", err ? err->message : "");
	uk_pgtree_shape_free(&shape);
	uk_error_free(err);
	free(big);
}

/* The length is respected: no read past len, no need for a NUL. */
static void
test_length(void)
{
	const char *json = gen_cases[0].json;
	size_t		len = strlen(json);
	char	   *copy = malloc(len + 5);
	UkTreeShape shape;
	UkError    *err = NULL;
	UkStatus	st;

	memcpy(copy, json, len);
	memcpy(copy + len, "xxxx", 5);
	st = uk_pgtree_shape(copy, len, gen_tables, NCOLS(gen_tables), "public", false, &shape, &err);
	CHECK(st == UK_OK && shape.query.npreds == 11, "not NUL-terminated: %s", err ? err->message : "");
	uk_pgtree_shape_free(&shape);
	uk_error_free(err);
	err = NULL;
	st = uk_pgtree_shape(copy, len - 1, gen_tables, NCOLS(gen_tables), "public", false, &shape, &err);
	CHECK(st == UK_ERR_INVALID, "one byte short is accepted");
	uk_error_free(err);
	free(copy);
	uk_pgtree_shape_free(NULL);
}

/* A bad catalogue is refused before the text is read. */
static void
test_catalogue(void)
{
	static const UkAdvColumn bad_cols[] = {C("a"), C(NULL)};
	const UkAdvTable no_name[] = {{"s", NULL, 1, 0, 0, t_cols, 1, NULL, 0, false, 0, 0, 0}};
	const UkAdvTable no_col[] = {{"s", "x", 1, 0, 0, bad_cols, 2, NULL, 0, false, 0, 0, 0}};
	const char *json = "{\"stmts\":[]}";
	UkTreeShape shape;
	UkError    *err = NULL;

	CHECK(uk_pgtree_shape(json, strlen(json), no_name, 1, NULL, false, &shape, &err) ==
		  UK_ERR_INVALID && strstr(err->message, "table 0") != NULL, "table without name");
	uk_error_free(err);
	err = NULL;
	CHECK(uk_pgtree_shape(json, strlen(json), no_col, 1, NULL, false, &shape, &err) ==
		  UK_ERR_INVALID && strstr(err->message, "table 0 column 1") != NULL, "column without name");
	uk_error_free(err);
	err = NULL;
	CHECK(uk_pgtree_shape(json, strlen(json), NULL, 2, NULL, false, &shape, &err) ==
		  UK_ERR_INVALID, "NULL tables");
	uk_error_free(err);
	err = NULL;
	CHECK(uk_pgtree_shape(json, strlen(json), NULL, 0, NULL, false, &shape, NULL) == UK_OK,
		  "empty catalogue, no err pointer");
	uk_pgtree_shape_free(&shape);

	/* an empty catalogue: every table unknown */
	check_shape("no tables", stock_pg_cases[5].json, NULL, 0, NULL, "odoo", false, "u 3 | k 2");
}

/*
 * Placing columns has a budget: a contrived statement (a CTE of 3000
 * output names read 100 times, 100 bare names to place) is read in
 * bounded time, the names past the budget counted as not placed.
 */
static void
test_budget(void)
{
	size_t		cap = 1024 * 1024;
	char	   *j = malloc(cap);
	size_t		n = 0;
	UkTreeShape shape;
	UkError    *err = NULL;
	UkStatus	st;

	n += (size_t) snprintf(j + n, cap - n, "{\"stmts\":[{\"stmt\":{\"SelectStmt\":{"
						   "\"withClause\":{\"ctes\":[{\"CommonTableExpr\":{\"ctename\":\"big\","
						   "\"ctequery\":{\"SelectStmt\":{\"targetList\":[");
	for (int i = 0; i < 3000; i++)
		n += (size_t) snprintf(j + n, cap - n, "%s{\"ResTarget\":{\"name\":\"n%d\"}}",
							   i ? "," : "", i);
	n += (size_t) snprintf(j + n, cap - n, "]}}}}]},\"fromClause\":[{\"RangeVar\":{\"relname\":\"t\"}}");
	for (int i = 0; i < 100; i++)
		n += (size_t) snprintf(j + n, cap - n,
							   ",{\"RangeVar\":{\"relname\":\"big\",\"alias\":{\"aliasname\":\"b%d\"}}}", i);
	n += (size_t) snprintf(j + n, cap - n, "],\"whereClause\":{\"BoolExpr\":{\"boolop\":\"AND_EXPR\",\"args\":[");
	for (int i = 0; i < 100; i++)
		n += (size_t) snprintf(j + n, cap - n, "%s{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"flag\"}}]}}",
							   i ? "," : "");
	n += (size_t) snprintf(j + n, cap - n, "]}}}}}]}");
	st = uk_pgtree_shape(j, n, gen_tables, NCOLS(gen_tables), "public", false, &shape, &err);
	CHECK(st == UK_OK && shape.query.npreds > 0 && shape.query.npreds < 100 &&
		  shape.query.npreds + shape.nunresolved == 100,
		  "budget: status %d, %d predicates, %d not placed", (int) st,
		  shape.query.npreds, shape.nunresolved);
	uk_pgtree_shape_free(&shape);
	uk_error_free(err);
	free(j);
}

int
main(void)
{
	test_generic();
	test_stock();
	test_handmade();
	test_values();
	test_errors();
	test_depth();
	test_length();
	test_catalogue();
	test_budget();
	return uk_test_done("test_pgtree");
}
