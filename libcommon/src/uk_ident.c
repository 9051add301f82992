/*
 * uk_ident.c
 *		Quoting of identifiers, deterministic index names and CREATE INDEX
 *		text for both engines (see uk_ident.h).
 *
 * Output is built with the UkLine writer of uk_internal.h, which keeps
 * counting past the end of the buffer, so every function can report the
 * length it needs.
 */
#include <stdio.h>
#include <string.h>

#include "uk_ident.h"
#include "uk_internal.h"
#include "uk_patch.h"

size_t
uk_ident_max(UkEngine e)
{
	return e == UK_ENGINE_MARIADB ? UK_MARIADB_IDENT_MAX : UK_PG_IDENT_MAX;
}

/* NUL-terminate what lb wrote and return the full length. */
static size_t
finish(UkLine *lb)
{
	if (lb->out != NULL && lb->cap > 0)
		lb->out[lb->len < lb->cap ? lb->len : lb->cap - 1] = '\0';
	return lb->len;
}

static void
put_quoted(UkLine *lb, UkEngine e, const char *id)
{
	char		q = e == UK_ENGINE_MARIADB ? '`' : '"';
	const char *p = id != NULL ? id : "";

	uk_line_put(lb, &q, 1);
	while (*p != '\0')
	{
		const char *hit = strchr(p, q);
		size_t		n = hit != NULL ? (size_t) (hit - p) + 1 : strlen(p);

		uk_line_put(lb, p, n);
		if (hit == NULL)
			break;
		uk_line_put(lb, &q, 1);	/* double the quote */
		p = hit + 1;
	}
	uk_line_put(lb, &q, 1);
}

size_t
uk_ident_quote(UkEngine e, const char *id, char *out, size_t cap)
{
	UkLine		lb = {out, cap, 0};

	put_quoted(&lb, e, id);
	return finish(&lb);
}

/*
 * Length of the valid UTF-8 sequence of at most 3 bytes (the BMP) that
 * starts at s, or 0: overlong forms and surrogates are refused.
 */
static size_t
bmp_char_len(const unsigned char *s)
{
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (s[0] >= 0xe0 && s[0] <= 0xef)
	{
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if (s[0] == 0xe0 && s[1] < 0xa0)
			return 0;			/* overlong */
		if (s[0] == 0xed && s[1] >= 0xa0)
			return 0;			/* surrogate */
		return 3;
	}
	return 0;
}

/*
 * Append the kept characters of s to buf (capacity cap, length *len),
 * mapping the others to '_' and collapsing runs of '_'.  Stops quietly at
 * cap; the caller makes cap large enough for its purpose.
 */
static void
append_clean(char *buf, size_t cap, size_t *len, const char *s)
{
	const unsigned char *p = (const unsigned char *) (s != NULL ? s : "");

	while (*p != '\0')
	{
		size_t		k = bmp_char_len(p);
		bool		keep = k > 0;

		if (k == 1 && (*p < 0x20 || *p == 0x7f || *p == '"' || *p == '`' ||
					   *p == '\\'))
			keep = false;
		if (keep)
		{
			if (*len + k >= cap)
				return;
			memcpy(buf + *len, p, k);
			*len += k;
			p += k;
		}
		else
		{
			if (*len + 1 >= cap)
				return;
			if (*len == 0 || buf[*len - 1] != '_')
				buf[(*len)++] = '_';
			/* skip one byte, or a whole 4-byte sequence */
			if (*p >= 0xf0 && *p <= 0xf4 && (p[1] & 0xc0) == 0x80 &&
				(p[2] & 0xc0) == 0x80 && (p[3] & 0xc0) == 0x80)
				p += 4;
			else
				p++;
		}
	}
}

size_t
uk_index_name(UkEngine e, const char *table, const char *const *columns,
			  int ncolumns, char *out, size_t cap)
{
	/* room for everything that can possibly be kept before the cut */
	char		full[1024];
	size_t		len = 0;
	size_t		max = uk_ident_max(e);
	UkLine		lb = {out, cap, 0};
	int			i;

	append_clean(full, sizeof(full), &len, table);
	for (i = 0; i < ncolumns; i++)
	{
		if (len + 1 < sizeof(full) && (len == 0 || full[len - 1] != '_'))
			full[len++] = '_';
		append_clean(full, sizeof(full), &len, columns != NULL ? columns[i] : "");
	}
	if (len + 4 < sizeof(full))
	{
		if (len > 0 && full[len - 1] != '_')
			full[len++] = '_';
		memcpy(full + len, "idx", 3);
		len += 3;
	}

	if (len > max || len + 4 >= sizeof(full))
	{
		/* cut, then a hash of the unchanged names */
		uint32_t	h = uk_fnv1a(table != NULL ? table : "",
								 table != NULL ? strlen(table) : 0);
		char		tail[16];
		size_t		keep;

		for (i = 0; i < ncolumns; i++)
		{
			const char *c = columns != NULL && columns[i] != NULL ? columns[i] : "";
			size_t		j;

			/* fold the separator and the column into the running hash */
			h ^= 0x1f;
			h *= 16777619u;
			for (j = 0; c[j] != '\0'; j++)
			{
				h ^= (unsigned char) c[j];
				h *= 16777619u;
			}
		}
		snprintf(tail, sizeof(tail), "_%08x", (unsigned) h);
		keep = uk_utf8_cut(full, len, max - strlen(tail));
		while (keep > 0 && (full[keep - 1] == '_' || full[keep - 1] == ' '))
			keep--;
		uk_line_put(&lb, full, keep);
		uk_line_put(&lb, tail, strlen(tail));
	}
	else
		uk_line_put(&lb, full, len);
	return finish(&lb);
}

size_t
uk_index_create_statement(UkEngine e, const char *schema, const char *table,
						  const char *index_name, const char *const *columns,
						  const bool *desc, int ncolumns, char *out, size_t cap)
{
	return uk_index_create_statement_include(e, schema, table, index_name,
											 columns, desc, ncolumns, NULL, 0,
											 out, cap);
}

size_t
uk_index_create_statement_include(UkEngine e, const char *schema,
								  const char *table, const char *index_name,
								  const char *const *columns, const bool *desc,
								  int ncolumns, const char *const *include,
								  int ninclude, char *out, size_t cap)
{
	UkLine		lb = {out, cap, 0};
	int			i;

	if (e == UK_ENGINE_MARIADB)
	{
		uk_line_put(&lb, "ALTER TABLE ", 12);
		if (schema != NULL && schema[0] != '\0')
		{
			put_quoted(&lb, e, schema);
			uk_line_put(&lb, ".", 1);
		}
		put_quoted(&lb, e, table);
		uk_line_put(&lb, " ADD INDEX ", 11);
		put_quoted(&lb, e, index_name);
	}
	else
	{
		uk_line_put(&lb, "CREATE INDEX CONCURRENTLY ", 26);
		put_quoted(&lb, e, index_name);
		uk_line_put(&lb, " ON ", 4);
		if (schema != NULL && schema[0] != '\0')
		{
			put_quoted(&lb, e, schema);
			uk_line_put(&lb, ".", 1);
		}
		put_quoted(&lb, e, table);
	}
	uk_line_put(&lb, " (", 2);
	for (i = 0; i < ncolumns; i++)
	{
		if (i > 0)
			uk_line_put(&lb, ", ", 2);
		put_quoted(&lb, e, columns != NULL ? columns[i] : "");
		if (desc != NULL && desc[i])
			uk_line_put(&lb, " DESC", 5);
	}
	uk_line_put(&lb, ")", 1);
	if (e != UK_ENGINE_MARIADB && ninclude > 0)
	{
		uk_line_put(&lb, " INCLUDE (", 10);
		for (i = 0; i < ninclude; i++)
		{
			if (i > 0)
				uk_line_put(&lb, ", ", 2);
			put_quoted(&lb, e, include != NULL ? include[i] : "");
		}
		uk_line_put(&lb, ")", 1);
	}
	return finish(&lb);
}
