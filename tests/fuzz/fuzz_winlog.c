/*
 * fuzz_winlog.c
 *		libFuzzer target for uk_winlog_parse().
 *
 * Whenever a parse succeeds, the list must format, parse back to an
 * identical list with no skipped lines, and format to the same bytes again.
 * If no line was skipped and the input ends with a newline, formatting must
 * reproduce the input exactly, but for a line of the older format (13
 * fields, no unattributed_statements), which gains "\t0".  A failure must be
 * UK_ERR_CORRUPT with a message.  Anything else aborts.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uk_winlog.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The input as the formatter writes it back: each record line of 13 fields
 * gets "\t0" (unattributed_statements) before its newline.  malloc'd.
 */
static char *
upgraded(const char *buf, size_t size, size_t *len)
{
	char	   *out = malloc(size + size / 2 + 8);
	size_t		n = 0;
	size_t		start = 0;
	bool		header = true;

	if (out == NULL)
		abort();
	for (size_t i = 0; i < size; i++)
	{
		if (buf[i] != '\n')
			continue;
		memcpy(out + n, buf + start, i - start);
		n += i - start;
		if (!header)
		{
			size_t		tabs = 0;

			for (size_t k = start; k < i; k++)
				tabs += buf[k] == '\t';
			if (tabs == 12)
			{
				memcpy(out + n, "\t0", 2);
				n += 2;
			}
		}
		out[n++] = '\n';
		header = false;
		start = i + 1;
	}
	*len = n;
	return out;
}


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
	if (list.skipped_lines == 0 && size > 0 && buf[size - 1] == '\n')
	{
		size_t		wantlen;
		char	   *want = upgraded(buf, size, &wantlen);

		if (outlen != wantlen || memcmp(out, want, wantlen) != 0)
		{
			fprintf(stderr, "format(parse(x)) != x (old lines with \\t0)\n");
			abort();
		}
		free(want);
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
