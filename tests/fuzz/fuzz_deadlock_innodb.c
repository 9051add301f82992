/*
 * fuzz_deadlock_innodb.c
 *		libFuzzer target for the parser of InnoDB's LATEST DETECTED DEADLOCK
 *		section; the checks are fuzz_deadlock_check.h's.
 */
#include "fuzz_deadlock_check.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_deadlock_parser(data, size, uk_deadlock_parse_innodb);
}
