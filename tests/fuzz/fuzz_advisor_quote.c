/*
 * fuzz_advisor_quote.c
 *		libFuzzer target for uk_ident.h (quoting, index names, CREATE
 *		statements) on arbitrary names, and for uk_advisor.h on a small
 *		workload decoded from the same bytes.
 *
 * Input: byte 0 picks the engine; the rest, split at '\n', gives a table
 * name and up to UK_ADV_MAX_COLUMNS column names (up to the first NUL).
 *
 * Properties checked (abort() on violation):
 *	- quote() starts and ends with the engine's quote, and removing them
 *	  and undoubling gives the name back; a small buffer gets a
 *	  NUL-terminated prefix and the full length;
 *	- an index name is deterministic, not empty, at most uk_ident_max()
 *	  bytes, valid UTF-8 without control characters, quotes or backslash,
 *	  and does not end in a space;
 *	- the CREATE statement has the announced length and contains the
 *	  quoted index name;
 *	- the advisor accepts or refuses the decoded workload without a
 *	  sanitizer report, and what it advises respects max_indexes, the
 *	  width cap and the column positions of the table, and covering
 *	  columns (the columns read, some unknown) within UK_ADV_MAX_INCLUDE,
 *	  as INCLUDE on PostgreSQL and trailing keys on MariaDB.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "uk_advisor.h"
#include "uk_ident.h"
#include "uk_validate.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_quote(UkEngine e, const char *s)
{
	char		q = e == UK_ENGINE_MARIADB ? '`' : '"';
	size_t		n = uk_ident_quote(e, s, NULL, 0);
	char	   *out = malloc(n + 1);
	char		small[8];
	size_t		i;
	size_t		o = 0;

	if (out == NULL)
		abort();
	if (uk_ident_quote(e, s, out, n + 1) != n || strlen(out) != n || n < 2 ||
		out[0] != q || out[n - 1] != q)
		abort();
	/* undouble */
	for (i = 1; i + 1 < n; i++)
	{
		if (out[i] == q)
		{
			if (out[i + 1] != q)
				abort();
			i++;
		}
		if (s[o++] != out[i])
			abort();
	}
	if (s[o] != '\0')
		abort();
	if (uk_ident_quote(e, s, small, sizeof(small)) != n ||
		strlen(small) != (n < sizeof(small) ? n : sizeof(small) - 1) ||
		memcmp(small, out, strlen(small)) != 0)
		abort();
	free(out);
}

static void
check_name(UkEngine e, const char *table, const char *const *cols, int ncols)
{
	char		a[UK_INDEX_NAME_BUF];
	char		b[UK_INDEX_NAME_BUF];
	size_t		n = uk_index_name(e, table, cols, ncols, a, sizeof(a));
	size_t		len;
	size_t		i;
	char	   *stmt;
	char	   *qname;

	if (uk_index_name(e, table, cols, ncols, b, sizeof(b)) != n || strcmp(a, b) != 0)
		abort();
	if (n == 0 || n > uk_ident_max(e) || strlen(a) != n || a[n - 1] == ' ' ||
		!uk_utf8_valid(a, n))
		abort();
	for (i = 0; i < n; i++)
	{
		unsigned char c = (unsigned char) a[i];

		if (c < 0x20 || c == 0x7f || c == '"' || c == '`' || c == '\\' || c >= 0xf0)
			abort();
	}

	len = uk_index_create_statement(e, "s", table, a, cols, NULL, ncols, NULL, 0);
	stmt = malloc(len + 1);
	qname = malloc(2 * n + 3);
	if (stmt == NULL || qname == NULL)
		abort();
	if (uk_index_create_statement(e, "s", table, a, cols, NULL, ncols, stmt, len + 1) != len ||
		strlen(stmt) != len)
		abort();
	uk_ident_quote(e, a, qname, 2 * n + 3);
	if (strstr(stmt, qname) == NULL)
		abort();
	free(stmt);
	free(qname);
}

typedef struct Cursor
{
	const uint8_t *d;
	size_t		size;
	size_t		p;
} Cursor;

/* The next input byte, 0 after the end. */
static unsigned
next_byte(Cursor *c)
{
	return c->p < c->size ? c->d[c->p++] : 0;
}

/* A workload of one table with 6 columns and up to 8 queries from bytes. */
static void
check_advisor(UkEngine e, const uint8_t *d, size_t size)
{
	static const char *const names[6] = {"a", "b", "c", "d", "e", "f"};
	UkAdvColumn cols[6];
	UkAdvPred	preds[8][4];
	UkAdvSortKey sorts[8][2];
	UkAdvColRef reads[8][4];
	UkAdvQuery	qs[8];
	int			ixcols[2];
	UkAdvIndex	ix;
	UkAdvTable	t;
	UkAdvWorkload w;
	UkAdvOptions o;
	UkAdvisor  *a = NULL;
	const UkAdvice *adv = NULL;
	UkError    *err = NULL;
	Cursor		cur = {d, size, 0};
	double		hi;
	int			nq = 0;
	int			n = 0;
	int			i;
	int			j;

	for (i = 0; i < 6; i++)
	{
		unsigned	kind = next_byte(&cur) % 4;

		cols[i].name = names[i];
		if (kind == 0)
			cols[i].n_distinct = 0;
		else if (kind == 1)
			cols[i].n_distinct = -(next_byte(&cur) / 255.0);
		else
		{
			hi = next_byte(&cur) * 256.0;
			cols[i].n_distinct = hi + next_byte(&cur);
		}
		cols[i].null_frac = next_byte(&cur) / 255.0;
		cols[i].avg_width = next_byte(&cur);
		cols[i].key_bytes = next_byte(&cur) % 4 == 0 ? 0 : next_byte(&cur) * 4;
	}
	ixcols[0] = (int) (next_byte(&cur) % 7) - 1;
	ixcols[1] = (int) (next_byte(&cur) % 6);
	memset(&ix, 0, sizeof(ix));
	ix.name = next_byte(&cur) % 2 ? "PRIMARY" : "ix";
	ix.unique = next_byte(&cur) % 2;
	ix.columns = ixcols;
	ix.ncolumns = 1 + (int) (next_byte(&cur) % 2);
	ix.kind = (UkAdvIndexKind) (next_byte(&cur) % 2);
	memset(&t, 0, sizeof(t));
	t.schema = "";
	t.name = "t";
	hi = next_byte(&cur) * 4096.0;
	t.rows = hi + next_byte(&cur) - 100;
	t.size_bytes = next_byte(&cur) * 65536.0;
	t.row_writes = next_byte(&cur) * 1000.0;
	t.columns = cols;
	t.ncolumns = 6;
	t.indexes = &ix;
	t.nindexes = (int) (next_byte(&cur) % 2);
	t.visibility_known = next_byte(&cur) % 2;
	t.visible_frac = next_byte(&cur) / 255.0;
	t.max_key_bytes = next_byte(&cur) % 2 ? 0 : next_byte(&cur) * 8;
	t.max_key_part_bytes = next_byte(&cur) % 2 ? 0 : next_byte(&cur) * 4;
	while (nq < 8 && cur.p < cur.size)
	{
		int			np = (int) (next_byte(&cur) % 5);
		UkAdvQuery *q = &qs[nq];

		for (j = 0; j < np; j++)
		{
			UkAdvPred  *pr = &preds[nq][j];

			pr->table = 0;
			pr->column = (int) (next_byte(&cur) % 6);
			pr->kind = (UkAdvPredKind) (next_byte(&cur) % 6);
			pr->count = next_byte(&cur) % 8;
			pr->selectivity = next_byte(&cur) % 3 ? 0 : next_byte(&cur) / 255.0;
		}
		for (j = 0; j < 2; j++)
		{
			sorts[nq][j].table = 0;
			sorts[nq][j].column = (int) (next_byte(&cur) % 6);
			sorts[nq][j].desc = next_byte(&cur) % 2;
		}
		memset(q, 0, sizeof(*q));
		q->text = "q";
		q->weight = next_byte(&cur);
		q->preds = preds[nq];
		q->npreds = np;
		q->order_by = sorts[nq];
		q->norder_by = (int) (next_byte(&cur) % 3);
		q->group_by = sorts[nq];
		q->ngroup_by = (int) (next_byte(&cur) % 2);
		q->limit = next_byte(&cur) % 4 * 10;
		/* the columns read: covering columns; -1 for "something" */
		q->nreads = (int) (next_byte(&cur) % 5);
		for (j = 0; j < q->nreads; j++)
		{
			reads[nq][j].table = next_byte(&cur) % 8 ? 0 : -1;
			reads[nq][j].column = (int) (next_byte(&cur) % 7) - 1;
		}
		q->reads = reads[nq];
		q->reads_known = next_byte(&cur) % 4 != 0;
		nq++;
	}
	w = (UkAdvWorkload)
	{
		e, &t, 1, qs, nq
	};
	uk_adv_options_init(&o);
	o.max_indexes = 1 + (size > 0 ? d[size - 1] % 4 : 0);
	if (uk_advisor_create(&w, &a, &err) != UK_OK)
	{
		if (err == NULL)
			abort();
		uk_error_free(err);
		return;
	}
	if (uk_advisor_select(a, &o, &adv, &n, NULL, NULL, &err) != UK_OK)
		abort();
	if (n > o.max_indexes)
		abort();
	for (i = 0; i < n; i++)
	{
		int			nkeys = adv[i].ncolumns - (e == UK_ENGINE_MARIADB ? adv[i].ncovering : 0);
		int			key_bytes = 0;

		if (nkeys < 1 || nkeys > UK_ADV_MAX_COLUMNS ||
			adv[i].ncovering < 0 || adv[i].ncovering > UK_ADV_MAX_INCLUDE ||
			adv[i].ninclude != (e == UK_ENGINE_MARIADB ? 0 : adv[i].ncovering) ||
			adv[i].reason == NULL || adv[i].create_statement == NULL)
			abort();
		for (j = 0; j < adv[i].ncolumns; j++)
			if (adv[i].columns[j] < 0 || adv[i].columns[j] >= 6)
				abort();
		/* never over the table's key length limits */
		for (j = 0; j < adv[i].ncolumns + adv[i].ninclude; j++)
		{
			int			c = j < adv[i].ncolumns ? adv[i].columns[j] :
				adv[i].include[j - adv[i].ncolumns];

			if (c >= 0 && c < 6)
			{
				if (t.max_key_part_bytes > 0 && cols[c].key_bytes > t.max_key_part_bytes)
					abort();
				key_bytes += cols[c].key_bytes;
			}
		}
		if (t.max_key_bytes > 0 && key_bytes > t.max_key_bytes)
			abort();
		for (j = 0; j < adv[i].ninclude; j++)
			if (adv[i].include[j] < 0 || adv[i].include[j] >= 6 ||
				strstr(adv[i].create_statement, " INCLUDE (") == NULL)
				abort();
	}
	uk_advisor_free(a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	UkEngine	e;
	char	   *s;
	char	   *parts[1 + UK_ADV_MAX_COLUMNS];
	int			nparts = 0;
	char	   *p;

	if (size == 0)
		return 0;
	e = (data[0] & 1) ? UK_ENGINE_MARIADB : UK_ENGINE_POSTGRES;

	s = malloc(size);
	if (s == NULL)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	p = s;
	while (nparts < 1 + UK_ADV_MAX_COLUMNS)
	{
		char	   *nl = strchr(p, '\n');

		parts[nparts++] = p;
		if (nl == NULL)
			break;
		*nl = '\0';
		p = nl + 1;
	}
	for (int i = 0; i < nparts; i++)
		check_quote(e, parts[i]);
	check_name(e, parts[0], (const char *const *) parts + 1, nparts - 1);
	free(s);

	check_advisor(e, data + 1, size - 1);
	return 0;
}
