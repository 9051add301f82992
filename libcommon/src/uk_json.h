/*
 * uk_json.h
 *		A strict JSON reader for libcommon's own use (today the parse trees
 *		of uk_pgtree.c); not part of the public interface.
 *
 * uk_json_parse() turns the text into a flat array of nodes, linked by
 * index (first child, next sibling); node 0 is the root.  It works with an
 * explicit stack of at most UK_JSON_MAX_DEPTH open containers, so the C
 * stack does not grow with the input.  Bytes of 0x80 and above pass
 * through string contents unchecked (libpg_query copies the statement's
 * bytes as they are, valid UTF-8 or not).
 *
 * Memory: the JDoc owns its nodes and decoded strings, freed by
 * uk_json_free(); a J_NUM node points into the parsed text, which must
 * outlive the JDoc.  The accessors below take -1 (no node) anywhere and
 * then give -1, false or 0.
 */
#ifndef UK_JSON_H
#define UK_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "uk_error.h"

#define UK_JSON_MAX_DEPTH 200
#define UK_JSON_MAX_NODES (1 << 28)	/* far beyond any statement's tree */
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

/*
 * Parse s[0..len) into d (zeroed by the caller); the root is node 0.
 * UK_ERR_INVALID with the byte offset in the message for text that is not
 * one JSON value or nests deeper than UK_JSON_MAX_DEPTH; UK_ERR_NOMEM.  On
 * failure d may hold allocations: the caller frees them either way.
 */
extern UkStatus uk_json_parse(JDoc *d, const char *s, size_t len,
							  UkError **err);

/* Free what d holds and zero it. */
extern void uk_json_free(JDoc *d);

/* Member key of object n, or -1. */
static inline int
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

static inline bool
jstr_is(const JDoc *d, int n, const char *s)
{
	return n >= 0 && d->nodes[n].type == J_STR && strcmp(d->nodes[n].str, s) == 0 &&
		d->nodes[n].len == strlen(s);
}

/* Array element i of n, or -1. */
static inline int
jat(const JDoc *d, int n, int i)
{
	int			c;

	if (n < 0 || d->nodes[n].type != J_ARR)
		return -1;
	for (c = d->nodes[n].first; c >= 0 && i > 0; c = d->nodes[c].next)
		i--;
	return c;
}

static inline bool
jtrue(const JDoc *d, int n)
{
	return n >= 0 && d->nodes[n].type == J_TRUE;
}

static inline int
jcount(const JDoc *d, int n, JType type)
{
	return n >= 0 && d->nodes[n].type == type ? d->nodes[n].count : 0;
}

#endif							/* UK_JSON_H */
