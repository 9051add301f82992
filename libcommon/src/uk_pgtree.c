/*
 * uk_pgtree.c
 *		The index advisor's input for one statement, read from the JSON
 *		parse tree libpg_query prints (uk_pgtree.h).
 *
 * Two parts.  A strict JSON reader turns the text into a flat array of
 * nodes, linked by index (first child, next sibling).  It works with an
 * explicit stack of at most PT_MAX_DEPTH open containers, so the C stack
 * does not grow with the input.  Bytes of 0x80 and above pass through
 * string contents unchecked: libpg_query copies the statement's bytes as
 * they are, valid UTF-8 or not.
 *
 * The walker then goes over the first statement level by level (a query, a
 * subquery, a CTE, a UNION branch).  Each level has a scope: the sources of
 * its FROM clause (catalogue table, unknown table, or derived: subquery,
 * CTE, function) and its CTE names, kept in two stacks of the walk with a
 * pointer to the enclosing level's scope.  Column references are placed
 * through the scopes, innermost first.  The walker's recursion follows the
 * nesting of the JSON, so it is bounded by the same depth limit.
 *
 * The tree is read leniently: a member of an unexpected type or a node the
 * walker does not know gives nothing rather than an error.  Only text that
 * is not JSON, or JSON without a "stmts" array, is refused.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "uk_pgtree.h"

#define PT_MAX_DEPTH 200
#define PT_MAX_NODES (1 << 28)	/* far beyond any statement's tree */

/*
 * Name comparisons allowed for placing columns in one statement.  Placing
 * a bare name looks at every source of its levels and every output name of
 * a derived one, so a contrived statement could cost sources x names x
 * references; real ones stay far below.  Past it, references are counted
 * as not placed.
 */
#define PT_MAX_STEPS 20000000L

/* ---------------------------------------------------------------------
 * JSON reader
 * --------------------------------------------------------------------- */

typedef enum JType
{
	J_NULL,
	J_FALSE,
	J_TRUE,
	J_NUM,
	J_STR,
	J_ARR,
	J_OBJ
} JType;

typedef struct JNode
{
	JType		type;
	int			first;			/* J_ARR, J_OBJ: first element, or -1 */
	int			next;			/* next element of the parent, or -1 */
	int			count;			/* J_ARR, J_OBJ: number of elements */
	const char *key;			/* member name when the parent is an object */
	size_t		keylen;
	const char *str;			/* J_STR: decoded and NUL-terminated;
								 * J_NUM: the raw text, not terminated */
	size_t		len;
} JNode;

typedef struct JDoc
{
	JNode	   *nodes;
	int			n;
	int			cap;
	char	   *strs;			/* decoded strings and keys */
	size_t		strs_used;
	size_t		strs_cap;
} JDoc;

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

		if (d->cap >= PT_MAX_NODES)
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
static UkStatus
json_parse(JDoc *d, const char *s, size_t len, UkError **err)
{
	int			stack[PT_MAX_DEPTH];
	int			last[PT_MAX_DEPTH];
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
				if (depth == PT_MAX_DEPTH)
					return uk_error_set(err, UK_ERR_INVALID, 0,
										"invalid JSON at byte %zu: nested deeper than %d levels",
										p, PT_MAX_DEPTH);
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

static void
json_free(JDoc *d)
{
	free(d->nodes);
	free(d->strs);
	memset(d, 0, sizeof(JDoc));
}

/* Member key of object n, or -1. */
static int
jget(const JDoc *d, int n, const char *key)
{
	size_t		klen = strlen(key);

	if (n < 0 || d->nodes[n].type != J_OBJ)
		return -1;
	for (int c = d->nodes[n].first; c >= 0; c = d->nodes[c].next)
		if (d->nodes[c].keylen == klen && memcmp(d->nodes[c].key, key, klen) == 0)
			return c;
	return -1;
}

static bool
jstr_is(const JDoc *d, int n, const char *s)
{
	return n >= 0 && d->nodes[n].type == J_STR && strcmp(d->nodes[n].str, s) == 0 &&
		d->nodes[n].len == strlen(s);
}

/*
 * A parse tree node is an object with one member named by its type:
 * {"ColumnRef": {...}}.  Returns the body when n is a node of that type.
 */
static int
jnode(const JDoc *d, int n, const char *type)
{
	int			body;

	if (n < 0 || d->nodes[n].type != J_OBJ || d->nodes[n].count != 1)
		return -1;
	body = d->nodes[n].first;
	if (d->nodes[body].type != J_OBJ ||
		d->nodes[body].keylen != strlen(type) ||
		memcmp(d->nodes[body].key, type, d->nodes[body].keylen) != 0)
		return -1;
	return body;
}

/* The text of a {"String": {"sval": "..."}} node, or NULL. */
static const char *
jsval(const JDoc *d, int n, size_t *len)
{
	int			b = jnode(d, n, "String");
	int			v = jget(d, b, "sval");

	if (b < 0)
		return NULL;
	if (v < 0)
	{
		/* an empty string is left out of the tree */
		*len = 0;
		return "";
	}
	if (d->nodes[v].type != J_STR)
		return NULL;
	*len = d->nodes[v].len;
	return d->nodes[v].str;
}

/* Array element i of n, or -1. */
static int
jat(const JDoc *d, int n, int i)
{
	int			c;

	if (n < 0 || d->nodes[n].type != J_ARR)
		return -1;
	for (c = d->nodes[n].first; c >= 0 && i > 0; c = d->nodes[c].next)
		i--;
	return c;
}

static bool
jtrue(const JDoc *d, int n)
{
	return n >= 0 && d->nodes[n].type == J_TRUE;
}

static int
jcount(const JDoc *d, int n, JType type)
{
	return n >= 0 && d->nodes[n].type == type ? d->nodes[n].count : 0;
}

/* ---------------------------------------------------------------------
 * Walker
 * --------------------------------------------------------------------- */

typedef struct PtSrc
{
	int			id;				/* unique in the walk */
	int			table;			/* catalogue position, or -1 */
	bool		derived;		/* subquery, CTE or function */
	int			targets;		/* derived: its target list, -1 any name */
	int			colnames;		/* alias column names (J_ARR), or -1 */
	const char *alias;			/* NULL when none */
	size_t		aliaslen;
	const char *schema;			/* as written; NULL when none */
	size_t		schemalen;
	const char *rel;			/* NULL for a subquery or function */
	size_t		rellen;
} PtSrc;

typedef struct PtCte
{
	const char *name;
	size_t		len;
	int			query;			/* the statement node */
	int			colnames;		/* aliascolnames, or -1 */
} PtCte;

typedef struct PtScope
{
	const struct PtScope *parent;
	int			start;			/* its sources: w->srcs[start..end) */
	int			end;
	int			cte_start;		/* its CTEs: w->ctes[cte_start..cte_end) */
	int			cte_end;
} PtScope;

typedef struct PtWalk
{
	const JDoc *d;
	const UkAdvTable *tables;
	int			ntables;
	const char *default_schema;
	bool		ci;
	PtSrc	   *srcs;
	int			nsrcs;
	int			srcs_cap;
	PtCte	   *ctes;
	int			nctes;
	int			ctes_cap;
	int			next_id;
	UkAdvPred  *preds;
	int			npreds;
	int			preds_cap;
	UkAdvSortKey *order_by;
	int			norder_by;
	UkAdvSortKey *group_by;
	int			ngroup_by;
	double		limit;
	int			nunresolved;
	int			nunknown;
	long		steps;			/* left of PT_MAX_STEPS */
	bool		oom;
} PtWalk;

/* Where a column reference points. */
typedef struct PtCol
{
	int			src;			/* source id, -1 when not known */
	int			table;			/* catalogue position, -1 when not placed */
	int			column;
} PtCol;

static bool
grow(void **arr, int *cap, int n, size_t elem)
{
	void	   *na;
	int			nc;

	if (n < *cap)
		return true;
	if (*cap >= PT_MAX_NODES)
		return false;
	nc = *cap ? *cap * 2 : 16;
	na = realloc(*arr, elem * (size_t) nc);
	if (na == NULL)
		return false;
	*arr = na;
	*cap = nc;
	return true;
}

static bool
name_eq(const char *a, size_t alen, const char *b)
{
	return b != NULL && strlen(b) == alen && memcmp(a, b, alen) == 0;
}

static char
ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char) (c - 'A' + 'a') : c;
}

/* Column names: ASCII case ignored when w->ci. */
static bool
col_eq(const PtWalk *w, const char *a, size_t alen, const char *b)
{
	if (!w->ci)
		return name_eq(a, alen, b);
	if (b == NULL || strlen(b) != alen)
		return false;
	for (size_t i = 0; i < alen; i++)
		if (ascii_lower(a[i]) != ascii_lower(b[i]))
			return false;
	return true;
}

static const char *
schema_of(const UkAdvTable *t)
{
	return t->schema != NULL ? t->schema : "";
}

static int
table_column(PtWalk *w, int table, const char *name, size_t len)
{
	const UkAdvTable *t = &w->tables[table];

	for (int c = 0; c < t->ncolumns && --w->steps >= 0; c++)
		if (col_eq(w, name, len, t->columns[c].name))
			return c;
	return -1;
}

/* Catalogue position of a table as written, or -1. */
static int
find_table(PtWalk *w, const char *schema, size_t slen,
		   const char *rel, size_t rlen)
{
	int			found = -1;
	int			n = 0;
	bool		dflt = w->default_schema != NULL && w->default_schema[0] != '\0';

	for (int i = 0; i < w->ntables && --w->steps >= 0; i++)
	{
		const UkAdvTable *t = &w->tables[i];

		if (!name_eq(rel, rlen, t->name))
			continue;
		if (schema != NULL)
		{
			if (name_eq(schema, slen, schema_of(t)))
				return i;
		}
		else if (dflt && strcmp(schema_of(t), w->default_schema) == 0)
			return i;
		else if (!dflt || schema_of(t)[0] == '\0')
		{
			found = i;
			n++;
		}
	}
	return n == 1 ? found : -1;
}

static PtSrc *
new_src(PtWalk *w)
{
	PtSrc	   *s;

	if (!grow((void **) &w->srcs, &w->srcs_cap, w->nsrcs, sizeof(PtSrc)))
	{
		w->oom = true;
		return NULL;
	}
	s = &w->srcs[w->nsrcs++];
	memset(s, 0, sizeof(PtSrc));
	s->id = w->next_id++;
	s->table = -1;
	s->targets = -1;
	s->colnames = -1;
	return s;
}

static void
add_pred(PtWalk *w, PtCol c, UkAdvPredKind kind, double count)
{
	UkAdvPred  *p;

	if (!grow((void **) &w->preds, &w->preds_cap, w->npreds, sizeof(UkAdvPred)))
	{
		w->oom = true;
		return;
	}
	p = &w->preds[w->npreds++];
	memset(p, 0, sizeof(UkAdvPred));
	p->table = c.table;
	p->column = c.column;
	p->kind = kind;
	p->count = count;
}

/*
 * The target list that names the output columns of a statement node (a
 * set operation takes its first branch's), or -1 when unknown.
 */
static int
stmt_targets(const JDoc *d, int stmt)
{
	int			body = jnode(d, stmt, "SelectStmt");

	for (int guard = 0; body >= 0 && guard < PT_MAX_DEPTH; guard++)
	{
		int			op = jget(d, body, "op");

		if (op < 0 || jstr_is(d, op, "SETOP_NONE"))
		{
			int			tl = jget(d, body, "targetList");

			return jcount(d, tl, J_ARR) > 0 ? tl : -1;
		}
		body = jget(d, body, "larg");
	}
	return -1;
}

/* A visible CTE named name[0..len), or NULL. */
static const PtCte *
find_cte(PtWalk *w, const PtScope *sc, const char *name, size_t len)
{
	for (; sc != NULL; sc = sc->parent)
		for (int i = sc->cte_start; i < sc->cte_end; i++)
		{
			if (--w->steps < 0)
				return NULL;
			if (w->ctes[i].len == len && memcmp(w->ctes[i].name, name, len) == 0)
				return &w->ctes[i];
		}
	return NULL;
}

/* Whether names (a J_ARR of String nodes) holds name. */
static bool
names_have(PtWalk *w, int names, const char *name, size_t len)
{
	const JDoc *d = w->d;

	if (names < 0 || d->nodes[names].type != J_ARR)
		return false;
	for (int c = d->nodes[names].first; c >= 0 && --w->steps >= 0; c = d->nodes[c].next)
	{
		size_t		l;
		const char *s = jsval(d, c, &l);

		if (s != NULL && l == len && col_eq(w, name, len, s))
			return true;
	}
	return false;
}

/*
 * Whether a source has a column: 0 no, 1 yes (*column set for a catalogue
 * table), 2 perhaps (a table not in the catalogue, a derived source whose
 * output names are not all known).
 */
static int
src_has(PtWalk *w, const PtSrc *s, const char *name, size_t len,
		int *column)
{
	const JDoc *d = w->d;
	bool		star = false;

	*column = -1;
	if (!s->derived)
	{
		if (s->table < 0)
			return 2;
		*column = table_column(w, s->table, name, len);
		return *column >= 0 ? 1 : 0;
	}
	if (names_have(w, s->colnames, name, len))
		return 1;
	if (s->targets < 0)
		return 2;
	for (int c = d->nodes[s->targets].first; c >= 0; c = d->nodes[c].next)
	{
		if (--w->steps < 0)
			return 2;
		int			rt = jnode(d, c, "ResTarget");
		int			nm = jget(d, rt, "name");
		int			ref;
		int			fields;
		int			lastf;
		size_t		l;
		const char *f;

		if (nm >= 0)
		{
			if (d->nodes[nm].type == J_STR && d->nodes[nm].len == len &&
				col_eq(w, name, len, d->nodes[nm].str))
				return 1;
			continue;
		}
		ref = jnode(d, jget(d, rt, "val"), "ColumnRef");
		fields = jget(d, ref, "fields");
		lastf = jat(d, fields, jcount(d, fields, J_ARR) - 1);
		if (jnode(d, lastf, "A_Star") >= 0)
			star = true;
		else if ((f = jsval(d, lastf, &l)) != NULL && l == len &&
				 col_eq(w, name, len, f))
			return 1;
	}
	return star ? 2 : 0;
}

/*
 * The names of a ColumnRef body: up to 3 (schema, table, column), last is
 * the column.  Returns the number, 0 for a star or anything else.
 */
static int
colref_names(const JDoc *d, int ref, const char **names, size_t *lens)
{
	int			fields = jget(d, ref, "fields");
	int			n = jcount(d, fields, J_ARR);
	int			skip;
	int			i = 0;

	if (n < 1 || n > 4)
		return 0;
	skip = n == 4 ? 1 : 0;		/* catalog.schema.table.column */
	for (int c = d->nodes[fields].first; c >= 0; c = d->nodes[c].next, i++)
	{
		const char *s;
		size_t		l;

		if ((s = jsval(d, c, &l)) == NULL)
			return 0;
		if (i >= skip)
		{
			names[i - skip] = s;
			lens[i - skip] = l;
		}
	}
	return n - skip;
}

/* Whether source s is the one a qualifier names. */
static bool
src_named(const PtWalk *w, const PtSrc *s, int nq, const char **q, size_t *ql)
{
	if (nq == 1)
	{
		if (s->alias != NULL)
			return s->aliaslen == ql[0] && memcmp(s->alias, q[0], ql[0]) == 0;
		return s->rel != NULL && s->rellen == ql[0] &&
			memcmp(s->rel, q[0], ql[0]) == 0;
	}
	/* schema.table */
	if (s->alias != NULL || s->rel == NULL || s->rellen != ql[1] ||
		memcmp(s->rel, q[1], ql[1]) != 0)
		return false;
	if (s->table >= 0 && !s->derived)
		return name_eq(q[0], ql[0], schema_of(&w->tables[s->table]));
	return s->schema != NULL && s->schemalen == ql[0] &&
		memcmp(s->schema, q[0], ql[0]) == 0;
}

/*
 * Place a ColumnRef (body) through the scopes, innermost first.  A bare
 * name must be had by exactly one source of the first level where any
 * source has it (or might); a qualified one must name exactly one source.
 */
static PtCol
resolve(PtWalk *w, const PtScope *sc, int ref)
{
	PtCol		r = {-1, -1, -1};
	const char *names[3];
	size_t		lens[3];
	int			n = colref_names(w->d, ref, names, lens);
	const char *col;
	size_t		clen;

	if (n == 0)
		return r;
	col = names[n - 1];
	clen = lens[n - 1];
	for (; sc != NULL; sc = sc->parent)
	{
		int			hits = 0;
		int			maybe = 0;
		int			hit = -1;
		int			column = -1;

		for (int i = sc->start; i < sc->end; i++)
		{
			const PtSrc *s = &w->srcs[i];
			int			c;

			if (--w->steps < 0)
				return r;
			if (n > 1)
			{
				if (src_named(w, s, n - 1, names, lens))
				{
					hits++;
					hit = i;
				}
				continue;
			}
			switch (src_has(w, s, col, clen, &c))
			{
				case 1:
					hits++;
					hit = i;
					column = c;
					break;
				case 2:
					maybe++;
					break;
				default:
					break;
			}
		}
		if (hits == 0 && maybe == 0)
			continue;
		if (hits != 1 || maybe != 0)
			return r;
		r.src = w->srcs[hit].id;
		if (w->srcs[hit].derived || w->srcs[hit].table < 0)
			return r;
		if (n > 1)
			column = table_column(w, w->srcs[hit].table, col, clen);
		if (column >= 0)
		{
			r.table = w->srcs[hit].table;
			r.column = column;
		}
		return r;
	}
	return r;
}

/* Place a column for a predicate or key; counts it when it cannot be. */
static PtCol
place(PtWalk *w, const PtScope *sc, int ref)
{
	PtCol		r = resolve(w, sc, ref);

	if (r.table < 0)
		w->nunresolved++;
	return r;
}

static int
unwrap_casts(const JDoc *d, int n)
{
	for (int guard = 0; guard < PT_MAX_DEPTH; guard++)
	{
		int			b = jnode(d, n, "TypeCast");

		if (b < 0)
			b = jnode(d, n, "CollateClause");
		if (b < 0)
			return n;
		n = jget(d, b, "arg");
	}
	return n;
}

static bool
is_null_const(const JDoc *d, int n)
{
	int			c = jnode(d, unwrap_casts(d, n), "A_Const");

	return c >= 0 && jtrue(d, jget(d, c, "isnull"));
}

/* Whether an expression holds no column reference and no subquery. */
static bool
no_columns(const JDoc *d, int n)
{
	if (n < 0)
		return true;
	if (d->nodes[n].type != J_OBJ && d->nodes[n].type != J_ARR)
		return true;
	for (int c = d->nodes[n].first; c >= 0; c = d->nodes[c].next)
	{
		const JNode *m = &d->nodes[c];

		if (m->key != NULL &&
			((m->keylen == 9 && memcmp(m->key, "ColumnRef", 9) == 0) ||
			 (m->keylen == 7 && memcmp(m->key, "SubLink", 7) == 0)))
			return false;
		if (!no_columns(d, c))
			return false;
	}
	return true;
}

/*
 * A value an index can be searched with: a constant, a parameter, or an
 * expression of them (a cast, now(), arithmetic); not NULL.
 */
static bool
is_value(const JDoc *d, int n)
{
	return n >= 0 && !is_null_const(d, n) && no_columns(d, n);
}

/* The single operator name of an A_Expr, or NULL. */
static const char *
op_name(const JDoc *d, int aexpr)
{
	int			name = jget(d, aexpr, "name");
	size_t		l;
	const char *s;

	if (jcount(d, name, J_ARR) != 1)
		return NULL;
	s = jsval(d, jat(d, name, 0), &l);
	return s != NULL && strlen(s) == l ? s : NULL;
}

/* A column on one side of a = b: both placed, or one of them. */
static void
join_pred(PtWalk *w, const PtScope *sc, int lref, int rref)
{
	PtCol		a = place(w, sc, lref);
	PtCol		b = place(w, sc, rref);

	if (a.src < 0 || b.src < 0 || a.src == b.src)
		return;
	if (a.table >= 0)
		add_pred(w, a, UK_ADV_JOIN, 0);
	if (b.table >= 0)
		add_pred(w, b, UK_ADV_JOIN, 0);
}

static void
col_pred(PtWalk *w, const PtScope *sc, int ref, UkAdvPredKind kind,
		 double count)
{
	PtCol		c = place(w, sc, ref);

	if (c.table >= 0)
		add_pred(w, c, kind, count);
}

/*
 * A LIKE pattern: 0 no usable prefix, 1 a literal prefix then a wildcard,
 * 2 no wildcard at all (an equality).  Backslash is the escape.
 */
static int
like_kind(const JDoc *d, int n)
{
	int			c = jnode(d, unwrap_casts(d, n), "A_Const");
	int			v = jget(d, jget(d, c, "sval"), "sval");
	const char *s;
	size_t		len;
	size_t		prefix = 0;

	if (v < 0 || d->nodes[v].type != J_STR)
		return 0;
	s = d->nodes[v].str;
	len = d->nodes[v].len;
	for (size_t i = 0; i < len; i++)
	{
		if (s[i] == '%' || s[i] == '_')
			return prefix > 0 ? 1 : 0;
		if (s[i] == '\\')
		{
			if (++i >= len)
				return 0;		/* PostgreSQL refuses a trailing escape */
		}
		prefix++;
	}
	return prefix > 0 ? 2 : 0;
}

/* Predicates of an A_Expr conjunct. */
static void
aexpr_pred(PtWalk *w, const PtScope *sc, int e)
{
	const JDoc *d = w->d;
	int			kind = jget(d, e, "kind");
	const char *op = op_name(d, e);
	int			l = jget(d, e, "lexpr");
	int			r = jget(d, e, "rexpr");
	int			lref = jnode(d, l, "ColumnRef");
	int			rref = jnode(d, r, "ColumnRef");

	if (op == NULL)
		return;
	if (jstr_is(d, kind, "AEXPR_OP"))
	{
		bool		eq = strcmp(op, "=") == 0;

		if (!eq && strcmp(op, "<") != 0 && strcmp(op, "<=") != 0 &&
			strcmp(op, ">") != 0 && strcmp(op, ">=") != 0)
			return;
		if (lref >= 0 && rref >= 0)
		{
			if (eq)
				join_pred(w, sc, lref, rref);
		}
		else if (lref >= 0 && is_value(d, r))
			col_pred(w, sc, lref, eq ? UK_ADV_EQ : UK_ADV_RANGE, 0);
		else if (rref >= 0 && is_value(d, l))
			col_pred(w, sc, rref, eq ? UK_ADV_EQ : UK_ADV_RANGE, 0);
	}
	else if (jstr_is(d, kind, "AEXPR_NOT_DISTINCT"))
	{
		/* MariaDB's <=>, as uk_translate_mariadb() writes it */
		if (lref >= 0 && rref < 0 && is_null_const(d, r))
			col_pred(w, sc, lref, UK_ADV_ISNULL, 0);
		else if (rref >= 0 && lref < 0 && is_null_const(d, l))
			col_pred(w, sc, rref, UK_ADV_ISNULL, 0);
		else if (lref >= 0 && is_value(d, r))
			col_pred(w, sc, lref, UK_ADV_EQ, 0);
		else if (rref >= 0 && is_value(d, l))
			col_pred(w, sc, rref, UK_ADV_EQ, 0);
	}
	else if (jstr_is(d, kind, "AEXPR_IN"))
	{
		int			items = jget(d, jnode(d, r, "List"), "items");

		if (strcmp(op, "=") != 0 || lref < 0 || jcount(d, items, J_ARR) == 0)
			return;
		for (int c = d->nodes[items].first; c >= 0; c = d->nodes[c].next)
			if (!no_columns(d, c))
				return;
		col_pred(w, sc, lref, UK_ADV_IN, d->nodes[items].count);
	}
	else if (jstr_is(d, kind, "AEXPR_OP_ANY"))
	{
		int			elems = jget(d, jnode(d, unwrap_casts(d, r), "A_ArrayExpr"),
								 "elements");

		if (strcmp(op, "=") != 0 || lref < 0 || !is_value(d, r))
			return;
		col_pred(w, sc, lref, UK_ADV_IN, jcount(d, elems, J_ARR));
	}
	else if (jstr_is(d, kind, "AEXPR_BETWEEN") ||
			 jstr_is(d, kind, "AEXPR_BETWEEN_SYM"))
	{
		int			items = jget(d, jnode(d, r, "List"), "items");
		PtCol		c;

		if (lref < 0 || jcount(d, items, J_ARR) != 2 ||
			!is_value(d, jat(d, items, 0)) || !is_value(d, jat(d, items, 1)))
			return;
		/* two bounds, as PostgreSQL reads it: col >= a AND col <= b */
		c = place(w, sc, lref);
		if (c.table >= 0)
		{
			add_pred(w, c, UK_ADV_RANGE, 0);
			add_pred(w, c, UK_ADV_RANGE, 0);
		}
	}
	else if (jstr_is(d, kind, "AEXPR_LIKE"))
	{
		int			k;

		if (strcmp(op, "~~") != 0 || lref < 0 || (k = like_kind(d, r)) == 0)
			return;
		col_pred(w, sc, lref, k == 1 ? UK_ADV_PREFIX : UK_ADV_EQ, 0);
	}
}

/* Predicates of one conjunct of WHERE or ON; AND is split further. */
static void
conjuncts(PtWalk *w, const PtScope *sc, int n)
{
	const JDoc *d = w->d;
	int			b;

	if ((b = jnode(d, n, "BoolExpr")) >= 0)
	{
		int			op = jget(d, b, "boolop");
		int			args = jget(d, b, "args");

		if (jstr_is(d, op, "AND_EXPR") && jcount(d, args, J_ARR) > 0)
		{
			for (int c = d->nodes[args].first; c >= 0; c = d->nodes[c].next)
				conjuncts(w, sc, c);
		}
		else if (jstr_is(d, op, "NOT_EXPR") && jcount(d, args, J_ARR) == 1 &&
				 (b = jnode(d, jat(d, args, 0), "ColumnRef")) >= 0)
			col_pred(w, sc, b, UK_ADV_EQ, 0);	/* NOT boolcol */
	}
	else if ((b = jnode(d, n, "A_Expr")) >= 0)
		aexpr_pred(w, sc, b);
	else if ((b = jnode(d, n, "NullTest")) >= 0)
	{
		int			ref = jnode(d, jget(d, b, "arg"), "ColumnRef");

		if (ref >= 0 && jstr_is(d, jget(d, b, "nulltesttype"), "IS_NULL"))
			col_pred(w, sc, ref, UK_ADV_ISNULL, 0);
	}
	else if ((b = jnode(d, n, "BooleanTest")) >= 0)
	{
		int			ref = jnode(d, jget(d, b, "arg"), "ColumnRef");
		int			t = jget(d, b, "booltesttype");

		if (ref >= 0 && (jstr_is(d, t, "IS_TRUE") || jstr_is(d, t, "IS_FALSE")))
			col_pred(w, sc, ref, UK_ADV_EQ, 0);
	}
	else if ((b = jnode(d, n, "ColumnRef")) >= 0)
		col_pred(w, sc, b, UK_ADV_EQ, 0);	/* a boolean column */
	else if ((b = jnode(d, n, "SubLink")) >= 0)
	{
		/* col IN (SELECT ...): a join on col */
		int			ref = jnode(d, jget(d, b, "testexpr"), "ColumnRef");
		int			opn = jget(d, b, "operName");
		size_t		l;
		const char *s;

		if (ref < 0 || !jstr_is(d, jget(d, b, "subLinkType"), "ANY_SUBLINK"))
			return;
		if (opn >= 0 && (jcount(d, opn, J_ARR) != 1 ||
						 (s = jsval(d, jat(d, opn, 0), &l)) == NULL ||
						 !name_eq(s, l, "=")))
			return;
		col_pred(w, sc, ref, UK_ADV_JOIN, 0);
	}
}

static void walk_stmt(PtWalk *w, int stmt, const PtScope *parent, bool top);

/* Levels of the subqueries found anywhere in an expression. */
static void
walk_sublinks(PtWalk *w, const PtScope *sc, int n)
{
	const JDoc *d = w->d;

	if (n < 0 || (d->nodes[n].type != J_OBJ && d->nodes[n].type != J_ARR))
		return;
	for (int c = d->nodes[n].first; c >= 0; c = d->nodes[c].next)
	{
		const JNode *m = &d->nodes[c];

		if (m->key != NULL && m->keylen == 7 && memcmp(m->key, "SubLink", 7) == 0)
		{
			walk_sublinks(w, sc, jget(d, c, "testexpr"));
			walk_stmt(w, jget(d, c, "subselect"), sc, false);
		}
		else
			walk_sublinks(w, sc, c);
	}
}

/*
 * The sources of one FROM item, one per table, subquery or function, in
 * the order from_walk() meets them.  item may also be the bare RangeVar
 * body with which UPDATE and DELETE name their table.
 */
static void
from_add(PtWalk *w, const PtScope *sc, int item)
{
	const JDoc *d = w->d;
	int			b;
	int			schema;
	int			rel;
	int			alias;
	const PtCte *cte;
	PtSrc	   *s;

	if (item < 0 || w->oom)
		return;
	if ((b = jnode(d, item, "JoinExpr")) >= 0)
	{
		from_add(w, sc, jget(d, b, "larg"));
		from_add(w, sc, jget(d, b, "rarg"));
		return;
	}
	if ((s = new_src(w)) == NULL)
		return;
	if ((b = jnode(d, item, "RangeVar")) < 0 && jget(d, item, "relname") >= 0)
		b = item;
	rel = jget(d, b, "relname");
	if (rel < 0 || d->nodes[rel].type != J_STR)
	{
		/* a subquery, a function, anything else: a derived source */
		int			sub = jnode(d, item, "RangeSubselect");

		if (sub < 0)
			sub = jnode(d, item, "RangeFunction");
		s->derived = true;
		s->targets = stmt_targets(d, jget(d, sub, "subquery"));
		b = sub;
	}
	else
	{
		s->rel = d->nodes[rel].str;
		s->rellen = d->nodes[rel].len;
		schema = jget(d, b, "schemaname");
		if (schema >= 0 && d->nodes[schema].type == J_STR)
		{
			s->schema = d->nodes[schema].str;
			s->schemalen = d->nodes[schema].len;
		}
	}
	alias = jget(d, jget(d, b, "alias"), "aliasname");
	if (alias >= 0 && d->nodes[alias].type == J_STR)
	{
		s->alias = d->nodes[alias].str;
		s->aliaslen = d->nodes[alias].len;
	}
	s->colnames = jget(d, jget(d, b, "alias"), "colnames");
	if (s->derived)
		return;
	if (s->schema == NULL && (cte = find_cte(w, sc, s->rel, s->rellen)) != NULL)
	{
		s->derived = true;
		s->targets = stmt_targets(d, cte->query);
		if (s->colnames < 0)
			s->colnames = cte->colnames;
		return;
	}
	s->table = find_table(w, s->schema, s->schemalen, s->rel, s->rellen);
	if (s->table < 0)
		w->nunknown++;
}

/*
 * The unique source in w->srcs[start..end) that has column name (any
 * source of a JoinExpr side), as a placed column; src -1 when none or
 * several.
 */
static PtCol
using_side(PtWalk *w, int start, int end, const char *name, size_t len)
{
	PtCol		r = {-1, -1, -1};
	int			hits = 0;

	for (int i = start; i < end; i++)
	{
		int			c;
		int			h = src_has(w, &w->srcs[i], name, len, &c);

		if (h == 0)
			continue;
		hits++;
		if (h == 1)
		{
			r.src = w->srcs[i].id;
			if (!w->srcs[i].derived && c >= 0)
			{
				r.table = w->srcs[i].table;
				r.column = c;
			}
		}
	}
	if (hits != 1)
	{
		r.src = -1;
		r.table = -1;
	}
	if (r.table < 0)
		w->nunresolved++;
	return r;
}

/*
 * Second pass over a FROM item, once the level's sources are known: the
 * subqueries as levels of their own, the ON and USING conditions.  *pos
 * follows from_add()'s order.
 */
static void
from_walk(PtWalk *w, const PtScope *sc, int item, int *pos)
{
	const JDoc *d = w->d;
	int			b;

	if (item < 0 || w->oom)
		return;
	if ((b = jnode(d, item, "JoinExpr")) >= 0)
	{
		int			lstart = *pos;
		int			rstart;
		int			using;

		from_walk(w, sc, jget(d, b, "larg"), pos);
		rstart = *pos;
		from_walk(w, sc, jget(d, b, "rarg"), pos);
		conjuncts(w, sc, jget(d, b, "quals"));
		walk_sublinks(w, sc, jget(d, b, "quals"));
		using = jget(d, b, "usingClause");
		if (jcount(d, using, J_ARR) > 0 && *pos <= sc->end)
			for (int c = d->nodes[using].first; c >= 0; c = d->nodes[c].next)
			{
				size_t		l;
				const char *name = jsval(d, c, &l);
				PtCol		a;
				PtCol		z;

				if (name == NULL)
					continue;
				a = using_side(w, lstart, rstart, name, l);
				z = using_side(w, rstart, *pos, name, l);
				if (a.src < 0 || z.src < 0)
					continue;
				if (a.table >= 0)
					add_pred(w, a, UK_ADV_JOIN, 0);
				if (z.table >= 0)
					add_pred(w, z, UK_ADV_JOIN, 0);
			}
		return;
	}
	(*pos)++;
	if ((b = jnode(d, item, "RangeSubselect")) >= 0)
		walk_stmt(w, jget(d, b, "subquery"), sc, false);
	else if ((b = jnode(d, item, "RangeFunction")) >= 0)
		walk_sublinks(w, sc, jget(d, b, "functions"));
}

/*
 * Open a level: its CTE names (visible to each other, for WITH RECURSIVE)
 * and their queries as levels of their own.
 */
static void
level_begin(PtWalk *w, PtScope *sc, const PtScope *parent, int body)
{
	const JDoc *d = w->d;
	int			ctes = jget(d, jget(d, body, "withClause"), "ctes");

	sc->parent = parent;
	sc->start = sc->end = w->nsrcs;
	sc->cte_start = sc->cte_end = w->nctes;
	if (jcount(d, ctes, J_ARR) == 0)
		return;
	for (int c = d->nodes[ctes].first; c >= 0; c = d->nodes[c].next)
	{
		int			cte = jnode(d, c, "CommonTableExpr");
		int			name = jget(d, cte, "ctename");
		PtCte	   *e;

		if (name < 0 || d->nodes[name].type != J_STR)
			continue;
		if (!grow((void **) &w->ctes, &w->ctes_cap, w->nctes, sizeof(PtCte)))
		{
			w->oom = true;
			return;
		}
		e = &w->ctes[w->nctes++];
		e->name = d->nodes[name].str;
		e->len = d->nodes[name].len;
		e->query = jget(d, cte, "ctequery");
		e->colnames = jget(d, cte, "aliascolnames");
	}
	sc->cte_end = w->nctes;
	for (int i = sc->cte_start; i < sc->cte_end; i++)
		walk_stmt(w, w->ctes[i].query, sc, false);
	sc->start = sc->end = w->nsrcs;
}

static void
level_end(PtWalk *w, const PtScope *sc)
{
	w->nsrcs = sc->start;
	w->nctes = sc->cte_start;
}

/* The sources of a list of FROM items, then their second pass. */
static void
level_from(PtWalk *w, PtScope *sc, int list)
{
	const JDoc *d = w->d;
	int			pos = sc->end;

	if (jcount(d, list, J_ARR) == 0)
		return;
	for (int c = d->nodes[list].first; c >= 0; c = d->nodes[c].next)
		from_add(w, sc, c);
	sc->end = w->nsrcs;
	for (int c = d->nodes[list].first; c >= 0; c = d->nodes[c].next)
		from_walk(w, sc, c, &pos);
}

/* The target a bare ORDER BY / GROUP BY name or a position refers to. */
static int
target_ref(PtWalk *w, int body, int key, bool by_name)
{
	const JDoc *d = w->d;
	int			tl = jget(d, body, "targetList");
	int			cst = jnode(d, key, "A_Const");
	int			ref = jnode(d, key, "ColumnRef");

	if (cst >= 0)
	{
		int			iv = jget(d, jget(d, cst, "ival"), "ival");
		long		k = 0;

		if (iv < 0 || d->nodes[iv].type != J_NUM || d->nodes[iv].len > 6)
			return -1;
		for (size_t i = 0; i < d->nodes[iv].len; i++)
		{
			char		ch = d->nodes[iv].str[i];

			if (ch < '0' || ch > '9')
				return -1;
			k = k * 10 + (ch - '0');
		}
		if (k < 1 || k > jcount(d, tl, J_ARR))
			return -1;
		return jnode(d, jget(d, jnode(d, jat(d, tl, (int) k - 1), "ResTarget"), "val"),
					 "ColumnRef");
	}
	if (by_name && ref >= 0 && jcount(d, jget(d, ref, "fields"), J_ARR) == 1 &&
		jcount(d, tl, J_ARR) > 0)
		/* an output name first, as PostgreSQL does for ORDER BY */
	{
		const char *names[3];
		size_t		lens[3];
		int			found = -1;
		int			nfound = 0;

		if (colref_names(d, ref, names, lens) != 1)
			return -1;
		for (int c = d->nodes[tl].first; c >= 0 && --w->steps >= 0; c = d->nodes[c].next)
		{
			int			rt = jnode(d, c, "ResTarget");
			int			nm = jget(d, rt, "name");

			if (nm >= 0 && d->nodes[nm].type == J_STR &&
				d->nodes[nm].len == lens[0] && col_eq(w, names[0], lens[0], d->nodes[nm].str))
			{
				found = c;
				nfound++;
			}
		}
		if (nfound == 1)
			return jnode(d, jget(d, jnode(d, found, "ResTarget"), "val"), "ColumnRef");
	}
	return ref;
}

/*
 * ORDER BY (order) or GROUP BY keys of the outermost SELECT: all plain
 * columns placed, or none.
 */
static void
sort_keys(PtWalk *w, const PtScope *sc, int body, bool order)
{
	const JDoc *d = w->d;
	int			list = jget(d, body, order ? "sortClause" : "groupClause");
	int			n = jcount(d, list, J_ARR);
	UkAdvSortKey *keys;
	int			k = 0;

	if (n == 0)
		return;
	keys = malloc(sizeof(UkAdvSortKey) * (size_t) n);
	if (keys == NULL)
	{
		w->oom = true;
		return;
	}
	for (int c = d->nodes[list].first; c >= 0; c = d->nodes[c].next)
	{
		int			sb = jnode(d, c, "SortBy");
		int			node = order ? jget(d, sb, "node") : c;
		int			ref = jnode(d, node, "ColumnRef");
		PtCol		col;

		if (order)
			ref = target_ref(w, body, node, true);
		else if (ref < 0)
			ref = target_ref(w, body, node, false);
		else if (resolve(w, sc, ref).src < 0)
		{
			/* GROUP BY: FROM columns first, then output names */
			int			t = target_ref(w, body, node, true);

			if (t >= 0)
				ref = t;
		}
		if (ref < 0)
			break;
		col = place(w, sc, ref);
		if (col.table < 0)
			break;
		keys[k].table = col.table;
		keys[k].column = col.column;
		keys[k].desc = order && jstr_is(d, jget(d, sb, "sortby_dir"), "SORTBY_DESC");
		k++;
	}
	if (k < n)
	{
		free(keys);
		return;
	}
	if (order)
	{
		w->order_by = keys;
		w->norder_by = n;
	}
	else
	{
		w->group_by = keys;
		w->ngroup_by = n;
	}
}

/*
 * A constant LIMIT or OFFSET: true with *v set (0 for NULL, as LIMIT ALL);
 * false for anything else.
 */
static bool
const_count(const JDoc *d, int n, double *v)
{
	int			c = jnode(d, unwrap_casts(d, n), "A_Const");
	int			num;
	const char *s;
	size_t		len;
	double		x = 0;

	*v = 0;
	if (c < 0)
		return false;
	if (jtrue(d, jget(d, c, "isnull")))
		return true;
	if ((num = jget(d, c, "ival")) >= 0)
	{
		num = jget(d, num, "ival");
		if (num < 0)
			return true;		/* 0 is left out of the tree */
	}
	else if ((num = jget(d, c, "fval")) >= 0)
		num = jget(d, num, "fval");		/* an integer too large for int4 */
	else
		return false;
	if (num < 0 || (d->nodes[num].type != J_NUM && d->nodes[num].type != J_STR))
		return false;
	s = d->nodes[num].str;
	len = d->nodes[num].len;
	if (len == 0 || len > 30)
		return false;
	for (size_t i = 0; i < len; i++)
	{
		if (s[i] < '0' || s[i] > '9')
			return false;		/* negative, fractional: PostgreSQL refuses */
		x = x * 10 + (s[i] - '0');
	}
	*v = x;
	return true;
}

static void
select_limit(PtWalk *w, int body)
{
	const JDoc *d = w->d;
	int			off = jget(d, body, "limitOffset");
	double		count;
	double		offset = 0;

	if (!const_count(d, jget(d, body, "limitCount"), &count) || count <= 0)
		return;
	/* the rows a scan must give: the skipped ones too */
	if (off >= 0 && !const_count(d, off, &offset))
		return;
	w->limit = count + offset;
}

/* One SELECT (a SelectStmt body) as a level. */
static void
walk_select(PtWalk *w, int body, const PtScope *parent, bool top)
{
	const JDoc *d = w->d;
	PtScope		sc;
	int			op;

	if (body < 0 || d->nodes[body].type != J_OBJ)
		return;
	level_begin(w, &sc, parent, body);
	op = jget(d, body, "op");
	if (op >= 0 && !jstr_is(d, op, "SETOP_NONE"))
	{
		/* UNION, INTERSECT, EXCEPT: branches are bare SelectStmt bodies */
		walk_select(w, jget(d, body, "larg"), &sc, false);
		walk_select(w, jget(d, body, "rarg"), &sc, false);
		level_end(w, &sc);
		return;
	}
	level_from(w, &sc, jget(d, body, "fromClause"));
	conjuncts(w, &sc, jget(d, body, "whereClause"));
	for (int c = d->nodes[body].first; c >= 0; c = d->nodes[c].next)
	{
		const JNode *m = &d->nodes[c];

		if (!(m->keylen == 10 && memcmp(m->key, "fromClause", 10) == 0) &&
			!(m->keylen == 10 && memcmp(m->key, "withClause", 10) == 0))
			walk_sublinks(w, &sc, c);
	}
	if (top)
	{
		sort_keys(w, &sc, body, true);
		sort_keys(w, &sc, body, false);
		select_limit(w, body);
	}
	level_end(w, &sc);
}

/*
 * A statement node ({"SelectStmt": ...} and so on): SELECT, INSERT's
 * SELECT, UPDATE and DELETE with their WHERE; anything else gives nothing.
 */
static void
walk_stmt(PtWalk *w, int stmt, const PtScope *parent, bool top)
{
	const JDoc *d = w->d;
	int			b;
	bool		update;

	if ((b = jnode(d, stmt, "SelectStmt")) >= 0)
		walk_select(w, b, parent, top);
	else if ((b = jnode(d, stmt, "InsertStmt")) >= 0)
	{
		PtScope		sc;

		level_begin(w, &sc, parent, b);
		walk_stmt(w, jget(d, b, "selectStmt"), &sc, top);
		level_end(w, &sc);
	}
	else if ((update = (b = jnode(d, stmt, "UpdateStmt")) >= 0) ||
			 (b = jnode(d, stmt, "DeleteStmt")) >= 0)
	{
		PtScope		sc;
		int			rel = jget(d, b, "relation");

		level_begin(w, &sc, parent, b);
		if (jget(d, rel, "relname") >= 0)
			from_add(w, &sc, rel);
		sc.end = w->nsrcs;
		level_from(w, &sc, jget(d, b, update ? "fromClause" : "usingClause"));
		conjuncts(w, &sc, jget(d, b, "whereClause"));
		walk_sublinks(w, &sc, jget(d, b, "whereClause"));
		if (update)
			walk_sublinks(w, &sc, jget(d, b, "targetList"));
		level_end(w, &sc);
	}
}

static void
walk_free(PtWalk *w)
{
	free(w->srcs);
	free(w->ctes);
	free(w->preds);
	free(w->order_by);
	free(w->group_by);
}

static UkStatus
check_catalogue(const UkAdvTable *tables, int ntables, UkError **err)
{
	if (ntables < 0 || (ntables > 0 && tables == NULL))
		return uk_error_set(err, UK_ERR_INVALID, 0, "bad table array");
	for (int i = 0; i < ntables; i++)
	{
		if (tables[i].name == NULL || tables[i].ncolumns < 0 ||
			(tables[i].ncolumns > 0 && tables[i].columns == NULL))
			return uk_error_set(err, UK_ERR_INVALID, 0,
								"table %d: no name or bad column array", i);
		for (int c = 0; c < tables[i].ncolumns; c++)
			if (tables[i].columns[c].name == NULL)
				return uk_error_set(err, UK_ERR_INVALID, 0,
									"table %d column %d: no name", i, c);
	}
	return UK_OK;
}

UkStatus
uk_pgtree_shape(const char *json, size_t len, const UkAdvTable *tables,
				int ntables, const char *default_schema, bool ci_columns,
				UkTreeShape *out, UkError **err)
{
	JDoc		d;
	PtWalk		w;
	UkStatus	st;
	int			stmts;
	int			first;

	memset(out, 0, sizeof(UkTreeShape));
	memset(&d, 0, sizeof(JDoc));
	if (json == NULL && len > 0)
		return uk_error_set(err, UK_ERR_INVALID, 0, "no parse tree text");
	st = check_catalogue(tables, ntables, err);
	if (st != UK_OK)
		return st;
	st = json_parse(&d, json != NULL ? json : "", len, err);
	if (st != UK_OK)
	{
		json_free(&d);
		return st;
	}
	stmts = jget(&d, 0, "stmts");
	if (stmts < 0 || d.nodes[stmts].type != J_ARR)
	{
		json_free(&d);
		return uk_error_set(err, UK_ERR_INVALID, 0,
							"not a parse tree: no \"stmts\" array");
	}
	first = jat(&d, stmts, 0);
	if (first >= 0 && jget(&d, first, "stmt") < 0)
	{
		json_free(&d);
		return uk_error_set(err, UK_ERR_INVALID, 0,
							"not a parse tree: statement without \"stmt\"");
	}

	memset(&w, 0, sizeof(PtWalk));
	w.d = &d;
	w.tables = tables;
	w.ntables = ntables;
	w.default_schema = default_schema;
	w.ci = ci_columns;
	w.steps = PT_MAX_STEPS;
	if (first >= 0)
		walk_stmt(&w, jget(&d, first, "stmt"), NULL, true);
	json_free(&d);
	if (w.oom)
	{
		walk_free(&w);
		return uk_error_set(err, UK_ERR_NOMEM, 0, "out of memory");
	}
	free(w.srcs);
	free(w.ctes);
	out->query.preds = w.preds;
	out->query.npreds = w.npreds;
	out->query.order_by = w.order_by;
	out->query.norder_by = w.norder_by;
	out->query.group_by = w.group_by;
	out->query.ngroup_by = w.ngroup_by;
	out->query.limit = w.limit;
	out->nunresolved = w.nunresolved;
	out->nunknown_tables = w.nunknown;
	return UK_OK;
}

void
uk_pgtree_shape_free(UkTreeShape *shape)
{
	if (shape == NULL)
		return;
	free((void *) shape->query.preds);
	free((void *) shape->query.order_by);
	free((void *) shape->query.group_by);
	memset(shape, 0, sizeof(UkTreeShape));
}
