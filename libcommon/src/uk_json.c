/*
 * uk_json.c
 *		A strict JSON reader (RFC 8259) into a flat array of nodes (see
 *		uk_json.h); used by uk_pgtree.c for libpg_query's parse trees.
 *
 * The text is read in one pass with an explicit stack of at most
 * UK_JSON_MAX_DEPTH open containers, so the C stack does not grow with the
 * input; decoded strings go to one area as long as the input, which they
 * cannot outgrow.  Any error names the byte offset where it was found.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "uk_json.h"

static UkStatus
json_error(UkError **err, size_t at, const char *what)
{
	return uk_error_set(err, UK_ERR_INVALID, 0,
						"invalid JSON at byte %zu: %s", at, what);
}

static size_t
skip_ws(const char *s, size_t len, size_t p)
{
	while (p < len && (s[p] == ' ' || s[p] == '\t' || s[p] == '\n' ||
					   s[p] == '\r'))
		p++;
	return p;
}

/* A new node of the given type; -1 when memory runs out. */
static int
json_node(JDoc *d, JType type)
{
	JNode	   *n;

	if (d->n == d->cap)
	{
		int			cap = d->cap ? d->cap * 2 : 64;
		JNode	   *nn;

		if (d->cap >= UK_JSON_MAX_NODES)
			return -1;
		nn = realloc(d->nodes, sizeof(JNode) * (size_t) cap);
		if (nn == NULL)
			return -1;
		d->nodes = nn;
		d->cap = cap;
	}
	n = &d->nodes[d->n];
	memset(n, 0, sizeof(JNode));
	n->type = type;
	n->first = -1;
	n->next = -1;
	return d->n++;
}

static int
hex4(const char *s, size_t len, size_t p)
{
	int			v = 0;

	if (p + 4 > len)
		return -1;
	for (size_t i = p; i < p + 4; i++)
	{
		char		c = s[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

/*
 * The string starting at s[*pos] (a '"') decoded into the string area;
 * *pos moves past the closing quote.  The decoded text plus its NUL is
 * never longer than the quoted source, so the area (input length + 1)
 * cannot overflow.
 */
static UkStatus
json_string(JDoc *d, const char *s, size_t len, size_t *pos,
			const char **out, size_t *outlen, UkError **err)
{
	size_t		p = *pos + 1;
	char	   *dst = d->strs + d->strs_used;
	size_t		n = 0;

	for (;;)
	{
		unsigned char c;

		if (p >= len)
			return json_error(err, *pos, "unterminated string");
		c = (unsigned char) s[p];
		if (c == '"')
			break;
		if (c < 0x20)
			return json_error(err, p, "control character in string");
		if (c != '\\')
		{
			dst[n++] = (char) c;
			p++;
			continue;
		}
		if (p + 1 >= len)
			return json_error(err, *pos, "unterminated string");
		switch (s[p + 1])
		{
			case '"':
			case '\\':
			case '/':
				dst[n++] = s[p + 1];
				break;
			case 'b':
				dst[n++] = '\b';
				break;
			case 'f':
				dst[n++] = '\f';
				break;
			case 'n':
				dst[n++] = '\n';
				break;
			case 'r':
				dst[n++] = '\r';
				break;
			case 't':
				dst[n++] = '\t';
				break;
			case 'u':
				{
					long		cp = hex4(s, len, p + 2);

					if (cp < 0)
						return json_error(err, p, "bad \\u escape");
					if (cp >= 0xDC00 && cp <= 0xDFFF)
						return json_error(err, p, "unpaired surrogate in \\u escape");
					if (cp >= 0xD800 && cp <= 0xDBFF)
					{
						long		lo;

						if (p + 7 >= len || s[p + 6] != '\\' || s[p + 7] != 'u' ||
							(lo = hex4(s, len, p + 8)) < 0xDC00 || lo > 0xDFFF)
							return json_error(err, p, "unpaired surrogate in \\u escape");
						cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
						p += 6;
					}
					if (cp < 0x80)
						dst[n++] = (char) cp;
					else if (cp < 0x800)
					{
						dst[n++] = (char) (0xC0 | (cp >> 6));
						dst[n++] = (char) (0x80 | (cp & 0x3F));
					}
					else if (cp < 0x10000)
					{
						dst[n++] = (char) (0xE0 | (cp >> 12));
						dst[n++] = (char) (0x80 | ((cp >> 6) & 0x3F));
						dst[n++] = (char) (0x80 | (cp & 0x3F));
					}
					else
					{
						dst[n++] = (char) (0xF0 | (cp >> 18));
						dst[n++] = (char) (0x80 | ((cp >> 12) & 0x3F));
						dst[n++] = (char) (0x80 | ((cp >> 6) & 0x3F));
						dst[n++] = (char) (0x80 | (cp & 0x3F));
					}
					p += 4;
				}
				break;
			default:
				return json_error(err, p, "bad escape in string");
		}
		p += 2;
	}
	dst[n] = '\0';
	d->strs_used += n + 1;
	*out = dst;
	*outlen = n;
	*pos = p + 1;
	return UK_OK;
}

/* A number as RFC 8259 writes it: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool
json_number(const char *s, size_t len, size_t *pos)
{
	size_t		p = *pos;

	if (p < len && s[p] == '-')
		p++;
	if (p >= len || s[p] < '0' || s[p] > '9')
		return false;
	if (s[p] == '0')
		p++;
	else
		while (p < len && s[p] >= '0' && s[p] <= '9')
			p++;
	if (p < len && s[p] == '.')
	{
		p++;
		if (p >= len || s[p] < '0' || s[p] > '9')
			return false;
		while (p < len && s[p] >= '0' && s[p] <= '9')
			p++;
	}
	if (p < len && (s[p] == 'e' || s[p] == 'E'))
	{
		p++;
		if (p < len && (s[p] == '+' || s[p] == '-'))
			p++;
		if (p >= len || s[p] < '0' || s[p] > '9')
			return false;
		while (p < len && s[p] >= '0' && s[p] <= '9')
			p++;
	}
	*pos = p;
	return true;
}

/* A member name and its ':' at s[*pos]. */
static UkStatus
json_key(JDoc *d, const char *s, size_t len, size_t *pos,
		 const char **key, size_t *keylen, UkError **err)
{
	size_t		p = skip_ws(s, len, *pos);
	UkStatus	st;

	if (p >= len)
		return json_error(err, p, "unexpected end of text");
	if (s[p] != '"')
		return json_error(err, p, "expected a member name");
	st = json_string(d, s, len, &p, key, keylen, err);
	if (st != UK_OK)
		return st;
	p = skip_ws(s, len, p);
	if (p >= len)
		return json_error(err, p, "unexpected end of text");
	if (s[p] != ':')
		return json_error(err, p, "expected ':'");
	*pos = p + 1;
	return UK_OK;
}

/*
 * Parse s[0..len) into d; the root is node 0.  On failure d may hold
 * allocations: the caller frees them either way.
 */
UkStatus
uk_json_parse(JDoc *d, const char *s, size_t len, UkError **err)
{
	int			stack[UK_JSON_MAX_DEPTH];
	int			last[UK_JSON_MAX_DEPTH];
	int			depth = 0;
	size_t		p = 0;
	const char *key = NULL;
	size_t		keylen = 0;
	UkStatus	st;

	d->strs_cap = len + 1;
	d->strs = malloc(d->strs_cap);
	if (d->strs == NULL)
		return uk_error_set(err, UK_ERR_NOMEM, 0, "out of memory");

	for (;;)
	{
		int			idx;
		JType		type;
		char		c;

		/* a value is expected at p */
		p = skip_ws(s, len, p);
		if (p >= len)
			return json_error(err, p, "unexpected end of text");
		c = s[p];
		if (c == '{')
			type = J_OBJ;
		else if (c == '[')
			type = J_ARR;
		else if (c == '"')
			type = J_STR;
		else if (c == '-' || (c >= '0' && c <= '9'))
			type = J_NUM;
		else if (c == 't' && len - p >= 4 && memcmp(s + p, "true", 4) == 0)
			type = J_TRUE;
		else if (c == 'f' && len - p >= 5 && memcmp(s + p, "false", 5) == 0)
			type = J_FALSE;
		else if (c == 'n' && len - p >= 4 && memcmp(s + p, "null", 4) == 0)
			type = J_NULL;
		else
			return json_error(err, p, "expected a value");

		idx = json_node(d, type);
		if (idx < 0)
			return uk_error_set(err, UK_ERR_NOMEM, 0, "out of memory");
		d->nodes[idx].key = key;
		d->nodes[idx].keylen = keylen;
		key = NULL;
		keylen = 0;
		if (depth > 0)
		{
			JNode	   *parent = &d->nodes[stack[depth - 1]];

			if (last[depth - 1] < 0)
				parent->first = idx;
			else
				d->nodes[last[depth - 1]].next = idx;
			parent->count++;
			last[depth - 1] = idx;
		}

		switch (type)
		{
			case J_OBJ:
			case J_ARR:
				if (depth == UK_JSON_MAX_DEPTH)
					return uk_error_set(err, UK_ERR_INVALID, 0,
										"invalid JSON at byte %zu: nested deeper than %d levels",
										p, UK_JSON_MAX_DEPTH);
				stack[depth] = idx;
				last[depth] = -1;
				depth++;
				p = skip_ws(s, len, p + 1);
				if (p < len && s[p] == (type == J_OBJ ? '}' : ']'))
				{
					p++;
					depth--;
					break;
				}
				if (type == J_OBJ)
				{
					st = json_key(d, s, len, &p, &key, &keylen, err);
					if (st != UK_OK)
						return st;
				}
				continue;		/* the first element */
			case J_STR:
				{
					const char *str;
					size_t		slen;

					st = json_string(d, s, len, &p, &str, &slen, err);
					if (st != UK_OK)
						return st;
					d->nodes[idx].str = str;
					d->nodes[idx].len = slen;
				}
				break;
			case J_NUM:
				{
					size_t		start = p;

					if (!json_number(s, len, &p))
						return json_error(err, start, "bad number");
					d->nodes[idx].str = s + start;
					d->nodes[idx].len = p - start;
				}
				break;
			case J_TRUE:
			case J_NULL:
				p += 4;
				break;
			case J_FALSE:
				p += 5;
				break;
		}

		/* after a value: close containers until one takes another element */
		for (;;)
		{
			bool		obj;

			p = skip_ws(s, len, p);
			if (depth == 0)
			{
				if (p != len)
					return json_error(err, p, "text after the JSON value");
				return UK_OK;
			}
			if (p >= len)
				return json_error(err, p, "unexpected end of text");
			obj = d->nodes[stack[depth - 1]].type == J_OBJ;
			if (s[p] == ',')
			{
				p++;
				if (obj)
				{
					st = json_key(d, s, len, &p, &key, &keylen, err);
					if (st != UK_OK)
						return st;
				}
				break;
			}
			if (s[p] != (obj ? '}' : ']'))
				return json_error(err, p, obj ? "expected ',' or '}'" :
								  "expected ',' or ']'");
			p++;
			depth--;
		}
	}
}

void
uk_json_free(JDoc *d)
{
	free(d->nodes);
	free(d->strs);
	memset(d, 0, sizeof(JDoc));
}
