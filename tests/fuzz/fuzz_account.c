/*
 * fuzz_account.c
 *		libFuzzer target for uk_account.h: the account a user names, the
 *		audit event's account string and host patterns.
 *
 * Properties checked (abort() on violation):
 *	- an account that parses (the one reader of accounts, for the plugin
 *	  and the command) formats to text that parses back to the same
 *	  account, both as 'u'@'h' and as `u`@`h`; its parts are usable names
 *	  within their limits;
 *	- a failed parse leaves the account empty and says why;
 *	- the audit split gives NUL-terminated parts within the caps;
 *	- a host always matches itself as a pattern when it holds none of
 *	  % _ \ , and "%" matches anything.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "uk_account.h"
#include "uk_grants.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *) data;
	UkAccount	a;
	UkError    *err = NULL;
	char		u[16],
				h[16],
				ip[16];
	char		text[2 * (sizeof(a.user) + sizeof(a.host)) + 8];
	char	   *z;

	if (uk_account_parse(in, size, &a, &err) == UK_OK)
	{
		UkAccount	back;
		size_t		n = uk_account_format(&a, text, sizeof(text));

		if (err != NULL || n >= sizeof(text) || a.user[0] == '\0' ||
			a.host[0] == '\0' || uk_account_name_problem(a.user, UK_ACCOUNT_USER_MAX) ||
			uk_account_name_problem(a.host, UK_ACCOUNT_HOST_MAX))
			abort();
		if (uk_account_parse(text, n, &back, NULL) != UK_OK ||
			strcmp(back.user, a.user) != 0 || strcmp(back.host, a.host) != 0)
			abort();
		/* written with backticks, as the command writes SQL: the same */
		n = uk_grants_quote_account(a.user, a.host, text, sizeof(text));
		if (n >= sizeof(text) ||
			uk_account_parse(text, n, &back, NULL) != UK_OK ||
			strcmp(back.user, a.user) != 0 || strcmp(back.host, a.host) != 0)
			abort();
		(void) uk_account_is_ephemeral(&a);
	}
	else
	{
		if (err == NULL || a.user[0] != '\0' || a.host[0] != '\0')
			abort();
	}
	uk_error_free(err);

	if (uk_audit_user_split(in, size, u, sizeof(u), h, sizeof(h), ip, sizeof(ip)))
	{
		if (strlen(u) >= sizeof(u) || strlen(h) >= sizeof(h) || strlen(ip) >= sizeof(ip))
			abort();
	}
	else if (u[0] || h[0] || ip[0])
		abort();

	z = malloc(size + 1);
	if (z == NULL)
		return 0;
	memcpy(z, data, size);
	z[size] = '\0';
	if (!uk_host_like("%", z))
		abort();
	if (strpbrk(z, "%_\\") == NULL && !uk_host_like(z, z))
		abort();
	/* the two halves as pattern and host: only that it returns */
	(void) uk_host_like(z, z + size / 2);
	free(z);
	return 0;
}
