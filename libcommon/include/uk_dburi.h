/*
 * uk_dburi.h
 *		The CLI's --db option: which engine, and for MariaDB the parts of
 *		mariadb://user:password@host:port/database?socket=/path (or
 *		mysql://...).  Anything else is a libpq conninfo string or URI,
 *		handed to libpq as it is.
 *
 * Parts are percent-decoded ("%40" is "@"); a part may not decode to a NUL
 * or a control character.  An error message never shows the password.
 * Pure function on caller memory; nothing is allocated but the error.
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
	char		user[256];		/* "" = not given (the client's default) */
	char		password[256];
	int			has_password;	/* "user:@host" gives an empty password */
	char		host[256];		/* without [] for an IPv6 address */
	int			port;			/* 0 = not given */
	char		database[256];
	char		socket[1024];	/* ?socket=/path */
} UkDbUri;

/*
 * Parse s into *out (zeroed first).  A string that does not start with
 * "mariadb://" or "mysql://" (any case), or NULL, is UK_DB_POSTGRES with
 * every part empty.  UK_ERR_INVALID for a MariaDB URI that is malformed: a
 * bad port, a bad %-escape, a part too long, an unknown parameter, a path
 * with more than the database in it.
 */
extern int	uk_dburi_parse(const char *s, UkDbUri *out, UkError **err);

#endif							/* UK_DBURI_H */
