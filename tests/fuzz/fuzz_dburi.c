/*
 * fuzz_dburi.c
 *		libFuzzer target for uk_dburi_parse().
 *
 * The input (cut at its first NUL) must parse or fail with UK_ERR_INVALID
 * and a message.  On success every part is NUL-terminated inside its
 * buffer and holds no control character, the port is 0..65535, and a
 * string that is not a mariadb:// or mysql:// URI is PostgreSQL with
 * every part empty.  Anything else aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "uk_dburi.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_part(const char *p, size_t cap)
{
	size_t		n = strnlen(p, cap);

	if (n == cap)
		abort();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char) p[i] < 0x20 || p[i] == 0x7F)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *s = malloc(size + 1);
	UkDbUri		u;
	UkError    *err = NULL;
	int			rc;
	int			maria;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	maria = strncasecmp(s, "mariadb://", 10) == 0 || strncasecmp(s, "mysql://", 8) == 0;
	rc = uk_dburi_parse(s, &u, &err);
	if (rc != UK_OK)
	{
		if (rc != UK_ERR_INVALID || err == NULL || err->message[0] == '\0' || !maria)
			abort();
		uk_error_free(err);
		free(s);
		return 0;
	}
	if (err != NULL || u.port < 0 || u.port > 65535)
		abort();
	if (u.engine != (maria ? UK_DB_MARIADB : UK_DB_POSTGRES))
		abort();
	check_part(u.user, sizeof(u.user));
	check_part(u.password, sizeof(u.password));
	check_part(u.host, sizeof(u.host));
	check_part(u.database, sizeof(u.database));
	check_part(u.socket, sizeof(u.socket));
	if (!maria && (u.user[0] || u.password[0] || u.host[0] || u.database[0] ||
				   u.socket[0] || u.port != 0 || u.has_password))
		abort();
	free(s);
	return 0;
}
