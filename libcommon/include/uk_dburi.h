/*
 * uk_dburi.h
 *		The CLI's --db option: which engine, and for MariaDB the parts of
 *		mariadb://user:password@host:port/database?socket=/path (or
 *		mysql://...).  Anything else is a libpq conninfo string or URI,
 *		handed to libpq as it is.
 *
 * Parts are percent-decoded ("%40" is "@"); a part may not decode to a NUL
 * or a control character.  An error message never shows the password.
 * The parts are malloc'd, NULL when the URI does not give them (what the
 * MariaDB C connector takes as "its default"); uk_dburi_clear() frees them.
 */
#ifndef UK_DBURI_H
#define UK_DBURI_H

#include "uk_error.h"

typedef enum UkDbEngine
{
	UK_DB_POSTGRES = 0,
	UK_DB_MARIADB
} UkDbEngine;

typedef struct UkDbUri
{
	UkDbEngine	engine;
	char	   *user;			/* NULL = not given (the client's default) */
	char	   *password;		/* "user:@host" gives "" */
	char	   *host;			/* without [] for an IPv6 address */
	char	   *socket;			/* ?socket=/path */
	char	   *database;
	unsigned	port;			/* 0 = not given */
} UkDbUri;

/*
 * Parse s into *out (zeroed first).  A string that does not start with
 * "mariadb://" or "mysql://" (any case), or NULL, is UK_DB_POSTGRES with
 * every part NULL.  UK_ERR_INVALID for a MariaDB URI that is malformed: a
 * bad port, a bad %-escape, an unknown parameter, a path with more than
 * the database in it; UK_ERR_NOMEM.  On failure *out holds nothing to free.
 */
extern int	uk_dburi_parse(const char *s, UkDbUri *out, UkError **err);

/* Free the parts of u and zero it; NULL is allowed. */
extern void uk_dburi_clear(UkDbUri *u);

#endif							/* UK_DBURI_H */
