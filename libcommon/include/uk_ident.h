/*
 * uk_ident.h
 *		SQL identifiers of both engines: quoting, deterministic index names,
 *		and the text of a ready-to-run CREATE INDEX statement.
 *
 * PostgreSQL quotes with "..." (a " inside is doubled), MariaDB with `...`
 * (a ` inside is doubled); inside quotes every other character stands for
 * itself on both engines (MariaDB's backslash escapes apply to string
 * literals, not to quoted identifiers), so quoting is total: any C string
 * comes out as one identifier naming exactly that string.
 *
 * Every function writes into a caller buffer like snprintf: it returns the
 * length the full text needs (without the NUL) and writes a NUL-terminated
 * prefix of it when cap is too small (nothing when cap is 0).  A result is
 * complete only when the return value is < cap.  Nothing is allocated.
 */
#ifndef UK_IDENT_H
#define UK_IDENT_H

#include <stdbool.h>
#include <stddef.h>

typedef enum UkEngine
{
	UK_ENGINE_POSTGRES = 0,
	UK_ENGINE_MARIADB
} UkEngine;

/*
 * Longest identifier in bytes: PostgreSQL's NAMEDATALEN - 1 (longer names
 * are silently cut by the server), MariaDB's NAME_CHAR_LEN (64 characters;
 * 64 bytes is the safe reading of it).
 */
#define UK_PG_IDENT_MAX 63
#define UK_MARIADB_IDENT_MAX 64

/* A buffer this large always holds an index name plus its NUL. */
#define UK_INDEX_NAME_BUF 72

/* Longest identifier of engine e, in bytes. */
extern size_t uk_ident_max(UkEngine e);

/* id quoted for engine e: "a""b" or `a``b`. */
extern size_t uk_ident_quote(UkEngine e, const char *id, char *out, size_t cap);

/*
 * A deterministic index name for an index on table (unqualified) over
 * columns[0..ncolumns-1]: "<table>_<col>_<col>_idx", PostgreSQL's own
 * pattern.  Letters, digits, spaces and other printable UTF-8 characters
 * of the Basic Multilingual Plane are kept as they are; control characters,
 * both quote characters, backslash, characters outside the BMP (which
 * MariaDB does not allow in names) and invalid UTF-8 become "_", and runs
 * of "_" become one.  When the name is longer than uk_ident_max(e), it is
 * cut on a character boundary and ends in "_" plus 8 hex digits of a hash
 * of the full (unchanged) table and column names, so that two long names
 * that share a beginning still differ.  The same input always gives the
 * same name.  The name is valid UTF-8, never empty, never ends in a space.
 */
extern size_t uk_index_name(UkEngine e, const char *table,
							const char *const *columns, int ncolumns,
							char *out, size_t cap);

/*
 * The statement that creates index_name on schema.table (schema NULL or ""
 * for none) over the columns, desc[i] (desc may be NULL) marking a
 * descending column:
 *
 *	PostgreSQL:	CREATE INDEX CONCURRENTLY "i" ON "s"."t" ("a", "b" DESC)
 *	MariaDB:	ALTER TABLE `s`.`t` ADD INDEX `i` (`a`, `b` DESC)
 */
extern size_t uk_index_create_statement(UkEngine e, const char *schema,
										const char *table,
										const char *index_name,
										const char *const *columns,
										const bool *desc, int ncolumns,
										char *out, size_t cap);

/*
 * The same with covering columns: PostgreSQL (11+) writes them as
 * INCLUDE ("c", "d") after the keys; MariaDB has no INCLUDE, so the caller
 * passes them as trailing key columns and ninclude 0 (they are ignored
 * there).
 */
extern size_t uk_index_create_statement_include(UkEngine e, const char *schema,
												const char *table,
												const char *index_name,
												const char *const *columns,
												const bool *desc, int ncolumns,
												const char *const *include,
												int ninclude, char *out,
												size_t cap);

#endif							/* UK_IDENT_H */
