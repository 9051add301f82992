/*
 * fuzz_dlog.c
 *		libFuzzer target for the deadlock log line parser.
 *
 * Properties checked (abort() on violation): any line that parses formats
 * back to exactly the same bytes, and its strings are within their limits.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "uk_dlog.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char scratch[UK_DLOG_LINE_MAX + 1];
static char line[UK_DLOG_LINE_MAX + 1];
static UkDeadlockRec rec;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *) data;

	if (size > UK_DLOG_LINE_MAX)
		return 0;
	if (uk_dlog_parse(in, size, &rec, scratch, sizeof(scratch)))
	{
		size_t		n = uk_dlog_format(&rec, line, sizeof(line));

		if (n != size + 1 || memcmp(line, in, size) != 0 || line[size] != '\n')
			abort();
		if (strlen(rec.report) > UK_DEADLOCK_REPORT_MAX || rec.n > UK_DEADLOCK_MAX_PARTICIPANTS)
			abort();
		for (size_t i = 0; i < rec.n; i++)
			if (strlen(rec.members[i].patch) > UK_PATCH_NAME_MAX ||
				strlen(rec.members[i].application_name) > UK_APPNAME_MAX)
				abort();
	}
	return 0;
}
