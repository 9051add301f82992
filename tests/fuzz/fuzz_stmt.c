/*
 * fuzz_stmt.c
 *		libFuzzer target for statement tidying, tagging and normalising.
 *
 * Properties checked (abort() on violation), for any bytes:
 *	- every function stays within its buffer and NUL-terminates it;
 *	- for valid UTF-8 input, the output is valid UTF-8 (cuts never split a
 *	  character);
 *	- tidying is idempotent when nothing was cut, and so is normalising
 *	  (both dialects; PostgreSQL's lexer is compared with in
 *	  fuzz_normalize_pglex.c);
 *	- a cut result ends in "...";
 *	- a main table, when found, has a name within UK_IDENT_MAX bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "uk_patch.h"
#include "uk_stmt.h"
#include "uk_validate.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *) data;
	size_t		cap = size > 0 ? 8 + data[0] % 120 : 64;
	char	   *out = malloc(cap);
	char	   *again = malloc(cap);
	char		tag[UK_COMMAND_MAX];
	bool		cut;
	bool		valid;
	size_t		n;

	if (out == NULL || again == NULL)
		abort();
	/* the functions must not read past len: no NUL in the input matters */
	valid = memchr(in, '\0', size) == NULL && uk_utf8_valid(in, size);

	n = uk_stmt_clean(in, size, out, cap, &cut);
	if (n >= cap || strlen(out) > n)
		abort();
	if (valid && !uk_utf8_valid(out, n))
		abort();
	if (cut && (n < 3 || memcmp(out + n - 3, "...", 3) != 0))
		abort();
	if (!cut && strlen(out) == n)
	{
		bool		cut2;
		size_t		m = uk_stmt_clean(out, n, again, cap, &cut2);

		if (cut2 || m != n || memcmp(out, again, n) != 0)
			abort();
	}

	for (int d = 0; d < 2; d++)
	{
		UkSqlDialect dialect = d == 0 ? UK_SQL_POSTGRES : UK_SQL_MARIADB;

		n = uk_stmt_normalize(in, size, dialect, out, cap);
		if (n >= cap || strlen(out) > n)
			abort();
		if (valid && !uk_utf8_valid(out, n))
			abort();
		if (n < cap - 1 - 3 && strlen(out) == n)
		{
			size_t		m = uk_stmt_normalize(out, n, dialect, again, cap);

			if (m != n || memcmp(out, again, n) != 0)
				abort();
		}
	}

	uk_stmt_command(in, size, tag, sizeof(tag));
	(void) uk_stmt_txn_role(in, size);
	if (strlen(tag) >= sizeof(tag))
		abort();
	if (valid && !uk_utf8_valid(tag, strlen(tag)))
		abort();
	{
		UkTableRef	t;

		if (uk_stmt_main_table(in, size, &t))
		{
			if (t.name[0] == '\0' || strlen(t.name) > UK_IDENT_MAX ||
				strlen(t.schema) > UK_IDENT_MAX)
				abort();
			if (valid && (!uk_utf8_valid(t.name, strlen(t.name)) ||
						  !uk_utf8_valid(t.schema, strlen(t.schema))))
				abort();
		}
	}
	free(out);
	free(again);
	return 0;
}
