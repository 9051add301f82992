/*
 * uk_stmt.h
 *		Statement text: how it is cut, tidied, tagged and normalised before
 *		anything is stored, the same on both engines.
 *
 * The scanner understands enough SQL of both dialects to never change
 * what is inside a literal or a quoted identifier: '...' (with '' and,
 * for MariaDB, backslash escapes), "...", `...`, $tag$...$tag$, -- and #
 * line comments, and nested block comments.  Normalising, whose result
 * may be shown to roles that must not see constants, reads one dialect
 * exactly (UkSqlDialect).
 *
 * All functions write into a caller buffer and never allocate.
 */
#ifndef UK_STMT_H
#define UK_STMT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Whose lexical rules uk_stmt_normalize() reads a statement by.  A plain
 * '...' string is read both with and without backslash escapes, since the
 * session's setting is not known (PostgreSQL's standard_conforming_strings,
 * MariaDB's NO_BACKSLASH_ESCAPES): see uk_stmt_normalize().
 */
typedef enum UkSqlDialect
{
	UK_SQL_POSTGRES = 0,		/* E'...', U&'...', $tag$...$tag$, "ident",
								 * -- comments, nested block comments */
	UK_SQL_MARIADB				/* '...' and "..." strings, `ident`, # and
								 * "-- " comments, block comments do not nest */
} UkSqlDialect;

/*
 * Tidy a statement for storage: leading and trailing white space and
 * trailing semicolons go, every run of white space outside literals and
 * comments becomes one space.  Literals, identifiers and comments are
 * kept as they are.  The result is cut to cap - 1 bytes on a UTF-8
 * boundary; when it had to be cut, it ends in "..." and *truncated (if
 * given) is set.  Returns the length written.  cap must be >= 8.
 */
extern size_t uk_stmt_clean(const char *sql, size_t len, char *out, size_t cap,
							bool *truncated);

/*
 * The command tag of a statement, like PostgreSQL's: "SELECT", "INSERT",
 * "UPDATE", "DELETE", "REPLACE", "CREATE TABLE", "CREATE INDEX",
 * "ALTER TABLE", "DROP INDEX", "TRUNCATE TABLE", "CALL", "SET",
 * "START TRANSACTION", ...  Comments and opening parentheses are skipped;
 * a WITH query is tagged by its main statement.  Unknown text gives its
 * first word upper-cased, and an empty statement "".  Writes at most cap
 * bytes (UK_COMMAND_MAX is enough); returns out.
 */
extern const char *uk_stmt_command(const char *sql, size_t len, char *out,
								   size_t cap);

/*
 * The shape of a statement, read by the dialect's lexical rules:
 * constants (numbers, strings, TRUE/FALSE/NULL are kept) become "?", a
 * list of constants such as IN (1, 2, 3) becomes "(...)", white space is
 * tidied as in uk_stmt_clean() and comments are dropped; keywords and
 * identifiers are kept as written.  Two statements that differ only in
 * their constants get the same shape.  No byte of a string constant
 * survives: a string that ends at different places with and without
 * backslash escapes ('C:\' , ...) fails closed, the shape ends there in
 * "?...".  Normalising a shape again gives the same shape.  Cut like
 * uk_stmt_clean().  Returns the length written.  cap must be >= 8.
 */
extern size_t uk_stmt_normalize(const char *sql, size_t len,
								UkSqlDialect dialect, char *out, size_t cap);

/* A table named in a statement, unquoted; schema "" when not given. */
#define UK_IDENT_MAX 128

typedef struct UkTableRef
{
	char		schema[UK_IDENT_MAX + 1];
	char		name[UK_IDENT_MAX + 1];
	bool		schema_quoted;	/* written in quotes: keep the case */
	bool		name_quoted;
} UkTableRef;

/*
 * The table a statement works on: the target of UPDATE, INSERT / REPLACE /
 * MERGE INTO, DELETE FROM, TRUNCATE, LOCK, ALTER TABLE, or the first table
 * after FROM of a SELECT (a WITH query: of its main statement).  Works on
 * cut statements too.  False when there is none or it cannot be told.
 */
extern bool uk_stmt_main_table(const char *sql, size_t len, UkTableRef *out);

/*
 * What a statement may do to a transaction, as far as its text tells.
 * MariaDB's drain holds UK_TXN_WRITE statements of connections that have
 * no open write transaction, and a UK_TXN_END statement ends (or, BEGIN,
 * replaces) the connection's transaction.
 */
typedef enum UkTxnRole
{
	UK_TXN_OTHER = 0,			/* reads, SET, SHOW, SAVEPOINT, ... */
	UK_TXN_WRITE,				/* INSERT, UPDATE, DELETE, REPLACE, LOAD,
								 * MERGE, CALL, EXECUTE, DDL, GRANT, ... */
	UK_TXN_END					/* COMMIT, ROLLBACK (not TO SAVEPOINT),
								 * BEGIN, START TRANSACTION */
} UkTxnRole;

/*
 * The role of a statement (see UkTxnRole).  Comments and opening
 * parentheses before the first word are skipped; a WITH query counts as
 * its main statement.  Text that cannot be told is UK_TXN_OTHER.
 */
extern UkTxnRole uk_stmt_txn_role(const char *sql, size_t len);

#endif							/* UK_STMT_H */
