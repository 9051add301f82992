/*
 * cli/conn.c
 *		Choosing the engine from --db, and what both engines' code shares.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "conn.h"

bool
conn_is_mariadb_uri(const char *db)
{
	return db != NULL && (strncasecmp(db, "mariadb://", 10) == 0 ||
						  strncasecmp(db, "mysql://", 8) == 0);
}

Conn *
conn_open(const char *db, const char *app, char *err, size_t errlen)
{
	if (conn_is_mariadb_uri(db))
		return conn_mariadb_open(db, app, err, errlen);
	return conn_pg_open(db, app, err, errlen);
}

void
conn_close(Conn *c)
{
	if (c)
		c->ops->close(c);
}

int
conn_random_hex(char *buf, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[64];
	int			fd;
	ssize_t		got;

	if (n > 2 * sizeof(raw))
		return -1;
	fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	got = read(fd, raw, (n + 1) / 2);
	close(fd);
	if (got != (ssize_t) ((n + 1) / 2))
		return -1;
	for (size_t i = 0; i < n; i++)
		buf[i] = hex[(raw[i / 2] >> (i % 2 ? 0 : 4)) & 0xf];
	buf[n] = '\0';
	return 0;
}

int
conn_set_error(Conn *c, const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
	return -1;
}
