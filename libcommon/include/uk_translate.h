/*
 * uk_translate.h
 *		MariaDB statement text rewritten as PostgreSQL-parsable text, so that
 *		the index advisor can read the statements the MariaDB plugin saw
 *		with PostgreSQL's grammar.
 *
 * The translation keeps what matters to index advice (tables, columns,
 * predicates, joins, sort and grouping) and the case of every identifier;
 * it is not meant to produce text PostgreSQL would execute with the same
 * result.  It assumes MariaDB's default sql_mode: "..." is a string,
 * backslash escapes are on, || is OR.
 *
 * What is rewritten, outside string literals and comments:
 *	`ident`			"ident" (a doubled backtick inside becomes one, a double
 *					quote is doubled); an identifier that starts with a digit,
 *					such as 1st_col, is quoted the same way
 *	'...' "..."		a standard PostgreSQL literal '...': escapes decoded, then
 *					only ' doubled.  \% and \_ keep their backslash, as in
 *					MariaDB, so LIKE patterns mean the same.  Adjacent
 *					literals ('a' 'b', concatenated by MariaDB) are joined by
 *					a newline, which PostgreSQL also concatenates.
 *	?				$1, $2, ... in order of appearance ($1 stays)
 *	0x1F 0b101		X'1F' B'101'
 *	LIMIT a, b		LIMIT b OFFSET a
 *	<=> && ||		IS NOT DISTINCT FROM, AND, OR
 *	IFNULL(			COALESCE(
 *	DISTINCTROW		DISTINCT
 *	STRAIGHT_JOIN	JOIN between tables; dropped after SELECT
 *	LOCK IN SHARE MODE	FOR SHARE
 *	FORCE|USE|IGNORE INDEX|KEY [FOR ...] (...)	dropped
 *	SQL_CALC_FOUND_ROWS, SQL_NO_CACHE, SQL_CACHE, SQL_SMALL_RESULT,
 *	SQL_BIG_RESULT, SQL_BUFFER_RESULT, HIGH_PRIORITY, LOW_PRIORITY,
 *	DELAYED, and IGNORE after INSERT/UPDATE/DELETE		dropped
 *	ON DUPLICATE KEY UPDATE ...	dropped to the end of the statement
 *	REPLACE (as the statement)	INSERT
 *	ORDER BY / LIMIT of a single-table UPDATE or DELETE	dropped
 *	executable comments (slash-star-bang or slash-star-M-bang, with an
 *	optional version): their content is translated as part of the
 *	statement; those for a version after 10.11 stay comments
 *	# comment		-- comment
 *	--x				(no space: not a comment in MariaDB) - -x
 * A comment PostgreSQL would read differently (a block comment with a
 * second comment opener inside, which PostgreSQL nests, or a line comment
 * with a carriage return, where PostgreSQL ends it) becomes one space.
 *
 * An upsert is reported by UK_TRANSLATE_UPSERT rather than rewritten to
 * ON CONFLICT: DO UPDATE needs a conflict target MariaDB does not name,
 * and DO NOTHING would claim a different statement; what the advisor needs
 * from an INSERT (its table and column list, i.e. its write cost) is kept.
 *
 * One statement only: trailing semicolons are allowed, anything else after
 * a semicolon is an error.
 */
#ifndef UK_TRANSLATE_H
#define UK_TRANSLATE_H

#include <stddef.h>

#include "uk_error.h"

/* What the translation dropped or changed in meaning (UkTranslation.flags) */
#define UK_TRANSLATE_UPSERT		0x01	/* ON DUPLICATE KEY UPDATE dropped, or
										 * REPLACE became INSERT */
#define UK_TRANSLATE_HINTS		0x02	/* index hints or modifiers dropped */
#define UK_TRANSLATE_DML_LIMIT	0x04	/* ORDER BY / LIMIT of UPDATE or DELETE
										 * dropped */

typedef struct UkTranslation
{
	char	   *sql;			/* malloc'd, NUL-terminated */
	size_t		len;			/* strlen(sql) */
	unsigned	flags;			/* UK_TRANSLATE_* */
} UkTranslation;

/*
 * Translate one MariaDB statement (len bytes, need not be NUL-terminated)
 * into out.  On UK_OK, out->sql is the caller's, released with
 * uk_translate_free().  Fails with UK_ERR_INVALID (naming the construct
 * and its byte offset) for text that cannot be made parsable: an
 * unterminated literal, identifier or comment, an empty `` identifier, a
 * NUL byte (also as \0 in a literal: PostgreSQL text cannot hold it), an
 * unquoted identifier starting with $, or a second statement; with
 * UK_ERR_NOMEM when memory runs out.  On failure out is zeroed.
 */
extern UkStatus uk_translate_mariadb(const char *sql, size_t len,
									 UkTranslation *out, UkError **err);

/* Free out->sql and zero out; a zeroed UkTranslation is allowed. */
extern void uk_translate_free(UkTranslation *out);

#endif							/* UK_TRANSLATE_H */
