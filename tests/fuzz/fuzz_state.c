/*
 * fuzz_state.c
 *		libFuzzer target for uk_state_parse().
 *
 * Each input is parsed twice: as it is, and with its checksum line replaced
 * by a correct one, so that mutations reach the field checks behind the
 * checksum.  Whenever a parse succeeds, the state must format back to the
 * very same bytes (a version 1 input formats as version 2: then only the
 * struct must survive) and parse to an identical struct; a failure must be
 * UK_ERR_CORRUPT with a message.  Anything else aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uk_state.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static void
check_parse(const char *buf, size_t len)
{
	UkMaintState st;
	UkMaintState st2;
	UkError    *err = NULL;
	char	   *out = NULL;
	size_t		outlen = 0;
	UkStatus	rc;

	rc = uk_state_parse(buf, len, &st, &err);
	if (rc != UK_OK)
	{
		size_t		mlen;

		if (rc != UK_ERR_CORRUPT || err == NULL || err->code != UK_ERR_CORRUPT)
			abort();
		mlen = strnlen(err->message, sizeof(err->message));
		if (mlen == 0 || mlen == sizeof(err->message) ||
			err->message[mlen - 1] == '.')
			abort();
		uk_error_free(err);
		/* the state is reset to inactive on failure */
		if (st.active || st.window_id != 0)
			abort();
		return;
	}
	if (err != NULL)
		abort();

	/* parse -> format must give back the same bytes ... */
	if (uk_state_format(&st, &out, &outlen, NULL) != UK_OK)
		abort();
	if (len >= 15 && memcmp(buf, "upkeep-state 1\n", 15) == 0)
	{
		/* version 1: rewritten as version 2 with an empty engine_restore */
		if (memcmp(out, "upkeep-state 2\n", 15) != 0 ||
			st.engine_restore[0] != '\0')
			abort();
	}
	else if (outlen != len || memcmp(out, buf, len) != 0)
	{
		fprintf(stderr, "format(parse(x)) != x\n");
		abort();
	}
	/* ... and the same struct */
	if (uk_state_parse(out, outlen, &st2, NULL) != UK_OK ||
		!uk_state_equal(&st, &st2))
		abort();
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *) data;
	size_t		body_len = size;
	size_t		i;
	char	   *fixed;
	uint8_t		sum[UK_SHA256_LEN];

	check_parse(buf, size);

	/* cut at the last "checksum " line, if any, and append a correct one */
	for (i = size; i > 0; i--)
	{
		if ((i - 1 == 0 || buf[i - 2] == '\n') &&
			size - (i - 1) >= 9 && memcmp(buf + i - 1, "checksum ", 9) == 0)
		{
			body_len = i - 1;
			break;
		}
	}
	if (body_len > UK_STATE_FILE_MAX)
		return 0;
	fixed = malloc(body_len + 9 + 2 * UK_SHA256_LEN + 1);
	if (fixed == NULL)
		return 0;
	if (body_len > 0)
		memcpy(fixed, buf, body_len);
	uk_sha256(fixed, body_len, sum);
	memcpy(fixed + body_len, "checksum ", 9);
	for (i = 0; i < UK_SHA256_LEN; i++)
	{
		static const char digits[] = "0123456789abcdef";

		fixed[body_len + 9 + 2 * i] = digits[sum[i] >> 4];
		fixed[body_len + 9 + 2 * i + 1] = digits[sum[i] & 15];
	}
	fixed[body_len + 9 + 2 * UK_SHA256_LEN] = '\n';
	check_parse(fixed, body_len + 9 + 2 * UK_SHA256_LEN + 1);
	free(fixed);
	return 0;
}
