/*
 * fuzz_winlog.c
 *		libFuzzer target for uk_winlog_parse().
 *
 * Whenever a parse succeeds, the list must format, parse back to an
 * identical list with no skipped lines, and format to the same bytes again.
 * If no line was skipped and the input ends with a newline, formatting must
 * reproduce the input exactly.  A failure must be UK_ERR_CORRUPT with a
 * message.  Anything else aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uk_winlog.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *) data;
	UkWindowList list;
	UkWindowList list2;
	UkError    *err = NULL;
	char	   *out = NULL;
	char	   *out2 = NULL;
	size_t		outlen = 0;
	size_t		outlen2 = 0;
	size_t		i;
	UkStatus	rc;

	rc = uk_winlog_parse(buf, size, &list, &err);
	if (rc != UK_OK)
	{
		if (rc != UK_ERR_CORRUPT || err == NULL || err->message[0] == '\0' ||
			list.items != NULL || list.n != 0)
			abort();
		uk_error_free(err);
		return 0;
	}
	if (err != NULL)
		abort();

	if (uk_winlog_format(&list, &out, &outlen, NULL) != UK_OK)
		abort();
	if (list.skipped_lines == 0 && size > 0 && buf[size - 1] == '\n' &&
		(outlen != size || memcmp(out, buf, size) != 0))
	{
		fprintf(stderr, "format(parse(x)) != x\n");
		abort();
	}
	if (uk_winlog_parse(out, outlen, &list2, NULL) != UK_OK ||
		list2.n != list.n || list2.skipped_lines != 0)
		abort();
	for (i = 0; i < list.n; i++)
		if (!uk_window_equal(&list.items[i], &list2.items[i]))
			abort();
	if (uk_winlog_format(&list2, &out2, &outlen2, NULL) != UK_OK ||
		outlen2 != outlen || memcmp(out, out2, outlen) != 0)
		abort();

	free(out);
	free(out2);
	uk_winlog_list_free(&list);
	uk_winlog_list_free(&list2);
	return 0;
}
