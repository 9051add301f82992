/*
 * uk_deadlock.c
 *		The parsed deadlock structure (UkDeadlock: set-up, appending a
 *		member, freeing) and the text helpers both report parsers share.
 *
 * The module (see uk_deadlock.h) is split by report:
 *		uk_deadlock.c			this file: the result structure, shared helpers
 *		uk_deadlock_pg.c		PostgreSQL's deadlock detail
 *		uk_deadlock_innodb.c	InnoDB's LATEST DETECTED DEADLOCK section
 *		uk_deadlock_pattern.c	the pattern key that groups recurring deadlocks
 * The parsers reach the helpers here through uk_deadlock_int.h; this file
 * calls neither parser.
 *
 * Nothing here allocates more than the report needs, reads past len, or
 * trusts a number it has not range-checked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uk_deadlock.h"
#include "uk_utf8.h"
#include "uk_deadlock_int.h"

/* ---------------------------------------------------------------------- */
/* small text helpers                                                      */
/* ---------------------------------------------------------------------- */

/* First occurrence of needle in hay[0..hlen), or NULL. */
const char *
uk_dl_mem_find(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
	if (nlen == 0)
		return hay;
	while (hlen >= nlen)
	{
		const char *p = memchr(hay, needle[0], hlen - nlen + 1);

		if (p == NULL)
			return NULL;
		if (memcmp(p, needle, nlen) == 0)
			return p;
		hlen -= (size_t) (p - hay) + 1;
		hay = p + 1;
	}
	return NULL;
}

/* Last occurrence of needle in hay[0..hlen), or NULL. */
const char *
uk_dl_mem_find_last(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
	size_t		i;

	if (nlen == 0 || hlen < nlen)
		return NULL;
	for (i = hlen - nlen + 1; i > 0; i--)
	{
		if (hay[i - 1] == needle[0] && memcmp(hay + i - 1, needle, nlen) == 0)
			return hay + i - 1;
	}
	return NULL;
}

bool
uk_dl_starts_with(const char *s, size_t len, const char *lit)
{
	size_t		n = strlen(lit);

	return len >= n && memcmp(s, lit, n) == 0;
}

/* Length of the line at s (without its '\n'). */
size_t
uk_dl_line_len(const char *s, size_t len)
{
	const char *nl = memchr(s, '\n', len);

	return nl != NULL ? (size_t) (nl - s) : len;
}

/*
 * Read an unsigned decimal at s[*pos] (at least one digit, no more than
 * max); advances *pos.
 */
bool
uk_dl_read_uint(const char *s, size_t len, size_t *pos, uint64_t max, uint64_t *out)
{
	uint64_t	v = 0;
	size_t		i = *pos;

	if (i >= len || s[i] < '0' || s[i] > '9')
		return false;
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
	{
		unsigned	d = (unsigned) (s[i] - '0');

		if (v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*pos = i;
	*out = v;
	return true;
}

/* A malloc'd NUL-terminated copy of s[0..len) cut to max bytes; NULL on OOM. */
static char *
dup_cut(const char *s, size_t len, size_t max)
{
	char	   *d;

	len = uk_utf8_cut(s, len, max);
	d = malloc(len + 1);
	if (d == NULL)
		return NULL;
	if (len > 0)
		memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

/* Copy s[0..len) into a fixed field of cap bytes (cap - 1 usable). */
void
uk_dl_copy_fixed(char *dst, size_t cap, const char *s, size_t len)
{
	len = uk_utf8_cut(s, len, cap - 1);
	if (len > 0)
		memcpy(dst, s, len);
	dst[len] = '\0';
}

/* Replace *field by a copy of s[0..len); false on OOM. */
bool
uk_dl_set_text(char **field, const char *s, size_t len, size_t max)
{
	char	   *d = dup_cut(s, len, max);

	if (d == NULL)
		return false;
	free(*field);
	*field = d;
	return true;
}

/* ---------------------------------------------------------------------- */
/* the result structure                                                    */
/* ---------------------------------------------------------------------- */

static void
participant_free(UkDeadlockParticipant *p)
{
	free(p->table_name);
	free(p->index_name);
	free(p->username);
	free(p->host);
	free(p->query);
	p->table_name = p->index_name = p->username = p->host = p->query = NULL;
}

void
uk_deadlock_free(UkDeadlock *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->n; i++)
		participant_free(&d->participants[i]);
	free(d->participants);
	free(d->detected_at);
	memset(d, 0, sizeof(*d));
	d->victim = -1;
}

/* Set up *d for parsing; false on OOM. */
bool
uk_dl_deadlock_init(UkDeadlock *d)
{
	memset(d, 0, sizeof(*d));
	d->victim = -1;
	d->participants = calloc(UK_DEADLOCK_MAX_PARTICIPANTS,
							 sizeof(UkDeadlockParticipant));
	d->detected_at = dup_cut("", 0, 0);
	return d->participants != NULL && d->detected_at != NULL;
}

/* Append a participant with empty strings; NULL when full or on OOM. */
UkDeadlockParticipant *
uk_dl_deadlock_add(UkDeadlock *d, bool *oom)
{
	UkDeadlockParticipant *p;

	*oom = false;
	if (d->n >= UK_DEADLOCK_MAX_PARTICIPANTS)
		return NULL;
	p = &d->participants[d->n];
	memset(p, 0, sizeof(*p));
	p->table_name = dup_cut("", 0, 0);
	p->index_name = dup_cut("", 0, 0);
	p->username = dup_cut("", 0, 0);
	p->host = dup_cut("", 0, 0);
	p->query = dup_cut("", 0, 0);
	if (p->table_name == NULL || p->index_name == NULL ||
		p->username == NULL || p->host == NULL || p->query == NULL)
	{
		participant_free(p);
		*oom = true;
		return NULL;
	}
	d->n++;
	return p;
}

/* Free what was parsed and return an error. */
UkStatus
uk_dl_deadlock_fail(UkDeadlock *d, UkError **err, UkStatus code, const char *msg)
{
	uk_deadlock_free(d);
	return uk_error_set(err, code, 0, "%s", msg);
}

const char *
uk_lock_target_kind_name(UkLockTargetKind k)
{
	switch (k)
	{
		case UK_LOCK_RELATION:
			return "relation";
		case UK_LOCK_EXTEND:
			return "extend";
		case UK_LOCK_PAGE:
			return "page";
		case UK_LOCK_TUPLE:
			return "tuple";
		case UK_LOCK_TRANSACTION:
			return "transaction";
		case UK_LOCK_VIRTUAL_TRANSACTION:
			return "virtual transaction";
		case UK_LOCK_OBJECT:
			return "object";
		case UK_LOCK_ADVISORY:
			return "advisory";
		case UK_LOCK_RECORD:
			return "record";
		case UK_LOCK_OTHER:
			break;
	}
	return "other";
}
