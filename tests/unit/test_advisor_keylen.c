/*
 * test_advisor_keylen.c
 *		Unit tests for the index advisor's key length limits (uk_advisor.h,
 *		UkAdvColumn.key_bytes, UkAdvTable.max_key_bytes and
 *		max_key_part_bytes): on a Frappe-style ledger whose text columns
 *		take 560 bytes in a key (utf8mb4 varchar(140)), no candidate and no
 *		advice is wider than the server allows; carried columns go first,
 *		then key columns, a column too wide to be a key at all is passed
 *		over for the next, and the reason says what was left out and why.
 */
#include "uk_advisor.h"
#include "uk_ident.h"
#include "uk_test.h"
#include "advisor_test.h"

/* gl_entry: 150,000 postings */
enum
{
	G_NAME, G_ACCOUNT, G_DATE, G_VOUCHER, G_DEBIT, G_CREDIT, G_CANCELLED,
	G_REFERENCE, G_NCOLS
};

/* name, n_distinct, null_frac, avg_width, key_bytes */
static const UkAdvColumn gl_cols[G_NCOLS] = {
	{"name", -1, 0, 10, 560},
	{"account", 400, 0, 16, 560},
	{"posting_date", 1826, 0, 4, 3},
	{"voucher_no", -0.5, 0, 14, 560},
	{"debit", 900, 0, 7, 9},
	{"credit", 900, 0, 7, 9},
	{"is_cancelled", 2, 0, 2, 4},
	{"reference_no", 50000, 0, 12, 1020},	/* varchar(255) utf8mb4 */
};

/* the balance index with everything it carries: 560 + 3 + 9 + 9 + 4 */
#define BALANCE_BYTES 585

static const int ix_name[] = {G_NAME};

static const UkAdvIndex gl_pk[] = {
	{"PRIMARY", ix_name, 1, true, true, UK_ADV_BTREE},
};

static UkAdvTable
gl_table(int max_key, int max_part)
{
	UkAdvTable	t = {"erp", "tabGL Entry", 150000, 150000.0 * 150, 0, gl_cols,
	G_NCOLS, gl_pk, 1, false, 0, max_key, max_part};

	return t;
}

/* account = ? AND posting_date <= ? AND is_cancelled = 0 (98% of rows) */
static const UkAdvPred balance_preds[] = {
	{0, G_ACCOUNT, UK_ADV_EQ, 0, 0},
	{0, G_DATE, UK_ADV_RANGE, 0, 0},
	{0, G_CANCELLED, UK_ADV_EQ, 0, 0.98},
};
static const UkAdvColRef reads_balance[] = {{0, G_DEBIT}, {0, G_CREDIT}};

/* reference_no = ? AND account = ? */
static const UkAdvPred ref_preds[] = {
	{0, G_REFERENCE, UK_ADV_EQ, 0, 0},
	{0, G_ACCOUNT, UK_ADV_EQ, 0, 0},
};

static UkAdvQuery
query(const UkAdvPred *p, int np, const UkAdvColRef *r, int nr)
{
	UkAdvQuery	q = {"q", "q", 100, p, np, NULL, 0, NULL, 0, 0, r, nr, r != NULL};

	return q;
}

/* The advice for one query on MariaDB; the count, or -1 on an error. */
static int
advise(UkAdvTable t, UkAdvQuery q, UkAdvisor **a, const UkAdvice **adv)
{
	return advise_one(UK_ENGINE_MARIADB, t, q, a, adv);
}

/* Key bytes of columns (n) and include (ninc), as the server counts them. */
static int
key_bytes(const int *cols, int n, const int *inc, int ninc, int max_part,
		  bool *part_over)
{
	int			sum = 0;
	int			i;

	*part_over = false;
	for (i = 0; i < n + ninc; i++)
	{
		int			b = gl_cols[i < n ? cols[i] : inc[i - n]].key_bytes;

		*part_over = *part_over || (max_part > 0 && b > max_part);
		sum += b;
	}
	return sum;
}

static void
test_carried(void)
{
	UkAdvisor  *a;
	const UkAdvice *adv;
	int			n;

	/* no limit: the keys carry debit, credit and is_cancelled */
	n = advise(gl_table(0, 0), query(balance_preds, 3, reads_balance, 2), &a, &adv);
	CHECK(n == 1 && adv[0].ncolumns == 5 && adv[0].ncovering == 3 &&
		  strstr(adv[0].reason, "the server allows") == NULL,
		  "limit 0: all carried: %d %s", n, n > 0 ? adv[0].create_statement : "");
	uk_advisor_free(a);

	/* exactly at the limit: the same index */
	n = advise(gl_table(BALANCE_BYTES, 0), query(balance_preds, 3, reads_balance, 2),
			   &a, &adv);
	CHECK(n == 1 && adv[0].ncolumns == 5 && adv[0].ncovering == 3 &&
		  strstr(adv[0].reason, "the server allows") == NULL,
		  "at the limit: all carried: %d %s", n, n > 0 ? adv[0].create_statement : "");
	uk_advisor_free(a);

	/* one byte over: without is_cancelled the index would not cover the
	 * query any more, so every carried column goes: the keys alone, and
	 * the reason says why */
	n = advise(gl_table(BALANCE_BYTES - 1, 0), query(balance_preds, 3, reads_balance, 2),
			   &a, &adv);
	CHECK(n == 1 && adv[0].ncolumns == 2 && adv[0].ncovering == 0 &&
		  adv[0].columns[0] == G_ACCOUNT && adv[0].columns[1] == G_DATE,
		  "one byte over: keys only: %d %s", n, n > 0 ? adv[0].create_statement : "");
	CHECK(n == 1 && strstr(adv[0].reason,
						   "; does not carry debit, credit and is_cancelled, which would let the query read "
						   "only the index: with them the key would take 585 bytes, "
						   "over the 584 bytes the server allows for a key of this table") != NULL &&
		  strstr(adv[0].reason, "carries") == NULL,
		  "one byte over: reason: %s", n > 0 ? adv[0].reason : "");
	uk_advisor_free(a);

	/* far over: the same */
	n = advise(gl_table(570, 0), query(balance_preds, 3, reads_balance, 2), &a, &adv);
	CHECK(n == 1 && adv[0].ncolumns == 2 && adv[0].ncovering == 0 &&
		  strstr(adv[0].reason, "does not carry debit, credit and is_cancelled, which would let the query "
				 "read only the index: with them "
				 "the key would take 585 bytes, over the 570 bytes") != NULL,
		  "three carried cut: %d %s", n, n > 0 ? adv[0].reason : "");
	CHECK(n == 1 && strcmp(adv[0].create_statement,
						   "ALTER TABLE `erp`.`tabGL Entry` ADD INDEX "
						   "`tabGL Entry_account_posting_date_idx` (`account`, `posting_date`)") == 0,
		  "three carried cut: statement %s", n > 0 ? adv[0].create_statement : "");
	uk_advisor_free(a);
}

static void
test_keys(void)
{
	UkAdvisor  *a;
	const UkAdvice *adv;
	int			n;
	int			i;
	int			j;
	bool		ref = false;

	/* (account, posting_date) takes 563 bytes: over 562, account alone */
	n = advise(gl_table(562, 0), query(balance_preds, 3, reads_balance, 2), &a, &adv);
	CHECK(n == 1 && adv[0].ncolumns == 1 && adv[0].columns[0] == G_ACCOUNT &&
		  adv[0].ncovering == 0,
		  "keys too wide: the prefix that fits: %d %s", n,
		  n > 0 ? adv[0].create_statement : "");
	CHECK(n == 1 && strstr(adv[0].reason,
						   "; posting_date left out: with it the key would take 563 bytes, "
						   "over the 562 bytes the server allows for a key of this table") != NULL,
		  "keys too wide: reason: %s", n > 0 ? adv[0].reason : "");
	uk_advisor_free(a);

	/* not even account fits: nothing to propose */
	n = advise(gl_table(559, 0), query(balance_preds, 3, reads_balance, 2), &a, &adv);
	CHECK(n == 0, "no key fits: %d %s", n, n > 0 ? adv[0].create_statement : "");
	uk_advisor_free(a);

	/*
	 * InnoDB COMPACT: 767 bytes per key column.  reference_no (1,020
	 * bytes) is the most selective but cannot be a key: account leads.
	 */
	n = advise(gl_table(3072, 767), query(ref_preds, 2, NULL, 0), &a, &adv);
	for (i = 0; i < n; i++)
		for (j = 0; j < adv[i].ncolumns; j++)
			ref = ref || adv[i].columns[j] == G_REFERENCE;
	CHECK(n == 1 && !ref && adv[0].columns[0] == G_ACCOUNT,
		  "a column over the per-column limit: %d %s", n,
		  n > 0 ? adv[0].create_statement : "");
	CHECK(n == 1 && strstr(adv[0].reason,
						   "; reference_no left out: it takes 1,020 bytes in a key, over the "
						   "767 bytes the server allows per key column of this table") != NULL,
		  "per-column limit: reason: %s", n > 0 ? adv[0].reason : "");
	uk_advisor_free(a);

	/* without the limit, reference_no leads */
	n = advise(gl_table(3072, 0), query(ref_preds, 2, NULL, 0), &a, &adv);
	CHECK(n == 1 && adv[0].columns[0] == G_REFERENCE,
		  "no per-column limit: %d %s", n, n > 0 ? adv[0].create_statement : "");
	uk_advisor_free(a);
}

/* Every candidate, for every limit from 0 to 1100 bytes, fits. */
static void
test_every_candidate_fits(void)
{
	int			over = 0;
	int			runs = 0;
	int			limit;

	for (limit = 0; limit <= 1100; limit += 1)
	{
		int			qi;

		for (qi = 0; qi < 2; qi++)
		{
			UkAdvTable	t = gl_table(limit, limit % 3 == 0 ? 767 : 0);
			UkAdvQuery	q = qi == 0 ? query(balance_preds, 3, reads_balance, 2) :
				query(ref_preds, 2, NULL, 0);
			UkAdvWorkload w = {UK_ENGINE_MARIADB, &t, 1, &q, 1};
			UkAdvisor  *a = NULL;
			UkError    *err = NULL;
			int			i;

			if (uk_advisor_create(&w, &a, &err) != UK_OK)
			{
				uk_error_free(err);
				over++;
				continue;
			}
			runs++;
			for (i = 0; i < uk_advisor_ncandidates(a); i++)
			{
				const UkAdvCandidate *c = uk_advisor_candidate(a, i);
				bool		part_over;
				int			b = key_bytes(c->columns, c->ncolumns, c->include,
										  c->ninclude, t.max_key_part_bytes, &part_over);

				if ((limit > 0 && b > limit) || part_over)
				{
					if (over++ == 0)
						printf("limit %d: a candidate of %d bytes\n", limit, b);
				}
			}
			uk_advisor_free(a);
		}
	}
	CHECK(runs == 2202 && over == 0, "%d runs, %d candidates over the limit", runs, over);
}

static void
test_bad_input(void)
{
	UkAdvColumn cols[G_NCOLS];
	UkAdvTable	t = gl_table(-1, 0);
	UkAdvQuery	q = query(balance_preds, 3, reads_balance, 2);
	UkAdvWorkload w = {UK_ENGINE_MARIADB, &t, 1, &q, 1};
	UkAdvisor  *a = NULL;
	UkError    *err = NULL;

	CHECK(uk_advisor_create(&w, &a, &err) == UK_ERR_INVALID && a == NULL &&
		  strstr(err->message, "key length limits must not be negative") != NULL,
		  "max_key_bytes -1 refused: %s", err ? err->message : "");
	uk_error_free(err);
	err = NULL;
	t = gl_table(0, -5);
	CHECK(uk_advisor_create(&w, &a, &err) == UK_ERR_INVALID && a == NULL,
		  "max_key_part_bytes -5 refused");
	uk_error_free(err);
	err = NULL;
	memcpy(cols, gl_cols, sizeof(cols));
	cols[G_DEBIT].key_bytes = -1;
	t = gl_table(0, 0);
	t.columns = cols;
	CHECK(uk_advisor_create(&w, &a, &err) == UK_ERR_INVALID && a == NULL &&
		  strstr(err->message, "column 4") != NULL,
		  "key_bytes -1 refused: %s", err ? err->message : "");
	uk_error_free(err);
}

int
main(void)
{
	test_carried();
	test_keys();
	test_every_candidate_fits();
	test_bad_input();
	return uk_test_done("test_advisor_keylen");
}
