/*
 * cli/conn_mariadb.h
 *		What conn_mariadb.c shares with conn_mariadb_account.c: running SQL on
 *		the runner's MariaDB connection.  Private to those two files.
 */
#ifndef UP_CONN_MARIADB_H
#define UP_CONN_MARIADB_H

#include <mysql.h>

#include "conn.h"

/* Run one statement, discarding any result; -1 with c->err set on error. */
extern int	mdb_exec(Conn *c, const char *sql);

/* Run a query; its stored result (the caller frees it), or NULL with c->err set. */
extern MYSQL_RES *mdb_query(Conn *c, const char *sql);

/* s as a single-quoted SQL string literal into out (at most outlen bytes). */
extern void mdb_literal(Conn *c, const char *s, char *out, size_t outlen);

#endif							/* UP_CONN_MARIADB_H */
