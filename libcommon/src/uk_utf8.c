/*
 * uk_utf8.c
 *		UTF-8 cutting: shorten text to a byte limit without splitting a
 *		multi-byte sequence.
 *
 * Below both the one-line record framing (uk_line.c) and the record kinds
 * that use it (uk_patch.c, uk_deadlock_*.c, uk_stmt_*.c), so that none of
 * them depends on another for it.  The strict UTF-8 checker and scrubber
 * (uk_utf8_valid, uk_utf8_scrub) live with the input validation in
 * uk_validate.c, which shares their decoder.
 */
#include "uk_utf8.h"

size_t
uk_utf8_cut(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	len = max;
	/* step back over continuation bytes to the start of a sequence */
	while (len > 0 && ((unsigned char) s[len] & 0xc0) == 0x80)
		len--;
	return len;
}
