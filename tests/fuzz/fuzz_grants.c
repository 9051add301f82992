/*
 * fuzz_grants.c
 *		libFuzzer target for uk_grants.h.
 *
 * The input's first line is rewritten for a fixed account.  On success the
 * statement must be NUL-terminated, hold no control character (and no ';'
 * unless the line had one, inside quotes), name the new account, and (but for
 * PROXY lines, whose raw layout is not what the rewrite writes) rewrite to
 * itself again.  A failure must be UK_ERR_INVALID with a message and an
 * empty output.  (Account names are read by uk_account_parse(), whose
 * target is fuzz_account.c.)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uk_grants.h"
#include "uk_validate.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NEW_ACCOUNT "`upkeep_run_fuzz`@`local``host`"

static void
check_rewrite(const char *line)
{
	char		out[8192];
	char		again[8192];
	UkError    *err = NULL;
	int			rc = uk_grants_rewrite(line, "upkeep_run_fuzz", "local`host", out,
									   sizeof(out), &err);
	const char *p;

	if (rc != UK_OK)
	{
		if (rc != UK_ERR_INVALID || err == NULL || err->message[0] == '\0' ||
			out[0] != '\0')
			abort();
		uk_error_free(err);
		return;
	}
	if (err != NULL || memchr(out, '\0', sizeof(out)) == NULL)
		abort();
	for (p = out; *p; p++)
		if ((unsigned char) *p < 0x20 && *p != '\t')
			abort();
	if (strchr(out, ';') != NULL && strchr(line, ';') == NULL)
		abort();
	if (strstr(out, NEW_ACCOUNT) == NULL)
		abort();
	if (strncmp(out, "GRANT PROXY", 11) == 0)
		return;
	if (uk_grants_rewrite(out, "upkeep_run_fuzz", "local`host", again,
						  sizeof(again), NULL) != UK_OK ||
		strcmp(out, again) != 0)
	{
		fprintf(stderr, "not stable:\n%s\n%s\n", out, again);
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *s = malloc(size + 1);
	char	   *nl;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	nl = strchr(s, '\n');
	if (nl != NULL)
		*nl = '\0';
	check_rewrite(s);
	free(s);
	return 0;
}
