/*
 * fuzz_dburi.c
 *		libFuzzer target for uk_dburi_parse().
 *
 * The input (cut at its first NUL) must parse or fail with UK_ERR_INVALID,
 * a message and nothing left allocated.  On success no part holds a
 * control character (and ASan checks every part is freed by the clear), the port is 0..65535, and a
 * string that is not a mariadb:// or mysql:// URI is PostgreSQL with
 * every part empty.  Anything else aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "uk_dburi.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* NULL, or a string with no control character. */
static void
check_part(const char *p)
{
	for (; p != NULL && *p; p++)
		if ((unsigned char) *p < 0x20 || *p == 0x7F)
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
		if (rc != UK_ERR_INVALID || err == NULL || err->message[0] == '\0' || !maria ||
			u.user != NULL || u.password != NULL || u.host != NULL || u.socket != NULL ||
			u.database != NULL)
			abort();
		uk_error_free(err);
		free(s);
		return 0;
	}
	if (err != NULL || u.port > 65535)
		abort();
	if (u.engine != (maria ? UK_DB_MARIADB : UK_DB_POSTGRES))
		abort();
	check_part(u.user);
	check_part(u.password);
	check_part(u.host);
	check_part(u.database);
	check_part(u.socket);
	if (!maria && (u.user || u.password || u.host || u.database || u.socket || u.port != 0))
		abort();
	uk_dburi_clear(&u);
	free(s);
	return 0;
}
