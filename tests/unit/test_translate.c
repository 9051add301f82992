/*
 * test_translate.c
 *		Unit tests for uk_translate.h: MariaDB statements as Frappe/ERPNext
 *		issue them, rewritten as PostgreSQL-parsable text.
 */
#include "uk_translate.h"
#include "uk_test.h"

static void
test_cases(void)
{
	static const struct
	{
		const char *in;
		const char *want;
		unsigned	flags;
	}			cases[] = {
		/* Frappe list query */
		{"select `name`, `posting_date` from `tabSales Invoice` where `docstatus`=1 and `company`='Acme' "
			"and `posting_date` between '2026-01-01' and '2026-03-31' order by `posting_date` desc limit 0, 20",
			"select \"name\", \"posting_date\" from \"tabSales Invoice\" where \"docstatus\"=1 and \"company\"='Acme' "
			"and \"posting_date\" between '2026-01-01' and '2026-03-31' order by \"posting_date\" desc limit 20 OFFSET 0", 0},
		{"select `tabItem`.`item_code` from `tabItem` where `tabItem`.`disabled`=0",
			"select \"tabItem\".\"item_code\" from \"tabItem\" where \"tabItem\".\"disabled\"=0", 0},
		/* identifiers: case kept, `` and " inside */
		{"SELECT `Weird``Name`, `say\"hi` FROM `T`", "SELECT \"Weird`Name\", \"say\"\"hi\" FROM \"T\"", 0},
		{"SELECT 1st_col FROM t", "SELECT \"1st_col\" FROM t", 0},
		/* string contents untouched: backticks, quotes, LIMIT text, comments */
		{"SELECT * FROM t WHERE a = 'x `y` LIMIT 1, 2 /* c */ # d'",
			"SELECT * FROM t WHERE a = 'x `y` LIMIT 1, 2 /* c */ # d'", 0},
		{"SELECT 'it''s', 'it\\'s', \"it's\", \"say \"\"hi\"\"\", \"a\\\"b\"",
			"SELECT 'it''s', 'it''s', 'it''s', 'say \"hi\"', 'a\"b'", 0},
		{"SELECT 'a\\\\b', 'c\\nd', 'e\\tf', 'g\\%h', 'i\\_j', 'k\\xl', 'm\\Zn'",
			"SELECT 'a\\b', 'c\nd', 'e\tf', 'g\\%h', 'i\\_j', 'kxl', 'm\032n'", 0},
		{"SELECT * FROM t WHERE n LIKE 'a\\_%' ESCAPE '\\\\'",
			"SELECT * FROM t WHERE n LIKE 'a\\_%' ESCAPE '\\'", 0},
		/* adjacent literals are concatenated by both, with a newline in PostgreSQL */
		{"SELECT 'a' 'b'", "SELECT 'a'\n'b'", 0},
		/* a hex or bit literal does not concatenate (translated or not) */
		{"SELECT 0xd ''", "SELECT X'd' ''", 0},
		{"SELECT X'd' ''", "SELECT X'd' ''", 0},
		{"SELECT b'01' 'x'", "SELECT b'01' 'x'", 0},
		/* a lone E or U& must not become a string prefix */
		{"SELECT e'x', U&'y'", "SELECT e 'x', U& 'y'", 0},
		/* comments */
		{"SELECT 1 # note `x`\nFROM t", "SELECT 1 -- note `x`\nFROM t", 0},
		{"SELECT 1 #note\nFROM t", "SELECT 1 -- note\nFROM t", 0},
		{"SELECT 1 -- note\nFROM t", "SELECT 1 -- note\nFROM t", 0},
		{"SELECT 1--1", "SELECT 1- -1", 0},
		{"SELECT /* `a` 'b */ 1", "SELECT /* `a` 'b */ 1", 0},
		{"SELECT /* a /* b */ 1", "SELECT   1", 0},
		{"SELECT 1 # a\rb\nFROM t", "SELECT 1  \nFROM t", 0},
		/* executable comments */
		{"SELECT /*!40001 SQL_NO_CACHE */ `a` FROM `t`", "SELECT  \"a\" FROM \"t\"", UK_TRANSLATE_HINTS},
		{"SELECT 1 /*!999999 FOR UPDATE */", "SELECT 1 /*!999999 FOR UPDATE */", 0},
		{"SELECT/*!STRAIGHT_JOIN*/`a`FROM`t`", "SELECT \"a\"FROM\"t\"", UK_TRANSLATE_HINTS},
		{"SELECT a FROM t /*M!100400 LOCK IN SHARE MODE */", "SELECT a FROM t  FOR SHARE ", 0},
		/* what joins once something between is dropped is kept apart */
		{"SELECT * FROM t WHERE a </*!=*/> 1", "SELECT * FROM t WHERE a < = > 1", 0},
		{"SELECT a FROM t LIMIT FORCE INDEX (i) 1, 2", "SELECT a FROM t LIMIT 2 OFFSET 1", UK_TRANSLATE_HINTS},
		{"INSERT FORCE INDEX (i) IGNORE IGNORE INTO t VALUES (1)", "INSERT INTO t VALUES (1)", UK_TRANSLATE_HINTS},
		{"SQL_NO_CACHE REPLACE INTO t VALUES (1)", " INSERT INTO t VALUES (1)",
			UK_TRANSLATE_HINTS | UK_TRANSLATE_UPSERT},
		{"SELECT /*!40001 a /*!40001 b */ c */", "SELECT  a   c ", 0},
		/* LIMIT */
		{"SELECT a FROM t LIMIT 5", "SELECT a FROM t LIMIT 5", 0},
		{"SELECT a FROM t LIMIT 10 , 20", "SELECT a FROM t LIMIT 20 OFFSET 10", 0},
		{"SELECT a FROM t LIMIT ?, ?", "SELECT a FROM t LIMIT $2 OFFSET $1", 0},
		{"SELECT a FROM t WHERE b = ? LIMIT 10 OFFSET 20", "SELECT a FROM t WHERE b = $1 LIMIT 10 OFFSET 20", 0},
		{"SELECT a FROM (SELECT b FROM t LIMIT 1,2) s", "SELECT a FROM (SELECT b FROM t LIMIT 2 OFFSET 1) s", 0},
		/* operators */
		{"SELECT * FROM t WHERE a <=> NULL", "SELECT * FROM t WHERE a  IS NOT DISTINCT FROM  NULL", 0},
		{"SELECT * FROM t WHERE a<=>b", "SELECT * FROM t WHERE a IS NOT DISTINCT FROM b", 0},
		{"SELECT * FROM t WHERE a = 1 && b = 2 || c != 3", "SELECT * FROM t WHERE a = 1  AND  b = 2  OR  c != 3", 0},
		{"SELECT * FROM t WHERE a!=-1", "SELECT * FROM t WHERE a!= -1", 0},
		{"SELECT * FROM t WHERE a=-1", "SELECT * FROM t WHERE a=-1", 0},
		{"SELECT 0x1F, 0b101, 0x", "SELECT X'1F', B'101', \"0x\"", 0},
		/* functions */
		{"SELECT IFNULL(`a`, 0), ifnull (b, 1), ifnull FROM t",
			"SELECT COALESCE(\"a\", 0), COALESCE (b, 1), ifnull FROM t", 0},
		{"SELECT IF(a > 0, 'y', 'n'), DATE_FORMAT(`d`, '%Y') FROM t",
			"SELECT IF(a > 0, 'y', 'n'), DATE_FORMAT(\"d\", '%Y') FROM t", 0},
		/* hints and modifiers */
		{"SELECT `a` FROM `tabGL Entry` FORCE INDEX (`posting_date`, x) WHERE `b`=1",
			"SELECT \"a\" FROM \"tabGL Entry\" WHERE \"b\"=1", UK_TRANSLATE_HINTS},
		{"SELECT a FROM t USE KEY FOR ORDER BY (i) IGNORE INDEX FOR JOIN (j) JOIN u USE INDEX () ON 1=1",
			"SELECT a FROM t JOIN u ON 1=1", UK_TRANSLATE_HINTS},
		{"SELECT a FROM t STRAIGHT_JOIN u ON t.x = u.x", "SELECT a FROM t JOIN u ON t.x = u.x", 0},
		{"SELECT SQL_CALC_FOUND_ROWS SQL_NO_CACHE HIGH_PRIORITY STRAIGHT_JOIN DISTINCTROW a FROM t",
			"SELECT DISTINCT a FROM t", UK_TRANSLATE_HINTS},
		{"INSERT IGNORE INTO `t` (`a`) VALUES (1)", "INSERT INTO \"t\" (\"a\") VALUES (1)", UK_TRANSLATE_HINTS},
		{"INSERT LOW_PRIORITY IGNORE INTO t (a) VALUES (1)", "INSERT INTO t (a) VALUES (1)", UK_TRANSLATE_HINTS},
		{"SELECT a FROM t WHERE b = 1 LOCK IN SHARE MODE", "SELECT a FROM t WHERE b = 1 FOR SHARE", 0},
		{"SELECT a FROM t WHERE b = 1 FOR UPDATE", "SELECT a FROM t WHERE b = 1 FOR UPDATE", 0},
		/* upserts */
		{"INSERT INTO `tabSingles` (`doctype`, `field`, `value`) VALUES ('A', 'b', 'c') "
			"ON DUPLICATE KEY UPDATE `value` = VALUES(`value`)",
			"INSERT INTO \"tabSingles\" (\"doctype\", \"field\", \"value\") VALUES ('A', 'b', 'c')", UK_TRANSLATE_UPSERT},
		{"INSERT INTO t (a) VALUES ('ON DUPLICATE KEY UPDATE') on duplicate key update a = (1);",
			"INSERT INTO t (a) VALUES ('ON DUPLICATE KEY UPDATE');", UK_TRANSLATE_UPSERT},
		{"REPLACE INTO `t` (`a`) VALUES (1)", "INSERT INTO \"t\" (\"a\") VALUES (1)", UK_TRANSLATE_UPSERT},
		{"SELECT REPLACE(a, 'x', 'y') FROM t", "SELECT REPLACE(a, 'x', 'y') FROM t", 0},
		/* UPDATE / DELETE with ORDER BY and LIMIT */
		{"UPDATE `tabSeries` SET `current` = `current` + 1 WHERE `name` = 'X' ORDER BY `name` LIMIT 1",
			"UPDATE \"tabSeries\" SET \"current\" = \"current\" + 1 WHERE \"name\" = 'X'", UK_TRANSLATE_DML_LIMIT},
		{"DELETE FROM t WHERE a IN (SELECT b FROM u ORDER BY c LIMIT 3) LIMIT 100;",
			"DELETE FROM t WHERE a IN (SELECT b FROM u ORDER BY c LIMIT 3);", UK_TRANSLATE_DML_LIMIT},
		/* the rest of the statement goes with the LIMIT (RETURNING, garbage) */
		{"DELETE FROM t WHERE a = 'x' LIMIT 2 'y'", "DELETE FROM t WHERE a = 'x'", UK_TRANSLATE_DML_LIMIT},
		{"DELETE FROM t WHERE a = 1 ORDER BY b LIMIT 2 RETURNING a, (b)", "DELETE FROM t WHERE a = 1", UK_TRANSLATE_DML_LIMIT},
		{"DELETE FROM t WHERE a = 1 LIMIT 2 ORDER BY a LIMIT 3;", "DELETE FROM t WHERE a = 1;", UK_TRANSLATE_DML_LIMIT},
		/* nested parentheses, statements end */
		{"SELECT ((`a` + (1)) * 2) FROM t;;  ", "SELECT ((\"a\" + (1)) * 2) FROM t;;  ", 0},
		{"", "", 0},
		/* already PostgreSQL text stays as it is */
		{"SELECT a, b FROM s.t WHERE c = $1 AND d IS NOT DISTINCT FROM 2 ORDER BY a LIMIT 20 OFFSET 0",
			"SELECT a, b FROM s.t WHERE c = $1 AND d IS NOT DISTINCT FROM 2 ORDER BY a LIMIT 20 OFFSET 0", 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		UkTranslation tr;
		UkError    *err = NULL;
		UkStatus	st = uk_translate_mariadb(cases[i].in, strlen(cases[i].in), &tr, &err);

		CHECK(st == UK_OK, "translate '%s': %s", cases[i].in, err ? err->message : "");
		if (st == UK_OK)
		{
			CHECK(strcmp(tr.sql, cases[i].want) == 0 && tr.len == strlen(tr.sql),
				  "translate '%s'\n  got  '%s'\n  want '%s'", cases[i].in, tr.sql, cases[i].want);
			CHECK(tr.flags == cases[i].flags, "flags of '%s': %#x, want %#x",
				  cases[i].in, tr.flags, cases[i].flags);
		}
		uk_translate_free(&tr);
		uk_error_free(err);
	}
}

static void
test_errors(void)
{
	static const struct
	{
		const char *in;
		const char *msg;		/* part of the message */
	}			cases[] = {
		{"SELECT 'abc", "unterminated string literal at byte 7"},
		{"SELECT 'abc\\'", "unterminated string literal"},
		{"SELECT \"abc", "unterminated string literal"},
		{"SELECT `abc", "unterminated quoted identifier at byte 7"},
		{"SELECT `a``", "unterminated quoted identifier"},
		{"SELECT `a```", NULL},
		{"SELECT `` FROM t", "empty quoted identifier"},
		{"SELECT 1 /* open", "unterminated comment"},
		{"SELECT 1 /*!40001 SQL_NO_CACHE", "unterminated executable comment"},
		{"SELECT 'a\\0b'", "\\0"},
		{"SELECT 1; DROP TABLE t", "more than one statement (the second starts at byte 10)"},
		{"SELECT 1; -- c\n SELECT 2", "more than one statement"},
		{"SELECT $x FROM t", "unquoted $"},
		{"SELECT $$a$$", "unquoted $"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		UkTranslation tr;
		UkError    *err = NULL;
		UkStatus	st = uk_translate_mariadb(cases[i].in, strlen(cases[i].in), &tr, &err);

		if (cases[i].msg == NULL)
		{
			/* the near miss is valid */
			CHECK(st == UK_OK, "'%s' is valid: %s", cases[i].in, err ? err->message : "");
			uk_translate_free(&tr);
			uk_error_free(err);
			continue;
		}
		CHECK(st == UK_ERR_INVALID && err != NULL && strstr(err->message, cases[i].msg) != NULL &&
			  tr.sql == NULL,
			  "error for '%s': %d '%s', want '%s'", cases[i].in, st, err ? err->message : "",
			  cases[i].msg);
		uk_translate_free(&tr);
		uk_error_free(err);
	}

	/* an embedded NUL byte, and a NULL err */
	{
		UkTranslation tr;
		UkError    *err = NULL;

		CHECK(uk_translate_mariadb("SELECT 1\0 2", 11, &tr, &err) == UK_ERR_INVALID &&
			  err != NULL && strstr(err->message, "NUL byte in statement at byte 8") != NULL,
			  "NUL byte: %s", err ? err->message : "");
		uk_error_free(err);
		CHECK(uk_translate_mariadb("SELECT `", 8, &tr, NULL) == UK_ERR_INVALID, "NULL err");
	}
	/* a comment ending with the text keeps the following SQL out of it */
	{
		UkTranslation tr;

		CHECK(uk_translate_mariadb("SELECT 1 # x", 12, &tr, NULL) == UK_OK &&
			  strcmp(tr.sql, "SELECT 1 -- x") == 0, "comment at the end: '%s'", tr.sql);
		uk_translate_free(&tr);
		uk_translate_free(&tr);
	}
}

int
main(void)
{
	test_cases();
	test_errors();
	return uk_test_done("test_translate");
}
