/*
 * fuzz_normalize_pglex.c
 *		libFuzzer target: uk_stmt_normalize(UK_SQL_POSTGRES) against
 *		PostgreSQL's own lexer (libpg_query's pg_query_scan(), PostgreSQL
 *		15's scan.l), read with standard_conforming_strings on and off.
 *
 * Properties checked (abort() on violation), for any bytes:
 *	- for a statement either reading of the lexer accepts, no word of the
 *	  shape (a run of letters, digits, '_', '$' or bytes >= 0x80) comes
 *	  from inside a string constant: each is part of such a run of the
 *	  statement outside its string constants (SCONST, USCONST, BCONST,
 *	  XCONST) in that reading;
 *	- the shape stays within its buffer, is valid UTF-8 for valid UTF-8
 *	  input, and normalising it again gives it back unchanged (when it was
 *	  not cut by the buffer).
 *
 * Links libpg_query (libcommon's Makefile adds it for *_pglex targets).
 * The scan result is protobuf (pg_query.proto ScanResult), decoded here
 * by hand: fields 1 start, 2 end and 4 token of each ScanToken.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pg_query.h>

#include "uk_patch.h"
#include "uk_stmt.h"
#include "uk_validate.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* libpg_query's copies of the server settings its lexer reads */
extern __thread bool standard_conforming_strings;
extern __thread bool escape_string_warning;

/* pg_query.proto Token values of string constants */
#define TOK_SCONST 261
#define TOK_USCONST 262
#define TOK_BCONST 263
#define TOK_XCONST 264

static bool
varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	*v = 0;
	for (int shift = 0; *p < end && shift < 64; shift += 7)
	{
		uint8_t		b = *(*p)++;

		*v |= (uint64_t) (b & 0x7f) << shift;
		if (!(b & 0x80))
			return true;
	}
	return false;
}

/* Skip a field of wire type wt; false on malformed input. */
static bool
skip_field(const uint8_t **p, const uint8_t *end, int wt)
{
	uint64_t	v;

	switch (wt)
	{
		case 0:
			return varint(p, end, &v);
		case 1:
			if (end - *p < 8)
				return false;
			*p += 8;
			return true;
		case 2:
			if (!varint(p, end, &v) || (uint64_t) (end - *p) < v)
				return false;
			*p += v;
			return true;
		case 5:
			if (end - *p < 4)
				return false;
			*p += 4;
			return true;
		default:
			return false;
	}
}

/*
 * Blank (set to ' ') the string constants of the lexer's scan in text;
 * false when the lexer refused the statement.
 */
static bool
blank_strings(const char *sql, char *text, size_t len)
{
	PgQueryScanResult r = pg_query_scan(sql);
	const uint8_t *p;
	const uint8_t *end;
	bool		ok = r.error == NULL;

	p = (const uint8_t *) r.pbuf.data;
	end = ok && p != NULL ? p + r.pbuf.len : p;
	while (ok && p < end)
	{
		uint64_t	key;
		uint64_t	n;

		if (!varint(&p, end, &key))
			abort();
		if ((key >> 3) != 2 || (key & 7) != 2)
		{
			if (!skip_field(&p, end, (int) (key & 7)))
				abort();
			continue;
		}
		/* one ScanToken */
		if (!varint(&p, end, &n) || (uint64_t) (end - p) < n)
			abort();
		{
			const uint8_t *tp = p;
			const uint8_t *tend = p + n;
			uint64_t	start = 0,
						stop = 0,
						token = 0;

			while (tp < tend)
			{
				uint64_t	tkey;
				uint64_t	v;

				if (!varint(&tp, tend, &tkey))
					abort();
				if ((tkey & 7) == 0 && varint(&tp, tend, &v))
				{
					if ((tkey >> 3) == 1)
						start = v;
					else if ((tkey >> 3) == 2)
						stop = v;
					else if ((tkey >> 3) == 4)
						token = v;
				}
				else if ((tkey & 7) == 0 || !skip_field(&tp, tend, (int) (tkey & 7)))
					abort();
			}
			if (token == TOK_SCONST || token == TOK_USCONST ||
				token == TOK_BCONST || token == TOK_XCONST)
			{
				if (stop > len)
					stop = len;
				for (uint64_t i = start; i < stop; i++)
					text[i] = ' ';
			}
		}
		p += n;
	}
	pg_query_free_scan_result(r);
	return ok;
}

static bool
word_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9') || c == '_' || c == '$' || c >= 0x80;
}

/* Is w[0..n) part of a run of word bytes of text? */
static bool
in_some_word(const char *text, size_t len, const char *w, size_t n)
{
	for (size_t i = 0; i + n <= len; i++)
	{
		if (memcmp(text + i, w, n) == 0)
			return true;
	}
	return false;
}

/* Every word of shape appears in the text with its strings blanked. */
static void
check_no_string_words(const char *shape, size_t slen, const char *text,
					  size_t len)
{
	size_t		i = 0;

	while (i < slen)
	{
		size_t		j = i;

		while (j < slen && word_byte((unsigned char) shape[j]))
			j++;
		if (j > i && !in_some_word(text, len, shape + i, j - i))
			abort();
		i = j > i ? j : i + 1;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *) data;
	size_t		cap = size > 0 ? 8 + data[0] % 250 : 64;
	char	   *out = malloc(cap);
	char	   *again = malloc(cap);
	char	   *sql = malloc(size + 1);
	char	   *text = malloc(size + 1);
	size_t		n;

	if (out == NULL || again == NULL || sql == NULL || text == NULL)
		abort();
	memcpy(sql, in, size);
	sql[size] = '\0';

	n = uk_stmt_normalize(in, size, UK_SQL_POSTGRES, out, cap);
	if (n >= cap || strlen(out) > n)
		abort();
	if (memchr(in, '\0', size) == NULL && uk_utf8_valid(in, size) &&
		!uk_utf8_valid(out, n))
		abort();
	if (n < cap - 1 - 3 && strlen(out) == n)
	{
		size_t		m = uk_stmt_normalize(out, n, UK_SQL_POSTGRES, again, cap);

		if (m != n || memcmp(out, again, n) != 0)
			abort();
	}

	/* the lexer reads up to a NUL, as the server would */
	if (memchr(in, '\0', size) == NULL)
	{
		escape_string_warning = false;
		for (int reading = 0; reading < 2; reading++)
		{
			standard_conforming_strings = reading == 0;
			memcpy(text, in, size);
			text[size] = '\0';
			if (blank_strings(sql, text, size))
				check_no_string_words(out, n, text, size);
		}
		standard_conforming_strings = true;
	}
	free(out);
	free(again);
	free(sql);
	free(text);
	return 0;
}
