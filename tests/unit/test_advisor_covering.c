/*
 * test_advisor_covering.c
 *		Unit tests for the index advisor's covering columns (uk_advisor.h):
 *		on an ERPNext-style ledger, the balance query's index carries what
 *		the query reads beyond its keys, as INCLUDE columns on PostgreSQL
 *		and trailing key columns on MariaDB; never the primary key on
 *		MariaDB, never when the reads are unknown, too many, too wide or
 *		for a lookup of a row or two; the reason says what is carried and,
 *		on a PostgreSQL table mostly not all-visible, that a VACUUM is
 *		needed.
 */
#include "uk_advisor.h"
#include "uk_ident.h"
#include "uk_test.h"
#include "advisor_test.h"

/* gl_entry: 150,000 postings */
enum
{
	G_ID, G_ACCOUNT, G_DATE, G_VOUCHER, G_DEBIT, G_CREDIT, G_CANCELLED,
	G_REMARKS, G_NCOLS
};

static const UkAdvColumn gl_cols[G_NCOLS] = {
	{"id", -1, 0, 8, 0},
	{"account", 400, 0, 16, 0},
	{"posting_date", 1826, 0, 4, 0},
	{"voucher_no", -0.5, 0, 14, 0},
	{"debit", 900, 0, 7, 0},
	{"credit", 900, 0, 7, 0},
	{"is_cancelled", 2, 0, 2, 0},
	{"remarks", -0.5, 0, 60, 0},
};

static const int ix_id[] = {G_ID};

static const UkAdvIndex gl_pk[] = {
	{"PRIMARY", ix_id, 1, true, true, UK_ADV_BTREE},
};

static UkAdvTable
gl_table(bool visibility_known, double visible_frac)
{
	UkAdvTable	t = {"erp", "gl_entry", 150000, 150000.0 * 150, 0, gl_cols,
	G_NCOLS, gl_pk, 1, visibility_known, visible_frac, 0, 0};

	return t;
}

/* account = ? AND posting_date <= ? AND is_cancelled = 0 (98% of rows) */
static const UkAdvPred balance_preds[] = {
	{0, G_ACCOUNT, UK_ADV_EQ, 0, 0},
	{0, G_DATE, UK_ADV_RANGE, 0, 0},
	{0, G_CANCELLED, UK_ADV_EQ, 0, 0.98},
};

/* voucher_no = ?: two rows */
static const UkAdvPred voucher_preds[] = {{0, G_VOUCHER, UK_ADV_EQ, 0, 0}};

static const UkAdvColRef reads_balance[] = {{0, G_DEBIT}, {0, G_CREDIT}};
static const UkAdvColRef reads_pk[] = {{0, G_ID}};
static const UkAdvColRef reads_whole[] = {{0, G_DEBIT}, {0, -1}};
static const UkAdvColRef reads_any[] = {{-1, -1}};
static const UkAdvColRef reads_wide[] = {{0, G_DEBIT}, {0, G_REMARKS}};
static const UkAdvColRef reads_many[] = {{0, G_DEBIT}, {0, G_CREDIT}, {0, G_VOUCHER}};
static const UkAdvColRef reads_bad[] = {{0, G_NCOLS}};

static UkAdvQuery
query(const UkAdvPred *p, int np, const UkAdvColRef *r, int nr, bool known)
{
	UkAdvQuery	q = {"q", "q", 100, p, np, NULL, 0, NULL, 0, 0, r, nr, known};

	return q;
}

/* The advice on gl_entry for one query; the count, or -1 on an error. */
static int
advise(UkEngine e, UkAdvTable t, UkAdvQuery q, UkAdvisor **a,
	   const UkAdvice **adv)
{
	return advise_one(e, t, q, a, adv);
}

static void
test_balance(void)
{
	UkAdvisor  *a;
	const UkAdvice *adv;
	int			n;

	/* MariaDB: the carried columns are the last key columns */
	n = advise(UK_ENGINE_MARIADB, gl_table(false, 0),
			   query(balance_preds, 3, reads_balance, 2, true), &a, &adv);
	CHECK(n == 1 && adv[0].ncolumns == 5 && adv[0].ncovering == 3 &&
		  adv[0].ninclude == 0 && adv[0].columns[0] == G_ACCOUNT &&
		  adv[0].columns[1] == G_DATE && adv[0].columns[2] == G_DEBIT &&
		  adv[0].columns[3] == G_CREDIT && adv[0].columns[4] == G_CANCELLED,
		  "MariaDB: (account, posting_date, debit, credit, is_cancelled): %d %s",
		  n, n > 0 ? adv[0].create_statement : "");
	CHECK(n == 1 && strcmp(adv[0].create_statement,
						   "ALTER TABLE `erp`.`gl_entry` ADD INDEX "
						   "`gl_entry_account_posting_date_debit_credit_is_cancelled_idx` "
						   "(`account`, `posting_date`, `debit`, `credit`, `is_cancelled`)") == 0,
		  "MariaDB statement: %s", n > 0 ? adv[0].create_statement : "");
	CHECK(n == 1 && strstr(adv[0].reason, "carries debit, credit and is_cancelled as its last "
						   "key columns, so the query reads only the index") != NULL &&
		  strstr(adv[0].reason, "is_cancelled not a key: the value is in 98% of the rows") != NULL &&
		  strstr(adv[0].reason, "VACUUM") == NULL,
		  "MariaDB reason: %s", n > 0 ? adv[0].reason : "");
	uk_advisor_free(a);

	/* PostgreSQL: INCLUDE columns; a table mostly not all-visible */
	n = advise(UK_ENGINE_POSTGRES, gl_table(true, 0.05),
			   query(balance_preds, 3, reads_balance, 2, true), &a, &adv);
	CHECK(n == 1 && adv[0].ncolumns == 2 && adv[0].ninclude == 3 &&
		  adv[0].ncovering == 3 && adv[0].include[0] == G_DEBIT &&
		  strcmp(adv[0].include_names[2], "is_cancelled") == 0 && adv[0].needs_vacuum,
		  "PostgreSQL: (account, posting_date) INCLUDE 3: %d %s", n,
		  n > 0 ? adv[0].create_statement : "");
	CHECK(n == 1 && strcmp(adv[0].create_statement,
						   "CREATE INDEX CONCURRENTLY "
						   "\"gl_entry_account_posting_date_debit_credit_is_cancelled_idx\" "
						   "ON \"erp\".\"gl_entry\" (\"account\", \"posting_date\") "
						   "INCLUDE (\"debit\", \"credit\", \"is_cancelled\")") == 0,
		  "PostgreSQL statement: %s", n > 0 ? adv[0].create_statement : "");
	CHECK(n == 1 && strstr(adv[0].reason, "carries debit, credit and is_cancelled (INCLUDE)") != NULL &&
		  strstr(adv[0].reason, "VACUUM the table for it to pay off: 5% of its pages") != NULL,
		  "PostgreSQL reason: %s", n > 0 ? adv[0].reason : "");
	uk_advisor_free(a);

	/* all-visible: no VACUUM note */
	n = advise(UK_ENGINE_POSTGRES, gl_table(true, 1),
			   query(balance_preds, 3, reads_balance, 2, true), &a, &adv);
	CHECK(n == 1 && adv[0].ninclude == 3 && !adv[0].needs_vacuum &&
		  strstr(adv[0].reason, "VACUUM") == NULL, "vacuumed: %s",
		  n > 0 ? adv[0].reason : "");
	uk_advisor_free(a);
}

/* Keys only, whatever the engine: n advice of 2 columns, none carried. */
static void
check_keys_only(const char *label, UkEngine e, UkAdvQuery q)
{
	UkAdvisor  *a;
	const UkAdvice *adv;
	int			n = advise(e, gl_table(false, 0), q, &a, &adv);

	CHECK(n == 1 && adv[0].ncolumns == 2 && adv[0].ncovering == 0 &&
		  adv[0].ninclude == 0 && strstr(adv[0].reason, "carries") == NULL &&
		  strstr(adv[0].create_statement, "INCLUDE") == NULL,
		  "%s: %d %s", label, n, n > 0 ? adv[0].create_statement : "");
	uk_advisor_free(a);
}

static void
test_not_covering(void)
{
	UkAdvisor  *a;
	const UkAdvice *adv;
	int			n;

	check_keys_only("reads not known", UK_ENGINE_POSTGRES,
					query(balance_preds, 3, reads_balance, 2, false));
	check_keys_only("a whole row", UK_ENGINE_MARIADB,
					query(balance_preds, 3, reads_whole, 2, true));
	check_keys_only("any table", UK_ENGINE_POSTGRES,
					query(balance_preds, 3, reads_any, 1, true));
	check_keys_only("a wide column", UK_ENGINE_POSTGRES,
					query(balance_preds, 3, reads_wide, 2, true));
	check_keys_only("four columns", UK_ENGINE_MARIADB,
					query(balance_preds, 3, reads_many, 3, true));

	/* MariaDB: the primary key is carried already, never added */
	n = advise(UK_ENGINE_MARIADB, gl_table(false, 0),
			   query(voucher_preds, 1, reads_pk, 1, true), &a, &adv);
	CHECK(n == 1 && adv[0].ncolumns == 1 && adv[0].ncovering == 0,
		  "MariaDB primary key: %d %s", n, n > 0 ? adv[0].create_statement : "");
	uk_advisor_free(a);

	/* two rows per voucher: not worth a wider index */
	n = advise(UK_ENGINE_POSTGRES, gl_table(true, 1),
			   query(voucher_preds, 1, reads_balance, 2, true), &a, &adv);
	CHECK(n == 1 && adv[0].ncolumns == 1 && adv[0].ninclude == 0,
		  "a lookup of two rows: %d %s", n, n > 0 ? adv[0].create_statement : "");
	uk_advisor_free(a);
}

static void
test_bad_input(void)
{
	UkAdvTable	t = gl_table(true, 1.5);
	UkAdvQuery	q = query(balance_preds, 3, reads_balance, 2, true);
	UkAdvWorkload w = {UK_ENGINE_POSTGRES, &t, 1, &q, 1};
	UkAdvisor  *a = NULL;
	UkError    *err = NULL;
	char		out[256];

	CHECK(uk_advisor_create(&w, &a, &err) == UK_ERR_INVALID && a == NULL &&
		  strstr(err->message, "visible_frac") != NULL, "visible_frac 1.5 refused");
	uk_error_free(err);
	err = NULL;
	t = gl_table(false, 0);
	q = query(balance_preds, 3, reads_bad, 1, true);
	CHECK(uk_advisor_create(&w, &a, &err) == UK_ERR_INVALID && a == NULL &&
		  strstr(err->message, "read 0") != NULL, "a read out of range refused");
	uk_error_free(err);
	err = NULL;
	q = query(balance_preds, 3, NULL, 2, true);
	CHECK(uk_advisor_create(&w, &a, &err) == UK_ERR_INVALID && a == NULL,
		  "reads without an array refused");
	uk_error_free(err);

	/* MariaDB has no INCLUDE: the caller passes trailing keys instead */
	uk_index_create_statement_include(UK_ENGINE_MARIADB, NULL, "t", "i",
									  (const char *[]) {"a"}, NULL, 1,
									  (const char *[]) {"b"}, 1, out, sizeof(out));
	CHECK(strcmp(out, "ALTER TABLE `t` ADD INDEX `i` (`a`)") == 0, "MariaDB: %s", out);
}

int
main(void)
{
	test_balance();
	test_not_covering();
	test_bad_input();
	return uk_test_done("test_advisor_covering");
}
