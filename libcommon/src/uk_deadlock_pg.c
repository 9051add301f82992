/*
 * uk_deadlock_pg.c
 *		Parser for PostgreSQL's deadlock report (the detail of SQLSTATE
 *		40P01), see uk_deadlock.h.
 *
 * PostgreSQL 15 (DeadLockReport() in deadlock.c, DescribeLockTag() in
 * lmgr.c) writes one line per cycle member,
 *
 *		Process P waits for MODE on TARGET; blocked by process Q.
 *
 * joined by "\n", where Q is the next member (the last one waits for the
 * first); the server-log variant then adds "\nProcess P: QUERY" for every
 * member in the same order.  A query is free text: it may hold newlines
 * and even "\nProcess N: ".  The queries are therefore split from the end:
 * the last member's query starts after the last "\nProcess <its pid>: ",
 * the one before it after the last "\nProcess <its pid>: " before that,
 * and so on; only the known pids of the members count as separators.
 *
 * Nothing here allocates more than the report needs, reads past len, or
 * trusts a number it has not range-checked.  The result structure and the
 * text helpers are uk_deadlock.c's (uk_deadlock_int.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uk_deadlock.h"
#include "uk_deadlock_int.h"

/*
 * Match s[0..len) exactly against fmt, where "%u" is an unsigned 32-bit
 * decimal and "%d" a signed 32-bit one, and every other byte stands for
 * itself.  The numbers go into vals (at most 4).
 */
static bool
scan_exact(const char *s, size_t len, const char *fmt, int64_t *vals)
{
	size_t		pos = 0;
	int			nv = 0;

	for (; *fmt != '\0'; fmt++)
	{
		if (fmt[0] == '%' && (fmt[1] == 'u' || fmt[1] == 'd'))
		{
			bool		neg = false;
			uint64_t	v;

			if (nv >= 4)
				return false;
			if (fmt[1] == 'd' && pos < len && s[pos] == '-')
			{
				neg = true;
				pos++;
			}
			if (!uk_dl_read_uint(s, len, &pos, neg || fmt[1] == 'd' ? UINT64_C(2147483648) : UINT32_MAX, &v))
				return false;
			if (fmt[1] == 'd' && !neg && v > INT32_MAX)
				return false;
			vals[nv++] = neg ? -(int64_t) v : (int64_t) v;
			fmt++;
			continue;
		}
		if (pos >= len || s[pos] != *fmt)
			return false;
		pos++;
	}
	return pos == len;
}
/* Fill the target fields of p from a DescribeLockTag() text. */
static void
pg_parse_target(UkDeadlockParticipant *p, const char *t, size_t len)
{
	int64_t		v[4] = {0, 0, 0, 0};

	uk_dl_copy_fixed(p->lock_target, sizeof(p->lock_target), t, len);
	p->target_kind = UK_LOCK_OTHER;
	if (scan_exact(t, len, "relation %u of database %u", v))
	{
		p->target_kind = UK_LOCK_RELATION;
		p->relation_oid = (uint32_t) v[0];
		p->database_oid = (uint32_t) v[1];
	}
	else if (scan_exact(t, len, "extension of relation %u of database %u", v))
	{
		p->target_kind = UK_LOCK_EXTEND;
		p->relation_oid = (uint32_t) v[0];
		p->database_oid = (uint32_t) v[1];
	}
	else if (scan_exact(t, len, "page %u of relation %u of database %u", v))
	{
		p->target_kind = UK_LOCK_PAGE;
		p->relation_oid = (uint32_t) v[1];
		p->database_oid = (uint32_t) v[2];
	}
	else if (scan_exact(t, len, "tuple (%u,%u) of relation %u of database %u", v))
	{
		p->target_kind = UK_LOCK_TUPLE;
		p->relation_oid = (uint32_t) v[2];
		p->database_oid = (uint32_t) v[3];
	}
	else if (scan_exact(t, len, "transaction %u", v))
	{
		p->target_kind = UK_LOCK_TRANSACTION;
		p->transaction_id = (uint64_t) v[0];
	}
	else if (scan_exact(t, len, "virtual transaction %d/%u", v))
		p->target_kind = UK_LOCK_VIRTUAL_TRANSACTION;
	else if (scan_exact(t, len, "speculative token %u of transaction %u", v))
	{
		/* waiting for another transaction's speculative insertion */
		p->target_kind = UK_LOCK_TRANSACTION;
		p->transaction_id = (uint64_t) v[1];
	}
	else if (scan_exact(t, len, "object %u of class %u of database %u", v))
	{
		p->target_kind = UK_LOCK_OBJECT;
		p->database_oid = (uint32_t) v[2];
	}
	else if (scan_exact(t, len, "advisory lock [%u,%u,%u,%u]", v))
	{
		p->target_kind = UK_LOCK_ADVISORY;
		p->database_oid = (uint32_t) v[0];
	}
	else if (scan_exact(t, len, "user lock [%u,%u,%u]", v))
	{
		p->target_kind = UK_LOCK_ADVISORY;
		p->database_oid = (uint32_t) v[0];
	}
	else if (scan_exact(t, len, "pg_database.datfrozenxid of database %u", v))
		p->database_oid = (uint32_t) v[0];
	else if (scan_exact(t, len, "remote transaction %u of subscription %u of database %u", v))
	{
		p->transaction_id = (uint64_t) v[0];
		p->database_oid = (uint32_t) v[2];
	}
	/* anything else ("unrecognized locktag type N", ...) stays OTHER */
}

/*
 * Parse one "Process P waits for MODE on TARGET; blocked by process Q."
 * line into p (which is zeroed with empty strings); false if it is not one.
 */
static bool
pg_parse_wait_line(const char *s, size_t len, UkDeadlockParticipant *p)
{
	static const char blocked[] = "; blocked by process ";
	size_t		pos = 0;
	uint64_t	pid,
				next;
	const char *mode,
			   *on,
			   *b;
	size_t		rest;

	if (!uk_dl_starts_with(s, len, "Process "))
		return false;
	pos = 8;
	if (!uk_dl_read_uint(s, len, &pos, INT64_MAX, &pid))
		return false;
	if (!uk_dl_starts_with(s + pos, len - pos, " waits for "))
		return false;
	pos += 11;
	mode = s + pos;
	rest = len - pos;
	on = uk_dl_mem_find(mode, rest, " on ", 4);
	if (on == NULL || on == mode)
		return false;
	b = uk_dl_mem_find_last(on, len - (size_t) (on - s), blocked, sizeof(blocked) - 1);
	if (b == NULL || b < on + 4)
		return false;
	pos = (size_t) (b - s) + sizeof(blocked) - 1;
	if (!uk_dl_read_uint(s, len, &pos, INT64_MAX, &next))
		return false;
	if (pos + 1 != len || s[pos] != '.')
		return false;

	p->pid = (int64_t) pid;
	p->blocked_by = (int64_t) next;
	uk_dl_copy_fixed(p->lock_mode, sizeof(p->lock_mode), mode, (size_t) (on - mode));
	pg_parse_target(p, on + 4, (size_t) (b - on) - 4);
	return true;
}

UkStatus
uk_deadlock_parse_pg(const char *detail, size_t len, int64_t victim_pid,
					 UkDeadlock *out, UkError **err)
{
	size_t		pos = 0;
	bool		oom;
	char		hdr[64];
	size_t		hlen;
	size_t		qstart,
				end;

	if (!uk_dl_deadlock_init(out))
		return uk_dl_deadlock_fail(out, err, UK_ERR_NOMEM, "out of memory");
	if (detail == NULL)
		len = 0;

	/* the "waits for" lines */
	while (pos < len)
	{
		size_t		ll = uk_dl_line_len(detail + pos, len - pos);
		UkDeadlockParticipant tmp;
		UkDeadlockParticipant *p;

		memset(&tmp, 0, sizeof(tmp));
		if (!pg_parse_wait_line(detail + pos, ll, &tmp))
			break;
		p = uk_dl_deadlock_add(out, &oom);
		if (oom)
			return uk_dl_deadlock_fail(out, err, UK_ERR_NOMEM, "out of memory");
		if (p == NULL)
		{
			out->incomplete = true; /* more members than we keep */
			break;
		}
		p->pid = tmp.pid;
		p->blocked_by = tmp.blocked_by;
		memcpy(p->lock_mode, tmp.lock_mode, sizeof(p->lock_mode));
		memcpy(p->lock_target, tmp.lock_target, sizeof(p->lock_target));
		p->target_kind = tmp.target_kind;
		p->relation_oid = tmp.relation_oid;
		p->database_oid = tmp.database_oid;
		p->transaction_id = tmp.transaction_id;
		pos += ll;
		if (pos < len)
			pos++;				/* the '\n' */
	}
	if (out->n == 0)
		return uk_dl_deadlock_fail(out, err, UK_ERR_INVALID,
							 "no deadlock member could be read from the report");

	/* each member is blocked by the next, the last by the first */
	for (size_t i = 0; i < out->n; i++)
	{
		int64_t		want = out->participants[(i + 1) % out->n].pid;

		if (out->participants[i].blocked_by != want)
			out->incomplete = true;
	}
	if (out->n < 2)
		out->incomplete = true;

	for (size_t i = 0; i < out->n; i++)
	{
		if (out->participants[i].pid == victim_pid && out->victim < 0)
		{
			out->victim = (int) i;
			out->participants[i].is_victim = true;
		}
	}

	/*
	 * The queries (errdetail_log form only).  Anything else after the lines
	 * (a line cut short, a member beyond the limit) makes the report
	 * incomplete.
	 */
	if (pos >= len)
	{
		/* errdetail ends without a newline: one here was cut after it */
		if (detail[len - 1] == '\n')
			out->incomplete = true;
		return UK_OK;
	}
	hlen = (size_t) snprintf(hdr, sizeof(hdr), "Process %lld: ",
							 (long long) out->participants[0].pid);
	if (!uk_dl_starts_with(detail + pos, len - pos, hdr))
	{
		out->incomplete = true;
		return UK_OK;
	}
	qstart = pos + hlen;
	end = len;
	for (size_t i = out->n - 1; i > 0; i--)
	{
		const char *sep;

		hlen = (size_t) snprintf(hdr, sizeof(hdr), "\nProcess %lld: ",
								 (long long) out->participants[i].pid);
		sep = uk_dl_mem_find_last(detail + qstart, end - qstart, hdr, hlen);
		if (sep == NULL)
		{
			/* cut before this member's query: keep the ones found */
			out->incomplete = true;
			continue;
		}
		if (!uk_dl_set_text(&out->participants[i].query, sep + hlen,
					  end - (size_t) (sep - detail) - hlen, UK_DEADLOCK_QUERY_MAX))
			return uk_dl_deadlock_fail(out, err, UK_ERR_NOMEM, "out of memory");
		end = (size_t) (sep - detail);
	}
	if (!uk_dl_set_text(&out->participants[0].query, detail + qstart, end - qstart,
				  UK_DEADLOCK_QUERY_MAX))
		return uk_dl_deadlock_fail(out, err, UK_ERR_NOMEM, "out of memory");
	return UK_OK;
}
