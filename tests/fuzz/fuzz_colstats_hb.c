/*
 * fuzz_colstats_hb.c
 *		libFuzzer target for uk_colstats_eq_sel_json_hb(), the reader of
 *		MariaDB's JSON_HB histograms (mysql.column_stats.histogram).
 *
 * The input is split at its first NUL: the histogram text, then the value
 * looked up (none: NULL).  The call must succeed with a selectivity in
 * 0..1 (0 for a NULL value) or fail with UK_ERR_INVALID or UK_ERR_NOMEM and
 * a message, leaving *sel untouched.  Anything else aborts.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "uk_colstats.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t		len = nul != NULL ? (size_t) (nul - data) : size;
	char	   *value = NULL;
	double		sel = -1;
	UkError    *err = NULL;
	UkStatus	st;

	if (nul != NULL)
	{
		size_t		vlen = size - len - 1;

		value = malloc(vlen + 1);
		if (value == NULL)
			return 0;
		memcpy(value, nul + 1, vlen);
		value[vlen] = '\0';
	}
	st = uk_colstats_eq_sel_json_hb((const char *) data, len, value, 0.1, &sel, &err);
	if (st == UK_OK)
	{
		if (err != NULL || !isfinite(sel) || sel < 0 || sel > 1 ||
			(value == NULL && sel != 0))
			abort();
	}
	else if ((st != UK_ERR_INVALID && st != UK_ERR_NOMEM) || err == NULL ||
			 err->message[0] == '\0' || sel != -1)
		abort();
	uk_error_free(err);
	free(value);
	return 0;
}
