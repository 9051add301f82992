/*
 * fuzz_escape.c
 *		libFuzzer target for uk_escape() / uk_unescape(), and the reason
 *		and UTF-8 validators that see the same kind of user text.
 *
 * Properties checked (abort() on violation):
 *	- unescape(escape(s)) == s for any NUL-free s;
 *	- escape() with a small buffer writes a NUL-terminated prefix of the
 *	  full result and returns the full length;
 *	- when unescape(x) succeeds, escape() of the result is x again (only
 *	  the canonical form is accepted) and the result fits the buffer;
 *	- a reason that uk_reason_validate() accepts is valid UTF-8, not
 *	  empty, and at most UK_REASON_MAX bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "uk_state.h"
#include "uk_validate.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *) data;
	char	   *s;
	char	   *esc;
	char	   *back;
	size_t		slen;
	size_t		n;
	size_t		cap;

	/* the input up to its first NUL, as a C string */
	s = malloc(size + 1);
	if (s == NULL)
		return 0;
	if (size > 0)
		memcpy(s, in, size);
	s[size] = '\0';
	slen = strlen(s);

	/* escape, then unescape into a buffer of exactly the right size */
	n = uk_escape(s, NULL, 0);
	esc = malloc(n + 1);
	back = malloc(slen + 1);
	if (esc == NULL || back == NULL)
		abort();
	if (uk_escape(s, esc, n + 1) != n || strlen(esc) != n)
		abort();
	if (!uk_unescape(esc, n, back, slen + 1) || strcmp(back, s) != 0)
		abort();
	if (slen > 0 && uk_unescape(esc, n, back, slen))
		abort();				/* must not fit without room for the NUL */

	/* a cut escape is a prefix and reports the full length */
	cap = size > 0 ? (size_t) (data[0] % 16) : 0;
	if (cap > 0)
	{
		char		small[16];

		if (uk_escape(s, small, cap) != n)
			abort();
		if (strlen(small) != (n < cap - 1 ? n : cap - 1) ||
			memcmp(small, esc, strlen(small)) != 0)
			abort();
	}
	free(esc);
	free(back);

	/* the raw input as escaped text: accepted only in canonical form */
	back = malloc(size + 1);
	if (back == NULL)
		abort();
	if (uk_unescape(in, size, back, size + 1))
	{
		size_t		blen = strlen(back);

		if (blen > size)
			abort();
		n = uk_escape(back, NULL, 0);
		esc = malloc(n + 1);
		if (esc == NULL)
			abort();
		uk_escape(back, esc, n + 1);
		if (n != size || memcmp(esc, in, size) != 0)
			abort();
		free(esc);
	}
	free(back);

	/* reasons */
	if (uk_reason_validate(s, NULL) == UK_OK)
	{
		if (slen == 0 || slen > UK_REASON_MAX || !uk_utf8_valid(s, slen))
			abort();
	}
	free(s);
	return 0;
}
