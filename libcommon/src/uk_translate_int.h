/*
 * uk_translate_int.h
 *		Internals shared by the translation source files: the token array
 *		of uk_translate_lex.c, the output buffer and writers of
 *		uk_translate_emit.c, and the translator's state that uk_translate.c
 *		drives; not part of the public interface (that is uk_translate.h).
 *
 * Memory: the token array and the output buffer are malloc'd and grow;
 * uk_translate_mariadb() frees the tokens and hands the buffer to the
 * caller's UkTranslation.
 */
#ifndef UK_TRANSLATE_INT_H
#define UK_TRANSLATE_INT_H

#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>

#include "uk_translate.h"

typedef enum TrKind
{
	TR_SPACE,
	TR_COMMENT,					/* kept as written, # becomes -- */
	TR_BADCOMMENT,				/* PostgreSQL would read it differently */
	TR_STRING,					/* '...' or "..." */
	TR_IDENT,					/* `...` */
	TR_NUMBER,
	TR_HEXNUM,					/* 0x.. or 0b.. */
	TR_DIGITWORD,				/* identifier starting with a digit */
	TR_PARAM,					/* ? */
	TR_PGPARAM,					/* $1 */
	TR_WORD,
	TR_PUNCT
} TrKind;

typedef struct TrTok
{
	TrKind		kind;
	size_t		start;
	size_t		len;
	int			param;			/* TR_PARAM: its number */
	bool		gap;			/* an executable comment marker before it */
} TrTok;

typedef struct TrBuf
{
	char	   *buf;
	size_t		len;
	size_t		cap;
	bool		oom;
	bool		gap;			/* something was dropped since the last emit */
} TrBuf;

/* The translator's state: input, tokens, output. */
typedef struct Tr
{
	const char *s;
	TrTok	   *t;
	size_t		n;
	TrBuf		out;
	unsigned	flags;
} Tr;

/* A byte that may continue a word (used by the lexer and the writer). */
static inline bool
uk_tr_is_word_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

/*
 * Cut s into tokens (MariaDB rules).  Executable comment markers produce
 * no token.  On success *toks is malloc'd (the caller frees it).
 */
extern UkStatus uk_tr_tokenize(const char *s, size_t n, TrTok **toks,
							   size_t *ntok, UkError **err);

/* Append s[0..n) to b (always NUL-terminated); sets b->oom on failure. */
extern void uk_tr_buf_put(TrBuf *b, const char *s, size_t n);
extern void uk_tr_buf_puts(TrBuf *b, const char *s);

/*
 * Put s, first separating it from the output so far when PostgreSQL would
 * otherwise read the two as one token.
 */
extern void uk_tr_buf_emit(TrBuf *b, const char *s, size_t n);

/* A literal: MariaDB escapes decoded, written as a standard literal. */
extern void uk_tr_emit_string(Tr *tr, const TrTok *t);

/* `ident` or 1st_col as "ident". */
extern void uk_tr_emit_ident(Tr *tr, const char *s, size_t len);

/* Token t as written. */
extern void uk_tr_emit_tok(Tr *tr, const TrTok *t);

/* A number as written or a ? as its $n. */
extern void uk_tr_emit_atom(Tr *tr, const TrTok *t);

/*
 * Remove trailing spaces and tabs from the output, before something dropped
 * (not a newline: it may end a line comment).
 */
extern void uk_tr_trim_out(Tr *tr);

#endif							/* UK_TRANSLATE_INT_H */
