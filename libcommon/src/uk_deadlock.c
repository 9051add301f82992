/*
 * uk_deadlock.c
 *		Parsers for the deadlock reports of PostgreSQL and InnoDB, and the
 *		pattern key that groups recurring deadlocks (see uk_deadlock.h).
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
 * trusts a number it has not range-checked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uk_deadlock.h"
#include "uk_patch.h"
#include "uk_stmt.h"

/* bytes of the statement shape of one member inside a pattern key */
#define UK_DEADLOCK_SHAPE_MAX 1024

/* ---------------------------------------------------------------------- */
/* small text helpers                                                      */
/* ---------------------------------------------------------------------- */

/* First occurrence of needle in hay[0..hlen), or NULL. */
static const char *
mem_find(const char *hay, size_t hlen, const char *needle, size_t nlen)
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
static const char *
mem_find_last(const char *hay, size_t hlen, const char *needle, size_t nlen)
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

static bool
starts_with(const char *s, size_t len, const char *lit)
{
	size_t		n = strlen(lit);

	return len >= n && memcmp(s, lit, n) == 0;
}

/* Length of the line at s (without its '\n'). */
static size_t
line_len(const char *s, size_t len)
{
	const char *nl = memchr(s, '\n', len);

	return nl != NULL ? (size_t) (nl - s) : len;
}

/*
 * Read an unsigned decimal at s[*pos] (at least one digit, no more than
 * max); advances *pos.
 */
static bool
read_uint(const char *s, size_t len, size_t *pos, uint64_t max, uint64_t *out)
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
			if (!read_uint(s, len, &pos, neg || fmt[1] == 'd' ? UINT64_C(2147483648) : UINT32_MAX, &v))
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
static void
copy_fixed(char *dst, size_t cap, const char *s, size_t len)
{
	len = uk_utf8_cut(s, len, cap - 1);
	if (len > 0)
		memcpy(dst, s, len);
	dst[len] = '\0';
}

/* Replace *field by a copy of s[0..len); false on OOM. */
static bool
set_text(char **field, const char *s, size_t len, size_t max)
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
static bool
deadlock_init(UkDeadlock *d)
{
	memset(d, 0, sizeof(*d));
	d->victim = -1;
	d->participants = calloc(UK_DEADLOCK_MAX_PARTICIPANTS,
							 sizeof(UkDeadlockParticipant));
	d->detected_at = dup_cut("", 0, 0);
	return d->participants != NULL && d->detected_at != NULL;
}

/* Append a participant with empty strings; NULL when full or on OOM. */
static UkDeadlockParticipant *
deadlock_add(UkDeadlock *d, bool *oom)
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
static UkStatus
deadlock_fail(UkDeadlock *d, UkError **err, UkStatus code, const char *msg)
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

/* ---------------------------------------------------------------------- */
/* PostgreSQL                                                              */
/* ---------------------------------------------------------------------- */

/* Fill the target fields of p from a DescribeLockTag() text. */
static void
pg_parse_target(UkDeadlockParticipant *p, const char *t, size_t len)
{
	int64_t		v[4] = {0, 0, 0, 0};

	copy_fixed(p->lock_target, sizeof(p->lock_target), t, len);
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

	if (!starts_with(s, len, "Process "))
		return false;
	pos = 8;
	if (!read_uint(s, len, &pos, INT64_MAX, &pid))
		return false;
	if (!starts_with(s + pos, len - pos, " waits for "))
		return false;
	pos += 11;
	mode = s + pos;
	rest = len - pos;
	on = mem_find(mode, rest, " on ", 4);
	if (on == NULL || on == mode)
		return false;
	b = mem_find_last(on, len - (size_t) (on - s), blocked, sizeof(blocked) - 1);
	if (b == NULL || b < on + 4)
		return false;
	pos = (size_t) (b - s) + sizeof(blocked) - 1;
	if (!read_uint(s, len, &pos, INT64_MAX, &next))
		return false;
	if (pos + 1 != len || s[pos] != '.')
		return false;

	p->pid = (int64_t) pid;
	p->blocked_by = (int64_t) next;
	copy_fixed(p->lock_mode, sizeof(p->lock_mode), mode, (size_t) (on - mode));
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

	if (!deadlock_init(out))
		return deadlock_fail(out, err, UK_ERR_NOMEM, "out of memory");
	if (detail == NULL)
		len = 0;

	/* the "waits for" lines */
	while (pos < len)
	{
		size_t		ll = line_len(detail + pos, len - pos);
		UkDeadlockParticipant tmp;
		UkDeadlockParticipant *p;

		memset(&tmp, 0, sizeof(tmp));
		if (!pg_parse_wait_line(detail + pos, ll, &tmp))
			break;
		p = deadlock_add(out, &oom);
		if (oom)
			return deadlock_fail(out, err, UK_ERR_NOMEM, "out of memory");
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
		return deadlock_fail(out, err, UK_ERR_INVALID,
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
	if (!starts_with(detail + pos, len - pos, hdr))
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
		sep = mem_find_last(detail + qstart, end - qstart, hdr, hlen);
		if (sep == NULL)
		{
			/* cut before this member's query: keep the ones found */
			out->incomplete = true;
			continue;
		}
		if (!set_text(&out->participants[i].query, sep + hlen,
					  end - (size_t) (sep - detail) - hlen, UK_DEADLOCK_QUERY_MAX))
			return deadlock_fail(out, err, UK_ERR_NOMEM, "out of memory");
		end = (size_t) (sep - detail);
	}
	if (!set_text(&out->participants[0].query, detail + qstart, end - qstart,
				  UK_DEADLOCK_QUERY_MAX))
		return deadlock_fail(out, err, UK_ERR_NOMEM, "out of memory");
	return UK_OK;
}

/* ---------------------------------------------------------------------- */
/* InnoDB                                                                  */
/* ---------------------------------------------------------------------- */

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
	t = mem_find_last(s, len, tid, tlen);
	if (t == NULL)
		return false;

	if (starts_with(s, len, "RECORD LOCKS "))
	{
		const char *ix = mem_find(s, (size_t) (t - s), " index ", 7);
		const char *of;

		if (ix == NULL)
			return false;
		ix += 7;
		of = mem_find(ix, (size_t) (t - ix), " of table ", 10);
		if (of == NULL)
			return false;
		p->target_kind = UK_LOCK_RECORD;
		nlen = (size_t) (of - ix);
		if (nlen >= 2 && ix[0] == '`' && ix[nlen - 1] == '`')
		{
			char		idx[UK_DEADLOCK_NAME_MAX + 1];
			size_t		il = unquote_name(ix, nlen, idx, sizeof(idx));

			if (!set_text(&p->index_name, idx, il, UK_DEADLOCK_NAME_MAX))
				goto nomem;
		}
		else if (!set_text(&p->index_name, ix, nlen, UK_DEADLOCK_NAME_MAX))
			goto nomem;
		name = of + 10;
	}
	else if (starts_with(s, len, "TABLE LOCK table "))
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
	if (!set_text(&p->table_name, table, tablelen, UK_DEADLOCK_NAME_MAX))
		goto nomem;
	copy_fixed(p->lock_target, sizeof(p->lock_target), s, (size_t) (t - s));
	p->transaction_id = trx;

	/* the mode: "lock_mode X locks rec but not gap waiting" -> "X locks ..." */
	m = t + tlen;
	mlen = len - (size_t) (m - s);
	if (starts_with(m, mlen, "lock_mode ") || starts_with(m, mlen, "lock mode "))
	{
		m += 10;
		mlen -= 10;
	}
	if (mlen >= 8 && memcmp(m + mlen - 8, " waiting", 8) == 0)
		mlen -= 8;
	copy_fixed(p->lock_mode, sizeof(p->lock_mode), m, mlen);
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
	if (starts_with(s, len, "MariaDB thread id "))
		pos = 18;
	else if (starts_with(s, len, "MySQL thread id "))
		pos = 16;
	else
		return false;
	if (!read_uint(s, len, &pos, INT64_MAX, &tid))
		return false;
	p->pid = (int64_t) tid;
	if (!starts_with(s + pos, len - pos, ", OS thread handle "))
		return true;
	pos += 19;
	if (!read_uint(s, len, &pos, UINT64_MAX, &dummy) &&
		!(starts_with(s + pos, len - pos, "0x")))
		return true;
	while (pos < len && s[pos] != ',')
		pos++;
	if (!starts_with(s + pos, len - pos, ", query id "))
		return true;
	pos += 11;
	if (!read_uint(s, len, &pos, UINT64_MAX, &dummy))
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
	if (!set_text(&p->host, tok[0], toklen[0], UK_DEADLOCK_NAME_MAX))
		goto nomem;
	if (user < ntok &&
		!set_text(&p->username, tok[user], toklen[user], UK_DEADLOCK_NAME_MAX))
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
	ll = line_len(s + i, len - i);
	if (!starts_with(s + i, ll, "TRANSACTION "))
		return false;
	{
		size_t		np = i + 12;

		if (!read_uint(s, i + ll, &np, UINT64_MAX, &trx))
			return false;
	}
	p->transaction_id = trx;
	i += ll;

	/* header lines up to the thread line (or straight to the wait) */
	qstart = 0;
	for (int k = 0; k < 6 && i < len; k++)
	{
		i++;					/* '\n' */
		ll = line_len(s + i, len - i);
		if (starts_with(s + i, ll, "MariaDB thread id ") ||
			starts_with(s + i, ll, "MySQL thread id "))
		{
			if (!innodb_parse_thread(s + i, ll, p, oom))
				return false;
			i += ll;
			qstart = i;			/* at the '\n' ending the thread line */
			break;
		}
		if (starts_with(s + i, ll, "*** WAITING FOR THIS LOCK TO BE GRANTED:"))
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

		w = mem_find(s + from, len - from, innodb_waiting, sizeof(innodb_waiting) - 1);
		if (w == NULL)
		{
			/* cut inside the query (or before the lock line): keep the text */
			if (qstart + 1 < len)
			{
				size_t		ql = utf8_trim_partial(s + qstart + 1, len - qstart - 1);

				if (!set_text(&p->query, s + qstart + 1, ql, UK_DEADLOCK_QUERY_MAX))
					*oom = true;
			}
			*pos = len;
			return false;
		}
		lstart = (size_t) (w - s) + sizeof(innodb_waiting) - 1;
		ll = line_len(s + lstart, len - lstart);
		if (lstart + ll < len &&
			innodb_parse_lock(s + lstart, ll, trx, p, oom))
		{
			if ((size_t) (w - s) > qstart)
			{
				size_t		ql = utf8_trim_partial(s + qstart + 1,
												   (size_t) (w - s) - qstart - 1);

				if (!set_text(&p->query, s + qstart + 1, ql, UK_DEADLOCK_QUERY_MAX))
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

	if (!deadlock_init(out))
		return deadlock_fail(out, err, UK_ERR_NOMEM, "out of memory");
	out->dialect = UK_SQL_MARIADB;
	if (text == NULL)
		len = 0;

	h = mem_find(text, len, header, sizeof(header) - 1);
	if (h != NULL)
		pos = (size_t) (h - text) + sizeof(header) - 1;
	else
	{
		m1 = mem_find(text, len, "*** (1) TRANSACTION:\n", 21);
		if (m1 == NULL)
			return deadlock_fail(out, err, UK_ERR_NOT_FOUND,
								 "no LATEST DETECTED DEADLOCK section");
		pos = 0;
	}

	/* the timestamp and the first member */
	m1 = mem_find(text + pos, len - pos, "*** (1) TRANSACTION:\n", 21);
	first = m1 != NULL ? (size_t) (m1 - text) : len;
	for (size_t i = pos; i < first;)
	{
		size_t		ll = line_len(text + i, first - i);

		if (is_timestamp(text + i, ll))
		{
			if (!set_text(&out->detected_at, text + i, 19, 19))
				return deadlock_fail(out, err, UK_ERR_NOMEM, "out of memory");
			break;
		}
		i += ll + 1;
	}
	if (m1 == NULL)
		return deadlock_fail(out, err, UK_ERR_INVALID,
							 "no deadlock member could be read from the report");
	pos = first;

	for (;;)
	{
		char		mh[48];
		size_t		mhlen;
		UkDeadlockParticipant *p;
		bool		ok;

		mhlen = (size_t) snprintf(mh, sizeof(mh), "*** (%zu) TRANSACTION:\n", out->n + 1);
		if (!starts_with(text + pos, len - pos, mh))
			break;
		pos += mhlen;
		p = deadlock_add(out, &oom);
		if (oom)
			return deadlock_fail(out, err, UK_ERR_NOMEM, "out of memory");
		if (p == NULL)
		{
			out->incomplete = true;
			break;
		}
		ok = innodb_parse_member(text, len, &pos, p, &oom);
		if (oom)
			return deadlock_fail(out, err, UK_ERR_NOMEM, "out of memory");
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
			ll = line_len(text + pos, len - pos);
			if (starts_with(text + pos, len - pos, mh))
				break;
			if (starts_with(text + pos, ll, victim_line))
			{
				size_t		np = pos + sizeof(victim_line) - 1;
				uint64_t	v;

				if (read_uint(text, pos + ll, &np, UINT64_MAX, &v) &&
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
		return deadlock_fail(out, err, UK_ERR_INVALID,
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
