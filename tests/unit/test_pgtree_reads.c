/*
 * test_pgtree_reads.c
 *		Unit tests for the columns a statement reads (UkAdvQuery.reads of
 *		uk_pgtree_shape(), uk_pgtree_reads.c): what an index must carry for
 *		the advisor's covering columns.
 *
 * The trees are fixtures: pg_query_parse() (libpg_query 15-4.0) output for
 * the statement shown with each, kept verbatim.  The reads are compared as
 * a sorted list of "table.column", "table.*" (something of the table that
 * cannot be named) and "*" (something of any table).  A star, qualified or
 * not, reads every table of its level; a bare name that a table not in the
 * catalogue might hold reads something of any table; the rows an UPDATE
 * or DELETE changes are read whole.
 */
#include "uk_pgtree.h"
#include "uk_test.h"

#define C(name) {name, 0, 0, 0, 0}

static const UkAdvColumn gl_cols[] = {
	C("id"), C("account"), C("posting_date"), C("debit"), C("credit"),
	C("is_cancelled"), C("remarks"),
};
static const UkAdvColumn party_cols[] = {C("id"), C("name")};

static const UkAdvTable tables[] = {
	{"erp", "gl_entry", 1000, 0, 0, gl_cols, 7, NULL, 0, false, 0, 0, 0},
	{"erp", "party", 1000, 0, 0, party_cols, 2, NULL, 0, false, 0, 0, 0},
};

static const struct
{
	const char *sql;
	const char *want;
	const char *json;
}			cases[] = {
	{"SELECT sum(debit) - sum(credit) FROM gl_entry WHERE account = 'A' AND posting_date <= '2024-06-30' AND is_cancelled = 0",
	 "gl_entry.account gl_entry.posting_date gl_entry.debit gl_entry.credit gl_entry.is_cancelled",
	 "{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\":{\"val\":{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"-\"}}],\"lexpr\":{\"FuncCall\":{\"funcname\":[{\"String\":{\"sval\":\"sum\"}}],\"args\":[{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"debit\"}}],\"location\":11}}],\"funcformat\":\"COERCE_EXPLICIT_CALL\",\"location\":7}},\"rexpr\":{\"FuncCall\":{\"funcname\":[{\"String\":{\"sval\":\"sum\"}}],\"args\":[{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"credit\"}}],\"location\":24}}],\"funcformat\":\"COERCE_EXPLICIT_CALL\",\"location\":20}},\"location\":18}},\"location\":7}}],\"fromClause\":[{\"RangeVar\":{\"relname\":\"gl_entry\",\"inh\":true,\"relpersistence\":\"p\",\"location\":37}}],\"whereClause\":{\"BoolExpr\":{\"boolop\":\"AND_EXPR\",\"args\":[{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"account\"}}],\"location\":52}},\"rexpr\":{\"A_Const\":{\"sval\":{\"sval\":\"A\"},\"location\":62}},\"location\":60}},{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"\\u003c=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"posting_date\"}}],\"location\":70}},\"rexpr\":{\"A_Const\":{\"sval\":{\"sval\":\"2024-06-30\"},\"location\":86}},\"location\":83}},{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"is_cancelled\"}}],\"location\":103}},\"rexpr\":{\"A_Const\":{\"ival\":{},\"location\":118}},\"location\":116}}],\"location\":66}},\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT * FROM gl_entry WHERE account = 'A'",
	 "gl_entry.* gl_entry.account",
	 "{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\":{\"val\":{\"ColumnRef\":{\"fields\":[{\"A_Star\":{}}],\"location\":7}},\"location\":7}}],\"fromClause\":[{\"RangeVar\":{\"relname\":\"gl_entry\",\"inh\":true,\"relpersistence\":\"p\",\"location\":14}}],\"whereClause\":{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"account\"}}],\"location\":29}},\"rexpr\":{\"A_Const\":{\"sval\":{\"sval\":\"A\"},\"location\":39}},\"location\":37}},\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT g.* FROM gl_entry g JOIN party p ON p.id = g.id",
	 "gl_entry.* party.* party.id gl_entry.id",
	 "{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"g\"}},{\"A_Star\":{}}],\"location\":7}},\"location\":7}}],\"fromClause\":[{\"JoinExpr\":{\"jointype\":\"JOIN_INNER\",\"larg\":{\"RangeVar\":{\"relname\":\"gl_entry\",\"inh\":true,\"relpersistence\":\"p\",\"alias\":{\"aliasname\":\"g\"},\"location\":16}},\"rarg\":{\"RangeVar\":{\"relname\":\"party\",\"inh\":true,\"relpersistence\":\"p\",\"alias\":{\"aliasname\":\"p\"},\"location\":32}},\"quals\":{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"p\"}},{\"String\":{\"sval\":\"id\"}}],\"location\":43}},\"rexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"g\"}},{\"String\":{\"sval\":\"id\"}}],\"location\":50}},\"location\":48}}}}],\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT g.debit, p.name FROM gl_entry g JOIN party p ON p.id = g.id WHERE p.name LIKE 'x%'",
	 "party.id gl_entry.id gl_entry.debit party.name",
	 "{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"g\"}},{\"String\":{\"sval\":\"debit\"}}],\"location\":7}},\"location\":7}},{\"ResTarget\":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"p\"}},{\"String\":{\"sval\":\"name\"}}],\"location\":16}},\"location\":16}}],\"fromClause\":[{\"JoinExpr\":{\"jointype\":\"JOIN_INNER\",\"larg\":{\"RangeVar\":{\"relname\":\"gl_entry\",\"inh\":true,\"relpersistence\":\"p\",\"alias\":{\"aliasname\":\"g\"},\"location\":28}},\"rarg\":{\"RangeVar\":{\"relname\":\"party\",\"inh\":true,\"relpersistence\":\"p\",\"alias\":{\"aliasname\":\"p\"},\"location\":44}},\"quals\":{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"p\"}},{\"String\":{\"sval\":\"id\"}}],\"location\":55}},\"rexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"g\"}},{\"String\":{\"sval\":\"id\"}}],\"location\":62}},\"location\":60}}}}],\"whereClause\":{\"A_Expr\":{\"kind\":\"AEXPR_LIKE\",\"name\":[{\"String\":{\"sval\":\"~~\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"p\"}},{\"String\":{\"sval\":\"name\"}}],\"location\":73}},\"rexpr\":{\"A_Const\":{\"sval\":{\"sval\":\"x%\"},\"location\":85}},\"location\":80}},\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT account AS a, count(*) FROM gl_entry GROUP BY a ORDER BY a",
	 "gl_entry.account",
	 "{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\":{\"name\":\"a\",\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"account\"}}],\"location\":7}},\"location\":7}},{\"ResTarget\":{\"val\":{\"FuncCall\":{\"funcname\":[{\"String\":{\"sval\":\"count\"}}],\"agg_star\":true,\"funcformat\":\"COERCE_EXPLICIT_CALL\",\"location\":21}},\"location\":21}}],\"fromClause\":[{\"RangeVar\":{\"relname\":\"gl_entry\",\"inh\":true,\"relpersistence\":\"p\",\"location\":35}}],\"groupClause\":[{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"a\"}}],\"location\":53}}],\"sortClause\":[{\"SortBy\":{\"node\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"a\"}}],\"location\":64}},\"sortby_dir\":\"SORTBY_DEFAULT\",\"sortby_nulls\":\"SORTBY_NULLS_DEFAULT\",\"location\":-1}}],\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT nosuch FROM gl_entry",
	 "*",
	 "{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"nosuch\"}}],\"location\":7}},\"location\":7}}],\"fromClause\":[{\"RangeVar\":{\"relname\":\"gl_entry\",\"inh\":true,\"relpersistence\":\"p\",\"location\":19}}],\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"UPDATE gl_entry SET debit = 0 WHERE account = 'A'",
	 "gl_entry.* gl_entry.account",
	 "{\"version\":150001,\"stmts\":[{\"stmt\":{\"UpdateStmt\":{\"relation\":{\"relname\":\"gl_entry\",\"inh\":true,\"relpersistence\":\"p\",\"location\":7},\"targetList\":[{\"ResTarget\":{\"name\":\"debit\",\"val\":{\"A_Const\":{\"ival\":{},\"location\":28}},\"location\":20}}],\"whereClause\":{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"account\"}}],\"location\":36}},\"rexpr\":{\"A_Const\":{\"sval\":{\"sval\":\"A\"},\"location\":46}},\"location\":44}}}}}]}"},
	{"DELETE FROM gl_entry WHERE id = 7",
	 "gl_entry.* gl_entry.id",
	 "{\"version\":150001,\"stmts\":[{\"stmt\":{\"DeleteStmt\":{\"relation\":{\"relname\":\"gl_entry\",\"inh\":true,\"relpersistence\":\"p\",\"location\":12},\"whereClause\":{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"id\"}}],\"location\":27}},\"rexpr\":{\"A_Const\":{\"ival\":{\"ival\":7},\"location\":32}},\"location\":30}}}}}]}"},
	{"SELECT x.debit FROM (SELECT debit FROM gl_entry WHERE account = 'A') x",
	 "gl_entry.debit gl_entry.account",
	 "{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"x\"}},{\"String\":{\"sval\":\"debit\"}}],\"location\":7}},\"location\":7}}],\"fromClause\":[{\"RangeSubselect\":{\"subquery\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"debit\"}}],\"location\":28}},\"location\":28}}],\"fromClause\":[{\"RangeVar\":{\"relname\":\"gl_entry\",\"inh\":true,\"relpersistence\":\"p\",\"location\":39}}],\"whereClause\":{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"account\"}}],\"location\":54}},\"rexpr\":{\"A_Const\":{\"sval\":{\"sval\":\"A\"},\"location\":64}},\"location\":62}},\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}},\"alias\":{\"aliasname\":\"x\"}}}],\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT debit FROM gl_entry WHERE account IN (SELECT name FROM party WHERE id = 1) ORDER BY posting_date",
	 "gl_entry.debit gl_entry.account party.name party.id gl_entry.posting_date",
	 "{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"debit\"}}],\"location\":7}},\"location\":7}}],\"fromClause\":[{\"RangeVar\":{\"relname\":\"gl_entry\",\"inh\":true,\"relpersistence\":\"p\",\"location\":18}}],\"whereClause\":{\"SubLink\":{\"subLinkType\":\"ANY_SUBLINK\",\"testexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"account\"}}],\"location\":33}},\"subselect\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"name\"}}],\"location\":52}},\"location\":52}}],\"fromClause\":[{\"RangeVar\":{\"relname\":\"party\",\"inh\":true,\"relpersistence\":\"p\",\"location\":62}}],\"whereClause\":{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"id\"}}],\"location\":74}},\"rexpr\":{\"A_Const\":{\"ival\":{\"ival\":1},\"location\":79}},\"location\":77}},\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}},\"location\":41}},\"sortClause\":[{\"SortBy\":{\"node\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"posting_date\"}}],\"location\":91}},\"sortby_dir\":\"SORTBY_DEFAULT\",\"sortby_nulls\":\"SORTBY_NULLS_DEFAULT\",\"location\":-1}}],\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT count(*) FROM gl_entry WHERE is_cancelled = 0",
	 "gl_entry.is_cancelled",
	 "{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\":{\"val\":{\"FuncCall\":{\"funcname\":[{\"String\":{\"sval\":\"count\"}}],\"agg_star\":true,\"funcformat\":\"COERCE_EXPLICIT_CALL\",\"location\":7}},\"location\":7}}],\"fromClause\":[{\"RangeVar\":{\"relname\":\"gl_entry\",\"inh\":true,\"relpersistence\":\"p\",\"location\":21}}],\"whereClause\":{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"is_cancelled\"}}],\"location\":36}},\"rexpr\":{\"A_Const\":{\"ival\":{},\"location\":51}},\"location\":49}},\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
	{"SELECT debit FROM gl_entry, other WHERE account = 'A'",
	 "*",
	 "{\"version\":150001,\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"targetList\":[{\"ResTarget\":{\"val\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"debit\"}}],\"location\":7}},\"location\":7}}],\"fromClause\":[{\"RangeVar\":{\"relname\":\"gl_entry\",\"inh\":true,\"relpersistence\":\"p\",\"location\":18}},{\"RangeVar\":{\"relname\":\"other\",\"inh\":true,\"relpersistence\":\"p\",\"location\":28}}],\"whereClause\":{\"A_Expr\":{\"kind\":\"AEXPR_OP\",\"name\":[{\"String\":{\"sval\":\"=\"}}],\"lexpr\":{\"ColumnRef\":{\"fields\":[{\"String\":{\"sval\":\"account\"}}],\"location\":40}},\"rexpr\":{\"A_Const\":{\"sval\":{\"sval\":\"A\"},\"location\":50}},\"location\":48}},\"limitOption\":\"LIMIT_OPTION_DEFAULT\",\"op\":\"SETOP_NONE\"}}}]}"},
};

static int
cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *) x, *(const char *const *) y);
}

/* "a b c" sorted into out */
static void
sorted_words(const char *in, char *out, size_t cap)
{
	char		buf[1024];
	char	   *words[64];
	int			n = 0;
	char	   *save = NULL;

	snprintf(buf, sizeof(buf), "%s", in);
	for (char *w = strtok_r(buf, " ", &save); w != NULL && n < 64;
		 w = strtok_r(NULL, " ", &save))
		words[n++] = w;
	qsort(words, (size_t) n, sizeof(char *), cmp_str);
	out[0] = '\0';
	for (int i = 0; i < n; i++)
	{
		size_t		l = strlen(out);

		snprintf(out + l, cap - l, "%s%s", i > 0 ? " " : "", words[i]);
	}
}

static void
test_reads(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		UkTreeShape shape;
		UkError    *err = NULL;
		char		got[1024] = "";
		char		got_sorted[1024];
		char		want_sorted[1024];

		if (uk_pgtree_shape(cases[i].json, strlen(cases[i].json), tables, 2,
							"erp", false, &shape, &err) != UK_OK)
		{
			CHECK(false, "%s: %s", cases[i].sql, err->message);
			uk_error_free(err);
			continue;
		}
		for (int r = 0; r < shape.query.nreads; r++)
		{
			const UkAdvColRef *c = &shape.query.reads[r];
			size_t		l = strlen(got);

			if (c->table < 0)
				snprintf(got + l, sizeof(got) - l, " *");
			else
				snprintf(got + l, sizeof(got) - l, " %s.%s", tables[c->table].name,
						 c->column < 0 ? "*" : tables[c->table].columns[c->column].name);
		}
		sorted_words(got, got_sorted, sizeof(got_sorted));
		sorted_words(cases[i].want, want_sorted, sizeof(want_sorted));
		CHECK(shape.query.reads_known && strcmp(got_sorted, want_sorted) == 0,
			  "%s: reads '%s', want '%s'", cases[i].sql, got_sorted, want_sorted);
		uk_pgtree_shape_free(&shape);
	}
}

int
main(void)
{
	test_reads();
	return uk_test_done("test_pgtree_reads");
}
