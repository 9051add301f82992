/*
 * uk_deadlock_innodb.c
 *		Parser for InnoDB's LATEST DETECTED DEADLOCK section of SHOW ENGINE
 *		INNODB STATUS, see uk_deadlock.h.
 *
 * InnoDB (MariaDB 10.6 and later, Deadlock::report() in lock0lock.cc)
 * writes, after a timestamp line, for each member l = 1, 2, ...
 *
 *		*** (l) TRANSACTION:
 *		TRANSACTION <trx id>, ACTIVE <n> sec <operation>
 *		[mysql tables in use N, locked N]
 *		[LOCK WAIT] N lock struct(s), heap size N, N row lock(s)[, undo log entries N]
 *		MariaDB thread id T, OS thread handle H, query id Q <host> [<ip>] <user> <state>
 *		<query, at most about 3000 bytes, may span lines>
 *		*** WAITING FOR THIS LOCK TO BE GRANTED:
 *		RECORD LOCKS space id S page no P n bits B index I of table `d`.`t` trx id <trx id> lock_mode X locks rec but not gap waiting
 *		  (or TABLE LOCK table `d`.`t` trx id <trx id> lock mode AUTO-INC waiting)
 *		<record dump>
 *		*** CONFLICTING WITH:
 *		<locks granted on that record or table, with record dumps>
 *
 * and finally "*** WE ROLL BACK TRANSACTION (l)".  The members are printed
 * in cycle order: member l waits for member l + 1 and the last for the
 * first, which gives blocked_by.  Only the query can hold arbitrary text
 * (record dumps print unprintable bytes as spaces), so the end of a query
 * is the "*** WAITING FOR THIS LOCK TO BE GRANTED:" line that is followed
 * by a lock line of the member's own transaction id.
 *
 * Nothing here allocates more than the report needs, reads past len, or
 * trusts a number it has not range-checked.  The result structure and the
 * text helpers are uk_deadlock.c's (uk_deadlock_int.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uk_deadlock.h"
#include "uk_utf8.h"
#include "uk_deadlock_int.h"

/*
 * Length of s[0..len) without an incomplete UTF-8 sequence at its end
 * (InnoDB cuts long queries at a byte count).
 */
static size_t
utf8_trim_partial(const char *s, size_t len)
{
	size_t		back;

	for (back = 1; back <= 3 && back <= len; back++)
	{
		unsigned char c = (unsigned char) s[len - back];
		size_t		need;

		if ((c & 0xc0) == 0x80)
			continue;			/* a continuation byte: look further back */
		if (c < 0x80)
			return len;
		need = (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 :
			(c & 0xf8) == 0xf0 ? 4 : 1;
		return back < need ? len - back : len;
	}
	return len;
}
static const char innodb_waiting[] = "\n*** WAITING FOR THIS LOCK TO BE GRANTED:\n";

/*
 * Unquote a table name as ut_print_name() writes it: `db`.`table` with
 * doubled backticks inside, "db"."table" under ANSI_QUOTES, or unquoted;
 * anything after the name (a partition comment) is dropped.  Writes at
 * most cap - 1 bytes and a NUL; returns the length.
 */
static size_t
unquote_name(const char *s, size_t len, char *out, size_t cap)
{
	size_t		i = 0,
				o = 0;

	while (i < len)
	{
		char		q = s[i];

		if (q == '`' || q == '"')
		{
			i++;
			while (i < len)
			{
				if (s[i] == q)
				{
					if (i + 1 < len && s[i + 1] == q)
						i++;	/* doubled quote */
					else
						break;
				}
				if (o + 1 < cap)
					out[o++] = s[i];
				i++;
			}
			i++;				/* closing quote */
		}
		else
		{
			while (i < len && s[i] != '.' && s[i] != ' ')
			{
				if (o + 1 < cap)
					out[o++] = s[i];
				i++;
			}
		}
		if (i < len && s[i] == '.')
		{
			if (o + 1 < cap)
				out[o++] = '.';
			i++;
			continue;
		}
		break;
	}
	o = uk_utf8_cut(out, o, o);
	out[o] = '\0';
	return o;
}

/*
 * Parse the waited-for lock line (RECORD LOCKS ... / TABLE LOCK ...) of
 * member p, whose own transaction id is trx.  False if it is not a lock
 * line of that transaction, or on OOM (*oom).
 */
static bool
innodb_parse_lock(const char *s, size_t len, uint64_t trx,
				  UkDeadlockParticipant *p, bool *oom)
{
	char		tid[40];
	size_t		tlen;
	const char *t,
			   *m,
			   *name;
	size_t		nlen,
				mlen;
	char		table[UK_DEADLOCK_NAME_MAX + 1];
	size_t		tablelen;

	*oom = false;
	tlen = (size_t) snprintf(tid, sizeof(tid), " trx id %llu ", (unsigned long long) trx);
	t = uk_dl_mem_find_last(s, len, tid, tlen);
	if (t == NULL)
		return false;

	if (uk_dl_starts_with(s, len, "RECORD LOCKS "))
	{
		const char *ix = uk_dl_mem_find(s, (size_t) (t - s), " index ", 7);
		const char *of;

		if (ix == NULL)
			return false;
		ix += 7;
		of = uk_dl_mem_find(ix, (size_t) (t - ix), " of table ", 10);
		if (of == NULL)
			return false;
		p->target_kind = UK_LOCK_RECORD;
		nlen = (size_t) (of - ix);
		if (nlen >= 2 && ix[0] == '`' && ix[nlen - 1] == '`')
		{
			char		idx[UK_DEADLOCK_NAME_MAX + 1];
			size_t		il = unquote_name(ix, nlen, idx, sizeof(idx));

			if (!uk_dl_set_text(&p->index_name, idx, il, UK_DEADLOCK_NAME_MAX))
				goto nomem;
		}
		else if (!uk_dl_set_text(&p->index_name, ix, nlen, UK_DEADLOCK_NAME_MAX))
			goto nomem;
		name = of + 10;
	}
	else if (uk_dl_starts_with(s, len, "TABLE LOCK table "))
	{
		p->target_kind = UK_LOCK_RELATION;
		name = s + 17;
	}
	else
		return false;

	if (t < name)
		return false;
	nlen = (size_t) (t - name);
	tablelen = unquote_name(name, nlen, table, sizeof(table));
	if (!uk_dl_set_text(&p->table_name, table, tablelen, UK_DEADLOCK_NAME_MAX))
		goto nomem;
	uk_dl_copy_fixed(p->lock_target, sizeof(p->lock_target), s, (size_t) (t - s));
	p->transaction_id = trx;

	/* the mode: "lock_mode X locks rec but not gap waiting" -> "X locks ..." */
	m = t + tlen;
	mlen = len - (size_t) (m - s);
	if (uk_dl_starts_with(m, mlen, "lock_mode ") || uk_dl_starts_with(m, mlen, "lock mode "))
	{
		m += 10;
		mlen -= 10;
	}
	if (mlen >= 8 && memcmp(m + mlen - 8, " waiting", 8) == 0)
		mlen -= 8;
	uk_dl_copy_fixed(p->lock_mode, sizeof(p->lock_mode), m, mlen);
	return true;

nomem:
	*oom = true;
	return false;
}

/*
 * Parse "MariaDB thread id T, OS thread handle H, query id Q host [ip]
 * user state" into p.  False if the line is not one.
 */
static bool
innodb_parse_thread(const char *s, size_t len, UkDeadlockParticipant *p,
					bool *oom)
{
	size_t		pos;
	uint64_t	tid,
				dummy;
	const char *tok[4];
	size_t		toklen[4];
	int			ntok = 0;
	int			user;

	*oom = false;
	if (uk_dl_starts_with(s, len, "MariaDB thread id "))
		pos = 18;
	else if (uk_dl_starts_with(s, len, "MySQL thread id "))
		pos = 16;
	else
		return false;
	if (!uk_dl_read_uint(s, len, &pos, INT64_MAX, &tid))
		return false;
	p->pid = (int64_t) tid;
	if (!uk_dl_starts_with(s + pos, len - pos, ", OS thread handle "))
		return true;
	pos += 19;
	if (!uk_dl_read_uint(s, len, &pos, UINT64_MAX, &dummy) &&
		!(uk_dl_starts_with(s + pos, len - pos, "0x")))
		return true;
	while (pos < len && s[pos] != ',')
		pos++;
	if (!uk_dl_starts_with(s + pos, len - pos, ", query id "))
		return true;
	pos += 11;
	if (!uk_dl_read_uint(s, len, &pos, UINT64_MAX, &dummy))
		return true;

	/* host, [ip], user, state words */
	while (pos < len && ntok < 4)
	{
		size_t		st;

		while (pos < len && s[pos] == ' ')
			pos++;
		st = pos;
		while (pos < len && s[pos] != ' ')
			pos++;
		if (pos == st)
			break;
		tok[ntok] = s + st;
		toklen[ntok] = pos - st;
		ntok++;
	}
	if (ntok == 0)
		return true;
	user = 1;
	if (ntok >= 3)
	{
		/* "localhost 127.0.0.1 root": a host name followed by its address */
		bool		addr = toklen[1] > 0;
		bool		sep = false;

		for (size_t i = 0; i < toklen[1]; i++)
		{
			char		c = tok[1][i];

			if (c == '.' || c == ':')
				sep = true;
			else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
					   (c >= 'A' && c <= 'F')))
				addr = false;
		}
		if (addr && sep)
			user = 2;
	}
	if (!uk_dl_set_text(&p->host, tok[0], toklen[0], UK_DEADLOCK_NAME_MAX))
		goto nomem;
	if (user < ntok &&
		!uk_dl_set_text(&p->username, tok[user], toklen[user], UK_DEADLOCK_NAME_MAX))
		goto nomem;
	return true;

nomem:
	*oom = true;
	return false;
}

/* Is s (a line) "YYYY-MM-DD HH:MM:SS..."? */
static bool
is_timestamp(const char *s, size_t len)
{
	static const char pat[] = "dddd-dd-dd dd:dd:dd";

	if (len < sizeof(pat) - 1)
		return false;
	for (size_t i = 0; i < sizeof(pat) - 1; i++)
	{
		if (pat[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != pat[i])
			return false;
	}
	return true;
}

/*
 * Parse one member starting just after its "*** (l) TRANSACTION:\n" line.
 * *pos advances to the end of what was used; returns false when the member
 * is not complete (the report was cut or is not what we expect).
 */
static bool
innodb_parse_member(const char *s, size_t len, size_t *pos,
					UkDeadlockParticipant *p, bool *oom)
{
	size_t		i = *pos;
	size_t		ll;
	uint64_t	trx;
	size_t		qstart;
	const char *w;
	size_t		from;

	*oom = false;
	ll = uk_dl_line_len(s + i, len - i);
	if (!uk_dl_starts_with(s + i, ll, "TRANSACTION "))
		return false;
	{
		size_t		np = i + 12;

		if (!uk_dl_read_uint(s, i + ll, &np, UINT64_MAX, &trx))
			return false;
	}
	p->transaction_id = trx;
	i += ll;

	/* header lines up to the thread line (or straight to the wait) */
	qstart = 0;
	for (int k = 0; k < 6 && i < len; k++)
	{
		i++;					/* '\n' */
		ll = uk_dl_line_len(s + i, len - i);
		if (uk_dl_starts_with(s + i, ll, "MariaDB thread id ") ||
			uk_dl_starts_with(s + i, ll, "MySQL thread id "))
		{
			if (!innodb_parse_thread(s + i, ll, p, oom))
				return false;
			i += ll;
			qstart = i;			/* at the '\n' ending the thread line */
			break;
		}
		if (uk_dl_starts_with(s + i, ll, "*** WAITING FOR THIS LOCK TO BE GRANTED:"))
		{
			i--;				/* back to the '\n' before it */
			qstart = i;
			break;
		}
		i += ll;
	}
	if (qstart == 0 || qstart >= len)
	{
		*pos = len;
		return false;
	}

	/* the query ends at the wait marker followed by our own lock line */
	from = qstart;
	for (;;)
	{
		size_t		lstart;

		w = uk_dl_mem_find(s + from, len - from, innodb_waiting, sizeof(innodb_waiting) - 1);
		if (w == NULL)
		{
			/* cut inside the query (or before the lock line): keep the text */
			if (qstart + 1 < len)
			{
				size_t		ql = utf8_trim_partial(s + qstart + 1, len - qstart - 1);

				if (!uk_dl_set_text(&p->query, s + qstart + 1, ql, UK_DEADLOCK_QUERY_MAX))
					*oom = true;
			}
			*pos = len;
			return false;
		}
		lstart = (size_t) (w - s) + sizeof(innodb_waiting) - 1;
		ll = uk_dl_line_len(s + lstart, len - lstart);
		if (lstart + ll < len &&
			innodb_parse_lock(s + lstart, ll, trx, p, oom))
		{
			if ((size_t) (w - s) > qstart)
			{
				size_t		ql = utf8_trim_partial(s + qstart + 1,
												   (size_t) (w - s) - qstart - 1);

				if (!uk_dl_set_text(&p->query, s + qstart + 1, ql, UK_DEADLOCK_QUERY_MAX))
				{
					*oom = true;
					return false;
				}
			}
			*pos = lstart + ll;
			return true;
		}
		if (*oom)
			return false;
		from = (size_t) (w - s) + 1;
	}
}

UkStatus
uk_deadlock_parse_innodb(const char *text, size_t len, UkDeadlock *out,
						 UkError **err)
{
	static const char header[] = "LATEST DETECTED DEADLOCK\n";
	static const char victim_line[] = "*** WE ROLL BACK TRANSACTION (";
	const char *h;
	size_t		pos;
	size_t		first;
	bool		oom;
	bool		seen_victim = false;
	const char *m1;

	if (!uk_dl_deadlock_init(out))
		return uk_dl_deadlock_fail(out, err, UK_ERR_NOMEM, "out of memory");
	out->dialect = UK_SQL_MARIADB;
	if (text == NULL)
		len = 0;

	h = uk_dl_mem_find(text, len, header, sizeof(header) - 1);
	if (h != NULL)
		pos = (size_t) (h - text) + sizeof(header) - 1;
	else
	{
		m1 = uk_dl_mem_find(text, len, "*** (1) TRANSACTION:\n", 21);
		if (m1 == NULL)
			return uk_dl_deadlock_fail(out, err, UK_ERR_NOT_FOUND,
								 "no LATEST DETECTED DEADLOCK section");
		pos = 0;
	}

	/* the timestamp and the first member */
	m1 = uk_dl_mem_find(text + pos, len - pos, "*** (1) TRANSACTION:\n", 21);
	first = m1 != NULL ? (size_t) (m1 - text) : len;
	for (size_t i = pos; i < first;)
	{
		size_t		ll = uk_dl_line_len(text + i, first - i);

		if (is_timestamp(text + i, ll))
		{
			if (!uk_dl_set_text(&out->detected_at, text + i, 19, 19))
				return uk_dl_deadlock_fail(out, err, UK_ERR_NOMEM, "out of memory");
			break;
		}
		i += ll + 1;
	}
	if (m1 == NULL)
		return uk_dl_deadlock_fail(out, err, UK_ERR_INVALID,
							 "no deadlock member could be read from the report");
	pos = first;

	for (;;)
	{
		char		mh[48];
		size_t		mhlen;
		UkDeadlockParticipant *p;
		bool		ok;

		mhlen = (size_t) snprintf(mh, sizeof(mh), "*** (%zu) TRANSACTION:\n", out->n + 1);
		if (!uk_dl_starts_with(text + pos, len - pos, mh))
			break;
		pos += mhlen;
		p = uk_dl_deadlock_add(out, &oom);
		if (oom)
			return uk_dl_deadlock_fail(out, err, UK_ERR_NOMEM, "out of memory");
		if (p == NULL)
		{
			out->incomplete = true;
			break;
		}
		ok = innodb_parse_member(text, len, &pos, p, &oom);
		if (oom)
			return uk_dl_deadlock_fail(out, err, UK_ERR_NOMEM, "out of memory");
		if (!ok)
		{
			out->incomplete = true;
			break;
		}

		/* skip record dumps and conflicting locks up to the next member */
		mhlen = (size_t) snprintf(mh, sizeof(mh), "*** (%zu) TRANSACTION:\n", out->n + 1);
		while (pos < len)
		{
			size_t		ll;

			pos++;				/* '\n' */
			if (pos >= len)
				break;
			ll = uk_dl_line_len(text + pos, len - pos);
			if (uk_dl_starts_with(text + pos, len - pos, mh))
				break;
			if (uk_dl_starts_with(text + pos, ll, victim_line))
			{
				size_t		np = pos + sizeof(victim_line) - 1;
				uint64_t	v;

				if (uk_dl_read_uint(text, pos + ll, &np, UINT64_MAX, &v) &&
					np < pos + ll && text[np] == ')')
				{
					seen_victim = true;
					if (v >= 1 && v <= out->n)
					{
						out->victim = (int) (v - 1);
						out->participants[v - 1].is_victim = true;
					}
				}
				pos = len;
				break;
			}
			pos += ll;
		}
		if (seen_victim || pos >= len)
			break;
	}

	if (out->n == 0)
		return uk_dl_deadlock_fail(out, err, UK_ERR_INVALID,
							 "no deadlock member could be read from the report");
	if (!seen_victim || out->victim < 0 || out->n < 2)
		out->incomplete = true;

	/* cycle order: each member waits for the next, the last for the first */
	for (size_t i = 0; i + 1 < out->n; i++)
		out->participants[i].blocked_by = out->participants[i + 1].pid;
	if (!out->incomplete)
		out->participants[out->n - 1].blocked_by = out->participants[0].pid;
	return UK_OK;
}
