/*
 * test_stmt.c
 *		Unit tests for uk_stmt.h: tidying, command tags and shapes of
 *		statements of both dialects.
 */
#include "uk_patch.h"
#include "uk_stmt.h"
#include "uk_test.h"

static void
test_clean(void)
{
	static const struct
	{
		const char *in;
		const char *want;
	}			cases[] = {
		{"  SELECT   1 ;  ", "SELECT 1"},
		{"SELECT\n\t*\nFROM   t;;", "SELECT * FROM t"},
		{"SELECT 'a   b'  ,  \"x  y\"", "SELECT 'a   b' , \"x  y\""},
		{"SELECT `a  b`   FROM   `t`", "SELECT `a  b` FROM `t`"},
		{"SELECT 'it''s   ok'", "SELECT 'it''s   ok'"},
		{"SELECT 'back\\'slash   x'", "SELECT 'back\\'slash   x'"},
		{"SELECT $f$ a   b $f$", "SELECT $f$ a   b $f$"},
		{"SELECT /* a   comment */   1", "SELECT /* a   comment */ 1"},
		/* a line comment keeps its end of line, or it would swallow the rest */
		{"-- patch x\n   UPDATE   t SET a = 1", "-- patch x\nUPDATE t SET a = 1"},
		{"SELECT 1 # mariadb comment\n  , 2", "SELECT 1 # mariadb comment\n, 2"},
		{"", ""},
		{"   ;  ", ""},
		{"SELECT 'unterminated   ", "SELECT 'unterminated   "},
	};
	char		out[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		bool		cut = true;
		size_t		n = uk_stmt_clean(cases[i].in, strlen(cases[i].in), out,
									  sizeof(out), &cut);

		CHECK(strcmp(out, cases[i].want) == 0 && n == strlen(out) && !cut,
			  "clean '%s' -> '%s', want '%s'", cases[i].in, out, cases[i].want);
	}
}

static void
test_clean_truncates(void)
{
	char		in[100];
	char		out[16];
	bool		cut = false;
	size_t		n;

	memset(in, 'x', sizeof(in));
	n = uk_stmt_clean(in, sizeof(in), out, sizeof(out), &cut);
	CHECK(cut && n == 15 && strcmp(out + 12, "...") == 0, "cut with marker: '%s'", out);

	/* never inside a multi-byte character */
	strcpy(in, "SELECT 'ééééééééééé'");
	n = uk_stmt_clean(in, strlen(in), out, sizeof(out), &cut);
	CHECK(cut && n <= 15 && uk_utf8_cut(out, n, n) == n, "cut at a boundary: '%s'", out);
	for (size_t i = 0; i + 3 < n; i++)
		CHECK((unsigned char) out[i] < 0x80 || (unsigned char) out[i] >= 0xc0 ||
			  i > 0, "no dangling continuation");
	CHECK(strcmp(out + n - 3, "...") == 0 &&
		  ((unsigned char) out[n - 4] < 0x80 || (unsigned char) out[n - 4] == 0xa9),
		  "ends on a whole character then ...: '%s'", out);

	/* exactly fitting text is not cut */
	n = uk_stmt_clean("SELECT 1234567", 14, out, sizeof(out), &cut);
	CHECK(!cut && n == 14, "fits exactly");
	CHECK(uk_stmt_clean("x", 1, NULL, 0, NULL) == 0, "no buffer");
}

static void
test_command(void)
{
	static const struct
	{
		const char *in;
		const char *want;
	}			cases[] = {
		{"select 1", "SELECT"},
		{"  (SELECT 1) UNION (SELECT 2)", "SELECT"},
		{"/* hint */ UPDATE `tabItem` SET x = 1", "UPDATE"},
		{"-- c\ndelete from t", "DELETE"},
		{"INSERT INTO t VALUES (1)", "INSERT"},
		{"REPLACE INTO t VALUES (1)", "REPLACE"},
		{"CREATE INDEX i ON t (a)", "CREATE INDEX"},
		{"create unique index concurrently if not exists i on t (a)", "CREATE INDEX"},
		{"CREATE OR REPLACE VIEW v AS SELECT 1", "CREATE VIEW"},
		{"CREATE TEMPORARY TABLE tt (a int)", "CREATE TABLE"},
		{"CREATE MATERIALIZED VIEW mv AS SELECT 1", "CREATE MATERIALIZED VIEW"},
		{"CREATE DEFINER=CURRENT_USER TRIGGER tr", "CREATE TRIGGER"},
		{"ALTER TABLE `tabSales Invoice` ADD COLUMN x int", "ALTER TABLE"},
		{"ALTER ONLINE TABLE t ADD INDEX (a)", "ALTER TABLE"},
		{"DROP TABLE IF EXISTS t", "DROP TABLE"},
		{"drop index i", "DROP INDEX"},
		{"TRUNCATE t", "TRUNCATE TABLE"},
		{"truncate table t", "TRUNCATE TABLE"},
		{"RENAME TABLE a TO b", "RENAME TABLE"},
		{"START TRANSACTION", "START TRANSACTION"},
		{"begin", "BEGIN"},
		{"CALL p()", "CALL"},
		{"SET SESSION upkeep_patch = 'x'", "SET"},
		{"WITH a AS (SELECT 1) UPDATE t SET x = (SELECT * FROM a)", "UPDATE"},
		{"WITH RECURSIVE r(n) AS (SELECT 1 UNION SELECT n+1 FROM r) SELECT * FROM r", "SELECT"},
		{"LOCK TABLES t WRITE", "LOCK TABLE"},
		{"", ""},
		{"   ", ""},
		{"123", ""},
		{"vacuum analyze t", "VACUUM"},
	};
	char		out[UK_COMMAND_MAX];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		uk_stmt_command(cases[i].in, strlen(cases[i].in), out, sizeof(out));
		CHECK(strcmp(out, cases[i].want) == 0, "command '%s' -> '%s', want '%s'",
			  cases[i].in, out, cases[i].want);
	}
	uk_stmt_command("CREATE MATERIALIZED VIEW", 24, out, 8);
	CHECK(strcmp(out, "CREATE ") == 0, "short buffer: '%s'", out);
}

#define PG UK_SQL_POSTGRES
#define MY UK_SQL_MARIADB

static void
test_txn_role(void)
{
	static const struct
	{
		const char *in;
		UkTxnRole	want;
	}			cases[] = {
		{"INSERT INTO erp.t VALUES (1)", UK_TXN_WRITE},
		{"/* x */ update t set a = 1", UK_TXN_WRITE},
		{"delete from t", UK_TXN_WRITE},
		{"REPLACE INTO t VALUES (1)", UK_TXN_WRITE},
		{"LOAD DATA INFILE 'f' INTO TABLE t", UK_TXN_WRITE},
		{"WITH a AS (SELECT 1) UPDATE t SET x = 1", UK_TXN_WRITE},
		{"CALL p()", UK_TXN_WRITE},
		{"EXECUTE stmt", UK_TXN_WRITE},
		{"CREATE TABLE t (a int)", UK_TXN_WRITE},
		{"DROP TABLE t", UK_TXN_WRITE},
		{"TRUNCATE t", UK_TXN_WRITE},
		{"COMMIT", UK_TXN_END},
		{"commit work", UK_TXN_END},
		{"BEGIN", UK_TXN_END},
		{"START TRANSACTION READ ONLY", UK_TXN_END},
		{"ROLLBACK", UK_TXN_END},
		{"rollback work", UK_TXN_END},
		{"ROLLBACK AND CHAIN", UK_TXN_END},
		{"ROLLBACK TO SAVEPOINT s1", UK_TXN_OTHER},
		{"rollback work to s1", UK_TXN_OTHER},
		{"SELECT * FROM t FOR UPDATE", UK_TXN_OTHER},
		{"SET autocommit = 0", UK_TXN_OTHER},
		{"SAVEPOINT s1", UK_TXN_OTHER},
		{"SHOW TABLES", UK_TXN_OTHER},
		{"", UK_TXN_OTHER},
		{"'insert'", UK_TXN_OTHER},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK(uk_stmt_txn_role(cases[i].in, strlen(cases[i].in)) == cases[i].want,
			  "txn role of '%s'", cases[i].in);
	CHECK(uk_stmt_txn_role(NULL, 0) == UK_TXN_OTHER, "NULL statement");
}

static void
test_normalize(void)
{
	static const struct
	{
		UkSqlDialect dialect;
		const char *in;
		const char *want;
	}			cases[] = {
		{PG, "SELECT * FROM t WHERE a = 1 AND b = 'x'", "SELECT * FROM t WHERE a = ? AND b = ?"},
		{MY, "SELECT * FROM t WHERE a = 1 AND b = 'x'", "SELECT * FROM t WHERE a = ? AND b = ?"},
		{PG, "select * from t where a in (1, 2, 3)", "select * from t where a in (...)"},
		{PG, "select * from t where a in ( 'a' , 'b' )", "select * from t where a in (...)"},
		{MY, "SELECT * FROM `tabItem` WHERE `name`='ITEM-0001'", "SELECT * FROM `tabItem` WHERE `name`=?"},
		{PG, "SELECT x FROM t WHERE y = $1 -- c\n LIMIT 10", "SELECT x FROM t WHERE y = ? LIMIT ?"},
		{PG, "UPDATE t SET a = -1.5e3 WHERE id = 0x1F", "UPDATE t SET a = -? WHERE id = ?"},
		{MY, "UPDATE t SET a = -1.5e3 WHERE id = 0x1F", "UPDATE t SET a = -? WHERE id = ?"},
		{PG, "SELECT f(a, 1) FROM t1", "SELECT f(a, ?) FROM t1"},
		{PG, "SELECT $$body$$, E'x\\'y'", "SELECT ?, ?"},
		{PG, "SELECT \"col 1\" FROM t /* c */ WHERE t.c2 IS NULL", "SELECT \"col 1\" FROM t WHERE t.c2 IS NULL"},
		{PG, "INSERT INTO t VALUES (1, 'a'), (2, 'b')", "INSERT INTO t VALUES (...), (...)"},
		{PG, "SELECT (a) FROM t", "SELECT (a) FROM t"},

		/*
		 * issue 10: under standard_conforming_strings 'C:\' ends at its
		 * second quote, with backslash escapes it runs on to the next one:
		 * nothing after it is shown
		 */
		{PG, "UPDATE dl SET v = 'C:\\' , ssn = '078-05-1120 ...' WHERE id = 2", "UPDATE dl SET v = ?..."},
		{MY, "UPDATE dl SET v = 'C:\\' , ssn = '078-05-1120 ...' WHERE id = 2", "UPDATE dl SET v = ?..."},
		{PG, "UPDATE dl SET v = 'a\\'b' , ssn = '078' WHERE id = 2", "UPDATE dl SET v = ?..."},
		/* a backslash that no reading pairs with a quote is not ambiguous */
		{PG, "SELECT 'a\\nb', 'it''s', 'C:\\\\' FROM t", "SELECT ?, ?, ? FROM t"},
		{MY, "UPDATE t SET v = 'C:\\\\', ssn = 'x' WHERE id = 2", "UPDATE t SET v = ?, ssn = ? WHERE id = ?"},
		/* PostgreSQL's other strings */
		{PG, "UPDATE dl SET v = E'C:\\\\' , ssn = 'x' WHERE id = 2", "UPDATE dl SET v = ? , ssn = ? WHERE id = ?"},
		{PG, "SELECT e'\\'', 'z'", "SELECT ?, ?"},
		{PG, "SELECT U&'d\\0061t', u&'x''y', U&\"col\" FROM t", "SELECT ?, ?, U&\"col\" FROM t"},
		{PG, "SELECT B'101', X'1F', N'x', n'it''s'", "SELECT ?, ?, ?, ?"},
		{PG, "SELECT $fn$ it's $x$ $fn$, $\xc3\xa9$secret words$\xc3\xa9$ FROM t", "SELECT ?, ? FROM t"},
		{PG, "SELECT $a$unterminated 'x", "SELECT ?"},
		{PG, "SELECT a$b, 'x' FROM t", "SELECT a$b, ? FROM t"},
		{PG, "SELECT 'a'\n'continued' FROM t", "SELECT ? ? FROM t"},
		/* PostgreSQL's comments: # is an operator, -- ends at \r too, nesting */
		{PG, "SELECT 1 # 2, 'a\nsecret'", "SELECT ? # ?, ?"},
		{PG, "SELECT 1 --x\r'sec\nret' FROM t", "SELECT ? ? FROM t"},
		{PG, "SELECT /* a /* nested */ 'no' */ 'yes'", "SELECT ?"},
		/* MariaDB's strings: "..." too, prefixes, no dollar quotes */
		{MY, "SELECT \"secret\", \"it\"\"s\" FROM t", "SELECT ?, ? FROM t"},
		{MY, "SELECT \"it\\\"s\", 'x' FROM t", "SELECT ?..."},
		{MY, "SELECT _utf8mb4'x', N'y', X'1F', b'01'", "SELECT _utf8mb4?, ?, ?, ?"},
		{MY, "SELECT $a$, 'secret $a$ more'", "SELECT $a$, ?"},
		/* MariaDB's comments: "--" needs a space, no nesting, executable */
		{MY, "SELECT 1--1, 'a\nsecret'", "SELECT ?- -?, ?"},
		{MY, "SELECT 1 -- c\n, 2 # d\n FROM t", "SELECT ? , ? FROM t"},
		{MY, "SELECT /* /* */ 'a */ secret' FROM t", "SELECT ? FROM t"},
		{MY, "SELECT /*!50000 'x*/y' */ 1", "SELECT ?..."},
		{MY, "SELECT /*!50000 SQL_NO_CACHE */ a FROM t", "SELECT a FROM t"},
	};
	char		out[256];
	char		again[256];
	char		a[256];
	char		b[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		uk_stmt_normalize(cases[i].in, strlen(cases[i].in), cases[i].dialect, out, sizeof(out));
		CHECK(strcmp(out, cases[i].want) == 0, "normalize '%s' -> '%s', want '%s'",
			  cases[i].in, out, cases[i].want);
		/* a shape is its own shape */
		uk_stmt_normalize(out, strlen(out), cases[i].dialect, again, sizeof(again));
		CHECK(strcmp(out, again) == 0, "normalize twice '%s' -> '%s'", out, again);
	}
	uk_stmt_normalize("UPDATE t SET a=1 WHERE id IN (5,6)", 34, UK_SQL_POSTGRES, a, sizeof(a));
	uk_stmt_normalize("UPDATE  t SET a=77\nWHERE id IN (9)", 34, UK_SQL_POSTGRES, b, sizeof(b));
	CHECK(strcmp(a, b) == 0, "same shape: '%s' vs '%s'", a, b);
}

static void
test_main_table(void)
{
	static const struct
	{
		const char *in;
		bool		ok;
		const char *schema;
		const char *name;
		bool		quoted;
	}			cases[] = {
		{"UPDATE dl_accounts SET balance = 1 WHERE id = 2", true, "", "dl_accounts", false},
		{"update ONLY public.t set a = 1", true, "public", "t", false},
		{"UPDATE `tabSales Invoice` SET x = 1", true, "", "tabSales Invoice", true},
		{"UPDATE LOW_PRIORITY IGNORE `erp`.`tab``x` SET a = 1", true, "erp", "tab`x", true},
		{"INSERT INTO \"Stock Ledger\" (a) VALUES (1)", true, "", "Stock Ledger", true},
		{"insert ignore into t values (1)", true, "", "t", false},
		{"REPLACE INTO s.t VALUES (1)", true, "s", "t", false},
		{"DELETE FROM t WHERE a IN (SELECT b FROM u)", true, "", "t", false},
		{"DELETE QUICK FROM t", true, "", "t", false},
		{"SELECT * FROM (SELECT 1 FROM inner_t) x", false, "", "", false},
		{"SELECT a, (SELECT max(b) FROM u) FROM main_t JOIN u ON true FOR UPDATE", true, "", "main_t", false},
		{"WITH c AS (SELECT * FROM src) UPDATE dst SET a = 1", true, "", "dst", false},
		{"/* c */ LOCK TABLE ONLY accounts IN EXCLUSIVE MODE", true, "", "accounts", false},
		{"LOCK TABLES t1 WRITE", true, "", "t1", false},
		{"TRUNCATE TABLE IF EXISTS x.y", true, "x", "y", false},
		{"ALTER TABLE t ADD COLUMN c int", true, "", "t", false},
		{"UPDATE t", true, "", "t", false},
		{"UPDATE", false, "", "", false},
		{"SELECT 1", false, "", "", false},
		{"VACUUM t", false, "", "", false},
		{"", false, "", "", false},
		{"UPDATE public.", false, "", "", false},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		UkTableRef	t;
		bool		ok = uk_stmt_main_table(cases[i].in, strlen(cases[i].in), &t);

		CHECK(ok == cases[i].ok, "main table of '%s': %d", cases[i].in, ok);
		if (ok && cases[i].ok)
			CHECK(strcmp(t.schema, cases[i].schema) == 0 && strcmp(t.name, cases[i].name) == 0 &&
				  t.name_quoted == cases[i].quoted,
				  "main table of '%s': '%s'.'%s' quoted %d", cases[i].in, t.schema, t.name,
				  t.name_quoted);
	}
}

int
main(void)
{
	test_clean();
	test_clean_truncates();
	test_command();
	test_txn_role();
	test_normalize();
	test_main_table();
	return uk_test_done("test_stmt");
}
