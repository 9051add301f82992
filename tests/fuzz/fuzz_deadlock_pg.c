/*
 * fuzz_deadlock_pg.c
 *		libFuzzer target for the parser of PostgreSQL deadlock details
 *		(errdetail and errdetail_log); the checks are fuzz_deadlock_check.h's.
 */
#include "fuzz_deadlock_check.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The first byte chooses the victim's pid. */
static UkStatus
parse_pg(const char *in, size_t len, UkDeadlock *out, UkError **err)
{
	int64_t		victim = len > 0 ? (int64_t) (unsigned char) in[0] : 0;

	return uk_deadlock_parse_pg(in, len, victim, out, err);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_deadlock_parser(data, size, parse_pg);
}
