/*
 * fuzz_translate.c
 *		libFuzzer target for the MariaDB to PostgreSQL statement translation.
 *
 * Properties checked (abort() on violation), for any bytes:
 *	- success gives a NUL-terminated string of the reported length, at most
 *	  8 times the input plus 16 bytes (the largest growth is <=> into
 *	  " IS NOT DISTINCT FROM "); failure gives no string and an error with
 *	  a message;
 *	- a fixpoint: an output without " (a MariaDB string, a PostgreSQL
 *	  identifier), backslash (an escape in MariaDB only) or # translates
 *	  again to itself, so nothing the translation writes is MariaDB syntax
 *	  it would rewrite once more;
 *	- literal contents are preserved: the input's bytes, written as a
 *	  MariaDB literal (quote and escapes chosen by the first byte) in a
 *	  WHERE clause, come out as the same bytes in a standard PostgreSQL
 *	  literal with only ' doubled.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "uk_translate.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_result(UkStatus st, const UkTranslation *tr, const UkError *err,
			 size_t inlen)
{
	if (st == UK_OK)
	{
		if (tr->sql == NULL || strlen(tr->sql) != tr->len ||
			tr->len > 8 * inlen + 16)
			abort();
	}
	else if (tr->sql != NULL || err == NULL || err->message[0] == '\0')
		abort();
}

/* The literal-preservation property for the bytes v[0..n). */
static void
check_literal(const uint8_t *v, size_t n, uint8_t how)
{
	static const char prefix[] = "SELECT * FROM `t` WHERE `a` = ";
	static const char wprefix[] = "SELECT * FROM \"t\" WHERE \"a\" = '";
	char		quote = (how & 1) ? '"' : '\'';
	char	   *in = malloc(sizeof(prefix) + 2 * n + 2);
	char	   *want = malloc(sizeof(wprefix) + 2 * n + 2);
	size_t		il = 0;
	size_t		wl = 0;
	UkTranslation tr;
	UkError    *err = NULL;
	UkStatus	st;

	if (in == NULL || want == NULL)
		abort();
	memcpy(in, prefix, sizeof(prefix) - 1);
	il = sizeof(prefix) - 1;
	in[il++] = quote;
	memcpy(want, wprefix, sizeof(wprefix) - 1);
	wl = sizeof(wprefix) - 1;
	for (size_t i = 0; i < n; i++)
	{
		char		c = v[i] == '\0' ? 'x' : (char) v[i];

		if (c == quote)
		{
			/* doubled or backslash-escaped, by the second bit */
			in[il++] = (how & 2) ? '\\' : quote;
			in[il++] = c;
		}
		else if (c == '\\')
		{
			in[il++] = '\\';
			in[il++] = '\\';
		}
		else if (c == '\n' && (how & 4))
		{
			in[il++] = '\\';
			in[il++] = 'n';
		}
		else
			in[il++] = c;
		if (c == '\'')
			want[wl++] = '\'';
		want[wl++] = c;
	}
	in[il++] = quote;
	want[wl++] = '\'';
	want[wl] = '\0';

	st = uk_translate_mariadb(in, il, &tr, &err);
	check_result(st, &tr, err, il);
	if (st != UK_OK || strcmp(tr.sql, want) != 0)
		abort();
	uk_translate_free(&tr);
	uk_error_free(err);
	free(in);
	free(want);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	UkTranslation tr;
	UkError    *err = NULL;
	UkStatus	st;

	st = uk_translate_mariadb((const char *) data, size, &tr, &err);
	check_result(st, &tr, err, size);
	if (st == UK_OK && strpbrk(tr.sql, "\"\\#") == NULL)
	{
		UkTranslation again;
		UkError    *err2 = NULL;

		if (uk_translate_mariadb(tr.sql, tr.len, &again, &err2) != UK_OK ||
			again.len != tr.len || memcmp(again.sql, tr.sql, tr.len) != 0)
			abort();
		uk_translate_free(&again);
	}
	uk_translate_free(&tr);
	uk_error_free(err);

	if (size > 0)
		check_literal(data + 1, size - 1, data[0]);
	return 0;
}
