/*
 * fuzz_deadlock_check.h
 *		What the two deadlock parser fuzz targets check, for any bytes:
 *	- no crash, no read past the input (the buffer has exactly its size);
 *	- on success: n <= UK_DEADLOCK_MAX_PARTICIPANTS, the victim index is -1
 *	  or a member that has is_victim, and only that one; every string is
 *	  present, NUL-terminated and within its limit;
 *	- on failure: an error is returned and the result is empty;
 *	- the pattern key fits its buffer for any cap;
 *	- the input cut at any point (a few points per input) parses or fails
 *	  by the same rules.
 * Violations abort().
 */
#ifndef FUZZ_DEADLOCK_CHECK_H
#define FUZZ_DEADLOCK_CHECK_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "uk_deadlock.h"

typedef UkStatus (*fuzz_deadlock_parse) (const char *in, size_t len,
										 UkDeadlock *out, UkError **err);

static void
check_one(const char *in, size_t size, fuzz_deadlock_parse parse)
{
	UkDeadlock	dl;
	UkDeadlock *d = &dl;
	UkError    *err = NULL;
	UkStatus	st = parse(in, size, d, &err);
	char		key[UK_DEADLOCK_KEY_MAX];
	size_t		cap;
	size_t		n;
	int			victims = 0;

	if (st != UK_OK)
	{
		if (err == NULL || d->n != 0 || d->participants != NULL)
			abort();
		uk_error_free(err);
		uk_deadlock_free(d);
		return;
	}
	if (d->n == 0 || d->n > UK_DEADLOCK_MAX_PARTICIPANTS || d->detected_at == NULL)
		abort();
	if (d->victim < -1 || d->victim >= (int) d->n)
		abort();
	if (strlen(d->detected_at) > 19)
		abort();
	for (size_t i = 0; i < d->n; i++)
	{
		const UkDeadlockParticipant *p = &d->participants[i];

		if (memchr(p->lock_mode, '\0', sizeof(p->lock_mode)) == NULL ||
			memchr(p->lock_target, '\0', sizeof(p->lock_target)) == NULL)
			abort();
		if (p->table_name == NULL || p->index_name == NULL || p->username == NULL ||
			p->host == NULL || p->query == NULL)
			abort();
		if (strlen(p->table_name) > UK_DEADLOCK_NAME_MAX ||
			strlen(p->index_name) > UK_DEADLOCK_NAME_MAX ||
			strlen(p->username) > UK_DEADLOCK_NAME_MAX ||
			strlen(p->host) > UK_DEADLOCK_NAME_MAX ||
			strlen(p->query) > UK_DEADLOCK_QUERY_MAX)
			abort();
		if (p->is_victim)
		{
			victims++;
			if ((int) i != d->victim)
				abort();
		}
	}
	if (victims != (d->victim >= 0 ? 1 : 0))
		abort();

	cap = size > 1 ? 1 + (unsigned char) in[1] % sizeof(key) : sizeof(key);
	memset(key, 'x', sizeof(key));
	n = uk_deadlock_pattern_key(d, NULL, key, cap);
	if (n >= cap || strlen(key) != n)
		abort();
	n = uk_deadlock_pattern_key(d, NULL, key, sizeof(key));
	if (n >= sizeof(key) || strlen(key) != n)
		abort();
	uk_deadlock_free(d);
}

/* Check the input, then the same report cut at a few points. */
static int
fuzz_deadlock_parser(const uint8_t *data, size_t size, fuzz_deadlock_parse parse)
{
	const char *in = (const char *) data;

	check_one(in, size, parse);

	/* the same report cut at a few points, each in a buffer of its size */
	for (int k = 1; k <= 3 && size > 0; k++)
	{
		size_t		cut = (size * (size_t) k) / 4 + (size > 2 ? data[size / 2] % 3 : 0);
		char	   *part;

		if (cut >= size)
			continue;
		part = malloc(cut > 0 ? cut : 1);
		if (part == NULL)
			abort();
		memcpy(part, in, cut);
		check_one(part, cut, parse);
		free(part);
	}
	return 0;
}

#endif							/* FUZZ_DEADLOCK_CHECK_H */
