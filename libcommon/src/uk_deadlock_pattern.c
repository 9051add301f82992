/*
 * uk_deadlock_pattern.c
 *		The pattern key that groups recurring deadlocks: the distinct
 *		tables and the sorted statement shapes of the members (see
 *		uk_deadlock_pattern_key() in uk_deadlock.h).
 *
 * Works on a parsed UkDeadlock of either engine; the statement shapes come
 * from uk_stmt_normalize() in the report's dialect.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uk_deadlock.h"
#include "uk_stmt.h"
#include "uk_utf8.h"

/* bytes of the statement shape of one member inside a pattern key */
#define UK_DEADLOCK_SHAPE_MAX 1024

/* ---------------------------------------------------------------------- */
/* pattern key                                                             */
/* ---------------------------------------------------------------------- */

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *) a, *(const char *const *) b);
}

size_t
uk_deadlock_pattern_key(const UkDeadlock *d, const char *const *table_names,
						char *out, size_t cap)
{
	const char *tables[UK_DEADLOCK_MAX_PARTICIPANTS];
	char		oidnames[UK_DEADLOCK_MAX_PARTICIPANTS][24];
	char	   *shapes[UK_DEADLOCK_MAX_PARTICIPANTS];
	size_t		nt = 0,
				ns = 0,
				n;
	char	   *buf;
	size_t		blen = 0,
				bcap;

	if (cap == 0)
		return 0;
	out[0] = '\0';
	if (d == NULL || d->participants == NULL)
		return 0;
	n = d->n < UK_DEADLOCK_MAX_PARTICIPANTS ? d->n : UK_DEADLOCK_MAX_PARTICIPANTS;

	for (size_t i = 0; i < n; i++)
	{
		const UkDeadlockParticipant *p = &d->participants[i];
		const char *name = table_names != NULL ? table_names[i] : NULL;

		if (name == NULL || name[0] == '\0')
			name = p->table_name;
		if ((name == NULL || name[0] == '\0') && p->relation_oid != 0 &&
			(p->target_kind == UK_LOCK_RELATION || p->target_kind == UK_LOCK_EXTEND ||
			 p->target_kind == UK_LOCK_PAGE || p->target_kind == UK_LOCK_TUPLE))
		{
			snprintf(oidnames[i], sizeof(oidnames[i]), "rel:%u",
					 (unsigned) p->relation_oid);
			name = oidnames[i];
		}
		if (name != NULL && name[0] != '\0')
			tables[nt++] = name;
	}
	qsort(tables, nt, sizeof(tables[0]), cmp_str);

	for (size_t i = 0; i < n; i++)
	{
		const char *q = d->participants[i].query;
		size_t		sl;

		if (q == NULL || q[0] == '\0')
			continue;
		shapes[ns] = malloc(UK_DEADLOCK_SHAPE_MAX);
		if (shapes[ns] == NULL)
			goto done;
		sl = uk_stmt_normalize(q, strlen(q), d->dialect, shapes[ns],
							   UK_DEADLOCK_SHAPE_MAX);
		for (size_t k = 0; k < sl; k++)
		{
			if (shapes[ns][k] == '\n' || shapes[ns][k] == '\r' || shapes[ns][k] == '\t')
				shapes[ns][k] = ' ';
		}
		ns++;
	}
	qsort(shapes, ns, sizeof(shapes[0]), cmp_str);

	/* "t1,t2 | shape1 | shape2" */
	bcap = 1;
	for (size_t i = 0; i < nt; i++)
		bcap += strlen(tables[i]) + 1;
	for (size_t i = 0; i < ns; i++)
		bcap += strlen(shapes[i]) + 3;
	buf = malloc(bcap);
	if (buf != NULL)
	{
		for (size_t i = 0; i < nt; i++)
		{
			size_t		l = strlen(tables[i]);

			if (i > 0 && strcmp(tables[i], tables[i - 1]) == 0)
				continue;		/* distinct */
			if (blen > 0)
				buf[blen++] = ',';
			memcpy(buf + blen, tables[i], l);
			blen += l;
		}
		for (size_t i = 0; i < ns; i++)
		{
			size_t		l = strlen(shapes[i]);

			memcpy(buf + blen, " | ", 3);
			blen += 3;
			memcpy(buf + blen, shapes[i], l);
			blen += l;
		}
		/* one line: no newline from a table name either */
		for (size_t i = 0; i < blen; i++)
		{
			if (buf[i] == '\n' || buf[i] == '\r')
				buf[i] = ' ';
		}
		blen = uk_utf8_cut(buf, blen, cap - 1);
		memcpy(out, buf, blen);
		out[blen] = '\0';
		free(buf);
	}

done:
	for (size_t i = 0; i < ns; i++)
		free(shapes[i]);
	return blen;
}
